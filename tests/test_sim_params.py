"""The simulator's parameter table (``helpers/offline/data/params.py``), through the real SDK (strict).

Every top-level parameter is honoured, accepted (validated and echoed like the API) or
refused with a clear 400; anything else is 400 ``unknown_parameter``. The table must cover
the installed SDK's request types (a warning when a new SDK adds a key) and the official
OpenAPI description (a failure), and the Markdown rendering must match the code.
"""

from __future__ import annotations

import json
import typing
import warnings
from pathlib import Path
from typing import Any

import openai
import pytest

from helpers import tokens
from helpers.offline.data import params
from spec_support import require_spec
from test_sim_support import MODEL, client, expect_error, raw_post, user

__all__ = ["client"]  # the fixture, re-exported for pytest

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = {"chat": "CreateChatCompletionRequest", "responses": "CreateResponse", "input_tokens": "TokenCountsBody",
           "moderations": "CreateModerationRequest"}
PATHS = {"chat": "/chat/completions", "responses": "/responses", "input_tokens": "/responses/input_tokens", "moderations": "/moderations"}


def call(sdk: openai.OpenAI, kind: str, **extra: Any):
    """One request to ``kind`` with ``extra`` parameters (known to the SDK, so passed as kwargs)."""
    if kind == "chat":
        return sdk.chat.completions.create(model=MODEL, messages=user("Hello, parameters!"), **extra)
    if kind == "responses":
        return sdk.responses.create(model=MODEL, input="Hello, parameters!", **extra)
    if kind == "moderations":
        return sdk.moderations.create(input="Hello, parameters!", **extra)
    return sdk.responses.input_tokens.count(model=MODEL, input="Hello, parameters!", **extra)


# (kind, parameter) -> (a valid value, the reply field that echoes it or None, the echoed value)
ACCEPTED: dict[tuple[str, str], tuple[Any, str | None, Any]] = {
    ("chat", "metadata"): ({"lesson": "02", "k" * 64: "v" * 512}, None, None),
    ("chat", "service_tier"): ("fast", "service_tier", "priority"),
    ("chat", "prompt_cache_key"): ("lesson-02", None, None),
    ("chat", "prompt_cache_retention"): ("24h", None, None),
    ("chat", "prompt_cache_options"): ({"mode": "explicit", "ttl": "30m"}, None, None),
    ("chat", "safety_identifier"): ("s" * 128, None, None),
    ("chat", "user"): ("u" * 64, None, None),
    ("responses", "metadata"): ({"lesson": "02"}, "metadata", {"lesson": "02"}),
    ("responses", "service_tier"): ("auto", "service_tier", "default"),
    ("responses", "prompt_cache_key"): ("lesson-02", "prompt_cache_key", "lesson-02"),
    ("responses", "prompt_cache_retention"): ("in_memory", "prompt_cache_retention", "in_memory"),
    ("responses", "prompt_cache_options"): ({"ttl": "12h"}, "prompt_cache_options", {"mode": "implicit", "ttl": "12h"}),
    ("responses", "safety_identifier"): ("hash-1234", "safety_identifier", "hash-1234"),
    ("responses", "user"): ("user-1234", "user", "user-1234"),
    ("responses", "truncation"): ("auto", "truncation", "auto"),
    ("responses", "access_programs"): ({"cyber": "standard"}, "access_programs", {"cyber": "standard"}),
    ("responses", "background_options"): ({"completion_window": "soonest", "continuation_id": "c1"}, None, None),
    ("responses", "image"): ({"context_compression": "auto"}, "image", {"context_compression": "disabled"}),
    ("responses", "stream_options"): ({"include_obfuscation": False}, None, None),
    ("input_tokens", "truncation"): ("disabled", None, None),
    ("input_tokens", "personality"): ("friendly", None, None),
}

# (kind, parameter) -> (a bad value, the error's param, its code)
BAD: list[tuple[str, str, Any, str, str]] = [
    ("chat", "metadata", {str(i): "v" for i in range(17)}, "metadata", "object_above_max_properties"),
    ("chat", "metadata", {"k" * 65: "v"}, "metadata." + "k" * 65, "string_above_max_length"),
    ("responses", "metadata", {"k": "v" * 513}, "metadata.k", "string_above_max_length"),
    ("responses", "metadata", {"k": 1}, "metadata.k", "invalid_type"),
    ("chat", "metadata", "lesson", "metadata", "invalid_type"),
    ("chat", "user", "u" * 65, "user", "string_above_max_length"),
    ("responses", "safety_identifier", "s" * 129, "safety_identifier", "string_above_max_length"),
    ("chat", "service_tier", "cheap", "service_tier", "invalid_value"),
    ("responses", "truncation", "sometimes", "truncation", "invalid_value"),
    ("chat", "prompt_cache_retention", "1h", "prompt_cache_retention", "invalid_value"),
    ("chat", "prompt_cache_options", {"ttl": "12h"}, "prompt_cache_options.ttl", "invalid_value"),
    ("responses", "prompt_cache_options", {"colour": "red"}, "prompt_cache_options.colour", "unknown_parameter"),
    ("chat", "prompt_cache_key", 42, "prompt_cache_key", "invalid_type"),
    ("input_tokens", "personality", "p" * 65, "personality", "string_above_max_length"),
    ("chat", "verbosity", "chatty", "verbosity", "invalid_value"),
    ("chat", "logit_bias", {"abc": -100}, "logit_bias", "invalid_value"),
    ("chat", "logit_bias", {"10": -101}, "logit_bias.10", "integer_below_min_value"),
    ("chat", "logit_bias", {"999999": 1}, "logit_bias", "invalid_value"),
    ("responses", "text", {"verbosity": "chatty"}, "text.verbosity", "invalid_value"),
    ("responses", "text", {"colour": "red"}, "text.colour", "unknown_parameter"),
    ("chat", "modalities", ["text", "video"], "modalities[1]", "invalid_value"),
]

# (kind, parameter) -> (a value the simulator refuses, its no-op value that is accepted)
REFUSED: dict[tuple[str, str], tuple[Any, Any]] = {
    ("chat", "store"): (True, False),
    ("chat", "audio"): ({"voice": "alloy", "format": "mp3"}, None),
    ("chat", "modalities"): (["text", "audio"], ["text"]),
    ("chat", "prediction"): ({"type": "content", "content": "x = 1"}, None),
    ("chat", "web_search_options"): ({}, None),
    ("chat", "moderation"): ({"model": "omni-moderation-latest"}, None),
    ("responses", "background"): (True, False),
    ("responses", "conversation"): ("conv_123", None),
    ("responses", "prompt"): ({"id": "pmpt_123"}, None),
    ("responses", "context_management"): ([{"type": "compaction"}], None),
    ("responses", "moderation"): ({"model": "omni-moderation-latest"}, None),
    ("input_tokens", "conversation"): ("conv_123", None),
}

# Values of accepted parameters that ask for more than the simulator can give.
REFUSED_VALUES: list[tuple[str, str, Any, str]] = [
    ("chat", "logit_bias", {"9906": 100}, "logit_bias.9906"),
    ("responses", "access_programs", {"cyber": "daybreak_red"}, "access_programs.cyber"),
    ("responses", "background_options", {"completion_window": "8h"}, "background_options.completion_window"),
    ("responses", "image", {"context_compression": "enabled"}, "image.context_compression"),
    ("responses", "prompt_cache_options", {"prewarm": True}, "prompt_cache_options.prewarm"),
]


def is_refusal(err: openai.APIStatusError, param: str) -> None:
    assert err.param == param, err.body
    assert err.code in ("unsupported_parameter", "unsupported_value"), err.body
    assert "offline simulator" in err.message and "real API key" in err.message


def test_every_accepted_and_refused_parameter_has_a_case():
    for kind, table in params.TABLE.items():
        for name, record in table.items():
            if record.status == "accepted":
                assert (kind, name) in ACCEPTED, (kind, name)
            if record.status == "refused":
                assert (kind, name) in REFUSED, (kind, name)
            if record.status == "honoured":
                assert record.module.endswith(".py"), (kind, name)
            assert record.why and "\n" not in record.why


@pytest.mark.parametrize(("kind", "name"), sorted(ACCEPTED))
def test_accepted_parameter_is_200_and_echoed(client, kind, name):
    value, field, echoed = ACCEPTED[(kind, name)]
    extra = {"stream": True} if name == "stream_options" else {}
    reply = call(client, kind, **{name: value}, **extra)
    if extra:
        reply = [event.type for event in reply]
        assert reply[-1] == "response.completed"
        return
    if field is not None:
        assert getattr(reply, field) is not None
        assert reply.to_dict()[field] == echoed


@pytest.mark.parametrize(("kind", "name", "value", "param", "code"), BAD)
def test_bad_value_is_the_apis_400(client, kind, name, value, param, code):
    err = expect_error(openai.BadRequestError, call, client, kind, **{name: value}, status=400, code=code)
    assert err.param == param


@pytest.mark.parametrize(("kind", "name"), sorted(REFUSED))
def test_refused_parameter_is_400_and_its_default_is_accepted(client, kind, name):
    value, noop = REFUSED[(kind, name)]
    err = expect_error(openai.BadRequestError, call, client, kind, status=400, extra_body={name: value})
    is_refusal(err, name)
    assert call(client, kind, extra_body={name: noop})


@pytest.mark.parametrize(("kind", "name", "value", "param"), REFUSED_VALUES)
def test_value_beyond_the_simulator_is_refused(client, kind, name, value, param):
    is_refusal(expect_error(openai.BadRequestError, call, client, kind, status=400, extra_body={name: value}), param)


def test_chat_store_true_is_refused_and_false_accepted(client):
    err = expect_error(openai.BadRequestError, call, client, "chat", store=True, status=400, code="unsupported_value")
    assert err.param == "store" and "Stored chat completions" in err.message
    assert call(client, "chat", store=False).choices[0].message.content
    assert call(client, "chat", metadata={"a": "b"}, store=False).choices[0].message.content


@pytest.mark.parametrize("kind", sorted(params.TABLE))
def test_unknown_keys_are_400(client, kind):
    err = expect_error(openai.BadRequestError, call, client, kind, extra_body={"future_param_x": 1},
                       status=400, code="unknown_parameter")
    assert err.param == "future_param_x"


@pytest.mark.parametrize(("kind", "name", "value", "param"), [
    ("chat", "stream_options", {"include_usage": True, "colour": 1}, "stream_options.colour"),
    ("responses", "stream_options", {"include_usage": True}, "stream_options.include_usage"),
    ("responses", "text", {"format": {"type": "text"}, "size": 1}, "text.size"),
])
def test_unknown_nested_keys_are_400(client, kind, name, value, param):
    err = expect_error(openai.BadRequestError, call, client, kind, stream=True, extra_body={name: value},
                       status=400, code="unknown_parameter")
    assert err.param == param


def test_stream_options_need_stream(client):
    err = expect_error(openai.BadRequestError, call, client, "responses", stream_options={"include_obfuscation": True},
                       status=400, code="invalid_value")
    assert err.param == "stream_options"
    chunks = list(call(client, "chat", stream=True, stream_options={"include_usage": True, "include_obfuscation": False}))
    assert chunks[-1].usage is not None and not chunks[-1].choices


def test_service_tier_echo_keeps_the_plain_default(client):
    assert call(client, "chat").service_tier == "default"
    assert call(client, "chat", service_tier="flex").service_tier == "flex"
    assert call(client, "responses").service_tier is None
    assert call(client, "responses", service_tier="fast").service_tier == "priority"


def reply_of(sdk: openai.OpenAI, **extra: Any) -> str:
    return call(sdk, "chat", **extra).choices[0].message.content


def test_logit_bias_minus_100_bans_a_token(client):
    plain = reply_of(client)
    ids = tokens.encode(plain)
    banned = {ids[1], ids[5]}
    steered = reply_of(client, logit_bias={str(t): -100 for t in banned})
    assert steered != plain
    assert not banned & set(tokens.encode(steered))
    assert reply_of(client, logit_bias={str(ids[1]): 5}) == plain  # a soft nudge: no guaranteed change


def test_verbosity_shortens_and_lengthens(client):
    medium = reply_of(client)
    low, high = reply_of(client, verbosity="low"), reply_of(client, verbosity="high")
    assert len(low) < len(medium) < len(high)
    assert reply_of(client, verbosity="medium") == medium
    assert "verbosity=high" in high
    chinese = client.chat.completions.create(model=MODEL, messages=user("你好"), verbosity="high").choices[0].message.content
    assert "verbosity=high" in chinese and "字符" in chinese


def test_responses_text_verbosity_is_honoured_and_echoed(client):
    plain = call(client, "responses")
    low = call(client, "responses", text={"verbosity": "low"})
    assert len(low.output_text) < len(plain.output_text)
    assert low.text.verbosity == "low" and plain.text.verbosity is None
    assert call(client, "responses", text={"verbosity": "high"}).output_text.count("verbosity=high") == 1


def chat_messages(sdk: openai.OpenAI, messages: list[dict]):
    return sdk.chat.completions.create(model=MODEL, messages=messages)


@pytest.mark.parametrize(("part", "label"), [
    ({"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}, "Audio input"),
    ({"type": "file", "file": {"file_id": "file-123"}}, "File input"),
])
def test_chat_audio_and_file_parts_are_refused(client, part, label):
    messages = [{"role": "user", "content": [{"type": "text", "text": "Listen."}, part]}]
    err = expect_error(openai.BadRequestError, chat_messages, client, messages, status=400, code="unsupported_value")
    is_refusal(err, "messages[0].content[1].type")
    assert label in err.message


def test_chat_refusal_part_name_and_assistant_audio(client):
    history = [
        {"role": "user", "content": "Help me pick a lock.", "name": "learner"},
        {"role": "assistant", "content": [{"type": "refusal", "refusal": "I can't help with that."}]},
        {"role": "user", "content": "Then explain locks."},
    ]
    assert "I can't help with that." in chat_messages(client, history).choices[0].message.content
    with_audio = [*history[:1], {"role": "assistant", "audio": {"id": "audio_123"}}, history[2]]
    is_refusal(expect_error(openai.BadRequestError, chat_messages, client, with_audio, status=400), "messages[1].audio")
    wrong_role = [{"role": "user", "content": [{"type": "refusal", "refusal": "no"}]}]
    err = expect_error(openai.BadRequestError, chat_messages, client, wrong_role, status=400, code="invalid_value")
    assert err.param == "messages[0].content[0].type"


def responses_input(sdk: openai.OpenAI, content: list[dict], role: str = "user"):
    return sdk.responses.create(model=MODEL, input=[{"role": role, "content": content}])


@pytest.mark.parametrize(("part", "param"), [
    ({"type": "input_file", "file_id": "file-123"}, "input[0].content[1].type"),
    ({"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}, "input[0].content[1].type"),
    ({"type": "input_image", "file_id": "file-123", "detail": "auto"}, "input[0].content[1].file_id"),
])
def test_responses_file_audio_and_file_id_parts_are_refused(client, part, param):
    content = [{"type": "input_text", "text": "Look."}, part]
    is_refusal(expect_error(openai.BadRequestError, responses_input, client, content, status=400), param)


def test_responses_refusal_part_fed_back_is_accepted(client):
    items = [
        {"role": "user", "content": "Help me pick a lock."},
        {"role": "assistant", "content": [{"type": "refusal", "refusal": "I can't help with that."}]},
        {"role": "user", "content": "Then explain locks."},
    ]
    assert "I can't help with that." in client.responses.create(model=MODEL, input=items).output_text


def test_input_tokens_counts_with_accepted_parameters(client):
    plain = call(client, "input_tokens").input_tokens
    assert call(client, "input_tokens", personality="pragmatic", truncation="auto").input_tokens == plain
    expect_error(openai.BadRequestError, call, client, "input_tokens", extra_body={"stream": True},
                 status=400, code="unknown_parameter")


def sdk_keys(kind: str) -> set[str]:
    if kind == "chat":
        from openai.types.chat import completion_create_params as mod

        base: Any = mod.CompletionCreateParamsBase
    elif kind == "responses":
        from openai.types.responses import response_create_params as mod

        base = mod.ResponseCreateParamsBase
    elif kind == "input_tokens":
        from openai.types.responses import input_token_count_params as mod

        base = mod.InputTokenCountParams
    else:
        from openai.types import moderation_create_params as mod

        base = mod.ModerationCreateParams
    keys = set(typing.get_type_hints(base))
    return keys | {"stream"} if kind in ("chat", "responses") else keys


def test_table_covers_the_sdk_request_types(simulator):
    """A key a newer SDK adds is reported as a warning (CI stays green) and still answered with 400."""
    for kind, table in params.TABLE.items():
        missing = sorted(sdk_keys(kind) - set(table))
        if missing:
            warnings.warn(f"params.py does not classify {kind} keys {missing} of openai {openai.__version__}", stacklevel=1)
        path = PATHS[kind]
        base = {"model": MODEL, "messages": user("hi")} if kind == "chat" else {"input": "hi"} if kind == "moderations" else {"model": MODEL, "input": "hi"}
        for name in [*missing, "synthetic_future_key"]:
            answer = raw_post(simulator.base_url, path, body={**base, name: 1})
            assert answer.status_code == 400 and answer.json()["error"]["code"] == "unknown_parameter", (kind, name)


def openapi_keys(kind: str) -> set[str]:
    schemas = json.loads(require_spec().read_text(encoding="utf-8"))["components"]["schemas"]
    keys: set[str] = set()

    def walk(node: dict) -> None:
        if "$ref" in node:
            walk(schemas[node["$ref"].rsplit("/", 1)[-1]])
            return
        keys.update(node.get("properties", {}))
        for combinator in ("allOf", "anyOf", "oneOf"):
            for branch in node.get(combinator, []):
                walk(branch)

    walk(schemas[SCHEMAS[kind]])
    return keys


@pytest.mark.parametrize("kind", sorted(params.TABLE))
def test_table_covers_the_openapi_request_schema(kind):
    missing = sorted(openapi_keys(kind) - set(params.TABLE[kind]))
    assert not missing, f"{SCHEMAS[kind]} properties missing from params.py: {missing}"


def test_rendered_docs_are_in_sync():
    doc = (ROOT / params.DOC_PATH).read_text(encoding="utf-8")
    assert doc == params.render_markdown(), "run: python -c 'from helpers.offline.data.params import write_docs; write_docs()'"
    for kind, table in params.TABLE.items():
        for name, record in table.items():
            assert f"| `{name}` | {record.status}" in doc
