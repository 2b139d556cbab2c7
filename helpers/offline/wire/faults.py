"""Injected faults: one header, decided statelessly.

A request asks for a fault with the ``x-offline-fault`` header::

    x-offline-fault: rate_limit; times=1; retry_after=0.2

``times=N`` makes the fault hit only the first N attempts: the SDK numbers its attempts in
``x-stainless-retry-count`` (0, 1, 2), so "fails once, the SDK retries, then succeeds"
works without any counter on the server, even when a whole room shares one simulator.
Without ``times`` every attempt fails. Send it per call with
``extra_headers={"x-offline-fault": "..."}`` or for a whole client with
``OpenAI(default_headers=...)`` or the SDK's ``OPENAI_CUSTOM_HEADERS`` variable.

Kinds:

``rate_limit``   429 ``rate_limit_exceeded`` with ``retry-after``/``retry-after-ms`` (``retry_after=`` seconds, default 1)
``quota``        429 ``insufficient_quota`` (retrying cannot heal it)
``server_error`` 500
``overloaded``   503
``slow``         answers normally after ``seconds=`` (default 5) - for timeout lessons
``disconnect``   closes the connection without an answer - a network failure
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import SimError

HEADER = "x-offline-fault"
KINDS = ("rate_limit", "quota", "server_error", "overloaded", "slow", "disconnect")
MAX_SLOW_SECONDS = 120.0


@dataclass
class Fault:
    kind: str
    times: int | None = None
    retry_after: float = 1.0
    seconds: float = 5.0

    def applies(self, attempt: int) -> bool:
        return self.times is None or attempt < self.times


def parse(value: str | None) -> Fault | None:
    """Read the header; a malformed one is a 400 that says how to write it."""
    if not value or not value.strip():
        return None
    kind, *options = [p.strip() for p in value.split(";")]
    if kind not in KINDS:
        raise SimError(400, f"Unknown {HEADER} '{kind}'. Use one of: {', '.join(KINDS)} (e.g. 'rate_limit; times=1').", param=HEADER)
    fault = Fault(kind)
    for option in filter(None, options):
        name, _, raw = option.partition("=")
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise SimError(400, f"Bad {HEADER} option '{option}': expected name=number.", param=HEADER)
        if name == "times" and 0 <= number <= 100:
            fault.times = int(number)
        elif name == "retry_after" and 0 <= number <= 3600:
            fault.retry_after = number
        elif name == "seconds" and 0 <= number <= MAX_SLOW_SECONDS:
            fault.seconds = number
        else:
            raise SimError(400, f"Bad {HEADER} option '{option}': use times=N, retry_after=S or seconds=S (S <= {MAX_SLOW_SECONDS:g}).", param=HEADER)
    return fault


def error_for(fault: Fault) -> SimError | None:
    """The error answer for ``fault`` (``None`` for faults that are not an answer)."""
    if fault.kind == "rate_limit":
        return SimError(
            429,
            "Rate limit reached for requests (offline simulation). Please try again in "
            f"{fault.retry_after:g}s.",
            type="requests",
            code="rate_limit_exceeded",
            headers={"retry-after": f"{fault.retry_after:g}", "retry-after-ms": str(int(fault.retry_after * 1000)),
                     "x-ratelimit-remaining-requests": "0"},
        )
    if fault.kind == "quota":
        return SimError(
            429,
            "You exceeded your current quota, please check your plan and billing details. (offline simulation)",
            type="insufficient_quota",
            code="insufficient_quota",
        )
    if fault.kind == "server_error":
        return SimError(500, "The server had an error while processing your request. Sorry about that! (offline simulation)", type="server_error")
    if fault.kind == "overloaded":
        return SimError(503, "The engine is currently overloaded, please try again later. (offline simulation)", type="server_error")
    return None
