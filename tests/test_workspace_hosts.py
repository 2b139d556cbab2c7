"""Binder, Codespaces and the teacher's JupyterHub open the learner workspace, not notebooks/."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from jupyterhub.objects import Hub
from jupyterhub.spawner import Spawner
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parent.parent
KIT_FILE = "openai-notebook-kit.json"


def kit_copy(tmp_path: Path) -> Path:
    """The parts of the repository the hosts' scripts use, in a temporary folder."""
    copy = tmp_path / "kit"
    for name in ("notebooks", "tools", "binder", "jupyter"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return copy


def fake_program(folder: Path, name: str, record: Path) -> None:
    """A program that records its arguments, one per line, and succeeds."""
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n', encoding="utf-8")
    script.chmod(0o755)


@pytest.mark.skipif(os.name == "nt" or not shutil.which("bash"), reason="Binder's postBuild is a bash script")
def test_binder_postbuild_fills_the_workspace_and_installs_the_settings(tmp_path):
    copy = kit_copy(tmp_path)
    env_dir = tmp_path / "env"  # stands in for Binder's environment: the settings land in its prefix
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=120)
    fake_bin = tmp_path / "fake-bin"
    fake_program(fake_bin, "pip", tmp_path / "pip-args")
    path = os.pathsep.join([str(fake_bin), str(env_dir / "bin"), os.environ["PATH"]])
    env = {**os.environ, "PATH": path, "LANG": "C.UTF-8"}
    env.pop("KIT_LAB_LANGUAGE", None)
    subprocess.run(["bash", "binder/postBuild"], cwd=copy, env=env, check=True, timeout=120)
    assert (tmp_path / "pip-args").read_text(encoding="utf-8").split() == ["install", "--no-cache-dir", "--no-deps", "-e", "."]
    lessons = sorted(p.relative_to(copy / "my-notebooks").as_posix() for p in (copy / "my-notebooks").rglob("*.ipynb"))
    assert lessons == sorted(p.relative_to(copy / "notebooks").as_posix() for p in (copy / "notebooks").rglob("*.ipynb"))
    assert (copy / "my-notebooks" / ".kit-manifest.json").is_file() and (copy / "my-notebooks" / "images").is_dir()
    overrides = json.loads((env_dir / "share/jupyter/lab/settings/overrides.d" / KIT_FILE).read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "en"
    server = json.loads((env_dir / "etc/jupyter/jupyter_server_config.json").read_text(encoding="utf-8"))
    assert server == {"KernelManager": {"transport": "ipc"}}


def load_devcontainer() -> dict:
    text = (ROOT / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8")
    return json.loads("\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")))


def test_codespaces_sets_up_the_learner_layer_and_the_workspace():
    config = load_devcontainer()
    assert config["postCreateCommand"] == "python3 tasks.py setup && python3 tools/workspace.py fill"
    assert "my-notebooks/" in config["postAttachCommand"]


def load_hub(monkeypatch, kit_dir: Path | None = None):
    if kit_dir is None:
        monkeypatch.delenv("KIT_ROOM_KIT_DIR", raising=False)
    else:
        monkeypatch.setenv("KIT_ROOM_KIT_DIR", str(kit_dir))
    return PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "docs")).load_config()


def spawner(config) -> Spawner:
    user = types.SimpleNamespace(name="alice", url="/user/alice/", escaped_name="alice")
    return Spawner(config=config, user=user, hub=Hub())


def test_hub_servers_open_the_workspace_in_the_students_home(monkeypatch):
    hub_spawner = spawner(load_hub(monkeypatch))
    assert hub_spawner.get_env()["JUPYTERHUB_ROOT_DIR"] == "~/my-notebooks"
    assert hub_spawner.cmd[-1] == str(ROOT / "tools" / "workspace.py")  # the checkout this file is in


@pytest.mark.skipif(os.name == "nt", reason="the hub's start command is a POSIX shell line")
@pytest.mark.parametrize("kit_present", [True, False])
def test_hub_start_command_fills_the_workspace_then_starts_the_server(monkeypatch, tmp_path, kit_present):
    kit = kit_copy(tmp_path) if kit_present else tmp_path / "moved-away"
    hub_spawner = spawner(load_hub(monkeypatch, kit))
    home = tmp_path / "home"
    home.mkdir()
    fake_bin = tmp_path / "fake-bin"
    fake_program(fake_bin, "jupyterhub-singleuser", tmp_path / "server-args")
    env = {**os.environ, "HOME": str(home), "PATH": os.pathsep.join([str(fake_bin), os.environ["PATH"]])}
    done = subprocess.run([*hub_spawner.cmd, "--debug"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "server-args").read_text(encoding="utf-8").split() == ["--debug"]
    workspace = home / "my-notebooks"
    assert workspace.is_dir()
    if kit_present:
        assert (workspace / "zh" / "01_api_key_setup.ipynb").is_file()
        (workspace / "zh" / "01_api_key_setup.ipynb").write_text("student's work", encoding="utf-8")
        subprocess.run([*hub_spawner.cmd], env=env, check=True, timeout=120)
        assert (workspace / "zh" / "01_api_key_setup.ipynb").read_text(encoding="utf-8") == "student's work"
    else:
        assert "could not fill ~/my-notebooks" in done.stderr
