"""The simulator's hot path does each piece of work once per request, with the same bytes.

Ids still derive from the request as documented (the body is serialized once for both ids),
a streamed Responses reply's start is its final response without output, the configured
models are read once per server, and the lone-surrogate check agrees with encoding the body.
"""

from __future__ import annotations

import json
import random

import pytest

from helpers.offline import Simulator
from helpers.offline.wire import errors, ids, request_body
from test_sim_support import MODEL, make_client, raw_post

WEATHER = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
CHAT_TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city", "parameters": WEATHER}}
RESPONSES_TOOL = {"type": "function", "name": "get_weather", "description": "Weather for a city", "parameters": WEATHER}
ASK = "What's the weather in Paris?"


@pytest.mark.parametrize("body", [
    {},
    {"model": MODEL, "messages": [{"role": "user", "content": "héllo 😀 中文 \"quoted\" \\ back"}]},
    {"b": [1, 2.5, None, True, {"z": 1, "a": [{}]}], "a": "x", "temperature": 0.25, "n": 10**20},
])
def test_body_ids_match_request_id(body):
    tags = ("chat", "chat-tools", "responses", "responses-tools")
    assert ids.body_ids(body, *tags) == tuple(ids.request_id(tag, body) for tag in tags)


def test_chat_ids_derive_from_the_body(simulator):
    body = {"model": MODEL, "messages": [{"role": "user", "content": ASK}], "tools": [CHAT_TOOL]}
    reply = raw_post(simulator.base_url, "/chat/completions", body=body).json()
    assert reply["id"] == "chatcmpl-" + ids.request_id("chat", body)
    call = reply["choices"][0]["message"]["tool_calls"][0]
    assert call["id"] == "call_" + ids.request_id("tool-call", ids.request_id("chat-tools", body), 0, 0)


def test_responses_ids_derive_from_the_body(simulator):
    body = {"model": MODEL, "input": ASK, "tools": [RESPONSES_TOOL], "store": False}
    reply = raw_post(simulator.base_url, "/responses", body=body).json()
    assert reply["id"] == "resp_" + ids.request_id("responses", body)
    call = reply["output"][0]
    assert call["type"] == "function_call"
    assert call["call_id"] == "call_" + ids.request_id("tool-call", ids.request_id("responses-tools", body), 0, 0)


def _events(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.strip().split("\n\n"):
        name, data = block.split("\n")
        out.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return out


@pytest.mark.parametrize("extra", [
    {"tools": [RESPONSES_TOOL], "max_tool_calls": 1, "tool_choice": "required"},  # function calls
    {"max_output_tokens": 16, "metadata": {"k": "v"}},  # incomplete
    {"instructions": "Be brief.", "text": {"verbosity": "low"}, "temperature": 0.5},  # completed text
])
def test_streamed_start_is_the_final_response_without_output(simulator, extra):
    body = {"model": MODEL, "input": ASK, "stream": True, "store": False, **extra}
    events = _events(raw_post(simulator.base_url, "/responses", body=body).text)
    (created, start), (progress, again) = events[0], events[1]
    final = events[-1][1]["response"]
    assert created == "response.created" and progress == "response.in_progress"
    assert start["response"] == again["response"]
    expected = {k: v for k, v in final.items() if k != "completed_at"}
    expected.update(status="in_progress", incomplete_details=None, output=[], usage=None)
    assert list(start["response"]) == list(expected)  # the same keys in the same order: the same bytes
    assert start["response"] == expected
    plain = raw_post(simulator.base_url, "/responses", body={**body, "stream": False}).json()
    assert final["tools"] == plain["tools"] and final["output"][-1]["type"] == plain["output"][-1]["type"]


def test_configured_model_is_read_at_the_first_request(monkeypatch):
    # conftest sets OPENAI_MODEL just after starting its simulator: that must still count.
    with Simulator() as sim, make_client(sim.base_url) as sdk:
        monkeypatch.setenv("OPENAI_MODEL", "my-own-model")
        monkeypatch.setenv("OPENAI_VISION_MODEL", "gpt-4-32k")  # retired: never served
        assert "my-own-model" in {m.id for m in sdk.models.list()}
        reply = sdk.chat.completions.create(model="my-own-model", messages=[{"role": "user", "content": "hi"}])
        assert reply.model == "my-own-model"
        assert raw_post(sim.base_url, "/chat/completions", body={"model": "gpt-4-32k", "messages": []}).status_code == 404


def _encodes(body: dict) -> bool:
    """The reference: a body is Unicode text when it can be written back as UTF-8."""
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


PIECES = [b"\\\\", b"\\ud800", b"\\uDBFF", b"\\udc00", b"\\uDFFF", b"\\ud83d", b"\\ude00", b"\\u005c",
          b'\\"', b"a", b"\\n", b"\\u0041", b"\\ud7ff", b"\\ue000", b"d800", "中😀".encode()]


def test_surrogate_check_agrees_with_encoding():
    rng = random.Random(7)
    seen = {True: 0, False: 0}
    for _ in range(3000):
        key, text, inner = (b"".join(rng.choice(PIECES) for _ in range(rng.randint(0, n))) for n in (2, 6, 3))
        body = json.loads(b'{"' + key + b'": ["' + text + b'", {"x": "' + inner + b'"}]}')
        expected = _encodes(body)
        assert request_body._is_unicode(body) is expected, body
        seen[expected] += 1
    assert seen[True] > 100 and seen[False] > 100  # both outcomes exercised


@pytest.mark.parametrize("raw, ok", [
    (b'{"messages": [{"content": "x\\ud83d\\ude00"}]}', True),  # a proper pair: one code point
    (b'{"a": "\\\\ud800"}', True),  # an escaped backslash, then plain text
    (b'{"a": [[["\\udfff"]]]}', False),
    (b'{"\\ud800": 1}', False),  # in a key
    (b'{"a": "\\ude00\\ud83d"}', False),  # a pair in the wrong order
])
def test_parse_refuses_exactly_the_lone_surrogates(raw, ok):
    if ok:
        assert request_body.parse(raw)
    else:
        with pytest.raises(errors.SimError, match="invalid Unicode"):
            request_body.parse(raw)
