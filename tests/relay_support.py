"""A stand-in for the real API, for the relay's tests: loopback only, counting what it is asked.

Its answers say ``STAND-IN UPSTREAM`` (the simulator never does), so a test can tell which
one answered. ``gate`` holds every answer until set; ``between`` holds a stream after its
first content chunk until set (to see chunks fan out before the answer is complete).
"""

from __future__ import annotations

import json
import random
import string
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "gpt-5.4-mini"
SNAPSHOT = "gpt-5.4-mini-2026-03-17"
USAGE = {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}


def canary_key(seed: int = 17) -> str:
    """An OpenAI-shaped project key built at run time (no key-like literal in the repository)."""
    rng = random.Random(seed)
    part = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(40))
    return "sk-" + "proj-" + part[:20] + "T3Blbk" + "FJ" + part[20:]


def student_key(name: str) -> str:
    return f"class-{name}-" + "k" * 20


class StandIn:
    def __init__(self, key: str) -> None:
        self.key = key
        self.count = 0
        self.bodies: list[dict] = []
        self.gate = threading.Event()
        self.gate.set()
        self.between = threading.Event()
        self.between.set()
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                self._answer(None)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._answer(json.loads(raw))

            def _json(self, status, body, headers=()):
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Set-Cookie", "upstream-session=secret")
                self._close()
                self.end_headers()
                self.wfile.write(data)

            def _close(self):
                # No keep-alive: once stopped, the stand-in is unreachable, as a real outage would be.
                self.send_header("Connection", "close")
                self.close_connection = True

            def _answer(self, body):
                with stand_in._lock:
                    stand_in.count += 1
                    stand_in.bodies.append(body)
                stand_in.gate.wait(30)
                auth = self.headers.get("Authorization", "")
                if auth != f"Bearer {stand_in.key}":
                    return self._json(401, {"error": {"message": f"Incorrect API key provided: {auth[7:12]}***{auth[-4:]}.",
                                                      "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}})
                if self.path.startswith("/v1/models"):
                    return self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "stand-in"}]})
                text = body["messages"][-1]["content"]
                if text == "please fail":
                    return self._json(429, {"error": {"message": "Rate limit reached for gpt-5.4-mini (stand-in).",
                                                      "type": "requests", "param": None, "code": "rate_limit_exceeded"}},
                                      [("retry-after", "7"), ("x-ratelimit-remaining-requests", "0"), ("x-request-id", "req_standin")])
                if text == "echo your headers":
                    return self._json(400, {"error": {"message": f"Bad header: {auth}", "type": "invalid_request_error",
                                                      "param": None, "code": None}})
                if body.get("stream"):
                    return self._stream(body, text)
                return self._json(200, {"id": "chatcmpl-standin", "object": "chat.completion", "created": 1, "model": SNAPSHOT,
                                        "choices": [{"index": 0, "finish_reason": "stop", "message": {
                                            "role": "assistant", "content": f"STAND-IN UPSTREAM says: {text}"}}],
                                        "usage": USAGE}, [("x-request-id", "req_standin"), ("x-ratelimit-remaining-requests", "99")])

            def _stream(self, body, text):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self._close()
                self.end_headers()

                def event(data):
                    line = f"data: {data if isinstance(data, str) else json.dumps(data)}\n\n".encode()
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                    self.wfile.flush()

                def delta(content, finish=None):
                    return {"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": SNAPSHOT,
                            "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}]}

                event(delta("STAND-IN"))
                stand_in.between.wait(30)
                event(delta(" UPSTREAM"))
                event(delta(f" streams: {text}", "stop"))
                if (body.get("stream_options") or {}).get("include_usage"):
                    event({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": SNAPSHOT,
                           "choices": [], "usage": USAGE})
                event("[DONE]")
                self.wfile.write(b"0\r\n\r\n")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> "StandIn":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.gate.set()
        self.between.set()
        self._server.shutdown()
        self._server.server_close()

    def __exit__(self, *exc) -> None:
        self.stop()
