"""Stored responses, input items, logprobs and reasoning output checked against the official
OpenAPI description (located, and required, like ``test_sim_openapi.py``: see ``spec_support.py``).
"""

from __future__ import annotations


import pytest

from test_sim_openapi import request, sse_data, validate
from test_sim_support import MODEL, user


def created(simulator, **extra) -> dict:
    answer = request(simulator, "POST", "/responses", {"model": MODEL, "input": "Hello, state!", **extra})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_retrieved_response_matches_spec(simulator):
    made = created(simulator, reasoning={"effort": "low", "summary": "auto"}, include=["reasoning.encrypted_content"])
    validate(request(simulator, "GET", f"/responses/{made['id']}").json(), "Response")


def test_input_items_match_spec(simulator):
    items = [{"role": "developer", "content": "Be brief."}, {"role": "assistant", "content": "Earlier."},
             {"role": "user", "content": [{"type": "input_text", "text": "Now?"}]}]
    made = created(simulator, input=items)
    validate(request(simulator, "GET", f"/responses/{made['id']}/input_items?limit=2").json(), "ResponseItemList")


def test_response_with_logprobs_matches_spec(simulator):
    validate(created(simulator, include=["message.output_text.logprobs"], top_logprobs=2), "Response")


def test_chat_logprobs_match_spec(simulator):
    body = {"model": MODEL, "messages": user("Logprobs, OpenAPI!"), "logprobs": True, "top_logprobs": 2}
    validate(request(simulator, "POST", "/chat/completions", body).json(), "CreateChatCompletionResponse")
    for chunk in sse_data(request(simulator, "POST", "/chat/completions", {**body, "stream": True})):
        validate(chunk, "CreateChatCompletionStreamResponse")


@pytest.mark.parametrize("extra, expected", [
    ({"reasoning": {"effort": "low", "summary": "detailed"}}, "response.reasoning_summary_text.delta"),
    ({"include": ["message.output_text.logprobs"], "top_logprobs": 1}, "response.output_text.delta"),
])
def test_stream_events_match_spec(simulator, extra, expected):
    body = {"model": MODEL, "input": "Stream, OpenAPI!", "stream": True, **extra}
    events = sse_data(request(simulator, "POST", "/responses", body))
    assert any(e["type"] == expected for e in events)
    for event in events:
        if isinstance(event.get("response"), dict) and event["response"].get("usage") is None:
            event["response"].pop("usage")
        validate(event, "ResponseStreamEvent")


def test_not_found_matches_spec(simulator):
    answer = request(simulator, "GET", "/responses/resp_unknown")
    assert answer.status_code == 404
    validate(answer.json(), "ErrorResponse")
