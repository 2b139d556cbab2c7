"""Ids and timestamps the simulator derives from a request: the same request, the same bytes."""

from __future__ import annotations

import hashlib
import json

#: Every object the simulator creates says it was created at this moment (2026-01-01
#: 00:00 UTC), so the same request gives the same bytes.
CREATED = 1767225600


def request_id(*parts: object) -> str:
    """A short id derived from the request, stable across runs."""
    return _digest(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str))


def body_ids(body: dict, *tags: str) -> tuple[str, ...]:
    """``request_id(tag, body)`` for each tag, serializing the body once (not once per id)."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    # json.dumps([tag, body]) is exactly "[" + dumps(tag) + ", " + dumps(body) + "]".
    return tuple(_digest(f"[{json.dumps(tag, ensure_ascii=False)}, {canonical}]") for tag in tags)


def _digest(canonical: str) -> str:
    return hashlib.sha256(canonical.encode()).hexdigest()[:24]
