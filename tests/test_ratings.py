"""The two ordered scales an evaluation speaks in.

A head's :class:`ct.Rating` (Decree 90/2020, 335/2025) runs
``NOT_COMPLETED < COMPLETED < GOOD < EXCELLENT`` — in the official abbreviations
KHTNV < HTNV < HTTNV < HTXSNV. A unit's CCHC :class:`ct.Band` runs
Yếu < Trung bình < Khá < Tốt < Xuất sắc. Both order with ``<`` so that "the final rating
is the lowest of the base rating and every cap" is simply ``min(...)``.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable
from typing import Any

import pytest

import cchc_tasks as ct

R = ct.Rating
RATINGS_LOW_TO_HIGH = [R.NOT_COMPLETED, R.COMPLETED, R.GOOD, R.EXCELLENT]
BANDS_LOW_TO_HIGH = [ct.Band.WEAK, ct.Band.AVERAGE, ct.Band.FAIR, ct.Band.GOOD, ct.Band.EXCELLENT]


def test_ratings_order_from_not_completed_to_excellent() -> None:
    assert R.NOT_COMPLETED < R.COMPLETED < R.GOOD < R.EXCELLENT
    assert sorted([R.GOOD, R.NOT_COMPLETED, R.EXCELLENT, R.COMPLETED]) == RATINGS_LOW_TO_HIGH
    assert [r.level for r in RATINGS_LOW_TO_HIGH] == [0, 1, 2, 3]


def test_the_lowest_rating_wins() -> None:
    """The base rating capped by discipline: the final rating is the minimum."""
    assert min(R.EXCELLENT, R.COMPLETED, R.GOOD) is R.COMPLETED
    assert max(R.NOT_COMPLETED, R.GOOD) is R.GOOD


@pytest.mark.parametrize(
    ("rating", "code", "label"),
    [
        (R.EXCELLENT, "HTXSNV", "Hoàn thành xuất sắc nhiệm vụ"),
        (R.GOOD, "HTTNV", "Hoàn thành tốt nhiệm vụ"),
        (R.COMPLETED, "HTNV", "Hoàn thành nhiệm vụ"),
        (R.NOT_COMPLETED, "KHTNV", "Không hoàn thành nhiệm vụ"),
    ],
)
def test_rating_codes_and_labels(rating: ct.Rating, code: str, label: str) -> None:
    """``.code`` is the official abbreviation; ``str()`` shows it; ``from_code`` reads it."""
    assert rating.code == code
    assert str(rating) == code
    assert rating.label_vi == label
    assert R.from_code(code) is rating


def pairs(scale: list[Any]) -> list[tuple[Any, Any]]:
    return list(itertools.product(scale, repeat=2))


COMPARISONS: list[Callable[[Any, Any], bool]] = [
    operator.lt,
    operator.le,
    operator.gt,
    operator.ge,
    operator.eq,
    operator.ne,
]


@pytest.mark.parametrize("compare", COMPARISONS, ids=lambda op: op.__name__)
@pytest.mark.parametrize("scale", [RATINGS_LOW_TO_HIGH, BANDS_LOW_TO_HIGH], ids=["Rating", "Band"])
def test_every_comparison_follows_the_position_on_the_scale(
    scale: list[Any], compare: Callable[[Any, Any], bool]
) -> None:
    for a, b in pairs(scale):
        assert compare(a, b) == compare(scale.index(a), scale.index(b)), (a, b)


@pytest.mark.parametrize("other", [2, "HTNV", None, ct.Band.GOOD], ids=repr)
def test_a_rating_does_not_order_against_other_things(other: Any) -> None:
    """Comparing a rating with a number, a code or a band is a bug, so it fails loudly."""
    with pytest.raises(TypeError):
        operator.lt(R.GOOD, other)
    with pytest.raises(TypeError):
        operator.ge(R.GOOD, other)
    assert operator.ne(R.GOOD, other)


def test_an_unknown_code_is_rejected() -> None:
    with pytest.raises(ValueError, match="HTT"):
        R.from_code("HTT")


def test_bands_order_from_weak_to_excellent() -> None:
    B = ct.Band
    assert B.WEAK < B.AVERAGE < B.FAIR < B.GOOD < B.EXCELLENT
    assert sorted([B.FAIR, B.EXCELLENT, B.WEAK, B.GOOD, B.AVERAGE]) == BANDS_LOW_TO_HIGH
    assert min(BANDS_LOW_TO_HIGH) is B.WEAK
    with pytest.raises(TypeError):
        operator.lt(B.GOOD, R.GOOD)


@pytest.mark.parametrize(
    ("band", "label"),
    [
        (ct.Band.EXCELLENT, "Xuất sắc"),
        (ct.Band.GOOD, "Tốt"),
        (ct.Band.FAIR, "Khá"),
        (ct.Band.AVERAGE, "Trung bình"),
        (ct.Band.WEAK, "Yếu"),
    ],
)
def test_band_labels_are_vietnamese(band: ct.Band, label: str) -> None:
    assert band.label_vi == label
    assert str(band) == label
    assert ct.Band(label) is band


def test_ratings_and_bands_are_hashable_keys() -> None:
    """Reports count ratings and bands in dicts."""
    counts = dict.fromkeys([*RATINGS_LOW_TO_HIGH, *BANDS_LOW_TO_HIGH], 0)
    assert len(counts) == 9
