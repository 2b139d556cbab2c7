"""A local HTTP server run in a daemon thread or in the foreground: the simulator's and the relay's."""

from __future__ import annotations

import threading
from http.server import HTTPServer
from typing import Any


class BackgroundServer:
    """Wraps ``self._server`` (set by the subclass): its address, its ``/v1`` URL, start and stop."""

    _server: HTTPServer
    _thread: threading.Thread | None = None
    _serving = False  # in the foreground (serve_forever)
    thread_name = "server"

    @property
    def host(self) -> str:
        return self._server.server_address[0]

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}/v1"

    def start(self) -> Any:
        """Serve in a daemon thread (returns at once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name=self.thread_name, daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the standalone command)."""
        self._serving = True
        try:
            self._server.serve_forever()
        finally:
            self._serving = False

    def stop(self) -> None:
        if self._thread is not None or self._serving:  # shutdown() waits for a serve_forever() that never ran
            self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
