"""TEMPORARY bridge until feat-i9c's pure ``config.resolve()`` lands; then this module is deleted.

``load_settings`` still writes ``os.environ`` and ``config_checks`` still imports
``key_problems`` from the doctor in the old tuple shape.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import config, keys
from ..messages import Message


@contextmanager
def _preserved_environ() -> Iterator[None]:
    saved = dict(os.environ)
    try:
        yield
    finally:
        for name in [n for n in os.environ if n not in saved]:
            del os.environ[name]
        for name, value in saved.items():
            if os.environ.get(name) != value:
                os.environ[name] = value


def _message(note: Any) -> Message:
    if isinstance(note, Message):
        return note
    en, sep, zh = str(note).partition(" / ")
    return Message(en, zh if sep else en)


def legacy_settings(path: Path | None, local_simulator_url: str | None) -> Any:
    with _preserved_environ():
        settings = config.load_settings(path, local_simulator_url)
    settings.notes = [_message(note) for note in settings.notes]
    return settings


def key_problems(value: str) -> list[tuple[str, str, str, str, str]]:
    return [(p.severity, p.problem.en, p.problem.zh, p.fix.en, p.fix.zh) for p in keys.key_problems(value)]


_MODES = {"live": Message("live", "在线"), "compatible": Message("compatible endpoint", "兼容接口"),
          "offline": Message("offline simulation", "离线模拟")}


def mode_label(mode: str) -> Message:
    return _MODES.get(mode, Message(mode, mode))
