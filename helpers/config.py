"""Settings from the environment and ``.env``: which mode, which endpoint, which model.

Introduced in lesson 01 (key setup), right after the guide's own
``dotenv.load_dotenv()`` cell: this is the same loading, plus the checks a beginner needs.

Rules, in order:

1. ``.env`` is found by searching upward from the notebook's folder and loaded with
   ``override=False``: a variable already in the environment wins, and we say so.
2. ``OPENAI_BASE_URL`` is the SDK's variable; the legacy ``OPENAI_API_BASE`` of older
   guides is accepted with a warning.
3. ``KIT_PROVIDER=<preset>`` (see ``helpers/providers.toml``) supplies the base URL, reads
   the key from the preset's variable (``DEEPSEEK_API_KEY``...; else ``OPENAI_API_KEY``) and
   suggests models. ``OPENAI_BASE_URL``, ``OPENAI_MODEL`` and ``OPENAI_VISION_MODEL`` win
   over it. An OpenAI key is never sent to another provider.
4. Mode: ``KIT_OFFLINE=1`` forces **offline**; ``KIT_SIMULATOR_URL`` (a shared simulator)
   means **offline** unless ``OPENAI_BASE_URL`` or a preset names another endpoint; any other
   base URL is a **compatible** endpoint (the ``openai`` preset's own URL is **live**); a key
   alone is **live**; nothing at all is **offline**.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values, find_dotenv, load_dotenv

from . import config_checks, models, providers
from .keys import mask_key
from .offline import profiles
from .offline.server import OFFLINE_KEY
from .providers import Preset
from .secrets_scan import PATTERNS

LIVE, COMPATIBLE, OFFLINE = "live", "compatible", "offline"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
_TRUE = {"1", "true", "yes", "on"}


@dataclass
class Settings:
    """Everything ``get_client()`` decided. The key is kept out of ``repr()``."""

    mode: str
    base_url: str | None
    model: str
    vision_model: str
    api_key: str | None = field(default=None, repr=False)
    key_source: str = "none"
    env_file: Path | None = None
    shared_simulator: bool = False
    notes: list[str] = field(default_factory=list)
    #: The ``KIT_PROVIDER`` preset in use, if any.
    preset: Preset | None = None
    #: ``KIT_SIMULATOR_PROFILE`` for the simulator ``get_client()`` starts (None: full).
    simulator_profile: str | None = None

    @property
    def masked_key(self) -> str:
        return mask_key(self.api_key)


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def find_env_file(start: str | Path | None = None) -> Path | None:
    """The ``.env`` nearest to ``start`` (default: the current folder), searching upward."""
    if start is None:
        found = find_dotenv(usecwd=True)
        return Path(found) if found else None
    folder = Path(start).resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / ".env").is_file():
            return candidate / ".env"
    return None


def colab_secret(name: str) -> str | None:
    """A value from Colab's Secrets panel (the key icon), or None outside Colab or when unset.

    Colab keeps secrets out of the notebook file; the learner grants each notebook access.
    """
    try:
        from google.colab import userdata  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        return _clean(userdata.get(name))
    except Exception:  # SecretNotFoundError, NotebookAccessError, TimeoutException: not available
        return None


#: Patterns of OpenAI's own key formats (project, service account, admin, watermarked, legacy).
_OPENAI_KEYS = [pattern for kind, pattern in PATTERNS if kind.startswith("OpenAI")]


def is_openai_key(key: str) -> bool:
    """True for a key in one of OpenAI's formats: the kit never sends one to another provider."""
    return any(pattern.fullmatch(key) for pattern in _OPENAI_KEYS)


def _read_env_file(path: Path) -> dict[str, str | None] | None:
    """The file's variables, or None when it is not UTF-8 text (UTF-16, with or without a BOM)."""
    # NUL bytes: UTF-16 without a BOM. It decodes as UTF-8, into values os.environ refuses.
    if b"\0" in path.read_bytes():
        return None
    try:
        # utf-8-sig: a BOM (Notepad's "UTF-8 with BOM") would otherwise hide the first name.
        return dict(dotenv_values(path, encoding="utf-8-sig"))
    except UnicodeDecodeError:  # UTF-16 with a BOM, or other bytes that are not UTF-8
        return None


def _same_url(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.rstrip("/") == b.rstrip("/")  # type: ignore[union-attr]


def load_settings(env_file: str | Path | None = None, local_simulator_url: str | None = None) -> Settings:
    """Load ``.env`` (without overriding the environment) and decide the mode.

    Pass ``env_file`` to use a particular file instead of searching for one.
    ``local_simulator_url`` is this process's own simulator, if one runs: a base URL
    pointing at it (set by an earlier ``get_client()``) still means offline.
    """
    notes: list[str] = []
    before = {name: _clean(os.environ.get(name)) for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    set_before = {name for name, value in os.environ.items() if _clean(value)}
    path = Path(env_file) if env_file else find_env_file()
    if env_file and not path.is_file():  # type: ignore[union-attr]
        notes.append(config_checks.env_file_not_a_file(Path(env_file)))
    from_file: dict[str, str | None] = {}
    if path is not None and path.is_file():
        read = _read_env_file(path)
        if read is not None:
            from_file = read
        else:
            notes.append(
                f"{path.name} is not UTF-8 text (saved as UTF-16 / \"Unicode\"?), so it was ignored. "
                "Save it again as UTF-8. / .env 不是 UTF-8 编码（可能被保存成了 UTF-16），已忽略；请另存为 UTF-8。"
            )
            path = None
    if path is not None and path.is_file():
        # An exported but empty variable (`export OPENAI_API_KEY=`, an IDE passing it blank)
        # would hide the file's value from load_dotenv; blank counts as unset here.
        for name in from_file:
            if name in os.environ and not _clean(os.environ[name]):
                del os.environ[name]
        load_dotenv(path, override=False, encoding="utf-8-sig")
    else:
        path = None

    notes.extend(config_checks.keys_in_wrong_places(os.environ))
    key = _clean(os.environ.get("OPENAI_API_KEY"))
    colab_key = None if key else colab_secret("OPENAI_API_KEY")
    if colab_key:
        key = colab_key
        os.environ["OPENAI_API_KEY"] = colab_key  # so a lesson's plain OpenAI() finds it too
    file_key = _clean(from_file.get("OPENAI_API_KEY"))
    key_conflict = bool(before["OPENAI_API_KEY"] and file_key and file_key != key)
    if before["OPENAI_API_KEY"]:
        key_source = "environment"
    elif colab_key:
        key_source = "Colab Secrets"
    elif key:
        key_source = ".env"
    else:
        key_source = "none"

    base_url = _clean(os.environ.get("OPENAI_BASE_URL"))
    legacy = _clean(os.environ.get("OPENAI_API_BASE"))
    if legacy and not base_url:
        base_url = legacy
        os.environ["OPENAI_BASE_URL"] = legacy  # so plain OpenAI() in a lesson agrees
        notes.append(
            "OPENAI_API_BASE is the old name: the SDK ignores it. Using it this time; rename it to OPENAI_BASE_URL. "
            "/ OPENAI_API_BASE 是旧变量名，SDK 不再读取；本次先沿用，请改名为 OPENAI_BASE_URL。"
        )

    preset, preset_url = _preset(notes, explicit_url=base_url)
    key_notes: list[str] = []  # kept only if the preset is used (offline needs no key)
    if preset is not None:
        own_key = _preset_key(preset, key, key_source, set_before, key_notes)
        # The environment-versus-.env note is about OPENAI_API_KEY: moot when the preset's own variable won.
        key_conflict = key_conflict and own_key[0] is not None and not own_key[1].startswith(f"{preset.key_env}, ")
        key, key_source = own_key
        base_url = base_url or preset_url

    simulator_url = _clean(os.environ.get("KIT_SIMULATOR_URL"))
    forced = (os.environ.get("KIT_OFFLINE") or "").strip().lower() in _TRUE
    shared = False
    if forced or (simulator_url and (not base_url or _same_url(base_url, simulator_url))):
        mode, shared = OFFLINE, bool(simulator_url)
    elif _same_url(base_url, local_simulator_url):
        mode = OFFLINE
    elif base_url:
        mode = COMPATIBLE
    elif key:
        mode = LIVE
    else:
        mode = OFFLINE
    if preset is not None:
        preset = _settle_preset(preset, mode, base_url, key, notes)
        notes.extend(key_notes if preset is not None else [])
        if preset is not None and preset.id == "openai" and _same_url(base_url, DEFAULT_BASE_URL):
            mode = LIVE
    if key_conflict and mode != OFFLINE:  # offline, no key is sent, so which one won does not matter
        notes.append(
            "OPENAI_API_KEY is set in the environment and in .env; the environment wins (override=False). "
            "/ 环境变量和 .env 都设置了 OPENAI_API_KEY，环境变量优先。"
        )

    model = _clean(os.environ.get("OPENAI_MODEL")) or (preset.text_model if preset else models.DEFAULT_MODEL)
    vision = _clean(os.environ.get("OPENAI_VISION_MODEL")) or _preset_vision(preset, model, notes)
    for name in dict.fromkeys((model, vision)):
        warning = models.retirement_warning(name)
        if warning:
            notes.append(warning)
    checks = [
        config_checks.lost_key_line(path, file_key),
        config_checks.key_characters(key) if mode != OFFLINE else None,
        config_checks.base_url(base_url),
        *(config_checks.model_name(value, name) for name, value in
          (("OPENAI_MODEL", _clean(os.environ.get("OPENAI_MODEL"))), ("OPENAI_VISION_MODEL", _clean(os.environ.get("OPENAI_VISION_MODEL")))) if value),
    ]
    notes.extend(note for note in checks if note)

    return Settings(
        mode=mode,
        base_url=(simulator_url if shared else None) if mode == OFFLINE else (base_url or DEFAULT_BASE_URL),
        model=model,
        vision_model=vision,
        api_key=key,
        key_source=key_source,
        env_file=path,
        shared_simulator=shared,
        notes=notes,
        preset=preset,
        simulator_profile=_simulator_profile(notes) if mode == OFFLINE and not shared else None,
    )


def _preset(notes: list[str], explicit_url: str | None) -> tuple[Preset | None, str | None]:
    """The ``KIT_PROVIDER`` preset and its base URL (None when ``OPENAI_BASE_URL`` is set)."""
    name = _clean(os.environ.get("KIT_PROVIDER"))
    if not name:
        return None, None
    try:
        preset = providers.get_preset(name)
        return preset, None if explicit_url else providers.base_url(preset)
    except (providers.UnknownPreset, providers.PresetError) as exc:
        notes.append(str(exc))  # the preset is ignored; everything else applies as usual
        return None, None


def _preset_key(preset: Preset, key: str | None, key_source: str, set_before: set[str], notes: list[str]) -> tuple[str | None, str]:
    """The key for ``preset``: its own variable first, else ``OPENAI_API_KEY`` (never an OpenAI key elsewhere)."""
    if preset.key_env and preset.key_env != "OPENAI_API_KEY":
        own = _clean(os.environ.get(preset.key_env))
        source = "environment" if preset.key_env in set_before else ".env"
        if not own:
            own, source = colab_secret(preset.key_env), "Colab Secrets"
        if own:
            return own, f"{preset.key_env}, {source}"
    if preset.id == "openai":
        return key, key_source
    if key and is_openai_key(key):
        notes.append(
            f"OPENAI_API_KEY holds an OpenAI key; it is not sent to {preset.name_en}. Put your {preset.name_en} key in "
            f"{preset.key_env or 'OPENAI_API_KEY'}. / OPENAI_API_KEY 中是 OpenAI 的密钥，不会发送给 {preset.name_zh}。"
            f"请把 {preset.name_zh} 的密钥写入 {preset.key_env or 'OPENAI_API_KEY'}。"
        )
        return None, "none"
    if key:
        return key, f"OPENAI_API_KEY, {key_source}"
    if preset.key_env:
        notes.append(
            f"KIT_PROVIDER={preset.id}: no key found. Add {preset.key_env}=<your key> to .env (OPENAI_API_KEY works too). "
            f"/ KIT_PROVIDER={preset.id}：没有找到密钥。请在 .env 中加入 {preset.key_env}=<你的密钥>（也可用 OPENAI_API_KEY）。"
        )
    return None, "none"


def _settle_preset(preset: Preset, mode: str, base_url: str | None, key: str | None, notes: list[str]) -> Preset | None:
    """Keep the preset unless offline wins; point a lesson's plain ``OpenAI()`` at it too."""
    if mode == OFFLINE:
        notes.append(
            f"KIT_PROVIDER={preset.id} is ignored: the offline simulator is in use. "
            f"/ 正在使用离线模拟器，KIT_PROVIDER={preset.id} 不生效。"
        )
        return None
    if key and base_url:
        # Both or neither: a plain OpenAI() must never pair one provider's URL with another's key.
        os.environ["OPENAI_BASE_URL"] = base_url
        os.environ["OPENAI_API_KEY"] = key
    return preset


def _preset_vision(preset: Preset | None, model: str, notes: list[str]) -> str:
    """The preset's vision model; a provider without one gets the text model and a note."""
    if preset is None:
        return models.DEFAULT_VISION_MODEL
    if preset.vision_model:
        return preset.vision_model
    notes.append(
        f"{preset.name_en} suggests no image-input model: image lessons will fail with {model}. Set OPENAI_VISION_MODEL "
        f"if your provider has one. / {preset.name_zh} 没有推荐的图像输入模型，图像相关课程用 {model} 会出错；"
        f"若提供商有视觉模型，请设置 OPENAI_VISION_MODEL。"
    )
    return model


def _simulator_profile(notes: list[str]) -> str | None:
    """``KIT_SIMULATOR_PROFILE``, checked (unknown: a note, and the full profile)."""
    name = _clean(os.environ.get(profiles.ENV))
    if not name:
        return None
    try:
        return profiles.get_profile(name).name
    except profiles.UnknownProfile as exc:
        notes.append(f"{exc} (Using 'openai'. / 改用 'openai'。)")
        return None
