"""JSON asked in words: whether a prompt asks for JSON, which keys it names, which input it gives.

A real model told "Reply in JSON with keys name (string) and age (integer)", or shown a JSON
Schema in its instructions (LangChain's ``json_mode``, instructor's ``MD_JSON``/``JSON``,
pydantic-ai's prompted output), answers with that JSON even without ``response_format``.
So does the simulator. This module reads the request; :mod:`jsonout` builds the value.

- :func:`asks_json`: "in/as JSON", "return/reply/respond/output ... JSON", "JSON only",
  "JSON format/object", 以/用/返回/输出 ... JSON, JSON 格式; not a question about JSON;
- :func:`prose_keys`: keys named in prose, with optional types: "keys name (string) and age
  (integer)", "with fields title, year", "字段：姓名（字符串）、年龄（整数）", "包含 name 和 age
  两个字段", bullet lists under "Fields:". A parenthesis may hold a type (string, integer,
  number, boolean, array/list [of X], object, date; 字符串, 整数, 数字, 布尔...), choices
  ("positive/negative/neutral": an enum) or "optional" (may be null). A key without a type
  gets one by its name (:func:`jsonfill.guessed_schema`);
- :func:`wants_fence`: the prompt shows a ````` fence or asks for a code block (not "no code
  fences"): the JSON goes in a ```json block, as instructor's ``MD_JSON`` expects;
- :func:`input_text`: the user messages without the JSON and key lists written in them: the
  text values are taken from.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import jsonfill
from .text import Prompt

_ASK_EN = re.compile(
    r"\b(?:in|as|into|using|with)\s+(?:(?:a|an|the|valid|pure|strict|proper|raw|only|plain|minified|this)\s+)*json\b"
    r"|\b(?:return|reply|respond|answer|output|give|provide|produce|format|emit|write|generate|send|create|make|be)\b"
    r"[^.?\n]{0,60}\bjson\b|\bjson(?:\s+|-)(?:only|format(?:ted)?|object|response|reply|output|block)\b",
    re.I,
)
_ASK_ZH = re.compile(r"(?:返回|输出|回复|回答|给出|给我|生成|提供|用|以|按|采用|写成|转成|转换成|整理成|格式化为|格式化成)"
                     r"[^。？?\n]{0,12}json|json\s*(?:格式|对象|形式|字符串|数据)", re.I)
_ABOUT_JSON = re.compile(r"\bwhat(?:'s| is| are)\b[^.\n]{0,20}\bjson\b|\bexplain\b[^.\n]{0,20}\bjson\b|json\s*是什么|什么是\s*json", re.I)
_FENCE_WORDS = re.compile(r"```|\bcode\s*-?(?:block|fence)s?\b|\bmarkdown\b|代码块", re.I)
_NEGATED = re.compile(r"(?:\bno\b|\bnot\b|n't\b|\bwithout\b|\bnever\b|不要|不用|无需|别|不需要|勿)[^.\n。]{0,40}$", re.I)

_TYPES = {
    "string": "string", "str": "string", "text": "string", "字符串": "string", "文本": "string", "字符": "string",
    "integer": "integer", "int": "integer", "整数": "integer", "整型": "integer", "whole number": "integer",
    "number": "number", "float": "number", "decimal": "number", "double": "number", "数字": "number",
    "数值": "number", "小数": "number", "浮点数": "number", "boolean": "boolean", "bool": "boolean",
    "布尔": "boolean", "布尔值": "boolean", "true/false": "boolean", "yes/no": "boolean", "是/否": "boolean",
    "array": "array", "list": "array", "数组": "array", "列表": "array", "object": "object", "dict": "object",
    "对象": "object", "date": "date", "日期": "date",
}
_TYPE_WORD = "|".join(sorted((re.escape(t) for t in _TYPES), key=len, reverse=True))
_IDENT = r"[A-Za-z_][A-Za-z0-9_]{0,40}|[\u4e00-\u9fff]{1,8}?(?=[、，,和及与（(：:。；;\s]|以及|两|三|四|五|几|字段|等|$)"
_NOTE = rf"\s*[（(]([^)）\n]{{1,60}})[)）]|\s*[:：]\s*(?:an?\s+)?({_TYPE_WORD})\b|\s+as\s+(?:an?\s+)?({_TYPE_WORD})\b"
_ITEM = rf"[`\"'“‘]?({_IDENT})[`\"'”’]?(?:{_NOTE})?"
_SEP = r"\s*(?:[,，、;；]\s*(?:and\s+|or\s+|和|及)?|\s+and\s+|\s*&\s*|和|及|以及|与)\s*"
_LIST = rf"(?:{_ITEM}{_SEP})*{_ITEM}"
_AFTER = re.compile(rf"(?:\b(?:keys?|fields?|properties|attributes|columns)\b|字段|键名|(?<!关)键|属性)"
                    rf"(?:\s+(?:called|named|like|such as))?\s*(?:[:：]|有|为|是|包括|包含)?\s*({_LIST})", re.I)
_BEFORE = re.compile(rf"({_LIST})\s*(?:这|那)?\s*(?:[两三四五六七八九十几]|\d)?\s*(?:个)?\s*(?:\b(?:keys|fields|properties)\b|字段|(?<!关)键|属性)", re.I)
_BULLET_HEAD = re.compile(r"(?:\b(?:keys|fields|properties)\b|字段|键)\s*[:：]?\s*\n", re.I)
_BULLET = re.compile(rf"^\s*(?:[-*•]|\d+[.)])\s+{_ITEM}", re.M)
_ONE_ITEM = re.compile(_ITEM)
_ONE_SEP = re.compile(_SEP)
_NOT_KEYS = set("a an the and or of in to with json following these those this that two three four some all each its "
                "their our your keys key fields field properties values value only exactly below above named called "
                "object format reply answer return output 以下 如下 这些 下列 两个 三个 每个 字段 键".split())
_NAMED_KEY = re.compile(r"[`\"']([A-Za-z_][A-Za-z0-9_]{1,30})[`\"']")


def _asking_turns(prompt: Prompt) -> list[str]:
    return [t.text for t in prompt.turns if t.role in ("system", "developer", "user") and t.text]


def asks_json(prompt: Prompt) -> bool:
    """Whether the instructions or a user message ask for the answer as JSON."""
    for text in _asking_turns(prompt):
        if (_ASK_EN.search(text) or _ASK_ZH.search(text)) and not _ABOUT_JSON.search(text):
            return True
    return False


def wants_fence(prompt: Prompt) -> bool:
    """Whether the prompt shows a ``` fence or asks for a code block (not "no code fences")."""
    for text in _asking_turns(prompt):
        for match in _FENCE_WORDS.finditer(text):
            if not _NEGATED.search(text[max(0, match.start() - 60):match.start()]):
                return True
    return False


def render(value: Any, fenced: bool) -> str:
    """The reply text of JSON asked in words: indented JSON, in a ```json block when ``fenced``."""
    body = json.dumps(value, ensure_ascii=False, indent=2)
    return f"```json\n{body}\n```" if fenced else body


def embedded_objects(text: str) -> list[tuple[dict, tuple[int, int]]]:
    """JSON objects written into ``text`` (a schema or an example to follow), with their spans."""
    decoder = json.JSONDecoder()
    found: list[tuple[dict, tuple[int, int]]] = []
    index = text.find("{")
    while index != -1:
        try:
            value, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError:
            index = text.find("{", index + 1)
            continue
        if isinstance(value, dict) and value:
            found.append((value, (index, end)))
        index = text.find("{", end)
    return found


def infer_schema(value: Any) -> dict:
    """The shape of an example value, as a schema (so the answer follows the example)."""
    if isinstance(value, dict):
        return {"type": "object", "properties": {k: infer_schema(v) for k, v in value.items()}}
    if isinstance(value, list):
        return {"type": "array", "items": infer_schema(value[0]) if value else {"type": "string"}}
    kinds = {bool: "boolean", int: "integer", float: "number", type(None): "null"}
    return {"type": kinds.get(type(value), "string")}


def _note_schema(name: str, note: str | None) -> dict:
    """The schema of a key from its note in parentheses: a type, choices, or a description."""
    guessed = jsonfill.guessed_schema(name)
    if not note:
        return guessed
    note = note.strip()
    lowered = note.lower()
    nullable = bool(re.search(r"\boptional\b|nullable|可选|可为空", lowered))
    lowered = re.sub(r",?\s*(?:optional|nullable)\b|[,，]?\s*(?:可选|可为空)", "", lowered).strip(" ,，")
    of = re.match(rf"^(?:an?\s+)?(?:array|list|数组|列表)\s*(?:of\s+)?({_TYPE_WORD})?s?$|^({_TYPE_WORD})\s*(?:数组|列表)$", lowered)
    schema: dict
    if of:
        item = _TYPES.get(of[1] or of[2] or "string", "string")
        schema = {"type": "array", "items": _type_schema(item if item not in ("array", "object") else "string")}
    elif lowered in _TYPES:
        schema = _type_schema(_TYPES[lowered])
    elif len(choices := [c.strip(" \"'“”") for c in re.split(r"\s*(?:/|\||,|，|、|\bor\b|或)\s*", note) if c.strip(" \"'“”")]) >= 2 \
            and all(len(c) <= 20 for c in choices) and not any(c.lower() in _TYPES for c in choices):
        schema = {"type": "string", "enum": choices}
    elif lowered and (head := re.match(rf"^({_TYPE_WORD})\b", lowered)):
        schema = _type_schema(_TYPES[head[1]])
    else:
        schema = {**guessed, "description": note} if lowered else guessed
    return {"anyOf": [schema, {"type": "null"}]} if nullable else schema


def _type_schema(kind: str) -> dict:
    return {"type": "string", "format": "date"} if kind == "date" else {"type": kind}


def _items(listed: str) -> list[tuple[str, dict]]:
    """The keys of a list ``a (string), b and c``: item, separator, item... (commas in notes are kept)."""
    found = []
    at = 0
    while (match := _ONE_ITEM.match(listed, at)) is not None:
        name = match.group(1)
        if name.lower() not in _NOT_KEYS and name.lower() not in _TYPES:
            found.append((name, _note_schema(name, match.group(2) or match.group(3) or match.group(4))))
        sep = _ONE_SEP.match(listed, match.end())
        if sep is None or sep.end() == match.end():
            break
        at = sep.end()
    return found


def prose_keys(text: str) -> tuple[dict[str, dict], list[tuple[int, int]]]:
    """Keys ``text`` names in prose, as {name: schema}, and the spans that name them."""
    keys: dict[str, dict] = {}
    spans: list[tuple[int, int]] = []
    for head in _BULLET_HEAD.finditer(text):
        block = text[head.end():]
        for match in _BULLET.finditer(block):
            if block[:match.start()].count("\n") > len(keys) + 1:
                break
            for name, schema in _items(match.group(0).strip(" -*•")):
                keys.setdefault(name, schema)
            line_end = block.find("\n", match.end())
            spans.append((head.end() + match.start(), head.end() + (line_end if line_end >= 0 else len(block))))
    if keys:
        return keys, spans
    best: tuple[int, dict[str, dict], list[tuple[int, int]]] = (0, {}, [])
    for pattern in (_AFTER, _BEFORE):  # "keys a, b" or "a and b keys": the reading that looks more like keys
        found: dict[str, dict] = {}
        where: list[tuple[int, int]] = []
        for match in pattern.finditer(text):
            items = _items(match.group(1))
            for name, schema in items:
                found.setdefault(name, schema)
            if items:
                where.append(match.span())
        score = sum(1 for name, schema in found.items() if name.isascii() or schema != jsonfill.guessed_schema(name)
                    or jsonfill.key_kind(name)) * 2 + bool(found)
        if score > best[0]:
            best = (score, found, where)
    return best[1], best[2]


def quoted_keys(text: str) -> list[str]:
    """Keys written in quotes or backticks (`title`, "author"), the older and looser rule."""
    return [k for k in dict.fromkeys(_NAMED_KEY.findall(text)) if k.lower() != "json"]


def input_text(prompt: Prompt) -> str:
    """The user messages, without the JSON objects and key lists written in them."""
    parts = []
    for turn in prompt.turns:
        if turn.role != "user" or not turn.text:
            continue
        spans = [span for _, span in embedded_objects(turn.text)] + prose_keys(turn.text)[1]
        text = turn.text
        for start, end in sorted(spans, reverse=True):
            text = text[:start] + " " + text[end:]
        parts.append(text)
    return "\n".join(parts)
