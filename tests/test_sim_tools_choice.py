"""Which tools the simulator calls, and how it fills arguments a learner reads (lesson 08 reports)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from helpers.offline.behaviour import toolargs
from helpers.offline.behaviour.text import Prompt, Turn
from test_sim_support import MODEL, client
from test_sim_tools import ask, calls_of

__all__ = ["client"]  # the fixture, re-exported for pytest

CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "Get the current weather for a city.", "parameters": CITY}}
LOCAL_TIME = {"type": "function", "function": {"name": "get_local_time", "description": "Get the current local time in a city.", "parameters": CITY}}
CALC_PARAMS = {"type": "object", "properties": {"expression": {"type": "string"}}, "required": ["expression"]}
CALC = {"type": "function", "function": {"name": "calculate", "description": "Evaluate an arithmetic expression.", "parameters": CALC_PARAMS}}
CALC_ZH = {"type": "function", "function": {"name": "calculator", "description": "计算数学表达式的值。", "parameters": CALC_PARAMS}}
WEATHER_ZH = {"type": "function", "function": {"name": "weather", "description": "查询指定城市的当前天气。", "parameters": CITY}}
TIME_ZH = {"type": "function", "function": {"name": "clock", "description": "查询指定城市的当前时间。", "parameters": CITY}}
SEARCH = {"type": "function", "function": {"name": "web_search", "description": "Search the web.", "parameters": {
    "type": "object", "properties": {"search_query": {"type": "string"}}, "required": ["search_query"]}}}


def names(completion) -> list[str]:
    return [name for name, _ in calls_of(completion)] if completion.choices[0].message.tool_calls else []


def test_a_named_city_alone_does_not_call_every_place_tool(client):
    assert calls_of(ask(client, "What's the weather in Tokyo?", tools=[WEATHER, LOCAL_TIME])) == [("get_weather", {"city": "Tokyo"})]
    assert calls_of(ask(client, "What time is it in Tokyo?", tools=[WEATHER, LOCAL_TIME])) == [("get_local_time", {"city": "Tokyo"})]
    assert names(ask(client, "Tell me a story about Tokyo.", tools=[WEATHER, LOCAL_TIME])) == []


def test_several_tools_when_the_question_asks_for_several_things(client):
    both = ask(client, "What's the weather and the local time in Tokyo?", tools=[WEATHER, LOCAL_TIME])
    assert sorted(calls_of(both)) == [("get_local_time", {"city": "Tokyo"}), ("get_weather", {"city": "Tokyo"})]
    cities = ask(client, "Compare the weather in Tokyo and London.", tools=[LOCAL_TIME, WEATHER])
    assert calls_of(cities) == [("get_weather", {"city": "Tokyo"}), ("get_weather", {"city": "London"})]


def test_responses_calls_only_the_relevant_tool(client):
    tools = [{"type": "function", **WEATHER["function"]}, {"type": "function", **LOCAL_TIME["function"]}]
    response = client.responses.create(model=MODEL, input="What time is it in Tokyo?", tools=tools)
    assert [(i.type, i.name, json.loads(i.arguments)) for i in response.output] == [("function_call", "get_local_time", {"city": "Tokyo"})]


def test_chinese_questions_pick_the_relevant_tool(client):
    calc = ask(client, "帮我算一下 12 * (3 + 4)", tools=[WEATHER_ZH, CALC_ZH])
    assert calls_of(calc) == [("calculator", {"expression": "12 * (3 + 4)"})]
    assert names(ask(client, "北京今天天气怎么样？", tools=[CALC_ZH, WEATHER_ZH])) == ["weather"]
    assert names(ask(client, "北京现在几点？", tools=[WEATHER_ZH, TIME_ZH])) == ["clock"]
    assert names(ask(client, "北京今天天气怎么样？", tools=[CALC_ZH])) == []
    assert names(ask(client, "你好，请介绍一下你自己。", tools=[CALC_ZH, WEATHER_ZH])) == []


UNIT = {"type": "string", "enum": ["celsius", "fahrenheit"]}


def args(properties: dict, message: str = "What's the weather in Tokyo?") -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties)}
    value = json.loads(toolargs.arguments("f", schema, Prompt([Turn("user", message)])))
    jsonschema.validate(value, schema)
    return value


def test_unmentioned_enum_uses_default_then_description_then_first_value(client):
    tool = {"type": "function", "function": {"name": "get_weather", "description": "Get the current weather for a city.",
                                             "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": UNIT}}}}
    assert calls_of(ask(client, "What's the weather in Tokyo?", tools=[tool])) == [("get_weather", {"city": "Tokyo", "unit": "celsius"})]
    assert args({"unit": UNIT})["unit"] == "celsius"
    assert args({"unit": {**UNIT, "enum": ["fahrenheit", "celsius"]}})["unit"] == "fahrenheit"
    assert args({"unit": {**UNIT, "enum": ["celsius", "fahrenheit"], "default": "fahrenheit"}})["unit"] == "fahrenheit"
    assert args({"unit": {**UNIT, "description": "Temperature unit; use fahrenheit unless asked otherwise."}})["unit"] == "fahrenheit"
    assert args({"unit": {**UNIT, "description": "Either celsius or fahrenheit (default: fahrenheit)."}})["unit"] == "fahrenheit"
    assert args({"unit": UNIT}, "Weather in Tokyo in fahrenheit?")["unit"] == "fahrenheit"


def test_expression_and_query_strings_come_from_the_message(client):
    calc = ask(client, "Please calculate 12 * (3 + 4) for me.", tools=[CALC, WEATHER])
    assert calls_of(calc) == [("calculate", {"expression": "12 * (3 + 4)"})]
    search = ask(client, "Search the web for the best ramen in Osaka", tools=[SEARCH])
    assert calls_of(search) == [("web_search", {"search_query": "Search the web for the best ramen in Osaka"})]
    assert args({"formula": {"type": "string"}}, "What is 2.5*4 - 1?") == {"formula": "2.5*4 - 1"}
    assert args({"mathExpression": {"type": "string"}}, "What is -5 + (3 / 2)?") == {"mathExpression": "-5 + (3 / 2)"}
    assert args({"input": {"type": "string", "description": "The math expression to evaluate"}}, "算一下 3 × (2 + 1)") == {"input": "3 * (2 + 1)"}
    assert args({"keyword": {"type": "string", "maxLength": 10}}, "python decorators explained") == {"keyword": "python dec"}
    assert args({"text": {"type": "string"}}, "Translate: good morning") == {"text": "Translate: good morning"}


@pytest.mark.parametrize("message", ["What is the square root of two?", "(1 + 2", "3 + 4) * 2", ""])
def test_expression_without_arithmetic_still_validates(message):
    value = args({"expression": {"type": "string", "minLength": 1}}, message)
    assert value["expression"]


@pytest.mark.parametrize("question", ["北京和上海现在哪个更冷？", "Is it raining in Paris?", "Which is colder, Paris or Tokyo?"])
def test_weather_words_call_the_weather_tool(client, question):
    weather = {"type": "function", "function": {"name": "get_weather", "description": "查询某个城市现在的天气。 Current weather.",
               "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
    calls = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}],
                                           tools=[weather]).choices[0].message.tool_calls or []
    assert calls and {c.function.name for c in calls} == {"get_weather"}
