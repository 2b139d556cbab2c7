"""Capability probe: find out what an endpoint and model really support, with tiny calls.

Introduced in the lesson on OpenAI-compatible endpoints. Providers that speak the OpenAI
protocol agree on basic Chat Completions; JSON Schema, image input, usage in streams, the
``max_completion_tokens`` name and the Responses API vary by provider and by model. Rather
than keep a table that goes stale, :func:`probe` asks the endpoint itself: about nine calls,
each limited to 16 output tokens, without retries and with a short timeout.

Each check is ``True`` (accepted), ``False`` (refused: the endpoint answered 4xx) or
``None`` (unknown: network error, rejected key, rate limit, server error, model not found),
with a one-line reason. "Accepted" means the endpoint took the request; a provider that
silently ignores a parameter shows up only where the answer reveals it (no usage chunk).

Results are cached in memory per endpoint, model, vision model and custom headers, and on
disk in ``.kit-cache/probe-<hash>.json`` (for remote endpoints, by default; a week at most)
so the next lesson need not probe again. ``refresh=True`` probes anew. Keys never appear in
a reason, in the cache file or in its name.

No library fitted: the SDK records no capabilities, and provider tables are prose.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import openai

from .config import find_env_file
from .messages import EN, ZH, Message, message, reader_language
from .probe_calls import MAX_OUTPUT_TOKENS, Findings, run_checks
from .urls import is_loopback, strip_credentials

#: The checks, in the order they run and are listed.
CHECKS = (
    "models_list", "chat", "streaming", "stream_usage", "json_mode", "json_schema",
    "vision", "max_completion_tokens", "max_tokens", "responses_api",
)
#: The name of each check, as the checklist shows it.
LABELS: dict[str, Message] = {
    "models_list": message("List models (GET /models)", "列出模型（GET /models）"),
    "chat": message("Chat Completions", "基础对话（Chat Completions）"),
    "streaming": message("Streaming (stream=True)", "流式输出（stream=True）"),
    "stream_usage": message("Usage in streams (stream_options.include_usage)", "流式用量（stream_options.include_usage）"),
    "json_mode": message("JSON mode (json_object)", "JSON 模式（json_object）"),
    "json_schema": message("Structured Outputs (json_schema, strict)", "结构化输出（json_schema，strict）"),
    "vision": message("Image input", "图像输入"),
    "max_completion_tokens": message("max_completion_tokens", "max_completion_tokens 参数"),
    "max_tokens": message("max_tokens (older name)", "max_tokens（旧参数名）"),
    "responses_api": message("Responses API (POST /responses)", "Responses API 接口（POST /responses）"),
}
UNKNOWN_CHECK = message("Unknown check {name!r}; use one of: {checks}.", "未知的检查项 {name!r}；请使用其中之一：{checks}。")
HEADING = message("What {model} at {url} supports:", "{url} 上的 {model} 支持：")
UNKNOWN_REASON = message("unknown", "未知")
SKIP = message("This endpoint does not support {label} (probe: {reason}); {instead}.",
               "此接口不支持{label}（probe：{reason}），{instead}。")
SKIP_CELL = message("skipping this cell", "跳过本单元格")
DEFAULT_TIMEOUT = 20.0
#: A disk entry older than this is probed again.
MAX_AGE = dt.timedelta(days=7)
CACHE_FOLDER = ".kit-cache"
_MARKS = {True: "✓", False: "✗", None: "?"}

_MEMORY: dict[str, "Capabilities"] = {}
_LOCK = threading.Lock()


@dataclass
class Capabilities:
    """What one endpoint + model accepted. Each check: True, False or None (unknown)."""

    base_url: str
    model: str
    vision_model: str
    models_list: bool | None = None
    chat: bool | None = None
    streaming: bool | None = None
    stream_usage: bool | None = None
    json_mode: bool | None = None
    json_schema: bool | None = None
    vision: bool | None = None
    max_completion_tokens: bool | None = None
    max_tokens: bool | None = None
    responses_api: bool | None = None
    #: One line per check, in both languages: the status and what the endpoint said (keys masked).
    reasons: dict[str, Message] = field(default_factory=dict)
    #: When the probe ran (UTC, ISO 8601).
    checked_at: str = ""
    #: True when this came from the memory or disk cache rather than new calls.
    from_cache: bool = False

    def supports(self, name: str) -> bool:
        """True only if the check ``name`` passed (False when refused or unknown)."""
        if name not in CHECKS:
            raise ValueError(UNKNOWN_CHECK.format(name=name, checks=", ".join(CHECKS)).render())
        return getattr(self, name) is True

    def as_table(self) -> dict[str, bool | None]:
        """``{check: True/False/None}`` in the order of :data:`CHECKS`."""
        return {name: getattr(self, name) for name in CHECKS}

    def checklist(self, lang: str | None = None) -> str:
        """One ✓/✗/? line per check with its reason, in ``lang`` (``"zh"``, ``"en"``; ``None``: the reader's first)."""
        lang = _language(lang)
        vision = f" ({self.vision_model})" if self.vision_model != self.model else ""
        lines = [HEADING.format(model=self.model, url=self.base_url).render(lang)]
        for name in CHECKS:
            label = LABELS[name].render(lang) + (vision if name == "vision" else "")
            reason = self.reasons[name].render(lang) if name in self.reasons else ""
            lines.append(f"{_MARKS[getattr(self, name)]} {label} — {reason}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.checklist("en")

    def to_json(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "model": self.model, "vision_model": self.vision_model,
                "checked_at": self.checked_at, "results": {n: [getattr(self, n), *_texts(self.reasons.get(n))] for n in CHECKS}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Capabilities":
        results = data["results"]
        caps = cls(str(data["base_url"]), str(data["model"]), str(data["vision_model"]), checked_at=str(data["checked_at"]))
        for name in CHECKS:
            value, en, zh = results[name]  # an older file (one reason, English only) is probed again
            if value not in (True, False, None):
                raise ValueError(f"bad value for {name}")
            setattr(caps, name, value)
            caps.reasons[name] = Message(str(en), str(zh))
        return caps


def _texts(reason: Message | None) -> tuple[str, str]:
    return (reason.en, reason.zh) if reason is not None else ("", "")


def _language(lang: str | None) -> str:
    """``zh`` or ``en`` from a language name such as ``zh-CN``; ``None``: the reader's first language."""
    if lang is None:
        return reader_language()
    return ZH if lang.lower().startswith("zh") else EN


# --- caching ---------------------------------------------------------------------------------


def _public_url(url: str) -> str:
    """``url`` without any ``user:password@`` part."""
    return strip_credentials(url)


def cache_key(client: openai.OpenAI, model: str, vision_model: str) -> str:
    """What identifies a probe: endpoint, models and custom headers (never the key)."""
    secretish = ("auth", "key", "token", "secret", "cookie")
    headers = sorted(
        (name.lower(), value) for name, value in client.default_headers.items()
        if isinstance(value, str) and not name.lower().startswith("x-stainless")
        and name.lower() != "user-agent" and not any(word in name.lower() for word in secretish)
    )
    text = json.dumps([_public_url(str(client.base_url)), model, vision_model, headers], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _folder(cache_dir: str | Path | None, base_url: str) -> Path | None:
    if cache_dir != "auto":
        return Path(cache_dir) if cache_dir is not None else None
    if is_loopback(urlsplit(base_url).hostname or ""):
        return None  # the simulator or a local server: probing again is free
    env_file = find_env_file()
    return (env_file.parent if env_file else Path.cwd()) / CACHE_FOLDER


def _read(path: Path) -> Capabilities | None:
    try:
        caps = Capabilities.from_json(json.loads(path.read_text(encoding="utf-8")))
        age = dt.datetime.now(dt.timezone.utc) - dt.datetime.fromisoformat(caps.checked_at)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: probe again and rewrite it
    return caps if age <= MAX_AGE else None


def _write(path: Path, caps: Capabilities) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(caps.to_json(), handle, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only folder only costs a new probe next time


def _measure(client: openai.OpenAI, model: str, vision_model: str, timeout: float) -> Capabilities:
    """Run the checks now and put their findings into a new :class:`Capabilities`."""
    found: Findings = run_checks(client, model, vision_model, timeout)
    caps = Capabilities(_public_url(str(client.base_url)).rstrip("/"), model, vision_model, reasons=found.reasons)
    for name, value in found.results.items():
        setattr(caps, name, value)
    caps.checked_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return caps


def clear_cache() -> None:
    """Forget every probe kept in memory (files on disk stay)."""
    with _LOCK:
        _MEMORY.clear()


def probe(
    client: openai.OpenAI,
    model: str,
    *,
    vision_model: str | None = None,
    refresh: bool = False,
    cache_dir: str | Path | None | Literal["auto"] = "auto",
    timeout: float = DEFAULT_TIMEOUT,
) -> Capabilities:
    """Probe what ``client``'s endpoint accepts for ``model`` (and ``vision_model`` for images).

    ``cache_dir``: a folder for ``probe-<hash>.json`` files, ``None`` for memory only, or
    ``"auto"``: ``.kit-cache`` beside your ``.env`` (else the current folder) for remote
    endpoints, memory only for loopback ones. ``refresh=True`` ignores both caches.
    ``timeout`` is per call, in seconds.
    """
    vision_model = vision_model or model
    key = cache_key(client, model, vision_model)
    folder = _folder(cache_dir, str(client.base_url))
    path = folder / f"probe-{key}.json" if folder is not None else None
    if not refresh:
        with _LOCK:
            cached = _MEMORY.get(key)
        if cached is None and path is not None:
            cached = _read(path)
        if cached is not None:
            with _LOCK:
                _MEMORY[key] = cached
            return dataclasses.replace(cached, reasons=dict(cached.reasons), from_cache=True)
    caps = _measure(client, model, vision_model, timeout)
    with _LOCK:
        _MEMORY[key] = caps
    if path is not None:
        _write(path, caps)
    return dataclasses.replace(caps, reasons=dict(caps.reasons))


def needs(caps: Capabilities, name: str, lang: str | None = None, instead: str = "") -> bool:
    """True if ``caps`` passed the check ``name``; else print one line saying why a cell skips it.

    For lesson cells (lessons 02-06 probe right after their setup cell): with every
    capability present it prints nothing, so a cell reads ``if needs(caps, "vision", "en"):``.
    ``lang`` defaults to the reader's language (the notebook edition's). ``instead`` names
    the fallback the cell takes (default: the cell is skipped).
    """
    if caps.supports(name):
        return True
    lang = _language(lang)
    reason = caps.reasons[name].render(lang) if name in caps.reasons else UNKNOWN_REASON.render(lang)
    label = LABELS[name].render(lang)
    if lang == ZH and label[:1].isascii():
        label = f" {label}"  # a space between Chinese and Latin text
    print(SKIP.format(label=label, reason=reason, instead=instead or SKIP_CELL.render(lang)).render(lang))
    return False
