"""Every lesson's exercises start as stubs, self-check "not done yet", and their folded solutions pass.

The convention (both editions, every lesson):

- an *answer cell* per exercise: a code cell whose metadata is ``"kit": {"exercise": N, "part": "answer"}``
  (N = 1, 2, 3 in order), holding a stub (``return None`` or ``name = None``); at least one answer cell
  is an open-ended "build a small thing" exercise, ``"open": true``, marked as such in its heading;
- a *check cell* per exercise, ``"kit": {"exercise": N, "part": "check"}``, whose stored output is the
  "⏳ not done yet" line; no cell of a lesson stores the pass verdict (``helpers.exercises.ALL_PASSED``);
- a *folded solution* per exercise after the last check cell: a ``<details>`` block whose summary's first
  number is N, with one or more ```` ```python ```` blocks.

The last test proves the solutions: it inserts each exercise's solution blocks as a code cell right after
its answer cell, runs the whole copy against the offline simulator (the root conftest points every
kernel at the session's simulator) and requires every check cell to print the pass verdict with no ✗ and
no ⏳. Nothing is written back: the lessons keep their unsolved outputs.

``KIT_NOTEBOOKS=/path/to/notebooks`` checks the lessons of another checkout (a lesson branch's worktree).
Both editions run (18 executions took 109 s on the 2-core development machine, November 2026): the zh
check cells send Chinese prompts to the simulator, so a solution can pass in en and fail in zh.
``KIT_SOLUTIONS_FAST=1`` runs a zh edition's solutions only when their code differs from the en edition's
(strings and comments aside; the parity tests compare the rest of the notebook code).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.exercises import ALL_PASSED
from tests.test_notebooks import FENCED_CODE, code_signature

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = Path(os.environ.get("KIT_NOTEBOOKS") or ROOT / "notebooks")
EDITIONS = ("zh", "en")
LESSONS = [path for edition in EDITIONS for path in sorted((NOTEBOOKS / edition).glob("[0-9][0-9]_*.ipynb"))]
each_lesson = pytest.mark.parametrize("path", LESSONS, ids=lambda p: f"{p.parent.name}/{p.name}")

NOT_YET = "⏳"
PASS_TEXTS = (ALL_PASSED.en, ALL_PASSED.zh)
OPEN_MARKERS = {"en": "(build a small thing)", "zh": "（动手做个小东西）"}
STUB = re.compile(r"^\s*return None\b|=\s*None\b", re.M)
DETAILS = re.compile(r"<details>(.*?)</details>", re.S | re.I)
SUMMARY = re.compile(r"<summary>(.*?)</summary>", re.S | re.I)
PYTHON_BLOCK = re.compile(r"^[ \t]*(`{3,})python[ \t]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)
FIRST_NUMBER = re.compile(r"\d+")
SECTION = re.compile(r"^## ", re.M)


# --- reading the exercises --------------------------------------------------------------


def kit(cell: nbformat.NotebookNode) -> dict:
    value = cell.get("metadata", {}).get("kit", {})
    return value if isinstance(value, dict) else {}


def tagged(nb: nbformat.NotebookNode) -> list[tuple[int, int, str]]:
    """(cell index, exercise number, part) of every cell tagged with ``kit.exercise``, in cell order."""
    found = []
    for index, cell in enumerate(nb.cells):
        meta = kit(cell)
        if "exercise" in meta:
            found.append((index, meta["exercise"], meta.get("part")))
    return found


def cells_of(nb: nbformat.NotebookNode, part: str) -> dict[int, list[int]]:
    """Exercise number -> indices of its cells of ``part`` (``answer`` or ``check``)."""
    found: dict[int, list[int]] = {}
    for index, number, kind in tagged(nb):
        if kind == part:
            found.setdefault(number, []).append(index)
    return found


def solutions(nb: nbformat.NotebookNode) -> dict[int, list[str]]:
    """Exercise number -> the code of each ``<details>`` after the last check cell whose summary names it.

    A summary's first number is the exercise number; a ``<details>`` without a number in its summary
    (a hint, a note) is not a solution. Each value holds one string per such block: the block's python
    fences joined, or "" when the block has none (a solution without code, reported by the tests).
    """
    checks = [index for index, _, part in tagged(nb) if part == "check"]
    start = max(checks) + 1 if checks else len(nb.cells)
    found: dict[int, list[str]] = {}
    for cell in nb.cells[start:]:
        if cell.cell_type != "markdown":
            continue
        for block in DETAILS.findall(cell.source):
            summary = SUMMARY.search(block)
            number = FIRST_NUMBER.search(summary[1]) if summary else None
            if number is None:
                continue
            code = "\n\n".join(match[2].rstrip() for match in PYTHON_BLOCK.finditer(block))
            found.setdefault(int(number[0]), []).append(code)
    return found


def output_text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
        else:
            parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "".join(parts)


def structure_problems(nb: nbformat.NotebookNode, edition: str) -> list[str]:
    """What is wrong with the exercises' cells and metadata (empty when they follow the convention)."""
    found = tagged(nb)
    if not found:
        return ['no exercises: no cell has metadata "kit": {"exercise": N, "part": "answer"}']
    problems = [f"cell {i}: part {part!r} (expected 'answer' or 'check')" for i, _, part in found if part not in ("answer", "check")]
    problems += [f"cell {i}: exercise {n!r} is not a number" for i, n, _ in found if not isinstance(n, int) or isinstance(n, bool)]
    if problems:
        return problems
    answers, checks = cells_of(nb, "answer"), cells_of(nb, "check")
    numbers = sorted(answers)
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"answer cells number the exercises {numbers}, expected 1..{len(numbers)}")
    order = [n for _, n, part in found if part == "answer"]
    if order != sorted(order):
        problems.append(f"answer cells out of order: {order}")
    for number in sorted(set(answers) | set(checks)):
        a, c = answers.get(number, []), checks.get(number, [])
        if len(a) != 1 or len(c) != 1:
            problems.append(f"exercise {number}: {len(a)} answer cell(s) {a}, {len(c)} check cell(s) {c} (expected one each)")
            continue
        answer, check = nb.cells[a[0]], nb.cells[c[0]]
        if answer.cell_type != "code" or check.cell_type != "code":
            problems.append(f"exercise {number}: answer and check cells must be code cells")
        if c[0] < a[0]:
            problems.append(f"exercise {number}: check cell {c[0]} comes before its answer cell {a[0]}")
        if answer.cell_type == "code" and not STUB.search(answer.source):
            problems.append(f"exercise {number}: answer cell {a[0]} is not a stub (`return None` or `name = None`)")
    opened = [n for i, n, part in found if part == "answer" and kit(nb.cells[i]).get("open") is True]
    if not opened:
        problems.append('no open-ended exercise: no answer cell has "open": true in its kit metadata')
    for number in opened:
        # The exercise's heading: the markdown between the previous exercise's last cell and this answer cell.
        index = answers[number][0]
        before = [i for i, n, _ in found if i < index and n != number]
        before += [i for i, cell in enumerate(nb.cells[:index]) if cell.cell_type == "markdown" and SECTION.search(cell.source)]
        prose = "".join(cell.source for cell in nb.cells[max(before, default=0):index] if cell.cell_type == "markdown")
        if OPEN_MARKERS[edition] not in prose:
            problems.append(f"exercise {number} is open but its heading lacks {OPEN_MARKERS[edition]!r}")
    return problems


def solution_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Missing, doubled, empty or orphan folded solutions."""
    answers, found = cells_of(nb, "answer"), solutions(nb)
    if not answers:
        return ["no answer cells, so no folded solution can be matched to an exercise"]
    problems = []
    for number in sorted(answers):
        blocks = found.get(number, [])
        if len(blocks) != 1:
            problems.append(f"exercise {number}: {len(blocks)} <details> solution(s) after the exercises (expected 1)")
        elif not blocks[0].strip():
            problems.append(f"exercise {number}: its <details> solution has no ```python block")
    problems += [f"<details> for exercise {n}, which has no answer cell" for n in sorted(set(found) - set(answers))]
    return problems


# --- running the solutions ---------------------------------------------------------------


def solved_copy(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, dict[int, int]]:
    """A copy with each solution as a code cell right after its answer cell; exercise -> new check index."""
    copy = nbformat.from_dict(nb)
    answers, checks, found = cells_of(copy, "answer"), cells_of(copy, "check"), solutions(copy)
    inserts = {answers[n][0]: found[n][0] for n in answers if found.get(n)}
    cells = []
    check_at: dict[int, int] = {}
    check_of = {index: n for n, indices in checks.items() for index in indices}
    for index, cell in enumerate(copy.cells):
        if index in check_of:
            check_at[check_of[index]] = len(cells)
        cells.append(cell)
        if index in inserts:
            cells.append(nbformat.v4.new_code_cell(inserts[index]))
    copy.cells = cells
    return copy, check_at


def execute(nb: nbformat.NotebookNode, folder: Path) -> None:
    """Run every cell (errors recorded, not raised) with the kernel in ``folder`` (the edition's folder)."""
    NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()


def verdict_problems(nb: nbformat.NotebookNode, check_at: dict[int, int], edition: str) -> list[str]:
    """Check cells that did not print the pass verdict cleanly, and cells that raised unexpectedly."""
    verdict = ALL_PASSED.zh if edition == "zh" else ALL_PASSED.en
    problems = []
    for number, index in sorted(check_at.items()):
        text = output_text(nb.cells[index])
        if verdict not in text or "✗" in text or NOT_YET in text:
            problems.append(f"exercise {number}: check cell printed {text.strip()[-600:]!r}")
    problems += [
        f"cell {index}: {output.get('ename')}: {output.get('evalue')}"
        for index, cell in enumerate(nb.cells)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error" and "raises-exception" not in cell.get("metadata", {}).get("tags", [])
    ]
    return problems


def solutions_signature(nb: nbformat.NotebookNode) -> list[list[str]]:
    return [code_signature(blocks[0]) for _, blocks in sorted(solutions(nb).items()) if blocks]


# --- the tests ---------------------------------------------------------------------------


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


@each_lesson
def test_exercises_are_stubs_numbered_and_tagged(path):
    problems = structure_problems(load(path), path.parent.name)
    assert not problems, "exercises do not follow the convention:\n  " + "\n  ".join(problems)


@each_lesson
def test_check_cells_store_not_done_and_nothing_stores_a_pass(path):
    nb = load(path)
    problems = []
    for number, indices in sorted(cells_of(nb, "check").items()):
        for index in indices:
            text = output_text(nb.cells[index])
            if NOT_YET not in text:
                problems.append(f"exercise {number}: check cell {index} stores {text.strip()[:120]!r}, not the ⏳ line")
            if "✓" in text or "✗" in text:
                problems.append(f"exercise {number}: check cell {index} stores ✓/✗ lines (a solved or half-solved run)")
    problems += [
        f"cell {index} stores {verdict!r}"
        for index, cell in enumerate(nb.cells)
        for verdict in PASS_TEXTS
        if verdict in output_text(cell)
    ]
    assert not problems, "stored outputs give the exercises away:\n  " + "\n  ".join(problems)


@each_lesson
def test_each_exercise_has_one_folded_solution(path):
    problems = solution_problems(load(path))
    assert not problems, "folded solutions:\n  " + "\n  ".join(problems)


@each_lesson
def test_solutions_pass_their_self_checks(path):
    nb = load(path)
    if structure_problems(nb, path.parent.name) or solution_problems(nb):
        pytest.skip("exercises not in the conventional form (the structure tests say why)")
    edition = path.parent.name
    if edition == "zh" and os.environ.get("KIT_SOLUTIONS_FAST"):
        twin = path.parent.parent / "en" / path.name
        if twin.exists() and solutions_signature(load(twin)) == solutions_signature(nb):
            pytest.skip("zh solutions have the en edition's code (strings and comments aside): run there")
    solved, check_at = solved_copy(nb)
    started = time.monotonic()
    execute(solved, path.parent)
    print(f"{edition}/{path.name}: solved copy ran in {time.monotonic() - started:.1f}s")
    problems = verdict_problems(solved, check_at, edition)
    assert not problems, "with the folded solutions inserted:\n  " + "\n  ".join(problems)


# --- the extraction itself, on a tiny notebook ---------------------------------------------


def tiny_lesson(solution: str) -> nbformat.NotebookNode:
    new_code, new_md = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    answer = new_code("def double(x):\n    # write your answer here\n    return None")
    answer.metadata["kit"] = {"exercise": 1, "part": "answer", "open": True}
    check = new_code(
        "from helpers.exercises import not_done, show_checks\n\n"
        "if double(1) is None:\n    not_done('write double()')\n"
        "else:\n    show_checks(lambda f: {'2 → 4': f(2) == 4, '0 → 0': f(0) == 0}, double)"
    )
    check.metadata["kit"] = {"exercise": 1, "part": "check"}
    folded = new_md(
        "Try it first.\n\n<details>\n<summary>Solution to exercise 1</summary>\n\n"
        f"```python\n{solution}\n```\n\nA note.\n\n</details>\n\n"
        "<details>\n<summary>A hint</summary>\n\n```python\nraise SystemExit('hints are not solutions')\n```\n\n</details>"
    )
    heading = new_md("**Exercise 1 (build a small thing): double it.**")
    return nbformat.v4.new_notebook(cells=[heading, answer, check, folded])


def test_extraction_finds_the_solution_and_the_cells():
    nb = tiny_lesson("def double(x):\n    return 2 * x")
    assert structure_problems(nb, "en") == [] and solution_problems(nb) == []
    assert solutions(nb) == {1: ["def double(x):\n    return 2 * x"]}
    solved, check_at = solved_copy(nb)
    assert [cell.source for cell in solved.cells[2:3]] == ["def double(x):\n    return 2 * x"]
    assert check_at == {1: 3}


def test_extraction_spots_a_solved_exercise_and_a_missing_solution():
    nb = tiny_lesson("def double(x):\n    return 2 * x")
    nb.cells[1].source = "def double(x):\n    return 2 * x"  # shipped solved
    nb.cells[3].source = "no solution here"
    assert any("not a stub" in p for p in structure_problems(nb, "en"))
    assert solution_problems(nb) == ["exercise 1: 0 <details> solution(s) after the exercises (expected 1)"]


def test_a_passing_solution_passes_and_a_failing_one_fails(tmp_path):
    folder = tmp_path / "en"
    folder.mkdir()
    results = {}
    for name, code in {"good": "def double(x):\n    return 2 * x", "bad": "def double(x):\n    return x + 2"}.items():
        solved, check_at = solved_copy(tiny_lesson(code))
        execute(solved, folder)
        results[name] = verdict_problems(solved, check_at, "en")
    assert results["good"] == []
    assert len(results["bad"]) == 1 and "✗ 0 → 0" in results["bad"][0]
