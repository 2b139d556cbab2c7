"""The teacher's kit: the JupyterHub snippet, the student-keys script, the guides' commands.

* ``docs/jupyterhub_config.py`` is loaded with traitlets' own config loader and applied by
  a real ``jupyterhub.spawner.Spawner.get_env()``, for two students.
* ``docs/make_student_keys.py`` drives the real SDK's Admin API methods over
  ``httpx2.MockTransport`` (no network): the request paths and bodies are the SDK's own.
* Every ``python -m helpers.offline ...`` and ``python docs/make_student_keys.py ...`` line
  in the guides' code blocks must parse, every kit file they name must exist, and every
  ``KIT_*`` variable they name must be one the kit reads.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import logging
import re
import shutil
import shlex
import stat
import types
from pathlib import Path

import httpx2
import openai
import pytest
from jupyterhub.objects import Hub
from jupyterhub.spawner import Spawner
from traitlets.config.loader import PyFileConfigLoader

import helpers.offline.__main__ as offline_main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# The workshop pack (docs/workshop*.md) runs the same commands, so its lines are checked too.
GUIDES = [DOCS / "teaching.md", DOCS / "teaching.zh-CN.md", DOCS / "workshop.md", DOCS / "workshop.zh-CN.md"]


def fake_key(tag: str) -> str:
    """A key-shaped string built at run time (no key-like literal in the repository)."""
    return "sk-" + "proj-" + tag * 24 + "wxyz"


# --- docs/jupyterhub_config.py ---------------------------------------------------------


def load_hub_config(monkeypatch, tmp_path, keys: dict[str, str] | None, **room: str):
    keys_file = tmp_path / "student_keys.csv"
    if keys is not None:
        keys_file.write_text("username,api_key\n" + "".join(f"{u},{k}\n" for u, k in keys.items()), encoding="utf-8")
        keys_file.chmod(0o600)
    for name in ("KIT_ROOM_SIMULATOR_URL", "KIT_ROOM_OFFLINE"):
        monkeypatch.setenv(name, room.get(name, ""))
    monkeypatch.setenv("KIT_ROOM_KEYS_FILE", str(keys_file))
    return PyFileConfigLoader("jupyterhub_config.py", path=str(DOCS)).load_config(), keys_file


def spawn_env(config, username: str) -> dict[str, str]:
    user = types.SimpleNamespace(name=username, url=f"/user/{username}/", escaped_name=username)
    env = Spawner(config=config, user=user, hub=Hub()).get_env()
    return {name: value for name, value in env.items() if name.startswith(("OPENAI_", "KIT_"))}


def test_hub_gives_each_student_their_key_and_the_room_simulator(monkeypatch, tmp_path, caplog, capsys):
    alice, bob = fake_key("a"), fake_key("b")
    url = "http://192.168.1.20:8000/v1"
    config, _ = load_hub_config(monkeypatch, tmp_path, {"alice": alice, "Bob": bob}, KIT_ROOM_SIMULATOR_URL=url)
    caplog.set_level(logging.DEBUG)
    assert spawn_env(config, "alice") == {"OPENAI_API_KEY": alice, "KIT_SIMULATOR_URL": url}
    assert spawn_env(config, "bob") == {"OPENAI_API_KEY": bob, "KIT_SIMULATOR_URL": url}  # names match lowercased
    out, err = capsys.readouterr()
    logged = caplog.text + out + err
    assert alice not in logged and bob not in logged and alice[-12:] not in logged


def test_hub_student_without_key_works_offline_and_is_named_not_keyed(monkeypatch, tmp_path, caplog):
    alice = fake_key("a")
    config, keys_file = load_hub_config(monkeypatch, tmp_path, {"alice": alice}, KIT_ROOM_OFFLINE="1")
    caplog.set_level(logging.WARNING)
    assert spawn_env(config, "carol") == {"OPENAI_API_KEY": "", "KIT_OFFLINE": "1"}
    assert "no api_key for carol" in caplog.text and str(keys_file) in caplog.text
    assert alice not in caplog.text


def test_hub_reads_the_file_at_each_spawn_and_survives_its_absence(monkeypatch, tmp_path, caplog):
    config, keys_file = load_hub_config(monkeypatch, tmp_path, None)
    caplog.set_level(logging.WARNING)
    assert spawn_env(config, "alice") == {"OPENAI_API_KEY": ""}  # no room settings: live if keyed
    assert "cannot read the student keys file" in caplog.text
    late = fake_key("c")
    keys_file.write_text(f"username,api_key\nalice,{late}\n", encoding="utf-8")
    keys_file.chmod(0o644)
    caplog.clear()
    assert spawn_env(config, "alice")["OPENAI_API_KEY"] == late
    assert "chmod 600" in caplog.text and late not in caplog.text


# --- docs/make_student_keys.py ---------------------------------------------------------


def load_script():
    spec = importlib.util.spec_from_file_location("make_student_keys", DOCS / "make_student_keys.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeAdminAPI:
    """Answers the three Admin API calls the script makes, and records them."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.calls: list[tuple[str, str, dict]] = []
        self.fail_at = fail_at
        self.accounts = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content or b"{}")
        path = request.url.path.removeprefix("/v1")
        self.calls.append((request.method, path, body))
        assert request.headers["authorization"] == "Bearer " + ADMIN_KEY
        if path == "/organization/projects":
            n = sum(1 for _, p, _ in self.calls if p == path)
            return httpx2.Response(200, json={"id": f"proj_{n}", "object": "organization.project", "created_at": 1,
                                              "name": body["name"], "status": "active"})
        if path.endswith("/spend_limit"):
            return httpx2.Response(200, json={**body, "object": "project.spend_limit", "enforcement": {"status": "inactive"}})
        if path.endswith("/service_accounts"):
            self.accounts += 1
            if self.accounts == self.fail_at:
                return httpx2.Response(403, json={"error": {"message": "Project quota reached", "type": "invalid_request_error",
                                                            "param": None, "code": None}})
            key = {"id": f"key_{self.accounts}", "object": "organization.project.service_account.api_key", "created_at": 1,
                   "name": body["name"], "value": fake_key(str(self.accounts)), "expires_at": body.get("expires_in_seconds")}
            return httpx2.Response(200, json={"id": f"svc_{self.accounts}", "object": "organization.project.service_account",
                                              "created_at": 1, "name": body["name"], "role": "member", "api_key": key})
        return httpx2.Response(404, json={"error": {"message": "no route", "type": "invalid_request_error"}})


ADMIN_KEY = "sk-" + "admin-" + "t" * 30


@pytest.fixture
def admin_api(monkeypatch):
    """Run main() against a FakeAdminAPI through the real SDK client, never the network."""
    api = FakeAdminAPI()
    real = openai.OpenAI

    def client(**kwargs):
        return real(**kwargs, http_client=httpx2.Client(transport=httpx2.MockTransport(api)), max_retries=0)

    monkeypatch.setattr(openai, "OpenAI", client)
    monkeypatch.setenv("OPENAI_ADMIN_KEY", ADMIN_KEY)
    monkeypatch.setenv("OPENAI_API_KEY", fake_key("l"))  # a learner key in the shell must not be used
    return api


def students_file(tmp_path: Path, text: str = "alice\nbob  # second row\n\n# a comment\ncarol\n") -> str:
    path = tmp_path / "students.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_keys_for_a_class_project(admin_api, tmp_path, capsys):
    out = tmp_path / "keys.csv"
    script = load_script()
    code = script.main([students_file(tmp_path), "--out", str(out), "--limit-usd", "5", "--expires-days", "30"])
    assert code == 0
    projects = [body for method, path, body in admin_api.calls if path == "/organization/projects"]
    assert projects == [{"name": "Notebook kit class"}]
    limits = [(path, body) for _, path, body in admin_api.calls if path.endswith("/spend_limit")]
    assert limits == [("/organization/projects/proj_1/spend_limit", {"currency": "USD", "interval": "month", "threshold_amount": 500})]
    accounts = [(path, body) for _, path, body in admin_api.calls if path.endswith("/service_accounts")]
    assert accounts == [("/organization/projects/proj_1/service_accounts", {"name": n, "expires_in_seconds": 30 * 86400})
                        for n in ("alice", "bob", "carol")]
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["username"], r["api_key"], r["project_id"]) for r in rows] == [
        ("alice", fake_key("1"), "proj_1"), ("bob", fake_key("2"), "proj_1"), ("carol", fake_key("3"), "proj_1")]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    printed = capsys.readouterr()
    for n in "123":
        assert fake_key(n) not in printed.out + printed.err
        assert "sk-proj-…" + fake_key(n)[-4:] in printed.out


def test_project_per_student_and_the_csv_feeds_the_hub(admin_api, tmp_path, monkeypatch):
    out = tmp_path / "keys.csv"
    code = load_script().main([students_file(tmp_path, "alice\nbob\n"), "--out", str(out), "--limit-usd", "2.5",
                               "--project-per-student", "--class-name", "CS101"])
    assert code == 0
    assert [b["name"] for _, p, b in admin_api.calls if p == "/organization/projects"] == ["CS101 - alice", "CS101 - bob"]
    assert [b["threshold_amount"] for _, p, b in admin_api.calls if p.endswith("/spend_limit")] == [250, 250]
    assert all("expires_in_seconds" not in b for _, p, b in admin_api.calls if p.endswith("/service_accounts"))
    monkeypatch.setenv("KIT_ROOM_KEYS_FILE", str(out))
    monkeypatch.setenv("KIT_ROOM_SIMULATOR_URL", "")
    config = PyFileConfigLoader("jupyterhub_config.py", path=str(DOCS)).load_config()
    assert spawn_env(config, "bob") == {"OPENAI_API_KEY": fake_key("2")}


def test_failure_halfway_keeps_the_keys_already_made(admin_api, tmp_path, capsys):
    admin_api.fail_at = 2
    out = tmp_path / "keys.csv"
    assert load_script().main([students_file(tmp_path), "--out", str(out), "--limit-usd", "5"]) == 1
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["username"] for r in rows] == ["alice"]
    err = capsys.readouterr().err
    assert "PermissionDeniedError" in err and str(out) in err and fake_key("1") not in err


@pytest.mark.parametrize(("students", "extra", "message"), [
    ("alice\nAlice\n", [], "appears twice"),
    ("# nobody\n", [], "lists nobody"),
    ("alice\n", ["--limit-usd", "0"], "more than 0"),
])
def test_bad_input_is_explained_and_writes_nothing(admin_api, tmp_path, capsys, students, extra, message):
    out = tmp_path / "keys.csv"
    args = [students_file(tmp_path, students), "--out", str(out), "--limit-usd", "5", *extra]
    assert load_script().main(args) in (1, 2)
    assert message in capsys.readouterr().err
    assert not out.exists() and admin_api.calls == []


def test_existing_csv_is_never_overwritten(admin_api, tmp_path, capsys):
    out = tmp_path / "keys.csv"
    out.write_text("keep me\n", encoding="utf-8")
    assert load_script().main([students_file(tmp_path), "--out", str(out), "--limit-usd", "5"]) == 1
    assert out.read_text(encoding="utf-8") == "keep me\n"
    assert "already exists" in capsys.readouterr().err


def test_missing_admin_key_is_explained(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    assert load_script().main([students_file(tmp_path), "--limit-usd", "5", "--out", str(tmp_path / "k.csv")]) == 2
    assert "OPENAI_ADMIN_KEY" in capsys.readouterr().err


# --- the guides' commands ---------------------------------------------------------------

FENCE = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", re.M | re.S)  # also fences indented in a list item


def command_lines(pattern: str) -> list[tuple[str, list[str]]]:
    found = []
    for guide in filter(Path.is_file, GUIDES):  # a missing guide fails test_guides_exist..., not collection
        for block in FENCE.findall(guide.read_text(encoding="utf-8")):
            for line in block.splitlines():
                line = line.strip().lstrip("$ ").split(" #")[0]
                if re.match(pattern, line):
                    found.append((guide.name, shlex.split(line)))
    return found


def test_guides_exist_and_run_the_offline_server():
    assert all(guide.is_file() for guide in GUIDES)
    assert len(command_lines(r"(?:\.venv/bin/)?python3? -m helpers\.offline\b")) >= 4  # both guides, several variants


@pytest.mark.parametrize(("guide", "argv"), command_lines(r"(?:\.venv/bin/)?python3? -m helpers\.offline\b"))
def test_offline_commands_in_guides_parse(monkeypatch, guide, argv):
    """argparse accepted the line if main() gets as far as building the simulator."""

    class Parsed(Exception):
        pass

    def no_server(host, port, **options):
        raise Parsed(host, port, options)

    monkeypatch.setattr(offline_main, "Simulator", no_server)
    with pytest.raises(Parsed) as parsed:
        offline_main.main(argv[3:])
    host, port, options = parsed.value.args
    assert (host, port) == ("0.0.0.0", 8000), f"{guide}: {shlex.join(argv)}"
    for flag, option in (("--token-latency-ms", "token_latency_ms"), ("--latency-ms", "latency_ms")):
        if flag in argv:
            assert options[option] == float(argv[argv.index(flag) + 1])


@pytest.mark.parametrize(("guide", "argv"), command_lines(r"(?:\.venv/bin/)?python3? docs/make_student_keys\.py\b"))
def test_student_key_commands_in_guides_parse(guide, argv):
    load_script().parser().parse_args(argv[2:])


def test_kit_files_named_in_guides_exist():
    named = set()
    for guide in GUIDES:
        named |= set(re.findall(r"\b((?:docs|helpers|bench|tools|binder|notebooks)/[\w./-]+\.\w+|\.devcontainer/[\w.]+|tasks\.py)",
                                guide.read_text(encoding="utf-8")))
    missing = sorted(name for name in named if not (ROOT / name).exists())
    assert named and not missing, f"named in the guides but missing: {missing}"


def test_kit_variables_named_in_guides_are_read_somewhere():
    kit_code = [*ROOT.glob("helpers/**/*.py"), DOCS / "jupyterhub_config.py", ROOT / "tasks.py", *ROOT.glob("tools/*.py")]
    code = "".join(p.read_text(encoding="utf-8") for p in kit_code)
    named = {name for guide in GUIDES for name in re.findall(r"\bKIT_[A-Z_]+\b", guide.read_text(encoding="utf-8"))}
    unknown = sorted(name for name in named if f'"{name}"' not in code)
    assert named and not unknown, f"the guides name variables no code reads: {unknown}"


# --- tools/badges.py -------------------------------------------------------------------


def test_badges_in_readmes_are_up_to_date():
    from tools import badges

    assert badges.main(["--check"]) == 0, "run: python tools/badges.py"


def test_badges_follow_the_one_repo_line(tmp_path, monkeypatch, capsys):
    from tools import badges

    for name in badges.READMES:
        (tmp_path / name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")  # a copy: main() also rewrites notebooks
    readme = tmp_path / "README.md"
    readme.write_text(re.sub(r"kit-repo: \S+", "kit-repo: school/ai-class", readme.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setattr(badges, "ROOT", tmp_path)
    assert badges.main(["--check"]) == 1
    assert badges.main([]) == 0
    lessons = sorted(p.name for p in (ROOT / "notebooks" / "zh").glob("*.ipynb"))
    for name in badges.READMES:
        text = badges.BLOCK.search((tmp_path / name).read_text(encoding="utf-8"))[0]
        assert "OWNER/REPO" not in text and "mybinder.org/v2/gh/school/ai-class/main" in text
        for edition in ("zh", "en"):
            for lesson in lessons:
                assert f"https://colab.research.google.com/github/school/ai-class/blob/main/notebooks/{edition}/{lesson}" in text


def test_room_server_tells_students_the_variable_that_keeps_them_offline(capsys, monkeypatch):
    # The printed line must name KIT_SIMULATOR_URL (a real key in a student's .env is then never
    # sent to the room's server) and never the unusable 0.0.0.0.
    from helpers.offline import __main__ as cli
    from helpers.offline import Simulator

    with Simulator("127.0.0.1", 0) as sim:
        assert cli.student_url(sim) == sim.base_url
    monkeypatch.setattr(cli.socket, "gethostbyname", lambda name: "192.0.2.7")
    fake = types.SimpleNamespace(host="0.0.0.0", port=8000, base_url="http://0.0.0.0:8000/v1")
    assert cli.student_url(fake) == "http://192.0.2.7:8000/v1"
