"""``mask_key`` never reveals a key; token counts work offline and match the chat formula."""

from __future__ import annotations

import random
import string

import pytest

from helpers import tokens
from helpers.keys import mask_key
from helpers.tokens import count_message_tokens, count_tokens

# Key-like values are assembled at runtime: no key-like literal sits in this file.
PREFIXES = ["sk-" + kind + "-" for kind in ("proj", "svcacct", "admin")] + ["sk-", ""]
CHINESE = "你好，世界！龘靐齉爩，鱻麤。今天天气很好。"


def secret(length: int, seed: int) -> str:
    return "".join(random.Random(seed).choices(string.ascii_letters + string.digits, k=length))


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_key(value: str | None) -> None:
    assert mask_key(value) == "(none)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("sk-", "sk-…"), ("sk-abc", "sk-…"), ("x" * 11, "…"), ("sk-proj-" + "a1b2c3d4e5f", "sk-proj-…")],
)
def test_short_secrets_show_none_of_their_characters(value: str, expected: str) -> None:
    # Only the kind-of-key prefix may show when the secret part is under 12 characters.
    assert mask_key(value) == expected


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("length", [12, 48, 156])
def test_mask_shows_only_prefix_and_last_four(prefix: str, length: int) -> None:
    body = secret(length, seed=len(prefix) * 1000 + length)
    masked = mask_key(prefix + body)
    assert masked == f"{prefix}…{body[-4:]}"
    assert body[:-4] not in masked
    # No run of five secret characters survives.
    assert not any(body[i : i + 5] in masked for i in range(len(body) - 4))


def test_legacy_key() -> None:
    body = secret(48, seed=7)
    assert mask_key("sk-" + body) == "sk-…" + body[-4:]


def test_whitespace_is_stripped() -> None:
    key = "sk-" + "proj-" + secret(40, seed=3)
    assert mask_key(f"  {key}\n") == mask_key(key) == "sk-proj-…" + key[-4:]


def test_count_tokens_uses_o200k_base() -> None:
    assert tokens.ENCODING == "o200k_base"
    assert count_tokens("hello world") == 2
    assert count_tokens("") == 0


def test_chinese_round_trip() -> None:
    ids = tokens.encode(CHINESE)
    assert len(ids) == count_tokens(CHINESE) > 0
    assert tokens.decode(ids) == CHINESE


def test_truncated_chinese_never_garbles() -> None:
    ids = tokens.encode(CHINESE)
    raw = [tokens.encoding().decode_bytes(ids[:k]) for k in range(len(ids) + 1)]
    # The text really has characters split across tokens, so this test means something.
    assert any("\ufffd" in data.decode("utf-8", errors="replace") for data in raw)
    for k in range(len(ids) + 1):
        text = tokens.decode(ids[:k])
        assert "\ufffd" not in text and CHINESE.startswith(text)


@pytest.mark.parametrize("value", [123, None, b"hello"])
def test_count_tokens_needs_a_str(value: object) -> None:
    with pytest.raises(TypeError):
        count_tokens(value)  # type: ignore[arg-type]


SYSTEM = "You are a helpful assistant."
QUESTION = "这张图片里有什么？What is in this image?"


def test_message_tokens_formula() -> None:
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": QUESTION}]
    parts = ("system", SYSTEM, "user", QUESTION)
    assert count_message_tokens(messages) == 3 * len(messages) + sum(map(count_tokens, parts)) + 3


def test_message_tokens_with_content_parts() -> None:
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64," + "A" * 400}}
    plain = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": QUESTION}]
    parts = [plain[0], {"role": "user", "content": [{"type": "text", "text": QUESTION}, image]}]
    assert count_message_tokens(parts) == count_message_tokens(plain)
    # The image part alone adds nothing: only the text parts are counted.
    images_only = [{"role": "user", "content": [image]}]
    assert count_message_tokens(images_only) == 3 + count_tokens("user") + 3


def test_empty_message_list_is_the_reply_priming() -> None:
    assert count_message_tokens([]) == 3


def test_lone_surrogates_count_as_replacement_characters() -> None:
    # Defect 3: the tokenizer raised a bare TypeError for text such as "\ud800".
    assert count_tokens("a\ud800b") == count_tokens("a\ufffdb")
    assert tokens.encode("\udfff") == tokens.encode("\ufffd")
    assert count_message_tokens([{"role": "user", "content": "\ud800"}]) == count_message_tokens([{"role": "user", "content": "\ufffd"}])
