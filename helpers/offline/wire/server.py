"""The HTTP side of the offline simulator: routing, auth, faults, headers, streaming.

Why our own server: the SDK (openai 3.x) talks through httpx2, which respx and
openai-responses cannot intercept, and a Jupyter kernel started by nbval is another
process anyway; spec-driven mock servers answer with random strings that break
``parse()``. The standard library's threading HTTP server is enough for a loopback
simulator and adds no dependency.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import sys
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from ..endpoints import chat, common, embeddings, models_api, moderations, responses
from . import errors, faults, ids, request_body, request_head
from .headers import Draws, clamp_ms, rate_headers
from ..data import profiles
from ..endpoints import store as state
from .constants import INVALID_KEY, MAX_BODY, LATENCY_HEADER, MAX_LATENCY_MS, MAX_TOKEN_LATENCY_MS, OFFLINE_KEY, SOURCE_HEADER, TOKEN_LATENCY_HEADER
from .errors import SimError
from .head import head
from .net import is_loopback
from .serving import BackgroundServer
from .replies import LAST_CHUNK, STREAM_HEADERS, JsonReply, StreamReply, chunk


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "openai-offline-simulator/1"
    timeout = 30  # seconds a silent or slow client may hold a thread
    # Headers and body go out in separate writes; without TCP_NODELAY the body waits for the
    # client's delayed ACK (about 40 ms per plain answer, measured by bench/run.py).
    disable_nagle_algorithm = True
    server: "_Server"

    def parse_request(self) -> bool:
        # The standard one with a faster header parser (same results): see wire/request_head.py.
        return request_head.parse_request(self)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def __getattr__(self, name: str) -> Any:
        # HEAD, OPTIONS, TRACE or any other method: the API's JSON error, not the stdlib's HTML 501.
        if name.startswith("do_"):
            return lambda: self._serve(name[3:])
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"[offline simulator] {self.address_string()} {format % args}\n")

    # --- one request ------------------------------------------------------------------

    def _serve(self, method: str) -> None:
        raw = b""
        try:
            raw = self._read_body()
            self._authenticate()
            if self.server.replayer is not None and self.server.replayer.serve(self, method, raw):
                return
            self._apply_fault()
            reply = self._route(method, raw)
        except SimError as error:
            reply = JsonReply(error.status, error.body(), error.headers)
        except _Disconnect:
            self.close_connection = True
            return
        except Exception as exc:  # a bug of ours: answer 500, keep serving
            if self.server.verbose:
                sys.stderr.write(f"[offline simulator] internal error: {exc!r}\n")
            reply = JsonReply(500, SimError(500, f"Offline simulator internal error: {type(exc).__name__}.", type="server_error").body())
        headers = {**rate_headers(raw), "x-request-id": "req_" + self._request_id(method, raw), SOURCE_HEADER: "simulated"}
        self._pause(self._latency(LATENCY_HEADER, "latency_ms", MAX_LATENCY_MS))
        if isinstance(reply, StreamReply):
            self._send_stream(reply, headers)
        else:
            self._pause(reply.tokens * self._latency(TOKEN_LATENCY_HEADER, "token_latency_ms", MAX_TOKEN_LATENCY_MS))
            self._send_json(reply, headers)

    def _request_id(self, method: str, raw: bytes) -> str:
        # Stable for the same request, different for each retry and each injected fault.
        attempt = self._header("x-stainless-retry-count", "0")
        return ids.request_id(method, self.path, raw, attempt, self._header(faults.HEADER, ""))

    def _header(self, name: str, default: str | None = None) -> str | None:
        """``self.headers.get(name, default)`` from the index parse_request made (wire/request_head.py)."""
        return self.header_values.get(name.lower(), default)

    def _read_body(self) -> bytes:
        try:
            return request_body.read(self.headers, self.rfile, self.server.max_body)
        except SimError:
            self.close_connection = True  # the rest of the body is unread: this connection cannot carry another request
            raise

    def _authenticate(self) -> None:
        auth = self._header("authorization", "")
        scheme, _, key = auth.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise errors.missing_key()
        if key.strip() == INVALID_KEY:
            raise errors.invalid_key(key.strip())

    def _apply_fault(self) -> None:
        fault = faults.parse(self._header(faults.HEADER))
        if fault is None:
            return
        try:
            attempt = int(self._header("x-stainless-retry-count", "0"))
        except ValueError:
            attempt = 0
        if not fault.applies(attempt):
            return
        if fault.kind == "disconnect":
            raise _Disconnect
        if fault.kind == "slow":
            self._pause(fault.seconds * 1000)
            return
        error = faults.error_for(fault)
        if error is not None:
            raise error

    def _route(self, method: str, raw: bytes) -> JsonReply | StreamReply:
        url = urlsplit(self.path)
        path = url.path.rstrip("/")
        extra = self.server.served_models
        profile = profiles.for_request(self._header(profiles.HEADER), self.server.profile)
        profiles.screen_path(profile, method, path)
        if method == "GET" and path == "/v1/models":
            return models_api.listing(extra)
        if method == "GET" and path.startswith("/v1/models/"):
            return models_api.retrieve(unquote(path[len("/v1/models/"):]), extra)
        stored = state.route(method, unquote(path), url.query, self.server.store)
        if stored is not None:
            return stored
        handler = self.server.routes.get(path) if method == "POST" else None
        if handler is not None:
            return handler(profiles.screen(profile, path, self._json(raw)), extra)
        raise errors.invalid_url(method, path or "/")

    @staticmethod
    def _json(raw: bytes) -> dict:
        return request_body.parse(raw)

    # --- latency ----------------------------------------------------------------------

    def _latency(self, header: str, attribute: str, cap: float) -> float:
        value = self._header(header)
        if value is None:
            return getattr(self.server, attribute)
        try:
            return clamp_ms(float(value), cap)
        except ValueError:
            return getattr(self.server, attribute)

    @staticmethod
    def _pause(ms: float) -> None:
        if ms > 0:
            time.sleep(ms / 1000)

    # --- writing ------------------------------------------------------------------------

    def _send_json(self, reply: JsonReply, headers: dict[str, str]) -> None:
        payload = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
        framing = {"Content-Type": "application/json", "Content-Length": str(len(payload))}
        if self.close_connection:
            framing["Connection"] = "close"
        try:
            data = head(self, reply.status, {**headers, **reply.headers} if reply.headers else headers, framing)
            # One write for head and body (see wire/head.py). HEAD: the head of the answer, no body.
            self.wfile.write(data if self.command == "HEAD" else data + payload)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True

    def _send_stream(self, reply: StreamReply, headers: dict[str, str]) -> None:
        delay = self._latency(TOKEN_LATENCY_HEADER, "token_latency_ms", MAX_TOKEN_LATENCY_MS)
        # Without a token delay nobody can watch the pacing: send the head and the events in one write.
        pending = bytearray(head(self, 200, {**headers, **reply.headers} if reply.headers else headers, STREAM_HEADERS))
        try:
            if delay > 0:
                self._write(pending)  # paced: the head goes out before the first pause
            for data, is_token in reply.events:
                if is_token and delay > 0:
                    self._pause(delay)
                line = f"data: {json.dumps(data, ensure_ascii=False)}\n\n"
                if reply.named:
                    line = f"event: {data['type']}\n" + line
                pending += chunk(line.encode("utf-8"))
                if delay > 0:
                    self._write(pending)
            if reply.sse_done:
                pending += chunk(b"data: [DONE]\n\n")
            pending += LAST_CHUNK
            self._write(pending)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True  # the client went away mid-stream; nothing to clean up

    def _write(self, pending: bytearray) -> None:
        self.wfile.write(bytes(pending))
        self.wfile.flush()
        pending.clear()


class _Disconnect(Exception):
    """Raised to drop the connection without an answer (the ``disconnect`` fault)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], **settings: Any) -> None:
        self.latency_ms: float = clamp_ms(settings.get("latency_ms", 0.0), MAX_LATENCY_MS)
        self.token_latency_ms: float = clamp_ms(settings.get("token_latency_ms", 0.0), MAX_TOKEN_LATENCY_MS)
        self.extra_models: frozenset[str] = frozenset(settings.get("extra_models", ()))
        self.max_body: int = settings.get("max_body", MAX_BODY)
        self.verbose: bool = settings.get("verbose", False)
        self.profile: profiles.Profile = settings.get("profile") or profiles.get_profile(None)
        #: Answers from a recording (KIT_REPLAY); the replay package is imported only when one is set.
        self.replayer: Any = settings.get("replayer")
        if self.replayer is None and os.environ.get("KIT_REPLAY", "").strip():
            from ..replay.replayer import from_environment
            self.replayer = from_environment()
        self.store = state.ResponseStore()  # Responses created with store=true, for previous_response_id
        self.draws = Draws()  # how often each request was sampled (temperature > 0 varies the wording)
        #: POST endpoints, built once (not per request).
        self.routes: dict[str, Any] = {
            "/v1/chat/completions": functools.partial(chat.handle, draws=self.draws),
            "/v1/responses": functools.partial(responses.handle, store=self.store, draws=self.draws),
            "/v1/responses/input_tokens": functools.partial(responses.count, store=self.store),
            "/v1/embeddings": embeddings.handle,
            "/v1/moderations": moderations.handle,
        }
        super().__init__(address, _Handler)

    @functools.cached_property
    def served_models(self) -> frozenset[str]:
        """The extra models and the configured ones (``OPENAI_MODEL``...): what the endpoints get.

        Read once, at the first request rather than in ``__init__``: the test suite's conftest
        sets ``OPENAI_MODEL`` just after it starts its simulator."""
        return self.extra_models | common.configured_models()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Garbage on the socket or a vanished client: drop that connection quietly.
        if self.verbose:
            super().handle_error(request, client_address)


class Simulator(BackgroundServer):
    """The offline simulator: a real HTTP server that speaks the OpenAI wire protocol.

    >>> sim = Simulator().start()      # loopback, ephemeral port, daemon thread
    >>> sim.base_url                    # 'http://127.0.0.1:PORT/v1'
    >>> sim.stop()

    ``profile`` makes it impersonate a provider with fewer features (see ``profiles.py``);
    a request's ``x-offline-profile`` header wins over it.
    """

    thread_name = "offline-simulator"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        latency_ms: float = 0.0,
        token_latency_ms: float = 0.0,
        extra_models: tuple[str, ...] | frozenset[str] = (),
        max_body: int = MAX_BODY,
        verbose: bool = False,
        profile: str | None = None,
        replayer: Any = None,
    ) -> None:
        # Checked before the socket opens: an unknown name raises UnknownProfile (a ValueError).
        chosen = profiles.get_profile(profile)
        if not is_loopback(host):
            warnings.warn(
                f"The offline simulator listens on {host}, not only on this machine: anyone on the network can use it. "
                f"/ 离线模拟器监听 {host}，同一网络中的其他人都能访问它。",
                stacklevel=2,
            )
        self._server = _Server(
            (host, port),
            latency_ms=latency_ms,
            token_latency_ms=token_latency_ms,
            extra_models=extra_models,
            max_body=max_body,
            verbose=verbose,
            replayer=replayer,
            profile=chosen,
        )

    @property
    def profile(self) -> str:
        """The impersonation profile this simulator uses unless a request names another."""
        return self._server.profile.name

    def environ(self) -> dict[str, str]:
        """The variables that point a process (a notebook kernel, a student) at this simulator."""
        return {"OPENAI_BASE_URL": self.base_url, "KIT_SIMULATOR_URL": self.base_url, "OPENAI_API_KEY": OFFLINE_KEY}

    def restart_sampling(self) -> None:
        """Start every request's sampling sequence again, as a new simulator process would.

        The test harness calls it before each test and each notebook, so a notebook run from
        the top gets the draws its stored outputs were made with, whatever ran before it."""
        self._server.draws.clear()
