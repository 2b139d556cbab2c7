"""One reply to a prompt in the requested format, after ``stop`` and the token limit."""

from __future__ import annotations

from typing import Any

from . import jsonout, jsonwords, labels, text, vision, writer
from .outcome import Format, Outcome


def generate(prompt: text.Prompt, fmt: Format, *, seed: Any, index: int, stop: list[str], limit: int | None) -> Outcome:
    """One reply to ``prompt`` in the requested format, after ``stop`` and the token limit."""
    lang = prompt.language
    if jsonout.should_refuse(prompt):
        # Structured Outputs put a refusal in its own field; otherwise it is the content.
        if fmt.kind == "json_schema":
            return Outcome(None, jsonout.refusal_text(prompt), "stop")
        return Outcome(jsonout.refusal_text(prompt), None, "stop")
    choice_seed = seed if index == 0 else (seed, index)
    if fmt.kind == "json_object":
        plain = text.compose_reply(prompt, seed, index)  # wrapped only when the prompt asks for no keys
        return _json_reply(jsonout.dumps(jsonout.json_object(prompt, choice_seed, plain)), stop, limit)
    if fmt.kind == "text" and jsonwords.asks_json(prompt) and not writer.shapes_json(prompt):
        # JSON asked in words: the content is that JSON (fenced when asked); the marker goes to a header.
        return _json_reply(jsonwords.render(jsonout.json_object(prompt, choice_seed), jsonwords.wants_fence(prompt)), stop, limit)
    label = labels.answer(prompt) if fmt.kind == "text" else None
    if label is not None:
        # A label request is answered with the bare label; the offline marker goes to a header.
        reply, _ = text.apply_stop(label, stop)
        reply, cut = text.truncate(reply, limit)
        return Outcome(reply, None, "length" if cut else "stop", marker="header")
    written = writer.answer(prompt, text.variant(seed, index, writer.VARIANTS)) if fmt.kind == "text" else None
    if written is not None:
        # Instructions (a format, a length, a case...) are followed; the marker moves when it would break one.
        reply, _ = text.apply_stop(written[0], stop)
        reply, cut = text.truncate(reply, limit)
        return Outcome(reply, None, "length" if cut else "stop", marker=written[1])
    extra = [vision.describe(img, i + 1, lang) for i, img in enumerate(prompt.images())]
    reply = text.compose_reply(prompt, seed, index, extra)
    if fmt.kind == "json_schema":
        reply = jsonout.dumps(jsonout.schema_instance(fmt.schema, prompt, choice_seed))
    reply, _ = text.apply_stop(reply, stop)
    reply, cut = text.truncate(reply, limit)
    return Outcome(reply, None, "length" if cut else "stop")


def _json_reply(reply: str, stop: list[str], limit: int | None) -> Outcome:
    """A JSON reply after ``stop`` and the token limit; the offline marker is in a header, not in the JSON."""
    reply, _ = text.apply_stop(reply, stop)
    reply, cut = text.truncate(reply, limit)
    return Outcome(reply, None, "length" if cut else "stop", marker="header")


def image_tokens(prompt: text.Prompt) -> int:
    return sum(img.tokens for img in prompt.images())
