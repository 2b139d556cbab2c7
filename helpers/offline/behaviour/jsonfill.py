"""Which fact of the input a JSON key gets, and what it holds when the input has none.

The one value engine of JSON mode, JSON asked in words, Structured Outputs and tool
arguments. For each key, in order:

1. a value the input labels with the key's name: ``title: Dune``, ``age 12``, ``城市是北京``;
2. a fact of the key's kind (:data:`KINDS`, from the key's name in English or Chinese, then
   its ``description``): a person's name for ``name``/``姓名``, a number before 岁 or "years
   old" for ``age``/``年龄``, an email, a date, a place, a year, an amount of money... (read by
   :mod:`facts`). The n-th item of an array gets the n-th such fact (two people, two names);
3. a boolean key (``is_student``, ``has_car``, ``是否学生``) is true when the input says the word,
   false when it negates it ("not a student", "student: no", 不是学生);
4. an enum gets a value the input names, else the sentiment its words carry (for
   positive/negative/neutral sets), else its default (:func:`toolfill.enum_default`).

Otherwise the key gets its **placeholder**: ``""`` for a string, ``0`` for a number (or the
least value its bounds allow), ``false`` for a boolean, ``null`` where the schema allows
null, ``[]`` for an array (or ``minItems`` placeholders). Structured Outputs and tool
arguments keep their labelled sample strings instead of ``""`` (see :mod:`jsonout`).
"""

from __future__ import annotations

import re
from typing import Any

from . import labels
from .facts import Facts, truth

MISSING = object()

_SPLIT = re.compile(r"[_\-\s.]+|(?<=[a-z])(?=[A-Z])")
#: Key kinds: (kind, English words of a key name, Chinese substrings of a key name). First match wins.
KINDS: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...] = tuple(
    (kind, frozenset(en.split()), tuple(zh.split()))
    for kind, en, zh in (
        ("email", "email mail e-mail", "邮箱 邮件 电邮"),
        ("phone", "phone tel telephone mobile cell", "电话 手机 联系电话"),
        ("url", "url website link homepage site uri", "网址 链接 网站 主页"),
        ("first_name", "first given forename", "名字中的名"),
        ("last_name", "last family surname", "姓氏"),
        ("author", "author writer", "作者"),
        ("title", "title book movie film song headline", "书名 标题 片名 题目 歌名"),
        ("age", "age", "年龄 岁数 年纪"),
        ("year", "year", "年份 年代 出版年"),
        ("date", "date birthday birthdate dob deadline when", "日期 生日 出生日期 截止"),
        ("place", "city location place town country region destination origin address where", "地点 城市 位置 地址 国家 目的地"),
        ("money", "price cost amount salary budget fee total payment", "价格 金额 费用 工资 预算 价钱 售价"),
        ("weight", "weight mass", "体重 重量"),
        ("length", "height length distance width", "身高 长度 距离 高度"),
        ("temperature", "temperature temp", "温度 气温"),
        ("duration", "duration minutes hours seconds days weeks nights", "时长 分钟 小时 天数"),
        ("percent", "percent percentage rate ratio", "百分比 比例 比率"),
        ("count", "count quantity qty guests people attendees", "数量 人数 个数"),
        ("name", "name person contact customer user username fullname who", "姓名 名字 联系人 人名 名称"),
    )
)
_NUMERIC = {"age", "year", "money", "weight", "length", "temperature", "duration", "percent", "count"}
_BOOL_PREFIX = re.compile(r"^(?:is|has|have|can|should|was|are|does|do|will|likes?|wants?)[_\-\s]?(?=[a-zA-Z])|^是否|^有无|^是不是")
_LIST_NAMES = frozenset("tags keywords skills hobbies items ingredients steps languages topics emails names phones cities".split())
_ZH_LIST = ("标签", "关键词", "技能", "爱好", "步骤", "食材", "列表")


def key_words(name: str) -> list[str]:
    return [w.lower() for w in _SPLIT.split(name) if w]


def key_kind(name: str, schema: dict | None = None) -> str | None:
    """The kind of fact ``name`` asks for (see :data:`KINDS`), by its words, then its description."""
    words = set(key_words(name))
    words |= {w[:-1] for w in words if w.endswith("s") and len(w) > 3}  # emails -> email, names -> name
    for kind, en, zh in KINDS:
        if words & en or any(z in name for z in zh):
            return kind
    description = (schema or {}).get("description")
    if isinstance(description, str) and description:
        lowered = set(key_words(description.lower().replace(",", " ")))
        for kind, en, zh in KINDS:
            if kind != "name" and (lowered & en or any(z in description for z in zh)):
                return kind
    return None


def guessed_schema(name: str) -> dict:
    """The type of a key named in prose without one: by its name, else a string."""
    kind = key_kind(name)
    if _BOOL_PREFIX.search(name):
        return {"type": "boolean"}
    if kind in ("age", "year", "count"):
        return {"type": "integer"}
    if kind in _NUMERIC:
        return {"type": "number"}
    if name.lower() in _LIST_NAMES or any(z in name for z in _ZH_LIST):
        return {"type": "array", "items": {"type": "string"}}
    return {"type": "string"}


def _aliases(name: str) -> list[str]:
    spaced = " ".join(key_words(name))
    kind = key_kind(name)
    extra = [w for k, en, zh in KINDS if k == kind for w in zh] if kind and name.isascii() else []
    return [a for a in dict.fromkeys([name, spaced, *extra]) if a]


class Filler:
    """Values for keys, read from ``text`` (the input: user messages, not the instructions)."""

    def __init__(self, text: str) -> None:
        self.facts = Facts(text)
        self._labelled: dict[str, str | None] = {}

    def labelled(self, name: str) -> str | None:
        """The value the text writes after the key's name: ``title: Dune``, ``年龄：12``, ``city is Paris``."""
        if name not in self._labelled:
            self._labelled[name] = self._find_labelled(name)
        return self._labelled[name]

    def _find_labelled(self, name: str) -> str | None:
        if not name or not self.facts.text:
            return None
        for alias in _aliases(name):
            escaped = re.escape(alias)
            pattern = rf"(?<![A-Za-z0-9_\u4e00-\u9fff]){escaped}\s*(?:[:：=]|\bis\b|是|为)\s*([^\n,;，；。、]{{1,60}})"
            match = re.search(pattern, self.facts.text, re.I if alias.isascii() else 0)
            if match:
                value = re.split(r"\s+(?:and|but|with)\s+|[.!?](?:\s|$)", match.group(1))[0].strip(" \"'“”‘’")
                if value:
                    return value
        return None

    def string(self, name: str, schema: dict, slot: int) -> Any:
        fmt = schema.get("format")
        kind = {"email": "email", "uri": "url", "date": "date"}.get(fmt) or key_kind(name, schema)
        if fmt is None and (said := self.labelled(name)) is not None and kind not in ("email", "url"):
            return said
        if kind in _NUMERIC:
            found = self._quantity(kind, slot)
            if found is None:
                return MISSING
            return str(int(found.value)) if kind in ("age", "year") else found.written
        pick = {
            "email": self.facts.emails, "phone": self.facts.phones, "url": self.facts.urls,
            "author": self.facts.authors, "title": self.facts.titles, "place": self.facts.places,
            "name": self.facts.names, "date": self.facts.dates,
        }.get(kind or "")
        if kind == "first_name" or kind == "last_name":
            pick = [_name_part(n, kind) for n in self.facts.names]
        if fmt == "date":
            pick = [d for d in pick or [] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)]
        if pick and slot < len(pick) and pick[slot]:
            return pick[slot]
        return MISSING

    def number(self, name: str, schema: dict, slot: int, integer: bool) -> Any:
        kind = key_kind(name, schema)
        found: float | None = None
        said = self.labelled(name)
        if said is not None and (m := re.search(r"-?\d+(?:\.\d+)?", said)):
            found = float(m.group(0))
        elif kind == "year" and slot < len(self.facts.years):
            found = float(self.facts.years[slot])
        elif kind in _NUMERIC and (quantity := self._quantity(kind, slot)) is not None:
            found = quantity.value
        if found is None or (integer and not found.is_integer()):
            return MISSING
        return int(found) if integer or found.is_integer() else found

    def boolean(self, name: str, schema: dict) -> Any:
        said = self.labelled(name)
        if said is not None:
            lowered = said.lower()
            if re.match(r"(?:yes|true|y|是|有|对)\b", lowered) or lowered in ("是", "有", "对"):
                return True
            if re.match(r"(?:no|false|n|否|不|没|无)", lowered):
                return False
        word = " ".join(key_words(_BOOL_PREFIX.sub("", name))) if name.isascii() else _BOOL_PREFIX.sub("", name)
        found = truth(self.facts, [word]) if word else None
        return MISSING if found is None else found

    def enum(self, values: list) -> Any:
        named = sorted((at, i) for i, v in enumerate(values) if isinstance(v, str) and (at := self.facts.mentions(v)) >= 0)
        if named:
            return values[named[0][1]]
        strings = [v for v in values if isinstance(v, str)]
        if len(strings) == len(values) and (polar := labels._polarity(strings, self.facts.text)) is not None:
            return polar  # a sentiment set: the polarity of the input's words (labels.py's rule)
        return MISSING

    def strings(self, name: str, item: dict) -> list[str]:
        """All facts of the kind a list key asks for (``emails``, ``names``, ``cities``), in order."""
        found: list[str] = []
        for slot in range(10):
            value = self.string(name, item, slot)
            if value is MISSING or value in found:
                break
            found.append(value)
            if self.labelled(name) is not None:
                break
        return found

    def _quantity(self, kind: str, slot: int):
        found = self.facts.quantities(kind)
        return found[slot] if slot < len(found) else None


def _name_part(name: str, kind: str) -> str:
    if name.isascii():
        words = name.split()
        if len(words) < 2:
            return words[0] if kind == "first_name" else ""
        return words[0] if kind == "first_name" else words[-1]
    if name[0] in "小老阿":
        return name if kind == "first_name" else ""
    return name[1:] if kind == "first_name" else name[0]


def placeholder(schema: dict) -> Any:
    """The value of a key the input says nothing about (see the module docstring)."""
    kind = schema.get("type")
    if isinstance(kind, list):
        if "null" in kind:
            return None
        kind = kind[0] if kind else None
    return {"string": "", "integer": 0, "number": 0, "boolean": False, "null": None, "array": [], "object": {}}.get(kind, "")
