"""``get_client()``: one call that gives every lesson a working ``openai.OpenAI``.

Introduced in lesson 01 (key setup), after the raw ``OpenAI()`` calls it packages. It
returns a plain ``openai.OpenAI``, so every SDK feature works unchanged. In offline mode it
also points ``OPENAI_BASE_URL``/``OPENAI_API_KEY`` of this process at the simulator, so a
lesson's plain ``OpenAI()`` reaches the same simulator.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import openai

from . import config, config_checks
from .config import COMPATIBLE, LIVE, OFFLINE, Settings
from .offline import Simulator, profiles

_LOCK = threading.Lock()
_SIMULATOR: Simulator | None = None
_SETTINGS: Settings | None = None

_LABELS = {
    LIVE: "live · 在线",
    COMPATIBLE: "compatible endpoint · 兼容接口",
    OFFLINE: "offline simulation · 离线模拟",
}


def _env_ms(name: str) -> float:
    try:
        return max(float(os.environ.get(name, "0") or 0), 0.0)
    except ValueError:
        return 0.0


def local_simulator() -> Simulator:
    """The process's own simulator, started on first use (loopback, free port)."""
    global _SIMULATOR
    with _LOCK:
        if _SIMULATOR is None:
            _SIMULATOR = Simulator(
                latency_ms=_env_ms("KIT_OFFLINE_LATENCY_MS"),
                token_latency_ms=_env_ms("KIT_OFFLINE_TOKEN_LATENCY_MS"),
                profile=profiles.from_env(),  # an unknown name: the full profile (load_settings notes it)
            ).start()
        return _SIMULATOR


def banner(settings: Settings) -> str:
    """The one bilingual line ``get_client()`` prints: mode, endpoint, model, masked key."""
    if settings.mode == OFFLINE:
        where = f"shared simulator 共享模拟器 {settings.base_url}" if settings.shared_simulator else "local simulator 本机模拟器"
        if settings.simulator_profile and not settings.shared_simulator:
            where += f" (profile 配置: {settings.simulator_profile})"
        key = "not needed 无需密钥"
    else:
        where = settings.base_url or config.DEFAULT_BASE_URL
        if settings.preset is not None:
            where = f"{settings.preset.name} {where}"
        key = f"{settings.masked_key} ({settings.key_source})" if settings.api_key else "none 未设置"
    return f"[{_LABELS[settings.mode]}] endpoint 接口: {where} · model 模型: {settings.model} · key 密钥: {key}"


def get_client(env_file: str | Path | None = None, *, quiet: bool = False, **client_options: object) -> openai.OpenAI:
    """Load settings, pick the mode, print the banner and return an ``openai.OpenAI``.

    ``client_options`` go to ``openai.OpenAI`` (for example ``max_retries=0`` or ``timeout=10``).
    """
    global _SETTINGS
    settings = config.load_settings(env_file, _SIMULATOR.base_url if _SIMULATOR else None)
    if settings.mode == OFFLINE:
        if not settings.shared_simulator:
            settings.base_url = local_simulator().base_url
        key = config.OFFLINE_KEY
        os.environ["OPENAI_BASE_URL"] = settings.base_url or ""
        os.environ["OPENAI_API_KEY"] = key
    elif settings.api_key:
        key = settings.api_key
        problem = config_checks.unsendable_key(key, settings.key_source)
        if problem:
            raise ValueError(problem)  # before the SDK: its errors would show the key whole
    else:
        key = "not-needed"  # a compatible endpoint without a key, such as a local Ollama
        settings.notes.append(
            "No OPENAI_API_KEY: sending a placeholder key (fine for a local server such as Ollama). "
            "/ 未设置 OPENAI_API_KEY：发送占位密钥（本地服务如 Ollama 不需要真实密钥）。"
        )
    _SETTINGS = settings
    if not quiet:
        from .secrets_scan import redact  # belt and braces: nothing key-like is ever printed whole

        for note in settings.notes:
            print(redact(f"Note 提示: {note}"))
        print(redact(banner(settings)))
    return openai.OpenAI(api_key=key, base_url=settings.base_url, **client_options)  # type: ignore[arg-type]


def settings() -> Settings:
    """What the last ``get_client()`` decided (loading settings now if it never ran)."""
    return _SETTINGS or config.load_settings()
