"""What both endpoint families share: parameter checks and the model check.

Parameter checks follow the real API: the same limits, the same error codes, and
unknown top-level keys rejected. Which keys exist, and what the simulator does with each,
is the table in ``params.py``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..data import catalog as model_table
from ..wire import errors
from ..data import params
from ..behaviour.outcome import Format

if TYPE_CHECKING:
    from ..behaviour import text


def check_unknown(body: dict, kind: str) -> None:
    """Apply the parameter table (``params.py``): unknown keys and bad or refused values are 400s."""
    params.check_request(body, kind)


def model_name(body: dict) -> str:
    """The request's ``model``: a string, or the API's 400 (missing, wrong type). Every endpoint's first check."""
    model = body.get("model")
    if model is None:
        raise errors.missing_param("model")
    if not isinstance(model, str):
        raise errors.invalid_type("model", "a string", model)
    return model


def check_model(body: dict, extra_models: frozenset[str]) -> str:
    model = model_name(body)
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


def draw_for(draws: Any, key: str, body: dict) -> int:
    """Which sample of this request to answer with: 0 unless sampling is on.

    Sampling is on when neither ``temperature`` nor ``top_p`` is 0 (unset means the API's
    defaults, 1 and 1) and no ``seed`` is set: the n-th identical request then gets draw n
    (``wire.headers.Draws``). A seed fixes the sample: the same seed, the same reply.
    """
    if draws is None or body.get("temperature") == 0 or body.get("top_p") == 0 or body.get("seed") is not None:
        return 0
    return draws.next(key)


def require_json_word(prompt: text.Prompt, fmt: Format, message: str, param: str) -> None:
    if fmt.kind == "json_object" and "json" not in prompt.all_text.lower():
        raise errors.SimError(400, message, param=param)


def check_context(model: str, prompt_tokens: int, api: str, truncation: Any = None) -> None:
    """400 ``context_length_exceeded`` when the prompt alone is over ``model``'s window.

    ``prompt_tokens`` is the count the reply's usage reports (computed once, reused here).
    Prompt plus ``max_completion_tokens`` over the window is not refused: no live answer for
    that case with current models was found to copy (the old form named "in the completion").
    """
    window = model_table.context_window(model)
    if window is None or prompt_tokens <= window:
        return
    if truncation == "auto":  # the API would drop the oldest input items; the simulator does not
        raise errors.SimError(400, f"truncation 'auto' is not available offline: the input is {prompt_tokens} tokens, over this "
                              f"model's context window of {window}, and the simulator does not drop input items. Shorten the input.",
                              param="truncation", code="unsupported_value")
    raise errors.context_length_exceeded(window, prompt_tokens, api)
