"""The teacher's relay (issue 17 part 1), through the real SDK, against a stand-in upstream on loopback."""

from __future__ import annotations

import json
import logging
import threading
import time

import httpx2
import openai
import pytest

from helpers.relay import ClassList, Limits, Relay, Upstream
from relay_support import MODEL, StandIn, canary_key, student_key

KEY = canary_key()
NAMES = ["alice", "bob"] + [f"s{i:02d}" for i in range(60)]
HELLO = [{"role": "user", "content": "hello"}]


@pytest.fixture()
def upstream():
    with StandIn(KEY) as stand_in:
        yield stand_in


def make_relay(stand_in: StandIn, limits: Limits = Limits(), **options) -> Relay:
    classes = ClassList({student_key(name): name for name in NAMES})
    return Relay(Upstream(stand_in.url, KEY), classes, limits, port=0, **options).start()


@pytest.fixture()
def relay(upstream):
    relay = make_relay(upstream)
    yield relay
    relay.stop()


def sdk(relay: Relay, name: str = "alice", key: str | None = None) -> openai.OpenAI:
    return openai.OpenAI(base_url=relay.base_url, api_key=key or student_key(name), max_retries=0)


def ask(client: openai.OpenAI, text: str = "hello", **extra):
    return client.chat.completions.with_raw_response.create(model=MODEL, messages=[{"role": "user", "content": text}], **extra)


def test_plain_chat_goes_upstream_with_the_teachers_key_and_is_counted(relay, upstream):
    raw = ask(sdk(relay))
    answer = raw.parse()
    assert answer.choices[0].message.content == "STAND-IN UPSTREAM says: hello"
    assert raw.headers["x-request-id"] == "req_standin" and raw.headers["x-kit-relay"] == "upstream"
    assert "set-cookie" not in raw.headers  # only the headers a client reads come back
    assert upstream.count == 1
    alice = relay.status()["students"]["alice"]
    assert (alice["requests"], alice["upstream"], alice["tokens"]) == (1, 1, 1500)
    assert alice["cost_usd"] == pytest.approx((1000 * 0.75 + 500 * 4.50) / 1e6)


def test_streamed_chat_is_counted_without_showing_the_usage_chunk_it_asked_for(relay, upstream):
    stream = sdk(relay).chat.completions.create(model=MODEL, messages=HELLO, stream=True)
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "STAND-IN UPSTREAM streams: hello"
    assert all(c.choices for c in chunks)  # lesson code reads chunk.choices[0]: no usage-only chunk
    assert upstream.bodies[0]["stream_options"] == {"include_usage": True}
    assert relay.status()["students"]["alice"]["tokens"] == 1500
    # Asked for by the student: the usage chunk is theirs.
    chunks = list(sdk(relay, "bob").chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "u"}],
                                                            stream=True, stream_options={"include_usage": True}))
    assert chunks[-1].usage.total_tokens == 1500 and chunks[-1].choices == []


def test_upstream_error_passes_through_with_status_and_rate_limit_headers(relay):
    with pytest.raises(openai.RateLimitError) as caught:
        ask(sdk(relay), "please fail")
    error = caught.value
    assert error.status_code == 429 and error.code == "rate_limit_exceeded" and error.type == "requests"
    assert "stand-in" in error.message
    headers = error.response.headers
    assert headers["retry-after"] == "7" and headers["x-ratelimit-remaining-requests"] == "0"
    assert relay.status()["students"]["alice"]["errors"] == 1


def test_upstream_down_gives_the_api_shape_and_kept_answers_still_come(upstream):
    relay = make_relay(upstream)
    try:
        ask(sdk(relay), "kept")
        upstream.stop()
        with pytest.raises(openai.InternalServerError) as caught:
            ask(sdk(relay), "new question")
        assert caught.value.status_code == 502 and caught.value.code == "upstream_unreachable"
        assert "cannot be reached" in caught.value.message and "连不上" in caught.value.message
        raw = ask(sdk(relay, "bob"), "kept")  # another student, the same question: answered from what the relay has
        assert raw.parse().choices[0].message.content == "STAND-IN UPSTREAM says: kept"
        assert raw.headers["x-kit-source"] == "recorded"
        assert relay.status()["relay"]["upstream_reachable"] is False
    finally:
        relay.stop()


def test_sixty_students_asking_at_once_cause_one_upstream_request_streamed_to_all(upstream):
    relay = make_relay(upstream)
    upstream.gate.clear()  # the upstream answers only once every student is waiting
    upstream.between.clear()  # ... and holds its stream after the first chunk
    students = NAMES[2:]
    first_chunk = {name: threading.Event() for name in students}
    texts: dict[str, str] = {}
    failures: list[BaseException] = []

    def student(name: str) -> None:
        try:
            parts = []
            for chunk in sdk(relay, name).chat.completions.create(model=MODEL, messages=HELLO, stream=True):
                parts.append(chunk.choices[0].delta.content or "")
                first_chunk[name].set()
            texts[name] = "".join(parts)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
            first_chunk[name].set()

    threads = [threading.Thread(target=student, args=(name,)) for name in students]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while relay.status()["total"]["requests"] < len(students) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert relay.status()["total"]["requests"] == len(students)
        upstream.gate.set()
        # Every student has the first chunk while the upstream still holds the rest: fanned out as it arrives.
        assert all(event.wait(30) for event in first_chunk.values())
        assert not texts
        upstream.between.set()
        for thread in threads:
            thread.join(30)
    finally:
        upstream.gate.set()
        upstream.between.set()
        relay.stop()
    assert not failures, failures[:3]
    assert upstream.count == 1
    assert set(texts.values()) == {"STAND-IN UPSTREAM streams: hello"} and len(texts) == len(students)
    rows = relay.status()["students"]
    assert sum(rows[n]["upstream"] for n in students) == 1 and sum(rows[n]["shared"] for n in students) == 59
    assert sum(rows[n]["tokens"] for n in students) == 1500  # charged once, to the one whose request went up


def test_later_identical_request_is_kept_but_no_cache_asks_again(relay, upstream):
    ask(sdk(relay), "same")
    raw = ask(sdk(relay, "bob"), "same")
    assert raw.headers["x-kit-source"] == "recorded"
    assert upstream.count == 1
    ask(sdk(relay, "bob"), "same", extra_headers={"Cache-Control": "no-cache"})
    assert upstream.count == 2
    assert relay.status()["students"]["bob"]["shared"] == 1


def test_student_over_rpm_gets_429_naming_the_limit(upstream):
    relay = make_relay(upstream, Limits(rpm=2))
    try:
        ask(sdk(relay), "one")
        ask(sdk(relay), "two")
        with pytest.raises(openai.RateLimitError) as caught:
            ask(sdk(relay), "three")
        error = caught.value
        assert error.code == "rate_limit_exceeded" and error.type == "requests"
        assert "2 requests per minute" in error.message and "--rpm 2" in error.message and "每分钟最多 2 次" in error.message
        assert int(error.response.headers["retry-after"]) > 0
        ask(sdk(relay, "bob"), "three")  # another student has their own minute
        assert relay.status()["students"]["alice"]["refused"] == 1
    finally:
        relay.stop()


@pytest.mark.parametrize(("limits", "flag", "zh"), [
    (Limits(student_tokens=100), "--student-tokens", "token 额度已用完"),
    (Limits(student_usd=0.001), "--student-usd", "预算已用完"),
    (Limits(total_usd=0.001), "--total-usd", "全班预算已用完"),
])
def test_student_over_budget_gets_429_naming_the_limit(upstream, limits, flag, zh):
    relay = make_relay(upstream, limits)
    try:
        ask(sdk(relay), "first")  # allowed: the budget is checked before a request goes upstream
        with pytest.raises(openai.RateLimitError) as caught:
            ask(sdk(relay), "second")
        error = caught.value
        assert error.code == "insufficient_quota" and flag in error.message and zh in error.message
        assert error.response.headers["x-should-retry"] == "false"  # the SDK does not retry in vain
        assert ask(sdk(relay), "first").headers["x-kit-source"] == "recorded"  # what the relay has costs nothing
        per_student = flag != "--total-usd"
        if per_student:
            ask(sdk(relay, "bob"), "second")  # bob still has his own budget
        assert upstream.count == (2 if per_student else 1)
    finally:
        relay.stop()


def test_dollar_budget_refuses_a_model_without_a_price(upstream):
    relay = make_relay(upstream, Limits(student_usd=1))
    try:
        with pytest.raises(openai.BadRequestError) as caught:
            sdk(relay).chat.completions.create(model="mystery-model", messages=HELLO)
        assert caught.value.code == "model_not_priced" and "helpers/costs.py" in caught.value.message
        assert upstream.count == 0
    finally:
        relay.stop()


@pytest.mark.parametrize("key", ["not-in-the-class-list-000000", ""])
def test_unknown_student_key_gets_401_in_both_languages(relay, upstream, key):
    client = openai.OpenAI(base_url=relay.base_url, api_key=key or "x", max_retries=0)
    headers = {"Authorization": ""} if not key else {}
    with pytest.raises(openai.AuthenticationError) as caught:
        client.chat.completions.create(model=MODEL, messages=HELLO, extra_headers=headers)
    assert caught.value.code == "invalid_api_key"
    assert "ask the teacher" in caught.value.message and "询问老师" in caught.value.message
    assert upstream.count == 0


def test_upstream_refusing_the_teachers_key_says_so_without_any_of_it(upstream):
    relay = Relay(Upstream(upstream.url, canary_key(99)), ClassList({student_key("alice"): "alice"}), port=0).start()
    try:
        with pytest.raises(openai.AuthenticationError) as caught:
            ask(sdk(relay))
        assert "refused the relay's own key" in caught.value.message and "你的密钥没有问题" in caught.value.message
        assert canary_key(99)[:12] not in caught.value.response.text and canary_key(99)[-4:] not in caught.value.response.text
    finally:
        relay.stop()


def test_status_needs_the_teacher_token(relay):
    url = relay.base_url.replace("/v1", "/relay/status")
    assert httpx2.get(url).status_code == 401
    assert httpx2.get(url, headers={"Authorization": f"Bearer {student_key('alice')}"}).status_code == 401
    view = httpx2.get(url, headers={"Authorization": f"Bearer {relay.teacher_token}"}).json()
    assert set(view["students"]) == set(NAMES) and view["relay"]["kept_answers"] == 0
    assert httpx2.get(url, params={"token": relay.teacher_token}).status_code == 200


def test_models_list_goes_through(relay, upstream):
    assert [m.id for m in sdk(relay).models.list()] == [MODEL]


def test_the_canary_upstream_key_appears_nowhere(upstream, tmp_path, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    folder = tmp_path / "recordings" / "canary"
    relay = make_relay(upstream, Limits(rpm=50, student_tokens=10_000), record=str(folder))
    seen: list[str] = []
    try:
        for text in ("hello", "please fail", "echo your headers"):
            try:
                raw = ask(sdk(relay), text)
                seen += [raw.http_response.text, json.dumps(dict(raw.headers))]
            except openai.APIStatusError as exc:
                seen += [exc.response.text, json.dumps(dict(exc.response.headers)), str(exc)]
        chunks = list(sdk(relay).chat.completions.create(model=MODEL, messages=HELLO, stream=True))
        seen += [c.model_dump_json() for c in chunks]
        status = httpx2.get(relay.base_url.replace("/v1", "/relay/status"), params={"token": relay.teacher_token})
        seen += [status.text, json.dumps(dict(status.headers))]
        from helpers.relay.status import render
        seen.append(render(relay.status()))
        seen.append(repr(relay.upstream))
    finally:
        relay.stop()
    seen += [path.read_text(encoding="utf-8") for path in folder.iterdir()]
    out, err = capfd.readouterr()
    seen += [caplog.text, out, err]
    text = "\n".join(seen)
    assert "STAND-IN UPSTREAM" in text and "Bad header" in text
    secret = KEY[len("sk-proj-"):]
    pieces = [secret[i:i + 8] for i in range(len(secret) - 7) if secret[i:i + 8] != "T3Blbk" + "FJ"]
    assert not [p for p in pieces if p in text]


def test_stopping_the_relay_waits_for_answers_still_being_recorded(upstream, tmp_path, monkeypatch):
    # A student has the answer before the flight writes it down; a teacher's Ctrl+C right after
    # must not lose it from the recording (a slow disk is simulated by a slow writer).
    from helpers.offline.replay import recording as rec

    original = rec.Writer.write

    def slow_write(self, exchange):
        time.sleep(1.5)  # longer than the server's shutdown takes
        return original(self, exchange)

    monkeypatch.setattr(rec.Writer, "write", slow_write)
    folder = tmp_path / "recordings" / "slow"
    relay = make_relay(upstream, record=str(folder))
    try:
        client = sdk(relay)
        for n in range(4):
            ask(client, f"question {n}")
    finally:
        relay.stop()
    assert len(rec.load(folder)) == 4


def test_a_chunked_request_body_is_read_like_the_simulators(relay, upstream):
    # The relay reads bodies with the simulator's reader (wire/request_body): chunked is accepted, not a 411.
    import http.client

    payload = json.dumps({"model": MODEL, "messages": [{"role": "user", "content": "chunked"}]}).encode()
    conn = http.client.HTTPConnection(relay.host, relay.port, timeout=30)
    conn.putrequest("POST", "/v1/chat/completions")
    conn.putheader("Authorization", f"Bearer {student_key('alice')}")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    half = len(payload) // 2
    for part in (payload[:half], payload[half:]):
        conn.send(f"{len(part):x}\r\n".encode() + part + b"\r\n")
    conn.send(b"0\r\n\r\n")
    answer = conn.getresponse()
    assert answer.status == 200
    assert json.loads(answer.read())["choices"][0]["message"]["content"] == "STAND-IN UPSTREAM says: chunked"
    conn.close()
