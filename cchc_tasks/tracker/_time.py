"""Time: the store's working-day calendar (decided days off and working days) and the
working-day deadlines computed with it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from ..calendar import CalendarOverride, Deadline, compute_deadline, default_calendar
from ..errors import ValidationError
from ..tasks import Task, TaskStatus
from ._session import Service, Session
from .reader import check_day

if TYPE_CHECKING:
    from ._tasks import TaskService
    from .reader import Reader

__all__ = ["TimeService"]


class TimeService(Service):
    def __init__(self, session: Session, reader: Reader, tasks: TaskService) -> None:
        super().__init__(session, reader)
        self.tasks = tasks

    def add_calendar_override(
        self, override: CalendarOverride, actor: str | None, note: str | None
    ) -> CalendarOverride:
        s = self.session
        s.writable()
        s.check_type(override, CalendarOverride, "add_calendar_override.override")
        first, last = default_calendar().supported_years
        if not first <= override.day.year <= last:
            raise ValidationError(
                "CalendarOverride.day",
                f"a day in {first}–{last}, the years the calendar covers",
                override.day,
            )
        with s.write(actor, note):
            self.allow("add_calendar_override", override)
            s.put("calendar", override)
        return override

    def remove_calendar_override(
        self, day: dt.date, actor: str | None, note: str | None
    ) -> CalendarOverride:
        s = self.session
        s.writable()
        check_day("remove_calendar_override.day", day)
        with s.write(actor, note):
            removed: CalendarOverride = s.get(
                "calendar", day.isoformat(), "remove_calendar_override.day"
            )
            self.allow("remove_calendar_override", removed)
            s.delete("calendar", removed.id)
        return removed

    def deadline(self, start: dt.date, working_days: int) -> Deadline:
        check_day("deadline.start", start)
        if isinstance(working_days, bool) or not isinstance(working_days, int):
            raise ValidationError("deadline.working_days", "a whole number", working_days)
        return compute_deadline(start, working_days, self.reader.calendar())

    def recompute_deadline(self, id: str, actor: str | None, note: str | None) -> Task:
        s = self.session
        s.writable()

        def recompute(task: Task) -> Task:
            if task.deadline is None:
                raise ValidationError(
                    "Task.deadline", f"a task whose due date is a working-day deadline ({id})", None
                )
            fresh = task.deadline.recompute(self.reader.calendar())
            return attrs.evolve(task, due=fresh.due, deadline=fresh)

        with s.write(actor, note):  # an empty write leaves no journal line
            task: Task = s.get("tasks", id, "recompute_deadline.id")
            if task.deadline is not None and task.deadline == recompute(task).deadline:
                return task
            return self.tasks.replace_task("recompute_deadline", id, None, None, recompute)

    def deadlines_to_check(self, open_only: bool) -> list[Task]:
        version = self.reader.calendar().version
        found = self.reader.tasks(status=TaskStatus.OPEN) if open_only else self.reader.tasks()
        return [
            t for t in found if t.deadline is not None and t.deadline.calendar_version != version
        ]
