"""What units reached: indicator results per unit and year, and discipline records.

A :class:`Result` is an indicator's value for one unit and year, with its rank in a
peer group of ``of`` units and the document it came from. A :class:`Discipline` is a
disciplinary decision against a person; under Decree 48/2023 it makes the person
KHTNV in the year it is issued.
"""

from __future__ import annotations

import datetime as dt

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

__all__ = ["Assessment", "Discipline", "Result"]


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

    ``form`` is the sanction as written ("khiển trách", "cảnh cáo", …). ``id`` is
    chosen by the tracker when left empty.
    """

    person: str = attrs.field(converter=nfc, validator=check_id)
    on: dt.date = attrs.field(validator=check_date)
    reason: str = attrs.field(converter=nfc, validator=check_nonempty_text)
    form: str = attrs.field(default="", converter=nfc, validator=check_text)
    id: str = attrs.field(default="", converter=nfc, validator=check_text)


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
