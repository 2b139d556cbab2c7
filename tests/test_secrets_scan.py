"""The secret-scanning hook: catches key formats, prints them masked, exits 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers.secrets_scan import main, scan_files, scan_text

ROOT = Path(__file__).resolve().parent.parent


def fake(prefix: str, body: str) -> str:
    """Key-shaped test data, assembled at run time so no key-like literal sits in the repo."""
    return prefix + body


KEYS = {
    "project": fake("sk-proj-", "Ab3" * 20),
    "service account": fake("sk-svcacct-", "Zy9" * 20),
    "admin": fake("sk-admin-", "Qq1" * 20),
    "legacy": fake("sk-", "a" * 20 + "T3BlbkFJ" + "b" * 20),
    "legacy 48": fake("sk-", "Xy" * 24),
    "compatible provider": fake("sk-", "0123456789abcdef" * 2),
    "openrouter": fake("sk-or-v1-", "ab" * 32),
    "zhipu": fake("0123456789abcdef" * 2, ".AbCdEfGhIjKlMnOp"),
}


@pytest.mark.parametrize("name", KEYS)
def test_each_format_is_found_once_and_masked(name):
    key = KEYS[name]
    findings = scan_text(f"OPENAI_API_KEY={key}\n")
    assert len(findings) == 1
    assert key not in str(findings[0]) and findings[0].masked.endswith(key[-4:])


@pytest.mark.parametrize("text", ["sk-short", "my-sk-proj-token", "OPENAI_API_KEY=", "sk-proj-…abcd", "hash 0123456789abcdef0123"])
def test_ordinary_text_is_not_flagged(text):
    assert scan_text(text) == []


def test_command_line_exit_codes_and_output_never_show_the_key(tmp_path, capsys):
    dirty = tmp_path / "config.py"
    dirty.write_text(f"key = '{KEYS['project']}'\n", encoding="utf-8")
    clean = tmp_path / "notes.md"
    clean.write_text("nothing secret here\n", encoding="utf-8")
    assert main([str(clean)]) == 0
    assert main([str(dirty), str(clean)]) == 1
    out = capsys.readouterr().out
    assert "config.py:1" in out and KEYS["project"] not in out and "sk-proj-…" in out


def test_binary_and_missing_files_are_skipped(tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG" + KEYS["project"].encode())
    (tmp_path / "blob.bin").write_bytes(b"\xff\xfe\x00" * 10)
    assert list(scan_files([tmp_path / "image.png", tmp_path / "blob.bin", tmp_path / "missing.txt"])) == []


def test_runs_as_a_module_like_the_pre_commit_hook(tmp_path):
    dirty = tmp_path / ".env.txt"
    dirty.write_text(f"OPENAI_API_KEY={KEYS['service account']}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "helpers.secrets_scan", str(dirty)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1 and KEYS["service account"] not in run.stdout + run.stderr


def test_the_repository_itself_is_clean():
    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=ROOT).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    assert [str(f) for f in scan_files(ROOT / name for name in tracked)] == []


def test_redact_masks_keys_and_proxy_passwords():
    from helpers.secrets_scan import redact

    text = f"proxy http://ann:s3cret@127.0.0.1:9 refused; key {KEYS['project']} rejected"
    out = redact(text)
    assert "s3cret" not in out and "ann:" not in out and "***@127.0.0.1:9" in out
    assert KEYS["project"] not in out and KEYS["project"][-4:] in out


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_files_are_scanned(tmp_path, capsys, encoding):
    # Defect 9: UTF-16 text (Windows Notepad's "Unicode"; with or without a BOM) was taken for
    # binary because of its null bytes, so the key in it was missed and the exit code was 0.
    dirty = tmp_path / "notes.txt"
    dirty.write_text(f"# 配置 settings\nOPENAI_API_KEY={KEYS['project']}\n", encoding=encoding)
    findings = list(scan_files([dirty]))
    assert [(f.line, f.kind) for f in findings] == [(2, "OpenAI project/service/admin key")]
    assert main([str(dirty)]) == 1 and KEYS["project"] not in capsys.readouterr().out


def test_binary_with_null_bytes_is_still_skipped(tmp_path):
    blob = tmp_path / "data.bin"
    blob.write_bytes(bytes(range(256)) * 4 + KEYS["project"].encode())
    assert list(scan_files([blob])) == []


def _unbounded_repeat_with_more_after(pattern) -> bool:
    """True when an unbounded repeat (``{n,}``, ``+``, ``*``) is followed by more to match.

    That shape backtracks: from every start the repeat runs to the end of the run of matching
    characters and then gives them back one by one, so a long line costs its length squared.
    A trailing repeat (or one followed only by a zero-width assertion such as ``\\b``) is linear.
    """
    from re import _constants as sre, _parser

    items = list(_parser.parse(pattern.pattern))
    for index, (op, argument) in enumerate(items):
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and argument[1] == sre.MAXREPEAT:
            if any(later_op is not sre.AT for later_op, _ in items[index + 1:]):
                return True
    return False


def test_no_pattern_can_backtrack_quadratically():
    # Defect 10: the watermarked-key pattern took seconds on one long line of repeated "sk-".
    from helpers.secrets_scan import PATTERNS

    assert [kind for kind, pattern in PATTERNS if _unbounded_repeat_with_more_after(pattern)] == []


def test_a_180_kb_line_of_sk_is_scanned_and_the_key_below_it_found(tmp_path):
    # Not a timed test: the scan runs in a child process and the 20 s timeout only guards
    # against hanging (before the fix it took minutes); what is asserted are its findings.
    dirty = tmp_path / "log.txt"
    dirty.write_text("sk-" * 60_000 + "\n" + f"key={KEYS['legacy']}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "helpers.secrets_scan", str(dirty)], capture_output=True,
                         text=True, cwd=ROOT, timeout=20)
    assert run.returncode == 1
    assert run.stdout.splitlines()[0] == f"{dirty}:2: OpenAI key (watermarked): sk-…{KEYS['legacy'][-4:]}"
