"""The doctor's verdicts: one :class:`Result` per check, gathered in a :class:`Report`.

Every text in a result is a :class:`~helpers.messages.Message`; the report renders it for
the reader (the edition's language in a notebook, the locale's language first and then the
other in a terminal) or in the one language asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..messages import EN, ZH, Message, message, reader_languages

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
MARKS = {OK: "✓", WARN: "!", FAIL: "✗", SKIP: "-"}
_RANK = {SKIP: 0, OK: 1, WARN: 2, FAIL: 3}
#: A result without a fix, or without a summary yet.
EMPTY = Message("", "")

FIX = message("Fix: {fix}", "修复：{fix}")
TITLE = message("Kit doctor", "环境诊断")
TITLE_MODE = message("Kit doctor · mode: {mode}", "环境诊断 · 模式：{mode}")
TOTALS = message("{fails} problem(s), {warns} warning(s)", "{fails} 个问题，{warns} 个警告")
ALL_FINE = message("Everything looks fine", "一切正常")




verbatim = Message.same  # a text that reads the same in both languages (a version, a path, a name)


def join(parts: list[Message], en_sep: str = "; ", zh_sep: str = "；") -> Message:
    """Several messages as one, each language with its own separator."""
    return Message(en_sep.join(p.en for p in parts), zh_sep.join(p.zh for p in parts))


def transform(msg: Message, change: Callable[[str], str]) -> Message:
    """``msg`` with ``change`` applied to both texts (redaction, for one)."""
    return Message(change(msg.en), change(msg.zh))


def _order(lang: str | None) -> tuple[str, ...]:
    return reader_languages() if lang is None else (lang,)


def render(msg: Message, order: tuple[str, ...]) -> str:
    """``msg`` for a reader; a text the same in both languages (``Python 3.11.7``) is shown once."""
    return msg.render(order[:1] if msg.en == msg.zh else order)


@dataclass
class Result:
    """One check's verdict: a summary, what to do about it, and extra lines (a checklist)."""

    id: str
    status: str
    summary: Message
    fix: Message = EMPTY
    details: list[Message] = field(default_factory=list)

    def lines(self, lang: str | None = None) -> list[str]:
        """The report lines for this result, in one language or for the current reader (``None``)."""
        order = _order(lang)
        out = [f"{MARKS[self.status]} {render(self.summary, order)}"]
        if self.fix.en and self.status in (WARN, FAIL):
            out.append("    " + render(FIX.format(fix=self.fix), order))
        out += [f"    {render(line, order)}" for line in self.details]
        return out

    def redacted(self, change: Callable[[str], str]) -> "Result":
        """This result with ``change`` applied to every text."""
        return Result(self.id, self.status, transform(self.summary, change), transform(self.fix, change),
                      [transform(line, change) for line in self.details])


@dataclass
class Report:
    """Every result of one run. ``ok`` is True when nothing failed (warnings are allowed)."""

    results: list[Result]
    lang: str | None = None
    title: Message = TITLE

    @property
    def ok(self) -> bool:
        return not any(r.status == FAIL for r in self.results)

    def __getitem__(self, check_id: str) -> Result:
        for result in self.results:
            if result.id == check_id:
                return result
        raise KeyError(check_id)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    def __str__(self) -> str:
        order = _order(self.lang)
        lines = [render(self.title, order)]
        for result in self.results:
            lines += result.lines(self.lang)
        fails, warns = self.count(FAIL), self.count(WARN)
        totals = TOTALS.format(fails=fails, warns=warns) if fails or warns else ALL_FINE
        lines.append(render(totals, order))
        return "\n".join(lines)

    __repr__ = __str__


class Issues:
    """Problems one check found; merged into one Result (the worst status wins)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Message, Message]] = []

    def add(self, status: str, problem: Message, fix: Message = EMPTY) -> None:
        self.items.append((status, problem, fix))

    def result(self, check_id: str, ok: Message) -> Result:
        if not self.items:
            return Result(check_id, OK, ok)
        status = max((item[0] for item in self.items), key=_RANK.__getitem__)
        problems = [Message(p.en.rstrip(". "), p.zh.rstrip("。 ")) for _, p, _ in self.items]
        fixes = [f for _, _, f in self.items if f.en]
        return Result(check_id, status, join(problems), join(fixes))
