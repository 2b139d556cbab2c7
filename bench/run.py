"""Benchmark of the offline simulator: throughput, latency and start-up cost.

Run with ``make bench`` (or ``python bench/run.py [--quick] [--requests N]``). Prints a
Markdown report and writes it to ``bench/results/latest.md`` (git-ignored).

1. Requests/s and p50/p99 latency of chat completions (plain and streaming) at 1, 10
   and 50 concurrent clients, for the simulator and for a "floor": a bare stdlib HTTP
   server that answers fixed bytes, and for LLMock 0.2.2 (a peer mock, if installed:
   ``bench/requirements-peers.txt``), measured with the same client code.
2. What ``helpers.get_client()`` costs offline on top of ``import openai`` (fresh
   subprocesses), and the time of the first chat completion through that client.

Everything runs on loopback (127.0.0.1, ephemeral ports). Every loop is bounded in
count and in time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/run.py` puts bench/, not the repo root, on sys.path

import openai  # noqa: E402

from helpers.models import DEFAULT_MODEL  # noqa: E402
from helpers.offline import Simulator  # noqa: E402

import peers  # noqa: E402  (bench/peers.py, beside this file)

CONCURRENCY = (1, 10, 50)
MESSAGES = [{"role": "user", "content": "Say hello in one short sentence."}]
SUBPROCESS_TIMEOUT = 120  # seconds, per child process
# Variables that would point get_client() somewhere else than its own in-process simulator.
ENV_TO_REMOVE = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "KIT_SIMULATOR_URL", "OPENAI_API_BASE",
    "KIT_OFFLINE_LATENCY_MS", "KIT_OFFLINE_TOKEN_LATENCY_MS",
)


# --- the floor: a bare stdlib server answering fixed bytes ------------------------------

def _floor_bodies() -> tuple[bytes, bytes]:
    """A minimal valid chat.completion and a four-event SSE stream ending with [DONE]."""
    base = {"id": "chatcmpl-floor", "created": 1767225600, "model": DEFAULT_MODEL}
    usage = {"prompt_tokens": 14, "completion_tokens": 2, "total_tokens": 16}
    completion = {
        **base, "object": "chat.completion", "usage": usage,
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hello there."}}],
    }
    chunk = {**base, "object": "chat.completion.chunk"}
    events = [
        {**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hello"}, "finish_reason": None}]},
        {**chunk, "choices": [{"index": 0, "delta": {"content": " there."}, "finish_reason": None}]},
        {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        {**chunk, "choices": [], "usage": usage},
    ]
    sse = "".join(f"data: {json.dumps(event)}\n\n" for event in events) + "data: [DONE]\n\n"
    return json.dumps(completion).encode(), sse.encode()


class _FloorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the simulator
    # Without TCP_NODELAY the body (second write) waits for the client's delayed ACK of the
    # headers: about 40 ms per plain (non-streaming) answer on Linux. A floor must not pay it.
    disable_nagle_algorithm = True
    JSON_BODY, SSE_BODY = _floor_bodies()

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        stream = bool(json.loads(raw or b"{}").get("stream"))  # the simulator parses the body too
        body = self.SSE_BODY if stream else self.JSON_BODY
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream" if stream else "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # silent, like the simulator


class _FloorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default listen backlog (5) drops connections at 50 clients


class FloorServer:
    """The same start/stop/base_url surface as Simulator, so the benchmark treats both alike."""

    def __init__(self) -> None:
        self._server = _FloorHTTPServer(("127.0.0.1", 0), _FloorHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="bench-floor", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "FloorServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def progress(message: str) -> None:
    """Progress goes to stderr; the report alone goes to stdout."""
    print(message, file=sys.stderr, flush=True)


# --- the load loop (shared by both servers and both modes) ----------------------------

def _one_request(client: openai.OpenAI, stream: bool) -> None:
    if not stream:
        client.chat.completions.create(model=DEFAULT_MODEL, messages=MESSAGES)
        return
    with client.chat.completions.create(
        model=DEFAULT_MODEL, messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    ) as chunks:
        for _ in chunks:  # the latency is the time to the last chunk
            pass


def run_load(base_url: str, stream: bool, clients: int, per_client: int, seconds: float) -> dict:
    """``clients`` threads, each with its own SDK client, send up to ``per_client`` requests
    until ``seconds`` have passed. Returns the latencies (s), the elapsed time and the errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    clock = [0.0, 0.0]  # start time and deadline, set once every client is connected and warmed up

    def start_clock() -> None:
        clock[0] = time.perf_counter()
        clock[1] = clock[0] + seconds

    start_line = threading.Barrier(clients + 1, action=start_clock, timeout=60)

    def client_thread() -> None:
        client = openai.OpenAI(base_url=base_url, api_key="sk-bench", max_retries=0, timeout=30)
        mine: list[float] = []
        try:
            _one_request(client, stream)  # warm-up: opens the keep-alive connection
            start_line.wait()
            for _ in range(per_client):
                if time.perf_counter() >= clock[1]:
                    break
                began = time.perf_counter()
                _one_request(client, stream)
                mine.append(time.perf_counter() - began)
        except Exception as exc:  # count it, stop this client, let the others finish
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
            start_line.abort()
        finally:
            client.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client_thread, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        start_line.wait()
    except threading.BrokenBarrierError:
        start_clock()  # a client failed before the start; the figures of this cell are void
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return {"latencies": latencies, "elapsed": time.perf_counter() - clock[0], "errors": errors}


def summarize(slices: list[dict]) -> dict:
    """Requests/s, p50/p99 latency (ms) and errors of one or more slices of load on one server."""
    ms = sorted(x * 1000 for part in slices for x in part["latencies"])
    elapsed = sum(part["elapsed"] for part in slices)

    def percentile(q: float) -> float:
        return ms[min(len(ms) - 1, int(q * len(ms)))] if ms else float("nan")

    return {"n": len(ms), "rps": len(ms) / elapsed if elapsed else 0.0, "p50": percentile(0.50), "p99": percentile(0.99),
            "errors": [e for part in slices for e in part["errors"]]}


def measure_cell(servers: dict, stream: bool, clients: int, per_client: int, seconds: float, rounds: int) -> dict:
    """Each server gets ``rounds`` slices of ``seconds / rounds``, taking turns (each round starts
    with the next server), so that a change of the machine's load between slices falls on all of
    them alike: the ratios stay fair on a shared machine."""
    names = list(servers)
    slices: dict[str, list[dict]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            slices[name].append(run_load(servers[name].base_url, stream, clients, per_client, seconds / rounds))
    return {name: summarize(parts) for name, parts in slices.items()}


#: The goals of issue 15 for plain chat completions at GOAL_CLIENTS clients: simulator/floor and simulator/LLMock.
GOAL_CLIENTS = 10
GOALS = (("floor", 0.5), ("llmock", 1.0))
LABELS = {"floor": "floor", "llmock": "LLMock"}


def _ratio(a: dict, b: dict | None) -> float:
    return a["rps"] / b["rps"] if b and b["rps"] else float("nan")


def _cell_text(cell: dict | None) -> str:
    return "| - | - | -" if cell is None else f"| {cell['rps']:.0f} | {cell['p50']:.1f} | {cell['p99']:.1f}"


def _times(ratio: float) -> str:
    return "-" if ratio != ratio else f"{ratio:.2f}"


def _verdict(name: str, goal: float, ratio: float, clients: int) -> str:
    label = LABELS[name]
    if ratio != ratio:  # NaN: that server was skipped or answered nothing
        return f"- SKIPPED: simulator/{label} (no {label} figures)"
    return f"- {'PASS' if ratio >= goal else 'FAIL'}: plain, {clients} clients, simulator/{label} {ratio:.2f}x (goal >= {goal}x)"


def throughput_table(per_client: int, seconds: float, rounds: int) -> tuple[list[str], list[str], int]:
    """The table, the notes and PASS/FAIL lines under it, and the number of failed requests."""
    servers: dict = {"simulator": Simulator().start(), "floor": FloorServer().start()}
    peer, note = peers.llmock()
    progress(note)
    if peer is not None:
        servers["llmock"] = peer
    lines = [
        "| mode | clients | simulator req/s | p50 ms | p99 ms | floor req/s | p50 ms | p99 ms "
        "| LLMock req/s | p50 ms | p99 ms | sim/floor | sim/LLMock |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    error_count = 0
    verdicts: list[str] = []
    try:
        for stream in (False, True):
            for clients in CONCURRENCY:
                cells = measure_cell(servers, stream, clients, per_client, seconds, rounds)
                sim = cells["simulator"]
                for name, cell in cells.items():
                    error_count += len(cell["errors"])
                    for error in cell["errors"][:3]:
                        progress(f"  error ({name}, {clients} clients): {error}")
                ratios = {name: _ratio(sim, cells.get(name)) for name, _ in GOALS}
                lines.append(
                    f"| {'stream' if stream else 'plain'} | {clients} {_cell_text(sim)} {_cell_text(cells['floor'])} "
                    f"{_cell_text(cells.get('llmock'))} | {_times(ratios['floor'])} | {_times(ratios['llmock'])} |"
                )
                progress(f"{lines[-1]}  ({' + '.join(str(cell['n']) for cell in cells.values())} requests)")
                if not stream and clients == GOAL_CLIENTS:
                    verdicts = [_verdict(name, goal, ratio, clients) for (name, goal), ratio in zip(GOALS, ratios.values())]
    finally:
        for server in servers.values():
            server.stop()
    return lines, ["", f"- {note}", *verdicts], error_count


# --- start-up cost, in fresh subprocesses -------------------------------------------

FIRST_CALL = f"""
import json, time, openai, helpers
client = helpers.get_client(quiet=True)
times = []
for _ in range(2):
    began = time.perf_counter()
    client.chat.completions.create(model={DEFAULT_MODEL!r}, messages={MESSAGES!r})
    times.append((time.perf_counter() - began) * 1000)
print(json.dumps(times))
"""


def _child(code: str, cwd: str, env: dict[str, str]) -> tuple[float, str]:
    """Wall time (ms) and stdout of ``python -c code``."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=SUBPROCESS_TIMEOUT, check=True)
    return (time.perf_counter() - began) * 1000, done.stdout


def startup_lines(runs: int) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_TO_REMOVE}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    plain = "import openai"
    # The same as `import openai, helpers; helpers.get_client(quiet=True)`, plus an in-process
    # timer around the kit's part (whole-process times are noisy on a busy machine).
    kit = ("import time, openai; began = time.perf_counter(); import helpers; helpers.get_client(quiet=True); "
           "print((time.perf_counter() - began) * 1000)")
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as cwd:  # no .env here
        _child(kit, cwd, env)  # warm the page cache and .pyc files once, not counted
        walls: dict[str, list[float]] = {plain: [], kit: []}
        inside: list[float] = []
        for _ in range(runs):  # interleaved, so drift affects both alike
            for code in walls:
                wall, out = _child(code, cwd, env)
                walls[code].append(wall)
                if code == kit:
                    inside.append(float(out))
        first, second = json.loads(_child(FIRST_CALL, cwd, env)[1])
    a, b = statistics.median(walls[plain]), statistics.median(walls[kit])
    return [
        f"| (a) `python -c \"import openai\"` | {a:.0f} ms |",
        f"| (b) `python -c \"import openai, helpers; helpers.get_client(quiet=True)\"` | {b:.0f} ms |",
        f"| (b) - (a): cost of `get_client()` offline, from whole-process times | {b - a:.0f} ms |",
        f"| (b') the same cost timed inside (b): `import helpers` + `get_client()` (simulator start) | {statistics.median(inside):.0f} ms |",
        f"| (c) first chat completion through that client (includes tokenizer load) | {first:.0f} ms |",
        f"| (c') second chat completion, for comparison | {second:.1f} ms |",
    ]


# --- report ---------------------------------------------------------------------------

def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke check: ~0.5 s per cell, 2 start-up runs")
    parser.add_argument("--requests", type=int, default=20_000, help="max requests per client per cell (default 20000)")
    parser.add_argument("--seconds", type=float, default=None, help="time limit per cell (default 3, or 0.5 with --quick)")
    parser.add_argument("--rounds", type=int, default=None, help="turns per cell: each server gets this many slices of the cell's time (default 3, or 1 with --quick)")
    parser.add_argument("--runs", type=int, default=None, help="fresh subprocesses per start-up figure (default 5, or 2 with --quick)")
    args = parser.parse_args()
    seconds = args.seconds if args.seconds is not None else (0.5 if args.quick else 3.0)
    runs = args.runs if args.runs is not None else (2 if args.quick else 5)
    per_client = max(1, args.requests)
    rounds = max(1, args.rounds if args.rounds is not None else (1 if args.quick else 3))

    wall = time.perf_counter()
    load = load_average()
    python = f"{platform.python_implementation()} {platform.python_version()}"
    gil = "GIL enabled" if getattr(sys, "_is_gil_enabled", lambda: True)() else "free-threaded"
    header = [
        "# Offline simulator benchmark",
        "",
        f"- Machine: {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}; {python} ({gil}); openai {openai.__version__}",
        f"- Each cell: up to {per_client} requests per client or {seconds:g} s per server, in {rounds} turns taken by the servers"
        f" in rotating order, each after one warm-up request per client;"
        f" model `{DEFAULT_MODEL}`, prompt {MESSAGES[0]['content']!r}.",
        "- Client and servers run in one process: they share the CPUs and the GIL, so these figures are a lower bound.",
        "- Floor: a bare stdlib `ThreadingHTTPServer` (HTTP/1.1 keep-alive) answering fixed bytes"
        " with TCP_NODELAY (stream: 4 events + `[DONE]` in one write; the simulator sends one event per token, which the SDK parses one by one).",
        "- Streaming latency is the time to the last chunk (`stream_options.include_usage`).",
        "",
    ]
    progress(f"Chat completions, {seconds:g} s per cell and server in {rounds} turns ...")
    table, verdicts, error_count = throughput_table(per_client, seconds, rounds)
    progress(f"Start-up cost, {runs} fresh subprocesses per figure ...")
    startup = ["| measure | time |", "|---|---:|", *startup_lines(runs)]
    total = time.perf_counter() - wall
    footer = ["", f"Errors: {error_count}. Total wall time: {total:.1f} s. Load average (1/5/15 min) at the start: {load}; at the end: {load_average()}."]
    report = "\n".join([
        *header, "## Chat completions: simulator vs floor and LLMock", "", *table, *verdicts, "",
        f"## Start-up cost of `get_client()` offline (median of {runs} fresh subprocesses)", "", *startup, *footer,
    ]) + "\n"
    print(report)
    out = ROOT / "bench" / "results" / "latest.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(f"Written to {out.relative_to(ROOT)}")
    return 1 if error_count else 0


if __name__ == "__main__":
    sys.exit(main())
