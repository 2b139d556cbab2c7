"""Bad input at every helper a learner calls: a table per entry point, one test per row.

Each row must fail with the expected exception type and a message that says what to do
(see ``test_bad_inputs_support.assert_clear``), and whatever the learner had (conversation
history, usage records, cache entries) must survive the failure.
"""

from __future__ import annotations

import base64
import json
import math
import os
import struct
import zlib
from pathlib import Path

import openai
import pydantic
import pytest

from helpers import chat, costs, keys, tokens
from helpers.budget import BudgetGuard
from helpers.cache import ResponseCache
from helpers.images import ImageInputError, image_part, image_to_data_url, input_image_part
from helpers.models import DEFAULT_MODEL
from helpers.retry import call_with_retries
from helpers.secrets_scan import scan_files
from helpers.structured import structured
from test_bad_inputs_support import assert_clear, expect

IMAGES = Path(__file__).resolve().parent.parent / "notebooks" / "images"
HELLO = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def client(simulator):
    with openai.OpenAI(base_url=simulator.base_url, api_key="sk-test", max_retries=0) as sdk:
        yield sdk


# --- mask_key ------------------------------------------------------------------------------

MASK_BAD = [123, 4.5, b"sk-bytes-key", ["sk-x"], {"key": "sk-x"}, object()]


@pytest.mark.parametrize("value", MASK_BAD, ids=lambda v: type(v).__name__)
def test_mask_key_rejects_non_text(value):
    message = expect(TypeError, lambda: keys.mask_key(value), "str")
    assert "sk-" not in message  # the wrapped value is never echoed


@pytest.mark.parametrize("value", ["", "   ", "\n", None])
def test_mask_key_empty_is_none(value):
    assert keys.mask_key(value) == "(none)"


# --- count_tokens / count_message_tokens ----------------------------------------------------

COUNT_BAD = [None, 5, b"bytes", ["a", "b"], {"role": "user"}]


@pytest.mark.parametrize("value", COUNT_BAD, ids=lambda v: type(v).__name__)
def test_count_tokens_needs_text(value):
    expect(TypeError, lambda: tokens.count_tokens(value), "str")


MESSAGES_BAD = [
    ("none", None, "list"),
    ("plain string", "hello", "count_tokens"),
    ("one dict, not a list", {"role": "user", "content": "hi"}, "list"),
    ("list of strings", ["hello"], "dict"),
    ("content is a number", [{"role": "user", "content": 5}], "content"),
    ("content is a dict", [{"role": "user", "content": {"text": "hi"}}], "content"),
]


@pytest.mark.parametrize("value, needle", [r[1:] for r in MESSAGES_BAD], ids=[r[0] for r in MESSAGES_BAD])
def test_count_message_tokens_needs_message_dicts(value, needle):
    expect(TypeError, lambda: tokens.count_message_tokens(value), needle)


def test_huge_text_is_counted_not_refused():
    assert tokens.count_tokens("你好 hello " * 200_000) > 400_000


# --- price_for / estimate_cost / UsageLog ---------------------------------------------------

PRICE_BAD = [
    ("none", None, TypeError, "str"),
    ("number", 5, TypeError, "str"),
    ("empty", "", costs.UnknownPriceError, "PRICES"),
    ("retired", "gpt-3.5-turbo", costs.UnknownPriceError, "PRICES"),
    ("misspelt", "gpt-5.4-mni", costs.UnknownPriceError, "PRICES"),
    ("with spaces", "gpt 5.4 mini", costs.UnknownPriceError, "PRICES"),
]


@pytest.mark.parametrize("model, exc, needle", [r[1:] for r in PRICE_BAD], ids=[r[0] for r in PRICE_BAD])
def test_price_for_bad_model(model, exc, needle):
    expect(exc, lambda: costs.price_for(model), needle)


ESTIMATE_BAD = [
    ("negative input", dict(input_tokens=-1, output_tokens=1), "input_tokens"),
    ("float output", dict(input_tokens=1, output_tokens=1.5), "output_tokens"),
    ("string input", dict(input_tokens="10", output_tokens=1), "input_tokens"),
    ("bool output", dict(input_tokens=1, output_tokens=True), "output_tokens"),
    ("none", dict(input_tokens=None, output_tokens=1), "input_tokens"),
    ("cached above input", dict(input_tokens=1, output_tokens=1, cached_tokens=5), "cached_tokens"),
]


@pytest.mark.parametrize("args, needle", [r[1:] for r in ESTIMATE_BAD], ids=[r[0] for r in ESTIMATE_BAD])
def test_estimate_cost_bad_counts(args, needle):
    expect(ValueError, lambda: costs.estimate_cost(DEFAULT_MODEL, **args), needle)


def test_usage_log_keeps_its_records_when_a_response_has_no_usage(client):
    log = costs.UsageLog()
    good = client.chat.completions.create(model=DEFAULT_MODEL, messages=HELLO)
    log.record(good, "first")
    before = list(log.records)
    stream = client.chat.completions.create(model=DEFAULT_MODEL, messages=HELLO, stream=True)
    chunks = list(stream)
    no_usage = good.model_copy(update={"usage": None})
    inputs = [None, "text", {"usage": {"prompt_tokens": 1}}, stream, chunks[-1], no_usage]
    for value in inputs:
        expect(ValueError, lambda: log.record(value), "include_usage")
    assert log.records == before and log.total_cost == before[0].cost


def test_usage_log_unknown_price_says_how_to_add_it_and_keeps_records(client):
    log = costs.UsageLog()
    good = client.chat.completions.create(model=DEFAULT_MODEL, messages=HELLO)
    log.record(good)
    log.record(good.model_copy(update={"model": "my-local-model"}))
    expect(costs.UnknownPriceError, lambda: log.total_cost, "PRICES")
    assert len(log.records) == 2


# --- BudgetGuard --------------------------------------------------------------------------

LIMIT_BAD = ["5", None, -1, -0.01, math.nan, math.inf, True, [1]]


@pytest.mark.parametrize("limit", LIMIT_BAD, ids=repr)
def test_budget_guard_bad_limit(limit):
    expect(ValueError, lambda: BudgetGuard(limit), "limit_usd")


GUARD_CALL_BAD = [
    ("negative max tokens", dict(max_completion_tokens=-5), "max_completion_tokens"),
    ("zero max tokens", dict(max_completion_tokens=0), "max_completion_tokens"),
    ("none max tokens", dict(max_completion_tokens=None), "max_completion_tokens"),
    ("float max tokens", dict(max_completion_tokens=10.5), "max_completion_tokens"),
    ("string max tokens", dict(max_completion_tokens="100"), "max_completion_tokens"),
    ("zero choices", dict(max_completion_tokens=10, n=0), "n"),
    ("string choices", dict(max_completion_tokens=10, n="2"), "n"),
]


@pytest.mark.parametrize("args, needle", [r[1:] for r in GUARD_CALL_BAD], ids=[r[0] for r in GUARD_CALL_BAD])
def test_budget_guard_bad_call_keeps_the_budget(client, args, needle):
    guard = BudgetGuard(0.01)
    expect(ValueError, lambda: guard.create(client, model=DEFAULT_MODEL, messages=HELLO, **args), needle)
    assert guard.spent == 0 and guard.reserved == 0 and guard.remaining == 0.01


def test_budget_guard_unknown_model_releases_nothing_it_did_not_hold(client):
    guard = BudgetGuard(0.01)
    expect(costs.UnknownPriceError, lambda: guard.create(client, model="gpt-3.5-turbo", messages=HELLO,
                                                          max_completion_tokens=10), "PRICES")
    assert guard.reserved == 0 and guard.spent == 0


# --- call_with_retries ----------------------------------------------------------------------

RETRY_BAD = [
    ("zero attempts", dict(attempts=0), ValueError, "attempts"),
    ("negative attempts", dict(attempts=-2), ValueError, "attempts"),
    ("string attempts", dict(attempts="3"), ValueError, "attempts"),
    ("float attempts", dict(attempts=2.5), ValueError, "attempts"),
    ("bool attempts", dict(attempts=True), ValueError, "attempts"),
    ("none attempts", dict(attempts=None), ValueError, "attempts"),
    ("negative max_wait", dict(max_wait=-1), ValueError, "max_wait"),
    ("string max_wait", dict(max_wait="8"), ValueError, "max_wait"),
]


@pytest.mark.parametrize("args, exc, needle", [r[1:] for r in RETRY_BAD], ids=[r[0] for r in RETRY_BAD])
def test_call_with_retries_bad_options(client, args, exc, needle):
    expect(exc, lambda: call_with_retries(client.chat.completions.create, model=DEFAULT_MODEL, messages=HELLO, **args), needle)


def test_call_with_retries_given_a_result_not_a_method(client):
    result = client.models.list()  # the learner called it: passed the result, not the method
    expect(TypeError, lambda: call_with_retries(result), "no parentheses")


# --- image_to_data_url / image_part -----------------------------------------------------------


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels but carries almost no data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


BAD_FILES = [
    ("empty file", "empty.png", b""),
    ("text named png", "notes.png", b"just some text\n"),
    ("svg", "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>"),
    ("truncated png", "cut.png", (IMAGES / "sunset.png").read_bytes()[:200]),
    ("decompression bomb header", "bomb.png", _png_header(100_000, 100_000)),
    ("huge header, no pixels", "big.png", _png_header(12_000, 12_000)),
    ("base64 text instead of bytes", "b64.png", base64.b64encode((IMAGES / "sunset.png").read_bytes())),
    ("pdf", "doc.png", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
]


@pytest.mark.parametrize("name, data", [r[1:] for r in BAD_FILES], ids=[r[0] for r in BAD_FILES])
def test_image_to_data_url_broken_files(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    expect(ImageInputError, lambda: image_to_data_url(path), "PNG")


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_image_to_data_url_converts_formats_the_api_does_not_take(tmp_path, fmt):
    from PIL import Image

    path = tmp_path / f"pic.{fmt.lower()}"
    Image.new("RGB", (8, 8), (0, 90, 200)).save(path, format=fmt)
    assert image_to_data_url(path).startswith("data:image/jpeg;base64,")


IMAGE_ARGS_BAD = [
    ("none", dict(source=None), "path"),
    ("number", dict(source=42), "path"),
    ("bytes", dict(source=b"\x89PNG"), "path"),
    ("missing file", dict(source="no_such_picture.png"), "check"),
    ("folder", dict(source=str(IMAGES)), "check"),
    ("already a url", dict(source="https://example.com/a.png"), "URL"),
    ("already a data url", dict(source="data:image/png;base64,AAAA"), "URL"),
    ("format bmp", dict(source=IMAGES / "sunset.png", format="BMP"), "JPEG"),
    ("format svg", dict(source=IMAGES / "sunset.png", format="svg"), "JPEG"),
    ("format none", dict(source=IMAGES / "sunset.png", format=None), "JPEG"),
    ("max_side zero", dict(source=IMAGES / "sunset.png", max_side=0), "max_side"),
    ("max_side negative", dict(source=IMAGES / "sunset.png", max_side=-5), "max_side"),
    ("max_side string", dict(source=IMAGES / "sunset.png", max_side="768"), "max_side"),
    ("quality too high", dict(source=IMAGES / "sunset.png", quality=500), "quality"),
    ("quality zero", dict(source=IMAGES / "sunset.png", quality=0), "quality"),
    ("quality word", dict(source=IMAGES / "sunset.png", quality="high"), "quality"),
]


@pytest.mark.parametrize("args, needle", [r[1:] for r in IMAGE_ARGS_BAD], ids=[r[0] for r in IMAGE_ARGS_BAD])
def test_image_to_data_url_bad_arguments(args, needle):
    expect(ImageInputError, lambda: image_to_data_url(**args), needle)


PART_BAD = [
    ("none url", dict(url=None), "image_to_data_url"),
    ("number url", dict(url=5), "image_to_data_url"),
    ("empty url", dict(url=""), "image_to_data_url"),
    ("a file path", dict(url="../images/sunset.png"), "image_to_data_url"),
    ("a Path", dict(url=IMAGES / "sunset.png"), "image_to_data_url"),
    ("not an image data url", dict(url="data:text/plain;base64,aGk="), "image_to_data_url"),
    ("detail ultra", dict(url="https://example.com/a.png", detail="ultra"), "detail"),
    ("detail none", dict(url="https://example.com/a.png", detail=None), "detail"),
    ("detail upper", dict(url="https://example.com/a.png", detail="LOW"), "detail"),
]


@pytest.mark.parametrize("maker", [image_part, input_image_part])
@pytest.mark.parametrize("args, needle", [r[1:] for r in PART_BAD], ids=[r[0] for r in PART_BAD])
def test_image_parts_bad_arguments(maker, args, needle):
    expect(ValueError, lambda: maker(**args), needle)


# --- ask / Conversation ---------------------------------------------------------------------

ASK_BAD = [
    ("empty prompt", dict(prompt=""), ValueError, "prompt"),
    ("blank prompt", dict(prompt="  \n"), ValueError, "prompt"),
    ("none prompt", dict(prompt=None), TypeError, "prompt"),
    ("number prompt", dict(prompt=42), TypeError, "str("),
    ("list prompt", dict(prompt=["hi"]), TypeError, "prompt"),
    ("message dict as prompt", dict(prompt={"role": "user", "content": "hi"}), TypeError, "prompt"),
    ("bytes prompt", dict(prompt=b"hi"), TypeError, "prompt"),
    ("number system", dict(prompt="hi", system=5), TypeError, "system"),
    ("string history", dict(prompt="hi", history="earlier text"), TypeError, "history"),
    ("dict history", dict(prompt="hi", history={"role": "user", "content": "x"}), TypeError, "history"),
    ("stream", dict(prompt="hi", stream=True), ValueError, "stream=True"),
]


@pytest.mark.parametrize("args, exc, needle", [r[1:] for r in ASK_BAD], ids=[r[0] for r in ASK_BAD])
def test_ask_bad_input(client, args, exc, needle):
    expect(exc, lambda: chat.ask(client, model=DEFAULT_MODEL, **args), needle)


@pytest.mark.parametrize("bad_client", [None, "sk-test", openai.OpenAI], ids=["none", "key string", "the class"])
def test_ask_without_a_client(bad_client):
    expect(TypeError, lambda: chat.ask(bad_client, "hi", model=DEFAULT_MODEL), "get_client")


MODEL_BAD = [("retired", "gpt-3.5-turbo"), ("misspelt", "gpt-5.4-mni"), ("with spaces", "gpt 5.4 mini"),
             ("blank", " "), ("vision preview", "gpt-4-vision-preview")]


@pytest.mark.parametrize("model", [r[1] for r in MODEL_BAD], ids=[r[0] for r in MODEL_BAD])
def test_ask_wrong_model_is_the_api_404(client, model):
    # ask() passes API errors on unchanged: the learner sees exactly what the real API says
    # (the advice for retired names comes from get_client()'s note, tested in test_client.py).
    with pytest.raises(openai.NotFoundError) as info:
        chat.ask(client, "hi", model=model)
    assert info.value.code == "model_not_found" and f"`{model}`" in str(info.value)


SAY_BAD = [
    ("none", dict(text=None), TypeError),
    ("empty", dict(text=""), ValueError),
    ("number", dict(text=3), TypeError),
    ("list", dict(text=["a"]), TypeError),
    ("stream", dict(text="hi", stream=True), ValueError),
    ("retired model", dict(text="hi", model="gpt-3.5-turbo"), openai.NotFoundError),
    ("bad temperature", dict(text="hi", temperature=5), openai.BadRequestError),
    ("unknown parameter", dict(text="hi", temprature=0.5), TypeError),
]


@pytest.mark.parametrize("args, exc", [r[1:] for r in SAY_BAD], ids=[r[0] for r in SAY_BAD])
def test_conversation_failed_turn_keeps_history(client, args, exc):
    conv = chat.Conversation(client, system="Be brief.", model=DEFAULT_MODEL)
    conv.say("My name is Lin.")
    before = [dict(m) for m in conv.messages]
    with pytest.raises(exc) as info:
        conv.say(**args)
    if not isinstance(info.value, openai.APIStatusError):  # the API's own messages are checked elsewhere
        assert_clear(info.value)
    assert conv.messages == before and conv.turns == 1
    assert "Lin" in conv.say("What is my name?") and conv.turns == 2


@pytest.mark.parametrize("system", [5, "", ["a"]], ids=repr)
def test_conversation_bad_system(client, system):
    with pytest.raises((TypeError, ValueError)) as info:
        chat.Conversation(client, system=system)
    assert_clear(info.value, "system")


# --- structured() ---------------------------------------------------------------------------


class Answer(pydantic.BaseModel):
    city: str
    population: int


STRUCTURED_BAD = [
    ("a dict schema", dict(schema_model={"type": "object"}), TypeError, "pydantic"),
    ("an instance", dict(schema_model=Answer(city="x", population=1)), TypeError, "not Answer()"),
    ("a builtin type", dict(schema_model=int), TypeError, "pydantic"),
    ("none", dict(schema_model=None), TypeError, "pydantic"),
    ("messages as text", dict(messages="Tell me about Paris in JSON"), TypeError, "messages"),
    ("messages as one dict", dict(messages={"role": "user", "content": "json"}), TypeError, "messages"),
    ("ladder as a string", dict(ladder="schema"), ValueError, "ladder"),
    ("empty ladder", dict(ladder=()), ValueError, "ladder"),
    ("unknown rung", dict(ladder=("schema", "magic")), ValueError, "ladder"),
    ("stream", dict(stream=True), ValueError, "stream"),
]


@pytest.mark.parametrize("args, exc, needle", [r[1:] for r in STRUCTURED_BAD], ids=[r[0] for r in STRUCTURED_BAD])
def test_structured_bad_input(client, args, exc, needle):
    call = {"client": client, "model": DEFAULT_MODEL, "messages": [{"role": "user", "content": "Paris as JSON"}],
            "schema_model": Answer, **args}
    expect(exc, lambda: structured(**call), needle)


def test_structured_wrong_model_propagates_the_404(client):
    with pytest.raises(openai.NotFoundError):
        structured(client, "gpt-3.5-turbo", [{"role": "user", "content": "json"}], Answer)


# --- ResponseCache --------------------------------------------------------------------------

CACHE_BAD = [
    ("stream", dict(stream=True), ValueError, "stream=True"),
    ("pydantic class", dict(response_format=Answer), TypeError, "JSON"),
    ("a set", dict(metadata={"tags": {"a", "b"}}), TypeError, "JSON"),
    ("bytes", dict(user=b"lin"), TypeError, "JSON"),
]


@pytest.mark.parametrize("args, exc, needle", [r[1:] for r in CACHE_BAD], ids=[r[0] for r in CACHE_BAD])
def test_cache_refuses_clearly_and_keeps_entries(client, tmp_path, args, exc, needle):
    cache = ResponseCache(tmp_path)
    first, _ = cache.chat(client, model=DEFAULT_MODEL, messages=HELLO)
    expect(exc, lambda: cache.chat(client, model=DEFAULT_MODEL, messages=HELLO, **args), needle)
    again, hit = cache.chat(client, model=DEFAULT_MODEL, messages=HELLO)
    assert hit and again == first and cache.misses == 1 and len(list(tmp_path.glob("*.json"))) == 1


def test_cache_api_error_stores_nothing(client, tmp_path):
    cache = ResponseCache(tmp_path)
    with pytest.raises(openai.NotFoundError):
        cache.chat(client, model="gpt-3.5-turbo", messages=HELLO)
    assert cache.misses == 0 and not list(tmp_path.glob("*"))


DAMAGE = [("empty", b""), ("half json", b'{"id": "chatcmpl-'), ("not utf-8", b"\xff\xfe\x00"),
          ("a list", b"[]"), ("wrong shape", b'{"id": 5}')]


@pytest.mark.parametrize("data", [r[1] for r in DAMAGE], ids=[r[0] for r in DAMAGE])
def test_cache_damaged_disk_entry_is_a_miss_and_gets_rewritten(client, tmp_path, data):
    # temperature 0: the fresh call gives the same answer (at the default temperature it is worded anew).
    first, _ = ResponseCache(tmp_path).chat(client, model=DEFAULT_MODEL, messages=HELLO, temperature=0)
    (entry,) = tmp_path.glob("*.json")
    entry.write_bytes(data)
    fresh = ResponseCache(tmp_path)
    response, hit = fresh.chat(client, model=DEFAULT_MODEL, messages=HELLO, temperature=0)
    assert not hit and response.choices[0].message.content == first.choices[0].message.content
    assert json.loads(entry.read_text(encoding="utf-8"))["id"] == first.id


def test_cache_folder_that_is_a_file(tmp_path):
    target = tmp_path / "cache"
    target.write_text("I am a file")
    expect(ValueError, lambda: ResponseCache(target), "folder")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_cache_read_only_folder_keeps_the_answer(client, tmp_path):  # pragma: no cover - CI runs as root
    cache = ResponseCache(tmp_path)
    tmp_path.chmod(0o500)
    try:
        with pytest.warns(UserWarning, match="writable"):
            response, hit = cache.chat(client, model=DEFAULT_MODEL, messages=HELLO)
    finally:
        tmp_path.chmod(0o700)
    assert not hit and cache.chat(client, model=DEFAULT_MODEL, messages=HELLO)[1]


def test_cache_unwritable_disk_keeps_the_answer(client, tmp_path, monkeypatch):
    # Root ignores permissions, so a full or read-only disk is simulated where it strikes.
    cache = ResponseCache(tmp_path)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("helpers.cache.tempfile.mkstemp", refuse)
    with pytest.warns(UserWarning, match="writable"):
        response, hit = cache.chat(client, model=DEFAULT_MODEL, messages=HELLO)
    assert not hit and response.choices
    again, hit = cache.chat(client, model=DEFAULT_MODEL, messages=HELLO)
    assert hit and again == response and not list(tmp_path.glob("*"))


# --- secrets_scan ---------------------------------------------------------------------------


def _key() -> str:
    return "sk-" + "proj-" + "Q7" * 15 + "wxyz"


def test_secrets_scan_odd_files(tmp_path):
    key = _key()
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x00\x01" + key.encode() + b"\x00")
    latin = tmp_path / "notes.txt"
    latin.write_bytes(b"caf\xe9 menu\nOPENAI_API_KEY=" + key.encode() + b"\n")
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"a" * 5_000_001)
    missing = tmp_path / "gone.txt"
    folder = tmp_path / "dir"
    folder.mkdir()
    findings = list(scan_files([binary, latin, huge, missing, folder]))
    # A stray Latin-1 byte does not hide the key; binaries, huge files, folders are skipped.
    assert [(Path(f.path).name, f.line) for f in findings] == [("notes.txt", 2)]
    assert key not in str(findings[0]) and str(findings[0]).endswith("…wxyz")


def test_call_with_retries_given_a_function_without_extra_headers(client):
    # Defect 14: a lambda failed with "<lambda>() got an unexpected keyword argument
    # 'extra_headers'", which does not say that fn must be the SDK method.
    calls: list[str] = []
    message = expect(TypeError, lambda: call_with_retries(lambda: calls.append("called")),
                     "client.chat.completions.create", "extra_headers")
    assert "SDK method" in message and not calls  # refused before calling it

    def ask(question: str) -> str:
        return question

    expect(TypeError, lambda: call_with_retries(ask, "hi"), "client.chat.completions.create")


def test_call_with_retries_keeps_other_type_errors(client):
    def broken(**kwargs):
        raise TypeError("a bug inside the function")

    with pytest.raises(TypeError, match="^a bug inside the function$"):
        call_with_retries(broken)
    # A wrapper that forwards keyword arguments to the SDK method is fine.
    reply = call_with_retries(lambda **kw: client.chat.completions.create(model=DEFAULT_MODEL, messages=HELLO, **kw))
    assert reply.choices[0].message.content
