"""Tasks of a plan: who leads, who helps, who answers for it, by when, and how it went.

A task belongs to the year its due date falls in. Its lifecycle is
``open → done`` or ``open → cancelled`` (and back to open by :meth:`Tracker.reopen_task`);
progress reports with evidence accumulate on the way. How a task *counts* in a year
(on time, late, overdue, pending) is not stored: it depends on the date you ask, and
the ``cchc_task_outcomes`` hook decides it.

A task may record how its due date was computed (``deadline``: N working days after a
date, with the calendar version) and the recurring series it is an occurrence of
(``series``). A :class:`TaskSeries` is a template task plus a
:class:`~cchc_tasks.recurrence.Recurrence`; the tracker turns it into one ordinary task per
occurrence, each completed or missed on its own and counted in the year of its due date.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping

import attrs

from . import _display
from ._fields import (
    MAX_ID_LENGTH,
    MAX_TEXT_LENGTH,
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
    check_year,
    nfc,
    nfc_or_none,
    nfc_tuple,
    shown,
    text_problem,
)
from .calendar import Deadline
from .errors import ValidationError
from .plans import as_field, check_field
from .recurrence import AfterCompletion, Recurrence

__all__ = ["ProgressReport", "Task", "TaskChain", "TaskOutcome", "TaskSeries", "TaskStatus"]


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
            isinstance(e, str) and e and text_problem(e) is None for e in self.evidence
        ):
            raise ValidationError(
                "ProgressReport.evidence",
                f"a list of non-empty text, each at most {MAX_TEXT_LENGTH:,} characters",
                tuple(shown(e) for e in self.evidence)
                if isinstance(self.evidence, tuple)
                else self.evidence,
            )


def _as_reports(value: Iterable[ProgressReport]) -> tuple[ProgressReport, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError("Task.progress", "a list of ProgressReport", value)
    return tuple(value)


_STATUS_EXPECTATION = "one of " + ", ".join(repr(s.value) for s in TaskStatus)


def _as_status(value: str) -> TaskStatus:
    if type(value) is TaskStatus:  # a completion's DONE: no enum lookup
        return value
    try:
        return TaskStatus(value)
    except ValueError:
        raise ValidationError("Task.status", _STATUS_EXPECTATION, value) from None


# No __weakref__ slot: decoding builds a task as a draft of the same layout and swaps its
# class, which CPython refuses for a class with one (see _codec.draft_class).
@attrs.frozen(weakref_slot=False)
class Task:
    """One task of a plan.

    ``unit`` leads it ("cơ quan chủ trì"), ``partners`` help ("cơ quan phối hợp"),
    ``assignee`` is the one accountable person. ``weight`` scales the task in unit
    scores; ``budget`` is in VND. ``completed_on`` is set exactly when the status is
    ``done``; ``exceeded`` ("hoàn thành vượt mức") only on a done task. ``errors`` counts
    the major errors recorded against the task's output (Decree 335/2025 deducts quality
    points per error).

    ``deadline`` records how ``due`` was computed when it is "N working days after" a
    date (:meth:`Tracker.deadline`): the start, the count and the calendar version; ``due``
    must then equal ``deadline.due``, and a later calendar decision moves it only through
    :meth:`Tracker.recompute_deadline`. ``series`` is the id of the :class:`TaskSeries` a
    recurring task's occurrence belongs to (its id is ``"<series>@<nominal day>"``).
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
    field: str | None = attrs.field(default=None, converter=as_field, validator=check_field)
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
    deadline: Deadline | None = attrs.field(default=None)
    series: str | None = attrs.field(
        default=None, converter=nfc_or_none, validator=check_optional_id
    )

    def __attrs_post_init__(self) -> None:
        if self.deadline is not None:
            if not isinstance(self.deadline, Deadline):
                raise ValidationError("Task.deadline", "a Deadline or None", self.deadline)
            if self.deadline.due != self.due:
                raise ValidationError(
                    "Task.due",
                    f"the deadline's due date {self.deadline.due.isoformat()} "
                    "(or deadline=None for a due date set by hand)",
                    self.due,
                )
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
        # Most tasks have no report: no generator made for those (every write builds one).
        if self.progress and not all(isinstance(p, ProgressReport) for p in self.progress):
            raise ValidationError("Task.progress", "a list of ProgressReport", self.progress)

    @property
    def year(self) -> int:
        """The year the task counts in: the year of its due date."""
        return self.due.year

    def _repr_html_(self) -> str:
        return _display.to_html(self)


#: Longest id of a :class:`TaskSeries`: its occurrences are ``"<id>@YYYY-MM-DD"``.
MAX_SERIES_ID_LENGTH = MAX_ID_LENGTH - len("@2025-01-01")


def _check_template(owner: str, template: Task) -> None:
    """What a repeating task's template must be (a :class:`TaskSeries` or a
    :class:`TaskChain`): an id short enough for its occurrences' ids, and an open task
    without progress reports, deadline or series of its own."""
    if len(template.id) > MAX_SERIES_ID_LENGTH:
        raise ValidationError(
            f"{owner}.template.id",
            f"an id of at most {MAX_SERIES_ID_LENGTH} characters (occurrences add '@YYYY-MM-DD')",
            template.id,
        )
    t = template
    if t.status is not TaskStatus.OPEN or t.progress or t.deadline is not None or t.series:
        raise ValidationError(
            f"{owner}.template",
            "an open task without progress reports, deadline or series",
            t.id,
        )


@attrs.frozen
class TaskSeries:
    """A recurring task: a ``template`` task and the ``recurrence`` that gives its due dates.

    The tracker materialises one ordinary :class:`Task` per occurrence, with the template's
    fields, the occurrence's due date, ``series`` set to this series' id and the id
    ``"<template id>@<nominal day>"`` (the day the rule gives, before any move off a day
    off, so a calendar decision never renames an occurrence). ``through`` is the last year
    whose occurrences exist as tasks; later years are generated when asked
    (:meth:`Tracker.extend_series`). The template's own ``due`` is not used: each occurrence
    has its own. The template must be an open task without progress reports.
    """

    template: Task = attrs.field()
    recurrence: Recurrence = attrs.field()
    through: int = attrs.field(validator=check_year)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.template, Task):
            raise ValidationError("TaskSeries.template", "a Task", self.template)
        if not isinstance(self.recurrence, Recurrence):
            raise ValidationError("TaskSeries.recurrence", "a Recurrence", self.recurrence)
        _check_template("TaskSeries", self.template)

    @property
    def id(self) -> str:
        """The series id: the template's id."""
        return self.template.id

    @property
    def unit(self) -> str:
        """The lead unit of the occurrences still to come: the template's."""
        return self.template.unit

    def occurrence_id(self, key: str) -> str:
        """The id of the occurrence whose nominal day is ``key`` (ISO date)."""
        return f"{self.template.id}@{key}"


@attrs.frozen
class TaskChain:
    """A task that comes back a fixed time after each completion ("after-completion"
    recurrence): the next occurrence exists only once the previous one is done, due
    ``rule.next_due(completed_on)`` (calendar days or working days).

    The tracker adds the first occurrence, due on the template's own ``due``, and each
    next one when an occurrence is completed (in the same journal line). Occurrences are
    ordinary tasks with ``series`` set to the chain's id and the id
    ``"<template id>@<due day>"``; each counts in the year of its due date. The chain ends
    at ``rule.until`` or at the end of the plan.
    """

    template: Task = attrs.field()
    rule: AfterCompletion = attrs.field()

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.template, Task):
            raise ValidationError("TaskChain.template", "a Task", self.template)
        if not isinstance(self.rule, AfterCompletion):
            raise ValidationError("TaskChain.rule", "an AfterCompletion rule", self.rule)
        _check_template("TaskChain", self.template)

    @property
    def id(self) -> str:
        """The chain id: the template's id."""
        return self.template.id

    @property
    def unit(self) -> str:
        """The lead unit of the first occurrence: the template's."""
        return self.template.unit

    def occurrence_id(self, due: dt.date) -> str:
        """The id of the occurrence due on ``due``."""
        return f"{self.template.id}@{due.isoformat()}"
