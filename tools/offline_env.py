"""The sealed, offline environment shared by the test suite and ``make outputs``.

Both must run the notebooks the same way, or the stored outputs would not match.
"""

from __future__ import annotations

import os

from helpers.models import DEFAULT_MODEL, DEFAULT_VISION_MODEL
from helpers.offline import Simulator

# Variables a developer's shell may hold that would change what notebooks print.
_CLEARED = (
    "OPENAI_API_BASE", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_ADMIN_KEY", "OPENAI_CUSTOM_HEADERS",
    "OPENAI_LOG", "KIT_OFFLINE", "KIT_OFFLINE_LATENCY_MS", "KIT_OFFLINE_TOKEN_LATENCY_MS",
    "KIT_PROVIDER", "KIT_SIMULATOR_PROFILE",
)
# A proxy that refuses every connection: anything not on loopback fails at once.
DEAD_PROXY = "http://127.0.0.1:9"
LOOPBACK = "127.0.0.1,localhost,::1"


def offline_environment(sim: Simulator) -> dict[str, str]:
    """The variables every test and notebook kernel runs with."""
    return {
        **sim.environ(),
        "OPENAI_MODEL": DEFAULT_MODEL,  # fixed, so a developer's .env cannot change outputs
        "OPENAI_VISION_MODEL": DEFAULT_VISION_MODEL,
        "HTTP_PROXY": DEAD_PROXY, "HTTPS_PROXY": DEAD_PROXY, "ALL_PROXY": DEAD_PROXY,
        "http_proxy": DEAD_PROXY, "https_proxy": DEAD_PROXY, "all_proxy": DEAD_PROXY,
        "NO_PROXY": LOOPBACK, "no_proxy": LOOPBACK,
    }


def seal_environment(sim: Simulator) -> None:
    """Point this process (and every kernel it starts) at ``sim``, with no way out."""
    for name in _CLEARED:
        os.environ.pop(name, None)
    os.environ.update(offline_environment(sim))
