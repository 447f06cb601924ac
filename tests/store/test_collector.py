"""The collector is deferred over bounded bulk work, its full collections over a batch,
and it is always given back as it was."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import cchc_tasks as ct
from cchc_tasks._collector import collector_deferred, full_collections_deferred
from cchc_tasks.store.pending import BULK_STEPS, PendingChanges


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


# -- full collections deferred over a batch -------------------------------------------


def test_full_collections_wait_inside_and_the_threshold_comes_back() -> None:
    before = gc.get_threshold()
    with full_collections_deferred():
        young, middle, oldest = gc.get_threshold()
        assert (young, middle) == before[:2]  # the young generations as always
        assert oldest > 10**9  # the oldest: never reached
    assert gc.get_threshold() == before


def test_an_error_inside_a_deferral_gives_the_threshold_back() -> None:
    before = gc.get_threshold()
    with pytest.raises(ValueError, match="batch failed"), full_collections_deferred():
        raise ValueError("batch failed")
    assert gc.get_threshold() == before


def test_nested_and_overlapping_deferrals_put_the_threshold_back_once_all_end() -> None:
    before = gc.get_threshold()
    entered, leave = threading.Event(), threading.Event()

    def other_batch() -> None:
        with full_collections_deferred():
            entered.set()
            leave.wait(10)

    with full_collections_deferred():
        thread = threading.Thread(target=other_batch)
        thread.start()
        entered.wait(10)
        with full_collections_deferred():
            pass
        assert gc.get_threshold()[2] > 10**9
    assert gc.get_threshold()[2] > 10**9  # the other thread's batch is still open
    leave.set()
    thread.join(10)
    assert gc.get_threshold() == before


def test_a_batch_defers_full_collections_until_it_ends() -> None:
    before = gc.get_threshold()
    tracker = ct.Tracker.memory()
    with tracker.batch():
        assert gc.get_threshold()[2] > 10**9
    assert gc.get_threshold() == before
    with pytest.raises(ValueError, match="stop"), tracker.batch():
        raise ValueError("stop")
    assert gc.get_threshold() == before


@pytest.mark.usefixtures("collector_enabled")
def test_only_a_bulk_line_is_sealed_with_the_collector_deferred(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A line of a few changes is not worth deferring the collector for; one of more
    than BULK_STEPS is."""
    enabled: list[bool] = []
    net = PendingChanges.net

    def watched(self: PendingChanges) -> Any:
        enabled.append(gc.isenabled())
        return net(self)

    monkeypatch.setattr(PendingChanges, "net", watched)
    tracker = ct.Tracker.memory()
    tracker.add_unit(ct.Unit(id="tinh", name="UBND tỉnh", kind="province"))
    with tracker.batch():
        for n in range(BULK_STEPS + 1):
            tracker.add_unit(ct.Unit(id=f"xa-{n}", name=f"UBND xã {n}", kind="commune"))
    assert enabled == [True, False]
    assert gc.isenabled()
