"""Regenerate the stored outputs of the notebooks against the offline simulator.

    python tools/regen_outputs.py                 # every notebook under notebooks/
    python tools/regen_outputs.py notebooks/zh/01_api_key_setup.ipynb

Runs each notebook top to bottom in a fresh kernel, in its own folder, in exactly the
sealed environment the test suite uses (tools/offline_env.py), and writes it back.
"""

from __future__ import annotations

import argparse
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
            try:
                seconds = regenerate(path)
            except CellExecutionError as error:
                print(f"FAILED {path}: a cell raised an error it was not tagged for.\n{error}", file=sys.stderr)
                return 1
            print(f"{seconds:6.1f} s  {path.relative_to(ROOT) if path.is_absolute() else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
