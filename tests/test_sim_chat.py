"""Conformance of the offline simulator's Chat Completions, through the real SDK (strict).

Covers plain and streamed completions, parameter checks, structured outputs, JSON mode,
vision and the models endpoints.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Literal, Optional

import httpx2
import jsonschema
import openai
import pydantic
import pytest

from helpers import models as model_table
from helpers.offline.behaviour import vision
from helpers.tokens import count_message_tokens, count_tokens
from test_sim_support import (
    EN_MARK, HAN, MODEL, VISION_MODEL, ZH_MARK, chat, check_chat_body, client, expect_error,
    png_data_url, reply_text, user,
)

__all__ = ["client"]  # the fixture, re-exported for pytest

HELLO = user("Hello there, what can you do?")
ZH = user("你好，请介绍一下你自己。")


# --- plain completions ---------------------------------------------------------------------


def test_plain_completion_shape_and_usage(client):
    body = {"model": MODEL, "messages": HELLO}
    check_chat_body(body)
    completion = client.chat.completions.create(**body)
    choice = completion.choices[0]
    assert completion.object == "chat.completion"
    assert choice.message.role == "assistant"
    assert choice.finish_reason == "stop"
    assert choice.message.content.startswith(EN_MARK)
    usage = completion.usage
    assert usage.prompt_tokens == count_message_tokens(HELLO)
    assert usage.prompt_tokens_details.cached_tokens == 0
    assert usage.completion_tokens_details.reasoning_tokens == 0
    assert usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert completion._request_id.startswith("req_")


def test_chinese_prompt_gets_chinese_reply(client):
    text = reply_text(client, ZH)
    assert ZH_MARK in text and HAN.search(text)
    assert EN_MARK not in text


def test_system_instruction_and_history_are_mentioned(client):
    messages = [
        {"role": "system", "content": "Answer like a pirate."},
        {"role": "user", "content": "What is a parrot?"},
        {"role": "assistant", "content": "A colourful bird."},
        {"role": "user", "content": "And a ship?"},
    ]
    check_chat_body({"model": MODEL, "messages": messages, "seed": 7})
    text = reply_text(client, messages, seed=7)
    assert "Answer like a pirate." in text
    assert "What is a parrot?" in text  # the previous user message
    assert "A colourful bird." in text  # the assistant turn
    assert "seed=7" in text  # the settings


def test_same_request_same_bytes(client):
    # temperature 0: no sampling, the same request gets the same bytes every time
    first, second = chat(client, HELLO, temperature=0), chat(client, HELLO, temperature=0)
    assert first.model_dump() == second.model_dump()
    assert first.id == second.id
    assert first.id != chat(client, ZH, temperature=0).id


def test_seed_picks_wording(client):
    # Drop the "Settings: seed=N" sentence so only the wording is compared.
    def words(seed: int) -> str:
        return reply_text(client, HELLO, seed=seed).replace(f"seed={seed}", "")

    assert words(1) == words(1)
    assert words(1) != words(2)


def test_n_choices(client):
    completion = chat(client, HELLO, n=3)
    assert [c.index for c in completion.choices] == [0, 1, 2]
    assert len({c.message.content for c in completion.choices}) == 3
    assert completion.usage.completion_tokens == sum(count_tokens(c.message.content) for c in completion.choices)
    assert completion.usage.completion_tokens > chat(client, HELLO, n=1).usage.completion_tokens


def test_stop_cuts_before_the_stop_string(client):
    full = reply_text(client, HELLO)
    cut = chat(client, HELLO, stop=["simulator"])
    assert cut.choices[0].message.content == full[: full.index("simulator")]
    assert cut.choices[0].finish_reason == "stop"


@pytest.mark.parametrize("limit_param", ["max_completion_tokens", "max_tokens"])
@pytest.mark.parametrize("messages", [HELLO, ZH], ids=["en", "zh"])
def test_token_limit_gives_length(client, limit_param, messages):
    # max_tokens is the older name, which reasoning models (the default) refuse: ask a chat model.
    model = {"max_tokens": "gpt-4o-mini"}.get(limit_param, model_table.DEFAULT_MODEL)
    completion = chat(client, messages, model=model, **{limit_param: 5})
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage.completion_tokens == 5


# The real API names the code after the parameter's type (temperature is a number, even
# when the JSON value is the integer 3).
@pytest.mark.parametrize(
    ("params", "param", "code"),
    [
        ({"temperature": 3}, "temperature", "decimal_above_max_value"),
        ({"temperature": -1}, "temperature", "decimal_below_min_value"),
        ({"temperature": 2.5}, "temperature", "decimal_above_max_value"),
        ({"n": 0}, "n", "integer_below_min_value"),
        ({"top_p": 1.5}, "top_p", "decimal_above_max_value"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop", "array_above_max_length"),
        ({"extra_body": {"foo": 1}}, "foo", "unknown_parameter"),
        ({"stream_options": {"include_usage": True}}, "stream_options", "invalid_value"),
    ],
)
def test_bad_parameters_are_400(client, params, param, code):
    err = expect_error(openai.BadRequestError, chat, client, HELLO, status=400, code=code, **params)
    assert err.param == param
    assert err.type == "invalid_request_error"


def test_missing_or_empty_messages_are_400(client):
    err = expect_error(openai.BadRequestError, client.chat.completions.create, model=MODEL,
                       messages=openai.omit, status=400, code="missing_required_parameter")
    assert err.param == "messages"
    expect_error(openai.BadRequestError, chat, client, [], status=400, code="empty_array")
    expect_error(openai.BadRequestError, chat, client, [{"role": "robot", "content": "x"}],
                 status=400, code="invalid_value")


# --- streaming -----------------------------------------------------------------------------


def collect_stream(sdk: openai.OpenAI, messages: list[dict], **params):
    return list(sdk.chat.completions.create(model=MODEL, messages=messages, stream=True, **params))


@pytest.mark.parametrize("messages", [HELLO, ZH], ids=["en", "zh"])
def test_stream_reassembles_the_plain_reply(client, messages):
    plain = chat(client, messages)
    chunks = collect_stream(client, messages, stream_options={"include_usage": True})
    assert chunks[0].choices[0].delta.role == "assistant"
    assert len({c.id for c in chunks}) == 1 and chunks[0].id.startswith("chatcmpl-")
    content = [c.choices[0].delta.content for c in chunks[1:-2]]
    assert all(content) and len(content) > 3
    assert "".join(content) == plain.choices[0].message.content
    finishing = chunks[-2].choices[0]
    assert finishing.finish_reason == "stop" and finishing.delta.content is None and finishing.delta.role is None
    assert chunks[-1].choices == [] and chunks[-1].usage == plain.usage
    assert all(c.usage is None for c in chunks[:-1])


def test_stream_without_usage_has_no_usage_chunk(client):
    chunks = collect_stream(client, HELLO)
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.choices and c.usage is None for c in chunks)


def test_stream_length_limit(client):
    chunks = collect_stream(client, HELLO, max_completion_tokens=5)
    assert chunks[-1].choices[0].finish_reason == "length"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == reply_text(client, HELLO, max_completion_tokens=5)


def test_raw_sse_wire_format(client):
    raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=HELLO, stream=True)
    assert raw.headers["content-type"].startswith("text/event-stream")
    text = raw.http_response.read().decode("utf-8")
    events = [e for e in text.split("\n\n") if e]
    assert events[-1] == "data: [DONE]"
    assert all(e.startswith("data: {") for e in events[:-1])
    assert json.loads(events[0][len("data: "):])["object"] == "chat.completion.chunk"


# --- structured outputs and JSON mode ---------------------------------------------------------


class Colour(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class Step(pydantic.BaseModel):
    title: str
    minutes: int


class Plan(pydantic.BaseModel):
    name: str
    steps: list[Step]
    colour: Colour
    budget: Optional[int]
    kind: Literal["recipe", "trip"]
    tags: list[str]


def test_parse_gives_the_model(client):
    completion = client.chat.completions.parse(model=MODEL, messages=user("Plan a picnic."), response_format=Plan)
    message = completion.choices[0].message
    assert isinstance(message.parsed, Plan)
    assert all(isinstance(s, Step) for s in message.parsed.steps) and message.parsed.steps
    assert message.parsed.kind in ("recipe", "trip")
    assert message.refusal is None
    assert json.loads(message.content) == message.parsed.model_dump(mode="json")


def test_parse_refusal(client):
    completion = client.chat.completions.parse(model=MODEL, messages=user("How do I build a bomb?"), response_format=Plan)
    message = completion.choices[0].message
    assert message.refusal and message.parsed is None and message.content is None


def test_parse_length_raises(client):
    with pytest.raises(openai.LengthFinishReasonError):
        client.chat.completions.parse(model=MODEL, messages=user("Plan a trip."), response_format=Plan,
                                      max_completion_tokens=5)


STRICT_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "maxLength": 10},
        "level": {"type": "string", "enum": ["low", "mid", "high"]},
        "score": {"type": "integer", "minimum": 3, "maximum": 4},
        "ratio": {"type": "number", "minimum": 0, "maximum": 0.5},
        "items": {"type": "array", "minItems": 3, "items": {"$ref": "#/$defs/item"}},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    },
    "required": ["title", "level", "score", "ratio", "items", "note"],
    "additionalProperties": False,
    "$defs": {
        "item": {
            "type": "object",
            "properties": {"label": {"type": "string", "minLength": 2}, "done": {"type": "boolean"}},
            "required": ["label", "done"],
            "additionalProperties": False,
        }
    },
}


def schema_reply(sdk: openai.OpenAI, schema: dict, **params) -> object:
    fmt = {"type": "json_schema", "json_schema": {"name": "checked", "schema": schema, "strict": True}}
    return json.loads(reply_text(sdk, user("Describe a task list."), response_format=fmt, **params))


@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_schema_instance_validates(client, seed):
    value = schema_reply(client, STRICT_SCHEMA, **({} if seed is None else {"seed": seed}))
    jsonschema.Draft202012Validator(STRICT_SCHEMA).validate(value)
    assert len(value["items"]) == 3


def test_schema_exclusive_bounds_and_multiple_of(client):
    schema = {
        "type": "object",
        "properties": {
            "p": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "k": {"type": "integer", "multipleOf": 5},
        },
        "required": ["p", "k"],
        "additionalProperties": False,
    }
    jsonschema.Draft202012Validator(schema).validate(schema_reply(client, schema))


PLAN_SCHEMA = {
    "type": "object",
    "properties": {
        "sessions": {"type": "array", "items": {"$ref": "#/$defs/session"}},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["sessions", "tags"],
    "additionalProperties": False,
    "$defs": {
        "session": {
            "type": "object",
            "properties": {"day": {"type": "integer"}, "minutes": {"type": "integer", "minimum": 30},
                           "steps": {"type": "array", "items": {"type": "string"}}},
            "required": ["day", "minutes", "steps"],
            "additionalProperties": False,
        }
    },
}


def plan_reply(sdk: openai.OpenAI, schema: dict, text: str) -> dict:
    fmt = {"type": "json_schema", "json_schema": {"name": "plan", "schema": schema, "strict": True}}
    return json.loads(reply_text(sdk, user(text), response_format=fmt))


@pytest.mark.parametrize("text", ["Plan three days of Python basics for me.", "帮我制定一个三天的 Python 入门学习计划。",
                                  "Plan 3 days of Python basics."])
def test_schema_reply_follows_a_count_in_the_prompt(client, text):
    # "Three days" gives three sessions numbered 1, 2, 3 (not two sessions with day=4).
    value = plan_reply(client, PLAN_SCHEMA, text)
    jsonschema.Draft202012Validator(PLAN_SCHEMA).validate(value)
    assert [s["day"] for s in value["sessions"]] == [1, 2, 3]
    assert len(value["tags"]) == 3  # every outermost array follows the count...
    assert all(len(s["steps"]) == 2 for s in value["sessions"])  # ...nested ones keep the default


def test_schema_reply_without_a_count_and_within_bounds(client):
    assert len(plan_reply(client, PLAN_SCHEMA, "Plan a week of Python basics.")["sessions"]) == 2
    assert len(plan_reply(client, PLAN_SCHEMA, "一个学习计划")["sessions"]) == 2  # 一个 is "a", not a count
    capped = {**PLAN_SCHEMA, "properties": {**PLAN_SCHEMA["properties"],
                                            "sessions": {"type": "array", "maxItems": 2, "items": {"$ref": "#/$defs/session"}}}}
    value = plan_reply(client, capped, "Plan five days of Python basics.")
    assert len(value["sessions"]) == 2 and len(value["tags"]) == 5
    jsonschema.Draft202012Validator(capped).validate(value)


def test_stated_count():
    from helpers.offline.behaviour.jsonout import stated_count

    assert [stated_count(t) for t in ("Give me 5 short tips", "用两句话说明", "Explain in one sentence", "20 days")] == [5, 2, None, None]


def test_json_mode_gives_json(client):
    value = json.loads(reply_text(client, user("Reply in JSON with a greeting."), response_format={"type": "json_object"}))
    assert isinstance(value, dict) and value


def test_json_mode_current_time(client):
    text = reply_text(client, user("What time is it now? Answer in JSON."), response_format={"type": "json_object"})
    stamp = dt.datetime.fromisoformat(json.loads(text)["current_time"])
    assert abs((dt.datetime.now().astimezone() - stamp).total_seconds()) < 60


def test_json_mode_needs_the_word_json(client):
    err = expect_error(openai.BadRequestError, chat, client, user("Give me an object."),
                       response_format={"type": "json_object"}, status=400, code=None)
    assert "must contain the word 'json'" in err.message


# --- vision --------------------------------------------------------------------------------

BLUE = png_data_url((640, 480), [(30, 80, 220)])
RED_WHITE = png_data_url((200, 100), [(220, 30, 30), (255, 255, 255)])


def image_message(text: str, *urls: str, detail: str = "low") -> list[dict]:
    parts = [{"type": "text", "text": text}]
    parts += [{"type": "image_url", "image_url": {"url": url, "detail": detail}} for url in urls]
    return [{"role": "user", "content": parts}]


@pytest.mark.parametrize("detail", ["low", "high"])
def test_image_described_and_counted(client, detail):
    messages = image_message("What is in this picture?", BLUE, detail=detail)
    check_chat_body({"model": VISION_MODEL, "messages": messages})
    completion = chat(client, messages, model=VISION_MODEL)
    text = completion.choices[0].message.content
    assert "640×480" in text and "blue" in text
    expected = 85 if detail == "low" else vision.image_tokens(640, 480, "high")
    assert completion.usage.prompt_tokens_details.image_tokens == expected
    assert completion.usage.prompt_tokens == count_message_tokens(messages) + expected


def test_image_tokens_by_the_tile_rule():
    assert vision.image_tokens(640, 480, "high") == 85 + 170 * 2  # 2x1 tiles, no scaling
    assert vision.image_tokens(1024, 1024, "high") == 765  # scaled to 768x768: 2x2 tiles
    assert vision.image_tokens(2048, 4096, "high") == 1105  # 1024x2048 -> 768x1536: 2x3 tiles
    assert vision.image_tokens(4000, 3000, "low") == 85
    assert vision.image_tokens(10, 10, "high") == 85 + 170


def test_chinese_image_prompt_and_two_images(client):
    text = reply_text(client, image_message("这两张图片里有什么？", BLUE, RED_WHITE), model=VISION_MODEL)
    assert "蓝色" in text and "红色" in text and "白色" in text
    assert "图片 1" in text and "图片 2" in text and "200×100" in text


def test_remote_image_is_not_fetched(client):
    text = reply_text(client, image_message("Describe it.", "https://example.com/cat.png"), model=VISION_MODEL)
    assert "does not fetch" in text


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("data:image/png;base64,@@not-base64@@", "invalid_base64"),
        (png_data_url((8, 8), [(0, 0, 0)], fmt="BMP"), "invalid_image_format"),
        ("data:image/png;base64," + "aGVsbG8=", "invalid_image_format"),  # valid base64, not an image
        ("ftp://example.com/x.png", "invalid_image_url"),
    ],
    ids=["broken-base64", "bmp", "not-an-image", "ftp"],
)
def test_bad_images_are_400(client, url, code):
    expect_error(openai.BadRequestError, chat, client, image_message("What is it?", url), model=VISION_MODEL,
                 status=400, code=code)


# --- models --------------------------------------------------------------------------------


def test_models_list(client):
    ids = [m.id for m in client.models.list()]
    assert model_table.DEFAULT_MODEL in ids
    assert "gpt-3.5-turbo" not in ids and "gpt-4-vision-preview" not in ids
    assert not [m for m in ids if model_table.is_retired(m)]
    assert ids == sorted(set(ids))


def test_retired_models_are_404(client):
    err = expect_error(openai.NotFoundError, client.models.retrieve, "gpt-3.5-turbo", status=404, code="model_not_found")
    assert "gpt-3.5-turbo" in err.message
    expect_error(openai.NotFoundError, chat, client, HELLO, model="gpt-4-vision-preview", status=404, code="model_not_found")
    assert client.models.retrieve(MODEL).id == MODEL


def test_configured_retired_model_is_still_404(client, monkeypatch):
    # A learner who copies the old guide into .env must still meet the real 404.
    monkeypatch.setenv("OPENAI_MODEL", "gpt-3.5-turbo")
    expect_error(openai.NotFoundError, chat, client, HELLO, model="gpt-3.5-turbo", status=404, code="model_not_found")


def test_models_list_raw_shape(simulator):
    with httpx2.Client(trust_env=False) as http:
        body = http.get(simulator.base_url + "/models", headers={"Authorization": "Bearer sk-test"}).json()
    assert body["object"] == "list"
    assert all(set(m) >= {"id", "object", "created", "owned_by"} and m["object"] == "model" for m in body["data"])
