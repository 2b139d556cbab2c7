"""``POST /v1/chat/completions``: plain and streamed (SSE), as the real API answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..behaviour import tokenizer as tokens
from . import common, toolwire
from ..wire import errors, ids, parts
from ..behaviour import generate, logprobs, reasoning, steering, text, tools, vision
from ..data import catalog as model_table, params
from ..wire.ids import CREATED
from ..behaviour.outcome import Outcome
from ..wire.headers import Draws, marker_headers
from ..wire.replies import JsonReply, StreamReply

ROLES = ("system", "developer", "user", "assistant", "tool", "function")
JSON_WORD = "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'."


def _part_text_and_images(content: Any, where: str, role: str = "user") -> tuple[str, list[vision.ImageInfo]]:
    if content is None or isinstance(content, str):
        return content or "", []
    if not isinstance(content, list):
        raise errors.invalid_type(f"{where}.content", "a string or an array of content parts", content)
    texts: list[str] = []
    images: list[vision.ImageInfo] = []
    for j, part in enumerate(content):
        if not isinstance(part, dict):
            raise errors.invalid_type(f"{where}.content[{j}]", "an object", part)
        kind = part.get("type")
        if kind == "text":
            if not isinstance(part.get("text"), str):
                raise errors.missing_param(f"{where}.content[{j}].text")
            texts.append(part["text"])
        elif kind == "image_url":
            image = part.get("image_url")
            if not isinstance(image, dict):
                raise errors.missing_param(f"{where}.content[{j}].image_url")
            images.append(vision.inspect_image(image.get("url"), image.get("detail", "auto")))
        elif kind == "refusal" and role == "assistant":  # the simulator's own refusals, fed back
            texts.append(parts.refusal_text(part, f"{where}.content[{j}]"))
        else:
            raise parts.chat_unsupported(kind, role, f"{where}.content[{j}]")
    return "\n".join(texts), images


def to_prompt(body: dict) -> text.Prompt:
    messages = body.get("messages")
    if messages is None:
        raise errors.missing_param("messages")
    if not isinstance(messages, list):
        raise errors.invalid_type("messages", "an array", messages)
    if not messages:
        raise errors.SimError(400, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", param="messages", code="empty_array")
    turns = []
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            raise errors.invalid_type(where, "an object", message)
        role = message.get("role")
        if role not in ROLES:
            raise errors.SimError(
                400,
                f"Invalid value: '{role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
                param=f"{where}.role",
                code="invalid_value",
            )
        if "content" not in message and role != "assistant":
            raise errors.missing_param(f"{where}.content")
        parts.check_chat_message(message, where)
        words, images = _part_text_and_images(message.get("content"), where, role)
        name = message.get("name")
        turns.append(text.Turn(role, words, images, name if isinstance(name, str) else None))
    return text.Prompt(turns)


SETTINGS = ("temperature", "top_p", "seed", "n", "max_completion_tokens", "max_tokens", "presence_penalty", "frequency_penalty")


def _parse(body: dict, extra_models: frozenset[str]) -> tuple[str, text.Prompt, dict]:
    common.check_unknown(body, "chat")
    model = common.check_model(body, extra_models)
    prompt = to_prompt(body)
    opts = {
        "temperature": common.number(body, "temperature", 0, 2),
        "top_p": common.number(body, "top_p", 0, 1),
        "n": common.number(body, "n", 1, 128, integer=True) or 1,
        "presence_penalty": common.number(body, "presence_penalty", -2, 2),
        "frequency_penalty": common.number(body, "frequency_penalty", -2, 2),
        "seed": common.number(body, "seed", None, None, integer=True),
        "limit": common.number(body, "max_completion_tokens", 1, None, integer=True)
        or common.number(body, "max_tokens", 1, None, integer=True),
        "stop": common.stop_list(body),
        "format": common.parse_format(body.get("response_format"), "response_format"),
        "stream": body.get("stream") is True,
        "tools": tools.chat_session(body),
        "top_logprobs": logprobs.chat_request(body),
    }
    common.require_json_word(prompt, opts["format"], JSON_WORD, "messages")
    prompt.settings = {k: body[k] for k in SETTINGS if body.get(k) is not None}
    prompt.verbosity = steering.verbosity_of(body, "chat")
    return model, prompt, opts


def _prompt_tokens(prompt: text.Prompt, tool_tokens: int = 0) -> tuple[int, int]:
    """``(prompt tokens, image tokens)``: counted once per request, for the window check and the usage."""
    images = generate.image_tokens(prompt)
    counted = tokens.count_message_tokens([{"role": t.role, "content": t.text, "name": t.name} for t in prompt.turns])
    return counted + images + tool_tokens, images


def _usage(prompt_tokens: int, images: int, outcomes: list[Outcome]) -> dict:
    completion = sum(tools.output_tokens(o) for o in outcomes)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": prompt_tokens + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0, "image_tokens": images},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def handle(body: dict, extra_models: frozenset[str], draws: Draws | None = None) -> JsonReply | StreamReply:
    model, prompt, opts = _parse(body, extra_models)
    plan = reasoning.plan_chat(model, body, prompt.all_text)
    prompt_tokens, images = _prompt_tokens(prompt, tools.prompt_tokens(opts["tools"]))
    common.check_context(model, prompt_tokens, "chat")
    key, tools_key = ids.body_ids(body, "chat", "chat-tools")
    draw = common.draw_for(draws, key, body)  # sampling: the n-th identical request is worded anew
    first = draw * opts["n"]
    outcomes = toolwire.chat_outcomes(opts, prompt, tools_key) or [
        generate.generate(prompt, opts["format"], seed=opts["seed"], index=first + i, stop=opts["stop"], limit=plan.visible_limit(opts["limit"]))
        for i in range(opts["n"])
    ]
    outcomes = [steering.apply_bans(o, body) for o in outcomes]
    ident = "chatcmpl-" + (ids.request_id(key, draw) if draw else key)
    headers = marker_headers(outcomes)
    usage = _usage(prompt_tokens, images, outcomes)
    reasoning.charge_chat(usage, plan.used(opts["limit"]) * opts["n"])
    top, salt = opts["top_logprobs"], model + "\x1f" + prompt.all_text  # logprobs: the same streamed or not
    if opts["stream"]:
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        return StreamReply(_chunks(ident, model, outcomes, usage, include_usage, top, salt), sse_done=True, headers=headers)
    choices = [
        {
            "index": i,
            "message": {"role": "assistant", "content": o.text, "refusal": o.refusal, "annotations": [], **toolwire.message_fields(o)},
            "logprobs": logprobs.for_choice(o.text, o.refusal, top, (salt, i)),
            "finish_reason": o.finish,
        }
        for i, o in enumerate(outcomes)
    ]
    reply = {
        "id": ident,
        "object": "chat.completion",
        "created": CREATED,
        "model": model_table.snapshot_of(model),
        "choices": choices,
        "usage": usage,
        "service_tier": "default",
        "system_fingerprint": "fp_offline",
    }
    params.echo(reply, body, "chat")
    return JsonReply(200, reply, headers, tokens=usage["completion_tokens"])


def _chunks(ident: str, model: str, outcomes: list[Outcome], usage: dict, include_usage: bool, top: int | None = None, salt: str = "") -> Iterator[tuple[dict, bool]]:
    """``(chunk, is_token)`` pairs in the real order; the server paces the token ones."""

    named = model_table.snapshot_of(model)

    def chunk(choices: list, **extra: Any) -> dict:
        data = {"id": ident, "object": "chat.completion.chunk", "created": CREATED, "model": named,
                "system_fingerprint": "fp_offline", "choices": choices, **extra}
        if include_usage and "usage" not in extra:
            data["usage"] = None
        return data

    for i, o in enumerate(outcomes):
        if isinstance(o, tools.ToolOutcome):
            yield from ((chunk(choices), is_token) for choices, is_token in toolwire.chat_deltas(o, i))
            continue
        first = {"role": "assistant", "content": "", "refusal": None}
        yield chunk([{"index": i, "delta": first, "logprobs": None, "finish_reason": None}]), False
        if o.refusal is not None:
            yield chunk([{"index": i, "delta": {"refusal": o.refusal}, "logprobs": None, "finish_reason": None}]), True
        for piece, lps in logprobs.stream_pieces(o.text or "", top, (salt, i)):
            yield chunk([{"index": i, "delta": {"content": piece}, "logprobs": lps, "finish_reason": None}]), True
        yield chunk([{"index": i, "delta": {}, "logprobs": None, "finish_reason": o.finish}]), False
    if include_usage:
        yield chunk([], usage=usage), False
