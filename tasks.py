#!/usr/bin/env python3
"""Set-up and everyday tasks for openai-notebook-kit, on any platform.

Usage:
    python3 tasks.py setup               create .venv and install what is needed
    python3 tasks.py lab [-- ARGS]       start JupyterLab on the notebooks folder
    python3 tasks.py test [-- ARGS]      run the tests (ARGS go to pytest)
    python3 tasks.py outputs [-- ARGS]   regenerate the notebooks' stored outputs
    python3 tasks.py bench [-- ARGS]     run the benchmark
    python3 tasks.py fuzz [-- ARGS]      fuzz the offline simulator from the OpenAPI description
                                         (ARGS e.g. --examples 200; default 1000 per operation)
    python3 tasks.py doctor [-- ARGS]    check the set-up (key, .env, endpoint, proxy) and say how to fix it
    python3 tasks.py browser-test [-- ARGS]  only the browser test (needs Chromium);
                                         also refreshes docs/images/playground.png
    python3 tasks.py clean               remove .venv and caches

On Windows use `py tasks.py lab`, `py tasks.py test`, and so on.
Every task except `clean` runs `setup` first; `setup` only reinstalls when
requirements.txt, requirements-dev.txt or pyproject.toml changed.

JupyterLab's interface is in Chinese: `setup` installs jupyter/overrides.json as
a settings default into .venv. For English set KIT_LAB_LANGUAGE=en (for example
`KIT_LAB_LANGUAGE=en make lab`), or pick Settings > Language in JupyterLab.

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

import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import stat  # noqa: E402
import subprocess  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(ROOT, ".venv")
STAMP = os.path.join(VENV, ".kit-install-stamp")
# Files whose contents decide whether the installed packages are up to date.
STAMPED_FILES = ("requirements.txt", "requirements-dev.txt", "pyproject.toml")
IS_WINDOWS = os.name == "nt"

# JupyterLab settings defaults shipped with the kit (the interface language).
LAB_OVERRIDES_SOURCE = os.path.join(ROOT, "jupyter", "overrides.json")
# Installed under overrides.d/ rather than as overrides.json: jupyterlab_server reads
# every overrides.d/*.json first and the singleton overrides.json last, so a learner's
# own overrides.json is never overwritten and still wins.
LAB_OVERRIDES_NAME = "openai-notebook-kit.json"
TRANSLATION_PLUGIN = "@jupyterlab/translation-extension:plugin"
# KIT_LAB_LANGUAGE values -> JupyterLab locales ("en" is JupyterLab's built-in English).
LAB_LOCALES = {"zh": "zh_CN", "zh_cn": "zh_CN", "en": "en", "en_us": "en"}
BROWSER_TEST_DIR = os.path.join("tests", "browser")
DEFAULT_CHROMIUM = "/usr/bin/chromium"


class TaskError(Exception):
    """A step failed; the message says what to do. Carries the exit code."""

    def __init__(self, message, code=1):
        Exception.__init__(self, message)
        self.code = code


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


def requirements_hash():
    digest = hashlib.sha256()
    for name in STAMPED_FILES:
        digest.update(name.encode("utf-8") + b"\0")
        path = os.path.join(ROOT, name)
        try:
            with open(path, "rb") as handle:
                # Ignore Windows/Unix line-ending differences (git autocrlf).
                digest.update(handle.read().replace(b"\r\n", b"\n"))
        except FileNotFoundError:
            digest.update(b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def read_stamp():
    try:
        with open(STAMP, "r", encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def write_stamp(value):
    with open(STAMP, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")


def remove_stamp():
    try:
        os.remove(STAMP)
    except FileNotFoundError:
        pass


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
    say("Creating the virtual environment in .venv ...")
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


def lab_locale(language):
    """JupyterLab locale for a KIT_LAB_LANGUAGE value ("" means the kit's default)."""
    key = language.strip().lower().replace("-", "_")
    if not key:
        return None
    if key not in LAB_LOCALES:
        raise TaskError(
            "KIT_LAB_LANGUAGE={0!r} is not a language the kit knows. Use zh (Chinese, the "
            "default) or en (English), or unset it.".format(language),
            2,
        )
    return LAB_LOCALES[key]


def lab_overrides_text(language):
    """The kit's JupyterLab settings defaults as JSON text, in the given UI language."""
    with open(LAB_OVERRIDES_SOURCE, "r", encoding="utf-8") as handle:
        overrides = json.load(handle)
    locale = lab_locale(language)
    if locale:
        overrides.setdefault(TRANSLATION_PLUGIN, {})["locale"] = locale
    return json.dumps(overrides, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def install_lab_settings(settings_dir, language):
    """Write the kit's settings defaults into a JupyterLab settings folder.

    ``settings_dir`` is ``<prefix>/share/jupyter/lab/settings``. Returns the path if the
    file was (re)written, None if it was already current, so repeated runs cost one read.
    """
    target = os.path.join(settings_dir, "overrides.d", LAB_OVERRIDES_NAME)
    wanted = lab_overrides_text(language)
    try:
        with open(target, "r", encoding="utf-8") as handle:
            if handle.read() == wanted:
                return None
    except OSError:
        pass
    os.makedirs(os.path.dirname(target), exist_ok=True)
    partial = target + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(wanted)
    os.replace(partial, target)
    return target


def _other_lab_locale(settings_dir):
    """The locale a learner's own overrides.json sets, if any (it wins over the kit's)."""
    try:
        with open(os.path.join(settings_dir, "overrides.json"), "r", encoding="utf-8") as handle:
            return json.load(handle).get(TRANSLATION_PLUGIN, {}).get("locale")
    except (OSError, ValueError, AttributeError):
        return None


def setup_lab_settings():
    """Keep .venv's JupyterLab defaults in step with jupyter/overrides.json and KIT_LAB_LANGUAGE."""
    settings_dir = os.path.join(VENV, "share", "jupyter", "lab", "settings")
    language = os.environ.get("KIT_LAB_LANGUAGE", "")
    try:
        written = install_lab_settings(settings_dir, language)
    except (OSError, ValueError) as exc:
        raise TaskError("Could not install the JupyterLab settings from jupyter/overrides.json: {0}".format(exc))
    wanted = json.loads(lab_overrides_text(language)).get(TRANSLATION_PLUGIN, {}).get("locale")
    if written:
        say("setup: JupyterLab interface language {0} (KIT_LAB_LANGUAGE=en or zh switches it)".format(wanted))
    other = _other_lab_locale(settings_dir)
    if other and other != wanted:
        say(
            "setup: note: {0} sets the JupyterLab language to {1!r}; it wins over the kit's "
            "{2!r}. Edit or remove that file to use the kit's setting.".format(
                os.path.join(settings_dir, "overrides.json"), other, wanted
            )
        )


def setup():
    create_venv()
    wanted = requirements_hash()
    if read_stamp() == wanted:
        say("setup: dependencies up to date (.venv)")
        setup_lab_settings()
        return
    say("setup: installing the kit and its requirements into .venv ...")
    # Drop the old stamp first: an interrupted install must never look complete.
    remove_stamp()
    run_step(
        [venv_python(), "-m", "pip", "install", "-e", ".", "-r", "requirements-dev.txt"],
        "Installing the requirements failed (see pip's message above). "
        "Check your network / proxy, then run the command again.",
    )
    write_stamp(wanted)
    setup_lab_settings()
    say("setup: done")


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


def _env_file_has_key(path):
    """True if the .env file sets OPENAI_API_KEY to something non-empty."""
    try:
        with open(path, "r", encoding="utf-8-sig", errors="replace") as handle:
            lines = handle.readlines()
    except OSError:
        return False
    for line in lines:
        line = line.strip()
        if line.startswith("export "):
            line = line[len("export "):].strip()
        key, sep, value = line.partition("=")
        if not sep or key.strip() != "OPENAI_API_KEY":
            continue
        value = value.split(" #", 1)[0].strip().strip("'\"").strip()
        if value:
            return True
    return False


def describe_key():
    """One line about the API key (never prints the key itself)."""
    env_file = os.path.join(ROOT, ".env")
    if os.environ.get("OPENAI_API_KEY", "").strip():
        where = "found in the environment (OPENAI_API_KEY)"
    elif _env_file_has_key(env_file):
        where = "found in .env"
    else:
        where = None
    # Same rule as helpers/config.py.
    offline_forced = os.environ.get("KIT_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
    if os.environ.get("KIT_SIMULATOR_URL", "").strip() and not os.environ.get("OPENAI_BASE_URL", "").strip():
        offline_forced = True
    if where and offline_forced:
        return "API key {0}, but KIT_OFFLINE or KIT_SIMULATOR_URL is set: notebooks run in offline simulation mode.".format(where)
    if where:
        return "API key {0}: notebooks will call the real API (this may cost money).".format(where)
    return (
        "No API key found (OPENAI_API_KEY or .env): notebooks run in offline "
        "simulation mode. To use the real API, copy .env.example to .env and fill in your key."
    )


def cmd_setup(extra):
    if extra:
        raise TaskError("setup takes no extra arguments.", 2)
    setup()
    return 0


def cmd_lab(extra):
    setup()
    say(describe_key())
    command = [venv_python(), "-m", "jupyter", "lab", "--notebook-dir=notebooks"]
    # Jupyter refuses to start as root unless told; containers and Codespaces often run as root.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return run_tool(command + extra)


def cmd_test(extra):
    setup()
    return run_tool([venv_python(), "-m", "pytest"] + extra)


def chromium_path():
    """The Chromium the browser test drives (KIT_CHROMIUM overrides the Debian path)."""
    return os.environ.get("KIT_CHROMIUM", "").strip() or DEFAULT_CHROMIUM


def cmd_browser_test(extra):
    setup()
    browser = chromium_path()
    if not os.path.isfile(browser):
        raise TaskError(
            "The browser test needs Chromium at {0}, which does not exist.\n"
            "On Debian/Ubuntu: `sudo apt-get install chromium`; elsewhere set KIT_CHROMIUM to "
            "a Chromium or Chrome executable. (Do not run `playwright install`: the test uses "
            "the system browser.)".format(browser)
        )
    # Refresh docs/images/playground.png (plain `test` only writes it when it is missing).
    os.environ["KIT_UPDATE_SCREENSHOT"] = "1"
    return run_tool([venv_python(), "-m", "pytest", BROWSER_TEST_DIR] + extra)


def cmd_outputs(extra):
    setup()
    return run_tool([venv_python(), os.path.join("tools", "regen_outputs.py")] + extra)


def cmd_bench(extra):
    setup()
    script = os.path.join("bench", "run.py")
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
    "browser-test": cmd_browser_test,
    "clean": cmd_clean,
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
