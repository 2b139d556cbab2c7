"""The READMEs' shell commands, and a fresh clone of this working tree to run them in.

Shared by ``test_readme_commands.py`` (which runs every README command) and
``browser/test_newcomer_path.py`` (which follows the newcomer's path in a browser). The rule
for which lines count as commands is in ``test_readme_commands.py``'s docstring.

The clone gets a ``.venv`` of its own that borrows the test run's environment: symlinks to its
``bin``, ``lib`` and installed data, real copies of the parts ``setup`` writes (the install
stamps, the Jupyter settings), so ``make lab`` sees its stamp and does not reinstall, and
nothing in the real ``.venv`` changes.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools import venv_setup

ROOT = Path(__file__).resolve().parent.parent
READMES = ("README.md", "README.zh-CN.md")
FENCE = re.compile(r"^[ \t]*```(bash|sh|console|powershell)[ \t]*\n(.*?)^[ \t]*```[ \t]*$", re.S | re.M)
CLONE_DIR = "openai-notebook-kit"
COMMAND_TIMEOUT_S = 120
CLONE = ("git clone https://github.com/", "cd " + CLONE_DIR)


def readme_commands() -> dict[str, list[str]]:
    """Command -> the READMEs that show it, by the rule in the module docstring."""
    found: dict[str, list[str]] = {}
    for readme in READMES:
        for match in FENCE.finditer((ROOT / readme).read_text(encoding="utf-8")):
            for line in match[2].splitlines():
                command = line.strip()
                if match[1] == "console":
                    if not command.startswith("$ "):
                        continue
                    command = command[2:].strip()
                if command and not command.startswith("#"):
                    found.setdefault(command, []).append(readme)
    return found


def clone_table(command: str) -> bool:
    return command.startswith(CLONE[0]) or command == CLONE[1]


# --- the clone -------------------------------------------------------------------------


def real_venv() -> Path:
    if sys.prefix == sys.base_prefix:
        pytest.skip("the README commands need the kit's .venv: run the tests with make test")
    return Path(sys.prefix)


def shadow_venv(real: Path, dest: Path) -> None:
    """``dest``: a venv that borrows ``real``'s files but keeps setup's writes to itself."""
    writable = {Path("share"), Path("share/jupyter"), Path("share/jupyter/lab"), Path("etc")}
    copied = {Path("share/jupyter/lab/settings"), Path("etc/jupyter")}

    def mirror(rel: Path) -> None:
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for entry in (real / rel).iterdir():
            name = rel / entry.name
            if name in writable:
                mirror(name)
            elif name in copied:
                shutil.copytree(entry, dest / name, symlinks=True)
            elif entry.is_dir():
                (dest / name).symlink_to(entry, target_is_directory=True)
            else:
                shutil.copy2(entry, dest / name, follow_symlinks=False)

    mirror(Path("."))


def run_bash(command: str, cwd: Path, env: dict[str, str], timeout: float = COMMAND_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=timeout, stdin=subprocess.DEVNULL)


def overlay_uncommitted(repo: Path) -> None:
    """Copy tracked files changed in the working tree but not committed, so the clone is the tree."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-m", "-z"], capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode("utf-8").split("\0")):
        source = ROOT / name
        if source.is_file():
            shutil.copy2(source, repo / name)


def require_current_venv(repo: Path) -> None:
    """Skip when ``setup`` would install (its stamp is stale): the network is sealed here."""
    stamp = repo / ".venv" / venv_setup.STAMP_NAME
    wanted = venv_setup.requirements_hash(str(repo), venv_setup.LEARNER_FILES)
    if venv_setup.read_stamp(str(stamp)) == wanted:
        return
    if os.environ.get("KIT_README_TRUST_VENV") == "1":
        venv_setup.write_stamp(str(stamp), wanted)  # the clone's copy only
        return
    pytest.skip("the .venv's install stamp is out of date with requirements.txt, so setup would install "
                "(network): run `make setup` first, or set KIT_README_TRUST_VENV=1")



def make_sandbox(base: Path) -> tuple[Path, dict[str, str]]:
    """A fresh clone of this working tree in ``base``, made by the README's own commands, and its environment."""
    real = real_venv()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "KIT_LAB_LANGUAGE", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}
    for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                      ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")):
        env[name] = str(base / "jupyter" / sub)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    clone = [c for c in readme_commands() if c.startswith(CLONE[0])][0]
    local = re.sub(r"https://github\.com/\S+", str(ROOT), clone)
    for command, cwd in ((local, base), (CLONE[1] + " && pwd", base)):
        done = run_bash(command, cwd, env)
        assert done.returncode == 0, f"{command}: {done.stderr}"
    repo = base / CLONE_DIR
    overlay_uncommitted(repo)
    shadow_venv(real, repo / ".venv")
    return repo, env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def interrupt(process: subprocess.Popen[bytes], presses: int) -> bool:
    """Press Ctrl+C ``presses`` times (SIGINT to the process group); True if it then ended."""
    for _ in range(presses):
        if process.poll() is not None:
            break
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.5)
    try:
        process.wait(timeout=30)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        return False
