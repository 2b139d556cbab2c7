"""Function calling in the offline simulator: the conversation's tool history, and the outcome of a turn.

Shared by both APIs, plain and streamed. Whether to call, which functions, and when to ask
or answer instead is decided in :mod:`tooldecide` (by purpose and embeddings, see
:mod:`toolmatch`; following the instructions about tools, see :mod:`toolpolicy`).
Definitions are checked in :mod:`toolspec`, arguments built in :mod:`toolargs`, and the
wire shapes written in :mod:`toolwire`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from . import tokenizer as tokens
from ..wire import errors, ids
from . import text, tooldecide, toolspec
from .outcome import Format, Outcome
from ..wire.errors import SimError
from .toolspec import Function, ToolPlan

MISSING_RESULTS = ("An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                   "'tool_call_id'. The following tool_call_ids did not have response messages: ")


@dataclass
class Call:
    """One function call the simulated model makes."""

    id: str
    name: str
    arguments: str


@dataclass
class ToolOutcome(Outcome):
    """A choice that calls functions instead of answering (``text`` and ``refusal`` are None)."""

    calls: list[Call] = field(default_factory=list)
    legacy: bool = False


@dataclass
class Session:
    """A request's tools: what it allows, the results it ends with, its extra prompt tokens.

    ``done`` holds the ``(name, arguments)`` of the calls made since the latest user message."""

    plan: ToolPlan
    results: list[tuple[str, str]] = field(default_factory=list)
    done: list[tuple[str, str]] = field(default_factory=list)
    history_tokens: int = 0
    echo: list[dict] = field(default_factory=list)


def is_call(outcome: Outcome) -> bool:
    return isinstance(outcome, ToolOutcome)


# --- tokens ----------------------------------------------------------------------------------


def definition_tokens(functions: list[Function]) -> int:
    """Prompt tokens the function definitions add: an approximation.

    The real rendering of tools into the prompt is not documented. The simulator counts the
    tokens of a compact JSON rendering of each function (name, description, parameters) plus
    a fixed overhead of 12 tokens for the tool section and 3 per function.
    """
    if not functions:
        return 0
    rendered = [json.dumps({"name": f.name, "description": f.description, "parameters": f.parameters or {}},
                           ensure_ascii=False, separators=(",", ":")) for f in functions]
    return 12 + sum(3 + tokens.count_tokens(r) for r in rendered)


def prompt_tokens(session: Session) -> int:
    """Tokens on top of the messages: tool definitions and earlier calls' names and arguments."""
    return definition_tokens(session.plan.functions) + session.history_tokens


def output_tokens(outcome: Outcome) -> int:
    if isinstance(outcome, ToolOutcome):
        return sum(tokens.count_tokens(c.name) + tokens.count_tokens(c.arguments) for c in outcome.calls)
    return tokens.count_tokens(outcome.text or outcome.refusal or "")


# --- Chat Completions history ------------------------------------------------------------------


def _chat_calls(message: dict, where: str) -> list[tuple[str, str, str]]:
    """``(id, name, arguments)`` of an assistant message's ``tool_calls`` (checked)."""
    calls = message.get("tool_calls")
    if not isinstance(calls, list):
        raise errors.invalid_type(f"{where}.tool_calls", "an array", calls)
    out = []
    for j, call in enumerate(calls):
        at = f"{where}.tool_calls[{j}]"
        if not isinstance(call, dict):
            raise errors.invalid_type(at, "an object", call)
        function = call.get("function")
        for key, value in (("id", call.get("id")), ("type", call.get("type")), ("function", function)):
            if value is None:
                raise errors.missing_param(f"{at}.{key}")
        if call["type"] != "function":
            raise errors.unsupported_part(call["type"], at, "'function'")
        if not isinstance(function, dict) or not isinstance(function.get("name"), str) or not isinstance(function.get("arguments"), str):
            raise errors.missing_param(f"{at}.function.name" if not isinstance(function, dict) or "name" not in function else f"{at}.function.arguments")
        out.append((call["id"], function["name"], function["arguments"]))
    return out


def _content(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content if isinstance(content, str) else ""


def chat_session(body: dict) -> Session:
    """Check the tools and the messages' tool history; keep the results the conversation ends with."""
    session = Session(toolspec.chat_plan(body))
    pending: dict[str, str] = {}  # calls of the latest assistant message not yet answered
    latest: dict[str, str] = {}  # every call of the latest assistant message
    opened, in_block = -1, False
    for i, message in enumerate(body.get("messages") or []):
        role = message.get("role") if isinstance(message, dict) else None
        if role != "tool" and pending:
            raise SimError(400, MISSING_RESULTS + ", ".join(pending), param=f"messages.[{opened}].role")
        if role == "tool":
            session.results.append(_answer(message, i, in_block, latest, pending))
            continue
        in_block, session.results = False, []
        if role == "user":
            session.done = []
        if role == "assistant" and message.get("tool_calls") is not None:
            calls = _chat_calls(message, f"messages[{i}]")
            session.done += [(name, arguments) for _, name, arguments in calls]
            latest = {cid: name for cid, name, _ in calls}
            pending = dict(latest)
            session.history_tokens += sum(tokens.count_tokens(n) + tokens.count_tokens(a) for _, n, a in calls)
            opened, in_block = i, True
        elif role == "function":
            if not isinstance(message.get("name"), str):
                raise errors.missing_param(f"messages[{i}].name")
            session.results = [(message["name"], _content(message))]
        elif role == "assistant" and isinstance(message.get("function_call"), dict):
            call = message["function_call"]
            session.done.append((str(call.get("name", "")), str(call.get("arguments", ""))))
            session.history_tokens += tokens.count_tokens(str(call.get("name", ""))) + tokens.count_tokens(str(call.get("arguments", "")))
    if pending:
        raise SimError(400, MISSING_RESULTS + ", ".join(pending), param=f"messages.[{opened}].role")
    return session


def _answer(message: dict, i: int, in_block: bool, latest: dict[str, str], pending: dict[str, str]) -> tuple[str, str]:
    """A ``tool`` message must answer a call of the assistant message just before it."""
    call_id = message.get("tool_call_id")
    if call_id is None:
        raise errors.missing_param(f"messages[{i}].tool_call_id")
    if not in_block:
        raise SimError(400, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", param=f"messages.[{i}].role")
    if call_id not in latest:
        raise SimError(400, f"Invalid parameter: 'tool_call_id' of '{call_id}' not found in 'tool_calls' of previous message.", param=f"messages.[{i}].tool_call_id")
    pending.pop(call_id, None)
    return latest[call_id], _content(message)


# --- Responses history -------------------------------------------------------------------------


def input_item_turn(item: dict, where: str) -> text.Turn | None:
    """The prompt turn of a non-message input item: a function call or its output.

    A reasoning item fed back (as the API allows, to keep a reasoning model's context) adds
    no text; every other item type is refused."""
    kind = item.get("type")
    if kind == "reasoning":
        if not isinstance(item.get("summary", []), list):
            raise errors.invalid_type(f"{where}.summary", "an array", item.get("summary"))
        return None
    if kind == "function_call":
        for key in ("call_id", "name", "arguments"):
            if not isinstance(item.get(key), str):
                raise errors.missing_param(f"{where}.{key}")
        return text.Turn("assistant", "")
    if kind == "function_call_output":
        if not isinstance(item.get("call_id"), str):
            raise errors.missing_param(f"{where}.call_id")
        return text.Turn("tool", _output_text(item.get("output"), where))
    raise SimError(400, f"Input items of type '{kind}' are not available offline: the simulator understands 'message', "
                   "'reasoning', 'function_call' and 'function_call_output' items.", param=f"{where}.type", code="invalid_value")


def _output_text(output: Any, where: str) -> str:
    if isinstance(output, str):
        return output
    if not isinstance(output, list):
        raise errors.missing_param(f"{where}.output")
    texts = []
    for j, part in enumerate(output):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind != "input_text" or not isinstance(part.get("text"), str):
            raise errors.unsupported_part(kind, f"{where}.output[{j}]", "'input_text' (images and files in tool outputs are not available offline)")
        texts.append(part["text"])
    return "\n".join(texts)


def responses_session(body: dict, max_calls: int | None) -> Session:
    """Check tools and the input's function calls/outputs; keep the results the input ends with."""
    plan, echo = toolspec.responses_plan(body, max_calls)
    session = Session(plan, echo=echo)
    items = body.get("input")
    if not isinstance(items, list):
        return session
    calls: dict[str, str] = {}
    answered: set[str] = set()
    for i, item in enumerate(items):
        kind = item.get("type", "message")
        if kind == "function_call":
            calls[item["call_id"]] = item["name"]
            session.done.append((item["name"], item["arguments"]))
            session.history_tokens += tokens.count_tokens(item["name"]) + tokens.count_tokens(item["arguments"])
            session.results = []
        elif kind == "function_call_output":
            call_id = item["call_id"]
            if call_id not in calls:  # a previous_response_id chain arrives here with its stored items
                raise SimError(400, f"No tool call found for function call output with call_id {call_id}.", param="input")
            answered.add(call_id)
            session.results.append((calls.get(call_id, "function"), _output_text(item.get("output"), f"input[{i}]")))
        else:
            session.results = []
            if item.get("role") == "user":
                session.done = []
    for call_id in calls:
        if call_id not in answered:
            raise SimError(400, f"No tool output found for function call {call_id}.", param="input")
    return session


# --- deciding ----------------------------------------------------------------------------------


def _call_id(key: str, index: int, position: int) -> str:
    return "call_" + ids.request_id("tool-call", key, index, position)


def _cap(calls: list[Call], limit: int | None) -> tuple[list[Call], bool]:
    """Keep the calls' arguments within ``limit`` tokens; the last one kept may be cut short."""
    if limit is None:
        return calls, False
    kept: list[Call] = []
    left = limit
    for call in calls:
        ids = tokens.encode(call.arguments)
        if len(ids) <= left:
            kept.append(call)
            left -= len(ids)
            continue
        if left > 0 or not kept:
            kept.append(Call(call.id, call.name, tokens.decode(ids[:left])))
        return kept, True
    return kept, False


def decide(session: Session, prompt: text.Prompt, fmt: Format, *, limit: int | None, stop: list[str],
           key: str, index: int = 0) -> Outcome | None:
    """The tool-aware outcome of one choice, or None when the plain reply applies."""
    plan = session.plan
    decision = tooldecide.decide(plan, session.done, session.results, prompt)
    if not decision.calls:
        if fmt.kind != "text" or (decision.question is None and not session.results):
            return None
        said = decision.question or tooldecide.result_text(session.results, prompt)
        reply, _ = text.apply_stop(said, stop)
        reply, cut = text.truncate(reply, limit)
        return Outcome(reply, None, "length" if cut else "stop")
    calls = [Call(_call_id(key, index, j), name, arguments) for j, (name, arguments) in enumerate(decision.calls)]
    calls, cut = _cap(calls, limit)
    finish = "length" if cut else ("function_call" if plan.legacy else "tool_calls")
    return ToolOutcome(None, None, finish, calls=calls, legacy=plan.legacy)
