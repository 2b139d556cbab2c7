"""Benchmark of the first set-up: time and ``.venv`` size for ``make lab`` and ``make test``.

Run with ``make bench ARGS=--setup`` or ``python bench/setup.py`` (it takes minutes: it
installs the requirements several times). Each figure comes from a fresh temporary copy of
the repository's tracked files, set up by ``tasks.py`` as a learner would:

* **floor**: ``python -m venv .venv``, ``pip install uv``, ``uv pip install -r requirements.txt``:
  the least any set-up of the learner requirements can do with these tools;
* **lab**: ``python tasks.py setup`` (the learner layer, what ``make lab`` installs);
* **lab again**: the same command a second time (nothing changed: must be instant);
* **test**: ``python tasks.py setup --dev`` (both layers, what ``make test`` installs).

All runs share the user's uv and pip caches. A warm-up run of the floor comes first (not
reported) so every measured run sees the same, warm cache state. Floor and lab then alternate
for ``--rounds`` rounds (2 by default), each in a fresh copy, and the report gives the best
and every time: on a machine shared with other work, single runs vary by 2x. Checks: the
learner set-up's best time within 1.5x the floor's best, and its ``.venv`` at most 480 MB.
The report goes to stdout and ``bench/results/setup.md``; the exit code is 1 if a check fails
or a step fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "setup.md"
MAX_RATIO = 1.5
MAX_LAB_MB = 480
STEP_TIMEOUT_S = 1800


@dataclass
class Figure:
    name: str
    runs: list[float]
    megabytes: float
    command: str

    @property
    def seconds(self) -> float:
        return min(self.runs)


def tracked_copy(parent: Path, name: str) -> Path:
    """A copy of the repository's tracked files (as a fresh clone would have them)."""
    target = parent / name
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    for relative in filter(None, listed.decode("utf-8").split("\0")):
        source = ROOT / relative
        if source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    return target


def tree_megabytes(path: Path) -> float:
    """Disk use of a folder in MB (10^6 bytes), counting each hard-linked file once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            info = os.lstat(os.path.join(folder, name))
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_blocks * 512 if hasattr(info, "st_blocks") else info.st_size
    return total / 1e6


def run(commands: Sequence[Sequence[str]], cwd: Path, log: Path) -> float:
    """Run the commands in order (output to ``log``); seconds taken. Raises on failure."""
    started = time.monotonic()
    with open(log, "a", encoding="utf-8") as handle:
        for command in commands:
            handle.write("\n$ " + " ".join(command) + "\n")
            handle.flush()
            code = subprocess.run(list(command), cwd=cwd, stdout=handle, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=STEP_TIMEOUT_S, check=False).returncode
            if code != 0:
                raise RuntimeError(f"{' '.join(command)} failed with exit code {code} (log: {log})")
    return time.monotonic() - started


def discard(checkout: Path, keep: bool) -> None:
    """Free the disk (a .venv is ~0.5 GB) unless the copies are to be kept."""
    if not keep:
        shutil.rmtree(checkout, ignore_errors=True)


def venv_python(checkout: Path) -> str:
    return str(checkout / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))


def floor_commands(python: str, checkout: Path) -> list[list[str]]:
    venv = venv_python(checkout)
    return [[python, "-m", "venv", ".venv"], [venv, "-m", "pip", "install", "uv"],
            [venv, "-m", "uv", "pip", "install", "--python", venv, "-r", "requirements.txt"]]


def measure(name: str, commands: list[list[str]], checkout: Path, log: Path, into: dict[str, Figure]) -> None:
    """Run and record one more time for ``name`` (the size is the last run's)."""
    print(f"bench setup: {name} ...", file=sys.stderr, flush=True)
    seconds = run(commands, checkout, log)
    shown = " && ".join(" ".join(Path(part).name if i == 0 else part for i, part in enumerate(c)) for c in commands)
    shown = shown.replace(str(checkout), ".")
    size = tree_megabytes(checkout / ".venv")
    if name in into:
        into[name].runs.append(seconds)
        into[name].megabytes = size
    else:
        into[name] = Figure(name, [seconds], size, shown)


def runs(figure: Figure) -> str:
    return f" ({', '.join(f'{x:.1f}' for x in figure.runs)})" if len(figure.runs) > 1 else ""


def report(figures: dict[str, Figure], python: str) -> tuple[str, bool]:
    floor, lab = figures["floor"], figures["lab"]
    ratio = lab.seconds / floor.seconds
    ok = ratio <= MAX_RATIO and lab.megabytes <= MAX_LAB_MB
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    lines = [
        "# First set-up: time and .venv size",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}; Python {platform.python_version()} ({python}); "
        f"{os.cpu_count()} CPUs; load average {', '.join(f'{x:.1f}' if isinstance(x, float) else x for x in load)}; "
        f"warm uv/pip caches; PIP_INDEX_URL={os.environ.get('PIP_INDEX_URL', '(default)')}",
        "",
        "| set-up | best time (every run) | .venv | command |",
        "|---|---:|---:|---|",
    ]
    lines += [f"| {f.name} | {f.seconds:.1f} s{runs(f)} | {f.megabytes:.0f} MB | `{f.command}` |" for f in figures.values()]
    lines += [
        "",
        f"Learner set-up / floor: {ratio:.2f}x (limit {MAX_RATIO}x); learner .venv {lab.megabytes:.0f} MB "
        f"(limit {MAX_LAB_MB} MB): {'OK' if ok else 'FAILED'}",
    ]
    return "\n".join(lines) + "\n", ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="the Python that makes the venvs (default: this one)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the unreported warm-up run")
    parser.add_argument("--rounds", type=int, default=2, help="floor/lab rounds, alternating (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies (their path is printed)")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="kit-setup-bench-"))
    log = base / "setup.log"
    python = args.python
    lab_commands = [[python, "tasks.py", "setup"]]
    try:
        figures: dict[str, Figure] = {}
        if not args.no_warmup:
            warm = tracked_copy(base, "warmup")
            measure("warm-up", floor_commands(python, warm), warm, log, {})
            discard(warm, args.keep)
        for number in range(1, args.rounds + 1):
            floor_dir, lab_dir = tracked_copy(base, f"floor{number}"), tracked_copy(base, f"lab{number}")
            measure("floor", floor_commands(python, floor_dir), floor_dir, log, figures)
            measure("lab", lab_commands, lab_dir, log, figures)
            discard(floor_dir, args.keep)
        measure("lab again", lab_commands, lab_dir, log, figures)
        test_dir = tracked_copy(base, "test")
        measure("test", [[python, "tasks.py", "setup", "--dev"]], test_dir, log, figures)
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
        print(f"bench setup: {exc}", file=sys.stderr)
        args.keep = True  # keep the log and the copies to look at
        return 1
    finally:
        if args.keep:
            print(f"bench setup: copies kept in {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
    text, ok = report(figures, python)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
