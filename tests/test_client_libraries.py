"""Published client libraries against the offline simulator: pydantic-ai and openai-agents.

The kit promises that code nobody here wrote behaves the same against the simulator as
against the API. Both libraries build structured output and agents on tool calling, so
each test checks three things:

- the wire: every request and answer is recorded by httpx2 event hooks on the client the
  library is handed, and the tests read the tool calls the simulator really sent;
- the library's result: a validated instance of the model with values taken from the
  prompt, or a tool that was really called and whose result is quoted in the answer;
- the network: every socket connect and name lookup during the test is recorded, and only
  the simulator's own address may appear.

Both libraries are test requirements (``requirements-dev.txt``), so nothing here is skipped.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")  # before the import: tracing exports to OpenAI

import agents
import httpx2
import openai
import pydantic
import pytest
from pydantic_ai import Agent as PydanticAgent
from pydantic_ai.models.openai import OpenAIChatModel, OpenAIResponsesModel
from pydantic_ai.providers.openai import OpenAIProvider

from helpers.models import DEFAULT_MODEL

agents.set_tracing_disabled(True)

MODEL = DEFAULT_MODEL
KEY = "sk-test"
FORECAST_PROMPT = "Give me the weather forecast for Paris for the next 3 days."
WEATHER_PROMPT = "What is the weather in Paris right now?"
TOOL_RESULT = "Sunny, 23 degrees"
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}


class Forecast(pydantic.BaseModel):
    """A weather forecast request: which city, for how many days."""

    city: str
    days: int


# --- the wire ---------------------------------------------------------------------------


@dataclass
class Exchange:
    """One request a library sent and the simulator's answer (JSON answers only)."""

    request: httpx2.Request
    body: dict[str, Any]
    status: int | None = None
    reply: dict[str, Any] | None = None
    streamed: bool = False


@dataclass
class Wire:
    """Records what a library sends and receives through one httpx2 client."""

    exchanges: list[Exchange] = field(default_factory=list)

    async def on_request(self, request: httpx2.Request) -> None:
        body = json.loads(request.content) if request.content else {}
        self.exchanges.append(Exchange(request, body))

    async def on_response(self, response: httpx2.Response) -> None:
        exchange = next(e for e in self.exchanges if e.request is response.request)
        exchange.status = response.status_code
        exchange.streamed = response.headers.get("content-type", "").startswith("text/event-stream")
        if response.headers.get("content-type", "").startswith("application/json"):
            await response.aread()
            exchange.reply = response.json()

    def client(self, base_url: str) -> openai.AsyncOpenAI:
        """A strict async SDK client whose traffic this wire records."""
        http = httpx2.AsyncClient(event_hooks={"request": [self.on_request], "response": [self.on_response]})
        return openai.AsyncOpenAI(base_url=base_url, api_key=KEY, max_retries=0, http_client=http,
                                  _strict_response_validation=True)


def tool_calls(reply: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``(name, arguments)`` of every function call in a chat or Responses answer."""
    if reply.get("object") == "chat.completion":
        message = reply["choices"][0]["message"]
        assert reply["choices"][0]["finish_reason"] == ("tool_calls" if message.get("tool_calls") else "stop")
        calls = [c["function"] for c in message.get("tool_calls") or []]
        return [(c["name"], json.loads(c["arguments"])) for c in calls]
    items = [i for i in reply["output"] if i["type"] == "function_call"]
    return [(i["name"], json.loads(i["arguments"])) for i in items]


def tool_names(body: dict[str, Any]) -> list[str]:
    """Names of the function tools a request offers (chat nests them; Responses keeps them flat)."""
    return [t["function"]["name"] if "function" in t else t["name"] for t in body.get("tools", [])]


def tool_results_sent(body: dict[str, Any]) -> list[str]:
    """Tool results a request carries back to the model (chat ``tool`` messages or ``function_call_output`` items)."""
    if "messages" in body:
        return [str(m["content"]) for m in body["messages"] if m.get("role") == "tool"]
    return [str(i["output"]) for i in body.get("input", []) if isinstance(i, dict) and i.get("type") == "function_call_output"]


def check_all_answered(wire: Wire, streamed: bool = False) -> None:
    """Every request got a 200: a JSON answer, or an event stream when ``streamed``."""
    assert wire.exchanges, "the library sent nothing"
    for exchange in wire.exchanges:
        assert exchange.status == 200, (exchange.body, exchange.reply)
        assert exchange.streamed if streamed else exchange.reply is not None


# --- the network ------------------------------------------------------------------------


@pytest.fixture
def sealed(simulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Record every socket connect and name lookup; after the test, only the simulator may appear."""
    seen: list[object] = []
    real_connect, real_connect_ex, real_lookup = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        seen.append(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        seen.append(address)
        return real_connect_ex(self, address)

    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(host)
        return real_lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    yield seen
    allowed = {(simulator.host, simulator.port), *LOOPBACK_NAMES}
    strays = [a for a in seen if (tuple(a[:2]) if isinstance(a, tuple) else a) not in allowed]
    assert not strays, f"something left the simulator: {strays}"
    assert any(isinstance(a, tuple) for a in seen), "no connection recorded: the guard saw nothing"


# --- pydantic-ai --------------------------------------------------------------------------


def pydantic_ai_model(kind: str, client: openai.AsyncOpenAI) -> OpenAIChatModel | OpenAIResponsesModel:
    provider = OpenAIProvider(openai_client=client)
    return OpenAIChatModel(MODEL, provider=provider) if kind == "chat" else OpenAIResponsesModel(MODEL, provider=provider)


@pytest.mark.parametrize("kind", ["chat", "responses"])
def test_pydantic_ai_structured_output_is_a_tool_call(simulator, sealed, kind: str) -> None:
    wire = Wire()
    agent = PydanticAgent(pydantic_ai_model(kind, wire.client(simulator.base_url)), output_type=Forecast)
    result = agent.run_sync(FORECAST_PROMPT)
    check_all_answered(wire)
    first = wire.exchanges[0]
    # pydantic-ai's default structured output: one required tool named final_result.
    assert first.body["tool_choice"] == "required" and tool_names(first.body) == ["final_result"]
    calls = tool_calls(first.reply)
    assert [name for name, _ in calls] == ["final_result"]
    assert isinstance(result.output, Forecast)
    assert result.output == Forecast.model_validate(calls[0][1])  # the output is the call on the wire
    assert "Paris" in result.output.city and result.output.days == 3
    assert len(wire.exchanges) == 1  # a valid first answer needs no retry


@pytest.mark.parametrize("kind", ["chat", "responses"])
def test_pydantic_ai_streamed_structured_output(simulator, sealed, kind: str) -> None:
    # run_stream reads the final_result call from streamed tool-call deltas (chat) or argument events (Responses).
    wire = Wire()
    agent = PydanticAgent(pydantic_ai_model(kind, wire.client(simulator.base_url)), output_type=Forecast)

    async def run() -> Forecast:
        async with agent.run_stream(FORECAST_PROMPT) as result:
            return await result.get_output()

    output = asyncio.run(run())
    check_all_answered(wire, streamed=True)
    assert len(wire.exchanges) == 1
    body = wire.exchanges[0].body
    assert body["stream"] is True and body["tool_choice"] == "required" and tool_names(body) == ["final_result"]
    assert isinstance(output, Forecast)
    assert "Paris" in output.city and output.days == 3


@pytest.mark.parametrize("kind", ["chat", "responses"])
def test_pydantic_ai_agent_calls_its_tool(simulator, sealed, kind: str) -> None:
    wire = Wire()
    agent = PydanticAgent(pydantic_ai_model(kind, wire.client(simulator.base_url)))
    calls: list[str] = []

    @agent.tool_plain
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        calls.append(city)
        return f"{TOOL_RESULT} in {city}"

    result = agent.run_sync(WEATHER_PROMPT)
    check_all_answered(wire)
    assert calls and all("Paris" in city for city in calls)
    check_tool_round_trip(wire, "get_weather", str(result.output))


def check_tool_round_trip(wire: Wire, name: str, answer: str) -> None:
    """The first answer calls ``name``, the next request carries its result, the answer quotes it."""
    assert len(wire.exchanges) == 2, [e.body for e in wire.exchanges]
    first, second = wire.exchanges
    assert name in tool_names(first.body)
    assert [n for n, _ in tool_calls(first.reply)] and all(n == name for n, _ in tool_calls(first.reply))
    assert any(TOOL_RESULT in r for r in tool_results_sent(second.body))
    assert tool_calls(second.reply) == []
    assert TOOL_RESULT in answer
    assert "[Offline simulation]" in answer


# --- openai-agents ------------------------------------------------------------------------


def agents_model(kind: str, client: openai.AsyncOpenAI) -> agents.Model:
    if kind == "chat":
        return agents.OpenAIChatCompletionsModel(MODEL, openai_client=client)
    return agents.OpenAIResponsesModel(MODEL, openai_client=client)


@pytest.mark.parametrize("kind", ["chat", "responses"])
def test_openai_agents_tool_output_is_a_validated_model(simulator, sealed, kind: str) -> None:
    # openai-agents' own output_type uses response_format, not tools; its tool-based structured output is a
    # tool taking the model as its argument (the library validates the arguments into it) that ends the run.
    wire = Wire()
    calls: list[Forecast] = []

    @agents.function_tool
    def record_forecast(forecast: Forecast) -> str:
        """Record the city and the number of days of a weather forecast request."""
        calls.append(forecast)
        return forecast.model_dump_json()

    agent = agents.Agent(name="forecaster", model=agents_model(kind, wire.client(simulator.base_url)),
                         tools=[record_forecast], tool_use_behavior="stop_on_first_tool",
                         model_settings=agents.ModelSettings(tool_choice="required"))
    result = agents.Runner.run_sync(agent, FORECAST_PROMPT)
    check_all_answered(wire)
    assert len(wire.exchanges) == 1
    assert wire.exchanges[0].body["tool_choice"] == "required"
    assert len(calls) == 1 and isinstance(calls[0], Forecast)
    assert tool_calls(wire.exchanges[0].reply) == [("record_forecast", {"forecast": calls[0].model_dump()})]
    assert "Paris" in calls[0].city and calls[0].days == 3
    assert Forecast.model_validate_json(result.final_output) == calls[0]


@pytest.mark.parametrize("kind", ["chat", "responses"])
def test_openai_agents_agent_calls_its_tool(simulator, sealed, kind: str) -> None:
    wire = Wire()
    calls: list[str] = []

    @agents.function_tool
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        calls.append(city)
        return f"{TOOL_RESULT} in {city}"

    agent = agents.Agent(name="weather", instructions="Answer with the tool's result.",
                         model=agents_model(kind, wire.client(simulator.base_url)), tools=[get_weather])
    result = agents.Runner.run_sync(agent, WEATHER_PROMPT)
    check_all_answered(wire)
    assert calls and all("Paris" in city for city in calls)
    check_tool_round_trip(wire, "get_weather", str(result.final_output))
