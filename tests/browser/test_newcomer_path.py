"""The newcomer's path, end to end: clone, ``make lab``, run lesson 01 in the browser, save.

What a newcomer does after the README's "Start here": in a fresh clone, ``make lab`` (which
fills the learner workspace ``my-notebooks/`` from ``notebooks/`` and serves it), open
``en/01_api_key_setup.ipynb``, choose Run > Run All Cells, see the offline banner, press
Ctrl+S, stop the server. Afterwards ``git status`` must be what it was before (the workspace
is git-ignored), the saved workspace copy must hold this run's outputs, and the tracked
lesson must be untouched.

The clone and its borrowed ``.venv`` come from ``tests/readme_support.py`` (shared with
``test_readme_commands.py``). ``make lab`` gets JupyterLab's test settings (no token, no XSRF
check: ``jupyterlab.galata.configure_jupyter_server``) through ``ARGS="... --config=FILE"``,
the way a learner would pass any JupyterLab option. The browser and the skip rules are this
folder's ``conftest.py``; the kernel talks to the session's offline simulator (root
``conftest.py``).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import Lab  # this folder's conftest.py (loaded last under that name)
from test_lab_playground import KERNEL_READY, Steps

from tests.readme_support import free_port, interrupt, make_sandbox, require_current_venv

LESSON = "en/01_api_key_setup.ipynb"
BANNER = "[offline simulation]"
START_S = 90
LOAD_MS = 90_000
RUN_ALL_MS = 60_000
SAVE_MS = 15_000
# JupyterLab's test settings on top of what `make lab` passes (--notebook-dir, --allow-root).
LAB_CONFIG = """\
from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)
c.ServerApp.ip = "127.0.0.1"
c.LabApp.workspaces_dir = {workspaces!r}
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"
"""
# True once run-all has finished, read from the notebook's model (cells scrolled out of view may
# not be in the page): the kernel is idle and every code cell has an execution count.
RUN_ALL_DONE = """() => {
    const panel = window.jupyterapp?.shell?.currentWidget;
    const kernel = panel?.sessionContext?.session?.kernel;
    const cells = panel?.content?.model?.cells;
    if (!kernel || kernel.status !== "idle" || !cells) return false;
    const code = Array.from({length: cells.length}, (_, i) => cells.get(i)).filter((c) => c.type === "code");
    return code.length > 0 && code.every((c) => typeof c.executionCount === "number");
}"""
# Code cells (by index) the run left without an execution count, for the failure message.
NOT_RUN = """() => {
    const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
    return Array.from({length: cells.length}, (_, i) => [i, cells.get(i)])
        .filter(([, c]) => c.type === "code" && typeof c.executionCount !== "number").map(([i]) => i);
}"""
# True once the open notebook has no unsaved changes.
SAVED = "() => window.jupyterapp?.shell?.currentWidget?.context?.model?.dirty === false"


@dataclass
class Clone:
    """The fresh clone ``make lab`` runs in, and what it looked like before."""

    repo: Path
    env: dict[str, str]
    base: Path
    status_before: str


def git_status(repo: Path) -> str:
    done = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True, check=True)
    return done.stdout


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def clone(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Clone:
    """A clone made by the README's commands (after the browser check, so a skip costs nothing)."""
    base = tmp_path_factory.mktemp("newcomer")
    repo, env = make_sandbox(base)
    require_current_venv(repo)  # `make lab` runs setup, which must not install (no network)
    # Tracked files the working tree changed show as modified in the clone: compare, not assume empty.
    return Clone(repo=repo, env=env, base=base, status_before=git_status(repo))


def _answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_make_lab(clone: Clone) -> tuple[Lab, subprocess.Popen[bytes]]:
    """``make lab`` in the clone, on a free loopback port, with the test settings; waits until it answers."""
    port = free_port()
    config = clone.base / "lab_config.py"
    config.write_text(LAB_CONFIG.format(workspaces=str(clone.base / "workspaces")), encoding="utf-8")
    (clone.base / "tmp").mkdir(exist_ok=True)
    args = f"--no-browser --port={port} --ServerApp.port_retries=0 --config={config}"
    env = {
        **clone.env,
        "KIT_LAB_LANGUAGE": "en",  # the menu labels below are English, whatever the system locale
        "JUPYTERLAB_GALATA_ROOT_DIR": str(clone.repo / "my-notebooks"),  # galata's default is a temp dir
        "TMPDIR": str(clone.base / "tmp"),  # galata's configuration makes temporary files
    }
    debug_dir = clone.base / "debug"
    debug_dir.mkdir(exist_ok=True)
    url = f"http://127.0.0.1:{port}/"
    lab = Lab(url=url, root_dir=clone.repo / "my-notebooks", log_path=clone.base / "make-lab.log", debug_dir=debug_dir)
    with open(lab.log_path, "wb") as log:
        process = subprocess.Popen(["bash", "-c", f'make lab ARGS="{args}"'], cwd=clone.repo, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + START_S
    while not _answers(f"{url}api/contents/{LESSON}?content=0"):
        if process.poll() is not None or time.monotonic() > deadline:
            interrupt(process, 2)
            pytest.fail(f"make lab did not serve {LESSON} on port {port}:\n{lab.log_tail()}", pytrace=False)
        time.sleep(0.25)
    return lab, process


def run_lesson(page: Any, lab: Lab) -> str:
    """Open the lesson, Run > Run All Cells, wait for the banner, Ctrl+S. Returns the step timings."""
    steps = Steps(page, lab)
    with steps.step("open the lesson in the workspace"):
        page.goto(f"{lab.url}lab/tree/{LESSON}", timeout=LOAD_MS)
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=LOAD_MS)
        page.wait_for_function(KERNEL_READY, timeout=RUN_ALL_MS)
    with steps.step("Run > Run All Cells"):
        page.locator("#jp-menu-panel .lm-MenuBar-item").filter(has_text="Run").first.click()
        page.locator(".lm-Menu .lm-Menu-itemLabel").filter(has_text="Run All Cells").first.click(timeout=SAVE_MS)
    with steps.step("every cell runs and the banner appears"):
        try:
            page.wait_for_function(RUN_ALL_DONE, timeout=RUN_ALL_MS)
        except Exception as exc:  # noqa: BLE001 - say which cells did not run
            raise AssertionError(f"code cells not run: {page.evaluate(NOT_RUN)}") from exc
        page.locator(".jp-NotebookPanel .jp-OutputArea-output").filter(has_text=BANNER).first.wait_for(timeout=SAVE_MS)
        errors = page.locator('.jp-NotebookPanel [data-mime-type="application/vnd.jupyter.error"]')
        assert errors.count() == 0, f"cells failed: {errors.all_inner_texts()}"
    with steps.step("Ctrl+S saves"):
        page.locator(".jp-NotebookPanel .jp-Notebook").first.click()
        page.keyboard.press("Escape")  # command mode, where Ctrl+S is JupyterLab's Save
        page.keyboard.press("Control+s")
        page.wait_for_function(SAVED, timeout=SAVE_MS)
    return steps.report()


def output_text(notebook: Path) -> str:
    """Every stream and text/plain output of a saved notebook, joined."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    pieces = []
    for cell in cells:
        for output in cell.get("outputs", []):
            pieces.append("".join(output.get("text", "")))
            pieces.append("".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(pieces)


def test_newcomer_runs_lesson_01_and_git_stays_clean(clone: Clone, browser: Any) -> None:
    started = time.monotonic()
    tracked = clone.repo / "notebooks" / LESSON
    tracked_before = digest(tracked)
    lab, process = start_make_lab(clone)
    context = browser.new_context(viewport={"width": 1100, "height": 860})
    try:
        timings = run_lesson(context.new_page(), lab)
    finally:
        context.close()
        stopped = interrupt(process, 2)  # Ctrl+C twice, as the README says
    assert stopped, f"make lab did not stop after two Ctrl+C:\n{lab.log_tail()}"

    saved = clone.repo / "my-notebooks" / LESSON
    # The run's banner names the session simulator's real port (the stored outputs say PORT).
    endpoint = urlsplit(clone.env["OPENAI_BASE_URL"]).netloc
    outputs = output_text(saved)
    assert BANNER in outputs and endpoint in outputs, f"{saved} lacks this run's banner for {endpoint}:\n{outputs[:2000]}"
    assert digest(saved) != tracked_before, "the workspace copy was not saved"
    assert digest(tracked) == tracked_before, f"notebooks/{LESSON} changed"
    status = git_status(clone.repo)
    assert status == clone.status_before and "notebooks/" not in status, (
        f"git status changed after make lab:\nbefore:\n{clone.status_before}\nafter:\n{status}"
    )
    print(f"\nbrowser test: newcomer's path {time.monotonic() - started:.1f} s ({timings})")
