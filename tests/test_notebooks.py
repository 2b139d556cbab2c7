"""Static checks on the lesson notebooks: they read the .ipynb files and never run them.

nbval runs the notebooks and compares their stored outputs; these tests catch what it cannot
see: the two editions drifting apart, keys or machine paths in a file, stderr and warnings in
stored outputs, broken links and images, lessons missing from the READMEs.

Every test is parametrized over the notebooks on disk, so a new lesson is covered as soon as
its file exists. Notebook ids are ``zh/NN_slug.ipynb``; edition-parity ids are the bare file
name shared by both editions.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest

from helpers.keys import mask_key
from helpers.secrets_scan import scan_text

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EDITIONS = ("zh", "en")
# README file -> the editions whose every notebook it must link.
READMES = {"README.md": EDITIONS, "README.zh-CN.md": ("zh",)}

FILE_NAME = re.compile(r"^(\d\d)_[a-z0-9]+(?:_[a-z0-9]+)*\.ipynb$")
ANCHOR = re.compile(r"""<a\s[^>]*?\bid\s*=\s*["']([^"']+)["']""", re.I)
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
FENCED_CODE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", re.M | re.S)
INLINE_CODE = re.compile(r"``.+?``|`[^`\n]+`")
# Markdown links and images, and their HTML forms; group 1 is "!" for a markdown image.
LINK = re.compile(
    r"""(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^)]*["'])?\s*\)"""
    r"""|<(a|img)\s[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']""",
    re.I,
)
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)

KEY_LIKE = re.compile(r"sk-[A-Za-z0-9_-]{20,}")
MACHINE_PATH = re.compile(
    r"(?<![\w.~-])/(?:home|root|tmp|work|Users|private/var|var/folders)/"
    r"|(?i:\b[a-z]:[\\/]+Users\b)"
    r"|\b(?:site|dist)-packages\b"
)
WARNING_TEXT = re.compile(r"\b\w*Warning:|warnings\.warn|\bDeprecationWarning\b|\bUserWarning\b")
MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-f]+")
TIMESTAMP = re.compile(r"\b20\d\d-\d\d-\d\dT\d\d:\d\d")
TEST_MACHINERY = re.compile(r"#.*\bnbval\b")
# Shell and IPython magics: the setup cells use subprocess and plain Python instead.
MAGIC = re.compile(r"^[ \t]*[!%]", re.M)
PLACEHOLDER_REPO = "OWNER/REPO"
IGNORE_TAGS = ("nbval-ignore-output", "nbval-skip")


# --- discovery and loading -------------------------------------------------------------


def edition_files(edition: str) -> list[Path]:
    """The edition's notebooks, sorted by file name (so by lesson number)."""
    return sorted((NOTEBOOKS / edition).glob("*.ipynb"))


def nb_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


ALL_NOTEBOOKS = [path for edition in EDITIONS for path in edition_files(edition)]
PAIR_NAMES = sorted({path.name for path in ALL_NOTEBOOKS})
README_CASES = [(readme, path) for readme, eds in READMES.items() for path in ALL_NOTEBOOKS if path.parent.name in eds]

each_notebook = pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=nb_id)
each_pair = pytest.mark.parametrize("name", PAIR_NAMES)


@functools.cache
def load(path: Path) -> nbformat.NotebookNode:
    """The notebook, read once per run (lazily, so a half-written file fails only its own tests)."""
    return nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)


def pair(name: str) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """Both editions of a lesson; skipped when one is missing (test_twin_exists reports that)."""
    paths = [NOTEBOOKS / edition / name for edition in EDITIONS]
    if not all(path.exists() for path in paths):
        pytest.skip("incomplete pair")
    return load(paths[0]), load(paths[1])


def lesson_number(path: Path) -> int | None:
    match = FILE_NAME.match(path.name)
    return int(match[1]) if match else None


# --- reading cells ---------------------------------------------------------------------


def tags(cell: nbformat.NotebookNode) -> list[str]:
    return sorted(cell.get("metadata", {}).get("tags", []))


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def prose(markdown: str, inline_code: bool = False) -> str:
    """Markdown without fenced code blocks (and without inline code unless asked to keep it)."""
    text = FENCED_CODE.sub("", markdown)
    return text if inline_code else INLINE_CODE.sub("", text)


def markdown_sources(nb: nbformat.NotebookNode) -> Iterator[tuple[int, str]]:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            yield index, cell.source


def links_in(markdown: str) -> Iterator[tuple[bool, str]]:
    """(is_image, target) for every link or image outside code."""
    for match in LINK.finditer(prose(markdown)):
        if match[2]:
            yield match[1] == "!", match[2]
        else:
            yield match[3].lower() == "img", match[4]


def links(nb: nbformat.NotebookNode, images: bool = False) -> Iterator[tuple[int, str]]:
    """(cell index, target) of every link (or every image) in the markdown cells."""
    for index, source in markdown_sources(nb):
        yield from ((index, target) for is_image, target in links_in(source) if is_image == images)


def local_target(base: Path, target: str) -> tuple[Path | None, str]:
    """(file the link points to or None for the same file, fragment); external links give (None, "")."""
    if EXTERNAL.match(target):
        return None, ""
    file_part, _, fragment = target.partition("#")
    file_part = file_part.split("?")[0]
    return (Path(os.path.normpath(base / unquote(file_part))) if file_part else None), unquote(fragment)


def anchors(nb: nbformat.NotebookNode) -> list[str]:
    """Ordered ``<a id="...">`` ids across the markdown cells."""
    return [anchor for _, source in markdown_sources(nb) for anchor in ANCHOR.findall(source)]


def heading_ids(nb: nbformat.NotebookNode) -> set[str]:
    """The ids Jupyter (spaces to dashes) and GitHub (lowercase slug) give each heading."""
    ids = set()
    for _, source in markdown_sources(nb):
        for heading in HEADING.findall(prose(source, inline_code=True)):
            plain = re.sub(r"[`*]", "", heading).strip()
            ids |= {plain.replace(" ", "-"), re.sub(r"[^\w\- ]", "", plain.lower()).replace(" ", "-")}
    return ids


def output_texts(output: nbformat.NotebookNode) -> Iterator[str]:
    """The text of one output: stream text, text-like data (not images), error and traceback."""
    if output.output_type == "stream":
        yield output.text
    elif output.output_type == "error":
        yield "\n".join([output.ename, output.evalue, *output.traceback])
    for mime, value in output.get("data", {}).items():
        if not mime.startswith("image/") or mime == "image/svg+xml":
            yield value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def outputs(nb: nbformat.NotebookNode) -> Iterator[tuple[int, nbformat.NotebookNode, nbformat.NotebookNode]]:
    """(cell index, cell, output) for every stored output."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            yield index, cell, output


def texts(nb: nbformat.NotebookNode, sources: bool) -> Iterator[tuple[int, nbformat.NotebookNode, str]]:
    """(cell index, cell, text) for every output text, and every cell source if asked."""
    if sources:
        yield from ((index, cell, cell.source) for index, cell in enumerate(nb.cells))
    for index, cell, output in outputs(nb):
        yield from ((index, cell, text) for text in output_texts(output))


def find(nb: nbformat.NotebookNode, pattern: re.Pattern[str], sources: bool = False, unless_tag: str = "") -> list[str]:
    """``cell N: match`` for each match of pattern in outputs (and sources), skipping tagged cells."""
    return [
        f"cell {index}: {match[0]!r}"
        for index, cell, text in texts(nb, sources)
        if unless_tag not in tags(cell)
        for match in pattern.finditer(text)
    ]


def report(problems: list[str], what: str) -> None:
    assert not problems, f"{what}:\n  " + "\n  ".join(problems)


# --- code parity: token streams without literals and comments -------------------------

STRING = "<str>"
_DROPPED = {tokenize.COMMENT, tokenize.NL}
# Python 3.12+ splits f-strings (3.14: t-strings) into parts; 3.11 gives one STRING token.
_STRING_START = {getattr(tokenize, name) for name in ("FSTRING_START", "TSTRING_START") if hasattr(tokenize, name)}
_STRING_END = {getattr(tokenize, name) for name in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, name)}


def python_source(source: str) -> str:
    """IPython syntax (``%magic``, ``name??``) turned into Python, when IPython is installed."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    return TransformerManager().transform_cell(source)


def _append(signature: list[str], item: str) -> None:
    # Adjacent literals ("a" "b") count as one: a translation may split a string differently.
    if not (item == STRING and signature and signature[-1] == STRING):
        signature.append(item)


def code_signature(source: str) -> list[str]:
    """Tokens of a code cell with every string literal (f-strings whole) as STRING, no comments."""
    signature: list[str] = []
    depth = 0
    for token in tokenize.generate_tokens(io.StringIO(python_source(source)).readline):
        if token.type in _STRING_START:
            depth += 1
        elif token.type in _STRING_END:
            depth -= 1
            if depth == 0:
                _append(signature, STRING)
        elif depth == 0 and token.type not in _DROPPED:
            text = STRING if token.type == tokenize.STRING else token.string.strip()
            _append(signature, text or tokenize.tok_name[token.type])
    return signature


def first_difference(a: list, b: list) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


# --- 1. edition parity -----------------------------------------------------------------


@each_pair
def test_twin_exists(name):
    missing = [nb_id(NOTEBOOKS / edition / name) for edition in EDITIONS if not (NOTEBOOKS / edition / name).exists()]
    assert not missing, f"{name} has no twin: missing {', '.join(missing)}"


@each_pair
def test_same_cell_count(name):
    zh, en = (len(nb.cells) for nb in pair(name))
    assert zh == en, f"zh has {zh} cells, en has {en}"


@each_pair
def test_same_cell_types(name):
    zh, en = ([cell.cell_type for cell in nb.cells] for nb in pair(name))
    at = first_difference(zh, en)
    assert zh == en, f"first difference at cell {at}: zh {zh[at:at + 1]} vs en {en[at:at + 1]}"


@each_pair
def test_same_code_except_strings_and_comments(name):
    problems = []
    for index, (zh, en) in enumerate(zip(*(nb.cells for nb in pair(name)))):
        if zh.cell_type != "code" or en.cell_type != "code":
            continue
        try:
            a, b = code_signature(zh.source), code_signature(en.source)
        except (tokenize.TokenError, SyntaxError) as err:
            problems.append(f"cell {index}: cannot tokenize ({err})")
            continue
        at = first_difference(a, b)
        if a != b:
            problems.append(f"cell {index}: zh {' '.join(a[at:at + 6])!r} vs en {' '.join(b[at:at + 6])!r}")
    report(problems, "code differs between editions")


@each_pair
def test_same_anchors(name):
    zh, en = (anchors(nb) for nb in pair(name))
    assert zh == en, f"section anchors differ:\n  zh {zh}\n  en {en}"


@each_pair
def test_same_tags(name):
    zh, en = pair(name)
    problems = [
        f"cell {index}: zh {tags(a)} vs en {tags(b)}"
        for index, (a, b) in enumerate(zip(zh.cells, en.cells))
        if tags(a) != tags(b)
    ]
    report(problems, "cell tags differ")


# --- 2. hygiene ------------------------------------------------------------------------


@each_notebook
def test_valid_nbformat(path):
    # Validate the file as stored: nbformat.reads() would quietly repair some problems.
    nbformat.validate(json.loads(path.read_text(encoding="utf-8")))


@each_notebook
def test_execution_counts_in_order(path):
    cells = code_cells(load(path))
    counts = [cell.execution_count for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), f"execution counts {counts}; run the notebook top to bottom once"
    problems = [
        f"cell with count {cell.execution_count}: result says {output.execution_count}"
        for cell in cells
        for output in cell.outputs
        if output.output_type == "execute_result" and output.execution_count != cell.execution_count
    ]
    report(problems, "execute_result counts differ from their cell")


@each_notebook
def test_no_keys(path):
    text = path.read_text(encoding="utf-8")
    found = [str(finding) for finding in scan_text(text, nb_id(path))]
    found += [f"{nb_id(path)}: sk- token {mask_key(match)}" for match in KEY_LIKE.findall(text)]
    report(found, "key-like strings (shown masked)")


@each_notebook
def test_no_machine_paths(path):
    report(find(load(path), MACHINE_PATH, sources=True), "absolute machine paths")


@each_notebook
def test_no_stderr(path):
    problems = [f"cell {index}" for index, _, output in outputs(load(path)) if output.get("name") == "stderr"]
    report(problems, "stderr outputs")


@each_notebook
def test_no_warnings_in_outputs(path):
    report(find(load(path), WARNING_TEXT), "warning text in outputs")


@each_notebook
def test_errors_only_where_tagged(path):
    problems = [
        f"cell {index}: {output.ename}: {output.evalue}"
        for index, cell, output in outputs(load(path))
        if output.output_type == "error" and "raises-exception" not in tags(cell)
    ]
    report(problems, "error outputs in cells not tagged raises-exception")


@each_notebook
def test_no_attachments_or_inline_images(path):
    nb = load(path)
    problems = [f"cell {index}: attachments" for index, cell in enumerate(nb.cells) if cell.get("attachments")]
    # A data URL outside code is an embedded image; inside code it is only being explained.
    problems += [
        f"cell {index}: data:image" for index, source in markdown_sources(nb) if "data:image" in prose(source).lower()
    ]
    report(problems, "images must be files under notebooks/images/")


@each_notebook
def test_images_exist(path):
    problems = []
    for index, target in links(load(path), images=True):
        file, _ = local_target(path.parent, target)
        if not EXTERNAL.match(target) and (file is None or not file.is_file()):
            problems.append(f"cell {index}: {target}")
    report(problems, "missing images")


def ignore_reason(cell: nbformat.NotebookNode) -> str:
    """Why nbval does not compare the cell's output: ``metadata.kit.ignore_reason``."""
    return str(cell.get("metadata", {}).get("kit", {}).get("ignore_reason", "")).strip()


@each_notebook
def test_ignored_cells_say_why(path):
    problems = [
        f"cell {index}: tagged {tags(cell)} without metadata.kit.ignore_reason"
        for index, cell in enumerate(load(path).cells)
        if cell.cell_type == "code" and set(IGNORE_TAGS) & set(tags(cell)) and not ignore_reason(cell)
    ]
    report(problems, "nbval tags without a reason")


@each_notebook
def test_no_test_machinery_in_code(path):
    # The reason lives in the cell's metadata: a learner reads code, not notes for the test runner.
    problems = [
        f"cell {index}: {line.strip()!r}"
        for index, cell in enumerate(load(path).cells)
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if TEST_MACHINERY.search(line)
    ]
    report(problems, "test machinery in code cells (move it into the cell's metadata)")


@each_notebook
def test_kernelspec_python3(path):
    assert load(path).metadata.get("kernelspec", {}).get("name") == "python3"


# --- 3. lesson structure ---------------------------------------------------------------


@each_notebook
def test_title(path):
    match = FILE_NAME.match(path.name)
    assert match, "file name must be NN_slug.ipynb (two digits, lowercase snake_case)"
    cells = load(path).cells
    first = cells[0] if cells else None
    assert first is not None and first.cell_type == "markdown", "the first cell must be the markdown title"
    title = first.source.startswith(f"# {match[1]} · ")
    assert title, f"title must start with '# {match[1]} · ', got {first.source[:40]!r}"


def setup_cells(path: Path) -> tuple[str, ...] | None:
    """The markdown note, the hidden Colab cell and the setup cell that open every lesson (None: too few cells)."""
    cells = load(path).cells
    fetch = next((i for i, cell in enumerate(cells) if cell.cell_type == "code"), None)
    if fetch is None or fetch == 0 or fetch + 1 >= len(cells):
        return None
    return tuple(cell.cell_type + ":" + cell.source for cell in cells[fetch - 1:fetch + 2])


def reference_setup(edition: str) -> tuple[Path, tuple[str, ...] | None]:
    """The lowest-numbered readable notebook of the edition and its opening cells: the template."""
    for path in edition_files(edition):
        try:
            return path, setup_cells(path)
        except (OSError, ValueError):  # a lesson being written; NotJSONError is a ValueError
            continue
    pytest.fail(f"no readable notebook in {edition}")


@each_notebook
def test_setup_cell_identical(path):
    reference, expected = reference_setup(path.parent.name)
    actual = setup_cells(path)
    assert actual is not None, "no setup cells"
    same = actual == expected
    assert same, f"opening cells differ from {nb_id(reference)}'s:\n{actual}\n--- expected ---\n{expected}"


@each_notebook
def test_colab_cell_is_hidden_and_plain_python(path):
    cells = load(path).cells
    note, fetch, setup = (cells[i] for i in range(1, 4))
    assert (note.cell_type, fetch.cell_type, setup.cell_type) == ("markdown", "code", "code"), "cells 1-3: note, Colab, setup"
    assert "Colab" in note.source and "google.colab" in fetch.source and "helpers.get_client()" in setup.source
    assert fetch.metadata.get("jupyter", {}).get("source_hidden") is True and fetch.metadata.get("cellView") == "form"
    problems = [f"cell {i}: magic" for i, cell in enumerate(code_cells(load(path))[:2]) if MAGIC.search(cell.source)]
    report(problems, "shell or IPython magics in the setup cells (use subprocess and sys.executable -m pip)")


@each_notebook
def test_no_placeholder_repository_in_sight(path):
    cells = load(path).cells
    shown = [
        f"cell {index}"
        for index, cell in enumerate(cells)
        if PLACEHOLDER_REPO in cell.source and not cell.get("metadata", {}).get("jupyter", {}).get("source_hidden")
    ]
    report(shown, f"{PLACEHOLDER_REPO} in a cell a learner sees")


@each_notebook
def test_links_next_lesson(path):
    number = lesson_number(path)
    later = [p for p in edition_files(path.parent.name) if (lesson_number(p) or 0) > (number or 0)]
    if number is None or not later:
        return  # the last lesson (or a misnamed file, reported by test_title)
    target = min(later, key=lesson_number)
    linked = {local_target(path.parent, link)[0] for _, link in links(load(path))}
    assert target in linked, f"no markdown link to the next lesson {target.name}"


@each_notebook
def test_relative_links_resolve(path):
    problems = []
    for index, target in links(load(path)):
        file, _ = local_target(path.parent, target)
        if file is not None and not file.exists():
            problems.append(f"cell {index}: {target}")
    report(problems, "links to missing files")


@functools.cache
def link_ids(path: Path) -> frozenset[str]:
    nb = load(path)
    return frozenset(anchors(nb)) | heading_ids(nb)


@each_notebook
def test_anchor_links_resolve(path):
    problems = []
    for index, target in links(load(path)):
        file, fragment = local_target(path.parent, target)
        dest = file or path
        if fragment and dest.suffix == ".ipynb" and dest.is_file() and fragment not in link_ids(dest):
            problems.append(f"cell {index}: {target}")
    report(problems, "links to missing anchors")


# --- 4. READMEs ------------------------------------------------------------------------


def readme_links(readme: str) -> set[Path]:
    text = (ROOT / readme).read_text(encoding="utf-8")
    return {local_target(ROOT, target)[0] for _, target in links_in(text)} - {None}


@pytest.mark.parametrize(("readme", "path"), README_CASES, ids=[f"{r}-{nb_id(p)}" for r, p in README_CASES])
def test_readme_links_notebook(readme, path):
    listed = path in readme_links(readme)
    assert listed, f"{readme} does not link {path.relative_to(ROOT)}: add it to the lessons table"


@pytest.mark.parametrize("readme", READMES)
def test_readme_notebook_links_resolve(readme):
    broken = [str(p.relative_to(ROOT)) for p in readme_links(readme) if p.suffix == ".ipynb" and not p.is_file()]
    report(broken, f"{readme} links missing notebooks")


# --- 5. output determinism -------------------------------------------------------------


@each_notebook
def test_no_memory_addresses(path):
    report(find(load(path), MEMORY_ADDRESS), "memory addresses in outputs (print a field, not the object)")


@each_notebook
def test_no_timestamps(path):
    found = find(load(path), TIMESTAMP, unless_tag="nbval-ignore-output")
    report(found, "timestamps in outputs of cells not tagged nbval-ignore-output")
