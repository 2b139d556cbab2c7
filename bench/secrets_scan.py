"""How long the secret scanner takes on one long line of repeated ``sk-`` (its worst case).

Run with ``python bench/secrets_scan.py`` (about a second). Prints a Markdown table: seconds
to scan one line of 18, 36 and 180 KB with the kit's patterns (``scan_text``), and, for
comparison, with the watermarked-key pattern as it was before it was bounded, whose time grows
with the square of the line (``--old-180`` also times it on 180 KB: about two minutes).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/secrets_scan.py` puts bench/, not the repo root, on sys.path

from helpers.secrets_scan import scan_text  # noqa: E402

#: The watermarked-key pattern before it was bounded (kept here only to compare).
OLD_WATERMARKED = re.compile(r"sk-[A-Za-z0-9_-]{8,}T3BlbkFJ[A-Za-z0-9_-]{8,}")
SIZES_KB = (18, 36, 180)


def seconds(call: object, line: str) -> float:
    start = time.perf_counter()
    call(line)  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-180", action="store_true", help="also time the old pattern on 180 KB (slow)")
    args = parser.parse_args()
    print("| line | scan_text (all patterns, now) | old watermarked pattern alone |")
    print("|---:|---:|---:|")
    for kb in SIZES_KB:
        line = "sk-" * (kb * 1000 // 3)
        now = seconds(scan_text, line)
        if kb < 100 or args.old_180:
            old = f"{seconds(lambda text: list(OLD_WATERMARKED.finditer(text)), line):.2f} s"
        else:
            old = "not run (--old-180)"
        print(f"| {kb} KB | {now:.3f} s | {old} |")


if __name__ == "__main__":
    main()
