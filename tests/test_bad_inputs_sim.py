"""Bad input at the simulator's HTTP surface, through raw httpx2 and the real SDK.

Every malformed body, parameter, image, schema or fault header must get the right 4xx
with an OpenAI-style error body (``{"error": {message, type, param, code}}``), never a
500, and the server must keep answering.
"""

from __future__ import annotations

import base64
import io
import json
import struct
import zlib

import openai
import pytest

from test_bad_inputs_support import ACTIONS
from test_sim_support import MODEL, client, error_of, raw_post

__all__ = ["client"]  # the fixture, re-exported for pytest


def _img(fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (6, 6), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


GOOD = _b64(_img("PNG"))
IMAGES = [
    ("truncated base64", "data:image/png;base64," + GOOD[:-3], "invalid_base64"),
    ("not base64", "data:image/png;base64,@@not*base64@@", "invalid_base64"),
    ("wrong MIME", "data:text/plain;base64," + GOOD, "invalid_image_format"),
    ("no MIME", "data:;base64," + GOOD, "invalid_image_format"),
    ("not base64-flagged", "data:image/png," + GOOD, "invalid_image_format"),
    ("SVG", "data:image/svg+xml;base64," + _b64(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "invalid_image_format"),
    ("BMP", "data:image/bmp;base64," + _b64(_img("BMP")), "invalid_image_format"),
    ("TIFF", "data:image/tiff;base64," + _b64(_img("TIFF")), "invalid_image_format"),
    ("ICO", "data:image/x-icon;base64," + _b64(_img("ICO")), "invalid_image_format"),
    ("0 bytes", "data:image/png;base64,", "invalid_image_format"),
    ("decompression bomb header", "data:image/png;base64," + _b64(_png_header(100_000, 100_000)), "invalid_image_format"),
    ("huge dimensions", "data:image/png;base64," + _b64(_png_header(9_000, 9_000)), "invalid_image_format"),
    ("text as image", "data:image/png;base64," + _b64(b"hello, I am not a picture"), "invalid_image_format"),
    ("file URL", "file:///etc/passwd", "invalid_image_url"),
    ("local path", "../images/sunset.png", "invalid_image_url"),
    ("ftp URL", "ftp://example.com/a.png", "invalid_image_url"),
    ("empty", "", "invalid_image_url"),
    ("number", 42, "invalid_image_url"),
    ("null", None, "invalid_image_url"),
    ("list", [GOOD], "invalid_image_url"),
]


def check_error(response, status: int = 400, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.text[:300])
    error = error_of(response)
    assert error["message"] and "Traceback" not in error["message"] and "internal error" not in error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


@pytest.mark.parametrize("url, code", [r[1:] for r in IMAGES], ids=[r[0] for r in IMAGES])
@pytest.mark.parametrize("api", ["chat", "responses"])
def test_bad_images(simulator, api, url, code):
    if api == "chat":
        body = {"model": MODEL, "messages": [{"role": "user", "content": [
            {"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": url}}]}]}
        path = "/chat/completions"
    else:
        body = {"model": MODEL, "input": [{"role": "user", "content": [
            {"type": "input_text", "text": "What is this?"}, {"type": "input_image", "image_url": url, "detail": "auto"}]}]}
        path = "/responses"
    error = check_error(raw_post(simulator.base_url, path, body=body), code=code)
    assert error["param"] in ("messages", "input")


def _schema_body(api: str, schema: object) -> tuple[str, dict]:
    if api == "chat":
        return "/chat/completions", {"model": MODEL, "messages": [{"role": "user", "content": "Give me JSON."}],
                                     "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}}
    return "/responses", {"model": MODEL, "input": "Give me JSON.",
                          "text": {"format": {"type": "json_schema", "name": "x", "schema": schema}}}


SCHEMAS = [
    ("not an object", [1, 2]),
    ("a string", "object"),
    ("true", True),
    ("unknown type", {"type": "banana"}),
    ("$ref to nowhere", {"type": "object", "properties": {"a": {"$ref": "#/$defs/Nope"}}}),
    ("$ref loop", {"$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}}, "$ref": "#/$defs/A"}),
    ("required self-reference", {"$defs": {"N": {"type": "object", "properties": {"n": {"$ref": "#/$defs/N"}}}}, "$ref": "#/$defs/N"}),
    ("remote $ref", {"$ref": "https://example.com/schema.json"}),
    ("$ref to a non-schema", {"$defs": {"A": "text"}, "type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}}),
    ("empty enum", {"type": "object", "properties": {"a": {"enum": []}}}),
    ("enum not a list", {"type": "object", "properties": {"a": {"enum": "abc"}}}),
    ("properties as a list", {"type": "object", "properties": ["a", "b"]}),
    ("items not a schema", {"type": "array", "items": 5}),
    ("anyOf not a list", {"anyOf": 5}),
    ("minItems a billion", {"type": "array", "items": {"type": "string"}, "minItems": 10**9}),
    ("minLength a billion", {"type": "string", "minLength": 10**9}),
    ("minItems a word", {"type": "array", "items": {"type": "string"}, "minItems": "two"}),
    ("multipleOf zero", {"type": "number", "multipleOf": 0}),
    ("nested 50 deep", json.loads('{"type":"object","properties":{"a":' * 50 + '{"type":"string"}' + "}}" * 50)),
]


@pytest.mark.parametrize("schema", [r[1] for r in SCHEMAS], ids=[r[0] for r in SCHEMAS])
@pytest.mark.parametrize("api", ["chat", "responses"])
def test_bad_json_schemas(simulator, api, schema):
    path, body = _schema_body(api, schema)
    error = check_error(raw_post(simulator.base_url, path, body=body))
    assert error["param"] in ("response_format", "text.format"), error


BODIES = [
    ("not JSON", b"model=gpt&messages=hi"),
    ("truncated JSON", b'{"model": "gpt-5.4-mini", "messages": [{"role": "us'),
    ("a JSON array", b"[]"),
    ("a JSON string", b'"hello"'),
    ("null", b"null"),
    ("empty body", b""),
    ("not UTF-8", b'{"model": "\xff\xfe"}'),
    ("NaN literal", b'{"model": "gpt-5.4-mini", "messages": [], "temperature": NaN}'),
]


@pytest.mark.parametrize("payload", [r[1] for r in BODIES], ids=[r[0] for r in BODIES])
@pytest.mark.parametrize("path", ["/chat/completions", "/responses", "/responses/input_tokens"])
def test_malformed_bodies(simulator, path, payload):
    check_error(raw_post(simulator.base_url, path, payload))


CHAT_PARAMS = [
    ("no model", {"model": None}, "model"),
    ("model a number", {"model": 5}, "model"),
    ("no messages", {"messages": None}, "messages"),
    ("messages a string", {"messages": "hi"}, "messages"),
    ("messages empty", {"messages": []}, "messages"),
    ("message a string", {"messages": ["hi"]}, "messages[0]"),
    ("unknown role", {"messages": [{"role": "robot", "content": "hi"}]}, "messages[0].role"),
    ("content a number", {"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
    ("unknown part type", {"messages": [{"role": "user", "content": [{"type": "audio", "x": 1}]}]}, "messages[0].content[0].type"),
    ("text part without text", {"messages": [{"role": "user", "content": [{"type": "text"}]}]}, "messages[0].content[0].text"),
    ("temperature 5", {"temperature": 5}, "temperature"),
    ("temperature a word", {"temperature": "hot"}, "temperature"),
    ("negative max tokens", {"max_completion_tokens": -1}, "max_completion_tokens"),
    ("max tokens a float", {"max_completion_tokens": 10.5}, "max_completion_tokens"),
    ("n zero", {"n": 0}, "n"),
    ("n huge", {"n": 10**6}, "n"),
    ("stop five items", {"stop": ["a", "b", "c", "d", "e"]}, "stop"),
    ("stop a number", {"stop": 5}, "stop"),
    ("seed a word", {"seed": "abc"}, "seed"),
    ("response_format a word", {"response_format": "json"}, "response_format"),
    ("unknown response_format", {"response_format": {"type": "yaml"}}, "response_format"),
    ("schema without name", {"response_format": {"type": "json_schema", "json_schema": {"schema": {}}}}, "response_format.json_schema.name"),
    ("json mode without the word", {"response_format": {"type": "json_object"}}, "messages"),
    ("misspelt parameter", {"temprature": 0.5}, "temprature"),
    ("top_p above 1", {"top_p": 1.5}, "top_p"),
]


@pytest.mark.parametrize("change, param", [r[1:] for r in CHAT_PARAMS], ids=[r[0] for r in CHAT_PARAMS])
def test_bad_chat_parameters(simulator, change, param):
    body = {"model": MODEL, "messages": [{"role": "user", "content": "hi"}], **change}
    body = {k: v for k, v in body.items() if v is not None}
    error = check_error(raw_post(simulator.base_url, "/chat/completions", body=body))
    assert error["param"] == param, error


MODELS = [("retired", "gpt-3.5-turbo"), ("retired vision", "gpt-4-vision-preview"), ("misspelt", "gpt-5.4-mni"),
          ("with spaces", "gpt 5.4 mini"), ("empty", ""), ("upper case", "GPT-5.4-MINI")]


@pytest.mark.parametrize("model", [r[1] for r in MODELS], ids=[r[0] for r in MODELS])
@pytest.mark.parametrize("path", ["/chat/completions", "/responses"])
def test_wrong_model_names_are_404(simulator, path, model):
    body = ({"model": model, "messages": [{"role": "user", "content": "hi"}]} if path == "/chat/completions"
            else {"model": model, "input": "hi"})
    check_error(raw_post(simulator.base_url, path, body=body), status=404, code="model_not_found")


FAULTS = ["teapot", "rate_limit; times=abc", "rate_limit; times=-1", "slow; seconds=9999", "rate_limit; colour=red",
          "rate_limit; times=nan", "quota; retry_after=inf", "RATE_LIMIT", ";;;", "rate_limit times=1"]


@pytest.mark.parametrize("fault", FAULTS)
def test_bad_fault_headers(simulator, fault):
    response = raw_post(simulator.base_url, "/chat/completions", headers={"x-offline-fault": fault},
                        body={"model": MODEL, "messages": [{"role": "user", "content": "hi"}]})
    error = check_error(response)
    assert error["param"] == "x-offline-fault" and any(w in error["message"].lower() for w in ACTIONS)


@pytest.mark.parametrize("value", ["abc", "-5", "nan", ""])
def test_bad_latency_headers_are_ignored(simulator, value):
    response = raw_post(simulator.base_url, "/chat/completions", headers={"x-offline-latency-ms": value},
                        body={"model": MODEL, "messages": [{"role": "user", "content": "hi"}]})
    assert response.status_code == 200


@pytest.mark.parametrize("auth", ["", "Bearer", "Basic abc", "sk-test"])
def test_bad_authorization_is_401(simulator, auth):
    response = raw_post(simulator.base_url, "/chat/completions", auth=False, headers={"Authorization": auth} if auth else {},
                        body={"model": MODEL, "messages": [{"role": "user", "content": "hi"}]})
    assert "Bearer" in check_error(response, status=401)["message"]


SDK_CALLS = [
    ("retired model", openai.NotFoundError, dict(model="gpt-3.5-turbo")),
    ("temperature 3", openai.BadRequestError, dict(temperature=3)),
    ("bad image", openai.BadRequestError, dict(messages=[{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,@@"}}]}])),
    ("bad schema", openai.BadRequestError, dict(response_format={"type": "json_schema", "json_schema": {
        "name": "x", "schema": {"type": "object", "properties": {"a": {"$ref": "#/$defs/Nope"}}}}})),
    ("empty messages", openai.BadRequestError, dict(messages=[])),
    ("unknown parameter", openai.BadRequestError, dict(extra_body={"temprature": 1})),
]


@pytest.mark.parametrize("exc, args", [r[1:] for r in SDK_CALLS], ids=[r[0] for r in SDK_CALLS])
def test_sdk_raises_the_matching_class(client, exc, args):
    call = {"model": MODEL, "messages": [{"role": "user", "content": "hi"}], **args}
    with pytest.raises(exc) as info:
        client.chat.completions.create(**call)
    assert info.value.body["message"] and info.value.request_id
    assert client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "still there?"}]).choices


LONE = b'"\\ud800"'  # a lone UTF-16 surrogate escape: valid JSON syntax, not Unicode text
SURROGATE_BODIES = [
    ("/chat/completions", b'{"model": "%s", "messages": [{"role": "user", "content": %s}]}'),
    ("/chat/completions", b'{"model": "%s", "messages": [{"role": "user", "content": "hi"}], "stop": %s}'),
    ("/responses", b'{"model": "%s", "input": %s}'),
    ("/responses/input_tokens", b'{"model": "%s", "input": %s}'),
]


@pytest.mark.parametrize("path, template", SURROGATE_BODIES)
def test_lone_surrogates_are_400_invalid_unicode(simulator, path, template):
    # Defect 3: these gave a 500 (UnicodeEncodeError, TypeError in the tokenizer).
    response = raw_post(simulator.base_url, path, template % (MODEL.encode(), LONE))
    error = check_error(response)
    assert "invalid unicode" in error["message"].lower() and "\\ud800" in error["message"]
    # A proper surrogate pair (how json.dumps writes an emoji by default) is fine.
    assert raw_post(simulator.base_url, path, template % (MODEL.encode(), b'"\\ud83d\\ude00 ok"')).status_code == 200


@pytest.mark.parametrize("depth", [300, 985, 5_000])
@pytest.mark.parametrize("path", ["/chat/completions", "/responses", "/responses/input_tokens"])
def test_deeply_nested_json_is_a_clear_400(simulator, path, depth):
    # Defect 4: 5,000 levels (30 KB) gave a 500 RecursionError; just under the decoder's own
    # limit, the reply's serialiser could still overflow. The limit is explicit now.
    nested = b"[" * depth + b'"x"' + b"]" * depth
    payload = b'{"model": "%s", "metadata": {"a": %s}, "input": "hi"}' % (MODEL.encode(), nested)
    error = check_error(raw_post(simulator.base_url, path, payload))
    assert "nested" in error["message"] and "levels" in error["message"]


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
@pytest.mark.parametrize("path", ["/chat/completions", "/responses"])
def test_non_standard_json_constants_are_invalid_json(simulator, path, constant):
    # Defect 5: temperature=NaN was accepted, and the Responses reply echoed "temperature": NaN.
    payload = b'{"model": "%s", "messages": [{"role": "user", "content": "hi"}], "input": "hi", "temperature": %s}'
    if path == "/responses":
        payload = payload.replace(b'"messages": [{"role": "user", "content": "hi"}], ', b"")
    else:
        payload = payload.replace(b'"input": "hi", ', b"")
    error = check_error(raw_post(simulator.base_url, path, payload % (MODEL.encode(), constant)))
    assert "could not parse the JSON body" in error["message"] and error["type"] == "invalid_request_error"
