"""What a simulated call writes into an argument the message does not spell out.

Two rules a learner can predict, used by :mod:`toolargs`:

- an enum the message does not mention gets the schema's ``default``, else the value its
  ``description`` names (after "default"/"默认" if it says so), else the first value listed
  (schemas list the usual value first);
- a string property named or described like an expression/formula gets the arithmetic
  expression written in the message ("12 * (3 + 4)"), and one named or described like a
  query/question/text/keyword/input/message gets the message itself.
"""

from __future__ import annotations

import re
from typing import Any

_SPLIT_NAME = re.compile(r"[_\-\s]+|(?<=[a-z])(?=[A-Z])")
_EXPR_NAMES = frozenset("expression expr formula equation math calculation arithmetic".split())
_QUERY_NAMES = frozenset("""q query question text prompt keyword keywords search topic message content input term terms phrase
    answer reply response""".split())
#: Names that say "text" only loosely: they count after the description has had its say.
_LOOSE_NAMES = frozenset("input text content message answer reply response".split())
_EXPR_WORDS = re.compile(r"\b(?:expressions?|formulas?|equations?|arithmetic)\b|表达式|算式|公式", re.I)
_QUERY_WORDS = re.compile(r"\b(?:query|question|text|keywords?|message|input|search terms?)\b|查询词|关键词|问题|文本", re.I)
_DEFAULT_WORD = re.compile(r"\bdefaults?\b|默认", re.I)
#: A run of arithmetic: digits, operators, parentheses, decimal points and spaces.
_ARITHMETIC = re.compile(r"(?:(?<![\w)])-)?[\d(（][\d\s.+\-*/×÷^%()（）]*")
_OPERATOR = re.compile(r"[+\-*/^%]")
_NORMALIZE = str.maketrans({"×": "*", "÷": "/", "（": "(", "）": ")"})


def string_kind(name: str, schema: dict) -> str | None:
    """``expression``, ``query`` or None: what a string property asks for, by name then description."""
    words = {w.lower() for w in _SPLIT_NAME.split(name) if w}
    if words & _EXPR_NAMES:
        return "expression"
    if words & (_QUERY_NAMES - _LOOSE_NAMES):
        return "query"
    description = schema.get("description")
    description = description if isinstance(description, str) else ""
    if _EXPR_WORDS.search(description):
        return "expression"
    if words & _QUERY_NAMES or _QUERY_WORDS.search(description):
        return "query"
    return None


def _balanced(expression: str) -> str:
    """The expression with its unmatched parentheses dealt with: cut at a stray ``)``, drop a stray ``(``."""
    opened: list[int] = []
    for at, char in enumerate(expression):
        if char == "(":
            opened.append(at)
        elif char == ")":
            if not opened:
                expression = expression[:at]
                break
            opened.pop()
    for at in reversed(opened):
        if at < len(expression):
            expression = expression[:at] + expression[at + 1:]
    return expression


def expression_in(message: str) -> str | None:
    """The longest arithmetic expression written in ``message`` (× and ÷ as * and /), or None."""
    best: str | None = None
    for match in _ARITHMETIC.finditer(message.translate(_NORMALIZE)):
        run = _balanced(match.group(0))
        run = re.sub(r"[\s+\-*/^%.(]+$", "", run).strip()
        run = re.sub(r"^[\s)]+", "", run)
        if re.search(r"\d", run) and _OPERATOR.search(run) and (best is None or len(run) > len(best)):
            best = run
    return best


def _named_at(description: str, value: Any, start: int = 0) -> int:
    """Where ``description`` names ``value`` from ``start`` on (as a whole word for ASCII), or -1."""
    word = str(value).lower()
    if len(word) < 2:
        return -1
    if word.isascii():
        match = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])").search(description, start)
        return match.start() if match else -1
    return description.find(word, start)


def enum_default(schema: dict, values: list) -> Any:
    """The value an enum gets when the message names none of its values."""
    if "default" in schema and schema["default"] in values:
        return schema["default"]
    description = schema.get("description")
    if isinstance(description, str) and description:
        lowered = description.lower()
        said = _DEFAULT_WORD.search(lowered)
        for start in ((said.end(), 0) if said else (0,)):  # a value named after "default" first
            named = sorted((at, k) for k, value in enumerate(values) if (at := _named_at(lowered, value, start)) >= 0)
            if named:
                return values[named[0][1]]
    return values[0]
