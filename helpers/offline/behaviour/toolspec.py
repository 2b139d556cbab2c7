"""Tool definitions and ``tool_choice`` for both APIs, checked as the real API checks them.

Only function tools run offline. Every other tool type (custom tools, and the hosted tools of
the Responses API: web search, file search, code interpreter, ...) is refused with a 400 that
says so, never accepted and ignored.
"""

from __future__ import annotations

import functools
import re
import typing
from dataclasses import dataclass, field
from typing import Any

from ..wire import errors
from . import toolschema
from ..wire.errors import SimError

NAME = re.compile(r"^[a-zA-Z0-9_-]+$")
MAX_NAME = 64
MAX_TOOLS = 128
CHAT_TYPES = ("function", "custom")


@dataclass
class Function:
    """One callable function: what the simulator needs to decide on and fill a call."""

    name: str
    description: str
    parameters: dict | None
    strict: bool


@dataclass
class ToolPlan:
    """What the request allows: the functions, the choice mode and the call limits.

    ``mode`` is ``none``, ``auto`` or ``required``; ``forced`` names a function the caller
    insists on; ``allowed`` restricts the candidates (``allowed_tools``); ``legacy`` means
    the deprecated ``functions``/``function_call`` pair (one call, ``function_call`` reply).
    """

    functions: list[Function] = field(default_factory=list)
    mode: str = "none"
    forced: str | None = None
    allowed: list[str] | None = None
    parallel: bool = True
    max_calls: int | None = None
    legacy: bool = False

    def candidates(self) -> list[Function]:
        if self.forced is not None:
            return [f for f in self.functions if f.name == self.forced]
        if self.allowed is not None:
            return [f for f in self.functions if f.name in self.allowed]
        return list(self.functions)

    def limit(self) -> int:
        most = 1 if (self.legacy or not self.parallel) else 8
        return most if self.max_calls is None else min(most, self.max_calls)


def _check_name(name: Any, param: str) -> str:
    if name is None:
        raise errors.missing_param(param)
    if not isinstance(name, str):
        raise errors.invalid_type(param, "a string", name)
    if not name:
        raise SimError(400, f"Invalid '{param}': string too short. Expected a string with minimum length 1, but got an empty string instead.", param=param, code="string_below_min_length")
    if len(name) > MAX_NAME:
        raise SimError(400, f"Invalid '{param}': string too long. Expected a string with maximum length {MAX_NAME}, but got a string with length {len(name)} instead.", param=param, code="string_above_max_length")
    if not NAME.match(name):
        raise SimError(400, f"Invalid '{param}': string does not match pattern. Expected a string that matches the pattern '{NAME.pattern}'.", param=param, code="invalid_value")
    return name


def function_from(spec: Any, where: str, strict_default: bool | None) -> tuple[Function, dict]:
    """Check one function definition (the ``function`` object in Chat, the tool itself in
    Responses); return it and its normalized echo. ``strict_default`` None means "normalize
    when possible" (Responses); a bool is the default when ``strict`` is omitted."""
    if not isinstance(spec, dict):
        raise errors.invalid_type(where, "an object", spec)
    name = _check_name(spec.get("name"), f"{where}.name")
    description = spec.get("description")
    if description is not None and not isinstance(description, str):
        raise errors.invalid_type(f"{where}.description", "a string", description)
    params = spec.get("parameters")
    strict = spec.get("strict")
    if strict is not None and not isinstance(strict, bool):
        raise errors.invalid_type(f"{where}.strict", "a boolean", strict)
    if params is not None:
        toolschema.check_parameters(name, params, f"{where}.parameters")
    if strict is True:
        toolschema.check_strict(name, params or {"type": "object", "properties": {}, "additionalProperties": False}, f"{where}.parameters")
    elif strict is None and strict_default is None:
        normalized = toolschema.normalize_strict(params or {"type": "object", "properties": {}})
        strict, params = (True, normalized) if normalized is not None else (False, params)
    elif strict is None:
        strict = strict_default
    echo = {"name": name, "description": description, "parameters": params, "strict": strict}
    return Function(name, description or "", params, bool(strict)), echo


def _check_list(tools: Any, param: str) -> list:
    if not isinstance(tools, list):
        raise errors.invalid_type(param, "an array", tools)
    if len(tools) > MAX_TOOLS:
        raise SimError(400, f"Invalid '{param}': array too long. Expected an array with maximum length {MAX_TOOLS}, but got an array with length {len(tools)} instead.", param=param, code="array_above_max_length")
    return tools


def _no_duplicates(functions: list[Function], param: str) -> None:
    seen: set[str] = set()
    for f in functions:
        if f.name in seen:
            raise SimError(400, f"Invalid '{param}': function name '{f.name}' is defined more than once; each function needs a unique name.", param=param, code="invalid_value")
        seen.add(f.name)


def chat_tools(body: dict) -> list[Function]:
    """``tools`` of a Chat Completions request (function tools only)."""
    functions = []
    if body["tools"] == []:
        raise SimError(400, "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.", param="tools", code="empty_array")
    for i, tool in enumerate(_check_list(body["tools"], "tools")):
        where = f"tools[{i}]"
        if not isinstance(tool, dict):
            raise errors.invalid_type(where, "an object", tool)
        kind = tool.get("type")
        if kind == "custom":
            raise SimError(400, f"Invalid '{where}.type': custom tools (free-form text input) are not available offline; the simulator runs function tools only.", param=f"{where}.type", code="invalid_value")
        if kind != "function":
            raise errors.unsupported_part(kind, where, "'function' and 'custom'")
        if "function" not in tool:
            raise errors.missing_param(f"{where}.function")
        functions.append(function_from(tool["function"], f"{where}.function", False)[0])
    _no_duplicates(functions, "tools")
    return functions


def legacy_functions(body: dict) -> list[Function]:
    """The deprecated ``functions`` list (same definitions, no wrapper)."""
    functions = [function_from(f, f"functions[{i}]", False)[0] for i, f in enumerate(_check_list(body["functions"], "functions"))]
    _no_duplicates(functions, "functions")
    return functions


@functools.lru_cache(maxsize=1)
def hosted_tool_types() -> tuple[str, ...]:
    """Every non-function tool type the installed SDK can send to ``/v1/responses``."""
    from openai.types.responses import tool_param

    kinds: list[str] = []
    for member in typing.get_args(tool_param.ToolParam):
        hint = typing.get_type_hints(member).get("type")
        kinds.extend(a for a in typing.get_args(hint) if isinstance(a, str))
    return tuple(k for k in kinds if k != "function")


def responses_tools(body: dict) -> tuple[list[Function], list[dict]]:
    """``tools`` of a Responses request: the functions and their normalized echo."""
    functions, echoes = [], []
    for i, tool in enumerate(_check_list(body["tools"], "tools")):
        where = f"tools[{i}]"
        if not isinstance(tool, dict):
            raise errors.invalid_type(where, "an object", tool)
        kind = tool.get("type")
        if kind != "function":
            raise _not_offline(kind, where)
        function, echo = function_from(tool, where, None)
        functions.append(function)
        echoes.append({"type": "function", **echo})
    _no_duplicates(functions, "tools")
    return functions, echoes


def _not_offline(kind: Any, where: str) -> SimError:
    if isinstance(kind, str) and kind in hosted_tool_types():
        return SimError(400, f"Tool type '{kind}' is not available offline: the real API runs it on OpenAI's servers, and the "
                        "simulator runs function tools only. Remove it, or use a real key.", param=f"{where}.type", code="invalid_value")
    supported = ", ".join(f"'{k}'" for k in ("function", *hosted_tool_types()))
    return SimError(400, f"Invalid value: '{kind}'. Supported values are: {supported}.", param=f"{where}.type", code="invalid_value")


# --- tool_choice ---------------------------------------------------------------------------


def _only_with(param: str, needs: str) -> SimError:
    return SimError(400, f"Invalid value for '{param}': '{param}' is only allowed when '{needs}' are specified.", param=param)


def _named(plan: ToolPlan, name: Any, param: str) -> None:
    if not isinstance(name, str):
        raise errors.missing_param(param)
    if name not in {f.name for f in plan.functions}:
        raise SimError(400, f"Invalid value for '{param}': no function named '{name}' in 'tools'. Name one of the functions you sent.", param=param, code="invalid_value")
    plan.mode, plan.forced = "required", name


def _allowed(plan: ToolPlan, spec: Any, param: str, nested: bool) -> None:
    if not isinstance(spec, dict):
        raise errors.missing_param(param)
    mode, listed = spec.get("mode"), spec.get("tools")
    if mode not in ("auto", "required"):
        raise errors.invalid_value(f"{param}.mode", f"Invalid value: '{mode}'. Supported values are: 'auto' and 'required'.")
    if not isinstance(listed, list) or not listed:
        raise errors.missing_param(f"{param}.tools")
    names = []
    for i, tool in enumerate(listed):
        where = f"{param}.tools[{i}]"
        kind = tool.get("type") if isinstance(tool, dict) else None
        if kind != "function":
            raise _not_offline(kind, where)
        name = (tool.get("function") or {}).get("name") if nested else tool.get("name")
        if name not in {f.name for f in plan.functions}:
            raise errors.invalid_value(where, f"Invalid value for '{where}': no function named '{name}' in 'tools'.")
        names.append(name)
    plan.mode, plan.allowed = mode, names


def _choice(plan: ToolPlan, choice: Any, nested: bool) -> None:
    """Apply ``tool_choice`` (``nested``: Chat's ``{"function": {"name"}}`` form)."""
    if choice in ("none", "auto", "required"):
        plan.mode = choice
        return
    kind = choice.get("type") if isinstance(choice, dict) else None
    if kind == "function":
        _named(plan, (choice.get("function") or {}).get("name") if nested else choice.get("name"),
               "tool_choice.function.name" if nested else "tool_choice.name")
    elif kind == "allowed_tools":
        _allowed(plan, choice.get("allowed_tools") if nested else choice, "tool_choice.allowed_tools" if nested else "tool_choice", nested)
    elif isinstance(kind, str) and (kind == "custom" or kind in hosted_tool_types()):
        raise _not_offline(kind, "tool_choice")
    else:
        raise errors.invalid_value("tool_choice", "Invalid value for 'tool_choice': expected 'none', 'auto', 'required', "
                                   "or an object naming a function ({'type': 'function', ...}) or 'allowed_tools'.")


def _parallel(body: dict) -> bool:
    value = body.get("parallel_tool_calls")
    if value is not None and not isinstance(value, bool):
        raise errors.invalid_type("parallel_tool_calls", "a boolean", value)
    return value is not False


def chat_plan(body: dict) -> ToolPlan:
    """Tools, legacy functions and the choice of a Chat Completions request."""
    has_tools, has_functions = body.get("tools") is not None, body.get("functions") is not None
    if has_tools and has_functions:
        raise SimError(400, "Invalid request: 'functions' (deprecated) and 'tools' cannot be combined; move the functions into 'tools'.", param="functions", code="invalid_value")
    if body.get("tool_choice") is not None and not has_tools:
        raise _only_with("tool_choice", "tools")
    if body.get("parallel_tool_calls") is not None and not has_tools:
        raise _only_with("parallel_tool_calls", "tools")
    if body.get("function_call") is not None and not has_functions:
        raise _only_with("function_call", "functions")
    if has_functions:
        plan = ToolPlan(legacy_functions(body), mode="auto", legacy=True)
        call = body.get("function_call")
        if isinstance(call, dict):
            _named(plan, call.get("name"), "function_call.name")
        elif call is not None and call not in ("none", "auto"):
            raise errors.invalid_value("function_call", f"Invalid value: '{call}'. Supported values are: 'none' and 'auto', or an object with a 'name'.")
        elif call is not None:
            plan.mode = call
        return plan
    if not has_tools:
        return ToolPlan()
    plan = ToolPlan(chat_tools(body), mode="auto", parallel=_parallel(body))
    if body.get("tool_choice") is not None:
        _choice(plan, body["tool_choice"], nested=True)
    return plan


def responses_plan(body: dict, max_calls: int | None) -> tuple[ToolPlan, list[dict]]:
    """Tools and choice of a Responses request, and the ``tools`` echo for the response."""
    functions, echoes = responses_tools(body) if body.get("tools") is not None else ([], [])
    plan = ToolPlan(functions, mode="auto" if functions else "none", parallel=_parallel(body), max_calls=max_calls)
    choice = body.get("tool_choice")
    if choice is not None:
        if not functions and choice not in ("none", "auto"):
            raise SimError(400, "Invalid value for 'tool_choice': it asks for a tool call, but 'tools' is empty.", param="tool_choice", code="invalid_value")
        _choice(plan, choice, nested=False)
    return plan, echoes
