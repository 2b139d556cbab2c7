"""``make doctor``: what is wrong with this set-up, and how to fix it.

Introduced in lesson 01, section 9 ("When you are stuck: `make doctor`"): instead of reading a traceback,
run ``make doctor`` (Windows: ``py tasks.py doctor``) or, in a notebook::

    from helpers import doctor
    doctor.run()            # the reader's language; doctor.run(lang="zh") or lang="en" for one

Each check is a small function that returns a :class:`Result` (ok / warn / fail / skip, a
message, and how to fix it), every text a :class:`~helpers.messages.Message` rendered in the
reader's language (in a terminal, the locale's language first, then the other). The report
shows a key only masked (``sk-proj-…abcd``), a ``.env`` only by its path, never its contents,
and a proxy URL without its user name and password. ``--offline`` skips every check that
needs the network.

The knowledge the checks apply lives elsewhere: key formats and mistakes in
:mod:`helpers.keys`, URL mistakes and proxies in :mod:`helpers.urls` (lesson 07 uses
``url_problems``, ``proxy_for`` and ``mask_url`` through this package), the settings in
:func:`helpers.config.resolve`. The package:

- ``report``: :class:`Result`, :class:`Report`; ``context``: what the checks look at;
- ``checks_python``, ``checks_env``, ``checks_key``, ``checks_network``, ``checks_endpoint``,
  ``checks_system``: the checks, by subject; ``guard``: :func:`no_network`;
- ``runner``: :func:`run`; ``cli``: :func:`main` (``python -m helpers.doctor``).

Why our own checks and not a library: the mistakes are this kit's (its variables, its
``.env`` search, its presets), and the generic "environment doctors" we know check
installations, not API keys pasted from a chat app.
"""

from __future__ import annotations

from ..keys import redact
from ..urls import mask_credentials as mask_url
from ..urls import proxy_for, url_problems
from .checks_endpoint import PROBE_FEATURES, check_model
from .checks_env import KNOWN_NAMES, intended_name
from .checks_python import parse_requirement, satisfies
from .cli import main
from .context import Context, gather
from .guard import NetworkBlocked, no_network
from .report import FAIL, OK, SKIP, WARN, Report, Result
from .runner import CHECKS, run

__all__ = [
    "CHECKS", "FAIL", "KNOWN_NAMES", "OK", "PROBE_FEATURES", "SKIP", "WARN", "Context", "NetworkBlocked", "Report",
    "Result", "check_model", "gather", "intended_name", "main", "mask_url", "no_network", "parse_requirement",
    "proxy_for", "redact", "run", "satisfies", "url_problems",
]
