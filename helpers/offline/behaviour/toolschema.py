"""JSON Schema checks for function tools: the API's shape rules and its strict-mode rules.

Strict mode (``strict: true``) accepts only closed objects: every object schema lists all
its properties in ``required`` and sets ``additionalProperties: false``. The Responses API
also *normalizes* a schema into strict mode when ``strict`` is omitted and it can; the
function-calling guide says it falls back to non-strict calling when it cannot.
"""

from __future__ import annotations

import copy
from typing import Any

from ..wire.errors import SimError

#: Keywords whose values are sub-schemas (one schema, a list, or a name -> schema map).
_ONE = ("items", "not", "additionalProperties", "contains", "if", "then", "else")
_LIST = ("anyOf", "allOf", "oneOf", "prefixItems")
_MAP = ("properties", "$defs", "definitions", "patternProperties")


def invalid_parameters(name: str, detail: str, param: str) -> SimError:
    """The API's 400 for a function whose ``parameters`` it cannot use."""
    return SimError(400, f"Invalid schema for function '{name}': {detail}", param=param, code="invalid_function_parameters")


def check_parameters(name: str, schema: Any, param: str) -> None:
    """``schema`` must be a valid JSON Schema whose root is ``type: "object"``."""
    import jsonschema  # imported on first use: it takes seconds to load, and most requests have no tools

    if not isinstance(schema, dict):
        raise invalid_parameters(name, f"schema must be a JSON Schema object, got {type(schema).__name__}.", param)
    if schema.get("type") != "object":
        raise invalid_parameters(name, f"schema must be a JSON Schema of 'type: \"object\"', got 'type: \"{schema.get('type')}\"'.", param)
    try:
        jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator).check_schema(schema)
    except jsonschema.SchemaError as err:
        where = "/".join(str(p) for p in err.path) or "/"
        raise invalid_parameters(name, f"{err.message} (at '{where}').", param) from None


def _is_object(node: dict) -> bool:
    kind = node.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind) or "properties" in node


def _children(node: dict, context: tuple) -> list[tuple[Any, tuple]]:
    out: list[tuple[Any, tuple]] = []
    for key in _ONE:
        if isinstance(node.get(key), dict):
            out.append((node[key], context + (key,)))
    for key in _LIST:
        if isinstance(node.get(key), list):
            out.extend((sub, context + (key, str(i))) for i, sub in enumerate(node[key]))
    for key in _MAP:
        if isinstance(node.get(key), dict):
            out.extend((sub, context + (key, str(k))) for k, sub in node[key].items())
    return out


def strict_problem(schema: Any, context: tuple = ()) -> str | None:
    """The first strict-mode rule ``schema`` breaks (the API's wording), or None."""
    if not isinstance(schema, dict):
        return None
    if _is_object(schema):
        if schema.get("additionalProperties") is not False:
            return f"In context={context!r}, 'additionalProperties' is required to be supplied and to be false."
        props = schema.get("properties") or {}
        required = schema.get("required")
        missing = [k for k in props if not isinstance(required, list) or k not in required]
        if missing:
            return (f"In context={context!r}, 'required' is required to be supplied and to be an array including "
                    f"every key in properties. Missing '{missing[0]}'.")
    for sub, where in _children(schema, context):
        problem = strict_problem(sub, where)
        if problem:
            return problem
    return None


def check_strict(name: str, schema: dict, param: str) -> None:
    problem = strict_problem(schema)
    if problem:
        raise invalid_parameters(name, problem, param)


def normalize_strict(schema: dict) -> dict | None:
    """``schema`` made strict (objects closed, every property required), or None when it cannot be.

    An object that explicitly allows extra properties cannot be closed without changing what it
    accepts, so such a schema stays non-strict (the Responses API's fallback).
    """
    result = copy.deepcopy(schema)

    def close(node: Any) -> bool:
        if not isinstance(node, dict):
            return True
        if _is_object(node):
            if node.get("additionalProperties", False) is not False:
                return False
            node["additionalProperties"] = False
            node["required"] = list(node.get("properties") or {})
        return all(close(sub) for sub, _ in _children(node, ()))

    return result if close(result) else None
