"""``structured()``: a pydantic object from any chat endpoint, down a fallback ladder.

Introduced in lesson 04 (JSON output), section 6, right after the raw cells it packages.
Three rungs, tried in the order of ``ladder``:

1. ``"schema"``: Structured Outputs, ``client.chat.completions.parse(response_format=Model)``;
   the endpoint itself enforces the JSON Schema.
2. ``"json_object"``: JSON mode (``response_format={"type": "json_object"}``) with the schema
   in a system message; the reply is checked with ``Model.model_validate_json``.
3. ``"prompt"``: no ``response_format`` at all, the schema in a system message; the first
   JSON object in the reply is cut out and validated.

A rung hands over to the next one only when the endpoint rejects the request format (400 or
422, e.g. a provider without ``json_schema``) or the reply does not validate. Everything else
stops the ladder at once, because a lower rung cannot heal it: a refusal, a reply cut off by
the token limit, a wrong model name, a bad key, a rate limit, a network error. Nothing is
swallowed: when every rung fails, :class:`StructuredOutputError` lists what each rung said,
in the reader's language (:mod:`helpers.messages`; the server's and pydantic's own words are
quoted as they came).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import openai
import pydantic
from openai.types.chat import ChatCompletion

from .keys import redact
from .messages import message

#: The rungs, best first.
RUNGS: tuple[str, ...] = ("schema", "json_object", "prompt")

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)
Message = Mapping[str, Any]

#: Failures that mean "this rung does not work here": try the next rung.
NEXT_RUNG: tuple[type[Exception], ...] = (
    openai.BadRequestError,  # 400: e.g. "response_format json_schema is not supported"
    openai.UnprocessableEntityError,  # 422: how some compatible servers reject a format
    ValueError,  # json.JSONDecodeError, pydantic.ValidationError, no JSON object in the reply
)


STOPPED = message("The '{rung}' rung stopped the ladder (a lower rung cannot fix this):",
                  "'{rung}' 这一级终止了阶梯（换下一级也解决不了）：")
NO_RUNG = message("No rung produced a valid {model}:", "每一级都没能得到合法的 {model}：")
NOT_A_MODEL = message(
    "schema_model must be a pydantic model class (class Answer(BaseModel): ...; pass Answer, not Answer() "
    "and not a dict), got {got}.",
    "schema_model 必须是 pydantic 模型类本身（class Answer(BaseModel): ...；传 Answer，不要传 Answer() 或字典），"
    "收到的是 {got}。",
)
NOT_MESSAGES = message(
    "messages must be a list of message dicts such as [{{'role': 'user', 'content': '...'}}], got {kind}.",
    "messages 必须是消息字典的列表，例如 [{{'role': 'user', 'content': '...'}}]，收到的是 {kind}。",
)
LADDER_STR = message("ladder must be a sequence of rungs, e.g. ladder=({rung!r},), not a single str.",
                     "ladder 必须是由各级组成的序列，例如 ladder=({rung!r},)，不能是单个字符串。")
LADDER_BAD = message("ladder must be a non-empty sequence of {rungs}, got {got!r}.",
                     "ladder 必须是非空序列，只能包含 {rungs}，收到 {got!r}。")
NO_STREAM = message("structured() needs whole replies: do not pass stream=True.",
                    "structured() 需要完整的回复：请不要传 stream=True。")
# What each rung said, one line per rung in StructuredOutputError (the reader's language).
REFUSED = message("refused: {said}", "拒答：{said}")
CUT_OFF = message("cut off by the token limit (finish_reason='length'); raise max_completion_tokens",
                  "被 token 上限截断（finish_reason='length'）；调高 max_completion_tokens")
NO_PARSED = message("the reply had no parsed object", "回复里没有解析出的对象")
NO_JSON = message("no JSON object in the reply: {excerpt}", "回复里没有 JSON 对象：{excerpt}")
INVALID = message("ValidationError: {count} error(s), first at '{where}': {said}",
                  "ValidationError：{count} 处不符合，第一处在 '{where}'：{said}")


class StructuredOutputError(RuntimeError):
    """No rung produced a valid object; ``attempts`` holds ``(rung, what it said)`` pairs."""

    def __init__(self, message: str, attempts: Sequence[tuple[str, str]]) -> None:
        super().__init__(message)
        self.attempts: list[tuple[str, str]] = list(attempts)


def schema_instruction(schema_model: type[pydantic.BaseModel]) -> str:
    """The system message of the lower rungs: reply with JSON only, matching this schema."""
    schema = json.dumps(schema_model.model_json_schema(), ensure_ascii=False, separators=(",", ":"))
    return (
        "Reply with one JSON object and nothing else (no prose, no code fences). "
        f"It must match this JSON Schema: {schema}"
    )


def extract_json(text: str) -> str:
    """The first JSON object inside ``text`` (prose or a ```json fence around it is fine).

    Raises ``ValueError`` when there is none.
    """
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start >= 0:
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            value, end = None, start
        if isinstance(value, dict):
            return text[start:end]
        start = text.find("{", start + 1)
    raise ValueError(str(NO_JSON.format(excerpt=repr(_cut(text, 120)))))


def _cut(text: str, limit: int = 200) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def describe(error: BaseException) -> str:
    """One line saying what went wrong (the API's own message for API errors, key-like text masked)."""
    if isinstance(error, openai.APIStatusError):
        body = error.body if isinstance(error.body, dict) else {}
        # Text we do not control (an echoed parameter may be a pasted key): redact it like the playground.
        return _cut(redact(f"{type(error).__name__} {error.status_code}: {body.get('message') or error.message}"))
    if isinstance(error, pydantic.ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(root)"
        return _cut(str(INVALID.format(count=error.error_count(), where=where, said=first["msg"])))
    return _cut(redact(f"{type(error).__name__}: {error}"))


def _stop(rung: str, reason: str, attempts: list[tuple[str, str]]) -> StructuredOutputError:
    attempts.append((rung, reason))
    return StructuredOutputError(f"{STOPPED.format(rung=rung)}\n{_listed(attempts)}", attempts)


def _listed(attempts: list[tuple[str, str]]) -> str:
    return "\n".join(f"- {name}: {said}" for name, said in attempts)


def _check_choice(completion: ChatCompletion, rung: str, attempts: list[tuple[str, str]]) -> str:
    """The reply text; refusals and truncated replies stop the ladder."""
    choice = completion.choices[0]
    if choice.message.refusal:
        raise _stop(rung, str(REFUSED.format(said=_cut(choice.message.refusal))), attempts)
    if choice.finish_reason == "length":
        raise _stop(rung, str(CUT_OFF), attempts)
    return choice.message.content or ""


def _with_instruction(messages: Iterable[Message], schema_model: type[pydantic.BaseModel]) -> list[dict[str, Any]]:
    return [{"role": "system", "content": schema_instruction(schema_model)}, *(dict(m) for m in messages)]


def _rung_schema(
    client: openai.OpenAI, model: str, messages: list[Message], schema_model: type[ModelT],
    params: dict[str, Any], attempts: list[tuple[str, str]],
) -> ModelT:
    try:
        completion = client.chat.completions.parse(
            model=model, messages=messages, response_format=schema_model, **params  # type: ignore[arg-type]
        )
    except openai.LengthFinishReasonError:
        raise _stop("schema", str(CUT_OFF), attempts) from None
    _check_choice(completion, "schema", attempts)
    parsed = completion.choices[0].message.parsed
    if parsed is None:
        raise ValueError(str(NO_PARSED))
    return parsed


def _instructed_reply(
    client: openai.OpenAI, model: str, messages: list[Message], schema_model: type[ModelT],
    params: dict[str, Any], attempts: list[tuple[str, str]], rung: str, **extra: Any,
) -> str:
    """The reply text to ``messages`` with the schema written into them (the lower rungs)."""
    completion = client.chat.completions.create(
        model=model,
        messages=_with_instruction(messages, schema_model),  # type: ignore[arg-type]
        **extra,
        **params,
    )
    return _check_choice(completion, rung, attempts)


def _rung_json_object(
    client: openai.OpenAI, model: str, messages: list[Message], schema_model: type[ModelT],
    params: dict[str, Any], attempts: list[tuple[str, str]],
) -> ModelT:
    text = _instructed_reply(client, model, messages, schema_model, params, attempts, "json_object",
                             response_format={"type": "json_object"})
    return schema_model.model_validate_json(text)


def _rung_prompt(
    client: openai.OpenAI, model: str, messages: list[Message], schema_model: type[ModelT],
    params: dict[str, Any], attempts: list[tuple[str, str]],
) -> ModelT:
    text = _instructed_reply(client, model, messages, schema_model, params, attempts, "prompt")
    return schema_model.model_validate_json(extract_json(text))


_RUNG_CALLS: dict[str, Callable[..., Any]] = {
    "schema": _rung_schema,
    "json_object": _rung_json_object,
    "prompt": _rung_prompt,
}


def structured(
    client: openai.OpenAI,
    model: str,
    messages: Iterable[Message],
    schema_model: type[ModelT],
    *,
    ladder: Sequence[str] = RUNGS,
    **params: Any,
) -> tuple[ModelT, str]:
    """Ask for a ``schema_model`` instance; return it and the rung that produced it.

    ``ladder`` picks the rungs and their order (any of :data:`RUNGS`); ``params`` go to every
    request (for example ``max_completion_tokens`` or ``seed``). Raises
    :class:`StructuredOutputError` listing every rung's failure when none succeeds, or at once
    on a refusal or a truncated reply. API errors that no rung can fix (401, 404, 429, 5xx,
    network) propagate unchanged.
    """
    if not (isinstance(schema_model, type) and issubclass(schema_model, pydantic.BaseModel)):
        raise TypeError(str(NOT_A_MODEL.format(got=f"{schema_model!r:.60}")))
    if isinstance(messages, (str, bytes, Mapping)):
        raise TypeError(str(NOT_MESSAGES.format(kind=type(messages).__name__)))
    if isinstance(ladder, str):
        raise ValueError(str(LADDER_STR.format(rung=ladder)))
    rungs = list(ladder)
    unknown = [r for r in rungs if r not in _RUNG_CALLS]
    if not rungs or unknown:
        raise ValueError(str(LADDER_BAD.format(rungs=RUNGS, got=tuple(ladder))))
    if params.get("stream"):
        raise ValueError(str(NO_STREAM))
    request = [dict(m) for m in messages]
    attempts: list[tuple[str, str]] = []
    for rung in rungs:
        try:
            return _RUNG_CALLS[rung](client, model, request, schema_model, params, attempts), rung
        except NEXT_RUNG as error:
            attempts.append((rung, describe(error)))
    raise StructuredOutputError(f"{NO_RUNG.format(model=schema_model.__name__)}\n{_listed(attempts)}", attempts)
