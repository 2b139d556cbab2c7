"""Model names: defaults, the retirement table and the guard that warns about it.

Introduced in lesson 01 (key setup) and used again in lesson 02, where the guide's
``gpt-3.5-turbo`` gets the 404 that a retired model gets today.

Model names come from configuration (``OPENAI_MODEL``, ``OPENAI_VISION_MODEL``,
``OPENAI_EMBEDDING_MODEL``), never from literals scattered through notebooks. The table itself
lives with the offline simulator (``helpers/offline/data/catalog.py``), which answers retired models with the same 404;
:func:`sdk_shutdown_dates` reads the installed SDK's deprecation notes so the simulator,
this guard and the tests agree with the SDK.
"""

from __future__ import annotations

import datetime as _dt
import warnings

from .messages import Message, message
from .offline.data.catalog import (
    DEFAULT_EMBEDDING_MODEL,
    DEFAULT_MODEL,
    DEFAULT_VISION_MODEL,
    RETIREMENTS,
    Retirement,
    current_models,
    is_retired,
    replacement_for,
    sdk_chat_models,
    sdk_shutdown_dates,
    sdk_unsupported,
    shutdown_date,
)

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "DEFAULT_MODEL",
    "DEFAULT_VISION_MODEL",
    "RETIREMENTS",
    "WARN_AHEAD_DAYS",
    "RetiredModelWarning",
    "Retirement",
    "check_model",
    "current_models",
    "is_retired",
    "replacement_for",
    "retirement_warning",
    "sdk_chat_models",
    "sdk_shutdown_dates",
    "sdk_unsupported",
    "shutdown_date",
]

#: How far ahead a shutdown date makes the guard warn ("about to be retired").
WARN_AHEAD_DAYS = 180

RETIRED = message(
    "Model '{model}' was retired on {when}: requests to it fail with 404. Use '{new}' (set OPENAI_MODEL in .env).",
    "模型 '{model}' 已于 {when} 停用，请求会返回 404。请改用 '{new}'（在 .env 里设置 OPENAI_MODEL）。",
)
RETIRING = message(
    "Model '{model}' is deprecated and shuts down on {when}. Switch to '{new}' soon.",
    "模型 '{model}' 已弃用，将于 {when} 停用，请尽快改用 '{new}'。",
)


def retirement_message(model: str, today: _dt.date | None = None) -> Message | None:
    """The warning (both languages) when ``model`` is retired or retires soon, else ``None``."""
    today = today or _dt.date.today()
    when = shutdown_date(model)
    if when is None or (when - today).days > WARN_AHEAD_DAYS:
        return None
    text = RETIRED if when <= today else RETIRING
    return text.format(model=model, when=when, new=replacement_for(model))


def retirement_warning(model: str, today: _dt.date | None = None) -> str | None:
    """A warning (in the reader's language) when ``model`` is retired or retires soon, else ``None``."""
    found = retirement_message(model, today)
    return None if found is None else str(found)


class RetiredModelWarning(UserWarning):
    """Warned when configuration names a retired or soon-retired model."""


def check_model(model: str, today: _dt.date | None = None) -> bool:
    """Warn (in the reader's language) if ``model`` is retired or about to be; return True if fine."""
    warning = retirement_warning(model, today)
    if warning:
        warnings.warn(warning, RetiredModelWarning, stacklevel=2)
        return False
    return True
