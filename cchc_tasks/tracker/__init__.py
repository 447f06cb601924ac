"""The :class:`Tracker`: one object that ties the store, the plugins and the evaluation.

Every write method checks its input against the current state (inside the store's
transaction, so a batch sees its own earlier changes), then commits one journal line;
any error leaves the store exactly as it was. Every write accepts ``actor=`` and
``note=``, recorded with the change.

Inside, the Tracker is a façade: it is a :class:`~cchc_tasks.tracker.reader.Reader`
(every query) and delegates each write to the service of its concept (``_org``,
``_tasks``, ``_records``, ``_time``, ``_urging``, ``_indices``, ``_indicators``,
``_configuration``, ``_interchange``, ``_codes``, ``_accounts``), all sharing one
session (``_session``: store, plugins, settings, the one write path) and one table
registry (``_tables``). docs/explanation/design.md maps every room.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pluggy

from .._collector import full_collections_deferred
from ..calendar import CalendarOverride, Deadline
from ..config import ConfigurationInForce, Settings
from ..errors import ValidationError
from ..inspections import Inspection, Reminder
from ..plans import IndicatorScale, Plan
from ..plugins import make_plugin_manager
from ..ratings import Rating
from ..recurrence import AfterCompletion, Recurrence
from ..results import (
    Absence,
    Assessment,
    Discipline,
    PersonRating,
    Result,
    UnitRating,
    UnitSanction,
)
from ..store import (
    Store,
    VerifyReport,
    check_store_folder,
    create_store_folder,
    is_store_folder,
)
from ..store.pgurl import is_postgres_url
from ..targets import Target
from ..tasks import ProgressReport, Task, TaskChain, TaskSeries
from ..units import Category, Headship, Person, Unit
from ._accounts import AccountService
from ._codes import SurveyCodeService
from ._configuration import ConfigurationService
from ._indicators import IndicatorService
from ._indices import IndexService
from ._interchange import InterchangeService
from ._org import OrganisationService
from ._records import RecordService
from ._session import ListenerWarning, Session
from ._tasks import TaskService
from ._time import TimeService
from ._urging import UrgingService
from .reader import HistoryEntry, Reader, journal_filter

if TYPE_CHECKING:
    from ..accounts import Account
    from ..computed import ComputedIndices, CriteriaEntry
    from ..i18n import Lang
    from ..indices import Appraisal, Bonus, CriteriaTree, Penalty, SelfAssessment, UnitScorecard
    from ..ranking import MergedResult
    from ..surveys import RespondentKind, SipasParams, SurveyResponse

__all__ = ["HistoryEntry", "ListenerWarning", "Reader", "Tracker"]

ConfigSource = str | os.PathLike[str] | Mapping[str, Any] | Settings | None


class Tracker(Reader):
    """The library's façade: open one with :meth:`open` (a folder) or :meth:`memory`."""

    def __init__(
        self,
        store: Store,
        pm: pluggy.PluginManager,
        *,
        actor: str | None = None,
        ruleset: str | None = None,
        config: ConfigSource = None,
        today: Callable[[], dt.date] = dt.date.today,
        entrypoints: bool = True,
    ) -> None:
        """A tracker over ``store`` with the plugins of ``pm`` that did not come from an
        entry point (the built-in rules, plugins given in code), plus the installed
        entry points the store's configuration enables (none if ``entrypoints`` is
        false)."""
        session = Session(
            store, pm, config, entrypoints=entrypoints, actor=actor, ruleset=ruleset, today=today
        )
        session.rules()  # a bad plugin or configuration fails here, not at first use
        self._start(session)

    def _start(self, session: Session) -> None:
        """Set up the read side and one service per concept over ``session``."""
        super().__init__(session)
        # The services read through a plain Reader, which is also what the
        # cchc_authorize plugins receive: it has no write method to call back.
        reader = Reader(session)
        self._tasks = TaskService(session, reader)
        self._org = OrganisationService(session, reader, self._tasks)
        self._records = RecordService(session, reader)
        self._time = TimeService(session, reader, self._tasks)
        self._urging = UrgingService(session, reader)
        self._indices = IndexService(session, reader)
        self._configuration = ConfigurationService(session, reader)
        self._indicators = IndicatorService(session, reader)
        self._interchange = InterchangeService(
            session,
            reader,
            org=self._org,
            tasks=self._tasks,
            records=self._records,
            time=self._time,
            indices=self._indices,
        )
        self._codes = SurveyCodeService(session, reader, self._indices)
        self._accounts = AccountService(session, reader)

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
        create: bool = True,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> Tracker:
        """Open the store folder at ``path``, or create it (an empty or missing folder)
        unless ``create=False``; or the PostgreSQL store at a
        ``postgresql://user@host:port/db[?schema=name]`` URL (see
        :mod:`cchc_tasks.store.postgres`; it needs the ``postgres`` extra). A folder that
        has files but no store in it is a :class:`StoreError` and is left untouched.

        ``plugins`` are extra plugin objects or modules, for this tracker only. Installed
        ``cchc_tasks`` entry points take part only when the store's configuration enables
        them (:meth:`configure`); ``load_entrypoints=False`` enables none (an
        evaluation of a store that names some then raises). ``actor`` is the default
        actor of writes; ``ruleset`` forces a rule set for every evaluation; ``config``
        is a TOML or JSON file (or a mapping) of rule parameters, see
        :mod:`cchc_tasks.config`. ``today`` is the tracker's clock (default the
        system's): evaluations default to it, and the dates of events (completions,
        reports, decisions, visits) may not pass the end of its year.
        ``snapshot_min_bytes`` is how far the journal may grow past the snapshot before
        a new one is written (default 8 MiB; see the store format). A store of an older
        layout is migrated; a newer one raises :class:`StoreVersionError`.
        """
        pm = make_plugin_manager(plugins, load_entrypoints=False)
        if is_postgres_url(path):
            from ..store.postgres import PostgresStore  # psycopg loads only when needed

            store: Store = PostgresStore(os.fspath(path))
        else:
            check_store_folder(path, create=create)
            if not is_store_folder(path):
                create_store_folder(path)  # it exists from now on, empty
            if snapshot_min_bytes is None:
                store = Store(path)
            else:
                store = Store(path, snapshot_min_bytes=snapshot_min_bytes)

        try:
            return cls(
                store,
                pm,
                actor=actor,
                ruleset=ruleset,
                config=config,
                entrypoints=load_entrypoints,
                today=today,
            )
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
        today: Callable[[], dt.date] = dt.date.today,
    ) -> Tracker:
        """A tracker with the same API and nothing on disk. ``today`` is its clock (as
        for :meth:`open`): what evaluations default to and what dates of events may not
        pass."""
        pm = make_plugin_manager(plugins, load_entrypoints=False)
        return cls(
            Store(None),
            pm,
            actor=actor,
            ruleset=ruleset,
            config=config,
            entrypoints=load_entrypoints,
            today=today,
        )

    def close(self) -> None:
        """Write a snapshot if anything changed and release the store. Idempotent.
        Closing a read-only view does nothing."""
        if self._session.read_only is None:
            self._session.store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self._session.store.path or "memory"
        return f"<Tracker {where} seq={self._session.store.seq}>"

    def snapshot(self) -> None:
        """Write the snapshot file now (it is also written on close)."""
        self._session.writable()
        self._session.store.snapshot()

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
        keep, label = journal_filter(when)
        past = self._session.store.as_of(keep)
        if isinstance(when, int) and past.seq < when:
            raise ValidationError("as_of.when", f"a journal seq from 0 to {past.seq}", when)
        if not isinstance(when, int):
            label += f", journal seq {past.seq}"
        past.read_only = f"the store as of {label}"
        view = Tracker.__new__(Tracker)
        view._start(self._session.view(past, past.read_only))
        return view

    def backup(self, dest: str | os.PathLike[str]) -> VerifyReport:
        """Write a consistent copy of the store into ``dest``, a new or empty folder,
        while others may go on writing: the journal up to now and a fresh snapshot,
        fsync'ed. The copy is an ordinary store folder; returns its :meth:`verify`
        report. A memory tracker's backup is a new store with its entries."""
        return self._session.store.backup(dest)

    # -- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self, actor: str | None = None, note: str | None = None) -> Iterator[Tracker]:
        """All writes inside become one journal line, or none if anything raises.

        The collector's full collections wait for the end of the batch (its young
        generations are collected as always): see :mod:`cchc_tasks._collector`."""
        self._session.writable()
        with full_collections_deferred(), self._session.write(actor, note):
            yield self

    def configure(
        self,
        *,
        plugins: Iterable[str] | None = None,
        config: str | os.PathLike[str] | Mapping[str, Any] | None = None,
        actor: str | None = None,
        note: str | None = None,
    ) -> ConfigurationInForce:
        """Record, as one journal line, the rule configuration of this store: the
        installed plugins its evaluations use (``plugins``, entry-point names, with the
        version installed now) and its ``config`` (a mapping, or a TOML/JSON file, the
        same as a configuration file); ``None`` keeps what is in force. Every tracker
        that opens the store then rates it the same way. An unknown plugin, or a config
        that does not validate with the plugins it enables, is a
        :class:`ValidationError`; the store is left as it was. Returns
        :meth:`configuration`."""
        return self._configuration.configure(plugins, config, actor, note)

    def import_documents(
        self,
        tables: Mapping[str, Any],
        *,
        source: str = "documents",
        actor: str | None = None,
        note: str | None = None,
    ) -> int:
        """Add every object of a store's documents, table by table (the output of
        :meth:`to_documents`, or the ``tables`` of a store file written by
        :func:`~cchc_tasks.exports.export_store_json`); returns how many objects.

        Every object is decoded and validated first, and all bad ones are listed in one
        :class:`~cchc_tasks.errors.StoreImportError` (``source`` names the input in its
        message); then all are written through the same checks and ``cchc_authorize``
        plugins as one by one, in one journal line. Any error leaves the store
        unchanged; a refusal of a ``cchc_authorize`` plugin comes as the
        :class:`~cchc_tasks.PermissionDeniedError` it is. Into an empty store the
        result has the same :meth:`to_documents` as the store exported; ids that exist
        already are an error."""
        return self._interchange.import_documents(tables, source, actor, note)

    def add_unit(self, unit: Unit, *, actor: str | None = None, note: str | None = None) -> Unit:
        """Add a unit; its parent and successors must exist already."""
        return self._org.add_unit(unit, actor, note)

    def add_person(
        self, person: Person, *, actor: str | None = None, note: str | None = None
    ) -> Person:
        return self._org.add_person(person, actor, note)

    def appoint_head(
        self,
        unit: str,
        person: str,
        start: dt.date,
        end: dt.date | None = None,
        *,
        category: Category | str | None = None,
        actor: str | None = None,
        note: str | None = None,
    ) -> Headship:
        """Record that ``person`` heads ``unit`` from ``start`` (to ``end``, inclusive),
        as an official of ``category`` (:class:`~cchc_tasks.Category`; ``None``: the
        default of the unit's kind, People's Committees → cán bộ, public-service units →
        viên chức, agencies → công chức), which decides the articles of Decree 90/2020 the
        head is rated by.

        Headships of one unit may not overlap: end the current one first
        (:meth:`end_headship`).
        """
        return self._org.appoint_head(unit, person, start, end, actor, note, category)

    def end_unit(
        self, id: str, on: dt.date, *, actor: str | None = None, note: str | None = None
    ) -> Unit:
        """End unit ``id`` on ``on`` (its last day, inclusive) with no successor: a unit
        dissolved. Its open headship ends that day too; its tasks stay, as its record.
        When other units take over its work, use :meth:`merge_units` or
        :meth:`split_unit` instead."""
        return self._org.end_unit(id, on, actor, note)

    def end_headship(
        self, unit: str, end: dt.date, *, actor: str | None = None, note: str | None = None
    ) -> Headship:
        """Close the open headship of ``unit`` on ``end`` (inclusive)."""
        return self._org.end_headship(unit, end, actor, note)

    def add_plan(self, plan: Plan, *, actor: str | None = None, note: str | None = None) -> Plan:
        return self._org.add_plan(plan, actor, note)

    def add_target(
        self, target: Target, *, actor: str | None = None, note: str | None = None
    ) -> Target:
        return self._org.add_target(target, actor, note)

    def add_task(self, task: Task, *, actor: str | None = None, note: str | None = None) -> Task:
        """Add a task; its plan, units and assignee must exist and it must fall due
        within the plan's period."""
        return self._tasks.add_task(task, actor, note)

    def add_tasks(
        self, tasks: Iterable[Task], *, actor: str | None = None, note: str | None = None
    ) -> int:
        """Add many tasks as one batch (all or nothing); returns how many."""
        return self._tasks.add_tasks(tasks, actor, note)

    def update_task(
        self, id: str, *, actor: str | None = None, note: str | None = None, **changes: Any
    ) -> Task:
        """Change a task's details (title, due, assignee, partners, field, output, weight,
        budget, quality_note, unit, deadline). Use :meth:`complete_task`, :meth:`cancel_task` and
        :meth:`reopen_task` for its status."""
        return self._tasks.update_task(id, actor, note, changes)

    def complete_task(
        self,
        id: str,
        on: dt.date,
        *,
        exceeded: bool = False,
        quality_note: str | None = None,
        errors: int | None = None,
        correct: bool = False,
        actor: str | None = None,
        note: str | None = None,
    ) -> Task:
        """Mark a task done on ``on``; ``exceeded`` flags "hoàn thành vượt mức", ``errors``
        records major errors found in its output. ``on`` may be neither after the end
        of the tracker's current year (the clock is read once per write: a batch sees
        the year it started in) nor before its plan starts. A task done already changes only
        with ``correct=True`` (the journal keeps the old record, and its note says it
        was a correction)."""
        return self._tasks.complete_task(
            id, on, exceeded, quality_note, errors, correct, actor, note
        )

    def cancel_task(
        self, id: str, reason: str, *, actor: str | None = None, note: str | None = None
    ) -> Task:
        """Cancel a task (it stops counting); ``reason`` is required."""
        return self._tasks.cancel_task(id, reason, actor, note)

    def reopen_task(self, id: str, *, actor: str | None = None, note: str | None = None) -> Task:
        """Set a done or cancelled task back to open."""
        return self._tasks.reopen_task(id, actor, note)

    def report_progress(
        self, id: str, report: ProgressReport, *, actor: str | None = None, note: str | None = None
    ) -> Task:
        """Attach a progress report (with evidence) to a task."""
        return self._tasks.report_progress(id, report, actor, note)

    def add_indicator(
        self, scale: IndicatorScale, *, actor: str | None = None, note: str | None = None
    ) -> IndicatorScale:
        """Declare an indicator besides the built-in four (PAR_INDEX, SIPAS, PAPI, DTI),
        with the range of its values; results and targets may then name it. A name
        that is built in or declared already is a :class:`DuplicateIdError`."""
        return self._indicators.add_indicator(scale, actor, note)

    def record_result(
        self, result: Result, *, actor: str | None = None, note: str | None = None
    ) -> Result:
        """Record (or correct) a unit's indicator result for a year."""
        return self._records.record_result(result, actor, note)

    def discipline(
        self,
        person: str,
        on: dt.date,
        reason: str,
        *,
        form: str = "",
        level: str | None = None,
        duty_related: bool | None = None,
        violation_year: int | None = None,
        actor: str | None = None,
        note: str | None = None,
    ) -> Discipline:
        """Record a disciplinary decision against ``person`` issued ``on`` a date.

        ``level`` is the sanction, one of :data:`~cchc_tasks.results.DISCIPLINE_LEVELS`
        ("khiển trách" upwards), and ``duty_related`` whether the violation concerned
        official duties: Decree 335/2025 rates KHTNV only for a duty-related sanction at
        reprimand or above (``None``: not recorded, and not counted). ``violation_year``:
        the year of the violation, when earlier; if the person's official rating of that
        year (:meth:`record_rating`) is KHTNV, the violation is not counted twice (Decree
        48/2023).
        """
        return self._records.discipline(
            person,
            on,
            reason,
            form,
            actor,
            note,
            level=level,
            duty_related=duty_related,
            violation_year=violation_year,
        )

    def record_absence(
        self,
        person: str,
        start: dt.date,
        end: dt.date,
        *,
        kind: str = "other",
        actor: str | None = None,
        note: str | None = None,
    ) -> Absence:
        """Record that ``person`` was away from work from ``start`` to ``end`` (inclusive):
        ``kind="maternity"`` for maternity leave, ``"other"`` for any other time not at
        work. Working time in the year decides whether and how high a person is rated
        (Decree 90/2020 Điều 2 khoản 3). Absences of one person may not overlap."""
        return self._records.record_absence(person, start, end, kind, actor, note)

    def record_unit_rating(
        self,
        unit: str,
        year: int,
        rating: Rating | str,
        *,
        by: str = "",
        actor: str | None = None,
        note: str | None = None,
    ) -> UnitRating:
        """Record (or correct) the collective rating of ``unit`` for ``year`` as the
        competent authority decided it; the evaluation uses it instead of the rating it
        derives from the unit's tasks (for the conditions on units under direct
        management)."""
        return self._records.record_unit_rating(unit, year, rating, by, actor, note)

    def record_rating(
        self,
        person: str,
        year: int,
        rating: Rating | str,
        *,
        by: str = "",
        actor: str | None = None,
        note: str | None = None,
    ) -> PersonRating:
        """Record (or correct) the official rating of ``person`` for ``year``: a staff
        member's rating counts in Decree 335/2025's unit-result factor of their head; a
        head's is shown next to the computed one, with any difference flagged."""
        return self._records.record_rating(person, year, rating, by, actor, note)

    def record_sanction(
        self,
        unit: str,
        on: dt.date,
        kind: str = "corruption",
        *,
        document: str = "",
        actor: str | None = None,
        note: str | None = None,
    ) -> UnitSanction:
        """Record that ``unit`` was sanctioned ``on`` a date for ``kind`` ("embezzlement",
        "corruption" or "waste"), by the decision ``document``: under Decree 335/2025 the
        heads directly responsible for it (its own and that of the unit above) are rated
        KHTNV for that year (case d)."""
        return self._records.record_sanction(unit, on, kind, document, actor, note)

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
        return self._records.record_assessment(person, year, general_points, by, note, actor)

    def overdue(self, as_of: dt.date, *, unit: str | None = None) -> list[Task]:
        """Tasks not completed by ``as_of`` whose due date is before it (cancelled
        excluded), oldest first: the tasks :meth:`evaluate` counts as overdue on that day,
        classified by the same ``cchc_task_outcomes`` plugins (a deadline a plugin
        extended is not overdue)."""
        return self._urging.overdue(as_of, unit)

    def add_calendar_override(
        self, override: CalendarOverride, *, actor: str | None = None, note: str | None = None
    ) -> CalendarOverride:
        """Record a decided day off or working day (the yearly Tết schedule, a swap). An
        override for a day that has one replaces it: a later decision supersedes the
        earlier one, and the journal keeps both. Deadlines already computed do not move
        (see :meth:`recompute_deadline`)."""
        return self._time.add_calendar_override(override, actor, note)

    def remove_calendar_override(
        self, day: dt.date, *, actor: str | None = None, note: str | None = None
    ) -> CalendarOverride:
        """Remove the override of ``day`` (a decision withdrawn); returns it."""
        return self._time.remove_calendar_override(day, actor, note)

    def deadline(self, start: dt.date, working_days: int) -> Deadline:
        """The deadline ``working_days`` working days after ``start`` by this store's
        :meth:`calendar`, recording the calendar version. Give it to a task as both its
        ``due`` and its ``deadline``: ``Task(..., due=d.due, deadline=d)``."""
        return self._time.deadline(start, working_days)

    def recompute_deadline(
        self, id: str, *, actor: str | None = None, note: str | None = None
    ) -> Task:
        """Recompute a task's working-day deadline with the calendar as it is now and
        move its due date accordingly: the only way a calendar decision moves a deadline
        already set. Does nothing (no journal line) when the deadline is current."""
        return self._time.recompute_deadline(id, actor, note)

    def deadlines_to_check(self, *, open_only: bool = True) -> list[Task]:
        """Tasks whose working-day deadline was computed with another calendar version
        than the current one (open tasks only, unless ``open_only=False``): a decision
        recorded since may move them, and :meth:`recompute_deadline` says."""
        return self._time.deadlines_to_check(open_only)

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
        return self._tasks.add_recurring_task(template, recurrence, through, actor, note)

    def extend_series(
        self, id: str, through: int, *, actor: str | None = None, note: str | None = None
    ) -> list[Task]:
        """Generate the occurrences of a recurring task up to the end of ``through``;
        returns the new tasks (none when the years exist already). Occurrences already
        generated are never changed."""
        return self._tasks.extend_series(id, through, actor, note)

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
        return self._tasks.add_task_chain(first, rule, actor, note)

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
        when ``working_days=True``. Soonest first. Tasks are classified by the
        ``cchc_task_outcomes`` plugins as :meth:`evaluate` classifies them, so a task
        that a plugin counts as pending after its due date (an extended deadline) is
        listed too, first."""
        return self._urging.due_soon(as_of, within_days, working_days, unit)

    def stale(self, as_of: dt.date, days: int, *, unit: str | None = None) -> list[Task]:
        """Tasks not done by ``as_of`` (and not cancelled) without a progress report in
        the ``days`` days up to ``as_of``: the last report on or before ``as_of`` is older,
        or there is none and the task's year began at least ``days`` days ago (the
        tracker does not know when a task was assigned, so 1 January of its year stands
        in for it; for an occurrence of a recurring task, the due date of the occurrence
        before it). Tasks of later years are not stale. Oldest due date first."""
        return self._urging.stale(as_of, days, unit)

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
        return self._urging.reminders(as_of, within_days, working_days, stale_days, unit)

    def record_inspection(
        self, inspection: Inspection, *, actor: str | None = None, note: str | None = None
    ) -> Inspection:
        """Record (or correct) an inspection of units and tasks, with its findings and
        follow-up tasks; the inspector, units and tasks must exist."""
        return self._records.record_inspection(inspection, actor, note)

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
        return self._org.merge_units(sources, into, on, move_open_tasks, actor, note)

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
        return self._org.split_unit(id, into, on, assign, actor, note)

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
        return self._indices.set_criteria(tree, year, unit_kind, province, actor, note)

    def criteria(self, unit: str, year: int) -> CriteriaTree:
        """The criteria table in force for ``unit`` in ``year``: of the tables set with
        :meth:`set_criteria` whose year is at most ``year``, whose unit kind is the
        unit's (or any) and whose province is the unit or a unit above it (or any), the
        latest year wins, then one that names a province, then one that names a kind.
        Without any, the built-in :func:`~cchc_tasks.indices.default_criteria`."""
        return self._indices.criteria(unit, year)

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
        return self._indices.self_assess(unit, year, assessment, actor, note)

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
        return self._indices.appraise(unit, year, appraisal, actor, note)

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
        return self._indices.set_survey_points(unit, year, points, actor, note)

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
        return self._indices.add_bonus(unit, year, bonus, actor, note)

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
        return self._indices.add_penalty(unit, year, penalty, actor, note)

    def record_scorecard(
        self, card: UnitScorecard, *, actor: str | None = None, note: str | None = None
    ) -> UnitScorecard:
        """Record (or replace) a unit's whole scorecard for a year: the way to load one
        at once, or to withdraw an entry, a bonus or a penalty. ``card.tasks`` must be
        ``None``: task counts are computed from the tasks."""
        return self._indices.record_scorecard(card, actor, note)

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
        return self._indices.import_survey(
            source, survey, units, params, delimiter, encoding, actor, note
        )

    def add_survey_responses(
        self,
        responses: Iterable[SurveyResponse],
        *,
        actor: str | None = None,
        note: str | None = None,
    ) -> int:
        """Add survey responses built in Python (all or nothing); returns how many.
        Their units must exist and their ids be new."""
        return self._indices.add_survey_responses(responses, actor, note)

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
        return self._indices.compute_indices(year, computed_on, as_of)

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
        return self._indices.record_computed_results(year, computed_on, as_of, actor, note)

    def explain_index(
        self, unit: str, year: int, indicator: str = "PAR_INDEX", lang: Lang = "en"
    ) -> str:
        """The breakdown behind ``unit``'s computed ``indicator`` (PAR_INDEX or SIPAS)
        for ``year``: for the PAR index every field, criterion and sub-criterion with
        its points, source (self-assessed, appraised, automatic, missing) and evidence,
        the survey, bonus and penalty points; for SIPAS every factor.

        The recorded computation if there is one (:meth:`record_computed_results`);
        otherwise one computed now from the inputs in the store, tasks as of 31 December
        of ``year``, and said to be so. :class:`NotFoundError` when the unit has no
        scorecard (or no survey responses) for ``year``. In ``lang``: English unless asked.
        """
        return self._indices.explain_index(unit, year, indicator, lang)

    # -- the online survey and the staff dashboard --------------------------------------

    def issue_survey_codes(
        self,
        unit: str,
        service: str,
        count: int,
        *,
        issued: dt.date,
        expires: dt.date,
        actor: str | None = None,
        note: str | None = None,
    ) -> list[str]:
        """Issue ``count`` one-time survey codes for ``unit``'s ``service``, valid from
        ``issued`` to ``expires`` inclusive; one journal line. Returns the codes as
        printed (``7K3M-Q9XD-2HVA-TB5E``): this is the only time they exist, the store
        keeps a digest of each (:class:`~cchc_tasks.survey_codes.SurveyCode`)."""
        return self._codes.issue_survey_codes(unit, service, count, issued, expires, actor, note)

    def answer_survey(
        self,
        code: str,
        answers: Mapping[str, int | None],
        *,
        on: dt.date,
        respondent_kind: RespondentKind | str = "citizen",
        comment: str = "",
        note: str | None = None,
    ) -> SurveyResponse:
        """Answer the questionnaire that ``code`` opens, on ``on``: ``answers`` maps
        each factor of the year's ``[sipas]`` parameters to an answer on its scale
        (``None`` or left out: blank); ``comment`` is optional (at most 1,000
        characters). Records the :class:`~cchc_tasks.surveys.SurveyResponse`
        ``code:<id>`` of the code's unit and service, dated ``on``, and marks the code
        used, in one journal line whose actor is ``survey-code:<id>``. A code never
        issued, used, expired or not yet valid raises
        :class:`~cchc_tasks.survey_codes.SurveyCodeError` and nothing changes."""
        return self._codes.answer_survey(code, answers, respondent_kind, on, comment, note)

    def add_account(
        self,
        account: Account,
        *,
        replace: bool = False,
        actor: str | None = None,
        note: str | None = None,
    ) -> Account:
        """Add a staff account of the dashboard (its password hashed with
        :func:`~cchc_tasks.accounts.hash_password`); ``replace=True`` replaces an
        account of the same login (role, units, hash, active). Its units must exist."""
        return self._accounts.add_account(account, replace, actor, note)

    def set_password(
        self, login: str, password: str, *, actor: str | None = None, note: str | None = None
    ) -> Account:
        """Give the staff account ``login`` a new password (stored as its scrypt hash;
        10 to 1,024 characters)."""
        return self._accounts.set_password(login, password, actor, note)
