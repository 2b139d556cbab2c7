"""Write the "Open in Colab" and Binder links into both READMEs from one setting.

It also keeps the repository URL in every notebook's setup cell (the Colab-only clone) in step.

The repository's GitHub name lives in ONE place, the first line of README.md::

    <!-- kit-repo: OWNER/REPO -->

Change it there, then run ``python tools/badges.py``: the block between
``<!-- badges:start -->`` and ``<!-- badges:end -->`` in README.md and README.zh-CN.md is
rewritten, with one Colab link per lesson and edition (from the notebooks on disk), and so is
the ``git clone https://github.com/OWNER/REPO.git`` command of the READMEs' "Start here".
The Binder link opens ``my-notebooks/``, the learner's own copies, which ``binder/postBuild``
fills. ``python tools/badges.py --check`` only reports whether the blocks are up to date (exit 1
if not), for tests and CI. Standard library only: any Python 3.9+ runs it (the READMEs say
``.venv/bin/python tools/badges.py``).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READMES = ("README.md", "README.zh-CN.md")
REPO_LINE = re.compile(r"<!--\s*kit-repo:\s*([\w.-]+/[\w.-]+)\s*-->")
BLOCK = re.compile(r"(<!-- badges:start -->\n).*?(<!-- badges:end -->)", re.S)
CLONE_URL = re.compile(r"(?<=git clone )https://github\.com/[\w.-]+/[\w.-]+?\.git\b")
# binder/postBuild copies notebooks/ into my-notebooks/: Binder opens the learner's workspace.
BINDER_PATH = "lab/tree/my-notebooks"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
HEADERS = {
    "README.md": ("Lesson", "Chinese edition", "English edition", "Whole kit on Binder"),
    "README.zh-CN.md": ("课程", "中文版", "英文版", "在 Binder 上打开整套教程"),
}


def repo_name() -> str:
    match = REPO_LINE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    if not match:
        raise SystemExit("README.md has no '<!-- kit-repo: OWNER/REPO -->' line. / README.md 缺少 kit-repo 那一行。")
    return match[1]


def colab_url(repo: str, edition: str, name: str) -> str:
    return f"https://colab.research.google.com/github/{repo}/blob/main/notebooks/{edition}/{name}"


def block(readme: str, repo: str) -> str:
    lesson, zh, en, binder = HEADERS[readme]
    binder_url = f"https://mybinder.org/v2/gh/{repo}/main?urlpath={BINDER_PATH}"
    lines = [f"[![{binder}]({BINDER_BADGE})]({binder_url})", "", f"| {lesson} | {zh} | {en} |", "|---|---|---|"]
    for path in sorted((ROOT / "notebooks" / "zh").glob("*.ipynb")):
        cells = [f"[![Open in Colab]({COLAB_BADGE})]({colab_url(repo, edition, path.name)})" for edition in ("zh", "en")]
        lines.append(f"| {path.stem} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines) + "\n"


SETUP_REPO = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+(?= /content/kit)")


def sync_notebooks(repo: str, write: bool) -> list[str]:
    """Point the Colab clone in every setup cell at ``repo``; return the notebooks that were stale."""
    import json

    stale = []
    for path in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        text = path.read_text(encoding="utf-8")
        new = SETUP_REPO.sub(f"https://github.com/{repo}", text)
        if new != text:
            json.loads(new)  # still a valid notebook
            stale.append(str(path.relative_to(ROOT)))
            if write:
                path.write_text(new, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rewrite the launcher badges in the READMEs.")
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if a README is out of date")
    args = parser.parse_args(argv)
    repo = repo_name()
    stale = []
    for readme in READMES:
        path = ROOT / readme
        text = path.read_text(encoding="utf-8")
        if not BLOCK.search(text):
            print(f"{readme}: no '<!-- badges:start -->' ... '<!-- badges:end -->' block.", file=sys.stderr)
            return 1
        new = BLOCK.sub(lambda m: m[1] + block(readme, repo) + m[2], text)
        new = CLONE_URL.sub(f"https://github.com/{repo}.git", new)
        if new != text:
            stale.append(readme)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    stale += sync_notebooks(repo, write=not args.check)
    if args.check and stale:
        print(f"Out of date: {', '.join(stale)}. Run: .venv/bin/python tools/badges.py", file=sys.stderr)
        return 1
    print(f"badges for {repo}: " + ("rewrote " + ", ".join(stale) if stale else "up to date"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
