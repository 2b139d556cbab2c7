"""What the checks look at, gathered once: the environment, the ``.env`` file, the settings.

Gathering changes nothing in this process: ``.env`` is read (by :mod:`helpers.envfile`, as
``get_client()`` reads it), never loaded, and the settings come from the pure
:func:`helpers.config.resolve`. The checks take config's decisions (which variable holds the
key, which value wins) from here rather than deciding again.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import config
from ..messages import Message, message


REPO = Path(__file__).resolve().parents[2]
KEY_VAR, URL_VAR, LEGACY_URL_VAR = "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE"

_NOT_LOADED = message("Settings could not be loaded ({error})", "无法加载设置（{error}）")


@dataclass
class Context:
    """The environment as it was, the ``.env`` file as read, and what the settings decided."""

    environ: dict[str, str]
    #: The ``.env`` in use (None: none found), even when it could not be read.
    env_file: Path | None
    #: That file as :func:`helpers.envfile.load_env_file` read it (no path: ignored, with a note).
    env: config.EnvFile
    settings: config.Settings | None
    settings_error: Message | None
    offline: bool
    cwd: Path
    #: Filled by check_endpoint: the model ids the endpoint lists (None: not known).
    model_ids: list[str] | None = None
    endpoint_ok: bool = False

    @property
    def file_values(self) -> dict[str, str | None]:
        """The ``.env`` values as written."""
        return self.env.values

    def raw(self, name: str) -> tuple[str | None, str]:
        """A variable as written (quotes, spaces and all) and where it came from (environment, .env, none)."""
        value = config.merged(self.environ, self.file_values).get(name)
        if value is None or not value.strip():
            return None, "none"
        return value, "environment" if self.environ.get(name) == value else ".env"

    @property
    def preset(self) -> Any:
        return getattr(self.settings, "preset", None)

    def key_var(self) -> str:
        """The variable the settings read the key from: the preset's (``DEEPSEEK_API_KEY``...), else OPENAI_API_KEY."""
        return self.settings.key_variable if self.settings is not None else KEY_VAR

    def key(self) -> tuple[str | None, str]:
        """The key as written and where it came from (Colab Secrets too)."""
        value, origin = self.raw(self.key_var())
        if value is None and self.settings is not None and self.settings.key_origin == "Colab Secrets":
            return self.settings.api_key, "Colab Secrets"
        return value, origin

    def endpoint(self) -> str | None:
        """The URL requests go to, or None for the in-process offline simulator."""
        if self.settings is None:
            written = self.raw(URL_VAR)[0] or self.raw(LEGACY_URL_VAR)[0]
            return (written or "").strip() or config.DEFAULT_BASE_URL
        if self.settings.mode == config.OFFLINE and not self.settings.shared_simulator:
            return None
        return self.settings.base_url or config.DEFAULT_BASE_URL


def env_file_in_use(env_file: str | Path | None) -> Path | None:
    """The ``.env`` in use: the one given, else the nearest one upward from here (None: none)."""
    path = Path(env_file) if env_file else config.find_env_file()
    return path if path is not None and path.is_file() else None


def _local_simulator_url() -> str | None:
    """The URL of the simulator ``get_client()`` started in this process, if any (never starts one)."""
    client = sys.modules.get("helpers.client")
    return client.local_simulator_url() if client is not None else None


def _settings(environ: dict[str, str], env: config.EnvFile) -> tuple[config.Settings | None, Message | None]:
    try:
        settings = config.resolve(environ, env_file=env, secrets=config.colab_secret,
                                  local_simulator_url=_local_simulator_url())
    except Exception as exc:  # a bug or an input nobody foresaw: reported, never a traceback
        return None, _NOT_LOADED.format(error=f"{type(exc).__name__}: {exc}")
    return settings, None


def gather(*, offline: bool = False, env_file: str | Path | None = None) -> Context:
    """Read the environment, the ``.env`` file and the settings, changing nothing in this process."""
    environ = dict(os.environ)
    path = env_file_in_use(env_file)
    env = config.load_env_file(path) if path is not None else config.EnvFile()
    settings, error = _settings(environ, env)
    return Context(environ, path, env, settings, error, offline, Path.cwd())


def show_path(path: Path) -> str:
    """A path relative to the repository or the home folder (``./.env``, ``~/work/.env``)."""
    path = Path(path).resolve()
    for base, label in ((REPO, "."), (Path.home(), "~")):
        try:
            relative = path.relative_to(base).as_posix()
        except ValueError:
            continue
        return label if relative == "." else f"{label}/{relative}"
    return str(path)
