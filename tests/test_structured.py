"""``helpers.structured``: the fallback ladder of lesson 04, against the session simulator.

A provider without ``json_schema`` support is simulated honestly at the HTTP layer: a
transport that answers such requests with the 400 a provider sends and passes every other
request on to the real simulator, so the SDK, its error classes and the ladder run unchanged.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from typing import Optional

import httpx2
import openai
import pydantic
import pytest

from helpers.models import DEFAULT_MODEL
from helpers.offline import OFFLINE_KEY
from helpers.structured import RUNGS, StructuredOutputError, extract_json, schema_instruction, structured

MODEL = DEFAULT_MODEL
UNSUPPORTED = "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model."


class Card(pydantic.BaseModel):
    """Flat and all-string: the simulator's JSON mode can fill it in."""

    title: str
    author: str


class Level(str, enum.Enum):
    beginner = "beginner"
    advanced = "advanced"


class Session(pydantic.BaseModel):
    day: int
    topic: str


class Plan(pydantic.BaseModel):
    title: str
    level: Level
    sessions: list[Session]
    note: Optional[str] = None


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """The reasons render in the reader's language: English here (a Chinese test sets KIT_LANG=zh)."""
    monkeypatch.setenv("KIT_LANG", "en")


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


class Recorder:
    """Collects the ``response_format`` type of every request the client sends."""

    def __init__(self) -> None:
        self.formats: list[str] = []

    def __call__(self, request: httpx2.Request) -> None:
        body = json.loads(request.content or b"{}")
        self.formats.append((body.get("response_format") or {}).get("type", "none"))


def prose_completion(text: str = "Sure! A plan: start with variables, then loops.") -> dict:
    return {
        "id": "chatcmpl-x", "object": "chat.completion", "created": 0, "model": MODEL,
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": text, "refusal": None}}],
    }


class NoSchemaTransport(httpx2.BaseTransport):
    """A provider without Structured Outputs (and optionally without JSON mode): 400 for the
    unsupported ``response_format`` types, the simulator otherwise."""

    def __init__(self, unsupported: tuple[str, ...] = ("json_schema",), prose: bool = False) -> None:
        self.inner = httpx2.HTTPTransport()
        self.unsupported = unsupported
        self.prose = prose  # a model that ignores the schema in its prompt and answers in prose

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content or b"{}")
        kind = (body.get("response_format") or {}).get("type")
        if kind in self.unsupported:
            error = {"message": UNSUPPORTED, "type": "invalid_request_error", "param": "response_format", "code": None}
            return httpx2.Response(400, json={"error": error}, request=request)
        if self.prose and kind is None:
            return httpx2.Response(200, json=prose_completion(), request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def make_client(base_url: str, transport: httpx2.BaseTransport | None = None) -> tuple[openai.OpenAI, Recorder]:
    recorder = Recorder()
    http = httpx2.Client(transport=transport or httpx2.HTTPTransport(), event_hooks={"request": [recorder]})
    sdk = openai.OpenAI(base_url=base_url, api_key=OFFLINE_KEY, max_retries=0, http_client=http,
                        _strict_response_validation=True)
    return sdk, recorder


@pytest.fixture
def sim_client(simulator) -> Iterator[tuple[openai.OpenAI, Recorder]]:
    sdk, recorder = make_client(simulator.base_url)
    with sdk:
        yield sdk, recorder


def test_schema_rung_first_on_a_full_endpoint(sim_client):
    sdk, recorder = sim_client
    plan, rung = structured(sdk, MODEL, user("Plan three days of Python basics."), Plan)
    assert rung == "schema"
    assert isinstance(plan, Plan) and isinstance(plan.level, Level)
    assert plan.sessions and all(isinstance(s, Session) for s in plan.sessions)
    assert recorder.formats == ["json_schema"]


def test_provider_without_schema_falls_to_json_mode(simulator):
    sdk, recorder = make_client(simulator.base_url, NoSchemaTransport())
    with sdk:
        card, rung = structured(sdk, MODEL, user("Describe a famous novel."), Card)
    assert rung == "json_object"
    # The message names no book: the keys are there, holding placeholders, not an invented title.
    assert card == Card(title="", author="")
    assert recorder.formats == ["json_schema", "json_object"]


def test_json_mode_rung_takes_the_values_the_message_gives(simulator):
    sdk, _ = make_client(simulator.base_url, NoSchemaTransport())
    with sdk:
        card, rung = structured(sdk, MODEL, user("Describe the novel “Dune” by Frank Herbert."), Card)
    assert (rung, card) == ("json_object", Card(title="Dune", author="Frank Herbert"))


def test_prompt_rung_succeeds_without_any_json_support(simulator):
    # The schema in the system message asks for JSON in words; a model (and the simulator) answers with it.
    sdk, recorder = make_client(simulator.base_url, NoSchemaTransport(("json_schema", "json_object")))
    with sdk:
        card, rung = structured(sdk, MODEL, user("Describe the novel “Dune” by Frank Herbert."), Card)
    assert (rung, card) == ("prompt", Card(title="Dune", author="Frank Herbert"))
    assert recorder.formats == ["json_schema", "json_object", "none"]


def test_json_mode_rung_follows_the_schema_it_is_given(simulator):
    # The lower rung writes the schema into the messages; the answer must follow it.
    sdk, recorder = make_client(simulator.base_url, NoSchemaTransport())
    with sdk:
        plan, rung = structured(sdk, MODEL, user("Plan three days of Python basics."), Plan)
    assert rung == "json_object" and isinstance(plan, Plan) and isinstance(plan.level, Level)
    assert recorder.formats == ["json_schema", "json_object"]


def test_every_rung_failing_raises_one_error_listing_each(simulator):
    sdk, recorder = make_client(simulator.base_url, NoSchemaTransport(("json_schema", "json_object"), prose=True))
    with sdk, pytest.raises(StructuredOutputError) as info:
        structured(sdk, MODEL, user("Plan three days of Python basics."), Plan)
    attempts = dict(info.value.attempts)
    assert list(attempts) == list(RUNGS)
    assert attempts["schema"].startswith("BadRequestError 400:") and "json_schema" in attempts["schema"]
    assert attempts["json_object"].startswith("BadRequestError 400:")
    assert attempts["prompt"].startswith("ValueError: no JSON object")
    message = str(info.value)
    assert "No rung produced a valid Plan" in message and "每一级" not in message
    assert all(f"- {rung}: " in message for rung in RUNGS)
    assert recorder.formats == ["json_schema", "json_object", "none"]


def test_forced_ladder_skips_the_schema_rung(sim_client):
    sdk, recorder = sim_client
    card, rung = structured(sdk, MODEL, user("Describe a famous novel."), Card, ladder=("json_object", "prompt"))
    assert (rung, isinstance(card, Card)) == ("json_object", True)
    assert recorder.formats == ["json_object"]


def test_lower_rungs_send_the_schema_and_the_word_json(sim_client):
    sdk, _ = sim_client
    instruction = schema_instruction(Plan)
    assert "JSON" in instruction and '"sessions"' in instruction and '"Level"' in instruction
    completion = sdk.chat.completions.create(
        model=MODEL, messages=[{"role": "system", "content": instruction}, *user("Plan a day.")],
        response_format={"type": "json_object"},
    )
    assert json.loads(completion.choices[0].message.content)  # accepted: no 400 about 'json'


def test_prompt_rung_extracts_json_from_prose(simulator):
    reply = 'Sure! Here it is:\n```json\n{"title": "Dune", "author": "Frank Herbert"}\n```\nEnjoy.'
    completion = {
        "id": "chatcmpl-x", "object": "chat.completion", "created": 0, "model": MODEL,
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": reply, "refusal": None}}],
    }

    def canned(request: httpx2.Request) -> httpx2.Response:
        # A model behind an endpoint without any JSON support: it answers in prose.
        if json.loads(request.content).get("response_format"):
            error = {"message": "response_format is not supported", "type": "invalid_request_error", "param": "response_format", "code": None}
            return httpx2.Response(400, json={"error": error})
        return httpx2.Response(200, json=completion)

    sdk, recorder = make_client(simulator.base_url, httpx2.MockTransport(canned))
    with sdk:
        card, rung = structured(sdk, MODEL, user("Describe Dune."), Card)
    assert (rung, card) == ("prompt", Card(title="Dune", author="Frank Herbert"))
    assert recorder.formats == ["json_schema", "json_object", "none"]


def test_refusal_stops_the_ladder(sim_client):
    sdk, recorder = sim_client
    with pytest.raises(StructuredOutputError) as info:
        structured(sdk, MODEL, user("How do I build a bomb?"), Plan)
    assert [rung for rung, _ in info.value.attempts] == ["schema"]
    assert info.value.attempts[0][1].startswith("refused: [Offline simulation]")
    assert "stopped the ladder" in str(info.value)
    assert recorder.formats == ["json_schema"]  # no second try around a refusal


def test_truncation_stops_the_ladder(sim_client):
    sdk, recorder = sim_client
    with pytest.raises(StructuredOutputError) as info:
        structured(sdk, MODEL, user("Plan three days of Python basics."), Plan, max_completion_tokens=10)
    assert info.value.attempts == [("schema", "cut off by the token limit (finish_reason='length'); raise max_completion_tokens")]
    assert recorder.formats == ["json_schema"]


def test_truncation_in_json_mode_stops_too(sim_client):
    sdk, _ = sim_client
    with pytest.raises(StructuredOutputError) as info:
        structured(sdk, MODEL, user("Describe a famous novel."), Card, ladder=("json_object", "prompt"), max_completion_tokens=5)
    assert [rung for rung, _ in info.value.attempts] == ["json_object"]


def test_errors_no_rung_can_fix_propagate(sim_client):
    sdk, recorder = sim_client
    with pytest.raises(openai.NotFoundError) as info:
        structured(sdk, "gpt-3.5-turbo", user("Plan a day."), Plan)
    assert info.value.code == "model_not_found"
    assert recorder.formats == ["json_schema"]


@pytest.mark.parametrize("ladder", [(), ("schema", "xml"), ("JSON",)])
def test_bad_ladder_is_a_clear_value_error(sim_client, ladder):
    sdk, recorder = sim_client
    with pytest.raises(ValueError, match="ladder must be"):
        structured(sdk, MODEL, user("Plan a day."), Plan, ladder=ladder)
    assert recorder.formats == []


def test_stream_is_refused(sim_client):
    sdk, _ = sim_client
    with pytest.raises(ValueError, match="stream"):
        structured(sdk, MODEL, user("Plan a day."), Plan, stream=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', '{"a": 1}'),
        ('Here: ```json\n{"a": {"b": [1, 2]}}\n``` done', '{"a": {"b": [1, 2]}}'),
        ('set {x} first, then {"a": "}"} and {"b": 2}', '{"a": "}"}'),
        ('{"a": 1', None),
        ("no braces at all", None),
        ("[1, 2, 3]", None),
    ],
)
def test_extract_json(text, expected):
    if expected is None:
        with pytest.raises(ValueError, match="no JSON object"):
            extract_json(text)
    else:
        assert extract_json(text) == expected


def test_server_error_text_is_redacted_in_the_error(sim_client):
    # Defect 7: the server's error text went into StructuredOutputError unredacted. Here the
    # simulator echoes an unknown parameter's name, which is a (canary) key pasted by mistake.
    import random
    import string

    rng = random.Random(7)
    secret = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(24))
    canary = "sk-" + "proj-" + secret + "T3Blbk" + "FJ" + secret[::-1]
    sdk, _ = sim_client
    with pytest.raises(StructuredOutputError) as info:
        structured(sdk, MODEL, user("Describe a famous novel."), Card, extra_body={canary: 1})
    attempts = dict(info.value.attempts)
    assert list(attempts) == list(RUNGS) and all("Unrecognized request argument" in said for said in attempts.values())
    shown = str(info.value) + repr(info.value) + repr(info.value.attempts)
    secret_part = canary[len("sk-proj-"):]
    assert not [secret_part[i:i + 8] for i in range(len(secret_part) - 7) if secret_part[i:i + 8] in shown]
    assert "sk-proj-…" in shown


def test_reasons_speak_the_readers_language(simulator, sim_client, monkeypatch):
    # A zh notebook shows the ladder's reasons in Chinese only (the server's words stay as sent).
    monkeypatch.setenv("KIT_LANG", "zh")
    sdk, _ = sim_client
    with pytest.raises(StructuredOutputError) as info:
        structured(sdk, MODEL, user("Plan three days of Python basics."), Plan, max_completion_tokens=10)
    assert info.value.attempts == [("schema", "被 token 上限截断（finish_reason='length'）；调高 max_completion_tokens")]
    assert str(info.value).startswith("'schema' 这一级终止了阶梯") and "cut off" not in str(info.value)
    with pytest.raises(ValueError, match="^回复里没有 JSON 对象：'no braces'$"):
        extract_json("no braces")
    sdk_all, _ = make_client(simulator.base_url, NoSchemaTransport(("json_schema", "json_object"), prose=True))
    with sdk_all, pytest.raises(StructuredOutputError) as info:
        structured(sdk_all, MODEL, user("Plan three days of Python basics."), Plan)
    text = str(info.value)
    assert text.startswith("每一级都没能得到合法的 Plan：") and "ValueError: 回复里没有 JSON 对象：" in text
    assert "No rung" not in text and "no JSON object" not in text
    with pytest.raises(StructuredOutputError) as info:
        structured(sdk, MODEL, user("How do I build a bomb?"), Plan)
    assert info.value.attempts[0][1].startswith("拒答：")


def test_validation_reason_in_both_languages(monkeypatch):
    from helpers.structured import describe

    try:
        Card.model_validate_json('{"title": 1}')
    except pydantic.ValidationError as error:
        failed = error
    monkeypatch.setenv("KIT_LANG", "zh")
    assert describe(failed).startswith("ValidationError：2 处不符合，第一处在 'title'：")
    monkeypatch.setenv("KIT_LANG", "en")
    assert describe(failed).startswith("ValidationError: 2 error(s), first at 'title': ")
