"""Errors, injected faults, retries and headers of the offline simulator.

Each error must reach the learner as the same SDK exception the real API would raise.
"""

from __future__ import annotations

import openai
import pytest

from helpers.offline import FAULT_HEADER, INVALID_KEY, Simulator
from helpers.offline.wire.errors import masked_key
from test_sim_support import (
    MODEL, RATE_HEADERS, chat, client, error_of, expect_error, make_client, raw_post, user,
)

__all__ = ["client"]  # the fixture, re-exported for pytest

HELLO = user("Hello, simulator!")


def fault(spec: str) -> dict:
    return {"extra_headers": {FAULT_HEADER: spec}}


def assert_rate_headers(headers) -> None:
    for name in (*RATE_HEADERS, "x-request-id"):
        assert headers.get(name), name


# --- authentication and transport errors -----------------------------------------------------


def test_no_authorization_header_is_401(simulator):
    response = raw_post(simulator.base_url, "/chat/completions", body={"model": MODEL, "messages": HELLO}, auth=False)
    assert response.status_code == 401
    assert "didn't provide an API key" in error_of(response)["message"]
    assert_rate_headers(response.headers)


def test_invalid_key_is_401_and_masked(simulator):
    with make_client(simulator.base_url, api_key=INVALID_KEY) as bad:
        err = expect_error(openai.AuthenticationError, chat, bad, HELLO, status=401, code="invalid_api_key")
    assert INVALID_KEY not in str(err)
    # The real API's style: a few characters at each end, stars between (sk-ab***...wxyz).
    assert f"provided: {INVALID_KEY[:5]}{'*' * (len(INVALID_KEY) - 9)}{INVALID_KEY[-4:]}." in str(err)
    assert err.type == "invalid_request_error"


@pytest.mark.parametrize("key", ["sk-1234567", "sk-abcdefgh1234567"])
def test_short_keys_are_never_echoed_whole(key):
    masked = masked_key(key)
    assert len(masked) == len(key) and key not in masked
    assert masked.count("*") >= len(key) // 2


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2]", b"\xff\xfe", b""], ids=["broken", "array", "bytes", "empty"])
def test_malformed_body_is_400(simulator, payload):
    response = raw_post(simulator.base_url, "/chat/completions", payload)
    assert response.status_code == 400
    assert "could not parse the JSON body" in error_of(response)["message"]
    assert response.headers["x-request-id"].startswith("req_")


def test_body_over_limit_is_413():
    small = Simulator(max_body=1000).start()
    try:
        with make_client(small.base_url) as sdk:
            err = expect_error(openai.APIStatusError, chat, sdk, user("x" * 5000), status=413, code=None)
            assert "at most 1000 bytes" in err.message
            assert chat(sdk, HELLO).choices[0].message.content  # a small request still works
    finally:
        small.stop()


def test_unknown_path_is_404(client, simulator):
    expect_error(openai.NotFoundError, client.get, "/nowhere", cast_to=object, status=404, code=None)
    response = raw_post(simulator.base_url, "/chat/complete", body={})
    assert response.status_code == 404 and "Invalid URL (POST /v1/chat/complete)" in error_of(response)["message"]


# --- injected faults ---------------------------------------------------------------------------


def test_rate_limit_fault(client):
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.with_raw_response.create(model=MODEL, messages=HELLO, **fault("rate_limit; retry_after=2"))
    err = info.value
    assert err.code == "rate_limit_exceeded" and err.request_id
    assert err.response.headers["retry-after"] == "2"
    assert err.response.headers["retry-after-ms"] == "2000"
    assert err.response.headers["x-ratelimit-remaining-requests"] == "0"
    assert_rate_headers(err.response.headers)


@pytest.mark.parametrize(
    ("spec", "exc_type", "status", "code"),
    [
        ("quota", openai.RateLimitError, 429, "insufficient_quota"),
        ("server_error", openai.InternalServerError, 500, None),
        ("overloaded", openai.InternalServerError, 503, None),
        ("teapot", openai.BadRequestError, 400, None),
        ("rate_limit; times=x", openai.BadRequestError, 400, None),
        ("slow; seconds=500", openai.BadRequestError, 400, None),
        ("rate_limit; retry_after=inf", openai.BadRequestError, 400, None),
        ("rate_limit; times=inf", openai.BadRequestError, 400, None),
        ("rate_limit; times=nan", openai.BadRequestError, 400, None),
    ],
)
def test_fault_kinds(client, spec, exc_type, status, code):
    err = expect_error(exc_type, chat, client, HELLO, status=status, code=code, **fault(spec))
    if status == 400:
        assert err.param == FAULT_HEADER


@pytest.mark.parametrize("times", [1, 2])
def test_rate_limit_heals_after_retries(client, times):
    raw = client.with_options(max_retries=2).chat.completions.with_raw_response.create(
        model=MODEL, messages=HELLO, temperature=0, **fault(f"rate_limit; times={times}; retry_after=0.01"))
    assert raw.retries_taken == times
    # the healed answer is the plain one (temperature 0: one wording, nothing sampled)
    assert raw.parse().choices[0].message.content == chat(client, HELLO, temperature=0).choices[0].message.content


def test_rate_limit_outlasts_retries(client):
    expect_error(openai.RateLimitError, chat, client.with_options(max_retries=2), HELLO, status=429,
                 code="rate_limit_exceeded", **fault("rate_limit; times=3; retry_after=0.01"))


def test_disconnect_fault(client):
    raw = client.with_options(max_retries=2).chat.completions.with_raw_response.create(
        model=MODEL, messages=HELLO, **fault("disconnect; times=1"))
    assert raw.retries_taken == 1 and raw.parse().choices
    with pytest.raises(openai.APIConnectionError) as info:
        chat(client, HELLO, **fault("disconnect"))
    assert not isinstance(info.value, openai.APITimeoutError)


def test_slow_fault_times_out(client):
    with pytest.raises(openai.APITimeoutError):
        chat(client.with_options(timeout=0.3), HELLO, **fault("slow; seconds=1"))


# --- headers -------------------------------------------------------------------------------------


def test_success_headers_and_stable_request_id(client):
    raws = [client.chat.completions.with_raw_response.create(model=MODEL, messages=HELLO) for _ in range(2)]
    for raw in raws:
        assert_rate_headers(raw.headers)
        assert raw.headers["content-type"] == "application/json"
    assert raws[0].headers["x-request-id"] == raws[1].headers["x-request-id"] == raws[0].parse()._request_id
    other = client.chat.completions.with_raw_response.create(model=MODEL, messages=user("Something else"))
    assert other.headers["x-request-id"] != raws[0].headers["x-request-id"]


def test_error_headers(client):
    err = expect_error(openai.BadRequestError, chat, client, HELLO, temperature=9, status=400)
    assert_rate_headers(err.response.headers)
    err = expect_error(openai.NotFoundError, client.models.retrieve, "gpt-3.5-turbo", status=404)
    assert_rate_headers(err.response.headers)


def test_latency_header_delays_answer(client):
    import time

    start = time.perf_counter()
    chat(client, HELLO, extra_headers={"x-offline-latency-ms": "150"})
    assert time.perf_counter() - start >= 0.14
