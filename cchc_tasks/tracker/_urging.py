"""Inspect and urge ("kiểm tra, đôn đốc"): which tasks are overdue, due soon or without
news, and who must act on them and who urges them.

Every list classifies tasks through the ``cchc_task_outcomes`` plugins, exactly as
the evaluation does: a province plugin that extends one task's deadline takes it off
the overdue list as surely as it takes it out of the unit's overdue count.
"""

from __future__ import annotations

import datetime as dt

from ..errors import ValidationError
from ..inspections import Reminder
from ..tasks import Task, TaskOutcome, TaskStatus
from ._session import Service
from .reader import check_day

__all__ = ["UrgingService"]

_OPEN = (TaskOutcome.PENDING, TaskOutcome.OVERDUE)


def before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


class UrgingService(Service):
    def overdue(self, as_of: dt.date, unit: str | None) -> list[Task]:
        check_day("overdue.as_of", as_of)
        candidates = self.reader.tasks(unit=unit, due_to=as_of)
        outcomes = self.session.task_outcomes(candidates, as_of)
        return [t for t in candidates if outcomes[t.id] is TaskOutcome.OVERDUE]

    def due_soon(
        self, as_of: dt.date, within_days: int, working_days: bool, unit: str | None
    ) -> list[Task]:
        check_day("due_soon.as_of", as_of)
        if isinstance(within_days, bool) or not isinstance(within_days, int) or within_days < 0:
            raise ValidationError("due_soon.within_days", "a whole number >= 0", within_days)
        if working_days:
            horizon = max(self.reader.calendar().add_working_days(as_of, within_days), as_of)
        else:
            horizon = as_of + dt.timedelta(days=within_days)
        # Open tasks due before as_of are candidates too: a plugin that extended their
        # deadline counts them as pending, and their new deadline is near.
        late = self.reader.tasks(unit=unit, status=TaskStatus.OPEN, due_to=before(as_of))
        candidates = late + self.reader.tasks(unit=unit, due_from=as_of, due_to=horizon)
        outcomes = self.session.task_outcomes(candidates, as_of)
        return [t for t in candidates if outcomes[t.id] is TaskOutcome.PENDING]

    def stale(self, as_of: dt.date, days: int, unit: str | None) -> list[Task]:
        check_day("stale.as_of", as_of)
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValidationError("stale.days", "a whole number of days >= 1", days)
        cutoff = as_of - dt.timedelta(days=days)
        candidates = self.reader.tasks(unit=unit, due_to=dt.date(as_of.year, 12, 31))
        outcomes = self.session.task_outcomes(candidates, as_of)
        # An occurrence of a recurring task starts when the one before it fell due.
        starts: dict[str, dt.date] = {}
        previous: dict[str, dt.date] = {}
        for task in candidates:  # by due date
            if task.series is not None:
                if task.series in previous:
                    starts[task.id] = previous[task.series]
                previous[task.series] = task.due
        found = []
        for task in candidates:
            if outcomes[task.id] not in _OPEN:
                continue
            reported = [r.on for r in task.progress if r.on <= as_of]
            if reported:
                last = max(reported)
            else:
                last = max(dt.date(task.due.year, 1, 1), starts.get(task.id, dt.date.min))
            if last <= cutoff:
                found.append(task)
        return found

    def reminders(
        self,
        as_of: dt.date,
        within_days: int,
        working_days: bool,
        stale_days: int | None,
        unit: str | None,
    ) -> list[Reminder]:
        found: dict[str, tuple[str, Task]] = {}
        for task in self.overdue(as_of, unit):
            found.setdefault(task.id, ("overdue", task))
        for task in self.due_soon(as_of, within_days, working_days, unit):
            found.setdefault(task.id, ("due_soon", task))
        if stale_days is not None:
            for task in self.stale(as_of, stale_days, unit):
                found.setdefault(task.id, ("stale", task))
        chains: dict[str, list[str]] = {}
        groups: dict[tuple[str | None, str | None], dict[str, list[Task]]] = {}
        for kind, task in found.values():
            chain = chains.get(task.unit)
            if chain is None:
                chain = chains[task.unit] = self.urging_chain(task.unit, as_of)
            person = task.assignee or (chain[0] if chain else None)
            head = next((p for p in chain if p != person), None)
            lists = groups.setdefault((person, head), {"overdue": [], "due_soon": [], "stale": []})
            lists[kind].append(task)
        reminders = []
        for (person, head), lists in groups.items():
            ordered = {
                k: tuple(t.id for t in sorted(v, key=lambda t: (t.due, t.id)))
                for k, v in lists.items()
            }
            reminders.append(Reminder(person=person, head=head, as_of=as_of, **ordered))
        return sorted(reminders, key=lambda r: (r.person or "", r.head or ""))

    def urging_chain(self, unit: str, as_of: dt.date) -> list[str]:
        """The heads who answer for ``unit``'s work on ``as_of``, nearest first: its head
        (or, once it has ended, the head of its first successor that has one), then the
        heads of the units above."""
        chain: list[str] = []
        seen: set[str] = set()
        current: str | None = unit
        while current is not None and current not in seen:
            seen.add(current)
            found = self.reader.unit(current)
            heads = self.reader.heads(current, as_of)
            if not heads and found.valid_to is not None and found.valid_to < as_of:
                for successor in found.successors:
                    if successor not in seen and self.reader.heads(successor, as_of):
                        current = successor
                        break
                else:
                    current = found.parent
                continue
            chain.extend(p.id for p in heads if p.id not in chain)
            current = found.parent
        return chain
