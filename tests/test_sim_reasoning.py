"""Reasoning models in the offline simulator: efforts, refused sampling parameters, reasoning
tokens, summaries and their stream events, through the strict SDK.

Models that retire soon (gpt-5-mini, o3, gpt-5.1) are served by a private simulator that lists
them as extra models, so these tests do not start failing on a shutdown date.
"""

from __future__ import annotations

import typing

import openai
import pytest

from helpers.offline import Simulator
from helpers.offline.data.capabilities import ALL_EFFORTS, FAMILIES, NON_REASONING, reasoning_of
from helpers.models import sdk_chat_models
from test_sim_support import EN_MARK, MODEL, ZH_MARK, chat, client, expect_error, make_client  # noqa: F401

OLDER = ("gpt-5-mini", "o3", "gpt-5.1", "gpt-4.1-mini")


@pytest.fixture(scope="module")
def older():
    with Simulator(extra_models=OLDER) as sim, make_client(sim.base_url) as sdk:
        yield sdk


def respond(sdk: openai.OpenAI, text: str = "Why is the sky blue?", **params):
    return sdk.responses.create(model=params.pop("model", MODEL), input=text, **params)


# --- the data ---------------------------------------------------------------------------------


def test_capability_table_is_consistent():
    known = set(sdk_chat_models())
    for name, caps in FAMILIES.items():
        assert name in known, name
        assert caps.sources or caps.note, name
        assert set(caps.efforts) <= set(ALL_EFFORTS)
        assert (caps.default in caps.efforts) if caps.efforts else caps.default is None
    assert reasoning_of("gpt-5.4-mini-2026-03-17") is reasoning_of("gpt-5.4-mini")
    assert reasoning_of("gpt-4o") is NON_REASONING
    sdk_efforts = typing.get_args(typing.get_args(openai.types.shared.ReasoningEffort)[0])
    assert set(ALL_EFFORTS) == set(sdk_efforts)


def test_default_model_defaults_to_no_reasoning(client):
    reply = chat(client, "Plain question.", temperature=0.2, stop=["zzz"])
    assert reply.usage.completion_tokens_details.reasoning_tokens == 0
    response = respond(client, temperature=0.3)
    assert response.usage.output_tokens_details.reasoning_tokens == 0
    assert response.reasoning is None and [o.type for o in response.output] == ["message"]


# --- Chat Completions -------------------------------------------------------------------------


def test_chat_reasoning_tokens_grow_with_effort(client):
    spent = []
    for effort in ("none", "low", "medium", "high", "xhigh"):
        reply = chat(client, "Prove there are infinitely many primes.", reasoning_effort=effort)
        details = reply.usage.completion_tokens_details
        visible = reply.usage.completion_tokens - details.reasoning_tokens
        assert visible > 0 and reply.choices[0].message.content
        spent.append(details.reasoning_tokens)
    assert spent[0] == 0 and spent == sorted(spent) and len(set(spent)) == 5
    again = chat(client, "Prove there are infinitely many primes.", reasoning_effort="high")
    assert again.usage.completion_tokens_details.reasoning_tokens == spent[3]


def test_chat_reasoning_uses_up_the_limit(client):
    reply = chat(client, "Think hard.", reasoning_effort="high", max_completion_tokens=100)
    assert reply.choices[0].finish_reason == "length"
    assert reply.choices[0].message.content == ""
    assert reply.usage.completion_tokens == 100
    assert reply.usage.completion_tokens_details.reasoning_tokens == 100


def test_chat_reasoning_leaves_part_of_the_limit(client):
    reply = chat(client, "Think a little.", reasoning_effort="low", max_completion_tokens=140)
    spent = reply.usage.completion_tokens_details.reasoning_tokens
    assert 96 <= spent < 140 and reply.usage.completion_tokens <= 140
    assert reply.choices[0].finish_reason == "length" and reply.choices[0].message.content


@pytest.mark.parametrize("param, value, code", [
    ("temperature", 0.5, "unsupported_value"),
    ("top_p", 0.9, "unsupported_value"),
    ("presence_penalty", 0.5, "unsupported_parameter"),
    ("logprobs", True, "unsupported_parameter"),
])
def test_sampling_parameters_are_refused_while_reasoning(client, param, value, code):
    err = expect_error(openai.BadRequestError, chat, client, "x", reasoning_effort="low", status=400, code=code, **{param: value})
    assert err.param == param
    chat(client, "x", reasoning_effort="none", **{param: value})  # accepted when it does not reason


def test_temperature_one_is_the_default_and_accepted(client):
    chat(client, "x", reasoning_effort="medium", temperature=1)
    err = expect_error(openai.BadRequestError, chat, client, "x", reasoning_effort="medium", temperature=0,
                       status=400, code="unsupported_value")
    assert err.body["message"] == "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported."


def test_unsupported_effort_for_the_model(client, older):
    err = expect_error(openai.BadRequestError, chat, client, "x", reasoning_effort="minimal", status=400, code="unsupported_value")
    assert err.param == "reasoning_effort" and "'gpt-5.4-mini'" in err.body["message"]
    err = expect_error(openai.BadRequestError, chat, older, "x", model="gpt-5.1", reasoning_effort="minimal",
                       status=400, code="unsupported_value")
    assert err.body["message"] == ("Unsupported value: 'minimal' is not supported with the 'gpt-5.1' model. "
                                   "Supported values are: 'none', 'low', 'medium', and 'high'.")
    expect_error(openai.BadRequestError, chat, older, "x", model="gpt-5-mini", reasoning_effort="none",
                 status=400, code="unsupported_value")


def test_unknown_effort_value(client):
    err = expect_error(openai.BadRequestError, chat, client, "x", reasoning_effort="extreme", status=400, code="invalid_value")
    assert err.param == "reasoning_effort"


def test_non_reasoning_model_refuses_reasoning_effort(older):
    err = expect_error(openai.BadRequestError, chat, older, "x", model="gpt-4.1-mini", reasoning_effort="low",
                       status=400, code="unsupported_parameter")
    assert err.body["message"] == "Unsupported parameter: 'reasoning_effort' is not supported with this model."
    chat(older, "x", model="gpt-4.1-mini", temperature=0.2, logprobs=True)  # sampling is fine there


def test_older_reasoning_models_reason_by_default_and_refuse_sampling(older):
    reply = chat(older, "Default effort.", model="gpt-5-mini")
    assert reply.usage.completion_tokens_details.reasoning_tokens >= 256  # medium by default
    expect_error(openai.BadRequestError, chat, older, "x", model="gpt-5-mini", temperature=0.2, status=400, code="unsupported_value")
    expect_error(openai.BadRequestError, chat, older, "x", model="o3", temperature=0.2, status=400, code="unsupported_parameter")
    err = expect_error(openai.BadRequestError, chat, older, "x", model="o3", stop=["."], status=400, code="unsupported_parameter")
    assert err.param == "stop"


def test_chat_stream_counts_reasoning_tokens(client):
    stream = chat(client, "Stream and reason.", reasoning_effort="medium", stream=True, stream_options={"include_usage": True})
    usage = [c.usage for c in stream if c.usage][-1]
    assert usage.completion_tokens_details.reasoning_tokens >= 256


# --- Responses --------------------------------------------------------------------------------


@pytest.mark.parametrize("summary, parts", [("auto", 1), ("concise", 1), ("detailed", 2)])
def test_reasoning_summary_item_comes_before_the_message(client, summary, parts):
    response = respond(client, reasoning={"effort": "medium", "summary": summary})
    assert [o.type for o in response.output] == ["reasoning", "message"]
    item = response.output[0]
    assert item.id.startswith("rs_") and len(item.summary) == parts
    assert item.summary[0].type == "summary_text" and item.summary[0].text.startswith(EN_MARK)
    assert response.reasoning.effort == "medium" and response.reasoning.summary == summary
    assert response.usage.output_tokens_details.reasoning_tokens >= 256


def test_reasoning_summary_is_in_the_prompts_language(client):
    response = respond(client, "天空为什么是蓝色的？", reasoning={"effort": "low", "summary": "auto"})
    assert ZH_MARK in response.output[0].summary[0].text and "天空" in response.output[0].summary[0].text


def test_reasoning_without_summary_has_an_empty_item(client):
    response = respond(client, reasoning={"effort": "low"})
    assert response.output[0].type == "reasoning" and response.output[0].summary == []
    assert response.output[0].encrypted_content is None


def test_generate_summary_is_the_deprecated_summary(client):
    response = respond(client, reasoning={"effort": "low", "generate_summary": "detailed"})
    assert len(response.output[0].summary) == 2 and response.reasoning.summary == "detailed"


def test_encrypted_content_is_opaque_and_deterministic(client, simulator):
    first = respond(client, reasoning={"effort": "low"}, include=["reasoning.encrypted_content"], store=False)
    second = respond(client, reasoning={"effort": "low"}, include=["reasoning.encrypted_content"], store=False)
    simulator.restart_sampling()  # a fresh sequence: the first sample again, byte for byte
    replay = respond(client, reasoning={"effort": "low"}, include=["reasoning.encrypted_content"], store=False)
    assert first.output[0].encrypted_content and first.output[0].encrypted_content == replay.output[0].encrypted_content
    assert second.output[0].encrypted_content != first.output[0].encrypted_content  # another sample


def test_effort_none_gives_no_reasoning_item(client):
    response = respond(client, reasoning={"effort": "none", "summary": "auto"}, temperature=0.4)
    assert [o.type for o in response.output] == ["message"]
    assert response.usage.output_tokens_details.reasoning_tokens == 0


def test_responses_reasoning_uses_up_max_output_tokens(client):
    response = respond(client, reasoning={"effort": "high", "summary": "auto"}, max_output_tokens=64)
    assert response.status == "incomplete" and response.incomplete_details.reason == "max_output_tokens"
    assert response.output_text == "" and response.output[0].summary == []
    assert response.usage.output_tokens == 64 == response.usage.output_tokens_details.reasoning_tokens


def test_responses_refusals(client, older):
    err = expect_error(openai.BadRequestError, respond, client, reasoning={"effort": "low"}, temperature=0.2,
                       status=400, code="unsupported_value")
    assert err.param == "temperature"
    expect_error(openai.BadRequestError, respond, client, reasoning={"effort": "low"}, include=["message.output_text.logprobs"],
                 status=400, code="unsupported_parameter")
    err = expect_error(openai.BadRequestError, respond, older, model="gpt-4.1-mini", reasoning={"effort": "low"},
                       status=400, code="unsupported_parameter")
    assert err.param == "reasoning.effort"
    err = expect_error(openai.BadRequestError, respond, older, model="gpt-5-mini", reasoning={"summary": "concise"},
                       status=400, code="unsupported_value")
    assert err.param == "reasoning.summary"
    expect_error(openai.BadRequestError, respond, client, reasoning={"summary": "short"}, status=400, code="invalid_value")
    expect_error(openai.BadRequestError, respond, client, reasoning={"mode": "pro"}, status=400, code="unsupported_value")


def test_summary_alone_on_a_non_reasoning_model_is_accepted(older):
    response = respond(older, model="gpt-4.1-mini", reasoning={"summary": "auto"})
    assert [o.type for o in response.output] == ["message"]


def test_reasoning_stream_events(client):
    events = list(respond(client, reasoning={"effort": "low", "summary": "detailed"}, stream=True))
    kinds = [e.type for e in events]
    assert kinds[:3] == ["response.created", "response.in_progress", "response.output_item.added"]
    assert kinds.count("response.reasoning_summary_part.added") == 2
    assert kinds.count("response.reasoning_summary_text.done") == 2
    assert kinds.index("response.output_item.done") < kinds.index("response.content_part.added")
    text = "".join(e.delta for e in events if e.type == "response.reasoning_summary_text.delta" and e.summary_index == 0)
    final = events[-1].response
    assert text == final.output[0].summary[0].text
    message_events = [e for e in events if e.type == "response.output_text.delta"]
    assert message_events and all(e.output_index == 1 for e in message_events)
    plain = respond(client, reasoning={"effort": "low", "summary": "detailed"})
    assert final.output[0].summary == plain.output[0].summary and final.usage == plain.usage


def test_reasoning_stream_helper_accumulates(client):
    with client.responses.stream(model=MODEL, input="Helper.", reasoning={"effort": "medium", "summary": "auto"}) as stream:
        final = stream.get_final_response()
    assert [o.type for o in final.output] == ["reasoning", "message"]
    assert final.output[0].summary[0].text.startswith(EN_MARK)
