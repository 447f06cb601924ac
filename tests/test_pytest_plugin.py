"""The pytest fixtures that cchc_tasks gives plugin authors (entry point pytest11)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

import cchc_tasks as ct


class Strict:
    @ct.hookimpl
    def cchc_config(self) -> dict[str, object]:
        return {"bands": {"good": 99, "fair": 98, "average": 97}}


@pytest.fixture
def cchc_plugins() -> Sequence[object]:
    return [Strict()]


def test_cchc_tracker_is_empty_and_has_my_plugins(cchc_tracker: ct.Tracker) -> None:
    assert cchc_tracker.units() == []
    assert cchc_tracker.config(2024).bands.good == 99


def test_cchc_demo_is_the_tan_hong_example_with_my_plugins(cchc_demo: ct.Tracker) -> None:
    ev = cchc_demo.evaluate(2024)
    assert "huyen" in ev.units
    assert ev.config.bands.good == 99
    assert all(u.band is ct.Band.GOOD for u in ev.units.values() if (u.score or 0) >= 99)
