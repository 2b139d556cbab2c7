"""A secret scanner for commits: finds API keys and prints them masked.

Introduced in lesson 05 (best practices: security). The kit ships it as a pre-commit
hook (``.pre-commit-hooks.yaml``) and it runs without pre-commit too::

    python -m helpers.secrets_scan FILE [FILE ...]      # exit 1 when a key is found

Why our own and not detect-secrets or a ``pygrep`` hook: detect-secrets' OpenAI rule
misses today's ``sk-proj-``/``sk-svcacct-``/``sk-admin-`` keys, and a pygrep hook prints
the matching line, which puts the key into the very logs we want to keep it out of.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .keys import mask_key
from .utf16 import utf16_codec

# (name, pattern). Order matters only for the label; every match is reported once.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("OpenAI project/service/admin key", re.compile(r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}")),
    # Bounded before the marker: unbounded, a long line of "sk-" made it backtrack quadratically.
    ("OpenAI key (watermarked)", re.compile(r"sk-[A-Za-z0-9_-]{8,200}T3BlbkFJ[A-Za-z0-9_-]{8,}")),
    ("OpenAI legacy key", re.compile(r"\bsk-[A-Za-z0-9]{48}\b")),
    ("Anthropic key", re.compile(r"sk-ant-[A-Za-z0-9_-]{20,}")),
    ("OpenRouter key", re.compile(r"sk-or-v1-[a-f0-9]{64}")),
    ("Compatible-provider key (sk- + 32 hex: DeepSeek, DashScope, SiliconFlow, Moonshot...)", re.compile(r"\bsk-[a-f0-9]{32}\b")),
    ("Zhipu key", re.compile(r"\b[a-f0-9]{32}\.[A-Za-z0-9]{16}\b")),
    ("Groq key", re.compile(r"\bgsk_[A-Za-z0-9]{40,}\b")),
]

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
        return f"{self.path}:{self.line}: {self.kind}: {self.masked}"


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


_URL_CREDENTIALS = re.compile(r"(?<=://)[^/\s:@]+:[^/\s@]+@")


def redact(text: str) -> str:
    """``text`` with every key-like string masked and every ``user:password@`` in a URL hidden.

    For text we do not control (a server's error message, a proxy error, a setting a learner
    typed into the wrong variable) before it is shown.
    """
    for _, pattern in PATTERNS:
        text = pattern.sub(lambda m: mask_key(m.group(0)), text)
    return _URL_CREDENTIALS.sub("***:***@", text)


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
        print(
            f"{len(findings)} possible key(s) found. Remove them, rotate any real key, and keep keys in .env. "
            f"/ 发现 {len(findings)} 个疑似密钥：请删除，并轮换真实密钥，密钥只放在 .env 中。"
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
