"""The model catalog: default names, the retirement table, and the SDK's own model names.

The simulator answers retired models with the real 404 and lists current ones; the lesson
helpers (``helpers.models``) warn about the same retirements. Both read this one table. The
SDK records shutdown dates only as prose in ``openai/types/shared/chat_model.py``;
:func:`sdk_shutdown_dates` reads that prose so the simulator and the tests agree with the
installed SDK.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import typing
from dataclasses import dataclass
from pathlib import Path

#: Current, non-deprecated default for text (checked against openai 3.57, 2026-11).
DEFAULT_MODEL = "gpt-5.4-mini"
#: Current, non-deprecated default for image input.
DEFAULT_VISION_MODEL = "gpt-5.4-mini"
#: Default embedding model (lesson 09): OpenAI's, and one the simulator serves.
DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small"


@dataclass(frozen=True)
class Retirement:
    """One row of the retirement table: when a model stops working and what to use."""

    shutdown: _dt.date
    replacement: str


def _d(text: str) -> _dt.date:
    return _dt.date.fromisoformat(text)


# The models learners meet in old guides and blog posts, with the SDK's announced
# shutdown dates and our suggested replacement. tests/test_models.py checks every date
# here against the deprecation notes shipped in the installed SDK.
RETIREMENTS: dict[str, Retirement] = {
    "gpt-3.5-turbo": Retirement(_d("2026-10-23"), DEFAULT_MODEL),
    "gpt-3.5-turbo-0125": Retirement(_d("2026-10-23"), DEFAULT_MODEL),
    "gpt-3.5-turbo-1106": Retirement(_d("2026-09-28"), DEFAULT_MODEL),
    "gpt-3.5-turbo-16k": Retirement(_d("2024-09-13"), DEFAULT_MODEL),
    "gpt-4-vision-preview": Retirement(_d("2024-12-06"), DEFAULT_VISION_MODEL),
    "gpt-4": Retirement(_d("2026-10-23"), DEFAULT_MODEL),
    "gpt-4-32k": Retirement(_d("2025-06-06"), DEFAULT_MODEL),
    "gpt-4-turbo": Retirement(_d("2026-10-23"), DEFAULT_MODEL),
    "gpt-4-turbo-preview": Retirement(_d("2026-03-26"), DEFAULT_MODEL),
    "gpt-4.1-nano": Retirement(_d("2026-10-23"), DEFAULT_MODEL),
    "o1": Retirement(_d("2026-10-23"), "gpt-5.4"),
    "o1-mini": Retirement(_d("2025-10-27"), DEFAULT_MODEL),
    "o3-mini": Retirement(_d("2026-10-23"), DEFAULT_MODEL),
    "o4-mini": Retirement(_d("2026-10-23"), DEFAULT_MODEL),
    "chatgpt-4o-latest": Retirement(_d("2026-02-17"), DEFAULT_MODEL),
    "gpt-5": Retirement(_d("2026-12-11"), "gpt-5.4"),
    "gpt-5-mini": Retirement(_d("2026-12-11"), DEFAULT_MODEL),
    "gpt-5-nano": Retirement(_d("2026-12-11"), DEFAULT_MODEL),
    "o3": Retirement(_d("2026-12-11"), "gpt-5.4"),
    "gpt-4o": Retirement(_d("2027-01-14"), "gpt-5.4"),
    "gpt-4o-mini": Retirement(_d("2027-01-14"), DEFAULT_MODEL),
    "gpt-4.1": Retirement(_d("2027-01-14"), "gpt-5.4"),
    "gpt-4.1-mini": Retirement(_d("2027-01-14"), DEFAULT_MODEL),
    "gpt-5.1": Retirement(_d("2027-04-01"), "gpt-5.4"),
    "gpt-5.4-nano": Retirement(_d("2027-04-01"), DEFAULT_MODEL),
}

_NOTE = re.compile(r"^- (?P<names>.+?):\s*Announced shutdown\s+date:\s*(?P<date>\d{4}-\d{2}-\d{2})", re.S | re.M)


@functools.lru_cache(maxsize=1)
def sdk_chat_models() -> tuple[str, ...]:
    """Every chat model name the installed SDK knows (its ``ChatModel`` literal)."""
    from openai.types.shared import chat_model

    return tuple(typing.get_args(chat_model.ChatModel))


@functools.lru_cache(maxsize=1)
def sdk_shutdown_dates() -> dict[str, _dt.date]:
    """Shutdown dates announced in the installed SDK's deprecation notes.

    The SDK keeps them as a string literal after the ``ChatModel`` definition (not a
    docstring Python keeps), so read the module's source file.
    """
    from openai.types.shared import chat_model

    source = Path(chat_model.__file__).read_text(encoding="utf-8")
    notes = source.split('"""Deprecated values:', 1)[-1]
    dates: dict[str, _dt.date] = {}
    for block in re.split(r"\n(?=- )", notes):
        match = _NOTE.search(block.strip())
        if match:
            for name in re.findall(r'"([^"]+)"', match["names"]):
                dates[name] = _d(match["date"])
    return dates


@functools.lru_cache(maxsize=1)
def sdk_unsupported() -> frozenset[str]:
    """Names the SDK keeps only for compatibility ("Not a supported model ID")."""
    from openai.types.shared import chat_model

    source = Path(chat_model.__file__).read_text(encoding="utf-8")
    names: set[str] = set()
    for block in re.split(r"\n(?=- )", source.split('"""Deprecated values:', 1)[-1]):
        if "Not a supported model ID" in block:
            names.update(re.findall(r'"([^"]+)"', block.split(":", 1)[0]))
    return frozenset(names)


def shutdown_date(model: str) -> _dt.date | None:
    """The announced shutdown date of ``model`` (our table first, then the SDK's notes)."""
    row = RETIREMENTS.get(model)
    if row is not None:
        return row.shutdown
    return sdk_shutdown_dates().get(model)


def is_retired(model: str, today: _dt.date | None = None) -> bool:
    """True when ``model`` has passed its announced shutdown date."""
    when = shutdown_date(model)
    return when is not None and when <= (today or _dt.date.today())


def replacement_for(model: str) -> str:
    """What to use instead of ``model`` (the default model when we have no better idea)."""
    row = RETIREMENTS.get(model)
    return row.replacement if row else DEFAULT_MODEL


def current_models(today: _dt.date | None = None) -> list[str]:
    """The SDK's chat models that have not been shut down, sorted."""
    today = today or _dt.date.today()
    gone = sdk_unsupported()
    return sorted(m for m in sdk_chat_models() if m not in gone and not is_retired(m, today))


# --- the model a reply names ------------------------------------------------------------------

#: The live API answers with the dated snapshot an alias resolved to (``gpt-4o-mini`` ->
#: ``gpt-4o-mini-2024-07-18``; FACTS.md section 7, checked 2026-12-07). The mapping is built from
#: the installed SDK's ``ChatModel`` literal: an alias with exactly one dated snapshot
#: (``NAME-YYYY-MM-DD``) there resolves to it. Aliases with several snapshots in that list, or
#: snapshots in the older ``-MMDD`` form, take the pointer below, read on 2026-12-07 from the
#: alias table posted in community.openai.com/t/where-can-i-check-the-model-alias-updates/1357643
#: (which matches OpenAI's model pages for gpt-4o). A name with no known snapshot (``gpt-5.4``,
#: ``gpt-6-sol``, configured third-party models) or one that is already a snapshot is answered
#: as sent: that is what the API does for names that are snapshots or have none, and
#: inventing a date would be a guess.
ALIAS_POINTERS: dict[str, str] = {
    "gpt-4o": "gpt-4o-2024-08-06",
    "gpt-4o-audio-preview": "gpt-4o-audio-preview-2025-06-03",
    "gpt-4": "gpt-4-0613",
    "gpt-4-turbo-preview": "gpt-4-0125-preview",
    "gpt-3.5-turbo": "gpt-3.5-turbo-0125",
}
_DATED = re.compile(r"^(?P<alias>.+)-\d{4}-\d{2}-\d{2}$")


@functools.lru_cache(maxsize=1)
def snapshots() -> dict[str, str]:
    """Alias -> the dated snapshot the live API names in its replies (see :data:`ALIAS_POINTERS`)."""
    names = set(sdk_chat_models())
    found: dict[str, list[str]] = {}
    for name in names:
        match = _DATED.match(name)
        if match and match["alias"] in names:
            found.setdefault(match["alias"], []).append(name)
    table = {alias: dated[0] for alias, dated in found.items() if len(dated) == 1}
    table.update(ALIAS_POINTERS)
    return table


def snapshot_of(model: str) -> str:
    """The ``model`` a reply names for a request that asked for ``model``."""
    return snapshots().get(model, model)


# --- context windows ----------------------------------------------------------------------------

#: Tokens of context per model family (prompt plus output), read 2026-12-07. Sources:
#: chatai.guide/models/context-window-comparison (last verified 2026-05-04: GPT-4.1 family
#: 1,047,576; GPT-5 family, 5.2, 5.4 and 5.5 included, 400,000; GPT-4o and GPT-4o mini 128,000;
#: o-series reasoning models 200,000) and the model table in community.openai.com thread 1357643
#: (gpt-3.5-turbo-0125 16,385). Longest prefix wins; a snapshot shares its alias's window. A model
#: in no row (gpt-6-*, gpt-5.6-*, configured third-party models) has no window enforced: no
#: source gives one.
CONTEXT_WINDOWS: tuple[tuple[str, int], ...] = (
    ("gpt-4.1", 1_047_576),
    ("gpt-5.2-chat-latest", 128_000),
    ("gpt-5.1-chat-latest", 128_000),
    ("gpt-5.3-chat-latest", 128_000),
    ("gpt-5-chat-latest", 128_000),
    ("gpt-5", 400_000),
    ("gpt-4o", 128_000),
    ("chatgpt-4o-latest", 128_000),
    ("gpt-4-turbo", 128_000),
    ("gpt-4-0125-preview", 128_000),
    ("gpt-4-1106-preview", 128_000),
    ("gpt-4-32k", 32_768),
    ("gpt-4", 8_192),
    ("gpt-3.5-turbo", 16_385),
    ("o1-mini", 128_000),
    ("o1-preview", 128_000),
    ("o1", 200_000),
    ("o3", 200_000),
    ("o4-mini", 200_000),
)


@functools.lru_cache(maxsize=256)
def context_window(model: str) -> int | None:
    """The context window of ``model`` in tokens, or None when no source gives one."""
    rows = [(prefix, size) for prefix, size in CONTEXT_WINDOWS if model == prefix or model.startswith(prefix + "-") or model.startswith(prefix + ".")]
    if not rows:
        return None
    return max(rows, key=lambda row: len(row[0]))[1]


# --- moderation models ------------------------------------------------------------------------

#: The model ``POST /v1/moderations`` uses when the request names none (the official description's default).
MODERATION_DEFAULT = "omni-moderation-latest"
#: The model a moderation reply names, where it differs from the request's. The legacy text models
#: answer with their snapshot: the official description's "Single string" example (written when
#: text-moderation-latest was the default) and the live reply quoted in BerriAI/litellm#1974
#: (2024-02-14, request text-moderation-stable) both name ``text-moderation-007``. The omni models
#: are answered as sent: the description's "Image and text" example asks for omni-moderation-latest
#: and its reply names omni-moderation-latest, as do printed live replies in public code
#: (``ModerationCreateResponse(id='modr-...', model='omni-moderation-latest', ...)``);
#: omni-moderation-2024-09-26 is itself the snapshot.
MODERATION_SNAPSHOTS: dict[str, str] = {
    "text-moderation-latest": "text-moderation-007",
    "text-moderation-stable": "text-moderation-007",
}


@functools.lru_cache(maxsize=1)
def moderation_models() -> tuple[str, ...]:
    """Every moderation model the installed SDK knows (its ``ModerationModel`` literal)."""
    from openai.types import moderation_model

    return tuple(typing.get_args(moderation_model.ModerationModel))


def moderation_snapshot(model: str) -> str:
    """The ``model`` a moderation reply names for a request that asked for ``model``."""
    return MODERATION_SNAPSHOTS.get(model, model)
