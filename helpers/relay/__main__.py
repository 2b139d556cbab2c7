"""``python -m helpers.relay``: share one API key with a room, with limits (see docs/teaching.md)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from ..costs import PRICES_CHECKED
from ..keys import mask_key
from ..offline.wire.net import is_loopback, student_url
from ..offline.replay.recording import RecordingError
from .classlist import ClassListError
from .classlist import load as load_class_list
from .ledger import Limits
from .server import STATUS_PATH, ListenError, Relay
from .status import Table
from .upstream import RelayConfigError, resolve

DEFAULT_PORT = 8001  # not the simulator's 8000: a teacher may run both


def _positive(kind: type):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number / 不是数字") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text} must be above 0 / 必须大于 0")
        return value
    return parse


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m helpers.relay",
                                description="The teacher's relay: students use your API key through it, never see it.")
    p.add_argument("--upstream", default="openai", help="openai (default), a preset of helpers/providers.toml, or a URL")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only; 0.0.0.0: the room)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--class-list", required=True, metavar="CSV",
                   help="CSV with username,api_key columns (docs/make_student_keys.py writes one)")
    p.add_argument("--rpm", type=_positive(int), help="requests per minute per student")
    p.add_argument("--student-tokens", type=_positive(int), help="tokens per student (input + output)")
    p.add_argument("--student-usd", type=_positive(float), help="estimated US dollars per student")
    p.add_argument("--total-usd", type=_positive(float), help="estimated US dollars for the whole class")
    p.add_argument("--record", metavar="recordings/NAME", help="also write every answer to this recording")
    p.add_argument("--refresh", type=_positive(float), default=5.0, help="seconds between status tables (default 5)")
    p.add_argument("--quiet", action="store_true", help="no status table in the terminal")
    p.add_argument("--verbose", action="store_true", help="log each request (student, path, status; never a key)")
    return p


def limits_line(limits: Limits) -> str:
    parts = [f"{limits.rpm} requests/min per student" if limits.rpm else "",
             f"{limits.student_tokens} tokens per student" if limits.student_tokens else "",
             f"${limits.student_usd:g} per student" if limits.student_usd else "",
             f"${limits.total_usd:g} for the class" if limits.total_usd else ""]
    text = ", ".join(part for part in parts if part) or "none (set --rpm, --student-tokens, --student-usd, --total-usd)"
    return f"Limits / 限额: {text}" + (f" (dollar estimates use the prices of {PRICES_CHECKED})" if limits.counts_dollars else "")


def student_lines(url: str) -> list[str]:
    """What students type: the relay's URL and their own class key (bash, then PowerShell)."""
    return [
        f"Students / 学生: base URL {url} with their own key from the class list (restart the kernel after):",
        f"  bash/zsh:    export OPENAI_BASE_URL={url} OPENAI_API_KEY=<your-class-key>",
        f"  PowerShell:  $env:OPENAI_BASE_URL = \"{url}\"; $env:OPENAI_API_KEY = \"<your-class-key>\"",
        f"  or in .env:  OPENAI_BASE_URL={url}  and  OPENAI_API_KEY=<your-class-key>",
    ]


def main(argv: list[str] | None = None, environ: dict | None = None) -> int:
    args = parser().parse_args(argv)
    environ = os.environ if environ is None else environ
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("httpx2").setLevel(logging.WARNING)  # its line per upstream request repeats ours
    limits = Limits(args.rpm, args.student_tokens, args.student_usd, args.total_usd)
    try:
        upstream = resolve(args.upstream, environ)
        class_list = load_class_list(args.class_list, forbidden=(upstream.key,))
        relay = Relay(upstream, class_list, limits, host=args.host, port=args.port, record=args.record)
    except (RelayConfigError, ClassListError, RecordingError) as exc:
        print(exc, file=sys.stderr)
        return 1 if isinstance(exc, ListenError) else 2
    if not is_loopback(args.host):
        print(f"WARNING: listening on {args.host}: every machine on this network can reach the relay (students need "
              f"their class key to use it). Stop it after class. / 警告：监听 {args.host}，同一网络中的所有机器都能访问"
              "中转服务（学生需要各自的密钥才能使用）。下课后请停止它。", file=sys.stderr)
    print(f"Relay at {relay.base_url} -> {upstream.label} ({upstream.host}), key {mask_key(upstream.key)}; "
          f"{len(class_list)} students from {args.class_list}.", flush=True)
    print(limits_line(limits), flush=True)
    for line in student_lines(student_url(relay)):
        print(line, flush=True)
    local = f"http://127.0.0.1:{relay.port}{STATUS_PATH}"
    print(f"Teacher / 老师: curl -H \"Authorization: Bearer {relay.teacher_token}\" {local}", flush=True)
    print("  (the teacher token shows the status only; it is not your API key / 教师口令只能查看状态，不是 API 密钥)")
    if args.record:
        print(f"Recording to {args.record}; replay it later with KIT_REPLAY={args.record} make lab", flush=True)
    print("Ctrl+C stops it. / 按 Ctrl+C 停止。", flush=True)
    table = None if args.quiet else Table(relay.status, args.refresh).start()
    try:
        relay.serve_forever()
    except KeyboardInterrupt:
        print("stopped / 已停止")
    finally:
        if table is not None:
            table.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
