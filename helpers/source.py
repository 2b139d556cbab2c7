"""Where an answer came from: a recording, the offline simulator, or the live API (issue 17)."""

from __future__ import annotations

from typing import Any


def answer_source(raw_response: Any, lang: str = "en") -> str:
    """A short line for a lesson to print, from a ``with_raw_response`` result (or its headers)."""
    headers = getattr(raw_response, "headers", raw_response) or {}
    source = headers.get("x-kit-source")
    zh = str(lang).lower().startswith("zh")
    if source == "recorded":
        model = headers.get("x-kit-recorded-model") or "?"
        date = (headers.get("x-kit-recorded-date") or "?")[:10]
        return f"录制的真实回答（{model}，{date}）" if zh else f"recorded answer ({model}, {date})"
    if source == "simulated":
        return "离线模拟的回答" if zh else "simulated answer (offline)"
    return "来自 API 的回答" if zh else "answer from the API"
