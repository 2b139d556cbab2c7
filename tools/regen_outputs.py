"""Regenerate the stored outputs of the notebooks against the offline simulator.

    python tools/regen_outputs.py                 # every notebook under notebooks/
    python tools/regen_outputs.py notebooks/zh/01_api_key_setup.ipynb

Runs each notebook top to bottom in a fresh kernel, in its own folder, in exactly the
sealed environment the test suite uses (tools/offline_env.py), and writes it back.
"""

from __future__ import annotations

import argparse
import configparser
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.offline import Simulator  # noqa: E402
from tools.offline_env import seal_environment  # noqa: E402


SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def sanitizers() -> list[tuple[re.Pattern[str], str]]:
    """The regex/replacement pairs nbval applies before comparing (tests/nbval_sanitize.cfg)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(SANITIZE, encoding="utf-8")
    return [(re.compile(parser[name]["regex"]), parser[name]["replace"]) for name in parser.sections()]


def sanitize(nb: nbformat.NotebookNode) -> None:
    """Store outputs already sanitized, so a regeneration does not churn ports in git diffs."""
    pairs = sanitizers()

    def clean(text: str) -> str:
        for pattern, replacement in pairs:
            text = pattern.sub(replacement, text)
        return text

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = clean(output["text"])
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") and isinstance(value, str):
                    output["data"][mime] = clean(value)


def regenerate(path: Path) -> float:
    """Execute ``path`` in place; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False, coalesce_streams=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    elapsed = time.perf_counter() - started
    # Widget state (a tqdm bar, the playground) changes every run and nothing compares it.
    nb.metadata.pop("widgets", None)
    sanitize(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*/*.ipynb"))
    with Simulator() as sim:
        seal_environment(sim)
        for path in paths:
            sim.restart_sampling()  # each notebook starts the sampling sequence afresh, as the tests do
            try:
                seconds = regenerate(path)
            except CellExecutionError as error:
                print(f"FAILED {path}: a cell raised an error it was not tagged for.\n{error}", file=sys.stderr)
                return 1
            print(f"{seconds:6.1f} s  {path.relative_to(ROOT) if path.is_absolute() else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
