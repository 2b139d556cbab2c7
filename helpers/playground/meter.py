"""The playground's meter (tokens, cost, latency, finish reason, session total) and its error box.

Introduced in lesson 06 (playground): what lessons 02-05 printed by hand after each request,
as the HTML lines under an answer, in the panel's language.
"""

from __future__ import annotations

import html

from ..costs import family_name
from ..messages import Message
from . import labels as T
from .errors import Explanation
from .parts import ERROR, SMALL, SessionTotals
from .stream import StreamResult


def _say(lang: str, text: Message, **fields: object) -> str:
    return (text.format(**fields) if fields else text).render(lang)


def meter_html(result: StreamResult, lang: str, session: SessionTotals | None = None) -> str:
    """The meter under one answer; with ``session``, a last line of running totals."""
    first = _say(lang, T.NONE) if result.first_token_s is None else _say(lang, T.SECONDS, value=result.first_token_s)
    parts = [
        _say(lang, T.NO_USAGE) if result.input_tokens is None
        else _say(lang, T.TOKENS_ESTIMATED if result.estimated else T.TOKENS,
                  input=result.input_tokens, output=result.output_tokens),
        _say(lang, T.NO_PRICE, model=family_name(result.model)) if result.cost is None else _say(lang, T.COST, cost=result.cost),
        _say(lang, T.LATENCY, first=first, total=result.total_s or 0.0),
        _say(lang, T.FINISH, reason=result.finish_reason or _say(lang, T.NONE)),
    ]
    lines = [" · ".join(parts)]
    if result.finish_reason == "length":
        lines.append(_say(lang, T.LENGTH))
    if session is not None:
        unpriced = _say(lang, T.SESSION_UNPRICED, unpriced=session.unpriced) if session.unpriced else ""
        lines.append(_say(lang, T.SESSION, requests=session.requests, input=session.input_tokens,
                          output=session.output_tokens, cost=session.cost) + unpriced)
    return SMALL.format("<br>".join(html.escape(line) for line in lines))


def error_html(info: Explanation, lang: str, kept: bool) -> str:
    """The error box: type, status and code, the server's words, what to do (and that the chat is kept)."""
    head = " · ".join([info.kind]
                      + ([f"{T.ERROR_STATUS} {info.status}"] if info.status else [])
                      + ([f"{_say(lang, T.ERROR_CODE)} {info.code}"] if info.code else []))
    lines = [f"⚠ {head}", info.message, f"{_say(lang, T.WHAT_TO_DO)} {info.advice}"]
    if kept:
        lines.append(_say(lang, T.KEPT))
    return ERROR.format("<br>".join(html.escape(line) for line in lines))
