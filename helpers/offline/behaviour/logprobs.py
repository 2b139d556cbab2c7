"""Token log probabilities for the offline simulator (shared by Chat Completions and Responses).

The simulated text is split with the kit's ``o200k_base`` tokenizer; every token gets a
deterministic log probability (a hash of its position and text, never above 0) and, when asked,
alternatives that are plausible neighbours of the chosen token (other casing, spacing or common
words), each less likely than the chosen one. The probabilities of one position sum to at most 1.

A token that ends inside a multi-byte character (common in Chinese) is shown as the API shows
it: ``bytes:\\xe4\\xbd`` with its raw ``bytes``; joining every token's ``bytes`` always gives
the text's UTF-8 bytes.
"""

from __future__ import annotations

import math
from typing import Any

from . import tokenizer as tokens
from ..wire import errors
from .text import stable_hash

MAX_TOP = 20
_COMMON = [" the", ",", ".", " and", " a", " to", " of", " is", " in", " it", "\n", " that", " this", " you",
           " I", ":", " for", " with", "的", "，", "。", "是", "了", "在", "我", "你", "和", "这"]


def chat_request(body: dict) -> int | None:
    """How many alternatives a chat request wants per token, or None when it wants no logprobs."""
    wanted = body.get("logprobs")
    if wanted is not None and not isinstance(wanted, bool):
        raise errors.invalid_type("logprobs", "a boolean", wanted)
    top = _top(body)
    if top is not None and wanted is not True:
        raise errors.SimError(
            400,
            "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is specified.",
            param="top_logprobs",
            code="invalid_value",
        )
    return (top or 0) if wanted else None


def responses_request(body: dict, include: list[str]) -> int | None:
    """Alternatives per token for a Responses request (``include`` asks for the logprobs)."""
    top = _top(body)
    return (top or 0) if "message.output_text.logprobs" in include else None


def _top(body: dict) -> int | None:
    top = body.get("top_logprobs")
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, int):
        raise errors.invalid_type("top_logprobs", "an integer", top)
    if not 0 <= top <= MAX_TOP:
        raise errors.out_of_range("top_logprobs", top, 0, MAX_TOP, integer=True)
    return top


def entries(text: str, top: int, salt: object = "") -> list[dict]:
    """One ``{"token","logprob","bytes","top_logprobs"}`` per token of ``text``."""
    enc = tokens.encoding()
    out = []
    for position, token in enumerate(enc.encode_ordinary(text)):
        raw = enc.decode_single_token_bytes(token)
        out.append(_entry(_show(raw), raw, position, top, salt))
    return out


def pieces(text: str, top: int, salt: object = "") -> list[tuple[str, list[dict]]]:
    """``text`` cut into stream deltas (as ``text.pieces`` cuts it) with each delta's entries."""
    out: list[tuple[str, list[dict]]] = []
    buffer, pending = b"", []
    for entry in entries(text, top, salt):
        buffer += bytes(entry["bytes"])
        pending.append(entry)
        try:
            piece = buffer.decode("utf-8")
        except UnicodeDecodeError:
            continue
        out.append((piece, pending))
        buffer, pending = b"", []
    if pending:
        out.append((buffer.decode("utf-8", errors="ignore"), pending))
    return out


def for_stream_event(items: list[dict]) -> list[dict]:
    """Entries in the shape of the Responses text delta/done events (no ``bytes``)."""
    return [
        {"token": e["token"], "logprob": e["logprob"],
         "top_logprobs": [{"token": t["token"], "logprob": t["logprob"]} for t in e["top_logprobs"]]}
        for e in items
    ]


def _show(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "bytes:" + "".join(f"\\x{b:02x}" for b in raw)


def _entry(token: str, raw: bytes, position: int, top: int, salt: object) -> dict:
    # The chosen token's probability lies in [0.35, 0.999]; the rest of the mass is shared by
    # the alternatives in halving shares, so each is below the chosen one and the sum stays <= 1.
    chosen = 0.35 + (stable_hash("logprob", salt, position, token) % 6490) / 10000
    entry: dict[str, Any] = {"token": token, "logprob": _log(chosen), "bytes": list(raw), "top_logprobs": []}
    if top:
        rest = 1.0 - chosen
        alternatives = [(token, raw, chosen)]
        for i, other in enumerate(_alternatives(token, position, salt, top - 1), start=1):
            alternatives.append((other, other.encode("utf-8"), rest * 0.5 ** i * 0.9))
        entry["top_logprobs"] = [{"token": t, "logprob": _log(p), "bytes": list(b)} for t, b, p in alternatives]
    return entry


def _log(p: float) -> float:
    return round(math.log(p), 6)


def _alternatives(token: str, position: int, salt: object, count: int) -> list[str]:
    """``count`` distinct plausible other tokens for this position (deterministic)."""
    word = token.strip()
    near = [word, " " + word, word.lower(), word.capitalize(), word.upper()] if word and not token.startswith("bytes:") else []
    start = stable_hash("alternatives", salt, position) % len(_COMMON)
    pool = near + _COMMON[start:] + _COMMON[:start]
    out: list[str] = []
    if count <= 0:
        return out
    for candidate in pool:
        if candidate and candidate != token and candidate not in out:
            out.append(candidate)
        if len(out) == count:
            break
    return out


def for_choice(content: str | None, refusal: str | None, top: int | None, salt: object) -> dict | None:
    """A chat choice's ``logprobs`` object (None when the request asked for none)."""
    if top is None:
        return None
    return {
        "content": entries(content, top, salt) if content is not None else None,
        "refusal": entries(refusal, top, salt) if refusal is not None else None,
    }


def stream_pieces(content: str, top: int | None, salt: object) -> list[tuple[str, dict | None]]:
    """Chat stream deltas of ``content``, each with its chunk's ``logprobs`` object."""
    from .text import pieces as plain_pieces

    if top is None:
        return [(piece, None) for piece in plain_pieces(content)]
    return [(piece, {"content": items, "refusal": None}) for piece, items in pieces(content, top, salt)]
