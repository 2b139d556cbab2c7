"""Which hosts are this machine: the one loopback test of the kit."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``), brackets allowed."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def student_url(sim: Any) -> str:
    """The URL students use: this machine's address when listening on all interfaces.

    ``sim`` is anything with ``host``, ``port`` and ``base_url`` (the simulator, the relay).

    For the simulator, students set it as KIT_SIMULATOR_URL (not OPENAI_BASE_URL): that keeps
    them offline even with a real key in .env, so that key is never sent to the room's server.
    """
    if sim.host not in ("0.0.0.0", "::"):
        return sim.base_url
    try:
        address = socket.gethostbyname(socket.gethostname())  # resolved locally, nothing is sent
    except OSError:
        address = ""
    if not address or address.startswith("127."):
        address = "<this computer's IP address / 本机 IP 地址>"
    return f"http://{address}:{sim.port}/v1"
