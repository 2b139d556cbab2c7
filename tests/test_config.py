"""Tests for ``helpers.config``: one pure decision, one writer of the environment, one mode line.

The table test runs ``tasks.py``'s mode line (``python -m helpers.config --mode-line`` in a
child process, as ``make lab`` does) and ``get_client()`` in this process over the same
environments, and asserts they announce the same mode, endpoint, model and key.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import pytest

import helpers
import tasks
from helpers import config
from helpers.offline import OFFLINE_KEY
from tests.settings_support import clean  # noqa: F401  (autouse: each test starts with nothing configured)

ROOT = Path(__file__).resolve().parents[1]
PROJ = "sk-" + "proj-"
KEY = PROJ + "A" * 40 + "wxyz"
HEX_KEY = "sk-" + "0123456789abcdef" * 2
OLLAMA = "http://localhost:11434/v1"
SHARED = "http://127.0.0.1:9/v1"  # never contacted: deciding and printing need no connection
VARIABLES = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "KIT_OFFLINE", "KIT_SIMULATOR_URL", "KIT_PROVIDER",
    "DEEPSEEK_API_KEY", "OPENAI_MODEL", "OPENAI_VISION_MODEL", "OPENAI_EMBEDDING_MODEL", "KIT_SIMULATOR_PROFILE", "KIT_LANG",
)


ENVIRONMENTS = {
    "no key": {},
    "key only": {"OPENAI_API_KEY": KEY},
    "KIT_OFFLINE=1": {"OPENAI_API_KEY": KEY, "KIT_OFFLINE": "1"},
    "KIT_SIMULATOR_URL": {"KIT_SIMULATOR_URL": SHARED},
    "deepseek preset with its key": {"KIT_PROVIDER": "deepseek", "DEEPSEEK_API_KEY": HEX_KEY},
    "deepseek preset without a key": {"KIT_PROVIDER": "deepseek"},
    "ollama base URL": {"OPENAI_BASE_URL": OLLAMA},
    "legacy OPENAI_API_BASE": {"OPENAI_API_BASE": OLLAMA},
    "openai preset": {"KIT_PROVIDER": "openai", "OPENAI_API_KEY": KEY},
    "key and base URL equal to the simulator URL": {"OPENAI_API_KEY": KEY, "KIT_SIMULATOR_URL": SHARED,
                                                   "OPENAI_BASE_URL": SHARED + "/"},
}


@pytest.mark.parametrize("variables", list(ENVIRONMENTS.values()), ids=list(ENVIRONMENTS))
def test_make_lab_and_get_client_announce_the_same_mode(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                       clean: Path, variables: dict[str, str]) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(tasks, "ROOT", str(clean))
    monkeypatch.setattr(tasks, "venv_python", lambda: sys.executable)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    lab = tasks.mode_line()
    assert lab is not None
    helpers.get_client()
    printed = capsys.readouterr().out.strip()
    assert lab == printed  # the notes and the banner, line for line
    assert KEY not in lab and HEX_KEY not in lab
    expected = config.mode_line(helpers.settings()).render("en")
    assert lab.splitlines()[-1].startswith(expected)


def test_the_table_covers_every_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = set()
    for variables in ENVIRONMENTS.values():
        seen.add(config.resolve(variables, {}).mode)
    assert seen == {config.LIVE, config.COMPATIBLE, config.OFFLINE}


def test_the_issue_cases_are_not_offline() -> None:
    # tasks.py's old copy of the rule said "offline" for both; the notebooks used the endpoint.
    assert config.resolve(ENVIRONMENTS["deepseek preset with its key"], {}).mode == config.COMPATIBLE
    assert config.resolve(ENVIRONMENTS["ollama base URL"], {}).mode == config.COMPATIBLE


def test_resolve_reads_only_what_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", OLLAMA)
    before = dict(os.environ)
    settings = config.resolve({}, {"OPENAI_MODEL": "gpt-5.4-mini"})
    assert (settings.mode, settings.api_key, settings.base_url) == (config.OFFLINE, None, None)
    assert dict(os.environ) == before


def test_environment_wins_over_the_file_and_blank_counts_as_unset() -> None:
    settings = config.resolve({"OPENAI_API_KEY": " ", "OPENAI_MODEL": "gpt-5.4"},
                              {"OPENAI_API_KEY": KEY, "OPENAI_MODEL": "gpt-5.4-mini"})
    assert (settings.api_key, settings.key_source, settings.model) == (KEY, ".env", "gpt-5.4")
    assert settings.environ_changes == {"OPENAI_API_KEY": KEY}


def test_apply_environ_writes_what_resolve_decided(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_MODEL", KEY)  # a key pasted into the wrong setting: removed, never used
    settings = config.resolve(dict(os.environ), {"KIT_PROVIDER": "deepseek", "DEEPSEEK_API_KEY": HEX_KEY})
    assert "OPENAI_MODEL" in os.environ and "KIT_PROVIDER" not in os.environ  # deciding changed nothing
    config.apply_environ(settings)
    assert "OPENAI_MODEL" not in os.environ
    assert (os.environ["OPENAI_BASE_URL"], os.environ["OPENAI_API_KEY"]) == ("https://api.deepseek.com", HEX_KEY)
    assert os.environ["KIT_PROVIDER"] == "deepseek" and os.environ["DEEPSEEK_API_KEY"] == HEX_KEY


def test_the_key_is_chosen_once(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.resolve({"OPENAI_BASE_URL": OLLAMA}, {}).outgoing_key == config.NO_KEY
    assert config.resolve({"OPENAI_API_KEY": KEY}, {}).outgoing_key == KEY
    assert config.resolve({"OPENAI_API_KEY": KEY, "KIT_OFFLINE": "1"}, {}).outgoing_key == OFFLINE_KEY
    client = helpers.get_client(quiet=True)
    assert client.api_key == helpers.settings().outgoing_key == OFFLINE_KEY


def test_an_unsendable_key_is_decided_before_any_request() -> None:
    settings = config.resolve({"OPENAI_API_KEY": KEY[:20] + "\n" + KEY[20:]}, {})
    assert settings.key_error is not None and KEY[8:20] not in str(settings.key_error)
    assert config.resolve({"OPENAI_API_KEY": KEY[:20] + "\n" + KEY[20:], "KIT_OFFLINE": "1"}, {}).key_error is None


def test_a_local_base_url_without_a_scheme_is_told_http() -> None:
    # config_checks said "write it as https://localhost:11434/v1"; Ollama serves plain http.
    (note,) = config.resolve({"OPENAI_BASE_URL": "localhost:11434/v1"}, {}).notes
    assert f"write it as {OLLAMA}" in note.render("en") and "https://" not in note.render("en").split("Fix:")[1]


def test_mode_line_command_prints_notes_then_the_banner(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_BASE", OLLAMA)
    assert config.main(["--mode-line"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Note: OPENAI_API_BASE is the old name") and lines[-1].startswith("[compatible endpoint]")
    assert config.main(["--nonsense"]) == 2


# --- the one writer of os.environ ---------------------------------------------------------

#: Writers outside helpers/config.py that other engineers remove (the lead empties this).
_ELSEWHERE = {
    "doctor.py": "until the doctor package lands (engineer D): _preserved_environ",
    "tiktoken_cache.py": "engineer S: TIKTOKEN_CACHE_DIR for tiktoken",
}


def _environ_writes(path: Path) -> list[int]:
    """Each write to os.environ in ``path``: assignment, del, pop, setdefault, update, clear, putenv, unsetenv."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        target = None
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            target = next((t for t in targets if isinstance(t, ast.Subscript) and "environ" in ast.unparse(t.value)), None)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner, name = ast.unparse(node.func.value), node.func.attr
            if ("environ" in owner and name in ("pop", "setdefault", "update", "clear", "popitem", "__setitem__",
                                                 "__delitem__")) or name in ("putenv", "unsetenv"):
                target = node
        if target is not None:
            found.append(node.lineno)
    return found


def _function_of(path: Path, line: int) -> str:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.lineno <= line <= (node.end_lineno or node.lineno):
            return node.name
    return "<module>"


def test_only_apply_environ_writes_the_environment() -> None:
    writes = [(path, line) for path in sorted((ROOT / "helpers").rglob("*.py")) for line in _environ_writes(path)]
    assert writes, "the scan finds nothing: it is broken"
    unexpected = [
        f"{path.relative_to(ROOT)}:{line}" for path, line in writes
        if path.name not in _ELSEWHERE
        and not (path == ROOT / "helpers" / "config.py" and _function_of(path, line) == "apply_environ")
    ]
    assert unexpected == []


def test_the_scan_sees_every_kind_of_write(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    code = ("import os\nos.environ['A'] = '1'\ndel os.environ['A']\nos.environ.pop('A')\nos.environ.setdefault('A', '')\n"
            "os.environ.update(A='1')\nos.putenv('A', '1')\nx = os.environ.get('A')\n")
    sample.write_text(code, encoding="utf-8")
    assert _environ_writes(sample) == [2, 3, 4, 5, 6, 7]


def test_in_a_notebook_subprocesses_get_the_editions_language(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from helpers import messages

    lesson_dir = tmp_path / "notebooks" / "zh"
    lesson_dir.mkdir(parents=True)
    monkeypatch.chdir(lesson_dir)
    monkeypatch.delenv(messages.ENV, raising=False)
    monkeypatch.setattr(messages, "in_notebook", lambda: True)
    settings = config.resolve({"KIT_OFFLINE": "1"}, {})
    monkeypatch.setattr(config.os, "environ", dict(config.os.environ))  # keep the real environment untouched
    config.apply_environ(settings)
    assert config.os.environ[messages.ENV] == "zh"
    # Outside a notebook nothing is set: a terminal keeps the locale's order of languages.
    monkeypatch.setattr(messages, "in_notebook", lambda: False)
    monkeypatch.setattr(config.os, "environ", {})
    config.apply_environ(settings)
    assert messages.ENV not in config.os.environ


# --- OPENAI_EMBEDDING_MODEL -------------------------------------------------------------------


@pytest.mark.parametrize("variables", [{}, {"OPENAI_API_KEY": KEY}, {"OPENAI_BASE_URL": OLLAMA}, {"KIT_OFFLINE": "1"}],
                         ids=["offline", "live", "compatible without a preset", "forced offline"])
def test_embedding_model_defaults_to_text_embedding_3_small(variables: dict[str, str]) -> None:
    settings = config.resolve(variables, {})
    assert settings.embedding_model == helpers.DEFAULT_EMBEDDING_MODEL == "text-embedding-3-small"
    assert not any("OPENAI_EMBEDDING_MODEL" in note.en for note in settings.notes)


def test_embedding_model_setting_wins_from_the_environment_or_env_file() -> None:
    assert config.resolve({"OPENAI_EMBEDDING_MODEL": "text-embedding-3-large"}, {}).embedding_model == "text-embedding-3-large"
    from_file = config.resolve({}, {"OPENAI_EMBEDDING_MODEL": "bge-m3"})
    assert from_file.embedding_model == "bge-m3" and from_file.environ_changes["OPENAI_EMBEDDING_MODEL"] == "bge-m3"
    both = config.resolve({"OPENAI_EMBEDDING_MODEL": "from-env"}, {"OPENAI_EMBEDDING_MODEL": "from-file"})
    assert both.embedding_model == "from-env"
    # Blank counts as unset: the default, not an empty model name.
    assert config.resolve({"OPENAI_EMBEDDING_MODEL": "  "}, {}).embedding_model == "text-embedding-3-small"


def test_embedding_model_never_holds_a_key() -> None:
    assert "OPENAI_EMBEDDING_MODEL" in config.NOT_FOR_KEYS
    settings = config.resolve({"OPENAI_EMBEDDING_MODEL": KEY}, {})
    assert settings.embedding_model == "text-embedding-3-small" and KEY not in repr(settings)
    assert any("OPENAI_EMBEDDING_MODEL" in note.en and "…wxyz" in note.en for note in settings.notes)


def test_a_preset_without_embeddings_leaves_the_setting_empty() -> None:
    settings = config.resolve({"KIT_PROVIDER": "deepseek", "DEEPSEEK_API_KEY": HEX_KEY}, {})
    assert settings.embedding_model == "" and settings.vision_model == ""
    with_one = config.resolve({"KIT_PROVIDER": "zhipu", "ZHIPUAI_API_KEY": HEX_KEY}, {})
    assert with_one.embedding_model == "embedding-3" and with_one.vision_model == "glm-4v-flash"
