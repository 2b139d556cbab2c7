"""Parameters that steer the wording of a reply: ``logit_bias`` bans and ``verbosity``.

``logit_bias`` of -100 bans a token id: the simulated reply never contains it. A bias of
+100 forces a token (the real model then repeats it); the simulator refuses that rather
than pretend. Other values only nudge sampling, which has no guaranteed visible effect.

``verbosity`` ``low`` keeps only the opening, the question and image notes; ``high`` adds
a sentence of detail about the prompt. ``medium`` (the default) changes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from . import tokenizer as tokens
from ..wire import errors, paramcheck

if TYPE_CHECKING:
    from .outcome import Outcome

BAN, FORCE = -100, 100
MAX_ENTRIES = 1024


def check_logit_bias(name: str, value: Any, body: dict) -> None:
    """The API's checks (token ids as keys, integers -100..100), then refuse forcing a token."""
    if value is None:
        return
    if not isinstance(value, dict):
        raise paramcheck.invalid_type(name, "an object", value)
    if len(value) > MAX_ENTRIES:
        raise errors.SimError(
            400,
            f"Invalid '{name}': too many properties. Expected an object with at most {MAX_ENTRIES} properties, "
            f"but got an object with {len(value)} properties instead.",
            param=name,
            code="object_above_max_properties",
        )
    top = tokens.encoding().max_token_value
    for key, bias in value.items():
        if not key.isdigit():
            raise errors.invalid_value(name, f"Invalid key in '{name}': {key}. You should only be submitting non-negative integers.")
        if int(key) > top:
            raise errors.invalid_value(name, f"Invalid key in '{name}': {key}. Maximum value is {top}.")
        paramcheck.integer(f"{name}.{key}", bias, body)
        if not BAN <= bias <= FORCE:
            raise errors.out_of_range(f"{name}.{key}", bias, BAN, FORCE, integer=True)
        if bias == FORCE:
            raise paramcheck.refusal(f"{name}.{key}", "Forcing a token with a bias of 100", "unsupported_value")


def banned(body: dict) -> frozenset[int]:
    """Token ids the request bans (bias -100)."""
    bias = body.get("logit_bias") or {}
    return frozenset(int(key) for key, value in bias.items() if value == BAN)


def strip_tokens(text: str, ban: frozenset[int]) -> str:
    """``text`` without the banned token ids (re-encoded until none is left)."""
    for _ in range(8):
        ids = tokens.encode(text)
        if not ban.intersection(ids):
            return text
        text = tokens.decode(t for t in ids if t not in ban)
    return text


def apply_bans(outcome: Outcome, body: dict) -> Outcome:
    """``outcome`` with every banned token removed from its text (and refusal)."""
    ban = banned(body)
    if not ban:
        return outcome
    cleaned = {k: strip_tokens(v, ban) for k, v in (("text", outcome.text), ("refusal", outcome.refusal)) if v is not None}
    return replace(outcome, **cleaned)


def verbosity_of(body: dict, kind: str) -> str:
    """The requested verbosity: top-level in Chat, ``text.verbosity`` in Responses."""
    if kind == "chat":
        value = body.get("verbosity")
    else:
        spec = body.get("text")
        value = spec.get("verbosity") if isinstance(spec, dict) else None
    return value if isinstance(value, str) else "medium"
