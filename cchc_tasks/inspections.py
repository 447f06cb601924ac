"""Inspect and urge ("kiểm tra, đôn đốc"): inspection records and reminders.

The seed plan asks the district to inspect its units and urge those that fall behind. An
:class:`Inspection` records one inspection: when, who inspected, which units and tasks it
looked at, what it found and which follow-up tasks it set. It is stored (the tracker's
``inspections`` table) and survives reopening like everything else.

A :class:`Reminder` is computed, never stored: :meth:`Tracker.reminders` groups the tasks
that need action as of a date (overdue, due soon, without a progress report for too long)
by the person who must act and the head who urges them.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ._fields import (
    check_date,
    check_id,
    check_id_tuple,
    check_nonempty_text,
    check_optional_id,
    check_text,
    nfc,
    nfc_or_none,
    nfc_tuple,
)
from .errors import ValidationError

__all__ = ["Inspection", "Reminder"]


@attrs.frozen
class Inspection:
    """One inspection ("đợt kiểm tra"): on ``on``, by the person ``inspector`` (for the
    ``team``, e.g. "Đoàn kiểm tra CCHC của UBND huyện"), of ``units`` and/or ``tasks``.

    ``findings`` says what was found; ``follow_up`` names the tasks set to fix it (they must
    exist when the inspection is recorded: add them first, in the same batch if you like);
    ``document`` is the record's number ("Biên bản", "Thông báo kết luận kiểm tra").
    """

    id: str = attrs.field(converter=nfc, validator=check_id)
    on: dt.date = attrs.field(validator=check_date)
    inspector: str = attrs.field(converter=nfc, validator=check_id)
    findings: str = attrs.field(converter=nfc, validator=check_nonempty_text)
    units: tuple[str, ...] = attrs.field(default=(), converter=nfc_tuple, validator=check_id_tuple)
    tasks: tuple[str, ...] = attrs.field(default=(), converter=nfc_tuple, validator=check_id_tuple)
    follow_up: tuple[str, ...] = attrs.field(
        default=(), converter=nfc_tuple, validator=check_id_tuple
    )
    team: str = attrs.field(default="", converter=nfc, validator=check_text)
    document: str = attrs.field(default="", converter=nfc, validator=check_text)

    def __attrs_post_init__(self) -> None:
        if not self.units and not self.tasks:
            raise ValidationError(
                "Inspection.units", "at least one unit or task inspected", self.units
            )


@attrs.frozen
class Reminder:
    """What one person must act on as of a date, and who urges them.

    ``person`` must act: the task's accountable person, or the head of its lead unit when
    the task names nobody (``None`` when the unit has no head either). ``head`` urges
    them: the head of the task's lead unit on ``as_of`` (of its successor when the unit
    has ended), or the head of the unit above when that is the person themself (``None``
    when there is nobody). Task ids, oldest due date first: ``overdue`` (due before
    ``as_of``, not done), ``due_soon`` (due within the window asked for) and ``stale`` (no
    progress report for the number of days asked for); each task is in one list only, the
    first that applies.
    """

    person: str | None = attrs.field(converter=nfc_or_none, validator=check_optional_id)
    head: str | None = attrs.field(converter=nfc_or_none, validator=check_optional_id)
    as_of: dt.date = attrs.field(validator=check_date)
    overdue: tuple[str, ...] = attrs.field(default=(), converter=nfc_tuple)
    due_soon: tuple[str, ...] = attrs.field(default=(), converter=nfc_tuple)
    stale: tuple[str, ...] = attrs.field(default=(), converter=nfc_tuple)

    @property
    def tasks(self) -> tuple[str, ...]:
        """Every task of the reminder: overdue, then due soon, then stale."""
        return (*self.overdue, *self.due_soon, *self.stale)

    def describe(self) -> str:
        """One line in Vietnamese, as an urging notice would say it."""
        parts = []
        if self.overdue:
            parts.append(f"{len(self.overdue)} nhiệm vụ quá hạn")
        if self.due_soon:
            parts.append(f"{len(self.due_soon)} nhiệm vụ sắp đến hạn")
        if self.stale:
            parts.append(f"{len(self.stale)} nhiệm vụ chưa báo cáo tiến độ")
        who = self.person or "(chưa phân công)"
        urge = f"; người đôn đốc: {self.head}" if self.head else ""
        return f"{who}, tính đến {self.as_of:%d/%m/%Y}: {', '.join(parts)}{urge}"
