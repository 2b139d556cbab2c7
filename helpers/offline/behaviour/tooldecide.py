"""One turn's tool decision, as a model makes it: call, ask, or answer from the results.

Shared by both APIs, plain and streamed (:func:`tools.decide` calls :func:`decide`).

1. **Candidates**: the functions ``tool_choice`` allows, less those the instructions say never
   to use (:mod:`toolpolicy`; unless ``tool_choice`` names one, or ``required`` leaves none).
2. **The request**: the latest user message; when the assistant's turn before it was a
   question (its last line has ``?`` or ``？``), the user message before that question plus
   this answer ("What's the weather like today" + "Glasgow, Scotland"). An answer fills what
   the request lacked: a place when a call needs one the request does not name (the whole
   short answer, without "I'm in"/"我在", so "Glasgow, Scotland" stays whole), numbers first.
3. **The calls it asks for**: :func:`toolmatch.plan` (one per thing asked), with the tools
   the instructions say always to use put first when the request gives them something to
   work on (an argument they take, or a fit). At most one call when ``parallel_tool_calls``
   is false (and ``max_tool_calls`` caps them).
4. **Already done**: calls made since the latest user message count as done (same function;
   for a function called once per place, the same place among its argument values).
5. **Deciding**:
   - ``none``: text (quoting the tool results when the conversation ends with them);
   - ``auto``: the calls not done yet; none left: text, quoting the results when there are
     some. With an instruction to ask rather than assume (:attr:`Policy.clarify`), a call
     whose required place, number or expression the conversation does not give becomes a
     clarifying question in the user's language ("Which city ...?"/"请问是哪个城市？",
     finish_reason ``stop``). Without that instruction the argument is filled as
     :mod:`toolargs` says (a schema placeholder that says it is one, for a place not named);
   - ``required`` (or a named function): the calls not done yet; after tool results with
     none left, *move on*: a tool that replies to the user (``reply_to_user``, ``final_answer``:
     see :func:`toolpurpose.replies`), else another fitting tool not called yet, else any tool
     not called yet, else a called tool with a place of the request it has not had. Only when
     the tools offer nothing else (one tool, no other argument) is a call repeated: ``required``
     forbids a text answer, so the learner's loop cap or ``tool_choice="auto"`` ends it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from . import text, toolargs, toolfill, toolmatch, toolpolicy, toolpurpose
from .toolargs import Facts
from .toolmatch import Planned
from .toolspec import Function, ToolPlan

_LEAD = re.compile(r"^(?:(?:i'?m|i am|we'?re|we are|it'?s|it is|i live|we live|my city is|the city is|the location is|"
                   r"location:?|city:?|in|at|near)\s+)+|^(?:我(?:现在)?(?:在|住在)|我们在|在|是|城市是)", re.I)
_MARK_EN, _MARK_ZH = "[Offline simulation]", "【离线模拟】"


@dataclass
class Decision:
    """What the turn does: ``calls`` (name, arguments), a clarifying ``question``, or text."""

    calls: list[tuple[str, str]] = field(default_factory=list)
    question: str | None = None


@dataclass
class Request:
    text: str
    facts: Facts
    place: str | None = None  # the place an answer to a clarifying question gives


def _required(function: Function) -> list[tuple[str, dict]]:
    params = function.parameters or {}
    props = params.get("properties") if isinstance(params.get("properties"), dict) else {}
    required = params.get("required") if isinstance(params.get("required"), list) else []
    return [(key, props[key] if isinstance(props.get(key), dict) else {}) for key in required if key in props]


def missing(call: Planned, facts: Facts) -> list[tuple[str, dict, str]]:
    """``(name, schema, kind)`` of each required argument of ``call`` the conversation does not give.

    Only places, numbers and expressions are checked: other strings are filled from the
    message, enums and booleans take a default (a model infers them too)."""
    numbers, out = len(facts.numbers), []
    for key, schema in _required(call.function):
        kind = schema.get("type")
        if "enum" in schema or "const" in schema or kind == "boolean":
            continue
        if toolargs.PLACE_KEY.search(key) and kind in ("string", None):
            if call.place is None and not facts.places:
                out.append((key, schema, "place"))
        elif kind in ("integer", "number"):
            if numbers:
                numbers -= 1
            else:
                out.append((key, schema, "number"))
        elif kind == "string" and toolfill.string_kind(key, schema) == "expression" and not toolfill.expression_in(facts.text):
            out.append((key, schema, "expression"))
    return out


def _answer_place(answer: str) -> str | None:
    """The place a short answer names: all of it, without a lead-in ("I'm in Glasgow, Scotland." -> "Glasgow, Scotland")."""
    cleaned = _LEAD.sub("", answer.strip()).strip().rstrip(" .。!！?？")
    if cleaned and (len(cleaned.split()) <= 6 if cleaned.isascii() else len(cleaned) <= 16):
        return cleaned
    found = toolargs.places_in(answer)
    return found[0] if found else None


def _asks(said: str) -> bool:
    """Whether an assistant text ends with a question (its last line has ``?`` or ``？``)."""
    lines = [line for line in said.strip().splitlines() if line.strip()]
    return bool(lines) and ("?" in lines[-1][-80:] or "？" in lines[-1][-40:])


def request_of(prompt: text.Prompt, candidates: list[Function], scopes: dict[str, str]) -> Request:
    """The request this turn answers (step 2 of the module docstring)."""
    turns = [t for t in prompt.turns if t.role not in ("system", "developer")]
    users = [i for i, t in enumerate(turns) if t.role == "user"]
    if not users:
        return Request("", Facts("", [], []))
    latest = turns[users[-1]].text
    asked = users[-1] > 0 and turns[users[-1] - 1].role == "assistant" and _asks(turns[users[-1] - 1].text)
    if not asked or len(users) < 2:
        return Request(latest, Facts(latest, toolargs.places_in(latest), toolargs.numbers_in(latest)))
    first = turns[users[-2]].text
    before = Facts(first, toolargs.places_in(first), toolargs.numbers_in(first))
    lacking = {kind for call in toolmatch.plan(candidates, first, scopes) for _, _, kind in missing(call, before)}
    place = _answer_place(latest) if "place" in lacking else None
    places = ([place] if place else []) + [p for p in toolargs.places_in(latest) + before.places if p != place]
    joined = f"{first}\n{latest}"
    return Request(joined, Facts(joined, places, toolargs.numbers_in(latest) + before.numbers), place)


def _usable(function: Function, request: Request, fit: toolmatch.Fit) -> bool:
    """Whether the request gives an "always use" tool something to work on."""
    if fit.fits:
        return True
    for key, schema in _required(function) or [(k, s) for k, s in ((function.parameters or {}).get("properties") or {}).items()]:
        kind = schema.get("type") if isinstance(schema, dict) else None
        if (toolargs.PLACE_KEY.search(key) and request.facts.places) or (kind in ("integer", "number") and request.facts.numbers):
            return True
        string = toolfill.string_kind(key, schema) if isinstance(schema, dict) and kind in ("string", None) else None
        if string == "query" or (string == "expression" and toolfill.expression_in(request.text)):
            return True
    return False


def _values(arguments: str) -> list[Any]:
    try:
        value = json.loads(arguments)
    except ValueError:
        return [arguments]
    stack, out = [value], []
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            out.append(item)
    return out


def _is_done(call: Planned, done: list[tuple[str, str]], planned: list[Planned]) -> bool:
    same = [args for name, args in done if name == call.function.name]
    if not same:
        return False
    if call.place is None or sum(p.function.name == call.function.name for p in planned) == 1:
        return True
    return any(call.place in _values(args) for args in same)


def _facts(call: Planned, request: Request) -> Facts:
    places = request.facts.places if call.place is None else [call.place, *(p for p in request.facts.places if p != call.place)]
    return Facts(request.text, places, list(request.facts.numbers))


def _arguments(function: Function, prompt: text.Prompt, facts: Facts) -> str:
    return toolargs.arguments(function.name, function.parameters, prompt, facts=facts)


def _canonical(arguments: str) -> str:
    try:
        return json.dumps(json.loads(arguments), sort_keys=True, ensure_ascii=False)
    except ValueError:
        return arguments


def question(calls: list[tuple[Planned, list[tuple[str, dict, str]]]], zh: bool) -> str:
    """The clarifying question for the arguments ``calls`` lack, in the user's language."""
    asks: list[str] = []
    for _, lacking in calls:
        for key, schema, kind in lacking:
            about = schema.get("description") if isinstance(schema.get("description"), str) else ""
            if kind == "place":
                ask = "请问是哪个城市（或地点）？" if zh else "Which city (or place) do you mean?"
            elif kind == "expression":
                ask = "请问要计算的算式是什么？" if zh else "Which calculation should I do?"
            else:
                ask = (f"请问 {key} 应该是多少" + (f"（{about}）" if about else "") + "？") if zh else (
                    f"What should {key} be" + (f" ({about})" if about else "") + "?")
            if ask not in asks:
                asks.append(ask)
    names = ", ".join(dict.fromkeys(call.function.name for call, _ in calls))
    if zh:
        return f"{_MARK_ZH}调用 {names} 之前，我需要先问清楚，不替你假设：{''.join(asks)}"
    return f"{_MARK_EN} Before I call {names}, I need to ask rather than assume. {' '.join(asks)}"


def result_text(results: list[tuple[str, str]], prompt: text.Prompt) -> str:
    """The text answer after tool results: it quotes them (no model reads them offline)."""
    zh = prompt.language == "zh"
    parts = ["【离线模拟】模拟器读到了工具的结果，没有调用任何模型。" if zh else
             "[Offline simulation] The simulator read the tool results; no model was called."]
    for name, output in results:
        quoted = text.quoted(output, zh, 200)
        parts.append(f"函数 {name} 返回了：{quoted}" if zh else f"The function {name} returned: {quoted}")
    if prompt.last_user:
        asked = text.quoted(prompt.last_user, zh)
        parts.append(f"真实模型会根据这些结果回答你的问题：{asked}" if zh else
                     f"A real model would use these results to answer your question: {asked}")
    return "".join(parts) if zh else " ".join(parts)


def _move_on(candidates: list[Function], request: Request, planned: list[Planned], done: list[tuple[str, str]],
             results: list[tuple[str, str]], prompt: text.Prompt, scopes: dict[str, str]) -> tuple[str, str]:
    """``required`` after results with nothing left to ask: a different call (step 5)."""
    tried = {(name, _canonical(args)) for name, args in done}
    called = {name for name, _ in done}
    summary = result_text(results, prompt)
    options: list[tuple[Function, Facts]] = [(f, Facts(summary, request.facts.places, [])) for f in candidates if toolpurpose.replies(f)]
    scored = toolmatch.fits(candidates, request.text, scopes)
    ranked = sorted(range(len(candidates)), key=lambda k: (not scored[k].fits, -scored[k].score, k))
    options += [(candidates[k], _facts(Planned(candidates[k]), request)) for k in ranked if candidates[k].name not in called]
    for call in planned or [Planned(toolmatch.fallback(candidates, request.text))]:
        options += [(call.function, _facts(Planned(call.function, place), request)) for place in request.facts.places]
    for function, facts in options:
        arguments = _arguments(function, prompt, facts)
        if (function.name, _canonical(arguments)) not in tried:
            return function.name, arguments
    first = (planned[0].function if planned else toolmatch.fallback(candidates, request.text))
    return first.name, _arguments(first, prompt, _facts(Planned(first), request))


def decide(plan: ToolPlan, done: list[tuple[str, str]], results: list[tuple[str, str]], prompt: text.Prompt) -> Decision:
    """The decision of one turn (the module docstring's steps); an empty Decision means text."""
    candidates = plan.candidates()
    if plan.mode == "none" or not candidates:
        return Decision()
    policy = toolpolicy.policy_of(prompt, plan.functions)
    if plan.forced is None:
        allowed = [f for f in candidates if f.name not in policy.never]
        candidates = allowed or (candidates if plan.mode == "required" else [])
        if not candidates:
            return Decision()
    request = request_of(prompt, candidates, policy.scopes)
    planned = toolmatch.plan(candidates, request.text, policy.scopes)
    if request.place:  # "Glasgow" found in the answer "I'm in Glasgow, Scotland" is the answer's whole place
        planned = [Planned(p.function, request.place if p.place and p.place in request.place else p.place) for p in planned]
    scored = {f.name: fit for f, fit in zip(candidates, toolmatch.fits(candidates, request.text, policy.scopes))}
    always = [Planned(f) for name in policy.always for f in candidates
              if f.name == name and f.name not in {p.function.name for p in planned} and _usable(f, request, scored[f.name])]
    planned = always + planned
    remaining = [p for p in planned if not _is_done(p, done, planned)][: plan.limit()]
    if not remaining and plan.mode != "required":
        return Decision()
    if remaining and plan.mode == "auto" and policy.clarify:
        lacking = [(call, gaps) for call in remaining if (gaps := missing(call, _facts(call, request)))]
        if lacking:
            return Decision(question=question(lacking, prompt.language == "zh"))
    if remaining:
        return Decision([(p.function.name, _arguments(p.function, prompt, _facts(p, request))) for p in remaining])
    if results or done:
        return Decision([_move_on(candidates, request, planned, done, results, prompt, policy.scopes)])
    first = toolmatch.fallback(candidates, request.text)
    return Decision([(first.name, _arguments(first, prompt, _facts(Planned(first), request)))])
