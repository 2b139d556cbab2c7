"""Benchmark of the teacher's relay: what it adds per request, and how fast replay answers.

Run with ``python bench/relay.py`` (about a minute; ``--quick`` for a smoke run). Everything
is on loopback, in this one process. The upstream is the kit's own offline simulator on an
ephemeral port (so the relay's figures carry no network), with a throw-away upstream key.

1. **Relay overhead**: plain chat completions straight to the upstream, then the same through
   the relay, at 1 and 60 concurrent clients. Every request asks something different, so each
   one goes upstream (no single-flight, no kept answer): the difference of the two is the relay.
   p50 and p99 latency (ms) and requests/s per row, and the overhead at p50 and p99.
2. **Kept answers**: 60 clients sending one identical request through the relay: one goes
   upstream, the rest are served from what the relay kept.
3. **Replay**: the same requests recorded through the relay (``--record``), then answered by a
   simulator started with ``KIT_REPLAY`` pointing at that recording, against the simulator
   answering them itself, at 10 clients.

Figures vary with the machine's load (printed with them); compare rows of one run only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/relay.py` puts bench/, not the repo root, on sys.path

import openai  # noqa: E402

from helpers.models import DEFAULT_MODEL  # noqa: E402
from helpers.offline import Simulator  # noqa: E402
from helpers.relay import ClassList, Limits, Relay, Upstream  # noqa: E402
from load import pct  # noqa: E402  (bench/load.py: the same percentile rule, seconds in, ms out)

UPSTREAM_KEY = "sk-" + "bench-upstream-" + "u" * 24  # built at run time; the simulator takes any key
STUDENTS = 60


def student_key(i: int) -> str:
    return f"class-student{i:02d}-" + "k" * 20


def load(base_url: str, clients: int, per_client: int, prompt: str = "unique", key: str | None = None,
         tag: str = "") -> dict:
    """``clients`` threads, each with its own SDK client and key, send ``per_client`` requests.

    ``prompt="unique"``: every request differs (each goes upstream through the relay);
    anything else: every request is that same text. ``tag`` starts every unique prompt, so two
    runs with different tags ask different things.
    """
    latencies: list[float] = []
    errors: list[str] = []
    sources: dict[str, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1, timeout=120)

    def run(i: int) -> None:
        client = openai.OpenAI(base_url=base_url, api_key=key or student_key(i), max_retries=0, timeout=60)
        mine: list[float] = []
        try:
            # Warm-up (not timed): opens the keep-alive connection; the first chat loads the tokenizer.
            client.chat.completions.create(model=DEFAULT_MODEL, messages=[{"role": "user", "content": "warm-up"}])
            barrier.wait()
            for n in range(per_client):
                text = f"{tag}Client {i} asks question {n}: say hello." if prompt == "unique" else prompt
                began = time.perf_counter()
                raw = client.chat.completions.with_raw_response.create(
                    model=DEFAULT_MODEL, messages=[{"role": "user", "content": text}])
                raw.parse()
                mine.append(time.perf_counter() - began)
                source = raw.headers.get("x-kit-source", "?")
                with lock:
                    sources[source] = sources.get(source, 0) + 1
        except Exception as exc:  # count it; the row says so
            with lock:
                errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
            barrier.abort()
        finally:
            client.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=300)
    elapsed = time.perf_counter() - began
    return {"n": len(latencies), "rps": len(latencies) / elapsed if elapsed else 0.0,
            "p50": pct(latencies, 0.5), "p99": pct(latencies, 0.99),
            "errors": errors, "sources": sources}


def row(name: str, clients: int, figures: dict) -> str:
    errors = f" ({len(figures['errors'])} errors: {figures['errors'][0]})" if figures["errors"] else ""
    sources = ", ".join(f"{k} {v}" for k, v in sorted(figures["sources"].items()))
    return (f"| {name} | {clients} | {figures['n']} | {figures['rps']:.0f} | {figures['p50']:.1f} | "
            f"{figures['p99']:.1f} | {sources} |{errors}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few requests per client (a smoke run)")
    args = parser.parse_args(argv)
    per_client = {1: 20 if args.quick else 200, 60: 2 if args.quick else 10}
    per_client[10] = per_client[60]  # replay asks what the 60-client run recorded (clients 0-9)
    classes = ClassList({student_key(i): f"student{i:02d}" for i in range(STUDENTS)})
    lines = [f"# Relay benchmark\n",
             f"{time.strftime('%Y-%m-%d %H:%M')}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; "
             f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}\n",
             "| path | clients | requests | req/s | p50 ms | p99 ms | x-kit-source |", "|---|---:|---:|---:|---:|---:|---|"]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        recording = str(Path(tmp) / "bench")
        with Simulator(port=0) as upstream:
            relay = Relay(Upstream(upstream.base_url, UPSTREAM_KEY), classes, Limits(), port=0, record=recording)
            relay.start()
            try:
                overhead = []
                for clients in (1, 60):
                    direct = load(upstream.base_url, clients, per_client[clients], key=UPSTREAM_KEY, tag=f"{clients}: ")
                    through = load(relay.base_url, clients, per_client[clients], tag=f"{clients}: ")
                    lines += [row("upstream directly", clients, direct), row("through the relay", clients, through)]
                    overhead.append((clients, through["p50"] - direct["p50"], through["p99"] - direct["p99"]))
                    failed |= bool(direct["errors"] or through["errors"])
                before = relay.status()["total"]["upstream_requests"]
                same = load(relay.base_url, 60, per_client[60], prompt="Say hello to the whole room.")
                lines.append(row("through the relay, one identical request", 60, same))
                upstream_count = relay.status()["total"]["upstream_requests"] - before
                failed |= bool(same["errors"])
            finally:
                relay.stop()
        # Replay: a simulator with KIT_REPLAY answers the recorded requests; the plain one simulates them.
        os.environ["KIT_REPLAY"] = recording
        try:
            with Simulator(port=0) as replaying:
                replayed = load(replaying.base_url, 10, per_client[10], key=UPSTREAM_KEY, tag="60: ")
        finally:
            os.environ.pop("KIT_REPLAY", None)
        with Simulator(port=0) as simulating:
            simulated = load(simulating.base_url, 10, per_client[10], key=UPSTREAM_KEY, tag="60: ")
        lines += [row("replay (KIT_REPLAY)", 10, replayed), row("simulator, same requests", 10, simulated)]
        failed |= bool(replayed["errors"] or simulated["errors"])
    lines.append("")
    for clients, p50, p99 in overhead:
        lines.append(f"- Relay overhead at {clients} client(s): p50 {p50:+.1f} ms, p99 {p99:+.1f} ms per request.")
    lines.append(f"- One identical request from 60 clients: {upstream_count} upstream request(s) for {same['n']} answers.")
    ratio = replayed["rps"] / simulated["rps"] if simulated["rps"] else float("nan")
    lines.append("- x-kit-source `?`: an answer the relay fetched upstream carries the upstream's own headers "
                 "(the live API sends no x-kit-source).")
    lines.append(f"- Replay throughput: {replayed['rps']:.0f} req/s, {ratio:.2f}x the simulator's "
                 f"{simulated['rps']:.0f} req/s at 10 clients.")
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
