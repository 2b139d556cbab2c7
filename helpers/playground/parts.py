"""The pieces of the playground that are not the panel: turns, totals, HTML snippets, model menu.

Introduced in lesson 06 (playground); :class:`helpers.playground.Playground` puts them together.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import ipywidgets as widgets
import openai

from ..models import retirement_warning
from .errors import Explanation
from .stream import StreamResult

#: Listed models with these prefixes join the configured ones in the model menu.
MODEL_FAMILIES = ("gpt-5.4", "gpt-5.5")

PRE = '<pre style="white-space:pre-wrap;word-break:break-word;margin:0;font-family:inherit">{}</pre>'
SMALL = '<div style="font-size:90%;opacity:0.8">{}</div>'
ERROR = '<div style="border-left:4px solid #d9534f;padding:4px 8px;margin-top:4px">{}</div>'
#: Described controls size their label to its text, so "Temperature" is never cut off.
LABEL_STYLE = {"description_width": "initial"}


def pre(text: str) -> str:
    """``text`` HTML-escaped in a ``<pre>`` that wraps lines: model output is never markup."""
    return PRE.format(html.escape(text))


def said(who: str, text: str) -> str:
    """``who`` in bold, then what they said."""
    return f"<b>{html.escape(who)}</b>" + pre(text)


def available_models(
    client: openai.OpenAI, configured: Iterable[str], families: Sequence[str] = MODEL_FAMILIES
) -> list[str]:
    """The configured models, then listed models of ``families`` that are not being retired.

    Listing is a nice extra: when it fails (no network, a compatible endpoint without
    ``/models``, a wrong key) the configured models are enough, so every error is ignored.
    """
    names = list(dict.fromkeys(configured))
    try:
        listed = [model.id for model in client.with_options(max_retries=0, timeout=10).models.list()]
    except Exception:  # listing is optional: the configured models always work
        listed = []
    fresh = sorted(n for n in set(listed) if n.startswith(tuple(families)) and retirement_warning(n) is None)
    return names + [n for n in fresh if n not in names]


def in_kernel() -> bool:
    """True inside a Jupyter kernel, where requests should not block the page."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


@dataclass
class Turn:
    """One request of the playground: what was asked, what came back, or what went wrong."""

    kind: str
    prompt: str
    stream: StreamResult = field(default_factory=StreamResult)
    error: Explanation | None = None
    parsed: Any = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.problems

    @property
    def text(self) -> str:
        return self.stream.text or self.stream.refusal

    @property
    def finish_reason(self) -> str | None:
        return self.stream.finish_reason

    @property
    def input_tokens(self) -> int | None:
        return self.stream.input_tokens

    @property
    def output_tokens(self) -> int | None:
        return self.stream.output_tokens

    @property
    def cost(self) -> float | None:
        return self.stream.cost


@dataclass
class SessionTotals:
    """Running totals over every successful request of one playground."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    unpriced: int = 0

    def add(self, result: StreamResult) -> None:
        self.requests += 1
        self.input_tokens += result.input_tokens or 0
        self.output_tokens += result.output_tokens or 0
        if result.cost is None:
            self.unpriced += 1
        else:
            self.cost += result.cost


class Panel:
    """The answer and meter of one tab, and the text streamed into it so far."""

    def __init__(self, prefix: str) -> None:
        self.answer = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.meter = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.answer.add_class(f"{prefix}answer")
        self.meter.add_class(f"{prefix}meter")
        self.partial = ""


W = TypeVar("W", bound=widgets.DOMWidget)


def classed(widget: W, name: str) -> W:
    """``widget`` with the CSS class ``name`` (the stable hooks listed in the package docstring)."""
    widget.add_class(name)
    return widget
