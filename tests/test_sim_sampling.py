"""Sampling that shows, and where the offline marker goes; both through the real SDK.

Sampling: ``temperature`` 0 (or ``top_p`` 0) gives the same bytes every time; above 0 (unset
means 1) each repeat of an identical request is the next sample, worded anew, in the same order
in every simulator process; ``n`` choices differ from each other; a ``seed`` fixes the sample.

The marker: a free-text reply starts with ``[Offline simulation]`` / ``【离线模拟】``; where that
would break what the request asks (JSON, a case, a length, an exact label, a required start or
end), the reply carries ``x-kit-marker: moved`` instead. Every answer says ``x-kit-source:
simulated`` and ``system_fingerprint: fp_offline``.
"""

from __future__ import annotations

import json
import re

import pytest

from helpers.offline import Simulator
from test_sim_support import EN_MARK, MODEL, client, make_client, raw_post

__all__ = ["client"]  # the fixture, re-exported for pytest

ZH_MARK = "【离线模拟】"
QUESTION = "Tell me about lighthouses."
BULLETS = "Give exactly 3 bullet points about lighthouses."


def ask(sdk, prompt: str = QUESTION, **params) -> str:
    return sdk.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": prompt}], **params).choices[0].message.content


def post(sdk, path: str, body: dict) -> bytes:
    return raw_post(str(sdk.base_url).rstrip("/"), path, body=body).content


def chat_body(**params) -> dict:
    return {"model": MODEL, "messages": [{"role": "user", "content": QUESTION}], **params}


# --- temperature 0: the same bytes -----------------------------------------------------------


@pytest.mark.parametrize("params", [{"temperature": 0}, {"top_p": 0}, {"temperature": 0, "top_p": 0.5}])
def test_no_sampling_gives_the_same_bytes(client, params):
    assert len({post(client, "/chat/completions", chat_body(**params)) for _ in range(3)}) == 1
    body = {"model": MODEL, "input": QUESTION, **params}
    assert len({post(client, "/responses", body) for _ in range(3)}) == 1


# --- temperature above 0: repeats vary, in a fixed order -------------------------------------


@pytest.mark.parametrize("params", [{}, {"temperature": 1}, {"temperature": 0.7, "top_p": 0.9}])
def test_repeats_are_worded_anew(client, simulator, params):
    simulator.restart_sampling()
    replies = [client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}], **params) for _ in range(4)]
    assert len({r.choices[0].message.content for r in replies}) == 4
    assert len({r.id for r in replies}) == 4
    assert all(r.choices[0].message.content.startswith(EN_MARK) and QUESTION in r.choices[0].message.content for r in replies)


def test_responses_repeats_are_worded_anew(client, simulator):
    simulator.restart_sampling()
    texts = [client.responses.create(model=MODEL, input="讲讲灯塔。").output_text for _ in range(3)]
    assert len(set(texts)) == 3 and all(t.startswith(ZH_MARK) for t in texts)


def test_samples_of_an_instruction_all_follow_it(client, simulator):
    simulator.restart_sampling()
    replies = [ask(client, BULLETS, temperature=1) for _ in range(3)]
    assert len(set(replies)) == 3
    for reply in replies:
        assert len([line for line in reply.splitlines() if line.startswith("* ")]) == 3, reply


def test_the_sequence_is_the_same_in_every_process(client, simulator):
    simulator.restart_sampling()
    here = [ask(client) for _ in range(3)]
    with Simulator() as other, make_client(other.base_url) as sdk:  # a fresh simulator: its own count
        there = [ask(sdk) for _ in range(3)]
    assert here == there


def test_restarting_sampling_replays_the_sequence(client, simulator):
    simulator.restart_sampling()
    first = [ask(client, temperature=1.2) for _ in range(3)]
    simulator.restart_sampling()
    assert [ask(client, temperature=1.2) for _ in range(3)] == first


def test_streamed_samples_match_plain_ones(client, simulator):
    simulator.restart_sampling()
    plain = [ask(client) for _ in range(2)]
    simulator.restart_sampling()
    streamed = []
    for _ in range(2):
        chunks = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}], stream=True)
        streamed.append("".join(c.choices[0].delta.content or "" for c in chunks if c.choices))
    assert streamed == plain


def test_temperature_zero_is_the_first_sample(client, simulator):
    # an instruction reply (the template would also list "Settings: temperature=0")
    simulator.restart_sampling()
    assert ask(client, BULLETS, temperature=0) == ask(client, BULLETS) and ask(client, BULLETS) != ask(client, BULLETS, temperature=0)


# --- n and seed ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 5, 30])
def test_n_choices_are_distinct(client, n):
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}], n=n, temperature=0)
    assert len({c.message.content for c in completion.choices}) == n


def test_n_choices_of_an_instruction_are_distinct_and_follow_it(client):
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "用 3 个要点介绍灯塔，使用项目符号。"}], n=3)
    texts = [c.message.content for c in completion.choices]
    assert len(set(texts)) == 3
    assert all(len([line for line in t.splitlines() if line.startswith("* ")]) == 3 for t in texts)


def test_a_sampled_repeat_with_n_gets_new_choices(client, simulator):
    simulator.restart_sampling()
    first = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}], n=2)
    second = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}], n=2)
    assert not {c.message.content for c in first.choices} & {c.message.content for c in second.choices}


def test_seed_replays_the_same_sample(client, simulator):
    simulator.restart_sampling()
    body = chat_body(seed=42, temperature=1)
    assert len({post(client, "/chat/completions", body) for _ in range(3)}) == 1  # repeats do not move on
    with Simulator() as other, make_client(other.base_url) as sdk:
        assert post(sdk, "/chat/completions", body) == post(client, "/chat/completions", body)
    words = {json.loads(post(client, "/chat/completions", chat_body(seed=s)))["choices"][0]["message"]["content"].replace(f"seed={s}", "")
             for s in (1, 2, 3)}
    assert len(words) > 1  # another seed, another wording


def test_seed_with_n_gives_distinct_choices_again_and_again(client):
    def texts():
        completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": QUESTION}], n=4, seed=7)
        return [c.message.content for c in completion.choices]

    first = texts()
    assert len(set(first)) == 4 and texts() == first


# --- the marker ------------------------------------------------------------------------------


def raw_chat(sdk, prompt: str, stream: bool = False, **params):
    raw = sdk.chat.completions.with_raw_response.create(model=MODEL, messages=[{"role": "user", "content": prompt}],
                                                        stream=stream, temperature=0, **params)
    if stream:
        chunks = list(raw.parse())
        assert {c.system_fingerprint for c in chunks} == {"fp_offline"}
        return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices), raw.headers
    completion = raw.parse()
    assert completion.system_fingerprint == "fp_offline"
    return completion.choices[0].message.content, raw.headers


MOVED = [
    ("json", "Describe lighthouses. Wrap your entire output in JSON format.", lambda t: json.loads(t)),
    ("case", "Describe lighthouses in all lowercase letters.", lambda t: t == t.lower()),
    ("length", "Describe lighthouses in fewer than 15 words.", lambda t: len(re.findall(r"\w+", t)) < 15),
    ("zh-length", "用一句话介绍灯塔。", lambda t: t.count("。") == 1 and t.endswith("。")),
    ("label", "Classify the sentiment of this review as positive, negative or neutral: I love this lamp!", lambda t: t == "positive"),
    ("zh-label", "判断下面评论的情感，只回答“正面”“负面”或“中性”：这盏灯太好看了", lambda t: t == "正面"),
    ("start", 'Describe lighthouses. Start your reply with "Ahoy".', lambda t: t.startswith("Ahoy")),
    ("end", 'Describe lighthouses. End your reply with the exact phrase "Any other questions?"', lambda t: t.endswith("Any other questions?")),
]
VISIBLE = [
    ("free-text", QUESTION, lambda t: QUESTION in t),
    ("zh-free-text", "讲讲灯塔。", lambda t: "讲讲灯塔" in t),
    ("bullets", BULLETS, lambda t: len([line for line in t.splitlines() if line.startswith("* ")]) == 3),
    ("title", "Write a poem about lighthouses with a title in double angular brackets, like <<title>>.", lambda t: "<<" in t),
]


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize(("name", "prompt", "check"), MOVED, ids=[m[0] for m in MOVED])
def test_marker_moves_to_a_header_where_it_would_break_the_format(client, name, prompt, check, stream):
    text, headers = raw_chat(client, prompt, stream)
    assert check(text), text
    assert EN_MARK not in text and ZH_MARK not in text
    assert headers["x-kit-marker"] == "moved" and headers["x-kit-source"] == "simulated"


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize(("name", "prompt", "check"), VISIBLE, ids=[v[0] for v in VISIBLE])
def test_marker_stays_visible_where_it_breaks_nothing(client, name, prompt, check, stream):
    text, headers = raw_chat(client, prompt, stream)
    assert check(text), text
    assert text.startswith((EN_MARK, ZH_MARK))
    assert "x-kit-marker" not in headers and headers["x-kit-source"] == "simulated"


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_responses_marker_follows_the_same_rules(client, stream):
    def run(prompt: str):
        raw = client.responses.with_raw_response.create(model=MODEL, input=prompt, temperature=0, stream=stream)
        if not stream:
            return raw.parse().output_text, raw.headers
        done = [e.text for e in raw.parse() if e.type == "response.output_text.done"]
        return done[0], raw.headers

    text, headers = run("Describe lighthouses in all capital letters.")
    assert text == text.upper() and EN_MARK.upper() not in text and headers["x-kit-marker"] == "moved"
    text, headers = run(QUESTION)
    assert text.startswith(EN_MARK) and "x-kit-marker" not in headers


def test_one_moved_choice_moves_the_header(client):
    # n choices share one header: a label answer has no visible marker in any choice
    raw = client.chat.completions.with_raw_response.create(
        model=MODEL, n=2, messages=[{"role": "user", "content": "Classify the sentiment as positive, negative or neutral: I love it"}])
    assert [c.message.content for c in raw.parse().choices] == ["positive", "positive"]
    assert raw.headers.get("x-kit-marker") == "moved"
