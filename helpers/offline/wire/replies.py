"""The two kinds of answer an endpoint hands to the server: JSON or a stream of events."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class JsonReply:
    """A JSON body; ``tokens`` is how many output tokens it took (for simulated latency)."""

    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)
    tokens: int = 0


@dataclass
class StreamReply:
    """Server-sent events: ``(data, is_token)`` pairs; token events are paced.

    ``sse_done`` ends the stream with ``data: [DONE]`` (Chat Completions);
    ``named`` adds an ``event: <type>`` line before each data line (Responses).
    """

    events: Iterator[tuple[dict, bool]]
    sse_done: bool = False
    named: bool = False
    headers: dict[str, str] = field(default_factory=dict)


#: The headers of every event stream the simulator sends (simulated or replayed).
STREAM_HEADERS = {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", "Transfer-Encoding": "chunked"}
#: The last chunk of a chunked HTTP body.
LAST_CHUNK = b"0\r\n\r\n"


def chunk(data: bytes) -> bytes:
    """``data`` framed as one chunk of a chunked HTTP body."""
    return b"%x\r\n%s\r\n" % (len(data), data)
