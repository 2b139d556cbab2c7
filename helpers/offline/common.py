"""What both endpoint families share: parameter checks, one reply, usage, ids.

Parameter checks follow the real API: the same limits, the same error codes, and
unknown top-level keys rejected. Which keys exist, and what the simulator does with each,
is the table in ``params.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

from . import catalog as model_table
from . import errors, jsonout, params, text, vision

#: Every object the simulator creates says it was created at this moment (2026-01-01
#: 00:00 UTC), so the same request gives the same bytes.
CREATED = 1767225600


def request_id(*parts: object) -> str:
    """A short id derived from the request, stable across runs."""
    return _digest(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str))


def body_ids(body: dict, *tags: str) -> tuple[str, ...]:
    """``request_id(tag, body)`` for each tag, serializing the body once (not once per id)."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    # json.dumps([tag, body]) is exactly "[" + dumps(tag) + ", " + dumps(body) + "]".
    return tuple(_digest(f"[{json.dumps(tag, ensure_ascii=False)}, {canonical}]") for tag in tags)


def _digest(canonical: str) -> str:
    return hashlib.sha256(canonical.encode()).hexdigest()[:24]


def check_unknown(body: dict, kind: str) -> None:
    """Apply the parameter table (``params.py``): unknown keys and bad or refused values are 400s."""
    params.check_request(body, kind)


def check_model(body: dict, extra_models: frozenset[str]) -> str:
    model = body.get("model")
    if model is None:
        raise errors.missing_param("model")
    if not isinstance(model, str):
        raise errors.invalid_type("model", "a string", model)
    if not model_available(model, extra_models):
        raise errors.model_not_found(model)
    return model


def configured_models() -> frozenset[str]:
    """Models named in this process's configuration (served even if the SDK lacks them).

    Read once per server, at its first request: the server adds them to the ``extra_models`` it
    hands to the endpoints."""
    names = (os.environ.get("OPENAI_MODEL"), os.environ.get("OPENAI_VISION_MODEL"))
    # A retired model stays retired even when configured: the learner must see its 404.
    return frozenset(n.strip() for n in names if n and n.strip() and not model_table.is_retired(n.strip()))


def model_available(model: str, extra_models: frozenset[str]) -> bool:
    """``extra_models``: the server's extra and configured models (served whatever the SDK says)."""
    if model in extra_models:
        return True
    if model in model_table.sdk_unsupported() or model_table.is_retired(model):
        return False
    return model in model_table.sdk_chat_models()


def number(body: dict, name: str, low: float | None, high: float | None, integer: bool = False) -> Any:
    """Check an optional numeric parameter the way the API does; return it (or None)."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        raise errors.invalid_type(name, "an integer" if integer else "a number", value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise errors.out_of_range(name, value, low, high, integer)
    return value


def stop_list(body: dict) -> list[str]:
    stop = body.get("stop")
    if stop is None:
        return []
    if isinstance(stop, str):
        return [stop]
    if not isinstance(stop, list) or not all(isinstance(s, str) for s in stop):
        raise errors.invalid_type("stop", "a string or an array of strings", stop)
    if len(stop) > 4:
        raise errors.SimError(400, f"Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length {len(stop)} instead.", param="stop", code="array_above_max_length")
    return stop


@dataclass
class Format:
    """The requested output format: ``text``, ``json_object`` or ``json_schema``."""

    kind: str = "text"
    schema: dict | None = None
    name: str | None = None


def parse_format(spec: Any, param: str) -> Format:
    if spec is None:
        return Format()
    if not isinstance(spec, dict) or spec.get("type") not in ("text", "json_object", "json_schema"):
        raise errors.SimError(
            400,
            f"Invalid '{param}': expected an object with 'type' one of 'text', 'json_object', 'json_schema'.",
            param=param,
            code="invalid_value",
        )
    kind = spec["type"]
    if kind != "json_schema":
        return Format(kind)
    inner = spec.get("json_schema", spec)  # chat nests it; Responses keeps it flat
    if not isinstance(inner, dict) or not isinstance(inner.get("name"), str) or not inner.get("name"):
        raise errors.missing_param(f"{param}.json_schema.name" if "json_schema" in spec else f"{param}.name")
    schema = inner.get("schema")
    if not isinstance(schema, dict):
        raise errors.SimError(400, f"Invalid '{param}': 'schema' must be a JSON Schema object.", param=param, code="invalid_value")
    return Format("json_schema", schema, inner["name"])


def require_json_word(prompt: text.Prompt, fmt: Format, message: str, param: str) -> None:
    if fmt.kind == "json_object" and "json" not in prompt.all_text.lower():
        raise errors.SimError(400, message, param=param)


@dataclass
class Outcome:
    """One generated choice."""

    text: str | None
    refusal: str | None
    finish: str  # "stop" or "length"


def generate(prompt: text.Prompt, fmt: Format, *, seed: Any, index: int, stop: list[str], limit: int | None) -> Outcome:
    """One reply to ``prompt`` in the requested format, after ``stop`` and the token limit."""
    lang = prompt.language
    if jsonout.should_refuse(prompt):
        # Structured Outputs put a refusal in its own field; otherwise it is the content.
        if fmt.kind == "json_schema":
            return Outcome(None, jsonout.refusal_text(prompt), "stop")
        return Outcome(jsonout.refusal_text(prompt), None, "stop")
    extra = [vision.describe(img, i + 1, lang) for i, img in enumerate(prompt.images())]
    reply = text.compose_reply(prompt, seed, index, extra)
    if fmt.kind == "json_object":
        reply = jsonout.dumps(jsonout.json_object(prompt, reply))
    elif fmt.kind == "json_schema":
        reply = jsonout.dumps(jsonout.schema_instance(fmt.schema, prompt, seed if index == 0 else (seed, index)))
    reply, _ = text.apply_stop(reply, stop)
    reply, cut = text.truncate(reply, limit)
    return Outcome(reply, None, "length" if cut else "stop")


def image_tokens(prompt: text.Prompt) -> int:
    return sum(img.tokens for img in prompt.images())
