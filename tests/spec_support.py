"""The one rule for tests that read the official OpenAPI description.

When it is missing they FAIL with a message naming the path, unless ``KIT_ALLOW_NO_SPEC=1``
(then they skip): a missing reference must never pass silently.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import openapi_spec


def require_spec() -> Path:
    """The description's path; fails (or skips, with ``KIT_ALLOW_NO_SPEC=1``) when it is absent."""
    path = openapi_spec.locate()
    if path is not None:
        return path
    if openapi_spec.missing_allowed():
        pytest.skip(openapi_spec.missing_message())
    pytest.fail(openapi_spec.missing_message())
