"""The relay's HTTP side: who is asking, which limit applies, and writing the answer out.

The standard library's threading HTTP server, as for the simulator (``wire/server.py``):
a classroom relay serves a few dozen clients, and nothing needs installing.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
import socket
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..keys import mask_key
from ..offline.replay.replayer import event_chunk, send
from ..offline.wire import request_body
from ..offline.wire.constants import MAX_BODY
from ..offline.wire.errors import SimError
from ..offline.wire.replies import LAST_CHUNK, STREAM_HEADERS
from ..offline.wire.serving import BackgroundServer
from .classlist import ClassList
from .flights import Flight, Flights
from .ledger import Ledger, Limits
from .upstream import RelayConfigError, Upstream

log = logging.getLogger("helpers.relay")
STATUS_PATH = "/relay/status"
RELAY_HEADER = "x-kit-relay"  # upstream (this request went upstream), shared (joined one in the air), kept


def _ask_teacher(problem_en: str, problem_zh: str) -> SimError:
    return SimError(401, f"{problem_en} Use the key your teacher gave you for the relay, or ask the teacher. / "
                         f"{problem_zh}请使用老师给你的中转密钥，或询问老师。", code="invalid_api_key")


class ListenError(RelayConfigError):
    """The relay's port cannot be opened (in use, or not allowed)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "openai-notebook-kit-relay/1"
    timeout = 120
    disable_nagle_algorithm = True  # see wire/server.py: small writes must not wait for a delayed ACK
    server: "_Server"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # every method: the API's JSON error shape, never the stdlib's HTML
            return lambda: self._serve(name[3:])
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the relay logs its own lines; the stdlib's would show the status URL with its token

    def _serve(self, method: str) -> None:
        relay = self.server.relay
        name = "?"
        try:
            raw = self._read_body()
            if urlsplit(self.path).path.rstrip("/") == STATUS_PATH:
                return self._send_json(200, relay.status()) if self._is_teacher() else self._send_error(
                    SimError(401, "The relay's status needs the teacher token printed when the relay started. / "
                                  "查看中转状态需要中转服务启动时显示的教师口令。", code="invalid_api_key"))
            name = self._student()
            relay.ledger.arrive(name)
            body = self._body(raw)
            headers = {key.lower(): value for key, value in self.headers.items()}
            reuse = "no-cache" not in headers.get("cache-control", "").lower()
            how, answer = relay.flights.find_or_start(name, method, self.path, body, headers, reuse=reuse)
        except SimError as error:
            log.info("%s %s %s -> %d (%s)", name, method, urlsplit(self.path).path, error.status, error.code or error.type)
            return self._send_error(error)
        # Counted before the answer is written, so a status read after a student's answer includes it.
        def note(status: int) -> None:
            relay.ledger.note(name, shared=how != "upstream", error=status >= 400)

        if how == "kept":
            note(answer.status)
            send(self, answer)
            status = answer.status
        else:
            status = self._send_flight(answer, how, note)
        log.info("%s %s %s -> %d (%s)", name, method, urlsplit(self.path).path, status, how)

    # --- reading ------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        # The simulator's reader (one home): Content-Length or chunked, the same limit and messages.
        try:
            return request_body.read(self.headers, self.rfile, MAX_BODY)
        except SimError:
            self.close_connection = True  # the rest of the body is unread
            raise

    def _bearer(self) -> str:
        scheme, _, value = self.headers.get("Authorization", "").partition(" ")
        return value.strip() if scheme.lower() == "bearer" else ""

    def _is_teacher(self) -> bool:
        token = self._bearer() or parse_qs(urlsplit(self.path).query).get("token", [""])[0]
        return hmac.compare_digest(token.encode("utf-8"), self.server.relay.teacher_token.encode("utf-8"))

    def _student(self) -> str:
        key = self._bearer()
        if not key:
            raise _ask_teacher("You didn't provide a key for the relay (Authorization: Bearer YOUR_KEY).",
                               "没有提供中转密钥（Authorization: Bearer 你的密钥）。")
        name = self.server.relay.class_list.find(key)
        if name is None:
            log.warning("relay: unknown key %s from %s", mask_key(key), self.client_address[0])
            raise _ask_teacher(f"This relay does not know the key {mask_key(key)}.", f"中转服务不认识密钥 {mask_key(key)}。")
        return name

    def _body(self, raw: bytes) -> dict | None:
        if not raw:
            return None
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise SimError(400, "The relay forwards JSON request bodies only (file uploads are not relayed). / "
                                "中转服务只转发 JSON 请求体（不转发文件上传）。")
        return body

    # --- writing ------------------------------------------------------------------------

    def _send_json(self, status: int, body: dict, headers: dict | None = None) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True

    def _send_error(self, error: SimError) -> None:
        self._send_json(error.status, error.body(), error.headers)

    def _send_flight(self, flight: Flight, how: str, note: Callable[[int], None]) -> int:
        """Write the flight's answer, its stream events as they arrive; returns the status.

        ``note(status)`` is called once the status is known and before anything is written."""
        if not flight.wait_head():
            error = SimError(504, "The upstream API did not answer in time. / 上游接口超时未响应。", type="server_error")
            note(error.status)
            self._send_error(error)
            return error.status
        note(flight.status)
        try:
            self.send_response(flight.status)
            for name, value in {**flight.headers, RELAY_HEADER: how}.items():
                if name != "content-type":
                    self.send_header(name, value)
            if not flight.stream:
                data = flight.body if isinstance(flight.body, bytes) else (flight.body or "").encode("utf-8")
                self.send_header("Content-Type", flight.headers.get("content-type", "application/json"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return flight.status
            for name, value in STREAM_HEADERS.items():
                self.send_header(name, value)
            self.end_headers()
            sent = 0
            while True:
                events, done = flight.wait_events(sent)
                if events:
                    self.wfile.write(b"".join(event_chunk(event) for event in events))
                    self.wfile.flush()
                    sent += len(events)
                if done and sent >= len(flight.events):
                    break
            if flight.failed:
                self.close_connection = True  # a cut-off stream stays cut off: the SDK reports it
            else:
                self.wfile.write(LAST_CHUNK)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True  # this student left; the flight goes on for the others
        return flight.status


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Restart at once after Ctrl+C (TIME_WAIT). Not on Windows, where SO_REUSEADDR would let a
    # second relay share the port silently instead of failing with "port in use".
    allow_reuse_address = os.name != "nt"
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], relay: "Relay") -> None:
        self.relay = relay
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("relay: dropped a broken connection from %s", client_address[0])


class Relay(BackgroundServer):
    """The teacher's relay: one upstream key, many students, limits, single-flight, a recording.

    >>> relay = Relay(upstream, class_list, Limits(rpm=20), port=0).start()
    >>> relay.base_url, relay.teacher_token   # give students the URL; keep the token
    >>> relay.stop()
    """

    thread_name = "relay"

    def __init__(self, upstream: Upstream, class_list: ClassList, limits: Limits = Limits(), *,
                 host: str = "127.0.0.1", port: int = 8001, record: str | None = None,
                 teacher_token: str | None = None) -> None:
        self.upstream = upstream
        self.class_list = class_list
        self.ledger = Ledger(limits, class_list.names)
        self.record = record
        self.flights = Flights(upstream, self.ledger, record)
        self.teacher_token = teacher_token or "teacher-" + secrets.token_urlsafe(18)
        try:
            self._server = _Server((host, port), self)
        except OSError as exc:
            raise ListenError(
                f"Cannot listen on {host}:{port}: {exc.strerror or exc}. Is another relay or the simulator using "
                f"that port? Try another --port. / 无法监听 {host}:{port}（端口可能已被占用），请换一个 --port。"
            ) from None

    def status(self) -> dict:
        """The teacher's view (``GET /relay/status``): counters and limits, never a key."""
        view = self.ledger.snapshot()
        view["relay"] = {
            "upstream": self.upstream.host, "upstream_reachable": self.flights.reachable,
            "kept_answers": len(self.flights.kept), "in_flight": len(self.flights.flying),
            "recording": self.record, "students": len(self.class_list),
        }
        return view

    def stop(self) -> None:
        super().stop()
        left = self.flights.drain()
        if left:
            log.warning("relay: stopped with %d upstream request(s) still running; their answers are not recorded", left)
        self.upstream.close()
