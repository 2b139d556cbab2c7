"""Arguments for a simulated function call: valid JSON for the function's schema, filled from the prompt.

Built on the kit's schema-instance generator (:mod:`jsonout`) and its value engine
(:mod:`jsonfill`: names, emails, dates, numbers with units... from the latest user message),
with rules of its own first:
a string property named like a place gets a place named in the request (the latest user
message, or the request a clarifying question was about plus its answer: :mod:`tooldecide`); one named
or described like an expression gets the arithmetic written there, one like a query or text
the message itself; numbers come from numbers written there; an enum picks a value the message
mentions, else its default (see :mod:`toolfill`). Every result is checked with ``jsonschema``
against the function's ``parameters`` before it is sent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from . import jsonfill, jsonout, toolfill, toolschema
from .facts import KNOWN_PLACES, places_in  # noqa: F401  (toolmatch reads places from here)
from ..wire.errors import SimError
from .text import Prompt, quote

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")
PLACE_KEY = re.compile(r"city|location|place|town|country|region|destination|origin|address|where|地点|城市|位置", re.I)
_SYNONYMS = {"celsius": ("摄氏", "°c", "℃"), "fahrenheit": ("华氏", "°f", "℉")}
_MISSING = object()


@dataclass
class Facts:
    """What the latest user message offers to fill arguments with."""

    text: str
    places: list[str]
    numbers: list[float]


def facts_of(prompt: Prompt) -> Facts:
    text = prompt.last_user
    return Facts(text, places_in(text), numbers_in(text))


class _ArgBuilder(jsonout._Builder):
    """The schema-instance builder, with strings, numbers and enums taken from the prompt."""

    def __init__(self, root: dict, prompt: Prompt, seed: object, facts: Facts, slot: int) -> None:
        super().__init__(root, prompt, seed, filler=jsonfill.Filler(facts.text))
        self.facts = facts
        self.slot = slot
        self.numbers_used = 0

    def build(self, schema: Any, path: str, depth: int) -> Any:
        if isinstance(schema, dict):
            resolved = jsonout._resolve(schema, self.root)
            if isinstance(resolved.get("enum"), list) and resolved["enum"] and "const" not in resolved:
                hit = self._mentioned(resolved["enum"])
                return toolfill.enum_default(resolved, resolved["enum"]) if hit is _MISSING else hit
        return super().build(schema, path, depth)

    def _mentioned(self, values: list) -> Any:
        lowered = self.facts.text.lower()
        for value in values:
            words = (str(value).lower(), *_SYNONYMS.get(str(value).lower(), ()))
            if any(w and w in lowered for w in words):
                return value
        return _MISSING

    def _string(self, schema: dict, path: str, depth: int) -> str:
        name = path.rsplit("/", 1)[-1]
        if schema.get("format") is None and self.facts.places and PLACE_KEY.search(name):
            return _fit(self.facts.places[self.slot % len(self.facts.places)], schema)
        kind = toolfill.string_kind(name, schema) if schema.get("format") is None and self.facts.text else None
        if kind == "expression" and (expression := toolfill.expression_in(self.facts.text)):
            return _fit(expression, schema)
        if kind is not None:
            return _fit(quote(self.facts.text, 200), schema)
        return super()._string(schema, path, depth)

    def _number(self, schema: dict, path: str, depth: int, integer: bool = False) -> float | int:
        import jsonschema  # imported on first use: it takes seconds to load, and most requests have no tools

        for value in self.facts.numbers[self.numbers_used:]:
            self.numbers_used += 1
            if (not integer or value.is_integer()) and jsonschema.Draft202012Validator(schema).is_valid(value):
                return int(value) if integer or value.is_integer() else value
        return super()._number(schema, path, depth, integer)


def _fit(text: str, schema: dict) -> str:
    high, low = schema.get("maxLength"), schema.get("minLength")
    if isinstance(high, int):
        text = text[:high]
    if isinstance(low, int) and len(text) < low:
        text += "." * (low - len(text))
    return text


def _problem(instance: Any, schema: dict) -> str | None:
    import jsonschema  # imported on first use: it takes seconds to load, and most requests have no tools

    validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    return None if error is None else error.message


def numbers_in(text: str) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text)]


def arguments(name: str, parameters: dict | None, prompt: Prompt, slot: int = 0, seed: object = None,
              facts: Facts | None = None) -> str:
    """The JSON arguments of one call to ``name`` (compact, as models write them).

    ``slot`` picks which place of the prompt to use when one function is called several times;
    ``facts`` (default: those of the latest user message) says what the conversation offers.
    Raises a 400 when even the plain schema instance does not validate (a keyword the simulator
    cannot satisfy, such as ``pattern``): better refused than answered with invalid arguments.
    """
    if not parameters:
        return "{}"
    try:
        candidates = [_ArgBuilder(parameters, prompt, seed, facts or facts_of(prompt), slot).build(parameters, "", 0),
                      jsonout.schema_instance(parameters, prompt, seed)]
    except SimError as err:
        raise toolschema.invalid_parameters(name, err.message, "tools") from None
    problem = None
    for value in candidates:
        problem = _problem(value, parameters)
        if problem is None:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    raise toolschema.invalid_parameters(name, f"the offline simulator cannot write arguments that satisfy this schema ({problem}).", "tools")
