"""``POST /v1/embeddings``: the real API's checks and reply shape, with lexical vectors.

The limits are the documented ones (``openai/types/embedding_create_params.py``): at most
2048 inputs, at most 8192 tokens per input, at most 300,000 tokens summed over a request,
no empty input, ``dimensions`` only for ``text-embedding-3-*``. Tokens are counted with
``cl100k_base``, the embedding models' encoding (``tiktoken`` maps all three to it), from
the kit's offline tokenizer. Error bodies mirror what the API answers (messages seen in
public reports), with a sentence saying what exactly was wrong.

The vectors come from :mod:`helpers.offline.behaviour.vectors` (shared words make texts close; see
there). ``encoding_format="base64"`` (what the SDK sends when the caller names no format)
carries the same float32 values as little-endian bytes; ``"float"`` carries them as JSON
numbers that read back to exactly those float32 values.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

from . import common
from ..wire import errors
from ..wire.replies import JsonReply

#: Embedding model -> the length of its full vector.
MODELS: dict[str, int] = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}
#: Models whose vectors can be shortened with ``dimensions``.
SHORTENABLE = frozenset({"text-embedding-3-small", "text-embedding-3-large"})
ENCODING = "cl100k_base"
MAX_INPUTS = 2048
MAX_INPUT_TOKENS = 8192
MAX_REQUEST_TOKENS = 300_000
FORMATS = ("float", "base64")
INVALID_INPUT = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."


@functools.lru_cache(maxsize=1)
def known_keys() -> frozenset[str]:
    """Top-level keys of the SDK's ``EmbeddingCreateParams``.

    A per-endpoint key list, kept here on purpose: ``helpers/offline/data/params.py`` holds the
    table for chat and responses and can take this one over.
    """
    from openai.types import embedding_create_params as mod

    params = mod.EmbeddingCreateParams
    return frozenset(params.__required_keys__ | params.__optional_keys__)


@functools.lru_cache(maxsize=1)
def _encoding() -> Any:
    import quicktok

    return quicktok.get_encoding(ENCODING)


def _bad_input(detail: str) -> errors.SimError:
    return errors.SimError(400, f"{INVALID_INPUT} ({detail})")


def _check_unknown(body: dict) -> None:
    unknown = sorted(set(body) - known_keys())
    if unknown:
        raise errors.SimError(400, f"Unrecognized request argument supplied: {unknown[0]}", param=unknown[0], code="unknown_parameter")


def _check_model(body: dict, extra_models: frozenset[str]) -> str:
    model = common.model_name(body)
    if model in MODELS:
        return model
    if common.model_available(model, extra_models):
        raise errors.SimError(
            403,
            "You are not allowed to generate embeddings from this model. "
            f"('{model}' is a chat model; use an embedding model such as text-embedding-3-small.)",
        )
    raise errors.model_not_found(model)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _token_list(items: list, where: str) -> list[int]:
    if not items:
        raise _bad_input(f"{where} is an empty array of tokens; each input needs at least one token")
    for item in items:
        if not _is_int(item):
            raise _bad_input(f"{where} mixes token ids with {type(item).__name__} values")
    return items


def _split_inputs(raw: Any) -> list[str | list[int]]:
    """The request's inputs, each a text or a list of token ids (shape checks only)."""
    if raw is None:
        raise errors.missing_param("input")
    if isinstance(raw, str):
        if not raw:
            raise _bad_input("input is an empty string")
        return [raw]
    if not isinstance(raw, list):
        raise _bad_input(f"input must be a string, an array of strings, or token ids, got {type(raw).__name__}")
    if not raw:
        raise _bad_input("input is an empty array")
    if len(raw) > MAX_INPUTS:
        if _is_int(raw[0]):  # the API's schema caps a flat token array at 2048 items too
            raise _bad_input(f"a flat array of token ids holds at most {MAX_INPUTS} tokens, got {len(raw)}; "
                             "send a longer input as an array of token arrays: [[...]]")
        raise _bad_input(f"at most {MAX_INPUTS} inputs per request, got {len(raw)}")
    if _is_int(raw[0]):
        return [_token_list(raw, "input")]
    return _list_inputs(raw)


def _list_inputs(raw: list) -> list[str | list[int]]:
    """An array of texts or of token arrays, one kind only, none empty."""
    inputs: list[str | list[int]] = []
    for i, item in enumerate(raw):
        if isinstance(item, str) and item:
            inputs.append(item)
        elif isinstance(item, str):
            raise _bad_input(f"input[{i}] is an empty string")
        elif isinstance(item, list):
            inputs.append(_token_list(item, f"input[{i}]"))
        else:
            raise _bad_input(f"input[{i}] is {type(item).__name__}; expected a string or an array of token ids")
    kinds = {isinstance(item, str) for item in inputs}
    if len(kinds) > 1:
        raise _bad_input("input mixes strings and token arrays; send one kind per request")
    return inputs


def _texts_and_counts(inputs: list[str | list[int]]) -> tuple[list[str], list[int]]:
    """Each input as text (token ids decoded) and its token count."""
    enc = _encoding()
    texts: list[str] = []
    counts: list[int] = []
    for i, item in enumerate(inputs):
        if isinstance(item, str):
            texts.append(item)
            counts.append(len(enc.encode_ordinary(item)))
            continue
        try:
            data = enc.decode_bytes(item)
        except (KeyError, TypeError, OverflowError):  # an unknown id; a negative or huge one is a TypeError
            bad = next(t for t in item if not _known_token(t))
            raise _bad_input(f"token id {bad} in input[{i}] is not in {ENCODING}, the embedding models' vocabulary") from None
        texts.append(data.decode("utf-8", errors="replace"))
        counts.append(len(item))
    return texts, counts


def _known_token(token: int) -> bool:
    try:
        _encoding().decode_bytes([token])
    except (KeyError, TypeError, OverflowError):
        return False
    return True


def _check_limits(counts: list[int]) -> None:
    for i, count in enumerate(counts):
        if count > MAX_INPUT_TOKENS:
            raise errors.SimError(
                400,
                f"Invalid 'input': maximum context length is {MAX_INPUT_TOKENS} tokens. "
                f"(input[{i}] is {count} tokens; split it into smaller pieces.)",
            )
    total = sum(counts)
    if total > MAX_REQUEST_TOKENS:
        raise errors.SimError(
            400,
            f"Requested {total} tokens, max {MAX_REQUEST_TOKENS} tokens per request",
            type="max_tokens_per_request",
            code="max_tokens_per_request",
        )


def _dimensions(body: dict, model: str) -> int:
    if "dimensions" in body and model not in SHORTENABLE:
        # The API refuses the key itself for these models, even with a null value.
        raise errors.SimError(400, "This model does not support specifying dimensions.")
    full = MODELS[model]
    value = common.number(body, "dimensions", 1, full, integer=True)
    return full if value is None else value


def _encoding_format(body: dict) -> str:
    value = body.get("encoding_format")
    if value is None:
        return "float"  # the API's default (the SDK always names one)
    if not isinstance(value, str):
        raise errors.invalid_type("encoding_format", "a string", value)
    if value not in FORMATS:
        raise errors.SimError(
            400,
            f"Invalid value: '{value}'. Supported values are: 'float' and 'base64'.",
            param="encoding_format",
            code="invalid_value",
        )
    return value


def _check_user(body: dict) -> None:
    user = body.get("user")
    if user is not None and not isinstance(user, str):
        raise errors.invalid_type("user", "a string", user)


def handle(body: dict, extra_models: frozenset[str]) -> JsonReply:
    _check_unknown(body)
    model = _check_model(body, extra_models)
    inputs = _split_inputs(body.get("input"))
    dims = _dimensions(body, model)
    fmt = _encoding_format(body)
    _check_user(body)
    texts, counts = _texts_and_counts(inputs)
    _check_limits(counts)

    from ..behaviour import vectors  # numpy: loaded on the first embeddings request only

    matrix = vectors.embed(texts, dims)
    if fmt == "base64":
        values: list[Any] = [base64.b64encode(row.astype("<f4").tobytes()).decode("ascii") for row in matrix]
    else:
        values = matrix.tolist()  # float32 values, written exactly (they read back bit for bit)
    data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(values)]
    total = sum(counts)
    reply = {"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": total, "total_tokens": total}}
    return JsonReply(200, reply, headers={"x-kit-embedding-engine": vectors.engine_name()})
