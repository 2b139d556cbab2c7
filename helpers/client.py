"""``get_client()``: one call that gives every lesson a working ``openai.OpenAI``.

Introduced in lesson 01 (key setup), after the raw ``OpenAI()`` calls it packages. It
returns a plain ``openai.OpenAI``, so every SDK feature works unchanged. In offline mode it
also points ``OPENAI_BASE_URL``/``OPENAI_API_KEY`` of this process at the simulator, so a
lesson's plain ``OpenAI()`` reaches the same simulator.

A key that cannot work never stops the setup cell: ``resolve`` notes it and, when no request
could succeed (a hosted endpoint without its key, a key no header can carry), runs offline.
Failed requests are explained by ``with helpers.explained():`` (:mod:`helpers.explain`).

The steps: read ``.env`` -> :func:`helpers.config.resolve` (the one decision) ->
:func:`helpers.config.apply_environ` -> (offline: start the simulator, imported only then)
-> the banner -> ``openai.OpenAI``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import openai

from . import config
from .config import OFFLINE, Settings

if TYPE_CHECKING:
    from .offline import Simulator

_LOCK = threading.Lock()
_SIMULATOR: Simulator | None = None
_SETTINGS: Settings | None = None

def _env_ms(name: str) -> float:
    try:
        return max(float(os.environ.get(name, "0") or 0), 0.0)
    except ValueError:
        return 0.0


def local_simulator() -> Simulator:
    """The process's own simulator, started on first use (loopback, free port)."""
    global _SIMULATOR
    from .offline import Simulator, profiles  # offline mode only: live mode loads no simulator module

    with _LOCK:
        if _SIMULATOR is None:
            _SIMULATOR = Simulator(
                latency_ms=_env_ms("KIT_OFFLINE_LATENCY_MS"),
                token_latency_ms=_env_ms("KIT_OFFLINE_TOKEN_LATENCY_MS"),
                profile=profiles.from_env(),  # an unknown name: the full profile (the settings note it)
            ).start()
        return _SIMULATOR


def local_simulator_url() -> str | None:
    """The base URL of this process's simulator, if it runs."""
    return _SIMULATOR.base_url if _SIMULATOR is not None else None


def banner(settings: Settings) -> str:
    """The one line ``get_client()`` prints: mode, endpoint, model, masked key (in the reader's language)."""
    return str(config.mode_line(settings))


def get_client(env_file: str | Path | None = None, *, quiet: bool = False, **client_options: object) -> openai.OpenAI:
    """Load settings, pick the mode, print the banner and return an ``openai.OpenAI``.

    ``client_options`` go to ``openai.OpenAI`` (for example ``max_retries=0`` or ``timeout=10``).
    """
    global _SETTINGS
    settings = config.load_settings(env_file, local_simulator_url())
    _SETTINGS = settings
    if settings.mode == OFFLINE and not settings.shared_simulator:
        settings.base_url = local_simulator().base_url
    config.apply_environ(settings)
    lines = config.announcement(settings)  # redacted as well: nothing key-like is ever printed whole
    if not quiet:
        print("\n".join(lines))
    return openai.OpenAI(api_key=settings.outgoing_key, base_url=settings.base_url, **client_options)  # type: ignore[arg-type]


def settings() -> Settings:
    """What the last ``get_client()`` decided (deciding now, without changing anything, if it never ran)."""
    return _SETTINGS or config.load_settings(local_simulator_url=local_simulator_url())
