"""Where the official OpenAPI description is, for the tests and ``make fuzz`` that read it.

The description lives outside the repository (``shared/openai-openapi/openapi.json`` in a
folder above the clone) or wherever ``OPENAI_OPENAPI_JSON`` points. It is reference data:
read, never copied into the project.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = "OPENAI_OPENAPI_JSON"
#: Set to 1 (CI does, in ``.ci/run``) to make the spec-driven tests fail instead of skip when the
#: description is absent: a user's clone has no ``shared/`` folder, the project's machines must.
REQUIRE_ENV = "KIT_REQUIRE_SPEC"
RELATIVE = Path("shared") / "openai-openapi" / "openapi.json"


def candidates() -> list[Path]:
    """Every place looked at, in order: ``OPENAI_OPENAPI_JSON``, then each folder up from the repository."""
    named = os.environ.get(ENV, "").strip()
    found = [Path(named).expanduser()] if named else []
    return found + [folder / RELATIVE for folder in (ROOT, *ROOT.parents)]


def locate() -> Path | None:
    """The description's path, or None when it is nowhere to be found."""
    return next((path for path in candidates() if path.is_file()), None)


def missing_message() -> str:
    """What to tell a developer when the description is absent (names where it was looked for)."""
    named = os.environ.get(ENV, "").strip()
    where = f"{ENV}={named} (no such file)" if named else f"{ROOT.parent / RELATIVE} or any folder above the repository"
    return (
        f"needs the official OpenAI OpenAPI description (openapi.json, from github.com/openai/openai-openapi): "
        f"looked for {where}; put it there or point {ENV} at it."
    )


def required() -> bool:
    """True when ``KIT_REQUIRE_SPEC=1`` turns a missing description into a failure (CI)."""
    return os.environ.get(REQUIRE_ENV, "").strip() == "1"
