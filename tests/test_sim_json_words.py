"""JSON asked in words, JSON mode and the shared value engine, through the real SDK.

A prompt that names keys in prose ("keys name (string) and age (integer)", "字段：姓名、年龄"),
pastes a JSON Schema or an example object, or says "return JSON" gets exactly that JSON:
values taken from the input where it has them, plain placeholders ("" / 0 / false / null)
where it has none, no offline marker inside (the ``x-kit-source`` header says where it came
from). Chat Completions and Responses, plain and streamed, in both languages.
"""

from __future__ import annotations

import json

import jsonschema
import openai
import pydantic
import pytest

from helpers.offline.behaviour import jsonfill, jsonwords
from helpers.offline.behaviour.text import Prompt, Turn
from test_sim_support import MODEL, chat, client, expect_error, reply_text, user

__all__ = ["client"]  # the fixture, re-exported for pytest

NAME_AGE_EN = "Reply in JSON with keys name (string) and age (integer). Text: John Smith is 30 years old."
NAME_AGE_ZH = "用 JSON 回复，字段：姓名（字符串）、年龄（整数）。小明今年 12 岁。"
MARKERS = ("offline", "simulation", "离线", "模拟")


def no_marker(text: str) -> bool:
    return not any(word in text.lower() for word in MARKERS)


def prompt(*turns: tuple[str, str]) -> Prompt:
    return Prompt([Turn(role, text) for role, text in turns])


# --- asked in words, no response_format ----------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (NAME_AGE_EN, {"name": "John Smith", "age": 30}),
    (NAME_AGE_ZH, {"姓名": "小明", "年龄": 12}),
    ("Reply in JSON with keys name (string) and age (integer): 小明今年 12 岁", {"name": "小明", "age": 12}),
    ("请以 JSON 格式返回，包含 name 和 age 两个字段：张三今年 30 岁", {"name": "张三", "age": 30}),
    ("Return JSON with fields title, year: 《三体》2008年出版", {"title": "三体", "year": 2008}),
])
def test_keys_named_in_prose_take_values_from_the_input(client, text, expected):
    response = client.chat.completions.with_raw_response.create(model=MODEL, messages=user(text))
    content = response.parse().choices[0].message.content
    assert json.loads(content) == expected
    assert no_marker(content) and response.headers["x-kit-source"] == "simulated"


@pytest.mark.parametrize(("text", "expected"), [
    ("Reply in JSON with keys name (string), age (integer), height (number) and student (boolean).",
     {"name": "", "age": 0, "height": 0, "student": False}),
    ("用 JSON 回复，字段：姓名（字符串）、年龄（整数）。", {"姓名": "", "年龄": 0}),
    ("Tell me a joke about cats, respond in JSON with `setup` and `punchline` keys", {"setup": "", "punchline": ""}),
])
def test_keys_without_values_in_the_input_hold_placeholders(client, text, expected):
    assert json.loads(reply_text(client, text)) == expected


def test_every_fact_kind_from_one_message(client):
    system = ("Extract the contact. Return JSON with fields name, email, phone, city, birthday (date), "
              "is_student (boolean) and budget (number).")
    text = ("Thanks for the talk! Best, Maria Lopez, maria.lopez@example.org, +1 415 555 0100. I live in Paris, "
            "was born on May 3, 1994, I am not a student and can spend $250.")
    value = json.loads(reply_text(client, [{"role": "system", "content": system}, *user(text)]))
    assert value == {"name": "Maria Lopez", "email": "maria.lopez@example.org", "phone": "+1 415 555 0100",
                     "city": "Paris", "birthday": "1994-05-03", "is_student": False, "budget": 250}


def test_yes_and_no_become_booleans(client):
    value = json.loads(reply_text(client, "Return JSON with keys vegetarian (boolean) and has_car (boolean). "
                                          "Vegetarian: yes. Car: no, he does not have a car."))
    assert value == {"vegetarian": True, "has_car": False}


def test_choices_in_parentheses_are_an_enum(client):
    value = json.loads(reply_text(client, "Reply in JSON with keys sentiment (positive/negative/neutral) and "
                                          "topic. Review: terrible, it broke after a day."))
    assert value == {"sentiment": "negative", "topic": ""}


def test_a_pasted_schema_is_followed_nested_and_typed(client):
    schema = {"type": "object", "properties": {
        "people": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "age": {"type": "integer"}, "email": {"type": ["string", "null"]}},
            "required": ["name", "age", "email"]}},
        "source": {"type": "string", "enum": ["letter", "chat"]}}, "required": ["people", "source"]}
    text = f"Return JSON matching this schema:\n{json.dumps(schema)}\n\nAlice is 30, Bob Stone is 25 years old."
    value = json.loads(reply_text(client, text))
    jsonschema.validate(value, schema)
    assert value == {"people": [{"name": "Alice", "age": 30, "email": None},
                                {"name": "Bob Stone", "age": 25, "email": None}], "source": "letter"}


def test_an_example_object_gives_its_shape_not_its_values(client):
    text = 'Return JSON like {"city": "Berlin", "days": 2, "tags": ["x"], "paid": true}. I am going to 上海 for 5 days.'
    # The count "5 days" also sizes the outermost array, as it sizes a plan's days (jsonout.stated_count).
    assert json.loads(reply_text(client, text)) == {"city": "上海", "days": 5, "tags": [""] * 5, "paid": False}
    assert json.loads(reply_text(client, 'Return JSON like {"name": "Bo", "tags": ["x"]}.')) == {"name": "", "tags": []}


def test_instructor_md_json_gets_a_fenced_block(client):
    # How instructor's Mode.MD_JSON asks: the schema in a system message, a ```json block asked for.
    class User(pydantic.BaseModel):
        name: str
        age: int

    system = ("As a genius expert, your task is to understand the content and provide the parsed objects in json "
              f"that match the following json_schema:\n\n{json.dumps(User.model_json_schema(), indent=2)}\n\n"
              "Make sure to return an instance of the JSON, not the schema itself")
    messages = [{"role": "system", "content": system}, *user("Jason is 25 years old."),
                {"role": "user", "content": "Return the correct JSON response within a ```json codeblock. not the JSON_SCHEMA"}]
    content = reply_text(client, messages)
    assert content.startswith("```json\n") and content.endswith("\n```")
    assert User.model_validate_json(content.removeprefix("```json").removesuffix("```")) == User(name="Jason", age=25)


def test_no_fence_when_told_not_to(client):
    text = "Always respond with a JSON object. Don't include any text or Markdown fencing. Keys: name, age. Ann is 41."
    assert json.loads(reply_text(client, text)) == {"name": "Ann", "age": 41}


def test_streamed_json_in_words(client):
    stream = client.chat.completions.create(model=MODEL, messages=user(NAME_AGE_ZH), stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert json.loads(text) == {"姓名": "小明", "年龄": 12}


def test_responses_api_plain_and_streamed(client):
    response = client.responses.create(model=MODEL, instructions="Return JSON with keys name and age.",
                                       input="John Smith is 30 years old.")
    assert json.loads(response.output_text) == {"name": "John Smith", "age": 30}
    events = client.responses.create(model=MODEL, input=NAME_AGE_ZH, stream=True)
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert json.loads(text) == {"姓名": "小明", "年龄": 12}


@pytest.mark.parametrize("text", ["What is JSON?", "Explain the key idea of recursion.", "什么是 JSON？"])
def test_a_question_about_json_is_answered_in_prose(client, text):
    content = reply_text(client, text)
    with pytest.raises(json.JSONDecodeError):
        json.loads(content)


# --- JSON mode -----------------------------------------------------------------------------------


def test_json_mode_takes_values_from_the_input(client):
    content = reply_text(client, user("Extract JSON with keys name and age: 小明今年 12 岁"), response_format={"type": "json_object"})
    assert json.loads(content) == {"name": "小明", "age": 12} and no_marker(content)


def test_json_mode_streamed_en(client):
    stream = client.chat.completions.create(model=MODEL, messages=user(NAME_AGE_EN), stream=True,
                                            response_format={"type": "json_object"})
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert json.loads(text) == {"name": "John Smith", "age": 30}


def test_without_named_keys(client):
    # JSON mode wraps the simulator's plain answer (it says what it saw); asked in words, nothing visible inside.
    value = json.loads(reply_text(client, "Reply in JSON with a greeting.", response_format={"type": "json_object"}))
    assert set(value) == {"answer", "language", "offline_simulation"} and "Reply in JSON with a greeting." in value["answer"]
    assert json.loads(reply_text(client, "Reply in JSON with a greeting.")) == {"answer": ""}


def test_json_mode_in_responses(client):
    response = client.responses.create(model=MODEL, input=NAME_AGE_ZH, text={"format": {"type": "json_object"}})
    assert json.loads(response.output_text) == {"姓名": "小明", "年龄": 12}


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_json_mode_still_needs_the_word_json(client, api):
    if api == "chat":
        err = expect_error(openai.BadRequestError, chat, client, user("Give me keys name and age: Ann is 41."),
                           response_format={"type": "json_object"}, status=400, code=None)
    else:
        err = expect_error(openai.BadRequestError, client.responses.create, model=MODEL, input="Keys name and age: Ann is 41.",
                           text={"format": {"type": "json_object"}}, status=400, code=None)
    assert "must contain the word 'json'" in err.message


# --- the same values in Structured Outputs and tool arguments ----------------------------------


class Person(pydantic.BaseModel):
    name: str
    age: int
    city: str


def test_structured_outputs_use_the_same_values(client):
    completion = client.chat.completions.parse(model=MODEL, messages=user("小明今年 12 岁，住在北京。"), response_format=Person)
    assert completion.choices[0].message.parsed == Person(name="小明", age=12, city="北京")
    response = client.responses.parse(model=MODEL, input="John Smith is 30 years old and lives in Boston.", text_format=Person)
    assert response.output_parsed == Person(name="John Smith", age=30, city="Boston")


def test_tool_arguments_use_the_same_values(client):
    tool = {"type": "function", "function": {"name": "send_email", "description": "Send an email", "parameters": {
        "type": "object", "properties": {"to": {"type": "string", "format": "email"}, "date": {"type": "string"}},
        "required": ["to", "date"], "additionalProperties": False}, "strict": True}}
    completion = chat(client, "Send an email to bob@example.com on 2026-03-14.", tools=[tool], tool_choice="required")
    args = json.loads(completion.choices[0].message.tool_calls[0].function.arguments)
    assert args == {"to": "bob@example.com", "date": "2026-03-14"}


# --- the parts, directly -----------------------------------------------------------------------


def test_prose_key_parsing():
    keys, _ = jsonwords.prose_keys("with fields title, tags (list of strings), rating (number, optional) and level (a/b)")
    assert keys == {"title": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
                    "rating": {"anyOf": [{"type": "number"}, {"type": "null"}]},
                    "level": {"type": "string", "enum": ["a", "b"]}}
    keys, _ = jsonwords.prose_keys("Fields:\n- name: string\n- age: integer\n- city\n\nSome text.")
    assert list(keys) == ["name", "age", "city"] and keys["age"] == {"type": "integer"}


def test_untyped_keys_get_a_type_by_name():
    assert [jsonfill.guessed_schema(k)["type"] for k in ("age", "price", "is_active", "tags", "title", "年龄", "是否学生")] == [
        "integer", "number", "boolean", "array", "string", "integer", "boolean"]


def test_asks_json_and_fence_rules():
    assert jsonwords.asks_json(prompt(("user", "Give me the answer as JSON.")))
    assert jsonwords.asks_json(prompt(("system", "请用 JSON 格式输出。"), ("user", "你好")))
    assert not jsonwords.asks_json(prompt(("user", "What is a JSON object?")))
    assert jsonwords.wants_fence(prompt(("user", "Return JSON in a code block.")))
    assert not jsonwords.wants_fence(prompt(("user", "Reply with JSON (no prose, no code fences).")))
