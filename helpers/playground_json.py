"""Lesson 06's old import path for the JSON tab's checks; they live in ``helpers.playground.schema``.

Kept only because the lesson's self-check imports from here; new code imports ``helpers.playground``.
"""

from __future__ import annotations

from .playground.schema import EXAMPLE_SCHEMA, SchemaProblem, check_reply, parse_schema, schema_name, strict_problems

__all__ = ["EXAMPLE_SCHEMA", "SchemaProblem", "check_reply", "parse_schema", "schema_name", "strict_problems"]
