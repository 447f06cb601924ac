"""The collector is deferred over bounded bulk work and always given back as it was."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from cchc_tasks._collector import collector_deferred


@pytest.fixture
def collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_enabled")
def test_the_collector_is_deferred_inside_and_enabled_after() -> None:
    with collector_deferred():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_enabled")
def test_an_error_inside_gives_the_collector_back() -> None:
    with pytest.raises(ValueError, match="bulk work failed"), collector_deferred():
        raise ValueError("bulk work failed")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_enabled")
def test_a_collector_disabled_already_is_left_disabled() -> None:
    gc.disable()
    with collector_deferred():
        assert not gc.isenabled()
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_enabled")
def test_nested_sections_enable_it_once_at_the_outermost_end() -> None:
    with collector_deferred():
        with collector_deferred():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
