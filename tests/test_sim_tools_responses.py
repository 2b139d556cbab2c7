"""Function calling in the offline simulator's Responses API, through the real SDK (strict)."""

from __future__ import annotations

import json

import openai
import pydantic
import pytest
from openai.types.responses import response_create_params

from helpers.offline.behaviour import toolspec
from test_sim_support import EN_MARK, MODEL, ZH_MARK, client, expect_error, raw_post

__all__ = ["client"]  # the fixture, re-exported for pytest

LOOSE = {"type": "object", "properties": {"city": {"type": "string"}}}
WEATHER = {"type": "function", "name": "get_weather", "description": "Get the current weather for a city.", "parameters": LOOSE}
TIME = {"type": "function", "name": "get_time", "description": "Current local time.", "parameters": None, "strict": False}


def create(sdk: openai.OpenAI, prompt: str | list = "What's the weather in Paris?", **params):
    body = {"model": MODEL, "input": prompt, **params}
    pydantic.TypeAdapter(response_create_params.ResponseCreateParamsNonStreaming).validate_python(body)
    return sdk.responses.create(**body)


def test_function_call_item_and_echo(client):
    response = create(client, tools=[WEATHER, TIME])
    [item] = response.output
    assert item.type == "function_call" and item.status == "completed" and item.name == "get_weather"
    assert item.id.startswith("fc_") and item.call_id.startswith("call_")
    assert json.loads(item.arguments) == {"city": "Paris"}
    echo = [t.model_dump(exclude_none=True) for t in response.tools]
    assert echo[0] == {**WEATHER, "strict": True, "parameters": {**LOOSE, "additionalProperties": False, "required": ["city"]}}
    assert echo[1] == {"type": "function", "name": "get_time", "description": "Current local time.", "strict": False}
    assert response.tool_choice == "auto" and response.parallel_tool_calls is True
    assert response.usage.output_tokens > 0


def test_open_schema_falls_back_to_non_strict(client):
    tool = {**WEATHER, "parameters": {**LOOSE, "additionalProperties": True}}
    echo = create(client, tools=[tool]).tools[0]
    assert echo.strict is False and echo.parameters == tool["parameters"]


def test_choice_forms_are_honoured_and_echoed(client):
    assert create(client, tools=[WEATHER], tool_choice="none").output[0].type == "message"
    forced = create(client, tools=[WEATHER, TIME], tool_choice={"type": "function", "name": "get_time"})
    assert [i.name for i in forced.output] == ["get_time"] and forced.tool_choice.name == "get_time"
    allowed = {"type": "allowed_tools", "mode": "required", "tools": [{"type": "function", "name": "get_time"}]}
    assert [i.name for i in create(client, tools=[WEATHER, TIME], tool_choice=allowed).output] == ["get_time"]
    assert create(client, "What is 2 + 2?", tools=[WEATHER]).output[0].type == "message"


def test_parallel_and_max_tool_calls(client):
    question = "Weather in Tokyo, London and Sydney?"
    assert [json.loads(i.arguments)["city"] for i in create(client, question, tools=[WEATHER]).output] == ["Tokyo", "London", "Sydney"]
    capped = create(client, question, tools=[WEATHER], max_tool_calls=2)
    assert len(capped.output) == 2 and capped.max_tool_calls == 2
    single = create(client, question, tools=[WEATHER], parallel_tool_calls=False)
    assert len(single.output) == 1 and single.parallel_tool_calls is False


def test_full_loop_with_function_call_output(client):
    question = "北京天气怎么样？"
    first = create(client, question, tools=[WEATHER])
    call = first.output[0]
    items = [{"role": "user", "content": question}, call.model_dump(exclude_none=True),
             {"type": "function_call_output", "call_id": call.call_id, "output": "晴，25 度"}]
    answer = create(client, items, tools=[WEATHER])
    assert answer.output[0].type == "message" and ZH_MARK in answer.output_text and "晴，25 度" in answer.output_text
    parts = [{"type": "input_text", "text": "sunny, 25 C"}]
    items = [{"role": "user", "content": "Weather in Paris?"}, call.model_dump(exclude_none=True),
             {"type": "function_call_output", "call_id": call.call_id, "output": parts}]
    english = create(client, items, tools=[WEATHER]).output_text
    assert english.startswith(EN_MARK) and "sunny, 25 C" in english


def test_history_errors(client):
    orphan = [{"role": "user", "content": "hi"}, {"type": "function_call_output", "call_id": "call_x", "output": "1"}]
    err = expect_error(openai.BadRequestError, create, client, orphan, tools=[WEATHER], status=400, code=None)
    assert err.body["message"] == "No tool call found for function call output with call_id call_x." and err.param == "input"
    unanswered = [{"role": "user", "content": "hi"}, {"type": "function_call", "call_id": "call_y", "name": "get_weather", "arguments": "{}"}]
    err = expect_error(openai.BadRequestError, create, client, unanswered, tools=[WEATHER], status=400, code=None)
    assert err.body["message"] == "No tool output found for function call call_y."
    other = [{"role": "user", "content": "hi"}, {"type": "item_reference", "id": "msg_1"}]
    err = expect_error(openai.BadRequestError, create, client, other, status=400, code="invalid_value")
    assert "'item_reference' are not available offline" in err.message and err.param == "input[1].type"


@pytest.mark.parametrize("kind", toolspec.hosted_tool_types())
def test_hosted_tools_are_refused(client, kind):
    base = str(client.base_url).rstrip("/")
    response = raw_post(base, "/responses", body={"model": MODEL, "input": "hi", "tools": [{"type": kind}]})
    error = response.json()["error"]
    assert response.status_code == 400 and error["param"] == "tools[0].type"
    assert f"Tool type '{kind}' is not available offline" in error["message"]


@pytest.mark.parametrize("choice", [{"type": "file_search"}, {"type": "mcp", "server_label": "x"}, {"type": "custom", "name": "x"}])
def test_hosted_tool_choice_is_refused(client, choice):
    err = expect_error(openai.BadRequestError, create, client, tools=[WEATHER], tool_choice=choice, status=400, code="invalid_value")
    assert "not available offline" in err.message


def test_stream_helper_accumulates_function_calls(client):
    kinds = []
    with client.responses.stream(model=MODEL, input="Weather in Rome and Madrid?", tools=[WEATHER]) as stream:
        for event in stream:
            kinds.append(event.type)
        final = stream.get_final_response()
    assert kinds[:3] == ["response.created", "response.in_progress", "response.output_item.added"]
    assert kinds[-1] == "response.completed" and kinds.count("response.function_call_arguments.done") == 2
    assert kinds.count("response.output_item.done") == 2
    assert [json.loads(i.arguments)["city"] for i in final.output] == ["Rome", "Madrid"]


def test_raw_stream_events(client):
    body = {"model": MODEL, "input": "Weather in Rome?", "tools": [WEATHER], "stream": True}
    response = raw_post(str(client.base_url).rstrip("/"), "/responses", body=body)
    events = [json.loads(line[6:]) for line in response.text.splitlines() if line.startswith("data: ")]
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    added = next(e for e in events if e["type"] == "response.output_item.added")
    assert added["item"]["status"] == "in_progress" and added["item"]["arguments"] == ""
    deltas = [e for e in events if e["type"] == "response.function_call_arguments.delta"]
    done = next(e for e in events if e["type"] == "response.function_call_arguments.done")
    assert all(d["item_id"] == added["item"]["id"] and d["output_index"] == 0 for d in deltas)
    assert "".join(d["delta"] for d in deltas) == done["arguments"] and done["name"] == "get_weather"


def test_token_limit_and_input_token_count(client):
    search = {"type": "function", "name": "search", "description": "Search the web.",
              "parameters": {"type": "object", "properties": {"query": {"type": "string"}}}}
    question = "Search the web for the history of " + "very " * 30 + "old bridges."
    full = create(client, question, tools=[search]).output[0]
    short = create(client, question, tools=[search], max_output_tokens=16)
    assert short.status == "incomplete" and short.incomplete_details.reason == "max_output_tokens"
    assert short.output[0].status == "incomplete" and full.arguments.startswith(short.output[0].arguments)
    assert len(short.output[0].arguments) < len(full.arguments) and short.usage.output_tokens <= 16 + 1
    plain = client.responses.input_tokens.count(model=MODEL, input="Weather in Paris?").input_tokens
    with_tools = client.responses.input_tokens.count(model=MODEL, input="Weather in Paris?", tools=[WEATHER]).input_tokens
    assert plain < with_tools == create(client, "Weather in Paris?", tools=[WEATHER]).usage.input_tokens


def test_function_call_output_through_previous_response_id(client):
    first = client.responses.create(model=MODEL, input="What is the weather in Paris?", tools=[WEATHER], tool_choice="required")
    call = next(item for item in first.output if item.type == "function_call")
    result = {"type": "function_call_output", "call_id": call.call_id, "output": "Sunny, 23 degrees in Paris"}
    second = client.responses.create(model=MODEL, previous_response_id=first.id, input=[result], tools=[WEATHER])
    assert second.previous_response_id == first.id
    assert "Sunny, 23 degrees in Paris" in second.output_text
    stranger = {**result, "call_id": "call_unknown"}
    err = expect_error(openai.BadRequestError, client.responses.create, model=MODEL, previous_response_id=first.id,
                       input=[stranger], tools=[WEATHER], status=400, code=None)
    assert err.body["message"] == "No tool call found for function call output with call_id call_unknown."
