"""The capability probe (``helpers/probe.py``) against the session simulator in every profile.

Loopback only: the simulator, a refused port on 127.0.0.1, and an in-process mock transport.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest

from helpers import probe as probe_module
from helpers.models import DEFAULT_MODEL
from helpers.offline import PROFILE_HEADER, PROFILES, Simulator
from helpers.messages import Message
from helpers.probe import CHECKS, Capabilities, probe

T, F = True, False
# The exact table each profile must produce, written out by hand (not derived from the profiles).
COLUMNS = ("models_list", "chat", "streaming", "stream_usage", "json_mode", "json_schema",
           "vision", "max_completion_tokens", "max_tokens", "responses_api")
# With DEFAULT_MODEL (a reasoning model) the OpenAI-like profiles refuse the older max_tokens, as the
# API does; providers that know only max_tokens (max-tokens-only, basic) take it.
EXPECTED: dict[str, tuple[bool, ...]] = {
    "openai":          (T, T, T, T, T, T, T, T, F, T),
    "no-schema":       (T, T, T, T, T, F, T, T, F, T),
    "no-json-mode":    (T, T, T, T, F, T, T, T, F, T),
    "no-vision":       (T, T, T, T, T, T, F, T, F, T),
    "no-responses":    (T, T, T, T, T, T, T, T, F, F),
    "max-tokens-only": (T, T, T, T, T, T, T, F, T, T),
    "no-stream-usage": (T, T, T, F, T, T, T, T, F, T),
    "basic":           (T, T, T, F, F, F, F, F, T, F),
}
# Key-like values are assembled at run time: no key-like literal sits in this file.
SECRET = "sk-" + "proj-" + "Q" * 40 + "wxyz"


class Counter:
    """Counts the HTTP requests a client sends (an httpx2 request event hook)."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, request: httpx2.Request) -> None:
        self.paths.append(request.url.path)


def make_client(base_url: str, profile: str | None = None, counter: Counter | None = None,
                transport: httpx2.BaseTransport | None = None, key: str = "sk-test") -> openai.OpenAI:
    hooks = {"request": [counter]} if counter is not None else {}
    http = openai.DefaultHttpxClient(event_hooks=hooks, transport=transport) if transport else openai.DefaultHttpxClient(event_hooks=hooks)
    headers = {PROFILE_HEADER: profile} if profile else None
    return openai.OpenAI(base_url=base_url, api_key=key, default_headers=headers, http_client=http,
                         _strict_response_validation=True)


@pytest.fixture(autouse=True)
def fresh_memory() -> None:
    probe_module.clear_cache()


def test_expected_covers_every_profile() -> None:
    assert set(EXPECTED) == set(PROFILES)
    assert COLUMNS == CHECKS


@pytest.mark.parametrize("profile", list(EXPECTED))
def test_capability_table_per_profile(simulator: Simulator, profile: str) -> None:
    caps = probe(make_client(simulator.base_url, profile), DEFAULT_MODEL, cache_dir=None)
    assert caps.as_table() == dict(zip(COLUMNS, EXPECTED[profile]))
    assert not caps.from_cache
    for name, value in caps.as_table().items():
        reason = caps.reasons[name].en
        ignored = name == "stream_usage" and reason.startswith("200, but no usage chunk")  # accepted, then ignored
        assert reason.startswith("200" if value else "4") or (value is False and ignored), (name, reason)
        assert caps.supports(name) is value
    if not caps.max_completion_tokens:
        assert "max_tokens" in caps.reasons["chat"].en  # the later checks used the accepted name


def test_reasons_name_what_was_refused(simulator: Simulator) -> None:
    caps = probe(make_client(simulator.base_url, "basic"), DEFAULT_MODEL, cache_dir=None)
    assert caps.reasons["json_schema"].en.startswith("400 invalid_value, the server said: Structured Outputs")
    assert caps.reasons["responses_api"].en.startswith("404 not_found, the server said: Invalid URL (POST /v1/responses)")
    assert caps.reasons["max_completion_tokens"].en.startswith(
        "400 unknown_parameter, the server said: Unrecognized request argument")
    # The server's words are quoted, not translated; the frame around them is in the reader's language.
    assert caps.reasons["json_schema"].zh.startswith("400 invalid_value，服务器原话：Structured Outputs")
    assert "no usage chunk" in caps.reasons["stream_usage"].en
    assert caps.reasons["stream_usage"].zh == "200，但没有 usage 块（stream_options 被忽略）"


def test_second_probe_makes_no_requests(simulator: Simulator) -> None:
    counter = Counter()
    client = make_client(simulator.base_url, "no-vision", counter)
    first = probe(client, DEFAULT_MODEL, cache_dir=None)
    sent = len(counter.paths)
    assert 8 <= sent <= 12, counter.paths  # "a handful": one call per check, two for streaming at most
    again = probe(client, DEFAULT_MODEL, cache_dir=None)
    assert len(counter.paths) == sent
    assert again.from_cache and again.as_table() == first.as_table() and again.reasons == first.reasons
    probe(client, DEFAULT_MODEL, cache_dir=None, refresh=True)
    assert len(counter.paths) == 2 * sent


def test_cache_tells_profiles_and_models_apart(simulator: Simulator) -> None:
    counter = Counter()
    full = probe(make_client(simulator.base_url, None, counter), DEFAULT_MODEL, cache_dir=None)
    sent = len(counter.paths)
    basic = probe(make_client(simulator.base_url, "basic", counter), DEFAULT_MODEL, cache_dir=None)
    assert len(counter.paths) > sent and full.as_table() != basic.as_table()
    sent = len(counter.paths)
    probe(make_client(simulator.base_url, None, counter), DEFAULT_MODEL, vision_model="gpt-5.4", cache_dir=None)
    assert len(counter.paths) > sent


def test_disk_cache_round_trip(simulator: Simulator, tmp_path: Path) -> None:
    first = probe(make_client(simulator.base_url, "max-tokens-only", key=SECRET), DEFAULT_MODEL, cache_dir=tmp_path)
    files = list(tmp_path.glob("probe-*.json"))
    assert len(files) == 1
    stored = files[0].read_text(encoding="utf-8")
    assert SECRET not in stored and SECRET[-4:] not in files[0].name
    probe_module.clear_cache()  # as in the next lesson's fresh kernel
    counter = Counter()
    again = probe(make_client(simulator.base_url, "max-tokens-only", counter, key=SECRET), DEFAULT_MODEL, cache_dir=tmp_path)
    assert counter.paths == []
    assert again.from_cache and again.as_table() == first.as_table() and again.reasons == first.reasons
    assert again.checked_at == first.checked_at


@pytest.mark.parametrize("damage", ["stale", "garbage", "bad value"])
def test_stale_or_damaged_disk_entry_is_probed_again(simulator: Simulator, tmp_path: Path, damage: str) -> None:
    probe(make_client(simulator.base_url), DEFAULT_MODEL, cache_dir=tmp_path)
    path = next(tmp_path.glob("probe-*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    if damage == "stale":
        data["checked_at"] = (dt.datetime.now(dt.timezone.utc) - probe_module.MAX_AGE - dt.timedelta(hours=1)).isoformat()
        path.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "garbage":
        path.write_text("{not json", encoding="utf-8")
    else:
        data["results"]["chat"][0] = "yes"
        path.write_text(json.dumps(data), encoding="utf-8")
    probe_module.clear_cache()
    counter = Counter()
    caps = probe(make_client(simulator.base_url, None, counter), DEFAULT_MODEL, cache_dir=tmp_path)
    assert counter.paths and not caps.from_cache and caps.chat is True
    assert json.loads(path.read_text(encoding="utf-8"))["results"]["chat"][0] is True  # rewritten


def test_auto_cache_skips_disk_for_loopback(simulator: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    probe(make_client(simulator.base_url), DEFAULT_MODEL)
    assert list(tmp_path.rglob("*")) == []


def test_dead_endpoint_is_unknown_after_one_attempt() -> None:
    counter = Counter()
    caps = probe(make_client("http://127.0.0.1:9/v1", None, counter), DEFAULT_MODEL, cache_dir=None)
    assert counter.paths == ["/v1/models"]  # refused once, no retries, nothing else tried
    assert all(value is None for value in caps.as_table().values())
    assert caps.reasons["models_list"].en.startswith("network: APIConnectionError")
    assert caps.reasons["models_list"].zh.startswith("网络错误：APIConnectionError")
    assert "Connection refused" in caps.reasons["models_list"].en or "ConnectError" in caps.reasons["models_list"].en
    assert all(caps.reasons[name].en.startswith("skipped: network") for name in CHECKS[1:])
    assert all(caps.reasons[name].zh.startswith("已跳过：网络错误：") for name in CHECKS[1:])
    assert not caps.supports("chat")
    assert caps.checklist("en").count("\n? ") == len(CHECKS)


def test_model_not_found_is_unknown_not_refused(simulator: Simulator) -> None:
    caps = probe(make_client(simulator.base_url), "no-such-model", cache_dir=None)
    assert caps.models_list is True and "no-such-model not in the list" in caps.reasons["models_list"].en
    for name in ("chat", "max_completion_tokens", "max_tokens", "responses_api"):
        assert getattr(caps, name) is None and "model_not_found" in caps.reasons[name].en, name


def test_a_key_echoed_by_a_provider_never_reaches_a_reason() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        sent = request.headers["authorization"].split(" ", 1)[1]
        body = {"error": {"message": f"Invalid API key: {sent}\nsecond line", "type": "auth", "code": "invalid_api_key"}}
        return httpx2.Response(401, json=body)

    counter = Counter()
    caps = probe(make_client("https://provider.invalid/v1", None, counter, httpx2.MockTransport(handler), key=SECRET),
                 DEFAULT_MODEL, cache_dir=None)
    text = caps.checklist("en") + caps.checklist("zh") + json.dumps(caps.to_json())
    assert SECRET not in text and SECRET[10:30] not in text
    assert caps.reasons["models_list"].en == "401 invalid_api_key, the server said: Invalid API key: sk-proj-…wxyz"
    assert caps.reasons["models_list"].zh == "401 invalid_api_key，服务器原话：Invalid API key: sk-proj-…wxyz"
    assert counter.paths == ["/v1/models"]  # a refused key stops the probe
    assert all(value is None for value in caps.as_table().values())


def test_checklist_in_both_languages(simulator: Simulator) -> None:
    caps = probe(make_client(simulator.base_url, "no-vision"), DEFAULT_MODEL, vision_model="gpt-5.4", cache_dir=None)
    zh, en = caps.checklist("zh").splitlines(), caps.checklist("en").splitlines()
    assert len(zh) == len(en) == len(CHECKS) + 1
    assert zh[0].endswith("支持：") and en[0].startswith(f"What {DEFAULT_MODEL} at ")
    assert "图像输入 (gpt-5.4)" in caps.checklist("zh") and "Image input (gpt-5.4)" in str(caps)
    marks = [line[0] for line in en[1:]]
    assert marks == ["✗" if name in ("vision", "max_tokens") else "✓" for name in CHECKS]  # a reasoning model refuses max_tokens
    with pytest.raises(ValueError, match="json_schema"):
        caps.supports("json-schema")


def test_capabilities_json_round_trip() -> None:
    caps = Capabilities("http://x/v1", "m", "v", chat=True, vision=False, reasons={n: Message(n, f"中文 {n}") for n in CHECKS}, checked_at="2026-11-27T00:00:00+00:00")
    back = Capabilities.from_json(json.loads(json.dumps(caps.to_json())))
    assert back == caps


def test_public_url_drops_credentials() -> None:
    url: Any = probe_module._public_url("https://user:pw@example.invalid/v1")
    assert url == "https://example.invalid/v1"


def test_an_older_cache_file_is_probed_again(simulator: Simulator, tmp_path: Path) -> None:
    """Files written before reasons had two languages ([value, reason]) are not trusted."""
    probe(make_client(simulator.base_url), DEFAULT_MODEL, cache_dir=tmp_path)
    path = next(tmp_path.glob("probe-*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["results"] = {name: [value, en] for name, (value, en, _) in data["results"].items()}
    path.write_text(json.dumps(data), encoding="utf-8")
    probe_module.clear_cache()
    counter = Counter()
    caps = probe(make_client(simulator.base_url, None, counter), DEFAULT_MODEL, cache_dir=tmp_path)
    assert counter.paths and not caps.from_cache


def test_needs_without_a_language_speaks_the_readers(simulator: Simulator, monkeypatch, capsys) -> None:
    caps = probe(make_client(simulator.base_url, "no-vision"), DEFAULT_MODEL, cache_dir=None)
    monkeypatch.setenv("KIT_LANG", "zh")
    assert probe_module.needs(caps, "vision") is False
    assert capsys.readouterr().out.startswith("此接口不支持图像输入（probe：400")
