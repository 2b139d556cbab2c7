"""The real API's error bodies, as the offline simulator sends them.

Every error is ``{"error": {"message", "type", "param", "code"}}`` with the matching
HTTP status, so the SDK raises the same exception class it raises against the real API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Characters of a key the 401 message shows at each end (the real API's ``sk-ab***...wxyz``).
SHOWN_HEAD, SHOWN_TAIL = 5, 4


@dataclass
class SimError(Exception):
    """An error answer: status, body fields and any extra headers."""

    status: int
    message: str
    type: str = "invalid_request_error"
    param: str | None = None
    code: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def missing_key() -> SimError:
    return SimError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header "
        "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    )


def masked_key(key: str) -> str:
    """``key`` as the real API's 401 shows it: a few characters at each end, stars between.

    A key too short to keep most of it hidden is shown as stars only: never echo a key whole.
    """
    hidden = len(key) - SHOWN_HEAD - SHOWN_TAIL
    if hidden < SHOWN_HEAD + SHOWN_TAIL:
        return "*" * len(key)
    return f"{key[:SHOWN_HEAD]}{'*' * hidden}{key[-SHOWN_TAIL:]}"


def invalid_key(key: str) -> SimError:
    # The real API masks the key in this message; so do we (never echo a key whole).
    return SimError(
        401,
        f"Incorrect API key provided: {masked_key(key)}. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        code="invalid_api_key",
    )


def model_not_found(model: str) -> SimError:
    return SimError(
        404,
        f"The model `{model}` does not exist or you do not have access to it.",
        code="model_not_found",
    )


def invalid_url(method: str, path: str) -> SimError:
    return SimError(404, f"Invalid URL ({method} {path})")


def bad_json() -> SimError:
    return SimError(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
        "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
        "valid JSON.)",
    )


def too_large(limit: int) -> SimError:
    return SimError(413, f"Request body too large: the offline simulator accepts at most {limit} bytes.")


def missing_param(name: str) -> SimError:
    return SimError(400, f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter")


def invalid_type(name: str, expected: str, got: object) -> SimError:
    return SimError(
        400,
        f"Invalid type for '{name}': expected {expected}, but got {type(got).__name__} instead.",
        param=name,
        code="invalid_type",
    )


def out_of_range(name: str, value: float, low: float | None, high: float | None, integer: bool = False) -> SimError:
    # The code follows the parameter's type, not the value's: temperature=3 is a decimal.
    kind = "integer" if integer else "decimal"
    if low is not None and value < low:
        return SimError(
            400,
            f"Invalid '{name}': {kind} below minimum value. Expected a value >= {low:g}, but got {value:g} instead.",
            param=name,
            code=f"{kind}_below_min_value",
        )
    return SimError(
        400,
        f"Invalid '{name}': {kind} above maximum value. Expected a value <= {high:g}, but got {value:g} instead.",
        param=name,
        code=f"{kind}_above_max_value",
    )


def invalid_value(name: str, message: str) -> SimError:
    return SimError(400, message, param=name, code="invalid_value")


def unsupported_part(kind: object, where: str, supported: str) -> SimError:
    """A content part of a type this endpoint does not take."""
    return SimError(
        400,
        f"Invalid value: '{kind}'. Supported values are: {supported}.",
        param=f"{where}.type",
        code="invalid_value",
    )


def context_length_exceeded(window: int, used: int, api: str = "chat") -> SimError:
    """The API's 400 for a prompt longer than the model's context window.

    Chat Completions: the message, type, param and code verified in FACTS.md section 7
    (2026-12-07). Responses: the same code with param ``input`` and the message quoted from a
    live reply in dyad-sh/dyad#1672 (2025-10-30; it carries no token counts). That live reply
    arrived as a stream ``error`` event; the simulator refuses before any event, with a 400.
    """
    if api == "chat":
        message = (f"This model's maximum context length is {window} tokens. However, your messages resulted in "
                   f"{used} tokens. Please reduce the length of the messages.")
        return SimError(400, message, param="messages", code="context_length_exceeded")
    return SimError(400, "Your input exceeds the context window of this model. Please adjust your input and try again.",
                    param="input", code="context_length_exceeded")
