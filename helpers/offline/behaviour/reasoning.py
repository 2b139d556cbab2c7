"""Reasoning requests: effort checks, sampling-parameter refusals and reasoning tokens.

Which model accepts what lives in ``capabilities.py`` (data with sources). This module applies it
to a request: Chat ``reasoning_effort``, Responses ``reasoning`` (``effort``, ``summary`` and the
deprecated ``generate_summary``) and ``include``. Reasoning tokens are simulated: deterministic,
growing with the effort, counted in the output tokens and against the output-token limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..wire import errors
from ..data.capabilities import ALL_EFFORTS, SAMPLING, Reasoning, reasoning_of
from .text import stable_hash

#: Base reasoning tokens per effort; a request adds up to a quarter more (ranges never overlap).
BASE_TOKENS = {"none": 0, "minimal": 16, "low": 96, "medium": 256, "high": 640, "xhigh": 1280, "max": 2048}
SUMMARIES = ("auto", "concise", "detailed")
INCLUDABLE = ("file_search_call.results", "web_search_call.results", "web_search_call.action.sources",
              "message.input_image.image_url", "computer_call_output.output.image_url",
              "code_interpreter_call.outputs", "reasoning.encrypted_content", "message.output_text.logprobs")
HONOURED_INCLUDES = ("reasoning.encrypted_content", "message.output_text.logprobs")


@dataclass(frozen=True)
class Plan:
    """How one request reasons: the effective effort, the summary asked for, the tokens it takes."""

    effort: str | None = None  # None: the model does not reason
    summary: str | None = None
    encrypted: bool = False
    tokens: int = 0  # reasoning tokens before any output-token limit

    @property
    def reasons(self) -> bool:
        return self.tokens > 0

    def visible_limit(self, limit: int | None) -> int | None:
        """What is left of ``limit`` for the visible answer once reasoning took its share."""
        return None if limit is None else max(limit - self.tokens, 0)

    def used(self, limit: int | None) -> int:
        """Reasoning tokens actually spent (reasoning stops at the limit)."""
        return self.tokens if limit is None else min(self.tokens, limit)


def reasoning_tokens(effort: str | None, prompt_text: str, index: int = 0) -> int:
    base = BASE_TOKENS.get(effort or "none", 0)
    return base + stable_hash("reasoning", effort, prompt_text, index) % (base // 4 + 1) if base else 0


# --- Chat Completions ------------------------------------------------------------------------


def plan_chat(model: str, body: dict, prompt_text: str) -> Plan:
    """Check ``reasoning_effort`` and the sampling parameters for ``model``; say how it reasons."""
    caps = reasoning_of(model)
    # A provider profile that only knows max_tokens marks its bodies (data/profiles.TakesMaxTokens).
    if caps.refuses_max_tokens and body.get("max_tokens") is not None and not getattr(body, "takes_max_tokens", False):
        raise errors.SimError(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
                              param="max_tokens", code="unsupported_parameter")
    effort = _effort(body.get("reasoning_effort"), "reasoning_effort", caps, model)
    effective = effort or caps.default
    _check_sampling(caps, effective, body, _chat_sampling(body))
    return Plan(effective, None, False, reasoning_tokens(effective, prompt_text))


def _chat_sampling(body: dict) -> dict[str, Any]:
    given = {name: body.get(name) for name in SAMPLING if body.get(name) is not None}
    if given.get("logprobs") is False:
        del given["logprobs"]
    return given


def charge_chat(usage: dict, spent: int) -> None:
    """Add ``spent`` reasoning tokens to a chat ``usage`` object."""
    if spent:
        usage["completion_tokens"] += spent
        usage["total_tokens"] += spent
        usage["completion_tokens_details"]["reasoning_tokens"] = spent


# --- Responses -------------------------------------------------------------------------------


def includes(body: dict) -> list[str]:
    """The ``include`` list, checked: values the SDK knows, and only those honoured offline."""
    include = body.get("include")
    if include is None:
        return []
    if not isinstance(include, list) or not all(isinstance(v, str) for v in include):
        raise errors.invalid_type("include", "an array of strings", include)
    for i, value in enumerate(include):
        if value not in INCLUDABLE:
            supported = ", ".join(f"'{v}'" for v in INCLUDABLE)
            raise errors.invalid_value(f"include[{i}]", f"Invalid value: '{value}'. Supported values are: {supported}.")
        if value not in HONOURED_INCLUDES:
            raise errors.SimError(
                400,
                f"'include' value '{value}' is not available offline: the simulator runs no tools and "
                "keeps images as they were sent.",
                param=f"include[{i}]",
                code="unsupported_value",
            )
    return include


def plan_responses(model: str, body: dict, prompt_text: str, include: list[str]) -> Plan:
    """Check ``reasoning`` and the sampling parameters for ``model``; say how it reasons."""
    caps = reasoning_of(model)
    spec = body.get("reasoning")
    if spec is not None and not isinstance(spec, dict):
        raise errors.invalid_type("reasoning", "an object", spec)
    spec = spec or {}
    _check_reasoning_keys(spec)
    effort = _effort(spec.get("effort"), "reasoning.effort", caps, model)
    summary = _summary(spec, caps)
    effective = effort or caps.default
    sampling = {k: body[k] for k in ("temperature", "top_p", "top_logprobs") if body.get(k) is not None}
    if "message.output_text.logprobs" in include:
        sampling["logprobs"] = True
    _check_sampling(caps, effective, body, sampling)
    encrypted = "reasoning.encrypted_content" in include
    return Plan(effective, summary, encrypted, reasoning_tokens(effective, prompt_text))


def _check_reasoning_keys(spec: dict) -> None:
    known = ("effort", "summary", "generate_summary", "context", "mode")
    unknown = sorted(set(spec) - set(known))
    if unknown:
        raise errors.SimError(400, f"Unknown parameter: 'reasoning.{unknown[0]}'.", param=f"reasoning.{unknown[0]}", code="unknown_parameter")
    context = spec.get("context")
    if context is not None and context not in ("auto", "current_turn", "all_turns"):
        raise errors.invalid_value("reasoning.context", f"Invalid value: '{context}'. Supported values are: 'auto', 'current_turn', and 'all_turns'.")
    if spec.get("mode") not in (None, "standard"):
        raise errors.SimError(400, f"reasoning.mode '{spec['mode']}' is not available offline: the simulator only has the standard mode.",
                              param="reasoning.mode", code="unsupported_value")


def _summary(spec: dict, caps: Reasoning) -> str | None:
    # ``generate_summary`` is the deprecated spelling of ``summary``; ``summary`` wins if both are set.
    name = "reasoning.summary" if spec.get("summary") is not None else "reasoning.generate_summary"
    value = spec.get("summary") if spec.get("summary") is not None else spec.get("generate_summary")
    if value is None:
        return None
    if value not in SUMMARIES:
        raise errors.invalid_value(name, f"Invalid value: '{value}'. Supported values are: 'auto', 'concise', and 'detailed'.")
    if value == "concise" and caps.reasons and not caps.concise:
        raise errors.SimError(400, "Unsupported value: 'concise' is not supported with this model. Supported values are: 'auto' and 'detailed'.",
                              param=name, code="unsupported_value")
    return value


def echo(plan: Plan, body: dict) -> dict | None:
    """The ``reasoning`` object a response shows, or None when the request and model have none."""
    if body.get("reasoning") is None and not plan.reasons:
        return None
    return {"effort": plan.effort, "summary": plan.summary}


def charge_responses(usage: dict, spent: int) -> None:
    if spent:
        usage["output_tokens"] += spent
        usage["total_tokens"] += spent
        usage["output_tokens_details"]["reasoning_tokens"] = spent


# --- shared checks ---------------------------------------------------------------------------


def _effort(value: Any, param: str, caps: Reasoning, model: str) -> str | None:
    if value is None:
        return None
    if value not in ALL_EFFORTS:
        listed = ", ".join(f"'{v}'" for v in ALL_EFFORTS[:-1]) + f", and '{ALL_EFFORTS[-1]}'"
        raise errors.invalid_value(param, f"Invalid value: '{value}'. Supported values are: {listed}.")
    if not caps.reasons:
        raise errors.SimError(400, f"Unsupported parameter: '{param}' is not supported with this model.", param=param, code="unsupported_parameter")
    if value not in caps.efforts:
        supported = caps.efforts
        listed = f"'{supported[0]}'" if len(supported) == 1 else ", ".join(f"'{v}'" for v in supported[:-1]) + f", and '{supported[-1]}'"
        raise errors.SimError(400, f"Unsupported value: '{value}' is not supported with the '{model}' model. Supported values are: {listed}.",
                              param=param, code="unsupported_value")
    return value


def _check_sampling(caps: Reasoning, effort: str | None, body: dict, given: dict[str, Any]) -> None:
    if not caps.reasons or caps.sampling == "accepted" or (effort == "none" and caps.sampling_at_none):
        return
    for name, value in given.items():
        if name in ("temperature", "top_p") and caps.sampling == "default_only":
            if value == 1:
                continue
            raise errors.SimError(400, f"Unsupported value: '{name}' does not support {value} with this model. Only the default (1) value is supported.",
                                  param=name, code="unsupported_value")
        raise errors.SimError(400, f"Unsupported parameter: '{name}' is not supported with this model.", param=name, code="unsupported_parameter")
    if caps.refuses_stop and body.get("stop") is not None:
        raise errors.SimError(400, "Unsupported parameter: 'stop' is not supported with this model.", param="stop", code="unsupported_parameter")
