"""Peer servers for bench/run.py: other OpenAI-compatible mocks, measured with the same client code.

Bench-only dependencies (``bench/requirements-peers.txt``); a missing peer is skipped with one
line saying how to install it, never a traceback.
"""

from __future__ import annotations

from importlib import metadata

LLMOCK_VERSION = "0.2.2"
INSTALL_HINT = "python -m pip install -r bench/requirements-peers.txt"


class LLMockTarget:
    """LLMock's own in-process server (``llmock.testing.LLMockServer``: uvicorn in a daemon
    thread on a socket it binds first, 127.0.0.1, ephemeral port), behind the same
    start/stop/base_url surface as the simulator and the floor."""

    def __init__(self) -> None:
        from llmock.testing import LLMockServer  # imported here: the package is optional

        self.version = metadata.version("llmock")
        self._server = LLMockServer(host="127.0.0.1", port=0)  # defaults: no latency, no injected errors

    @property
    def base_url(self) -> str:
        return self._server.base_url("openai")

    def start(self) -> "LLMockTarget":
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()


def llmock() -> tuple[LLMockTarget | None, str]:
    """The started LLMock target and a note for the report, or ``None`` and why it is skipped."""
    try:
        target = LLMockTarget()
    except ImportError:
        return None, f"LLMock column skipped: llmock is not installed ({INSTALL_HINT})."
    note = f"LLMock {target.version}: its `llmock.testing.LLMockServer` (FastAPI on uvicorn) in a thread of this process."
    if target.version != LLMOCK_VERSION:
        note += f" Not the pinned {LLMOCK_VERSION}: {INSTALL_HINT}."
    try:
        return target.start(), note
    except Exception as exc:  # a peer that cannot start must not stop the benchmark
        return None, f"LLMock column skipped: it did not start ({type(exc).__name__}: {exc})."
