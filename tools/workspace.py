"""The learner's workspace: their own copies of the lessons, so the tracked ones stay pristine.

``make lab`` serves ``my-notebooks/`` (git-ignored), filled from ``notebooks/``: both editions
(``zh/``, ``en/``, the folder names the kit's edition-language rule looks for) and the shared
``images/`` folder, so relative image links work. Filling never overwrites: a file already in
the workspace is left alone, a new upstream lesson is added. ``.kit-manifest.json`` records the
sha256 of each file as it was copied, which is how ``changed`` tells which lessons were updated
upstream since, and whether the learner edited their copy.

``fresh`` replaces one lesson (or all) with the current upstream copy; a learner's copy that
differs is first renamed to a backup beside it (``03_vision.backup-20261130-141800.ipynb``),
never deleted.

Standard library only: ``tasks.py`` and the Binder / JupyterHub set-up run it before anything
is installed. Command line: ``python tools/workspace.py fill|fresh [LESSON]|changed [--dest D]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "notebooks"
DEST = ROOT / "my-notebooks"
MANIFEST = ".kit-manifest.json"
SKIPPED_DIRS = {".ipynb_checkpoints", "__pycache__"}
LESSON_SUFFIX = ".ipynb"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def upstream_files(source: Path) -> Iterator[str]:
    """Paths (relative, with ``/``) of every file the workspace should have, sorted."""
    found = []
    for path in source.rglob("*"):
        parts = path.relative_to(source).parts
        if path.is_file() and not SKIPPED_DIRS.intersection(parts) and not parts[-1].startswith("."):
            found.append("/".join(parts))
    return iter(sorted(found))


@dataclass
class Workspace:
    """A learner workspace ``dest`` filled from ``source``."""

    source: Path = SOURCE
    dest: Path = DEST

    @property
    def manifest_path(self) -> Path:
        return self.dest / MANIFEST

    def _load_manifest(self) -> dict[str, str] | None:
        """``{relative path: sha256 when copied}``, or None if missing or unreadable."""
        try:
            files = json.loads(self.manifest_path.read_text(encoding="utf-8"))["files"]
            return {name: entry["sha256"] for name, entry in files.items() if isinstance(entry, dict) and "sha256" in entry}
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            return None

    def read_manifest(self) -> dict[str, str]:
        """``{relative path: sha256 when copied}``; empty if missing or unreadable."""
        return self._load_manifest() or {}

    def write_manifest(self, hashes: dict[str, str]) -> None:
        data = {
            "about": "What tools/workspace.py copied from notebooks/ (sha256 at copy time); used by `make changed`.",
            "source": os.path.relpath(self.source, self.dest).replace(os.sep, "/"),
            "files": {name: {"sha256": hashes[name]} for name in sorted(hashes)},
        }
        partial = self.manifest_path.with_name(MANIFEST + ".partial")
        partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(partial, self.manifest_path)

    def _copy(self, name: str, hashes: dict[str, str]) -> None:
        target = self.dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.source / name, target)
        hashes[name] = sha256(self.source / name)

    def fill(self) -> list[str]:
        """Copy every upstream file the workspace lacks; returns what was copied."""
        self.dest.mkdir(parents=True, exist_ok=True)
        loaded = self._load_manifest()
        hashes = loaded or {}
        copied = [name for name in upstream_files(self.source) if not (self.dest / name).exists()]
        for name in copied:
            self._copy(name, hashes)
        if copied or loaded is None:
            self.write_manifest(hashes)
        return copied

    def matching(self, lesson: str) -> list[str]:
        """Upstream lessons named by ``lesson`` ("" = all): ``zh/03_vision``, ``03_vision``, a path."""
        wanted = lesson.strip().replace("\\", "/").strip("/")
        for prefix in ("my-notebooks/", "notebooks/"):
            wanted = wanted.removeprefix(prefix)
        wanted = wanted.removesuffix(LESSON_SUFFIX)
        lessons = [name for name in upstream_files(self.source) if name.endswith(LESSON_SUFFIX)]
        if not wanted:
            return lessons
        stems = {name: name.removesuffix(LESSON_SUFFIX) for name in lessons}
        return [name for name, stem in stems.items() if stem == wanted or stem.rsplit("/", 1)[-1] == wanted]

    def backup_path(self, name: str, stamp: str) -> Path:
        """A free name beside ``name``: ``03_vision.backup-<stamp>.ipynb`` (``-2``... if taken)."""
        target = self.dest / name
        stem, suffix = target.name.rsplit(".", 1) if "." in target.name else (target.name, "")
        for number in range(1, 1000):
            tag = stamp if number == 1 else f"{stamp}-{number}"
            candidate = target.with_name(f"{stem}.backup-{tag}" + (f".{suffix}" if suffix else ""))
            if not candidate.exists():
                return candidate
        raise FileExistsError(f"no free backup name beside {target}")

    def fresh(self, lesson: str = "", stamp: str | None = None) -> list[tuple[str, Path | None]]:
        """Replace the named lessons with the upstream copy; returns (lesson, backup or None)."""
        names = self.matching(lesson)
        if not names:
            raise KeyError(lesson)
        stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
        self.dest.mkdir(parents=True, exist_ok=True)
        hashes = self.read_manifest()
        done: list[tuple[str, Path | None]] = []
        for name in names:
            target, backup = self.dest / name, None
            if target.exists() and sha256(target) != sha256(self.source / name):
                backup = self.backup_path(name, stamp)
                os.replace(target, backup)
            self._copy(name, hashes)
            done.append((name, backup))
        self.write_manifest(hashes)
        return done

    def changed(self) -> list[tuple[str, str]]:
        """Upstream files that differ from the copy the learner started from: (name, status)."""
        hashes = self.read_manifest()
        report = []
        for name in upstream_files(self.source):
            target = self.dest / name
            if name not in hashes:
                status = "not copied yet (make lab adds it)" if not target.exists() else "no record of the copy"
                report.append((name, status))
            elif sha256(self.source / name) != hashes[name]:
                edited = not target.exists() or sha256(target) != hashes[name]
                status = "updated upstream; " + ("you changed your copy too" if edited else "your copy is unedited")
                report.append((name, status))
        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The learner workspace (my-notebooks/).")
    parser.add_argument("action", choices=("fill", "fresh", "changed"))
    parser.add_argument("lesson", nargs="?", default="", help="for fresh: e.g. zh/03_vision (default: every lesson)")
    parser.add_argument("--dest", type=Path, default=DEST, help="the workspace folder (default: my-notebooks/)")
    parser.add_argument("--source", type=Path, default=SOURCE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    workspace = Workspace(source=args.source, dest=args.dest.expanduser())
    if args.action == "fill":
        copied = workspace.fill()
        print(f"workspace: {workspace.dest}: {len(copied)} file(s) copied from notebooks/")
        return 0
    if args.action == "fresh":
        return print_fresh(workspace, args.lesson)
    return print_changed(workspace)


def print_fresh(workspace: Workspace, lesson: str) -> int:
    try:
        done = workspace.fresh(lesson)
    except KeyError:
        print(f"workspace: no lesson matches {lesson!r}; e.g. zh/03_vision or en/02_text_generation", file=sys.stderr)
        return 2
    for name, backup in done:
        kept = f" (your copy kept as {backup.name})" if backup else ""
        print(f"fresh copy: {name}{kept}")
    return 0


def print_changed(workspace: Workspace) -> int:
    if not workspace.dest.is_dir():
        print(f"No workspace yet: make lab (Windows: py tasks.py lab) creates {workspace.dest.name}/.")
        return 0
    report = workspace.changed()
    if not report:
        print("Nothing changed upstream since your copies were made.")
        return 0
    for name, status in report:
        print(f"  {name}: {status}")
    print("A fresh copy of one lesson: make fresh LESSON=zh/03_vision (Windows: py tasks.py fresh zh/03_vision);\n"
          "your copy is kept beside it as a backup.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
