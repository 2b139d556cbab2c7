"""The teacher's terminal table: one line per student, refreshed every few seconds."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TextIO


def _left(value: object, money: bool = False) -> str:
    if value is None:
        return "-"
    return f"${value:.4f}" if money else str(value)


def render(view: dict) -> str:
    """The status (``Relay.status()``) as a fixed-width table; no key is in it to show."""
    rows = [("student", "requests", "shared", "tokens", "cost", "errors", "refused", "tokens left", "$ left")]
    for name, s in view["students"].items():
        cost = f"${s['cost_usd']:.4f}" + ("+?" if s["unpriced_answers"] else "")
        rows.append((name, str(s["requests"]), str(s["shared"]), str(s["tokens"]), cost, str(s["errors"]),
                     str(s["refused"]), _left(s["tokens_left"]), _left(s["usd_left"], money=True)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
             for row in rows]
    total, relay = view["total"], view["relay"]
    up = {True: "reachable", False: "UNREACHABLE / 连不上", None: "not asked yet"}[relay["upstream_reachable"]]
    lines.insert(1, "-" * len(lines[0]))
    lines.append(
        f"total: {total['requests']} requests, {total['upstream_requests']} upstream, ${total['cost_usd']:.4f} "
        f"(estimate, prices of {total['prices_checked']}), class budget left {_left(total['usd_left'], money=True)}; "
        f"{relay['kept_answers']} kept answers; upstream {relay['upstream']} {up}"
    )
    return "\n".join(lines)


class Table:
    """Prints :func:`render` every ``every`` seconds when something changed, in a daemon thread."""

    def __init__(self, view: Callable[[], dict], every: float = 5.0, out: TextIO | None = None) -> None:
        self.view, self.every, self.out = view, every, out or sys.stdout
        self._stop = threading.Event()
        self._last = ""

    def tick(self) -> None:
        text = render(self.view())
        if text != self._last:
            self._last = text
            print("\n" + text, file=self.out, flush=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.tick()

    def start(self) -> "Table":
        threading.Thread(target=self._run, name="relay-table", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
