"""Tests for ``helpers.get_client()`` and ``helpers.config.load_settings()`` in every mode.

No test here reaches the network: live and compatible clients are only constructed,
and every request goes to a loopback simulator.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path
from urllib.parse import urlsplit

import openai
import pytest

import helpers
from helpers import client as client_module
from helpers import config, models
from helpers.offline import Simulator
from helpers.offline import OFFLINE_KEY, is_loopback
from tests.settings_support import clean  # noqa: F401  (autouse: each test starts with nothing configured)

#: A fixed "today" so retirement notes do not depend on the real date.
TODAY = dt.date(2026, 11, 27)
# Key-like values are assembled at runtime: no key-like literal sits in this file.
PROJ = "sk-" + "proj-"
KEY = PROJ + "A" * 40 + "wxyz"
OTHER_KEY = PROJ + "B" * 40 + "zyxw"
MASKED = PROJ + "…wxyz"
OLLAMA = "http://localhost:11434/v1"
# Every variable a test or a .env file below may touch.
VARIABLES = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "KIT_OFFLINE", "KIT_SIMULATOR_URL",
    "OPENAI_MODEL", "OPENAI_VISION_MODEL", "OPENAI_EMBEDDING_MODEL", "KIT_OFFLINE_LATENCY_MS", "KIT_OFFLINE_TOKEN_LATENCY_MS",
)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed today for retirement warnings (the shared ``clean`` fixture does the rest)."""
    monkeypatch.setattr(models, "retirement_warning", functools.partial(models.retirement_warning, today=TODAY))


def setenv(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def write_env(folder: Path, **values: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".env"
    path.write_text("".join(f"{name}={value}\n" for name, value in values.items()), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], **options: object) -> tuple[openai.OpenAI, config.Settings, str]:
    """Call ``get_client()``; return the client, what it decided and everything it printed."""
    client = helpers.get_client(**options)  # type: ignore[arg-type]
    captured = capsys.readouterr()
    return client, helpers.settings(), captured.out + captured.err


def ask(client: openai.OpenAI) -> str:
    reply = client.chat.completions.create(model=models.DEFAULT_MODEL, messages=[{"role": "user", "content": "hi"}])
    return reply.choices[0].message.content or ""


def port_of(url: object) -> int | None:
    return urlsplit(str(url)).port


def notes_with(settings: config.Settings, *words: str) -> list[str]:
    texts = [note.render(("en", "zh")) for note in settings.notes]  # notes are Messages: both languages
    return [text for text in texts if all(word in text for word in words)]


# --- offline -----------------------------------------------------------------------------


def test_offline_when_nothing_is_configured(capsys: pytest.CaptureFixture[str]) -> None:
    client, settings, text = run(capsys)
    assert type(client) is openai.OpenAI
    assert settings.mode == config.OFFLINE and not settings.shared_simulator
    assert is_loopback(urlsplit(settings.base_url).hostname or "")
    assert port_of(client.base_url) == client_module.local_simulator().port
    assert "offline" in text and "离线模拟" in text
    assert "[Offline simulation]" in ask(client)
    # A lesson's plain OpenAI() now reaches the same simulator.
    assert os.environ["OPENAI_BASE_URL"] == settings.base_url
    assert os.environ["OPENAI_API_KEY"] == OFFLINE_KEY
    assert "[Offline simulation]" in ask(openai.OpenAI())


def test_second_call_reuses_the_local_simulator(capsys: pytest.CaptureFixture[str]) -> None:
    first, _, _ = run(capsys)
    second, _, _ = run(capsys)
    assert port_of(first.base_url) == port_of(second.base_url) == client_module.local_simulator().port


def test_second_call_is_still_offline(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys)
    _, settings, text = run(capsys)
    assert settings.mode == config.OFFLINE
    assert "离线模拟" in text


@pytest.mark.parametrize("suffix", ["", "/"])
def test_offline_shared_simulator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], simulator: Simulator, suffix: str
) -> None:
    setenv(monkeypatch, OPENAI_BASE_URL=simulator.base_url + suffix, KIT_SIMULATOR_URL=simulator.base_url)
    client, settings, text = run(capsys)
    assert settings.mode == config.OFFLINE and settings.shared_simulator
    assert settings.base_url == simulator.base_url
    # On this machine it reads as the learner's own simulator would: the stored outputs show what learners see.
    assert "本机模拟器" in text and "共享模拟器" not in text and simulator.base_url not in text
    assert port_of(client.base_url) == simulator.port
    assert "[Offline simulation]" in ask(client)


@pytest.mark.parametrize("flag", ["1", "true", "YES", " on "])
def test_kit_offline_forces_offline_and_never_sends_the_learners_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    setenv(monkeypatch, KIT_OFFLINE=flag, OPENAI_API_KEY=KEY, OPENAI_BASE_URL=OLLAMA)
    client, settings, text = run(capsys)
    assert settings.mode == config.OFFLINE
    assert client.api_key == OFFLINE_KEY != KEY
    assert is_loopback(urlsplit(str(client.base_url)).hostname or "")
    assert "离线模拟" in text


def test_kit_offline_zero_does_not_force_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, KIT_OFFLINE="0", OPENAI_API_KEY=KEY)
    assert config.load_settings().mode == config.LIVE


# --- live and compatible ---------------------------------------------------------------------


def test_live_with_a_key_only(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    setenv(monkeypatch, OPENAI_API_KEY=KEY)
    client, settings, text = run(capsys)  # constructing a client sends nothing
    assert settings.mode == config.LIVE and settings.key_source == "environment"
    assert settings.base_url == config.DEFAULT_BASE_URL == "https://api.openai.com/v1"
    assert str(client.base_url).rstrip("/") == config.DEFAULT_BASE_URL
    assert client.api_key == KEY
    assert MASKED in text and "live" in text and "在线" in text


def test_compatible_without_a_key_sends_a_placeholder(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    setenv(monkeypatch, OPENAI_BASE_URL=OLLAMA)
    client, settings, text = run(capsys)
    assert settings.mode == config.COMPATIBLE and settings.base_url == OLLAMA
    assert port_of(client.base_url) == 11434
    assert client.api_key and client.api_key != OFFLINE_KEY
    assert notes_with(settings, "placeholder", "占位")
    assert "placeholder" in text and "兼容接口" in text


def test_compatible_with_a_key_shows_it_masked(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    setenv(monkeypatch, OPENAI_BASE_URL=OLLAMA, OPENAI_API_KEY=KEY)
    client, settings, text = run(capsys)
    assert settings.mode == config.COMPATIBLE and client.api_key == KEY
    assert MASKED in text and not notes_with(settings, "placeholder")


def test_legacy_api_base_is_used_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_API_BASE=OLLAMA)
    settings = config.load_settings()
    assert settings.mode == config.COMPATIBLE and settings.base_url == OLLAMA
    assert notes_with(settings, "OPENAI_API_BASE", "OPENAI_BASE_URL", "旧变量名")
    assert "OPENAI_BASE_URL" not in os.environ  # deciding changes nothing; get_client() applies it
    config.apply_environ(settings)
    assert os.environ["OPENAI_BASE_URL"] == OLLAMA  # so a lesson's plain OpenAI() agrees


def test_base_url_wins_over_legacy_name(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_API_BASE="http://localhost:1/v1", OPENAI_BASE_URL=OLLAMA)
    settings = config.load_settings()
    assert settings.base_url == OLLAMA and not notes_with(settings, "OPENAI_API_BASE")


# --- .env ------------------------------------------------------------------------------------


def test_key_only_in_dotenv(clean: Path) -> None:
    path = write_env(clean, OPENAI_API_KEY=KEY)
    settings = config.load_settings()
    assert settings.key_source == ".env" and settings.api_key == KEY
    assert settings.env_file is not None and settings.env_file.resolve() == path.resolve()
    assert settings.mode == config.LIVE


def test_dotenv_found_in_a_parent_folder(monkeypatch: pytest.MonkeyPatch, clean: Path) -> None:
    path = write_env(clean, OPENAI_API_KEY=KEY, OPENAI_MODEL="gpt-5.5")
    nested = clean / "lessons" / "01"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    settings = config.load_settings()
    assert settings.env_file is not None and settings.env_file.resolve() == path.resolve()
    assert settings.api_key == KEY and settings.model == "gpt-5.5"
    assert config.find_env_file(nested) == path.resolve()


def test_environment_wins_over_dotenv(monkeypatch: pytest.MonkeyPatch, clean: Path) -> None:
    write_env(clean, OPENAI_API_KEY=OTHER_KEY)
    setenv(monkeypatch, OPENAI_API_KEY=KEY)
    settings = config.load_settings()
    assert settings.api_key == KEY and settings.key_source == "environment"
    assert notes_with(settings, "environment wins", "环境变量优先")


def test_same_key_in_environment_and_dotenv_needs_no_note(monkeypatch: pytest.MonkeyPatch, clean: Path) -> None:
    write_env(clean, OPENAI_API_KEY=KEY)
    setenv(monkeypatch, OPENAI_API_KEY=KEY)
    settings = config.load_settings()
    assert settings.key_source == "environment" and not notes_with(settings, "environment wins")


def test_explicit_env_file_is_used_instead_of_searching(clean: Path) -> None:
    write_env(clean, OPENAI_API_KEY=OTHER_KEY)
    custom = clean / "config" / "custom.env"
    custom.parent.mkdir()
    custom.write_text(f"OPENAI_API_KEY={KEY}\nOPENAI_BASE_URL={OLLAMA}\n", encoding="utf-8")
    settings = config.load_settings(env_file=custom)
    assert settings.env_file == custom and settings.api_key == KEY
    assert settings.mode == config.COMPATIBLE and settings.base_url == OLLAMA


def test_blank_environment_key_does_not_hide_the_dotenv_key(monkeypatch: pytest.MonkeyPatch, clean: Path) -> None:
    write_env(clean, OPENAI_API_KEY=KEY)
    setenv(monkeypatch, OPENAI_API_KEY="")
    settings = config.load_settings()
    assert settings.api_key == KEY and settings.key_source == ".env"


# --- model settings --------------------------------------------------------------------------


def test_default_models_and_no_notes() -> None:
    settings = config.load_settings()
    assert (settings.model, settings.vision_model) == (models.DEFAULT_MODEL, models.DEFAULT_VISION_MODEL)
    assert settings.notes == []


def test_retired_model_gets_a_note_with_its_replacement(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    setenv(monkeypatch, OPENAI_MODEL="gpt-3.5-turbo")
    _, settings, text = run(capsys)
    assert settings.model == "gpt-3.5-turbo"
    assert notes_with(settings, "gpt-3.5-turbo", models.replacement_for("gpt-3.5-turbo"), "停用", "404")
    assert "停用" in text


def test_soon_retired_model_gets_a_shuts_down_note(monkeypatch: pytest.MonkeyPatch) -> None:
    assert 0 < (models.shutdown_date("gpt-4o") - TODAY).days <= models.WARN_AHEAD_DAYS  # type: ignore[operator]
    setenv(monkeypatch, OPENAI_MODEL="gpt-4o")
    assert notes_with(config.load_settings(), "gpt-4o", "shuts down", "2027-01-14")


def test_retired_vision_model_note_and_no_duplicates(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, OPENAI_VISION_MODEL="gpt-4-vision-preview")
    assert len(notes_with(config.load_settings(), "gpt-4-vision-preview", models.DEFAULT_VISION_MODEL)) == 1
    setenv(monkeypatch, OPENAI_MODEL="gpt-4-vision-preview")
    assert len(config.load_settings().notes) == 1  # the same model named twice warns once


# --- keys never leak -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "in_dotenv"),
    [
        ({}, False),
        ({}, True),
        ({"KIT_OFFLINE": "1"}, False),
        ({"OPENAI_BASE_URL": OLLAMA}, False),
        ({"OPENAI_API_BASE": OLLAMA}, True),
    ],
    ids=["live", "live-dotenv", "offline", "compatible", "legacy-dotenv"],
)
def test_key_never_leaks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], clean: Path, variables: dict[str, str], in_dotenv: bool
) -> None:
    if in_dotenv:
        write_env(clean, OPENAI_API_KEY=KEY, **variables)
    else:
        setenv(monkeypatch, OPENAI_API_KEY=KEY, **variables)
    _, settings, text = run(capsys)
    assert settings.api_key == KEY  # the secret really was loaded...
    for shown in (str(settings), repr(settings), text, settings.masked_key):
        assert KEY not in shown  # ...and is never shown
    assert KEY[len(PROJ):-4] not in text


def test_colab_secret_is_used_when_nothing_else_has_a_key(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    # A stand-in for google.colab.userdata: Colab's Secrets panel, outside Colab.
    import sys
    import types

    key = "sk-proj-" + "C" * 40 + "colb"
    userdata = types.SimpleNamespace(get=lambda name: key if name == "OPENAI_API_KEY" else None)
    colab = types.ModuleType("google.colab")
    colab.userdata = userdata  # type: ignore[attr-defined]
    google = types.ModuleType("google")
    google.colab = colab  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.chdir(tmp_path)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "KIT_OFFLINE", "KIT_SIMULATOR_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "")  # registered so monkeypatch restores it afterwards
    settings = helpers.load_settings()
    assert (settings.mode, settings.key_source, settings.api_key) == ("live", "Colab Secrets", key)
    assert key not in repr(settings)


@pytest.mark.parametrize(
    ("encoding", "expected_source"),
    [("utf-8-sig", ".env"), ("utf-16", "none")],
)
def test_env_file_encodings(monkeypatch: pytest.MonkeyPatch, tmp_path, encoding: str, expected_source: str) -> None:
    # Notepad saves "UTF-8 with BOM" or "Unicode" (UTF-16): the first still works, the second is
    # ignored with a note instead of a UnicodeDecodeError traceback.
    key = "sk-proj-" + "E" * 40 + "ncod"
    (tmp_path / ".env").write_text(f"OPENAI_API_KEY={key}\n", encoding=encoding)
    monkeypatch.chdir(tmp_path)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "KIT_OFFLINE", "KIT_SIMULATOR_URL", "KIT_PROVIDER"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    settings = helpers.load_settings()
    assert settings.key_source == expected_source
    if expected_source == "none":
        assert notes_with(settings, "UTF-8")


# --- keys that cannot be sent (defect 6) ---------------------------------------------------

_rng = __import__("random").Random(20261130)
_CANARY_SECRET = "".join(_rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(36))
UNSENDABLE = {
    "line break": _CANARY_SECRET[:16] + "\n" + _CANARY_SECRET[16:],
    "carriage return": _CANARY_SECRET[:10] + "\r" + _CANARY_SECRET[10:],
    "tab": _CANARY_SECRET[:20] + "\t" + _CANARY_SECRET[20:],
    "DEL": _CANARY_SECRET[:5] + "\x7f" + _CANARY_SECRET[5:],
    "full-width letter": _CANARY_SECRET[:12] + "\uff21" + _CANARY_SECRET[12:],
    "accented letter": _CANARY_SECRET[:25] + "é" + _CANARY_SECRET[25:],
}


def _slices(secret: str, size: int = 8) -> set[str]:
    return {secret[i:i + size] for i in range(len(secret) - size + 1)}


@pytest.mark.parametrize("mode_variables", [{}, {"OPENAI_BASE_URL": OLLAMA}], ids=["live", "compatible"])
@pytest.mark.parametrize("secret", list(UNSENDABLE.values()), ids=list(UNSENDABLE))
def test_a_key_that_cannot_be_sent_is_refused_masked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], secret: str, mode_variables: dict[str, str]
) -> None:
    # Defect 6: httpx put such a key whole into its error ("Illegal header value b'Bearer sk-...'",
    # or a UnicodeEncodeError's repr). get_client() must keep it from the SDK; and (issue 10) it says
    # why in a note and runs offline, so the setup cell does not stop with a traceback.
    key = PROJ + secret
    setenv(monkeypatch, OPENAI_API_KEY=key, **mode_variables)
    built: list[dict[str, object]] = []
    monkeypatch.setattr(client_module.openai, "OpenAI", lambda **kw: built.append(kw))
    helpers.get_client()
    captured = capsys.readouterr()
    assert [options["api_key"] for options in built] == [OFFLINE_KEY]  # the SDK never got the key
    settings = helpers.settings()
    assert settings.mode == config.OFFLINE and os.environ["OPENAI_API_KEY"] == OFFLINE_KEY
    said = notes_with(settings, "OPENAI_API_KEY", PROJ + "…", "offline simulator")
    assert said and "copy the key again" in said[0].lower() and "offline simulator" in captured.out
    shown = "\n".join([captured.out, captured.err, *map(str, settings.notes), repr(settings)])
    leaked = sorted(piece for piece in _slices(secret.replace("\n", "").replace("\r", "")) | _slices(secret) if piece in shown)
    assert not leaked, leaked


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_env_without_a_bom_gets_the_utf16_note(capsys: pytest.CaptureFixture[str], clean: Path, encoding: str) -> None:
    # Defect 11: without a BOM the file decoded as UTF-8 full of NULs, and get_client() crashed
    # with "ValueError: embedded null byte" when putting a value into os.environ.
    (clean / ".env").write_bytes(f"OPENAI_API_KEY={KEY}\nOPENAI_MODEL=gpt-4o\n".encode(encoding))
    _, settings, text = run(capsys)
    assert settings.key_source == "none" and settings.mode == "offline"
    assert notes_with(settings, "UTF-16", "UTF-8") and "Save it again as UTF-8" in text
    assert "\0" not in "".join(os.environ.values())


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_an_env_file_that_is_not_a_file_is_said_so(capsys: pytest.CaptureFixture[str], clean: Path, kind: str) -> None:
    # Defect 12: get_client(env_file=<a folder or a missing path>) was silently ignored.
    write_env(clean, OPENAI_API_KEY=KEY)  # the usual .env: not used when another file is named
    named = clean / "config" if kind == "folder" else clean / "secrets.env"
    if kind == "folder":
        named.mkdir()
    _, settings, text = run(capsys, env_file=named)
    assert settings.env_file is None and settings.api_key is None and settings.mode == "offline"
    said = notes_with(settings, str(named))
    assert said and ("folder" if kind == "folder" else "not found") in said[0] and "env_file=" in said[0]
    assert f"Note: env_file='{named}'" in text


@pytest.mark.parametrize("value", ["1e12", "inf", "nan", "-5"])
def test_latency_variables_are_capped_like_the_header(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    # KIT_OFFLINE_LATENCY_MS had no cap while the per-request header had one: a typo could hang a class.
    from helpers.offline import MAX_LATENCY_MS, MAX_TOKEN_LATENCY_MS

    monkeypatch.setattr(client_module, "_SIMULATOR", None)  # a fresh simulator for this test only
    setenv(monkeypatch, KIT_OFFLINE_LATENCY_MS=value, KIT_OFFLINE_TOKEN_LATENCY_MS=value)
    sim = client_module.local_simulator()
    try:
        latency, token_latency = sim._server.latency_ms, sim._server.token_latency_ms
    finally:
        sim.stop()
    expected = {"1e12": (MAX_LATENCY_MS, MAX_TOKEN_LATENCY_MS), "inf": (MAX_LATENCY_MS, MAX_TOKEN_LATENCY_MS)}.get(value, (0.0, 0.0))
    assert (latency, token_latency) == expected


def test_a_classroom_simulator_on_another_machine_is_named_with_its_address() -> None:
    settings = config.resolve({"KIT_SIMULATOR_URL": "http://192.168.1.20:8000/v1"}, {})
    assert settings.mode == config.OFFLINE and settings.shared_simulator
    line = config.mode_line(settings)
    assert "共享模拟器 http://192.168.1.20:8000/v1" in line.zh and "shared simulator http://192.168.1.20:8000/v1" in line.en
