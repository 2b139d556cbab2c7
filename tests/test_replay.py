"""Replay of recorded exchanges through the real SDK (issue 17 parts 2-3)."""

import json
import warnings

import openai
import pytest

from helpers.offline.replay import recording as rec
from helpers.offline.replay.replayer import Replayer
from helpers.offline.wire.server import Simulator

CHAT = {"model": "gpt-5.4-mini", "messages": [{"role": "user", "content": "hi"}]}
BODY = '{"id":"chatcmpl-r","object":"chat.completion","created":1,"model":"gpt-5.4-mini-2026-03-17","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"UPSTREAM SAYS hi"}}]}'


@pytest.fixture()
def replaying(tmp_path):
    rec.Writer(tmp_path).write(rec.Exchange(
        request=rec.canonical_request("POST", "/v1/chat/completions", CHAT), status=200,
        headers={"x-request-id": "req_recorded", "set-cookie": "a=b"}, body=BODY,
        model="gpt-5.4-mini-2026-03-17", date="2026-12-07T07:00:00Z", host="api.openai.com"))
    with Simulator(replayer=Replayer(rec.load(tmp_path))) as sim:
        yield openai.OpenAI(base_url=sim.base_url, api_key="sk-offline", max_retries=0)


def test_exact_match_replays_recorded_bytes(replaying):
    raw = replaying.chat.completions.with_raw_response.create(**CHAT)
    assert raw.headers["x-kit-source"] == "recorded"
    assert raw.headers["x-request-id"] == "req_recorded"
    assert raw.headers["x-kit-recorded-date"] == "2026-12-07T07:00:00Z"
    assert raw.http_response.content == BODY.encode()


def test_changed_system_prompt_is_simulated(replaying):
    msgs = [{"role": "system", "content": "Be terse."}, *CHAT["messages"]]
    raw = replaying.chat.completions.with_raw_response.create(model=CHAT["model"], messages=msgs)
    assert raw.headers["x-kit-source"] == "simulated"
    assert "UPSTREAM" not in raw.parse().choices[0].message.content


def test_key_like_strings_are_cleaned(tmp_path):
    key = "sk-proj-" + "A1b2" * 10
    body = {**CHAT, "messages": [{"role": "user", "content": f"my key is {key}"}]}
    rec.Writer(tmp_path).write(rec.Exchange(
        request=rec.canonical_request("POST", "/chat/completions", body), status=200,
        headers={"authorization": f"Bearer {key}", "openai-organization": "org-abcdefghijkl"}, body={"echo": key}))
    text = (tmp_path / rec.EXCHANGES).read_text() + (tmp_path / rec.META).read_text()
    assert key not in text and "org-abcdefghijkl" not in text and "Bearer" not in text
    assert rec.load(tmp_path).lookup("POST", "/chat/completions", body) is not None


def test_bad_recordings_give_clear_messages(tmp_path):
    with pytest.raises(rec.RecordingError, match="make relay"):
        rec.load(tmp_path / "missing")
    good = rec.Exchange(request=rec.canonical_request("GET", "/models", None), status=200, body={})
    (tmp_path / rec.EXCHANGES).write_text(good.to_json() + "\nnot json\n" + good.to_json()[:20])
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        loaded = rec.load(tmp_path)
    assert len(loaded) == 1
    assert "line 2" in loaded.problems[0] and "cut off" in loaded.problems[1]
    newer = json.loads(good.to_json()) | {"format": rec.FORMAT + 1}
    (tmp_path / rec.EXCHANGES).write_text(json.dumps(newer) + "\n")
    with pytest.raises(rec.RecordingError, match="newer"):
        rec.load(tmp_path)


def test_stream_replays_as_stream(tmp_path):
    req = {**CHAT, "stream": True}
    chunk = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"UPSTREAM"},"finish_reason":"stop"}]}'
    rec.Writer(tmp_path).write(rec.Exchange(
        request=rec.canonical_request("POST", "/chat/completions", req), status=200,
        events=[{"t": 0.0, "data": chunk, "event": None}, {"t": 0.1, "data": "[DONE]", "event": None}]))
    with Simulator(replayer=Replayer(rec.load(tmp_path))) as sim:
        client = openai.OpenAI(base_url=sim.base_url, api_key="sk-offline", max_retries=0)
        parts = [c.choices[0].delta.content for c in client.chat.completions.create(**req) if c.choices]
    assert parts == ["UPSTREAM"]


def test_answer_source_names_the_recording(replaying):
    import helpers

    raw = replaying.chat.completions.with_raw_response.create(**CHAT)
    assert helpers.answer_source(raw) == "recorded answer (gpt-5.4-mini-2026-03-17, 2026-12-07)"
    assert "录制" in helpers.answer_source(raw, "zh")
    raw = replaying.chat.completions.with_raw_response.create(model=CHAT["model"], messages=[{"role": "user", "content": "other"}])
    assert helpers.answer_source(raw) == "simulated answer (offline)"


def test_a_relative_recording_path_is_found_from_the_checkout_when_not_from_the_working_folder(tmp_path, monkeypatch):
    # `KIT_REPLAY=recordings/x make lab`: the kernel runs in my-notebooks/<edition>/, not the checkout.
    from helpers.offline.replay import replayer

    checkout, elsewhere = tmp_path / "kit", tmp_path / "my-notebooks" / "en"
    (checkout / "recordings" / "x").mkdir(parents=True)
    elsewhere.mkdir(parents=True)
    monkeypatch.setattr(replayer, "CHECKOUT", checkout)
    monkeypatch.chdir(elsewhere)
    assert replayer.resolve("recordings/x") == checkout / "recordings" / "x"
    (elsewhere / "recordings" / "x").mkdir(parents=True)  # one beside the notebook wins
    assert replayer.resolve("recordings/x").resolve() == (elsewhere / "recordings" / "x").resolve()
    assert replayer.resolve("recordings/missing") == replayer.Path("recordings/missing")  # the error names what was typed
