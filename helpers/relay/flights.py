"""Single-flight: identical requests go upstream once, and every asker gets the same answer.

"Identical" is the recording's rule (``recording.canonical_request`` / ``request_key``):
method, path and every body field that can change the answer. The first asker starts a
*flight* (one upstream request, run in its own thread so that a student who closes the
notebook does not cut the answer off for the others); everyone who asks the same while it
is in the air joins it and receives the stream's events as they arrive, from the first one.
A completed 200 answer is kept (in memory, and in the recording with ``--record``) and
answers later identical requests; errors are never kept.

Why not a caching proxy or a library: HTTP caches key on the URL (every chat request is a
POST to the same URL) and do not fan one live event stream out to waiting clients.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from pathlib import Path
from dataclasses import dataclass, field

import httpx2

from ..offline.replay import recording as rec
from ..offline.wire.errors import SimError
from .ledger import Ledger, Usage, usage_from
from .upstream import Upstream, sse_events

log = logging.getLogger("helpers.relay")
HEAD_TIMEOUT = 330.0  # seconds a joiner waits for the upstream's first byte (above the upstream read timeout)


@dataclass
class Flight:
    """One upstream request and its answer as it arrives; safe to read from many threads."""

    key: str
    canonical: dict
    payer: str
    status: int | None = None
    headers: dict = field(default_factory=dict)
    stream: bool = False
    events: list = field(default_factory=list)
    body: str | bytes | None = None  # bytes: an answer that is not text (audio, an image)
    done: bool = False
    failed: bool = False  # the stream broke off: joiners drop the connection rather than fake an ending
    model: str | None = None
    cond: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def begin(self, status: int, headers: dict, stream: bool) -> None:
        with self.cond:
            self.status, self.headers, self.stream = status, headers, stream
            self.cond.notify_all()

    def push(self, event: dict) -> None:
        with self.cond:
            self.events.append(event)
            self.cond.notify_all()

    def end(self, body: str | bytes | None = None, failed: bool = False) -> None:
        with self.cond:
            self.body, self.failed, self.done = body, failed, True
            self.cond.notify_all()

    def wait_head(self, timeout: float = HEAD_TIMEOUT) -> bool:
        """Wait until the status is known (and, for an answer that is not a stream, its body)."""
        with self.cond:
            return self.cond.wait_for(lambda: self.status is not None and (self.stream or self.done), timeout)

    def wait_events(self, start: int) -> tuple[list, bool]:
        """The events from ``start`` on (waiting for at least one), and whether the answer is complete."""
        with self.cond:
            self.cond.wait_for(lambda: len(self.events) > start or self.done, HEAD_TIMEOUT)
            return self.events[start:], self.done

    def exchange(self, host: str, user_agent: str) -> rec.Exchange:
        return rec.Exchange(request=self.canonical, status=self.status or 0, headers=dict(self.headers),
                            body=None if self.stream else self.body, events=list(self.events) if self.stream else None,
                            model=self.model, date=rec.now_iso(), host=host, user_agent=user_agent, key=self.key)


class Flights:
    """The flights in the air and the answers kept, by request key."""

    def __init__(self, upstream: Upstream, ledger: Ledger, record: str | None = None) -> None:
        self.upstream = upstream
        self.ledger = ledger
        self.writer = rec.Writer(record) if record else None
        self.kept: dict[str, rec.Exchange] = {}
        self.flying: dict[str, Flight] = {}
        self.reachable: bool | None = None  # None: not asked yet
        self._lock = threading.Lock()
        self._threads: set[threading.Thread] = set()  # flights still running (answer sent, maybe not yet recorded)
        if record and (Path(record) / rec.EXCHANGES).is_file():
            loaded = rec.load(record)  # a relay started again serves what it recorded before
            self.kept.update({ex.key: ex for ex in loaded.exchanges if ex.status == 200})

    def find_or_start(self, student: str, method: str, path: str, body: dict | None, headers: dict,
                      *, reuse: bool = True) -> tuple[str, rec.Exchange | Flight]:
        """("kept", exchange), ("shared", flight in the air) or ("upstream", a new flight).

        ``reuse=False`` (the student sent ``Cache-Control: no-cache``) skips the kept answers.
        The budget is checked only before a new flight: a shared or kept answer costs nothing.
        """
        canonical = rec.canonical_request(method, path, body)
        key = rec.request_key(canonical)
        shareable = method == "POST" or (method == "GET" and canonical["path"].startswith("/models"))
        with self._lock:
            if shareable and reuse and key in self.kept:
                return "kept", self.kept[key]
            if shareable and key in self.flying:
                return "shared", self.flying[key]
            self.ledger.check_budget(student, (body or {}).get("model"))
            flight = Flight(key, canonical, student)
            if shareable:
                self.flying[key] = flight
        agent = headers.get("user-agent", "")
        query = path.partition("?")[2]
        target = canonical["path"] + ("?" + query if query else "")
        thread = threading.Thread(target=self._fly, args=(flight, method, target, body, headers, agent, shareable),
                                  name="relay-flight", daemon=True)
        with self._lock:
            self._threads.add(thread)
        thread.start()
        return "upstream", flight

    # --- the upstream request, in the flight's own thread ---------------------------------

    def _fly(self, flight: Flight, method: str, path: str, body: dict | None, headers: dict, agent: str,
             shareable: bool) -> None:
        try:
            self._fetch(flight, method, path, body, headers)  # charges the payer before the answer completes
        except Exception as exc:  # noqa: BLE001 - any failure becomes an answer in the API's shape
            unexpected = not isinstance(exc, httpx2.TransportError)
            if unexpected:
                log.error("relay: upstream request failed: %s", self.upstream.scrub(f"{type(exc).__name__}: {exc}"))
            else:
                self.reachable = False
                log.warning("relay: upstream %s unreachable (%s)", self.upstream.host, type(exc).__name__)
            if flight.status is None:
                error = SimError(500, f"The relay failed on this request ({type(exc).__name__}); the teacher sees the "
                                      "details in its log. / 中转服务处理这个请求时出错，老师可以在日志里看到详情。",
                                 type="server_error") if unexpected else self.upstream.unreachable(exc)
                flight.begin(error.status, dict(error.headers), False)
                flight.end(json.dumps(error.body(), ensure_ascii=False))
            else:
                flight.end(failed=True)
        finally:
            with self._lock:
                if shareable and self.flying.get(flight.key) is flight:
                    del self.flying[flight.key]
                keep = shareable and flight.status == 200 and not flight.failed and not isinstance(flight.body, bytes)
                if keep:
                    self.kept[flight.key] = flight.exchange(self.upstream.host, agent)
            if keep and self.writer is not None:
                try:
                    self.writer.write(self.kept[flight.key])
                except (rec.RecordingError, OSError) as exc:
                    log.warning("relay: answer not recorded: %s", exc)
            with self._lock:
                self._threads.discard(threading.current_thread())

    def drain(self, timeout: float = 30.0) -> int:
        """Wait for running flights to finish (a student already has the answer, the recording may not
        yet): stopping the relay must not lose what it fetched. Returns how many were still running."""
        with self._lock:
            running = list(self._threads)
        deadline = time.monotonic() + timeout
        for thread in running:
            thread.join(max(0.0, deadline - time.monotonic()))
        return sum(thread.is_alive() for thread in running)

    def _fetch(self, flight: Flight, method: str, path: str, body: dict | None, headers: dict) -> None:
        sent, hide_usage = _with_usage(path.partition("?")[0], body)
        raw = json.dumps(sent, ensure_ascii=False).encode("utf-8") if sent is not None else None
        response = self.upstream.request(method, path, raw, {**headers, "content-type": "application/json"} if raw else headers)
        self.reachable = True
        usage: Usage | None = None
        try:
            out = self.upstream.reply_headers(response.headers)
            streaming = response.status_code == 200 and "text/event-stream" in response.headers.get("content-type", "")
            kind = response.headers.get("content-type", "")
            if response.status_code == 200 and not ("json" in kind or kind.startswith("text/")):
                flight.begin(200, out, False)  # audio, images as bytes: passed on as they are, never kept
                data = response.read()
                self.ledger.charge(flight.payer, None)  # before the answer is complete: the status page agrees
                flight.end(data)
                return
            if not streaming:
                text = response.read().decode("utf-8", errors="replace")
                text = self.upstream.error_body(response.status_code, text) if response.status_code >= 400 else self.upstream.scrub(text)
                data = _json(text)
                usage = usage_from(data)
                flight.model = data.get("model") if isinstance(data, dict) and isinstance(data.get("model"), str) else None
                flight.begin(response.status_code, out, False)
                self.ledger.charge(flight.payer, usage)
                flight.end(text)
                return
            flight.begin(200, out, True)
            start = time.monotonic()
            for event in sse_events(response.iter_lines()):
                event["data"] = self.upstream.scrub(event["data"])
                data = _json(event["data"])
                found = usage_from(data)
                if found is not None:
                    usage = found
                if isinstance(data, dict):
                    model = data.get("model") or (data.get("response") or {}).get("model")
                    flight.model = model if isinstance(model, str) else flight.model
                    if hide_usage and found is not None and data.get("choices") == []:
                        continue  # the usage chunk the relay asked for, not the student
                event["t"] = round(time.monotonic() - start, 3)
                flight.push(event)
            self.ledger.charge(flight.payer, usage)
            flight.end()
            return
        finally:
            response.close()


def _with_usage(path: str, body: dict | None) -> tuple[dict | None, bool]:
    """The body sent upstream: a chat stream asks for its usage (``include_usage``) so it can be counted.

    Returns (body, hide): ``hide`` when the student did not ask for it, so the extra usage-only
    chunk is kept from them (``chunk.choices[0]`` would fail on it).
    """
    if body is None or path != "/chat/completions" or body.get("stream") is not True:
        return body, False
    options = body.get("stream_options")
    if isinstance(options, dict) and options.get("include_usage") is True:
        return body, False
    sent = copy.deepcopy(body)
    sent["stream_options"] = {**(options if isinstance(options, dict) else {}), "include_usage": True}
    return sent, True


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None
