"""Installing the kit's requirements into .venv: uv when it can, pip otherwise, quietly.

Used by ``tasks.py setup`` (standard library only). Everything an installer prints goes to a
log file; the terminal gets a few lines (which installer, which package index, how long) and,
on failure, the log's last lines and what to try.

Package index mirrors: pip reads ``PIP_INDEX_URL``, uv reads ``UV_INDEX_URL``; whichever the
learner set is passed on to the other installer too, so one variable is enough, e.g.
``PIP_INDEX_URL=https://pypi.tuna.tsinghua.edu.cn/simple make lab``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

# (pip's variable, uv's variable): a value set for one installer is given to the other.
SHARED_VARIABLES = (
    ("PIP_INDEX_URL", "UV_INDEX_URL"),
    ("PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL"),
    ("PIP_FIND_LINKS", "UV_FIND_LINKS"),
    ("PIP_NO_INDEX", "UV_NO_INDEX"),
    ("PIP_CERT", "SSL_CERT_FILE"),
)
MIRROR_EXAMPLES = (
    "https://pypi.tuna.tsinghua.edu.cn/simple (Tsinghua)",
    "https://mirrors.aliyun.com/pypi/simple/ (Aliyun)",
)
LOG_TAIL_LINES = 15
INSTALLER_VARIABLE = "KIT_INSTALLER"  # "uv" or "pip" forces one; unset: uv, then pip

Runner = Callable[[Sequence[str], Mapping[str, str], str], int]


class InstallError(Exception):
    """Installing failed; the message says what failed, shows the log's end, and what to try."""


def run_logged(cmd: Sequence[str], env: Mapping[str, str], log_path: str) -> int:
    """Run ``cmd`` with its output appended to ``log_path``; return its exit code."""
    with open(log_path, "a", encoding="utf-8") as log:
        log.write("\n$ " + " ".join(cmd) + "\n")
        log.flush()
        started = time.monotonic()
        try:
            code = subprocess.run(list(cmd), env=dict(env), stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, check=False).returncode
        except OSError as exc:
            log.write(f"could not start {cmd[0]}: {exc}\n")
            return 127
        log.write(f"(exit code {code} after {time.monotonic() - started:.1f} s)\n")
        return code


def installer_env(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with each index setting given to both installers (an explicit value wins)."""
    merged = dict(env)
    for pip_name, uv_name in SHARED_VARIABLES:
        pip_value, uv_value = merged.get(pip_name, "").strip(), merged.get(uv_name, "").strip()
        if pip_value and not uv_value:
            merged[uv_name] = pip_value
        elif uv_value and not pip_value and pip_name != "PIP_CERT":
            merged[pip_name] = uv_value
    return merged


def describe_index(env: Mapping[str, str]) -> str:
    """Which package index the installers will use, for one line of output."""
    for name in ("UV_DEFAULT_INDEX", "UV_INDEX_URL", "PIP_INDEX_URL"):
        if env.get(name, "").strip():
            return f"{env[name].strip()} ({name})"
    if env.get("PIP_NO_INDEX", "").strip() or env.get("UV_NO_INDEX", "").strip():
        return "none, local files only (PIP_NO_INDEX)"
    return "PyPI (default; for a mirror set PIP_INDEX_URL)"


def requirement_lines(paths: Sequence[str]) -> list[str]:
    """Requirement lines of the files, comments stripped (blank lines and -r/-e lines left out)."""
    found = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                text = line.split("#", 1)[0].strip()
                if text and not text.startswith("-"):
                    found.append(text)
    return found


def count_requirements(paths: Sequence[str]) -> int:
    """Requirement lines in the files (comments, blank lines and -r/-e lines not counted)."""
    return len(requirement_lines(paths))


def failure_message(what: str, log_path: str) -> str:
    """What failed, the last lines of the log, and what to try."""
    try:
        with open(log_path, encoding="utf-8", errors="replace") as handle:
            tail = [line.rstrip() for line in handle.readlines()[-LOG_TAIL_LINES:]]
    except OSError:
        tail = ["(no log)"]
    mirrors = "\n".join("      " + example for example in MIRROR_EXAMPLES)
    return (
        f"setup: {what} failed. Last lines of {log_path}:\n"
        + "\n".join("    | " + line for line in tail)
        + "\nWhat to try:\n"
        "  - check the internet connection; behind a proxy set HTTPS_PROXY=http://host:port\n"
        "  - slow or blocked access to pypi.org (e.g. mainland China): use a mirror, e.g.\n"
        "      PIP_INDEX_URL=https://pypi.tuna.tsinghua.edu.cn/simple make lab\n"
        "    (Windows: set PIP_INDEX_URL=... then py tasks.py lab). Mirrors:\n" + mirrors + "\n"
        "  - force the other installer: KIT_INSTALLER=pip (or uv)\n"
        "  - start over: make clean (py tasks.py clean), then run the command again"
    )


@dataclass
class Installer:
    """Installs requirement arguments into one venv, choosing uv or pip once per run."""

    python: str
    env: dict[str, str]
    log_path: str
    run: Runner = run_logged
    say: Callable[[str], None] = print
    chosen: list[str] | None = field(default=None, init=False)
    name: str = field(default="", init=False)

    def _uv_command(self) -> list[str] | None:
        """A working uv: on PATH, already in the venv, or bootstrapped into it with pip."""
        on_path = shutil.which("uv", path=self.env.get("PATH"))
        candidates = [[on_path]] if on_path else []
        candidates.append([self.python, "-m", "uv"])
        for command in candidates:
            if self.run(command + ["--version"], self.env, self.log_path) == 0:
                return command
        self.say("setup: getting uv (a fast installer) with pip ...")
        if self.run([self.python, "-m", "pip", "install", "uv"], self.env, self.log_path) != 0:
            return None
        command = [self.python, "-m", "uv"]
        return command if self.run(command + ["--version"], self.env, self.log_path) == 0 else None

    def choose(self) -> tuple[str, list[str]]:
        """("uv", prefix) or ("pip", prefix): the command that installs into the venv."""
        if self.chosen is not None:
            return self.name, self.chosen
        forced = self.env.get(INSTALLER_VARIABLE, "").strip().lower()
        uv = None if forced == "pip" else self._uv_command()
        if uv is not None:
            self.name, self.chosen = "uv", uv + ["pip", "install", "--python", self.python]
        else:
            if forced == "uv":
                raise InstallError(failure_message("getting uv (KIT_INSTALLER=uv)", self.log_path))
            if forced != "pip":
                self.say("setup: uv is not available here; using pip (slower)")
            self.name, self.chosen = "pip", [self.python, "-m", "pip", "install"]
        return self.name, self.chosen

    def install(self, args: Sequence[str], what: str, count: int) -> float:
        """Install ``args`` (e.g. ``-e . -r requirements.txt``); returns the seconds taken."""
        started = time.monotonic()
        name, prefix = self.choose()
        self.say(f"setup: installing {count} packages ({what}) with {name} ...")
        if self.run(prefix + list(args), self.env, self.log_path) == 0:
            return time.monotonic() - started
        if name == "uv" and self.env.get(INSTALLER_VARIABLE, "").strip().lower() != "uv":
            self.say("setup: uv failed (see the log); trying again with pip ...")
            self.name, self.chosen = "pip", [self.python, "-m", "pip", "install"]
            if self.run(self.chosen + list(args), self.env, self.log_path) == 0:
                return time.monotonic() - started
        raise InstallError(failure_message(f"installing {what} with {self.name}", self.log_path))
