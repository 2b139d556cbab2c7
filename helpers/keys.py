"""Everything the kit knows about API keys: their formats, their mistakes, and hiding them.

Introduced in lesson 01 (key setup): the banner of ``get_client()`` shows the key as
``sk-proj-…abcd``, enough to tell two keys apart, never enough to use one. Lesson 05
(security) uses the same formats in the secret scanner. Every text that may hold a key
(a server's error, a proxy error, a setting typed into the wrong variable) goes through
:func:`redact` before anyone sees it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .messages import Message, message
from .urls import QUOTES, mask_credentials

FAIL, WARN = "fail", "warn"

# (name, pattern). Order matters only for the label; every match is reported once.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("OpenAI project/service/admin key", re.compile(r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}")),
    # Bounded before the marker: unbounded, a long line of "sk-" made it backtrack quadratically.
    ("OpenAI key (watermarked)", re.compile(r"sk-[A-Za-z0-9_-]{8,200}T3BlbkFJ[A-Za-z0-9_-]{8,}")),
    ("OpenAI legacy key", re.compile(r"\bsk-[A-Za-z0-9]{48}\b")),
    ("Anthropic key", re.compile(r"sk-ant-[A-Za-z0-9_-]{20,}")),
    ("OpenRouter key", re.compile(r"sk-or-v1-[a-f0-9]{64}")),
    ("Compatible-provider key (sk- + 32 hex, e.g. DeepSeek, DashScope)", re.compile(r"\bsk-[a-f0-9]{32}\b")),
    ("Zhipu key", re.compile(r"\b[a-f0-9]{32}\.[A-Za-z0-9]{16}\b")),
    ("Groq key", re.compile(r"\bgsk_[A-Za-z0-9]{40,}\b")),
]

#: How each kind of :data:`PATTERNS` reads to a learner (the names above stay the kinds' identifiers).
KIND_LABELS: dict[str, Message] = {
    "OpenAI project/service/admin key": message("OpenAI project/service/admin key", "OpenAI 项目/服务账号/管理员密钥"),
    "OpenAI key (watermarked)": message("OpenAI key (watermarked)", "OpenAI 密钥（带水印）"),
    "OpenAI legacy key": message("OpenAI legacy key", "OpenAI 旧格式密钥"),
    "Anthropic key": message("Anthropic key", "Anthropic 密钥"),
    "OpenRouter key": message("OpenRouter key", "OpenRouter 密钥"),
    "Compatible-provider key (sk- + 32 hex, e.g. DeepSeek, DashScope)": message(
        "Compatible-provider key (sk- + 32 hex, e.g. DeepSeek, DashScope)",
        "兼容服务商密钥（sk- 加 32 位十六进制，例如 DeepSeek、DashScope）"),
    "Zhipu key": message("Zhipu key", "智谱密钥"),
    "Groq key": message("Groq key", "Groq 密钥"),
}

#: Which presets (``helpers/providers.toml`` ids) each key format belongs to, by the start of its kind.
KEY_KIND_PRESETS: dict[str, tuple[str, ...]] = {
    "OpenAI": ("openai",),
    "OpenRouter": ("openrouter",),
    "Zhipu": ("zhipu",),
    "Compatible-provider": ("deepseek", "qwen", "siliconflow", "moonshot"),
}

#: Values left over from a template (``your-api-key-here``, ``sk-...``, ``<key>``, ``sk-xxxx``).
PLACEHOLDER = re.compile(r"(?i)your|key[-_ ]?here|<|>|\.\.\.|…|x{4,}|\*{3,}|^sk-$|^(sk-)?(xxx|abc|123)")
#: Shorter than any real key of any provider the kit knows (the shortest are about 32 characters).
MIN_KEY_LENGTH = 20
#: Secrets shorter than this are not searched for in text (they would match ordinary words).
MIN_SECRET_LENGTH = 6

# Known prefixes we keep visible: they say what kind of key it is, not the secret.
_PREFIX = re.compile(r"^(sk-(?:proj|svcacct|admin|or-v1|ant)-|sk-|gsk_|xai-)")
_OPENAI_KEYS = [pattern for kind, pattern in PATTERNS if kind.startswith("OpenAI")]

NOT_A_STR = message("mask_key() needs the key as a str: pass the text of the key, not {type}.",
                    "mask_key() 需要字符串形式的密钥，收到的是 {type}。")
_QUOTED = message("the key is wrapped in quotes that became part of it", "密钥两侧的引号成了密钥的一部分")
_QUOTED_FIX = message("delete the quotes around the key", "删掉密钥两侧的引号")
_SPACES = message("the key has spaces or a line break around it", "密钥前后有空格或换行")
_SPACES_FIX = message("delete the spaces around the key (get_client() strips them; a plain OpenAI() sends them)",
                      "删掉密钥前后的空格（get_client() 会去掉，但直接用 OpenAI() 会原样发送）")
_CHARACTER = message(
    "character {position} of {length} is U+{code:04X} ({name}), not plain ASCII "
    "(pasted from a chat app or a Chinese input method?)",
    "第 {position} 个字符（共 {length} 个）是 U+{code:04X}（{name}），不是普通 ASCII 字符（从聊天软件复制或用了中文输入法？）",
)
_RETYPE_FIX = message("retype character {position} as '{ascii}'", "把第 {position} 个字符重新输入为 '{ascii}'")
_DELETE_FIX = message("delete character {position}", "删掉第 {position} 个字符")
_MORE = message("{count} more such characters", "另有 {count} 个这样的字符")
_COPY_AGAIN = message("copy the key again from the provider's page", "从服务商的页面重新复制密钥")
_PLACEHOLDER_TEXT = message("the key still looks like the template's placeholder", "密钥看起来还是模板里的占位文字")
_PLACEHOLDER_FIX = message("paste your real key from the provider's page", "从服务商的页面粘贴你真正的密钥")
_TOO_SHORT = message("the key has only {length} characters; real keys are much longer (cut off when copied?)",
                     "密钥只有 {length} 个字符，真正的密钥要长得多（复制时被截断了？）")
_NON_ASCII = message("it holds a character that is not plain ASCII", "含有非 ASCII 字符")
UNSENDABLE = message(
    "{variable} ({masked}, {source}) cannot be sent in a request header: {problem}. Copy the key again from your "
    "provider's page; then run get_client() again.",
    "{variable}（{masked}，{source}）无法放进请求头发送：{problem}。请从服务商页面重新复制密钥，然后重新运行 get_client()。",
)
UNSENDABLE_FIX = message(
    "{variable} ({masked}, {source}) cannot be sent in a request header: {problem}. Fix: {fix}, or copy the key "
    "again from your provider's page; then run get_client() again.",
    "{variable}（{masked}，{source}）无法放进请求头发送：{problem}。请{fix}，或从服务商页面重新复制密钥，然后重新运行 get_client()。",
)

KEY_NOTE = message("{variable}: {problem}; {fix}. Requests will fail with 401 until then.",
                   "{variable}：{problem}；{fix}。在此之前请求会返回 401。")


@dataclass(frozen=True)
class KeyProblem:
    """One mistake in a key as written: how bad (``fail``/``warn``), what is wrong, how to fix it.

    Never holds the key: positions, lengths and code points only.
    """

    severity: str
    problem: Message
    fix: Message
    #: A stable name: quotes, spaces, character, more_characters, placeholder, too_short.
    kind: str


def mask_key(key: str | None) -> str:
    """``sk-proj-…abcd`` for a key; ``(none)`` when there is none.

    When the secret part (after a known prefix) is under 12 characters, no character of
    it is shown at all.
    """
    if key is not None and not isinstance(key, str):
        # The value itself is never echoed: it may be a key in the wrong wrapper (bytes, a list).
        raise TypeError(str(NOT_A_STR.format(type=type(key).__name__)))
    key = key.strip() if key else ""
    if not key:
        return "(none)"
    match = _PREFIX.match(key)
    prefix = match.group(1) if match else ""
    if len(key) - len(prefix) < 12:
        return f"{prefix}…"
    return f"{prefix}…{key[-4:]}"


def contains_key(text: str) -> bool:
    """True when ``text`` holds anything in one of the key formats of :data:`PATTERNS`."""
    return any(pattern.search(text) for _, pattern in PATTERNS)


def is_openai_key(key: str) -> bool:
    """True for a key in one of OpenAI's formats: the kit never sends one to another provider."""
    return any(pattern.fullmatch(key) for pattern in _OPENAI_KEYS)


def key_kind(key: str) -> tuple[str, tuple[str, ...]] | None:
    """(kind, preset ids) of the provider a key's format points to, or None when unrecognised."""
    for kind, pattern in PATTERNS:
        if pattern.fullmatch(key):
            owners = next((ids for start, ids in KEY_KIND_PRESETS.items() if kind.startswith(start)), ())
            return kind, owners
    return None


def key_belongs_elsewhere(key: str, preset_id: str) -> tuple[str, tuple[str, ...]] | None:
    """(kind, owner preset ids) when the key's format says it belongs to another provider than ``preset_id``."""
    kind = key_kind(unquote_key(key))
    if kind is None or not kind[1] or preset_id in kind[1]:
        return None
    return kind


def unquote_key(value: str) -> str:
    """``value`` without the spaces and quotes around it (the key a learner meant)."""
    return value.strip().strip(QUOTES).strip()


def key_problems(value: str) -> list[KeyProblem]:
    """Every problem in a key as written (quotes, spaces, odd characters, placeholder, too short)."""
    found: list[KeyProblem] = []
    inner = value.strip()  # quotes count inside spaces too: ' “sk-…” '
    unquoted = inner.strip(QUOTES)
    if unquoted != inner:
        found.append(KeyProblem(FAIL, _QUOTED, _QUOTED_FIX, "quotes"))
    if value != inner or unquoted != unquoted.strip():  # spaces around the key, or inside its quotes
        found.append(KeyProblem(WARN, _SPACES, _SPACES_FIX, "spaces"))
    stripped = unquoted.strip()
    found.extend(_character_problems(stripped))
    if PLACEHOLDER.search(stripped):
        found.append(KeyProblem(FAIL, _PLACEHOLDER_TEXT, _PLACEHOLDER_FIX, "placeholder"))
    elif 0 < len(stripped) < MIN_KEY_LENGTH:
        found.append(KeyProblem(WARN, _TOO_SHORT.format(length=len(stripped)), _COPY_AGAIN, "too_short"))
    return found


def _character_problems(key: str) -> list[KeyProblem]:
    """One problem for each of the first five characters no key has (non-ASCII, control, space)."""
    odd = [(i, ch) for i, ch in enumerate(key, start=1) if not (ch.isascii() and ch.isprintable() and not ch.isspace())]
    found = []
    for position, ch in odd[:5]:
        ascii_form = unicodedata.normalize("NFKC", ch)
        if ascii_form.isascii() and ascii_form.strip() and len(ascii_form) == 1:
            fix = _RETYPE_FIX.format(position=position, ascii=ascii_form)
        else:
            fix = _DELETE_FIX.format(position=position)
        name = unicodedata.name(ch, "a control character")
        problem = _CHARACTER.format(position=position, length=len(key), code=ord(ch), name=name)
        found.append(KeyProblem(FAIL, problem, fix, "character"))
    if len(odd) > 5:
        found.append(KeyProblem(FAIL, _MORE.format(count=len(odd) - 5), _COPY_AGAIN, "more_characters"))
    return found


#: The places a key is read from (``Settings.key_source`` names them in English).
SOURCE_LABELS = {"environment": message("environment", "环境变量"), ".env": message(".env", ".env 文件"),
                 "Colab Secrets": message("Colab Secrets", "Colab 密钥（Secrets）")}


def source_label(source: str) -> Message:
    """Where a key came from, in the reader's words ("OPENAI_API_KEY, environment" -> "OPENAI_API_KEY，环境变量")."""
    parts = [SOURCE_LABELS.get(part, Message.same(part)) for part in source.split(", ")]
    return Message(", ".join(p.en for p in parts), "，".join(p.zh for p in parts))


def unsendable_key(key: str | None, source: str) -> Message | None:
    """The error for a key no HTTP header can carry (control characters, non-ASCII), else None.

    Sent as it is, such a key makes httpx fail with the key in its message
    (``Illegal header value b'Bearer sk-...'``), so ``get_client()`` refuses it first.
    ``source`` is the banner's (``environment``, ``.env``, ``DEEPSEEK_API_KEY, .env``...).
    """
    if not key or all(" " <= ch <= "~" for ch in key):
        return None
    variable = source.split(", ")[0] if ", " in source else "OPENAI_API_KEY"
    # Typographic quotes (“sk-…”, pasted from a chat app) are non-ASCII: name them as quotes, as the
    # note for straight quotes does, not as two odd characters.
    found = [p for p in key_problems(key) if p.kind in ("quotes", "character")]
    fields = {"variable": variable, "masked": repr(mask_key(key)), "source": source_label(source)}
    if not found:
        return UNSENDABLE.format(problem=_NON_ASCII, **fields)
    return UNSENDABLE_FIX.format(problem=found[0].problem, fix=found[0].fix, **fields)




def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every known secret and every key-like string masked, and URL credentials hidden.

    The one redaction of the kit: pass the secrets you know (the configured keys) as
    ``secrets``; key formats from :data:`PATTERNS` are masked whether passed or not.
    """
    known = {form for value in secrets if value for form in (value, value.strip(), unquote_key(value))}
    for secret in sorted((s for s in known if len(s) >= MIN_SECRET_LENGTH), key=len, reverse=True):
        text = text.replace(secret, mask_key(unquote_key(secret)))
    for _, pattern in PATTERNS:
        text = pattern.sub(lambda m: mask_key(m.group(0)), text)
    return mask_credentials(text)
