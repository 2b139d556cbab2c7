"""The simulator's parameter table: every top-level request parameter, honoured, accepted or refused.

One record per parameter and endpoint (``chat`` = ``POST /v1/chat/completions``,
``responses`` = ``POST /v1/responses``, ``input_tokens`` = ``POST /v1/responses/input_tokens``,
``moderations`` = ``POST /v1/moderations``):

- ``honoured``: the simulator does what the API does with it (``module`` says where);
- ``accepted``: the API gives it no visible effect offline; it is validated like the API
  validates it and echoed where the API echoes it;
- ``refused``: a value that asks for something the simulator cannot do gets a 400 saying so
  (its default / no-op value is accepted).

A key that is in no record is answered with 400 ``unknown_parameter``, so nothing is ever
silently dropped. ``render_markdown()`` writes the table shown in ``docs/simulator-parameters.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..wire import errors
from ..wire import paramcheck as pc
from ..behaviour.steering import check_logit_bias

KINDS = {
    "chat": "POST /v1/chat/completions",
    "responses": "POST /v1/responses",
    "input_tokens": "POST /v1/responses/input_tokens",
    "moderations": "POST /v1/moderations",
}
DOC_PATH = "docs/simulator-parameters.md"


@dataclass(frozen=True)
class Param:
    """How the simulator treats one request parameter."""

    status: str  # "honoured", "accepted" or "refused"
    why: str
    module: str = ""  # for honoured parameters: the module that honours them
    check: pc.Check | None = None  # run on the value when the key is present


def honoured(module: str, why: str, check: pc.Check | None = None) -> Param:
    return Param("honoured", why, module, check)


def accepted(why: str, check: pc.Check) -> Param:
    return Param("accepted", why, "", check)


def refused(why: str, check: pc.Check) -> Param:
    return Param("refused", why, "", check)


# Shared checks.
TIERS = ("auto", "default", "flex", "scale", "priority", "fast")
CACHE_RETENTION = pc.enum("in_memory", "24h")
VERBOSITY = pc.enum("low", "medium", "high")
TRUNCATION = pc.enum("auto", "disabled")
MODERATION = pc.refuse_set("Moderated completions (a moderation model scoring input and output)")
CONVERSATION = pc.refuse_set("The Conversations API (server-side conversation state)")

# Shared records.
MODEL = honoured("endpoints/common.py", "must name a model the simulator serves; retired or unknown models get 404 model_not_found; the reply names the dated snapshot an alias resolves to (data/catalog.py); a prompt over the model's context window gets 400 context_length_exceeded")
TEMPERATURE = honoured("endpoints/common.py", "range-checked (0-2) like the API. 0: the same request gets the same bytes every time. "
                       "Above 0 (unset means 1): each repeat of the same request is the next sample, worded anew, in the "
                       "same order in every simulator process. Listed in the reply's Settings line")
TOP_P = honoured("endpoints/common.py", "range-checked (0-1) like the API. 0 turns sampling off as temperature 0 does; above 0 "
                 "(unset means 1) repeats are sampled as temperature describes. Listed in the reply's Settings line")
METADATA = accepted("at most 16 string pairs (keys <= 64, values <= 512 characters); nothing is stored offline", pc.metadata)
USER = accepted("end-user id for abuse monitoring (<= 64 characters); no effect offline", pc.string(64))
SAFETY_ID = accepted("end-user id for abuse monitoring (<= 128 characters, per the SDK); no effect offline", pc.string(128))
CACHE_KEY = accepted("prompt-cache bucketing hint; the simulator reports no cached tokens either way", pc.string())
CACHE_RETENTION_P = accepted("prompt-cache lifetime ('in_memory' or '24h'); no visible effect offline", CACHE_RETENTION)
MODERATION_P = refused("needs a moderation model's scores in the reply; null accepted", MODERATION)
TOOLS = honoured("behaviour/tools.py", "function tools are called like the API calls them")
TOOL_CHOICE = honoured("behaviour/tools.py", "steers tool calls like the API")
PARALLEL = honoured("behaviour/tools.py", "one or several tool calls per turn")
PREVIOUS = honoured("endpoints/store.py", "continues a stored response; an unknown id is a 400")
REASONING = honoured("data/capabilities.py", "reasoning settings, checked against the model's capabilities")
TRUNCATION_P = accepted("'auto' or 'disabled'; under the context window both answer alike; over it 'disabled' gets the API's 400 context_length_exceeded and 'auto' (dropping the oldest input) is refused with a 400 saying so", TRUNCATION)


def _chat_store(name: str, value: Any, body: dict) -> None:
    pc.boolean(name, value, body)
    if value is True:
        raise pc.refusal(name, "Stored chat completions (store=true, for evals and distillation)", "unsupported_value")


CHAT: dict[str, Param] = {
    "model": MODEL,
    "messages": honoured("endpoints/chat.py", "roles, text, image and fed-back refusal parts make the prompt; audio/file parts are refused"),
    "temperature": TEMPERATURE,
    "top_p": TOP_P,
    "n": honoured("endpoints/chat.py", "n choices (1-128), each worded differently; a sampled repeat of the request gets n new ones"),
    "seed": honoured("behaviour/text.py", "fixes the sample: the same seed and request give the same bytes, repeats and "
                     "processes alike (no sampling between repeats); another seed, another wording"),
    "stop": honoured("behaviour/text.py", "up to 4 sequences; the reply ends before the first one"),
    "max_completion_tokens": honoured("behaviour/text.py", "the reply is cut at the limit with finish_reason 'length'"),
    "max_tokens": honoured("behaviour/reasoning.py", "deprecated alias of max_completion_tokens, same cut; reasoning models (o-series, gpt-5 family) refuse it with 400 unsupported_parameter, as the API does"),
    "presence_penalty": honoured("endpoints/common.py", "range-checked (-2..2) and listed in Settings; the simulated reply never repeats a topic to penalise"),
    "frequency_penalty": honoured("endpoints/common.py", "range-checked (-2..2) and listed in Settings; the simulated reply never repeats a token run to penalise"),
    "logit_bias": honoured("behaviour/steering.py", "-100 bans a token id from the reply; 100 (forcing a token) is refused; other values are soft nudges", check_logit_bias),
    "response_format": honoured("behaviour/jsonout.py", "text, json_object (needs the word 'json') and json_schema replies; "
                                "keys and values from the prompt (jsonwords.py, jsonfill.py), also for JSON asked in words without it"),
    "verbosity": honoured("behaviour/steering.py", "'low' shortens, 'high' lengthens the reply", VERBOSITY),
    "stream": honoured("endpoints/chat.py", "SSE chunks ending with data: [DONE]"),
    "stream_options": honoured(
        "chat.py",
        "include_usage adds the usage chunk; include_obfuscation is accepted (no padding field offline); other keys 400",
        pc.both(pc.only_when_streaming, pc.obj({"include_usage": pc.boolean, "include_obfuscation": pc.boolean})),
    ),
    "metadata": METADATA,
    "service_tier": accepted("processing tier; echoed as the tier used ('auto' -> 'default', 'fast' -> 'priority')", pc.enum(*TIERS)),
    "prompt_cache_key": CACHE_KEY,
    "prompt_cache_retention": CACHE_RETENTION_P,
    "prompt_cache_options": accepted(
        "prompt-cache breakpoints (mode, ttl '30m'); no visible effect offline",
        pc.obj({"mode": pc.enum("implicit", "explicit"), "ttl": pc.enum("30m")}),
    ),
    "safety_identifier": SAFETY_ID,
    "user": USER,
    "store": refused("true keeps the completion for evals/distillation, which the simulator cannot; false accepted", _chat_store),
    "audio": refused("audio output needs a speech model; null accepted", pc.refuse_set("Audio output")),
    "modalities": refused(
        "'audio' output needs a speech model; ['text'] accepted",
        pc.both(pc.enum_list("text", "audio"), pc.refuse_unless(lambda v: "audio" not in v, "Audio output (modalities 'audio')")),
    ),
    "prediction": refused("Predicted Outputs change latency and token accounting the simulator cannot reproduce", pc.refuse_set("Predicted Outputs")),
    "web_search_options": refused("needs live web search", pc.refuse_set("Web search")),
    "moderation": MODERATION_P,
    "tools": TOOLS,
    "tool_choice": TOOL_CHOICE,
    "parallel_tool_calls": PARALLEL,
    "functions": honoured("behaviour/tools.py", "deprecated function calling, answered like tools"),
    "function_call": honoured("behaviour/tools.py", "deprecated function_call, answered like tool_choice"),
    "logprobs": honoured("behaviour/logprobs.py", "token log probabilities of the simulated reply"),
    "top_logprobs": honoured("behaviour/logprobs.py", "alternatives per token (0-20)"),
    "reasoning_effort": honoured("data/capabilities.py", "checked against the model's reasoning capability"),
}


def _responses_text(name: str, value: Any, body: dict) -> None:
    # 'format' itself is checked by common.parse_format; here: the object and its keys.
    pc.obj({"format": lambda *_: None, "verbosity": VERBOSITY})(name, value, body)


TEXT = honoured("endpoints/responses.py", "format: text/json_object/json_schema (jsonout.py); verbosity: 'low' shortens, 'high' lengthens (steering.py); other keys 400", _responses_text)
RESPONSE_TIERS = (*TIERS, "ultrafast")

RESPONSES: dict[str, Param] = {
    "model": MODEL,
    "input": honoured("endpoints/responses.py", "text, image and fed-back output/refusal parts make the prompt; file/audio parts are refused"),
    "instructions": honoured("endpoints/responses.py", "a developer message ahead of the input; echoed"),
    "temperature": TEMPERATURE,
    "top_p": TOP_P,
    "max_output_tokens": honoured("behaviour/text.py", "the reply is cut at the limit (>= 16); status 'incomplete'"),
    "text": TEXT,
    "stream": honoured("endpoints/responses.py", "the full typed event stream"),
    "stream_options": accepted(
        "include_obfuscation only pads stream events; accepted with stream=true, other keys 400",
        pc.both(pc.only_when_streaming, pc.obj({"include_obfuscation": pc.boolean})),
    ),
    "metadata": METADATA,
    "service_tier": accepted("processing tier; echoed as the tier used ('auto' -> 'default', 'fast' -> 'priority')", pc.enum(*RESPONSE_TIERS)),
    "prompt_cache_key": CACHE_KEY,
    "prompt_cache_retention": CACHE_RETENTION_P,
    "prompt_cache_options": accepted(
        "mode, ttl and comparison_response_id are accepted and echoed; prewarm=true (no output) is refused",
        pc.obj({
            "mode": pc.enum("implicit", "explicit"),
            "ttl": pc.enum("30m", "12h"),
            "comparison_response_id": pc.string(),
            "prewarm": pc.both(pc.boolean, pc.refuse_unless(lambda v: v is False, "Prompt-cache prewarming (a response without output)")),
        }),
    ),
    "safety_identifier": SAFETY_ID,
    "user": USER,
    "truncation": TRUNCATION_P,
    "access_programs": accepted(
        "cyber 'standard' is accepted and echoed; the Daybreak programs need authorisation the simulator cannot grant",
        pc.obj({"cyber": pc.both(pc.enum("standard", "daybreak_blue", "daybreak_red"),
                                 pc.refuse_unless(lambda v: v == "standard", "Daybreak access programs"))}),
    ),
    "background": refused("true runs the response as a background job to poll, which the simulator does not keep; false accepted",
                          pc.both(pc.boolean, pc.refuse_unless(lambda v: v is False, "Background responses (background=true)"))),
    "background_options": accepted(
        "completion_window 'soonest' and continuation_id have no effect without background; '2h'/'8h' need background and are refused",
        pc.obj({"completion_window": pc.both(pc.enum("soonest", "2h", "8h"),
                                             pc.refuse_unless(lambda v: v == "soonest", "Discounted background windows")),
                "continuation_id": pc.string()}),
    ),
    "image": accepted(
        "context_compression 'auto'/'disabled' accepted (echoed 'disabled': the simulator never compresses); 'enabled' is refused",
        pc.obj({"context_compression": pc.both(pc.enum("auto", "enabled", "disabled"),
                                               pc.refuse_unless(lambda v: v != "enabled", "Image context compression"))}),
    ),
    "conversation": refused("needs the Conversations API's stored state; null accepted", CONVERSATION),
    "prompt": refused("stored prompt templates live on the platform, not offline; null accepted", pc.refuse_set("Stored prompt templates")),
    "context_management": refused("server-side compaction of long contexts; null accepted", pc.refuse_set("Context management (compaction)")),
    "moderation": MODERATION_P,
    "tools": TOOLS,
    "tool_choice": TOOL_CHOICE,
    "parallel_tool_calls": PARALLEL,
    "max_tool_calls": honoured("behaviour/tools.py", "caps the number of tool calls"),
    "store": honoured("endpoints/store.py", "keeps the response for GET/DELETE and previous_response_id"),
    "previous_response_id": PREVIOUS,
    "include": honoured("behaviour/logprobs.py", "extra output data (output_text logprobs, ...)"),
    "top_logprobs": honoured("behaviour/logprobs.py", "alternatives per token (0-20)"),
    "reasoning": REASONING,
}

INPUT_TOKENS: dict[str, Param] = {
    "model": MODEL,
    "input": honoured("endpoints/responses.py", "counted like the Responses input"),
    "instructions": honoured("endpoints/responses.py", "counted as a developer message"),
    "text": TEXT,
    "truncation": TRUNCATION_P,
    "personality": accepted("a model style preset (<= 64 characters); it does not change the input count offline", pc.string(64)),
    "conversation": refused("needs the Conversations API's stored state; null accepted", CONVERSATION),
    "tools": TOOLS,
    "tool_choice": TOOL_CHOICE,
    "parallel_tool_calls": PARALLEL,
    "previous_response_id": PREVIOUS,
    "reasoning": REASONING,
}

MODERATIONS: dict[str, Param] = {
    "model": honoured("endpoints/moderations.py", "optional (default omni-moderation-latest); the SDK's ModerationModel names, "
                      "others 404 model_not_found; text-moderation-* answer as text-moderation-007, without illicit scores"),
    "input": honoured("behaviour/moderation.py", "a string, an array of strings (one result each) or an array of text/image_url "
                      "parts (one result); scored by a documented zh/en cue lexicon; an image adds no score"),
}

TABLE: dict[str, dict[str, Param]] = {"chat": CHAT, "responses": RESPONSES, "input_tokens": INPUT_TOKENS, "moderations": MODERATIONS}


def unknown(name: str, kind: str) -> errors.SimError:
    """The API's 400 for a top-level key it does not know."""
    if kind in ("chat", "moderations"):  # the older endpoints' wording (embeddings uses it too)
        return errors.SimError(400, f"Unrecognized request argument supplied: {name}", param=name, code="unknown_parameter")
    return errors.SimError(400, f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")


def check_request(body: dict, kind: str) -> None:
    """Refuse keys the table lacks, then run every present parameter's check."""
    table = TABLE[kind]
    missing = sorted(set(body) - set(table))
    if missing:
        raise unknown(missing[0], kind)
    for name, value in body.items():
        check = table[name].check
        if check is not None:
            check(name, value, body)


def _tier(value: str) -> str:
    return {"auto": "default", "fast": "priority"}.get(value, value)


def echo(reply: dict, body: dict, kind: str) -> None:
    """Copy the accepted parameters the API echoes into ``reply`` (only those the request set)."""
    if body.get("service_tier") is not None:
        reply["service_tier"] = _tier(body["service_tier"])
    if kind != "responses":
        return
    for name in ("user", "safety_identifier", "prompt_cache_key", "prompt_cache_retention", "truncation", "background", "access_programs"):
        if body.get(name) is not None:
            reply[name] = body[name]
    cache = body.get("prompt_cache_options")
    if cache is not None:
        reply["prompt_cache_options"] = {"mode": "implicit", "ttl": "30m", **cache}
    if body.get("image") is not None:
        reply["image"] = {"context_compression": "disabled"}
    spec = body.get("text")
    if isinstance(spec, dict) and spec.get("verbosity") is not None and isinstance(reply.get("text"), dict):
        reply["text"] = {**reply["text"], "verbosity": spec["verbosity"]}


def render_markdown() -> str:
    """The table as Markdown: one section per endpoint, one row per parameter."""
    lines = [
        "# Offline simulator: request parameters",
        "",
        "Generated from `helpers/offline/data/params.py` by `render_markdown()` (a test keeps it in sync).",
        "Every top-level parameter is **honoured** (done as the API does it), **accepted** (validated and",
        "echoed like the API, with no visible effect offline) or **refused** (a 400 saying the feature is",
        "not available offline; its default value is accepted). Any other key gets 400 `unknown_parameter`.",
    ]
    for kind, table in TABLE.items():
        lines += ["", f"## `{KINDS[kind]}`", "", "| Parameter | Status | Why |", "| --- | --- | --- |"]
        for name in sorted(table):
            record = table[name]
            where = f" (`{record.module}`)" if record.module else ""
            lines.append(f"| `{name}` | {record.status}{where} | {record.why.replace('|', '/')} |")
    lines += ["", "## Content parts and message fields", "", "| Where | Status | Why |", "| --- | --- | --- |"]
    lines += [f"| {where} | {status} | {why} |" for where, status, why in PARTS]
    return "\n".join(lines) + "\n"


PARTS: tuple[tuple[str, str, str], ...] = (
    ("chat user part `text`, `image_url`", "honoured (`chat.py`, `vision.py`)", "the text and a described image make the prompt"),
    ("chat user part `input_audio`", "refused", "audio understanding is not simulated"),
    ("chat user part `file`", "refused", "file input needs the Files API"),
    ("chat assistant part `text`, `refusal`", "honoured (`chat.py`)", "earlier replies, refusals included, are read back as history"),
    ("chat assistant `audio`", "refused", "refers to a stored audio reply"),
    ("chat message `name`", "accepted", "a participant name; counted in the prompt tokens"),
    ("Responses part `input_text`, `output_text`, `refusal`", "honoured (`responses.py`)", "text and earlier replies make the prompt"),
    ("Responses part `input_image` by `image_url`", "honoured (`vision.py`)", "the image is inspected and described"),
    ("Responses part `input_image` by `file_id`", "refused", "needs the Files API"),
    ("Responses part `input_file`, `input_audio`", "refused", "file and audio input are not simulated"),
)


def write_docs(root: str = ".") -> None:
    """Write ``docs/simulator-parameters.md`` under ``root``.

    ``python -c "from helpers.offline.data.params import write_docs; write_docs()"`` from the repository root.
    """
    from pathlib import Path

    path = Path(root) / DOC_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(), encoding="utf-8")
