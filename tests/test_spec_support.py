"""The spec-driven tests skip in a user's clone and fail on CI when the OpenAPI description is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

import spec_support
from tools import openapi_spec


@pytest.fixture
def nowhere(monkeypatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(openapi_spec, "ROOT", tmp_path / "repo")
    monkeypatch.delenv(openapi_spec.ENV, raising=False)
    monkeypatch.delenv(openapi_spec.REQUIRE_ENV, raising=False)
    return tmp_path


def test_missing_description_skips_with_its_path(nowhere):
    expected = str(nowhere / "shared" / "openai-openapi" / "openapi.json")
    with pytest.raises(pytest.skip.Exception, match="needs the official OpenAI OpenAPI description") as caught:
        spec_support.require_spec()
    assert expected in str(caught.value) and openapi_spec.ENV in str(caught.value)


def test_missing_description_fails_when_required(nowhere, monkeypatch):
    monkeypatch.setenv(openapi_spec.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="KIT_REQUIRE_SPEC=1 requires it"):
        spec_support.require_spec()


def test_named_description_wins(nowhere, monkeypatch):
    named = nowhere / "elsewhere.json"
    named.write_text("{}", encoding="utf-8")
    monkeypatch.setenv(openapi_spec.ENV, str(named))
    monkeypatch.setenv(openapi_spec.REQUIRE_ENV, "1")
    assert spec_support.require_spec() == named
