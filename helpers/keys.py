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
    if key is not None and not isinstance(key, str):
        # The value itself is never echoed: it may be a key in the wrong wrapper (bytes, a list).
        raise TypeError(
            f"mask_key() needs the key as a str: pass the text of the key, not {type(key).__name__}. "
            f"/ mask_key() 需要字符串形式的密钥，收到的是 {type(key).__name__}。"
        )
    key = key.strip() if key else ""
    if not key:
        return "(none)"
    match = _PREFIX.match(key)
    prefix = match.group(1) if match else ""
    if len(key) - len(prefix) < 12:
        return f"{prefix}…"
    return f"{prefix}…{key[-4:]}"
