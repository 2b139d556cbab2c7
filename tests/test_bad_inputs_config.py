"""Bad settings: malformed ``.env`` lines, odd model names, unreachable endpoints.

A setting mistake must end in a clear note (printed by ``get_client()``) or a clear error,
never a traceback from our code. ``.env`` files live in ``tmp_path``; every variable is
restored by monkeypatch.
"""

from __future__ import annotations

import openai
import pytest

import helpers
from helpers import config
from tests.settings_support import clean  # noqa: F401  (autouse: each test starts with nothing configured)

KEY = "sk-" + "proj-" + "Zq8" * 12 + "wxyz"
VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "KIT_OFFLINE", "KIT_SIMULATOR_URL",
             "OPENAI_MODEL", "OPENAI_VISION_MODEL", "OPENAI_EMBEDDING_MODEL")


def note_texts(settings: object) -> list[str]:
    """The settings' notes (Messages) as text in both languages."""
    return [note.render(("en", "zh")) for note in settings.notes]  # type: ignore[attr-defined]


def load(tmp_path, content: bytes, capsys) -> tuple[config.Settings, str]:
    (tmp_path / ".env").write_bytes(content)
    settings = config.load_settings(tmp_path / ".env")
    captured = capsys.readouterr()
    return settings, captured.out + captured.err


# Lines python-dotenv reads as the learner meant: the key must arrive whole, unquoted.
READ_AS_MEANT = [
    ("double quotes", f'OPENAI_API_KEY="{KEY}"\n'),
    ("single quotes", f"OPENAI_API_KEY='{KEY}'\n"),
    ("spaces around =", f"OPENAI_API_KEY = {KEY}\n"),
    ("export prefix", f"export OPENAI_API_KEY={KEY}\n"),
    ("BOM at file start", f"\ufeffOPENAI_API_KEY={KEY}\n"),
    ("CRLF line endings", f"OPENAI_MODEL=gpt-5.4-mini\r\nOPENAI_API_KEY={KEY}\r\n"),
    ("trailing comment", f"OPENAI_API_KEY={KEY}  # my key\n"),
    ("ideographic space after", f"OPENAI_API_KEY={KEY}\u3000\n"),
]


@pytest.mark.parametrize("text", [r[1] for r in READ_AS_MEANT], ids=[r[0] for r in READ_AS_MEANT])
def test_env_lines_read_as_meant(tmp_path, capsys, text):
    settings, printed = load(tmp_path, text.encode("utf-8"), capsys)
    assert settings.api_key == KEY and settings.mode == config.LIVE and settings.key_source == ".env"
    assert KEY not in printed and KEY not in repr(settings)


# Lines that lose the key: the learner who wrote a key gets a note naming the line.
SILENTLY_LOST = [
    ("line without =", b"OPENAI_API_KEY\n"),
    ("the key alone", KEY.encode() + b"\n"),
    ("full-width equals sign", f"OPENAI_API_KEY\uff1d{KEY}\n".encode()),
    ("colon instead of =", f"OPENAI_API_KEY: {KEY}\n".encode()),
    ("lower-case name", f"openai_api_key={KEY}\n".encode()),
    ("unterminated quote", f'OPENAI_API_KEY="{KEY}\n'.encode()),
]


@pytest.mark.parametrize("content", [r[1] for r in SILENTLY_LOST], ids=[r[0] for r in SILENTLY_LOST])
def test_env_line_that_loses_the_key_gets_a_note(tmp_path, capsys, content):
    settings, printed = load(tmp_path, content, capsys)
    assert any(".env" in note and "OPENAI_API_KEY" in note for note in note_texts(settings)), (settings.notes, printed)


MANGLED_KEY = [
    ("full-width quotes", f"OPENAI_API_KEY=\u201c{KEY}\u201d\n"),
    ("space inside the key", f"OPENAI_API_KEY={KEY[:8]} {KEY[8:]}\n"),
]


@pytest.mark.parametrize("text", [r[1] for r in MANGLED_KEY], ids=[r[0] for r in MANGLED_KEY])
def test_key_with_stray_characters_gets_a_note(tmp_path, capsys, text):
    settings, printed = load(tmp_path, text.encode("utf-8"), capsys)
    assert settings.notes and KEY not in " ".join(note_texts(settings))


@pytest.mark.parametrize("content", [b"\x00\xff\xfe garbage\n", "OPENAI_MODEL=模型\n".encode("gbk")], ids=["binary", "gbk"])
def test_env_file_not_utf8_is_a_clear_error_or_note(tmp_path, capsys, content):
    try:
        settings, _ = load(tmp_path, content, capsys)
    except UnicodeDecodeError as error:
        pytest.fail(f"raw {type(error).__name__}: {error}")
    assert any("UTF-8" in note for note in note_texts(settings))


def test_retired_model_in_env_gets_a_note_with_the_replacement(tmp_path, capsys):
    settings, _ = load(tmp_path, b"OPENAI_MODEL=gpt-3.5-turbo\n", capsys)
    assert any("gpt-3.5-turbo" in n and "gpt-5.4-mini" in n for n in note_texts(settings)), settings.notes


def test_blank_model_falls_back_to_the_default(tmp_path, capsys):
    settings, _ = load(tmp_path, b"OPENAI_MODEL=   \n", capsys)
    assert settings.model == helpers.DEFAULT_MODEL


@pytest.mark.parametrize("name", ["gpt 5.4 mini", "gpt-5.4-mni", "GPT-5.4-MINI"])
def test_odd_model_name_gets_a_note(tmp_path, capsys, name):
    settings, _ = load(tmp_path, f"OPENAI_MODEL={name}\n".encode(), capsys)
    assert any(name in note for note in note_texts(settings)), settings.notes


def test_base_url_without_scheme_gets_a_note(tmp_path, capsys):
    settings, _ = load(tmp_path, b"OPENAI_BASE_URL=api.deepseek.com\n", capsys)
    assert any("http" in note for note in note_texts(settings)), settings.notes


def test_unreachable_endpoint_is_a_connection_error_not_a_traceback_of_ours(tmp_path, capsys, monkeypatch):
    # Port 9 (discard) refuses connections on loopback: the request fails fast, never leaves the machine.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    client = helpers.get_client(max_retries=0, timeout=5)
    printed = capsys.readouterr().out
    assert "compatible" in printed and KEY not in printed and "…wxyz" in printed
    with pytest.raises(openai.APIConnectionError) as info:
        client.models.list()
    assert KEY not in str(info.value) and "helpers" not in str(info.value)


@pytest.mark.parametrize("text", ["OPENAI_API_KEY=\n", "OPENAI_API_KEY=  # fill in later\n", "# OPENAI_API_KEY=sk-\n"])
def test_template_with_an_empty_key_gets_no_note(tmp_path, capsys, text):
    # Copying .env.example to .env unchanged is a choice (offline), not a mistake.
    settings, _ = load(tmp_path, text.encode(), capsys)
    assert settings.notes == [] and settings.mode == config.OFFLINE


@pytest.mark.parametrize("name", ["OPENAI_MODEL", "OPENAI_VISION_MODEL", "OPENAI_EMBEDDING_MODEL", "OPENAI_BASE_URL", "KIT_PROVIDER"])
def test_a_key_pasted_into_the_wrong_setting_is_never_shown_or_used(tmp_path, capsys, monkeypatch, name):
    monkeypatch.setenv(name, "")
    settings, printed = load(tmp_path, f"{name}={KEY}\n".encode(), capsys)
    helpers.get_client(tmp_path / ".env")
    printed += capsys.readouterr().out
    assert KEY not in printed and KEY not in repr(settings) and KEY not in " ".join(note_texts(settings))
    assert any(name in note and "…wxyz" in note for note in note_texts(settings)), settings.notes
    assert settings.model != KEY and (settings.base_url or "").find(KEY) == -1
