"""The two-line `.env` for a domestic preset works with the kit's config (issue 18, part 2).

Writes a real `.env` with exactly the two lines the "In mainland China?" branch teaches,
reads it with helpers.envfile and resolves it with helpers.config (no environment
variables), and checks that the preset's base URL, key and models are picked up.
"""
from pathlib import Path

import pytest

from helpers import config
from helpers.envfile import load_env_file
from helpers.providers import PRESETS

KEY = "sk-" + "0123456789abcdef" * 2  # fake, never sent anywhere


@pytest.mark.parametrize("preset_id", [p for p in ("deepseek", "qwen") if p in PRESETS])
def test_two_env_lines_select_the_preset(tmp_path: Path, preset_id: str) -> None:
    preset = PRESETS[preset_id]
    env = tmp_path / ".env"
    env.write_text(f"KIT_PROVIDER={preset_id}\n{preset.key_env}={KEY}\n", encoding="utf-8")
    settings = config.resolve({}, env_file=load_env_file(env))
    assert settings.preset is preset
    assert settings.mode == config.COMPATIBLE
    assert settings.api_key == KEY
    assert settings.base_url == preset.base_url.rstrip("/") or settings.base_url == preset.base_url
    assert settings.model == preset.text_model
    if preset.vision_model:
        assert settings.vision_model == preset.vision_model
