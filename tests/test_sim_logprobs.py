"""Token logprobs in the offline simulator (Chat Completions and Responses), through the strict SDK."""

from __future__ import annotations

import openai
import pytest

from helpers import tokens
from test_sim_support import MODEL, chat, client, expect_error  # noqa: F401 (client is a fixture)

INCLUDE = ["message.output_text.logprobs"]


def check_entries(entries, text: str, top: int) -> None:
    """Entries are one per token, add up to ``text``, are <= 0 and the chosen one is the likeliest."""
    assert len(entries) == tokens.count_tokens(text)
    assert b"".join(bytes(e.bytes) for e in entries) == text.encode("utf-8")
    for entry in entries:
        assert entry.logprob <= 0
        assert len(entry.top_logprobs) == top
        if top:
            assert entry.top_logprobs[0].token == entry.token
            assert all(alt.logprob < entry.logprob for alt in entry.top_logprobs[1:])
            assert len({alt.token for alt in entry.top_logprobs}) == top
            assert sum(2.718281828 ** alt.logprob for alt in entry.top_logprobs) <= 1.0 + 1e-6
            for alt in entry.top_logprobs:
                assert bytes(alt.bytes) == alt.token.encode("utf-8")


@pytest.mark.parametrize("top", [0, 3, 20])
def test_chat_logprobs_match_the_content(client, top):
    reply = chat(client, "Tell me about logprobs.", logprobs=True, top_logprobs=top)
    choice = reply.choices[0]
    check_entries(choice.logprobs.content, choice.message.content, top)
    assert "".join(e.token for e in choice.logprobs.content) == choice.message.content
    assert choice.logprobs.refusal is None


def test_chat_logprobs_without_top(client):
    choice = chat(client, "Just logprobs.", logprobs=True).choices[0]
    check_entries(choice.logprobs.content, choice.message.content, 0)


def test_chat_logprobs_are_deterministic(client):
    first = chat(client, "Same question twice.", logprobs=True, top_logprobs=2, temperature=0)
    second = chat(client, "Same question twice.", logprobs=True, top_logprobs=2, temperature=0)
    assert first.choices[0].logprobs == second.choices[0].logprobs


def test_chinese_tokens_that_split_a_character_keep_their_bytes(client):
    choice = chat(client, "请用中文解释一下什么是对数概率。", logprobs=True, top_logprobs=1).choices[0]
    content = choice.message.content
    entries = choice.logprobs.content
    assert b"".join(bytes(e.bytes) for e in entries) == content.encode("utf-8")
    for entry in entries:
        if entry.token.startswith("bytes:"):
            assert entry.token == "bytes:" + "".join(f"\\x{b:02x}" for b in entry.bytes)
        else:
            assert entry.token.encode("utf-8") == bytes(entry.bytes)


def test_chat_without_logprobs_has_none(client):
    assert chat(client, "No logprobs.").choices[0].logprobs is None
    assert chat(client, "No logprobs.", logprobs=False).choices[0].logprobs is None


def test_top_logprobs_needs_logprobs_true(client):
    err = expect_error(openai.BadRequestError, chat, client, "x", top_logprobs=2, status=400, code="invalid_value")
    assert err.param == "top_logprobs"
    expect_error(openai.BadRequestError, chat, client, "x", logprobs=False, top_logprobs=2, status=400, code="invalid_value")


@pytest.mark.parametrize("top, code", [(21, "integer_above_max_value"), (-1, "integer_below_min_value")])
def test_top_logprobs_range(client, top, code):
    expect_error(openai.BadRequestError, chat, client, "x", logprobs=True, top_logprobs=top, status=400, code=code)


def test_chat_stream_chunks_carry_their_tokens_logprobs(client):
    stream = chat(client, "Stream with logprobs.", logprobs=True, top_logprobs=2, stream=True)
    text, entries = "", []
    for chunk in stream:
        for choice in chunk.choices:
            if choice.delta.content:
                text += choice.delta.content
                assert choice.logprobs is not None and choice.logprobs.content
                assert "".join(e.token for e in choice.logprobs.content) == choice.delta.content
                entries += choice.logprobs.content
    plain = chat(client, "Stream with logprobs.", logprobs=True, top_logprobs=2)
    assert text == plain.choices[0].message.content
    assert entries == plain.choices[0].logprobs.content


def test_chat_n_choices_each_get_logprobs(client):
    reply = chat(client, "Two choices.", logprobs=True, top_logprobs=1, n=2)
    for choice in reply.choices:
        check_entries(choice.logprobs.content, choice.message.content, 1)


def test_responses_logprobs_fill_output_text(client):
    response = client.responses.create(model=MODEL, input="Responses logprobs.", include=INCLUDE, top_logprobs=3)
    part = response.output[0].content[0]
    check_entries(part.logprobs, part.text, 3)
    assert response.top_logprobs == 3


def test_responses_without_include_have_no_logprobs(client):
    part = client.responses.create(model=MODEL, input="No include.").output[0].content[0]
    assert part.logprobs == []


def test_responses_stream_events_carry_logprobs(client):
    events = list(client.responses.create(model=MODEL, input="Stream logprobs.", include=INCLUDE, top_logprobs=2, stream=True))
    deltas = [e for e in events if e.type == "response.output_text.delta"]
    done = next(e for e in events if e.type == "response.output_text.done")
    assert all(d.logprobs for d in deltas)
    assert "".join(lp.token for d in deltas for lp in d.logprobs) == done.text
    assert [lp.token for lp in done.logprobs] == [lp.token for d in deltas for lp in d.logprobs]
    assert all(len(lp.top_logprobs) == 2 for lp in done.logprobs)
    final = events[-1].response.output[0].content[0]
    assert [lp.logprob for lp in final.logprobs] == [lp.logprob for lp in done.logprobs]


def test_responses_include_values_are_checked(client):
    expect_error(openai.BadRequestError, client.responses.create, model=MODEL, input="x",
                 include=["not.a.thing"], status=400, code="invalid_value")
    expect_error(openai.BadRequestError, client.responses.create, model=MODEL, input="x",
                 include=["web_search_call.results"], status=400, code="unsupported_value")
    expect_error(openai.BadRequestError, client.responses.create, model=MODEL, input="x",
                 include=INCLUDE, top_logprobs=21, status=400, code="integer_above_max_value")
