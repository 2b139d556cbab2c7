"""Provider presets: ``KIT_PROVIDER=deepseek`` in ``.env`` and the kit knows the rest.

Introduced in the lesson on OpenAI-compatible endpoints (lesson 01 mentions them first).
The presets themselves are data, in ``helpers/providers.toml`` next to this file: base URL,
the key variable each provider's documentation uses, suggested models, notes and the date
they were written. This module only loads that file (with the standard library's
``tomllib``) and fills the ``{resource}``-style placeholders some URLs need (Azure OpenAI).

``helpers.config.resolve()`` applies the chosen preset with :func:`choose_preset` and
:func:`settle_preset`; ``OPENAI_BASE_URL``, ``OPENAI_MODEL``, ``OPENAI_VISION_MODEL`` and
``OPENAI_EMBEDDING_MODEL`` always win over it. A preset without a vision or embedding model
leaves that setting empty: :func:`missing_model` is the line a lesson prints then.

:func:`render_table` makes the table in ``docs/providers.md`` (and ``docs/providers.zh-CN.md``)
from the presets; :func:`write_docs` writes both files.
"""

from __future__ import annotations

import os
import re
import string
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from .keys import is_openai_key
from .messages import Message, message

#: The data file, shipped as package data (see ``pyproject.toml``).
DATA_FILE = "providers.toml"
_FIELDS = ("name_en", "name_zh", "base_url", "key_env", "text_model", "vision_model", "embedding_model", "checked_on",
           "models_checked_on", "notes_en", "notes_zh")
#: What an Azure-style resource name may look like (letters, digits, hyphens).
_RESOURCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")


@dataclass(frozen=True)
class Preset:
    """One provider: where it lives, which key variable it uses, which models to try first.

    ``key_env`` is empty when the endpoint needs no key (a local Ollama); ``vision_model``
    is empty when the provider's API takes no image input, ``embedding_model`` when it has no
    embeddings endpoint.
    """

    id: str
    name_en: str
    name_zh: str
    base_url: str
    key_env: str
    text_model: str
    vision_model: str
    embedding_model: str
    checked_on: str
    models_checked_on: str
    notes_en: str
    notes_zh: str

    @property
    def notes(self) -> Message:
        """What to know about the provider, in English and Chinese."""
        return Message(self.notes_en, self.notes_zh)

    @property
    def display_name(self) -> Message:
        """The name as a message: English and Chinese."""
        return Message(self.name_en, self.name_zh)

    @property
    def placeholders(self) -> list[str]:
        """The ``{name}`` fields in ``base_url`` that must be filled in (``[]`` for most)."""
        return [field for _, field, _, _ in string.Formatter().parse(self.base_url) if field]


UNKNOWN = message(
    "KIT_PROVIDER={name!r} is not a preset. Use one of: {valid}; or leave KIT_PROVIDER unset and set OPENAI_BASE_URL "
    "and OPENAI_MODEL yourself.",
    "KIT_PROVIDER={name!r} 不是已知预设。可选：{valid}；或者不设 KIT_PROVIDER，自己设置 OPENAI_BASE_URL 和 OPENAI_MODEL。",
)
NEEDS_PLACEHOLDER = message(
    "KIT_PROVIDER={id} needs {variable}: the {field} name in {url}. Add {variable}=<your-{field}-name> to .env (the "
    "part before .openai.azure.com), or set OPENAI_BASE_URL.",
    "KIT_PROVIDER={id} 需要 {variable}（{url} 中的 {field} 名称）。请在 .env 中加入 {variable}=<你的资源名>"
    "（.openai.azure.com 前面的部分），或直接设置 OPENAI_BASE_URL。",
)
BAD_PLACEHOLDER = message(
    "{variable} should be just a name made of letters, digits and hyphens (for example my-team-openai), not {raw!r}.",
    "{variable} 只能是由字母、数字和连字符组成的名称（例如 my-team-openai），不能是 {raw!r}。",
)
OPENAI_KEY_ELSEWHERE = message(
    "OPENAI_API_KEY holds an OpenAI key; it is not sent to {name}. Put your {name} key in {variable}.",
    "OPENAI_API_KEY 中是 OpenAI 的密钥，不会发送给 {name}。请把 {name} 的密钥写入 {variable}。",
)
NO_KEY = message(
    "KIT_PROVIDER={id}: no key found. Add {variable}=<your key> to .env (OPENAI_API_KEY works too).",
    "KIT_PROVIDER={id}：没有找到密钥。请在 .env 中加入 {variable}=<你的密钥>（也可用 OPENAI_API_KEY）。",
)
IGNORED_OFFLINE = message(
    "KIT_PROVIDER={id} is ignored: the offline simulator is in use.",
    "正在使用离线模拟器，KIT_PROVIDER={id} 不生效。",
)
NO_VISION = message(
    "{name} has no image-input model, so the vision model setting is empty and lesson 03 skips its image requests. "
    "Set OPENAI_VISION_MODEL if your provider has one.",
    "{name} 没有图像输入模型，所以视觉模型的设置为空，第 03 课会跳过发送图片的请求；若服务商有视觉模型，请设置 OPENAI_VISION_MODEL。",
)
NO_EMBEDDINGS = message(
    "{name} has no embeddings endpoint, so the embedding model setting is empty and lesson 09 cannot run live. Set "
    "OPENAI_EMBEDDING_MODEL if your endpoint has one, or run offline (KIT_OFFLINE=1).",
    "{name} 没有向量嵌入（embeddings）接口，所以向量嵌入模型的设置为空，第 09 课无法在线运行；若接口提供向量嵌入模型，"
    "请设置 OPENAI_EMBEDDING_MODEL，或者离线运行（KIT_OFFLINE=1）。",
)
#: The line a lesson prints when its model setting is empty (the preset offers none), by kind of model.
MISSING = {
    "vision": message(
        "This provider has no image-input model (OPENAI_VISION_MODEL is empty), so this request is skipped. Set "
        "OPENAI_VISION_MODEL to a model it serves, or run offline (KIT_OFFLINE=1), then run the setup cell again.",
        "这家服务商没有图像输入模型（OPENAI_VISION_MODEL 为空），所以跳过这个请求。请把 OPENAI_VISION_MODEL "
        "设为它提供的模型，或者离线运行（KIT_OFFLINE=1），再重新运行准备单元格。",
    ),
    "embedding": message(
        "This provider has no embeddings endpoint (OPENAI_EMBEDDING_MODEL is empty): set OPENAI_EMBEDDING_MODEL to a "
        "model your endpoint serves, or run offline (KIT_OFFLINE=1), then run the setup cell again.",
        "这家服务商没有向量嵌入（embeddings）接口（OPENAI_EMBEDDING_MODEL 为空）：请把 OPENAI_EMBEDDING_MODEL "
        "设为接口提供的模型，或者离线运行（KIT_OFFLINE=1），再重新运行准备单元格。",
    ),
}


class _MessageError(Exception):
    """An error whose text is a :class:`Message` (``str()`` renders it for the reader)."""

    def __init__(self, text: Message) -> None:
        super().__init__(text)
        self.message = text

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.message)


class UnknownPreset(_MessageError, KeyError):
    """``KIT_PROVIDER`` names no preset; the message lists the valid ones."""


class PresetError(_MessageError, ValueError):
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
    raise UnknownPreset(UNKNOWN.format(name=name, valid=", ".join(PRESETS)))


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
            raise PresetError(NEEDS_PLACEHOLDER.format(id=preset.id, variable=variable, field=field, url=preset.base_url))
        cleaned = _resource_name(raw)
        if cleaned is None:
            raise PresetError(BAD_PLACEHOLDER.format(variable=variable, raw=raw[:60]))
        values[field] = cleaned
    return preset.base_url.format(**values) if values else preset.base_url


# --------------------------------------------------------------------------- applying a preset

#: Reads a secret from outside the environment (Colab's Secrets panel): name -> value or None.
SecretLookup = Callable[[str], "str | None"]


@dataclass
class PresetChoice:
    """A ``KIT_PROVIDER`` preset as the settings would use it, before the mode is known."""

    preset: Preset
    #: The preset's base URL (None when ``OPENAI_BASE_URL`` is set: that wins).
    base_url: str | None
    key: str | None
    key_source: str
    #: True when the key came from the preset's own variable (``DEEPSEEK_API_KEY``...).
    own_variable: bool
    #: Notes about the key, kept only if the preset is used (offline needs no key).
    notes: list[Message] = field(default_factory=list)


def choose_preset(env: Mapping[str, str], environ: Mapping[str, str], explicit_url: str | None, key: str | None,
                  key_source: str, secrets: SecretLookup, notes: list[Message]) -> PresetChoice | None:
    """The ``KIT_PROVIDER`` preset of ``env`` (merged settings) and its key; None when unset or unusable (noted).

    ``environ`` is the process environment alone (it tells where the preset's key came from).
    """
    name = (env.get("KIT_PROVIDER") or "").strip()
    if not name:
        return None
    try:
        preset = get_preset(name)
        url = None if explicit_url else base_url(preset, env)
    except (UnknownPreset, PresetError) as exc:
        notes.append(exc.message)  # the preset is ignored; everything else applies as usual
        return None
    choice = PresetChoice(preset, url, None, "none", False)
    if preset.key_env and preset.key_env != "OPENAI_API_KEY":
        own = (env.get(preset.key_env) or "").strip()
        source = "environment" if (environ.get(preset.key_env) or "").strip() else ".env"
        if not own:
            own, source = secrets(preset.key_env) or "", "Colab Secrets"
        if own:
            choice.key, choice.key_source, choice.own_variable = own, f"{preset.key_env}, {source}", True
            return choice
    variable = preset.key_env or "OPENAI_API_KEY"
    if preset.id == "openai":
        choice.key, choice.key_source = key, key_source
    elif key and is_openai_key(key):
        choice.notes.append(OPENAI_KEY_ELSEWHERE.format(name=preset.display_name, variable=variable))
    elif key:
        choice.key, choice.key_source = key, f"OPENAI_API_KEY, {key_source}"
    elif preset.key_env:
        choice.notes.append(NO_KEY.format(id=preset.id, variable=preset.key_env))
    return choice


def settle_preset(choice: PresetChoice, mode: str, notes: list[Message]) -> Preset | None:
    """The preset, unless the offline simulator won (then None, and a note)."""
    if mode == "offline":
        notes.append(IGNORED_OFFLINE.format(id=choice.preset.id))
        return None
    return choice.preset


def vision_for(preset: Preset | None, default: str, notes: list[Message]) -> str:
    """The preset's vision model (``default`` without a preset); empty, with a note, for a provider without one."""
    return _suggested(preset, preset.vision_model if preset else "", default, NO_VISION, notes)


def embedding_for(preset: Preset | None, default: str, notes: list[Message]) -> str:
    """The preset's embedding model (``default`` without a preset); empty, with a note, for a provider without one."""
    return _suggested(preset, preset.embedding_model if preset else "", default, NO_EMBEDDINGS, notes)


def _suggested(preset: Preset | None, name: str, default: str, missing: Message, notes: list[Message]) -> str:
    if preset is None:
        return default
    if not name:
        notes.append(missing.format(name=preset.display_name))
    return name


def missing_model(kind: str) -> Message:
    """What a lesson prints when the ``kind`` model setting (``"vision"`` or ``"embedding"``) is empty.

    ``print(helpers.missing_model("embedding"))`` prints it in the reader's language.
    """
    return MISSING[kind]


# --------------------------------------------------------------------------- the docs table

#: The generated files, by language (``python -m helpers.providers --write`` rewrites them).
DOC_PATHS = {"en": "docs/providers.md", "zh": "docs/providers.zh-CN.md"}
#: The lessons, and the model each needs beyond the text model (tests/test_presets_docs.py checks the list).
LESSONS = ("01", "02", "03", "04", "05", "06", "07", "08", "09")
NEEDS = {"03": "vision", "09": "embedding"}

_DOC_TEXT = {
    "en": {
        "title": "# Provider presets",
        "intro": (
            "Generated from [helpers/providers.toml](../helpers/providers.toml) by `helpers.providers.write_docs()` "
            "(`python -m helpers.providers --write`); do not edit by hand. [中文版](providers.zh-CN.md)\n\n"
            "One line in `.env` picks a preset: `KIT_PROVIDER=<preset>`, with the provider's key in the key variable. "
            "`OPENAI_BASE_URL`, `OPENAI_MODEL`, `OPENAI_VISION_MODEL` and `OPENAI_EMBEDDING_MODEL` always win over a "
            "preset. A dash means the provider has no such model: the setting is then empty, and the lesson that "
            "needs it (03 images, 09 embeddings) prints one line saying what to set. \"Written\" is the day the "
            "preset was written from the provider's docs as known then; \"models checked\" the day its vision and "
            "embedding models were re-checked, each against the page named in a comment in providers.toml (some say "
            "they were not re-read). Model names change often: check the provider's page before you rely on one."
        ),
        "head": ("Preset", "Base URL", "Key variable", "Text model", "Vision model", "Embedding model",
                 "Written / models checked", "Lessons that work"),
        "no_key": "none needed",
        "all": "all",
        "all_but": "all but {lessons}",
        "and": " and ",
    },
    "zh": {
        "title": "# 服务商预设",
        "intro": (
            "本页由 `helpers.providers.write_docs()`（`python -m helpers.providers --write`）根据 "
            "[helpers/providers.toml](../helpers/providers.toml) 生成，请勿手工修改。[English](providers.md)\n\n"
            "在 `.env` 里写一行 `KIT_PROVIDER=<预设>` 即可选定服务商预设，密钥写在“密钥变量”一栏的变量里。"
            "`OPENAI_BASE_URL`、`OPENAI_MODEL`、`OPENAI_VISION_MODEL` 和 `OPENAI_EMBEDDING_MODEL` 总是优先于预设。"
            "“—”表示该服务商没有这类模型：对应的设置为空，需要它的课程（03 图像、09 向量嵌入）会用一行提示说明该设置什么。"
            "“编写”是按当时所知的官方文档编写预设的日期；“模型核对”是重新核对视觉模型和向量嵌入模型的日期，"
            "每个模型依据的页面写在 providers.toml 的注释里（有些注释说明未重新核对）。模型名称变化很快，"
            "使用前请到服务商的页面核对。"
        ),
        "head": ("预设", "接口地址", "密钥变量", "文本模型", "视觉模型", "向量嵌入模型", "编写 / 模型核对", "可运行的课程"),
        "no_key": "无需密钥",
        "all": "全部",
        "all_but": "除 {lessons} 外全部",
        "and": "、",
    },
}


def working_lessons(preset: Preset) -> list[str]:
    """The lessons that can run with ``preset``'s models: 03 needs a vision model, 09 an embedding model."""
    have = {"vision": bool(preset.vision_model), "embedding": bool(preset.embedding_model)}
    return [lesson for lesson in LESSONS if have.get(NEEDS.get(lesson, ""), True)]


def _cell(text: str) -> str:
    return f"`{text}`" if text else "—"


def render_table(lang: str) -> str:
    """The Markdown page of presets in ``lang`` (``"en"`` or ``"zh"``)."""
    words = _DOC_TEXT[lang]
    head = words["head"]
    lines = [words["title"], "", words["intro"], "", "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for preset in PRESETS.values():
        name = preset.name_zh if lang == "zh" else preset.name_en
        missing = [lesson for lesson in LESSONS if lesson not in working_lessons(preset)]
        lessons = words["all"] if not missing else words["all_but"].format(lessons=words["and"].join(missing))
        key = f"`{preset.key_env}`" if preset.key_env else words["no_key"]
        row = (f"`{preset.id}` {name}", f"`{preset.base_url}`", key, _cell(preset.text_model), _cell(preset.vision_model),
               _cell(preset.embedding_model), f"{preset.checked_on} / {preset.models_checked_on}", lessons)
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
    notes = [f"- `{preset.id}`: {preset.notes_zh if lang == 'zh' else preset.notes_en}" for preset in PRESETS.values()]
    return "\n".join(lines + ["", "## " + ("说明" if lang == "zh" else "Notes"), "", *notes]) + "\n"


def write_docs(root: str = ".") -> list[str]:
    """Write both docs pages under ``root``; returns the paths written."""
    from pathlib import Path

    written = []
    for lang, relative in DOC_PATHS.items():
        path = Path(root) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_table(lang), encoding="utf-8")
        written.append(str(path))
    return written


def main(argv: list[str] | None = None) -> int:
    """``--write``: regenerate the docs pages from the presets (run from the repository root)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args != ["--write"]:
        print("usage: python -m helpers.providers --write", file=sys.stderr)
        return 2
    for path in write_docs():
        print("wrote", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
