"""Quick checks of what the learner configured, run by every ``get_client()``.

Introduced in lesson 01 (key setup): the mistakes beginners make in ``.env`` end up here
as one-line notes that name the problem and the fix, never the key. These checks read
only the settings (no network); ``make doctor`` (helpers/doctor.py) goes deeper.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

from . import models

# A line that leaves the key empty on purpose (the .env.example template): not a mistake.
_EMPTY_KEY_LINE = re.compile(r"^\s*(export\s+)?OPENAI_API_KEY\s*=\s*(#.*)?$")


def lost_key_line(path: Path | None, file_key: str | None) -> str | None:
    """A note when a ``.env`` line mentions the key but python-dotenv did not read one."""
    if path is None or file_key:
        return None
    try:
        lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return None
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#") or _EMPTY_KEY_LINE.match(text):
            continue
        if "openai_api_key" in text.lower() or text.startswith("sk-"):
            return (
                f".env line {number} looks like your key but was not read as OPENAI_API_KEY. Write it as "
                "OPENAI_API_KEY=<key> (upper case, an ASCII '=', quotes in pairs or none); `make doctor` shows more. "
                f"/ .env 第 {number} 行像是密钥，但没有被读成 OPENAI_API_KEY。请写成 OPENAI_API_KEY=<密钥>"
                "（大写、半角等号、引号成对或不用）。"
            )
    return None


def env_file_not_a_file(path: Path) -> str:
    """The note for ``get_client(env_file=...)`` naming a folder or a path that does not exist."""
    if path.is_dir():
        inside = path / ".env"
        hint = f"env_file='{inside}'" if inside.is_file() else "env_file='<folder>/.env'"
        en, zh = f"is a folder, not a file: pass the file itself, e.g. {hint}", f"是文件夹而不是文件：请传入文件本身，例如 {hint}"
    else:
        en = "was not found: check the name, and that a relative path starts from the notebook's folder (env_file='../.env')"
        zh = "不存在：请检查文件名，相对路径从笔记本所在文件夹算起（env_file='../.env'）"
    return (
        f"env_file='{path}' {en}. No .env was read; settings come from the environment only. "
        f"/ env_file='{path}' {zh}。未读取任何 .env，只使用环境变量中的设置。"
    )


def key_characters(key: str | None) -> str | None:
    """A note when the key holds characters no key has (quotes, spaces, full-width)."""
    if not key:
        return None
    from .doctor import key_problems  # the doctor's checks; imported late (it imports this package)

    problems = [p for p in key_problems(key) if "placeholder" not in p[1]]
    if not problems:
        return None
    _, en, zh, fix_en, fix_zh = problems[0]
    return (
        f"OPENAI_API_KEY: {en}; {fix_en}. Requests will fail with 401 until then. "
        f"/ OPENAI_API_KEY：{zh}；{fix_zh}。"
    )


def unsendable_key(key: str | None, source: str) -> str | None:
    """The error for a key no HTTP header can carry (control characters, non-ASCII), else None.

    Sent as it is, such a key makes httpx fail with the key in its message
    (``Illegal header value b'Bearer sk-...'``), so ``get_client()`` refuses it first.
    """
    if not key or all(" " <= ch <= "~" for ch in key):
        return None
    from .doctor import key_problems  # imported late (it imports this package)
    from .keys import mask_key

    variable = source.split(", ")[0] if ", " in source else "OPENAI_API_KEY"
    found = [p for p in key_problems(key) if "character" in p[1]] or [("", "it holds a character that is not plain ASCII",
                                                                        "含有非 ASCII 字符", "", "")]
    _, en, zh, fix_en, fix_zh = found[0]
    return (
        f"{variable} ({mask_key(key)!r}, {source}) cannot be sent in a request header: {en}. "
        f"{fix_en.capitalize() + ', or c' if fix_en else 'C'}opy the key again from your provider's page; "
        f"then run get_client() again. / {variable}（{source}）无法放进请求头发送：{zh}。"
        f"{fix_zh + '，或' if fix_zh else '请'}从服务商页面重新复制密钥，然后重新运行 get_client()。"
    )


def model_name(name: str, variable: str) -> str | None:
    """A note when a configured model name is probably mistyped."""
    known = models.sdk_chat_models()
    if name in known:
        return None
    if any(ch.isspace() for ch in name) or name.lower() in known:
        fixed = "-".join(name.lower().split())
        hint = f" Did you mean '{fixed}'?" if fixed in known else ""
        return (
            f"{variable}='{name}' has spaces or capitals; model names are lower case with hyphens.{hint} "
            f"/ {variable}='{name}' 含有空格或大写字母，模型名应为小写并用连字符。"
        )
    close = difflib.get_close_matches(name, models.current_models(), n=1, cutoff=0.9)
    if close:
        return (
            f"{variable}='{name}' is not a model the SDK knows. Did you mean '{close[0]}'? "
            f"/ {variable}='{name}' 不是已知模型名，是不是 '{close[0]}'？"
        )
    return None


def base_url(url: str | None) -> str | None:
    """A note when the base URL has no ``http://`` or ``https://``."""
    if not url or url.startswith(("http://", "https://")):
        return None
    return (
        f"OPENAI_BASE_URL '{url}' has no http:// or https:// at the start; every request will fail. "
        f"Write it as https://{url}. / OPENAI_BASE_URL 缺少开头的 https://，请写成 https://{url}。"
    )


#: Settings that must never hold a key; a learner sometimes pastes one into the wrong line.
NOT_FOR_KEYS = ("OPENAI_MODEL", "OPENAI_VISION_MODEL", "OPENAI_BASE_URL", "OPENAI_API_BASE", "KIT_PROVIDER", "KIT_SIMULATOR_URL")


def keys_in_wrong_places(environ: dict[str, str] | os._Environ[str]) -> list[str]:
    """Remove key-like values from settings that are not keys; return a masked note for each."""
    from .secrets_scan import PATTERNS, redact

    notes = []
    for name in NOT_FOR_KEYS:
        value = environ.get(name)
        if value and any(pattern.search(value) for _, pattern in PATTERNS):
            del environ[name]  # never sent anywhere, never printed whole
            notes.append(
                f"{name} holds what looks like an API key ({redact(value)}), so it was ignored. Keys belong in "
                f"OPENAI_API_KEY (or the provider's key variable); rotate the key if this file was shared. "
                f"/ {name} 里像是一个 API 密钥，已忽略。密钥只应写在 OPENAI_API_KEY（或服务商的密钥变量）里。"
            )
    return notes
