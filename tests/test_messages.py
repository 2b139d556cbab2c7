"""The one message mechanism (helpers/messages.py): languages by reader, and every message in both."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string

import pytest

import helpers
from helpers import messages
from helpers.messages import EN, ZH, Message, edition_of, message, reader_languages

HAN = re.compile(r"[\u3400-\u9fff]")


def test_edition_from_the_folder(tmp_path):
    assert edition_of(tmp_path / "notebooks" / "zh") == ZH
    assert edition_of(tmp_path / "my-notebooks" / "en" / "sub") == EN
    assert edition_of(tmp_path / "elsewhere") is None


def test_notebook_reader_sees_the_edition_only(tmp_path, monkeypatch):
    monkeypatch.delenv(messages.ENV, raising=False)
    assert reader_languages(tmp_path / "notebooks" / "zh", notebook=True) == (ZH,)
    assert reader_languages(tmp_path / "notebooks" / "en", notebook=True) == (EN,)


def test_terminal_reader_gets_the_locale_first_then_the_other(tmp_path, monkeypatch):
    monkeypatch.delenv(messages.ENV, raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert reader_languages(tmp_path / "notebooks" / "en", notebook=False) == (ZH, EN)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert reader_languages(tmp_path, notebook=False) == (EN, ZH)


def test_kit_lang_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(messages.ENV, "en")
    assert reader_languages(tmp_path / "notebooks" / "zh", notebook=True) == (EN,)


def test_render_and_format():
    greeting = Message("Hello {name}.", "你好，{name}。")
    assert greeting.format(name="Ada").render(ZH) == "你好，Ada。"
    assert greeting.format(name="Ada").render((EN, ZH)) == "Hello Ada. / 你好，Ada。"
    assert (Message("A.", "甲。") + Message("B.", "乙。")).render(ZH) == "甲。乙。"


def test_registered_messages_are_kept():
    made = message("Registered.", "已登记。")
    assert made in messages.registered()


def _import_every_helper() -> None:
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_both_languages_and_the_same_fields():
    _import_every_helper()
    found = messages.registered()
    assert found, "no messages registered"
    for item in found:
        assert HAN.search(item.zh), f"Chinese text has no Chinese: {item.zh!r}"
        assert not HAN.search(item.en), f"English text has Chinese: {item.en!r}"
        assert _fields(item.en) == _fields(item.zh), item


def test_every_key_kind_has_a_label_in_both_languages() -> None:
    from helpers.keys import KIND_LABELS, PATTERNS

    assert [kind for kind, _ in PATTERNS] == list(KIND_LABELS)
    assert all(HAN.search(label.zh) and label.en == kind for kind, label in KIND_LABELS.items())
