"""The one error type of the kit's tasks (``tasks.py`` and the set-up steps in ``tools/``).

Standard library only: ``tasks.py`` imports it before anything is installed.
"""

from __future__ import annotations


class TaskError(Exception):
    """A step failed; the message says what to do. ``code`` is the exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code
