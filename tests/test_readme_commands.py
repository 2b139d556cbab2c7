"""Every command in the READMEs' shell blocks is classified, and the ones that can run here do.

Which lines count as commands (the rule):

* only fenced blocks opened with ```` ```bash ````, ```` ```sh ````, ```` ```console ```` or
  ```` ```powershell ```` in README.md and README.zh-CN.md (```` ```python ```` and bare ```` ``` ````
  blocks are code or listings, and commands in running text are prose);
* each non-blank line of such a block is one command, except lines starting with ``#``
  (comments); in a ``console`` block only lines starting with ``$ `` are commands (the rest is
  output), and the ``$ `` is dropped.

Each command must appear in exactly one table below, or ``test_every_command_is_classified``
fails and names it, so a new command in a README gets a decision:

* ``CLONE``: the README's ``git clone`` and ``cd``; the module's fixture runs them, with the
  GitHub URL replaced by this working tree, to make the fresh clone every other command runs in;
* ``RUN_HERE``: run with bash in that clone, with the network sealed (the suite's environment
  from conftest.py / tools/offline_env.py: the run's simulator, every other address behind a
  dead proxy), checked for the exit code and a piece of the output;
* ``SERVERS``: started in the clone with the port replaced by a free one (and a server that
  would listen on every interface told to use loopback), checked to answer on that port, then
  stopped the way the README says, with Ctrl+C (SIGINT to the process group, twice for
  JupyterLab) -- a server that ignores it fails;
* ``SKIPPED``: needs the network, an administrator, another platform, or is too slow and
  tested elsewhere; each with its reason.

The clone gets a ``.venv`` of its own that borrows the test run's environment: symlinks to its
``bin``, ``lib`` and installed data, real copies of the parts ``setup`` writes (the install
stamps, the Jupyter settings), so ``make lab`` sees its stamp and does not reinstall, and
nothing in the real ``.venv`` changes. When the real environment's stamp is out of date with
the requirements, the commands that run ``setup`` are skipped (they would install);
``KIT_README_TRUST_VENV=1`` vouches for the environment instead.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from readme_support import (
    clone_table, free_port, interrupt, make_sandbox, readme_commands, require_current_venv, run_bash,
)

SERVER_START_S = 90


@dataclass(frozen=True)
class Run:
    """A command run in the clone: its exit code and a piece of what it prints."""

    output: str
    code: int = 0
    setup: bool = False  # it runs tasks.py's setup first (needs an up-to-date .venv)


@dataclass(frozen=True)
class Server:
    """How a server command runs here (``{port}`` is a free port) and the path that must answer."""

    form: str
    path: str
    interrupts: int = 1  # Ctrl+C presses that stop it
    setup: bool = False
    lab_locale: str = ""  # the interface language setup must write into the clone's .venv


LAB_ARGS = 'ARGS="--no-browser --port={port} --ServerApp.port_retries=0"'

RUN_HERE: dict[str, Run] = {
    "make help": Run("make lab"),
    "make fresh LESSON=en/03_vision": Run("fresh copy: en/03_vision.ipynb"),
    "make fresh LESSON=zh/03_vision": Run("fresh copy: zh/03_vision.ipynb"),
    "cp .env.example .env": Run(""),
    "make doctor": Run("✓", setup=True),
    "make doctor ARGS=--offline": Run("✓", setup=True),
    'make doctor ARGS="--lang zh"': Run("✓", setup=True),
    '.venv/bin/python -c "import matplotlib; print(matplotlib.get_cachedir())"': Run("matplotlib"),
}

SERVERS: dict[str, Server] = {
    "make lab": Server(f"make lab {LAB_ARGS}", "/api", interrupts=2, setup=True),
    "KIT_LAB_LANGUAGE=zh make lab": Server(f"KIT_LAB_LANGUAGE=zh make lab {LAB_ARGS}", "/api", interrupts=2, setup=True,
                                           lab_locale="zh_CN"),
    "PIP_INDEX_URL=https://pypi.tuna.tsinghua.edu.cn/simple make lab": Server(
        f"PIP_INDEX_URL=https://pypi.tuna.tsinghua.edu.cn/simple make lab {LAB_ARGS}", "/api", interrupts=2, setup=True),
    ".venv/bin/python -m helpers.offline --host 0.0.0.0 --port 8000": Server(
        ".venv/bin/python -m helpers.offline --host 127.0.0.1 --port {port}", "/v1/models"),
}

WINDOWS = "Windows only (PowerShell); tasks.py's Windows paths are covered by tests/test_setup_tasks.py"
SKIPPED: dict[str, str] = {
    "xcode-select --install": "macOS only, and it downloads Apple's developer tools",
    "sudo apt install make python3 python3-venv git": "needs root and the network (Debian/Ubuntu packages)",
    "sudo apt install fonts-noto-cjk": "needs root and the network (Debian/Ubuntu packages)",
    "py tasks.py lab": WINDOWS,
    '$env:PIP_INDEX_URL="https://pypi.tuna.tsinghua.edu.cn/simple"': WINDOWS,
    '$env:KIT_LAB_LANGUAGE="zh"': WINDOWS,
    "make bench": "minutes of load on purpose; bench/run.py is the benchmark itself",
    ".venv/bin/python bench/load.py": "tens of seconds of load on purpose; tests/test_load_smoke.py checks the same survival",
    ".venv/bin/python bench/classroom.py": "100 simulated students for minutes; run by hand (docs/teaching.md)",
}


def test_every_command_is_classified() -> None:
    commands = readme_commands()
    assert len(commands) > 10, "the READMEs' shell blocks should hold the Start here commands"
    tables = [set(RUN_HERE), set(SERVERS), set(SKIPPED)]
    unclassified = [c for c in commands if not clone_table(c) and not any(c in table for table in tables)]
    assert not unclassified, f"README commands in no table of {Path(__file__).name}: {unclassified}"
    twice = [c for c in commands if sum(c in table for table in tables) + clone_table(c) > 1]
    assert not twice, f"commands in two tables: {twice}"
    stale = sorted(set().union(*tables) - set(commands))
    assert not stale, f"tables name commands no README shows any more: {stale}"


def test_readme_python_commands_use_the_kits_python() -> None:
    # The system Python has no openai: `python -m ...` / `python3 tools/...` would fail there.
    bare = [c for c in readme_commands() if re.match(r"(\S+=\S+ )*python3?(\.\d+)? ", c)]
    assert not bare, f"use .venv/bin/python (or a make task) in: {bare}"


# --- the clone -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A fresh clone of this working tree, made by the README's own commands, and its environment."""
    yield make_sandbox(tmp_path_factory.mktemp("readme"))


# --- running -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", list(RUN_HERE))
def test_readme_command_runs(command: str, sandbox: tuple[Path, dict[str, str]]) -> None:
    repo, env = sandbox
    expected = RUN_HERE[command]
    if expected.setup:
        require_current_venv(repo)
    done = run_bash(command, repo, env)
    output = done.stdout + done.stderr
    assert done.returncode == expected.code, f"{command} exited {done.returncode}:\n{output[-3000:]}"
    assert expected.output in output, f"{command} did not print {expected.output!r}:\n{output[-3000:]}"
    assert "No module named" not in output, output[-3000:]


def answers(port: int, path: str) -> int | None:
    """The HTTP status of GET ``path`` on loopback ``port``, or None while nothing listens."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        # Any key works on the simulator; JupyterLab's /api needs none.
        connection.request("GET", path, headers={"Authorization": "Bearer sk-readme-test"})
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def wait_for(process: subprocess.Popen[bytes], port: int, path: str, log: Path) -> int:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        status = answers(port, path)
        if status is not None:
            return status
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode} before answering:\n{log.read_text()[-3000:]}")
        time.sleep(0.25)
    pytest.fail(f"nothing answered on port {port} within {SERVER_START_S} s:\n{log.read_text()[-3000:]}")


@pytest.mark.skipif(os.name == "nt", reason="process groups and SIGINT are POSIX")
@pytest.mark.parametrize("command", list(SERVERS))
def test_readme_server_answers_and_stops(command: str, sandbox: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    repo, env = sandbox
    spec = SERVERS[command]
    if spec.setup:
        require_current_venv(repo)
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(["bash", "-c", spec.form.format(port=port)], cwd=repo, env=env, stdout=sink,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            status = wait_for(process, port, spec.path, log)
            if spec.lab_locale:
                check_lab_locale(repo, spec.lab_locale)
        finally:
            stopped = interrupt(process, spec.interrupts)
    assert status == 200, f"GET {spec.path} on the server of {command!r} gave {status}:\n{log.read_text()[-3000:]}"
    assert stopped, f"{command!r} did not stop after {spec.interrupts} Ctrl+C:\n{log.read_text()[-3000:]}"
    assert "No module named" not in log.read_text(encoding="utf-8", errors="replace")


def check_lab_locale(repo: Path, locale: str) -> None:
    """setup wrote ``locale`` into the clone's own .venv, not through to the real one."""
    kit_file = repo / ".venv" / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "openai-notebook-kit.json"
    assert not kit_file.is_symlink() and kit_file.resolve().is_relative_to(repo), "setup wrote into the real .venv"
    assert f'"{locale}"' in kit_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", list(SKIPPED))
def test_readme_command_skipped(command: str) -> None:
    pytest.skip(SKIPPED[command])
