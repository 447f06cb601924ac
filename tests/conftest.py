"""Shared test configuration.

Hypothesis runs derandomized (the same examples every run) so the suite is
deterministic; set HYPOTHESIS_PROFILE=explore locally to search more widely.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

import cchc_tasks as ct

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The example plugins in plugins/ are installed into the test environment (make test).
# Installed is not enabled: they take part only in a store whose configuration names
# them (tests/test_example_plugins.py enables them through Tracker.configure), so the
# tests of the library itself run without them and nothing needs disabling. The variable
# is cleared so that a developer's own setting cannot change what the tests see.


@pytest.fixture(autouse=True)
def _plugins_as_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CCHC_TASKS_DISABLE_PLUGINS", raising=False)


@pytest.fixture(scope="module")
def demo() -> ct.Tracker:
    """The Tân Hồng example store (``cchc_tasks.examples.tan_hong``) in memory, built once
    per test module: tests that read it share it, and none may write to it."""
    tr = ct.Tracker.memory(load_entrypoints=False)
    ct.examples.tan_hong(tr)
    return tr


@pytest.fixture
def memory_tracker() -> ct.Tracker:
    """An empty memory tracker with the built-in rules only."""
    return ct.Tracker.memory(load_entrypoints=False)
