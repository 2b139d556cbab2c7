"""Tool-calling requests the real API refuses get the same 400s from the offline simulator."""

from __future__ import annotations

import openai
import pytest

from test_sim_support import MODEL, client, expect_error

__all__ = ["client"]  # the fixture, re-exported for pytest

PARAMS = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "additionalProperties": False}


def function(name: str = "get_weather", **extra) -> dict:
    return {"type": "function", "function": {"name": name, "description": "Weather for a city.", "parameters": PARAMS, **extra}}


def create(sdk: openai.OpenAI, messages: list[dict] | None = None, **params):
    return sdk.chat.completions.create(model=MODEL, messages=messages or [{"role": "user", "content": "Weather in Paris?"}], **params)


@pytest.mark.parametrize(("params", "param", "code", "words"), [
    ({"tool_choice": "auto"}, "tool_choice", None, "only allowed when 'tools' are specified"),
    ({"parallel_tool_calls": False}, "parallel_tool_calls", None, "only allowed when 'tools' are specified"),
    ({"tools": []}, "tools", "empty_array", "empty array"),
    ({"tools": [function("bad name!")]}, "tools[0].function.name", "invalid_value", "does not match pattern"),
    ({"tools": [function("x" * 65)]}, "tools[0].function.name", "string_above_max_length", "maximum length 64"),
    ({"tools": [function(f"f{i}") for i in range(129)]}, "tools", "array_above_max_length", "maximum length 128"),
    ({"tools": [function(), function()]}, "tools", "invalid_value", "'get_weather' is defined more than once"),
    ({"tools": [{"type": "custom", "custom": {"name": "grammar"}}]}, "tools[0].type", "invalid_value", "not available offline"),
    ({"tools": [{"type": "web_search"}]}, "tools[0].type", "invalid_value", "Supported values are: 'function' and 'custom'"),
    ({"tools": [{"type": "function"}]}, "tools[0].function", "missing_required_parameter", "Missing required parameter"),
    ({"tools": [function(), function("other")], "tool_choice": {"type": "function", "function": {"name": "nope"}}},
     "tool_choice.function.name", "invalid_value", "no function named 'nope'"),
    ({"tools": [function()], "tool_choice": "sometimes"}, "tool_choice", "invalid_value", "expected 'none', 'auto', 'required'"),
    ({"tools": [function()], "tool_choice": {"type": "custom", "custom": {"name": "x"}}}, "tool_choice.type", "invalid_value", "not available offline"),
    ({"tools": [function()], "parallel_tool_calls": "yes"}, "parallel_tool_calls", "invalid_type", "expected a boolean"),
    ({"function_call": "auto"}, "function_call", None, "only allowed when 'functions' are specified"),
    ({"functions": [PARAMS | {"name": "f"}], "tools": [function()]}, "functions", "invalid_value", "cannot be combined"),
])
def test_bad_tool_parameters_are_400(client, params, param, code, words):
    err = expect_error(openai.BadRequestError, create, client, status=400, code=code, **params)
    assert err.param == param and words in err.message, err.message


@pytest.mark.parametrize(("parameters", "words"), [
    ({"type": "string"}, "schema must be a JSON Schema of 'type: \"object\"', got 'type: \"string\"'"),
    ({"type": "object", "properties": []}, "is not of type 'object'"),
])
def test_unusable_parameters_are_invalid_function_parameters(client, parameters, words):
    tool = {"type": "function", "function": {"name": "f", "parameters": parameters}}
    err = expect_error(openai.BadRequestError, create, client, tools=[tool], status=400, code="invalid_function_parameters")
    assert err.param == "tools[0].function.parameters" and "Invalid schema for function 'f'" in err.message and words in err.message


@pytest.mark.parametrize(("parameters", "words"), [
    ({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
     "In context=(), 'additionalProperties' is required to be supplied and to be false."),
    ({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"], "additionalProperties": False},
     "In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'."),
    ({"type": "object", "properties": {"inner": {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]}},
      "required": ["inner"], "additionalProperties": False},
     "In context=('properties', 'inner'), 'additionalProperties' is required"),
])
def test_strict_rules(client, parameters, words):
    tool = {"type": "function", "function": {"name": "f", "parameters": parameters, "strict": True}}
    err = expect_error(openai.BadRequestError, create, client, tools=[tool], status=400, code="invalid_function_parameters")
    assert words in err.message, err.message
    tool["function"]["strict"] = False  # the same schema is fine without strict mode
    assert create(client, tools=[tool], tool_choice="required").choices[0].finish_reason == "tool_calls"


CALL = {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
USER = {"role": "user", "content": "Weather in Paris?"}


def test_tool_message_without_a_preceding_call(client):
    messages = [USER, {"role": "tool", "tool_call_id": "call_a", "content": "sunny"}]
    err = expect_error(openai.BadRequestError, create, client, messages, tools=[function()], status=400, code=None)
    assert err.body["message"] == "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'."
    assert err.param == "messages.[1].role"


def test_tool_message_with_an_unknown_call_id(client):
    messages = [USER, {"role": "assistant", "tool_calls": [CALL]}, {"role": "tool", "tool_call_id": "call_zzz", "content": "x"}]
    err = expect_error(openai.BadRequestError, create, client, messages, tools=[function()], status=400, code=None)
    assert "'tool_call_id' of 'call_zzz' not found in 'tool_calls' of previous message" in err.message


@pytest.mark.parametrize("tail", [[], [{"role": "user", "content": "and?"}]])
def test_unanswered_tool_calls(client, tail):
    second = {**CALL, "id": "call_b"}
    messages = [USER, {"role": "assistant", "content": None, "tool_calls": [CALL, second]},
                {"role": "tool", "tool_call_id": "call_a", "content": "sunny"}, *tail]
    err = expect_error(openai.BadRequestError, create, client, messages, tools=[function()], status=400, code=None)
    assert err.body["message"].startswith("An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.")
    assert err.message.endswith("did not have response messages: call_b") and err.param == "messages.[1].role"


def test_tool_message_needs_tool_call_id_and_call_fields(client):
    messages = [USER, {"role": "assistant", "tool_calls": [CALL]}, {"role": "tool", "content": "x"}]
    err = expect_error(openai.BadRequestError, create, client, messages, tools=[function()], status=400, code="missing_required_parameter")
    assert err.param == "messages[2].tool_call_id"
    broken = {"id": "call_a", "type": "function", "function": {"name": "get_weather"}}
    messages = [USER, {"role": "assistant", "tool_calls": [broken]}, {"role": "tool", "tool_call_id": "call_a", "content": "x"}]
    err = expect_error(openai.BadRequestError, create, client, messages, tools=[function()], status=400, code="missing_required_parameter")
    assert err.param == "messages[1].tool_calls[0].function.arguments"


def test_function_message_needs_a_name(client):
    messages = [USER, {"role": "function", "content": "sunny"}]
    err = expect_error(openai.BadRequestError, create, client, messages, status=400, code="missing_required_parameter")
    assert err.param == "messages[1].name"
