"""``python -m helpers.offline``: run the simulator standalone (for example for a room)."""

from __future__ import annotations

import argparse
import os
import socket  # noqa: F401 - tests reach socket.gethostbyname through this module
import sys

from .data.profiles import ENV as PROFILE_ENV
from .data.profiles import PROFILES, UnknownProfile
from .wire.net import student_url
from .wire.server import INVALID_KEY, Simulator, is_loopback


def _env_float(name: str) -> float:
    try:
        return float(os.environ.get(name, "0") or 0)
    except ValueError:
        sys.exit(f"{name} must be a number of milliseconds. / {name} 必须是毫秒数。")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.offline", description="Offline OpenAI API simulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, default=8000, help="port (0 picks a free one; default 8000)")
    parser.add_argument("--latency-ms", type=float, default=_env_float("KIT_OFFLINE_LATENCY_MS"), help="delay per request")
    parser.add_argument("--token-latency-ms", type=float, default=_env_float("KIT_OFFLINE_TOKEN_LATENCY_MS"), help="delay per output token")
    parser.add_argument("--model", action="append", default=[], help="serve an extra model name (repeatable)")
    parser.add_argument("--profile", default=os.environ.get(PROFILE_ENV) or None,
                        help=f"impersonate a provider with fewer features: {', '.join(PROFILES)} (default: openai, "
                             f"or ${PROFILE_ENV}); a request's x-offline-profile header wins")
    parser.add_argument("--verbose", action="store_true", help="log each request (never keys)")
    args = parser.parse_args(argv)
    if not is_loopback(args.host):
        print(f"WARNING: listening on {args.host}: other machines on the network can reach this simulator. "
              f"/ 警告：监听 {args.host}，网络中的其他机器都能访问。", file=sys.stderr)
    try:
        sim = Simulator(args.host, args.port, latency_ms=args.latency_ms, token_latency_ms=args.token_latency_ms,
                        extra_models=tuple(args.model), verbose=args.verbose, profile=args.profile)
    except UnknownProfile as exc:
        print(exc, file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port}: {exc.strerror}. Try another --port. "
              f"/ 无法监听 {args.host}:{args.port}，请换一个 --port。", file=sys.stderr)
        return 1
    print(f"Offline simulator at {sim.base_url}", flush=True)
    if sim.profile != "openai":
        print(f"  Impersonating profile {sim.profile!r} (requests may pick another with x-offline-profile).", flush=True)
    print(f"  Students set KIT_SIMULATOR_URL={student_url(sim)} in .env (any key works except {INVALID_KEY}). "
          "Ctrl+C stops it.", flush=True)
    print(f"  学生在 .env 里写 KIT_SIMULATOR_URL={student_url(sim)}；按 Ctrl+C 停止。", flush=True)
    try:
        sim.serve_forever()
    except KeyboardInterrupt:
        print("stopped / 已停止")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
