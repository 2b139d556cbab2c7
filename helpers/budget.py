"""A budget guard: refuse a call *before* it could push spending past a limit.

Introduced in lesson 05 (best practices: cost control). Before each call the guard
reserves the worst case (the prompt's tokens plus the ``max_completion_tokens`` you
allow); after the call it replaces the reservation by the real cost from ``usage``. The
lock makes it safe when many threads spend from one budget.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .costs import estimate_cost, usage_of
from .messages import message

BAD_LIMIT = message(
    "limit_usd must be a finite number of US dollars >= 0 (for example 0.05), got {limit!r}.",
    "limit_usd 必须是大于等于 0 的有限美元金额（例如 0.05），收到 {limit!r}。",
)
REFUSED = message(
    "Refused: this call may cost up to ${worst:.6f} but only ${left:.6f} of ${limit:.6f} is left. "
    "Raise the limit or lower max_completion_tokens.",
    "已拒绝：本次调用最多可能花费 ${worst:.6f}，而 ${limit:.6f} 的预算只剩 ${left:.6f}。"
    "请提高预算，或调低 max_completion_tokens。",
)
BAD_COUNT = message(
    "{name} must be a whole number >= {low}, got {value!r}: the guard needs it to reserve the worst case.",
    "{name} 必须是大于等于 {low} 的整数，收到 {value!r}：预算守卫要用它预留最坏情况的花费。",
)


class BudgetExceeded(RuntimeError):
    """Raised instead of sending a call that could cross the limit."""


class BudgetGuard:
    """Spend at most ``limit_usd`` (estimated) across all calls made through it."""

    def __init__(self, limit_usd: float) -> None:
        # NaN would compare False with everything and so never refuse: it is rejected too.
        if isinstance(limit_usd, bool) or not isinstance(limit_usd, (int, float)) or not 0 <= limit_usd < math.inf:
            raise ValueError(str(BAD_LIMIT.format(limit=limit_usd)))
        self.limit = float(limit_usd)
        self.spent = 0.0
        self.reserved = 0.0
        self.refused = 0
        self._lock = threading.Lock()

    @property
    def remaining(self) -> float:
        with self._lock:
            return self.limit - self.spent - self.reserved

    @contextmanager
    def reserve(self, model: str, input_tokens: int, max_output_tokens: int) -> Iterator[dict[str, Any]]:
        """Hold the worst-case cost while a call runs; raise :class:`BudgetExceeded` if it does not fit.

        Put the call's response in the yielded dict as ``slot["response"]`` and the real cost
        replaces the reservation; if the call fails, the reservation is released.
        """
        worst = estimate_cost(model, input_tokens, max_output_tokens)
        with self._lock:
            if self.spent + self.reserved + worst > self.limit:
                self.refused += 1
                left = self.limit - self.spent - self.reserved
                raise BudgetExceeded(str(REFUSED.format(worst=worst, left=left, limit=self.limit)))
            self.reserved += worst
        slot: dict[str, Any] = {}
        try:
            yield slot
        finally:
            actual = estimate_cost_of(slot.get("response"))
            with self._lock:
                self.reserved -= worst
                self.spent += actual

    def create(self, client: Any, *, model: str, messages: list[dict[str, Any]], max_completion_tokens: int, **params: Any) -> Any:
        """``client.chat.completions.create`` behind the guard (``max_completion_tokens`` is required).

        The worst case is the prompt's text tokens plus ``n`` times ``max_completion_tokens``
        (images in ``messages`` are not estimated: leave room for them in the limit).
        """
        from .tokens import count_message_tokens

        for name, value, low in (("max_completion_tokens", max_completion_tokens, 1), ("n", params.get("n", 1), 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(str(BAD_COUNT.format(name=name, low=low, value=value)))
        choices = params.get("n") or 1
        with self.reserve(model, count_message_tokens(messages), max_completion_tokens * choices) as slot:
            slot["response"] = client.chat.completions.create(
                model=model, messages=messages, max_completion_tokens=max_completion_tokens, **params
            )
        return slot["response"]


def estimate_cost_of(response: Any) -> float:
    """The estimated cost of a finished call (0 when there is no response)."""
    if response is None:
        return 0.0
    record = usage_of(response)
    return record.cost
