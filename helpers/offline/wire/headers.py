"""Response headers every simulator answer carries, and the per-process draw counter for sampling."""

from __future__ import annotations

import threading

#: Sent as ``x-kit-marker: moved`` when a reply's offline marker left the text, because the request
#: constrains the format (JSON, a label, a case, a length, a start or end...); the answer still says
#: ``x-kit-source: simulated`` and ``system_fingerprint: fp_offline``.
MARKER_HEADER = "x-kit-marker"

RATE_LIMIT_REQUESTS = 10_000
RATE_LIMIT_TOKENS = 10_000_000


def clamp_ms(value: float, cap: float) -> float:
    """A latency in milliseconds kept within 0..``cap`` (NaN: 0), for the headers and the settings alike."""
    return min(max(value, 0.0), cap) if value == value else 0.0


def rate_headers(body: bytes) -> dict[str, str]:
    # Stateless, like everything here: the remaining token budget reflects this request.
    estimate = max(1, len(body) // 4)
    return {**_RATE_REQUESTS, "x-ratelimit-remaining-tokens": str(RATE_LIMIT_TOKENS - estimate), "x-ratelimit-reset-tokens": "0s"}


#: The first four rate-limit headers, the same for every request (in this order).
_RATE_REQUESTS = {
    "x-ratelimit-limit-requests": str(RATE_LIMIT_REQUESTS),
    "x-ratelimit-remaining-requests": str(RATE_LIMIT_REQUESTS - 1),
    "x-ratelimit-reset-requests": "6ms",
    "x-ratelimit-limit-tokens": str(RATE_LIMIT_TOKENS),
}


def marker_headers(outcomes: list) -> dict[str, str]:
    """``x-kit-marker: moved`` when any reply moved its offline marker out of the text."""
    return {MARKER_HEADER: "moved"} if any(getattr(o, "marker", "text") == "header" for o in outcomes) else {}


class Draws:
    """How often this server has answered each canonical request: the sampling draw.

    With sampling on (temperature and top_p above 0, no seed), the n-th identical request gets
    draw n, so repeated requests are worded differently, in the same order in every process: a
    notebook run from the top reproduces its stored outputs. At most ``limit`` requests are
    remembered (then the count starts again), so a long-running server does not grow.
    """

    def __init__(self, limit: int = 100_000) -> None:
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._limit = limit

    def clear(self) -> None:
        """Forget every count: the next request starts its sequence again (a fresh process would)."""
        with self._lock:
            self._counts.clear()

    def next(self, key: str) -> int:
        with self._lock:
            if len(self._counts) >= self._limit and key not in self._counts:
                self._counts.clear()
            draw = self._counts.get(key, 0)
            self._counts[key] = draw + 1
            return draw
