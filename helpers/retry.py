"""Application-level retries with tenacity, for errors that a retry can heal.

Introduced in lesson 05 (best practices: performance), after the SDK's own
``max_retries``. Use it with ``max_retries=0`` on the client, so the two do not multiply.
Retried: connection errors and timeouts, 408, 409, 429 rate limits and 5xx. Never
retried: 400/401/403/404/422 (the request itself is wrong), 429 ``insufficient_quota`` and a 429 for a
reached hard spend limit (``project_spend_limit_exceeded``, ``organization_spend_limit_exceeded``)
(only billing heals it). A ``retry-after`` header, when present, sets the wait.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from .explain import SPEND_LIMIT_CODES
from .messages import message

NO_EXTRA_HEADERS = message(
    "call_with_retries() needs an SDK method such as client.chat.completions.create as fn (it adds extra_headers "
    "to each try), but {name}() takes no extra_headers argument. Pass the method itself and its arguments: "
    "call_with_retries(client.chat.completions.create, model=..., messages=...).",
    "fn 必须是 SDK 方法（例如 client.chat.completions.create，每次尝试都会加上 extra_headers），但 {name}() "
    "不接受 extra_headers 参数；请把方法本身和参数分别传入：call_with_retries(client.chat.completions.create, "
    "model=..., messages=...)。",
)
NOT_CALLABLE = message(
    "call_with_retries() needs the SDK method itself, e.g. client.chat.completions.create (no parentheses), got {kind}.",
    "第一个参数应是 SDK 方法本身，例如 client.chat.completions.create（不加括号），收到的是 {kind}。",
)
BAD_ATTEMPTS = message("attempts must be a whole number >= 1, got {value!r}.", "attempts 必须是大于等于 1 的整数，收到 {value!r}。")
BAD_MAX_WAIT = message("max_wait must be a number of seconds from 0 to 3600, got {value!r}.",
                       "max_wait 必须是 0 到 3600 之间的秒数，收到 {value!r}。")

T = TypeVar("T")
#: Like the SDK: a server's retry-after is honoured up to 120 s; asked to wait longer, give up.
MAX_RETRY_AFTER = 120.0


def is_transient(error: BaseException) -> bool:
    """True when retrying the same request may succeed."""
    if isinstance(error, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(error, openai.RateLimitError):  # an empty balance or a reached spend limit stays so
        return error.code != "insufficient_quota" and error.code not in SPEND_LIMIT_CODES
    if isinstance(error, openai.APIStatusError):
        return error.status_code in (408, 409) or error.status_code >= 500
    return False


def asked_wait(error: BaseException | None) -> float | None:
    """Seconds the server asked to wait (``retry-after-ms``, then ``retry-after``), if it said."""
    response = getattr(error, "response", None)
    if response is None:
        return None
    for header, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            return float(response.headers.get(header, "")) / scale
        except ValueError:
            continue
    return None


def asks_too_long(error: BaseException) -> bool:
    """True when the server asked to wait longer than :data:`MAX_RETRY_AFTER` (the SDK stops then too)."""
    wait = asked_wait(error)
    return wait is not None and wait > MAX_RETRY_AFTER


def retry_after_seconds(error: BaseException | None) -> float | None:
    """The server's requested wait in seconds, if it is one we honour (0 < wait <= 120 s)."""
    wait = asked_wait(error)
    return wait if wait is not None and 0 < wait <= MAX_RETRY_AFTER else None


class _Wait:
    """Wait what the server asked for, else exponential backoff with jitter."""

    def __init__(self, max_wait: float) -> None:
        self.backoff = wait_random_exponential(multiplier=0.5, max=max_wait)

    def __call__(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = retry_after_seconds(error)
        return asked if asked is not None else self.backoff(state)


def _takes_extra_headers(fn: Callable[..., Any]) -> bool:
    """True when ``fn`` accepts ``extra_headers=`` (every SDK method does), or when it cannot be told."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # no signature to read (some built-ins): let the call decide
        return True
    return any(
        p.kind is p.VAR_KEYWORD or (p.name == "extra_headers" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))
        for p in parameters
    )


def _not_an_sdk_method(fn: Callable[..., Any]) -> TypeError:
    name = getattr(fn, "__qualname__", type(fn).__name__)
    return TypeError(str(NO_EXTRA_HEADERS.format(name=name)))


def call_with_retries(fn: Callable[..., T], *args: Any, attempts: int = 4, max_wait: float = 8.0, **kwargs: Any) -> T:
    """Call ``fn(*args, **kwargs)``, retrying transient API errors up to ``attempts`` tries in all.

    ``fn`` is an SDK method such as ``client.chat.completions.create``. Like the SDK's own
    retries, each try tells the server its attempt number (``x-stainless-retry-count``),
    which the offline simulator uses to decide injected faults. The last error is raised
    unchanged when every try fails or the error is not transient.
    """
    if not callable(fn):
        raise TypeError(str(NOT_CALLABLE.format(kind=type(fn).__name__)))
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        raise ValueError(str(BAD_ATTEMPTS.format(value=attempts)))
    if isinstance(max_wait, bool) or not isinstance(max_wait, (int, float)) or not 0 <= max_wait <= 3600:
        raise ValueError(str(BAD_MAX_WAIT.format(value=max_wait)))
    if not _takes_extra_headers(fn):
        raise _not_an_sdk_method(fn)
    retrying = Retrying(
        retry=retry_if_exception(lambda error: is_transient(error) and not asks_too_long(error)),
        wait=_Wait(max_wait),
        stop=stop_after_attempt(attempts),
        reraise=True,
    )
    for attempt in retrying:
        with attempt:
            number = attempt.retry_state.attempt_number - 1
            headers = {**(kwargs.get("extra_headers") or {}), "x-stainless-retry-count": str(number)}
            return fn(*args, **{**kwargs, "extra_headers": headers})
    raise AssertionError("unreachable: tenacity either returns or raises")
