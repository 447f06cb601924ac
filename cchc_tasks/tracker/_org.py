"""Organisation and succession: units, people, heads, plans, targets, and the unit
tree over time (mergers and splits, as in the 2025 reform)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import ValidationError
from ..plans import Plan
from ..targets import Target
from ..tasks import Task, TaskStatus
from ..units import Category, Headship, Person, Unit, category_of_kind
from ._indicators import scale_of
from ._session import Reference, Service, Session
from .reader import check_day

if TYPE_CHECKING:
    from ._tasks import TaskService
    from .reader import Reader

__all__ = ["OrganisationService"]


@attrs.frozen
class _Succession:
    """One merger or split being written: what ends, what follows, what moves."""

    action: str
    sources: list[str]
    on: dt.date
    ended: list[Unit]
    successors: list[Unit]
    moves: dict[str, str]
    series_moves: dict[str, str]
    move_open_tasks: bool

    @property
    def new_ids(self) -> list[str]:
        return [s.id for s in self.successors]

    @property
    def partners(self) -> dict[str, str]:
        """Each ending unit → the successor that replaces it as a partner."""
        return dict.fromkeys(self.sources, self.new_ids[0])


class OrganisationService(Service):
    def __init__(self, session: Session, reader: Reader, tasks: TaskService) -> None:
        super().__init__(session, reader)
        self.tasks = tasks

    # -- units, people, heads, plans, targets -----------------------------------------

    def add_unit(self, unit: Unit, actor: str | None, note: str | None) -> Unit:
        return self.record("add_unit", "units", unit, actor, note, refers_to=_unit_references)

    def restore_successors(self, unit: Unit) -> Unit:
        """Give a unit added without them its successors (and its other fields) back:
        for importing a store, where a unit that ended names units added after it."""
        s = self.session
        s.writable()
        s.check_type(unit, Unit, "unit")
        with s.write(None, None):
            self.allow("add_unit", unit)
            s.get("units", unit.id, "Unit.id")
            for successor in unit.successors:
                s.require("units", successor, "Unit.successors")
            s.put("units", unit)
        return unit

    def add_person(self, person: Person, actor: str | None, note: str | None) -> Person:
        def refers(p: Person) -> list[Reference]:
            return [("units", p.unit, "Person.unit")]

        return self.record("add_person", "persons", person, actor, note, refers_to=refers)

    def appoint_head(
        self,
        unit: str,
        person: str,
        start: dt.date,
        end: dt.date | None,
        actor: str | None,
        note: str | None,
        category: Category | str | None = None,
    ) -> Headship:
        s = self.session
        s.writable()
        headship = Headship(unit=unit, person=person, start=start, end=end, category=category)
        with s.write(actor, note):
            self.allow("appoint_head", headship)
            s.require("units", headship.unit, "Headship.unit")
            s.require("persons", headship.person, "Headship.person")
            if headship.category is None:
                # Recorded, not left implicit: the articles a head is rated by are a fact.
                kind = self.reader.unit(headship.unit).kind
                headship = attrs.evolve(headship, category=category_of_kind(kind))
            for other in self.reader.headships(headship.unit):
                if other.overlaps(headship.start, headship.end):
                    until = other.end.isoformat() if other.end else "open-ended"
                    raise ValidationError(
                        "Headship.start",
                        f"no overlap with {other.person}'s headship of {other.unit} "
                        f"({other.start.isoformat()} to {until})",
                        headship.start,
                    )
            s.put("headships", headship)
        return headship

    def end_unit(self, id: str, on: dt.date, actor: str | None, note: str | None) -> Unit:
        s = self.session
        s.writable()
        check_day("end_unit.on", on)
        with s.write(actor, note):
            unit: Unit = s.get("units", id, "end_unit.id")
            if unit.valid_to is not None:
                raise ValidationError(
                    "end_unit.id", f"a unit in force (it ended on {unit.valid_to})", id
                )
            if unit.valid_from is not None and on < unit.valid_from:
                raise ValidationError(
                    "end_unit.on", f"a day from {unit.valid_from}, when {id} begins", on
                )
            ended = attrs.evolve(unit, valid_to=on)
            self.allow("end_unit", ended)
            s.put("units", ended)
            for h in self.reader.headships(id):
                if h.end is not None and h.end <= on:
                    continue
                if h.start > on:
                    raise ValidationError(
                        "end_unit.on", f"a day after {h.person}'s headship starts ({h.start})", on
                    )
                closed = attrs.evolve(h, end=on)
                self.allow("end_unit", closed)
                s.put("headships", closed)
        return ended

    def end_headship(
        self, unit: str, end: dt.date, actor: str | None, note: str | None
    ) -> Headship:
        s = self.session
        s.writable()
        with s.write(actor, note):
            current = [h for h in self.reader.headships(unit) if h.end is None]
            if not current:
                raise ValidationError("end_headship.unit", "a unit with an open headship", unit)
            self.allow("end_headship", current[0])
            ended = attrs.evolve(current[0], end=end)
            s.put("headships", ended)
        return ended

    def add_plan(self, plan: Plan, actor: str | None, note: str | None) -> Plan:
        def refers(p: Plan) -> list[Reference]:
            return [("units", p.unit, "Plan.unit"), ("plans", p.parent, "Plan.parent")]

        return self.record("add_plan", "plans", plan, actor, note, refers_to=refers)

    def add_target(self, target: Target, actor: str | None, note: str | None) -> Target:
        def refers(t: Target) -> list[Reference]:
            return [("plans", t.plan, "Target.plan"), ("units", t.unit, "Target.unit")]

        def check(t: Target) -> None:
            scale_of(self.session, t.indicator, "Target.indicator")

        return self.record(
            "add_target", "targets", target, actor, note, refers_to=refers, check=check
        )

    # -- the unit tree over time ------------------------------------------------------

    def merge_units(
        self,
        sources: Iterable[str],
        into: Unit | str,
        on: dt.date,
        move_open_tasks: bool,
        actor: str | None,
        note: str | None,
    ) -> Unit:
        self.session.writable()
        names = _id_list("merge_units.sources", sources)
        (successor,) = self._succeed(
            "merge_units", names, [into], on, move_open_tasks, None, actor, note
        )
        return successor

    def split_unit(
        self,
        id: str,
        into: Iterable[Unit | str],
        on: dt.date,
        assign: Mapping[str, str] | None,
        actor: str | None,
        note: str | None,
    ) -> list[Unit]:
        self.session.writable()
        if not isinstance(into, Iterable) or isinstance(into, str | Unit):
            raise ValidationError("split_unit.into", "a list of Units or unit ids", into)
        successors = list(into)
        if not successors:
            raise ValidationError("split_unit.into", "at least one successor", successors)
        if assign is not None and not isinstance(assign, Mapping):
            raise ValidationError("split_unit.assign", "a mapping of task id to unit id", assign)
        return self._succeed(
            "split_unit", [id], successors, on, True, dict(assign or {}), actor, note
        )

    def _succeed(
        self,
        action: str,
        sources: list[str],
        into: list[Unit | str],
        on: dt.date,
        move_open_tasks: bool,
        assign: dict[str, str] | None,
        actor: str | None,
        note: str | None,
    ) -> list[Unit]:
        """End ``sources`` the day before ``on`` with ``into`` as successors, end their
        headships, move their open tasks due from ``on``: one journal line."""
        check_day(f"{action}.on", on)
        named = [item.id if isinstance(item, Unit) else item for item in into]
        described = f"{action}: {', '.join(sources)} → {', '.join(map(str, named))} on {on}; " + (
            "their open tasks due from that day moved" if move_open_tasks else "no task moved"
        )
        with self.session.write(actor, f"{note} ({described})" if note else described):
            # Checked inside the write: a writer first catches up with other processes.
            change = self._plan_succession(action, sources, into, on, move_open_tasks, assign)
            self._end_units(change)
            self._move_tasks(change)
        return [self.reader.unit(uid) for uid in change.new_ids]

    def _plan_succession(
        self,
        action: str,
        sources: list[str],
        into: list[Unit | str],
        on: dt.date,
        move_open_tasks: bool,
        assign: dict[str, str] | None,
    ) -> _Succession:
        """Check everything a merger or split needs and say what it will change."""
        ended = [self._unit_to_end(action, sid, on) for sid in sources]
        successors: list[Unit] = []
        for item in into:
            successor = self._successor(action, item, on, sources)
            if successor.id in {s.id for s in successors}:
                raise ValidationError(f"{action}.into", "successors without repeats", successor.id)
            successors.append(successor)
        for unit in ended:
            for h in self.reader.headships(unit.id):
                if h.start >= on:
                    raise ValidationError(
                        f"{action}.on",
                        f"a date after {h.person}'s headship of {h.unit} starts "
                        f"({h.start.isoformat()})",
                        on,
                    )
        new_ids = [s.id for s in successors]
        moves, series_moves = self._moves(action, sources, new_ids, on, move_open_tasks, assign)
        return _Succession(
            action, sources, on, ended, successors, moves, series_moves, move_open_tasks
        )

    def _end_units(self, change: _Succession) -> None:
        """Add the new successors, end the sources and their headships."""
        s = self.session
        end = change.on - dt.timedelta(days=1)
        for successor in change.successors:
            # An existing successor is asked for too: it takes over the units' work, so
            # a merger into a unit outside the actor's scope must be refused.
            self.allow(change.action, successor)
            if not s.exists("units", successor.id):
                s.require("units", successor.parent, "Unit.parent")
                s.put("units", successor)
        for unit in change.ended:
            kept = tuple(u for u in unit.successors if u not in change.new_ids)
            finished = attrs.evolve(unit, valid_to=end, successors=(*kept, *change.new_ids))
            self.allow(change.action, finished)
            s.put("units", finished)
            for h in self.reader.headships(unit.id):
                if h.end is None or h.end >= change.on:
                    closed = attrs.evolve(h, end=end)
                    self.allow(change.action, closed)
                    s.put("headships", closed)

    def _move_tasks(self, change: _Succession) -> None:
        """Move the open tasks and recurring tasks; rename ended partners."""
        action, partners = change.action, change.partners
        for task_id, target in change.moves.items():
            self.tasks.replace_task(
                action, task_id, None, None, functools.partial(_move_to, target, partners)
            )
        if not change.move_open_tasks:
            return
        for task in self.reader.tasks(status=TaskStatus.OPEN, due_from=change.on):
            if task.id not in change.moves and any(p in partners for p in task.partners):
                self.tasks.replace_task(
                    action, task.id, None, None, functools.partial(_rename, partners)
                )
        # Occurrences not generated yet follow their template: move it too.
        for series in self.session.all("series"):
            template = series.template
            target = change.series_moves.get(series.id, template.unit)
            if target != template.unit or any(p in partners for p in template.partners):
                moved = attrs.evolve(series, template=_move_to(target, partners, template))
                self.allow(action, moved)
                self.session.put("series", moved)

    def _moves(
        self,
        action: str,
        sources: list[str],
        new_ids: list[str],
        on: dt.date,
        move_open_tasks: bool,
        assign: dict[str, str] | None,
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Where each open task due from ``on`` and each recurring task of ``sources``
        goes: the successor ``assign`` names, else the first."""
        moves: dict[str, str] = {}
        series_moves: dict[str, str] = {}
        if move_open_tasks:
            for source in sources:
                for task in self.reader.tasks(unit=source, status=TaskStatus.OPEN, due_from=on):
                    moves[task.id] = new_ids[0]
            for series in self.session.all("series"):
                if series.template.unit in sources:
                    series_moves[series.id] = new_ids[0]
        for task_id, target in (assign or {}).items():
            if task_id not in moves and task_id not in series_moves:
                raise ValidationError(
                    f"{action}.assign[{task_id!r}]",
                    f"an open task (or a recurring task) of {sources[0]} due on or after "
                    f"{on.isoformat()}",
                    task_id,
                )
            if target not in new_ids:
                raise ValidationError(
                    f"{action}.assign[{task_id!r}]", f"one of the successors {new_ids}", target
                )
            (moves if task_id in moves else series_moves)[task_id] = target
        return moves, series_moves

    def _unit_to_end(self, action: str, id: str, on: dt.date) -> Unit:
        unit: Unit = self.session.get("units", id, f"{action}.sources")
        if (unit.valid_from is not None and unit.valid_from >= on) or (
            unit.valid_to is not None and unit.valid_to < on
        ):
            since = unit.valid_from.isoformat() if unit.valid_from else "the start"
            until = unit.valid_to.isoformat() if unit.valid_to else "open-ended"
            raise ValidationError(
                f"{action}.on",
                f"a day after {id} begins and while it is in force ({since} to {until})",
                on,
            )
        return unit

    def _successor(self, action: str, item: Unit | str, on: dt.date, sources: list[str]) -> Unit:
        if isinstance(item, Unit):
            self.session.require_new("units", item)
            if item.valid_from not in (None, on):
                raise ValidationError(
                    "Unit.valid_from",
                    f"the day of the change, {on.isoformat()}, or None",
                    item.valid_from,
                )
            if item.successors:
                raise ValidationError("Unit.successors", "none for a new unit", item.successors)
            if item.valid_to is not None and item.valid_to < on:
                raise ValidationError(
                    "Unit.valid_to", f"None or a date from {on.isoformat()}", item.valid_to
                )
            return attrs.evolve(item, valid_from=on)
        if not isinstance(item, str):
            raise ValidationError(f"{action}.into", "a Unit or the id of a unit", item)
        if item in sources:
            raise ValidationError(f"{action}.into", "a unit other than the ones that end", item)
        unit: Unit = self.session.get("units", item, f"{action}.into")
        if not unit.exists_between(on, on):
            raise ValidationError(f"{action}.into", f"a unit in force on {on.isoformat()}", item)
        return unit


def _unit_references(unit: Unit) -> list[Reference]:
    return [("units", unit.parent, "Unit.parent")] + [
        ("units", successor, "Unit.successors") for successor in unit.successors
    ]


def _id_list(name: str, value: Any) -> list[str]:
    """A non-empty list of distinct ids (a lone string is refused: it is a typo for a list)."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(name, "a list of unit ids", value)
    ids = list(value)
    if not ids or not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
        raise ValidationError(name, "a non-empty list of distinct unit ids", ids)
    return ids


def _move_to(unit: str, partners: Mapping[str, str], task: Task) -> Task:
    """``task`` led by ``unit``, its partners that ended replaced by their successors."""
    renamed = dict.fromkeys(partners.get(p, p) for p in task.partners)
    renamed.pop(unit, None)
    return attrs.evolve(task, unit=unit, partners=tuple(renamed))


def _rename(partners: Mapping[str, str], task: Task) -> Task:
    """``task`` with its partners that ended replaced by their successors."""
    return _move_to(task.unit, partners, task)
