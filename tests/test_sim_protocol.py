"""Protocol facts outside client libraries found (issue 15 part 2): the reply's snapshot name,
the context window, and ``max_tokens`` on reasoning models. Everything goes through the real SDK."""

from __future__ import annotations

import openai
import pytest

from helpers.offline.behaviour import tokenizer
from helpers.offline.data import catalog
from test_sim_support import MODEL, chat, client, user  # noqa: F401  (client is a fixture)


def test_the_alias_table_comes_from_the_sdk_list():
    table = catalog.snapshots()
    assert table["gpt-4o-mini"] == "gpt-4o-mini-2024-07-18"
    assert table["gpt-5-mini"] == "gpt-5-mini-2025-08-07"
    assert table["gpt-4o"] == "gpt-4o-2024-08-06"  # several snapshots in the SDK: the documented pointer
    sdk = set(catalog.sdk_chat_models())
    assert all(snapshot in sdk for alias, snapshot in table.items() if alias not in catalog.ALIAS_POINTERS)
    assert catalog.snapshot_of("gpt-5.4") == "gpt-5.4"  # no snapshot known: echoed
    assert catalog.snapshot_of("gpt-4o-mini-2024-07-18") == "gpt-4o-mini-2024-07-18"


@pytest.mark.parametrize("model", ["gpt-4o-mini", "gpt-5.4-mini"])
def test_chat_reply_names_the_snapshot_plain_and_in_every_chunk(client, model):
    want = catalog.snapshot_of(model)
    assert want != model
    assert chat(client, "Hello", model=model).model == want
    stream = client.chat.completions.create(model=model, messages=user("Hello"), stream=True,
                                            stream_options={"include_usage": True})
    names = {chunk.model for chunk in stream}
    assert names == {want}


def test_a_snapshot_or_an_unmapped_name_is_echoed(client):
    assert chat(client, "Hi", model="gpt-4o-mini-2024-07-18").model == "gpt-4o-mini-2024-07-18"
    assert chat(client, "Hi", model="gpt-5.4").model == "gpt-5.4"


def test_responses_reply_and_events_name_the_snapshot(client):
    want = catalog.snapshot_of(MODEL)
    assert client.responses.create(model=MODEL, input="Hello").model == want
    events = list(client.responses.create(model=MODEL, input="Hello", stream=True))
    named = {e.response.model for e in events if hasattr(e, "response")}
    assert named == {want}


def test_a_snapshot_reply_is_priced_like_its_family(client):
    from helpers import costs

    reply = chat(client, "Hello", model=MODEL)
    record = costs.usage_of(reply)
    assert record.model == catalog.snapshot_of(MODEL) != MODEL
    assert record.cost == costs.estimate_cost(MODEL, record.input_tokens, record.output_tokens)
    assert record.cost > 0


# --- the context window --------------------------------------------------------------------------


def _smallest_window() -> tuple[str, int]:
    """The current model with the smallest known window (a short prompt reaches it)."""
    rows = [(catalog.context_window(m), m) for m in catalog.current_models() if catalog.context_window(m)]
    size, model = min(rows)
    return model, size


def _content_of(prompt_tokens: int) -> str:
    """A user text whose chat prompt is exactly ``prompt_tokens`` tokens (by the simulator's count)."""
    overhead = tokenizer.count_message_tokens([{"role": "user", "content": "a"}]) - 1
    text = "a" + " a" * (prompt_tokens - overhead - 1)
    assert tokenizer.count_message_tokens([{"role": "user", "content": text}]) == prompt_tokens
    return text


def test_chat_prompt_at_the_window_is_served_and_one_over_is_refused(client):
    model, window = _smallest_window()
    ok = client.chat.completions.create(model=model, messages=user(_content_of(window)), max_completion_tokens=16)
    assert ok.usage.prompt_tokens == window
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=model, messages=user(_content_of(window + 1)))
    error = caught.value
    assert error.code == "context_length_exceeded" and error.param == "messages" and error.type == "invalid_request_error"
    assert error.body["message"] == (
        f"This model's maximum context length is {window} tokens. However, your messages resulted in "
        f"{window + 1} tokens. Please reduce the length of the messages.")


def test_responses_prompt_over_the_window_is_refused(client):
    model, window = _smallest_window()
    text = _content_of(window)  # Responses counts the same messages (no name field)
    ok = client.responses.create(model=model, input=text, max_output_tokens=16)
    assert ok.usage.input_tokens == window
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model=model, input=text + " a", stream=True)
    assert caught.value.code == "context_length_exceeded" and caught.value.param == "input"


def test_a_model_without_a_known_window_is_not_refused():
    assert catalog.context_window("gpt-6-sol") is None
    assert catalog.context_window("gpt-4o-mini-2024-07-18") == 128_000
    assert catalog.context_window("gpt-4.1-nano") == 1_047_576


def test_truncation_auto_over_the_window_is_refused_not_dropped(client):
    model, window = _smallest_window()
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model=model, input=_content_of(window + 1), truncation="auto")
    assert caught.value.param == "truncation" and str(window) in caught.value.body["message"]


# --- max_tokens on reasoning models ------------------------------------------------------------------


@pytest.mark.parametrize("model", ["gpt-5-mini", "o3", MODEL])
def test_max_tokens_is_refused_on_a_reasoning_model(client, model):
    with pytest.raises(openai.BadRequestError) as caught:
        chat(client, "Hello", model=model, max_tokens=20)
    error = caught.value
    assert (error.code, error.param, error.type) == ("unsupported_parameter", "max_tokens", "invalid_request_error")
    assert error.body["message"] == ("Unsupported parameter: 'max_tokens' is not supported with this model. "
                                     "Use 'max_completion_tokens' instead.")
    assert chat(client, "Hello", model=model, max_completion_tokens=20).choices  # the new name works


def test_max_tokens_still_works_on_a_non_reasoning_model(client):
    reply = chat(client, "Write a long story about the sea.", model="gpt-4o-mini", max_tokens=5)
    assert reply.choices[0].finish_reason == "length" and reply.usage.completion_tokens == 5


def test_a_max_tokens_only_provider_still_takes_max_tokens(simulator):
    from test_sim_support import make_client

    with make_client(simulator.base_url, default_headers={"x-offline-profile": "basic"}) as sdk:
        reply = chat(sdk, "Write a long story about the sea.", max_tokens=5)
    assert reply.choices[0].finish_reason == "length"
