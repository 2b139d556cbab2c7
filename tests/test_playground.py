"""Tests for ``helpers.playground`` (lesson 06) and the modules it is made of.

The widgets run headless: ipywidgets 8 fires ``observe`` callbacks and ``Button.click()``
without a kernel. Requests go through the real SDK to the session's offline simulator
(the ``simulator`` fixture) with ``max_retries=0``; replies are deterministic and quote
the request, so the tests can check what the model was sent.
"""

from __future__ import annotations

import datetime
import html
import io
import json
import re
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import ipywidgets as widgets
import openai
import pytest
from PIL import Image

import helpers.playground as playground_module
import helpers.playground.widget as widget_module
from helpers.config import LIVE, Settings
from helpers.costs import UnknownPriceError, estimate_cost, price_for
from helpers.models import DEFAULT_MODEL
from helpers.offline import INVALID_KEY, TOKEN_LATENCY_HEADER
from helpers.playground import (
    ADVICE, EXAMPLE_SCHEMA, Playground, available_models, check_reply, parse_schema, schema_name, strict_problems,
)

RETIRED = "gpt-3.5-turbo"
DEAD_URL = "http://127.0.0.1:9/v1"  # nothing listens on port 9: connection refused at once


def make_client(simulator, **options: Any) -> openai.OpenAI:
    return openai.OpenAI(**{"base_url": simulator.base_url, "api_key": "sk-test", "max_retries": 0, **options})


@pytest.fixture
def client(simulator) -> Iterator[openai.OpenAI]:
    with make_client(simulator) as sdk:
        yield sdk


def make(client: Any, **options: Any) -> Playground:
    """A blocking English playground with a fast simulated stream and a fixed model menu."""
    return Playground(client, **{"lang": "en", "models": [DEFAULT_MODEL, RETIRED], "token_latency_ms": 1,
                                 "blocking": True, **options})


@pytest.fixture
def pg(client) -> Playground:
    return make(client)


def changes(widget: widgets.Widget, name: str = "value") -> list[Any]:
    """Every new value the trait ``name`` of ``widget`` takes from now on."""
    seen: list[Any] = []
    widget.observe(lambda change: seen.append(change["new"]), names=name)
    return seen


def png_bytes(size: tuple[int, int] = (64, 32), colour: tuple[int, int, int] = (255, 0, 0)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def numbers(meter_html: str) -> tuple[int, int]:
    match = re.search(r"in (\d+) · out (\d+)", meter_html)
    assert match, meter_html
    return int(match[1]), int(match[2])


# --- chat: streaming, meter, busy state -------------------------------------------------


def test_send_streams_the_reply_into_the_answer(client, pg) -> None:
    values = changes(pg.chat.answer)
    pg.prompt.value = "What is a token?"
    pg.send_button.click()
    direct = client.chat.completions.create(model=DEFAULT_MODEL, max_completion_tokens=1024,
                                            messages=[{"role": "user", "content": "What is a token?"}])
    reply = direct.choices[0].message.content
    assert pg.turns[-1].text == reply
    assert html.escape(reply) in pg.chat.answer.value
    partial = [v for v in values if "Offline simulation" in v and html.escape(reply) not in v]
    assert len(partial) >= 5, f"only {len(partial)} intermediate updates"
    assert html.escape(reply) in values[-1]  # and then the finished answer
    assert pg.prompt.value == ""  # cleared for the next message


def test_meter_shows_usage_cost_latency_and_finish_reason(client, pg) -> None:
    turn = pg.send("Explain streaming in one sentence.")
    direct = client.chat.completions.create(model=DEFAULT_MODEL, max_completion_tokens=1024,
                                            messages=[{"role": "user", "content": "Explain streaming in one sentence."}])
    meter = pg.chat.meter.value
    assert numbers(meter) == (direct.usage.prompt_tokens, direct.usage.completion_tokens)
    assert (turn.input_tokens, turn.output_tokens) == (direct.usage.prompt_tokens, direct.usage.completion_tokens)
    cost = estimate_cost(DEFAULT_MODEL, direct.usage.prompt_tokens, direct.usage.completion_tokens)
    assert cost > 0 and f"${cost:.6f}" in meter
    assert "finish_reason: stop" in meter and turn.finish_reason == "stop"
    assert re.search(r"first token \d+\.\d\d s · total \d+\.\d\d s", meter)
    assert turn.stream.first_token_s is not None and 0 < turn.stream.first_token_s <= turn.stream.total_s
    assert "so far: requests 1 · in" in meter


def test_session_total_adds_up_every_request(pg) -> None:
    first, second = pg.send("One?"), pg.send("Two?")
    total_in = first.input_tokens + second.input_tokens
    total_out = first.output_tokens + second.output_tokens
    assert f"requests 2 · in {total_in} · out {total_out} tokens · ≈ ${first.cost + second.cost:.6f}" in pg.chat.meter.value


def test_send_is_disabled_while_a_background_request_runs(client) -> None:
    pg = make(client, blocking=False, token_latency_ms=5)
    disabled, labels, reset = changes(pg.send_button, "disabled"), changes(pg.send_button, "description"), \
        changes(pg.reset_button, "disabled")
    drawn_in: set[str] = set()
    pg.chat.answer.observe(lambda _: drawn_in.add(threading.current_thread().name), names="value")
    pg.prompt.value = "Hello there"
    pg.send_button.click()
    turn = pg.wait(timeout=30)
    assert disabled == [True, False] and reset == [True, False]
    assert labels == ["Sending…", "Send"]
    assert threading.current_thread().name not in drawn_in  # the stream was drawn from the worker thread
    assert turn is not None and turn.ok and "Hello there" in turn.text
    assert len(pg.turns) == 1 and len(pg.messages) == 2


def test_blocking_send_also_disables_the_button(pg) -> None:
    disabled = changes(pg.send_button, "disabled")
    pg.send("Hi")
    assert disabled == [True, False]


# --- chat: conversation ------------------------------------------------------------------


def test_follow_up_turn_carries_the_previous_one(pg) -> None:
    pg.send("My name is Lin.")
    turn = pg.send("What is my name?")
    assert "previous message was: “My name is Lin.”" in turn.text
    assert [m["role"] for m in pg.messages] == ["user", "assistant", "user", "assistant"]
    assert "My name is Lin." in pg.history.value  # the first turn moved up into the history


def test_system_prompt_goes_first_with_the_chosen_role(pg) -> None:
    pg.system.value = "Be friendly."  # no checkable format, so the reply quotes it (a length would be followed)
    turn = pg.send("What is JSON?")
    assert "I follow your instruction: “Be friendly.”" in turn.text
    assert "developer 1" in turn.text  # the default role on the OpenAI API
    pg.role.value = "system"
    assert "system 1" in pg.send("Again").text
    assert all(m["role"] in ("user", "assistant") for m in pg.messages)  # instructions are not history


def test_reset_starts_a_new_conversation(pg) -> None:
    pg.send("First message")
    pg.send("Second message")
    pg.reset_button.click()
    assert pg.messages == [] and pg.history.value == "" and pg.chat.meter.value == ""
    assert "New conversation" in pg.chat.answer.value
    turn = pg.send("Fresh start")
    assert "previous message" not in turn.text and "user 1" in turn.text
    assert pg.session.requests == 3  # the session total keeps counting


def test_temperature_is_sent_only_when_moved_from_the_default(pg) -> None:
    assert "temperature" not in pg.send("Hi").text
    pg.temperature.value = 0.3
    assert "temperature=0.3" in pg.send("Hi").text


def test_small_token_limit_shows_length_and_a_hint(pg) -> None:
    pg.max_tokens.value = 16
    turn = pg.send("Tell me a long story.")
    assert turn.finish_reason == "length" and turn.output_tokens == 16
    assert "finish_reason: length" in pg.chat.meter.value
    assert "Cut off by the token limit" in pg.chat.meter.value


def test_prompt_is_escaped_in_the_answer(pg) -> None:
    pg.send('Is <script>alert("x")</script> safe?')
    shown = pg.chat.answer.value + pg.history.value
    assert "<script>" not in shown
    assert "&lt;script&gt;" in pg.chat.answer.value


def test_empty_prompt_sends_nothing(pg) -> None:
    assert pg.send("   ") is None
    assert "Type a message first." in pg.chat.answer.value
    assert pg.session.requests == 0


def test_model_menu_lists_configured_and_current_models(client) -> None:
    names = available_models(client, [DEFAULT_MODEL])
    assert names[0] == DEFAULT_MODEL
    assert "gpt-5.5" in names and "gpt-5.4" in names
    assert "gpt-5.4-nano" not in names  # announced shutdown: not offered
    assert not [n for n in names if not n.startswith(("gpt-5.4", "gpt-5.5"))]
    assert len(names) == len(set(names))


def test_model_menu_survives_a_failed_listing() -> None:
    with openai.OpenAI(base_url=DEAD_URL, api_key="sk-test", max_retries=0) as dead:
        pg = Playground(dead, lang="en", blocking=True)
    assert list(pg.model.options) == [DEFAULT_MODEL]  # OPENAI_MODEL and OPENAI_VISION_MODEL, once


def unpriced_model(client: openai.OpenAI) -> str:
    """A model the simulator serves but helpers.costs has no price for."""
    for model in client.models.list():
        try:
            price_for(model.id)
        except UnknownPriceError:
            return model.id
    pytest.skip("every listed model has a price")


def test_unknown_price_shows_na_instead_of_failing(client) -> None:
    model = unpriced_model(client)
    pg = make(client, models=[model])
    turn = pg.send("Hi")
    assert turn.ok and turn.cost is None and turn.input_tokens
    # The reply names the model's dated snapshot (as the live API does): the alias starts it.
    assert f"cost n/a (no price for '{model}" in html.unescape(pg.chat.meter.value)
    assert "(+1 without a price)" in pg.chat.meter.value


def test_latency_header_only_offline(pg, monkeypatch) -> None:
    request = pg._request(DEFAULT_MODEL, [])
    assert request["extra_headers"] == {TOKEN_LATENCY_HEADER: "1"}
    live = Settings(mode=LIVE, base_url="https://api.openai.com/v1", model=DEFAULT_MODEL, vision_model=DEFAULT_MODEL)
    monkeypatch.setattr(widget_module, "settings", lambda: live)
    live_pg = make(pg.client)
    assert "extra_headers" not in live_pg._request(DEFAULT_MODEL, [])


def test_chinese_labels(client) -> None:
    pg = make(client, lang="zh")
    assert pg.send_button.description == "发送"
    assert pg.widget.titles == ("对话", "JSON", "图像")
    pg.send("你好")
    assert "token：输入" in pg.chat.meter.value


def test_language_defaults_to_the_readers(client, monkeypatch) -> None:
    monkeypatch.setenv("KIT_LANG", "zh")
    pg = Playground(client, models=[DEFAULT_MODEL], blocking=True)
    assert pg.lang == "zh" and pg.send_button.description == "发送"
    monkeypatch.setenv("KIT_LANG", "en")
    assert Playground(client, models=[DEFAULT_MODEL], blocking=True).temperature.description == "Temperature"


def test_described_controls_are_never_cut_off(pg) -> None:
    """The default 80 px label width cut "Temperature" off at 1280 px: labels size to their text."""
    controls = (pg.model, pg.temperature, pg.max_tokens, pg.role, pg.vision_model, pg.detail)
    assert [c.style.description_width for c in controls] == ["initial"] * len(controls)


def test_unknown_language_is_refused(client) -> None:
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en'"):
        Playground(client, lang="fr", models=[DEFAULT_MODEL])


def test_documented_css_classes_exist(pg) -> None:
    documented = set(re.findall(r"``(kit-[a-z-]+)``", playground_module.__doc__ or ""))
    found: set[str] = set()
    stack: list[widgets.Widget] = [pg.widget]
    while stack:
        widget = stack.pop()
        found |= set(widget._dom_classes)
        stack.extend(getattr(widget, "children", ()))
    assert documented == {c for c in found if c.startswith("kit-")}
    for name in ("kit-prompt", "kit-send", "kit-answer", "kit-meter", "kit-reset"):
        assert name in documented


# --- errors -------------------------------------------------------------------------------


def test_invalid_key_shows_401_in_the_widget(simulator) -> None:
    with make_client(simulator, api_key=INVALID_KEY) as bad:
        pg = make(bad)
        turn = pg.send("Hello")
    answer = pg.chat.answer.value
    assert "AuthenticationError · HTTP 401 · code invalid_api_key" in answer
    assert "Incorrect API key provided" in answer and INVALID_KEY not in answer  # the server masks it
    assert "OPENAI_API_KEY" in answer and turn.error is not None and turn.error.status == 401


def test_retired_model_404_keeps_the_conversation(pg) -> None:
    pg.send("My name is Lin.")
    before = [dict(m) for m in pg.messages]
    pg.model.value = RETIRED
    pg.prompt.value = "What is my name?"
    turn = pg.send()
    assert "NotFoundError · HTTP 404 · code model_not_found" in pg.chat.answer.value
    assert ADVICE["not_found"].en in html.unescape(pg.chat.answer.value)
    assert "conversation is kept" in pg.chat.answer.value
    assert turn.error is not None and pg.messages == before
    assert pg.prompt.value == "What is my name?"  # nothing the learner typed is lost
    pg.model.value = DEFAULT_MODEL
    retry = pg.send()
    assert "previous message was: “My name is Lin.”" in retry.text


def test_rate_limit_429_with_advice(client) -> None:
    pg = make(client, extra_headers={"x-offline-fault": "rate_limit"})
    pg.send("Hi")
    assert "RateLimitError · HTTP 429 · code rate_limit_exceeded" in pg.chat.answer.value
    assert "Wait a few seconds" in pg.chat.answer.value
    assert pg.session.requests == 0 and pg.messages == []


def test_quota_429_says_retrying_does_not_help(client) -> None:
    pg = make(client, lang="zh", extra_headers={"x-offline-fault": "quota"})
    pg.send("你好")
    assert "错误码 insufficient_quota" in pg.chat.answer.value
    assert ADVICE["quota"].zh in pg.chat.answer.value


def test_connection_error_in_the_widget() -> None:
    with openai.OpenAI(base_url=DEAD_URL, api_key="sk-test", max_retries=0) as dead:
        pg = make(dead)
        pg.send("Hello")
    answer = pg.chat.answer.value
    assert "APIConnectionError" in answer and "HTTP" not in answer.split("<br>")[0]
    assert "Could not reach the server" in answer


def test_timeout_in_the_widget(client) -> None:
    pg = make(client, timeout=0.3, extra_headers={"x-offline-fault": "slow; seconds=2"})
    turn = pg.send("Hello")
    assert "APITimeoutError" in pg.chat.answer.value and "No answer in time" in pg.chat.answer.value
    assert turn.error is not None and turn.error.kind == "APITimeoutError"


class _BrokenStream:
    """A stream that delivers two pieces of text, then fails like a dropped connection."""

    def __init__(self) -> None:
        self.chunks = [
            SimpleNamespace(model="m", usage=None, choices=[SimpleNamespace(
                delta=SimpleNamespace(content=piece, refusal=None), finish_reason=None)])
            for piece in ("Half ", "an answer")
        ]

    def __enter__(self) -> _BrokenStream:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __iter__(self) -> Iterator[Any]:
        yield from self.chunks
        raise RuntimeError("stream broke")


def test_error_half_way_keeps_the_partial_text_and_the_conversation() -> None:
    fake = SimpleNamespace(chat=SimpleNamespace(completions=SimpleNamespace(create=lambda **_: _BrokenStream())))
    pg = make(fake, blocking=False)
    pg.send("Hi")
    turn = pg.wait(timeout=10)
    assert turn is not None and turn.error is not None and turn.error.kind == "RuntimeError"
    assert "Half an answer" in pg.chat.answer.value and "stream broke" in pg.chat.answer.value
    assert pg.messages == [] and not pg.send_button.disabled


def test_a_bug_in_the_worker_thread_is_shown_not_lost(pg, monkeypatch) -> None:
    pg.blocking = False
    monkeypatch.setattr(pg, "_chat_turn", lambda text: 1 / 0)
    pg.send("Hi")
    pg.wait(timeout=10)
    assert "ZeroDivisionError" in pg.chat.answer.value
    assert not pg.send_button.disabled and pg.send_button.description == "Send"


# --- JSON tab ------------------------------------------------------------------------------


def test_json_schema_reply_is_validated(pg) -> None:
    pg.json_send.click()
    turn = pg.turns[-1]
    assert turn.ok and set(turn.parsed) == {"title", "author", "year", "genres"}
    assert isinstance(turn.parsed["year"], int)
    assert "Valid: the reply matches your schema" in pg.json_result.value
    assert "genres" in pg.json_panel.answer.value and "in " in pg.json_panel.meter.value


def test_json_schema_that_is_not_json_is_explained(pg) -> None:
    pg.json_schema.value = "{'title': 'x'}"
    turn = pg.send_json()
    assert "not valid JSON (line 1, column 2" in pg.json_result.value
    assert "Nothing was sent." in pg.json_result.value
    assert turn is not None and turn.problems and pg.session.requests == 0


def test_json_that_is_not_a_schema_is_explained(pg) -> None:
    pg.json_schema.value = '{"type": 5}'
    pg.send_json()
    assert "not a valid JSON Schema" in pg.json_result.value and pg.session.requests == 0


def test_json_mode_adds_the_json_word_and_says_so(pg) -> None:
    pg.json_mode.value = "json_object"
    turn = pg.send_json("List three colours")
    assert turn.ok and isinstance(turn.parsed, dict)
    assert "I follow your instruction: “Reply with one JSON object.”" in turn.parsed["answer"]
    assert "needs the word &quot;json&quot;" in pg.json_result.value
    assert "Valid JSON" in pg.json_result.value
    plain = pg.send_json("List three colours as JSON")
    assert "instruction" not in plain.parsed["answer"] and "needs the word" not in pg.json_result.value


def test_json_schema_that_strict_mode_rejects_gets_a_note(pg) -> None:
    pg.json_schema.value = json.dumps({"type": "object", "properties": {"name": {"type": "string"}}})
    pg.send_json("A name")
    result = pg.json_result.value
    assert "would reject this schema" in result and "additionalProperties" in result and "missing: name" in result


def test_json_api_error_shown_in_the_json_tab(client) -> None:
    pg = make(client, extra_headers={"x-offline-fault": "server_error"})
    pg.send_json("A book")
    assert "InternalServerError · HTTP 500" in pg.json_panel.answer.value


def test_check_reply_reports_each_problem() -> None:
    value, problems = check_reply('{"title": "Dune", "author": "Herbert", "year": "1965"}', EXAMPLE_SCHEMA)
    assert value["title"] == "Dune"
    assert any("/year" in p and "not of type 'integer'" in p for p in problems)
    assert any("'genres' is a required property" in p for p in problems)
    _, cut = check_reply('{"title": "Du', EXAMPLE_SCHEMA, lang="zh")
    assert cut and cut[0].startswith("回复不是合法的 JSON")
    assert check_reply("[1, 2]", None) == ([1, 2], [])


def test_schema_helpers() -> None:
    assert parse_schema(json.dumps(EXAMPLE_SCHEMA)) == EXAMPLE_SCHEMA
    assert strict_problems(EXAMPLE_SCHEMA) == []
    assert schema_name(EXAMPLE_SCHEMA) == "book" and schema_name({"title": "我的 schema"}) == "schema"
    assert schema_name({}) == "answer"
    with pytest.raises(ValueError, match="must be a JSON object"):
        parse_schema("[1]")


# --- image tab -----------------------------------------------------------------------------


def upload(pg: Playground, data: bytes, name: str = "red.png") -> None:
    pg.upload.value = ({"name": name, "type": "image/png", "size": len(data), "content": memoryview(data),
                        "last_modified": datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)},)


def test_uploaded_image_is_described(pg) -> None:
    upload(pg, png_bytes())
    assert "red.png · 64×32" in pg.image_info.value and pg.preview.value
    pg.detail.value = "low"
    pg.image_send.click()
    turn = pg.turns[-1]
    assert turn.ok and "64×32 pixels" in turn.text and "red" in turn.text and "detail=low" in turn.text
    assert "64×32 pixels" in pg.image_panel.answer.value
    assert numbers(pg.image_panel.meter.value) == (turn.input_tokens, turn.output_tokens)


def test_image_bytes_and_detail_as_arguments(pg) -> None:
    turn = pg.send_image("What colour is this?", png_bytes((40, 40), (0, 0, 255)), "high")
    assert "40×40 pixels" in turn.text and "blue" in turn.text and "detail=high" in turn.text


def test_no_image_or_not_an_image(pg) -> None:
    assert pg.send_image() is None
    assert "Upload a picture first" in pg.image_panel.answer.value
    upload(pg, b"not a picture", "notes.txt")
    assert "notes.txt" in pg.image_info.value and "not a picture" in pg.image_info.value
    turn = pg.send_image()
    assert turn is not None and turn.problems and pg.session.requests == 0
    assert "Nothing was sent." in pg.image_panel.answer.value


def test_error_messages_from_servers_are_redacted():
    # A gateway that echoes the key or a proxy URL with a password must not put either on screen.
    import httpx2

    from helpers.playground import explain_error

    secret = "sk-proj-" + "Q7" * 20 + "zzzz"
    request = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    response = httpx2.Response(401, request=request, json={"error": {"message": f"bad key {secret} via http://u:pw@proxy:3128"}})
    error = openai.AuthenticationError("bad key", response=response, body={"message": f"bad key {secret} via http://u:pw@proxy:3128"})
    shown = str(explain_error(error, "en"))
    assert secret not in shown and "pw@" not in shown


# --- limited endpoints: the capability probe adapts the requests (lessons 02-06) ---------------


def basic_client(simulator) -> openai.OpenAI:
    """A client whose every request asks the simulator to behave like a bare-bones provider."""
    return make_client(simulator, default_headers={"x-offline-profile": "basic"})


def test_playground_adapts_to_caps_of_a_limited_endpoint(simulator) -> None:
    from helpers.probe import probe
    from helpers.tokens import count_message_tokens, count_tokens

    with basic_client(simulator) as sdk:
        refused = make(sdk).send("Hello", blocking=True)  # without caps: max_completion_tokens gets a 400
        assert refused.error is not None and refused.error.status == 400
        caps = probe(sdk, DEFAULT_MODEL, cache_dir=None, refresh=True)
        assert caps.max_completion_tokens is False and caps.stream_usage is False
        pg = make(sdk, caps=caps)
        turn = pg.send("Hello", blocking=True)
    assert turn.ok and "[Offline simulation]" in turn.text
    assert turn.stream.estimated
    assert "max_tokens=" in turn.text and "max_completion_tokens" not in turn.text  # the simulator quotes the limit
    system = pg.system.value.strip()
    sent = ([{"role": pg.role.value, "content": system}] if system else []) + [{"role": "user", "content": "Hello"}]
    assert turn.input_tokens == count_message_tokens(sent)
    assert turn.output_tokens == count_tokens(turn.text)
    assert turn.cost is not None and turn.cost > 0
    assert "counted locally" in pg.chat.meter.value


def test_playground_with_full_caps_sends_what_it_always_sent(client) -> None:
    from helpers.probe import probe

    caps = probe(client, DEFAULT_MODEL, cache_dir=None)
    turn = make(client, caps=caps).send("Hello", blocking=True)
    assert turn.ok and not turn.stream.estimated
    assert "max_completion_tokens=" in turn.text  # the simulator quotes the limit it was sent


def test_stream_chat_without_usage_counts_tokens_locally(client) -> None:
    from helpers.playground import stream_chat
    from helpers.tokens import count_message_tokens, count_tokens

    messages = [{"role": "user", "content": "Say hello."}]
    sent = stream_chat(client, model=DEFAULT_MODEL, messages=messages)
    local = stream_chat(client, include_usage=False, model=DEFAULT_MODEL, messages=messages)
    assert not sent.estimated and local.estimated
    assert local.input_tokens == count_message_tokens(messages) == sent.input_tokens
    assert local.output_tokens == count_tokens(local.text)


def test_needs_is_silent_when_supported_and_explains_a_skip(simulator, client, capsys) -> None:
    from helpers.probe import needs, probe

    assert needs(probe(client, DEFAULT_MODEL, cache_dir=None), "vision", "en") is True
    assert capsys.readouterr().out == ""
    with basic_client(simulator) as sdk:
        caps = probe(sdk, DEFAULT_MODEL, cache_dir=None)
    assert needs(caps, "vision", "zh") is False
    assert needs(caps, "responses_api", "en", "using Chat Completions instead") is False
    zh, en = capsys.readouterr().out.splitlines()
    assert zh.startswith("此接口不支持图像输入（probe：400") and zh.endswith("跳过本单元格。")
    assert en.startswith("This endpoint does not support Responses API (POST /responses) (probe: 404")
    assert en.endswith("; using Chat Completions instead.")
