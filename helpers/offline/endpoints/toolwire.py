"""Function calls on the wire, as the real API writes them (both APIs, plain and streamed).

Chat Completions: ``message.tool_calls`` (or the legacy ``message.function_call``); streamed,
the first delta of each call carries its ``index``, ``id``, ``type`` and ``name`` with empty
``arguments``, then deltas carry only ``index`` and argument fragments. Responses:
``function_call`` output items; streamed as ``response.output_item.added``,
``response.function_call_arguments.delta``/``.done`` and ``response.output_item.done``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..wire import ids
from ..behaviour import text
from ..behaviour.outcome import Outcome
from ..behaviour.tools import Session, ToolOutcome, decide


def chat_outcomes(opts: dict, prompt: text.Prompt, key: str) -> list[Outcome] | None:
    """One tool-aware outcome per choice, or None when the plain reply applies.

    ``key`` is ``ids.request_id("chat-tools", body)`` (the call ids derive from it)."""
    session: Session = opts["tools"]
    outcomes = [decide(session, prompt, opts["format"], limit=opts["limit"], stop=opts["stop"], key=key, index=i)
                for i in range(opts["n"])]
    return None if any(o is None for o in outcomes) else outcomes  # type: ignore[return-value]


def responses_outcome(opts: dict, prompt: text.Prompt, key: str) -> Outcome | None:
    """``key`` is ``ids.request_id("responses-tools", body)`` (the call ids derive from it)."""
    return decide(opts["tools"], prompt, opts["format"], limit=opts["limit"], stop=[], key=key)


# --- Chat Completions --------------------------------------------------------------------------


def message_fields(outcome: Outcome) -> dict:
    """``tool_calls`` (or legacy ``function_call``) for the reply message; {} for text."""
    if not isinstance(outcome, ToolOutcome):
        return {}
    if outcome.legacy:
        call = outcome.calls[0]
        return {"function_call": {"name": call.name, "arguments": call.arguments}}
    return {"tool_calls": [{"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                           for c in outcome.calls]}


def chat_deltas(outcome: ToolOutcome, index: int) -> Iterator[tuple[list, bool]]:
    """``(choices, is_token)`` for the chunks of one tool-calling choice, finish chunk included."""

    def choice(delta: dict, finish: str | None = None) -> list:
        return [{"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}]

    head = {"role": "assistant", "content": None, "refusal": None}
    if outcome.legacy:
        call = outcome.calls[0]
        yield choice({**head, "function_call": {"name": call.name, "arguments": ""}}), False
        for piece in text.pieces(call.arguments):
            yield choice({"function_call": {"arguments": piece}}), True
    else:
        for j, call in enumerate(outcome.calls):
            start = {"index": j, "id": call.id, "type": "function", "function": {"name": call.name, "arguments": ""}}
            yield choice({**(head if j == 0 else {}), "tool_calls": [start]}), False
            for piece in text.pieces(call.arguments):
                yield choice({"tool_calls": [{"index": j, "function": {"arguments": piece}}]}), True
    yield choice({}, outcome.finish), False


# --- Responses ---------------------------------------------------------------------------------


def output_items(outcome: Outcome | None, msg_id: str) -> list[dict]:
    """The ``function_call`` output items of a calling outcome; [] otherwise."""
    if not isinstance(outcome, ToolOutcome):
        return []
    last = len(outcome.calls) - 1
    return [{"type": "function_call", "id": "fc_" + ids.request_id("function-call", msg_id, j), "call_id": c.id,
             "name": c.name, "arguments": c.arguments,
             "status": "incomplete" if outcome.finish == "length" and j == last else "completed"}
            for j, c in enumerate(outcome.calls)]


def response_events(event: Callable[..., dict], final: dict, first: int = 0) -> Iterator[tuple[dict, bool]]:
    """The events of a response whose output is function calls, through its terminal event.

    ``first`` is the output index of the first call (items before it, such as a reasoning
    item, have had their events already)."""
    for j, item in enumerate(final["output"][first:], start=first):
        yield event("response.output_item.added", output_index=j, item={**item, "arguments": "", "status": "in_progress"}), False
        where = {"item_id": item["id"], "output_index": j}
        for piece in text.pieces(item["arguments"]):
            yield event("response.function_call_arguments.delta", delta=piece, **where), True
        yield event("response.function_call_arguments.done", arguments=item["arguments"], name=item["name"], **where), False
        yield event("response.output_item.done", output_index=j, item=item), False
    done = "response.incomplete" if final["status"] == "incomplete" else "response.completed"
    yield event(done, response=final), False


def response_fields(body: dict, echo: list[dict]) -> dict[str, Any]:
    """What a response echoes about tools: normalized ``tools`` (``echo``, normalized once per
    request by ``tools.responses_session``), ``tool_choice``, ``parallel_tool_calls`` and (when
    sent) ``max_tool_calls``."""
    fields: dict[str, Any] = {
        "parallel_tool_calls": body.get("parallel_tool_calls") is not False,
        "tool_choice": body.get("tool_choice") if body.get("tool_choice") is not None else "auto",
        "tools": echo,
    }
    if body.get("max_tool_calls") is not None:
        fields["max_tool_calls"] = body["max_tool_calls"]
    return fields


__all__ = ["chat_deltas", "chat_outcomes", "message_fields", "output_items", "response_events",
           "response_fields", "responses_outcome"]
