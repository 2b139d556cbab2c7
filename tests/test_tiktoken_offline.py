"""tiktoken with the network sealed (the root conftest), and the documented prompt-token rule.

``helpers.tiktoken_cache`` seeds tiktoken's cache from quicktok's vocabularies; these tests
start from an empty cache and make any download attempt fail loudly.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import quicktok
import tiktoken
import tiktoken.load
import tiktoken.registry

from helpers import tiktoken_cache
from helpers.tokens import tiktoken_encoding
from test_sim_support import MODEL, client

__all__ = ["client"]  # the fixture, re-exported for pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [
    "hello world",
    "你好，世界！今天我们学习 OpenAI 的 API。",
    "Emoji: 👩‍💻🚀✨ and flags 🇨🇳🇬🇧",
    "def add(a: int, b: int) -> int:\n    return a + b  # sum\n\tprint(f'{a!r}')",
    "   leading spaces, trailing tabs\t\t\n\n\r\nCRLF",
    "Mixed 中英 text with numbers 1234567 and ① ② ③",
    "<|endoftext|> is plain text here",
]


def _no_download(blobpath: str) -> bytes:
    raise AssertionError(f"tiktoken tried to download {blobpath}")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A tiktoken cache seeded once for this module (seeding costs about a second)."""
    directory = tmp_path_factory.mktemp("tiktoken-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TIKTOKEN_CACHE_DIR", str(directory))
        patch.setattr(tiktoken.load, "read_file", _no_download)
        tiktoken_cache.ensure_tiktoken_cache()
        yield directory


@pytest.fixture
def sealed(seeded, monkeypatch) -> Path:
    """The seeded cache in use, and any download attempt fails the test."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(seeded))
    monkeypatch.setattr(tiktoken.load, "read_file", _no_download)
    return seeded


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch) -> Path:
    """An empty tiktoken cache, no loaded encodings, and downloads that fail the test."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    monkeypatch.setattr(tiktoken_cache, "_READY", set())
    monkeypatch.setattr(tiktoken.load, "read_file", _no_download)
    return tmp_path


def test_o200k_offline_from_an_empty_cache(fresh_cache):
    assert list(fresh_cache.iterdir()) == []
    assert tiktoken_encoding("o200k_base").encode("hello world") == [24912, 2375]
    url, expected = tiktoken_cache.BLOBS["o200k_base"]
    seeded = fresh_cache / hashlib.sha1(url.encode()).hexdigest()
    assert hashlib.sha256(seeded.read_bytes()).hexdigest() == expected


def test_encoding_for_model_offline(sealed):
    assert tiktoken_cache.offline_tiktoken_for_model(MODEL).name == "o200k_base"
    assert tiktoken_cache.offline_tiktoken_for_model("text-embedding-3-small").name == "cl100k_base"


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_tiktoken_agrees_with_quicktok(sealed, name):
    ours, theirs = tiktoken_encoding(name), quicktok.get_encoding(name)
    for text in SAMPLES:
        assert ours.encode_ordinary(text) == list(theirs.encode_ordinary(text)), text
        assert ours.decode(ours.encode_ordinary(text)) == text


def test_a_wrong_vocabulary_is_never_written(fresh_cache, monkeypatch):
    real = tiktoken_cache._quicktok_vocab("o200k_base")
    monkeypatch.setattr(tiktoken_cache, "_quicktok_vocab", lambda name: real[:-1] + bytes([real[-1] ^ 1]))
    with pytest.raises(tiktoken_cache.VocabularyMismatch, match="sha256"):
        tiktoken_cache.ensure_tiktoken_cache(("o200k_base",))
    assert list(fresh_cache.iterdir()) == []


def test_a_damaged_cache_file_is_replaced(fresh_cache):
    target = tiktoken_cache.cache_file("cl100k_base", fresh_cache)
    target.write_bytes(b"half a download")
    tiktoken_cache.ensure_tiktoken_cache(("cl100k_base",))
    assert hashlib.sha256(target.read_bytes()).hexdigest() == tiktoken_cache.BLOBS["cl100k_base"][1]


def test_default_cache_is_per_user_and_outside_the_repository(monkeypatch, tmp_path):
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    assert tiktoken_cache.cache_dir() == tmp_path / "openai-notebook-kit" / "tiktoken"
    monkeypatch.delenv("XDG_CACHE_HOME")
    default = tiktoken_cache.cache_dir()
    assert default.is_relative_to(Path.home()) and not default.resolve().is_relative_to(ROOT)


def test_importing_helpers_loads_no_tiktoken():
    code = "import sys, helpers, helpers.tokens; print('tiktoken' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


# --- the simulator's prompt_tokens follow the documented rule ----------------------------------


def documented_prompt_tokens(messages: list[dict]) -> int:
    """The cookbook's rule, computed here with tiktoken: 3 per message, the tokens of every
    value, 1 more for a ``name``, and 3 priming the reply."""
    enc = tiktoken.get_encoding("o200k_base")
    total = 3
    for message in messages:
        total += 3
        for key, value in message.items():
            total += len(enc.encode(value))
            if key == "name":
                total += 1
    return total


CONVERSATIONS = [
    [{"role": "user", "content": "Hello!"}],
    [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Name three colours.", "name": "alice"}],
    [
        {"role": "developer", "content": "只用中文回答。"},
        {"role": "user", "content": "什么是向量？", "name": "xiaoming"},
        {"role": "assistant", "content": "向量是一组有序的数。"},
        {"role": "user", "content": "再举个例子 🙂", "name": "xiaoming"},
    ],
    [
        {"role": "system", "content": "Reply in JSON."},
        {"role": "user", "content": "def f(x):\n    return x * 2", "name": "coder_42"},
        {"role": "assistant", "content": "{\"ok\": true}", "name": "helper"},
        {"role": "user", "content": "Thanks, and the inverse?"},
    ],
]


@pytest.mark.parametrize("messages", CONVERSATIONS, ids=["one", "named", "chinese", "code"])
def test_prompt_tokens_follow_the_documented_rule(client, sealed, messages):
    reply = client.chat.completions.create(model=MODEL, messages=messages)
    assert reply.usage.prompt_tokens == documented_prompt_tokens(messages)


def test_a_name_costs_its_tokens_plus_one(client, sealed):
    plain = [{"role": "user", "content": "Hi"}]
    named = [{"role": "user", "content": "Hi", "name": "bob"}]
    usage = [client.chat.completions.create(model=MODEL, messages=m).usage.prompt_tokens for m in (plain, named)]
    assert usage[1] - usage[0] == 1 + len(tiktoken_encoding("o200k_base").encode("bob"))
