"""Shared checks for the bad-input tables (``tests/test_bad_inputs_*.py``). Holds no tests.

A bad input must end in an exception of the expected type whose message names what to
fix (a parameter, an expected type or an action word) and carries no traceback text.
"""

from __future__ import annotations

import re

import pytest

#: Words that tell the learner what to do next (English and Chinese).
ACTIONS = ("use", "set", "check", "pass", "give", "add", "write", "raise", "lower", "must", "expected", "call", "put",
           "need", "try", "remove", "rename", "instead", "do not", "请", "必须")
_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")


def assert_clear(error: BaseException, *needles: str) -> str:
    """The message says what to do: it holds every ``needle``, an action word, and no traceback."""
    message = str(error)
    assert message.strip(), f"{type(error).__name__} with an empty message"
    assert not _TRACEBACK.search(message), message
    for needle in needles:
        assert needle.lower() in message.lower(), f"{needle!r} missing from: {message}"
    assert any(word in message.lower() for word in ACTIONS), f"no actionable hint in: {message}"
    return message


def expect(exc_type: type[BaseException], call, *needles: str) -> str:
    """Run ``call()``; it must raise ``exc_type`` with a clear message (see :func:`assert_clear`)."""
    with pytest.raises(exc_type) as info:
        call()
    return assert_clear(info.value, *needles)
