"""What the offline simulator says: honest, content-aware, deterministic replies.

Both endpoint families (Chat Completions and Responses) first turn their request into a
:class:`Prompt`, then share everything here: the reply in the prompt's language, the
wording picked by ``seed``, ``stop`` sequences and token limits.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from . import tokenizer as tokens

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Chinese character (the simulator's one test for "written in Chinese")."""
    return bool(_HAN.search(text))


@dataclass
class Turn:
    """One message: its role, its text, the images it carries and its author's ``name``."""

    role: str
    text: str
    images: list = field(default_factory=list)
    name: str | None = None


@dataclass
class Prompt:
    """A request reduced to what a reply depends on."""

    turns: list[Turn]
    settings: dict[str, object] = field(default_factory=dict)
    verbosity: str = "medium"  # ``low`` shortens the reply, ``high`` lengthens it

    @property
    def last_user(self) -> str:
        for turn in reversed(self.turns):
            if turn.role == "user":
                return turn.text
        return ""

    @property
    def language(self) -> str:
        """``zh`` when the latest user message is Chinese, else ``en``."""
        return "zh" if has_han(self.last_user or self.all_text) else "en"

    @property
    def all_text(self) -> str:
        return "\n".join(t.text for t in self.turns)

    def count(self, role: str) -> int:
        return sum(1 for t in self.turns if t.role == role)

    def images(self) -> list:
        return [img for t in self.turns for img in t.images]


def stable_hash(*parts: object) -> int:
    """A hash that is the same in every process (unlike ``hash()``)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def quote(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def quoted(text: str, zh: bool, limit: int = 60) -> str:
    """``text`` in quotation marks, ending the sentence unless the quote already does."""
    inner = quote(text, limit)
    end = "" if inner.endswith(("。", "！", "？", ".", "!", "?", "…")) else ("。" if zh else ".")
    return f"“{inner}”{end}"


def variant(seed: object, index: int, options: int) -> int:
    """Which wording to use: choice ``index`` without a seed, else counted on from the seed's own.

    Consecutive indexes (the ``n`` choices of one request, the draws of repeated requests) get
    consecutive wordings either way, so they differ until the ``options`` run out.
    """
    if seed is None:
        return index % options
    return (stable_hash("seed", seed, 0) + index) % options


# Wordings, by language. Each list is one sentence slot; the seed picks one per slot.
_OPENERS = {
    "en": [
        "[Offline simulation] This reply comes from the kit's offline simulator, not from a real model.",
        "[Offline simulation] You are talking to the kit's local simulator; no model was called.",
        "[Offline simulation] Simulated answer: the kit answered locally, without any network.",
        "[Offline simulation] No model wrote this: the kit's simulator answers when no key is set.",
        "[Offline simulation] A stand-in reply from the simulator that ships with the kit.",
    ],
    "zh": [
        "【离线模拟】这条回复来自教程套件的离线模拟器，不是真实模型。",
        "【离线模拟】你现在连接的是本地模拟器，没有调用任何模型。",
        "【离线模拟】这是模拟回答：套件在本机生成，没有联网。",
        "【离线模拟】这段话不是模型写的：没有设置密钥时，由套件的模拟器回答。",
        "【离线模拟】这是套件自带模拟器给出的替代回答。",
    ],
}
_CLOSERS = {
    "en": [
        "With a real key, a model answers here instead.",
        "Set OPENAI_API_KEY to get a real model's answer.",
        "Add a key (or a compatible endpoint) and the same code gets a real answer.",
        "Once a key is set, this request goes to a real model.",
        "A real model's answer needs a key; the code stays the same.",
    ],
    "zh": [
        "配置好真实的 API Key 后，这里会是模型的回答。",
        "设置 OPENAI_API_KEY 后，同样的代码会得到真实模型的回答。",
        "换成真实 Key 或兼容接口，这段代码就会得到真正的回答。",
        "设置密钥之后，这个请求会发给真实模型。",
        "要得到真实模型的回答需要密钥；代码不用改。",
    ],
}


def _wording(seed: object, index: int, lang: str) -> tuple[str, str]:
    """The opener and closer of wording ``index``: every pair once in the first openers x closers."""
    openers, closers = _OPENERS[lang], _CLOSERS[lang]
    k = variant(seed, index, len(openers) * len(closers))
    return openers[k % len(openers)], closers[(k // len(openers) + k + 1) % len(closers)]


def _roles_summary(prompt: Prompt, lang: str) -> str:
    order = ["developer", "system", "user", "assistant"]
    counts = [(role, prompt.count(role)) for role in order if prompt.count(role)]
    if lang == "zh":
        return "，".join(f"{role} {n} 条" for role, n in counts)
    return ", ".join(f"{role} {n}" for role, n in counts)


def _settings_summary(prompt: Prompt) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(prompt.settings.items()))


def compose_reply(prompt: Prompt, seed: object = None, index: int = 0, extra: list[str] | None = None) -> str:
    """The simulated answer to ``prompt``: what was asked, which roles and settings it saw.

    ``extra`` sentences (for example image descriptions) go after the question.
    """
    lang = prompt.language
    zh = lang == "zh"
    opener, closer = _wording(seed, index, lang)
    parts = [opener]
    question = prompt.last_user
    if question:
        parts.append(f"你的问题是：{quoted(question, zh)}" if zh else f"You asked: {quoted(question, zh)}")
    parts.extend(extra or [])
    head = len(parts)
    instructions = [t.text for t in prompt.turns if t.role in ("system", "developer") and t.text]
    if instructions:
        text = quoted(instructions[-1], zh)
        parts.append(f"我会遵循这条指令：{text}" if zh else f"I follow your instruction: {text}")
    users = [t.text for t in prompt.turns if t.role == "user"]
    if len(users) > 1:
        earlier = quoted(users[-2], zh, 40)
        parts.append(
            f"这是第 {len(users)} 轮对话；你上一条消息是：{earlier}"
            if zh
            else f"This is turn {len(users)} of the conversation; your previous message was: {earlier}"
        )
    replies = [t.text for t in prompt.turns if t.role == "assistant"]
    if replies:
        latest = quoted(replies[-1], zh, 40)
        parts.append(
            f"我看到了 {len(replies)} 条之前的 assistant 回复（示例或历史），最近一条是：{latest}"
            if zh
            else f"I see {len(replies)} earlier assistant {'reply' if len(replies) == 1 else 'replies'} (examples or history); the latest: {latest}"
        )
    summary = _roles_summary(prompt, lang)
    parts.append(f"消息角色：{summary}。" if zh else f"Messages by role: {summary}.")
    if prompt.settings:
        settings = _settings_summary(prompt)
        parts.append(f"参数：{settings}。" if zh else f"Settings: {settings}.")
    if prompt.verbosity == "low":
        parts = parts[:head]
    elif prompt.verbosity == "high":
        parts.append(more_detail(prompt, zh))
    parts.append(closer)
    if index >= len(_OPENERS[lang]) * len(_CLOSERS[lang]):  # more samples than wordings: still each its own
        parts.append(f"这是同一请求的第 {index + 1} 个样本。" if zh else f"This is sample {index + 1} of the same request.")
    return "".join(parts) if zh else " ".join(parts)


def more_detail(prompt: Prompt, zh: bool) -> str:
    """The extra sentence a ``high`` verbosity reply carries."""
    question = prompt.last_user or prompt.all_text
    count = tokens.count_tokens(question)
    lines = question.count("\n") + 1
    if zh:
        return (
            f"更详细地说（verbosity=high）：你最新的消息有 {len(question)} 个字符、{lines} 行、约 {count} 个 token；"
            "真实模型会在这里给出更长、更完整的回答。"
        )
    return (
        f"In more detail (verbosity=high): your latest message has {len(question)} characters, {lines} "
        f"line{'s' if lines != 1 else ''} and about {count} tokens; a real model would give a longer, fuller answer here."
    )


def apply_stop(text: str, stop: list[str]) -> tuple[str, bool]:
    """Cut ``text`` before the first stop sequence; say whether one was found."""
    cut = min((i for i in (text.find(s) for s in stop if s) if i >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


def truncate(text: str, limit: int | None) -> tuple[str, bool]:
    """Keep at most ``limit`` tokens of ``text``; say whether it was cut."""
    if limit is None:
        return text, False
    ids = tokens.encode(text)
    if len(ids) <= limit:
        return text, False
    return tokens.decode(ids[:limit]), True


def pieces(text: str) -> list[str]:
    """``text`` split into stream deltas of about one token each.

    A token can end inside a multi-byte character (common in Chinese); such tokens are
    joined with the next ones so every delta is valid text.
    """
    enc = tokens.encoding()
    out: list[str] = []
    buffer = b""
    for token in enc.encode_ordinary(text):
        buffer += enc.decode_single_token_bytes(token)
        try:
            out.append(buffer.decode("utf-8"))
        except UnicodeDecodeError:
            continue
        buffer = b""
    if buffer:
        out.append(buffer.decode("utf-8", errors="ignore"))
    return out
