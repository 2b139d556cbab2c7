"""Helpers for the OpenAI notebook kit.

Each helper packages something a lesson first shows raw, and says in its docstring where
it is introduced. Read any of them in a notebook with ``helper??``.
"""

from .client import banner, get_client, settings
from .config import Settings, load_settings
from .explain import explained
from .keys import mask_key
from .models import DEFAULT_MODEL, DEFAULT_VISION_MODEL, check_model, retirement_warning
from .tokens import count_message_tokens, count_tokens

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_VISION_MODEL",
    "Settings",
    "banner",
    "check_model",
    "count_message_tokens",
    "count_tokens",
    "explained",
    "get_client",
    "load_settings",
    "mask_key",
    "retirement_warning",
    "settings",
]
