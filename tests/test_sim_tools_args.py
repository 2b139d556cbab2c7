"""Generated call arguments always validate; tool replies match the official OpenAPI description."""

from __future__ import annotations

import json
from enum import Enum
from typing import Literal, Optional

import jsonschema
import openai
import pydantic
import pytest

from helpers.offline.behaviour import toolargs, tools, toolspec
from helpers.offline.wire.errors import SimError
from helpers.offline.behaviour.text import Prompt, Turn
from test_sim_openapi import request, sse_data, validate
from test_sim_support import MODEL


class Unit(str, Enum):
    C = "celsius"
    F = "fahrenheit"


class Stop(pydantic.BaseModel):
    city: str
    nights: int


class Trip(pydantic.BaseModel):
    destination: str
    unit: Unit
    stops: list[Stop]
    budget: Optional[float]
    kind: Literal["train", "plane"]


SCHEMAS = [
    {"type": "object", "properties": {}},
    {"type": "object", "properties": {"location": {"type": "string", "maxLength": 3}}},
    {"type": "object", "properties": {"n": {"type": "integer", "minimum": 10, "maximum": 12}}},
    {"type": "object", "properties": {"price": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.5}}},
    {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 3}}},
    {"type": "object", "properties": {"when": {"type": "string", "format": "date-time"}, "mail": {"type": "string", "format": "email"}}},
    {"type": "object", "properties": {"query": {"type": "string", "minLength": 400}}},
    {"type": "object", "properties": {"flag": {"type": "boolean"}, "none": {"type": "null"}, "either": {"type": ["string", "null"]}}},
    {"type": "object", "properties": {"city": {"anyOf": [{"type": "string"}, {"type": "null"}]}}, "required": ["city"], "additionalProperties": False},
    {"type": "object", "properties": {"unit": {"enum": ["kelvin", "celsius"]}, "fixed": {"const": 7}}},
    {"type": "object", "properties": {"address": {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "string"}}}}},
    openai.pydantic_function_tool(Trip)["function"]["parameters"],
]
PROMPTS = ["Plan a 4 night trip to Paris and Rome in celsius by train for 300 euros.",
           "帮我规划去东京和大阪的行程，预算 5000 元。", "Just do it."]


@pytest.mark.parametrize("prompt", PROMPTS)
@pytest.mark.parametrize("schema", SCHEMAS)
def test_arguments_validate_against_the_schema(schema, prompt):
    for slot in range(2):
        value = json.loads(toolargs.arguments("f", schema, Prompt([Turn("user", prompt)]), slot))
        jsonschema.validate(value, schema)


def test_arguments_use_the_prompt():
    schema = openai.pydantic_function_tool(Trip)["function"]["parameters"]
    trip = Trip.model_validate_json(toolargs.arguments("f", schema, Prompt([Turn("user", PROMPTS[0])])))
    assert trip.destination == "Paris" and trip.unit is Unit.C and trip.kind == "train"
    assert trip.stops[0].city == "Paris" and trip.stops[0].nights == 4


def test_places():
    assert toolargs.places_in("Flights from Lisbon to New York, then Boston") == ["Lisbon", "New York", "Boston"]
    assert toolargs.places_in("我在杭州市，明天去深圳") == ["杭州", "深圳"]
    assert toolargs.places_in("What is 2 + 2?") == []


def test_unsatisfiable_schema_is_refused_not_answered_wrongly():
    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"}}}
    with pytest.raises(SimError) as info:
        toolargs.arguments("f", schema, Prompt([Turn("user", "hi")]))
    assert info.value.code == "invalid_function_parameters" and "cannot write arguments" in info.value.message


def test_definition_tokens_grow_with_definitions():
    short = toolspec.Function("f", "", None, False)
    long = toolspec.Function("f", "A much longer description of what this function does.", {"type": "object"}, False)
    assert tools.definition_tokens([]) == 0
    assert 12 < tools.definition_tokens([short]) < tools.definition_tokens([long]) < tools.definition_tokens([long, long])


TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city.",
                                         "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
CHAT = {"model": MODEL, "messages": [{"role": "user", "content": "Weather in Rome and Paris?"}], "tools": [TOOL]}
RESPONSES = {"model": MODEL, "input": "Weather in Rome and Paris?", "tools": [{"type": "function", **TOOL["function"]}]}


def test_chat_tool_calls_match_spec(simulator):
    validate(request(simulator, "POST", "/chat/completions", CHAT).json(), "CreateChatCompletionResponse")
    legacy = {"model": MODEL, "messages": CHAT["messages"], "functions": [TOOL["function"]]}
    validate(request(simulator, "POST", "/chat/completions", legacy).json(), "CreateChatCompletionResponse")


def test_chat_tool_chunks_match_spec(simulator):
    body = {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
    for chunk in sse_data(request(simulator, "POST", "/chat/completions", body)):
        validate(chunk, "CreateChatCompletionStreamResponse")


def test_response_with_function_calls_matches_spec(simulator):
    validate(request(simulator, "POST", "/responses", RESPONSES).json(), "Response")


def test_response_function_call_events_match_spec(simulator):
    events = sse_data(request(simulator, "POST", "/responses", {**RESPONSES, "stream": True}))
    assert {"response.function_call_arguments.delta", "response.function_call_arguments.done"} <= {e["type"] for e in events}
    for event in events:
        if isinstance(event.get("response"), dict) and event["response"].get("usage") is None:
            event["response"].pop("usage")  # null before completion, as test_sim_openapi explains
        validate(event, "ResponseStreamEvent")
