"""Tests for ``helpers.chat`` (lesson 02): ``build_messages``, ``ask`` and ``Conversation``.

Requests go to the session's offline simulator (the ``simulator`` fixture) over loopback;
a small recording stand-in checks exactly what would be sent.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import openai
import pytest

from helpers import chat
from helpers.chat import Conversation, ask, build_messages
from helpers.models import DEFAULT_MODEL
from helpers.tokens import count_tokens

EN_MARK = "[Offline simulation]"
ZH_MARK = "【离线模拟】"


@pytest.fixture
def client(simulator) -> openai.OpenAI:
    with openai.OpenAI(base_url=simulator.base_url, api_key="sk-test", max_retries=0,
                       _strict_response_validation=True) as sdk:
        yield sdk


class Recorder:
    """Stands in for ``openai.OpenAI``: records ``chat.completions.create`` keyword arguments."""

    def __init__(self, content: str | None = "ok") -> None:
        self.calls: list[dict[str, Any]] = []
        self.content = content
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self._create))

    def _create(self, **kwargs: Any) -> Any:
        self.calls.append({**kwargs, "messages": [dict(m) for m in kwargs["messages"]]})
        message = SimpleNamespace(content=self.content)
        return SimpleNamespace(choices=[SimpleNamespace(message=message)])


# --- build_messages -----------------------------------------------------------------


def test_build_messages_orders_system_history_prompt() -> None:
    history = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
    messages = build_messages("Again?", system="Be brief.", history=history)
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[0]["content"] == "Be brief."
    assert messages[-1] == {"role": "user", "content": "Again?"}


def test_build_messages_without_system_or_history() -> None:
    assert build_messages("Hi") == [{"role": "user", "content": "Hi"}]


def test_build_messages_copies_history() -> None:
    history = [{"role": "user", "content": "Hi"}]
    messages = build_messages("Next", history=history)
    messages[0]["content"] = "changed"
    assert history == [{"role": "user", "content": "Hi"}]


# --- ask ----------------------------------------------------------------------------


def test_ask_returns_the_reply_text(client: openai.OpenAI) -> None:
    reply = ask(client, "Introduce the OpenAI API", model=DEFAULT_MODEL)
    assert reply.startswith(EN_MARK)
    assert "Introduce the OpenAI API" in reply


def test_ask_sends_the_system_message(client: openai.OpenAI) -> None:
    reply = ask(client, "Introduce the OpenAI API", system="You are a helpful assistant.", model=DEFAULT_MODEL)
    assert "You are a helpful assistant." in reply
    assert "system 1" in reply


def test_ask_answers_in_the_prompt_language(client: openai.OpenAI) -> None:
    assert ask(client, "请介绍 OpenAI API", model=DEFAULT_MODEL).startswith(ZH_MARK)


def test_ask_uses_history(client: openai.OpenAI) -> None:
    history = [{"role": "user", "content": "My name is Lin."}, {"role": "assistant", "content": "Hi Lin!"}]
    reply = ask(client, "What is my name?", history=history, model=DEFAULT_MODEL)
    assert "turn 2" in reply and "My name is Lin." in reply
    assert len(history) == 2  # not changed


def test_ask_passes_params(client: openai.OpenAI) -> None:
    reply = ask(client, "Introduce the OpenAI API", model=DEFAULT_MODEL, max_completion_tokens=5)
    assert 0 < count_tokens(reply) <= 5
    assert "seed=3" in ask(client, "Hi", model=DEFAULT_MODEL, seed=3)


def test_ask_defaults_to_the_configured_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chat, "settings", lambda: SimpleNamespace(model="configured-model"))
    recorder = Recorder()
    assert ask(recorder, "Hi", temperature=0) == "ok"  # type: ignore[arg-type]
    assert recorder.calls == [
        {"model": "configured-model", "messages": [{"role": "user", "content": "Hi"}], "temperature": 0}
    ]


def test_ask_explicit_model_wins() -> None:
    recorder = Recorder()
    ask(recorder, "Hi", model="other-model")  # type: ignore[arg-type]
    assert recorder.calls[0]["model"] == "other-model"


def test_ask_empty_content_gives_empty_string() -> None:
    assert ask(Recorder(content=None), "Hi", model="m") == ""  # type: ignore[arg-type]


def test_ask_refuses_stream() -> None:
    recorder = Recorder()
    with pytest.raises(ValueError, match="stream=True"):
        ask(recorder, "Hi", model="m", stream=True)  # type: ignore[arg-type]
    assert recorder.calls == []


def test_ask_retired_model_raises_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        ask(client, "Hi", model="gpt-3.5-turbo")
    assert info.value.code == "model_not_found"


# --- Conversation -------------------------------------------------------------------


def test_conversation_keeps_the_list(client: openai.OpenAI) -> None:
    conv = Conversation(client, system="Be brief.", model=DEFAULT_MODEL)
    first = conv.say("My name is Lin.")
    second = conv.say("What is my name?")
    assert [m["role"] for m in conv.messages] == ["system", "user", "assistant", "user", "assistant"]
    assert conv.messages[2]["content"] == first and conv.messages[4]["content"] == second
    assert "turn 2" in second and "My name is Lin." in second
    assert "1 earlier assistant repl" in second
    assert conv.turns == 2
    assert conv.last_response is not None and conv.last_response.usage.total_tokens > 0
    assert repr(conv) == "Conversation(turns=2, messages=5)"


def test_conversation_without_system(client: openai.OpenAI) -> None:
    conv = Conversation(client, model=DEFAULT_MODEL)
    conv.say("Hi")
    assert [m["role"] for m in conv.messages] == ["user", "assistant"]


def test_conversation_params_and_override() -> None:
    recorder = Recorder()
    conv = Conversation(recorder, model="m", temperature=0, seed=1)  # type: ignore[arg-type]
    conv.say("a")
    conv.say("b", temperature=1)
    assert [(c["temperature"], c["seed"]) for c in recorder.calls] == [(0, 1), (1, 1)]
    assert conv.params == {"temperature": 0, "seed": 1}


def test_conversation_sends_the_whole_list() -> None:
    recorder = Recorder()
    conv = Conversation(recorder, system="S", model="m")  # type: ignore[arg-type]
    conv.say("a")
    conv.say("b")
    assert [m["content"] for m in recorder.calls[1]["messages"]] == ["S", "a", "ok", "b"]


def test_conversation_failure_leaves_the_list_unchanged(client: openai.OpenAI) -> None:
    conv = Conversation(client, system="S", model="gpt-3.5-turbo")
    with pytest.raises(openai.NotFoundError):
        conv.say("Hi")
    assert conv.messages == [{"role": "system", "content": "S"}]
    assert conv.turns == 0 and conv.last_response is None


def test_conversation_reset_keeps_system(client: openai.OpenAI) -> None:
    conv = Conversation(client, system="S", model=DEFAULT_MODEL)
    conv.say("Hi")
    conv.reset()
    assert conv.messages == [{"role": "system", "content": "S"}]
    assert conv.turns == 0 and conv.last_response is None


def test_conversation_refuses_stream() -> None:
    with pytest.raises(ValueError, match="stream=True"):
        Conversation(Recorder(), model="m", stream=True)  # type: ignore[arg-type]
    conv = Conversation(Recorder(), model="m")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        conv.say("Hi", stream=True)
    assert conv.messages == []
