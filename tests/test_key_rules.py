"""``helpers.key_rules`` through ``config.resolve``, ``get_client()`` and the doctor.

A hosted endpoint without its key runs offline with ONE note; a local server needs no key;
an implausible key (placeholder, too short, wrong prefix) is named in the banner notes and by
the doctor instead of being called well-formed.
"""

from __future__ import annotations

from pathlib import Path

import openai
import pytest

import helpers
from helpers import client as client_module
from helpers import config, doctor, models
from helpers.key_rules import missing_key, needs_key, prefix_problem

PROJ = "sk-" + "proj-"
KEY = PROJ + "A" * 40 + "wxyz"
HEX_KEY = "sk-" + "0123456789abcdef" * 2
FAKE = "sk-" + "test123"
from test_config import VARIABLES, clean  # noqa: F401 - the same clean environment (an autouse fixture)


def notes(settings: config.Settings) -> list[str]:
    return [note.render(("en", "zh")) for note in settings.notes]


def test_a_preset_without_its_key_runs_offline_and_says_so_once() -> None:
    settings = config.resolve({"KIT_PROVIDER": "deepseek"}, {})
    assert settings.mode == config.OFFLINE and settings.preset is None and settings.base_url is None
    assert len(settings.notes) == 1, notes(settings)
    said = notes(settings)[0]
    assert "No key for DeepSeek: running on the offline simulator" in said and "DEEPSEEK_API_KEY=<your key>" in said
    assert "Ollama" not in said and "placeholder" not in said


def test_a_public_base_url_without_a_key_runs_offline() -> None:
    settings = config.resolve({"OPENAI_BASE_URL": "https://api.example.com/v1"}, {})
    assert settings.mode == config.OFFLINE
    assert [n for n in notes(settings) if "No key for https://api.example.com/v1" in n and "OPENAI_API_KEY" in n]


@pytest.mark.parametrize("url", ["http://localhost:11434/v1", "http://192.168.1.20:11434/v1", "localhost:11434/v1"])
def test_a_local_server_needs_no_key(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    settings = config.resolve({"OPENAI_BASE_URL": url}, {})
    assert settings.mode == config.COMPATIBLE and not [n for n in notes(settings) if "offline simulator" in n]
    lines = config.announcement(settings)
    assert any("placeholder" in line for line in lines)


def test_the_ollama_preset_needs_no_key() -> None:
    settings = config.resolve({"KIT_PROVIDER": "ollama"}, {})
    assert settings.mode == config.COMPATIBLE and not [n for n in notes(settings) if "No key" in n]


def test_with_its_key_the_preset_is_used() -> None:
    settings = config.resolve({"KIT_PROVIDER": "deepseek", "DEEPSEEK_API_KEY": HEX_KEY}, {})
    assert settings.mode == config.COMPATIBLE and settings.preset is not None
    # No note about a missing key or about going offline (DeepSeek's note on lesson 09 names offline mode
    # as a way to run that one lesson, which is not a fallback).
    assert not [n for n in notes(settings) if "No key" in n or ("offline" in n and "embedding" not in n)]


def test_a_shared_simulator_is_used_when_the_preset_has_no_key() -> None:
    settings = config.resolve({"KIT_PROVIDER": "deepseek", "KIT_SIMULATOR_URL": "http://127.0.0.1:9/v1"}, {})
    assert settings.mode == config.OFFLINE and settings.shared_simulator and settings.base_url == "http://127.0.0.1:9/v1"


def test_get_client_without_the_preset_key_reaches_the_simulator(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KIT_PROVIDER", "deepseek")
    monkeypatch.setenv("KIT_LANG", "en")
    client = helpers.get_client()
    printed = capsys.readouterr().out
    assert printed.count("DEEPSEEK_API_KEY") == 1 and "offline" in printed
    reply = client.chat.completions.create(model=models.DEFAULT_MODEL, messages=[{"role": "user", "content": "hi"}])
    assert "[Offline simulation]" in (reply.choices[0].message.content or "")
    assert "[Offline simulation]" in (openai.OpenAI().chat.completions.create(
        model=models.DEFAULT_MODEL, messages=[{"role": "user", "content": "hi"}]).choices[0].message.content or "")


@pytest.mark.parametrize(("key", "words"), [
    (FAKE, "only 10 characters"),
    ("your-key-here", "placeholder"),
    ("gsk_" + "a1" * 24, "does not start with sk-"),
])
def test_an_implausible_key_is_noted_in_live_mode(key: str, words: str) -> None:
    settings = config.resolve({"OPENAI_API_KEY": key}, {})
    assert settings.mode == config.LIVE
    said = [n for n in notes(settings) if words in n]
    assert said and "401" in said[0] and key not in said[0]


def test_a_plausible_key_gets_no_note() -> None:
    assert config.resolve({"OPENAI_API_KEY": KEY}, {}).notes == []


def test_the_prefix_rule_applies_to_openai_only() -> None:
    assert prefix_problem("gsk_" + "a1" * 24, "https://api.openai.com/v1") is not None
    assert prefix_problem("gsk_" + "a1" * 24, "https://api.groq.com/openai/v1") is None
    assert prefix_problem(KEY, "https://api.openai.com/v1") is None


def test_needs_key_and_missing_key_directly() -> None:
    assert needs_key("https://api.deepseek.com", None) and not needs_key("http://127.0.0.1:8000/v1", None)
    assert missing_key("compatible", "https://api.deepseek.com", HEX_KEY, None) is None
    assert missing_key("live", "https://api.openai.com/v1", None, None) is None


@pytest.mark.parametrize(("key", "words"), [(FAKE, "only 10 characters"), ("gsk_" + "a1" * 24, "does not start with sk-")])
def test_the_doctor_does_not_call_an_implausible_key_well_formed(monkeypatch: pytest.MonkeyPatch, key: str, words: str) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", key)
    result = doctor.run(offline=True)["key_format"]
    assert result.status != "ok" and words in result.summary.en and "well-formed" not in result.summary.en
