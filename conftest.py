"""One offline simulator for the whole run, and no way out to the network.

This file sits at the root so it also applies when only notebooks are collected
(``pytest notebooks/zh/01_api_key_setup.ipynb``).

The simulator starts in ``pytest_configure`` because pytest fixtures never run for nbval
items (the notebooks). Every notebook kernel inherits this process's environment, so
unmodified ``OpenAI()`` calls in a lesson reach the simulator.
"""

from __future__ import annotations

import pytest

from helpers.offline import Simulator
from tools.offline_env import seal_environment

_SIMULATOR: Simulator | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _SIMULATOR
    _SIMULATOR = Simulator().start()
    seal_environment(_SIMULATOR)


_LAST_NOTEBOOK: list[str] = []


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Every test, and every notebook from its first cell, starts the simulator's sampling afresh.

    With sampling on (the default temperature), the n-th identical request gets the n-th
    wording; restarting the sequence keeps each test and each notebook independent of what ran
    before it, as if it had a simulator process of its own (its stored outputs were made so)."""
    if _SIMULATOR is None:
        return
    path = str(item.path)
    if path.endswith(".ipynb"):
        if _LAST_NOTEBOOK[-1:] == [path]:
            return
        _LAST_NOTEBOOK[:] = [path]
    _SIMULATOR.restart_sampling()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SIMULATOR is not None:
        _SIMULATOR.stop()


@pytest.fixture(scope="session")
def simulator() -> Simulator:
    """The run's shared simulator (for unit tests; notebooks use it through the environment)."""
    assert _SIMULATOR is not None
    return _SIMULATOR
