"""Arguments for a simulated function call: valid JSON for the function's schema, filled from the prompt.

Built on the kit's schema-instance generator (:mod:`jsonout`), with prompt-aware rules:
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

from . import jsonout, toolfill, toolschema
from ..wire.errors import SimError
from .text import Prompt, quote

KNOWN_PLACES = (
    "New York", "San Francisco", "Los Angeles", "Hong Kong", "Beijing", "Shanghai", "Guangzhou", "Shenzhen",
    "Hangzhou", "Chengdu", "Wuhan", "Nanjing", "Chongqing", "Tianjin", "Taipei", "Tokyo", "Osaka", "Seoul",
    "Singapore", "Paris", "London", "Berlin", "Madrid", "Rome", "Boston", "Chicago", "Seattle", "Sydney",
    "Toronto", "Moscow", "Dubai", "Bangkok", "北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安",
    "南京", "重庆", "天津", "苏州", "香港", "台北", "东京", "大阪", "首尔", "新加坡", "巴黎", "伦敦", "柏林",
    "纽约", "旧金山", "洛杉矶", "悉尼", "莫斯科",
)
_AFTER_WORD = re.compile(r"\b(?:in|at|for|from|to|near|and)\s+((?:[A-Z][a-zA-Z'-]+)(?:\s+[A-Z][a-zA-Z'-]+)*)")
_ZH_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:市|省|县)")
_NOT_PLACES = {"I", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "English", "Chinese", "JSON", "Python"}
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


def places_in(text: str) -> list[str]:
    """Places named in ``text``, in order: known cities, capitalized names after a preposition,
    Chinese names ending in 市/省/县. A known city wins over a longer guess around it."""
    known = [(at, place) for place in KNOWN_PLACES
             if (at := (text.find(place) if not place.isascii() else _word_at(text, place))) >= 0]
    guesses = [(m.start(1), m.group(1)) for m in _AFTER_WORD.finditer(text) if m.group(1) not in _NOT_PLACES]
    guesses += [(m.start(1), m.group(1)) for m in _ZH_PLACE.finditer(text)]
    chosen: list[tuple[int, str]] = []
    for at, place in sorted(known) + sorted(guesses):
        if not any(place in other or other in place for _, other in chosen):
            chosen.append((at, place))
    return [place for _, place in sorted(chosen)]


def _word_at(text: str, word: str) -> int:
    match = re.search(rf"\b{re.escape(word)}\b", text)
    return match.start() if match else -1


def facts_of(prompt: Prompt) -> Facts:
    text = prompt.last_user
    return Facts(text, places_in(text), numbers_in(text))


class _ArgBuilder(jsonout._Builder):
    """The schema-instance builder, with strings, numbers and enums taken from the prompt."""

    def __init__(self, root: dict, prompt: Prompt, seed: object, facts: Facts, slot: int) -> None:
        super().__init__(root, prompt, seed)
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
