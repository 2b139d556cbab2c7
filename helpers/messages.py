"""The one way the kit speaks to a person: each message written once, in Chinese and English.

Every text a learner reads (the banner, notes, warnings, errors, probe reasons, the doctor,
the playground) is a :class:`Message` with both texts, rendered in the reader's language:

- in a notebook, the edition's language only: Chinese under ``notebooks/zh/`` (and a
  learner's copies under ``my-notebooks/zh/``), English under ``notebooks/en/``;
- in a terminal tool (the doctor, ``tasks.py``, the standalone simulator), the locale's
  language first, then the other, so a message is never lost on a reader;
- ``KIT_LANG=zh`` or ``KIT_LANG=en`` picks one language everywhere.

Define messages where they are used, as module constants made with :func:`message`
(that registers them, so a test renders every one in both languages); fill placeholders
with :meth:`Message.format` (``str.format`` fields, the same names in both texts).

>>> NO_KEY = message("No key found.", "没有找到密钥。")
>>> NO_KEY.render("zh")
'没有找到密钥。'
"""

from __future__ import annotations

import locale
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ZH, EN = "zh", "en"
#: ``KIT_LANG`` overrides the reader's language everywhere.
ENV = "KIT_LANG"
#: Joins the two languages in a terminal.
SEPARATOR = " / "

_REGISTRY: list["Message"] = []


@dataclass(frozen=True)
class Message:
    """A text in English and Chinese; ``str()`` renders it for the current reader."""

    en: str
    zh: str

    def format(self, **fields: object) -> "Message":
        """Both texts with their ``{placeholders}`` filled (a new, unregistered message).

        A field that is itself a :class:`Message` fills each language with its own text."""
        return Message(self.en.format(**_in(fields, EN)), self.zh.format(**_in(fields, ZH)))

    @staticmethod
    def same(text: str) -> "Message":
        """A text that reads the same in both languages (a version, a path, a name)."""
        return Message(text, text)

    def __add__(self, other: "Message") -> "Message":
        """Two messages as one, each language joined with its own spacing."""
        return Message(f"{self.en} {other.en}", f"{self.zh}{other.zh}")

    def text(self, lang: str) -> str:
        """The text in ``lang`` (``zh`` or ``en``)."""
        return self.zh if lang == ZH else self.en

    def render(self, reader: str | tuple[str, ...] | None = None) -> str:
        """The text for ``reader``: a language, an ordered tuple of languages, or the current reader."""
        order = reader_languages() if reader is None else ((reader,) if isinstance(reader, str) else reader)
        return SEPARATOR.join(self.text(lang) for lang in order)

    def __str__(self) -> str:
        return self.render()


def _in(fields: dict[str, object], lang: str) -> dict[str, object]:
    return {name: value.text(lang) if isinstance(value, Message) else value for name, value in fields.items()}


def message(en: str, zh: str) -> Message:
    """A registered message (define it once, at module level, where it is used)."""
    made = Message(en, zh)
    _REGISTRY.append(made)
    return made


def registered() -> tuple[Message, ...]:
    """Every message defined with :func:`message` in the modules imported so far."""
    return tuple(_REGISTRY)


def edition_of(path: str | Path) -> str | None:
    """``zh`` or ``en`` when ``path`` lies in a lesson edition's folder (``.../zh/...``), else None."""
    parts = Path(path).resolve().parts
    for part in reversed(parts):
        if part in (ZH, EN):
            return part
    return None


def in_notebook() -> bool:
    """True inside a Jupyter kernel (IPython with a kernel attached)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()  # type: ignore[attr-defined]
    except Exception:  # an IPython too broken to ask: treat as a terminal
        return False
    return ip is not None and hasattr(ip, "kernel")


def locale_language() -> str:
    """``zh`` when the system locale is Chinese, else ``en``."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name)
        if value:
            return ZH if value.lower().startswith("zh") else EN
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return ZH if code.lower().startswith(("zh", "chinese")) else EN


def reader_languages(cwd: str | Path | None = None, notebook: bool | None = None) -> tuple[str, ...]:
    """The languages to render, in order: one in a notebook (its edition), two in a terminal."""
    forced = (os.environ.get(ENV) or "").strip().lower()
    if forced in (ZH, EN):
        return (forced,)
    if in_notebook() if notebook is None else notebook:
        edition = edition_of(cwd if cwd is not None else Path.cwd())
        if edition is not None:
            return (edition,)
    first = locale_language()
    return (first, EN if first == ZH else ZH)


def reader_language(cwd: str | Path | None = None, notebook: bool | None = None) -> str:
    """The reader's first language."""
    return reader_languages(cwd, notebook)[0]
