"""Settings from the environment and ``.env``: which mode, which endpoint, which model, which key.

Introduced in lesson 01 (key setup), right after the guide's own
``dotenv.load_dotenv()`` cell: this is the same loading, plus the checks a beginner needs.

The decision is made ONCE, by :func:`resolve`, a pure function of the environment and the
``.env`` values (it reads and writes nothing). :func:`apply_environ` is the only code in
``helpers`` that writes the process environment; only ``get_client()`` calls it.

Rules, in order:

1. ``.env`` is found by searching upward from the notebook's folder; a variable already in
   the environment wins (blank counts as unset), and we say so.
2. ``OPENAI_BASE_URL`` is the SDK's variable; the legacy ``OPENAI_API_BASE`` of older
   guides is accepted with a warning.
3. ``KIT_PROVIDER=<preset>`` (see ``helpers/providers.toml``) supplies the base URL, reads
   the key from the preset's variable (``DEEPSEEK_API_KEY``...; else ``OPENAI_API_KEY``) and
   suggests models. ``OPENAI_BASE_URL``, ``OPENAI_MODEL``, ``OPENAI_VISION_MODEL`` and
   ``OPENAI_EMBEDDING_MODEL`` win over it; a preset without a vision or embedding model leaves
   that setting empty (with a note). An OpenAI key is never sent to another provider.
4. Mode: ``KIT_OFFLINE=1`` forces **offline**; ``KIT_SIMULATOR_URL`` (a shared simulator)
   means **offline** unless ``OPENAI_BASE_URL`` or a preset names another endpoint; any other
   base URL is a **compatible** endpoint (the ``openai`` preset's own URL is **live**); a key
   alone is **live**; nothing at all is **offline**.

``python -m helpers.config --mode-line`` prints what ``get_client()`` would print here
(its notes and its banner line); ``make lab`` shows it.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import models
from .envfile import EnvFile, colab_secret, find_env_file, load_env_file, lost_key_line
from .key_rules import key_notes, missing_key, no_key_note, offline_instead
from .keys import contains_key, is_openai_key, mask_key, redact, source_label, unsendable_key
from . import messages
from .messages import Message, message
from .providers import Preset, choose_preset, embedding_for, settle_preset, vision_for
from .urls import base_url_note, is_loopback, same_url

__all__ = [
    "COMPATIBLE", "DEFAULT_BASE_URL", "LIVE", "OFFLINE", "EnvFile", "Settings", "apply_environ", "colab_secret",
    "find_env_file", "is_openai_key", "load_env_file", "load_settings", "mode_line", "resolve",
]

LIVE, COMPATIBLE, OFFLINE = "live", "compatible", "offline"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
#: The key a compatible endpoint gets when none is configured (a local Ollama needs none).
NO_KEY = "not-needed"
_TRUE = {"1", "true", "yes", "on"}
#: Settings that must never hold a key; a learner sometimes pastes one into the wrong line.
NOT_FOR_KEYS = ("OPENAI_MODEL", "OPENAI_VISION_MODEL", "OPENAI_EMBEDDING_MODEL", "OPENAI_BASE_URL", "OPENAI_API_BASE",
                "KIT_PROVIDER", "KIT_SIMULATOR_URL")
#: Reads a secret from outside the environment (Colab's Secrets panel): name -> value or None.
SecretLookup = Callable[[str], "str | None"]

WRONG_PLACE = message(
    "{name} holds what looks like an API key ({masked}), so it was ignored. Keys belong in OPENAI_API_KEY (or the "
    "provider's key variable); rotate the key if this file was shared.",
    "{name} 里像是一个 API 密钥（{masked}），已忽略。密钥只应写在 OPENAI_API_KEY（或服务商的密钥变量）里；"
    "如果这个文件给别人看过，请轮换密钥。",
)
LEGACY_BASE = message(
    "OPENAI_API_BASE is the old name: the SDK ignores it. Using it this time; rename it to OPENAI_BASE_URL.",
    "OPENAI_API_BASE 是旧变量名，SDK 不再读取；本次先沿用，请改名为 OPENAI_BASE_URL。",
)
CONFLICT = message(
    "OPENAI_API_KEY is set in the environment and in .env; the environment wins (override=False).",
    "环境变量和 .env 都设置了 OPENAI_API_KEY，环境变量优先。",
)
MODEL_SPACES = message("{variable}='{name}' has spaces or capitals; model names are lower case with hyphens.{hint}",
                       "{variable}='{name}' 含有空格或大写字母，模型名应为小写并用连字符。{hint}")
MODEL_HINT = message(" Did you mean '{fixed}'?", "是不是 '{fixed}'？")
MODEL_CLOSE = message("{variable}='{name}' is not a model the SDK knows. Did you mean '{close}'?",
                      "{variable}='{name}' 不是已知模型名，是不是 '{close}'？")
UNKNOWN_PROFILE = message("Unknown simulator profile {name!r}. Use one of: {valid}. (Using 'openai'.)",
                          "未知的模拟器配置 {name!r}，可选：{valid}。（改用 'openai'。）")
NOTE = message("Note: {text}", "提示：{text}")
PLACEHOLDER_KEY = message(
    "No OPENAI_API_KEY: sending a placeholder key (fine for a local server such as Ollama).",
    "未设置 OPENAI_API_KEY：发送占位密钥（本地服务如 Ollama 不需要真实密钥）。",
)
LABELS = {
    LIVE: message("live", "在线"),
    COMPATIBLE: message("compatible endpoint", "兼容接口"),
    OFFLINE: message("offline simulation", "离线模拟"),
}
BANNER = message("[{label}] endpoint: {where} · model: {model} · key: {key}", "[{label}] 接口：{where} · 模型：{model} · 密钥：{key}")
LOCAL_SIMULATOR = message("local simulator", "本机模拟器")
LOCAL_PROFILE = message("local simulator (profile: {profile})", "本机模拟器（配置：{profile}）")
#: A masked key and its source; no words of its own, so not a registered message.
KEY_FROM = Message("{key} ({source})", "{key}（{source}）")
SHARED_SIMULATOR = message("shared simulator {url}", "共享模拟器 {url}")
KEY_NOT_NEEDED = message("not needed", "无需密钥")
KEY_NONE = message("none", "未设置")


@dataclass
class Settings:
    """Everything ``get_client()`` decided. Keys are kept out of ``repr()``."""

    mode: str
    base_url: str | None
    model: str
    #: Empty when the preset's provider has no image-input model (lesson 03 then skips its image requests).
    vision_model: str
    #: ``OPENAI_EMBEDDING_MODEL``, else the preset's, else the default; empty when the provider has none.
    embedding_model: str = models.DEFAULT_EMBEDDING_MODEL
    #: The configured key (None: none found, or not sendable to this provider).
    api_key: str | None = field(default=None, repr=False)
    key_source: str = "none"
    env_file: Path | None = None
    shared_simulator: bool = False
    notes: list[Message] = field(default_factory=list)
    #: The ``KIT_PROVIDER`` preset in use, if any.
    preset: Preset | None = None
    #: ``KIT_SIMULATOR_PROFILE`` for the simulator ``get_client()`` starts (None: full).
    simulator_profile: str | None = None
    #: Why the key cannot be sent (control or non-ASCII characters); the kit then runs offline, with a note.
    key_error: Message | None = None
    #: What :func:`apply_environ` writes (None: delete), so a lesson's plain ``OpenAI()`` agrees.
    environ_changes: dict[str, str | None] = field(default_factory=dict, repr=False)

    @property
    def masked_key(self) -> str:
        return mask_key(self.api_key)

    @property
    def key_variable(self) -> str:
        """The variable the key was read from: the preset's (``DEEPSEEK_API_KEY``...), else OPENAI_API_KEY."""
        return key_variable(self.key_source)

    @property
    def key_origin(self) -> str:
        """Where the key came from: ``environment``, ``.env``, ``Colab Secrets`` or ``none``."""
        return self.key_source.split(", ")[-1]

    @property
    def outgoing_key(self) -> str:
        """The key requests carry: the simulator's in offline mode, a placeholder when a compatible endpoint has none."""
        if self.mode == OFFLINE:
            return _offline_key()
        return self.api_key or NO_KEY


def key_variable(key_source: str) -> str:
    """The variable named in a key source (``DEEPSEEK_API_KEY, .env`` -> ``DEEPSEEK_API_KEY``), else OPENAI_API_KEY."""
    return key_source.split(", ")[0] if ", " in key_source else "OPENAI_API_KEY"


def _offline_key() -> str:
    """The simulator's key, imported only when needed (live mode loads no simulator module)."""
    from .offline import OFFLINE_KEY

    return OFFLINE_KEY


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def merged(environ: Mapping[str, str], file_values: Mapping[str, str | None]) -> dict[str, str]:
    """The environment with ``.env`` beneath it (the environment wins; blank counts as unset), values as written."""
    merged = {name: value for name, value in file_values.items() if value is not None}
    merged.update({name: value for name, value in environ.items() if _clean(value) or name not in merged})
    return merged


@dataclass
class _Key:
    value: str | None
    source: str
    conflict: bool = False


def _openai_key(environ: Mapping[str, str], env: Mapping[str, str], file_key: str | None, secrets: SecretLookup) -> _Key:
    """OPENAI_API_KEY and where it came from (environment, Colab Secrets, .env)."""
    before = _clean(environ.get("OPENAI_API_KEY"))
    key = _clean(env.get("OPENAI_API_KEY"))
    if before:
        return _Key(key, "environment", conflict=bool(file_key and file_key != key))
    colab = None if key else secrets("OPENAI_API_KEY")
    if colab:
        return _Key(colab, "Colab Secrets")
    return _Key(key, ".env" if key else "none")


def _no_secrets(name: str) -> str | None:
    return None


def resolve(
    environ: Mapping[str, str],
    file_values: Mapping[str, str | None] | None = None,
    *,
    env_file: EnvFile | None = None,
    secrets: SecretLookup | None = None,
    local_simulator_url: str | None = None,
) -> Settings:
    """Decide mode, endpoint, models, key and notes from ``environ`` and the ``.env`` values; change nothing.

    ``env_file`` (from :func:`helpers.envfile.load_env_file`) supplies the values, the path and
    the file's own notes when ``file_values`` is None. ``secrets`` looks up Colab Secrets.
    ``local_simulator_url`` is this process's own simulator, if one runs: a base URL pointing
    at it (set by an earlier ``get_client()``) still means offline.
    """
    env_file = env_file or EnvFile()
    file_values = env_file.values if file_values is None else file_values
    secrets = secrets or _no_secrets
    notes: list[Message] = list(env_file.notes)
    changes: dict[str, str | None] = {
        name: value for name, value in file_values.items() if value is not None and not _clean(environ.get(name))
    }
    env = merged(environ, file_values)
    for name in NOT_FOR_KEYS:
        if env.get(name) and contains_key(env[name]):
            notes.append(WRONG_PLACE.format(name=name, masked=redact(env[name])))
            del env[name]  # never sent anywhere, never printed whole
            changes[name] = None
    file_key = _clean(file_values.get("OPENAI_API_KEY"))
    key = _openai_key(environ, env, file_key, secrets)
    if key.source == "Colab Secrets":
        changes["OPENAI_API_KEY"] = key.value  # so a lesson's plain OpenAI() finds it too

    base_url = _clean(env.get("OPENAI_BASE_URL"))
    legacy = _clean(env.get("OPENAI_API_BASE"))
    if legacy and not base_url:
        base_url = changes["OPENAI_BASE_URL"] = legacy  # so plain OpenAI() in a lesson agrees
        notes.append(LEGACY_BASE)

    choice = choose_preset(env, environ, base_url, key.value, key.source, secrets, notes)
    if choice is not None:
        key = _Key(choice.key, choice.key_source, key.conflict and choice.key is not None and not choice.own_variable)
        base_url = base_url or choice.base_url

    mode, shared = _mode(env, base_url, key.value, local_simulator_url)
    key_error = unsendable_key(key.value, key.source) if mode != OFFLINE else None
    keyless = missing_key(mode, base_url, key.value, choice.preset if choice else None) or offline_instead(key_error)
    if keyless is not None:  # a hosted endpoint without a key it can send: say so once, and run offline
        notes.extend(note for note in (choice.notes if choice else []) if note != no_key_note(choice.preset))
        notes.append(keyless)
        mode, shared, choice = OFFLINE, bool(_clean(env.get("KIT_SIMULATOR_URL"))), None
    preset = None
    if choice is not None:
        preset = settle_preset(choice, mode, notes)
        if preset is not None:
            notes.extend(choice.notes)
            if key.value and base_url:
                # Both or neither: a plain OpenAI() must never pair one provider's URL with another's key.
                changes.update({"OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": key.value})
            if preset.id == "openai" and same_url(base_url, DEFAULT_BASE_URL):
                mode = LIVE
    if key.conflict and mode != OFFLINE:  # offline, no key is sent, so which one won does not matter
        notes.append(CONFLICT)

    model = _clean(env.get("OPENAI_MODEL")) or (preset.text_model if preset else models.DEFAULT_MODEL)
    vision = _clean(env.get("OPENAI_VISION_MODEL")) or vision_for(preset, models.DEFAULT_VISION_MODEL, notes)
    embedding = _clean(env.get("OPENAI_EMBEDDING_MODEL")) or embedding_for(preset, models.DEFAULT_EMBEDDING_MODEL, notes)
    notes.extend(_model_notes(model, vision, embedding))
    variable = key_variable(key.source)
    notes.extend(note for note in (
        lost_key_line(env_file) if file_values is env_file.values else None,
        *(key_notes(key.value, variable, base_url or DEFAULT_BASE_URL) if mode != OFFLINE else ()),
        base_url_note(base_url),
    ) if note)
    notes.extend(_name_notes(env))
    simulator_url = _clean(env.get("KIT_SIMULATOR_URL"))
    return Settings(
        mode=mode,
        base_url=(simulator_url if shared else None) if mode == OFFLINE else (base_url or DEFAULT_BASE_URL),
        model=model,
        vision_model=vision,
        embedding_model=embedding,
        api_key=key.value,
        key_source=key.source,
        env_file=env_file.path,
        shared_simulator=shared,
        notes=notes,
        preset=preset,
        simulator_profile=_simulator_profile(env, notes) if mode == OFFLINE and not shared else None,
        key_error=key_error,
        environ_changes=changes,
    )


def _mode(env: Mapping[str, str], base_url: str | None, key: str | None, local_simulator_url: str | None) -> tuple[str, bool]:
    """(mode, shared simulator?) by rule 4 of the module docstring."""
    simulator_url = _clean(env.get("KIT_SIMULATOR_URL"))
    forced = (env.get("KIT_OFFLINE") or "").strip().lower() in _TRUE
    if forced or (simulator_url and (not base_url or same_url(base_url, simulator_url))):
        return OFFLINE, bool(simulator_url)
    if same_url(base_url, local_simulator_url):
        return OFFLINE, False
    if base_url:
        return COMPATIBLE, False
    return (LIVE if key else OFFLINE), False


def _model_notes(*names: str) -> list[Message]:
    notes = []
    for name in dict.fromkeys(name for name in names if name):
        warning = models.retirement_message(name)
        if warning is not None:
            notes.append(warning)
    return notes


def _name_notes(env: Mapping[str, str]) -> list[Message]:
    found = ((variable, _clean(env.get(variable))) for variable in ("OPENAI_MODEL", "OPENAI_VISION_MODEL"))
    return [note for note in (model_name(value, variable) for variable, value in found if value) if note]


def _simulator_profile(env: Mapping[str, str], notes: list[Message]) -> str | None:
    """``KIT_SIMULATOR_PROFILE``, checked (unknown: a note, and the full profile)."""
    from .offline import profiles  # offline mode only

    name = _clean(env.get(profiles.ENV))
    if not name:
        return None
    try:
        return profiles.get_profile(name).name
    except profiles.UnknownProfile:
        notes.append(UNKNOWN_PROFILE.format(name=name, valid=", ".join(profiles.PROFILES)))
        return None


def model_name(name: str, variable: str) -> Message | None:
    """A note when a configured model name is probably mistyped."""
    known = models.sdk_chat_models()
    if name in known:
        return None
    if any(ch.isspace() for ch in name) or name.lower() in known:
        fixed = "-".join(name.lower().split())
        hint = MODEL_HINT.format(fixed=fixed) if fixed in known else Message("", "")
        return MODEL_SPACES.format(variable=variable, name=name, hint=hint)
    close = difflib.get_close_matches(name, models.current_models(), n=1, cutoff=0.9)
    if close:
        return MODEL_CLOSE.format(variable=variable, name=name, close=close[0])
    return None


def _on_this_machine(url: str | None) -> bool:
    """A simulator URL on loopback: to the reader it is the local simulator (a classroom one has an IP)."""
    return bool(url) and is_loopback(urlsplit(url or "").hostname or "")


def mode_line(settings: Settings) -> Message:
    """The banner ``get_client()`` prints: mode, endpoint, model, masked key (never the key)."""
    if settings.mode == OFFLINE:
        if settings.shared_simulator and not _on_this_machine(settings.base_url):
            where = SHARED_SIMULATOR.format(url=settings.base_url)
        elif settings.simulator_profile:
            where = LOCAL_PROFILE.format(profile=settings.simulator_profile)
        else:
            where = LOCAL_SIMULATOR
        key = KEY_NOT_NEEDED
    else:
        url = settings.base_url or DEFAULT_BASE_URL
        preset = settings.preset
        name = preset.display_name if preset else Message("", "")
        where = Message(f"{name.en} {url}".strip(), f"{name.zh} {url}".strip())
        source = source_label(settings.key_source)
        key = KEY_FROM.format(key=Message.same(settings.masked_key), source=source) if settings.api_key else KEY_NONE
    return BANNER.format(label=LABELS[settings.mode], where=where, model=settings.model, key=key)


def note_line(note: Message) -> Message:
    """A note as ``get_client()`` prints it."""
    return NOTE.format(text=note)


def announcement(settings: Settings) -> list[str]:
    """The lines ``get_client()`` prints (its notes, then the banner), redacted.

    Adds the note about the placeholder key to ``settings.notes`` when one will be sent.
    """
    if settings.mode == COMPATIBLE and not settings.api_key and PLACEHOLDER_KEY not in settings.notes:
        settings.notes.append(PLACEHOLDER_KEY)
    lines = [note_line(note) for note in settings.notes] + [mode_line(settings)]
    return [redact(str(line)) for line in lines]


def load_settings(env_file: str | Path | None = None, local_simulator_url: str | None = None) -> Settings:
    """Read ``.env`` (``env_file``, else the nearest one) and decide, changing nothing in this process.

    ``local_simulator_url`` is this process's own simulator, if one runs.
    """
    return resolve(os.environ, env_file=load_env_file(env_file), secrets=colab_secret,
                   local_simulator_url=local_simulator_url)


def apply_environ(settings: Settings) -> None:
    """Point this process's environment where ``settings`` point, so a lesson's plain ``OpenAI()`` agrees.

    The only writer of ``os.environ`` in ``helpers``. In offline mode ``settings.base_url``
    must already be the simulator's (``get_client()`` starts it first). In a notebook it also sets
    ``KIT_LANG`` to the edition's language (unless set), for the kit tools a lesson runs as subprocesses.
    """
    changes = dict(settings.environ_changes)
    edition = messages.reader_languages()
    if messages.in_notebook() and len(edition) == 1 and not os.environ.get(messages.ENV):
        # Tools a lesson runs in a subprocess (``python -m helpers.secrets_scan``) speak its edition's language.
        changes[messages.ENV] = edition[0]
    if settings.mode == OFFLINE:
        changes.update({"OPENAI_BASE_URL": settings.base_url or "", "OPENAI_API_KEY": settings.outgoing_key})
    for name, value in changes.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def main(argv: list[str] | None = None) -> int:
    """``--mode-line``: print the notes and the banner ``get_client()`` would print in this folder."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["--mode-line"]:
        print("usage: python -m helpers.config --mode-line", file=sys.stderr)
        return 2
    for line in announcement(load_settings()):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
