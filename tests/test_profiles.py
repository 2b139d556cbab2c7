"""The simulator's impersonation profiles (``helpers/offline/data/profiles.py``).

Each profile refuses exactly what it lacks, with the status and a message naming the
feature; the default profile changes no byte. Loopback only.
"""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from typing import Any

import httpx2
import openai
import pytest
from PIL import Image

from helpers.models import DEFAULT_MODEL
from helpers.offline import PROFILE_HEADER, PROFILES, Simulator
from helpers.offline.data.profiles import UnknownProfile, get_profile

KEY = "sk-test"
PNG = Image.new("RGB", (8, 8), (30, 80, 220))


def _data_url() -> str:
    buffer = io.BytesIO()
    PNG.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


MESSAGES = [{"role": "user", "content": "Say hello in JSON."}]
SCHEMA = {"type": "json_schema", "json_schema": {"name": "greeting", "strict": True, "schema": {
    "type": "object", "properties": {"hello": {"type": "string"}}, "required": ["hello"], "additionalProperties": False}}}
IMAGE_MESSAGES = [{"role": "user", "content": [
    {"type": "text", "text": "What colour?"}, {"type": "image_url", "image_url": {"url": _data_url(), "detail": "low"}}]}]


def client_for(sim: Simulator, profile: str | None) -> openai.OpenAI:
    headers = {PROFILE_HEADER: profile} if profile is not None else None
    return openai.OpenAI(base_url=sim.base_url, api_key=KEY, max_retries=0, default_headers=headers,
                         _strict_response_validation=True)


def raw(sim: Simulator, path: str, body: dict[str, Any] | None, headers: dict[str, str] | None = None) -> httpx2.Response:
    with httpx2.Client(trust_env=False) as http:
        request_headers = {"Authorization": f"Bearer {KEY}", **(headers or {})}
        if body is None:
            return http.get(sim.base_url + path, headers=request_headers)
        return http.post(sim.base_url + path, headers=request_headers, content=json.dumps(body).encode())


# (profile, what to call, expected status, code, words the message must contain)
REJECTIONS = [
    ("no-schema", lambda c: c.chat.completions.create(model=DEFAULT_MODEL, messages=MESSAGES, response_format=SCHEMA),
     400, "invalid_value", ["Structured Outputs", "json_schema", "not supported"]),
    ("no-schema", lambda c: c.responses.create(model=DEFAULT_MODEL, input="Hello in JSON", text={"format": {
        "type": "json_schema", "name": "g", "schema": SCHEMA["json_schema"]["schema"], "strict": True}}),
     400, "invalid_value", ["Structured Outputs", "text.format"]),
    ("no-json-mode", lambda c: c.chat.completions.create(model=DEFAULT_MODEL, messages=MESSAGES, response_format={"type": "json_object"}),
     400, "invalid_value", ["JSON mode", "json_object", "not supported"]),
    ("no-vision", lambda c: c.chat.completions.create(model=DEFAULT_MODEL, messages=IMAGE_MESSAGES),
     400, "invalid_value", ["Image input", "image_url", "messages[0].content[1]"]),
    ("no-vision", lambda c: c.responses.create(model=DEFAULT_MODEL, input=[{"role": "user", "content": [
        {"type": "input_image", "image_url": _data_url(), "detail": "low"}]}]),
     400, "invalid_value", ["Image input", "input_image"]),
    ("no-responses", lambda c: c.responses.create(model=DEFAULT_MODEL, input="hi"),
     404, "not_found", ["Responses API", "/v1/responses"]),
    ("no-responses", lambda c: c.responses.input_tokens.count(model=DEFAULT_MODEL, input="hi"),
     404, "not_found", ["Responses API"]),
    ("max-tokens-only", lambda c: c.chat.completions.create(model=DEFAULT_MODEL, messages=MESSAGES, max_completion_tokens=16),
     400, "unknown_parameter", ["max_completion_tokens", "max_tokens"]),
    ("basic", lambda c: c.chat.completions.create(model=DEFAULT_MODEL, messages=MESSAGES, response_format={"type": "json_object"}),
     400, "invalid_value", ["JSON mode", "Supported values are: 'text'."]),
]


@pytest.mark.parametrize(("profile", "call", "status", "code", "words"), REJECTIONS,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(REJECTIONS)])
def test_each_rejection(simulator: Simulator, profile: str, call: Any, status: int, code: str, words: list[str]) -> None:
    with pytest.raises(openai.APIStatusError) as caught:
        call(client_for(simulator, profile))
    error = caught.value
    assert error.status_code == status
    assert error.code == code
    for word in words:
        assert word in error.message, (word, error.message)
    # The same request without the profile header succeeds.
    call(client_for(simulator, None))


def test_what_a_profile_keeps_still_works(simulator: Simulator) -> None:
    basic = client_for(simulator, "basic")
    reply = basic.chat.completions.create(model=DEFAULT_MODEL, messages=MESSAGES, max_tokens=16)
    assert reply.choices[0].message.content
    chunks = list(basic.chat.completions.create(model=DEFAULT_MODEL, messages=MESSAGES, stream=True))
    assert any(c.choices and c.choices[0].delta.content for c in chunks)
    assert basic.models.list().data


def test_no_stream_usage_ignores_stream_options(simulator: Simulator) -> None:
    def usage_chunks(profile: str | None) -> list[Any]:
        stream = client_for(simulator, profile).chat.completions.create(
            model=DEFAULT_MODEL, messages=MESSAGES, stream=True, stream_options={"include_usage": True})
        return [chunk for chunk in stream if chunk.usage is not None]

    assert len(usage_chunks(None)) == 1
    assert usage_chunks("no-stream-usage") == []
    assert usage_chunks("basic") == []


def test_unknown_profile_header_is_400_with_the_list(simulator: Simulator) -> None:
    answer = raw(simulator, "/models", None, {PROFILE_HEADER: "deepseek-ish"})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "unknown_profile" and error["param"] == PROFILE_HEADER
    for name in PROFILES:
        assert name in error["message"]


def test_unknown_profile_for_a_simulator_raises_before_listening() -> None:
    with pytest.raises(UnknownProfile, match="no-vision"):
        Simulator(profile="nope")
    assert get_profile(None).name == get_profile("  OpenAI ").name == "openai"


def test_simulator_profile_and_header_override(simulator: Simulator) -> None:
    with Simulator(profile="no-responses") as sim:
        assert sim.profile == "no-responses"
        assert raw(sim, "/responses", {"model": DEFAULT_MODEL, "input": "hi"}).status_code == 404
        # A request's header wins over the simulator's profile.
        ok = raw(sim, "/responses", {"model": DEFAULT_MODEL, "input": "hi"}, {PROFILE_HEADER: "openai"})
        assert ok.status_code == 200 and ok.json()["object"] == "response"


REQUESTS = [
    ("/chat/completions", {"model": DEFAULT_MODEL, "messages": MESSAGES, "seed": 3, "max_completion_tokens": 40}),
    ("/chat/completions", {"model": DEFAULT_MODEL, "messages": MESSAGES, "response_format": SCHEMA}),
    ("/chat/completions", {"model": DEFAULT_MODEL, "messages": IMAGE_MESSAGES}),
    ("/chat/completions", {"model": DEFAULT_MODEL, "messages": MESSAGES, "stream": True, "stream_options": {"include_usage": True}}),
    ("/responses", {"model": DEFAULT_MODEL, "input": "hi", "stream": True}),
    ("/chat/completions", {"model": DEFAULT_MODEL, "messages": "not a list"}),
    ("/models", None),
]


@pytest.mark.parametrize(("path", "body"), REQUESTS, ids=[f"{p}-{i}" for i, (p, _) in enumerate(REQUESTS)])
def test_default_profile_changes_no_byte(simulator: Simulator, path: str, body: dict[str, Any] | None) -> None:
    if body is not None and isinstance(body.get("messages", []), list):
        # Two identical requests at the default temperature are worded anew (sampling that shows): ask 0.
        body = {**body, "temperature": 0}
    plain = raw(simulator, path, body)
    named = raw(simulator, path, body, {PROFILE_HEADER: "openai"})
    assert plain.status_code == named.status_code
    assert plain.content == named.content
    drop = {"date"}
    assert {k: v for k, v in plain.headers.items() if k not in drop} == {k: v for k, v in named.headers.items() if k not in drop}


def test_cli_rejects_an_unknown_profile() -> None:
    done = subprocess.run([sys.executable, "-m", "helpers.offline", "--port", "0", "--profile", "nope"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Unknown simulator profile" in done.stderr and "max-tokens-only" in done.stderr
