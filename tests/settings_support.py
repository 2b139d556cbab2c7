"""The shared ``clean`` fixture of the settings tests (config, client, providers, doctor...).

Holds no tests. A test module uses it by importing it (``from tests.settings_support import clean``;
it is autouse) and naming what it clears:

- ``VARIABLES``: the variables unset for each test;
- ``RECORDED`` (optional): variables left as they are but restored afterwards, whatever a test writes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import client as client_module
from helpers import config


@pytest.fixture(autouse=True)
def clean(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty folder as cwd, the module's ``VARIABLES`` unset, no settings cached; all undone afterwards."""
    monkeypatch.chdir(tmp_path)
    for name in getattr(request.module, "RECORDED", ()):
        monkeypatch.setenv(name, os.environ.get(name, ""))  # records the original state for restoring
    for name in request.module.VARIABLES:
        # setenv first so monkeypatch records the original state (even "absent") and restores
        # it, whatever load_dotenv() or get_client() write into os.environ later.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setattr(client_module, "_SETTINGS", None)
    assert config.find_env_file() is None, "a stray .env above the temporary folder would skew these tests"
    return tmp_path
