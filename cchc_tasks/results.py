"""What units reached: indicator results per unit and year, and discipline records.

A :class:`Result` is an indicator's value for one unit and year, with its rank in a
peer group of ``of`` units and the document it came from. A :class:`Discipline` is a
disciplinary decision against a person; under Decree 48/2023 it makes the person
KHTNV in the year it is issued.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ._fields import (
    check_date,
    check_id,
    check_int,
    check_nonempty_text,
    check_number,
    check_text,
    check_year,
    nfc,
)
from .errors import ValidationError
from .plans import as_indicator
from .ratings import Rating

__all__ = [
    "ABSENCE_KINDS",
    "DISCIPLINE_LEVELS",
    "SANCTION_KINDS",
    "Absence",
    "Assessment",
    "Discipline",
    "PersonRating",
    "Result",
    "UnitRating",
    "UnitSanction",
]

#: What a unit may be sanctioned for under Decree 335/2025, KHTNV case (d): embezzlement
#: ("tham ô"), corruption ("tham nhũng") or waste ("lãng phí").
SANCTION_KINDS = ("embezzlement", "corruption", "waste")

#: The kinds of absence: maternity leave ("nghỉ chế độ thai sản") and any other time not
#: at work ("nghỉ không tham gia công tác"); Decree 90/2020 treats them differently.
ABSENCE_KINDS = ("other", "maternity")

#: Disciplinary sanctions from the mildest, khiển trách (reprimand), up; every one of them
#: is "at reprimand or above" in the sense of Decree 335/2025 (KHTNV, case c).
DISCIPLINE_LEVELS = (
    "khiển trách",
    "cảnh cáo",
    "hạ bậc lương",
    "giáng chức",
    "cách chức",
    "buộc thôi việc",
    "khai trừ",
)


@attrs.frozen
class Result:
    """``unit``'s value (and rank of ``of``) for ``indicator`` in ``year``."""

    indicator: str = attrs.field(converter=as_indicator, validator=check_nonempty_text)
    unit: str = attrs.field(converter=nfc, validator=check_id)
    year: int = attrs.field(validator=check_year)
    value: float | None = attrs.field(default=None, validator=check_number(optional=True))
    rank: int | None = attrs.field(default=None, validator=check_int(minimum=1, optional=True))
    of: int | None = attrs.field(default=None, validator=check_int(minimum=1, optional=True))
    source: str = attrs.field(default="", converter=nfc, validator=check_text)

    def __attrs_post_init__(self) -> None:
        if self.rank is not None and self.of is not None and self.rank > self.of:
            raise ValidationError("Result.rank", f"a rank from 1 to of={self.of}", self.rank)
        if self.value is None and self.rank is None:
            raise ValidationError("Result.value", "a value or a rank (or both)", None)

    @property
    def id(self) -> str:
        """The store key: one result per indicator, unit and year."""
        return f"{self.indicator}@{self.unit}@{self.year}"


@attrs.frozen
class Discipline:
    """A disciplinary decision against ``person`` issued ``on`` a date.

    ``form`` is the sanction as written ("khiển trách", "cảnh cáo", …). ``level`` is the
    sanction as one of :data:`DISCIPLINE_LEVELS` and ``duty_related`` whether the
    violation concerned official duties (``None``: not recorded); Decree 335/2025 counts
    only a duty-related sanction at reprimand or above. ``violation_year`` is the year of
    the violation when earlier than the decision: if the person's official rating of that
    year (``tr.record_rating``) is already KHTNV, the violation is not counted again
    (Decree 48/2023). ``id`` is chosen by the tracker when left empty.
    """

    person: str = attrs.field(converter=nfc, validator=check_id)
    on: dt.date = attrs.field(validator=check_date)
    reason: str = attrs.field(converter=nfc, validator=check_nonempty_text)
    form: str = attrs.field(default="", converter=nfc, validator=check_text)
    id: str = attrs.field(default="", converter=nfc, validator=check_text)
    level: str | None = attrs.field(default=None, converter=nfc)
    duty_related: bool | None = attrs.field(default=None)
    violation_year: int | None = attrs.field(default=None)

    @level.validator
    def _check_level(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value not in DISCIPLINE_LEVELS:
            raise ValidationError(
                "Discipline.level", f"one of {', '.join(DISCIPLINE_LEVELS)} or None", value
            )

    @duty_related.validator
    def _check_duty(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not isinstance(value, bool):
            raise ValidationError("Discipline.duty_related", "True, False or None", value)

    @violation_year.validator
    def _check_violation_year(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value > self.on.year
        ):
            raise ValidationError(
                "Discipline.violation_year",
                f"a year up to the decision's, {self.on.year}, or None",
                value,
            )


@attrs.frozen
class Assessment:
    """A person's assessment for a year: the general-criteria points of Decree 335/2025
    (politics, ethics, working style, discipline; out of 30 by default), who gave it and
    a note. The task-result part is computed from tasks, never typed in."""

    person: str = attrs.field(converter=nfc, validator=check_id)
    year: int = attrs.field(validator=check_year)
    general_points: float = attrs.field(validator=check_number(minimum=0.0))
    by: str = attrs.field(default="", converter=nfc, validator=check_text)
    note: str = attrs.field(default="", converter=nfc, validator=check_text)

    @property
    def id(self) -> str:
        """The store key: one assessment per person and year."""
        return f"{self.person}@{self.year}"


def _check_rating(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Rating):
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name}",
            "a rating: HTXSNV, HTTNV, HTNV or KHTNV",
            value,
        )


def _as_rating(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Rating(value)
        except ValueError:
            return value
    return value


@attrs.frozen
class Absence:
    """``person`` was away from work from ``start`` to ``end`` inclusive: ``kind`` is
    ``"maternity"`` (maternity leave) or ``"other"`` (Decree 90/2020 Điều 2 khoản 3:
    "nghỉ không tham gia công tác"). ``id`` is chosen by the tracker when left empty."""

    person: str = attrs.field(converter=nfc, validator=check_id)
    start: dt.date = attrs.field(validator=check_date)
    end: dt.date = attrs.field(validator=check_date)
    kind: str = attrs.field(default="other", converter=nfc)
    id: str = attrs.field(default="", converter=nfc, validator=check_text)

    @kind.validator
    def _check_kind(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in ABSENCE_KINDS:
            raise ValidationError("Absence.kind", "'other' or 'maternity'", value)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError("Absence.end", f"a date on or after {self.start}", self.end)

    def days_within(self, start: dt.date, end: dt.date) -> int:
        """Days of ``[start, end]`` (inclusive) of this absence."""
        return max(0, (min(self.end, end) - max(self.start, start)).days + 1)


@attrs.frozen
class UnitRating:
    """The collective rating of ``unit`` for ``year`` as decided by the competent
    authority; the evaluation uses it instead of the one it derives from tasks."""

    unit: str = attrs.field(converter=nfc, validator=check_id)
    year: int = attrs.field(validator=check_year)
    rating: Rating = attrs.field(converter=_as_rating, validator=_check_rating)
    by: str = attrs.field(default="", converter=nfc, validator=check_text)

    @property
    def id(self) -> str:
        """The store key: one rating per unit and year."""
        return f"{self.unit}@{self.year}"


@attrs.frozen
class PersonRating:
    """The official rating of ``person`` for ``year`` (a staff member's, or a head's as
    the council decided it): Decree 335/2025's unit-result factor reads staff ratings, and
    the evaluation shows a head's next to the computed one."""

    person: str = attrs.field(converter=nfc, validator=check_id)
    year: int = attrs.field(validator=check_year)
    rating: Rating = attrs.field(converter=_as_rating, validator=_check_rating)
    by: str = attrs.field(default="", converter=nfc, validator=check_text)

    @property
    def id(self) -> str:
        """The store key: one rating per person and year."""
        return f"{self.person}@{self.year}"


@attrs.frozen
class UnitSanction:
    """``unit`` was sanctioned, by a decision dated ``on``, for ``kind`` (one of
    :data:`SANCTION_KINDS`); ``document`` names the decision. Under Decree 335/2025 the
    leaders directly responsible for the unit are rated KHTNV for that year (case d)."""

    unit: str = attrs.field(converter=nfc, validator=check_id)
    on: dt.date = attrs.field(validator=check_date)
    kind: str = attrs.field(default="corruption", converter=nfc)
    document: str = attrs.field(default="", converter=nfc, validator=check_text)

    @kind.validator
    def _check_kind(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in SANCTION_KINDS:
            raise ValidationError("UnitSanction.kind", f"one of {', '.join(SANCTION_KINDS)}", value)

    @property
    def id(self) -> str:
        """The store key: one sanction of a kind per unit and decision date."""
        return f"{self.unit}@{self.on.isoformat()}#{self.kind}"
