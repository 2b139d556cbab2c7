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
from test_sim_support import KEY, MODEL, chat, client, error_of, expect_error, make_client, user

__all__ = ["client"]  # the fixture, re-exported for pytest


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
        reply = chat(sdk, "Hello, chunks! 你好")
        assert reply.choices[0].message.content
        plain = chat(client, "Hello, chunks! 你好")
        assert reply.choices[0].message.content == plain.choices[0].message.content  # the same body, however framed
    assert transport.sent_chunked == 1


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
