"""``no_network()``: prove that code runs offline by making any connection in this thread fail."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class NetworkBlocked(RuntimeError):
    """Raised inside :func:`no_network` when code tries to open a connection."""


_GUARD = threading.local()
_HOOK_LOCK = threading.Lock()
_HOOKED = False
_NETWORK_EVENTS = frozenset({"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto"})


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _NETWORK_EVENTS and getattr(_GUARD, "active", False):
        raise NetworkBlocked(f"network access attempted during an offline check ({event})")


@contextmanager
def no_network() -> Iterator[None]:
    """Make any socket connect or DNS lookup in *this thread* raise :class:`NetworkBlocked`.

    An audit hook (``sys.addaudithook``), installed once and active only inside the block,
    so other threads (a running simulator) are unaffected.
    """
    global _HOOKED
    with _HOOK_LOCK:
        if not _HOOKED:
            sys.addaudithook(_audit)
            _HOOKED = True
    _GUARD.active = True
    try:
        yield
    finally:
        _GUARD.active = False
