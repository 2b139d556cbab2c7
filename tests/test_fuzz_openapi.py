"""Schemathesis against the simulator, a few examples per operation (``make fuzz`` goes deep).

Every implemented operation gets data that fits the official description (positive) and data
that does not (negative). No answer may be a 5xx, a 2xx must conform to the description's
response schema, a 4xx must carry the API's error shape, and negative data must get a 4xx.
The checks and the one list of the description's known strictness quirks live in
``tools/fuzz_openapi.py``.
"""

from __future__ import annotations

import pytest

from spec_support import require_spec

import schemathesis  # noqa: F401, E402 - a dev requirement: its absence is a failure, not a skip

from tools import fuzz_openapi  # noqa: E402

#: Examples per operation and mode in `make test` (generation of the big request bodies is the cost).
EXAMPLES = {"createChatCompletion": 4, "createResponse": 4, "Getinputtokencounts": 4}
DEFAULT_EXAMPLES = 6


@pytest.fixture(scope="module")
def fuzzer(simulator) -> fuzz_openapi.Fuzzer:
    return fuzz_openapi.Fuzzer(simulator.base_url, require_spec())


@pytest.mark.parametrize("mode", fuzz_openapi.MODES)
@pytest.mark.parametrize("operation", sorted(fuzz_openapi.OPERATIONS))
def test_operation_answers_conform(fuzzer, operation, mode):
    figures = fuzzer.run(operation, mode, EXAMPLES.get(operation, DEFAULT_EXAMPLES))
    assert not figures.failures, fuzz_openapi.report({(operation, mode): figures})
    if "no negative data possible" not in figures.outcomes:
        assert figures.requests > 0


def test_positive_refusals_come_from_the_parameter_table(fuzzer):
    # A refusal of a parameter the table marks "refused" is an expected answer; one the table
    # honours is not classified as a refusal by the table.
    assert fuzzer._reason("positive", "chat", {"param": "audio", "message": "x"}) == "refused by the table: audio"
    assert fuzzer._reason("positive", "chat", {"param": "temperature", "message": "x", "code": "c"}) == "rejected: c (temperature)"


def test_error_bodies_must_have_the_error_shape(fuzzer):
    good = {"error": {"message": "m", "type": "invalid_request_error", "param": None, "code": None}}
    assert not list(fuzzer.error_validator.iter_errors(good))
    assert list(fuzzer.error_validator.iter_errors({"message": "m"}))
