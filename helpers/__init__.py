"""Helpers for the OpenAI notebook kit.

Each helper packages something a lesson first shows raw, and says in its docstring where
it is introduced. Read any of them in a notebook with ``helper??``.

The names below load on first use (``helpers.get_client`` imports the client then), so
``import helpers`` is quick and loads no simulator module until a lesson goes offline.
Submodules are reachable as attributes too (``helpers.offline.INVALID_KEY``).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import banner, get_client, settings
    from .config import Settings, load_settings
    from .explain import explained
    from .keys import mask_key
    from .source import answer_source
    from .models import DEFAULT_EMBEDDING_MODEL, DEFAULT_MODEL, DEFAULT_VISION_MODEL, check_model, retirement_warning
    from .providers import missing_model
    from .tokens import count_message_tokens, count_tokens

# Exported name -> the submodule defining it.
_EXPORTS: dict[str, str] = {
    "DEFAULT_EMBEDDING_MODEL": "models",
    "DEFAULT_MODEL": "models",
    "DEFAULT_VISION_MODEL": "models",
    "Settings": "config",
    "answer_source": "source",
    "banner": "client",
    "check_model": "models",
    "count_message_tokens": "tokens",
    "count_tokens": "tokens",
    "explained": "explain",
    "get_client": "client",
    "load_settings": "config",
    "mask_key": "keys",
    "missing_model": "providers",
    "retirement_warning": "models",
    "settings": "client",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Load an exported name (or a submodule such as ``helpers.offline``) on first use."""
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    elif not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
