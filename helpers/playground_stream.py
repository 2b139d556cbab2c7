"""Lesson 06's old name for the playground's streaming loop; it lives in ``helpers.playground.stream``.

Kept only because the lesson's text points here (``helpers.playground_stream.stream_chat``).
"""

from __future__ import annotations

from .playground.stream import StreamResult, stream_chat

__all__ = ["StreamResult", "stream_chat"]
