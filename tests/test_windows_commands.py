"""Windows users get PowerShell syntax everywhere (issue 18, part 7).

`set NAME=value` only works in the old cmd.exe; the kit's guides tell Windows users to
use PowerShell, where a variable is set with `$env:NAME = "value"`. This test scans
every tracked Markdown file and notebook for a cmd-style `set NAME=...` or a bare
"Windows: `set`" hint.
"""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# `set NAME=...` (cmd.exe), or "Windows: `set`" / "Windows：`set`" with no variable.
CMD_SET = re.compile(r"(?<![$\w])set\s+\"?[A-Za-z_][A-Za-z0-9_]*\s*=|Windows\s*[:：]\s*`set`")


def tracked_docs():
    out = subprocess.run(["git", "ls-files", "*.md", "*.ipynb"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in out.splitlines() if (ROOT / name).is_file()]


def test_pattern_catches_cmd_syntax():
    assert CMD_SET.search("Windows: `set PIP_INDEX_URL=...`")
    assert CMD_SET.search("(Windows: `set`)")
    assert not CMD_SET.search('`$env:PIP_INDEX_URL = "..."`')


def test_no_cmd_set_for_windows_users():
    files = tracked_docs()
    assert files, "git ls-files found no Markdown or notebooks"
    bad = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if CMD_SET.search(line):
                bad.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert not bad, "use PowerShell syntax ($env:NAME = \"...\"):\n" + "\n".join(bad)
