"""The simulator's own request-head reading (wire/request_head.py) agrees with the standard library.

Its header parser must give the same ``HTTPMessage`` as ``http.client.parse_headers`` (the
same headers, payload, defects and errors) on plain blocks and on odd ones, and its
``parse_request`` the same outcome as ``BaseHTTPRequestHandler.parse_request``.
"""

from __future__ import annotations

import http.client
import io
import random
from http.server import BaseHTTPRequestHandler

import pytest

from helpers.offline.wire import request_head

SDK_HEAD = (
    b"Host: 127.0.0.1:45089\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n"
    b"authorization: Bearer sk-test\r\naccept: application/json\r\ncontent-type: application/json\r\n"
    b"user-agent: OpenAI/Python 3.63.0\r\nx-stainless-retry-count: 0\r\nContent-Length: 98\r\n\r\n"
)
BLOCKS = [
    SDK_HEAD,
    b"\r\n",
    b"\n",
    b"",
    b"A: 1\nB:  2 \t\n\n",
    b"A:1\r\nA: 2\r\n\r\n",
    b"Authorization: Bearer\r\n sk-folded\r\n\r\n",  # continuation line
    b" leading: continuation\r\n\r\n",
    b"NoColon\r\nA: 1\r\n\r\n",
    b": no name\r\nA: 1\r\n\r\n",
    b"From someone\r\nA: 1\r\n\r\n",
    b"A: 1\r\nFrom x\r\nB: 2\r\n\r\n",
    b"Bad Name: 1\r\n\r\n",
    b"A: b\rc\r\n\r\n",  # a bare CR inside a value
    b"A: caf\xe9 \x85 \x0b \x1c end\r\n\r\n",
    b"Content-Type: multipart/form-data; boundary=x\r\n\r\n",
    b"content-type:  MESSAGE/rfc822\r\n\r\n",
    b"Content-Type: message/delivery-status\r\n\r\n",
    b"Content-Type: text/plain\r\nContent-Type: multipart/mixed\r\n\r\n",
    b"A: 1\r\nB: no end of line",
    b"X-Long: " + b"v" * 70000 + b"\r\n\r\n",
    b"".join(b"X-%d: 1\r\n" % i for i in range(120)) + b"\r\n",
]


def _view(message: http.client.HTTPMessage) -> tuple:
    payload = message.get_payload()
    return (message.items(), message.get_unixfrom(), [type(d) for d in message.defects],
            payload if isinstance(payload, str) else [type(p) for p in payload], message.preamble, message.epilogue)


def _parsed(parse, block: bytes) -> object:
    try:
        return _view(parse(io.BytesIO(block)))
    except (http.client.HTTPException) as exc:
        return type(exc), str(exc)


def _random_block(rng: random.Random) -> bytes:
    names = ["A", "content-type", "Content-Type", "From ", "x-y", "", "Bad Name", " cont", "\tcont", "é"]
    separators = [":", ": ", ":\t ", "", " :"]
    values = ["v", "multipart/x; b=1", "message/rfc822", "a\rb", "\x85", "é", "\x0b", "application/json", " "]
    ends = ["\r\n", "\n", "\r", "", "\r\r\n"]
    lines = [rng.choice(names) + rng.choice(separators) + rng.choice(values) + rng.choice(ends) for _ in range(rng.randint(0, 6))]
    return ("".join(lines) + rng.choice(["\r\n", "\n", ""])).encode("iso-8859-1")


@pytest.mark.parametrize("block", BLOCKS)
def test_headers_as_the_standard_library_reads_them(block):
    assert _parsed(request_head.parse_headers, block) == _parsed(http.client.parse_headers, block)


def test_random_header_blocks_as_the_standard_library_reads_them():
    rng = random.Random(15)
    for _ in range(2000):
        block = _random_block(rng)
        assert _parsed(request_head.parse_headers, block) == _parsed(http.client.parse_headers, block), block


class _Ours(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def __init__(self, data: bytes) -> None:  # no socket: the head comes from memory
        self.rfile, self.wfile = io.BytesIO(data), io.BytesIO()
        self.raw_requestline = self.rfile.readline(65537)
        self.client_address = ("127.0.0.1", 1)

    def parse_request(self) -> bool:
        return request_head.parse_request(self)

    def date_time_string(self, timestamp: float | None = None) -> str:
        return "DATE"

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Stdlib(_Ours):
    def parse_request(self) -> bool:
        return BaseHTTPRequestHandler.parse_request(self)


def _outcome(handler_class: type, data: bytes) -> tuple:
    handler = handler_class(data)
    ok = handler.parse_request()
    headers = _view(handler.headers) if getattr(handler, "headers", None) is not None else None
    return (ok, handler.command, getattr(handler, "path", None), handler.request_version, handler.close_connection,
            headers, handler.wfile.getvalue(), handler.rfile.read())


@pytest.mark.parametrize("line", [
    b"POST /v1/chat/completions HTTP/1.1\r\n", b"GET //evil.example/x HTTP/1.1\r\n", b"GET /v1/models HTTP/1.0\r\n",
    b"GET /v1/models\r\n", b"POST /v1/models\r\n", b"GET / HTTP/2.0\r\n", b"GET / HTTP/1.x\r\n", b"GET / FTP/1.1\r\n",
    b"GET / HTTP/1.1.1\r\n", b"GET / HTTP/01.1\r\n", b"A B C D\r\n", b"GET\r\n", b"\r\n", b"\x00\x01garbage\r\n",
])
@pytest.mark.parametrize("block", [SDK_HEAD, b"Connection: close\r\n\r\n", b"Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
                                   b"Connection: keep-alive\r\n folded\r\n\r\n", BLOCKS[-1], BLOCKS[-2]])
def test_parse_request_as_the_standard_library(line, block):
    assert _outcome(_Ours, line + block) == _outcome(_Stdlib, line + block)
