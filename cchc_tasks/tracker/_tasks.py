"""Tasks: adding, changing, completing; recurring tasks (series) and after-completion
chains, whose occurrences are ordinary tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from .._codec import replace
from ..errors import ValidationError
from ..plans import Plan
from ..recurrence import AfterCompletion, Recurrence
from ..tasks import ProgressReport, Task, TaskChain, TaskSeries, TaskStatus
from ._session import Service
from ._tables import UPDATABLE_TASK_FIELDS

__all__ = ["TaskService"]


def check_day_type(field: str, value: object) -> None:
    """``value`` is a date (not a datetime): compared with a plan's dates it must be."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(field, "a date (datetime.date)", value)


class TaskService(Service):
    def check_task(self, task: Task, was: Task | None = None) -> None:
        """Its plan, units and assignee exist and it falls due within the plan; for a
        task replacing ``was``, only what changed. What did not change was checked when
        ``was`` was written and still holds: units, people and plans are never deleted,
        and a plan is never replaced (its period cannot move away from a due date)."""
        if was is not None and (
            task.plan == was.plan
            and task.due == was.due
            and task.unit == was.unit
            and task.assignee == was.assignee
            and task.partners == was.partners
        ):
            return  # a completion, a report, a note: the common update of a batch
        s = self.session
        plan = s.get("plans", task.plan, "Task.plan")
        s.require("units", task.unit, "Task.unit")
        s.require("persons", task.assignee, "Task.assignee")
        for partner in task.partners:
            s.require("units", partner, "Task.partners")
        if not plan.covers(task.due):
            raise ValidationError(
                "Task.due",
                f"a date within plan {plan.id} ({plan.start.isoformat()} to "
                f"{plan.end.isoformat()})",
                task.due,
            )

    def add_task(self, task: Task, actor: str | None, note: str | None) -> Task:
        s = self.session
        s.writable()
        s.check_type(task, Task, "add_task.task")
        if actor is None and note is None and s.store.in_transaction:
            # Inside a batch (a 50,000-task import): every check comes before the one
            # put, so a failure changes nothing and no nested transaction is needed.
            self._add_task(task)
            return task
        with s.write(actor, note):
            self._add_task(task)
        return task

    def _add_task(self, task: Task) -> None:
        self.allow("add_task", task)
        self.session.require_new("tasks", task)
        self.check_task(task)
        self.session.put("tasks", task)

    def add_tasks(self, tasks: Iterable[Task], actor: str | None, note: str | None) -> int:
        self.session.writable()
        count = 0
        with self.session.write(actor, note):
            for task in tasks:
                self.add_task(task, None, None)
                count += 1
        return count

    def replace_task(
        self,
        action: str,
        id: str,
        actor: str | None,
        note: str | None,
        change: Callable[[Task], Task],
    ) -> Task:
        """Replace task ``id`` by ``change(task)``, checked and authorized."""
        s = self.session
        s.writable()
        if actor is None and note is None and s.store.in_transaction:
            # Inside a batch: every check comes before the one put, so a failure changes
            # nothing and no nested transaction is needed (as for add_task).
            return self._replace(action, id, change)
        with s.write(actor, note):
            return self._replace(action, id, change)

    def _replace(
        self, action: str, id: str, change: Callable[[Task], Task], task: Task | None = None
    ) -> Task:
        """:meth:`replace_task` inside the write; ``task``: the task as the caller just
        read it inside the batch in progress (else it is read here)."""
        if task is None:
            task = self.session.get("tasks", id, "task id")
        self.allow(action, task)
        updated = change(task)
        if updated.unit != task.unit:
            self.allow(action, updated)  # moved: asked for the unit it goes to as well
        self.check_task(updated, was=task)
        self.session.put("tasks", updated)
        return updated

    def update_task(
        self, id: str, actor: str | None, note: str | None, changes: dict[str, Any]
    ) -> Task:
        self.session.writable()
        unknown = sorted(set(changes) - UPDATABLE_TASK_FIELDS)
        if unknown:
            raise ValidationError(
                f"update_task.{unknown[0]}", f"one of {sorted(UPDATABLE_TASK_FIELDS)}", unknown[0]
            )
        return self.replace_task("update_task", id, actor, note, lambda t: replace(t, **changes))

    def complete_task(
        self,
        id: str,
        on: dt.date,
        exceeded: bool,
        quality_note: str | None,
        errors: int | None,
        correct: bool,
        actor: str | None,
        note: str | None,
    ) -> Task:
        s = self.session
        s.writable()
        if not isinstance(correct, bool):
            raise ValidationError("complete_task.correct", "True or False", correct)
        current: Task | None = s.find("tasks", id)  # checked again inside the write
        if current is not None and current.status is TaskStatus.DONE and correct:
            # The journal says it was a correction, and of what.
            was = current.completed_on.isoformat() if current.completed_on else "?"
            note = f"correction of the completion recorded on {was}" + (f": {note}" if note else "")

        def done(task: Task) -> Task:
            if task.status is TaskStatus.CANCELLED:
                raise ValidationError(
                    "Task.status", "an open or done task to complete", task.status.value
                )
            if task.status is TaskStatus.DONE and not correct:
                raise ValidationError(
                    "complete_task.correct",
                    f"correct=True to change the completion of task {task.id}, done on "
                    f"{task.completed_on}",
                    correct,
                )
            check_day_type("complete_task.on", on)
            s.check_recorded_day("complete_task.on", on, task.plan)
            changes: dict[str, Any] = {
                "status": TaskStatus.DONE,
                "completed_on": on,
                "exceeded": exceeded,
            }
            if quality_note is not None:
                changes["quality_note"] = quality_note
            if errors is not None:
                changes["errors"] = errors
            return replace(task, **changes)

        batched = actor is None and note is None and s.store.in_transaction
        if batched and current is not None and current.series is None:
            # Nothing follows: one checked put, as in a batch (writable() was asked above).
            return self._replace("complete_task", id, done, current)
        with s.write(actor, note):
            was_open = s.get("tasks", id, "task id").status is TaskStatus.OPEN
            task = self.replace_task("complete_task", id, None, None, done)
            if was_open and task.series is not None:
                self._follow_chain(task)  # in the same journal line as the completion
        return task

    def cancel_task(self, id: str, reason: str, actor: str | None, note: str | None) -> Task:
        def cancel(task: Task) -> Task:
            if not isinstance(reason, str) or not reason.strip():
                raise ValidationError("cancel_task.reason", "a non-empty reason", reason)
            return replace(
                task,
                status=TaskStatus.CANCELLED,
                completed_on=None,
                exceeded=False,
                cancel_reason=reason,
            )

        return self.replace_task("cancel_task", id, actor, note, cancel)

    def reopen_task(self, id: str, actor: str | None, note: str | None) -> Task:
        return self.replace_task(
            "reopen_task",
            id,
            actor,
            note,
            lambda t: replace(
                t, status=TaskStatus.OPEN, completed_on=None, exceeded=False, cancel_reason=""
            ),
        )

    def report_progress(
        self, id: str, report: ProgressReport, actor: str | None, note: str | None
    ) -> Task:
        self.session.writable()
        self.session.check_type(report, ProgressReport, "report_progress.report")

        def add(task: Task) -> Task:
            self.session.require("persons", report.by, "ProgressReport.by")
            self.session.check_recorded_day("ProgressReport.on", report.on, task.plan)
            return replace(task, progress=(*task.progress, report))

        return self.replace_task("report_progress", id, actor, note, add)

    # -- recurring tasks ----------------------------------------------------------------

    def add_recurring_task(
        self,
        template: Task,
        recurrence: Recurrence,
        through: int,
        actor: str | None,
        note: str | None,
    ) -> TaskSeries:
        s = self.session
        s.writable()
        s.check_type(template, Task, "add_recurring_task.template")
        s.check_type(recurrence, Recurrence, "add_recurring_task.recurrence")
        series = TaskSeries(template=template, recurrence=recurrence, through=through)
        with s.write(actor, note):
            self.allow("add_recurring_task", series)
            s.require_new("series", series)
            plan = s.get("plans", template.plan, "Task.plan")
            _check_through("add_recurring_task.through", series, through, plan)
            self.check_task(replace(template, due=plan.start))
            s.put("series", series)
            self._materialise(series, recurrence.start, _window_end(through, plan))
        return series

    def extend_series(
        self, id: str, through: int, actor: str | None, note: str | None
    ) -> list[Task]:
        s = self.session
        s.writable()
        with s.write(actor, note):
            series: TaskSeries = s.get("series", id, "extend_series.id")
            self.allow("extend_series", series)
            if isinstance(through, bool) or not isinstance(through, int):
                raise ValidationError("extend_series.through", "a year such as 2026", through)
            if through <= series.through:
                return []
            plan = s.get("plans", series.template.plan, "Task.plan")
            _check_through("extend_series.through", series, through, plan)
            # From the start of the last year generated: an occurrence that a calendar
            # decision moved back into that year is generated rather than lost.
            first = max(series.recurrence.start, dt.date(series.through, 1, 1))
            made = self._materialise(series, first, _window_end(through, plan))
            s.put("series", replace(series, through=through))
        return made

    def _materialise(self, series: TaskSeries, first: dt.date, last: dt.date) -> list[Task]:
        made: list[Task] = []
        if last < first:
            return made
        calendar = self.reader.calendar()
        for occurrence in series.recurrence.occurrences(between=(first, last), calendar=calendar):
            task_id = series.occurrence_id(occurrence.key)
            if self.session.exists("tasks", task_id):
                continue
            task = replace(series.template, id=task_id, due=occurrence.due, series=series.id)
            made.append(self.add_task(task, None, None))
        return made

    # -- after-completion chains ------------------------------------------------------

    def add_task_chain(
        self, first: Task, rule: AfterCompletion, actor: str | None, note: str | None
    ) -> TaskChain:
        s = self.session
        s.writable()
        s.check_type(first, Task, "add_task_chain.first")
        s.check_type(rule, AfterCompletion, "add_task_chain.rule")
        chain = TaskChain(template=first, rule=rule)
        with s.write(actor, note):
            self.allow("add_task_chain", chain)
            s.require_new("chains", chain)
            s.put("chains", chain)
            first_id = chain.occurrence_id(first.due)
            if not s.exists("tasks", first_id):  # a store being restored has it
                self.add_task(replace(first, id=first_id, series=chain.id), None, None)
        return chain

    def _follow_chain(self, done: Task) -> None:
        chain: TaskChain | None = self.session.find("chains", done.series) if done.series else None
        if chain is None or done.completed_on is None:
            return  # a periodic series, or no chain: nothing follows a completion
        due = chain.rule.next_due(done.completed_on, self.reader.calendar())
        plan = self.session.get("plans", done.plan, "Task.plan")
        if due is None or not plan.covers(due):
            return
        next_id = chain.occurrence_id(due)
        later = [
            t
            for t in self.reader.tasks(unit=done.unit)
            if t.series == chain.id and t.due > done.due
        ]
        if self.session.exists("tasks", next_id) or later:
            return  # completed again after a reopen: the next occurrence exists already
        # The next occurrence is the one just done, reopened and due again: it follows a
        # unit change (a merger) that moved the previous one.
        following = replace(
            done,
            id=next_id,
            due=due,
            status=TaskStatus.OPEN,
            completed_on=None,
            exceeded=False,
            quality_note="",
            errors=0,
            progress=(),
            deadline=None,
            cancel_reason="",
        )
        self.add_task(following, None, None)


def _check_through(name: str, series: TaskSeries, through: int, plan: Plan) -> None:
    first, last = series.recurrence.start.year, plan.end.year
    if isinstance(through, bool) or not isinstance(through, int) or not first <= through <= last:
        raise ValidationError(
            name,
            f"a year from {first} (the recurrence's start) to {last} (the end of plan {plan.id})",
            through,
        )


def _window_end(through: int, plan: Plan) -> dt.date:
    return min(dt.date(through, 12, 31), plan.end)
