"""Where an answer came from: a recording, the offline simulator, or the live API (issue 17)."""

from __future__ import annotations

from typing import Any

# The names only: a small constants module that live mode may load (no server, no simulator).
from .offline.wire.constants import RECORDED_DATE_HEADER, RECORDED_MODEL_HEADER, SOURCE_HEADER


def answer_source(raw_response: Any, lang: str = "en") -> str:
    """A short line for a lesson to print, from a ``with_raw_response`` result (or its headers)."""
    headers = getattr(raw_response, "headers", raw_response) or {}
    source = headers.get(SOURCE_HEADER)
    zh = str(lang).lower().startswith("zh")
    if source == "recorded":
        model = headers.get(RECORDED_MODEL_HEADER) or "?"
        date = (headers.get(RECORDED_DATE_HEADER) or "?")[:10]
        return f"录制的真实回答（{model}，{date}）" if zh else f"recorded answer ({model}, {date})"
    if source == "simulated":
        return "离线模拟的回答" if zh else "simulated answer (offline)"
    return "来自 API 的回答" if zh else "answer from the API"
