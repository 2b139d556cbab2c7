"""The glossary (docs/glossary.md + docs/glossary.zh-CN.md) and the words the kit actually uses.

The discouraged synonyms are read from the glossaries' "Avoid:" / "不要写成：" lines, not kept in a table
here: a teacher who reads an entry sees the same list the test enforces, and adding a term to the
glossary is all it takes to enforce it. So that the list cannot quietly shrink, ``REQUIRED_AVOID`` holds
the drifted words issue 11 named: the glossaries must keep listing them.

A discouraged word fails wherever a learner or teacher reads it: lesson notebooks (markdown and code,
strings and comments alike), README*.md, docs/*.md (the glossaries' own "Avoid" lines aside) and every
registered helper message in both languages. ``KIT_NOTEBOOKS`` points the notebook scan elsewhere.
"""

from __future__ import annotations

import functools
import importlib
import os
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

import helpers
from helpers.messages import registered
from tests.test_notebooks import link_ids, local_target

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GLOSSARIES = {"en": DOCS / "glossary.md", "zh": DOCS / "glossary.zh-CN.md"}
NOTEBOOKS = Path(os.environ.get("KIT_NOTEBOOKS") or ROOT / "notebooks")
LESSONS = sorted(NOTEBOOKS.glob("*/[0-9][0-9]_*.ipynb"))
TEXT_FILES = sorted([*ROOT.glob("README*.md"), *DOCS.glob("*.md")])

# The drift issue 11 found (README vs notebooks) and the shared conventions' "not ..." words.
REQUIRED_AVOID = {
    "模拟服务器", "mock 服务器", "能力检测", "逐级降级方案", "降级阶梯", "降级方案", "预算保护",
    "硬性上限", "硬限额", "自测", "秘钥", "令牌", "频率限制", "词元",
}
# Terms the lessons rely on: each must have an entry (by anchor id).
REQUIRED_ENTRIES = {
    "api-key", "project", "organization", "prepaid-credit", "auto-recharge", "spend-alert", "hard-spend-limit",
    "mode-banner", "offline-simulator", "self-check", "message-roles", "developer-message", "token",
    "context-window", "temperature", "streaming", "structured-outputs", "json-mode", "tool-calling", "embedding",
    "cosine-similarity", "rate-limit", "retry-backoff", "prompt-caching", "compatible-endpoint", "base-url",
    "capability-probe", "fallback-ladder", "budget-guard",
}

ENTRY = re.compile(r'^<a id="([^"]+)"></a>\s*\n+### (.+?)\s*$(.*?)(?=^<a id=|^## |\Z)', re.M | re.S)
INTRODUCED = {"en": re.compile(r"^- Introduced in: \[[^\]]+\]\(([^)\s]+)\)", re.M),
              "zh": re.compile(r"^- 首次出现：\[[^\]]+\]\(([^)\s]+)\)", re.M)}
AVOID_LINE = {"en": re.compile(r"^- Avoid: (.+)$", re.M), "zh": re.compile(r"^- 不要写成：(.+)$", re.M)}
TICKED = re.compile(r"`([^`]+)`")
HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Entry:
    id: str
    en: str
    zh: str
    definition: str
    link: str
    avoid: tuple[str, ...]


def terms(heading: str, lang: str) -> tuple[str, str]:
    """(English, Chinese) from an entry heading: ``en / 中文`` (en file) or ``中文（en）`` / ``same`` (zh file)."""
    if lang == "en":
        en, _, zh = heading.partition(" / ")
        return en.strip(), zh.strip()
    match = re.fullmatch(r"(.+?)（([^（）]+)）", heading)
    return (match[2], match[1]) if match else (heading, heading)


def entries(lang: str) -> list[Entry]:
    text = GLOSSARIES[lang].read_text(encoding="utf-8")
    found = []
    for match in ENTRY.finditer(text):
        body = match[3]
        en, zh = terms(match[2], lang)
        link = INTRODUCED[lang].search(body)
        avoid = AVOID_LINE[lang].search(body)
        prose = "\n".join(line for line in body.strip().splitlines() if line and not line.startswith("- "))
        found.append(Entry(match[1], en, zh, prose.strip(), link[1] if link else "",
                           tuple(TICKED.findall(avoid[1])) if avoid else ()))
    return found


@functools.cache
def discouraged() -> dict[str, set[str]]:
    """Discouraged word -> the preferred terms (a word may be discouraged for two terms: 令牌)."""
    table: dict[str, set[str]] = {}
    for lang in GLOSSARIES:
        for entry in entries(lang):
            for word in entry.avoid:
                table.setdefault(word, set()).add(f"{entry.en} / {entry.zh}")
    return table


def pattern(word: str) -> re.Pattern[str]:
    """Chinese words match anywhere; a Latin word matches whole, in any case."""
    body = re.escape(word).replace(r"\ ", r"\s*")
    return re.compile(body if HAN.search(word) else rf"(?<![\w-]){body}(?![\w-])", re.I)


def hits(text: str, where: str, skip_line: re.Pattern[str] | None = None) -> list[str]:
    """``where line N: 'word' (use ...)`` for each discouraged word in text."""
    table = discouraged()
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if skip_line is not None and skip_line.match(line):
            continue
        for word, preferred in table.items():
            if pattern(word).search(line):
                found.append(f"{where} line {number}: {word!r} (use {' or '.join(sorted(preferred))})")
    return found


def report(problems: list[str], what: str) -> None:
    assert not problems, f"{what}:\n  " + "\n  ".join(problems)


# --- the glossaries themselves -----------------------------------------------------------


def test_glossaries_exist_and_parse():
    for lang, path in GLOSSARIES.items():
        assert path.is_file(), f"missing {path.relative_to(ROOT)}"
        assert len(entries(lang)) >= len(REQUIRED_ENTRIES), f"{path.name}: only {len(entries(lang))} entries parsed"


def test_both_glossaries_have_the_same_entries():
    en, zh = ({e.id: e for e in entries(lang)} for lang in ("en", "zh"))
    assert list(en) == list(zh), f"entry ids or their order differ:\n  en {list(en)}\n  zh {list(zh)}"
    problems = []
    for key, a in en.items():
        b = zh[key]
        if (a.en, a.zh) != (b.en, b.zh):
            problems.append(f"{key}: terms {a.en!r} / {a.zh!r} (en file) vs {b.en!r} / {b.zh!r} (zh file)")
        if a.link.replace("/en/", "/zh/") != b.link:
            problems.append(f"{key}: introduced in {a.link} (en file) vs {b.link} (zh file)")
        if set(a.avoid) != set(b.avoid):
            problems.append(f"{key}: avoid {sorted(a.avoid)} (en file) vs {sorted(b.avoid)} (zh file)")
    report(problems, "the glossaries differ")


@pytest.mark.parametrize("lang", GLOSSARIES)
def test_every_entry_is_complete(lang):
    problems = []
    for entry in entries(lang):
        if not entry.definition:
            problems.append(f"{entry.id}: no definition")
        if not entry.link:
            problems.append(f"{entry.id}: no 'introduced in' lesson link")
        if lang == "en" and not (entry.en and entry.zh):
            problems.append(f"{entry.id}: heading must be 'English / 中文'")
        if lang == "zh" and HAN.search(entry.definition) is None:
            problems.append(f"{entry.id}: the definition is not in Chinese")
    missing = REQUIRED_ENTRIES - {entry.id for entry in entries(lang)}
    problems += [f"no entry for {key!r}" for key in sorted(missing)]
    report(problems, GLOSSARIES[lang].name)


@pytest.mark.parametrize("lang", GLOSSARIES)
def test_entry_links_reach_the_lesson_section(lang):
    problems = []
    for entry in entries(lang):
        file, fragment = local_target(GLOSSARIES[lang].parent, entry.link)
        if file is None or f"/notebooks/{lang}/" not in file.as_posix():
            problems.append(f"{entry.id}: {entry.link} is not a lesson of the {lang} edition")
        elif not file.is_file():
            problems.append(f"{entry.id}: {entry.link}: no such notebook")
        elif fragment and fragment not in link_ids(file):
            problems.append(f"{entry.id}: {entry.link}: no such section anchor")
    report(problems, f"{GLOSSARIES[lang].name}: lesson links")


def test_the_drifted_words_stay_listed():
    missing = REQUIRED_AVOID - set(discouraged())
    assert not missing, f"the glossaries no longer list these discouraged words: {sorted(missing)}"


def test_matching_rules():
    assert pattern("降级方案").search("一个逐级降级方案")
    assert pattern("mock server").search("a Mock  Server here") and not pattern("mock server").search("mock servers")
    line = "- Avoid: `自测`"
    assert hits(line, "x", AVOID_LINE["en"]) == [] and hits("做自测", "x")


# --- where the words are used ------------------------------------------------------------


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_lessons_use_the_glossary_terms(path):
    nb = nbformat.read(path, as_version=4)
    problems = [hit for index, cell in enumerate(nb.cells)
                for hit in hits(cell.source, f"{path.parent.name}/{path.name} cell {index}")]
    report(problems, "discouraged words (see docs/glossary.md)")


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_documents_use_the_glossary_terms(path):
    skip = re.compile(r"^- (?:Avoid: |不要写成：)") if path in GLOSSARIES.values() else None
    report(hits(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), skip), "discouraged words")


def test_helper_messages_use_the_glossary_terms():
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    problems = [hit for item in registered() for lang in ("en", "zh")
                for hit in hits(item.text(lang), f"message {item.en[:50]!r} ({lang})")]
    report(problems, "discouraged words in helper messages")
