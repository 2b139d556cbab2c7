"""Function calling in the offline simulator's Chat Completions, through the real SDK (strict)."""

from __future__ import annotations

import json
import re
from typing import Literal

import jsonschema
import openai
import pydantic
import pytest

from test_sim_support import EN_MARK, MODEL, ZH_MARK, check_chat_body, client, raw_post

__all__ = ["client"]  # the fixture, re-exported for pytest

WEATHER_PARAMS = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
    "required": ["city", "unit"],
    "additionalProperties": False,
}
WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "Get the current weather for a city.",
                                            "parameters": WEATHER_PARAMS, "strict": True}}
TIME = {"type": "function", "function": {"name": "get_time", "description": "Current local time in a time zone.",
                                         "parameters": {"type": "object", "properties": {"timezone": {"type": "string"}}}}}
CALL_ID = re.compile(r"^call_[0-9a-f]{24}$")


def ask(sdk: openai.OpenAI, text: str | list[dict], **params):
    messages = [{"role": "user", "content": text}] if isinstance(text, str) else text
    body = {"model": MODEL, "messages": messages, **params}
    check_chat_body(body)
    return sdk.chat.completions.create(**body)


def calls_of(completion) -> list[tuple[str, dict]]:
    return [(c.function.name, json.loads(c.function.arguments)) for c in completion.choices[0].message.tool_calls]


def test_required_calls_with_valid_arguments(client):
    completion = ask(client, "Tell me something.", tools=[WEATHER], tool_choice="required")
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None and choice.message.role == "assistant"
    [call] = choice.message.tool_calls
    assert call.type == "function" and CALL_ID.match(call.id) and call.function.name == "get_weather"
    jsonschema.validate(json.loads(call.function.arguments), WEATHER_PARAMS)
    assert completion.usage.completion_tokens > 0


def test_auto_calls_only_when_the_message_is_about_the_tool(client):
    text = ask(client, "What is 2 + 2?", tools=[WEATHER, TIME])
    assert text.choices[0].finish_reason == "stop" and text.choices[0].message.tool_calls is None
    assert text.choices[0].message.content.startswith(EN_MARK)
    called = ask(client, "What's the weather like in Paris? Answer in celsius.", tools=[TIME, WEATHER])
    assert called.choices[0].finish_reason == "tool_calls"
    assert calls_of(called) == [("get_weather", {"city": "Paris", "unit": "celsius"})]


def test_none_never_calls_and_named_function_always_calls(client):
    none = ask(client, "What's the weather in Paris?", tools=[WEATHER], tool_choice="none")
    assert none.choices[0].finish_reason == "stop" and none.choices[0].message.tool_calls is None
    forced = ask(client, "What's the weather in Paris?", tools=[WEATHER, TIME],
                 tool_choice={"type": "function", "function": {"name": "get_time"}})
    assert [name for name, _ in calls_of(forced)] == ["get_time"]


def test_parallel_calls_for_two_cities_and_parallel_false(client):
    both = ask(client, "Compare the weather in Tokyo and London.", tools=[WEATHER])
    assert [args["city"] for _, args in calls_of(both)] == ["Tokyo", "London"]
    ids = [c.id for c in both.choices[0].message.tool_calls]
    assert len(set(ids)) == 2
    one = ask(client, "Compare the weather in Tokyo and London.", tools=[WEATHER], parallel_tool_calls=False)
    assert [args["city"] for _, args in calls_of(one)] == ["Tokyo"]


def test_chinese_places_and_units(client):
    completion = ask(client, "北京和上海今天天气怎么样？用摄氏度。", tools=[WEATHER])
    assert calls_of(completion) == [("get_weather", {"city": "北京", "unit": "celsius"}),
                                    ("get_weather", {"city": "上海", "unit": "celsius"})]


def test_allowed_tools_restricts_the_candidates(client):
    choice = {"type": "allowed_tools", "allowed_tools": {"mode": "required", "tools": [{"type": "function", "function": {"name": "get_time"}}]}}
    completion = ask(client, "What's the weather in Paris?", tools=[WEATHER, TIME], tool_choice=choice)
    assert [name for name, _ in calls_of(completion)] == ["get_time"]


def test_full_loop_answers_from_the_result(client):
    question = "What's the weather in Paris?"
    messages: list[dict] = [{"role": "user", "content": question}]
    first = ask(client, messages, tools=[WEATHER])
    message = first.choices[0].message
    messages.append(message.model_dump(exclude_none=True))
    for call in message.tool_calls:
        city = json.loads(call.function.arguments)["city"]
        messages.append({"role": "tool", "tool_call_id": call.id, "content": f"18 degrees and cloudy in {city}"})
    final = ask(client, messages, tools=[WEATHER])
    answer = final.choices[0]
    assert answer.finish_reason == "stop" and answer.message.tool_calls is None
    assert answer.message.content.startswith(EN_MARK)
    assert "18 degrees and cloudy in Paris" in answer.message.content and question in answer.message.content


def test_full_loop_in_chinese(client):
    messages: list[dict] = [{"role": "user", "content": "北京天气怎么样？"}]
    call = ask(client, messages, tools=[WEATHER]).choices[0].message.tool_calls[0]
    messages += [{"role": "assistant", "content": None, "tool_calls": [call.model_dump()]},
                 {"role": "tool", "tool_call_id": call.id, "content": "晴，25 度"}]
    content = ask(client, messages, tools=[WEATHER]).choices[0].message.content
    assert ZH_MARK in content and "晴，25 度" in content


def test_required_calls_again_after_a_result(client):
    messages = [{"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}]
    assert ask(client, messages, tools=[WEATHER], tool_choice="required").choices[0].finish_reason == "tool_calls"


class Weather(pydantic.BaseModel):
    city: str
    unit: Literal["celsius", "fahrenheit"]
    days: int


def test_pydantic_function_tool_with_parse(client):
    tool = openai.pydantic_function_tool(Weather)
    completion = client.chat.completions.parse(model=MODEL, tools=[tool],
                                               messages=[{"role": "user", "content": "Weather in Berlin for 3 days, fahrenheit please"}])
    parsed = completion.choices[0].message.tool_calls[0].function.parsed_arguments
    assert parsed == Weather(city="Berlin", unit="fahrenheit", days=3)


def test_stream_helper_gives_tool_call_events(client):
    kwargs = {"model": MODEL, "tools": [WEATHER], "messages": [{"role": "user", "content": "Weather in Rome and Madrid?"}]}
    with client.chat.completions.stream(**kwargs) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_completion()
    assert kinds.count("tool_calls.function.arguments.done") == 2 and "tool_calls.function.arguments.delta" in kinds
    assert final.choices[0].finish_reason == "tool_calls"
    plain = client.chat.completions.create(**kwargs)
    streamed = [(c.function.name, c.function.arguments) for c in final.choices[0].message.tool_calls]
    assert streamed == [(c.function.name, c.function.arguments) for c in plain.choices[0].message.tool_calls]
    assert [c.function.parsed_arguments["city"] for c in final.choices[0].message.tool_calls] == ["Rome", "Madrid"]


def test_raw_stream_wire_format(client):
    body = {"model": MODEL, "messages": [{"role": "user", "content": "Weather in Rome and Madrid?"}], "tools": [WEATHER],
            "stream": True, "stream_options": {"include_usage": True}}
    response = raw_post(client.base_url.__str__().rstrip("/"), "/chat/completions", body=body)
    chunks = [json.loads(line[6:]) for line in response.text.splitlines() if line.startswith("data: ") and line != "data: [DONE]"]
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    starts = [d for d in deltas if "tool_calls" in d and "id" in d["tool_calls"][0]]
    assert [s["tool_calls"][0]["index"] for s in starts] == [0, 1]
    assert starts[0]["role"] == "assistant" and starts[0]["content"] is None
    for start in starts:
        assert start["tool_calls"][0]["type"] == "function" and start["tool_calls"][0]["function"]["arguments"] == ""
    fragments = [d["tool_calls"][0] for d in deltas if "tool_calls" in d and "id" not in d["tool_calls"][0]]
    assert fragments and all(set(f) == {"index", "function"} and set(f["function"]) == {"arguments"} for f in fragments)
    assert [c["choices"][0]["finish_reason"] for c in chunks if c["choices"]][-1] == "tool_calls"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0
    joined = "".join(f["function"]["arguments"] for f in fragments if f["index"] == 1)
    assert json.loads(joined)["city"] == "Madrid"


def test_small_token_limit_truncates_arguments(client):
    full = ask(client, "Weather in Paris?", tools=[WEATHER]).choices[0].message.tool_calls[0].function.arguments
    short = ask(client, "Weather in Paris?", tools=[WEATHER], max_completion_tokens=3).choices[0]
    assert short.finish_reason == "length"
    cut = short.message.tool_calls[0].function.arguments
    assert full.startswith(cut) and len(cut) < len(full)
    with pytest.raises(openai.LengthFinishReasonError):
        client.chat.completions.parse(model=MODEL, tools=[openai.pydantic_function_tool(Weather)], max_completion_tokens=3,
                                      messages=[{"role": "user", "content": "Weather in Paris?"}])


def test_tool_definitions_count_toward_prompt_tokens(client):
    plain = ask(client, "Weather in Paris?").usage.prompt_tokens
    one = ask(client, "Weather in Paris?", tools=[WEATHER], tool_choice="none").usage.prompt_tokens
    two = ask(client, "Weather in Paris?", tools=[WEATHER, TIME], tool_choice="none").usage.prompt_tokens
    assert plain < one < two


def test_same_request_same_bytes(client):
    # temperature 0: no sampling (each sample at the default temperature gets an id of its own)
    body = {"model": MODEL, "messages": [{"role": "user", "content": "Weather in Oslo?"}], "tools": [WEATHER], "temperature": 0}
    base = client.base_url.__str__().rstrip("/")
    assert raw_post(base, "/chat/completions", body=body).content == raw_post(base, "/chat/completions", body=body).content


def test_legacy_functions_are_honoured(client):
    functions = [WEATHER["function"]]
    completion = client.chat.completions.create(model=MODEL, functions=functions,
                                                messages=[{"role": "user", "content": "Weather in Seoul?"}])
    choice = completion.choices[0]
    assert choice.finish_reason == "function_call" and choice.message.tool_calls is None
    assert choice.message.function_call.name == "get_weather"
    assert json.loads(choice.message.function_call.arguments)["city"] == "Seoul"
    messages = [{"role": "user", "content": "Weather in Seoul?"},
                {"role": "assistant", "content": None, "function_call": choice.message.function_call.model_dump()},
                {"role": "function", "name": "get_weather", "content": "rainy, 12 C"}]
    answer = client.chat.completions.create(model=MODEL, functions=functions, messages=messages).choices[0]
    assert answer.finish_reason == "stop" and "rainy, 12 C" in answer.message.content
    none = client.chat.completions.create(model=MODEL, functions=functions, function_call="none",
                                          messages=[{"role": "user", "content": "Weather in Seoul?"}])
    assert none.choices[0].finish_reason == "stop"
