"""A JupyterLab server and a headless Chromium for the browser tests.

The server is a real ``jupyter lab`` subprocess on loopback, configured with JupyterLab's
own test settings (``jupyterlab.galata.configure_jupyter_server``: no token, no XSRF
check). It serves a temporary COPY of ``notebooks/`` so that autosave can never touch the
lessons, and runs with temporary HOME and Jupyter folders so a developer's own settings
(for example a language picked in the menu) cannot change what the test sees. Its kernels
inherit the sealed environment of the root ``conftest.py``: they talk to the session's
offline simulator and can reach nothing else.

The browser is the system Chromium (Debian package ``chromium``) driven by Playwright
through ``executable_path``; ``playwright install`` (which downloads a browser) is never
needed. Without Chromium or Playwright every test here is skipped with the reason, unless
``KIT_REQUIRE_BROWSER_TEST=1`` (set by ``.ci/run`` once Chromium is installed) turns the
skip into a failure, so CI cannot pass without running them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import tasks

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = tasks.chromium_path()
# Headless, and quiet on the network: without the background-networking flags Chromium
# keeps trying (and failing) to reach Google's services.
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 60
SERVER_STOP_TIMEOUT_S = 20
# A variable only this run's server and its kernels carry, to find any left behind.
RUN_MARKER = "KIT_BROWSER_TEST_RUN"

# The server's settings, on top of JupyterLab's own test configuration.
SERVER_CONFIG = """\
from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = {port}
c.ServerApp.allow_root = True  # CI runs as root
c.ServerApp.root_dir = {root!r}
# Stands in for <sys.prefix>/share/jupyter/lab/settings, where `tasks.py setup` puts the
# kit's overrides for .venv: same layout, without touching the environment running the test.
c.LabApp.app_settings_dir = {settings!r}
c.LabApp.workspaces_dir = {workspaces!r}
# Nothing from the internet: no news feed, no update check, no extension listing.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"
"""
# The interface language the test expects. The kit's default follows the system locale,
# so the test names its language explicitly (as KIT_LAB_LANGUAGE=zh would).
LAB_LANGUAGE = "zh"


def _missing_requirement() -> str | None:
    """Why the browser tests cannot run here, or None if they can."""
    if not os.path.isfile(CHROMIUM):
        return (
            f"Chromium not found at {CHROMIUM} (install it with `apt-get install chromium`, "
            "or set KIT_CHROMIUM to a Chromium executable)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python package playwright is not installed (it is in requirements-dev.txt)"
    return None


def require_browser() -> None:
    """Skip (or, under KIT_REQUIRE_BROWSER_TEST=1, fail) when the browser test cannot run."""
    reason = _missing_requirement()
    if reason is None:
        return
    if os.environ.get("KIT_REQUIRE_BROWSER_TEST", "").strip() == "1":
        # CI installed Chromium: a missing piece must fail the run, not skip quietly.
        pytest.fail(f"KIT_REQUIRE_BROWSER_TEST=1 but {reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-screenshot``, which ``make browser-test`` passes (registered when pytest is given this folder)."""
    parser.addoption("--update-screenshot", action="store_true",
                     help="write docs/images/playground.png even when it exists")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class Lab:
    """A running JupyterLab: where it listens and what it serves."""

    url: str
    root_dir: Path
    log_path: Path
    debug_dir: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Loopback only: bypass the dead proxy the sealed environment sets for everything else.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _request(url: str, method: str = "GET", timeout: float = 5) -> Any:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with _LOCAL.open(request, timeout=timeout) as response:
        body = response.read()
    return json.loads(body) if body else None


def _wait_until_up(url: str, process: subprocess.Popen[bytes], lab: Lab) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {process.returncode} while starting:\n{lab.log_tail()}", pytrace=False)
        try:
            _request(f"{url}api/status", timeout=2)
            return
        except (urllib.error.URLError, OSError, ValueError):
            time.sleep(0.25)
    pytest.fail(f"JupyterLab did not answer on {url} within {SERVER_START_TIMEOUT_S} s:\n{lab.log_tail()}", pytrace=False)


def _marked_pids(marker: str) -> list[int]:
    """Processes (the server, its kernels) whose environment carries this run's marker."""
    needle = f"{RUN_MARKER}={marker}".encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue  # gone, or not ours to read
    return [pid for pid in found if pid != os.getpid()]


def _stop(url: str, process: subprocess.Popen[bytes], marker: str) -> list[int]:
    """Stop the server and its kernels, politely first. Returns the pids that had to be killed."""
    try:
        _request(f"{url}api/shutdown", method="POST", timeout=5)  # shuts the kernels down too
    except (urllib.error.URLError, OSError, ValueError):
        process.send_signal(signal.SIGTERM)  # the server also cleans up its kernels on SIGTERM
    try:
        process.wait(timeout=SERVER_STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    leftovers = _marked_pids(marker) if os.path.isdir("/proc") else []
    for pid in leftovers:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return leftovers


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A JupyterLab serving a copy of notebooks/, in Chinese, with the kit's shipped settings."""
    require_browser()
    base = tmp_path_factory.mktemp("lab")
    root_dir = base / "notebooks"
    shutil.copytree(ROOT / "notebooks", root_dir, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    settings_dir = base / "app-settings"
    # The exact file and code path `tasks.py setup` uses for .venv (it also turns off the
    # "receive Jupyter news?" toast that would cover the screenshot), in Chinese.
    tasks.install_lab_settings(str(settings_dir), LAB_LANGUAGE)
    for name in ("home", "config", "data", "runtime", "workspaces", "tmp"):
        (base / name).mkdir()
    port = _free_port()
    config = base / "jupyter_lab_config.py"
    config.write_text(
        SERVER_CONFIG.format(
            port=port, root=str(root_dir), settings=str(settings_dir), workspaces=str(base / "workspaces")
        ),
        encoding="utf-8",
    )
    marker = uuid.uuid4().hex
    env = {
        **os.environ,  # sealed by the root conftest: kernels reach only the simulator
        "HOME": str(base / "home"),
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_DATA_DIR": str(base / "data"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "IPYTHONDIR": str(base / "home" / ".ipython"),
        "JUPYTERLAB_GALATA_ROOT_DIR": str(root_dir),
        "TMPDIR": str(base / "tmp"),  # galata's configuration makes temporary files
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",  # the log is complete when a failure message quotes it
        RUN_MARKER: marker,
    }
    for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTERLAB_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
        env.pop(name, None)
    url = f"http://127.0.0.1:{port}/"
    debug_dir = base / "debug"
    debug_dir.mkdir()
    lab = Lab(url=url, root_dir=root_dir, log_path=base / "server.log", debug_dir=debug_dir)
    with open(lab.log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", f"--config={config}", "--no-browser"],
            cwd=base, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, process, lab)
        yield lab
    finally:
        leftovers = _stop(url, process, marker)
        if leftovers:
            print(f"browser test: killed processes left behind by JupyterLab: {leftovers}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless system Chromium through Playwright."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
