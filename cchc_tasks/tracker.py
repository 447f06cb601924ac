"""The :class:`Tracker`: one object that ties the store, the plugins and the evaluation.

Every write method checks its input against the current state (inside the store's
transaction, so a batch sees its own earlier changes), then commits one journal line;
any error leaves the store exactly as it was. Every write accepts ``actor=`` and
``note=``, recorded with the change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import pluggy

from ._codec import structure, unstructure
from .calendar import (
    CalendarOverride,
    Deadline,
    WorkingCalendar,
    compute_deadline,
    default_calendar,
)
from .config import Config, Settings, load_settings
from .errors import DuplicateIdError, NotFoundError, StoreError, ValidationError
from .evaluation import Evaluation, RuleSet, choose_ruleset, run_evaluation
from .inspections import Inspection, Reminder
from .plans import Plan
from .plugins import Hooks, make_plugin_manager, plugin_versions
from .recurrence import AfterCompletion, Recurrence
from .results import Assessment, Discipline, Result
from .store import Change, Entry, Store, VerifyReport
from .targets import Target, register_rule_kind
from .tasks import ProgressReport, Task, TaskChain, TaskOutcome, TaskSeries, TaskStatus
from .units import Headship, Person, Unit

if TYPE_CHECKING:
    from .computed import ComputedIndices, CriteriaEntry, IndexComputation
    from .indices import Appraisal, Bonus, CriteriaTree, Penalty, SelfAssessment, UnitScorecard
    from .ranking import MergedResult
    from .surveys import SipasParams, SurveyResponse

__all__ = ["HistoryEntry", "ListenerWarning", "Tracker"]


class ListenerWarning(RuntimeWarning):
    """A ``cchc_task_changed`` listener failed after the change was saved."""


T = TypeVar("T")
ConfigSource = str | os.PathLike[str] | Mapping[str, Any] | Settings | None

# table name → (class, attribute names that are indexed)
_TABLES: dict[str, type[Any]] = {
    "units": Unit,
    "persons": Person,
    "headships": Headship,
    "plans": Plan,
    "targets": Target,
    "tasks": Task,
    "results": Result,
    "disciplines": Discipline,
    "assessments": Assessment,
    "calendar": CalendarOverride,
    "series": TaskSeries,
    "chains": TaskChain,
    "inspections": Inspection,
}
_KIND = {
    "units": "unit",
    "persons": "person",
    "headships": "headship",
    "plans": "plan",
    "targets": "target",
    "tasks": "task",
    "results": "result",
    "disciplines": "discipline",
    "assessments": "assessment",
    "calendar": "calendar override",
    "series": "task series",
    "chains": "task chain",
    "inspections": "inspection",
}
_INDEXES: dict[str, dict[str, Callable[[dict[str, Any]], Any]]] = {
    "tasks": {
        "unit": lambda d: d["unit"],
        "plan": lambda d: d["plan"],
        "status": lambda d: d["status"],
        "assignee": lambda d: d["assignee"],
        "year": lambda d: int(d["due"][:4]),
    },
    "units": {"parent": lambda d: d["parent"]},
    "persons": {"unit": lambda d: d["unit"]},
    "headships": {"unit": lambda d: d["unit"], "person": lambda d: d["person"]},
    "results": {"year": lambda d: d["year"], "unit": lambda d: d["unit"]},
    "disciplines": {"person": lambda d: d["person"]},
    "assessments": {"year": lambda d: d["year"]},
    # the tables of the indices section of Tracker (Tracker._INDEX_TABLES)
    "scorecards": {"year": lambda d: d["year"], "unit": lambda d: d["unit"]},
    "survey_responses": {"year": lambda d: int(d["date"][:4]), "unit": lambda d: d["unit"]},
    "index_computations": {"year": lambda d: d["year"]},
}
# Tables whose key is derived from other fields (a property), not stored as a field.
_DERIVED_KEYS = frozenset({"headships", "results", "assessments", "calendar", "series", "chains"})
# Fields a task update may change; status and completion have their own methods.
_UPDATABLE_TASK_FIELDS = frozenset(
    {
        "title",
        "due",
        "assignee",
        "partners",
        "field",
        "output",
        "weight",
        "budget",
        "quality_note",
        "unit",
        "errors",
        "deadline",
    }
)


@attrs.frozen
class HistoryEntry:
    """One change to one object: journal ``seq``, time ``at``, ``actor``, ``note`` and
    the ``change`` (``change.before`` / ``change.after`` documents)."""

    seq: int
    at: dt.datetime
    actor: str | None
    note: str | None
    change: Change


def _status(value: TaskStatus | str) -> str:
    try:
        return TaskStatus(value).value
    except ValueError:
        raise ValidationError(
            "tasks.status", f"one of {', '.join(s.value for s in TaskStatus)}", value
        ) from None


def _document(obj: Any) -> dict[str, Any]:
    doc = unstructure(obj)
    doc["id"] = obj.id  # Headship and Result derive their key; it is stored for TinyDB
    return doc


class Tracker:
    """The library's façade: open one with :meth:`open` (a folder) or :meth:`memory`."""

    #: Set on read-only views (:meth:`as_of`, the ``tracker`` of ``cchc_authorize``):
    #: what the view shows; every write method then raises :class:`StoreError`.
    _read_only: str | None = None

    def __init__(
        self,
        store: Store,
        pm: pluggy.PluginManager,
        *,
        actor: str | None = None,
        ruleset: str | None = None,
        config: ConfigSource = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._store = store
        self._pm = pm
        self._hooks = Hooks(pm)
        self.actor = actor
        self.ruleset = ruleset
        self._today = today
        # table → id → (document, decoded object); valid while the document is the same
        # object (the store replaces documents, never mutates them).
        self._cache: dict[str, dict[str, tuple[dict[str, Any], Any]]] = {t: {} for t in _TABLES}
        for kind in self._hooks.rule_kinds():
            register_rule_kind(kind)
        self.settings = load_settings(config, self._hooks.config_layers())
        for table, indexes in _INDEXES.items():
            for name, key in indexes.items():
                store.state.add_index(table, name, key)

    # -- opening and closing --------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        plugins: Iterable[object] = (),
        load_entrypoints: bool = True,
        actor: str | None = None,
        ruleset: str | None = None,
        config: ConfigSource = None,
        snapshot_min_bytes: int | None = None,
    ) -> Tracker:
        """Open (or create) the store folder at ``path``.

        ``plugins`` are extra plugin objects or modules; installed ``cchc_tasks`` entry
        points load too unless ``load_entrypoints=False``. ``actor`` is the default
        actor of writes; ``ruleset`` forces a rule set for every evaluation; ``config``
        is a TOML or JSON file (or a mapping) of rule parameters, see
        :mod:`cchc_tasks.config`. ``snapshot_min_bytes`` is how far the journal may grow
        past the snapshot before a new one is written (default 8 MiB; see the store
        format). A store of an older layout is migrated; a newer one raises
        :class:`StoreVersionError`.
        """
        pm = make_plugin_manager(plugins, load_entrypoints=load_entrypoints)
        if snapshot_min_bytes is None:
            store = Store(path)
        else:
            store = Store(path, snapshot_min_bytes=snapshot_min_bytes)
        try:
            return cls(store, pm, actor=actor, ruleset=ruleset, config=config)
        except BaseException:
            store.close()
            raise

    @classmethod
    def memory(
        cls,
        *,
        plugins: Iterable[object] = (),
        load_entrypoints: bool = True,
        actor: str | None = None,
        ruleset: str | None = None,
        config: ConfigSource = None,
    ) -> Tracker:
        """A tracker with the same API and nothing on disk."""
        pm = make_plugin_manager(plugins, load_entrypoints=load_entrypoints)
        return cls(Store(None), pm, actor=actor, ruleset=ruleset, config=config)

    def close(self) -> None:
        """Write a snapshot if anything changed and release the store. Idempotent.
        Closing a read-only view does nothing."""
        if self._read_only is None:
            self._store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self._store.path or "memory"
        return f"<Tracker {where} seq={self._store.seq}>"

    @property
    def path(self) -> str | None:
        """The store folder, or ``None`` for a memory tracker."""
        return self._store.path

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        return self._pm

    @property
    def seq(self) -> int:
        """The journal sequence number of the last change."""
        return self._store.seq

    def db(self) -> Any:
        """A read-only :class:`tinydb.TinyDB` over the current state, for ad-hoc queries
        with ``tinydb.Query``. Writes through it raise :class:`StoreError`."""
        return self._store.state.tinydb()

    def refresh(self) -> None:
        """Catch up with changes other processes wrote to the same store."""
        self._store.refresh()

    def snapshot(self) -> None:
        """Write the snapshot file now (it is also written on close)."""
        self._writable()
        self._store.snapshot()

    @property
    def read_only(self) -> bool:
        """Whether this is a read-only view (see :meth:`as_of`): every write raises."""
        return self._read_only is not None

    # -- the past, auditing, backups ----------------------------------------------------

    def as_of(self, when: dt.datetime | dt.date | int) -> Tracker:
        """A read-only tracker holding the state as it was at ``when``, so that queries
        and evaluations run as they would have run then.

        ``when`` is a timezone-aware datetime, a date (the end of that day, UTC), or a
        journal seq (``0`` is the empty store). The journal's lines are applied in order,
        from the first, up to the first line written after ``when`` (or with a higher
        seq). The view has the same plugins and configuration; ``entries()`` and
        ``history()`` stop where it stops; every write method raises
        :class:`StoreError`.
        """
        keep: Callable[[Entry], bool]
        if isinstance(when, dt.datetime):
            if when.utcoffset() is None:
                raise ValidationError("as_of.when", "a timezone-aware datetime", when)
            moment = when
            keep = lambda entry: entry.at <= moment  # noqa: E731
            label = when.isoformat()
        elif isinstance(when, dt.date):
            if when == dt.date.max:
                keep = lambda entry: True  # noqa: E731
            else:
                end = dt.datetime.combine(when + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
                keep = lambda entry: entry.at < end  # noqa: E731
            label = f"the end of {when.isoformat()} (UTC)"
        elif isinstance(when, int) and not isinstance(when, bool) and when >= 0:
            limit = when
            keep = lambda entry: entry.seq <= limit  # noqa: E731
            label = f"journal seq {when}"
        else:
            raise ValidationError(
                "as_of.when", "a timezone-aware datetime, a date or a journal seq (>= 0)", when
            )
        past = self._store.as_of(keep)
        if isinstance(when, int) and past.seq < when:
            raise ValidationError("as_of.when", f"a journal seq from 0 to {past.seq}", when)
        if not isinstance(when, int):
            label += f", journal seq {past.seq}"
        past.read_only = f"the store as of {label}"
        return self._view(past)

    def _view(self, store: Store) -> Tracker:
        """A read-only tracker over ``store`` with this one's plugins and settings. Over
        this tracker's own store it shares everything (the ``cchc_authorize`` view)."""
        if store is self._store:
            view = Tracker.__new__(Tracker)
            view.__dict__.update(self.__dict__)
        else:
            view = Tracker(
                store,
                self._pm,
                actor=self.actor,
                ruleset=self.ruleset,
                config=self.settings,
                today=self._today,
            )
        view._read_only = store.read_only or "a read-only view of the store"
        return view

    def verify(self) -> VerifyReport:
        """Walk the whole hash chain, from the first journal line, and check the
        snapshot against it; returns a :class:`VerifyReport` with the first line that
        was altered, removed or reordered.

        Unlike opening a store, which raises :class:`StoreCorruptError` for damage in
        the lines it reads, ``verify()`` never raises for tampering: it reports it.
        """
        return self._store.verify()

    def backup(self, dest: str | os.PathLike[str]) -> VerifyReport:
        """Write a consistent copy of the store into ``dest``, a new or empty folder,
        while others may go on writing: the journal up to now and a fresh snapshot,
        fsync'ed. The copy is an ordinary store folder; returns its :meth:`verify`
        report. A memory tracker's backup is a new store with its entries."""
        return self._store.backup(dest)

    # -- writing: plumbing ------------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self, actor: str | None = None, note: str | None = None) -> Iterator[Tracker]:
        """All writes inside become one journal line, or none if anything raises."""
        self._writable()
        with self._write(actor, note):
            yield self

    def _writable(self) -> None:
        """Refuse any write on a read-only view, before looking at the arguments."""
        if self._read_only is not None:
            raise StoreError(
                f"expected a writable tracker, got a read-only view ({self._read_only}); "
                "write through the tracker the store was opened with"
            )

    def _allow(self, action: str, target: Any) -> None:
        """Ask the ``cchc_authorize`` plugins (inside the write, before any change)."""
        if not self._pm.hook.cchc_authorize.get_hookimpls():
            return
        reader = self._view(self._store)  # cheap: shares the store, cache and settings
        self._hooks.authorize(self._store.pending_actor, action, target, reader)

    @contextlib.contextmanager
    def _write(self, actor: str | None, note: str | None) -> Iterator[None]:
        outermost = not self._store.in_transaction
        seq = self._store.seq
        with self._store.transaction(actor or self.actor, note):
            yield
        if outermost and self._store.seq != seq:
            self._notify(self._store.seq)

    def _notify(self, seq: int) -> None:
        entry = self._store.last_entry
        if entry is None or entry.seq != seq or not self._pm.hook.cchc_task_changed.get_hookimpls():
            return
        for change in entry.changes:
            if change.table != "tasks":
                continue
            failures = self._hooks.task_changed(
                self._decode("tasks", change.before) if change.before else None,
                self._decode("tasks", change.after) if change.after else None,
                entry.actor,
                entry.note,
                entry.at,
            )
            for exc in failures:
                # The change is durable; raising now would tell the caller it failed.
                warnings.warn(
                    f"{exc} (the change to task {change.id} was saved as journal entry "
                    f"{entry.seq}; only the notification failed)",
                    ListenerWarning,
                    stacklevel=4,
                )

    def _put(self, table: str, obj: Any) -> None:
        doc = _document(obj)
        self._store.put(table, doc)
        # The object is its document decoded: remember it so reads need not decode.
        self._cache[table][obj.id] = (doc, obj)

    def _decode(self, table: str, doc: dict[str, Any]) -> Any:
        key = doc["id"]
        cached = self._cache[table].get(key)
        if cached is not None and cached[0] is doc:
            return cached[1]
        data = doc if table not in _DERIVED_KEYS else {k: v for k, v in doc.items() if k != "id"}
        obj = structure(_TABLES[table], data)
        self._cache[table][key] = (doc, obj)
        return obj

    def _get(self, table: str, id: str, field: str | None = None) -> Any:
        doc = self._store.state.get(table, id) if isinstance(id, str) else None
        if doc is None:
            raise NotFoundError(_KIND[table], id, field)
        return self._decode(table, doc)

    def _exists(self, table: str, id: str | None) -> bool:
        return id is not None and self._store.state.get(table, id) is not None

    def _require(self, table: str, id: str | None, field: str) -> None:
        if id is not None and not self._exists(table, id):
            raise NotFoundError(_KIND[table], id, field)

    def _require_new(self, table: str, obj: Any) -> None:
        if self._exists(table, obj.id):
            raise DuplicateIdError(_KIND[table], obj.id)

    @staticmethod
    def _check_type(obj: Any, cls: type, name: str) -> None:
        if not isinstance(obj, cls):
            raise ValidationError(name, f"a {cls.__name__}", obj)

    # -- writing: units, people, plans --------------------------------------------------------

    def add_unit(self, unit: Unit, *, actor: str | None = None, note: str | None = None) -> Unit:
        """Add a unit; its parent and successors must exist already."""
        self._writable()
        self._check_type(unit, Unit, "add_unit.unit")
        with self._write(actor, note):
            self._allow("add_unit", unit)
            self._require_new("units", unit)
            self._require("units", unit.parent, "Unit.parent")
            for successor in unit.successors:
                self._require("units", successor, "Unit.successors")
            self._put("units", unit)
        return unit

    def add_person(
        self, person: Person, *, actor: str | None = None, note: str | None = None
    ) -> Person:
        self._writable()
        self._check_type(person, Person, "add_person.person")
        with self._write(actor, note):
            self._allow("add_person", person)
            self._require_new("persons", person)
            self._require("units", person.unit, "Person.unit")
            self._put("persons", person)
        return person

    def appoint_head(
        self,
        unit: str,
        person: str,
        start: dt.date,
        end: dt.date | None = None,
        *,
        actor: str | None = None,
        note: str | None = None,
    ) -> Headship:
        """Record that ``person`` heads ``unit`` from ``start`` (to ``end``, inclusive).

        Headships of one unit may not overlap: end the current one first
        (:meth:`end_headship`).
        """
        self._writable()
        headship = Headship(unit=unit, person=person, start=start, end=end)
        with self._write(actor, note):
            self._allow("appoint_head", headship)
            self._require("units", headship.unit, "Headship.unit")
            self._require("persons", headship.person, "Headship.person")
            for other in self.headships(headship.unit):
                if other.overlaps(headship.start, headship.end):
                    until = other.end.isoformat() if other.end else "open-ended"
                    raise ValidationError(
                        "Headship.start",
                        f"no overlap with {other.person}'s headship of {other.unit} "
                        f"({other.start.isoformat()} to {until})",
                        headship.start,
                    )
            self._put("headships", headship)
        return headship

    def end_headship(
        self, unit: str, end: dt.date, *, actor: str | None = None, note: str | None = None
    ) -> Headship:
        """Close the open headship of ``unit`` on ``end`` (inclusive)."""
        self._writable()
        with self._write(actor, note):
            current = [h for h in self.headships(unit) if h.end is None]
            if not current:
                raise ValidationError("end_headship.unit", "a unit with an open headship", unit)
            self._allow("end_headship", current[0])
            ended = Headship(
                unit=current[0].unit, person=current[0].person, start=current[0].start, end=end
            )
            self._put("headships", ended)
        return ended

    def add_plan(self, plan: Plan, *, actor: str | None = None, note: str | None = None) -> Plan:
        self._writable()
        self._check_type(plan, Plan, "add_plan.plan")
        with self._write(actor, note):
            self._allow("add_plan", plan)
            self._require_new("plans", plan)
            self._require("units", plan.unit, "Plan.unit")
            self._require("plans", plan.parent, "Plan.parent")
            self._put("plans", plan)
        return plan

    def add_target(
        self, target: Target, *, actor: str | None = None, note: str | None = None
    ) -> Target:
        self._writable()
        self._check_type(target, Target, "add_target.target")
        with self._write(actor, note):
            self._allow("add_target", target)
            self._require_new("targets", target)
            self._require("plans", target.plan, "Target.plan")
            self._require("units", target.unit, "Target.unit")
            self._put("targets", target)
        return target

    # -- writing: tasks --------------------------------------------------------------------

    def _check_task(self, task: Task) -> None:
        plan = self._get("plans", task.plan, "Task.plan")
        self._require("units", task.unit, "Task.unit")
        self._require("persons", task.assignee, "Task.assignee")
        for partner in task.partners:
            self._require("units", partner, "Task.partners")
        if not plan.covers(task.due):
            raise ValidationError(
                "Task.due",
                f"a date within plan {plan.id} ({plan.start.isoformat()} to "
                f"{plan.end.isoformat()})",
                task.due,
            )

    def add_task(self, task: Task, *, actor: str | None = None, note: str | None = None) -> Task:
        """Add a task; its plan, units and assignee must exist and it must fall due
        within the plan's period."""
        self._writable()
        self._check_type(task, Task, "add_task.task")
        if actor is None and note is None and self._store.in_transaction:
            # Inside a batch (a 50,000-task import): every check comes before the one
            # put, so a failure changes nothing and no nested transaction is needed.
            self._add_task(task)
            return task
        with self._write(actor, note):
            self._add_task(task)
        return task

    def _add_task(self, task: Task) -> None:
        self._allow("add_task", task)
        self._require_new("tasks", task)
        self._check_task(task)
        self._put("tasks", task)

    def add_tasks(
        self, tasks: Iterable[Task], *, actor: str | None = None, note: str | None = None
    ) -> int:
        """Add many tasks as one batch (all or nothing); returns how many."""
        self._writable()
        count = 0
        with self._write(actor, note):
            for task in tasks:
                self.add_task(task)
                count += 1
        return count

    def _replace_task(
        self,
        action: str,
        id: str,
        actor: str | None,
        note: str | None,
        change: Callable[[Task], Task],
    ) -> Task:
        self._writable()
        with self._write(actor, note):
            task = self._get("tasks", id, "task id")
            self._allow(action, task)
            updated = change(task)
            if updated.unit != task.unit:
                self._allow(action, updated)  # moved: asked for the unit it goes to as well
            self._check_task(updated)
            self._put("tasks", updated)
        return updated

    def update_task(
        self, id: str, *, actor: str | None = None, note: str | None = None, **changes: Any
    ) -> Task:
        """Change a task's details (title, due, assignee, partners, field, output, weight,
        budget, quality_note, unit, deadline). Use :meth:`complete_task`, :meth:`cancel_task` and
        :meth:`reopen_task` for its status."""
        self._writable()
        unknown = sorted(set(changes) - _UPDATABLE_TASK_FIELDS)
        if unknown:
            raise ValidationError(
                f"update_task.{unknown[0]}", f"one of {sorted(_UPDATABLE_TASK_FIELDS)}", unknown[0]
            )
        return self._replace_task(
            "update_task", id, actor, note, lambda t: attrs.evolve(t, **changes)
        )

    def complete_task(
        self,
        id: str,
        on: dt.date,
        *,
        exceeded: bool = False,
        quality_note: str | None = None,
        errors: int | None = None,
        actor: str | None = None,
        note: str | None = None,
    ) -> Task:
        """Mark a task done on ``on``; ``exceeded`` flags "hoàn thành vượt mức", ``errors``
        records major errors found in its output. Calling it again on a done task
        corrects the record (the journal keeps the old one)."""

        def done(task: Task) -> Task:
            if task.status is TaskStatus.CANCELLED:
                raise ValidationError(
                    "Task.status", "an open or done task to complete", task.status.value
                )
            return attrs.evolve(
                task,
                status=TaskStatus.DONE,
                completed_on=on,
                exceeded=exceeded,
                quality_note=task.quality_note if quality_note is None else quality_note,
                errors=task.errors if errors is None else errors,
            )

        self._writable()
        with self._write(actor, note):
            was_open = self._get("tasks", id, "task id").status is TaskStatus.OPEN
            task = self._replace_task("complete_task", id, None, None, done)
            if was_open and task.series is not None:
                self._follow_chain(task)  # in the same journal line as the completion
        return task

    def cancel_task(
        self, id: str, reason: str, *, actor: str | None = None, note: str | None = None
    ) -> Task:
        """Cancel a task (it stops counting); ``reason`` is required."""

        def cancel(task: Task) -> Task:
            if not isinstance(reason, str) or not reason.strip():
                raise ValidationError("cancel_task.reason", "a non-empty reason", reason)
            return attrs.evolve(
                task,
                status=TaskStatus.CANCELLED,
                completed_on=None,
                exceeded=False,
                cancel_reason=reason,
            )

        return self._replace_task("cancel_task", id, actor, note, cancel)

    def reopen_task(self, id: str, *, actor: str | None = None, note: str | None = None) -> Task:
        """Set a done or cancelled task back to open."""
        return self._replace_task(
            "reopen_task",
            id,
            actor,
            note,
            lambda t: attrs.evolve(
                t, status=TaskStatus.OPEN, completed_on=None, exceeded=False, cancel_reason=""
            ),
        )

    def report_progress(
        self, id: str, report: ProgressReport, *, actor: str | None = None, note: str | None = None
    ) -> Task:
        """Attach a progress report (with evidence) to a task."""
        self._writable()
        self._check_type(report, ProgressReport, "report_progress.report")

        def add(task: Task) -> Task:
            self._require("persons", report.by, "ProgressReport.by")
            return attrs.evolve(task, progress=(*task.progress, report))

        return self._replace_task("report_progress", id, actor, note, add)

    # -- writing: results and discipline ---------------------------------------------------

    def record_result(
        self, result: Result, *, actor: str | None = None, note: str | None = None
    ) -> Result:
        """Record (or correct) a unit's indicator result for a year."""
        self._writable()
        self._check_type(result, Result, "record_result.result")
        with self._write(actor, note):
            self._allow("record_result", result)
            self._require("units", result.unit, "Result.unit")
            self._put("results", result)
        return result

    def discipline(
        self,
        person: str,
        on: dt.date,
        reason: str,
        *,
        form: str = "",
        actor: str | None = None,
        note: str | None = None,
    ) -> Discipline:
        """Record a disciplinary decision against ``person`` issued ``on`` a date."""
        self._writable()
        record = Discipline(person=person, on=on, reason=reason, form=form)
        with self._write(actor, note):
            self._require("persons", record.person, "Discipline.person")
            number = len(self._store.state.lookup("disciplines", "person", record.person))
            record = attrs.evolve(record, id=f"{record.person}#{number + 1}")
            self._allow("discipline", record)
            self._put("disciplines", record)
        return record

    def record_assessment(
        self,
        person: str,
        year: int,
        general_points: float,
        *,
        by: str = "",
        note: str | None = None,
        actor: str | None = None,
    ) -> Assessment:
        """Record (or correct) a person's general-criteria points for a year (Decree
        335/2025: up to 30 by default; the task part is computed, never typed in)."""
        self._writable()
        assessment = Assessment(
            person=person, year=year, general_points=general_points, by=by, note=note or ""
        )
        with self._write(actor, note):
            self._allow("record_assessment", assessment)
            self._require("persons", assessment.person, "Assessment.person")
            limit = self.settings.for_year(assessment.year).decree335.general_max
            if assessment.general_points > limit:
                raise ValidationError(
                    "Assessment.general_points",
                    f"points from 0 to {limit:g}",
                    assessment.general_points,
                )
            self._put("assessments", assessment)
        return assessment

    # -- reading ----------------------------------------------------------------------------

    def unit(self, id: str) -> Unit:
        result: Unit = self._get("units", id)
        return result

    def person(self, id: str) -> Person:
        result: Person = self._get("persons", id)
        return result

    def plan(self, id: str) -> Plan:
        result: Plan = self._get("plans", id)
        return result

    def target(self, id: str) -> Target:
        result: Target = self._get("targets", id)
        return result

    def task(self, id: str) -> Task:
        result: Task = self._get("tasks", id)
        return result

    def _all(self, table: str, keys: Iterable[str] | None = None) -> list[Any]:
        state = self._store.state
        decode = self._decode
        if keys is None:
            return [decode(table, d) for d in state.docs(table)]
        # The hot path of every indexed query: local names, the cache checked inline.
        docs = state.raw.get(table, {})
        doc_ids = state.keys.get(table, {})
        cache = self._cache[table]
        found = []
        for key in keys:
            doc_id = doc_ids.get(key)
            if doc_id is None:
                continue
            doc = docs[doc_id]
            hit = cache.get(key)
            found.append(hit[1] if hit is not None and hit[0] is doc else decode(table, doc))
        return found

    def units(self, *, parent: str | None = None) -> list[Unit]:
        """All units, sorted by id (only the children of ``parent`` if given)."""
        keys = None if parent is None else self._store.state.lookup("units", "parent", parent)
        return sorted(self._all("units", keys), key=lambda u: u.id)

    def persons(self, *, unit: str | None = None) -> list[Person]:
        keys = None if unit is None else self._store.state.lookup("persons", "unit", unit)
        return sorted(self._all("persons", keys), key=lambda p: p.id)

    def plans(self) -> list[Plan]:
        return sorted(self._all("plans"), key=lambda p: p.id)

    def targets(self) -> list[Target]:
        return sorted(self._all("targets"), key=lambda t: t.id)

    def headships(self, unit: str | None = None, *, person: str | None = None) -> list[Headship]:
        """Headships, oldest first; of one unit and/or one person if given."""
        state = self._store.state
        keys: set[str] | None = None
        if unit is not None:
            keys = set(state.lookup("headships", "unit", unit))
        if person is not None:
            found = state.lookup("headships", "person", person)
            keys = set(found) if keys is None else keys & found
        return sorted(self._all("headships", keys), key=lambda h: (h.start, h.unit))

    def heads(self, unit: str, on: dt.date) -> list[Person]:
        """Who headed ``unit`` on a day (normally one person, or nobody)."""
        return [self.person(h.person) for h in self.headships(unit) if h.overlaps(on, on)]

    def disciplines(self, person: str | None = None) -> list[Discipline]:
        keys = None if person is None else self._store.state.lookup("disciplines", "person", person)
        return sorted(self._all("disciplines", keys), key=lambda d: (d.on, d.id))

    def results(
        self, *, indicator: str | None = None, unit: str | None = None, year: int | None = None
    ) -> list[Result]:
        """Indicator results, filtered by any of indicator, unit and year."""
        state = self._store.state
        if indicator is not None and unit is not None and year is not None:
            doc = state.get("results", f"{indicator}@{unit}@{year}")
            return [] if doc is None else [self._decode("results", doc)]
        keys: set[str] | None = None
        if year is not None:
            keys = set(state.lookup("results", "year", year))
        if unit is not None:
            found = state.lookup("results", "unit", unit)
            keys = set(found) if keys is None else keys & found
        found_results = [
            r for r in self._all("results", keys) if indicator is None or r.indicator == indicator
        ]
        return sorted(found_results, key=lambda r: (r.year, str(r.indicator), r.unit))

    def tasks(
        self,
        *,
        unit: str | None = None,
        plan: str | None = None,
        status: TaskStatus | str | None = None,
        assignee: str | None = None,
        due_from: dt.date | None = None,
        due_to: dt.date | None = None,
    ) -> list[Task]:
        """Tasks matching every filter given, sorted by due date then id.

        ``unit`` matches the lead unit; ``due_from``/``due_to`` are inclusive.
        """
        state = self._store.state
        keys: set[str] | None = None
        for index, value in (
            ("unit", unit),
            ("plan", plan),
            ("assignee", assignee),
            ("status", None if status is None else _status(status)),
        ):
            if value is not None:
                found = state.lookup("tasks", index, value)
                keys = set(found) if keys is None else keys & found
        if keys is None and (due_from is not None or due_to is not None):
            first = (
                due_from.year if due_from else min(state.index_values("tasks", "year"), default=0)
            )
            last = due_to.year if due_to else max(state.index_values("tasks", "year"), default=0)
            keys = set()
            for year in range(first, last + 1):
                keys |= state.lookup("tasks", "year", year)
        found_tasks = [
            t
            for t in self._all("tasks", keys)
            if (due_from is None or t.due >= due_from) and (due_to is None or t.due <= due_to)
        ]
        return sorted(found_tasks, key=lambda t: (t.due, t.id))

    def assessments(
        self, *, person: str | None = None, year: int | None = None
    ) -> list[Assessment]:
        """Recorded assessments, by person and/or year."""
        keys = None if year is None else self._store.state.lookup("assessments", "year", year)
        found = [a for a in self._all("assessments", keys) if person is None or a.person == person]
        return sorted(found, key=lambda a: (a.year, a.person))

    def config(self, year: int) -> Config:
        """The rule parameters in force for the evaluation of ``year``."""
        return self.settings.for_year(year)

    def tasks_due_in(self, year: int, *, sort: bool = True) -> list[Task]:
        """Every task whose due date falls in ``year`` (the year it counts in), by due
        date then id (``sort=False`` skips the sorting, for bulk work)."""
        keys = self._store.state.lookup("tasks", "year", year)
        found: list[Task] = self._all("tasks", keys)
        return sorted(found, key=lambda t: (t.due, t.id)) if sort else found

    def overdue(self, as_of: dt.date, *, unit: str | None = None) -> list[Task]:
        """Tasks not completed by ``as_of`` whose due date is before it (cancelled
        excluded), oldest first."""
        from .rulesets.outcomes import classify

        candidates = self.tasks(unit=unit, due_to=as_of - dt.timedelta(days=1))
        return [t for t in candidates if classify(t, as_of) is TaskOutcome.OVERDUE]

    # -- time: deadlines, reminders, inspections, succession ---------------------------------

    #: The calendar last built by :meth:`calendar`, reused while the overrides are the same.
    _calendar_cache: WorkingCalendar | None = None

    def calendar(self) -> WorkingCalendar:
        """The working-day calendar of this store: Vietnamese public holidays (the
        ``holidays`` package) plus the overrides recorded with
        :meth:`add_calendar_override`. Its ``version`` changes with any override."""
        overrides = tuple(sorted(self._all("calendar"), key=lambda o: o.day))
        cached = self._calendar_cache
        if cached is not None and cached.overrides == overrides:
            return cached
        made = default_calendar() if not overrides else WorkingCalendar(overrides=overrides)
        self._calendar_cache = made
        return made

    def add_calendar_override(
        self, override: CalendarOverride, *, actor: str | None = None, note: str | None = None
    ) -> CalendarOverride:
        """Record a decided day off or working day (the yearly Tết schedule, a swap). An
        override for a day that has one replaces it: a later decision supersedes the
        earlier one, and the journal keeps both. Deadlines already computed do not move
        (see :meth:`recompute_deadline`)."""
        self._writable()
        self._check_type(override, CalendarOverride, "add_calendar_override.override")
        first, last = default_calendar().supported_years
        if not first <= override.day.year <= last:
            raise ValidationError(
                "CalendarOverride.day",
                f"a day in {first}–{last}, the years the calendar covers",
                override.day,
            )
        with self._write(actor, note):
            self._allow("add_calendar_override", override)
            self._put("calendar", override)
        return override

    def remove_calendar_override(
        self, day: dt.date, *, actor: str | None = None, note: str | None = None
    ) -> CalendarOverride:
        """Remove the override of ``day`` (a decision withdrawn); returns it."""
        self._writable()
        _check_day("remove_calendar_override.day", day)
        with self._write(actor, note):
            removed: CalendarOverride = self._get(
                "calendar", day.isoformat(), "remove_calendar_override.day"
            )
            self._allow("remove_calendar_override", removed)
            self._store.delete("calendar", removed.id)
        return removed

    def deadline(self, start: dt.date, working_days: int) -> Deadline:
        """The deadline ``working_days`` working days after ``start`` by this store's
        :meth:`calendar`, recording the calendar version. Give it to a task as both its
        ``due`` and its ``deadline``: ``Task(..., due=d.due, deadline=d)``."""
        _check_day("deadline.start", start)
        if isinstance(working_days, bool) or not isinstance(working_days, int):
            raise ValidationError("deadline.working_days", "a whole number", working_days)
        return compute_deadline(start, working_days, self.calendar())

    def recompute_deadline(
        self, id: str, *, actor: str | None = None, note: str | None = None
    ) -> Task:
        """Recompute a task's working-day deadline with the calendar as it is now and
        move its due date accordingly: the only way a calendar decision moves a deadline
        already set. Does nothing (no journal line) when the deadline is current."""
        self._writable()

        def recompute(task: Task) -> Task:
            if task.deadline is None:
                raise ValidationError(
                    "Task.deadline", f"a task whose due date is a working-day deadline ({id})", None
                )
            fresh = task.deadline.recompute(self.calendar())
            return attrs.evolve(task, due=fresh.due, deadline=fresh)

        with self._write(actor, note):  # an empty write leaves no journal line
            task: Task = self._get("tasks", id, "recompute_deadline.id")
            if task.deadline is not None and task.deadline == recompute(task).deadline:
                return task
            return self._replace_task("recompute_deadline", id, None, None, recompute)

    def deadlines_to_check(self, *, open_only: bool = True) -> list[Task]:
        """Tasks whose working-day deadline was computed with another calendar version
        than the current one (open tasks only, unless ``open_only=False``): a decision
        recorded since may move them, and :meth:`recompute_deadline` says."""
        version = self.calendar().version
        found = self.tasks(status=TaskStatus.OPEN) if open_only else self.tasks()
        return [
            t for t in found if t.deadline is not None and t.deadline.calendar_version != version
        ]

    # recurring tasks

    def add_recurring_task(
        self,
        template: Task,
        recurrence: Recurrence,
        *,
        through: int,
        actor: str | None = None,
        note: str | None = None,
    ) -> TaskSeries:
        """Add a recurring task: ``template`` (its ``due`` is not used) repeated on the
        due dates of ``recurrence``, as one ordinary task per occurrence up to the end of
        the year ``through``. Each occurrence has the id ``"<template id>@<nominal day>"``,
        its own due date (moved off days off by this store's calendar when the recurrence
        says so), ``series`` set to the template's id, and is completed, cancelled or
        missed on its own; it counts in the year of its due date. Later years are added by
        :meth:`extend_series`. Occurrences after the plan's end are not generated.
        Returns the :class:`TaskSeries`."""
        self._writable()
        self._check_type(template, Task, "add_recurring_task.template")
        self._check_type(recurrence, Recurrence, "add_recurring_task.recurrence")
        series = TaskSeries(template=template, recurrence=recurrence, through=through)
        with self._write(actor, note):
            self._allow("add_recurring_task", series)
            self._require_new("series", series)
            plan = self._get("plans", template.plan, "Task.plan")
            self._check_through("add_recurring_task.through", series, through, plan)
            self._check_task(attrs.evolve(template, due=plan.start))
            self._put("series", series)
            self._materialise(series, recurrence.start, self._window_end(through, plan))
        return series

    def extend_series(
        self, id: str, through: int, *, actor: str | None = None, note: str | None = None
    ) -> list[Task]:
        """Generate the occurrences of a recurring task up to the end of ``through``;
        returns the new tasks (none when the years exist already). Occurrences already
        generated are never changed."""
        self._writable()
        with self._write(actor, note):
            series: TaskSeries = self._get("series", id, "extend_series.id")
            self._allow("extend_series", series)
            if isinstance(through, bool) or not isinstance(through, int):
                raise ValidationError("extend_series.through", "a year such as 2026", through)
            if through <= series.through:
                return []
            plan = self._get("plans", series.template.plan, "Task.plan")
            self._check_through("extend_series.through", series, through, plan)
            # From the start of the last year generated: an occurrence that a calendar
            # decision moved back into that year is generated rather than lost.
            first = max(series.recurrence.start, dt.date(series.through, 1, 1))
            made = self._materialise(series, first, self._window_end(through, plan))
            self._put("series", attrs.evolve(series, through=through))
        return made

    @staticmethod
    def _check_through(name: str, series: TaskSeries, through: int, plan: Plan) -> None:
        first, last = series.recurrence.start.year, plan.end.year
        if (
            isinstance(through, bool)
            or not isinstance(through, int)
            or not first <= through <= last
        ):
            raise ValidationError(
                name,
                f"a year from {first} (the recurrence's start) to {last} (the end of plan "
                f"{plan.id})",
                through,
            )

    @staticmethod
    def _window_end(through: int, plan: Plan) -> dt.date:
        return min(dt.date(through, 12, 31), plan.end)

    def _materialise(self, series: TaskSeries, first: dt.date, last: dt.date) -> list[Task]:
        made: list[Task] = []
        if last < first:
            return made
        calendar = self.calendar()
        for occurrence in series.recurrence.occurrences(between=(first, last), calendar=calendar):
            task_id = series.occurrence_id(occurrence.key)
            if self._exists("tasks", task_id):
                continue
            task = attrs.evolve(series.template, id=task_id, due=occurrence.due, series=series.id)
            made.append(self.add_task(task))
        return made

    def add_task_chain(
        self,
        first: Task,
        rule: AfterCompletion,
        *,
        actor: str | None = None,
        note: str | None = None,
    ) -> TaskChain:
        """Add a task that comes back ``rule`` after each completion (e.g. "a report 30
        days after the previous one was sent"): the first occurrence is due on
        ``first.due``; completing an occurrence adds the next one, due
        ``rule.next_due(completed_on)`` by this store's calendar, in the same journal line.
        The chain ends at ``rule.until`` or at the end of the plan. Returns the
        :class:`~cchc_tasks.tasks.TaskChain`."""
        self._writable()
        self._check_type(first, Task, "add_task_chain.first")
        self._check_type(rule, AfterCompletion, "add_task_chain.rule")
        chain = TaskChain(template=first, rule=rule)
        with self._write(actor, note):
            self._allow("add_task_chain", chain)
            self._require_new("chains", chain)
            self._put("chains", chain)
            first_id = chain.occurrence_id(first.due)
            if not self._exists("tasks", first_id):  # a store being restored has it
                self.add_task(attrs.evolve(first, id=first_id, series=chain.id))
        return chain

    def chain(self, id: str) -> TaskChain:
        """An after-completion chain (its template and rule)."""
        result: TaskChain = self._get("chains", id)
        return result

    def chain_tasks(self, id: str) -> list[Task]:
        """The occurrences of an after-completion chain so far, by due date."""
        found = self.chain(id)
        return [t for t in self.tasks() if t.series == found.id]

    def _follow_chain(self, done: Task) -> None:
        doc = self._store.state.get("chains", done.series) if done.series else None
        if doc is None or done.completed_on is None:
            return  # a periodic series, or no chain: nothing follows a completion
        chain: TaskChain = self._decode("chains", doc)
        due = chain.rule.next_due(done.completed_on, self.calendar())
        plan = self._get("plans", done.plan, "Task.plan")
        if due is None or not plan.covers(due):
            return
        next_id = chain.occurrence_id(due)
        later = [t for t in self.tasks(unit=done.unit) if t.series == chain.id and t.due > done.due]
        if self._exists("tasks", next_id) or later:
            return  # completed again after a reopen: the next occurrence exists already
        # The next occurrence is the one just done, reopened and due again: it follows a
        # unit change (a merger) that moved the previous one.
        self.add_task(
            attrs.evolve(
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
        )

    def series(self, id: str) -> TaskSeries:
        """A recurring task's :class:`TaskSeries` (template, recurrence, last year
        generated)."""
        result: TaskSeries = self._get("series", id)
        return result

    def occurrences(self, series: str, year: int | None = None) -> list[Task]:
        """The occurrences of a recurring task (of ``year`` only, if given) as tasks, by
        due date. A year after the last one generated is an error rather than an empty
        list: generate it first with :meth:`extend_series`."""
        found = self.series(series)
        if year is not None and (
            isinstance(year, bool) or not isinstance(year, int) or year > found.through
        ):
            raise ValidationError(
                "occurrences.year",
                f"a year up to {found.through}, the last generated for {series} "
                "(extend_series generates later years)",
                year,
            )
        years = (
            [year]
            if year is not None
            else range(found.recurrence.start.year - 1, found.through + 2)
        )
        tasks = [t for y in years for t in self.tasks_due_in(y) if t.series == found.id]
        return sorted(tasks, key=lambda t: (t.due, t.id))

    # inspect and urge ("kiểm tra, đôn đốc")

    def due_soon(
        self,
        as_of: dt.date,
        within_days: int,
        *,
        working_days: bool = False,
        unit: str | None = None,
    ) -> list[Task]:
        """Tasks not done by ``as_of`` (and not cancelled) that fall due from ``as_of``
        to ``within_days`` days after it, inclusive; working days of this store's calendar
        when ``working_days=True``. Soonest first."""
        from .rulesets.outcomes import classify

        _check_day("due_soon.as_of", as_of)
        if isinstance(within_days, bool) or not isinstance(within_days, int) or within_days < 0:
            raise ValidationError("due_soon.within_days", "a whole number >= 0", within_days)
        if working_days:
            horizon = self.calendar().add_working_days(as_of, within_days)
            horizon = max(horizon, as_of)
        else:
            horizon = as_of + dt.timedelta(days=within_days)
        candidates = self.tasks(unit=unit, due_from=as_of, due_to=horizon)
        return [t for t in candidates if classify(t, as_of) is TaskOutcome.PENDING]

    def stale(self, as_of: dt.date, days: int, *, unit: str | None = None) -> list[Task]:
        """Tasks not done by ``as_of`` (and not cancelled) without a progress report in
        the ``days`` days up to ``as_of``: the last report on or before ``as_of`` is older,
        or there is none and the task's year began at least ``days`` days ago (the
        tracker does not know when a task was assigned, so 1 January of its year stands
        in for it; for an occurrence of a recurring task, the due date of the occurrence
        before it). Tasks of later years are not stale. Oldest due date first."""
        from .rulesets.outcomes import classify

        _check_day("stale.as_of", as_of)
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValidationError("stale.days", "a whole number of days >= 1", days)
        cutoff = as_of - dt.timedelta(days=days)
        candidates = self.tasks(unit=unit, due_to=dt.date(as_of.year, 12, 31))
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
            if classify(task, as_of) not in (TaskOutcome.PENDING, TaskOutcome.OVERDUE):
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
        *,
        within_days: int = 7,
        working_days: bool = False,
        stale_days: int | None = 30,
        unit: str | None = None,
    ) -> list[Reminder]:
        """What each person must act on as of ``as_of``, and who urges them: one
        :class:`~cchc_tasks.inspections.Reminder` per (person, head), with the overdue
        tasks, those due within ``within_days`` (:meth:`due_soon`) and those without a
        progress report for ``stale_days`` (:meth:`stale`; ``None`` leaves them out). Each
        task is listed once, under the first of these that applies. The person is the
        task's assignee, or the head of its lead unit; the head is the head of the lead
        unit on ``as_of`` (of its successor if the unit has ended), or of the unit above
        when that is the person themself. Sorted by person, then head."""
        found: dict[str, tuple[str, Task]] = {}
        for task in self.overdue(as_of, unit=unit):
            found.setdefault(task.id, ("overdue", task))
        for task in self.due_soon(as_of, within_days, working_days=working_days, unit=unit):
            found.setdefault(task.id, ("due_soon", task))
        if stale_days is not None:
            for task in self.stale(as_of, stale_days, unit=unit):
                found.setdefault(task.id, ("stale", task))
        chains: dict[str, list[str]] = {}
        groups: dict[tuple[str | None, str | None], dict[str, list[Task]]] = {}
        for kind, task in found.values():
            chain = chains.get(task.unit)
            if chain is None:
                chain = chains[task.unit] = self._urging_chain(task.unit, as_of)
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

    def _urging_chain(self, unit: str, as_of: dt.date) -> list[str]:
        """The heads who answer for ``unit``'s work on ``as_of``, nearest first: its head
        (or, once it has ended, the head of its first successor that has one), then the
        heads of the units above."""
        chain: list[str] = []
        seen: set[str] = set()
        current: str | None = unit
        while current is not None and current not in seen:
            seen.add(current)
            u: Unit = self.unit(current)
            heads = self.heads(current, as_of)
            if not heads and u.valid_to is not None and u.valid_to < as_of:
                for successor in u.successors:
                    if successor not in seen and self.heads(successor, as_of):
                        current = successor
                        break
                else:
                    current = u.parent
                continue
            chain.extend(p.id for p in heads if p.id not in chain)
            current = u.parent
        return chain

    def record_inspection(
        self, inspection: Inspection, *, actor: str | None = None, note: str | None = None
    ) -> Inspection:
        """Record (or correct) an inspection of units and tasks, with its findings and
        follow-up tasks; the inspector, units and tasks must exist."""
        self._writable()
        self._check_type(inspection, Inspection, "record_inspection.inspection")
        with self._write(actor, note):
            self._allow("record_inspection", inspection)
            self._require("persons", inspection.inspector, "Inspection.inspector")
            for uid in inspection.units:
                self._require("units", uid, "Inspection.units")
            for tid in inspection.tasks:
                self._require("tasks", tid, "Inspection.tasks")
            for tid in inspection.follow_up:
                self._require("tasks", tid, "Inspection.follow_up")
            self._put("inspections", inspection)
        return inspection

    def inspection(self, id: str) -> Inspection:
        result: Inspection = self._get("inspections", id)
        return result

    def inspections(
        self, *, unit: str | None = None, task: str | None = None, inspector: str | None = None
    ) -> list[Inspection]:
        """Inspections, oldest first: of ``unit``, of ``task`` (inspected or set as a
        follow-up), by ``inspector``."""
        found = [
            i
            for i in self._all("inspections")
            if (unit is None or unit in i.units)
            and (task is None or task in i.tasks or task in i.follow_up)
            and (inspector is None or i.inspector == inspector)
        ]
        return sorted(found, key=lambda i: (i.on, i.id))

    # the unit tree over time

    def units_on(self, day: dt.date) -> list[Unit]:
        """The units in force on ``day``, sorted by id."""
        _check_day("units_on.day", day)
        return [u for u in self.units() if u.exists_between(day, day)]

    def predecessors(self, id: str) -> list[Unit]:
        """The units that name ``id`` among their successors (merged into it or split
        into it), sorted by id."""
        self.unit(id)
        return [u for u in self.units() if id in u.successors]

    def merge_units(
        self,
        sources: Iterable[str],
        into: Unit | str,
        on: dt.date,
        *,
        move_open_tasks: bool = True,
        actor: str | None = None,
        note: str | None = None,
    ) -> Unit:
        """Merge ``sources`` into one unit from ``on``: ``into`` is a new :class:`Unit`
        (its ``valid_from`` becomes ``on``) or the id of a unit in force on ``on``.

        Each source ends the day before (``valid_to = on − 1``) with ``into`` among its
        successors, and its open headship ends then too. With ``move_open_tasks``, its
        tasks not done and due on or after ``on`` move to the successor, and open tasks
        that named a source as a partner name the successor instead; tasks due before
        ``on`` stay: they are the old unit's record, so evaluating an earlier year gives
        what it gave before. One journal line; its note says what moved. Returns the
        successor."""
        self._writable()
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
        *,
        assign: Mapping[str, str] | None = None,
        actor: str | None = None,
        note: str | None = None,
    ) -> list[Unit]:
        """Split unit ``id`` into several from ``on``: each of ``into`` is a new
        :class:`Unit` (``valid_from`` becomes ``on``) or the id of a unit in force then.

        As :meth:`merge_units`: the unit ends the day before, with the new units as its
        successors, and its open headship ends. Its tasks not done and due on or after
        ``on`` move to the unit ``assign`` names for them (task id → one of the
        successors), the others to the first successor, which also replaces the unit as
        a partner of open tasks. Returns the successors."""
        self._writable()
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
        _check_day(f"{action}.on", on)
        named = [item.id if isinstance(item, Unit) else item for item in into]
        described = f"{action}: {', '.join(sources)} → {', '.join(map(str, named))} on {on}; " + (
            "their open tasks due from that day moved" if move_open_tasks else "no task moved"
        )
        with self._write(actor, f"{note} ({described})" if note else described):
            # Checked inside the write: a writer first catches up with other processes.
            end = on - dt.timedelta(days=1)
            ended = [self._unit_to_end(action, sid, on) for sid in sources]
            successors: list[Unit] = []
            for item in into:
                successor = self._successor(action, item, on, sources)
                if successor.id in {s.id for s in successors}:
                    raise ValidationError(
                        f"{action}.into", "successors without repeats", successor.id
                    )
                successors.append(successor)
            new_ids = [s.id for s in successors]
            for unit in ended:
                for h in self.headships(unit.id):
                    if h.start >= on:
                        raise ValidationError(
                            f"{action}.on",
                            f"a date after {h.person}'s headship of {h.unit} starts "
                            f"({h.start.isoformat()})",
                            on,
                        )
            moves, series_moves = self._moves(action, sources, new_ids, on, move_open_tasks, assign)
            partners = dict.fromkeys(sources, new_ids[0])
            for successor in successors:
                if not self._exists("units", successor.id):
                    self._allow(action, successor)
                    self._require("units", successor.parent, "Unit.parent")
                    self._put("units", successor)
            for unit in ended:
                kept = tuple(s for s in unit.successors if s not in new_ids)
                finished = attrs.evolve(unit, valid_to=end, successors=(*kept, *new_ids))
                self._allow(action, finished)
                self._put("units", finished)
                for h in self.headships(unit.id):
                    if h.end is None or h.end >= on:
                        closed = Headship(unit=h.unit, person=h.person, start=h.start, end=end)
                        self._allow(action, closed)
                        self._put("headships", closed)
            for task_id, target in moves.items():
                self._replace_task(
                    action, task_id, None, None, functools.partial(_move_to, target, partners)
                )
            if move_open_tasks:
                for task in self.tasks(status=TaskStatus.OPEN, due_from=on):
                    if task.id not in moves and any(p in partners for p in task.partners):
                        self._replace_task(
                            action, task.id, None, None, functools.partial(_rename, partners)
                        )
                # Occurrences not generated yet follow their template: move it too.
                for series in self._all("series"):
                    template = series.template
                    target = series_moves.get(series.id, template.unit)
                    if target != template.unit or any(p in partners for p in template.partners):
                        moved = attrs.evolve(series, template=_move_to(target, partners, template))
                        self._allow(action, moved)
                        self._put("series", moved)
        return [self.unit(uid) for uid in new_ids]

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
                for task in self.tasks(unit=source, status=TaskStatus.OPEN, due_from=on):
                    moves[task.id] = new_ids[0]
            for series in self._all("series"):
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

    def _restore_successors(self, unit: Unit) -> Unit:
        """Give a unit added without them its successors (and its other fields) back:
        for importing a store, where a unit that ended names units added after it."""
        self._writable()
        self._check_type(unit, Unit, "unit")
        with self._write(None, None):
            self._allow("add_unit", unit)
            self._get("units", unit.id, "Unit.id")
            for successor in unit.successors:
                self._require("units", successor, "Unit.successors")
            self._put("units", unit)
        return unit

    def _unit_to_end(self, action: str, id: str, on: dt.date) -> Unit:
        unit: Unit = self._get("units", id, f"{action}.sources")
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
            self._require_new("units", item)
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
        unit: Unit = self._get("units", item, f"{action}.into")
        if not unit.exists_between(on, on):
            raise ValidationError(f"{action}.into", f"a unit in force on {on.isoformat()}", item)
        return unit

    # -- indices: criteria, self-assessment, surveys --------------------------------------
    #
    # The inputs of the PAR-style index and SIPAS (criteria tables, scorecards, survey
    # responses) and the recorded computations, journaled like everything else in four
    # tables of their own. Their classes live in cchc_tasks.indices, .surveys and
    # .computed, imported on first use so that `import cchc_tasks` does not pay for them.

    #: (table, module, class) of each table of this section.
    _INDEX_TABLES = (
        ("criteria", "computed", "CriteriaEntry"),
        ("scorecards", "indices", "UnitScorecard"),
        ("survey_responses", "surveys", "SurveyResponse"),
        ("index_computations", "computed", "IndexComputation"),
    )

    @staticmethod
    def _index_class(table: str) -> type[Any]:
        from .computed import CriteriaEntry, IndexComputation
        from .indices import UnitScorecard
        from .surveys import SurveyResponse

        classes: dict[str, type[Any]] = {
            "criteria": CriteriaEntry,
            "scorecards": UnitScorecard,
            "survey_responses": SurveyResponse,
            "index_computations": IndexComputation,
        }
        return classes[table]

    def _index_cache(self, table: str) -> dict[str, tuple[dict[str, Any], Any]]:
        caches: dict[str, dict[str, tuple[dict[str, Any], Any]]] = self.__dict__.setdefault(
            "_index_caches", {}
        )
        return caches.setdefault(table, {})

    def _index_decode(self, table: str, doc: dict[str, Any]) -> Any:
        cache = self._index_cache(table)
        hit = cache.get(doc["id"])
        if hit is not None and hit[0] is doc:
            return hit[1]
        # Every key but a survey response's is derived from other fields.
        data = doc if table == "survey_responses" else {k: v for k, v in doc.items() if k != "id"}
        obj = structure(self._index_class(table), data)
        cache[doc["id"]] = (doc, obj)
        return obj

    def _index_put(self, table: str, obj: Any) -> None:
        doc = unstructure(obj)
        doc["id"] = obj.id
        self._store.put(table, doc)
        self._index_cache(table)[obj.id] = (doc, obj)

    def _index_get(self, table: str, key: str) -> Any:
        doc = self._store.state.get(table, key)
        return None if doc is None else self._index_decode(table, doc)

    def _index_all(self, table: str, keys: Iterable[str] | None = None) -> list[Any]:
        state = self._store.state
        if keys is None:
            docs = list(state.docs(table))
        else:
            docs = [d for d in (state.get(table, k) for k in keys) if d is not None]
        return [self._index_decode(table, d) for d in docs]

    @staticmethod
    def _check_year(year: Any, field: str) -> int:
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
            raise ValidationError(field, "a year such as 2024", year)
        return year

    def _criteria_entry(self, unit: str, year: int, field: str) -> CriteriaEntry | None:
        from .computed import resolve_criteria

        found: Unit = self._get("units", unit, field)
        chain = [found.id]
        parent = found.parent
        while parent is not None and parent not in chain and self._exists("units", parent):
            chain.append(parent)
            parent = self.unit(parent).parent
        return resolve_criteria(self._index_all("criteria"), found.kind, chain, year)

    def _criteria_tree(self, unit: str, year: int, field: str) -> CriteriaTree:
        from .computed import builtin_criteria

        entry = self._criteria_entry(unit, year, field)
        return entry.tree if entry is not None else builtin_criteria()

    @staticmethod
    def _check_scorecard(tree: CriteriaTree, card: UnitScorecard, prefix: str = "") -> None:
        """Everything ``compute_index`` checks: criteria that are scored leaves of
        ``tree``, points within their maxima, survey points, bonus and penalty caps."""
        from .indices import compute_index

        try:
            compute_index(tree, card)
        except ValidationError as exc:
            raise ValidationError(f"{prefix}{exc.field}", exc.expected, exc.got) from None

    @staticmethod
    def _check_criterion(tree: CriteriaTree, criterion: str, points: float, kind: str) -> None:
        if criterion not in tree or not tree.node(criterion).is_leaf:
            raise ValidationError(
                f"{kind}.criterion",
                f"the id of a scored criterion (one without sub-criteria) of {tree.label}",
                criterion,
            )
        maximum = tree.node(criterion).max_points
        if points > maximum + 1e-6:
            raise ValidationError(
                f"{kind}.points", f"at most {maximum:g}, the maximum of {criterion}", points
            )

    @staticmethod
    def _replace_entry(entries: tuple[Any, ...], new: Any) -> tuple[Any, ...]:
        """``entries`` (self-assessments or appraisals) with the one for ``new``'s
        criterion replaced by ``new``, or ``new`` added at the end."""
        if any(e.criterion == new.criterion for e in entries):
            return tuple(new if e.criterion == new.criterion else e for e in entries)
        return (*entries, new)

    def _change_scorecard(
        self,
        action: str,
        unit: str,
        year: int,
        actor: str | None,
        note: str | None,
        change: Callable[[UnitScorecard, CriteriaTree], UnitScorecard],
    ) -> UnitScorecard:
        from .indices import UnitScorecard

        empty = UnitScorecard(unit, year)  # checks the unit id and the year
        with self._write(actor, note):
            tree = self._criteria_tree(empty.unit, empty.year, f"{action}.unit")
            current: UnitScorecard = self._index_get("scorecards", empty.id) or empty
            updated = change(current, tree)
            self._allow(action, updated)
            self._check_scorecard(tree, updated)
            self._index_put("scorecards", updated)
        return updated

    def set_criteria(
        self,
        tree: CriteriaTree | str | os.PathLike[str] | Mapping[str, Any],
        *,
        year: int | None = None,
        unit_kind: str | None = None,
        province: str | None = None,
        actor: str | None = None,
        note: str | None = None,
    ) -> CriteriaEntry:
        """Put a criteria table in force from ``year`` for the units of ``unit_kind``
        (``None``: every kind) under the unit ``province`` (``None``: everywhere).

        ``tree`` is a :class:`~cchc_tasks.indices.CriteriaTree`, or a TOML or JSON file
        (or a mapping) that :func:`~cchc_tasks.indices.load_criteria` reads and checks.
        ``year`` defaults to the table's own ``year``. Setting a table again for the same
        year, kind and province replaces it. Every stored scorecard the table now governs
        must fit it, or nothing changes. See :meth:`criteria` for which table applies.
        """
        self._writable()
        from .computed import CriteriaEntry
        from .indices import CriteriaTree, load_criteria

        loaded = tree if isinstance(tree, CriteriaTree) else load_criteria(tree)
        if year is None:
            if loaded.year is None:
                raise ValidationError(
                    "set_criteria.year", "a year (the table names none)", loaded.year
                )
            year = loaded.year
        entry = CriteriaEntry(loaded, year, unit_kind, province)
        with self._write(actor, note):
            self._allow("set_criteria", entry)
            self._require("units", entry.province, "set_criteria.province")
            self._index_put("criteria", entry)
            for card in self._index_all("scorecards"):
                governing = self._criteria_entry(card.unit, card.year, "UnitScorecard.unit")
                if governing is not None and governing.id == entry.id:
                    self._check_scorecard(entry.tree, card, f"scorecard {card.id}: ")
        return entry

    def criteria(self, unit: str, year: int) -> CriteriaTree:
        """The criteria table in force for ``unit`` in ``year``: of the tables set with
        :meth:`set_criteria` whose year is at most ``year``, whose unit kind is the
        unit's (or any) and whose province is the unit or a unit above it (or any), the
        latest year wins, then one that names a province, then one that names a kind.
        Without any, the built-in :func:`~cchc_tasks.indices.default_criteria`."""
        return self._criteria_tree(unit, self._check_year(year, "criteria.year"), "criteria.unit")

    def criteria_entries(self) -> list[CriteriaEntry]:
        """Every criteria table set, by year, then province and unit kind."""
        found: list[CriteriaEntry] = self._index_all("criteria")
        return sorted(found, key=lambda e: (e.year, e.province or "", e.unit_kind or ""))

    def self_assess(
        self,
        unit: str,
        year: int,
        assessment: SelfAssessment,
        *,
        actor: str | None = None,
        note: str | None = None,
    ) -> UnitScorecard:
        """Record (or correct) ``unit``'s own points for one scored criterion of
        ``year``, with its evidence ("tự đánh giá"); returns the unit's scorecard. The
        criterion must be a leaf of the table in force (:meth:`criteria`) and the points
        at most its maximum."""
        self._writable()
        from .indices import SelfAssessment

        self._check_type(assessment, SelfAssessment, "self_assess.assessment")

        def change(card: UnitScorecard, tree: CriteriaTree) -> UnitScorecard:
            self._check_criterion(tree, assessment.criterion, assessment.points, "SelfAssessment")
            entries = self._replace_entry(card.self_assessments, assessment)
            return attrs.evolve(card, self_assessments=entries)

        return self._change_scorecard("self_assess", unit, year, actor, note, change)

    def appraise(
        self,
        unit: str,
        year: int,
        appraisal: Appraisal,
        *,
        actor: str | None = None,
        note: str | None = None,
    ) -> UnitScorecard:
        """Record (or correct) the appraisal council's points for one scored criterion
        ("thẩm định"); they replace the self-assessed points in the index, which stay on
        the scorecard and in the breakdown."""
        self._writable()
        from .indices import Appraisal

        self._check_type(appraisal, Appraisal, "appraise.appraisal")

        def change(card: UnitScorecard, tree: CriteriaTree) -> UnitScorecard:
            self._check_criterion(tree, appraisal.criterion, appraisal.points, "Appraisal")
            entries = self._replace_entry(card.appraisals, appraisal)
            return attrs.evolve(card, appraisals=entries)

        return self._change_scorecard("appraise", unit, year, actor, note, change)

    def set_survey_points(
        self,
        unit: str,
        year: int,
        points: float | None,
        *,
        actor: str | None = None,
        note: str | None = None,
    ) -> UnitScorecard:
        """Record the sociological-survey points of ``unit`` for ``year`` (at most the
        table's survey maximum); ``None`` means not surveyed, and the index is then
        rescaled (see ``indices.rescale_without_survey``)."""
        self._writable()

        def change(card: UnitScorecard, tree: CriteriaTree) -> UnitScorecard:
            if points is not None and tree.survey_max == 0:
                raise ValidationError(
                    "set_survey_points.points", f"None: {tree.label} has no survey part", points
                )
            return attrs.evolve(card, survey_points=points)

        return self._change_scorecard("set_survey_points", unit, year, actor, note, change)

    def add_bonus(
        self,
        unit: str,
        year: int,
        bonus: Bonus,
        *,
        actor: str | None = None,
        note: str | None = None,
    ) -> UnitScorecard:
        """Add bonus points ("điểm thưởng") to ``unit``'s scorecard of ``year``; the
        total must stay within the table's bonus cap."""
        self._writable()
        from .indices import Bonus

        self._check_type(bonus, Bonus, "add_bonus.bonus")
        return self._change_scorecard(
            "add_bonus",
            unit,
            year,
            actor,
            note,
            lambda card, tree: attrs.evolve(card, bonuses=(*card.bonuses, bonus)),
        )

    def add_penalty(
        self,
        unit: str,
        year: int,
        penalty: Penalty,
        *,
        actor: str | None = None,
        note: str | None = None,
    ) -> UnitScorecard:
        """Add penalty points ("điểm trừ") to ``unit``'s scorecard of ``year``; the
        total must stay within the table's penalty cap."""
        self._writable()
        from .indices import Penalty

        self._check_type(penalty, Penalty, "add_penalty.penalty")
        return self._change_scorecard(
            "add_penalty",
            unit,
            year,
            actor,
            note,
            lambda card, tree: attrs.evolve(card, penalties=(*card.penalties, penalty)),
        )

    def record_scorecard(
        self, card: UnitScorecard, *, actor: str | None = None, note: str | None = None
    ) -> UnitScorecard:
        """Record (or replace) a unit's whole scorecard for a year: the way to load one
        at once, or to withdraw an entry, a bonus or a penalty. ``card.tasks`` must be
        ``None``: task counts are computed from the tasks."""
        self._writable()
        from .indices import UnitScorecard

        self._check_type(card, UnitScorecard, "record_scorecard.card")
        if card.tasks is not None:
            raise ValidationError(
                "UnitScorecard.tasks", "None (task counts are computed from the tasks)", card.tasks
            )
        return self._change_scorecard(
            "record_scorecard", card.unit, card.year, actor, note, lambda current, tree: card
        )

    def scorecard(self, unit: str, year: int) -> UnitScorecard | None:
        """``unit``'s scorecard for ``year``, or ``None`` if nothing was scored."""
        found: UnitScorecard | None = self._index_get("scorecards", f"{unit}@{year}")
        return found

    def scorecards(
        self, *, unit: str | None = None, year: int | None = None
    ) -> list[UnitScorecard]:
        """Scorecards, by year then unit; of one unit and/or one year if given."""
        state = self._store.state
        keys: set[str] | None = None
        if year is not None:
            keys = set(state.lookup("scorecards", "year", year))
        if unit is not None:
            found = state.lookup("scorecards", "unit", unit)
            keys = set(found) if keys is None else keys & found
        cards: list[UnitScorecard] = self._index_all("scorecards", keys)
        return sorted(cards, key=lambda c: (c.year, c.unit))

    def import_survey(
        self,
        source: str | os.PathLike[str],
        *,
        survey: str | None = None,
        units: Mapping[str, str] | None = None,
        params: SipasParams | None = None,
        delimiter: str | None = None,
        encoding: str | None = None,
        actor: str | None = None,
        note: str | None = None,
    ) -> tuple[SurveyResponse, ...]:
        """Import survey responses from a CSV export (a path, or the CSV text itself),
        all or nothing: any bad cell raises :class:`~cchc_tasks.surveys.SurveyImportError`
        listing every bad row, and nothing changes.

        The Đơn vị column holds unit ids or unit names (the names of the tracker's
        units, when no two units share one, plus ``units={name: id}``). A questionnaire
        number already imported is a bad cell; ``survey`` names a survey round and is put
        before each number (``"sipas-2025:P001"``), so that rounds may reuse numbers.
        ``params`` defaults to the configuration's ``[sipas]`` section. The format is in
        docs/reference/indices.md."""
        self._writable()
        from ._fields import is_valid_id
        from .surveys import SipasParams, import_responses_csv

        if params is not None:
            self._check_type(params, SipasParams, "import_survey.params")
        if survey is not None and not is_valid_id(survey):
            raise ValidationError(
                "import_survey.survey", "a survey name without spaces, such as 'sipas-2025'", survey
            )
        prefix = f"{survey}:" if survey else ""
        with self._write(actor, note):
            all_units = self.units()
            names: dict[str, list[str]] = {}
            for u in all_units:
                names.setdefault(u.name, []).append(u.id)
            known = {u.id: u.id for u in all_units}
            known.update({name: ids[0] for name, ids in names.items() if len(ids) == 1})
            known.update(units or {})
            # The configuration without per-year overrides: the responses' years are not
            # known before they are read.
            chosen = params if params is not None else self.settings.for_year(0).sipas
            responses = import_responses_csv(
                source,
                chosen,
                units=known,
                delimiter=delimiter,
                encoding=encoding,
                id_prefix=prefix,
                existing_ids=self._store.state.keys.get("survey_responses", {}),
            )
            self._add_survey_responses("import_survey", responses)
        return responses

    def add_survey_responses(
        self,
        responses: Iterable[SurveyResponse],
        *,
        actor: str | None = None,
        note: str | None = None,
    ) -> int:
        """Add survey responses built in Python (all or nothing); returns how many.
        Their units must exist and their ids be new."""
        self._writable()
        from .surveys import SurveyResponse

        items = list(responses)
        for i, response in enumerate(items):
            self._check_type(response, SurveyResponse, f"add_survey_responses.responses[{i}]")
        with self._write(actor, note):
            self._add_survey_responses("add_survey_responses", items)
        return len(items)

    def _add_survey_responses(self, action: str, responses: Iterable[SurveyResponse]) -> None:
        state = self._store.state
        for response in responses:
            self._allow(action, response)
            self._require("units", response.unit, "SurveyResponse.unit")
            if state.get("survey_responses", response.id) is not None:
                raise DuplicateIdError("survey response", response.id)
            self._index_put("survey_responses", response)

    def survey_responses(
        self, *, unit: str | None = None, year: int | None = None
    ) -> list[SurveyResponse]:
        """Survey responses, by date then id; of one unit and/or one year if given."""
        state = self._store.state
        keys: set[str] | None = None
        if year is not None:
            keys = set(state.lookup("survey_responses", "year", year))
        if unit is not None:
            found = state.lookup("survey_responses", "unit", unit)
            keys = set(found) if keys is None else keys & found
        responses: list[SurveyResponse] = self._index_all("survey_responses", keys)
        return sorted(responses, key=lambda r: (r.date, r.id))

    def compute_indices(
        self, year: int, *, computed_on: dt.date, as_of: dt.date | None = None
    ) -> ComputedIndices:
        """Compute, without storing anything, the PAR-style index of every unit with a
        scorecard for ``year`` and the SIPAS of every unit with survey responses dated in
        ``year`` (units in force in ``year`` only), ranked within their peer groups.

        Automatic criteria are filled from the unit's tasks due in ``year``, classified
        by the ``cchc_task_outcomes`` hook as the evaluation does, as of ``as_of``
        (default: 31 December of ``year``, or ``computed_on`` if that is earlier).
        ``computed_on`` goes into each result's source: ``"computed on DATE from …"``.
        The parameters are the configuration's ``[indices]`` and ``[sipas]`` sections
        for ``year``. Record the results with :meth:`record_computed_results`.
        """
        from .computed import compute_year
        from .errors import RuleError
        from .indices import TaskCounts

        year = self._check_year(year, "compute_indices.year")
        for name, value in (("computed_on", computed_on), ("as_of", as_of)):
            if (value is not None or name == "computed_on") and (
                not isinstance(value, dt.date) or isinstance(value, dt.datetime)
            ):
                raise ValidationError(f"compute_indices.{name}", "a date (datetime.date)", value)
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if as_of is None:
            as_of = min(end, computed_on)
        units = {u.id: u for u in self.units() if u.exists_between(start, end)}
        cards = {c.unit: c for c in self.scorecards(year=year) if c.unit in units}
        trees = {uid: self._criteria_tree(uid, year, "UnitScorecard.unit") for uid in cards}
        tasks = [t for t in self.tasks_due_in(year, sort=False) if t.unit in cards]
        outcomes = self._hooks.task_outcomes(tasks, as_of) if tasks else {}
        by_unit: dict[str, list[str]] = {}
        for task in tasks:
            if task.id not in outcomes:
                raise RuleError(f"no plugin classified task {task.id!r}", hook="cchc_task_outcomes")
            by_unit.setdefault(task.unit, []).append(outcomes[task.id])
        counts = {uid: TaskCounts.from_outcomes(by_unit.get(uid, ())) for uid in cards}
        responses: dict[str, list[SurveyResponse]] = {}
        for response in self.survey_responses(year=year):
            if response.unit in units:
                responses.setdefault(response.unit, []).append(response)
        group_of = {uid: self._hooks.peer_group(units[uid], year) for uid in {*cards, *responses}}
        config = self.config(year)
        return compute_year(
            year,
            computed_on=computed_on,
            as_of=as_of,
            trees=trees,
            scorecards=cards,
            tasks=counts,
            responses=responses,
            group_of=group_of,
            params=config.indices,
            sipas_params=config.sipas,
        )

    def record_computed_results(
        self,
        year: int,
        *,
        computed_on: dt.date,
        as_of: dt.date | None = None,
        actor: str | None = None,
        note: str | None = None,
    ) -> tuple[MergedResult, ...]:
        """Compute the indices of ``year`` (:meth:`compute_indices`) and store them as
        :class:`~cchc_tasks.Result` records, which targets and the CCHC→head caps then
        use like any other result; one journal line.

        An official result (one whose source does not start with "computed", typed in
        with :meth:`record_result`) is never overwritten: it keeps priority, and
        :func:`~cchc_tasks.ranking.merge_official` says how the computed value compares.
        Computed PAR_INDEX and SIPAS results of ``year`` that this computation no longer
        gives are removed. Every computation is kept with its breakdown, for
        :meth:`explain_index` and the evaluation's ``explain()``. Returns one
        :class:`~cchc_tasks.ranking.MergedResult` per computed result, saying which
        result is used and why.
        """
        self._writable()
        from .computed import COMPUTED_INDICATORS
        from .ranking import is_computed, merge_official

        with self._write(actor, note):
            computed = self.compute_indices(year, computed_on=computed_on, as_of=as_of)
            names = {str(i) for i in COMPUTED_INDICATORS}
            existing = [r for r in self.results(year=year) if str(r.indicator) in names]
            fresh = {r.id for r in computed.results}
            for old in existing:
                if is_computed(old) and old.id not in fresh:
                    self._allow("record_computed_results", old)
                    self._store.delete("results", old.id)
            for key in list(self._store.state.lookup("index_computations", "year", year)):
                if key not in computed.computations:
                    self._store.delete("index_computations", key)
            official = [r for r in existing if not is_computed(r)]
            merged = tuple(
                m for m in merge_official(computed.results, official) if m.computed is not None
            )
            reasons = {m.result.id: m.reason for m in merged}
            for m in merged:
                if m.used == "computed":
                    self._allow("record_computed_results", m.result)
                    self._put("results", m.result)
            for computation in computed:
                reason = reasons.get(computation.id, computation.note)
                self._allow("record_computed_results", computation)
                self._index_put("index_computations", attrs.evolve(computation, note=reason))
        return merged

    def _restore_index_computation(self, computation: IndexComputation) -> None:
        """Store a computation as it was recorded (:mod:`cchc_tasks.exports` imports a
        whole store through this)."""
        self._writable()
        from .computed import IndexComputation

        self._check_type(computation, IndexComputation, "index_computations")
        with self._write(None, None):
            self._allow("record_computed_results", computation)
            self._require("units", computation.unit, "IndexComputation.unit")
            self._index_put("index_computations", computation)

    def index_computation(self, indicator: str, unit: str, year: int) -> IndexComputation | None:
        """The recorded computation behind ``unit``'s ``indicator`` (PAR_INDEX or SIPAS)
        for ``year`` (:meth:`record_computed_results`), or ``None``."""
        from .plans import as_indicator

        found: IndexComputation | None = self._index_get(
            "index_computations", f"{as_indicator(indicator)}@{unit}@{year}"
        )
        return found

    def explain_index(self, unit: str, year: int, indicator: str = "PAR_INDEX") -> str:
        """The breakdown behind ``unit``'s computed ``indicator`` (PAR_INDEX or SIPAS)
        for ``year``: for the PAR index every field, criterion and sub-criterion with
        its points, source (self-assessed, appraised, automatic, missing) and evidence,
        the survey, bonus and penalty points; for SIPAS every factor.

        The recorded computation if there is one (:meth:`record_computed_results`);
        otherwise one computed now from the inputs in the store, tasks as of 31 December
        of ``year``, and said to be so. :class:`NotFoundError` when the unit has no
        scorecard (or no survey responses) for ``year``.
        """
        from .computed import COMPUTED_INDICATORS
        from .plans import as_indicator
        from .ranking import is_computed

        name = as_indicator(indicator)
        if name not in COMPUTED_INDICATORS:
            raise ValidationError("explain_index.indicator", "PAR_INDEX or SIPAS", indicator)
        year = self._check_year(year, "explain_index.year")
        recorded = self.index_computation(name, unit, year)
        if recorded is not None:
            return recorded.explain()
        self._get("units", unit, "explain_index.unit")
        fresh = self.compute_indices(year, computed_on=dt.date(year, 12, 31))
        key = f"{name}@{unit}@{year}"
        if key not in fresh.computations:
            what = "a scorecard" if name == "PAR_INDEX" else "survey responses"
            raise NotFoundError(f"index computation ({what} of {unit} for {year})", key)
        text = fresh.computations[key].explain(recorded=False)
        typed = self.results(indicator=name, unit=unit, year=year)
        if typed and not is_computed(typed[0]):
            where = f" ({typed[0].source})" if typed[0].source else ""
            text += f"\n  official result typed in: {typed[0].value}{where}; targets use it"
        return text

    # -- history ----------------------------------------------------------------------------

    def entries(self) -> Iterator[Entry]:
        """Every journal entry, oldest first."""
        return self._store.entries()

    def history(self, id: str) -> list[HistoryEntry]:
        """Every change to the object(s) with this id, oldest first."""
        return [
            HistoryEntry(e.seq, e.at, e.actor, e.note, c)
            for e in self._store.entries()
            for c in e.changes
            if c.id == id
        ]

    # -- evaluation -------------------------------------------------------------------------

    def rulesets(self) -> list[RuleSet]:
        """Every rule set the plugins declare, oldest first."""
        return sorted(self._hooks.rulesets(), key=lambda rs: rs.effective_from)

    def evaluate(
        self, year: int, *, as_of: dt.date | None = None, ruleset: str | None = None
    ) -> Evaluation:
        """Evaluate ``year`` as of ``as_of`` (default 31 December of the year, or today if
        that is earlier: the only place the clock is read). ``ruleset`` overrides the
        rule set in force (also settable per tracker)."""
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValidationError("evaluate.year", "a year such as 2024", year)
        if as_of is None:
            as_of = min(dt.date(year, 12, 31), self._today())
        elif not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
            raise ValidationError("evaluate.as_of", "a date (datetime.date)", as_of)
        chosen = choose_ruleset(self._hooks.rulesets(), year, ruleset or self.ruleset)
        return run_evaluation(
            self,
            self._hooks,
            year,
            as_of,
            ruleset=chosen,
            plugins=plugin_versions(self._pm),
            store_seq=self._store.seq,
            config=self.settings.for_year(year),
        )

    # -- exporting --------------------------------------------------------------------------

    def to_documents(self) -> Mapping[str, list[dict[str, Any]]]:
        """The whole state as plain JSON-ready documents, table by table."""
        tables = (*_TABLES, *(table for table, _, _ in self._INDEX_TABLES))
        return {table: [dict(d) for d in self._store.state.docs(table)] for table in tables}


# -- helpers of the time section ------------------------------------------------------------


def _check_day(name: str, value: Any) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(name, "a date (datetime.date)", value)


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
