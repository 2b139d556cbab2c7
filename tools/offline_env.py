"""The sealed, offline environment shared by the test suite and ``make outputs``.

Both must run the notebooks the same way, or the stored outputs would not match.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from helpers.models import DEFAULT_MODEL, DEFAULT_VISION_MODEL
from helpers.offline import Simulator

# Variables a developer's shell may hold that would change what notebooks print.
_CLEARED = (
    "OPENAI_API_BASE", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_ADMIN_KEY", "OPENAI_CUSTOM_HEADERS",
    "OPENAI_LOG", "KIT_OFFLINE", "KIT_OFFLINE_LATENCY_MS", "KIT_OFFLINE_TOKEN_LATENCY_MS",
    "KIT_PROVIDER", "KIT_SIMULATOR_PROFILE", "KIT_LANG",
    # A developer's proxy and certificate settings would show in lesson 07's stored outputs.
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
)
# The network guard every Python process of a sealed run loads at start-up (tools/seal/sitecustomize.py).
SEAL_DIR = Path(__file__).resolve().parent / "seal"
SEALED = "KIT_SEALED"


def offline_environment(sim: Simulator) -> dict[str, str]:
    """The variables every test and notebook kernel runs with."""
    return {
        **sim.environ(),
        "OPENAI_MODEL": DEFAULT_MODEL,  # fixed, so a developer's .env cannot change outputs
        "OPENAI_VISION_MODEL": DEFAULT_VISION_MODEL,
        SEALED: "1",
        "PYTHONPATH": os.pathsep.join([str(SEAL_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]),
        # Installers that are not Python (uv) do not load the guard: keep them off the index.
        "UV_OFFLINE": "1", "PIP_NO_INDEX": "1",
    }


def seal_environment(sim: Simulator) -> None:
    """Point this process (and every kernel it starts) at ``sim``, with no way out."""
    for name in _CLEARED:
        os.environ.pop(name, None)
    os.environ.update(offline_environment(sim))
    sys.path.insert(0, str(SEAL_DIR))
    import sitecustomize  # noqa: PLC0415 - the guard, for this process too (its children load it themselves)

    sitecustomize.install()
