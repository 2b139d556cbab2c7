"""The learner workspace (tools/workspace.py): lessons stay pristine, learners work on copies."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tasks
from tools import workspace
from tools.workspace import MANIFEST, Workspace

ROOT = Path(__file__).resolve().parent.parent


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    """A small notebooks/ folder: two editions, shared images, and clutter to skip."""
    source = tmp_path / "notebooks"
    for edition in ("zh", "en"):
        (source / edition).mkdir(parents=True)
        (source / edition / "01_intro.ipynb").write_text(f'{{"cells": [], "lang": "{edition}"}}', encoding="utf-8")
        (source / edition / "02_next.ipynb").write_text('{"cells": [1]}', encoding="utf-8")
    (source / "images").mkdir()
    (source / "images" / "cat.png").write_bytes(b"\x89PNG fake")
    (source / "zh" / ".ipynb_checkpoints").mkdir()
    (source / "zh" / ".ipynb_checkpoints" / "01_intro-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    return source


def space(upstream: Path) -> Workspace:
    return Workspace(source=upstream, dest=upstream.parent / "my-notebooks")


def test_fill_copies_both_editions_and_images_and_records_them(upstream):
    ws = space(upstream)
    copied = ws.fill()
    assert copied == ["en/01_intro.ipynb", "en/02_next.ipynb", "images/cat.png", "zh/01_intro.ipynb", "zh/02_next.ipynb"]
    for name in copied:
        assert (ws.dest / name).read_bytes() == (upstream / name).read_bytes()
    assert not (ws.dest / "zh" / ".ipynb_checkpoints").exists()
    manifest = json.loads((ws.dest / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["source"] == "../notebooks"
    assert manifest["files"] == {name: {"sha256": digest(upstream / name)} for name in copied}


def test_fill_never_overwrites_and_adds_new_lessons(upstream):
    ws = space(upstream)
    ws.fill()
    mine = ws.dest / "zh" / "01_intro.ipynb"
    mine.write_text('{"cells": ["my work"]}', encoding="utf-8")
    (upstream / "zh" / "01_intro.ipynb").write_text('{"cells": ["upstream fix"]}', encoding="utf-8")
    (upstream / "zh" / "03_new.ipynb").write_text('{"cells": ["new"]}', encoding="utf-8")
    assert ws.fill() == ["zh/03_new.ipynb"]
    assert mine.read_text(encoding="utf-8") == '{"cells": ["my work"]}'
    assert (ws.dest / "zh" / "03_new.ipynb").read_text(encoding="utf-8") == '{"cells": ["new"]}'
    assert ws.fill() == []


def test_fresh_keeps_an_edited_copy_as_a_timestamped_backup(upstream):
    ws = space(upstream)
    ws.fill()
    mine = ws.dest / "zh" / "01_intro.ipynb"
    mine.write_text("my work", encoding="utf-8")
    done = ws.fresh("zh/01_intro", stamp="20261130-141800")
    backup = ws.dest / "zh" / "01_intro.backup-20261130-141800.ipynb"
    assert done == [("zh/01_intro.ipynb", backup)]
    assert backup.read_text(encoding="utf-8") == "my work"
    assert mine.read_bytes() == (upstream / "zh" / "01_intro.ipynb").read_bytes()
    mine.write_text("second try", encoding="utf-8")
    ws.fresh("zh/01_intro.ipynb", stamp="20261130-141800")  # same second: a new name, nothing lost
    assert (ws.dest / "zh" / "01_intro.backup-20261130-141800-2.ipynb").read_text(encoding="utf-8") == "second try"
    assert backup.read_text(encoding="utf-8") == "my work"


def test_fresh_without_a_lesson_does_all_and_skips_backups_of_unedited_copies(upstream):
    ws = space(upstream)
    ws.fill()
    (ws.dest / "en" / "02_next.ipynb").write_text("edited", encoding="utf-8")
    (ws.dest / "zh" / "02_next.ipynb").unlink()
    done = dict(ws.fresh("", stamp="S"))
    assert sorted(done) == ["en/01_intro.ipynb", "en/02_next.ipynb", "zh/01_intro.ipynb", "zh/02_next.ipynb"]
    assert [name for name, backup in done.items() if backup] == ["en/02_next.ipynb"]
    assert (ws.dest / "zh" / "02_next.ipynb").exists()
    # A bare stem matches the lesson in both editions.
    assert [name for name, _ in ws.fresh("01_intro")] == ["en/01_intro.ipynb", "zh/01_intro.ipynb"]


def test_fresh_of_an_unknown_lesson_is_refused(upstream, capsys):
    ws = space(upstream)
    with pytest.raises(KeyError):
        ws.fresh("zh/99_missing")
    assert workspace.main(["fresh", "zh/99_missing", "--dest", str(ws.dest), "--source", str(upstream)]) == 2
    assert "no lesson matches" in capsys.readouterr().err


def test_changed_lists_upstream_updates_and_says_whether_the_copy_was_edited(upstream, capsys):
    ws = space(upstream)
    ws.fill()
    assert ws.changed() == []
    (upstream / "zh" / "01_intro.ipynb").write_text("fixed upstream", encoding="utf-8")
    (upstream / "en" / "02_next.ipynb").write_text("fixed upstream", encoding="utf-8")
    (ws.dest / "en" / "02_next.ipynb").write_text("my work", encoding="utf-8")
    (upstream / "en" / "03_new.ipynb").write_text("new", encoding="utf-8")
    assert ws.changed() == [
        ("en/02_next.ipynb", "updated upstream; you changed your copy too"),
        ("en/03_new.ipynb", "not copied yet (make lab adds it)"),
        ("zh/01_intro.ipynb", "updated upstream; your copy is unedited"),
    ]
    ws.fresh("zh/01_intro")
    assert [name for name, _ in ws.changed()] == ["en/02_next.ipynb", "en/03_new.ipynb"]
    assert workspace.main(["changed", "--dest", str(ws.dest), "--source", str(upstream)]) == 0
    assert "make fresh LESSON=" in capsys.readouterr().out


def test_a_lost_manifest_is_rebuilt_without_overwriting(upstream):
    ws = space(upstream)
    ws.fill()
    (ws.dest / "zh" / "01_intro.ipynb").write_text("my work", encoding="utf-8")
    (ws.dest / MANIFEST).write_text("not json", encoding="utf-8")
    assert ws.fill() == []
    assert json.loads((ws.dest / MANIFEST).read_text(encoding="utf-8"))["files"] == {}
    assert (ws.dest / "zh" / "01_intro.ipynb").read_text(encoding="utf-8") == "my work"
    assert ("zh/01_intro.ipynb", "no record of the copy") in ws.changed()


def test_lab_serves_the_workspace_and_leaves_the_tracked_lessons_alone(tmp_path, monkeypatch, capsys):
    before = {path: digest(path) for path in (ROOT / "notebooks").rglob("*.ipynb")}
    dest = tmp_path / "my-notebooks"
    monkeypatch.setattr(tasks, "WORKSPACE", str(dest))
    served = tasks.prepare_workspace()
    assert Path(tasks.ROOT, served).resolve() == dest.resolve()
    assert "copied" in capsys.readouterr().out
    lessons = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*.ipynb"))
    assert lessons == sorted(p.relative_to(ROOT / "notebooks").as_posix() for p in before)
    assert (dest / "images").is_dir() and {"zh", "en"} <= {p.name for p in dest.iterdir()}
    (dest / "zh" / "03_vision.ipynb").write_text("autosaved by JupyterLab", encoding="utf-8")
    tasks.prepare_workspace()
    assert (dest / "zh" / "03_vision.ipynb").read_text(encoding="utf-8") == "autosaved by JupyterLab"
    assert {path: digest(path) for path in before} == before


def test_lab_command_points_jupyter_at_the_workspace(tmp_path, monkeypatch):
    commands = []
    monkeypatch.setattr(tasks, "WORKSPACE", str(tmp_path / "my-notebooks"))
    monkeypatch.setattr(tasks, "setup", lambda dev=False: None)
    monkeypatch.setattr(tasks, "run_tool", lambda cmd: commands.append(cmd) or 0)
    assert tasks.cmd_lab(["--no-browser"]) == 0
    assert f"--notebook-dir={os.path.relpath(tmp_path / 'my-notebooks', tasks.ROOT)}" in commands[0]
    assert commands[0][-1] == "--no-browser"


def test_helpers_import_from_a_workspace_edition_folder(tmp_path):
    ws = Workspace(dest=tmp_path / "my-notebooks")
    ws.fill()
    code = "import helpers, pathlib; print(pathlib.Path.cwd().name)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ws.dest / "zh", env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "zh"


def test_the_workspace_is_git_ignored():
    done = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", "my-notebooks/zh/01_api_key_setup.ipynb"],
                          check=False)
    assert done.returncode == 0
