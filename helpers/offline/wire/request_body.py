"""Reading a request body as JSON, in one place, with the API's 400 for what is not JSON text.

Every endpoint's body goes through :func:`parse`. It refuses, with a 400 in the real error
shape (never a 500 later on): bytes that are not UTF-8, text that is not JSON or not a JSON
object, the non-standard constants ``NaN``, ``Infinity`` and ``-Infinity`` (Python reads them,
JSON has no such numbers and the API refuses them as invalid JSON) and numbers too large for a
double (``1e999`` would become one of them), JSON that decodes to text that is not Unicode (a lone UTF-16 surrogate escape
such as ``"\\ud800"``, which Python's decoder accepts but no UTF-8 encoder can write back), and
JSON nested deeper than :data:`MAX_DEPTH` levels (deeper than any real request; near the
interpreter's recursion limit, decoding or answering it would fail with a RecursionError).

Before that, :func:`read` takes the body's bytes off the socket: a ``Content-Length`` body, or a
``Transfer-Encoding: chunked`` one (what an HTTP client sends for a body it streams from a
generator; the live API accepts both), each under the same size limit.
"""

from __future__ import annotations

import json
import math
import re
from email.message import Message
from typing import Any, BinaryIO

from . import errors

# A \uD800-\uDFFF escape: the only way a JSON text can carry a surrogate. Cheap pre-filter
# (a body without one needs no further check); a proper pair of them is valid.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")
# A surrogate code point left in a decoded string (the decoder joins a proper pair into one).
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Arrays and objects inside each other, at most (a JSON Schema nested 10 levels uses about 25).
MAX_DEPTH = 256
#: The longest chunk-size line or trailer line read (the size in hex plus any extensions).
MAX_CHUNK_LINE = 4096
#: At most this many trailer lines after the last chunk (they are read and ignored).
MAX_TRAILERS = 100
_HEX = frozenset("0123456789abcdefABCDEF")


def read(headers: Message, rfile: BinaryIO, limit: int) -> bytes:
    """The request body's bytes, or a ``SimError``: 400 for bad framing, 413 over ``limit``.

    After any error the caller must close the connection: the rest of the body is unread.
    """
    coding = headers.get("Transfer-Encoding")
    length_text = headers.get("Content-Length")
    if coding is not None:
        if length_text is not None:  # RFC 9112 section 6.3: a request smuggling shape; refuse it
            raise errors.SimError(400, "The request has both Content-Length and Transfer-Encoding headers; send only one of them.")
        if coding.strip().lower() != "chunked":
            raise errors.SimError(501, f"Unsupported Transfer-Encoding '{coding}': send the body with Content-Length or as 'chunked'.")
        return read_chunked(rfile, limit)
    try:
        length = int(length_text or 0)
    except ValueError:
        raise errors.SimError(400, "Invalid Content-Length header.") from None
    if length < 0:
        raise errors.SimError(400, "Invalid Content-Length header.")
    if length > limit:
        raise errors.too_large(limit)  # refused before reading a huge body nobody will use
    return rfile.read(length) if length else b""


def read_chunked(rfile: BinaryIO, limit: int) -> bytes:
    """Decode a chunked body (RFC 9112 section 7.1): chunk extensions and trailers are ignored.

    The running total is checked before each chunk is read, so an oversized body is refused
    with the same 413 as an oversized ``Content-Length`` without reading past the limit.
    """
    body = bytearray()
    while True:
        line = _chunk_line(rfile, "chunk size")
        size_text = line.split(b";", 1)[0].strip().decode("latin-1")
        if not size_text or not set(size_text) <= _HEX:
            raise _bad_chunks(f"the chunk size {size_text!r} is not a hexadecimal number")
        size = int(size_text, 16)
        if size == 0:
            break
        if len(body) + size > limit:
            raise errors.too_large(limit)
        data = rfile.read(size)
        if len(data) < size:
            raise _bad_chunks(f"a chunk announced {size} bytes but the body ended after {len(data)}")
        body += data
        if rfile.read(2) != b"\r\n":
            raise _bad_chunks(f"a chunk of {size} bytes is not followed by CRLF (its data is longer than its size says)")
    for _ in range(MAX_TRAILERS):
        if not _chunk_line(rfile, "trailer").strip():
            return bytes(body)
    raise _bad_chunks(f"more than {MAX_TRAILERS} trailer lines after the last chunk")


def _chunk_line(rfile: BinaryIO, what: str) -> bytes:
    line = rfile.readline(MAX_CHUNK_LINE + 1)
    if not line.endswith(b"\n"):
        if len(line) > MAX_CHUNK_LINE:
            raise _bad_chunks(f"a {what} line is longer than {MAX_CHUNK_LINE} bytes")
        raise _bad_chunks("the body ended before the last chunk (size 0) and its closing empty line")
    return line.rstrip(b"\r\n")


def _bad_chunks(detail: str) -> errors.SimError:
    return errors.SimError(400, f"Malformed chunked request body: {detail}. Send a valid chunked body, or the body with Content-Length.")


def parse(raw: bytes) -> dict[str, Any]:
    """The body as a dict, or a ``SimError`` (400) saying why it cannot be one."""
    try:
        text = raw.decode("utf-8")
        if text.startswith("\ufeff"):  # what json.loads() checks before it decodes
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        body = _DECODER.decode(text)
    except (UnicodeDecodeError, json.JSONDecodeError, _NotJson):
        raise errors.bad_json() from None
    except RecursionError:
        raise too_deep() from None
    if not isinstance(body, dict):
        raise errors.bad_json()
    # Fewer brackets than the limit cannot nest deeper than it: most bodies skip the walk.
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and _depth(body) > MAX_DEPTH:
        raise too_deep()
    if _SURROGATE_ESCAPE.search(raw) and not _is_unicode(body):
        raise invalid_unicode()
    return body


class _NotJson(ValueError):
    """A token Python's decoder accepts but JSON does not have."""


def _refuse_constant(name: str) -> Any:
    raise _NotJson(name)


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NotJson(text)
    return value


#: json.loads(text, parse_constant=..., parse_float=...) builds a new decoder on every call; this
#: is the same decoder, built once (stateless between calls: json.loads shares one the same way).
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite)


def _depth(value: Any) -> int:
    """How many arrays and objects are nested in ``value`` (iterative: no recursion limit)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _is_unicode(body: dict[str, Any]) -> bool:
    """False when a decoded string (key or value) holds a lone surrogate (it cannot be encoded as
    UTF-8). Looks at the strings themselves, skipping ASCII ones, instead of re-encoding the body."""
    stack: list[Any] = [body]
    while stack:
        item = stack.pop()
        if type(item) is str:
            if not item.isascii() and _SURROGATE.search(item):
                return False
        elif type(item) is dict:
            stack.extend(item)
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return True


def invalid_unicode() -> errors.SimError:
    return errors.SimError(
        400,
        "We could not parse the JSON body of your request: it contains invalid Unicode (a lone UTF-16 "
        "surrogate escape such as \\ud800 without its pair). Send the text as valid UTF-8.",
    )


def too_deep() -> errors.SimError:
    return errors.SimError(
        400,
        f"We could not parse the JSON body of your request: it is nested more than {MAX_DEPTH} levels deep "
        "(arrays or objects inside each other). Send a flatter body.",
    )
