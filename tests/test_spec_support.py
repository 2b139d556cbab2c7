"""The spec-driven tests fail, naming the path, when the OpenAPI description is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

import spec_support
from tools import openapi_spec


@pytest.fixture
def nowhere(monkeypatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(openapi_spec, "ROOT", tmp_path / "repo")
    monkeypatch.delenv(openapi_spec.ENV, raising=False)
    monkeypatch.delenv(openapi_spec.ALLOW_MISSING_ENV, raising=False)
    return tmp_path


def test_missing_description_fails_with_its_path(nowhere):
    with pytest.raises(pytest.fail.Exception, match=str(nowhere / "shared" / "openai-openapi" / "openapi.json")):
        spec_support.require_spec()


def test_missing_description_skips_when_allowed(nowhere, monkeypatch):
    monkeypatch.setenv(openapi_spec.ALLOW_MISSING_ENV, "1")
    with pytest.raises(pytest.skip.Exception):
        spec_support.require_spec()


def test_named_description_wins(nowhere, monkeypatch):
    named = nowhere / "elsewhere.json"
    named.write_text("{}", encoding="utf-8")
    monkeypatch.setenv(openapi_spec.ENV, str(named))
    assert spec_support.require_spec() == named
