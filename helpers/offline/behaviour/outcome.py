"""What a generated reply is (an :class:`Outcome`) and the format it was asked in (:class:`Format`).

A module of its own, with no imports from the simulator, so every layer can name these types.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Format:
    """The requested output format: ``text``, ``json_object`` or ``json_schema``."""

    kind: str = "text"
    schema: dict | None = None
    name: str | None = None


@dataclass
class Outcome:
    """One generated choice."""

    text: str | None
    refusal: str | None
    finish: str  # "stop" or "length"
    #: Where the offline marker is: ``text`` (visible in the reply, for free text) or ``header``
    #: (moved out of a reply whose format the request constrains: JSON, a label, a case...).
    marker: str = "text"
