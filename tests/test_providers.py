"""Provider presets (``helpers/providers.toml``) and ``KIT_PROVIDER`` in ``load_settings()``.

No network: clients are only constructed, never called.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path

import openai
import pytest

import helpers
from helpers import client as client_module
from helpers import config, providers
from helpers.offline import PROFILES
from helpers.providers import PRESETS, Preset, UnknownPreset, get_preset
from tests.settings_support import clean  # noqa: F401  (autouse: each test starts with nothing configured)

ROOT = Path(__file__).resolve().parents[1]
# Key-like values are assembled at run time: no key-like literal sits in this file.
HEX_KEY = "sk-" + "0123456789abcdef" * 2            # the sk- + 32 hex form many providers use
OTHER_HEX = "sk-" + "fedcba9876543210" * 2
OPENAI_KEY = "sk-" + "proj-" + "A" * 40 + "wxyz"
KEY_VARS = {
    "openai": "OPENAI_API_KEY", "azure": "AZURE_OPENAI_API_KEY", "deepseek": "DEEPSEEK_API_KEY",
    "qwen": "DASHSCOPE_API_KEY", "moonshot": "MOONSHOT_API_KEY", "zhipu": "ZHIPUAI_API_KEY",
    "siliconflow": "SILICONFLOW_API_KEY", "openrouter": "OPENROUTER_API_KEY", "ollama": "",
}
VARIABLES = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "KIT_OFFLINE", "KIT_SIMULATOR_URL", "OPENAI_MODEL",
    "OPENAI_VISION_MODEL", "KIT_PROVIDER", "AZURE_OPENAI_RESOURCE", "KIT_SIMULATOR_PROFILE",
    *[name for name in KEY_VARS.values() if name],
)


def note_texts(settings: object) -> list[str]:
    """The settings' notes (Messages) as text in both languages."""
    return [note.render(("en", "zh")) for note in settings.notes]  # type: ignore[attr-defined]


def load(monkeypatch: pytest.MonkeyPatch, **values: str) -> config.Settings:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return config.load_settings()


# --- the data ------------------------------------------------------------------------------


def test_every_listed_provider_has_a_preset() -> None:
    assert set(PRESETS) == set(KEY_VARS)
    assert all(isinstance(p, Preset) and p.id == name for name, p in PRESETS.items())


@pytest.mark.parametrize("preset", list(PRESETS.values()), ids=list(PRESETS))
def test_preset_is_complete(preset: Preset) -> None:
    assert preset.name_en and preset.name_zh and preset.text_model
    if preset.id == "ollama":
        assert preset.base_url == "http://localhost:11434/v1" and preset.key_env == ""
    else:
        assert preset.base_url.startswith("https://"), preset.base_url
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*_API_KEY", preset.key_env)
    assert preset.key_env == KEY_VARS[preset.id]
    # An empty vision model is allowed only where the notes say the API takes no images.
    assert preset.vision_model or "no image" in preset.notes.en
    assert dt.date.fromisoformat(preset.checked_on) == dt.date(2026, 11, 27)
    assert preset.notes.en and re.search(r"[\u4e00-\u9fff]", preset.notes.zh)
    assert not re.search(r"[\u4e00-\u9fff]", preset.notes.en)


def test_data_file_tells_learners_to_verify() -> None:
    text = (ROOT / "helpers" / "providers.toml").read_text(encoding="utf-8")
    assert "check the base URL and the model names on the" in text and "核对" in text
    assert "import" not in text.split("[placeholders]")[1]  # data, not code


def test_data_file_ships_as_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "providers.toml" in pyproject["tool"]["setuptools"]["package-data"]["helpers"]


def test_get_preset_names_and_aliases() -> None:
    assert get_preset("DeepSeek ") is PRESETS["deepseek"]
    assert get_preset("kimi") is PRESETS["moonshot"] and get_preset("dashscope") is PRESETS["qwen"]
    with pytest.raises(UnknownPreset) as caught:
        get_preset("deepsek")
    assert isinstance(caught.value, KeyError)
    message = str(caught.value)
    assert not message.startswith("'") and "deepsek" in message and "OPENAI_BASE_URL" in message
    assert all(name in message for name in PRESETS)


def test_azure_placeholder() -> None:
    azure = PRESETS["azure"]
    assert azure.placeholders == ["resource"] and PRESETS["deepseek"].placeholders == []
    assert providers.base_url(azure, {"AZURE_OPENAI_RESOURCE": "my-team"}) == "https://my-team.openai.azure.com/openai/v1/"
    pasted = {"AZURE_OPENAI_RESOURCE": "https://my-team.openai.azure.com/"}
    assert providers.base_url(azure, pasted) == "https://my-team.openai.azure.com/openai/v1/"
    with pytest.raises(providers.PresetError, match="AZURE_OPENAI_RESOURCE"):
        providers.base_url(azure, {})
    with pytest.raises(providers.PresetError, match="letters, digits and hyphens"):
        providers.base_url(azure, {"AZURE_OPENAI_RESOURCE": "my team/evil"})


# --- KIT_PROVIDER in load_settings() ----------------------------------------------------------


def test_preset_key_in_its_own_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load(monkeypatch, KIT_PROVIDER="deepseek", DEEPSEEK_API_KEY=HEX_KEY, OPENAI_API_KEY=OTHER_HEX)
    assert s.mode == config.COMPATIBLE and s.preset is PRESETS["deepseek"]
    assert s.base_url == "https://api.deepseek.com" and s.api_key == HEX_KEY
    assert s.key_source == "DEEPSEEK_API_KEY, environment"
    assert s.model == "deepseek-chat" and s.vision_model == "deepseek-chat"
    assert any("OPENAI_VISION_MODEL" in note for note in note_texts(s))  # DeepSeek suggests no vision model
    line = config.mode_line(s)
    assert "DeepSeek https://api.deepseek.com" in line.render("en") and "[compatible endpoint]" in line.render("en")
    assert "DeepSeek 深度求索 https://api.deepseek.com" in line.render("zh") and "兼容接口" in line.render("zh")
    assert helpers.banner(s) == str(line)
    assert HEX_KEY not in str(line) and "sk-…cdef (DEEPSEEK_API_KEY, environment)" in line.render("en")


def test_preset_from_env_file(clean: Path) -> None:
    (clean / ".env").write_text(f"KIT_PROVIDER=qwen\nDASHSCOPE_API_KEY={HEX_KEY}\n", encoding="utf-8")
    s = config.load_settings()
    assert s.preset is PRESETS["qwen"] and s.key_source == "DASHSCOPE_API_KEY, .env"
    assert s.base_url == "https://dashscope.aliyuncs.com/compatible-mode/v1"
    assert (s.model, s.vision_model) == ("qwen-plus", "qwen-vl-plus") and s.notes == []


def test_fallback_to_openai_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load(monkeypatch, KIT_PROVIDER="moonshot", OPENAI_API_KEY=HEX_KEY)
    assert s.api_key == HEX_KEY and s.key_source == "OPENAI_API_KEY, environment"
    assert s.base_url == "https://api.moonshot.cn/v1" and s.notes == []


def test_an_openai_key_is_never_sent_to_another_provider(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KIT_PROVIDER", "siliconflow")
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    client = helpers.get_client()
    out = capsys.readouterr().out
    s = helpers.settings()
    assert s.api_key is None and client.api_key != OPENAI_KEY
    assert "SILICONFLOW_API_KEY" in out and OPENAI_KEY not in out
    # Without its own key the preset runs offline: a lesson's plain OpenAI() reaches the simulator, not the provider.
    assert s.mode == config.OFFLINE and "api.siliconflow" not in os.environ["OPENAI_BASE_URL"]
    assert os.environ["OPENAI_API_KEY"] != OPENAI_KEY


def test_no_key_at_all_says_which_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load(monkeypatch, KIT_PROVIDER="zhipu")
    assert s.mode == config.OFFLINE and s.api_key is None  # a hosted provider without its key: offline
    said = [note for note in note_texts(s) if "ZHIPUAI_API_KEY=<your key>" in note]
    assert len(said) == 1 and "offline simulator" in said[0]  # said once


def test_base_url_and_models_override_the_preset(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load(monkeypatch, KIT_PROVIDER="openrouter", OPENROUTER_API_KEY=HEX_KEY, OPENAI_BASE_URL="https://gateway.example.invalid/v1",
             OPENAI_MODEL="vendor/model-a", OPENAI_VISION_MODEL="vendor/model-b")
    assert s.base_url == "https://gateway.example.invalid/v1" and s.preset is PRESETS["openrouter"]
    assert (s.model, s.vision_model, s.api_key) == ("vendor/model-a", "vendor/model-b", HEX_KEY)


def test_unknown_preset_is_a_note_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load(monkeypatch, KIT_PROVIDER="deepsek", OPENAI_API_KEY=OPENAI_KEY)
    assert s.preset is None and s.mode == config.LIVE and s.base_url == config.DEFAULT_BASE_URL
    assert any("deepsek" in note and "deepseek" in note and "ollama" in note for note in note_texts(s))


def test_azure_without_and_with_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = load(monkeypatch, KIT_PROVIDER="azure", AZURE_OPENAI_API_KEY=HEX_KEY)
    assert missing.preset is None and missing.mode == config.OFFLINE  # nothing usable: the simulator
    assert any("AZURE_OPENAI_RESOURCE" in note and ".env" in note for note in note_texts(missing))
    s = load(monkeypatch, AZURE_OPENAI_RESOURCE="my-team")
    assert s.preset is PRESETS["azure"] and s.mode == config.COMPATIBLE
    assert s.base_url == "https://my-team.openai.azure.com/openai/v1/" and s.key_source == "AZURE_OPENAI_API_KEY, environment"


def test_ollama_needs_no_key(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KIT_PROVIDER", "ollama")
    client = helpers.get_client()
    out = capsys.readouterr().out
    s = helpers.settings()
    assert s.mode == config.COMPATIBLE and s.api_key is None
    assert str(client.base_url).rstrip("/") == "http://localhost:11434/v1" and client.api_key == "not-needed"
    assert (s.model, s.vision_model) == ("llama3.2", "llama3.2-vision")
    assert "Ollama (local) http://localhost:11434/v1" in out and "Ollama（本机） http://localhost:11434/v1" in out
    assert "no key found" not in out


def test_openai_preset_is_live(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load(monkeypatch, KIT_PROVIDER="openai", OPENAI_API_KEY=OPENAI_KEY)
    assert s.mode == config.LIVE and s.base_url == config.DEFAULT_BASE_URL and s.key_source == "environment"
    assert config.mode_line(s).render("en").startswith("[live] endpoint: OpenAI https://api.openai.com/v1")
    assert config.mode_line(s).render("zh").startswith("[在线] 接口：OpenAI https://api.openai.com/v1")


def test_offline_wins_over_a_preset(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load(monkeypatch, KIT_PROVIDER="deepseek", KIT_OFFLINE="1")
    assert s.mode == config.OFFLINE and s.preset is None
    assert s.model == helpers.DEFAULT_MODEL
    assert [note for note in note_texts(s) if "KIT_PROVIDER" in note] == [
        "KIT_PROVIDER=deepseek is ignored: the offline simulator is in use. / 正在使用离线模拟器，KIT_PROVIDER=deepseek 不生效。"
    ]


def test_plain_openai_client_follows_the_preset(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KIT_PROVIDER", "deepseek")
    monkeypatch.setenv("DEEPSEEK_API_KEY", HEX_KEY)
    client = helpers.get_client()
    plain = openai.OpenAI()
    assert str(plain.base_url) == str(client.base_url) and plain.api_key == client.api_key == HEX_KEY
    assert HEX_KEY not in capsys.readouterr().out


def test_banner_without_a_preset_is_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load(monkeypatch, OPENAI_BASE_URL="http://localhost:11434/v1")
    assert config.mode_line(s).render(("en", "zh")) == (
        "[compatible endpoint] endpoint: http://localhost:11434/v1 · model: gpt-5.4-mini · key: none / "
        "[兼容接口] 接口：http://localhost:11434/v1 · 模型：gpt-5.4-mini · 密钥：未设置"
    )


# --- KIT_SIMULATOR_PROFILE for the simulator get_client() starts -------------------------------


def test_simulator_profile_from_the_environment(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KIT_SIMULATOR_PROFILE", "no-vision")
    monkeypatch.setattr(client_module, "_SIMULATOR", None)  # a fresh in-process simulator for this test
    try:
        helpers.get_client()
        assert client_module.local_simulator().profile == "no-vision"
    finally:
        if client_module._SIMULATOR is not None:
            client_module._SIMULATOR.stop()
    assert helpers.settings().simulator_profile == "no-vision"
    out = capsys.readouterr().out
    assert "local simulator (profile: no-vision)" in out and "本机模拟器（配置：no-vision）" in out


def test_unknown_simulator_profile_is_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load(monkeypatch, KIT_SIMULATOR_PROFILE="nope")
    assert s.simulator_profile is None
    assert any("nope" in note and all(name in note for name in PROFILES) for note in note_texts(s))
