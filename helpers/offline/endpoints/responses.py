"""``POST /v1/responses`` (plain and the full event stream) and ``/v1/responses/input_tokens``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..behaviour import tokenizer as tokens
from . import common, toolwire
from ..wire import errors, ids, parts
from ..behaviour import generate, reasoning, steering, text, tools, vision
from ..data import catalog as model_table, params
from . import store as state
from ..wire.ids import CREATED
from ..behaviour.outcome import Outcome
from ..wire.headers import Draws, marker_headers
from ..wire.replies import JsonReply, StreamReply
from .responses_extras import Extras, build as build_extras

JSON_WORD = "Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'."
SETTINGS = ("temperature", "top_p", "max_output_tokens", "instructions")
TEXT_PARTS = ("input_text", "output_text", "text")


def _content(content: Any, where: str) -> tuple[str, list[vision.ImageInfo]]:
    if isinstance(content, str):
        return content, []
    if not isinstance(content, list):
        raise errors.invalid_type(f"{where}.content", "a string or an array of content parts", content)
    texts, images = [], []
    for j, part in enumerate(content):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in TEXT_PARTS and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif kind == "refusal" and isinstance(part.get("refusal"), str):
            texts.append(part["refusal"])  # an earlier refusal fed back (e.g. through previous_response_id)
        elif kind == "input_image":
            parts.check_input_image(part, f"{where}.content[{j}]")
            images.append(vision.inspect_image(part.get("image_url"), part.get("detail", "auto")))
        else:
            raise parts.responses_unsupported(kind, f"{where}.content[{j}]")
    return "\n".join(texts), images


def to_prompt(body: dict) -> text.Prompt:
    turns: list[text.Turn] = []
    instructions = body.get("instructions")
    if instructions is not None:
        if not isinstance(instructions, str):
            raise errors.invalid_type("instructions", "a string", instructions)
        turns.append(text.Turn("developer", instructions))
    items = body.get("input")
    if items is None:
        raise errors.missing_param("input")
    if isinstance(items, str):
        items = [{"role": "user", "content": items}]
    if not isinstance(items, list):
        raise errors.invalid_type("input", "a string or an array of input items", items)
    for i, item in enumerate(items):
        where = f"input[{i}]"
        if not isinstance(item, dict):
            raise errors.invalid_type(where, "an object", item)
        if item.get("type", "message") != "message":
            turn = tools.input_item_turn(item, where)
            if turn is not None:
                turns.append(turn)
            continue
        role = item.get("role")
        if role not in ("user", "assistant", "system", "developer"):
            raise errors.SimError(400, f"Invalid value: '{role}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.", param=f"{where}.role", code="invalid_value")
        words, images = _content(item.get("content"), where)
        turns.append(text.Turn(role, words, images))
    return text.Prompt(turns)


def _parse(body: dict, extra_models: frozenset[str], kind: str = "responses") -> tuple[str, text.Prompt, dict]:
    common.check_unknown(body, kind)
    model = common.check_model(body, extra_models)
    prompt = to_prompt(body)
    spec = body.get("text")
    if spec is not None and not isinstance(spec, dict):
        raise errors.invalid_type("text", "an object", spec)
    fmt = common.parse_format((spec or {}).get("format"), "text.format")
    common.require_json_word(prompt, fmt, JSON_WORD, "input")
    opts = {
        "temperature": common.number(body, "temperature", 0, 2),
        "top_p": common.number(body, "top_p", 0, 1),
        "limit": common.number(body, "max_output_tokens", 16, None, integer=True),
        "format": fmt,
        "stream": body.get("stream") is True,
        "tools": tools.responses_session(body, common.number(body, "max_tool_calls", 1, None, integer=True)),
    }
    prompt.settings = {k: body[k] for k in SETTINGS if body.get(k) is not None and k != "instructions"}
    prompt.verbosity = steering.verbosity_of(body, kind)
    return model, prompt, opts


def _usage(inputs: int, outcome: Outcome) -> dict:
    out = tools.output_tokens(outcome)
    return {
        "input_tokens": inputs,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": out,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": inputs + out,
    }


def input_tokens(prompt: text.Prompt, tool_tokens: int = 0) -> int:
    messages = [{"role": t.role, "content": t.text} for t in prompt.turns]
    return tokens.count_message_tokens(messages) + generate.image_tokens(prompt) + tool_tokens


def _part(outcome: Outcome, done: bool) -> dict:
    if outcome.refusal is not None:
        return {"type": "refusal", "refusal": outcome.refusal if done else ""}
    return {"type": "output_text", "text": (outcome.text or "") if done else "", "annotations": [], "logprobs": []}


def _response(ident: str, msg_id: str, model: str, body: dict, outcome: Outcome, usage: dict, tools_echo: list[dict]) -> dict:
    """The finished response (``_in_progress`` derives the streamed start from it)."""
    spec = body.get("text") or {}
    response = {
        "id": ident,
        "object": "response",
        "created_at": CREATED,
        "status": "in_progress",
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "model": model_table.snapshot_of(model),
        "output": [],
        "parallel_tool_calls": True,
        "temperature": body.get("temperature", 1.0),
        "text": {"format": spec.get("format") or {"type": "text"}},
        "tool_choice": "auto",
        "tools": [],
        "top_p": body.get("top_p", 1.0),
        "usage": usage,
        "metadata": body.get("metadata") or {},
    }
    response.update(toolwire.response_fields(body, tools_echo))
    truncated = outcome.finish == "length"
    response["status"] = "incomplete" if truncated else "completed"
    if truncated:
        response["incomplete_details"] = {"reason": "max_output_tokens"}
    else:
        response["completed_at"] = CREATED
    response["output"] = toolwire.output_items(outcome, msg_id) or [_message(msg_id, outcome, "incomplete" if truncated else "completed")]
    params.echo(response, body, "responses")
    return response


def _in_progress(final: dict) -> dict:
    """``final`` as the ``response.created``/``in_progress`` events show it: the same keys in the
    same order, without output, usage or ``completed_at`` yet."""
    start = {k: v for k, v in final.items() if k != "completed_at"}
    start.update(status="in_progress", incomplete_details=None, output=[], usage=None)
    return start


def _message(msg_id: str, outcome: Outcome | None, status: str) -> dict:
    content = [] if outcome is None else [_part(outcome, done=True)]
    return {"type": "message", "id": msg_id, "role": "assistant", "status": status, "content": content}


def handle(body: dict, extra_models: frozenset[str], store: state.ResponseStore | None = None,
           draws: Draws | None = None) -> JsonReply | StreamReply:
    state.check_request(body)
    history = state.previous_context(body, store)
    model, prompt, opts = _parse(state.with_history(body, history), extra_models)
    inputs = input_tokens(prompt, tools.prompt_tokens(opts["tools"]))  # counted once: the window check and the usage
    common.check_context(model, inputs, "responses", body.get("truncation"))
    key, tools_key = ids.body_ids(body, "responses", "responses-tools")
    draw = common.draw_for(draws, key, body)  # sampling: the n-th identical request is worded anew
    key = ids.request_id(key, draw) if draw else key
    extras = build_extras(key, model, body, prompt, opts["limit"])
    outcome = toolwire.responses_outcome(opts, prompt, tools_key) or generate.generate(
        prompt, opts["format"], seed=None, index=draw, stop=[], limit=extras.plan.visible_limit(opts["limit"]))
    ident, msg_id = "resp_" + key, "msg_" + key
    usage = _usage(inputs, outcome)
    reasoning.charge_responses(usage, extras.plan.used(opts["limit"]))
    final = extras.decorate(_response(ident, msg_id, model, body, outcome, usage, opts["tools"].echo))
    state.remember(store, body, final, history)
    if opts["stream"]:
        return StreamReply(_events(msg_id, outcome, final, extras), named=True, headers=marker_headers([outcome]))
    return JsonReply(200, final, marker_headers([outcome]), tokens=usage["output_tokens"])


def _events(msg_id: str, outcome: Outcome, final: dict, extras: Extras) -> Iterator[tuple[dict, bool]]:
    counter = iter(range(1_000_000))

    def event(kind: str, **fields: Any) -> dict:
        return {"type": kind, "sequence_number": next(counter), **fields}

    start = _in_progress(final)
    yield event("response.created", response=start), False
    yield event("response.in_progress", response=start), False
    yield from extras.prefix_events(event)
    at = extras.offset
    if tools.is_call(outcome):
        yield from toolwire.response_events(event, final, first=at)
        return
    where = {"item_id": msg_id, "output_index": at, "content_index": 0}
    yield event("response.output_item.added", output_index=at, item=_message(msg_id, None, "in_progress")), False
    yield event("response.content_part.added", part=_part(outcome, done=False), **where), False
    if outcome.refusal is not None:
        yield event("response.refusal.delta", delta=outcome.refusal, **where), True
        yield event("response.refusal.done", refusal=outcome.refusal, **where), False
    else:
        for piece, logprobs in extras.pieces(outcome.text or ""):
            yield event("response.output_text.delta", delta=piece, logprobs=logprobs, **where), True
        yield event("response.output_text.done", text=outcome.text or "", logprobs=extras.done_logprobs(outcome.text or ""), **where), False
    yield event("response.content_part.done", part=final["output"][at]["content"][0], **where), False
    yield event("response.output_item.done", output_index=at, item=final["output"][at]), False
    done = "response.incomplete" if final["status"] == "incomplete" else "response.completed"
    yield event(done, response=final), False


def count(body: dict, extra_models: frozenset[str], store: state.ResponseStore | None = None) -> JsonReply:
    """``POST /v1/responses/input_tokens``: how many input tokens the request would use."""
    state.check_request(body)
    history = state.previous_context(body, store)
    model, prompt, opts = _parse(state.with_history(body, history), extra_models, kind="input_tokens")
    return JsonReply(200, {"object": "response.input_tokens", "input_tokens": input_tokens(prompt, tools.prompt_tokens(opts["tools"]))})
