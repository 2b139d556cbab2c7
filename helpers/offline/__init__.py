"""The kit's offline simulator of the OpenAI API.

It runs in-process for a notebook or the test suite (:func:`start_simulator`) and
standalone for a classroom (``python -m helpers.offline --port 8000``). See
``helpers/offline/faults.py`` for injected faults and ``server.py`` for latency.

The simulator is self-contained: it imports nothing from the rest of ``helpers``. The
names below load on first use, so importing this package (as configuration does) loads
no server, tokenizer or model table.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import catalog, profiles, tokenizer
    from .constants import (
        INVALID_KEY,
        LATENCY_HEADER,
        MAX_LATENCY_MS,
        MAX_TOKEN_LATENCY_MS,
        OFFLINE_KEY,
        TOKEN_LATENCY_HEADER,
    )
    from .faults import HEADER as FAULT_HEADER
    from .net import is_loopback
    from .profiles import HEADER as PROFILE_HEADER
    from .profiles import PROFILES
    from .server import Simulator

# Exported name -> (module, attribute); attribute None means the module itself.
_EXPORTS: dict[str, tuple[str, str | None]] = {
    "FAULT_HEADER": ("faults", "HEADER"),
    "INVALID_KEY": ("constants", "INVALID_KEY"),
    "LATENCY_HEADER": ("constants", "LATENCY_HEADER"),
    "MAX_LATENCY_MS": ("constants", "MAX_LATENCY_MS"),
    "MAX_TOKEN_LATENCY_MS": ("constants", "MAX_TOKEN_LATENCY_MS"),
    "OFFLINE_KEY": ("constants", "OFFLINE_KEY"),
    "PROFILES": ("profiles", "PROFILES"),
    "PROFILE_HEADER": ("profiles", "HEADER"),
    "Simulator": ("server", "Simulator"),
    "TOKEN_LATENCY_HEADER": ("constants", "TOKEN_LATENCY_HEADER"),
    "catalog": ("catalog", None),
    "is_loopback": ("net", "is_loopback"),
    "profiles": ("profiles", None),
    "tokenizer": ("tokenizer", None),
}

__all__ = sorted([*_EXPORTS, "start_simulator"])


def __getattr__(name: str) -> Any:
    """Load an exported name's module on first use."""
    try:
        module_name, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module = importlib.import_module(f"{__name__}.{module_name}")
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


def start_simulator(**settings: object) -> Simulator:
    """Start a simulator on loopback on a free port, in a daemon thread."""
    from .server import Simulator

    return Simulator(**settings).start()  # type: ignore[arg-type]
