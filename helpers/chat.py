"""``ask()`` and ``Conversation``: one chat completion, or a conversation kept in a list.

Introduced in lesson 02 (text generation), right after the raw cells they package:

* ``ask()`` is the ``client.chat.completions.create(...)`` call of that lesson: an optional
  system message, any earlier turns, the question, and the reply text back.
* ``Conversation`` is the lesson's multi-turn loop: append the question, send the whole
  list, append the reply. The model only knows what is in ``messages``.

The system message uses the ``system`` role, which every OpenAI-compatible endpoint
accepts; ``developer`` is its successor on the OpenAI API (pass it in ``history`` if you
want it). Model names come from configuration (``OPENAI_MODEL``) unless you pass ``model``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from .client import settings
from .messages import message

#: One Chat Completions message, e.g. ``{"role": "user", "content": "Hi"}``.
Message = dict[str, Any]

NO_STREAM = message(
    "ask()/Conversation return the whole reply, so they do not stream: call "
    "client.chat.completions.create(..., stream=True) yourself (lesson 02, streaming).",
    "ask()/Conversation 返回完整回复，不支持流式：请直接调用 "
    "client.chat.completions.create(..., stream=True)（见第 02 课“流式输出”）。",
)
NOT_TEXT = message(
    "{name} must be a str (the text to send), got {kind}; use str(...) or an f-string to turn a value into text.",
    "{name} 必须是字符串（要发送的文本），收到的是 {kind}；请用 str(...) 或 f-string 转成文本。",
)
EMPTY = message("{name} is empty: write some text to send.", "{name} 是空的：请写上要发送的内容。")
NOT_HISTORY = message(
    "history must be a list of message dicts such as [{{'role': 'user', 'content': 'Hi'}}], got {kind}.",
    "history 必须是消息字典的列表，例如 [{{'role': 'user', 'content': 'Hi'}}]，收到的是 {kind}。",
)
NOT_A_CLIENT = message(
    "The first argument must be the client from helpers.get_client() (an openai.OpenAI), got {kind}.",
    "第一个参数必须是 helpers.get_client() 返回的客户端（openai.OpenAI），收到的是 {kind}。",
)


def _check_text(name: str, value: object) -> None:
    """A prompt must be non-empty text: catch ``None``, numbers and lists before they are sent."""
    if not isinstance(value, str):
        raise TypeError(str(NOT_TEXT.format(name=name, kind=type(value).__name__)))
    if not value.strip():
        raise ValueError(str(EMPTY.format(name=name)))


def build_messages(
    prompt: str,
    *,
    system: str | None = None,
    history: Iterable[Mapping[str, Any]] | None = None,
) -> list[Message]:
    """``[system?] + history + [user prompt]`` as a new list (``history`` is not changed)."""
    _check_text("prompt", prompt)
    if system is not None:
        _check_text("system", system)
    if isinstance(history, (str, bytes, Mapping)):
        raise TypeError(str(NOT_HISTORY.format(kind=type(history).__name__)))
    messages: list[Message] = []
    if system is not None:
        messages.append({"role": "system", "content": system})
    messages.extend(dict(message) for message in history or ())
    messages.append({"role": "user", "content": prompt})
    return messages


def complete(
    client: openai.OpenAI,
    messages: list[Message],
    *,
    model: str | None = None,
    **params: Any,
) -> ChatCompletion:
    """One non-streamed chat completion; ``model`` defaults to the configured ``OPENAI_MODEL``."""
    if params.get("stream"):
        raise ValueError(str(NO_STREAM))
    if isinstance(client, type) or not hasattr(client, "chat"):
        raise TypeError(str(NOT_A_CLIENT.format(kind=type(client).__name__)))
    return client.chat.completions.create(
        model=model or settings().model,
        messages=messages,  # type: ignore[arg-type]
        **params,
    )


def reply_text(response: ChatCompletion) -> str:
    """The text of the first choice (``""`` when there is none, e.g. a refusal)."""
    if not response.choices:
        return ""
    return response.choices[0].message.content or ""


def ask(
    client: openai.OpenAI,
    prompt: str,
    *,
    system: str | None = None,
    model: str | None = None,
    history: Iterable[Mapping[str, Any]] | None = None,
    **params: Any,
) -> str:
    """Send ``prompt`` (after ``system`` and ``history``) and return the reply text.

    ``params`` go to ``client.chat.completions.create`` unchanged (``temperature``,
    ``max_completion_tokens``, ``stop``, ``seed``...). With ``n`` > 1 only the first
    choice is returned; use the raw call to see them all. ``history`` is not changed.
    """
    messages = build_messages(prompt, system=system, history=history)
    return reply_text(complete(client, messages, model=model, **params))


class Conversation:
    """A conversation kept in a list: ``say()`` appends the question and the reply.

    >>> chat = Conversation(client, system="You are a concise tutor.")
    >>> chat.say("My name is Lin.")
    >>> chat.say("What is my name?")   # the list now holds both turns
    >>> chat.messages                  # exactly what the model saw
    """

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        system: str | None = None,
        model: str | None = None,
        **params: Any,
    ) -> None:
        if params.get("stream"):
            raise ValueError(str(NO_STREAM))
        if system is not None:
            _check_text("system", system)
        self.client = client
        self.system = system
        self.model = model
        self.params: dict[str, Any] = params
        self.messages: list[Message] = []
        self.last_response: ChatCompletion | None = None
        self.reset()

    def say(self, text: str, **params: Any) -> str:
        """Append ``text`` as a user turn, send the whole list, append and return the reply.

        ``params`` override the ones given to the constructor for this turn only. If the
        request fails, the list is left as it was before the call.
        """
        _check_text("text", text)
        if params.get("stream"):
            raise ValueError(str(NO_STREAM))
        merged = {**self.params, **params}
        model = merged.pop("model", self.model)
        self.messages.append({"role": "user", "content": text})
        try:
            response = complete(self.client, self.messages, model=model, **merged)
        except BaseException:
            self.messages.pop()
            raise
        reply = reply_text(response)
        self.messages.append({"role": "assistant", "content": reply})
        self.last_response = response
        return reply

    def reset(self) -> None:
        """Forget every turn; keep the system message."""
        self.messages = [] if self.system is None else [{"role": "system", "content": self.system}]
        self.last_response = None

    @property
    def turns(self) -> int:
        """How many questions have been answered so far."""
        return sum(1 for message in self.messages if message["role"] == "assistant")

    def __repr__(self) -> str:
        return f"Conversation(turns={self.turns}, messages={len(self.messages)})"
