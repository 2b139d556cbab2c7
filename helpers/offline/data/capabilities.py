"""Which models reason, at which efforts, and which sampling parameters each effort accepts.

The SDK records no capabilities (its ``ChatModel`` literal is only a list of names), so this
table keeps them as data beside the kit's model table (``helpers/models.py``), each fact with the
date it was read and where. OpenAI's own model pages were out of reach from here (the search
corpus held mostly third-party pages quoting them); every source is named so a reader can judge
it, and the facts were read on 2026-11-30.

Where the sources are silent or disagree, the entry keeps the simulator's behaviour from before
this table existed (sampling parameters accepted) and says so in ``note``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

#: Every effort value the SDK can send (``openai.types.shared.ReasoningEffort``).
ALL_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
#: Sampling parameters reasoning models refuse while they reason.
SAMPLING = ("temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias")

#: The kit's default model (gpt-5.4-mini) defaults to effort ``none`` and, by OpenAI's rule for
#: GPT-5.2 and later, accepts sampling parameters at ``none``: lessons that send ``temperature``
#: and ``stop`` keep working. One report (see the gpt-5.4 entry) says gpt-5.4 refused
#: ``temperature=0`` in April 2026. Set this to False to make the GPT-5.4 family refuse sampling
#: parameters at every effort as that report describes (lesson 02's temperature cell, code-33 in
#: en and zh, would then get a 400).
GPT54_SAMPLING_AT_NONE = True

SPEC = "openai-openapi ReasoningEffort/Reasoning descriptions and the SDK 3.57 docstrings (read 2026-11-30)"
SRC_RULE_51 = ("OpenAI API reference text on reasoning_effort, as quoted by learn.microsoft.com "
               "@azure/ai-projects ReasoningEffort (read 2026-11-30): gpt-5.1 defaults to none; models "
               "before gpt-5.1 default to medium and do not support none; xhigh for models after gpt-5.1-codex-max")
SRC_SAMPLING_NONE = ("vercel/ai issue #10932 citing OpenAI docs: temperature, top_p and logprobs are available on "
                     "gpt-5.1 when reasoning effort is none (read 2026-11-30)")
SRC_MATRIX = ("community.openai.com/t/request-for-compatibility-matrix-reasoning-effort-sampling-parameters-"
              "across-gpt-5-series/1371738 (effort matrix; read 2026-11-30)")
SRC_GPT5_TEMP = ("real 400s quoted in diffbot/code-gpt-docs#445 and tmc/langchaingo#1355 (2025-08): "
                 "'Unsupported value: 'temperature' does not support 0.5 with this model. Only the default (1) "
                 "value is supported.' code unsupported_value")
SRC_NON_REASONING = ("real 400s quoted in BoundaryML/baml#2708 (gpt-4.1), RageAgainstThePixel/OpenAI-DotNet#500 "
                     "(gpt-4o), Laisky/one-api#120 (gpt-5-chat-latest), carlrobertoh/ProxyAI#1203 (chat): "
                     "'Unsupported parameter: 'reasoning.effort' is not supported with this model.'")
SRC_MAX_TOKENS = ("FACTS.md section 7 (checked 2026-12-07) and real 400s quoted in griptape-ai/ComfyUI-Griptape#312 "
                  "(gpt-5, 2025-08-22), MuiseDestiny/zotero-gpt#464 (gpt-5-mini, 2025-09-03), fish2018/YPrompt#26 "
                  "(gpt-5.1, 2025-12-22), truefoundry/models#827 (gpt-5.5 through a gateway, 2026): 'Unsupported "
                  "parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.' "
                  "param max_tokens, code unsupported_parameter (the o-series since o1, the OpenAI reasoning guide)")
SRC_54 = ("replicate.com/openai/gpt-5.4 API schema and docs.anyfast.ai gpt-5-4-mini guide (read 2026-11-30): "
          "efforts none, low, medium, high, xhigh; default none")


@dataclass(frozen=True)
class Reasoning:
    """What one model family accepts. ``efforts`` empty: not a reasoning model."""

    efforts: tuple[str, ...]
    default: str | None
    #: Sampling parameters accepted at effort ``none`` (only meaningful when ``none`` is offered).
    sampling_at_none: bool = False
    #: How sampling parameters are refused while reasoning: "default_only" (temperature/top_p
    #: accept only 1, code unsupported_value), "refused" (unsupported_parameter) or "accepted"
    #: (not verified: the simulator's earlier behaviour is kept).
    sampling: str = "refused"
    #: ``stop`` refused while reasoning (documented for the o-series only).
    refuses_stop: bool = False
    #: ``reasoning.summary = "concise"`` supported (the spec: all reasoning models after gpt-5).
    concise: bool = True
    #: Chat Completions' deprecated ``max_tokens`` refused (400 unsupported_parameter, "Use
    #: 'max_completion_tokens' instead."); see :data:`SRC_MAX_TOKENS`.
    refuses_max_tokens: bool = True
    sources: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""

    @property
    def reasons(self) -> bool:
        return bool(self.efforts)


NON_REASONING = Reasoning((), None, refuses_max_tokens=False, sources=(SRC_NON_REASONING,), note="Not a reasoning model.")
O_SERIES = Reasoning(
    ("low", "medium", "high"), "medium", sampling="refused", refuses_stop=True, concise=False,
    sources=(SRC_MATRIX, "OpenAI reasoning guide 'limitations' cited in vercel/ai (platform.openai.com/docs/guides/reasoning#limitations)"),
)
GPT5 = Reasoning(
    ("minimal", "low", "medium", "high"), "medium", sampling="default_only", concise=False,
    sources=(SRC_RULE_51, SRC_MATRIX, SRC_GPT5_TEMP),
    note="stop: no source found; accepted as before.",
)
GPT51 = Reasoning(
    ("none", "low", "medium", "high"), "none", sampling_at_none=True, sampling="default_only",
    sources=(SRC_RULE_51, SRC_SAMPLING_NONE,
             "real 400 in openai/openai-agents-python#2089: Unsupported value: 'minimal' is not supported with the 'gpt-5.1' model."),
)
GPT51_CODEX = Reasoning(("low", "medium", "high"), "medium", sampling="default_only", sources=(SRC_MATRIX,),
                        note="Default effort not documented; medium assumed (the pre-gpt-5.1 default).")
CHAT_LATEST = Reasoning(("medium",), "medium", sampling="accepted", refuses_max_tokens=False, sources=(SRC_MATRIX,),
                        note="Sampling parameters and max_tokens: no source found; accepted as before.")
GPT52 = Reasoning(
    ("none", "low", "medium", "high", "xhigh"), "none", sampling_at_none=True, sampling="default_only",
    sources=(SRC_RULE_51, SRC_MATRIX, SRC_SAMPLING_NONE),
)
GPT52_PRO = Reasoning(("medium", "high", "xhigh"), "medium", sampling="default_only", sources=(SRC_MATRIX,),
                      note="Default effort not documented; medium (its lowest) assumed.")
GPT54 = Reasoning(
    ("none", "low", "medium", "high", "xhigh"), "none", sampling_at_none=GPT54_SAMPLING_AT_NONE, sampling="default_only",
    sources=(SRC_54, SRC_RULE_51, "RayBytes/ChatMock PR #101 (gpt-5.4-mini: low/medium/high/xhigh, 2026-03-19)"),
    note=("Disputed: johny-b/llmcomp#69 (2026-04-20) quotes gpt-5.4 refusing temperature=0 ('Only the default (1) "
          "value is supported'), maybe with a reasoning effort set. Kept: accepted at none (GPT54_SAMPLING_AT_NONE)."),
)
UNKNOWN = Reasoning(
    ALL_EFFORTS, "none", sampling_at_none=True, sampling="accepted", refuses_max_tokens=False,
    note=("No source found (gpt-5.6-*, gpt-6-*, configured third-party models): every effort the SDK "
          "can send is honoured, the default does not reason and sampling parameters and max_tokens stay accepted, as before."),
)
#: gpt-5.5: efforts and sampling unknown like UNKNOWN, but max_tokens refused (SRC_MAX_TOKENS).
GPT55 = replace(UNKNOWN, refuses_max_tokens=True, sources=(SRC_MAX_TOKENS,),
                note="Efforts and sampling: no source found (as UNKNOWN); max_tokens is refused (truefoundry/models#827).")

FAMILIES: dict[str, Reasoning] = {
    "o1": O_SERIES, "o3": O_SERIES, "o3-mini": O_SERIES, "o4-mini": O_SERIES,
    "gpt-5": GPT5, "gpt-5-mini": GPT5, "gpt-5-nano": GPT5,
    "gpt-5-chat-latest": NON_REASONING,
    "gpt-5.1": GPT51, "gpt-5.1-codex": GPT51_CODEX,
    "gpt-5.1-chat-latest": CHAT_LATEST, "gpt-5.2-chat-latest": CHAT_LATEST,
    "gpt-5.2": GPT52, "gpt-5.2-pro": GPT52_PRO,
    "gpt-5.4": GPT54, "gpt-5.4-mini": GPT54, "gpt-5.4-nano": GPT54,
    "gpt-5.5": GPT55,
}
_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}$")
_NON_REASONING_PREFIXES = ("gpt-4", "gpt-3.5", "chatgpt-4o", "gpt-audio", "gpt-4o")


def reasoning_of(model: str) -> Reasoning:
    """The capabilities of ``model`` (a dated snapshot shares its family's entry)."""
    base = _SNAPSHOT.sub("", model)
    if base in FAMILIES:
        return FAMILIES[base]
    if base.startswith(_NON_REASONING_PREFIXES):
        return NON_REASONING
    return UNKNOWN
