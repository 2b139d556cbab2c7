"""Answers a request from a recording when it matches exactly (see recording.canonical_request)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from ..wire.constants import RECORDED_DATE_HEADER, RECORDED_MODEL_HEADER, SOURCE_HEADER
from ..wire.replies import LAST_CHUNK, STREAM_HEADERS, chunk
from .recording import Exchange, Recording, load

ENV = "KIT_REPLAY"
PACING_ENV = "KIT_REPLAY_PACING"  # "1": replay streams with their recorded timing (default off)


class Replayer:
    def __init__(self, recording: Recording, pacing: bool = False):
        self.recording = recording
        self.pacing = pacing

    def serve(self, handler: Any, method: str, raw: bytes) -> bool:
        """Send the recorded answer and return True, or return False to simulate."""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return False
        if body is not None and not isinstance(body, dict):
            return False
        exchange = self.recording.lookup(method, handler.path, body)
        if exchange is None:
            return False
        send(handler, exchange, self.pacing)
        return True


def send(handler: Any, ex: Exchange, pacing: bool = False) -> None:
    """Write ``ex`` as the answer to ``handler``'s request (the relay serves kept answers with it too);
    ``pacing``: a stream keeps its recorded timing."""
    handler.send_response(ex.status)
    for name, value in ex.headers.items():
        if name != "content-type":
            handler.send_header(name, value)
    handler.send_header(SOURCE_HEADER, "recorded")
    handler.send_header(RECORDED_MODEL_HEADER, ex.model or "")
    handler.send_header(RECORDED_DATE_HEADER, ex.date)
    if ex.events is None:
        payload = ex.body if isinstance(ex.body, str) else json.dumps(ex.body, ensure_ascii=False)
        data = payload.encode("utf-8")
        handler.send_header("Content-Type", ex.headers.get("content-type", "application/json"))
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
        return
    for name, value in STREAM_HEADERS.items():
        handler.send_header(name, ex.headers.get("content-type", value) if name == "Content-Type" else value)
    handler.end_headers()
    start = time.monotonic()
    for event in ex.events:
        if pacing:
            time.sleep(max(0.0, float(event.get("t", 0)) - (time.monotonic() - start)))
        handler.wfile.write(event_chunk(event))
        handler.wfile.flush()
    handler.wfile.write(LAST_CHUNK)


def event_chunk(event: dict) -> bytes:
    """One recorded event (``{"data", "event"}``) as a chunk of a server-sent event stream."""
    text = (f"event: {event['event']}\n" if event.get("event") else "") + f"data: {event['data']}\n\n"
    return chunk(text.encode("utf-8"))


#: The kit's checkout: a relative KIT_REPLAY that is not found from the working folder is read from
#: here, since `make lab` starts kernels in my-notebooks/<edition>/, not where the teacher typed it.
CHECKOUT = Path(__file__).resolve().parents[3]


def resolve(folder: str) -> Path:
    """``folder`` as given when it exists (or is absolute), else relative to the kit's checkout."""
    path = Path(folder).expanduser()
    if path.is_absolute() or path.exists() or not (CHECKOUT / path).exists():
        return path
    return CHECKOUT / path


def from_environment(environ: Any = os.environ) -> Replayer | None:
    folder = environ.get(ENV, "").strip()
    if not folder:
        return None
    return Replayer(load(resolve(folder)), pacing=environ.get(PACING_ENV, "") == "1")
