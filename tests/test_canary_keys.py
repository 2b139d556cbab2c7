"""Canary keys: run every notebook with fake keys of each known format set, prove none leaks.

The realistic case: a learner who has keys in the environment runs the lessons offline
(``KIT_SIMULATOR_URL`` set by the sealed test environment). Every notebook runs once, in
a fresh kernel, with canaries in ``OPENAI_API_KEY`` (a different OpenAI format per
notebook), ``OPENAI_ADMIN_KEY`` and each provider's key variable; the kernel logs every
logger at DEBUG (``OPENAI_LOG=debug`` too: the SDK redacts the ``Authorization`` header in
its debug logs, see ``openai/_utils/_logs.py``) into the cell outputs, and a last cell
prints what ``helpers.settings()`` shows. No output, stream, error, widget state or
notebook metadata may contain a canary or any 8-character slice of its secret part; nor
may this process's own log records and output (the simulator runs here).

Canaries are built at run time from a seeded generator: no key-like literal in this file,
and the same canaries every run (so a chance match cannot make the test flaky).
"""

from __future__ import annotations

import logging
import random
import string
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))
SLICE = 8
_rng = random.Random(20261127)
ALNUM = string.ascii_letters + string.digits


def _r(n: int, alphabet: str = ALNUM) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n))


def _openai_secret() -> str:
    return _r(20) + "T3Blbk" + "FJ" + _r(20)


SK = "sk" + "-"
WATERMARK = "T3Blbk" + "FJ"
# (prefix, secret): the prefix says what kind of key it is; the secret must never show.
OPENAI_FORMATS = {
    "project": (SK + "proj-", _r(24) + "T3Blbk" + "FJ" + _r(24)),
    "service account": (SK + "svcacct-", _r(24) + "T3Blbk" + "FJ" + _r(24)),
    "admin": (SK + "admin-", _r(24) + "T3Blbk" + "FJ" + _r(24)),
    "legacy": (SK, _openai_secret()),
}
PROVIDERS = {
    "DEEPSEEK_API_KEY": (SK, _r(32, "0123456789abcdef")),
    "DASHSCOPE_API_KEY": (SK, _r(32, "0123456789abcdef")),
    "MOONSHOT_API_KEY": (SK, _r(48)),
    "SILICONFLOW_API_KEY": (SK, _r(48, string.ascii_lowercase)),
    "OPENROUTER_API_KEY": (SK + "or-v1-", _r(64, "0123456789abcdef")),
    "ZHIPUAI_API_KEY": ("", _r(32, "0123456789abcdef") + "." + _r(16)),
    "AZURE_OPENAI_API_KEY": ("", _r(32, "0123456789abcdef")),
}
ALL = list(OPENAI_FORMATS.values()) + list(PROVIDERS.values())

SETUP = (
    "import logging, sys\n"
    "logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, force=True)\n"
    "for _name in ('helpers', 'openai'):  # the SDK's logger is the one that logs request headers\n"
    "    logging.getLogger(_name).setLevel(logging.DEBUG)\n"
)
REVEAL = (
    "import helpers\n"
    "_s = helpers.settings()\n"
    "print(repr(_s)); print(helpers.banner(_s)); print(_s.masked_key); print(_s.notes)\n"
)


def leaks(text: str) -> list[str]:
    """Every canary (or 8-character slice of a secret) found in ``text``, masked for the report."""
    found = []
    for prefix, secret in ALL:
        for start in range(len(secret) - SLICE + 1):
            piece = secret[start : start + SLICE]
            if piece == WATERMARK:
                continue  # in every OpenAI key, and named in lesson 05: public, not secret
            if piece in text:
                found.append(f"{prefix}…[{start}:{start + SLICE}]")
                break
    return found


def test_leak_detector_finds_a_slice_but_not_the_public_watermark():
    prefix, secret = OPENAI_FORMATS["project"]
    assert leaks(f"masked: {prefix}…{secret[-4:]} {WATERMARK}") == []
    assert leaks(f"oops {secret[3:12]} in a log") == [f"{prefix}…[3:11]"]
    zhipu = PROVIDERS["ZHIPUAI_API_KEY"][1]
    assert leaks(zhipu[-9:])


def _texts(nb: nbformat.NotebookNode) -> tuple[str, list[str]]:
    """The notebook as text without image bytes, and the image payloads apart (checked whole)."""
    images = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for mime in list(output.get("data", {})):
                if mime.startswith("image/") and mime != "image/svg+xml":
                    images.append(output["data"].pop(mime))
    return nbformat.writes(nb), images


@pytest.mark.parametrize("index, path", list(enumerate(NOTEBOOKS)), ids=[f"{p.parent.name}/{p.stem}" for p in NOTEBOOKS])
def test_no_canary_leaks(monkeypatch, capfd, caplog, index, path):
    name = list(OPENAI_FORMATS)[index % len(OPENAI_FORMATS)]
    monkeypatch.setenv("OPENAI_API_KEY", "".join(OPENAI_FORMATS[name]))
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "".join(OPENAI_FORMATS["admin"]))
    for variable, parts in PROVIDERS.items():
        monkeypatch.setenv(variable, "".join(parts))
    monkeypatch.setenv("OPENAI_LOG", "debug")
    caplog.set_level(logging.DEBUG, logger="helpers")

    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(SETUP))
    nb.cells.append(nbformat.v4.new_code_cell(REVEAL))
    started = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    elapsed = time.perf_counter() - started

    text, images = _texts(nb)
    last = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "Settings(" in last and "offline" in last, last[:500]  # the reveal cell ran and saw offline mode
    assert "DEBUG" in text  # the logging cell took effect, so logs were really captured
    assert not leaks(text), f"{path.name} ({name} key, {elapsed:.1f} s): {leaks(text)}"
    whole = ["".join(parts) for parts in ALL]
    assert not any(key in image for key in whole for image in images)
    process = capfd.readouterr()
    here = process.out + process.err + "\n".join(r.getMessage() for r in caplog.records)
    assert not leaks(here), leaks(here)
