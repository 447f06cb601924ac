"""Tasks of a plan: who leads, who helps, who answers for it, by when, and how it went.

A task belongs to the year its due date falls in. Its lifecycle is
``open → done`` or ``open → cancelled`` (and back to open by :meth:`Tracker.reopen_task`);
progress reports with evidence accumulate on the way. How a task *counts* in a year
(on time, late, overdue, pending) is not stored: it depends on the date you ask, and
the ``cchc_task_outcomes`` hook decides it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping

import attrs

from ._fields import (
    check_bool,
    check_date,
    check_id,
    check_id_tuple,
    check_int,
    check_nonempty_text,
    check_number,
    check_optional_date,
    check_optional_id,
    check_text,
    nfc,
    nfc_or_none,
    nfc_tuple,
)
from .errors import ValidationError
from .plans import as_field

__all__ = ["ProgressReport", "Task", "TaskOutcome", "TaskStatus"]


class TaskStatus(enum.StrEnum):
    """What has been recorded about a task."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskOutcome(enum.StrEnum):
    """How a task counts in its year as of a date (see the semantics in the docs)."""

    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    PENDING = "pending"
    CANCELLED = "cancelled"

    @property
    def label_vi(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    TaskOutcome.ON_TIME: "Hoàn thành đúng hạn",
    TaskOutcome.LATE: "Hoàn thành trễ hạn",
    TaskOutcome.OVERDUE: "Quá hạn",
    TaskOutcome.PENDING: "Chưa đến hạn",
    TaskOutcome.CANCELLED: "Đã hủy",
}


@attrs.frozen
class ProgressReport:
    """A progress report on a task: how far, what was done, and the evidence
    ("tài liệu kiểm chứng": document numbers, links)."""

    on: dt.date = attrs.field(validator=check_date)
    percent: int = attrs.field(validator=check_int(minimum=0))
    note: str = attrs.field(default="", converter=nfc, validator=check_text)
    evidence: tuple[str, ...] = attrs.field(default=(), converter=nfc_tuple)
    by: str | None = attrs.field(default=None, converter=nfc_or_none, validator=check_optional_id)

    def __attrs_post_init__(self) -> None:
        if self.percent > 100:
            raise ValidationError(
                "ProgressReport.percent", "a whole number from 0 to 100", self.percent
            )
        if not isinstance(self.evidence, tuple) or not all(
            isinstance(e, str) and e for e in self.evidence
        ):
            raise ValidationError(
                "ProgressReport.evidence", "a list of non-empty text", self.evidence
            )


def _as_reports(value: Iterable[ProgressReport]) -> tuple[ProgressReport, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError("Task.progress", "a list of ProgressReport", value)
    return tuple(value)


_STATUS_EXPECTATION = "one of " + ", ".join(repr(s.value) for s in TaskStatus)


def _as_status(value: str) -> TaskStatus:
    try:
        return TaskStatus(value)
    except ValueError:
        raise ValidationError("Task.status", _STATUS_EXPECTATION, value) from None


@attrs.frozen
class Task:
    """One task of a plan.

    ``unit`` leads it ("cơ quan chủ trì"), ``partners`` help ("cơ quan phối hợp"),
    ``assignee`` is the one accountable person. ``weight`` scales the task in unit
    scores; ``budget`` is in VND. ``completed_on`` is set exactly when the status is
    ``done``; ``exceeded`` ("hoàn thành vượt mức") only on a done task. ``errors`` counts
    the major errors recorded against the task's output (Decree 335/2025 deducts quality
    points per error).
    """

    id: str = attrs.field(converter=nfc, validator=check_id)
    plan: str = attrs.field(converter=nfc, validator=check_id)
    title: str = attrs.field(converter=nfc, validator=check_nonempty_text)
    unit: str = attrs.field(converter=nfc, validator=check_id)
    due: dt.date = attrs.field(validator=check_date)
    assignee: str | None = attrs.field(
        default=None, converter=nfc_or_none, validator=check_optional_id
    )
    partners: tuple[str, ...] = attrs.field(
        default=(), converter=nfc_tuple, validator=check_id_tuple
    )
    field: str | None = attrs.field(default=None, converter=as_field)
    output: str = attrs.field(default="", converter=nfc, validator=check_text)
    weight: float = attrs.field(default=1.0, validator=check_number(minimum=0.0))
    budget: float | None = attrs.field(
        default=None, validator=check_number(minimum=0.0, optional=True)
    )
    status: TaskStatus = attrs.field(default=TaskStatus.OPEN, converter=_as_status)
    completed_on: dt.date | None = attrs.field(default=None, validator=check_optional_date)
    exceeded: bool = attrs.field(default=False, validator=check_bool)
    quality_note: str = attrs.field(default="", converter=nfc, validator=check_text)
    errors: int = attrs.field(default=0, validator=check_int(minimum=0))
    cancel_reason: str = attrs.field(default="", converter=nfc, validator=check_text)
    progress: tuple[ProgressReport, ...] = attrs.field(default=(), converter=_as_reports)

    def __attrs_post_init__(self) -> None:
        if self.field is not None and (not isinstance(self.field, str) or not self.field):
            raise ValidationError("Task.field", "a field name or None", self.field)
        if self.unit in self.partners:
            raise ValidationError("Task.partners", "units other than the lead unit", self.partners)
        if (self.status is TaskStatus.DONE) != (self.completed_on is not None):
            raise ValidationError(
                "Task.completed_on",
                "a date exactly when status is 'done'",
                self.completed_on,
            )
        if self.exceeded and self.status is not TaskStatus.DONE:
            raise ValidationError("Task.exceeded", "False unless the task is done", self.exceeded)
        if not all(isinstance(p, ProgressReport) for p in self.progress):
            raise ValidationError("Task.progress", "a list of ProgressReport", self.progress)

    @property
    def year(self) -> int:
        """The year the task counts in: the year of its due date."""
        return self.due.year

    def _repr_html_(self) -> str:
        from .notebook import task_html

        return task_html(self)
