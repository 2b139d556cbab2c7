"""A classroom on one simulator: many students, each running a short lesson, at once.

Run with ``python bench/classroom.py`` (defaults: 100 students, 2 rounds, 20 ms per token).
Prints a Markdown report and writes it to ``bench/results/classroom.md`` (git-ignored).

Each student is a thread with its own ``openai.OpenAI`` (``max_retries=0``, so every failure
counts). Students arrive over ``--arrive-s`` seconds, then run ``--rounds`` rounds of a
lesson-like sequence, with a think pause (uniform in 0.5x..1.5x ``--think-s``, seeded) after
each call:

1. a plain chat completion,
2. a streamed chat completion with ``stream_options.include_usage`` (read to the end),
3. a JSON-mode chat completion (``response_format={"type": "json_object"}``),
4. ``models.list()``.

``--token-latency-ms`` is the simulator's per-token delay (what ``--token-latency-ms`` on
``python -m helpers.offline`` does in class) so answers arrive at a live-like pace.

Everything runs on loopback, in this one process (the simulator's threads share the CPU and
the GIL with 100 client threads), and is bounded: ``--deadline-s`` stops new calls.
Reported: requests/s, p50/p95/p99 per call type, errors (the exit code is 1 if any),
threads before and after, and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import sys
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/classroom.py` puts bench/, not the repo root, on sys.path

import openai  # noqa: E402

from helpers.models import DEFAULT_MODEL  # noqa: E402
from helpers.offline import Simulator  # noqa: E402
from helpers.offline import OFFLINE_KEY  # noqa: E402

CALLS = ("chat", "stream", "json", "models")


def lesson_call(client: openai.OpenAI, kind: str, student: int) -> None:
    """One call of the lesson; raises on any failure."""
    question = [{"role": "user", "content": f"Student {student}: explain what an API key is in two sentences."}]
    if kind == "chat":
        client.chat.completions.create(model=DEFAULT_MODEL, messages=question)
    elif kind == "stream":
        with client.chat.completions.create(model=DEFAULT_MODEL, messages=question, stream=True,
                                            stream_options={"include_usage": True}) as chunks:
            usage = None
            for chunk in chunks:
                usage = chunk.usage or usage
            if usage is None:
                raise RuntimeError("stream ended without a usage chunk")
    elif kind == "json":
        ask = [{"role": "user", "content": f"Student {student}: reply in JSON with keys name and level."}]
        reply = client.chat.completions.create(model=DEFAULT_MODEL, messages=ask, response_format={"type": "json_object"})
        if not (reply.choices[0].message.content or "").lstrip().startswith("{"):
            raise RuntimeError("JSON mode returned no object")
    else:
        if not client.models.list().data:
            raise RuntimeError("empty model list")


def run_class(base_url: str, students: int, rounds: int, think_s: float, arrive_s: float, deadline_s: float) -> dict:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + deadline_s

    def student(number: int) -> None:
        rng = random.Random(number)
        client = openai.OpenAI(base_url=base_url, api_key=OFFLINE_KEY, max_retries=0, timeout=60)
        try:
            time.sleep(rng.uniform(0, arrive_s))
            for _ in range(rounds):
                for kind in CALLS:
                    if time.perf_counter() > deadline:
                        return
                    began = time.perf_counter()
                    try:
                        lesson_call(client, kind, number)
                    except Exception as exc:  # counted and reported, never hidden
                        with lock:
                            errors.append(f"{kind}: {type(exc).__name__}: {exc}"[:200])
                    else:
                        with lock:
                            latencies[kind].append((time.perf_counter() - began) * 1000)
                    time.sleep(think_s * rng.uniform(0.5, 1.5))
        finally:
            client.close()

    threads = [threading.Thread(target=student, args=(n,), name=f"student-{n}") for n in range(students)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.perf_counter() + 90))
    elapsed = time.perf_counter() - start
    still_running = sum(thread.is_alive() for thread in threads)
    return {"latencies": latencies, "errors": errors, "elapsed": elapsed, "stuck": still_running}


def quantiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return (values[0],) * 3 if values else (float("nan"),) * 3
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2, help="times each student runs the 4-call lesson")
    parser.add_argument("--think-s", type=float, default=1.0, help="mean pause after each call")
    parser.add_argument("--arrive-s", type=float, default=3.0, help="students arrive within this many seconds")
    parser.add_argument("--token-latency-ms", type=float, default=20.0)
    parser.add_argument("--deadline-s", type=float, default=120.0, help="no new call starts after this")
    args = parser.parse_args(argv)
    if not (1 <= args.students <= 500 and 1 <= args.rounds <= 20 and 0 < args.deadline_s <= 600):
        parser.error("keep it bounded: --students 1..500, --rounds 1..20, --deadline-s up to 600")
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"  # a proxy set in the shell must not see loopback calls

    threads_before = threading.active_count()
    rss_before = peak_rss_mb()
    sim = Simulator(token_latency_ms=args.token_latency_ms).start()
    try:
        with openai.OpenAI(base_url=sim.base_url, api_key=OFFLINE_KEY) as warm:
            lesson_call(warm, "chat", -1)  # loads the tokenizer once
        rss_warm = peak_rss_mb()
        result = run_class(sim.base_url, args.students, args.rounds, args.think_s, args.arrive_s, args.deadline_s)
        threads_peak_note = threading.active_count()
    finally:
        sim.stop()
    time.sleep(0.5)  # let the server's handler threads finish closing their sockets
    threads_after = threading.active_count()
    leftover = sorted(t.name for t in threading.enumerate() if t is not threading.main_thread())

    lat = result["latencies"]
    total = sum(len(v) for v in lat.values())
    lines = [
        f"# Classroom load on one simulator ({date.today().isoformat()})",
        "",
        f"{os.cpu_count()} CPUs, {platform.machine()}, CPython {platform.python_version()}, openai {openai.__version__}, "
        f"load average at the end {os.getloadavg()[0]:.1f}. {args.students} students, {args.rounds} rounds of "
        f"chat + stream + JSON + models.list, think {args.think_s} s (0.5x..1.5x), arrival within {args.arrive_s} s, "
        f"{args.token_latency_ms:g} ms per token. Clients and simulator share one process.",
        "",
        f"- wall time {result['elapsed']:.1f} s, {total} requests, {total / result['elapsed']:.1f} requests/s",
        f"- errors: {len(result['errors'])}; student threads still running at the end: {result['stuck']}",
        f"- threads: {threads_before} before, {threads_peak_note} when the class finished (simulator still up), "
        f"{threads_after} after stopping it" + (f" (still alive: {', '.join(leftover)})" if leftover else ""),
        f"- peak resident memory: {rss_before:.0f} MB before the simulator, {rss_warm:.0f} MB after the first call "
        f"(tokenizer loaded), {peak_rss_mb():.0f} MB peak with the class",
        "",
        "| call | n | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in CALLS:
        p50, p95, p99 = quantiles(lat.get(kind, []))
        lines.append(f"| {kind} | {len(lat.get(kind, []))} | {p50:.0f} | {p95:.0f} | {p99:.0f} |")
    for error in sorted(set(result["errors"]))[:10]:
        lines.append(f"\nerror: {error}")
    report = "\n".join(lines) + "\n"
    print(report)
    out = ROOT / "bench" / "results" / "classroom.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    return 1 if result["errors"] or result["stuck"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
