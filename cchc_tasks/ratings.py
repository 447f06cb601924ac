"""The ordered scales an evaluation speaks in: unit bands and head ratings."""

from __future__ import annotations

import enum
import functools

__all__ = ["Band", "Rating"]


@functools.total_ordering
class Rating(enum.Enum):
    """A head's rating under Decree 90/2020 and 335/2025, ordered
    ``NOT_COMPLETED < COMPLETED < GOOD < EXCELLENT``."""

    NOT_COMPLETED = "KHTNV"
    COMPLETED = "HTNV"
    GOOD = "HTTNV"
    EXCELLENT = "HTXSNV"

    @property
    def code(self) -> str:
        """The official abbreviation: ``"HTXSNV"``, ``"HTTNV"``, ``"HTNV"`` or ``"KHTNV"``."""
        return self.value

    @property
    def level(self) -> int:
        return _RATING_ORDER.index(self)

    @property
    def label_vi(self) -> str:
        return _RATING_LABELS[self]

    @classmethod
    def from_code(cls, code: str) -> Rating:
        return cls(code)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Rating):
            return NotImplemented
        return self.level < other.level

    def __str__(self) -> str:
        return self.value


_RATING_ORDER = (Rating.NOT_COMPLETED, Rating.COMPLETED, Rating.GOOD, Rating.EXCELLENT)
_RATING_LABELS = {
    Rating.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    Rating.GOOD: "Hoàn thành tốt nhiệm vụ",
    Rating.COMPLETED: "Hoàn thành nhiệm vụ",
    Rating.NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
}


@functools.total_ordering
class Band(enum.Enum):
    """A unit's CCHC band, ordered ``WEAK < AVERAGE < FAIR < GOOD < EXCELLENT``."""

    WEAK = "Yếu"
    AVERAGE = "Trung bình"
    FAIR = "Khá"
    GOOD = "Tốt"
    EXCELLENT = "Xuất sắc"

    @property
    def level(self) -> int:
        return _BAND_ORDER.index(self)

    @property
    def label_vi(self) -> str:
        return self.value

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Band):
            return NotImplemented
        return self.level < other.level

    def __str__(self) -> str:
        return self.value


_BAND_ORDER = (Band.WEAK, Band.AVERAGE, Band.FAIR, Band.GOOD, Band.EXCELLENT)
