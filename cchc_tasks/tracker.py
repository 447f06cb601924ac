"""The :class:`Tracker`: one object that ties the store, the plugins and the evaluation.

Every write method checks its input against the current state (inside the store's
transaction, so a batch sees its own earlier changes), then commits one journal line;
any error leaves the store exactly as it was. Every write accepts ``actor=`` and
``note=``, recorded with the change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import attrs
import pluggy

from ._codec import structure, unstructure
from .config import Config, Settings, load_settings
from .errors import DuplicateIdError, NotFoundError, StoreError, ValidationError
from .evaluation import Evaluation, RuleSet, choose_ruleset, run_evaluation
from .plans import Plan
from .plugins import Hooks, make_plugin_manager, plugin_versions
from .results import Assessment, Discipline, Result
from .store import Change, Entry, Store, VerifyReport
from .targets import Target, register_rule_kind
from .tasks import ProgressReport, Task, TaskOutcome, TaskStatus
from .units import Headship, Person, Unit

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
}
# Tables whose key is derived from other fields (a property), not stored as a field.
_DERIVED_KEYS = frozenset({"headships", "results", "assessments"})
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
        with self._write(actor, note):
            self._allow("add_task", task)
            self._require_new("tasks", task)
            self._check_task(task)
            self._put("tasks", task)
        return task

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
        budget, quality_note, unit). Use :meth:`complete_task`, :meth:`cancel_task` and
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

        return self._replace_task("complete_task", id, actor, note, done)

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
        return {table: [dict(d) for d in self._store.state.docs(table)] for table in _TABLES}
