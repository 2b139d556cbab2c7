"""The response cache (a repeat call is free) and application-level retries."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

from helpers.cache import ResponseCache
from helpers.models import DEFAULT_MODEL
from helpers.retry import call_with_retries, is_transient

REQUEST = {"model": DEFAULT_MODEL, "messages": [{"role": "user", "content": "Cache me"}]}


@pytest.fixture()
def client(simulator):
    return openai.OpenAI(base_url=simulator.base_url, api_key="sk-test", max_retries=0)


def test_repeat_call_is_a_hit_and_equal(client, tmp_path):
    cache = ResponseCache(tmp_path)
    first, hit1 = cache.chat(client, **REQUEST)
    second, hit2 = cache.chat(client, **REQUEST)
    assert (hit1, hit2) == (False, True)
    assert second.model_dump() == first.model_dump()
    assert (cache.hits, cache.misses) == (1, 1)


def test_any_parameter_change_is_a_new_entry(client):
    cache = ResponseCache()
    cache.chat(client, **REQUEST)
    _, hit = cache.chat(client, **REQUEST, temperature=0.5)
    assert hit is False and cache.misses == 2


def test_disk_entries_survive_a_new_cache_and_damage_is_a_miss(client, tmp_path):
    ResponseCache(tmp_path).chat(client, **REQUEST)
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text(encoding="utf-8"))["object"] == "chat.completion"
    _, hit = ResponseCache(tmp_path).chat(client, **REQUEST)
    assert hit is True
    files[0].write_text("{broken", encoding="utf-8")
    response, hit = ResponseCache(tmp_path).chat(client, **REQUEST)
    assert hit is False and response.choices[0].message.content
    assert json.loads(files[0].read_text(encoding="utf-8"))["object"] == "chat.completion"


def test_responses_api_is_cached_too(client):
    cache = ResponseCache()
    a, _ = cache.responses(client, model=DEFAULT_MODEL, input="Cache me")
    b, hit = cache.responses(client, model=DEFAULT_MODEL, input="Cache me")
    assert hit and a.output_text == b.output_text


def test_streams_and_unserialisable_requests_are_refused_clearly(client):
    cache = ResponseCache()
    with pytest.raises(ValueError, match="stream"):
        cache.chat(client, **REQUEST, stream=True)
    with pytest.raises(TypeError, match="JSON"):
        cache.chat(client, **REQUEST, response_format=object())


def test_fault_that_fails_twice_heals_on_the_third_try(client):
    headers = {"x-offline-fault": "rate_limit; times=2; retry_after=0.01"}
    response = call_with_retries(client.chat.completions.create, **REQUEST, extra_headers=headers)
    assert response.choices[0].finish_reason == "stop"


def test_gives_up_after_the_allowed_attempts(client):
    headers = {"x-offline-fault": "server_error"}
    with pytest.raises(openai.InternalServerError):
        call_with_retries(client.chat.completions.create, **REQUEST, attempts=2, max_wait=0.01, extra_headers=headers)


@pytest.mark.parametrize(
    ("fault", "error"),
    [("quota", openai.RateLimitError)],
)
def test_quota_is_never_retried(client, fault, error):
    calls = []

    def create(**kwargs):
        calls.append(kwargs["extra_headers"]["x-stainless-retry-count"])
        return client.chat.completions.create(**kwargs)

    with pytest.raises(error):
        call_with_retries(create, **REQUEST, extra_headers={"x-offline-fault": fault})
    assert calls == ["0"]


def test_client_errors_are_not_transient(client):
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(model="gpt-3.5-turbo", messages=REQUEST["messages"])
    assert not is_transient(info.value)
    assert not is_transient(ValueError("not an API error"))


def test_attempts_must_be_positive():
    with pytest.raises(ValueError):
        call_with_retries(print, attempts=0)


def test_a_retry_after_above_120_seconds_is_not_retried(client):
    # The SDK gives up when asked to wait more than 120 s; so does call_with_retries.
    calls = []

    def create(**kwargs):
        calls.append(1)
        return client.chat.completions.create(**kwargs)

    with pytest.raises(openai.RateLimitError):
        call_with_retries(create, **REQUEST, extra_headers={"x-offline-fault": "rate_limit; retry_after=300"})
    assert len(calls) == 1


def test_clear_deletes_only_the_caches_own_entries(client, tmp_path):
    # Defect 8: clear() deleted every *.json in the folder, the learner's own files included.
    mine = {name: tmp_path / name for name in ("settings.json", "results.json", "A" * 64 + ".json", "0" * 63 + ".json")}
    for path in mine.values():
        path.write_text('{"mine": true}', encoding="utf-8")
    cache = ResponseCache(tmp_path)
    cache.chat(client, **REQUEST)
    cache.responses(client, model=DEFAULT_MODEL, input="Cache me")
    entries = [p for p in tmp_path.glob("*.json") if p not in mine.values()]
    assert len(entries) == 2
    cache.clear()
    assert not any(p.exists() for p in entries)
    assert all(p.read_text(encoding="utf-8") == '{"mine": true}' for p in mine.values())
    assert cache.chat(client, **REQUEST)[1] is False  # really forgotten


@pytest.mark.parametrize("code, transient", [("insufficient_quota", False), ("project_spend_limit_exceeded", False),
                                             ("organization_spend_limit_exceeded", False), ("rate_limit_exceeded", True)])
def test_a_429_is_worth_retrying_only_when_it_is_a_rate_limit(code: str, transient: bool) -> None:
    request = httpx.Request("POST", "https://api.openai.com/v1/chat/completions")
    error = openai.RateLimitError("429", response=httpx.Response(429, request=request),
                                  body={"message": "429", "type": "x", "param": None, "code": code})
    assert is_transient(error) is transient
