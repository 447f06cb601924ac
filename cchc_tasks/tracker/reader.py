"""The read side of a tracker: every query over the state, and nothing that writes.

:class:`Reader` is what rules, hooks and presentation are typed against: the
evaluation pipeline reads through it, the ``cchc_authorize`` plugins receive one, and
:class:`~cchc_tasks.Tracker` is a Reader with the write services added. Reads never
change the state and never read the clock (except :meth:`Reader.evaluate` when no
``as_of`` is given).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from .._fields import check_actor
from ..calendar import WorkingCalendar, default_calendar
from ..config import Config, ConfigurationInForce, Settings
from ..errors import ValidationError
from ..evaluation import choose_ruleset, run_evaluation
from ..inspections import Inspection
from ..plans import IndicatorScale, Plan, as_indicator
from ..plugins import plugin_versions
from ..results import (
    Absence,
    Assessment,
    Discipline,
    PersonRating,
    Result,
    UnitRating,
    UnitSanction,
)
from ..store import Change, DailyHead, Entry, VerifyReport
from ..store.state import copy_json
from ..targets import Target
from ..tasks import Task, TaskChain, TaskOutcome, TaskSeries, TaskStatus
from ..units import Headship, Person, Unit
from ..verdicts import Evaluation, RuleSet
from ._configuration import configuration_in_force
from ._indicators import indicator_scales
from ._session import Session
from ._tables import TABLES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..accounts import Account
    from ..computed import CriteriaEntry, IndexComputation
    from ..indices import UnitScorecard
    from ..survey_codes import SurveyCode
    from ..surveys import SurveyResponse

__all__ = [
    "HistoryEntry",
    "Reader",
    "check_day",
    "check_year",
    "journal_filter",
    "task_status",
]

#: The order tasks are listed in: due date, then id (a key computed in C).
BY_DUE = operator.attrgetter("due", "id")


def due_order(doc: dict[str, Any]) -> str:
    """:data:`BY_DUE` of a stored task document: its ISO due date (always ten
    characters) followed by its id sorts as (due, id) does. Sorting the year's 10,000
    documents by these strings, before decoding, took a tenth of the time sorting the
    tasks by (date, id) pairs did. The lookup of tasks by due day gives the same order
    without reading the documents (``Session.keys_between``)."""
    key: str = doc["due"] + doc["id"]
    return key


@attrs.frozen
class HistoryEntry:
    """One change to one object: journal ``seq``, time ``at``, ``actor``, ``note`` and
    the ``change`` (``change.before`` / ``change.after`` documents)."""

    seq: int
    at: dt.datetime
    actor: str | None
    note: str | None
    change: Change


# HistoryEntry is part of the public API as cchc_tasks.HistoryEntry.
HistoryEntry.__module__ = "cchc_tasks.tracker"


def task_status(value: TaskStatus | str) -> str:
    """The stored value of a task status given as a member or a string."""
    try:
        return TaskStatus(value).value
    except ValueError:
        raise ValidationError(
            "tasks.status", f"one of {', '.join(s.value for s in TaskStatus)}", value
        ) from None


def check_day(name: str, value: Any) -> None:
    """``value`` is a date (not a datetime)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(name, "a date (datetime.date)", value)


def check_year(year: Any, field: str) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        raise ValidationError(field, "a year such as 2024", year)
    return year


#: The earliest year :meth:`Reader.evaluate` accepts when no plan starts earlier.
FIRST_EVALUATION_YEAR = 1990


class Reader:
    """Every query over a store's state (see the module docstring)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def __repr__(self) -> str:
        where = self._session.store.path or "memory"
        return f"<{type(self).__name__} {where} seq={self._session.store.seq}>"

    # -- the store --------------------------------------------------------------------

    @property
    def path(self) -> str | None:
        """The store folder, or ``None`` for a memory tracker."""
        return self._session.store.path

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        return self._session.pm

    @property
    def seq(self) -> int:
        """The journal sequence number of the last change."""
        return self._session.store.seq

    @property
    def read_only(self) -> bool:
        """Whether this is a read-only view (see :meth:`as_of`): every write raises."""
        return self._session.read_only is not None

    @property
    def settings(self) -> Settings:
        """The rule parameters of every year (:class:`~cchc_tasks.config.Settings`)."""
        return self._session.settings

    @property
    def actor(self) -> str | None:
        """The default actor of writes."""
        return self._session.actor

    @actor.setter
    def actor(self, value: str | None) -> None:
        check_actor(value, "Tracker.actor")
        self._session.actor = value

    @property
    def ruleset(self) -> str | None:
        """The rule set forced for every evaluation, or ``None`` (the one in force)."""
        return self._session.ruleset

    @ruleset.setter
    def ruleset(self, value: str | None) -> None:
        self._session.ruleset = value

    def db(self) -> Any:
        """A read-only :class:`tinydb.TinyDB` over the current state, for ad-hoc queries
        with ``tinydb.Query``. Writes through it raise :class:`StoreError`."""
        return self._session.store.state.tinydb()

    def refresh(self) -> None:
        """Catch up with changes other processes wrote to the same store."""
        self._session.store.refresh()

    def verify(self, expect: str | None = None) -> VerifyReport:
        """Walk the whole hash chain, from the first journal line, and check the
        snapshot against it; returns a :class:`VerifyReport` with the first line that
        was altered, removed or reordered. With ``expect``, a head recorded elsewhere
        (see :meth:`daily_heads`; the hash or its first 12 or more hex digits), the
        chain must also pass through that line: the one check that shows a journal
        rewritten with every hash recomputed.

        Unlike opening a store, which raises :class:`StoreCorruptError` for damage in
        the lines it reads, ``verify()`` never raises: it reports what it found.
        """
        return self._session.store.verify(expect)

    def daily_heads(self) -> list[DailyHead]:
        """The head of the hash chain at the end of each day with journal lines (the
        day of the line's timestamp), oldest first: ``day``, ``seq`` and ``hash``.
        Published elsewhere (the minutes of the annual evaluation), a head lets
        :meth:`verify` with ``expect`` detect a later rewrite of the journal."""
        return self._session.store.daily_heads()

    def entries(self) -> Iterator[Entry]:
        """Every journal entry, oldest first."""
        return self._session.store.entries()

    def history(self, id: str) -> list[HistoryEntry]:
        """Every change to the object(s) with this id, oldest first."""
        return [
            HistoryEntry(e.seq, e.at, e.actor, e.note, c)
            for e in self._session.store.entries()
            for c in e.changes
            if c.id == id
        ]

    def to_documents(self) -> Mapping[str, list[dict[str, Any]]]:
        """The whole state as plain JSON-ready documents, table by table."""
        state = self._session.store.state
        return {table: [copy_json(d) for d in state.docs(table)] for table in TABLES}

    # -- one object -------------------------------------------------------------------

    def unit(self, id: str) -> Unit:
        found: Unit = self._session.get("units", id)
        return found

    def person(self, id: str) -> Person:
        found: Person = self._session.get("persons", id)
        return found

    def plan(self, id: str) -> Plan:
        found: Plan = self._session.get("plans", id)
        return found

    def target(self, id: str) -> Target:
        found: Target = self._session.get("targets", id)
        return found

    def task(self, id: str) -> Task:
        found: Task = self._session.get("tasks", id)
        return found

    def series(self, id: str) -> TaskSeries:
        """A recurring task's :class:`TaskSeries` (template, recurrence, last year
        generated)."""
        found: TaskSeries = self._session.get("series", id)
        return found

    def chain(self, id: str) -> TaskChain:
        """An after-completion chain (its template and rule)."""
        found: TaskChain = self._session.get("chains", id)
        return found

    def inspection(self, id: str) -> Inspection:
        found: Inspection = self._session.get("inspections", id)
        return found

    # -- the organisation -------------------------------------------------------------

    def units(self, *, parent: str | None = None) -> list[Unit]:
        """All units, sorted by id (only the children of ``parent`` if given)."""
        keys = self._session.matching("units", parent=parent)
        return sorted(self._session.all("units", keys), key=lambda u: u.id)

    def persons(self, *, unit: str | None = None) -> list[Person]:
        keys = self._session.matching("persons", unit=unit)
        return sorted(self._session.all("persons", keys), key=lambda p: p.id)

    def headships(self, unit: str | None = None, *, person: str | None = None) -> list[Headship]:
        """Headships, oldest first; of one unit and/or one person if given."""
        keys = self._session.matching("headships", unit=unit, person=person)
        return sorted(self._session.all("headships", keys), key=lambda h: (h.start, h.unit))

    def heads(self, unit: str, on: dt.date) -> list[Person]:
        """Who headed ``unit`` on a day (normally one person, or nobody)."""
        return [self.person(h.person) for h in self.headships(unit) if h.overlaps(on, on)]

    def units_on(self, day: dt.date) -> list[Unit]:
        """The units in force on ``day``, sorted by id."""
        check_day("units_on.day", day)
        return [u for u in self.units() if u.exists_between(day, day)]

    def predecessors(self, id: str) -> list[Unit]:
        """The units that name ``id`` among their successors (merged into it or split
        into it), sorted by id."""
        self.unit(id)
        return [u for u in self.units() if id in u.successors]

    def plans(self) -> list[Plan]:
        return sorted(self._session.all("plans"), key=lambda p: p.id)

    def targets(self) -> list[Target]:
        return sorted(self._session.all("targets"), key=lambda t: t.id)

    # -- tasks ------------------------------------------------------------------------

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
        session = self._session
        for name, day in (("tasks.due_from", due_from), ("tasks.due_to", due_to)):
            if day is not None:
                check_day(name, day)
        keys = session.matching(
            "tasks",
            unit=unit,
            plan=plan,
            assignee=assignee,
            status=None if status is None else task_status(status),
        )
        if keys is None and (due_from is not None or due_to is not None):
            # Only dates: the due days' keys come in order, with nothing to filter.
            first = (due_from or dt.date.min).isoformat()
            last = (due_to or dt.date.max).isoformat()
            found: list[Task] = session.keyed(
                "tasks", session.keys_between("tasks", "due", first, last)
            )
            return found
        found = session.all("tasks", keys, due_order)
        if due_from is not None or due_to is not None:
            found = [
                t
                for t in found
                if (due_from is None or t.due >= due_from) and (due_to is None or t.due <= due_to)
            ]
        return found

    def tasks_due_in(self, year: int, *, sort: bool = True) -> list[Task]:
        """Every task whose due date falls in ``year`` (the year it counts in), by due
        date then id. ``sort`` is kept for callers that pass ``sort=False`` (once a way to
        skip sorting, for bulk work): the tasks come in that order at no cost now."""
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValidationError("tasks_due_in.year", "a year such as 2024", year)
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            return []  # no date falls in it
        found: list[Task] = self._session.all_between(
            "tasks", "due", f"{year:04d}-01-01", f"{year:04d}-12-31"
        )
        return found

    def task_outcomes(self, tasks: Sequence[Task], as_of: dt.date) -> dict[str, TaskOutcome]:
        """How each of ``tasks`` counts on ``as_of`` (task id → outcome), classified by
        the ``cchc_task_outcomes`` plugins exactly as :meth:`evaluate` classifies them:
        the built-in rules, overridden for the tasks a plugin answers for (a province
        that grants deadline extensions)."""
        check_day("task_outcomes.as_of", as_of)
        return self._session.task_outcomes(list(tasks), as_of)

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
        return sorted(tasks, key=BY_DUE)

    def chain_tasks(self, id: str) -> list[Task]:
        """The occurrences of an after-completion chain so far, by due date."""
        found = self.chain(id)
        return [t for t in self.tasks() if t.series == found.id]

    def calendar(self) -> WorkingCalendar:
        """The working-day calendar of this store: Vietnamese public holidays (the
        ``holidays`` package) plus the overrides recorded with
        :meth:`add_calendar_override`. Its ``version`` changes with any override."""
        overrides = tuple(sorted(self._session.all("calendar"), key=lambda o: o.day))
        cached = self._session.calendar
        if cached is not None and cached.overrides == overrides:
            return cached
        made = default_calendar() if not overrides else WorkingCalendar(overrides=overrides)
        self._session.calendar = made
        return made

    def inspections(
        self, *, unit: str | None = None, task: str | None = None, inspector: str | None = None
    ) -> list[Inspection]:
        """Inspections, oldest first: of ``unit``, of ``task`` (inspected or set as a
        follow-up), by ``inspector``."""
        found = [
            i
            for i in self._session.all("inspections")
            if (unit is None or unit in i.units)
            and (task is None or task in i.tasks or task in i.follow_up)
            and (inspector is None or i.inspector == inspector)
        ]
        return sorted(found, key=lambda i: (i.on, i.id))

    # -- records ----------------------------------------------------------------------

    def disciplines(self, person: str | None = None) -> list[Discipline]:
        keys = self._session.matching("disciplines", person=person)
        return sorted(self._session.all("disciplines", keys), key=lambda d: (d.on, d.id))

    def results(
        self, *, indicator: str | None = None, unit: str | None = None, year: int | None = None
    ) -> list[Result]:
        """Indicator results, filtered by any of indicator, unit and year."""
        if indicator is not None and unit is not None and year is not None:
            found = self._session.find("results", f"{indicator}@{unit}@{year}")
            return [] if found is None else [found]
        keys = self._session.matching("results", year=year, unit=unit)
        results = [
            r
            for r in self._session.all("results", keys)
            if indicator is None or r.indicator == indicator
        ]
        return sorted(results, key=lambda r: (r.year, str(r.indicator), r.unit))

    def indicators(self) -> list[IndicatorScale]:
        """Every indicator results and targets may name, with its scale: the built-in
        four and those declared with :meth:`~cchc_tasks.Tracker.add_indicator`, by name."""
        scales = indicator_scales(self._session)
        return [scales[name] for name in sorted(scales)]

    def assessments(
        self, *, person: str | None = None, year: int | None = None
    ) -> list[Assessment]:
        """Recorded assessments, by person and/or year."""
        keys = self._session.matching("assessments", year=year)
        found = [
            a
            for a in self._session.all("assessments", keys)
            if person is None or a.person == person
        ]
        return sorted(found, key=lambda a: (a.year, a.person))

    def absences(self, person: str | None = None) -> list[Absence]:
        """Recorded absences (maternity leave and other time away), of one person or all,
        by start date."""
        keys = self._session.matching("absences", person=person)
        return sorted(self._session.all("absences", keys), key=lambda a: (a.start, a.id))

    def unit_ratings(self, *, unit: str | None = None, year: int | None = None) -> list[UnitRating]:
        """Collective ratings of units recorded with :meth:`Tracker.record_unit_rating`."""
        keys = self._session.matching("unit_ratings", year=year)
        found = [r for r in self._session.all("unit_ratings", keys) if unit in (None, r.unit)]
        return sorted(found, key=lambda r: (r.year, r.unit))

    def person_ratings(
        self, *, person: str | None = None, year: int | None = None
    ) -> list[PersonRating]:
        """Official ratings of people recorded with :meth:`Tracker.record_rating`."""
        keys = self._session.matching("person_ratings", year=year)
        found = [r for r in self._session.all("person_ratings", keys) if person in (None, r.person)]
        return sorted(found, key=lambda r: (r.year, r.person))

    def sanctions(self, *, unit: str | None = None, year: int | None = None) -> list[UnitSanction]:
        """Sanctions of units for embezzlement, corruption or waste recorded with
        :meth:`Tracker.record_sanction`, by date; of one unit and/or one year if given."""
        keys = self._session.matching("sanctions", unit=unit, year=year)
        found: list[UnitSanction] = self._session.all("sanctions", keys)
        return sorted(found, key=lambda x: (x.on, x.unit, x.kind))

    # -- the inputs of the indices ----------------------------------------------------

    def criteria_entries(self) -> list[CriteriaEntry]:
        """Every criteria table set, by year, then province and unit kind."""
        found: list[CriteriaEntry] = self._session.all("criteria")
        return sorted(found, key=lambda e: (e.year, e.province or "", e.unit_kind or ""))

    def scorecard(self, unit: str, year: int) -> UnitScorecard | None:
        """``unit``'s scorecard for ``year``, or ``None`` if nothing was scored."""
        found: UnitScorecard | None = self._session.find("scorecards", f"{unit}@{year}")
        return found

    def scorecards(
        self, *, unit: str | None = None, year: int | None = None
    ) -> list[UnitScorecard]:
        """Scorecards, by year then unit; of one unit and/or one year if given."""
        keys = self._session.matching("scorecards", year=year, unit=unit)
        cards: list[UnitScorecard] = self._session.all("scorecards", keys)
        return sorted(cards, key=lambda c: (c.year, c.unit))

    def survey_responses(
        self, *, unit: str | None = None, year: int | None = None
    ) -> list[SurveyResponse]:
        """Survey responses, by date then id; of one unit and/or one year if given."""
        keys = self._session.matching("survey_responses", year=year, unit=unit)
        responses: list[SurveyResponse] = self._session.all("survey_responses", keys)
        return sorted(responses, key=lambda r: (r.date, r.id))

    def index_computation(self, indicator: str, unit: str, year: int) -> IndexComputation | None:
        """The recorded computation behind ``unit``'s ``indicator`` (PAR_INDEX or SIPAS)
        for ``year`` (:meth:`record_computed_results`), or ``None``."""
        key = f"{as_indicator(indicator)}@{unit}@{year}"
        found: IndexComputation | None = self._session.find("index_computations", key)
        return found

    # -- rules and the evaluation -----------------------------------------------------

    def config(self, year: int) -> Config:
        """The rule parameters in force for the evaluation of ``year``."""
        config: Config = self._session.settings.for_year(year)
        return config

    def configuration(self) -> ConfigurationInForce:
        """The store's rule configuration in force (recorded with
        :meth:`~cchc_tasks.Tracker.configure`): the installed plugins its evaluations use
        (name → version recorded), its ``config`` mapping, and the journal line that set
        them (``seq``, ``at``, ``actor``, ``note``). Its changes are in
        ``history("configuration")``."""
        return configuration_in_force(self._session)

    def rulesets(self) -> list[RuleSet]:
        """Every rule set the plugins declare, oldest first."""
        return sorted(self._session.hooks.rulesets(), key=lambda rs: rs.effective_from)

    def evaluate(
        self, year: int, *, as_of: dt.date | None = None, ruleset: str | None = None
    ) -> Evaluation:
        """Evaluate ``year`` as of ``as_of`` (default 31 December of the year, or today if
        that is earlier: the only place the clock is read). ``ruleset`` overrides the
        rule set in force (also settable per tracker)."""
        session = self._session
        self._check_evaluation_year(year)
        if as_of is None:
            as_of = min(dt.date(year, 12, 31), session.today())
        elif not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
            raise ValidationError("evaluate.as_of", "a date (datetime.date)", as_of)
        elif as_of < dt.date(year, 1, 1):
            raise ValidationError("evaluate.as_of", f"a date from 1 January {year} on", as_of)
        session.require_plugins()
        rules = session.rules()
        chosen = choose_ruleset(rules.hooks.rulesets(), year, ruleset or session.ruleset)
        evaluation = run_evaluation(
            self,
            rules.hooks,
            year,
            as_of,
            ruleset=chosen,
            plugins=plugin_versions(rules.pm),
            store_seq=session.store.seq,
            config=session.settings.for_year(year),
        )
        return attrs.evolve(evaluation, configuration_seq=self.configuration().seq)

    def _check_evaluation_year(self, year: Any) -> None:
        """A sane year: from 1990 (the first reform programmes; earlier if a plan starts
        earlier) to the year after the latest of today and the plans' last year. A typo
        such as 20244 is refused instead of giving an empty evaluation."""
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValidationError("evaluate.year", "a year such as 2024", year)
        plans = self.plans()
        first = min([FIRST_EVALUATION_YEAR, *(p.start.year for p in plans)])
        last = max([self._session.today().year, *(p.end.year for p in plans)]) + 1
        if not first <= year <= last:
            raise ValidationError("evaluate.year", f"a year from {first} to {last}", year)

    # -- the online survey and the staff dashboard ----------------------------------

    def survey_code(self, code: str) -> SurveyCode:
        """The record of a survey code as printed (any case, with or without dashes):
        :class:`ValidationError` if the text cannot be a code, :class:`NotFoundError`
        if no such code was issued."""
        from ..survey_codes import code_id

        found: SurveyCode = self._session.get("survey_codes", code_id(code), "code")
        return found

    def survey_codes(self, *, unit: str | None = None) -> list[SurveyCode]:
        """The survey codes issued (their records, never the codes), by issue day then
        id; of one unit if given."""
        keys = self._session.matching("survey_codes", unit=unit)
        codes: list[SurveyCode] = self._session.all("survey_codes", keys)
        return sorted(codes, key=lambda c: (c.issued, c.id))

    def account(self, login: str) -> Account:
        """The staff account ``login``; :class:`NotFoundError` if there is none."""
        found: Account = self._session.get("accounts", login, "login")
        return found

    def accounts(self) -> list[Account]:
        """Every staff account, by login."""
        accounts: list[Account] = self._session.all("accounts")
        return sorted(accounts, key=lambda a: a.id)


def journal_filter(when: Any) -> tuple[Callable[[Entry], bool], str]:
    """Which journal lines a view as of ``when`` keeps, and how to name the moment."""
    if isinstance(when, dt.datetime):
        if when.utcoffset() is None:
            raise ValidationError("as_of.when", "a timezone-aware datetime", when)
        return (lambda entry: entry.at <= when), when.isoformat()
    if isinstance(when, dt.date):
        label = f"the end of {when.isoformat()} (UTC)"
        if when == dt.date.max:
            return (lambda entry: True), label
        end = dt.datetime.combine(when + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        return (lambda entry: entry.at < end), label
    if isinstance(when, int) and not isinstance(when, bool) and when >= 0:
        return (lambda entry: entry.seq <= when), f"journal seq {when}"
    raise ValidationError(
        "as_of.when", "a timezone-aware datetime, a date or a journal seq (>= 0)", when
    )
