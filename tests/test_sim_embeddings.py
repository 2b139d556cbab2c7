"""The simulator's ``POST /v1/embeddings`` through the real SDK: shapes, formats, limits, errors
and the promise its vectors keep (texts that share words are close, unrelated ones are not).

Strict clients ask for ``encoding_format="float"``: the SDK's default is base64, whose raw
string cannot pass strict validation before the SDK decodes it (FACTS.md section 6).
"""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import openai
import pytest

from helpers.tokens import tiktoken_encoding
from test_sim_openapi import request as raw_request
from test_sim_openapi import validate
from test_sim_support import KEY, MODEL, client, expect_error, raw_post

__all__ = ["client"]  # the fixture, re-exported for pytest

SMALL, LARGE, ADA = "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"
INVALID_INPUT = "'$.input' is invalid."
HELLO_IDS = [15339, 1917]  # "hello world" in cl100k_base, the embedding models' encoding


def floats(sdk: openai.OpenAI, texts, model: str = SMALL, **params) -> np.ndarray:
    reply = sdk.embeddings.create(model=model, input=texts, encoding_format="float", **params)
    return np.array([item.embedding for item in reply.data])


@pytest.fixture(scope="module")
def plain(simulator) -> openai.OpenAI:
    """A default (non-strict) client: it sends base64 and decodes the answer itself."""
    with openai.OpenAI(base_url=simulator.base_url, api_key=KEY, max_retries=0) as sdk:
        yield sdk


# --- shape and formats ---------------------------------------------------------------------


def test_float_reply_shape_and_usage(client, tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))  # seeded there, not in the user's cache
    texts = ["Hello, world!", "你好，世界！"]
    reply = client.embeddings.create(model=SMALL, input=texts, encoding_format="float", user="student-1")
    assert reply.object == "list" and reply.model == SMALL
    assert [(d.object, d.index, len(d.embedding)) for d in reply.data] == [("embedding", 0, 1536), ("embedding", 1, 1536)]
    cl100k = tiktoken_encoding("cl100k_base")
    expected = sum(len(cl100k.encode_ordinary(t)) for t in texts)
    assert reply.usage.prompt_tokens == reply.usage.total_tokens == expected


@pytest.mark.parametrize(("model", "size"), [(SMALL, 1536), (LARGE, 3072), (ADA, 1536)])
def test_model_sizes_unit_length_and_retrieve(client, model, size):
    vector = floats(client, "Vectors for search", model=model)[0]
    assert vector.shape == (size,)
    assert abs(np.linalg.norm(vector) - 1.0) < 1e-5
    assert client.models.retrieve(model).id == model


def test_sdk_default_base64_decodes_to_the_same_floats(client, plain):
    texts = ["the SDK sends base64 by default", "默认是 base64"]
    decoded = plain.embeddings.create(model=SMALL, input=texts)  # no encoding_format
    assert [d.embedding for d in decoded.data] == floats(client, texts).tolist()


def test_raw_base64_is_little_endian_float32(simulator):
    body = {"model": SMALL, "input": "bytes on the wire", "encoding_format": "base64"}
    packed = raw_post(simulator.base_url, "/embeddings", body=body).json()["data"][0]["embedding"]
    as_bytes = np.frombuffer(base64.b64decode(packed), dtype="<f4")
    as_float = raw_post(simulator.base_url, "/embeddings", body={**body, "encoding_format": "float"}).json()
    assert as_bytes.tolist() == as_float["data"][0]["embedding"]


def test_same_request_same_bytes(simulator):
    body = {"model": LARGE, "input": ["determinism", "确定性"], "encoding_format": "float"}
    first, second = (raw_post(simulator.base_url, "/embeddings", body=body) for _ in range(2))
    assert first.status_code == 200 and first.content == second.content


def test_a_text_has_one_vector_whatever_else_is_sent(client):
    alone = floats(client, "same text")[0]
    batched = floats(client, ["other words first", "same text"])[1]
    assert np.allclose(alone, batched, atol=1e-6)


# --- inputs ---------------------------------------------------------------------------------


def test_token_ids_embed_like_their_text(client):
    text = floats(client, "hello world")[0]
    ids = client.embeddings.create(model=SMALL, input=HELLO_IDS, encoding_format="float")
    nested = client.embeddings.create(model=SMALL, input=[HELLO_IDS, [15339]], encoding_format="float")
    assert np.allclose(ids.data[0].embedding, text, atol=1e-6)
    assert np.allclose(nested.data[0].embedding, text, atol=1e-6) and len(nested.data) == 2
    assert ids.usage.prompt_tokens == 2 and nested.usage.prompt_tokens == 3


def test_2048_inputs_accepted_2049_refused(plain):
    texts = [f"note {i}" for i in range(2048)]
    assert len(plain.embeddings.create(model=SMALL, input=texts).data) == 2048
    err = expect_error(openai.BadRequestError, plain.embeddings.create, model=SMALL, input=texts + ["one more"],
                       status=400, code=None)
    assert INVALID_INPUT in err.message and "2048" in err.message


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("", "empty string"),
        ([], "empty array"),
        (["fine", ""], "input[1] is an empty string"),
        ([[]], "empty array of tokens"),
        (["text", [1, 2]], "mixes strings and token arrays"),
        ([1, "two"], "mixes token ids"),
        ([[1, True]], "mixes token ids"),
        ([{"text": "hi"}], "input[0] is dict"),
        ({"text": "hi"}, "got dict"),
        (42, "got int"),
        ([100256], "token id 100256"),
        ([15339] * 2049, "a flat array of token ids holds at most 2048 tokens"),
    ],
)
def test_malformed_input_is_refused(plain, value, hint):
    err = expect_error(openai.BadRequestError, plain.embeddings.create, model=SMALL, input=value, status=400, code=None)
    assert err.body["message"].startswith(INVALID_INPUT) and hint in err.message


def test_missing_input(simulator):
    response = raw_post(simulator.base_url, "/embeddings", body={"model": SMALL})
    assert response.status_code == 400 and response.json()["error"]["code"] == "missing_required_parameter"


def test_token_limit_per_input(plain):
    assert plain.embeddings.create(model=SMALL, input=[[15339] * 8192]).usage.prompt_tokens == 8192
    err = expect_error(openai.BadRequestError, plain.embeddings.create, model=SMALL,
                       input=[[15339] * 10, [15339] * 8193], status=400, code=None)
    assert "maximum context length is 8192 tokens" in err.message and "input[1] is 8193 tokens" in err.message


def test_token_limit_per_request(plain):
    inputs = [[15339] * 8192] * 36 + [[15339] * (300_000 - 36 * 8192)]
    assert plain.embeddings.create(model=SMALL, input=inputs).usage.total_tokens == 300_000
    err = expect_error(openai.BadRequestError, plain.embeddings.create, model=SMALL, input=inputs + [[15339]],
                       status=400, code="max_tokens_per_request")
    assert err.type == "max_tokens_per_request"
    assert err.body["message"] == "Requested 300001 tokens, max 300000 tokens per request"


# --- dimensions, format, user, unknown keys -----------------------------------------------------


@pytest.mark.parametrize("dims", [1, 256, 1024])
def test_dimensions_truncate_the_full_vector(client, dims):
    full = floats(client, "Shorter vectors keep their direction", model=LARGE)[0]
    short = floats(client, "Shorter vectors keep their direction", model=LARGE, dimensions=dims)[0]
    assert short.shape == (dims,)
    assert np.allclose(short, full[:dims] / np.linalg.norm(full[:dims]), atol=1e-6)


@pytest.mark.parametrize(
    ("model", "dims", "code"),
    [(SMALL, 0, "integer_below_min_value"), (SMALL, 1537, "integer_above_max_value"),
     (LARGE, 3073, "integer_above_max_value"), (SMALL, "256", "invalid_type"), (SMALL, 2.5, "invalid_type")],
)
def test_dimensions_out_of_range(client, model, dims, code):
    err = expect_error(openai.BadRequestError, client.embeddings.create, model=model, input="x",
                       dimensions=dims, encoding_format="float", status=400, code=code)
    assert err.param == "dimensions"


@pytest.mark.parametrize("dims", [1536, None])
def test_ada_refuses_dimensions(simulator, dims):
    body = {"model": ADA, "input": "x", "dimensions": dims}
    error = raw_post(simulator.base_url, "/embeddings", body=body).json()["error"]
    assert error["message"] == "This model does not support specifying dimensions."


def test_bad_encoding_format_user_and_unknown_keys(client):
    err = expect_error(openai.BadRequestError, client.embeddings.create, model=SMALL, input="x",
                       encoding_format="int8", status=400, code="invalid_value")
    assert err.param == "encoding_format" and "'float' and 'base64'" in err.message
    expect_error(openai.BadRequestError, client.embeddings.create, model=SMALL, input="x", user=7,
                 encoding_format="float", status=400, code="invalid_type")
    err = expect_error(openai.BadRequestError, client.embeddings.create, model=SMALL, input="x",
                       encoding_format="float", extra_body={"normalize": False}, status=400, code="unknown_parameter")
    assert err.param == "normalize"


# --- models ---------------------------------------------------------------------------------


def test_unknown_and_chat_models(client):
    expect_error(openai.NotFoundError, client.embeddings.create, model="text-embedding-4-tiny", input="x",
                 encoding_format="float", status=404, code="model_not_found")
    expect_error(openai.NotFoundError, client.embeddings.create, model="gpt-3.5-turbo", input="x",
                 encoding_format="float", status=404, code="model_not_found")  # retired: gone altogether
    err = expect_error(openai.PermissionDeniedError, client.embeddings.create, model=MODEL, input="x",
                       encoding_format="float", status=403, code=None)
    assert err.body["message"].startswith("You are not allowed to generate embeddings from this model")
    assert MODEL in err.message and SMALL in err.message


# --- what the vectors promise ------------------------------------------------------------------

DOCS = [
    "The cat sleeps on the warm sofa",
    "Dogs love long walks in the park",
    "Stock prices fell sharply on Monday",
    "Python makes data analysis easy",
    "Fresh bread smells wonderful in the morning",
    "The train to Shanghai leaves at noon",
    "今天北京下大雨",
    "我喜欢喝绿茶",
    "这家餐厅的饺子很好吃",
    "机器学习需要大量数据",
    "周末我们去爬山",
    "图书馆里非常安静",
]
QUERIES = [
    "cat on the sofa", "walks in the park with dogs", "prices fell on Monday", "data analysis with Python",
    "bread in the morning", "train to Shanghai", "北京大雨", "喝茶", "饺子好吃", "学习数据", "去爬山", "安静的图书馆",
]


def shared(a: str, b: str) -> int:
    """Words (Chinese: characters) two texts have in common."""
    def units(text: str) -> set[str]:
        return set(re.findall(r"[a-z]+|[\u4e00-\u9fff]", text.lower()))
    return len(units(a) & units(b))


def test_top_hit_shares_the_most_words(client):
    docs = floats(client, DOCS)
    queries = floats(client, QUERIES)
    scores = queries @ docs.T
    for i, query in enumerate(QUERIES):
        overlaps = [shared(query, doc) for doc in DOCS]
        best = int(np.argmax(overlaps))
        assert overlaps.count(overlaps[best]) == 1, query  # the corpus leaves no tie
        assert int(np.argmax(scores[i])) == best, (query, DOCS[int(np.argmax(scores[i]))])
        assert scores[i, best] > 0.3, (query, scores[i, best])


def test_unrelated_texts_are_near_orthogonal(client):
    from helpers.offline.behaviour import vectors

    # A lexical-engine property: e5 vectors share a compressed range (0.7-0.95) instead.
    docs = floats(client, DOCS) if vectors.engine_name() == "lexical" else vectors.lexical_embed(DOCS, 1536)
    cosines = docs @ docs.T
    unrelated = [cosines[i, j] for i in range(len(DOCS)) for j in range(i) if shared(DOCS[i], DOCS[j]) == 0]
    assert len(unrelated) > 40
    assert max(abs(c) for c in unrelated) < 0.2


# --- the official description ----------------------------------------------------------------------


def test_reply_and_error_match_spec(simulator):
    body = {"model": SMALL, "input": ["spec", "规范"], "encoding_format": "float", "dimensions": 8, "user": "u"}
    validate(body, "CreateEmbeddingRequest")
    validate(raw_request(simulator, "POST", "/embeddings", body).json(), "CreateEmbeddingResponse")
    tokens = {"model": SMALL, "input": [HELLO_IDS], "encoding_format": "float"}
    validate(tokens, "CreateEmbeddingRequest")
    validate(raw_request(simulator, "POST", "/embeddings", tokens).json(), "CreateEmbeddingResponse")
    refused = raw_request(simulator, "POST", "/embeddings", {**body, "input": ""})
    assert refused.status_code == 400
    validate(refused.json(), "ErrorResponse")
    assert json.loads(refused.text)["error"]["param"] is None


def test_embedding_models_are_listed(client):
    listed = {model.id for model in client.models.list()}
    assert {"text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"} <= listed


@pytest.mark.parametrize("bad", [-5, 2**40, 1419905681725152296960], ids=["negative", "huge", "beyond-int64"])
def test_out_of_range_token_ids_are_400_not_500(plain, bad):
    # Found by tests/test_fuzz_openapi.py: the tokenizer raised TypeError on these, a 500.
    err = expect_error(openai.BadRequestError, plain.embeddings.create, model=SMALL, input=[1369, bad], status=400, code=None)
    assert f"token id {bad} in input[0] is not in" in err.message
