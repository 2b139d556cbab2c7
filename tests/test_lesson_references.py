"""Every lesson states its estimated time up front and ends with a dated list of OpenAI's own docs.

For each lesson in both editions:

- the intro (first markdown cell) says how long the lesson takes: ``**Estimated time**: about N minutes``
  / ``**预计用时**：约 N 分钟`` (the wording every lesson already used);
- a section anchored ``<a id="official-docs"></a>`` with the heading ``## Official docs`` / ``## 官方文档``
  is the last section before "Next steps" (``next-steps``);
- its first lines date the addresses with a month and year ("as of November 2026" / "截至 2026 年 11 月")
  and claim no check this machine cannot make (the kit has no network: no "Links checked 2026-11-30"; a
  list item may still tell the learner to check a page);
- it links at least three pages on OpenAI's hosts.

``KIT_NOTEBOOKS`` points the scan at another checkout.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

from tests.test_notebooks import ANCHOR, links_in

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = Path(os.environ.get("KIT_NOTEBOOKS") or ROOT / "notebooks")
LESSONS = sorted(NOTEBOOKS.glob("*/[0-9][0-9]_*.ipynb"))
each_lesson = pytest.mark.parametrize("path", LESSONS, ids=lambda p: f"{p.parent.name}/{p.name}")

DOCS_ID, NEXT_ID = "official-docs", "next-steps"
HEADING = {"en": "## Official docs", "zh": "## 官方文档"}
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATED = {"en": re.compile(rf"\bas of (?:{MONTHS}) 20\d\d\b", re.I), "zh": re.compile(r"截至 ?20\d\d ?年 ?\d{1,2} ?月")}
CLAIMS_A_CHECK = {"en": re.compile(r"\b(?:checked|verified|confirmed)\b", re.I), "zh": re.compile(r"核对|核实|检查过|验证过|确认过")}
# "not checked" / "没有在本机联网核对" say the opposite of a claim.
NEGATED = re.compile(r"\b(?:not|never)\b|n't|没|未|不|无法")
ESTIMATED = {"en": re.compile(r"\*\*Estimated time\*\*: .*\d"), "zh": re.compile(r"\*\*预计用时\*\*：.*\d")}
OPENAI_HOSTS = ("platform.openai.com", "developers.openai.com", "help.openai.com", "openai.com")
SECTION = re.compile(r"^## ", re.M)
MIN_LINKS = 3


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def anchored(nb: nbformat.NotebookNode, anchor: str) -> int | None:
    """Index of the markdown cell holding ``<a id="anchor">`` (None if none)."""
    return next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and anchor in ANCHOR.findall(c.source)), None)


def section(nb: nbformat.NotebookNode, start: int) -> str:
    """The markdown of the section that starts in cell ``start``, up to the next ``## `` heading."""
    parts = [nb.cells[start].source]
    for cell in nb.cells[start + 1:]:
        if cell.cell_type == "markdown" and SECTION.search(cell.source):
            break
        if cell.cell_type == "markdown":
            parts.append(cell.source)
    return "\n\n".join(parts)


def top_lines(text: str) -> list[str]:
    """The section's non-empty lines before its list of links."""
    lines = []
    for line in text.splitlines():
        if line.lstrip().startswith(("- ", "* ", "1. ")):
            break
        if line.strip():
            lines.append(line.strip())
    return lines


def is_openai(url: str) -> bool:
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    if host == "github.com":
        return parsed.path.lower().startswith("/openai/")
    return parsed.scheme == "https" and any(host == h or host.endswith("." + h) for h in OPENAI_HOSTS)


def problems_of(path: Path) -> list[str]:
    edition, nb = path.parent.name, load(path)
    start, end = anchored(nb, DOCS_ID), anchored(nb, NEXT_ID)
    if start is None:
        return [f'no <a id="{DOCS_ID}"></a> section']
    text = section(nb, start)
    problems = []
    if HEADING[edition] not in text.splitlines():
        problems.append(f"the section's heading is not {HEADING[edition]!r}")
    if end is None or end < start:
        problems.append("the section must come before 'Next steps' (<a id=\"next-steps\">)")
    else:
        between = [i for i in range(start + 1, end) if nb.cells[i].cell_type == "markdown" and SECTION.search(nb.cells[i].source)]
        if between:
            problems.append(f"cells {between} start other sections between it and 'Next steps'")
    head = "\n".join(line for line in top_lines(text) if not line.startswith(("#", "<a ")))
    if not DATED[edition].search(head):
        problems.append(f"no date line near the top ({DATED[edition].pattern!r}): {head[:100]!r}")
    claims = [m[0] for m in CLAIMS_A_CHECK[edition].finditer(head) if not NEGATED.search(head[max(0, m.start() - 12):m.start()])]
    if claims:
        problems.append(f"claims the links were checked ({claims[0]!r}); this machine cannot reach the web")
    urls = sorted({target for is_image, target in links_in(text) if not is_image and is_openai(target)})
    if len(urls) < MIN_LINKS:
        problems.append(f"{len(urls)} link(s) to OpenAI's pages, at least {MIN_LINKS} wanted: {urls}")
    return problems


@each_lesson
def test_official_docs_section(path):
    problems = problems_of(path)
    assert not problems, "official docs section:\n  " + "\n  ".join(problems)


@each_lesson
def test_intro_states_the_estimated_time(path):
    edition, first = path.parent.name, load(path).cells[0]
    assert first.cell_type == "markdown" and ESTIMATED[edition].search(first.source), (
        f"the intro does not state the estimated time ({ESTIMATED[edition].pattern!r})"
    )


def test_the_checks_catch_what_they_should(tmp_path):
    folder = tmp_path / "en"
    folder.mkdir()
    good = ("<a id=\"official-docs\"></a>\n\n## Official docs\n\nAddresses as of November 2026 (not fetched from "
            "this machine).\n\n- [Pricing](https://platform.openai.com/docs/pricing)\n"
            "- [Models](https://platform.openai.com/docs/models)\n- [openai-python](https://github.com/openai/openai-python)\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 01 · X\n\n**Estimated time**: about 20 minutes"),
                                         nbformat.v4.new_markdown_cell(good),
                                         nbformat.v4.new_markdown_cell("<a id=\"next-steps\"></a>\n\n## Next steps")])
    path = folder / "01_x.ipynb"
    nbformat.write(nb, path)
    assert problems_of(path) == []
    nb.cells[1].source = good.replace("as of November 2026", "checked 2026-11-30").replace("github.com/openai", "github.com/someone")
    nbformat.write(nb, path)
    found = problems_of(path)
    assert len(found) == 3 and "date line" in found[0] and "checked" in found[1] and "2 link(s)" in found[2]
    nb.cells[1].source = good.replace("(not fetched from this machine)", "(not checked from this machine)")
    nbformat.write(nb, path)
    assert problems_of(path) == []
    assert not is_openai("https://openai.com.evil.test/x") and is_openai("https://help.openai.com/en/articles/1")
