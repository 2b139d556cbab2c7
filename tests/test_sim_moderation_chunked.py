"""Issue 15, part 2: ``POST /v1/moderations`` offline, and request bodies sent chunked.

Both through the real SDK (strict clients, loopback only) and through raw sockets where the
framing itself is the point. The moderation rule under test is documented in
``helpers/offline/behaviour/moderation.py``; the chunked decoder in ``wire/request_body.py``.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx2
import openai
import pytest

from helpers.offline import Simulator
from helpers.offline.behaviour import moderation
from test_sim_openapi import request as raw_request
from test_sim_openapi import validate
from test_sim_support import KEY, MODEL, chat, client, error_of, expect_error, make_client, png_data_url, raw_post, user

__all__ = ["client"]  # the fixture, re-exported for pytest


# --- POST /v1/moderations -----------------------------------------------------------------

#: The category names as the SDK's types spell them on the wire (the aliases: "self-harm/intent"...).
SDK_CATEGORIES = {field.alias or name for name, field in openai.types.moderation.Categories.model_fields.items()}
HARMLESS = ("Hello, how are you? Can you help me plan a picnic?", "今天天气很好，我用杀毒软件扫描了电脑，还学会了一个新技能。")


def flagged_names(result) -> set[str]:
    return {name for name, on in result.categories.model_dump(by_alias=True).items() if on}


def test_the_rules_categories_are_the_sdks():
    assert set(moderation.CATEGORIES) == SDK_CATEGORIES and len(SDK_CATEGORIES) == 13
    assert {"self-harm/intent", "harassment/threatening", "illicit/violent"} <= SDK_CATEGORIES


@pytest.mark.parametrize(("text", "expected"), [
    ("I want to kill them.", {"violence"}),
    ("I will kill you, you idiot", {"violence", "harassment", "harassment/threatening"}),
    ("I want to end my life", {"self-harm", "self-harm/intent"}),
    ("How do I make a bomb at home?", {"illicit", "illicit/violent"}),
    ("我要杀了你", {"violence", "harassment", "harassment/threatening"}),
    ("我想自杀了", {"self-harm", "self-harm/intent"}),  # one cue: 自杀 is not also read as 杀了 (killed)
    ("教我怎么洗钱", {"illicit"}),
])
def test_harmful_text_is_flagged_in_its_categories(client, text, expected):
    answer = client.moderations.with_raw_response.create(input=text)
    reply = answer.parse()
    assert reply.id.startswith("modr-") and reply.model == "omni-moderation-latest"
    assert answer.headers["x-kit-source"] == "simulated" and answer.headers["x-request-id"].startswith("req_")
    (result,) = reply.results
    assert result.flagged and flagged_names(result) == expected
    scores = result.category_scores.model_dump(by_alias=True)
    assert set(scores) == SDK_CATEGORIES and all(0 <= v <= 1 for v in scores.values())
    assert all(scores[name] >= moderation.THRESHOLD for name in expected)
    assert all(scores[name] < 0.001 for name in SDK_CATEGORIES - expected)


@pytest.mark.parametrize("text", [*HARMLESS, "", "skill, skillet and killjoy"])
def test_ordinary_text_is_not_flagged_and_scores_near_zero(client, text):
    (result,) = client.moderations.create(input=text, model="omni-moderation-latest").results
    assert not result.flagged and not flagged_names(result)
    assert all(0 < v < 0.001 for v in result.category_scores.model_dump(by_alias=True).values())
    types = result.category_applied_input_types.model_dump(by_alias=True)
    assert set(types) == SDK_CATEGORIES and all(v == ["text"] for v in types.values())


def test_an_array_of_strings_gets_one_result_each_in_order(client, simulator):
    texts = ["I want to kill them.", HARMLESS[0], "我想自杀", HARMLESS[1]]
    reply = client.moderations.create(input=texts)
    assert [r.flagged for r in reply.results] == [True, False, True, False]
    body = {"input": texts}
    first, second = (raw_request(simulator, "POST", "/moderations", body) for _ in range(2))
    assert first.content == second.content  # deterministic: the same request, the same bytes
    validate(first.json(), "CreateModerationResponse")


def test_multimodal_parts_get_one_result_and_image_input_types(client, simulator):
    image = png_data_url((32, 32), [(200, 30, 30)])
    parts = [{"type": "text", "text": "I want to kill them."}, {"type": "image_url", "image_url": {"url": image}}]
    (result,) = client.moderations.create(input=parts).results
    assert result.flagged and flagged_names(result) == {"violence"}
    types = result.category_applied_input_types.model_dump(by_alias=True)
    assert types["violence"] == ["text", "image"] and types["harassment"] == ["text"]
    only_image = [{"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]
    (result,) = client.moderations.create(input=only_image).results
    types = result.category_applied_input_types.model_dump(by_alias=True)
    assert not result.flagged and types["sexual"] == ["image"] and types["hate"] == []
    validate(raw_request(simulator, "POST", "/moderations", {"input": parts}).json(), "CreateModerationResponse")


def test_models_and_the_names_replies_give(client, simulator):
    assert client.moderations.create(input="hi", model="omni-moderation-2024-09-26").model == "omni-moderation-2024-09-26"
    for legacy in ("text-moderation-latest", "text-moderation-stable"):
        reply = raw_post(simulator.base_url, "/moderations", body={"input": "You idiot", "model": legacy}).json()
        assert reply["model"] == "text-moderation-007"
        (result,) = reply["results"]
        assert set(result) == {"flagged", "categories", "category_scores"}  # the legacy shape
        assert set(result["categories"]) == SDK_CATEGORIES - {"illicit", "illicit/violent"}
        assert result["flagged"] and result["categories"]["harassment"]
    # The SDK's strict validation wants the newer shape; a default (lenient) client reads the legacy one.
    with openai.OpenAI(base_url=simulator.base_url, api_key=KEY, max_retries=0) as loose:
        assert loose.moderations.create(input="hi", model="text-moderation-latest").results[0].categories.illicit is None


IMAGE_PART = {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}


@pytest.mark.parametrize(("params", "status", "param", "code", "says"), [
    ({}, 400, "input", "missing_required_parameter", "Missing required parameter: 'input'"),
    ({"input": 5}, 400, "input", "invalid_type", "expected a string, an array of strings or an array of objects"),
    ({"input": []}, 400, "input", "empty_array", "empty array"),
    ({"input": ["a", 1]}, 400, "input[1]", "invalid_type", "got an integer instead"),
    ({"input": [IMAGE_PART, "a"]}, 400, "input[1]", "invalid_type", "expected an object"),
    ({"input": [{"type": "video"}]}, 400, "input[0].type", "invalid_value", "Supported values are: 'text' and 'image_url'"),
    ({"input": [{"text": "hi"}]}, 400, "input[0].type", "missing_required_parameter", "'input[0].type'"),
    ({"input": [{"type": "text", "text": 3}]}, 400, "input[0].text", "invalid_type", "expected a string"),
    ({"input": [{"type": "text", "text": "hi", "lang": "en"}]}, 400, "input[0].lang", "unknown_parameter", "Unknown parameter"),
    ({"input": [{"type": "image_url", "image_url": {"url": "u", "detail": "low"}}]}, 400, "input[0].image_url.detail",
     "unknown_parameter", "Unknown parameter"),
    ({"input": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,@@@"}}]}, 400, "input[0].image_url.url",
     "invalid_base64", "could not be decoded"),
    ({"input": [IMAGE_PART], "model": "text-moderation-latest"}, 400, "input[0].type", "invalid_value", "classifies text only"),
    ({"input": "hi", "model": 7}, 400, "model", "invalid_type", "Invalid type for 'model'"),
    ({"input": "hi", "model": "gpt-5.4-mini"}, 404, None, "model_not_found", "does not exist"),
    ({"input": "hi", "threshold": 0.2}, 400, "threshold", "unknown_parameter", "Unrecognized request argument supplied: threshold"),
])
def test_bad_requests_are_refused_like_the_api(client, params, status, param, code, says):
    err = expect_error(openai.APIStatusError, client.post, "/moderations", body=params, cast_to=object, status=status, code=code)
    assert err.param == param and says in err.message


# --- chunked request bodies ----------------------------------------------------------------

class ChunkingTransport(httpx2.HTTPTransport):
    """Sends every request body the SDK builds as ``Transfer-Encoding: chunked`` pieces."""

    def __init__(self, piece: int = 7) -> None:
        super().__init__()
        self.piece = piece
        self.sent_chunked = 0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        if not body:
            return super().handle_request(request)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}

        def pieces() -> Iterator[bytes]:
            for start in range(0, len(body), self.piece):
                yield body[start:start + self.piece]

        chunked = httpx2.Request(request.method, request.url, headers=headers, content=pieces(), extensions=request.extensions)
        assert chunked.headers.get("transfer-encoding") == "chunked"
        self.sent_chunked += 1
        return super().handle_request(chunked)


def chunking_client(base_url: str, piece: int = 7) -> tuple[openai.OpenAI, ChunkingTransport]:
    transport = ChunkingTransport(piece)
    return make_client(base_url, http_client=httpx2.Client(transport=transport, trust_env=False)), transport


def raw_exchange(sim: Simulator, raw: bytes) -> tuple[int, dict, bytes]:
    """Send ``raw`` bytes on a fresh connection; the first answer's status, JSON body and the rest."""
    with socket.create_connection((sim.host, sim.port), timeout=10) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while data := sock.recv(65536):
            received += data
    head, _, rest = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = int(next(line.split(b":", 1)[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")))
    return status, json.loads(rest[:length]), rest[length:]


def chunked_request(body: bytes, piece: int = 10, path: str = "/v1/chat/completions", trailer: bytes = b"") -> bytes:
    framed = b"".join(b"%x;note=x\r\n" % len(body[i:i + piece]) + body[i:i + piece] + b"\r\n" for i in range(0, len(body), piece))
    return (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {KEY}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode() + framed + b"0\r\n" + trailer + b"\r\n"


CHAT_BODY = json.dumps({"model": MODEL, "messages": user("Hello, chunks!")}).encode()


def test_sdk_requests_sent_chunked_are_answered(client, simulator):
    sdk, transport = chunking_client(simulator.base_url)
    with sdk:
        # temperature 0: the second, identical request is not the next sample
        reply = chat(sdk, "Hello, chunks! 你好", temperature=0)
        assert reply.choices[0].message.content
        plain = chat(client, "Hello, chunks! 你好", temperature=0)
        assert reply.choices[0].message.content == plain.choices[0].message.content  # the same body, however framed
        assert sdk.moderations.create(input="I will kill you").results[0].flagged
        assert not sdk.moderations.create(input=["你好", "Hello"]).results[1].flagged
    assert transport.sent_chunked == 3


def test_chunked_body_on_a_raw_socket_with_extensions_and_trailers(simulator):
    status, body, _ = raw_exchange(simulator, chunked_request(CHAT_BODY, trailer=b"X-Checksum: abc\r\n"))
    assert status == 200 and body["object"] == "chat.completion"


def test_connection_stays_usable_after_a_chunked_body(simulator):
    status, _, rest = raw_exchange(simulator, chunked_request(CHAT_BODY) * 2)
    assert status == 200 and rest.startswith(b"HTTP/1.1 200 OK")  # the second request was read from the same stream


def test_chunked_body_over_the_limit_is_the_same_413():
    with Simulator(max_body=1000) as small:
        big = json.dumps({"model": MODEL, "messages": user("x" * 5000)}).encode()
        status, body, _ = raw_exchange(small, chunked_request(big, piece=300))
        assert status == 413 and "at most 1000 bytes" in body["error"]["message"]
        sdk, transport = chunking_client(small.base_url, piece=512)
        with sdk:
            err = expect_error(openai.APIStatusError, chat, sdk, user("x" * 5000), status=413, code=None)
            assert "at most 1000 bytes" in err.message
            assert chat(sdk, "Hi").choices[0].message.content  # a small chunked request still works
        assert transport.sent_chunked == 2


@pytest.mark.parametrize(("framing", "says"), [
    (b"zz\r\n{}\r\n0\r\n\r\n", "the chunk size 'zz' is not a hexadecimal number"),
    (b"-2\r\n{}\r\n0\r\n\r\n", "is not a hexadecimal number"),
    (b"\r\n", "is not a hexadecimal number"),
    (b"2\r\n{}}\r\n0\r\n\r\n", "not followed by CRLF"),
    (b"9\r\n{}", "announced 9 bytes but the body ended after 2"),
    (b"2\r\n{}\r\n", "the body ended before the last chunk"),
    (b"1" * 5000 + b"\r\n", "longer than 4096 bytes"),
])
def test_malformed_chunk_framing_is_400(simulator, framing, says):
    head = (f"POST /v1/moderations HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {KEY}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n").encode()
    status, body, _ = raw_exchange(simulator, head + framing)
    assert status == 400, body
    message = body["error"]["message"]
    assert message.startswith("Malformed chunked request body: ") and says in message


def test_content_length_with_chunked_and_unknown_codings_are_refused(simulator):
    both = chunked_request(CHAT_BODY).replace(b"Transfer-Encoding", b"Content-Length: 5\r\nTransfer-Encoding", 1)
    status, body, _ = raw_exchange(simulator, both)
    assert status == 400 and "both Content-Length and Transfer-Encoding" in body["error"]["message"]
    gzip = chunked_request(CHAT_BODY).replace(b"Transfer-Encoding: chunked", b"Transfer-Encoding: gzip, chunked")
    status, body, _ = raw_exchange(simulator, gzip)
    assert status == 501 and "Unsupported Transfer-Encoding 'gzip, chunked'" in body["error"]["message"]


def test_chunked_errors_carry_the_usual_headers(simulator):
    with httpx2.Client(trust_env=False, timeout=10) as http:
        answer = http.post(simulator.base_url + "/chat/completions", content=iter([b"{not json"]),
                           headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    assert answer.status_code == 400 and "could not parse the JSON body" in error_of(answer)["message"]
    assert answer.headers["x-request-id"].startswith("req_") and answer.headers["x-kit-source"] == "simulated"
