"""The relay's command, class list, recording and replay, and the teacher's guides (issue 17 part 1)."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import openai
import pytest

import helpers.relay.__main__ as cli
from helpers.offline.replay import recording as rec
from helpers.offline.wire.server import Simulator
from helpers.relay import ClassList, ClassListError, Limits, Relay, RelayConfigError, Upstream, resolve
from helpers.relay import classlist
from helpers.relay.status import render
from relay_support import MODEL, StandIn, canary_key, student_key

ROOT = Path(__file__).resolve().parent.parent
KEY = canary_key()
GUIDES = [ROOT / "docs" / "teaching.md", ROOT / "docs" / "teaching.zh-CN.md"]


def class_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "class.csv"
    path.write_text(text, encoding="utf-8")
    return path


# --- the class list --------------------------------------------------------------------


def test_class_list_reads_the_student_keys_file_and_a_plain_one(tmp_path):
    written = ("username,api_key,project_id,service_account_id,api_key_id,expires_at\n"
               f"alice,{student_key('alice')},proj_1,sa_1,key_1,\nBob,{student_key('bob')},proj_1,sa_2,key_2,\n")
    assert classlist.load(class_csv(tmp_path, written)).keys == {student_key("alice"): "alice", student_key("bob"): "Bob"}
    plain = classlist.parse(f"\ufeffUsername, API_KEY\ncarol, \"{student_key('carol')}\"\n\n")
    assert plain.find(student_key("carol")) == "carol" and plain.find("nobody-000000000000") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("name,key\nalice,x\n", "username and api_key"),
    ("username,api_key\n", "no student"),
    (f"username,api_key\nalice,{'k' * 20}\nbob,{'k' * 20}\n", "same key"),
    (f"username,api_key\nalice,{'a' * 20}\nALICE,{'b' * 20}\n", "appears twice"),
    ("username,api_key\nalice,short\n", "too short"),
    (f"username,api_key\nalice,{KEY}\n", "your own upstream key"),
], ids=["columns", "empty", "same-key", "twice", "short", "upstream-key"])
def test_class_list_problems_are_named_without_the_keys(text, expected):
    with pytest.raises(ClassListError, match=expected) as caught:
        classlist.parse(text, forbidden=(KEY,))
    assert "k" * 20 not in str(caught.value) and KEY[8:20] not in str(caught.value)


# --- the command ----------------------------------------------------------------------


def test_missing_upstream_key_is_one_clear_line_and_exit_2(tmp_path):
    csv_path = class_csv(tmp_path, f"username,api_key\nalice,{student_key('alice')}\n")
    env = {name: value for name, value in os.environ.items() if not name.endswith("_API_KEY")}
    run = subprocess.run([sys.executable, "-m", "helpers.relay", "--class-list", str(csv_path)], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert "OPENAI_API_KEY" in run.stderr and "密钥" in run.stderr


def test_upstream_resolution(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve("openai", {"OPENAI_API_KEY": KEY}).base_url == "https://api.openai.com/v1"
    assert resolve("http://127.0.0.1:9/v1/", {"OPENAI_API_KEY": KEY}).base_url == "http://127.0.0.1:9/v1"
    deepseek = "sk-" + "0123456789abcdef" * 2
    assert resolve("deepseek", {"DEEPSEEK_API_KEY": deepseek}).key == deepseek
    with pytest.raises(RelayConfigError, match="DEEPSEEK_API_KEY"):
        resolve("deepseek", {"OPENAI_API_KEY": KEY})  # an OpenAI key is never sent to another provider
    with pytest.raises(RelayConfigError, match="not a preset"):
        resolve("nope", {"OPENAI_API_KEY": KEY})
    (tmp_path / ".env").write_text(f"OPENAI_API_KEY={KEY}\n", encoding="utf-8")
    assert resolve("openai", {}).key == KEY  # the teacher's .env
    assert KEY not in repr(resolve("openai", {}))


def test_port_in_use_is_a_clear_message(tmp_path, monkeypatch, capsys):
    csv_path = class_csv(tmp_path, f"username,api_key\nalice,{student_key('alice')}\n")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["--class-list", str(csv_path), "--port", str(port), "--quiet"],
                        environ={"OPENAI_API_KEY": KEY})
    err = capsys.readouterr().err
    assert code == 1 and f"Cannot listen on 127.0.0.1:{port}" in err and "--port" in err and "端口" in err
    assert KEY[8:20] not in err


def test_room_mode_warns_and_tells_students_how_to_connect(tmp_path, monkeypatch, capsys):
    csv_path = class_csv(tmp_path, f"username,api_key\nalice,{student_key('alice')}\n")

    class FakeRelay:  # the command's output, without opening a port on every interface
        host, port, base_url, teacher_token = "0.0.0.0", 8001, "http://0.0.0.0:8001/v1", "teacher-token"

        def __init__(self, *args, **kwargs):
            pass

        def serve_forever(self):
            raise KeyboardInterrupt

    monkeypatch.setattr(cli, "Relay", FakeRelay)
    monkeypatch.setattr(socket, "gethostbyname", lambda name: "192.0.2.7")
    assert cli.main(["--class-list", str(csv_path), "--host", "0.0.0.0", "--quiet", "--rpm", "20"],
                    environ={"OPENAI_API_KEY": KEY}) == 0
    out, err = capsys.readouterr()
    assert "WARNING" in err and "警告" in err
    assert "export OPENAI_BASE_URL=http://192.0.2.7:8001/v1 OPENAI_API_KEY=<your-class-key>" in out
    assert '$env:OPENAI_BASE_URL = "http://192.0.2.7:8001/v1"; $env:OPENAI_API_KEY = "<your-class-key>"' in out
    assert "teacher-token" in out and "20 requests/min" in out
    assert KEY not in out + err and KEY[-4:] in out  # the key only masked: sk-proj-…abcd


def test_tasks_and_make_run_the_relay():
    tasks = (ROOT / "tasks.py").read_text(encoding="utf-8")
    assert '"relay": cmd_relay' in tasks and '"-m", "helpers.relay"' in tasks
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^lab test .*\brelay\b.*:\n\t\$\(PYTHON\) tasks\.py \$@ -- \$\(ARGS\)", make, re.M)


def test_status_table_shows_students_and_the_class(tmp_path):
    relay = Relay(Upstream("http://127.0.0.1:9/v1", KEY), ClassList({student_key("alice"): "alice"}),
                  Limits(student_usd=0.5, total_usd=5), port=0)
    try:
        table = render(relay.status())
    finally:
        relay.stop()
    assert table.splitlines()[0].split()[:3] == ["student", "requests", "shared"]
    assert "alice" in table and "$0.5000" in table and "class budget left $5.0000" in table


# --- recording and replay -------------------------------------------------------------


def test_recording_replays_through_kit_replay_with_the_upstream_stopped(tmp_path, monkeypatch):
    folder = tmp_path / "recordings" / "lesson1"
    classes = ClassList({student_key("alice"): "alice"})
    hello = [{"role": "user", "content": "hello"}]
    with StandIn(KEY) as upstream:
        relay = Relay(Upstream(upstream.url, KEY), classes, port=0, record=str(folder)).start()
        try:
            client = openai.OpenAI(base_url=relay.base_url, api_key=student_key("alice"), max_retries=0)
            plain = client.chat.completions.create(model=MODEL, messages=hello).choices[0].message.content
            streamed = "".join(c.choices[0].delta.content or ""
                               for c in client.chat.completions.create(model=MODEL, messages=hello, stream=True))
        finally:
            relay.stop()
    assert plain.startswith("STAND-IN UPSTREAM") and streamed.startswith("STAND-IN UPSTREAM")
    assert len(rec.load(folder)) == 2 and rec.load(folder).models == ["gpt-5.4-mini-2026-03-17"]
    # The stand-in is gone: a relay started again on the recording still answers it...
    relay = Relay(Upstream(upstream.url, KEY), classes, port=0, record=str(folder)).start()
    try:
        again = openai.OpenAI(base_url=relay.base_url, api_key=student_key("alice"), max_retries=0)
        assert again.chat.completions.create(model=MODEL, messages=hello).choices[0].message.content == plain
    finally:
        relay.stop()
    # ... and so does the simulator, through KIT_REPLAY.
    monkeypatch.setenv("KIT_REPLAY", str(folder))
    with Simulator() as sim:
        client = openai.OpenAI(base_url=sim.base_url, api_key="sk-offline", max_retries=0)
        raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=hello)
        assert raw.headers["x-kit-source"] == "recorded" and raw.parse().choices[0].message.content == plain
        chunks = list(client.chat.completions.create(model=MODEL, messages=hello, stream=True))
        assert "".join(c.choices[0].delta.content or "" for c in chunks) == streamed


# --- the guides -----------------------------------------------------------------------

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)


def relay_commands() -> list[tuple[str, list[str]]]:
    found = []
    for guide in GUIDES:
        for block in FENCE.findall(guide.read_text(encoding="utf-8")):
            for line in block.splitlines():
                line = line.strip().split(" #")[0]
                if re.match(r"(?:\.venv/bin/)?python3? -m helpers\.relay\b", line):
                    found.append((guide.name, shlex.split(line)[3:]))
                elif re.match(r"make relay\b", line):
                    found.append((guide.name, shlex.split(re.search(r'ARGS="([^"]*)"', line)[1])))
    return found


def test_guides_walk_through_the_relay():
    for guide in GUIDES:
        text = guide.read_text(encoding="utf-8")
        assert "/relay/status" in text and "--class-list" in text and "--record" in text
    assert {name for name, _ in relay_commands()} == {guide.name for guide in GUIDES}


@pytest.mark.parametrize(("guide", "argv"), relay_commands())
def test_relay_commands_in_guides_parse(guide, argv):
    args = cli.parser().parse_args(argv)
    assert args.class_list
