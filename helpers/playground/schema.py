"""The playground's JSON tab: read the learner's schema, check the model's reply against it.

Introduced in lesson 06 (playground), building on lesson 04 (JSON output): JSON mode
(``response_format={"type": "json_object"}``) needs the word "json" in the messages, and
Structured Outputs (``{"type": "json_schema", "json_schema": {..., "strict": True}}``)
needs a schema whose every object lists all its properties in ``required`` and sets
``additionalProperties`` to false. The reply is validated locally with ``jsonschema``,
so a learner sees exactly which field is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema

from ..messages import Message, message

#: The schema the JSON tab starts with: small, strict-mode ready, easy to edit.
EXAMPLE_SCHEMA: dict[str, Any] = {
    "title": "book",
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "author": {"type": "string"},
        "year": {"type": "integer"},
        "genres": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["title", "author", "year", "genres"],
    "additionalProperties": False,
}

NOT_JSON = message(
    "The schema is not valid JSON (line {line}, column {column}: {msg}). "
    "Check quotes (\"...\", not '...'), commas and brackets.",
    "schema 不是合法的 JSON（第 {line} 行第 {column} 列：{msg}）。检查引号（要用 \"...\"，不能用 '...'）、逗号和括号。",
)
NOT_OBJECT = message(
    "The schema must be a JSON object ({{...}}), got {kind}.",
    "schema 必须是一个 JSON 对象（{{...}}），现在是 {kind}。",
)
BAD_SCHEMA = message(
    "This is JSON but not a valid JSON Schema: {msg} (at {where}).",
    "这是 JSON，但不是合法的 JSON Schema：{msg}（位置：{where}）。",
)
STRICT_ADDITIONAL = message(
    "Strict mode: the object at {where} needs \"additionalProperties\": false.",
    "严格模式：{where} 处的对象需要 \"additionalProperties\": false。",
)
STRICT_REQUIRED = message(
    "Strict mode: the object at {where} must list every property in \"required\" (missing: {names}).",
    "严格模式：{where} 处的对象必须把每个属性都写进 \"required\"（缺少：{names}）。",
)
REPLY_NOT_JSON = message(
    "The reply is not valid JSON ({msg}). If finish_reason is 'length', raise max tokens.",
    "回复不是合法的 JSON（{msg}）。如果 finish_reason 是 'length'，把 max tokens 调大。",
)
REPLY_INVALID = message(
    "The reply does not match the schema at {where}: {msg}",
    "回复不符合 schema，位置 {where}：{msg}",
)


class SchemaProblem(ValueError):
    """The learner's schema text cannot be used; the message says why, in their language."""


def _say(text: Message, lang: str | None, **values: Any) -> str:
    """``text`` filled with ``values`` in ``lang`` (``None``: the reader's language)."""
    return text.format(**values).render(lang)


def _where(path: Any) -> str:
    parts = [str(part) for part in path]
    return "/" + "/".join(parts) if parts else "/"


def parse_schema(text: str, lang: str | None = None) -> dict[str, Any]:
    """The schema in ``text`` as a dict; :class:`SchemaProblem` if it is not JSON or not a schema."""
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as err:
        raise SchemaProblem(_say(NOT_JSON, lang, line=err.lineno, column=err.colno, msg=err.msg)) from None
    if not isinstance(schema, dict):
        raise SchemaProblem(_say(NOT_OBJECT, lang, kind=type(schema).__name__))
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as err:
        raise SchemaProblem(_say(BAD_SCHEMA, lang, msg=err.message, where=_where(err.absolute_path))) from None
    return schema


def _objects(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every sub-schema that describes an object, with its JSON pointer."""
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            yield path or "/", node
        for key, value in node.items():
            yield from _objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{path}/{index}")


def strict_problems(schema: dict[str, Any], lang: str | None = None) -> list[str]:
    """What the API's strict mode would reject in ``schema`` (empty when it looks fine)."""
    problems = []
    for where, node in _objects(schema):
        if node.get("additionalProperties") is not False:
            problems.append(_say(STRICT_ADDITIONAL, lang, where=where))
        missing = [name for name in node.get("properties", {}) if name not in node.get("required", [])]
        if missing:
            problems.append(_say(STRICT_REQUIRED, lang, where=where, names=", ".join(missing)))
    return problems


def schema_name(schema: dict[str, Any]) -> str:
    """A ``json_schema.name`` for the request: the schema's title if usable, else ``"answer"``."""
    title = re.sub(r"[^A-Za-z0-9_-]", "_", str(schema.get("title", "")))[:64]
    return title.strip("_") or "answer"


def check_reply(text: str, schema: dict[str, Any] | None, lang: str | None = None) -> tuple[Any, list[str]]:
    """``(parsed value, problems)``: the reply parsed as JSON and validated against ``schema``.

    ``schema=None`` (JSON mode) checks only that the reply is JSON. Problems are sentences
    in ``lang``; the parsed value is ``None`` when the text is not JSON at all.
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        return None, [_say(REPLY_NOT_JSON, lang, msg=f"{err.msg}, line {err.lineno} column {err.colno}")]
    if schema is None:
        return value, []
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.absolute_path)))
    return value, [_say(REPLY_INVALID, lang, where=_where(e.absolute_path), msg=e.message) for e in errors]
