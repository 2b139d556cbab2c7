"""Showing a key without revealing it.

Introduced in lesson 01 (key setup): the banner of ``get_client()`` shows the key as
``sk-proj-…abcd``, enough to tell two keys apart, never enough to use one.
"""

from __future__ import annotations

import re

# Known prefixes we keep visible: they say what kind of key it is, not the secret.
_PREFIX = re.compile(r"^(sk-(?:proj|svcacct|admin|or-v1|ant)-|sk-|gsk_|xai-)")


def mask_key(key: str | None) -> str:
    """``sk-proj-…abcd`` for a key; ``(none)`` when there is none.

    When the secret part (after a known prefix) is under 12 characters, no character of
    it is shown at all.
    """
    key = (key or "").strip()
    if not key:
        return "(none)"
    match = _PREFIX.match(key)
    prefix = match.group(1) if match else ""
    if len(key) - len(prefix) < 12:
        return f"{prefix}…"
    return f"{prefix}…{key[-4:]}"
