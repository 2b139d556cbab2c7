"""The one rule for tests that read the official OpenAPI description.

When it is missing they SKIP with one line saying what they need and where it was looked for
(a user's clone has no ``shared/`` folder), unless ``KIT_REQUIRE_SPEC=1`` (CI sets it), which
makes them FAIL: on the project's machines a missing reference must never pass silently.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import openapi_spec


def require_spec() -> Path:
    """The description's path; skips (or fails, with ``KIT_REQUIRE_SPEC=1``) when it is absent."""
    path = openapi_spec.locate()
    if path is not None:
        return path
    if openapi_spec.required():
        pytest.fail(openapi_spec.missing_message() + f" ({openapi_spec.REQUIRE_ENV}=1 requires it)")
    pytest.skip(openapi_spec.missing_message())
