"""The teacher's relay: one API key shared with a room, safely (issue 17 part 1).

Students point their kit at the relay (``OPENAI_BASE_URL`` and the key from the class
list); the relay forwards their requests with the teacher's key, which never leaves it.
It enforces the teacher's limits (requests per minute, tokens and dollars per student, dollars
in total), sends identical requests upstream once and fans the answer out, keeps answers
(and records them with ``--record``, in the format ``KIT_REPLAY`` replays), and shows the
teacher who used what. Modules: ``classlist`` (who is who), ``ledger`` (limits and counters),
``upstream`` (the real API and its key), ``flights`` (single-flight and kept answers),
``server`` (HTTP), ``status`` (the terminal table), ``__main__`` (the command).
"""

from __future__ import annotations

from .classlist import ClassList, ClassListError
from .ledger import Limits
from .server import Relay
from .upstream import RelayConfigError, Upstream, resolve

__all__ = ["ClassList", "ClassListError", "Limits", "Relay", "RelayConfigError", "Upstream", "resolve"]
