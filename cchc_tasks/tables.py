"""The tables of an evaluation and of a task sheet, built once for every output.

A report (:mod:`cchc_tasks.reports`: Markdown and HTML), the notebook view of an
evaluation (:mod:`cchc_tasks.notebook`) and the workbooks and CSV files of
:mod:`cchc_tasks.exports` show the same tables: the targets, the units, the heads and
their ratings, the rating counts, the overdue tasks, the recommendations, and the task
sheet. Each is built here, once, as a :class:`Table` of :class:`Cell` values whose wording
comes from :mod:`cchc_tasks.labels`; the output modules only render them. So a rating, an
outcome or a recommendation reads the same in a report, on a notebook page and in a
workbook.

A cell holds the ``text`` people read and the ``value`` a spreadsheet stores (a number or
a date as such, ``None`` for an empty cell). A report shows the short form of a table;
``detail=True`` gives the form of a workbook, with the ids, dates and every reason.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import attrs

from .i18n import Message, render
from .labels import (
    OUTCOME_COLOURS,
    RATING_COLOURS,
    Lang,
    band_label,
    check_lang,
    date_text,
    field_label,
    indicator_label,
    number_text,
    outcome_label,
    rating_label,
    recommendation_label,
    status_label,
    subject_name,
    t,
)
from .ratings import Rating
from .tasks import Task, TaskOutcome
from .verdicts import Evaluation, LeaderRating, Reason, Recommendation, TargetResult, UnitResult

if TYPE_CHECKING:
    from .tracker import Tracker
    from .units import Person, Unit

__all__ = [
    "TASK_COLUMNS",
    "WORKBOOK_SHEETS",
    "Cell",
    "OverdueTask",
    "Table",
    "deciding_reasons",
    "decisive_reasons",
    "evaluation_tables",
    "heads_table",
    "info_table",
    "ordered_units",
    "overdue_table",
    "overdue_tasks",
    "rating_cell",
    "ratings_table",
    "recommendations_table",
    "targets_table",
    "task_table",
    "units_table",
    "workbook_tables",
]


@attrs.frozen
class Cell:
    """One table cell: its ``text``, and optionally the (background, text) ``colours`` that
    mark it in HTML (ratings, outcomes) and whether it is a ``number`` (right-aligned).

    ``value`` is what a spreadsheet stores: a number or a date as such, ``None`` for an
    empty cell; by default the text."""

    text: str
    colours: tuple[str, str] | None = None
    number: bool = False
    value: Any = attrs.field(
        default=attrs.Factory(lambda cell: cell.text, takes_self=True), kw_only=True
    )


@attrs.frozen
class Table:
    """A titled table; an empty table shows ``empty`` instead of rows."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty: str = ""

    def values(self) -> list[list[Any]]:
        """The rows as a spreadsheet stores them: the ``value`` of each cell."""
        return [[cell.value for cell in row] for row in self.rows]


_R = TypeVar("_R")
#: A column: the label key of its header, and the cell it shows for each row.
_Column: TypeAlias = tuple[str, Callable[[_R], Cell]]


def _build(
    title: str,
    columns: Sequence[_Column[_R]],
    items: Iterable[_R],
    lang: Lang,
    empty: str | None = None,
) -> Table:
    """A :class:`Table` of one row per item; the title, headers and ``empty`` text are
    label keys."""
    return Table(
        t(title, lang),
        tuple(t(key, lang) for key, _ in columns),
        tuple(tuple(cell(item) for _, cell in columns) for item in items),
        "" if empty is None else t(empty, lang),
    )


def _num(x: float | None, lang: Lang, digits: int = 0) -> Cell:
    """A number as people read it (a decimal comma in Vietnamese); a spreadsheet keeps
    the number, to two decimals."""
    if x is None:
        return Cell("—", number=True, value=None)
    if isinstance(x, int) and not isinstance(x, bool):
        return Cell(str(x), number=True, value=x)
    return Cell(number_text(x, lang, digits), number=True, value=round(x, 2))


def _date(day: dt.date | None, lang: Lang) -> Cell:
    return Cell(date_text(day, lang), value=day)


def _lines(items: Iterable[object]) -> Cell:
    """Several entries in one cell, a line each."""
    return Cell("\n".join(str(x) for x in items))


def rating_cell(rating: Rating | None, lang: Lang = "vi") -> Cell:
    """A rating as a cell: code and label, coloured (HTXSNV green … KHTNV red, not rated
    grey) so that a table of heads reads at a glance."""
    label = rating_label(rating, lang)
    text = label if rating is None else f"{rating.code} — {label}"
    return Cell(text, RATING_COLOURS[rating])


def decisive_reasons(rating: LeaderRating, lang: Lang = "vi") -> list[str]:
    """The reasons that decided a head's rating: the base rule's last word (the facts it
    restates are in the unit table already) and every cap that bound it."""
    out = [x.render(lang) for x in deciding_reasons(rating)]
    out += [
        f"{t('misc.cap', lang, code=c.rating.code)}: {c.reason.render(lang)}" for c in rating.caps
    ]
    return out


def deciding_reasons(rating: LeaderRating) -> list[Reason]:
    """The base rule's verdict and, when the level just above was missed, why: a reader
    of "HTNV" wants to know what stood between it and HTTNV. (The facts the rule restates
    are in the unit table already.)"""
    decisive: list[Reason] = [x for x in rating.reasons if not x.rule.endswith(".facts")]
    # A rule says "the level was missed" with a message whose id ends in ".unmet"
    # (decree90.level.unmet: "not HTTNV: needs …").
    missed = decisive[-2].text if len(decisive) >= 2 else None
    if isinstance(missed, Message) and missed.id.endswith(".unmet"):
        return decisive[-2:]
    return decisive[-1:]


_KIND_ORDER = {"agency": 0, "public-service-unit": 1}


def ordered_units(ev: Evaluation) -> list[UnitResult]:
    """The units of an evaluation in the order a report lists them: down the tree from the
    top, under each unit first its agencies and public-service units, then the others
    (communes, wards, towns), each group by id."""
    children: dict[str | None, list[UnitResult]] = {}
    for u in ev.units.values():
        parent = u.unit.parent if u.unit.parent in ev.units else None
        children.setdefault(parent, []).append(u)
    out: list[UnitResult] = []

    def visit(parent: str | None) -> None:
        for u in sorted(
            children.get(parent, ()), key=lambda u: (_KIND_ORDER.get(u.unit.kind, 2), u.unit.id)
        ):
            out.append(u)
            visit(u.unit.id)

    visit(None)
    return out


def _ordered_ratings(ev: Evaluation) -> list[LeaderRating]:
    position = {u.unit.id: i for i, u in enumerate(ordered_units(ev))}
    return sorted(
        ev.ratings, key=lambda r: (position.get(r.unit, len(position)), r.unit, r.headship.start)
    )


# --- the tables of an evaluation --------------------------------------------------------------


def targets_table(ev: Evaluation, lang: Lang = "vi", *, detail: bool = False) -> Table:
    """Each target: what it asks, of which indicator, its outcome (coloured) and why;
    ``detail`` adds its id, its unit, the outcome's code and the rule as judged."""
    lang = check_lang(lang)
    name = ev.names.get
    title: _Column[TargetResult] = ("col.target", lambda r: Cell(r.target.title or r.target.id))
    indicator: _Column[TargetResult] = (
        "col.indicator",
        lambda r: Cell(indicator_label(r.target.indicator, lang)),
    )
    outcome: _Column[TargetResult] = (
        "col.outcome",
        lambda r: Cell(outcome_label(r.outcome, lang), OUTCOME_COLOURS[r.outcome]),
    )
    reason: _Column[TargetResult] = ("col.reason", lambda r: Cell(render(r.reason, lang)))
    columns = [title, indicator, outcome, reason]
    if detail:
        columns = [
            ("col.id", lambda r: Cell(r.target.id)),
            title,
            indicator,
            ("col.unit_id", lambda r: Cell(r.target.unit)),
            ("col.unit", lambda r: Cell(name(r.target.unit, r.target.unit))),
            outcome,
            ("col.outcome_code", lambda r: Cell(r.outcome.value)),
            reason,
            ("col.rule", lambda r: Cell(render(r.rule.describe(), lang))),
        ]
    results = [r for _, r in sorted(ev.targets.items())]
    return _build("section.targets", columns, results, lang, "none.targets")


def _rank(u: UnitResult, lang: Lang) -> Cell:
    if u.rank is None:
        return Cell("—", number=True, value=None)
    return Cell(t("misc.rank_of", lang, rank=u.rank, of=u.of), number=True, value=u.rank)


def _band(u: UnitResult, lang: Lang) -> Cell:
    label = band_label(u.band, lang)
    return Cell(label, value=None if u.band is None else label)


def _criteria(u: UnitResult, lang: Lang) -> Cell:
    return _lines(c.describe().render(lang) for c in u.criteria)


def units_table(ev: Evaluation, lang: Lang = "vi", *, detail: bool = False) -> Table:
    """Each unit, down the unit tree: tasks that count, on time, late, overdue, not yet
    due, then the cancelled ones (which do not count), score, band and peer rank; the
    first four counts add up to the tasks that count on any date of the year, not only
    at its end. ``detail`` adds its id and kind, the tasks exceeded, the size of its
    peer group and every criterion scored."""
    lang = check_lang(lang)
    unit: _Column[UnitResult] = ("col.unit", lambda u: Cell(u.unit.name))
    counts: list[_Column[UnitResult]] = [
        ("col.tasks", lambda u: _num(u.facts.counted, lang)),
        ("col.on_time", lambda u: _num(u.on_time, lang)),
        ("col.late", lambda u: _num(u.late, lang)),
        ("col.overdue", lambda u: _num(u.overdue, lang)),
        ("col.pending", lambda u: _num(u.pending, lang)),
        ("col.cancelled", lambda u: _num(u.cancelled, lang)),
    ]
    score: _Column[UnitResult] = ("col.score", lambda u: _num(u.score, lang, 1))
    band: _Column[UnitResult] = ("col.band", lambda u: _band(u, lang))
    rank: _Column[UnitResult] = ("col.rank", lambda u: _rank(u, lang))
    columns = [unit, *counts, score, band, rank]
    if detail:
        columns = [
            ("col.unit_id", lambda u: Cell(u.unit.id)),
            unit,
            ("col.unit_kind", lambda u: Cell(u.unit.kind)),
            *counts,
            ("col.exceeded", lambda u: _num(u.exceeded, lang)),
            score,
            band,
            rank,
            ("col.of", lambda u: _num(u.of, lang)),
            ("col.criterion", lambda u: _criteria(u, lang)),
        ]
    return _build("section.units", columns, ordered_units(ev), lang)


def heads_table(
    ev: Evaluation, lang: Lang = "vi", *, reasons: bool = True, detail: bool = False
) -> Table:
    """Each head of a unit in the year: months in the post, rating (coloured) and the
    reasons that decided it. ``detail`` adds the ids, the dates in the post, the rule
    set, the base rating, every reason the rules gave and the caps; ``reasons=False``
    leaves the reasons out."""
    lang = check_lang(lang)
    name = ev.names.get
    head: _Column[LeaderRating] = ("col.head", lambda r: Cell(name(r.person, r.person)))
    unit: _Column[LeaderRating] = ("col.unit", lambda r: Cell(name(r.unit, r.unit)))
    months: _Column[LeaderRating] = ("col.months", lambda r: _num(r.months, lang, 1))
    rating: _Column[LeaderRating] = ("col.rating", lambda r: rating_cell(r.rating, lang))
    columns = [head, unit, months, rating]
    if reasons:
        columns.append(("col.reason", lambda r: Cell("; ".join(decisive_reasons(r, lang)))))
    if detail:
        columns = [
            ("col.person_id", lambda r: Cell(r.person)),
            head,
            ("col.unit_id", lambda r: Cell(r.unit)),
            unit,
            ("col.start", lambda r: _date(r.headship.start, lang)),
            ("col.end", lambda r: _date(r.headship.end, lang)),
            months,
            ("col.ruleset", lambda r: Cell(r.ruleset or "—", value=r.ruleset or None)),
            ("col.base", lambda r: rating_cell(r.base, lang)),
            rating,
        ]
        if reasons:
            columns.append(("col.reason", lambda r: _lines(x.render(lang) for x in r.reasons)))
            columns.append(
                (
                    "col.caps",
                    lambda r: _lines(f"{c.rating.code}: {c.reason.render(lang)}" for c in r.caps),
                )
            )
    return _build("section.heads", columns, _ordered_ratings(ev), lang, "none.heads")


def ratings_table(ev: Evaluation, lang: Lang = "vi") -> Table:
    """How many heads got each rating, best first; "not rated" only when someone was not."""
    lang = check_lang(lang)
    counts = Counter(r.rating for r in ev.ratings)
    scale: list[Rating | None] = [*sorted(Rating, reverse=True)]
    if counts[None]:
        scale.append(None)
    columns: list[_Column[Rating | None]] = [
        ("col.rating", lambda x: rating_cell(x, lang)),
        ("col.count", lambda x: _num(counts[x], lang)),
    ]
    return _build("section.ratings", columns, scale, lang)


@attrs.frozen
class OverdueTask:
    """A task overdue at the date of an evaluation, with ``days`` overdue."""

    task: str
    title: str
    unit: str
    unit_name: str
    person: str | None
    person_name: str
    due: dt.date
    days: int


def overdue_tasks(ev: Evaluation, people: Mapping[str, str] | None = None) -> list[OverdueTask]:
    """The tasks of the year overdue at ``ev.as_of`` (as the evaluation classified them),
    most overdue first. ``people`` maps person ids to names (the evaluation knows only the
    heads' names)."""
    names = {**ev.names, **(people or {})}
    out = []
    for u in ev.units.values():
        for task in u.facts.tasks:
            if u.facts.outcomes.get(task.id) is TaskOutcome.OVERDUE:
                out.append(
                    OverdueTask(
                        task=task.id,
                        title=task.title,
                        unit=task.unit,
                        unit_name=names.get(task.unit, task.unit),
                        person=task.assignee,
                        person_name="—"
                        if task.assignee is None
                        else names.get(task.assignee, task.assignee),
                        due=task.due,
                        days=(ev.as_of - task.due).days,
                    )
                )
    return sorted(out, key=lambda o: (-o.days, o.unit, o.task))


def overdue_table(
    ev: Evaluation, lang: Lang = "vi", people: Mapping[str, str] | None = None
) -> Table:
    """Overdue tasks: task, unit, person accountable, due date and days overdue."""
    lang = check_lang(lang)
    columns: list[_Column[OverdueTask]] = [
        ("col.task", lambda o: Cell(f"{o.title} ({o.task})")),
        ("col.unit", lambda o: Cell(o.unit_name)),
        ("col.person", lambda o: Cell(o.person_name)),
        ("col.due", lambda o: _date(o.due, lang)),
        ("col.days_overdue", lambda o: _num(o.days, lang)),
    ]
    return _build("section.overdue", columns, overdue_tasks(ev, people), lang, "none.overdue")


def recommendations_table(ev: Evaluation, lang: Lang = "vi", *, detail: bool = False) -> Table:
    """Commendations, reviews of responsibility and units to inspect and urge, with why;
    ``detail`` adds the kind of subject and its id, and gives the rule and the legal
    source of the reason columns of their own."""
    lang = check_lang(lang)
    kind: _Column[Recommendation] = (
        "col.kind",
        lambda rec: Cell(recommendation_label(rec.kind, lang)),
    )
    subject: _Column[Recommendation] = (
        "col.subject",
        lambda rec: Cell(subject_name(rec.subject, rec.subject_kind, ev.names, lang)),
    )
    columns = [kind, subject, ("col.reason", lambda rec: Cell(rec.reason.render(lang)))]
    if detail:
        columns = [
            kind,
            ("col.subject_kind", lambda rec: Cell(rec.subject_kind)),
            ("col.id", lambda rec: Cell(rec.subject)),
            subject,
            ("col.reason", lambda rec: Cell(render(rec.reason.text, lang))),
            ("col.rule", lambda rec: Cell(rec.reason.rule)),
            ("col.source", lambda rec: Cell(rec.reason.source)),
        ]
    return _build(
        "section.recommendations", columns, ev.recommendations, lang, "none.recommendations"
    )


def info_table(ev: Evaluation, lang: Lang = "vi") -> Table:
    """What the evaluation is: its year and date, the rule set and its legal source, the
    journal line of the store it read and the plugins that took part."""
    lang = check_lang(lang)
    ruleset = ev.ruleset
    pairs = [
        ("info.year", _num(ev.year, lang)),
        ("info.as_of", _date(ev.as_of, lang)),
        ("col.ruleset", Cell(ruleset.title if ruleset else t("report.no_ruleset", lang))),
        ("col.source", Cell(ruleset.source if ruleset else "")),
        ("info.store_seq", _num(ev.store_seq, lang)),
        ("info.plugins", _lines(f"{n} {v}" for n, v in ev.plugins)),
        ("info.provenance", Cell(ev.provenance(lang))),
    ]
    columns: list[_Column[tuple[str, Cell]]] = [
        ("col.item", lambda pair: Cell(t(pair[0], lang))),
        ("col.value", lambda pair: pair[1]),
    ]
    return _build("section.info", columns, pairs, lang)


def evaluation_tables(
    ev: Evaluation,
    lang: Lang = "vi",
    *,
    people: Mapping[str, str] | None = None,
    full: bool = True,
) -> list[Table]:
    """The tables of the annual report, in order. ``full=False`` gives the short view a
    notebook shows: targets, units and heads."""
    lang = check_lang(lang)
    tables = [targets_table(ev, lang), units_table(ev, lang), heads_table(ev, lang)]
    if full:
        tables.insert(3, ratings_table(ev, lang))
        tables += [overdue_table(ev, lang, people), recommendations_table(ev, lang)]
    return tables


#: The sheets of an evaluation workbook, in order, as the label keys of their names.
WORKBOOK_SHEETS = (
    "sheet.info",
    "sheet.units",
    "sheet.heads",
    "sheet.targets",
    "sheet.recommendations",
)


def workbook_tables(ev: Evaluation, lang: Lang = "vi") -> dict[str, Table]:
    """The sheets of an evaluation workbook by name (:data:`WORKBOOK_SHEETS`): what the
    evaluation is, then the units, heads, targets and recommendations in detail."""
    lang = check_lang(lang)
    tables = (
        info_table(ev, lang),
        units_table(ev, lang, detail=True),
        heads_table(ev, lang, detail=True),
        targets_table(ev, lang, detail=True),
        recommendations_table(ev, lang, detail=True),
    )
    return {t(key, lang): table for key, table in zip(WORKBOOK_SHEETS, tables, strict=True)}


# --- the task sheet ---------------------------------------------------------------------------

#: The columns of the task sheet: the headings of a task annex (the first eleven are
#: those the annex importer reads), then what was recorded.
TASK_COLUMNS = (
    "STT",
    "Mã",
    "Nội dung nhiệm vụ",
    "Lĩnh vực",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Người thực hiện",
    "Thời gian hoàn thành",
    "Sản phẩm",
    "Trọng số",
    "Kinh phí (đồng)",
    "Kế hoạch",
    "Trạng thái",
    "Ngày hoàn thành",
    "Vượt mức",
    "Đánh giá chất lượng",
    "Lý do hủy",
)


def _sheet_names(items: Iterable[Unit] | Iterable[Person]) -> dict[str, str]:
    """id → what a sheet writes for it: the name when no other object has it (officials
    read names), else the id, so that the importer finds the same object again."""
    pairs = [(item.id, item.name) for item in items]
    counts = Counter(name for _, name in pairs)
    return {uid: name if counts[name] == 1 else uid for uid, name in pairs}


def _amount(x: float | None) -> Cell:
    if x is None:
        return Cell("—", number=True, value=None)
    return Cell(number_text(x, "vi", 2), number=True, value=float(x))


def _task_cells(
    number: int, task: Task, units: Mapping[str, str], people: Mapping[str, str]
) -> tuple[Cell, ...]:
    """One row of the task sheet; empty cells are empty text, as an annex has them."""
    return (
        _num(number, "vi"),
        Cell(task.id),
        Cell(task.title),
        Cell("" if task.field is None else field_label(task.field, "vi")),
        Cell(units.get(task.unit, task.unit)),
        Cell("; ".join(units.get(p, p) for p in task.partners)),
        Cell("" if task.assignee is None else people.get(task.assignee, task.assignee)),
        _date(task.due, "vi"),
        Cell(task.output),
        _amount(task.weight),
        _amount(task.budget),
        Cell(task.plan),
        Cell(status_label(task.status, "vi")),
        _date(task.completed_on, "vi"),
        Cell(t("misc.yes", "vi") if task.exceeded else ""),
        Cell(task.quality_note),
        Cell(task.cancel_reason),
    )


def task_table(tracker: Tracker, tasks: Iterable[Task] | None = None) -> Table:
    """The task sheet of ``tasks`` (default: every task of the store, by due date then
    id), in Vietnamese under :data:`TASK_COLUMNS`, so that it imports into another store
    as a task annex. Units and people are written by name, or by id where two share a
    name."""
    chosen = tracker.tasks() if tasks is None else list(tasks)
    units = _sheet_names(tracker.units())
    people = _sheet_names(tracker.persons())
    rows = tuple(
        _task_cells(number, task, units, people) for number, task in enumerate(chosen, start=1)
    )
    return Table(t("section.tasks", "vi"), TASK_COLUMNS, rows)
