"""An answer's head (status line and headers) as bytes, so that head and body go out in one write.

The standard library's ``send_response`` / ``send_header`` / ``end_headers`` write the head as
soon as it ends, and the body follows in a second ``sendall``. Each ``sendall`` releases the GIL
and wakes the client, which (in a notebook kernel or the benchmark, the same process) takes the
GIL before the server can send the rest: two hand-overs per answer where one is enough.
:func:`head` builds the same bytes as those three methods, so the caller can send head and
body together (and it skips their per-header list appends and encodes).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler

#: (second, its HTTP date): the ``Date`` header has one-second precision, so it is formatted
#: once per second rather than once per answer. One tuple, replaced whole: safe across threads.
_date: tuple[int, str] = (-1, "")


def http_date() -> str:
    """``BaseHTTPRequestHandler.date_time_string()``: now, as an HTTP date (whole seconds)."""
    global _date
    second = int(time.time())  # formatdate() drops the fraction too: the same text
    cached = _date
    if cached[0] != second:
        cached = _date = (second, email.utils.formatdate(second, usegmt=True))
    return cached[1]


def head(handler: BaseHTTPRequestHandler, status: int, *header_maps: Mapping[str, str]) -> bytes:
    """What ``send_response(status)``, ``send_header(name, value)`` for every pair of every map
    (in order) and ``end_headers()`` would write, logged and with the same effect of a
    ``Connection`` header on ``close_connection``. An HTTP/0.9 request gets no head: ``b""``."""
    handler.log_request(status)
    lines = []
    for headers in header_maps:
        for name, value in headers.items():
            lines.append("%s: %s\r\n" % (name, value))
            if name.lower() == "connection":
                if value.lower() == "close":
                    handler.close_connection = True
                elif value.lower() == "keep-alive":
                    handler.close_connection = False
    if handler.request_version == "HTTP/0.9":
        return b""
    reason = handler.responses[status][0] if status in handler.responses else ""
    first = "%s %d %s\r\nServer: %s\r\nDate: %s\r\n" % (handler.protocol_version, status, reason, handler.version_string(), http_date())
    return (first + "".join(lines) + "\r\n").encode("latin-1", "strict")
