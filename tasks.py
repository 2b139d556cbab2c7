#!/usr/bin/env python3
"""Set-up and everyday tasks for openai-notebook-kit, on any platform.

Usage:
    python3 tasks.py setup [--dev]       create .venv and install what learners need
                                         (--dev: also what the tests need)
    python3 tasks.py lab [-- ARGS]       start JupyterLab on your workspace my-notebooks/
    python3 tasks.py fresh [LESSON]      a fresh copy of one lesson (e.g. zh/03_vision) or all;
                                         your copy is kept beside it as a backup
    python3 tasks.py changed             lessons updated upstream since your copy was made
    python3 tasks.py test [-- ARGS]      run the tests (ARGS go to pytest)
    python3 tasks.py outputs [-- ARGS]   regenerate the notebooks' stored outputs
    python3 tasks.py bench [-- ARGS]     run the benchmark (--setup: the set-up's time and size)
    python3 tasks.py fuzz [-- ARGS]      fuzz the offline simulator from the OpenAPI description
                                         (ARGS e.g. --examples 200; default 1000 per operation)
    python3 tasks.py doctor [-- ARGS]    check the set-up (key, .env, endpoint, proxy) and say how to fix it
    python3 tasks.py relay [-- ARGS]     the teacher's relay: share your API key with a room, with limits
                                         (e.g. --class-list student_keys.csv --host 0.0.0.0 --rpm 20;
                                         --help lists them; see docs/teaching.md)
    python3 tasks.py browser-test [-- ARGS]  only the browser test (needs Chromium);
                                         also refreshes docs/images/playground.png
    python3 tasks.py clean               remove .venv and caches

On Windows use `py tasks.py lab`, `py tasks.py test`, and so on.
Every task except `clean`, `fresh` and `changed` runs `setup` first. `lab`, `doctor` and
`relay` install requirements.txt only; `test`, `outputs`, `bench` and `browser-test` add
requirements-dev.txt. Each layer is reinstalled only when its files changed. The
installer is uv (fetched with pip if needed; KIT_INSTALLER=pip forces pip); a package
index mirror is used when PIP_INDEX_URL (or UV_INDEX_URL) is set, for example
`PIP_INDEX_URL=https://pypi.tuna.tsinghua.edu.cn/simple make lab`.

Lessons stay pristine: `lab` serves my-notebooks/ (git-ignored), filled from notebooks/
without ever overwriting your copies (tools/workspace.py).

JupyterLab's interface follows the system language (Chinese for a Chinese locale, else
English); KIT_LAB_LANGUAGE=zh or en overrides it (for example `KIT_LAB_LANGUAGE=en make lab`),
or pick Settings > Language in JupyterLab. `setup` installs jupyter/overrides.json (also: no
news pop-up) and jupyter/jupyter_server_config.json (kernels over IPC) into .venv.

This file uses only the standard library. Its syntax is kept old on purpose
(no f-strings, no annotations) so that an old Python can still read it and
print a clear message instead of a SyntaxError.
"""
from __future__ import print_function

import sys

MIN_PYTHON = (3, 11)


def check_python():
    """Exit with a clear message if this Python is too old."""
    if sys.version_info[:2] >= MIN_PYTHON:
        return
    print(
        "This kit needs Python {0}.{1} or newer, but this is Python {2}.{3} ({4}).\n"
        "Install a newer Python from https://www.python.org/downloads/ (or your "
        "package manager), then run this command again with it, for example:\n"
        "    python3.11 tasks.py setup      (macOS / Linux)\n"
        "    py -3.11 tasks.py setup        (Windows)\n"
        "    make setup PYTHON=python3.11   (with make)".format(
            MIN_PYTHON[0], MIN_PYTHON[1],
            sys.version_info[0], sys.version_info[1], sys.executable,
        )
    )
    sys.exit(1)


# Check before importing anything that an old Python might lack.
check_python()

import os  # noqa: E402
import shutil  # noqa: E402
import stat  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

from tools import installer, lab_settings, venv_setup, workspace  # noqa: E402
from tools.errors import TaskError  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(ROOT, ".venv")
INSTALL_LOG = os.path.join(VENV, "kit-install.log")
IS_WINDOWS = os.name == "nt"
WORKSPACE = os.path.join(ROOT, "my-notebooks")

# Kept here for callers of tasks.py (the browser test installs the same settings file).
install_lab_settings = lab_settings.install_lab_settings
BROWSER_TEST_DIR = os.path.join("tests", "browser")
DEFAULT_CHROMIUM = "/usr/bin/chromium"


def say(message):
    print(message, flush=True)


def venv_bin_dir():
    return os.path.join(VENV, "Scripts" if IS_WINDOWS else "bin")


def venv_python():
    return os.path.join(venv_bin_dir(), "python.exe" if IS_WINDOWS else "python")


def child_env():
    """Environment for sub-steps: the venv comes first on PATH, quiet pip."""
    env = os.environ.copy()
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["VIRTUAL_ENV"] = VENV
    env["PATH"] = venv_bin_dir() + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    # The notebooks contain Chinese text: make file I/O default to UTF-8 on
    # Windows too (the user can still override it).
    env.setdefault("PYTHONUTF8", "1")
    return env


def _make_writable_and_retry(func, path, _info):
    # Windows refuses to delete read-only files (e.g. inside .git or wheels).
    os.chmod(path, stat.S_IWRITE)
    func(path)


def remove_tree(path):
    if not os.path.lexists(path):
        return
    if os.path.islink(path) or os.path.isfile(path):
        os.remove(path)
    elif sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=_make_writable_and_retry)
    else:
        shutil.rmtree(path, onerror=_make_writable_and_retry)


def venv_is_usable():
    """True if .venv has a python whose base interpreter still exists."""
    if not os.path.isfile(venv_python()):
        return False
    # pyvenv.cfg's `home` is the folder of the Python that made the venv; if
    # that Python was removed or upgraded away, the venv cannot start.
    try:
        with open(os.path.join(VENV, "pyvenv.cfg"), "r", encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.partition("=")
                if key.strip() == "home":
                    return os.path.isdir(value.strip())
    except OSError:
        return False
    return True


def run_step(cmd, failure_message):
    """Run a set-up step; on failure raise TaskError with a friendly message."""
    try:
        subprocess.run(cmd, cwd=ROOT, env=child_env(), check=True)
    except subprocess.CalledProcessError as exc:
        raise TaskError(failure_message, exc.returncode or 1)
    except OSError as exc:
        raise TaskError("{0}\n({1})".format(failure_message, exc))


def create_venv():
    if os.path.isdir(VENV) and not venv_is_usable():
        say("The .venv folder is broken or was made by a Python that is gone; recreating it.")
        remove_tree(VENV)
    if os.path.isdir(VENV):
        return
    say("setup: creating .venv with Python {0} ...".format(".".join(map(str, sys.version_info[:3]))))
    hint = "Creating the virtual environment (.venv) failed (see the message above)."
    if sys.platform.startswith("linux"):
        hint += (
            "\nOn Debian/Ubuntu install the venv module first, e.g. "
            "`sudo apt install python3-venv`, then run the command again."
        )
    try:
        run_step([sys.executable, "-m", "venv", VENV], hint)
    except TaskError:
        remove_tree(VENV)  # do not leave a half-made venv behind
        raise


def setup(dev=False):
    """Create .venv and install requirements.txt (and requirements-dev.txt when dev)."""
    started = time.monotonic()
    create_venv()
    tool = installer.Installer(python=venv_python(), env=installer.installer_env(child_env()),
                               log_path=INSTALL_LOG, say=say)
    installed = venv_setup.install_layers(tool, ROOT, VENV, dev, say, os.environ)
    venv_setup.setup_lab_settings(VENV, os.environ.get("KIT_LAB_LANGUAGE", ""), say)
    if installed:
        say("setup: done in {0:.1f} s with {1} (log: {2})".format(
            time.monotonic() - started, tool.name, os.path.relpath(INSTALL_LOG, ROOT)))
    else:
        say("setup: dependencies up to date (.venv)")


def run_tool(cmd):
    """Run a long-running tool in the venv and return its exit code.

    Ctrl+C goes to the child too (same console); we keep waiting so that the
    child (e.g. JupyterLab asking "Shutdown this Jupyter server?") handles it.
    """
    try:
        process = subprocess.Popen(cmd, cwd=ROOT, env=child_env())
    except OSError as exc:
        raise TaskError("Could not start {0}: {1}".format(cmd[0], exc))
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


def mode_line():
    """What get_client() would print here: its notes and its mode line (never the key).

    Asked from the project environment (`python -m helpers.config --mode-line`), so the rule
    lives in one place: helpers/config.py.
    """
    env = child_env()
    env["PYTHONIOENCODING"] = "utf-8"  # Chinese text through the pipe, whatever the console's code page
    try:
        run = subprocess.run(
            [venv_python(), "-m", "helpers.config", "--mode-line"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            encoding="utf-8", errors="replace", timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if run.returncode != 0:
        return None
    return run.stdout.strip() or None


def cmd_setup(extra):
    if extra not in ([], ["--dev"]):
        raise TaskError("setup takes no extra arguments except --dev (also install requirements-dev.txt).", 2)
    setup(dev=extra == ["--dev"])
    return 0


def prepare_workspace():
    """Fill my-notebooks/ from notebooks/ (never overwriting); say what changed upstream."""
    space = workspace.Workspace(dest=workspace.Path(WORKSPACE))
    copied = space.fill()
    if copied:
        say("lab: copied {0} file(s) from notebooks/ into my-notebooks/ (your workspace; "
            "notebooks/ stays untouched)".format(len(copied)))
    updated = [name for name, status in space.changed() if status.startswith("updated")]
    if updated:
        say("lab: {0} lesson(s) changed upstream since your copy: `make changed` lists them, "
            "`make fresh LESSON=...` takes a fresh copy (yours is kept).".format(len(updated)))
    return os.path.relpath(WORKSPACE, ROOT)


def cmd_lab(extra):
    setup()
    line = mode_line()
    if line:
        say(line)
    command = [venv_python(), "-m", "jupyter", "lab", "--notebook-dir=" + prepare_workspace()]
    # Jupyter refuses to start as root unless told; containers and Codespaces often run as root.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return run_tool(command + extra)


def cmd_test(extra):
    setup(dev=True)
    return run_tool([venv_python(), "-m", "pytest"] + extra)


def chromium_path():
    """The Chromium the browser test drives (KIT_CHROMIUM overrides the Debian path)."""
    return os.environ.get("KIT_CHROMIUM", "").strip() or DEFAULT_CHROMIUM


def cmd_browser_test(extra):
    setup(dev=True)
    browser = chromium_path()
    if not os.path.isfile(browser):
        raise TaskError(
            "The browser test needs Chromium at {0}, which does not exist.\n"
            "On Debian/Ubuntu: `sudo apt-get install chromium`; elsewhere set KIT_CHROMIUM to "
            "a Chromium or Chrome executable. (Do not run `playwright install`: the test uses "
            "the system browser.)".format(browser)
        )
    # Refresh docs/images/playground.png (plain `test` only writes it when it is missing).
    return run_tool([venv_python(), "-m", "pytest", BROWSER_TEST_DIR, "--update-screenshot"] + extra)


def cmd_outputs(extra):
    setup(dev=True)
    return run_tool([venv_python(), os.path.join("tools", "regen_outputs.py")] + extra)


def cmd_bench(extra):
    setup(dev=True)
    # --setup: the first set-up's time and size instead (bench/setup.py, several minutes).
    script = os.path.join("bench", "setup.py" if "--setup" in extra else "run.py")
    extra = [arg for arg in extra if arg != "--setup"]
    if not os.path.isfile(os.path.join(ROOT, script)):
        raise TaskError("{0} does not exist in this checkout.".format(script))
    return run_tool([venv_python(), script] + extra)


def cmd_fuzz(extra):
    setup()
    # Schemathesis, deep: every implemented operation, positive and negative data; prints its figures.
    return run_tool([venv_python(), os.path.join("tools", "fuzz_openapi.py")] + extra)


def cmd_doctor(extra):
    setup()
    # ARGS go to the doctor: --offline (no network checks), --lang en|zh.
    return run_tool([venv_python(), "-m", "helpers.doctor"] + extra)


def cmd_relay(extra):
    setup()
    # ARGS go to the relay: --class-list CSV, --host, --port, --rpm, --student-usd, --record ...
    return run_tool([venv_python(), "-m", "helpers.relay"] + extra)


def cmd_fresh(extra):
    """A fresh copy of one lesson (or all); the learner's copy is kept as a backup."""
    if len(extra) > 1:
        raise TaskError("fresh takes one lesson, e.g. zh/03_vision (none: every lesson).", 2)
    return workspace.main(["fresh"] + extra + ["--dest", WORKSPACE])


def cmd_changed(extra):
    if extra:
        raise TaskError("changed takes no extra arguments.", 2)
    return workspace.main(["changed", "--dest", WORKSPACE])


CACHE_DIR_NAMES = ("__pycache__", ".pytest_cache", ".ipynb_checkpoints")


def cmd_clean(extra):
    if extra:
        raise TaskError("clean takes no extra arguments.", 2)
    removed = []
    for name in (".venv", ".pytest_cache", "build", "dist"):
        path = os.path.join(ROOT, name)
        if os.path.lexists(path):
            remove_tree(path)
            removed.append(name)
    for dirpath, dirnames, _files in os.walk(ROOT):
        for name in list(dirnames):
            if name == ".git" or name == "node_modules":
                dirnames.remove(name)
            elif name in CACHE_DIR_NAMES or name.endswith(".egg-info"):
                path = os.path.join(dirpath, name)
                remove_tree(path)
                removed.append(os.path.relpath(path, ROOT))
                dirnames.remove(name)
    say("clean: removed " + (", ".join(removed) if removed else "nothing (already clean)"))
    return 0


COMMANDS = {
    "setup": cmd_setup,
    "lab": cmd_lab,
    "test": cmd_test,
    "outputs": cmd_outputs,
    "bench": cmd_bench,
    "fuzz": cmd_fuzz,
    "doctor": cmd_doctor,
    "relay": cmd_relay,
    "browser-test": cmd_browser_test,
    "clean": cmd_clean,
    "fresh": cmd_fresh,
    "changed": cmd_changed,
}


def usage():
    # The module docstring is the help text.
    return (__doc__ or "").strip()


def main(argv):
    if not argv or argv[0] in ("-h", "--help", "help"):
        say(usage())
        return 0 if argv else 2
    name, extra = argv[0], argv[1:]
    # `tasks.py test -- -k models` and `tasks.py test -k models` both work.
    if extra and extra[0] == "--":
        extra = extra[1:]
    command = COMMANDS.get(name)
    if command is None:
        say("Unknown task {0!r}. Tasks: {1}.".format(name, ", ".join(sorted(COMMANDS))))
        return 2
    try:
        return command(extra)
    except TaskError as exc:
        print("\n" + str(exc), file=sys.stderr, flush=True)
        return exc.code
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr, flush=True)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
