"""Settings from the environment and ``.env``: which mode, which endpoint, which model.

Introduced in lesson 01 (key setup), right after the guide's own
``dotenv.load_dotenv()`` cell: this is the same loading, plus the checks a beginner needs.

Rules, in order:

1. ``.env`` is found by searching upward from the notebook's folder and loaded with
   ``override=False``: a variable already in the environment wins, and we say so.
2. ``OPENAI_BASE_URL`` is the SDK's variable; the legacy ``OPENAI_API_BASE`` of older
   guides is accepted with a warning.
3. Mode: ``KIT_OFFLINE=1`` forces **offline**; ``KIT_SIMULATOR_URL`` (a shared simulator)
   means **offline** unless ``OPENAI_BASE_URL`` names another endpoint; any other base URL
   is a **compatible** endpoint; a key alone is **live**; nothing at all is **offline**.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values, find_dotenv, load_dotenv

from . import models
from .keys import mask_key
from .offline.server import OFFLINE_KEY

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
    path = Path(env_file) if env_file else find_env_file()
    from_file: dict[str, str | None] = {}
    if path is not None and path.is_file():
        from_file = dict(dotenv_values(path))
        # An exported but empty variable (`export OPENAI_API_KEY=`, an IDE passing it blank)
        # would hide the file's value from load_dotenv; blank counts as unset here.
        for name in from_file:
            if name in os.environ and not _clean(os.environ[name]):
                del os.environ[name]
        load_dotenv(path, override=False)
    else:
        path = None

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
    if key_conflict and mode != OFFLINE:  # offline, no key is sent, so which one won does not matter
        notes.append(
            "OPENAI_API_KEY is set in the environment and in .env; the environment wins (override=False). "
            "/ 环境变量和 .env 都设置了 OPENAI_API_KEY，环境变量优先。"
        )

    model = _clean(os.environ.get("OPENAI_MODEL")) or models.DEFAULT_MODEL
    vision = _clean(os.environ.get("OPENAI_VISION_MODEL")) or models.DEFAULT_VISION_MODEL
    for name in dict.fromkeys((model, vision)):
        warning = models.retirement_warning(name)
        if warning:
            notes.append(warning)

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
    )
