"""Shared helpers for the offline simulator's conformance tests (``tests/test_sim_*.py``).

Holds no tests itself. Everything goes through loopback to the session's simulator (the
``simulator`` fixture from ``conftest.py``); nothing here can reach the network.
"""

from __future__ import annotations

import base64
import io
import json
import re
from typing import Any

import httpx2
import openai
import pydantic
import pytest
from openai.types.chat import completion_create_params

from helpers.models import DEFAULT_MODEL, DEFAULT_VISION_MODEL

MODEL = DEFAULT_MODEL
VISION_MODEL = DEFAULT_VISION_MODEL
KEY = "sk-test"
HAN = re.compile(r"[\u4e00-\u9fff]")
EN_MARK = "[Offline simulation]"
ZH_MARK = "离线模拟"
RATE_HEADERS = (
    "x-ratelimit-limit-requests",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-limit-tokens",
    "x-ratelimit-remaining-tokens",
)


def make_client(base_url: str, max_retries: int = 0, **options: Any) -> openai.OpenAI:
    """A strict SDK client aimed at a simulator (never the network)."""
    return openai.OpenAI(base_url=base_url, api_key=options.pop("api_key", KEY),
                         _strict_response_validation=True, max_retries=max_retries, **options)


@pytest.fixture(scope="module")
def client(simulator) -> openai.OpenAI:
    """One strict client per test module (building a client costs ~0.3 s: TLS setup)."""
    with make_client(simulator.base_url) as sdk:
        yield sdk


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def chat(sdk: openai.OpenAI, messages: list[dict] | str, **params: Any):
    """One non-streamed chat completion (``messages`` may be a plain user text)."""
    if isinstance(messages, str):
        messages = user(messages)
    return sdk.chat.completions.create(model=params.pop("model", MODEL), messages=messages, **params)


def reply_text(sdk: openai.OpenAI, messages: list[dict] | str, **params: Any) -> str:
    return chat(sdk, messages, **params).choices[0].message.content


def check_chat_body(body: dict) -> None:
    """Validate a request body against the SDK's own request type (no unknown keys)."""
    adapter = pydantic.TypeAdapter(completion_create_params.CompletionCreateParamsNonStreaming)
    checked = adapter.validate_python(body)
    assert [dict(m) for m in checked["messages"]]  # iterating forces lazy validation
    params = completion_create_params.CompletionCreateParamsNonStreaming
    allowed = params.__required_keys__ | params.__optional_keys__
    assert set(body) <= allowed, set(body) - allowed


def expect_error(exc_type: type[openai.APIStatusError], call, *args: Any, status: int,
                 code: str | None = "", **kwargs: Any) -> openai.APIStatusError:
    """Run ``call``; assert the SDK raised ``exc_type`` with ``status`` (and ``code``)."""
    with pytest.raises(exc_type) as info:
        call(*args, **kwargs)
    err = info.value
    assert err.status_code == status
    if code != "":
        assert err.code == code, err.body
    assert err.request_id and err.request_id.startswith("req_")
    assert isinstance(err.body, dict) and "message" in err.body
    return err


def png_data_url(size: tuple[int, int], colours: list[tuple[int, int, int]], fmt: str = "PNG") -> str:
    """An image in memory: vertical stripes of ``colours`` (one colour = solid)."""
    from PIL import Image

    image = Image.new("RGB", size, colours[0])
    stripe = size[0] // len(colours)
    for i, colour in enumerate(colours[1:], start=1):
        image.paste(colour, (i * stripe, 0, size[0] if i == len(colours) - 1 else (i + 1) * stripe, size[1]))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    mime = {"PNG": "png", "BMP": "bmp", "GIF": "gif", "JPEG": "jpeg"}[fmt]
    return f"data:image/{mime};base64," + base64.b64encode(buffer.getvalue()).decode()


def raw_post(base_url: str, path: str, content: bytes | None = None, *, body: Any = None,
             headers: dict[str, str] | None = None, auth: bool = True) -> httpx2.Response:
    """A plain HTTP POST to the simulator, bypassing the SDK."""
    sent = {"Content-Type": "application/json", **(headers or {})}
    if auth:
        sent["Authorization"] = f"Bearer {KEY}"
    if body is not None:
        content = json.dumps(body).encode()
    with httpx2.Client(trust_env=False, timeout=10) as http:
        return http.post(base_url + path, content=content or b"", headers=sent)


def error_of(response: httpx2.Response) -> dict:
    """The inner ``error`` object of a raw error answer (checked for the standard keys)."""
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    return error
