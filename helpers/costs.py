"""Recording ``usage`` per call and turning it into a cost estimate.

Introduced in lesson 05 (best practices: cost control), after the lesson reads
``response.usage`` by hand. Prices change: the table below carries the date it was
checked, and every estimate says it is an estimate. Billing truth is the Usage page.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .messages import message

#: When the price table was last checked against the public pricing page.
PRICES_CHECKED = "2026-11-27"


@dataclass(frozen=True)
class Price:
    """US dollars per one million tokens."""

    input: float
    cached_input: float
    output: float


# Standard processing, context under 270K tokens, USD per 1M tokens.
PRICES: dict[str, Price] = {
    "gpt-5.5": Price(5.00, 0.50, 30.00),
    "gpt-5.4": Price(2.50, 0.25, 15.00),
    "gpt-5.4-mini": Price(0.75, 0.075, 4.50),
    "gpt-5.4-nano": Price(0.20, 0.02, 1.25),
    "gpt-5.2": Price(1.75, 0.175, 14.00),
    "gpt-5.1": Price(1.25, 0.125, 10.00),
    # Older chat model the lessons use where max_tokens must still work (lesson 07). OpenAI's pricing page no
    # longer lists the gpt-4o family; this row is from a reading of it published 2026-11-06 (api-evangelist,
    # "OpenAI API Pricing: What Every Model Costs Per Million Tokens"), cross-checked with two price tables of 2026.
    "gpt-4o-mini": Price(0.15, 0.075, 0.60),
}


NO_PRICE = message(
    "No price for model {model!r}. Add it with helpers.costs.PRICES[name] = Price(input, cached_input, output) "
    "(USD per 1M tokens).",
    "价格表里没有模型 {model!r}：请用 helpers.costs.PRICES[name] = Price(input, cached_input, output) 添加"
    "（单位：美元 / 百万 token）。",
)
NOT_A_NAME = message("The model name must be a str such as 'gpt-5.4-mini', got {kind}.",
                     "模型名必须是字符串（例如 'gpt-5.4-mini'），收到的是 {kind}。")
BAD_TOKENS = message("{name} must be a whole number >= 0, got {value!r}.", "{name} 必须是大于等于 0 的整数，收到 {value!r}。")
CACHED_ABOVE = message("cached_tokens cannot exceed input_tokens: check the two counts.",
                       "cached_tokens 不能大于 input_tokens：请检查这两个数。")
NO_USAGE = message(
    "This response has no usage: pass the object that create() returned; for a stream, set "
    "stream_options={{'include_usage': True}} and record the last chunk.",
    "该响应没有 usage 信息：请传入 create() 返回的对象；流式调用请设置 "
    "stream_options={{'include_usage': True}} 并记录最后一个 chunk。",
)


class UnknownPriceError(KeyError):
    """The model is not in the price table."""

    def __str__(self) -> str:
        return str(NO_PRICE.format(model=self.args[0]))


def family_name(model: str) -> str:
    """``model`` without a dated snapshot suffix (``gpt-5.4-mini-2026-03-17`` -> ``gpt-5.4-mini``).

    Replies name the snapshot an alias resolved to, so a price or a message about a reply's model
    goes by its family: the name a learner adds to :data:`PRICES`."""
    return re.sub(r"-\d{4}-\d{2}-\d{2}$", "", model)


def price_for(model: str) -> Price:
    """The price of ``model``; a dated snapshot name (``gpt-5.4-mini-2026-03-17``) uses its family's."""
    if not isinstance(model, str):
        raise TypeError(str(NOT_A_NAME.format(kind=type(model).__name__)))
    # Only a dated snapshot shares its family's price: "gpt-5.4-mni" (a typo) is not "gpt-5.4".
    price = PRICES.get(model) or PRICES.get(family_name(model))
    if price is None:
        raise UnknownPriceError(family_name(model))
    return price


def estimate_cost(model: str, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> float:
    """Estimated US dollars for one call (cached input tokens are billed at the cached rate)."""
    for name, value in (("input_tokens", input_tokens), ("output_tokens", output_tokens), ("cached_tokens", cached_tokens)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(str(BAD_TOKENS.format(name=name, value=value)))
    if cached_tokens > input_tokens:
        raise ValueError(str(CACHED_ABOVE))
    price = price_for(model)
    fresh = input_tokens - cached_tokens
    return (fresh * price.input + cached_tokens * price.cached_input + output_tokens * price.output) / 1_000_000


@dataclass(frozen=True)
class UsageRecord:
    """One call's usage, whichever API answered it."""

    model: str
    input_tokens: int
    output_tokens: int
    cached_tokens: int = 0
    label: str = ""

    @property
    def cost(self) -> float:
        return estimate_cost(self.model, self.input_tokens, self.output_tokens, self.cached_tokens)


def usage_of(response: Any) -> UsageRecord:
    """A :class:`UsageRecord` from a Chat Completions or Responses result."""
    usage = getattr(response, "usage", None)
    if usage is None:
        raise ValueError(str(NO_USAGE.format()))
    if hasattr(usage, "prompt_tokens"):  # Chat Completions
        details = getattr(usage, "prompt_tokens_details", None)
        cached = getattr(details, "cached_tokens", 0) or 0
        return UsageRecord(response.model, usage.prompt_tokens, usage.completion_tokens, cached)
    details = getattr(usage, "input_tokens_details", None)  # Responses API
    cached = getattr(details, "cached_tokens", 0) or 0
    return UsageRecord(response.model, usage.input_tokens, usage.output_tokens, cached)


@dataclass
class UsageLog:
    """Every call's usage, safe to share between threads."""

    records: list[UsageRecord] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, response: Any, label: str = "") -> UsageRecord:
        """Add the usage of ``response`` and return it."""
        entry = usage_of(response)
        if label:
            entry = UsageRecord(entry.model, entry.input_tokens, entry.output_tokens, entry.cached_tokens, label)
        with self._lock:
            self.records.append(entry)
        return entry

    @property
    def total_cost(self) -> float:
        with self._lock:
            return sum(r.cost for r in self.records)

    def by_model(self) -> dict[str, dict[str, float]]:
        """Calls, tokens and estimated cost per model family (a reply names its dated snapshot:
        ``gpt-5.4-mini-2026-03-17`` is counted under ``gpt-5.4-mini``, the name it is priced by)."""
        table: dict[str, dict[str, float]] = defaultdict(lambda: {"calls": 0, "input_tokens": 0, "output_tokens": 0, "cost": 0.0})
        with self._lock:
            for r in self.records:
                row = table[family_name(r.model)]
                row["calls"] += 1
                row["input_tokens"] += r.input_tokens
                row["output_tokens"] += r.output_tokens
                row["cost"] += r.cost
        return dict(table)
