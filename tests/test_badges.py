"""tools/badges.py keeps the Colab clone URL of every setup cell on the one repository setting."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))


def badges():
    spec = importlib.util.spec_from_file_location("badges", ROOT / "tools" / "badges.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_setup_cell_clones_the_configured_repository():
    module = badges()
    repo = module.repo_name()
    assert module.sync_notebooks(repo, write=False) == []
    for path in NOTEBOOKS:
        assert f"https://github.com/{repo} /content/kit" in path.read_text(encoding="utf-8"), path.name


def test_a_new_repository_name_would_rewrite_every_notebook():
    stale = badges().sync_notebooks("someone/elsewhere", write=False)
    assert len(stale) == len(NOTEBOOKS) > 0
