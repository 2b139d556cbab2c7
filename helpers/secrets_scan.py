"""A secret scanner for commits: finds API keys and prints them masked.

Introduced in lesson 05 (best practices: security). The kit ships it as a pre-commit
hook (``.pre-commit-hooks.yaml``) and it runs without pre-commit too::

    python -m helpers.secrets_scan FILE [FILE ...]      # exit 1 when a key is found

Why our own and not detect-secrets or a ``pygrep`` hook: detect-secrets' OpenAI rule
misses today's ``sk-proj-``/``sk-svcacct-``/``sk-admin-`` keys, and a pygrep hook prints
the matching line, which puts the key into the very logs we want to keep it out of.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .keys import KIND_LABELS, PATTERNS, mask_key, redact
from .messages import message, reader_language
from .utf16 import utf16_codec

__all__ = ["PATTERNS", "Finding", "main", "redact", "scan_files", "scan_text"]

FOUND = message("{count} possible key(s) found. Remove them, rotate any real key, and keep keys in .env.",
                "发现 {count} 个疑似密钥：请删除，并轮换真实密钥，密钥只放在 .env 中。")

# Files we never read: binaries and the like.
_SKIP_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".pdf", ".zip", ".gz", ".whl"}
MAX_FILE_BYTES = 5_000_000


@dataclass(frozen=True)
class Finding:
    """One key-like string: where, what kind, and the key only in masked form."""

    path: str
    line: int
    kind: str
    masked: str

    def __str__(self) -> str:
        # One language in a findings line (the reader's first): two would double its length.
        label = KIND_LABELS[self.kind].render(reader_language()) if self.kind in KIND_LABELS else self.kind
        return f"{self.path}:{self.line}: {label}: {self.masked}"


def scan_text(text: str, path: str = "<text>") -> list[Finding]:
    """Every key-like string in ``text``; overlapping matches count once (the first pattern wins)."""
    findings: list[Finding] = []
    for number, line in enumerate(text.splitlines(), start=1):
        taken: list[tuple[int, int]] = []
        for kind, pattern in PATTERNS:
            for match in pattern.finditer(line):
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue
                taken.append(match.span())
                findings.append(Finding(path, number, kind, mask_key(match.group(0))))
    return findings


def scan_files(paths: Iterable[str | Path]) -> Iterator[Finding]:
    """Scan files (UTF-8 or UTF-16 text); unreadable, binary or huge files are skipped."""
    for path in map(Path, paths):
        if path.suffix.lower() in _SKIP_SUFFIXES or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        codec = utf16_codec(data)  # Notepad's "Unicode": null bytes, but text
        if codec is None and b"\0" in data[:8192]:
            continue  # binary
        # A stray undecodable byte must not hide a key on another line of the file.
        yield from scan_text(data.decode(codec or "utf-8", errors="replace"), str(path))


def main(argv: list[str] | None = None) -> int:
    """Print findings (masked) and return 1 if there are any."""
    findings = list(scan_files(sys.argv[1:] if argv is None else argv))
    for finding in findings:
        print(finding)
    if findings:
        print(FOUND.format(count=len(findings)))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
