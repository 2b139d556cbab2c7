"""Self-checks for the lessons' exercises: ✓ / ✗ per check, then one verdict line.

Lesson 01 writes its self-checks out in full (a dict of label -> passed, printed line by
line); from lesson 02 on, the self-check cells call :func:`show_checks` for the same thing.
A self-check never raises: an exception inside the grader counts as one failed check, so a
half-finished answer shows what is wrong instead of a traceback.

>>> show_checks(lambda answer: {"is 2": answer == 2}, 2)  # doctest: +SKIP
✓ is 2
All passed!
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from .messages import message

__all__ = ["ALL_PASSED", "NOT_YET", "TRY_AGAIN", "attempted", "not_done", "show_checks"]

T = TypeVar("T")

#: The verdict when every check passed (the exercise test looks for it).
ALL_PASSED = message("All passed!", "全部通过！")
TRY_AGAIN = message("Not all passed yet: try again.", "还有没通过的，再试试。")
#: What a self-check prints before the learner has answered.
NOT_YET = message("⏳ not done yet: {todo}", "⏳ 还没完成：{todo}")
GRADER_FAILED = message("error while checking: {error}", "检查时出错：{error}")
#: The longest error text shown as a failed check.
MAX_ERROR = 120


def not_done(todo: str) -> None:
    """Print the "not done yet" line with what to do (written in the lesson's language)."""
    print(NOT_YET.format(todo=todo))


def attempted(function: Callable[..., object], *args: object, **kwargs: object) -> bool:
    """Whether the learner has started on ``function``: it returns something other than None, or raises.

    A stub returns None; a half-finished answer may raise, and then the self-check should run and
    show the error as a failed check instead of stopping with a traceback.
    """
    try:
        return function(*args, **kwargs) is not None
    except Exception:  # noqa: BLE001 - an answer that raises has been started; show_checks reports the error
        return True


def show_checks(grader: Callable[[T], Mapping[str, bool]], answer: T) -> bool:
    """Run ``grader(answer)``, print ✓ / ✗ for each check and the verdict; return whether all passed."""
    try:
        checks = dict(grader(answer))
    except Exception as error:  # noqa: BLE001 - a self-check never raises: the error is a failed check
        text = f"{type(error).__name__}: {error}"
        checks = {str(GRADER_FAILED.format(error=text[:MAX_ERROR])): False}
    for label, ok in checks.items():
        print("✓" if ok else "✗", label)
    passed = bool(checks) and all(checks.values())
    print(ALL_PASSED if passed else TRY_AGAIN)
    return passed
