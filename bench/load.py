"""The offline simulator under load and faults: does a classroom's worth of abuse hurt it?

    python bench/load.py            # about 60 s
    python bench/load.py --quick    # about 15 s

Loopback only, bounded in count and time. It starts its own simulators (one normal, one
with a small ``max_body``) and measures:

* many concurrent plain and streaming clients (one keep-alive connection per thread);
* every fault kind, each run for a fixed time beside a probe that sends normal requests:
  clients that vanish mid-stream, slow readers, bodies over the size limit, garbage on the
  socket, half request lines, oversized headers, non-JSON bodies, and the injected faults
  of ``x-offline-fault``;
* p50/p99 latency of the probe's normal requests alone and during each fault;
* that a normal request succeeds after each fault kind, and the thread count before and
  after (server threads must end once their clients are gone).

Clients use the standard library's ``http.client`` rather than the SDK: a hundred SDK
clients would cost tens of seconds of set-up each run and measure the SDK, not the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers.models import DEFAULT_MODEL  # noqa: E402
from helpers.offline import Simulator  # noqa: E402

KEY = "sk-offline-bench"
HEADERS = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
CHAT = "/v1/chat/completions"


def body(text: str, **extra: object) -> bytes:
    return json.dumps({"model": DEFAULT_MODEL, "messages": [{"role": "user", "content": text}], **extra}).encode()


class Target:
    """Host and port of a simulator, plus helpers to talk to it."""

    def __init__(self, sim: Simulator) -> None:
        self.host, self.port = sim.host, sim.port

    def connection(self, timeout: float = 10) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def socket(self, timeout: float = 5) -> socket.socket:
        return socket.create_connection((self.host, self.port), timeout=timeout)

    def normal(self, conn: http.client.HTTPConnection | None = None, stream: bool = False) -> tuple[int, float]:
        """One normal request; returns (status, seconds). A fresh connection unless one is given."""
        own = conn is None
        conn = conn or self.connection()
        started = time.perf_counter()
        try:
            conn.request("POST", CHAT, body=body("Hello, how are you?", stream=stream), headers=HEADERS)
            response = conn.getresponse()
            data = response.read()
            status = response.status
            if status == 200 and (b"[DONE]" not in data if stream else b'"choices"' not in data):
                status = -1  # a 200 with a broken body counts as an error
        finally:
            if own:
                conn.close()
        return status, time.perf_counter() - started


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# --- concurrent clients -------------------------------------------------------------------------


def concurrent_clients(target: Target, clients: int, seconds: float) -> dict[str, object]:
    """``clients`` threads, half plain and half streaming, each on one keep-alive connection."""
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    start_gate = threading.Barrier(clients)

    def work(i: int) -> None:
        stream = i % 2 == 1
        conn = target.connection()
        start_gate.wait()
        try:
            while time.monotonic() < stop:
                try:
                    status, took = target.normal(conn, stream=stream)
                except (OSError, http.client.HTTPException) as error:
                    status, took = type(error).__name__, 0.0
                    conn.close()
                    conn = target.connection()
                with lock:
                    statuses[f"{'stream' if stream else 'plain'} {status}"] += 1
                    if status == 200:
                        latencies.append(took)
        finally:
            conn.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    served = sum(n for k, n in statuses.items() if k.endswith(" 200"))
    return {"statuses": statuses, "served": served, "rps": served / elapsed, "p50": pct(latencies, 0.5), "p99": pct(latencies, 0.99)}


# --- fault kinds ----------------------------------------------------------------------------------
# Each returns a short label of what the server did, for the "answers" column.


def _stream_request(sock: socket.socket, token_ms: int, limit: int) -> None:
    """Send a streaming chat request whose events are ``token_ms`` apart."""
    payload = body("Tell me a long story.", stream=True, max_completion_tokens=limit)
    head = (f"POST {CHAT} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/json\r\n"
            f"x-offline-token-latency-ms: {token_ms}\r\nConnection: close\r\nContent-Length: {len(payload)}\r\n\r\n").encode()
    sock.sendall(head + payload)


def vanish_mid_stream(target: Target) -> str:
    with target.socket() as sock:
        _stream_request(sock, token_ms=5, limit=200)
        first = sock.recv(4096)
    return "stream started" if first.startswith(b"HTTP/1.1 200") else first[:12].decode(errors="replace")


def slow_reader(target: Target) -> str:
    with target.socket() as sock:
        _stream_request(sock, token_ms=2, limit=100)
        received = b""
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            data = sock.recv(64)
            if not data:
                break
            received += data
            time.sleep(0.02)
    return "read it all" if b"[DONE]" in received else "read 64 B per 20 ms for 1.5 s, then left"


def post(target: Target, payload: bytes, extra: dict[str, str] | None = None) -> str:
    """POST ``payload`` on a fresh connection; the status, or the error if the server hung up."""
    conn = target.connection()
    try:
        conn.request("POST", CHAT, body=payload, headers={**HEADERS, **(extra or {})})
        response = conn.getresponse()
        response.read()
        return str(response.status)
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__  # e.g. the server closed before a huge body was sent
    finally:
        conn.close()


def oversized_body(small: Target) -> Callable[[Target], str]:
    return lambda _: post(small, b"x" * 200_000)


def raw_bytes(make: Callable[[], bytes]) -> Callable[[Target], str]:
    def run(target: Target) -> str:
        with target.socket(timeout=2) as sock:
            try:
                sock.sendall(make())
                sock.shutdown(socket.SHUT_WR)
                answer = sock.recv(2048)
            except OSError as error:
                return type(error).__name__
        if answer.startswith(b"HTTP/1."):
            return answer.split(b" ")[1].decode()
        # The standard library answers a request line it cannot read with a bare error page.
        found = re.search(rb"Error code: (\d{3})", answer)
        return f"{found[1].decode()} (bare error page)" if found else ("closed" if not answer else "other answer")
    return run


_rng = random.Random(7)
garbage = raw_bytes(lambda: bytes(_rng.randrange(256) for _ in range(512)))
half_request_line = raw_bytes(lambda: b"POST /v1/chat/compl")
oversized_header = raw_bytes(lambda: b"GET /v1/models HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n")


def non_json(target: Target) -> str:
    return post(target, b"model=gpt&messages=hi")


def injected(kind: str) -> Callable[[Target], str]:
    return lambda target: post(target, body("hi"), {"x-offline-fault": kind})


def run_fault(target: Target, name: str, fault: Callable[[Target], str], seconds: float, workers: int) -> dict[str, object]:
    """Run ``fault`` from ``workers`` threads for ``seconds`` while a probe sends normal requests."""
    outcomes: Counter[str] = Counter()
    probe: list[float] = []
    probe_errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def abuse() -> None:
        while time.monotonic() < stop:
            try:
                label = fault(target)
            except (OSError, http.client.HTTPException) as error:
                label = type(error).__name__
            with lock:
                outcomes[label] += 1

    def measure() -> None:
        nonlocal probe_errors
        conn = target.connection()
        while time.monotonic() < stop:
            try:
                status, took = target.normal(conn)
            except (OSError, http.client.HTTPException):
                status, took = 0, 0.0
                conn.close()
                conn = target.connection()
            if status == 200:
                probe.append(took)
            else:
                probe_errors += 1
            time.sleep(0.005)
        conn.close()

    threads = [threading.Thread(target=abuse) for _ in range(workers)] + [threading.Thread(target=measure)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after, _ = target.normal()
    return {"name": name, "count": sum(outcomes.values()), "outcomes": outcomes, "p50": pct(probe, 0.5),
            "p99": pct(probe, 0.99), "probe_ok": len(probe), "probe_errors": probe_errors, "after": after}


def settle(limit: int, seconds: float = 5.0) -> int:
    deadline = time.monotonic() + seconds
    while threading.active_count() > limit and time.monotonic() < deadline:
        time.sleep(0.05)
    return threading.active_count()


def alone(target: Target, seconds: float) -> list[float]:
    times: list[float] = []
    conn = target.connection()
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        status, took = target.normal(conn)
        if status == 200:
            times.append(took)
        time.sleep(0.005)
    conn.close()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 15 s instead of about 60 s")
    args = parser.parse_args(argv)
    quick = args.quick
    clients, load_seconds = (40, 3.0) if quick else (100, 8.0)
    fault_seconds, workers = (0.7, 4) if quick else (2.5, 8)

    started = time.perf_counter()
    with Simulator() as sim, Simulator(max_body=64 * 1024) as small_sim:
        target, small = Target(sim), Target(small_sim)
        target.normal()  # load the tokenizer once, outside every measurement
        baseline_threads = threading.active_count()
        quiet = alone(target, 1.0 if quick else 3.0)

        load = concurrent_clients(target, clients, load_seconds)
        threads_after_load = settle(baseline_threads)

        kinds: list[tuple[str, Callable[[Target], str]]] = [
            ("client vanishes mid-stream", vanish_mid_stream),
            ("slow reader", slow_reader),
            ("body over max_body (413)", oversized_body(small)),
            ("random bytes", garbage),
            ("half request line", half_request_line),
            ("oversized header", oversized_header),
            ("non-JSON body", non_json),
            *[(f"x-offline-fault: {k}", injected(k)) for k in
              ("rate_limit", "quota", "server_error", "overloaded", "disconnect", "slow; seconds=0.2")],
        ]
        results = [run_fault(target, name, fault, fault_seconds, workers) for name, fault in kinds]
        threads_after_faults = settle(baseline_threads)
        final, _ = target.normal()
    elapsed = time.perf_counter() - started

    print(f"# Offline simulator under load and faults ({'quick' if quick else 'full'} run)\n")
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}; loopback only; {elapsed:.1f} s in all.\n")
    print("| phase | requests | errors | req/s | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| normal requests alone (1 client) | {len(quiet)} | 0 | | {pct(quiet, .5):.1f} | {pct(quiet, .99):.1f} |")
    errors = sum(n for k, n in load["statuses"].items() if not k.endswith(" 200"))
    print(f"| {clients} concurrent clients, half streaming, {load_seconds:g} s | {load['served']} | {errors} | "
          f"{load['rps']:.0f} | {load['p50']:.1f} | {load['p99']:.1f} |")
    print(f"\nStatuses under load: {dict(sorted(load['statuses'].items()))}\n")
    print(f"| fault ({workers} abusers, {fault_seconds:g} s each) | faults sent | what the server did | "
          "probe ok / failed | probe p50 ms | probe p99 ms | next normal request |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for r in results:
        did = ", ".join(f"{k} ×{n}" for k, n in r["outcomes"].most_common(3))
        print(f"| {r['name']} | {r['count']} | {did} | {r['probe_ok']} / {r['probe_errors']} | "
              f"{r['p50']:.1f} | {r['p99']:.1f} | {r['after']} |")
    print(f"\nThreads: {baseline_threads} before, {threads_after_load} after the load, "
          f"{threads_after_faults} after the faults (after clients closed and up to 5 s settle). "
          f"Final normal request: {final}.")
    survived = all(r["after"] == 200 for r in results) and final == 200
    print("Every fault kind survived." if survived else "A normal request FAILED after a fault.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
