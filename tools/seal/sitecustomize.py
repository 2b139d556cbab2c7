"""No way out to the network, for the test suite and ``make outputs`` (loaded as ``sitecustomize``).

``tools/offline_env.py`` puts this folder first on ``PYTHONPATH`` and sets ``KIT_SEALED=1``, so every
Python process the tests start (notebook kernels, ``tasks.py``, the doctor) imports this module at
start-up and refuses any connection that does not stay on this machine. It replaces the dead proxy
the kit used before: proxy variables showed up in the lessons' stored outputs (lesson 07 prints
the learner's proxy settings), and a learner never sets a proxy at ``127.0.0.1:9``.

Why not a library: pytest-socket and similar plugins guard only the pytest process, not the
kernels nbval starts; the guard has to travel through the environment, and ``sitecustomize`` is
the interpreter's own hook for that.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

FLAG = "KIT_SEALED"
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def is_local(host: object) -> bool:
    """True for loopback addresses and names, and for Unix sockets (paths)."""
    if isinstance(host, (bytes, bytearray)):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%")[0].lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _refuse(where: object) -> OSError:
    return ConnectionRefusedError(f"sealed offline environment ({FLAG}=1): no connection to {where!r}")


def install() -> None:
    """Refuse non-loopback connects and name lookups in this process (idempotent)."""
    if getattr(socket, "_kit_sealed", False):
        return
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def _allowed(sock: socket.socket, address: Any) -> bool:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return True  # Unix sockets and the like stay on this machine
        return is_local(address[0] if isinstance(address, tuple) else address)

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        if not _allowed(sock, address):
            raise _refuse(address)
        connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
        if not _allowed(sock, address):
            raise _refuse(address)
        return connect_ex(sock, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not is_local(host):
            raise socket.gaierror(socket.EAI_NONAME, f"sealed offline environment: no name lookup for {host!r}")
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = guarded_getaddrinfo
    socket._kit_sealed = True  # type: ignore[attr-defined]


if os.environ.get(FLAG) == "1":
    install()
