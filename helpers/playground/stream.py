"""One streamed chat completion, read chunk by chunk, with its usage and timings.

Introduced in lesson 06 (playground). It is lesson 02's streaming loop
(``stream=True``, ``if chunk.choices:``) plus what the playground's meter shows:
``stream_options={"include_usage": True}`` makes the last chunk carry ``usage`` (with
``"choices": []``), and two clocks measure the time to the first token and the total.
Endpoints that refuse or ignore ``stream_options`` (see ``helpers.probe``) send no usage:
then the tokens are counted locally with ``helpers.tokens`` and marked ``estimated``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openai

from ..costs import UnknownPriceError, estimate_cost
from ..tokens import count_message_tokens, count_tokens


@dataclass
class StreamResult:
    """What one streamed reply produced. Token counts are ``None`` when no usage arrived."""

    text: str = ""
    refusal: str = ""
    model: str = ""
    finish_reason: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_tokens: int = 0
    first_token_s: float | None = None
    total_s: float | None = None
    #: True when no usage arrived and the token counts were estimated locally (text only).
    estimated: bool = False

    @property
    def cost(self) -> float | None:
        """Estimated US dollars (helpers.costs), or ``None`` without usage or a known price."""
        if self.input_tokens is None or self.output_tokens is None:
            return None
        try:
            return estimate_cost(self.model, self.input_tokens, self.output_tokens,
                                 min(self.cached_tokens, self.input_tokens))
        except UnknownPriceError:
            return None


def _read_usage(result: StreamResult, usage: Any) -> None:
    result.input_tokens = usage.prompt_tokens
    result.output_tokens = usage.completion_tokens
    details = getattr(usage, "prompt_tokens_details", None)
    result.cached_tokens = getattr(details, "cached_tokens", 0) or 0


def _estimate_usage(result: StreamResult, messages: Any) -> None:
    """Fill in the token counts from the o200k_base tokenizer (images are not counted)."""
    try:
        result.input_tokens = count_message_tokens(messages)
    except TypeError:
        return  # a messages list we cannot read: leave the counts unknown
    result.output_tokens = count_tokens(result.text + result.refusal)
    result.estimated = True


def stream_chat(
    client: openai.OpenAI,
    on_text: Callable[[str], None] | None = None,
    *,
    include_usage: bool = True,
    **request: Any,
) -> StreamResult:
    """Send ``request`` to ``client.chat.completions.create`` as a stream and read it to the end.

    ``on_text`` is called with the whole text so far after every chunk that adds text
    (or a refusal), so a caller can redraw its display. The result is filled in as chunks
    arrive: if the stream fails half-way, the exception propagates and the text so far has
    already been passed to ``on_text``. ``include_usage=False`` leaves out ``stream_options``
    (for endpoints that refuse it); without a usage chunk the tokens are estimated locally.
    """
    result = StreamResult(model=str(request.get("model", "")))
    started = time.perf_counter()
    extra: dict[str, Any] = {"stream_options": {"include_usage": True}} if include_usage else {}
    stream = client.chat.completions.create(**request, stream=True, **extra)
    with stream:
        for chunk in stream:
            if chunk.model:
                result.model = chunk.model
            if chunk.usage is not None:
                _read_usage(result, chunk.usage)
            if not chunk.choices:  # the usage chunk has no choices
                continue
            choice = chunk.choices[0]
            piece = (choice.delta.content or "") if choice.delta else ""
            refusal = (getattr(choice.delta, "refusal", None) or "") if choice.delta else ""
            if choice.finish_reason:
                result.finish_reason = choice.finish_reason
            if piece or refusal:
                if result.first_token_s is None:
                    result.first_token_s = time.perf_counter() - started
                result.text += piece
                result.refusal += refusal
                if on_text is not None:
                    on_text(result.text or result.refusal)
    result.total_s = time.perf_counter() - started
    if result.input_tokens is None:
        _estimate_usage(result, request.get("messages"))
    return result
