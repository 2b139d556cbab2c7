"""What each student used, and the limits the teacher set: requests per minute, tokens, dollars.

A budget stops *new* upstream requests once it is reached; an answer already on its way
finishes, so spending can pass a budget by the last answers. Answers the relay already has
(a shared in-flight answer, a kept or recorded one) cost nothing upstream: they count as a
request of the student (and towards the rpm limit) but not towards tokens or dollars, which
are charged to the student whose request went upstream. Prices come from ``helpers.costs``
(a dated table: every cost here is an estimate).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from ..costs import PRICES, PRICES_CHECKED, UnknownPriceError, estimate_cost, price_for
from ..offline.wire.errors import SimError

WINDOW = 60.0  # seconds of the requests-per-minute window


@dataclass(frozen=True)
class Limits:
    """The teacher's limits; None means no limit."""

    rpm: int | None = None
    student_tokens: int | None = None
    student_usd: float | None = None
    total_usd: float | None = None

    @property
    def counts_dollars(self) -> bool:
        return self.student_usd is not None or self.total_usd is not None


@dataclass
class Usage:
    """One upstream answer's usage, from its ``usage`` object."""

    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    @property
    def cost(self) -> float | None:
        try:
            return estimate_cost(self.model, self.input_tokens, self.output_tokens, min(self.cached_tokens, self.input_tokens))
        except (UnknownPriceError, ValueError, TypeError):
            return None


def usage_from(body: object) -> Usage | None:
    """Usage from a JSON answer: Chat Completions, Responses, embeddings, or a stream's last event."""
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("response"), dict):  # Responses stream: response.completed carries the response
        body = body["response"]
    usage = body.get("usage")
    if not isinstance(usage, dict):
        return None

    def count(*names: str, within: str | None = None) -> int:
        where = usage.get(within) if within else usage
        for name in names:
            value = where.get(name) if isinstance(where, dict) else None
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value
        return 0

    inputs = count("prompt_tokens", "input_tokens")
    outputs = count("completion_tokens", "output_tokens")
    cached = count("cached_tokens", within="prompt_tokens_details") or count("cached_tokens", within="input_tokens_details")
    return Usage(str(body.get("model") or ""), inputs, outputs, cached)


@dataclass
class Student:
    name: str
    requests: int = 0
    upstream: int = 0  # requests that went upstream on this student's account
    shared: int = 0  # answered from an in-flight, kept or recorded answer
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    unpriced: int = 0  # answers whose model has no price in helpers.costs
    errors: int = 0  # error answers from upstream (or upstream unreachable)
    refused: int = 0  # refused by the relay's limits
    recent: deque = field(default_factory=deque)  # monotonic times, for rpm

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens


def _limit_error(what_en: str, what_zh: str, retry_after: float | None = None) -> SimError:
    """429 like the API's: a rate limit (retry later) or a quota (no retry heals it)."""
    message = (f"{what_en} Ask your teacher if you need more. / {what_zh}如需更多额度，请询问老师。")
    if retry_after is not None:
        wait = max(1, int(retry_after + 0.999))
        return SimError(429, message, type="requests", code="rate_limit_exceeded",
                        headers={"retry-after": str(wait), "retry-after-ms": str(wait * 1000),
                                 "x-ratelimit-remaining-requests": "0"})
    return SimError(429, message, type="insufficient_quota", code="insufficient_quota",
                    headers={"x-should-retry": "false"})  # the SDK then does not retry in vain


class Ledger:
    """Per-student counters and the limit checks; safe to share between threads."""

    def __init__(self, limits: Limits, names: list[str], clock=time.monotonic) -> None:
        self.limits = limits
        self.students = {name: Student(name) for name in names}
        self.total_cost = 0.0
        self.upstream_requests = 0
        self._clock = clock
        self._lock = threading.Lock()

    def arrive(self, name: str) -> None:
        """Count a request and apply the rpm limit (raises SimError 429)."""
        now = self._clock()
        with self._lock:
            student = self.students[name]
            recent = student.recent
            while recent and now - recent[0] >= WINDOW:
                recent.popleft()
            rpm = self.limits.rpm
            if rpm is not None and len(recent) >= rpm:
                student.refused += 1
                raise _limit_error(f"Rate limit reached for {name}: the teacher set {rpm} requests per minute "
                                   f"(--rpm {rpm}). Please try again in {WINDOW - (now - recent[0]):.0f}s.",
                                   f"{name} 已达到速率限制：老师设定每分钟最多 {rpm} 次请求（--rpm {rpm}）。"
                                   f"请 {WINDOW - (now - recent[0]):.0f} 秒后再试。", WINDOW - (now - recent[0]))
            recent.append(now)
            student.requests += 1

    def check_budget(self, name: str, model: object) -> None:
        """Before a new upstream request: refuse (429, or 400 for an unpriced model) when a budget is used up."""
        limits = self.limits
        with self._lock:
            student = self.students[name]
            problem = None
            if limits.total_usd is not None and self.total_cost >= limits.total_usd:
                problem = (f"The class budget is used up: the teacher set ${limits.total_usd:g} in total (--total-usd) "
                           f"and ${self.total_cost:.4f} is spent (estimate, prices of {PRICES_CHECKED}).",
                           f"全班预算已用完：老师设定总额 ${limits.total_usd:g}（--total-usd），已花费约 "
                           f"${self.total_cost:.4f}（估算，价格表日期 {PRICES_CHECKED}）。")
            elif limits.student_usd is not None and student.cost >= limits.student_usd:
                problem = (f"{name} has used up their budget: the teacher set ${limits.student_usd:g} per student "
                           f"(--student-usd) and ${student.cost:.4f} is spent (estimate).",
                           f"{name} 的预算已用完：老师设定每人 ${limits.student_usd:g}（--student-usd），"
                           f"已花费约 ${student.cost:.4f}（估算）。")
            elif limits.student_tokens is not None and student.tokens >= limits.student_tokens:
                problem = (f"{name} has used up their tokens: the teacher set {limits.student_tokens} tokens per "
                           f"student (--student-tokens) and {student.tokens} are used.",
                           f"{name} 的 token 额度已用完：老师设定每人 {limits.student_tokens} 个 token"
                           f"（--student-tokens），已用 {student.tokens} 个。")
            if problem:
                student.refused += 1
                raise _limit_error(*problem)
        if limits.counts_dollars and isinstance(model, str):
            try:
                price_for(model)
            except UnknownPriceError:
                with self._lock:
                    student.refused += 1
                raise SimError(400, f"The teacher set a dollar budget, and the relay has no price for the model "
                                    f"'{model}', so it cannot count its cost. Use a model in helpers/costs.py "
                                    f"({', '.join(sorted(PRICES))}), or ask your teacher. / 老师设定了美元预算，而中转服务"
                                    f"没有模型 '{model}' 的价格，无法计算费用。请改用 helpers/costs.py 中有价格的模型，"
                                    f"或询问老师。", param="model", code="model_not_priced") from None

    def charge(self, name: str, usage: Usage | None) -> None:
        """An upstream answer on ``name``'s account."""
        with self._lock:
            student = self.students[name]
            student.upstream += 1
            self.upstream_requests += 1
            if usage is None:
                return
            student.input_tokens += usage.input_tokens
            student.output_tokens += usage.output_tokens
            cost = usage.cost
            if cost is None:
                student.unpriced += 1
            else:
                student.cost += cost
                self.total_cost += cost

    def note(self, name: str, *, shared: bool = False, error: bool = False) -> None:
        with self._lock:
            student = self.students[name]
            student.shared += shared
            student.errors += error

    def snapshot(self) -> dict:
        """The teacher's view: per student, and the class in total (no key anywhere)."""
        limits = self.limits
        with self._lock:
            rows = {}
            for s in self.students.values():
                rows[s.name] = {
                    "requests": s.requests, "upstream": s.upstream, "shared": s.shared,
                    "input_tokens": s.input_tokens, "output_tokens": s.output_tokens, "tokens": s.tokens,
                    "cost_usd": round(s.cost, 6), "unpriced_answers": s.unpriced, "errors": s.errors, "refused": s.refused,
                    "tokens_left": None if limits.student_tokens is None else max(0, limits.student_tokens - s.tokens),
                    "usd_left": None if limits.student_usd is None else round(max(0.0, limits.student_usd - s.cost), 6),
                }
            total = {
                "requests": sum(s.requests for s in self.students.values()),
                "upstream_requests": self.upstream_requests,
                "cost_usd": round(self.total_cost, 6),
                "usd_left": None if limits.total_usd is None else round(max(0.0, limits.total_usd - self.total_cost), 6),
                "prices_checked": PRICES_CHECKED,
            }
        return {"limits": {"rpm": limits.rpm, "student_tokens": limits.student_tokens,
                           "student_usd": limits.student_usd, "total_usd": limits.total_usd},
                "students": rows, "total": total}

