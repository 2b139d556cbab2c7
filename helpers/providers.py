"""Provider presets: ``KIT_PROVIDER=deepseek`` in ``.env`` and the kit knows the rest.

Introduced in the lesson on OpenAI-compatible endpoints (lesson 01 mentions them first).
The presets themselves are data, in ``helpers/providers.toml`` next to this file: base URL,
the key variable each provider's documentation uses, suggested models, notes and the date
they were written. This module only loads that file (with the standard library's
``tomllib``) and fills the ``{resource}``-style placeholders some URLs need (Azure OpenAI).

``helpers.config.load_settings()`` applies the chosen preset; ``OPENAI_BASE_URL``,
``OPENAI_MODEL`` and ``OPENAI_VISION_MODEL`` always win over it.
"""

from __future__ import annotations

import os
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

#: The data file, shipped as package data (see ``pyproject.toml``).
DATA_FILE = "providers.toml"
_FIELDS = ("name_en", "name_zh", "base_url", "key_env", "text_model", "vision_model", "checked_on", "notes")
#: What an Azure-style resource name may look like (letters, digits, hyphens).
_RESOURCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")


@dataclass(frozen=True)
class Preset:
    """One provider: where it lives, which key variable it uses, which models to try first.

    ``key_env`` is empty when the endpoint needs no key (a local Ollama); ``vision_model``
    is empty when the provider's API takes no image input.
    """

    id: str
    name_en: str
    name_zh: str
    base_url: str
    key_env: str
    text_model: str
    vision_model: str
    checked_on: str
    notes: str

    @property
    def name(self) -> str:
        """Both names on one line, as the banner shows them (one name when they agree)."""
        return self.name_en if self.name_en == self.name_zh else f"{self.name_en} · {self.name_zh}"

    @property
    def placeholders(self) -> list[str]:
        """The ``{name}`` fields in ``base_url`` that must be filled in (``[]`` for most)."""
        return [field for _, field, _, _ in string.Formatter().parse(self.base_url) if field]


class UnknownPreset(KeyError):
    """``KIT_PROVIDER`` names no preset; the message lists the valid ones (both languages)."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


class PresetError(ValueError):
    """A preset cannot be used as configured (a placeholder variable is missing or malformed)."""


def _load() -> tuple[dict[str, Preset], dict[str, str], dict[str, str]]:
    data: dict[str, Any] = tomllib.loads(resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8"))
    presets: dict[str, Preset] = {}
    aliases: dict[str, str] = {}
    for preset_id, table in data["presets"].items():
        presets[preset_id] = Preset(id=preset_id, **{name: str(table[name]) for name in _FIELDS})
        for alias in table.get("aliases", []):
            aliases[alias.lower()] = preset_id
    return presets, aliases, dict(data.get("placeholders", {}))


PRESETS: dict[str, Preset]
#: Other spellings accepted in ``KIT_PROVIDER`` (``kimi`` -> ``moonshot``), lowercase.
ALIASES: dict[str, str]
#: Placeholder name -> the environment variable that fills it (``resource`` -> ``AZURE_OPENAI_RESOURCE``).
PLACEHOLDERS: dict[str, str]
PRESETS, ALIASES, PLACEHOLDERS = _load()


def get_preset(name: str) -> Preset:
    """The preset called ``name`` (case-insensitive; aliases such as ``kimi`` work too).

    Raises :class:`UnknownPreset` (a ``KeyError``) listing the valid ids otherwise.
    """
    key = (name or "").strip().lower()
    key = ALIASES.get(key, key)
    if key in PRESETS:
        return PRESETS[key]
    valid = ", ".join(PRESETS)
    raise UnknownPreset(
        f"KIT_PROVIDER={name!r} is not a preset. Use one of: {valid}; or leave KIT_PROVIDER unset and set "
        f"OPENAI_BASE_URL and OPENAI_MODEL yourself. / KIT_PROVIDER={name!r} 不是已知预设。可选：{valid}；"
        f"或者不设 KIT_PROVIDER，自己设置 OPENAI_BASE_URL 和 OPENAI_MODEL。"
    )


def _resource_name(value: str) -> str | None:
    """A bare resource name; a pasted ``https://<name>.openai.azure.com/...`` URL is reduced to it."""
    if "://" in value:
        host = urlsplit(value).hostname or ""
        value = host.split(".", 1)[0] if host.endswith(".azure.com") else ""
    return value if _RESOURCE.match(value) else None


def base_url(preset: Preset, environ: Mapping[str, str] | None = None) -> str:
    """``preset.base_url`` with its placeholders filled from the environment.

    Raises :class:`PresetError` with what to set when a placeholder's variable is missing
    or is not a plain name.
    """
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    for field in preset.placeholders:
        variable = PLACEHOLDERS.get(field, field.upper())
        raw = (env.get(variable) or "").strip()
        if not raw:
            raise PresetError(
                f"KIT_PROVIDER={preset.id} needs {variable}: the {field} name in {preset.base_url}. Add "
                f"{variable}=<your-{field}-name> to .env (the part before .openai.azure.com), or set OPENAI_BASE_URL. "
                f"/ KIT_PROVIDER={preset.id} 需要 {variable}（{preset.base_url} 中的 {field} 名称）。请在 .env 中加入 "
                f"{variable}=<你的资源名>（.openai.azure.com 前面的部分），或直接设置 OPENAI_BASE_URL。"
            )
        cleaned = _resource_name(raw)
        if cleaned is None:
            raise PresetError(
                f"{variable} should be just a name made of letters, digits and hyphens (for example my-team-openai), "
                f"not {raw[:60]!r}. / {variable} 只能是由字母、数字和连字符组成的名称（例如 my-team-openai）。"
            )
        values[field] = cleaned
    return preset.base_url.format(**values) if values else preset.base_url
