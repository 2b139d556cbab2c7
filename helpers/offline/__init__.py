"""The kit's offline simulator of the OpenAI API.

It runs in-process for a notebook or the test suite (:func:`start_simulator`) and
standalone for a classroom (``python -m helpers.offline --port 8000``). See
``wire/faults.py`` for injected faults and ``wire/server.py`` for latency. The package is laid out
by concern: ``wire/`` (server, request reading, errors, faults), ``endpoints/`` (one module per
endpoint), ``behaviour/`` (what a reply says) and ``data/`` (catalog, capabilities, parameters,
profiles).

The simulator is self-contained: it imports nothing from the rest of ``helpers``. The
names below load on first use, so importing this package (as configuration does) loads
no server, tokenizer or model table.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .data import catalog, profiles
    from .behaviour import tokenizer
    from .wire.constants import (
        INVALID_KEY,
        LATENCY_HEADER,
        MAX_LATENCY_MS,
        MAX_TOKEN_LATENCY_MS,
        OFFLINE_KEY,
        TOKEN_LATENCY_HEADER,
    )
    from .wire.faults import HEADER as FAULT_HEADER
    from .wire.net import is_loopback
    from .data.profiles import HEADER as PROFILE_HEADER
    from .data.profiles import PROFILES
    from .wire.server import Simulator

# Exported name -> (module, attribute); attribute None means the module itself.
_EXPORTS: dict[str, tuple[str, str | None]] = {
    "FAULT_HEADER": ("wire.faults", "HEADER"),
    "INVALID_KEY": ("wire.constants", "INVALID_KEY"),
    "LATENCY_HEADER": ("wire.constants", "LATENCY_HEADER"),
    "MAX_LATENCY_MS": ("wire.constants", "MAX_LATENCY_MS"),
    "MAX_TOKEN_LATENCY_MS": ("wire.constants", "MAX_TOKEN_LATENCY_MS"),
    "OFFLINE_KEY": ("wire.constants", "OFFLINE_KEY"),
    "PROFILES": ("data.profiles", "PROFILES"),
    "PROFILE_HEADER": ("data.profiles", "HEADER"),
    "Simulator": ("wire.server", "Simulator"),
    "TOKEN_LATENCY_HEADER": ("wire.constants", "TOKEN_LATENCY_HEADER"),
    "catalog": ("data.catalog", None),
    "is_loopback": ("wire.net", "is_loopback"),
    "profiles": ("data.profiles", None),
    "tokenizer": ("behaviour.tokenizer", None),
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
    from .wire.server import Simulator

    return Simulator(**settings).start()  # type: ignore[arg-type]
