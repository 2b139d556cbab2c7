"""The kit's offline simulator of the OpenAI API.

It runs in-process for a notebook or the test suite (:func:`start_simulator`) and
standalone for a classroom (``python -m helpers.offline --port 8000``). See
``helpers/offline/faults.py`` for injected faults and ``server.py`` for latency.
"""

from .faults import HEADER as FAULT_HEADER
from .profiles import HEADER as PROFILE_HEADER
from .profiles import PROFILES
from .server import INVALID_KEY, LATENCY_HEADER, TOKEN_LATENCY_HEADER, Simulator

__all__ = ["FAULT_HEADER", "INVALID_KEY", "LATENCY_HEADER", "PROFILES", "PROFILE_HEADER", "TOKEN_LATENCY_HEADER", "Simulator", "start_simulator"]


def start_simulator(**settings: object) -> Simulator:
    """Start a simulator on loopback on a free port, in a daemon thread."""
    return Simulator(**settings).start()  # type: ignore[arg-type]
