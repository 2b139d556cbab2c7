"""The kit's own editable install into ``.venv``, written directly (no build backend run).

``tasks.py setup`` used to pass ``-e .`` to uv (or pip), next to ``-r requirements.txt``. That is
correct but slow: the installer makes an isolated build environment with setuptools (fetched from
the index on a cold cache), runs setuptools once for the metadata (the dependencies are dynamic,
read from requirements.txt) and once more for the editable wheel: about 3 s of a 6-7 s first
set-up, for a project with no compiled code. The other ways weighed:

* ``--no-build-isolation`` with setuptools in the venv: measured no faster (3.4 s, two resolver
  runs plus the upgrade from the venv's setuptools 65 to >= 77). Running setuptools is the cost,
  not the isolation, and Python 3.12+ venvs have no setuptools at all.
* ``-e .`` in the same uv call: that is what was measured; one resolver run already.

So the installer only installs ``requirements.txt`` and this module writes what a PEP 660 editable
install of this project consists of, in milliseconds:

* ``_openai_notebook_kit_editable.py``: a meta-path finder that maps the project's top-level
  packages (``[tool.setuptools.packages.find] include``, today just ``helpers``) to the checkout,
  as setuptools' own editable finder does for a flat layout. Only those names become importable,
  not ``tasks``, ``tools`` or ``tests`` from the repository root (a ``.pth`` listing the root
  would expose them to every program in the venv);
* ``_openai_notebook_kit_editable.pth``: the line that loads that finder at start-up, so
  ``import helpers`` works from any folder and in every kernel of the venv;
* ``openai_notebook_kit-<version>.dist-info`` with ``METADATA`` (name, version, ``Requires-Dist``
  from requirements.txt, read by ``importlib.metadata`` and the doctor), ``INSTALLER``,
  ``direct_url.json`` (``dir_info.editable``: ``pip list`` shows the project location) and a
  ``RECORD`` of every file, so ``pip uninstall`` and ``uv pip uninstall`` remove it cleanly.

An earlier install of the kit (setuptools' editable files, or a regular install) is removed first,
by its RECORD. ``pyproject.toml`` keeps its setuptools build backend for everyone else
(``pip install -e .``, Colab, a wheel). Standard library only.
"""

from __future__ import annotations

import base64
import csv
import fnmatch
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Mapping
from pathlib import Path

from tools import installer

MODULE_NAME = "_openai_notebook_kit_editable"
INSTALLER_NAME = "openai-notebook-kit tasks.py"
PURELIB_CODE = "import sysconfig; print(sysconfig.get_path('purelib'))"

FINDER_TEMPLATE = '''\
"""Editable install of {name}: {packages} imported from {root} (written by its tasks.py setup)."""

import sys
from importlib.machinery import PathFinder

ROOT = {root!r}
PACKAGES = frozenset({packages!r})


class KitEditableFinder:
    """Finds the kit's top-level packages in its checkout; everything else is left to the others."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname in PACKAGES:
            return PathFinder.find_spec(fullname, [ROOT])
        return None


if not any(getattr(finder, "__name__", "") == "KitEditableFinder" for finder in sys.meta_path):
    sys.meta_path.append(KitEditableFinder)
'''


class EditableError(Exception):
    """The editable install could not be written; the message says why."""


def normalize(name: str) -> str:
    """A distribution name as it appears in a ``.dist-info`` folder name (PEP 503, with ``_``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def project_info(root: str) -> dict[str, object]:
    """Name, version, summary, Python range, licence, top-level packages and requirements."""
    try:
        with open(os.path.join(root, "pyproject.toml"), "rb") as handle:
            pyproject = tomllib.load(handle)
        project = pyproject["project"]
        includes = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
        info = {key: str(project[key]) for key in ("name", "version")}
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise EditableError(f"pyproject.toml has no usable [project] name and version and "
                            f"[tool.setuptools.packages.find] include ({exc!r})") from exc
    info.update(summary=str(project.get("description", "")), python=str(project.get("requires-python", "")),
                license=str(project.get("license", "")))
    packages = sorted(entry.name for entry in os.scandir(root)
                      if entry.is_dir() and os.path.isfile(os.path.join(entry.path, "__init__.py"))
                      and any(fnmatch.fnmatchcase(entry.name, pattern) for pattern in includes))
    if not packages:
        raise EditableError(f"no package folder in {root} matches pyproject.toml's include {includes!r}")
    try:
        requires = installer.requirement_lines([os.path.join(root, "requirements.txt")])
    except OSError as exc:
        raise EditableError(f"could not read requirements.txt ({exc})") from exc
    info.update(packages=packages, requires=requires)
    return info


def metadata_text(info: Mapping[str, object]) -> str:
    """Core metadata 2.1: what ``importlib.metadata`` and the installers read."""
    lines = ["Metadata-Version: 2.1", f"Name: {info['name']}", f"Version: {info['version']}"]
    lines += [f"{field}: {info[key]}" for field, key in
              (("Summary", "summary"), ("License", "license"), ("Requires-Python", "python")) if info[key]]
    lines += [f"Requires-Dist: {line}" for line in info["requires"]]  # type: ignore[union-attr]
    return "\n".join(lines) + "\n"


def site_packages(python: str, env: Mapping[str, str]) -> str:
    """The venv's site-packages, as its own Python names it (``Lib/...`` on Windows)."""
    try:
        run = subprocess.run([python, "-c", PURELIB_CODE], env=dict(env), capture_output=True,
                             text=True, stdin=subprocess.DEVNULL, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise EditableError(f"could not ask {python} for its site-packages ({exc})") from exc
    found = (run.stdout or "").strip()
    if run.returncode != 0 or not found or not os.path.isdir(found):
        raise EditableError(f"{python} did not name an existing site-packages folder "
                            f"(exit code {run.returncode}: {(run.stderr or found).strip()[-300:]})")
    return found


def installed_dist_infos(site: str, name: str) -> list[str]:
    """``.dist-info`` folders in ``site`` that belong to the distribution ``name``."""
    wanted = normalize(name)
    return sorted(os.path.join(site, entry) for entry in os.listdir(site)
                  if entry.endswith(".dist-info") and normalize(entry[:-len(".dist-info")].rsplit("-", 1)[0]) == wanted)


def remove_installed(site: str, name: str) -> list[str]:
    """Uninstall ``name`` from ``site`` by its RECORD (files outside ``site`` are left alone)."""
    removed = []
    base = Path(site).resolve()
    for dist_info in installed_dist_infos(site, name):
        try:
            with open(os.path.join(dist_info, "RECORD"), encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))
        except OSError:
            rows = []
        for row in rows:
            if not row:
                continue
            path = (base / row[0]).resolve()
            if path.is_relative_to(base) and path.is_file():
                path.unlink()
                removed.append(row[0])
        shutil.rmtree(dist_info, ignore_errors=True)
        removed.append(os.path.basename(dist_info))
    return removed


def record_row(relative: str, data: bytes) -> list[str]:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return [relative, f"sha256={digest}", str(len(data))]


def editable_files(root: str, info: Mapping[str, object]) -> dict[str, bytes]:
    """Path inside site-packages (``/``-separated) -> content, RECORD last."""
    dist_info = f"{normalize(str(info['name']))}-{info['version']}.dist-info"
    direct_url = {"url": Path(root).resolve().as_uri(), "dir_info": {"editable": True}}
    finder = FINDER_TEMPLATE.format(name=info["name"], root=str(Path(root).resolve()),
                                    packages=tuple(info["packages"]))  # type: ignore[arg-type]
    files = {
        f"{MODULE_NAME}.py": finder,
        f"{MODULE_NAME}.pth": f"import {MODULE_NAME}\n",
        f"{dist_info}/METADATA": metadata_text(info),
        f"{dist_info}/INSTALLER": INSTALLER_NAME + "\n",
        f"{dist_info}/REQUESTED": "",
        f"{dist_info}/direct_url.json": json.dumps(direct_url, separators=(",", ":")),
        f"{dist_info}/top_level.txt": "\n".join(info["packages"]) + "\n",  # type: ignore[arg-type]
    }
    encoded = {path: text.encode("utf-8") for path, text in files.items()}
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    writer.writerows(record_row(path, data) for path, data in encoded.items())
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    encoded[f"{dist_info}/RECORD"] = record.getvalue().encode("utf-8")
    return encoded


def install(root: str, site: str) -> list[str]:
    """Write the kit's editable install into ``site`` (replacing any earlier install of the kit)."""
    info = project_info(root)
    try:
        remove_installed(site, str(info["name"]))
        files = editable_files(root, info)
        for relative, data in files.items():
            target = os.path.join(site, *relative.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
    except OSError as exc:
        raise EditableError(f"could not write the editable install into {site} ({exc})") from exc
    return sorted(files)


def install_into_venv(root: str, python: str, env: Mapping[str, str]) -> list[str]:
    """``install`` into the site-packages of the venv whose interpreter is ``python``."""
    return install(root, site_packages(python, env))

