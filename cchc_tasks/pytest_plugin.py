"""pytest fixtures for plugin authors, loaded automatically where cchc_tasks is installed
(entry point ``pytest11``). See also :mod:`cchc_tasks.testing` for factories and
hypothesis strategies.

``cchc_tracker``
    an empty memory tracker; pass your plugins with ``cchc_plugins``.
``cchc_plugins``
    override this fixture in your ``conftest.py`` to return the plugin objects or
    modules under test (default: none).
``cchc_demo``
    a memory tracker filled with the Tân Hồng example (2021–2026) and your plugins.

Installed ``cchc_tasks`` entry points are not loaded in these fixtures, so a test sees
exactly the plugins it names.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from .examples import tan_hong
from .tracker import Tracker


@pytest.fixture
def cchc_plugins() -> Sequence[object]:
    """The plugins under test; override in your conftest.py."""
    return ()


@pytest.fixture
def cchc_tracker(cchc_plugins: Sequence[object]) -> Tracker:
    """An empty memory tracker with ``cchc_plugins`` registered."""
    return Tracker.memory(plugins=cchc_plugins, load_entrypoints=False)


@pytest.fixture
def cchc_demo(cchc_plugins: Sequence[object]) -> Tracker:
    """The Tân Hồng example in a memory tracker with ``cchc_plugins`` registered."""
    tracker = Tracker.memory(plugins=cchc_plugins, load_entrypoints=False)
    tan_hong(tracker)
    return tracker
