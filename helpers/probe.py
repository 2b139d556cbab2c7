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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import openai
from PIL import Image

from .config import find_env_file
from .images import image_to_data_url
from .keys import mask_key
from .offline.server import is_loopback
from .secrets_scan import PATTERNS

#: The checks, in the order they run and are listed.
CHECKS = (
    "models_list", "chat", "streaming", "stream_usage", "json_mode", "json_schema",
    "vision", "max_completion_tokens", "max_tokens", "responses_api",
)
#: (English, Chinese) label of each check.
LABELS: dict[str, tuple[str, str]] = {
    "models_list": ("List models (GET /models)", "列出模型（GET /models）"),
    "chat": ("Chat Completions", "基础对话（Chat Completions）"),
    "streaming": ("Streaming (stream=True)", "流式输出（stream=True）"),
    "stream_usage": ("Usage in streams (stream_options.include_usage)", "流式用量（stream_options.include_usage）"),
    "json_mode": ("JSON mode (json_object)", "JSON 模式（json_object）"),
    "json_schema": ("Structured Outputs (json_schema, strict)", "结构化输出（json_schema，strict）"),
    "vision": ("Image input", "图像输入"),
    "max_completion_tokens": ("max_completion_tokens", "max_completion_tokens 参数"),
    "max_tokens": ("max_tokens (older name)", "max_tokens（旧参数名）"),
    "responses_api": ("Responses API (POST /responses)", "Responses API（POST /responses）"),
}
MAX_OUTPUT_TOKENS = 16
DEFAULT_TIMEOUT = 20.0
#: A disk entry older than this is probed again.
MAX_AGE = dt.timedelta(days=7)
CACHE_FOLDER = ".kit-cache"
_PROMPT = "Reply with the word OK."
_MARKS = {True: "✓", False: "✗", None: "?"}
_FATAL_STATUS = (401, 403)
_REFUSED_STATUS = (400, 404, 405, 413, 415, 422, 501)

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
    #: One line per check: the status and what the endpoint said (keys masked).
    reasons: dict[str, str] = field(default_factory=dict)
    #: When the probe ran (UTC, ISO 8601).
    checked_at: str = ""
    #: True when this came from the memory or disk cache rather than new calls.
    from_cache: bool = False

    def supports(self, name: str) -> bool:
        """True only if the check ``name`` passed (False when refused or unknown)."""
        if name not in CHECKS:
            raise ValueError(f"Unknown check {name!r}; the checks are: {', '.join(CHECKS)}. / 未知的检查项 {name!r}。")
        return getattr(self, name) is True

    def as_table(self) -> dict[str, bool | None]:
        """``{check: True/False/None}`` in the order of :data:`CHECKS`."""
        return {name: getattr(self, name) for name in CHECKS}

    def checklist(self, lang: str = "zh") -> str:
        """One ✓/✗/? line per check with its reason; labels in Chinese (``"zh"``) or English (``"en"``)."""
        zh = lang.lower().startswith("zh")
        vision = f" ({self.vision_model})" if self.vision_model != self.model else ""
        lines = [f"{self.base_url} 上的 {self.model} 支持：" if zh else f"What {self.model} at {self.base_url} supports:"]
        for name in CHECKS:
            label = LABELS[name][1 if zh else 0] + (vision if name == "vision" else "")
            lines.append(f"{_MARKS[getattr(self, name)]} {label} — {self.reasons.get(name, '')}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.checklist("en")

    def to_json(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "model": self.model, "vision_model": self.vision_model,
                "checked_at": self.checked_at, "results": {n: [getattr(self, n), self.reasons.get(n, "")] for n in CHECKS}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Capabilities":
        results = data["results"]
        caps = cls(str(data["base_url"]), str(data["model"]), str(data["vision_model"]), checked_at=str(data["checked_at"]))
        for name in CHECKS:
            value, reason = results[name]
            if value not in (True, False, None):
                raise ValueError(f"bad value for {name}")
            setattr(caps, name, value)
            caps.reasons[name] = str(reason)
        return caps


# --- one call, judged ------------------------------------------------------------------------


@dataclass
class _Outcome:
    supported: bool | None
    reason: str
    fatal: bool = False  # the endpoint is unreachable or the key is refused: stop probing
    value: Any = None


class _Judge:
    """Runs calls and turns their exceptions into outcomes with scrubbed reasons."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets = [s for s in secrets if s and len(s) >= 8]

    def scrub(self, text: str) -> str:
        line = (text.strip().splitlines() or [""])[0]
        for secret in self.secrets:
            line = line.replace(secret, mask_key(secret))
        for _, pattern in PATTERNS:
            line = pattern.sub(lambda m: mask_key(m.group(0)), line)
        return line[:200]

    def run(self, call: Callable[[], Any], ok: Callable[[Any], str] = lambda _: "200") -> _Outcome:
        try:
            value = call()
            return _Outcome(True, self.scrub(ok(value)), value=value)
        except openai.APIConnectionError as exc:  # includes timeouts
            cause = exc.__cause__
            detail = f"{type(cause).__name__}: {cause}" if cause else str(exc)
            return _Outcome(None, self.scrub(f"network: {type(exc).__name__} ({detail})"), fatal=True)
        except openai.APIStatusError as exc:
            return self._status(exc)
        except Exception as exc:  # a malformed answer the SDK could not read: unknown, not ours to crash on
            return _Outcome(None, self.scrub(f"unexpected answer: {type(exc).__name__}: {exc}"))

    def _status(self, exc: openai.APIStatusError) -> _Outcome:
        body = exc.body if isinstance(exc.body, dict) else {}
        inner = body.get("error") if isinstance(body.get("error"), dict) else body
        message = str(inner.get("message") or exc.message or "")
        code = inner.get("code") or getattr(exc, "code", None)
        reason = self.scrub(f"{exc.status_code}{' ' + str(code) if code else ''}: {message}")
        if exc.status_code in _FATAL_STATUS:
            return _Outcome(None, reason, fatal=True)
        if exc.status_code == 404 and code == "model_not_found":
            return _Outcome(None, reason)
        if exc.status_code in _REFUSED_STATUS:
            return _Outcome(False, reason)
        return _Outcome(None, reason)  # 408, 409, 429, 5xx: cannot tell now


# --- the checks --------------------------------------------------------------------------------


def _tiny_png() -> str:
    return image_to_data_url(Image.new("RGB", (32, 32), (220, 30, 30)), max_side=None, format="PNG")


def _listing(page: Any, model: str) -> str:
    ids = [getattr(m, "id", None) for m in getattr(page, "data", []) or []]
    listed = "listed" if model in ids else "not in the list"
    return f"200: {len(ids)} models; {model} {listed}"


def _consume(stream: Any) -> tuple[int, bool]:
    chunks, usage = 0, False
    for chunk in stream:
        chunks += 1
        usage = usage or getattr(chunk, "usage", None) is not None
    return chunks, usage


def _run(client: openai.OpenAI, model: str, vision_model: str, timeout: float) -> Capabilities:
    c = client.with_options(max_retries=0, timeout=timeout)
    judge = _Judge([str(client.api_key or "")])
    caps = Capabilities(_public_url(str(client.base_url)).rstrip("/"), model, vision_model)
    chat_args: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": _PROMPT}]}
    stopped: list[str] = []

    def record(name: str, outcome: _Outcome) -> _Outcome:
        setattr(caps, name, outcome.supported)
        caps.reasons[name] = outcome.reason
        if outcome.fatal and not stopped:
            stopped.append(outcome.reason)
        return outcome

    def check(name: str, call: Callable[[], Any], ok: Callable[[Any], str] = lambda _: "200") -> _Outcome:
        if stopped:
            return record(name, _Outcome(None, f"skipped: {stopped[0]}"))
        return record(name, judge.run(call, ok))

    check("models_list", lambda: c.models.list(), lambda page: _listing(page, model))
    limits = {"max_completion_tokens": MAX_OUTPUT_TOKENS, "max_tokens": MAX_OUTPUT_TOKENS}
    for name, value in limits.items():
        check(name, lambda name=name, value=value: c.chat.completions.create(**chat_args, **{name: value}))
    limit = next(({n: v} for n, v in limits.items() if getattr(caps, n)), {})
    if caps.max_completion_tokens or caps.max_tokens:
        accepted = "max_completion_tokens" if caps.max_completion_tokens else "max_tokens"
        record("chat", _Outcome(True, f"200 (with {accepted})"))
    elif caps.max_completion_tokens is False and caps.max_tokens is False:
        check("chat", lambda: c.chat.completions.create(**chat_args), lambda _: "200 (without a token limit)")
    else:
        record("chat", _Outcome(None, caps.reasons["max_completion_tokens"]))

    def stream(with_usage: bool) -> tuple[int, bool]:
        extra = {"stream_options": {"include_usage": True}} if with_usage else {}
        return _consume(c.chat.completions.create(**chat_args, **limit, stream=True, **extra))

    with_usage = check("stream_usage", lambda: stream(True),
                       lambda got: "200: usage chunk received" if got[1] else "200, but no usage chunk (stream_options ignored)")
    if with_usage.supported:
        caps.stream_usage = with_usage.value[1]
        record("streaming", _Outcome(True, f"200: {with_usage.value[0]} chunks"))
    elif with_usage.supported is False:
        check("streaming", lambda: stream(False), lambda got: f"200: {got[0]} chunks")
    else:
        record("streaming", _Outcome(None, with_usage.reason))

    json_args = {**chat_args, "messages": [{"role": "user", "content": 'Reply with the JSON object {"ok": true}.'}], **limit}
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"], "additionalProperties": False}
    check("json_mode", lambda: c.chat.completions.create(**json_args, response_format={"type": "json_object"}))
    check("json_schema", lambda: c.chat.completions.create(
        **json_args, response_format={"type": "json_schema", "json_schema": {"name": "probe", "schema": schema, "strict": True}}))
    image = [{"type": "text", "text": "Name the colour of this image in one word."},
             {"type": "image_url", "image_url": {"url": _tiny_png(), "detail": "low"}}]
    check("vision", lambda: c.chat.completions.create(
        model=vision_model, messages=[{"role": "user", "content": image}], **limit))
    check("responses_api", lambda: c.responses.create(model=model, input=_PROMPT, max_output_tokens=MAX_OUTPUT_TOKENS))
    caps.checked_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return caps


# --- caching ---------------------------------------------------------------------------------


def _public_url(url: str) -> str:
    """``url`` without any ``user:password@`` part."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


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
    caps = _run(client, model, vision_model, timeout)
    with _LOCK:
        _MEMORY[key] = caps
    if path is not None:
        _write(path, caps)
    return dataclasses.replace(caps, reasons=dict(caps.reasons))


def needs(caps: Capabilities, name: str, lang: str = "zh", instead: str = "") -> bool:
    """True if ``caps`` passed the check ``name``; else print one line saying why a cell skips it.

    For lesson cells (lessons 02-06 probe right after their setup cell): with every
    capability present it prints nothing, so a cell reads ``if needs(caps, "vision", "en"):``.
    ``instead`` names the fallback the cell takes (default: the cell is skipped).
    """
    if caps.supports(name):
        return True
    zh = lang.lower().startswith("zh")
    reason = caps.reasons.get(name) or ("unknown" if not zh else "未知")
    label = LABELS[name][1 if zh else 0]
    if zh:
        gap = " " if label[:1].isascii() else ""  # a space between Chinese and Latin text
        print(f"此接口不支持{gap}{label}（probe：{reason}），{instead or '跳过本单元格'}。")
    else:
        print(f"This endpoint does not support {label} (probe: {reason}); {instead or 'skipping this cell'}.")
    return False
