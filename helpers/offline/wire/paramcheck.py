"""Checks for the request parameters the simulator accepts or refuses (see ``params.py``).

Each check takes ``(name, value, body)`` and raises the real API's 400 for a bad value, or
a clear "not available offline" 400 for a value asking for something the simulator cannot
do. A check returns nothing: a value it lets through is either honoured elsewhere or has no
visible effect offline. ``None`` (JSON null) is the API's "not set" for all of these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from . import errors

Check = Callable[[str, Any, dict], None]

REAL_KEY = "Remove it, or use a real API key (OPENAI_API_KEY) to use this feature."


def refusal(param: str, what: str, code: str = "unsupported_parameter") -> errors.SimError:
    """The simulator's 400 for a feature it cannot offer: what is missing and what to do."""
    return errors.SimError(400, f"Not available in the offline simulator: {what} ('{param}'). {REAL_KEY}", param=param, code=code)


def type_name(value: Any) -> str:
    """The JSON type name of ``value``, as the API's messages say it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    names = {int: "an integer", float: "a decimal", str: "a string", list: "an array", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def invalid_type(name: str, expected: str, value: Any) -> errors.SimError:
    return errors.SimError(
        400,
        f"Invalid type for '{name}': expected {expected}, but got {type_name(value)} instead.",
        param=name,
        code="invalid_type",
    )


def too_long(name: str, limit: int, length: int, label: str | None = None) -> errors.SimError:
    what = label or f"Invalid '{name}': string"
    return errors.SimError(
        400,
        f"{what} too long. Expected a string with maximum length {limit}, but got a string with length {length} instead.",
        param=name,
        code="string_above_max_length",
    )


def invalid_enum(name: str, value: Any, allowed: Iterable[str]) -> errors.SimError:
    names = [f"'{a}'" for a in allowed]
    listed = ", ".join(names[:-1]) + f", and {names[-1]}" if len(names) > 2 else " and ".join(names)
    return errors.SimError(400, f"Invalid value: '{value}'. Supported values are: {listed}.", param=name, code="invalid_value")


def string(limit: int | None = None) -> Check:
    """A string of at most ``limit`` characters."""

    def check(name: str, value: Any, body: dict) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            raise invalid_type(name, "a string", value)
        if limit is not None and len(value) > limit:
            raise too_long(name, limit, len(value))

    return check


def enum(*allowed: str) -> Check:
    """One of ``allowed``."""

    def check(name: str, value: Any, body: dict) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            raise invalid_type(name, "a string", value)
        if value not in allowed:
            raise invalid_enum(name, value, allowed)

    return check


def boolean(name: str, value: Any, body: dict) -> None:
    if value is not None and not isinstance(value, bool):
        raise invalid_type(name, "a boolean", value)


def metadata(name: str, value: Any, body: dict) -> None:
    """At most 16 pairs; keys up to 64 characters; values strings up to 512 characters."""
    if value is None:
        return
    if not isinstance(value, dict):
        raise invalid_type(name, "an object", value)
    if len(value) > 16:
        raise errors.SimError(
            400,
            f"Invalid '{name}': too many properties. Expected an object with at most 16 properties, "
            f"but got an object with {len(value)} properties instead.",
            param=name,
            code="object_above_max_properties",
        )
    for key, item in value.items():
        where = f"{name}.{key}"
        if len(key) > 64:
            raise too_long(where, 64, len(key), f"Invalid property name in '{name}': '{key}' is")
        if not isinstance(item, str):
            raise invalid_type(where, "a string", item)
        if len(item) > 512:
            raise too_long(where, 512, len(item))


def obj(fields: dict[str, Check]) -> Check:
    """An object whose keys are ``fields`` (each checked); any other key is a 400."""

    def check(name: str, value: Any, body: dict) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            raise invalid_type(name, "an object", value)
        for key, item in value.items():
            if key not in fields:
                raise errors.SimError(400, f"Unknown parameter: '{name}.{key}'.", param=f"{name}.{key}", code="unknown_parameter")
            fields[key](f"{name}.{key}", item, body)

    return check


def both(*checks: Check) -> Check:
    """Run ``checks`` in order."""

    def check(name: str, value: Any, body: dict) -> None:
        for one in checks:
            one(name, value, body)

    return check


def refuse_unless(noop: Callable[[Any], bool], what: str, code: str = "unsupported_value") -> Check:
    """Refuse any value except the no-op ones (``noop(value)`` true; null always is)."""

    def check(name: str, value: Any, body: dict) -> None:
        if value is not None and not noop(value):
            raise refusal(name, what, code)

    return check


def refuse_set(what: str) -> Check:
    """Refuse the parameter whenever it is set (null is "not set")."""

    def check(name: str, value: Any, body: dict) -> None:
        if value is not None:
            raise refusal(name, what, "unsupported_parameter")

    return check


def only_when_streaming(name: str, value: Any, body: dict) -> None:
    if value is not None and body.get("stream") is not True:
        raise errors.SimError(400, f"The '{name}' parameter is only allowed when 'stream' is enabled.", param=name, code="invalid_value")


def integer(name: str, value: Any, body: dict) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise invalid_type(name, "an integer", value)


def enum_list(*allowed: str) -> Check:
    """An array whose items are each one of ``allowed``."""
    item = enum(*allowed)

    def check(name: str, value: Any, body: dict) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            raise invalid_type(name, "an array", value)
        for i, one in enumerate(value):
            item(f"{name}[{i}]", one, body)

    return check
