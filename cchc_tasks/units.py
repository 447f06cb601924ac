"""Units, people and headships: who is responsible for what, and since when.

The unit tree is data with history, never code: the 2025 reform ended the district
level on 1 July 2025, so a unit carries ``valid_from``/``valid_to`` and the ids of its
successors. A :class:`Headship` says who headed which unit from when to when; a year
can have two heads, and the time each held the post decides how each is rated.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ._fields import (
    check_date,
    check_id,
    check_id_tuple,
    check_nonempty_text,
    check_optional_date,
    check_optional_id,
    check_period,
    check_text,
    nfc,
    nfc_or_none,
    nfc_tuple,
)

__all__ = ["UNIT_KINDS", "Headship", "Person", "Unit"]

#: Unit kinds the built-in rules know. The set is open: any non-empty text is a kind.
UNIT_KINDS = (
    "province",  # UBND tỉnh
    "district",  # UBND huyện (historical after 1 July 2025)
    "commune",  # UBND xã
    "ward",  # phường
    "town",  # thị trấn
    "special-zone",  # đặc khu
    "agency",  # cơ quan chuyên môn: sở, phòng
    "public-service-unit",  # đơn vị sự nghiệp
)


def _in_force(
    valid_from: dt.date | None, valid_to: dt.date | None, start: dt.date, end: dt.date
) -> bool:
    return (valid_from is None or valid_from <= end) and (valid_to is None or valid_to >= start)


@attrs.frozen
class Unit:
    """An administrative unit: a People's Committee, an agency, a public-service unit.

    ``parent`` is the id of the unit it answers to; ``valid_from``/``valid_to`` bound
    its existence (``None`` = open); ``successors`` lists the units that took over
    its work when it ended.
    """

    id: str = attrs.field(converter=nfc, validator=check_id)
    name: str = attrs.field(converter=nfc, validator=check_nonempty_text)
    kind: str = attrs.field(converter=nfc, validator=check_nonempty_text)
    parent: str | None = attrs.field(
        default=None, converter=nfc_or_none, validator=check_optional_id
    )
    valid_from: dt.date | None = attrs.field(default=None, validator=check_optional_date)
    valid_to: dt.date | None = attrs.field(default=None, validator=check_optional_date)
    successors: tuple[str, ...] = attrs.field(
        default=(), converter=nfc_tuple, validator=check_id_tuple
    )

    def __attrs_post_init__(self) -> None:
        check_period(self.valid_from, self.valid_to, "Unit", "valid_to")

    def exists_between(self, start: dt.date, end: dt.date) -> bool:
        """Whether the unit existed on at least one day of ``[start, end]``."""
        return _in_force(self.valid_from, self.valid_to, start, end)


@attrs.frozen
class Person:
    """An official (cán bộ, công chức, viên chức); ``unit`` is where they work."""

    id: str = attrs.field(converter=nfc, validator=check_id)
    name: str = attrs.field(converter=nfc, validator=check_nonempty_text)
    unit: str | None = attrs.field(default=None, converter=nfc_or_none, validator=check_optional_id)
    title: str = attrs.field(default="", converter=nfc, validator=check_text)


@attrs.frozen
class Headship:
    """``person`` headed ``unit`` from ``start`` to ``end`` inclusive (``None`` = still)."""

    unit: str = attrs.field(converter=nfc, validator=check_id)
    person: str = attrs.field(converter=nfc, validator=check_id)
    start: dt.date = attrs.field(validator=check_date)
    end: dt.date | None = attrs.field(default=None, validator=check_optional_date)

    def __attrs_post_init__(self) -> None:
        check_period(self.start, self.end, "Headship", "end")

    @property
    def id(self) -> str:
        """The store key: one headship per unit and start date."""
        return f"{self.unit}@{self.start.isoformat()}"

    def overlaps(self, start: dt.date, end: dt.date | None) -> bool:
        """Whether this headship shares a day with ``[start, end]`` (``None`` = open)."""
        far = dt.date.max
        return self.start <= (end or far) and start <= (self.end or far)

    def days_within(self, start: dt.date, end: dt.date) -> int:
        """Days of ``[start, end]`` (inclusive) during which the headship ran."""
        first = max(self.start, start)
        last = min(self.end or end, end)
        return max(0, (last - first).days + 1)
