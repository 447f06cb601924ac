"""The tables of an evaluation and of a task sheet, built once for every output.

A report (:mod:`cchc_tasks.reports`: Markdown, HTML), the notebook view of an evaluation
(:mod:`cchc_tasks.notebook`) and the workbooks and CSV files of :mod:`cchc_tasks.exports`
show the same tables: the targets, the units, the heads and their ratings, the rating
counts, the overdue tasks, the recommendations, and the task sheet. Each is built here,
once, as a :class:`Table` of :class:`Cell` values whose wording comes from
:mod:`cchc_tasks.labels`; the output modules only render them. So a rating, an outcome
or a recommendation reads the same in a report, on a notebook page and in a workbook.

A cell holds the ``text`` people read and the ``value`` a spreadsheet stores (a number,
a date, or ``None`` for an empty cell), so a workbook keeps numbers and dates as such.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence

import attrs

from .evaluation import Evaluation, LeaderRating, Reason, UnitResult
from .labels import (
    OUTCOME_COLOURS,
    RATING_COLOURS,
    Lang,
    band_label,
    check_lang,
    date_text,
    indicator_label,
    number_text,
    outcome_label,
    rating_label,
    recommendation_label,
    t,
)
from .ratings import Rating
from .tasks import TaskOutcome

__all__ = [
    "Cell",
    "OverdueTask",
    "Table",
    "deciding_reasons",
    "decisive_reasons",
    "evaluation_tables",
    "heads_table",
    "ordered_units",
    "overdue_table",
    "overdue_tasks",
    "rating_cell",
    "ratings_table",
    "recommendations_table",
    "targets_table",
    "units_table",
]


@attrs.frozen
class Cell:
    """One table cell: its ``text``, and optionally the (background, text) ``colours`` that
    mark it in HTML (ratings, outcomes) and whether it is a ``number`` (right-aligned)."""

    text: str
    colours: tuple[str, str] | None = None
    number: bool = False


@attrs.frozen
class Table:
    """A titled table; an empty table shows ``empty`` instead of rows."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty: str = ""


def _titled(
    title: str,
    headers: Sequence[str],
    rows: Sequence[tuple[Cell, ...]],
    lang: Lang,
    empty: str | None = None,
) -> Table:
    """A :class:`Table` whose title, headers and ``empty`` text are label keys."""
    return Table(
        t(title, lang),
        tuple(t(h, lang) for h in headers),
        tuple(rows),
        "" if empty is None else t(empty, lang),
    )


def _num(x: float | int | None, lang: Lang, digits: int = 0) -> Cell:
    if isinstance(x, int) and not isinstance(x, bool):
        return Cell(str(x), number=True)
    return Cell(number_text(x, lang, digits), number=True)


def rating_cell(rating: Rating | None, lang: Lang = "vi") -> Cell:
    """A rating as a cell: code and label, coloured (HTXSNV green … KHTNV red, not rated
    grey) so that a table of heads reads at a glance."""
    label = rating_label(rating, lang)
    text = label if rating is None else f"{rating.code} — {label}"
    return Cell(text, RATING_COLOURS[rating])


def decisive_reasons(rating: LeaderRating, lang: Lang = "vi") -> list[str]:
    """The reasons that decided a head's rating: the base rule's last word (the facts it
    restates are in the unit table already) and every cap that bound it."""
    out = [str(x) for x in deciding_reasons(rating)]
    out += [f"{t('misc.cap', lang, code=c.rating.code)}: {c.reason}" for c in rating.caps]
    return out


def deciding_reasons(rating: LeaderRating) -> list[Reason]:
    """The base rule's verdict and, when the level just above was missed, why: a reader
    of "HTNV" wants to know what stood between it and HTTNV. (The facts the rule restates
    are in the unit table already.)"""
    decisive: list[Reason] = [x for x in rating.reasons if not x.rule.endswith(".facts")]
    if len(decisive) >= 2 and decisive[-2].text.startswith("not "):
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


def targets_table(ev: Evaluation, lang: Lang = "vi") -> Table:
    """Each target: what it asks, of which indicator, its outcome (coloured) and why."""
    rows = tuple(
        (
            Cell(r.target.title or tid),
            Cell(indicator_label(r.target.indicator, lang)),
            Cell(outcome_label(r.outcome, lang), OUTCOME_COLOURS[r.outcome]),
            Cell(r.reason),
        )
        for tid, r in sorted(ev.targets.items())
    )
    headers = ("col.target", "col.indicator", "col.outcome", "col.reason")
    return _titled("section.targets", headers, rows, lang, "none.targets")


def units_table(ev: Evaluation, lang: Lang = "vi") -> Table:
    """Each unit: tasks that count, on time, late, overdue, score, band and peer rank."""
    rows = []
    for u in ordered_units(ev):
        rank = "—" if u.rank is None else t("misc.rank_of", lang, rank=u.rank, of=u.of)
        rows.append(
            (
                Cell(u.unit.name),
                _num(u.facts.counted, lang),
                _num(u.on_time, lang),
                _num(u.late, lang),
                _num(u.overdue, lang),
                _num(u.score, lang, 1),
                Cell(band_label(u.band, lang)),
                Cell(rank, number=True),
            )
        )
    headers = (
        "col.unit",
        "col.tasks",
        "col.on_time",
        "col.late",
        "col.overdue",
        "col.score",
        "col.band",
        "col.rank",
    )
    return _titled("section.units", headers, rows, lang)


def heads_table(ev: Evaluation, lang: Lang = "vi", *, reasons: bool = True) -> Table:
    """Each head of a unit in the year: months in the post, rating (coloured) and the
    reasons that decided it."""
    rows = []
    for r in _ordered_ratings(ev):
        row: tuple[Cell, ...] = (
            Cell(ev.names.get(r.person, r.person)),
            Cell(ev.names.get(r.unit, r.unit)),
            _num(r.months, lang, 1),
            rating_cell(r.rating, lang),
        )
        if reasons:
            row += (Cell("; ".join(decisive_reasons(r, lang))),)
        rows.append(row)
    headers: tuple[str, ...] = ("col.head", "col.unit", "col.months", "col.rating")
    if reasons:
        headers += ("col.reason",)
    return _titled("section.heads", headers, rows, lang, "none.heads")


def ratings_table(ev: Evaluation, lang: Lang = "vi") -> Table:
    """How many heads got each rating, best first; "not rated" only when someone was not."""
    counts = Counter(r.rating for r in ev.ratings)
    scale: list[Rating | None] = [*sorted(Rating, reverse=True)]
    if counts[None]:
        scale.append(None)
    rows = tuple((rating_cell(x, lang), _num(counts[x], lang)) for x in scale)
    headers = ("col.rating", "col.count")
    return _titled("section.ratings", headers, rows, lang)


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
    rows = tuple(
        (
            Cell(f"{o.title} ({o.task})"),
            Cell(o.unit_name),
            Cell(o.person_name),
            Cell(date_text(o.due, lang)),
            _num(o.days, lang),
        )
        for o in overdue_tasks(ev, people)
    )
    headers = ("col.task", "col.unit", "col.person", "col.due", "col.days_overdue")
    return _titled("section.overdue", headers, rows, lang, "none.overdue")


def recommendations_table(ev: Evaluation, lang: Lang = "vi") -> Table:
    """Commendations, reviews of responsibility and units to inspect and urge, with why."""
    rows = tuple(
        (
            Cell(recommendation_label(rec.kind, lang)),
            Cell(ev.names.get(rec.subject, rec.subject)),
            Cell(str(rec.reason)),
        )
        for rec in ev.recommendations
    )
    headers = ("col.kind", "col.subject", "col.reason")
    return _titled("section.recommendations", headers, rows, lang, "none.recommendations")


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
