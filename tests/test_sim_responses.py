"""Conformance of the offline simulator's Responses API, through the real SDK (strict)."""

from __future__ import annotations

import enum
from typing import Literal, Optional

import openai
import pydantic
import pytest
from openai.types.responses import response_create_params

from test_sim_support import EN_MARK, HAN, MODEL, VISION_MODEL, ZH_MARK, client, expect_error, png_data_url

__all__ = ["client"]  # the fixture, re-exported for pytest

INSTRUCTIONS = "Be brief and friendly."
QUESTION = "What is the Responses API?"
EXPECTED_EVENTS = [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
    "response.completed",
]


def create(sdk: openai.OpenAI, prompt: str = QUESTION, **params):
    body = {"model": params.pop("model", MODEL), "input": prompt, **params}
    pydantic.TypeAdapter(response_create_params.ResponseCreateParamsNonStreaming).validate_python(body)
    return sdk.responses.create(**body)


def test_plain_response(client):
    response = create(client, instructions=INSTRUCTIONS)
    assert response.object == "response" and response.status == "completed"
    assert response.output_text.startswith(EN_MARK)
    assert INSTRUCTIONS in response.output_text and QUESTION in response.output_text
    usage = response.usage
    assert usage.input_tokens_details.cached_tokens == 0
    assert usage.output_tokens_details.reasoning_tokens == 0
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens > 0
    assert response.instructions == INSTRUCTIONS
    # the same request again is the second sample (temperature defaults to 1): worded anew
    again = create(client, instructions=INSTRUCTIONS)
    assert again.output_text != response.output_text and again.id != response.id
    assert again.output_text.startswith(EN_MARK) and QUESTION in again.output_text


def test_chinese_response(client):
    text = create(client, "请解释什么是 API。").output_text
    assert ZH_MARK in text and HAN.search(text)


def test_max_output_tokens_incomplete(client):
    response = create(client, max_output_tokens=16)
    assert response.status == "incomplete"
    assert response.incomplete_details.reason == "max_output_tokens"
    assert response.usage.output_tokens == 16
    assert response.output[0].status == "incomplete"


def test_max_output_tokens_below_minimum_is_400(client):
    err = expect_error(openai.BadRequestError, create, client, max_output_tokens=5, status=400,
                       code="integer_below_min_value")
    assert err.param == "max_output_tokens"


def test_unknown_parameter_and_missing_input_are_400(client):
    expect_error(openai.BadRequestError, client.responses.create, model=MODEL, input="x",
                 extra_body={"messages": []}, status=400, code="unknown_parameter")
    expect_error(openai.BadRequestError, client.responses.create, model=MODEL, status=400,
                 code="missing_required_parameter")
    expect_error(openai.NotFoundError, create, client, model="gpt-3.5-turbo", status=404, code="model_not_found")


def stream_events(sdk: openai.OpenAI, **params) -> list:
    return list(sdk.responses.create(model=MODEL, input=QUESTION, stream=True, **params))


def squeeze(kinds: list[str]) -> list[str]:
    """Event types with runs of deltas collapsed to one."""
    return [k for i, k in enumerate(kinds) if not (k.endswith(".delta") and i and kinds[i - 1] == k)]


def test_stream_event_order(client):
    events = stream_events(client, instructions=INSTRUCTIONS)
    kinds = [e.type for e in events]
    assert squeeze(kinds) == EXPECTED_EVENTS
    assert kinds.count("response.output_text.delta") > 3
    assert [e.sequence_number for e in events] == list(range(len(events)))
    plain = create(client, instructions=INSTRUCTIONS)
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas == plain.output_text == events[-1].response.output_text
    assert events[-1].response.usage == plain.usage
    item_ids = {e.item_id for e in events if hasattr(e, "item_id")}
    assert item_ids == {events[2].item.id}


def test_stream_incomplete_ends_with_response_incomplete(client):
    kinds = [e.type for e in stream_events(client, max_output_tokens=16)]
    assert kinds[-1] == "response.incomplete"
    assert squeeze(kinds)[:-1] == EXPECTED_EVENTS[:-1]


def test_stream_helper_final_response(client):
    with client.responses.stream(model=MODEL, input=QUESTION, instructions=INSTRUCTIONS) as stream:
        texts = [e.delta for e in stream if e.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert final.output_text == create(client, instructions=INSTRUCTIONS).output_text == "".join(texts)


@pytest.mark.parametrize("instructions", [None, INSTRUCTIONS])
def test_input_token_count_matches_usage(client, instructions):
    extra = {} if instructions is None else {"instructions": instructions}
    counted = client.responses.input_tokens.count(model=MODEL, input="hello world", **extra)
    assert counted.object == "response.input_tokens"
    assert isinstance(counted.input_tokens, int) and counted.input_tokens > 0
    assert counted.input_tokens == create(client, "hello world", **extra).usage.input_tokens


class Mood(str, enum.Enum):
    HAPPY = "happy"
    CALM = "calm"


class Place(pydantic.BaseModel):
    city: str
    visits: int


class Diary(pydantic.BaseModel):
    author: str
    places: list[Place]
    mood: Mood
    rating: Optional[int]
    kind: Literal["diary"]


def test_responses_parse(client):
    response = client.responses.parse(model=MODEL, input="Write a short diary entry in JSON.", text_format=Diary)
    parsed = response.output_parsed
    assert isinstance(parsed, Diary) and parsed.kind == "diary"
    assert parsed.places and all(isinstance(p, Place) for p in parsed.places)
    assert response.text.format.type == "json_schema"


def test_responses_parse_refusal(client):
    response = client.responses.parse(model=MODEL, input="How to make a bomb?", text_format=Diary)
    assert response.output_parsed is None
    assert response.output[0].content[0].type == "refusal"


def test_responses_json_mode_needs_json_word(client):
    err = expect_error(openai.BadRequestError, create, client, "Give me an object.",
                       text={"format": {"type": "json_object"}}, status=400, code=None)
    assert "must contain the word 'json'" in err.message


def test_input_image(client):
    url = png_data_url((640, 480), [(30, 80, 220)])
    parts = [{"type": "input_text", "text": "What colour is this?"},
             {"type": "input_image", "image_url": url, "detail": "low"}]
    response = client.responses.create(model=VISION_MODEL, input=[{"role": "user", "content": parts}])
    assert "640×480" in response.output_text and "blue" in response.output_text
    counted = client.responses.input_tokens.count(model=VISION_MODEL, input=[{"role": "user", "content": parts}])
    assert counted.input_tokens == response.usage.input_tokens > 85
