"""Reading a request's head (request line and headers) with a faster header parser.

The standard library's ``BaseHTTPRequestHandler.parse_request`` reads the headers with
``http.client.parse_headers``, which runs the whole ``email`` feed parser (made for mail
messages: continuation lines, envelopes, MIME parts) over every request: about a fifth of the
simulator's time per plain chat completion. Nothing in ``parse_request`` lets a subclass swap
that parser (``MessageClass`` only picks the class the email parser fills), so
:func:`parse_request` is the standard one (identical in CPython 3.11, 3.12 and 3.13), with the
header block read by :func:`parse_headers`.

:func:`parse_headers` gives the same ``HTTPMessage`` as ``http.client.parse_headers``: the
same line and count limits and errors, and for a block of plain ``Name: value`` lines the same
calls the email parser makes (``set_raw`` of ``policy.header_source_parse``). Any other block
(a continuation line, a bare CR, a line without a colon or with an odd name, an envelope
``From`` line, a multipart or message content type) goes to the email parser itself.
tests/test_sim_request_head.py compares the two on such blocks.
"""

from __future__ import annotations

import email.parser
import http.client
import re
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any

# http.client's own limits (its _MAXLINE and _MAXHEADERS): a longer line or more header lines
# get the same errors, so parse_request answers 431 as the standard library does.
MAX_LINE = 65536
MAX_HEADERS = 100

# A header line the email parser takes as one whole header: a name of printable ASCII without
# ":" (its headerRE), a colon, a value without CR or LF (where it splits lines), the line end.
# Its value is the rest without leading spaces and tabs and without the line end (the compat32
# policy's header_source_parse): the second group. The empty third branch matches wherever
# such a line does not start, and at the end of the block: findall() then gives ("", "", "").
_LINE = re.compile(r"([\041-\071\073-\176]+):[ \t]*([^\r\n]*)\r?\n|()")
_NO_HEADER = ("", "", "")
# Content types after which the email parser goes on to parse a body (MIME parts, a message).
_BODY_TYPES = ("multipart/", "message/")


def read_header_lines(rfile: Any) -> list[bytes]:
    """The header lines up to and with the blank one (``http.client._read_headers``)."""
    lines = []
    while True:
        line = rfile.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise http.client.LineTooLong("header line")
        lines.append(line)
        if len(lines) > MAX_HEADERS:
            raise http.client.HTTPException("got more than %d headers" % MAX_HEADERS)
        if line in (b"\r\n", b"\n", b""):
            return lines


def parse_header_lines(lines: list[bytes], message_class: Any = http.client.HTTPMessage) -> Any:
    """What ``http.client``'s header parsing makes of ``lines`` (as read by :func:`read_header_lines`);
    ``message_class`` has the default (compat32) email policy, as ``HTTPMessage`` has."""
    block = b"".join(lines[:-1]).decode("iso-8859-1")  # the last line is the blank one (or b"" at the end)
    found = _LINE.findall(block)
    if found.count(_NO_HEADER) == 1:  # only the end of the block: every line is a plain header
        message = message_class()
        for name, value, _ in found[:-1]:
            message.set_raw(name, value)  # as the email parser stores each header
        content_type = message.get("Content-Type", "").partition(";")[0].strip().lower()
        if not content_type.startswith(_BODY_TYPES):
            message.set_payload("")  # the email parser leaves the (empty) body as the payload
            return message
    return email.parser.Parser(_class=message_class).parsestr(block + lines[-1].decode("iso-8859-1"))


def parse_headers(rfile: Any, message_class: Any = http.client.HTTPMessage) -> Any:
    """``http.client.parse_headers(rfile, _class=message_class)``, faster for plain header lines."""
    return parse_header_lines(read_header_lines(rfile), message_class)


def parse_request(self: BaseHTTPRequestHandler) -> bool:
    """``BaseHTTPRequestHandler.parse_request`` (CPython 3.11-3.13), reading headers with :func:`parse_headers`."""
    self.command = None  # set in case of error on the first line
    self.request_version = version = self.default_request_version
    self.close_connection = True
    requestline = str(self.raw_requestline, "iso-8859-1")
    requestline = requestline.rstrip("\r\n")
    self.requestline = requestline
    words = requestline.split()
    if len(words) == 0:
        return False

    if len(words) >= 3:  # Enough to determine protocol version
        version = words[-1]
        try:
            if not version.startswith("HTTP/"):
                raise ValueError
            base_version_number = version.split("/", 1)[1]
            version_number = base_version_number.split(".")
            # RFC 2145 section 3.1: one ".", two separate integers, leading zeros ignored.
            if len(version_number) != 2:
                raise ValueError
            if any(not component.isdigit() for component in version_number):
                raise ValueError("non digit in http version")
            if any(len(component) > 10 for component in version_number):
                raise ValueError("unreasonable length http version")
            version_number = int(version_number[0]), int(version_number[1])
        except (ValueError, IndexError):
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request version (%r)" % version)
            return False
        if version_number >= (1, 1) and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        if version_number >= (2, 0):
            self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "Invalid HTTP version (%s)" % base_version_number)
            return False
        self.request_version = version

    if not 2 <= len(words) <= 3:
        self.send_error(HTTPStatus.BAD_REQUEST, "Bad request syntax (%r)" % requestline)
        return False
    command, path = words[:2]
    if len(words) == 2:
        self.close_connection = True
        if command != "GET":
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad HTTP/0.9 request type (%r)" % command)
            return False
    self.command, self.path = command, path

    # gh-87389: a path starting with "//" is reduced to one "/" (no open redirect).
    if self.path.startswith("//"):
        self.path = "/" + self.path.lstrip("/")

    try:
        self.headers = parse_headers(self.rfile, self.MessageClass)
    except http.client.LineTooLong as err:
        self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long", str(err))
        return False
    except http.client.HTTPException as err:
        self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers", str(err))
        return False

    # Each header's first value by lower-case name: what headers.get(name) returns (compat32 gives
    # back the stored text: it is decoded from ISO-8859-1, so it has no surrogates to rewrap), in
    # one dict look-up instead of a scan of every header (the server asks for about a dozen).
    self.header_values = {name.lower(): value for name, value in reversed(self.headers.items())}
    conntype = self.header_values.get("connection", "")
    if conntype.lower() == "close":
        self.close_connection = True
    elif conntype.lower() == "keep-alive" and self.protocol_version >= "HTTP/1.1":
        self.close_connection = False
    # Examine the headers and look for an Expect directive
    expect = self.header_values.get("expect", "")
    if expect.lower() == "100-continue" and self.protocol_version >= "HTTP/1.1" and self.request_version >= "HTTP/1.1":
        if not self.handle_expect_100():
            return False
    return True
