"""Units, people and headships: who is responsible for what, and since when.

The unit tree is data with history, never code: the 2025 reform ended the district
level on 1 July 2025, so a unit carries ``valid_from``/``valid_to`` and the ids of its
successors. A :class:`Headship` says who headed which unit from when to when; a year
can have two heads, and the time each held the post decides how each is rated.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

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
from .errors import ValidationError

__all__ = ["UNIT_KINDS", "Category", "Headship", "Person", "Unit", "category_of_kind"]

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


class Category(enum.Enum):
    """The three kinds of official Decree 90/2020 rates by different articles: cán bộ
    (elected, e.g. a People's Committee chairman: Điều 4–7), công chức (civil servants,
    e.g. the head of an agency: Điều 8–11) and viên chức (public employees, e.g. the head
    of a public-service unit: Điều 12–15)."""

    CAN_BO = "cán bộ"
    CONG_CHUC = "công chức"
    VIEN_CHUC = "viên chức"

    def __str__(self) -> str:
        return self.value


#: Unit kinds headed by cán bộ (People's Committees) and by viên chức; every other kind
#: (agencies and any kind a province adds) is headed by a công chức.
_CAN_BO_KINDS = frozenset({"province", "district", "commune", "ward", "town", "special-zone"})
_VIEN_CHUC_KINDS = frozenset({"public-service-unit"})


def category_of_kind(kind: str) -> Category:
    """The category of a unit's head by the unit's kind: People's Committees → cán bộ,
    public-service units → viên chức, agencies (and other kinds) → công chức."""
    if kind in _CAN_BO_KINDS:
        return Category.CAN_BO
    if kind in _VIEN_CHUC_KINDS:
        return Category.VIEN_CHUC
    return Category.CONG_CHUC


def _as_category(value: Any) -> Any:
    if isinstance(value, str):
        for category in Category:
            if value in (category.value, category.name):
                return category
    return value


def _check_category(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, Category):
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name}",
            "a Category (CAN_BO, CONG_CHUC or VIEN_CHUC) or None",
            value,
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
    """An official (cán bộ, công chức, viên chức); ``unit`` is where they work.

    ``service_start``/``service_end`` are the days they entered and left the public
    service (``None``: before, or after, any year evaluated). They bound the working time
    of a year (Decree 90/2020 Điều 2 khoản 3), with the absences recorded by
    ``tr.record_absence``.
    """

    id: str = attrs.field(converter=nfc, validator=check_id)
    name: str = attrs.field(converter=nfc, validator=check_nonempty_text)
    unit: str | None = attrs.field(default=None, converter=nfc_or_none, validator=check_optional_id)
    title: str = attrs.field(default="", converter=nfc, validator=check_text)
    service_start: dt.date | None = attrs.field(default=None, validator=check_optional_date)
    service_end: dt.date | None = attrs.field(default=None, validator=check_optional_date)

    def __attrs_post_init__(self) -> None:
        check_period(self.service_start, self.service_end, "Person", "service_end")

    def service_days(self, start: dt.date, end: dt.date) -> int:
        """Days of ``[start, end]`` (inclusive) spent in the public service."""
        first = max(self.service_start or start, start)
        last = min(self.service_end or end, end)
        return max(0, (last - first).days + 1)


@attrs.frozen
class Headship:
    """``person`` headed ``unit`` from ``start`` to ``end`` inclusive (``None`` = still),
    as an official of ``category`` (``None``: the default of the unit's kind, see
    :func:`category_of_kind`)."""

    unit: str = attrs.field(converter=nfc, validator=check_id)
    person: str = attrs.field(converter=nfc, validator=check_id)
    start: dt.date = attrs.field(validator=check_date)
    end: dt.date | None = attrs.field(default=None, validator=check_optional_date)
    category: Category | None = attrs.field(
        default=None, converter=_as_category, validator=_check_category
    )

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
