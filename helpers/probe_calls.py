"""The calls of the capability probe (``helpers.probe``), each judged with a reason in both languages.

Introduced in the lesson on OpenAI-compatible endpoints. Each check is one tiny request;
its outcome is ``True`` (accepted), ``False`` (refused: a 4xx that names the feature) or
``None`` (unknown), with a one-line reason. What the endpoint said is quoted as it is (the
same in both languages), with keys and URL credentials masked by ``helpers.keys.redact``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import openai
from PIL import Image

from .images import image_to_data_url
from .keys import redact
from .messages import Message, message

MAX_OUTPUT_TOKENS = 16
_PROMPT = "Reply with the word OK."
_FATAL_STATUS = (401, 403)
_REFUSED_STATUS = (400, 404, 405, 413, 415, 422, 501)
#: A reason is one line of at most this many characters.
REASON_LIMIT = 200

OK = "200"
NETWORK = message("network: {error}", "网络错误：{error}")
UNEXPECTED = message("unexpected answer: {error}", "无法解读的回答：{error}")
SKIPPED = message("skipped: {reason}", "已跳过：{reason}")
LISTED = message("200: {count} models; {model} listed", "200：共 {count} 个模型，{model} 在列表中")
NOT_LISTED = message("200: {count} models; {model} not in the list", "200：共 {count} 个模型，{model} 不在列表中")
WITH_LIMIT = message("200 (with {name})", "200（使用 {name}）")
NO_LIMIT = message("200 (without a token limit)", "200（不带 token 上限）")
USAGE_CHUNK = message("200: usage chunk received", "200：收到了 usage 块")
NO_USAGE_CHUNK = message("200, but no usage chunk (stream_options ignored)",
                         "200，但没有 usage 块（stream_options 被忽略）")
#: A refusal: the status and code, then the server's own words, marked as quoted in both languages.
REFUSED = message("{status}, the server said: {said}", "{status}，服务器原话：{said}")
CHUNKS = message("200: {count} chunks", "200：共 {count} 个块")


def verbatim(text: str) -> Message:
    """Words we quote, not translate (a status line, the server's own message): the same in both languages."""
    return Message(text, text)




@dataclass
class Outcome:
    """One judged call: accepted, refused or unknown, and why."""

    supported: bool | None
    reason: Message
    fatal: bool = False  # the endpoint is unreachable or the key is refused: stop probing
    value: Any = None


class Judge:
    """Runs calls and turns their exceptions into outcomes with scrubbed reasons."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets = [s for s in secrets if s]

    def scrub(self, text: str) -> str:
        """The first line of ``text``, keys and credentials masked, at most :data:`REASON_LIMIT` characters."""
        line = (text.strip().splitlines() or [""])[0]
        return redact(line, self.secrets)[:REASON_LIMIT]

    def scrubbed(self, reason: Message) -> Message:
        return Message(self.scrub(reason.en), self.scrub(reason.zh))

    def run(self, call: Callable[[], Any], ok: Callable[[Any], Message | str] = lambda _: OK) -> Outcome:
        try:
            value = call()
            said = ok(value)
            return Outcome(True, self.scrubbed(verbatim(said) if isinstance(said, str) else said), value=value)
        except openai.APIConnectionError as exc:  # includes timeouts
            cause = exc.__cause__
            detail = f"{type(cause).__name__}: {cause}" if cause else str(exc)
            error = f"{type(exc).__name__} ({detail})"
            return Outcome(None, self.scrubbed(NETWORK.format(error=error)), fatal=True)
        except openai.APIStatusError as exc:
            return self._status(exc)
        except Exception as exc:  # a malformed answer the SDK could not read: unknown, not ours to crash on
            return Outcome(None, self.scrubbed(UNEXPECTED.format(error=f"{type(exc).__name__}: {exc}")))

    def _status(self, exc: openai.APIStatusError) -> Outcome:
        body = exc.body if isinstance(exc.body, dict) else {}
        inner = body.get("error") if isinstance(body.get("error"), dict) else body
        said = str(inner.get("message") or exc.message or "")
        code = inner.get("code") or getattr(exc, "code", None)
        status = f"{exc.status_code}{' ' + str(code) if code else ''}"
        reason = self.scrubbed(REFUSED.format(status=status, said=said)) if said else verbatim(status)
        if exc.status_code in _FATAL_STATUS:
            return Outcome(None, reason, fatal=True)
        if exc.status_code == 404 and code == "model_not_found":
            return Outcome(None, reason)
        if exc.status_code in _REFUSED_STATUS:
            return Outcome(False, reason)
        return Outcome(None, reason)  # 408, 409, 429, 5xx: cannot tell now


def _tiny_png() -> str:
    return image_to_data_url(Image.new("RGB", (32, 32), (220, 30, 30)), max_side=None, format="PNG")


def _listing(page: Any, model: str) -> Message:
    ids = [getattr(m, "id", None) for m in getattr(page, "data", []) or []]
    return (LISTED if model in ids else NOT_LISTED).format(count=len(ids), model=model)


def _consume(stream: Any) -> tuple[int, bool]:
    chunks, usage = 0, False
    for chunk in stream:
        chunks += 1
        usage = usage or getattr(chunk, "usage", None) is not None
    return chunks, usage


@dataclass
class Findings:
    """Every check's result and reason, filled in as the calls run."""

    results: dict[str, bool | None] = field(default_factory=dict)
    reasons: dict[str, Message] = field(default_factory=dict)
    stopped: list[Message] = field(default_factory=list)

    def record(self, name: str, outcome: Outcome) -> Outcome:
        self.results[name] = outcome.supported
        self.reasons[name] = outcome.reason
        if outcome.fatal and not self.stopped:
            self.stopped.append(outcome.reason)
        return outcome


def run_checks(client: openai.OpenAI, model: str, vision_model: str, timeout: float) -> Findings:
    """Run every check against ``client``'s endpoint, in order; a fatal outcome skips the rest."""
    c = client.with_options(max_retries=0, timeout=timeout)
    judge = Judge([str(client.api_key or "")])
    found = Findings()
    chat_args: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": _PROMPT}]}

    def check(name: str, call: Callable[[], Any], ok: Callable[[Any], Message | str] = lambda _: OK) -> Outcome:
        if found.stopped:
            return found.record(name, Outcome(None, SKIPPED.format(reason=found.stopped[0])))
        return found.record(name, judge.run(call, ok))

    check("models_list", lambda: c.models.list(), lambda page: _listing(page, model))
    limits = {"max_completion_tokens": MAX_OUTPUT_TOKENS, "max_tokens": MAX_OUTPUT_TOKENS}
    for name, value in limits.items():
        check(name, lambda name=name, value=value: c.chat.completions.create(**chat_args, **{name: value}))
    limit = next(({n: v} for n, v in limits.items() if found.results.get(n)), {})
    accepted = found.results.get("max_completion_tokens"), found.results.get("max_tokens")
    if any(accepted):
        found.record("chat", Outcome(True, WITH_LIMIT.format(name=next(iter(limit)))))
    elif accepted == (False, False):
        check("chat", lambda: c.chat.completions.create(**chat_args), lambda _: NO_LIMIT)
    else:
        found.record("chat", Outcome(None, found.reasons["max_completion_tokens"]))

    def stream(with_usage: bool) -> tuple[int, bool]:
        extra = {"stream_options": {"include_usage": True}} if with_usage else {}
        return _consume(c.chat.completions.create(**chat_args, **limit, stream=True, **extra))

    with_usage = check("stream_usage", lambda: stream(True), lambda got: USAGE_CHUNK if got[1] else NO_USAGE_CHUNK)
    if with_usage.supported:
        found.results["stream_usage"] = with_usage.value[1]
        found.record("streaming", Outcome(True, CHUNKS.format(count=with_usage.value[0])))
    elif with_usage.supported is False:
        check("streaming", lambda: stream(False), lambda got: CHUNKS.format(count=got[0]))
    else:
        found.record("streaming", Outcome(None, with_usage.reason))

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
    return found
