"""The three-hour workshop pack (issue 18, part 7): the lessons' tags and the plan in the docs.

* Every lesson's ``##`` section heading cell carries exactly one of ``workshop-core`` and
  ``workshop-optional``, in both editions, and the two editions agree cell by cell; no
  other cell carries either tag.
* ``docs/workshop.md`` and ``docs/workshop.zh-CN.md`` hold the plan as a table with rows
  ``| 0:25-1:05 | 40 | Step | [lesson](../notebooks/en/02_....ipynb) |``: consecutive
  times from 0:00 to 3:00 whose minutes add up to 180, the same rows in both docs, and
  lessons that exist in the doc's own edition.
* Each step's block (``### 0:25-1:05 ...``) links its lesson and names its core sections on
  one line, ``- **Core sections:** heading · heading`` (Chinese: ``- **核心小节** ...``),
  each the exact text of a ``##`` heading of that lesson. Every section named there is
  tagged ``workshop-core``, and every section tagged ``workshop-core`` is named there.
* Neither doc tells Windows users to ``set NAME=value`` (cmd.exe); they use PowerShell.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
import pytest

from tests.test_windows_commands import CMD_SET

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CORE, OPTIONAL = "workshop-core", "workshop-optional"
TAGS = (CORE, OPTIONAL)
DOCS = {"en": ROOT / "docs" / "workshop.md", "zh": ROOT / "docs" / "workshop.zh-CN.md"}
LESSONS = sorted(path.name for path in (NOTEBOOKS / "en").glob("[0-9][0-9]_*.ipynb"))
TOTAL_MINUTES = 180

ROW = re.compile(r"^\|\s*(\d+:\d\d)\s*-\s*(\d+:\d\d)\s*\|\s*(\d+)\s*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|\s*$", re.M)
LESSON_LINK = re.compile(r"\]\(\.\./notebooks/(\w+)/(\d\d_\w+\.ipynb)\)")
STEP_HEADING = re.compile(r"^### (\d+:\d\d)-(\d+:\d\d)\b", re.M)
CORE_LINE = re.compile(r"^- \*\*(?:Core sections:|核心小节)\*\*\s+(.+)$", re.M)


def minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


@functools.cache
def load(edition: str, name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / edition / name, as_version=4)


def section_heading(cell: nbformat.NotebookNode) -> str | None:
    """The text of the cell's ``##`` heading (without the ``## ``), or None."""
    if cell.cell_type != "markdown":
        return None
    found = [line[3:].strip() for line in cell.source.splitlines() if line.startswith("## ")]
    assert len(found) <= 1, f"one ## heading per cell, found {found}"
    return found[0] if found else None


def workshop_tags(cell: nbformat.NotebookNode) -> list[str]:
    return [tag for tag in cell.get("metadata", {}).get("tags", []) if tag in TAGS]


def sections(edition: str, name: str) -> dict[str, str]:
    """heading -> its workshop tag (or the tags, joined, when not exactly one)."""
    return {heading: "+".join(workshop_tags(cell)) for cell in load(edition, name).cells
            if (heading := section_heading(cell))}


def plan_rows(text: str) -> list[tuple[str, str, int, str, str]]:
    return [(start, end, int(mins), step, lesson) for start, end, mins, step, lesson in ROW.findall(text)]


def row_lesson(row: tuple[str, str, int, str, str]) -> str | None:
    """The lesson file a plan row links (None for a break)."""
    links = LESSON_LINK.findall(row[4])
    return links[0][1] if links else None


def doc(edition: str) -> str:
    return DOCS[edition].read_text(encoding="utf-8")


def named_core(edition: str) -> dict[str, set[str]]:
    """lesson file -> the headings the doc's step blocks name as core."""
    text = doc(edition)
    starts = [match.start() for match in STEP_HEADING.finditer(text)]
    named: dict[str, set[str]] = {}
    for start, end in zip(starts, [*starts[1:], len(text)]):
        block = text[start:end]
        links = {link for link in LESSON_LINK.findall(block)}
        core_lines = CORE_LINE.findall(block)
        assert len(links) == 1 and len(core_lines) == 1, (
            f"{DOCS[edition].name}: step {block.splitlines()[0]!r} needs one lesson link and one core line")
        (link_edition, name), = links
        assert link_edition == edition, f"{DOCS[edition].name} links the {link_edition} edition of {name}"
        named.setdefault(name, set()).update(item.strip() for item in core_lines[0].split(" · "))
    return named


# --- the tags in the lessons -----------------------------------------------------------


def test_lessons_found():
    assert len(LESSONS) >= 9 and all((NOTEBOOKS / "zh" / name).is_file() for name in LESSONS)


@pytest.mark.parametrize("name", LESSONS)
def test_every_section_heading_has_one_workshop_tag_in_both_editions(name):
    en, zh = load("en", name), load("zh", name)
    assert len(en.cells) == len(zh.cells), "the editions have different cells"
    problems = []
    for index, (a, b) in enumerate(zip(en.cells, zh.cells)):
        heading_en, heading_zh = section_heading(a), section_heading(b)
        if (heading_en is None) != (heading_zh is None):
            problems.append(f"cell {index}: a ## heading in one edition only ({heading_en!r} / {heading_zh!r})")
            continue
        number_en, number_zh = (re.match(r"\d*", h or "")[0] for h in (heading_en, heading_zh))
        if number_en != number_zh:
            problems.append(f"cell {index}: section {number_en!r} in en, {number_zh!r} in zh")
        for edition, cell, heading in (("en", a, heading_en), ("zh", b, heading_zh)):
            tags = workshop_tags(cell)
            if heading is not None and len(tags) != 1:
                problems.append(f"{edition} cell {index} ({heading}): tags {tags}, want exactly one of {TAGS}")
            if heading is None and tags:
                problems.append(f"{edition} cell {index}: {tags} on a cell without a ## heading")
        if workshop_tags(a) != workshop_tags(b):
            problems.append(f"cell {index}: en {workshop_tags(a)} vs zh {workshop_tags(b)}")
    assert not problems, "\n".join(problems)


def test_some_sections_are_core_and_some_optional():
    tags = [tag for name in LESSONS for tag in sections("en", name).values()]
    assert tags.count(CORE) >= 10 and tags.count(OPTIONAL) >= 10


# --- the plan in the docs --------------------------------------------------------------


@pytest.mark.parametrize("edition", DOCS)
def test_plan_is_three_hours_of_consecutive_steps(edition):
    rows = plan_rows(doc(edition))
    assert len(rows) >= 6, f"{DOCS[edition].name}: no plan table found"
    clock = 0
    for start, end, mins, step, _ in rows:
        assert minutes(start) == clock, f"{step!r} starts at {start}, the step before ends at {clock // 60}:{clock % 60:02}"
        assert minutes(end) - minutes(start) == mins, f"{step!r}: {start}-{end} is not {mins} minutes"
        clock = minutes(end)
    assert sum(row[2] for row in rows) == TOTAL_MINUTES == clock


@pytest.mark.parametrize("edition", DOCS)
def test_lessons_in_the_plan_exist_in_the_docs_edition(edition):
    text = doc(edition)
    linked = LESSON_LINK.findall(text)
    assert sum(1 for row in plan_rows(text) if row_lesson(row)) >= 5, "the plan's rows link no lessons"
    missing = sorted({f"{e}/{name}" for e, name in linked if not (NOTEBOOKS / e / name).is_file()})
    assert not missing, f"{DOCS[edition].name} names lessons that do not exist: {missing}"
    assert {e for e, _ in linked} == {edition}, f"{DOCS[edition].name} links another edition's lessons"


def test_both_docs_have_the_same_plan():
    en, zh = ([(*row[:3], row_lesson(row)) for row in plan_rows(doc(edition))] for edition in ("en", "zh"))
    assert en == zh, "the plans differ in times, minutes or lessons"


@pytest.mark.parametrize("edition", DOCS)
def test_sections_named_core_are_tagged_core_and_the_other_way_round(edition):
    named = named_core(edition)
    assert named, f"{DOCS[edition].name} names no core sections"
    problems = []
    for name in LESSONS:
        tagged = sections(edition, name)
        for heading in sorted(named.get(name, set())):
            if heading not in tagged:
                problems.append(f"{name}: {heading!r} is not a ## heading of the lesson")
            elif tagged[heading] != CORE:
                problems.append(f"{name}: {heading!r} is named core but tagged {tagged[heading]!r}")
        for heading, tag in tagged.items():
            if tag == CORE and heading not in named.get(name, set()):
                problems.append(f"{name}: {heading!r} is tagged core but no step names it")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("edition", DOCS)
def test_docs_give_windows_users_powershell(edition):
    text = doc(edition)
    bad = [line.strip() for line in text.splitlines() if CMD_SET.search(line)]
    assert not bad, f"use PowerShell syntax ($env:NAME = \"...\"): {bad}"
    assert re.search(r'\$env:[A-Z_]+ = "', text), "the PowerShell form of a variable is missing"
