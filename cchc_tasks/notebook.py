"""Working with a tracker in a notebook: DataFrames, rich HTML and charts.

Analysts explore a CCHC plan in Jupyter: filter the tasks, group the units, chart the
indicators. This module gives them pandas DataFrames of tasks (:func:`tasks_frame`,
:class:`TaskList`), of an evaluation (:func:`evaluation_frame`, also
``Evaluation.to_dataframe``) and of the journal (:func:`history_frame`); HTML views that
Jupyter shows by itself (``_repr_html_`` on :class:`~cchc_tasks.Evaluation`,
:class:`~cchc_tasks.Task`, :class:`TaskList` and the parts of an evaluation); and
matplotlib charts of an indicator against its target, of task completion and of the
ratings (drawn by :mod:`cchc_tasks.charts`, and importable from here too).

pandas and matplotlib are an optional extra (``pip install cchc-tasks[notebook]``),
imported only by the functions that need them, so ``import cchc_tasks`` stays light
and a district server without them works as before; calling such a function without
them raises a :class:`~cchc_tasks.CchcError` that says what to install. The HTML views
need neither.

DataFrames have stable English column names and the codes the library uses as values
("HTXSNV", "on_time", "PASS"), which is what analysis code filters on; ratings and bands
are ordered categoricals, so sorting and grouping follow the scale. ``labels="vi"`` or
``"en"`` gives the same frame for people instead: headers and values spelt out in that
language. Charts and HTML take ``lang`` and default to Vietnamese, the language of the
officials who read them.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

import attrs

from . import _display
from .charts import figure_png, plot_completion, plot_indicator, plot_ratings
from .errors import CchcError, ValidationError
from .evaluation import Evaluation, LeaderRating, Reason, RuleSet, TargetResult, UnitResult
from .i18n import Message, has_message, render, translate_or
from .labels import (
    OUTCOME_COLOURS,
    Lang,
    band_label,
    change_label,
    check_lang,
    date_text,
    field_label,
    indicator_label,
    number_text,
    outcome_label,
    rating_label,
    recommendation_label,
    status_label,
    t,
    task_outcome_label,
)
from .ratings import Band, Rating
from .reports import evaluation_html, html_pairs, html_table
from .tables import Cell, Table, ordered_units, rating_cell
from .targets import Outcome
from .tasks import Task, TaskOutcome, TaskStatus

if TYPE_CHECKING:
    import pandas as pd

    from .store import Entry
    from .tracker import HistoryEntry, Tracker

__all__ = [
    "FRAMES",
    "TaskList",
    "evaluation_frame",
    "evaluation_html",
    "figure_png",
    "history_frame",
    "leader_rating_html",
    "plot_completion",
    "plot_indicator",
    "plot_ratings",
    "target_result_html",
    "task_html",
    "tasks_frame",
    "tasks_html",
    "unit_result_html",
]

#: What :func:`evaluation_frame` can tabulate.
FRAMES = ("units", "leaders", "targets", "recommendations", "tasks")

_INSTALL = "pip install cchc-tasks[notebook]"


def _require(module: str, what: str) -> None:
    """Import ``module`` or say, as a :class:`CchcError`, what to install."""
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise CchcError(
            f"{what} need {module}, which is not installed; install it with `{_INSTALL}`"
        ) from exc


# --- DataFrames -----------------------------------------------------------------------------


@attrs.frozen
class _Col:
    """A column: its ``name`` in the frame, the ``header`` key of its label, how a value
    reads to people (``label``), and its ``kind`` (``date``, ``datetime``, ``int``,
    ``rating``, ``band`` or plain)."""

    name: str
    header: str
    label: Callable[[Any, Lang], Any] | None = None
    kind: str = ""


def _code(value: Any) -> Any:
    if isinstance(value, (tuple, Reason, Message)):
        return _words(value, "en")
    if isinstance(value, RuleSet):
        return value.name
    return value.value if isinstance(value, enum.Enum) else value


def _words(value: Any, lang: Lang) -> str:
    """Reasons and messages as people read them in ``lang``; several joined by "; "."""
    if isinstance(value, tuple):
        return "; ".join(_words(v, lang) for v in value)
    if isinstance(value, Reason):
        return value.render(lang)
    return render(value, lang)


def _ruleset(value: RuleSet | str | None, lang: Lang) -> str:
    if isinstance(value, RuleSet):
        return render(value.title, lang)
    return value or "—"


def _subject_kind(kind: str, lang: Lang) -> str:
    return translate_or(f"subject.{kind}", kind, lang)


def _frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[_Col], labels: Lang | None) -> Any:
    """Rows of raw values → a DataFrame with the columns' types, in codes or labels."""
    _require("pandas", "DataFrames")
    import pandas as pd

    if labels is not None:
        labels = check_lang(labels)
    data: dict[str, Any] = {}
    for col in columns:
        raw = [row[col.name] for row in rows]
        if labels is not None and col.label is not None:
            # "Not rated" is a rating people should read; other missing values stay empty.
            label = col.label
            keep_none = col.kind != "rating"
            values: Any = [None if v is None and keep_none else label(v, labels) for v in raw]
        elif col.kind == "date":
            values = pd.to_datetime(pd.Series(raw, dtype=object))
        elif col.kind == "datetime":
            values = pd.to_datetime(pd.Series(raw, dtype=object), utc=True)
        elif col.kind == "int":
            values = pd.array(raw, dtype="Int64")
        elif col.kind == "rating":
            order = [r.code for r in sorted(Rating)]
            values = pd.Categorical([_code(v) for v in raw], categories=order, ordered=True)
        elif col.kind == "band":
            order = [b.value for b in sorted(Band)]
            values = pd.Categorical([_code(v) for v in raw], categories=order, ordered=True)
        else:
            values = [_code(v) for v in raw]
        data[col.name if labels is None else t(col.header, labels)] = values
    return pd.DataFrame(data)


def _rating(value: Any, lang: Lang) -> str:
    return rating_label(value, lang)


def _months(value: Any, lang: Lang) -> Any:
    return round(float(value), 1)


_TASK_COLUMNS = (
    _Col("id", "col.id"),
    _Col("plan", "col.plan"),
    _Col("title", "col.title"),
    _Col("field", "col.field", field_label),
    _Col("unit", "col.unit_id"),
    _Col("unit_name", "col.unit"),
    _Col("assignee", "col.person_id"),
    _Col("assignee_name", "col.person"),
    _Col("partners", "col.partners"),
    _Col("due", "col.due", kind="date"),
    _Col("year", "col.year"),
    _Col("status", "col.status", status_label),
    _Col("completed_on", "col.completed_on", kind="date"),
    _Col("exceeded", "col.exceeded"),
    _Col("weight", "col.weight"),
    _Col("budget", "col.budget"),
    _Col("errors", "col.errors"),
    _Col("outcome", "col.outcome", task_outcome_label),
    _Col("days_overdue", "col.days_overdue", kind="int"),
)


def _task_row(
    task: Task, outcome: TaskOutcome | None, as_of: dt.date | None, names: Mapping[str, str]
) -> dict[str, Any]:
    overdue = outcome is TaskOutcome.OVERDUE and as_of is not None
    return {
        "id": task.id,
        "plan": task.plan,
        "title": task.title,
        "field": task.field,
        "unit": task.unit,
        "unit_name": names.get(task.unit, task.unit),
        "assignee": task.assignee,
        "assignee_name": None if task.assignee is None else names.get(task.assignee),
        "partners": ", ".join(task.partners),
        "due": task.due,
        "year": task.year,
        "status": task.status,
        "completed_on": task.completed_on,
        "exceeded": task.exceeded,
        "weight": task.weight,
        "budget": task.budget,
        "errors": task.errors,
        "outcome": outcome,
        "days_overdue": (as_of - task.due).days if overdue and as_of is not None else None,
    }


def _classify(task: Task, as_of: dt.date | None) -> TaskOutcome | None:
    if as_of is None:
        return None
    from .rulesets.outcomes import classify

    return classify(task, as_of)


def _names_of(tracker: Tracker) -> dict[str, str]:
    names = {u.id: u.name for u in tracker.units()}
    names.update({p.id: p.name for p in tracker.persons()})
    return names


@attrs.frozen
class TaskList(Sequence[Task]):
    """A list of tasks that shows itself as a table in Jupyter and becomes a DataFrame.

    ``as_of`` adds how each task counts on that day (on time, late, overdue, pending,
    cancelled) and the days overdue; ``names`` maps unit and person ids to names for
    display. :meth:`of` makes one from a tracker's query, with each task counted as the
    tracker's evaluation counts it (``counted``: its ``cchc_task_outcomes`` plugins, a
    deadline extension included); a task not in ``counted`` is classified by the
    built-in rules.
    """

    tasks: tuple[Task, ...]
    as_of: dt.date | None = None
    names: Mapping[str, str] = attrs.field(factory=dict)
    counted: Mapping[str, TaskOutcome] = attrs.field(factory=dict)

    @classmethod
    def of(
        cls,
        tracker: Tracker,
        *,
        as_of: dt.date | None = None,
        unit: str | None = None,
        plan: str | None = None,
        status: TaskStatus | str | None = None,
        assignee: str | None = None,
        due_from: dt.date | None = None,
        due_to: dt.date | None = None,
    ) -> TaskList:
        """The tasks of :meth:`Tracker.tasks` with the same filters, with names."""
        found = tracker.tasks(
            unit=unit,
            plan=plan,
            status=status,
            assignee=assignee,
            due_from=due_from,
            due_to=due_to,
        )
        counted = {} if as_of is None else tracker.task_outcomes(found, as_of)
        return cls(tuple(found), as_of, _names_of(tracker), counted)

    @overload
    def __getitem__(self, index: int) -> Task: ...
    @overload
    def __getitem__(self, index: slice) -> TaskList: ...
    def __getitem__(self, index: int | slice) -> Task | TaskList:
        if isinstance(index, slice):
            return attrs.evolve(self, tasks=self.tasks[index])
        return self.tasks[index]

    def __len__(self) -> int:
        return len(self.tasks)

    def __iter__(self) -> Iterator[Task]:
        return iter(self.tasks)

    def outcomes(self) -> dict[str, TaskOutcome | None]:
        """Task id → how it counts as of ``as_of`` (``None`` without ``as_of``)."""
        return {
            task.id: self.counted.get(task.id) or _classify(task, self.as_of) for task in self.tasks
        }

    def to_dataframe(self, *, labels: Lang | None = None) -> pd.DataFrame:
        """One row per task; see :func:`tasks_frame` for the columns."""
        outcomes = self.outcomes()
        rows = [_task_row(x, outcomes[x.id], self.as_of, self.names) for x in self.tasks]
        frame: pd.DataFrame = _frame(rows, _TASK_COLUMNS, labels)
        return frame

    def _repr_html_(self) -> str:
        return tasks_html(self.tasks, as_of=self.as_of, names=self.names, counted=self.counted)


def tasks_frame(
    tasks: Tracker | Iterable[Task],
    *,
    as_of: dt.date | None = None,
    labels: Lang | None = None,
    names: Mapping[str, str] | None = None,
    unit: str | None = None,
    plan: str | None = None,
    status: TaskStatus | str | None = None,
    assignee: str | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
) -> pd.DataFrame:
    """A DataFrame of tasks, one row each: ``id``, ``plan``, ``title``, ``field``,
    ``unit`` and ``unit_name``, ``assignee`` and ``assignee_name``, ``partners`` (ids,
    comma-separated), ``due`` (datetime64), ``year``, ``status``, ``completed_on``,
    ``exceeded``, ``weight``, ``budget``, ``errors``, and with ``as_of`` the ``outcome``
    on that day and ``days_overdue`` (else empty).

    ``tasks`` is a tracker, queried with the filters of :meth:`Tracker.tasks` (names
    come from it), or any iterable of tasks (filters then do not apply; ``names`` maps
    ids to names). ``labels="vi"``/``"en"`` gives headers and values for people.
    """
    from .tracker import Tracker

    if isinstance(tasks, Tracker):
        listed = TaskList.of(
            tasks,
            as_of=as_of,
            unit=unit,
            plan=plan,
            status=status,
            assignee=assignee,
            due_from=due_from,
            due_to=due_to,
        )
        if names:
            listed = attrs.evolve(listed, names={**listed.names, **names})
    else:
        given = (unit, plan, status, assignee, due_from, due_to)
        if any(x is not None for x in given):
            raise ValidationError(
                "tasks_frame.tasks", "a Tracker when filters are given", type(tasks).__name__
            )
        listed = TaskList(tuple(tasks), as_of, dict(names or {}))
    return listed.to_dataframe(labels=labels)


_UNIT_COLUMNS = (
    _Col("unit", "col.unit_id"),
    _Col("name", "col.unit"),
    _Col("kind", "col.unit_kind"),
    _Col("parent", "col.parent"),
    _Col("tasks", "col.tasks"),
    _Col("on_time", "col.on_time"),
    _Col("late", "col.late"),
    _Col("overdue", "col.overdue"),
    _Col("pending", "col.pending"),
    _Col("cancelled", "col.cancelled"),
    _Col("exceeded", "col.exceeded"),
    _Col("score", "col.score"),
    _Col("band", "col.band", band_label, kind="band"),
    _Col("rank", "col.rank", kind="int"),
    _Col("of", "col.of", kind="int"),
)
_LEADER_COLUMNS = (
    _Col("person", "col.person_id"),
    _Col("name", "col.head"),
    _Col("unit", "col.unit_id"),
    _Col("unit_name", "col.unit"),
    _Col("start", "col.start", kind="date"),
    _Col("end", "col.end", kind="date"),
    _Col("months", "col.months", _months),
    _Col("ruleset", "col.ruleset", _ruleset),
    _Col("base", "col.base", _rating, kind="rating"),
    _Col("rating", "col.rating", _rating, kind="rating"),
    _Col("reason", "col.reason", _words),
    _Col("caps", "col.caps", _words),
)
_TARGET_COLUMNS = (
    _Col("target", "col.id"),
    _Col("title", "col.target"),
    _Col("indicator", "col.indicator", indicator_label),
    _Col("unit", "col.unit_id"),
    _Col("outcome", "col.outcome", outcome_label),
    _Col("rule", "col.rule", _words),
    _Col("value", "col.value"),
    _Col("rank", "col.rank", kind="int"),
    _Col("of", "col.of", kind="int"),
    _Col("previous", "col.previous"),
    _Col("reason", "col.reason", _words),
)
_RECOMMENDATION_COLUMNS = (
    _Col("kind", "col.kind", recommendation_label),
    _Col("subject", "col.subject"),
    _Col("subject_kind", "col.subject_kind", _subject_kind),
    _Col("name", "col.name", _words),
    _Col("reason", "col.reason", _words),
    _Col("rule", "col.rule"),
    _Col("source", "col.source"),
)


def _unit_rows(ev: Evaluation) -> list[dict[str, Any]]:
    return [
        {
            "unit": u.unit.id,
            "name": u.unit.name,
            "kind": u.unit.kind,
            "parent": u.unit.parent,
            "tasks": u.facts.counted,
            "on_time": u.on_time,
            "late": u.late,
            "overdue": u.overdue,
            "pending": u.pending,
            "cancelled": u.cancelled,
            "exceeded": u.exceeded,
            "score": u.score,
            "band": u.band,
            "rank": u.rank,
            "of": u.of,
        }
        for u in ordered_units(ev)
    ]


def _leader_rows(ev: Evaluation) -> list[dict[str, Any]]:
    order = {u.unit.id: i for i, u in enumerate(ordered_units(ev))}
    ratings = sorted(ev.ratings, key=lambda r: (order.get(r.unit, len(order)), r.headship.start))
    return [
        {
            "person": r.person,
            "name": ev.names.get(r.person, r.person),
            "unit": r.unit,
            "unit_name": ev.names.get(r.unit, r.unit),
            "start": r.headship.start,
            "end": r.headship.end,
            "months": r.months,
            "ruleset": ev.ruleset
            if ev.ruleset is not None and ev.ruleset.name == r.ruleset
            else r.ruleset,
            "base": r.base,
            "rating": r.rating,
            "reason": tuple(x for x in r.reasons if not x.rule.endswith(".facts")),
            "caps": tuple(
                Message.of("misc.cap_reason", code=c.rating.code, reason=c.reason.text)
                for c in r.caps
            ),
        }
        for r in ratings
    ]


def _target_rows(ev: Evaluation) -> list[dict[str, Any]]:
    rows = []
    for tid, r in sorted(ev.targets.items()):
        facts = r.facts
        rows.append(
            {
                "target": tid,
                "title": r.target.title,
                "indicator": r.target.indicator,
                "unit": r.target.unit,
                "outcome": r.outcome,
                "rule": r.rule.describe(),
                "value": None if facts is None else facts.value,
                "rank": None if facts is None else facts.rank,
                "of": None if facts is None else facts.of,
                "previous": None if facts is None else facts.previous,
                "reason": r.reason,
            }
        )
    return rows


def _recommendation_rows(ev: Evaluation) -> list[dict[str, Any]]:
    return [
        {
            "kind": rec.kind,
            "subject": rec.subject,
            "subject_kind": rec.subject_kind,
            # A group of heads is named by the kind of unit they head, in either language.
            "name": Message(f"quota.kind.{rec.subject}")
            if rec.subject_kind == "group" and has_message(f"quota.kind.{rec.subject}")
            else ev.names.get(rec.subject, rec.subject),
            "reason": rec.reason.text,
            "rule": rec.reason.rule,
            "source": rec.reason.source,
        }
        for rec in ev.recommendations
    ]


def _evaluation_task_rows(ev: Evaluation) -> list[dict[str, Any]]:
    rows = []
    for u in ordered_units(ev):
        for task in u.facts.tasks:
            outcome = u.facts.outcomes.get(task.id)
            rows.append(_task_row(task, outcome, ev.as_of, ev.names))
    return sorted(rows, key=lambda row: (row["due"], row["id"]))


def evaluation_frame(
    ev: Evaluation, what: str = "units", *, labels: Lang | None = None
) -> pd.DataFrame:
    """One part of an evaluation as a DataFrame.

    ``what`` is ``"units"`` (tasks counted, on time, late, overdue, pending, cancelled,
    exceeded, score, band, rank of ``of``), ``"leaders"`` (every head rated in the year:
    person, unit, dates, months, rule set, base and final rating, the deciding reasons
    and the caps), ``"targets"`` (outcome, the rule as judged, value, rank, previous
    year's value, reason), ``"recommendations"`` or ``"tasks"`` (every task due in the
    year with its outcome as the evaluation counted it). Units and heads come in report
    order (down the unit tree).
    """
    builders: dict[str, tuple[Callable[[Evaluation], list[dict[str, Any]]], Sequence[_Col]]] = {
        "units": (_unit_rows, _UNIT_COLUMNS),
        "leaders": (_leader_rows, _LEADER_COLUMNS),
        "targets": (_target_rows, _TARGET_COLUMNS),
        "recommendations": (_recommendation_rows, _RECOMMENDATION_COLUMNS),
        "tasks": (_evaluation_task_rows, _TASK_COLUMNS),
    }
    if what not in builders:
        raise ValidationError("to_dataframe.what", "one of " + ", ".join(FRAMES), what)
    rows, columns = builders[what]
    frame: pd.DataFrame = _frame(rows(ev), columns, labels)
    return frame


_HISTORY_COLUMNS = (
    _Col("seq", "col.seq"),
    _Col("at", "col.at", kind="datetime"),
    _Col("actor", "col.actor"),
    _Col("note", "col.note"),
    _Col("op", "col.op", change_label),
    _Col("table", "col.table"),
    _Col("id", "col.id"),
    _Col("changed", "col.changed"),
    _Col("before", "col.before"),
    _Col("after", "col.after"),
)


def history_frame(
    entries: Iterable[HistoryEntry | Entry], *, labels: Lang | None = None
) -> pd.DataFrame:
    """Journal history as a DataFrame, one row per changed object: ``seq``, ``at`` (UTC
    datetime64), ``actor``, ``note``, ``op`` (add, update, delete), ``table``, ``id``,
    ``changed`` (the fields an update moved, comma-separated) and the ``before`` and
    ``after`` documents. Takes :meth:`Tracker.history` or :meth:`Tracker.entries`."""
    from .tracker import HistoryEntry

    rows = []
    for entry in entries:
        changes = (entry.change,) if isinstance(entry, HistoryEntry) else entry.changes
        for change in changes:
            before, after = change.before, change.after
            moved = []
            if before is not None and after is not None:
                moved = [k for k in {**before, **after} if before.get(k) != after.get(k)]
            rows.append(
                {
                    "seq": entry.seq,
                    "at": entry.at,
                    "actor": entry.actor,
                    "note": entry.note,
                    "op": change.op,
                    "table": change.table,
                    "id": change.id,
                    "changed": ", ".join(moved),
                    "before": before,
                    "after": after,
                }
            )
    frame: pd.DataFrame = _frame(rows, _HISTORY_COLUMNS, labels)
    return frame


# --- HTML -----------------------------------------------------------------------------------

#: How many tasks an HTML task table shows before it says how many more there are.
HTML_TASK_LIMIT = 50


def tasks_html(
    tasks: Iterable[Task],
    *,
    as_of: dt.date | None = None,
    names: Mapping[str, str] | None = None,
    lang: Lang = "vi",
    limit: int = HTML_TASK_LIMIT,
    counted: Mapping[str, TaskOutcome] | None = None,
) -> str:
    """Tasks as an HTML table (the first ``limit`` of them): id, title, unit, person,
    due date, status and, with ``as_of``, how each counts on that day (as ``counted``
    says, else by the built-in rules)."""
    lang = check_lang(lang)
    names = names or {}
    listed = list(tasks)
    rows = []
    for task in listed[:limit]:
        row: tuple[Cell, ...] = (
            Cell(task.id),
            Cell(task.title),
            Cell(names.get(task.unit, task.unit)),
            Cell("—" if task.assignee is None else names.get(task.assignee, task.assignee)),
            Cell(date_text(task.due, lang)),
            Cell(status_label(task.status, lang)),
        )
        outcome = (counted or {}).get(task.id) or _classify(task, as_of)
        if outcome is not None:
            row += (Cell(task_outcome_label(outcome, lang), _outcome_colours(outcome)),)
        rows.append(row)
    headers = ["col.id", "col.title", "col.unit", "col.person", "col.due", "col.status"]
    if as_of is not None:
        headers.append("col.outcome")
    title = t("section.tasks", lang) + f" ({len(listed)})"
    table = Table(title, tuple(t(h, lang) for h in headers), tuple(rows), "—")
    out = html_table(table, level=4)
    if len(listed) > limit:
        out += f"\n<p>{t('misc.more', lang, n=len(listed) - limit)}</p>"
    return out


def _outcome_colours(outcome: TaskOutcome) -> tuple[str, str]:
    return {
        TaskOutcome.ON_TIME: OUTCOME_COLOURS[Outcome.PASS],
        TaskOutcome.OVERDUE: OUTCOME_COLOURS[Outcome.FAIL],
        TaskOutcome.LATE: ("#ffe082", "#3d2e00"),
    }.get(outcome, OUTCOME_COLOURS[Outcome.NOT_MEASURED])


def task_html(task: Task, *, names: Mapping[str, str] | None = None, lang: Lang = "vi") -> str:
    """One task as an HTML table of its fields (what ``Task._repr_html_`` shows)."""
    lang = check_lang(lang)
    names = names or {}
    progress = task.progress[-1] if task.progress else None
    pairs = [
        (t("col.id", lang), Cell(task.id)),
        (t("col.plan", lang), Cell(task.plan)),
        (t("col.field", lang), Cell(field_label(task.field, lang))),
        (t("col.unit", lang), Cell(names.get(task.unit, task.unit))),
        (t("col.partners", lang), Cell(", ".join(names.get(p, p) for p in task.partners) or "—")),
        (
            t("col.person", lang),
            Cell("—" if task.assignee is None else names.get(task.assignee, task.assignee)),
        ),
        (t("col.due", lang), Cell(date_text(task.due, lang))),
        (t("col.status", lang), Cell(status_label(task.status, lang))),
    ]
    if task.completed_on is not None:
        pairs.append((t("col.completed_on", lang), Cell(date_text(task.completed_on, lang))))
    if task.exceeded:
        pairs.append((t("col.exceeded", lang), Cell(t("misc.yes", lang))))
    if task.output:
        pairs.append((t("col.output", lang), Cell(task.output)))
    if progress is not None:
        text = f"{progress.percent}% ({date_text(progress.on, lang)})"
        pairs.append((t("col.progress", lang), Cell(text, number=True)))
    return html_pairs(task.title, pairs)


def unit_result_html(result: UnitResult, *, lang: Lang = "vi") -> str:
    """A unit's year as HTML: its counts, score, band and rank, then each criterion."""
    lang = check_lang(lang)
    u = result
    pairs = [
        (t("col.unit_id", lang), Cell(u.unit.id)),
        (t("col.tasks", lang), Cell(str(u.facts.counted), number=True)),
        (t("col.on_time", lang), Cell(str(u.on_time), number=True)),
        (t("col.late", lang), Cell(str(u.late), number=True)),
        (t("col.overdue", lang), Cell(str(u.overdue), number=True)),
        (t("col.pending", lang), Cell(str(u.pending), number=True)),
        (t("col.cancelled", lang), Cell(str(u.cancelled), number=True)),
        (t("col.score", lang), Cell(number_text(u.score, lang), number=True)),
        (t("col.band", lang), Cell(band_label(u.band, lang))),
    ]
    if u.rank is not None:
        pairs.append((t("col.rank", lang), Cell(f"{u.rank}/{u.of}", number=True)))
    out = html_pairs(f"{u.unit.name} — {u.facts.year}", pairs)
    rows = tuple(
        (
            Cell(render(c.name, lang)),
            Cell(number_text(c.points, lang), number=True),
            Cell(number_text(c.maximum, lang), number=True),
            Cell(f"{render(c.reason, lang)} [{c.rule}]"),
        )
        for c in u.criteria
    )
    if rows:
        headers = tuple(t(h, lang) for h in ("col.criterion", "col.points", "col.maximum"))
        out += "\n" + html_table(
            Table(t("col.criterion", lang), (*headers, t("col.reason", lang)), rows), level=4
        )
    return out


def leader_rating_html(rating: LeaderRating, *, lang: Lang = "vi") -> str:
    """A head's rating as HTML: base and final rating (coloured), every reason, caps."""
    lang = check_lang(lang)
    r = rating
    pairs = [
        (t("col.person_id", lang), Cell(r.person)),
        (t("col.unit_id", lang), Cell(r.unit)),
        (t("col.months", lang), Cell(number_text(r.months, lang), number=True)),
        (t("col.ruleset", lang), Cell(r.ruleset or "—")),
        (t("col.base", lang), rating_cell(r.base, lang)),
        (t("col.rating", lang), rating_cell(r.rating, lang)),
    ]
    pairs += [(t("col.reason", lang), Cell(x.render(lang))) for x in r.reasons]
    pairs += [
        (t("col.caps", lang), Cell(f"{c.rating.code}: {c.reason.render(lang)}")) for c in r.caps
    ]
    return html_pairs(f"{r.person} — {r.unit}", pairs)


def target_result_html(result: TargetResult, *, lang: Lang = "vi") -> str:
    """A target's verdict as HTML: the rule as judged, the outcome (coloured), why."""
    lang = check_lang(lang)
    r = result
    pairs = [
        (t("col.id", lang), Cell(r.target.id)),
        (t("col.indicator", lang), Cell(indicator_label(r.target.indicator, lang))),
        (t("col.unit_id", lang), Cell(r.target.unit)),
        (t("col.rule", lang), Cell(render(r.rule.describe(), lang))),
        (t("col.outcome", lang), Cell(outcome_label(r.outcome, lang), OUTCOME_COLOURS[r.outcome])),
        (t("col.reason", lang), Cell(render(r.reason, lang))),
    ]
    return html_pairs(r.target.title or r.target.id, pairs)


# -- the views of the domain classes (cchc_tasks._display) ---------------------------------


# Each view takes the object alone (its other arguments have defaults).
for _shown, _view in (
    (Task, task_html),
    (UnitResult, unit_result_html),
    (TargetResult, target_result_html),
    (LeaderRating, leader_rating_html),
    (Evaluation, evaluation_html),
):
    _display.to_html.register(_shown, _view)
_display.to_frame.register(Evaluation, evaluation_frame)
