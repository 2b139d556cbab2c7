"""JSON mode, JSON asked in words, and Structured Outputs for the offline simulator.

One builder makes every JSON value, from a JSON Schema: a ``json_schema`` request's own
schema (nested objects, arrays, enums, ``$defs``/``$ref``, ``anyOf`` with null), so the SDK's
``parse()`` yields the learner's pydantic model; in JSON mode or when the prompt asks for JSON
in words (:mod:`jsonwords`), a schema or example object written in the messages, else the keys
the prompt names in prose. Values come from the input (:mod:`jsonfill`: names, numbers with
units, dates, places, emails, yes/no...). Where the input has none, JSON mode and JSON asked
in words hold plain placeholders (``""``, ``0``, ``false``, ``null``, ``[]``) so no visible
offline marker sits inside the JSON; Structured Outputs keep a labelled sample string. A
string with a ``format`` (date, email, uri, uuid) keeps a valid sample in every mode.
Where the prompt states a count ("plan three days", "5 steps", "三天"), the outermost arrays
hold that many items, and an integer that numbers the items (``day``, ``step``...) counts 1, 2, 3.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from ..wire.errors import SimError
from . import jsonfill, jsonwords, toolfill
from .jsonfill import MISSING
from .text import Prompt, quote, stable_hash

_TIME_WORDS = re.compile(r"\b(time|date|clock|today|now)\b|时间|日期|几点|今天|现在", re.I)
_REFUSE = re.compile(r"\b(bomb|explosive|make a weapon)\b|炸弹|炸药|制造武器", re.I)
_EN_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_ZH_NUMBERS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# A count of things: a number, at most two words, then a plural noun ("three days", "5 short tips").
_EN_COUNT = re.compile(r"(?<![\w.])(\d{1,2}|" + "|".join(_EN_NUMBERS) + r")[ -](?:[a-z]+ ){0,2}?[a-z]+s\b", re.I)
# 一 is left out: 一个 / 一份 is the article "a", not a count.
_ZH_COUNT = re.compile(r"(?<![\d.])([两二三四五六七八九十]|\d{1,2})\s*(?:个)?(?:天|周|星期|月|步|节|课|次|条|项|本|道|种|点|个|件|句|段|章|部|首|门|份)")
#: The least and most items a stated count gives an array (others keep the default of two).
COUNT_RANGE = (2, 10)
# An integer property of an array item that numbers the items: it counts 1, 2, 3...
_ORDINAL = re.compile(r"^(day|week|month|step|session|lesson|part|chapter|round|stage|index|number|no|num|order|rank"
                      r"|position|seq)(_?(number|num|no|index|idx))?$", re.I)

MAX_DEPTH = 6
#: Beyond this nesting a schema cannot end (a required property that refers to itself).
MAX_NESTING = 20
#: Values one instance may hold: a huge minItems or minLength must not exhaust the server.
MAX_NODES = 10_000
MAX_STRING = 100_000


def wants_time(prompt: Prompt) -> bool:
    return bool(_TIME_WORDS.search(prompt.all_text))


def should_refuse(prompt: Prompt) -> bool:
    """A deterministic stand-in for a safety refusal, so lessons can show ``refusal``."""
    return bool(_REFUSE.search(prompt.last_user))


def stated_count(text: str) -> int | None:
    """The count of things ``text`` asks for ("Plan three days", "给我 5 条建议"), or None.

    Only counts in :data:`COUNT_RANGE`; the first one found wins.
    """
    found = [(m.start(), m[1]) for m in _EN_COUNT.finditer(text)] + [(m.start(), m[1]) for m in _ZH_COUNT.finditer(text)]
    for _, word in sorted(found):
        value = int(word) if word.isdigit() else _EN_NUMBERS.get(word.lower(), _ZH_NUMBERS.get(word))
        if value is not None and COUNT_RANGE[0] <= value <= COUNT_RANGE[1]:
            return value
    return None


def refusal_text(prompt: Prompt) -> str:
    if prompt.language == "zh":
        return "【离线模拟】抱歉，我不能协助这个请求。"
    return "[Offline simulation] I'm sorry, but I can't help with that request."


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def requested_schema(prompt: Prompt) -> dict | None:
    """The shape a prompt asks its JSON in, or None: a schema or example object written in the
    messages (the latest wins), else keys named in prose (latest message first), else keys in quotes."""
    for turn in reversed(prompt.turns):
        for obj, _ in reversed(jsonwords.embedded_objects(turn.text)):
            is_schema = "properties" in obj or obj.get("type") == "object"
            schema = obj if is_schema else jsonwords.infer_schema(obj)
            try:
                if isinstance(_Builder(schema, prompt, None).build(schema, "", 0), dict):
                    return schema
            except SimError:
                continue
    asking = [t.text for t in prompt.turns if t.role in ("system", "developer", "user")]
    for text in reversed(asking):
        keys, _ = jsonwords.prose_keys(text)
        if keys:
            return {"type": "object", "properties": keys, "required": list(keys)}
    keys = [k for text in asking for k in jsonwords.quoted_keys(text)]
    if keys:
        keys = list(dict.fromkeys(keys))
        return {"type": "object", "properties": {k: jsonfill.guessed_schema(k) for k in keys}, "required": keys}
    return None


def json_object(prompt: Prompt, seed: object = None, answer: str | None = None) -> Any:
    """The JSON value for JSON mode or JSON asked in words (see the module docstring).

    With no shape asked for, a question about the time gets the simulator's real clock; else
    JSON mode wraps the simulator's plain ``answer`` (which says what it saw, marker included,
    as before), and JSON asked in words gets ``{"answer": ""}`` (nothing visible inside).
    """
    schema = requested_schema(prompt)
    if schema is not None:
        filler = jsonfill.Filler(jsonwords.input_text(prompt))
        return _Builder(schema, prompt, seed, follow_counts=True, filler=filler, blank=True).build(schema, "", 0)
    if wants_time(prompt):
        now = dt.datetime.now().astimezone()
        return {
            "current_time": now.isoformat(timespec="seconds"),
            "timezone": now.tzname() or "local",
            "source": "离线模拟器的时钟" if prompt.language == "zh" else "offline simulator clock",
        }
    if answer is not None:
        return {"answer": answer, "language": prompt.language, "offline_simulation": True}
    return {"answer": ""}


# --- Structured Outputs ------------------------------------------------------------------


def _resolve(schema: dict, root: dict) -> dict:
    ref = schema.get("$ref")
    seen = 0
    while isinstance(ref, str):
        if not ref.startswith("#/"):
            raise SimError(400, f"Invalid schema: only local '$ref' values are supported, got '{ref}'.", param="response_format")
        node: Any = root
        for part in ref[2:].split("/"):
            if not isinstance(node, dict) or part not in node:
                raise SimError(400, f"Invalid schema: reference '{ref}' cannot be resolved.", param="response_format")
            node = node[part]
        if not isinstance(node, dict):
            raise SimError(400, f"Invalid schema: reference '{ref}' does not point to a schema object.", param="response_format")
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
        ref = schema.get("$ref")  # only the target can bring a new $ref
        seen += 1
        if seen > 50:
            raise SimError(400, "Invalid schema: '$ref' loop.", param="response_format")
    return schema


def _within(schema: dict, value: float) -> bool:
    """Whether ``value`` meets the schema's minimum/maximum (inclusive or exclusive)."""
    low, low_open = schema.get("minimum", schema.get("exclusiveMinimum")), "minimum" not in schema
    high, high_open = schema.get("maximum", schema.get("exclusiveMaximum")), "maximum" not in schema
    above = low is None or (value > low if low_open else value >= low)
    return above and (high is None or (value < high if high_open else value <= high))


class _Builder:
    def __init__(self, root: dict, prompt: Prompt, seed: object, follow_counts: bool = False,
                 filler: jsonfill.Filler | None = None, blank: bool = False) -> None:
        self.root = root
        self.prompt = prompt
        self.seed = seed
        self.zh = prompt.language == "zh"
        self.time = wants_time(prompt)
        self.nodes = 0
        #: Where values come from; ``blank``: placeholders are "", 0, false, null (JSON mode, JSON in words).
        self.filler = filler or jsonfill.Filler(jsonwords.input_text(prompt))
        self.blank = blank
        self.filled = 0  # values taken from the input so far (a nullable key with none is null)
        # A count stated in the prompt sizes the outermost arrays (schema replies, not tool arguments).
        self.count = stated_count(prompt.last_user) if follow_counts else None
        self.arrays_open = 0

    def pick(self, path: str, n: int) -> int:
        # Varies by position (array items differ) and by seed; the same request, the same pick.
        return stable_hash("schema", self.seed, path) % n

    def build(self, schema: Any, path: str, depth: int) -> Any:
        if schema is True or schema == {}:
            return None
        if not isinstance(schema, dict):
            raise SimError(400, f"Invalid schema at '{path or '/'}': expected an object.", param="response_format")
        self.nodes += 1
        if depth > MAX_NESTING:
            raise SimError(400, f"Invalid schema at '{path}': nested deeper than {MAX_NESTING} levels. Check for a required "
                           "property that refers to its own definition; make it optional (anyOf with null).", param="response_format")
        if self.nodes > MAX_NODES:
            raise SimError(400, f"Invalid schema: an instance would hold more than {MAX_NODES} values. Lower minItems.", param="response_format")
        schema = _resolve(schema, self.root)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            values = schema["enum"]
            if not isinstance(values, list):
                raise SimError(400, f"Invalid schema at '{path}': 'enum' must be an array of values.", param="response_format")
            if not values:
                raise SimError(400, f"Invalid schema at '{path}': 'enum' is empty.", param="response_format")
            hit = self.filler.enum(values)
            if hit is not MISSING:
                self.filled += 1
                return hit
            return toolfill.enum_default(schema, values)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                nullable = any(isinstance(o, dict) and o.get("type") == "null" for o in schema[key])
                return self._maybe_null(self._branch(schema[key], depth), path, depth, nullable)
        if "allOf" in schema:
            merged: dict = {}
            for part in schema["allOf"]:
                part = _resolve(part, self.root)
                merged.update({k: v for k, v in part.items() if k != "properties"})
                merged.setdefault("properties", {}).update(part.get("properties", {}))
            return self.build(merged, path, depth)
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            if not kinds or depth >= MAX_DEPTH:
                return None
            if "null" in kind:
                return self._maybe_null({**schema, "type": kinds[0]}, path, depth, True)
            kind = kinds[0]
        if kind is None:
            kind = "object" if "properties" in schema else "string"
        return getattr(self, f"_{kind}", self._unknown)(schema, path, depth)

    def _maybe_null(self, schema: Any, path: str, depth: int, nullable: bool) -> Any:
        """``schema``'s value; null instead when it may be null, placeholders are blank and the input gave nothing."""
        before = self.filled
        value = self.build(schema, path, depth)
        return None if nullable and self.blank and self.filled == before else value

    @staticmethod
    def key_name(path: str) -> str:
        """The key a value is under: ``/people/1/name`` -> ``name``, an item of ``/emails`` -> ``emails``."""
        return next((p for p in reversed(path.split("/")) if p and not p.isdigit()), "")

    def item_slot(self, path: str) -> int:
        """Which item of an array ``path`` is in (0 outside arrays): the n-th item gets the n-th fact."""
        indexes = [int(p) for p in path.split("/") if p.isdigit()]
        return indexes[-1] if indexes else 0

    def _branch(self, options: list, depth: int) -> Any:
        real = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
        if not real or depth >= MAX_DEPTH:
            return {"type": "null"}
        return real[0]

    def _object(self, schema: dict, path: str, depth: int) -> dict:
        props = schema.get("properties", {})
        if not isinstance(props, dict):
            raise SimError(400, f"Invalid schema at '{path or '/'}': 'properties' must be an object mapping names to schemas.", param="response_format")
        return {name: self.build(sub, f"{path}/{name}", depth + 1) for name, sub in props.items()}

    def _array(self, schema: dict, path: str, depth: int) -> list:
        low = int(schema.get("minItems", 0))
        high = schema.get("maxItems")
        name = path.rsplit("/", 1)[-1]
        items = _resolve(schema.get("items", {}), self.root) if isinstance(schema.get("items"), dict) else {}
        listed = self.filler.strings(name, items) if items.get("type") == "string" and "enum" not in items else []
        if listed:  # the input's emails, names, cities...: all of them
            self.filled += 1
            count = max(low, len(listed))
            return [*listed[:count if high is None else int(high)], *(self.build(items, f"{path}/{i}", depth + 1) for i in range(len(listed), count))]
        counted = self.count is not None and not self.arrays_open
        wanted = self.count if counted else (self._facts_count(items) if self.blank else 2)
        count = max(low, 0 if depth >= MAX_DEPTH else wanted)
        if high is not None:
            count = min(count, int(high))
        self.arrays_open += 1
        try:
            return [self.build(schema.get("items", {}), f"{path}/{i}", depth + 1) for i in range(count)]
        finally:
            self.arrays_open -= 1

    def _facts_count(self, items: dict) -> int:
        """How many items an array of objects gets from the input: one per person (or email, title...) it names."""
        props = items.get("properties") if isinstance(items, dict) else None
        for name in props if isinstance(props, dict) else ():
            found = self.filler.strings(name, {"type": "string"})
            if found:
                return len(found)
        return 0

    def _string(self, schema: dict, path: str, depth: int) -> str:
        fmt = schema.get("format")
        name = path.rsplit("/", 1)[-1] or "value"
        if fmt == "date" and (found := self.filler.string(self.key_name(path), schema, self.item_slot(path))) is not MISSING:
            self.filled += 1
            text = str(found)
        elif fmt in ("date-time", "date", "time"):
            stamp = dt.datetime.now().astimezone() if self.time else dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone.utc)
            text = {"date-time": stamp.isoformat(timespec="seconds"), "date": stamp.date().isoformat(), "time": stamp.strftime("%H:%M:%S")}[fmt]
        elif fmt in ("email", "uri") and (found := self.filler.string(self.key_name(path), schema, self.item_slot(path))) is not MISSING:
            self.filled += 1
            text = str(found)
        elif fmt == "email":
            text = "learner@example.com"
        elif fmt == "uri":
            text = "https://example.com/"
        elif fmt == "uuid":
            text = "00000000-0000-4000-8000-000000000000"
        elif self.time and re.search(r"time|date|时间", name, re.I):
            text = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        elif (found := self.filler.string(self.key_name(path), schema, self.item_slot(path))) is not MISSING:
            self.filled += 1
            text = str(found)
        elif self.blank:
            text = ""
        else:
            topic = quote(self.prompt.last_user, 24)
            text = f"{name}：关于“{topic}”的示例（离线模拟）" if self.zh else f"{name}: sample about “{topic}” (offline simulation)"
        low, high = schema.get("minLength"), schema.get("maxLength")
        if high is not None:
            text = text[: int(high)]
        if low is not None and int(low) > MAX_STRING:
            raise SimError(400, f"Invalid schema at '{path}': minLength above {MAX_STRING} is more than the simulator writes.", param="response_format")
        if low is not None and len(text) < int(low):
            text = text + "x" * (int(low) - len(text))
        return text

    def _number(self, schema: dict, path: str, depth: int, integer: bool = False) -> float | int:
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))

        def fits(v: float) -> bool:
            return _within(schema, v)

        found = self.filler.number(self.key_name(path), schema, self.item_slot(path), integer)
        if found is not MISSING and fits(found) and ("multipleOf" not in schema or (found / schema["multipleOf"]).is_integer()):
            self.filled += 1
            return found
        candidate: float = 0 if self.blank else 1 + self.pick(path, 5)
        step = schema["multipleOf"] if "multipleOf" in schema else (1 if integer else None)
        if step is not None and not (isinstance(step, (int, float)) and step > 0):
            raise SimError(400, f"Invalid schema at '{path}': 'multipleOf' must be a number > 0.", param="response_format")
        if step:
            k = math.ceil((candidate if low is None else low) / step)
            for _ in range(10_000):
                value = round(k * step, 10)
                if fits(value):
                    return int(value) if integer else value
                if high is not None and value > high:
                    break
                k += 1
            raise SimError(400, f"Invalid schema at '{path}': no number fits its bounds and multipleOf.", param="response_format")
        if fits(candidate):
            return candidate
        if low is not None and high is not None:
            return (low + high) / 2
        return low + 1 if low is not None else high - 1

    def _integer(self, schema: dict, path: str, depth: int) -> int:
        *_, parent, name = ["", *path.split("/")]
        if self.count is not None and parent.isdigit() and _ORDINAL.match(name):
            position = int(parent) + 1  # day 1, day 2, ... of a plan the prompt sized
            if _within(schema, position) and "multipleOf" not in schema:
                return position
        return int(self._number(schema, path, depth, integer=True))

    def _boolean(self, schema: dict, path: str, depth: int) -> bool:
        found = self.filler.boolean(self.key_name(path), schema)
        if found is not MISSING:
            self.filled += 1
            return found
        return False if self.blank else self.pick(path, 2) == 0

    def _null(self, schema: dict, path: str, depth: int) -> None:
        return None

    def _unknown(self, schema: dict, path: str, depth: int) -> Any:
        raise SimError(400, f"Invalid schema at '{path or '/'}': unknown type '{schema.get('type')}'.", param="response_format")


def schema_instance(schema: Any, prompt: Prompt, seed: object = None) -> Any:
    """An instance of ``schema`` (a JSON Schema object) whose strings reflect the prompt."""
    if not isinstance(schema, dict):
        raise SimError(400, "Invalid schema: 'schema' must be a JSON Schema object.", param="response_format")
    try:
        return _Builder(schema, prompt, seed, follow_counts=True).build(schema, "", 0)
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError) as exc:
        # A keyword with a value of the wrong kind ("minItems": "two", "anyOf": 5): the
        # learner's schema is wrong, not the server; say where to look.
        raise SimError(400, f"Invalid schema: a keyword has a value of the wrong type ({type(exc).__name__}). Check "
                       "minItems/maxItems, minLength/maxLength, minimum/maximum, anyOf and items.", param="response_format") from None


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
