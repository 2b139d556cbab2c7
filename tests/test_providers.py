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
    "OPENAI_VISION_MODEL", "OPENAI_EMBEDDING_MODEL", "KIT_PROVIDER", "AZURE_OPENAI_RESOURCE", "KIT_SIMULATOR_PROFILE",
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
    # An empty vision model is allowed only where the notes say the API takes no images; likewise embeddings.
    assert preset.vision_model or "no image" in preset.notes.en
    assert bool(preset.embedding_model) != ("no embeddings endpoint" in preset.notes.en)
    assert bool(preset.embedding_model) != ("向量嵌入（embeddings）接口" in preset.notes.zh)
    assert dt.date.fromisoformat(preset.checked_on) == dt.date(2026, 11, 27)
    assert dt.date.fromisoformat(preset.models_checked_on) >= dt.date.fromisoformat(preset.checked_on)
    assert preset.notes.en and re.search(r"[\u4e00-\u9fff]", preset.notes.zh)
    assert not re.search(r"[\u4e00-\u9fff]", preset.notes.en)


#: The embedding and vision models as re-checked on the providers' pages (see the comments in providers.toml).
MODELS = {
    "openai": ("gpt-5.4-mini", "text-embedding-3-small"), "azure": ("gpt-5.4-mini", "text-embedding-3-small"),
    "deepseek": ("", ""), "qwen": ("qwen-vl-plus", "text-embedding-v4"), "moonshot": ("moonshot-v1-8k-vision-preview", ""),
    "zhipu": ("glm-4v-flash", "embedding-3"), "siliconflow": ("Qwen/Qwen2.5-VL-72B-Instruct", "BAAI/bge-m3"),
    "openrouter": ("openai/gpt-5.4-mini", "openai/text-embedding-3-small"), "ollama": ("llama3.2-vision", "qwen3-embedding:0.6b"),
}


def test_vision_and_embedding_models() -> None:
    assert {pid: (p.vision_model, p.embedding_model) for pid, p in PRESETS.items()} == MODELS


def _preset_blocks(text: str) -> dict[str, str]:
    """Each ``[presets.<id>]`` table's lines, comments included."""
    parts = re.split(r"^\[presets\.([a-z]+)\]$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def test_every_model_line_has_a_dated_source() -> None:
    text = (ROOT / "helpers" / "providers.toml").read_text(encoding="utf-8")
    blocks = _preset_blocks(text)
    assert set(blocks) == set(PRESETS)
    for pid, block in blocks.items():
        comments = "\n".join(line for line in block.splitlines() if line.startswith("#"))
        for field in ("vision_model", "embedding_model"):
            assert field in comments, f"{pid}: no comment names the source of {field}"
        # A page read on a date, or an honest "not re-read".
        assert re.search(r"https://\S+", comments), pid
        assert "read 2026-12-07" in comments or "not re-read" in comments, pid
        if PRESETS[pid].embedding_model:
            assert "read 2026-12-07" in comments, f"{pid}: the embedding model has no dated page"


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
    # DeepSeek's API takes no images and has no embeddings endpoint (its API reference): both settings stay
    # empty, each with a note, rather than pointing at deepseek-chat, a text model that would be sent images.
    assert (s.model, s.vision_model, s.embedding_model) == ("deepseek-chat", "", "")
    notes = note_texts(s)
    assert any("OPENAI_VISION_MODEL" in note and "lesson 03" in note for note in notes)
    assert any("OPENAI_EMBEDDING_MODEL" in note and "lesson 09" in note for note in notes)
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
    assert s.base_url == "https://api.moonshot.cn/v1"
    assert [note.en.split(",")[0] for note in s.notes] == ["Moonshot AI (Kimi) has no embeddings endpoint"]  # the only note


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
             OPENAI_MODEL="vendor/model-a", OPENAI_VISION_MODEL="vendor/model-b", OPENAI_EMBEDDING_MODEL="vendor/embed-c")
    assert s.base_url == "https://gateway.example.invalid/v1" and s.preset is PRESETS["openrouter"]
    assert (s.model, s.vision_model, s.embedding_model, s.api_key) == ("vendor/model-a", "vendor/model-b", "vendor/embed-c", HEX_KEY)


@pytest.mark.parametrize("preset", list(PRESETS.values()), ids=list(PRESETS))
def test_each_preset_supplies_its_embedding_model(monkeypatch: pytest.MonkeyPatch, preset: Preset) -> None:
    values = {"KIT_PROVIDER": preset.id, "AZURE_OPENAI_RESOURCE": "my-team"}
    if preset.key_env:
        values[preset.key_env] = HEX_KEY if preset.id != "openai" else OPENAI_KEY
    s = load(monkeypatch, **values)
    assert s.preset is preset and (s.vision_model, s.embedding_model) == (preset.vision_model, preset.embedding_model)
    said = [note for note in note_texts(s) if "OPENAI_EMBEDDING_MODEL" in note]
    assert len(said) == (0 if preset.embedding_model else 1)  # a note only where the setting is empty


def test_an_embedding_model_in_the_environment_fills_a_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load(monkeypatch, KIT_PROVIDER="deepseek", DEEPSEEK_API_KEY=HEX_KEY, OPENAI_EMBEDDING_MODEL="my-embedder",
             OPENAI_VISION_MODEL="my-viewer")
    assert (s.vision_model, s.embedding_model) == ("my-viewer", "my-embedder")
    assert not any("lesson 03" in note or "lesson 09" in note for note in note_texts(s))


def test_missing_model_lines() -> None:
    for kind, variable in (("vision", "OPENAI_VISION_MODEL"), ("embedding", "OPENAI_EMBEDDING_MODEL")):
        line = helpers.missing_model(kind)
        assert variable in line.en and variable in line.zh and "KIT_OFFLINE=1" in line.en and "KIT_OFFLINE=1" in line.zh
        assert "\n" not in line.en and "\n" not in line.zh  # one line
    assert "no embeddings endpoint" in helpers.missing_model("embedding").en
    assert "向量嵌入（embeddings）接口" in helpers.missing_model("embedding").zh
    with pytest.raises(KeyError):
        helpers.missing_model("audio")


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
    assert s.model == helpers.DEFAULT_MODEL and s.embedding_model == helpers.DEFAULT_EMBEDDING_MODEL == "text-embedding-3-small"
    assert s.vision_model == helpers.DEFAULT_VISION_MODEL  # offline, the preset's gaps do not apply
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
