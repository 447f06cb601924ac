"""Readable reports of an evaluation: plain text, Markdown and HTML, Vietnamese and English.

:func:`text_report` gives the plain-text annual report the demo prints: targets with
outcome and reason, unit scores and bands, each head's rating with reasons, and the
recommendations. Headings are bilingual; data and labels shown to officials stay
Vietnamese.

:func:`annual_report` gives the report a district files at the end of the year, "Báo
cáo kết quả thực hiện nhiệm vụ CCHC năm Y" (in English "Report on the CCHC tasks of year
Y"), as Markdown or as one self-contained HTML page: the targets with outcome and reason,
the units' tasks, scores, bands and ranks, the heads' ratings with their reasons, the
overdue tasks with the person accountable and the days overdue, the recommendations, and
charts. :func:`write_report` writes it into a folder.

The tables are built once, as :class:`Table` values, and rendered to Markdown or HTML, so
the report and the notebook view of an evaluation (:mod:`cchc_tasks.notebook`) never
disagree. Charts need matplotlib (``pip install cchc-tasks[notebook]``); everything else
needs nothing beyond the library.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import importlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import attrs

from .errors import CchcError, ValidationError
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
)
from .labels import t as _t
from .ratings import Rating
from .tasks import TaskOutcome

if TYPE_CHECKING:
    from .tracker import Tracker

__all__ = [
    "Cell",
    "OverdueTask",
    "Table",
    "annual_report",
    "decisive_reasons",
    "evaluation_html",
    "evaluation_tables",
    "heads_table",
    "html_pairs",
    "html_table",
    "markdown_table",
    "ordered_units",
    "overdue_table",
    "overdue_tasks",
    "rating_cell",
    "ratings_table",
    "recommendations_table",
    "report_stem",
    "targets_table",
    "text_report",
    "units_table",
    "write_report",
    "xlsx_available",
]

#: The formats :func:`write_report` knows; ``xlsx`` needs ``cchc_tasks.exports``.
FORMATS = ("md", "html", "xlsx")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def text_report(ev: Evaluation, *, reasons: bool = True) -> str:
    """The annual report "Kết quả thực hiện nhiệm vụ CCHC năm Y" as plain text."""
    rs = ev.ruleset.title if ev.ruleset else "none in force"
    lines = [
        f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ CCHC NĂM {ev.year} / CCHC results {ev.year}",
        f"As of {ev.as_of.isoformat()}; rule set: {rs}",
        f"Produced by: {ev.provenance()}",
        "",
        "Targets / Mục tiêu",
    ]
    for tid, t in ev.targets.items():
        lines.append(f"  [{t.outcome.value:<14}] {tid}: {t.target.title or t.target.indicator}")
        lines.append(f"      {t.reason}")
    lines += ["", "Units / Đơn vị"]
    rows = []
    for u in sorted(ev.units.values(), key=lambda u: (u.unit.kind, u.unit.id)):
        f = u.facts
        rows.append(
            [
                u.unit.name + _part_of_year(u.unit.valid_from, u.unit.valid_to, ev.year),
                str(f.counted),
                str(f.on_time),
                str(f.late),
                str(f.overdue),
                str(f.exceeded),
                "—" if u.score is None else f"{u.score:.1f}",
                "—" if u.band is None else str(u.band),
                "—" if u.rank is None else f"{u.rank}/{u.of}",
            ]
        )
    lines += [
        "  " + x
        for x in _table(
            ["Đơn vị", "Tasks", "On time", "Late", "Overdue", "Exceeded", "Score", "Band", "Rank"],
            rows,
        )
    ]
    lines += _unit_changes(ev)
    lines += ["", "Heads / Người đứng đầu"]
    for r in sorted(ev.ratings, key=lambda r: (r.unit, r.headship.start)):
        rating = "not rated" if r.rating is None else f"{r.rating.code} ({r.rating.label_vi})"
        served = _part_of_year(r.headship.start, r.headship.end, ev.year, both=True)
        lines.append(
            f"  {ev.names.get(r.person, r.person)} — {ev.names.get(r.unit, r.unit)}"
            f" ({r.months:.1f} months{served}): {rating}"
        )
        if reasons:
            lines += [f"      · {x}" for x in _deciding(r)]
            lines += [f"      · cap {c.rating.code}: {c.reason}" for c in r.caps]
    if ev.recommendations:
        lines += ["", "Recommendations / Kiến nghị"]
        for rec in ev.recommendations:
            name = ev.names.get(rec.subject, rec.subject)
            lines.append(f"  {rec.kind}: {name} — {rec.reason.text}")
    return "\n".join(lines)


def _part_of_year(
    start: dt.date | None, end: dt.date | None, year: int, *, both: bool = False
) -> str:
    """ " (từ 01/07/2025)", " (đến 30/06/2025)" for a period that covers only part of the
    year (with ``both``, ", 01/01/2025–30/06/2025"); "" for the whole year."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    begins = start is not None and start > first
    ends = end is not None and end < last
    if not begins and not ends:
        return ""
    if both:
        a, b = max(start or first, first), min(end or last, last)
        return f", {a:%d/%m/%Y}–{b:%d/%m/%Y}"
    if begins and ends:
        return f" ({start:%d/%m/%Y}–{end:%d/%m/%Y})"
    return f" (từ {start:%d/%m/%Y})" if begins else f" (đến {end:%d/%m/%Y})"


def _unit_changes(ev: Evaluation) -> list[str]:
    """The units that began or ended during the year, with their successors: the unit
    tree the evaluation used changed on those dates (rule R17)."""
    lines = []
    for u in sorted(ev.units.values(), key=lambda u: (u.unit.valid_to or dt.date.max, u.unit.id)):
        unit = u.unit
        if unit.valid_to is not None and unit.valid_to.year == ev.year:
            after = ", ".join(f"{ev.names.get(s, s)} ({s})" for s in unit.successors) or "—"
            lines.append(f"  {unit.name} ({unit.id}): until {unit.valid_to:%d/%m/%Y} → {after}")
    for u in sorted(ev.units.values(), key=lambda u: u.unit.id):
        unit = u.unit
        if unit.valid_from is not None and unit.valid_from.year == ev.year:
            lines.append(f"  {unit.name} ({unit.id}): from {unit.valid_from:%d/%m/%Y}")
    if not lines:
        return []
    return [
        "",
        "Unit changes / Sắp xếp đơn vị (tasks due before a change stay with the old unit;"
        " heads in the post under 6 months are not rated)",
        *lines,
    ]


# --- tables, built once and rendered to Markdown or HTML -----------------------------------


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
        _t(title, lang),
        tuple(_t(h, lang) for h in headers),
        tuple(rows),
        "" if empty is None else _t(empty, lang),
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
    out = [str(x) for x in _deciding(rating)]
    out += [f"{_t('misc.cap', lang, code=c.rating.code)}: {c.reason}" for c in rating.caps]
    return out


def _deciding(rating: LeaderRating) -> list[Reason]:
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
        rank = "—" if u.rank is None else _t("misc.rank_of", lang, rank=u.rank, of=u.of)
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


# --- rendering ------------------------------------------------------------------------------

# Only what can change the meaning of a table cell: a pipe ends the cell, a backslash
# escapes, and emphasis, code, links and raw HTML start with these.
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\|*`[<"})


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell: punctuation that Markdown reads is
    backslash-escaped and line breaks become spaces."""
    return " ".join(text.translate(_MD_SPECIAL).split())


def markdown_table(table: Table, *, level: int = 2) -> str:
    """``table`` as a titled GitHub-flavoured Markdown table."""
    lines = [f"{'#' * level} {_md(table.title)}", ""]
    if not table.rows:
        return "\n".join([*lines, _md(table.empty)])
    numeric = [all(row[i].number for row in table.rows) for i in range(len(table.headers))]
    lines.append("| " + " | ".join(_md(h) for h in table.headers) + " |")
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    lines += ["| " + " | ".join(_md(c.text) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


_TABLE_STYLE = "border-collapse:collapse;margin:0.3em 0 1em 0;font-size:0.9em"
_CELL_STYLE = "border:1px solid #c8c8c8;padding:2px 6px;vertical-align:top"
_HEAD_STYLE = _CELL_STYLE + ";background:#f0f0f0;text-align:left"


def _td(cell: Cell) -> str:
    style = _CELL_STYLE + (";text-align:right" if cell.number else ";text-align:left")
    if cell.colours is not None:
        background, colour = cell.colours
        style += f";background:{background};color:{colour}"
    return f'<td style="{style}">{_esc(cell.text)}</td>'


def html_table(table: Table, *, level: int = 3) -> str:
    """``table`` as a titled HTML table: escaped text and inline styles only, so it shows
    the same in Jupyter, in a mail client and in a saved file, without a stylesheet."""
    title = f"<h{level}>{_esc(table.title)}</h{level}>"
    if not table.rows:
        return f"{title}\n<p>{_esc(table.empty)}</p>"
    head = "".join(f'<th style="{_HEAD_STYLE}">{_esc(h)}</th>' for h in table.headers)
    body = "\n".join("<tr>" + "".join(_td(c) for c in row) + "</tr>" for row in table.rows)
    return (
        f'{title}\n<table style="{_TABLE_STYLE}">\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table>"
    )


def html_pairs(title: str, pairs: Sequence[tuple[str, Cell]], *, level: int = 4) -> str:
    """A titled two-column HTML table of named values (one object's fields), styled like
    :func:`html_table`."""
    rows = "\n".join(
        f'<tr><th style="{_HEAD_STYLE}">{_esc(name)}</th>{_td(cell)}</tr>' for name, cell in pairs
    )
    return (
        f"<h{level}>{_esc(title)}</h{level}>\n"
        f'<table style="{_TABLE_STYLE}">\n<tbody>\n{rows}\n</tbody>\n</table>'
    )


def _heading_lines(ev: Evaluation, lang: Lang) -> tuple[str, list[str]]:
    title = _t("report.title", lang, year=ev.year)
    ruleset = ev.ruleset.title if ev.ruleset else _t("report.no_ruleset", lang)
    units = [u for u in ev.units.values() if u.facts.counted]
    lines = [
        _t("report.as_of", lang, date=date_text(ev.as_of, lang))
        + ". "
        + _t("report.ruleset", lang, ruleset=ruleset)
        + ".",
        _t(
            "report.summary",
            lang,
            units=len(units),
            tasks=sum(u.facts.counted for u in units),
            on_time=sum(u.on_time for u in units),
            late=sum(u.late for u in units),
            overdue=sum(u.overdue for u in units),
        ),
        _t("report.provenance", lang, line=ev.provenance()),
    ]
    return title, lines


def evaluation_html(ev: Evaluation, lang: Lang = "vi", *, full: bool = False) -> str:
    """An HTML fragment of the evaluation (what ``Evaluation._repr_html_`` shows): the
    heading, then targets, units and heads with ratings coloured (``full=True`` adds the
    rating counts, the overdue tasks and the recommendations)."""
    lang = check_lang(lang)
    title, lines = _heading_lines(ev, lang)
    parts = [f"<h2>{_esc(title)}</h2>"]
    parts += [f"<p>{_esc(line)}</p>" for line in lines]
    parts += [html_table(x) for x in evaluation_tables(ev, lang, full=full)]
    return '<div class="cchc-evaluation">\n' + "\n".join(parts) + "\n</div>"


# --- the annual report ----------------------------------------------------------------------


def report_stem(year: int, lang: Lang = "vi") -> str:
    """The file name (without extension) of a year's report: ``bao-cao-cchc-2025`` or
    ``cchc-report-2025``. Charts of a Markdown report are ``<stem>-<chart>.png``."""
    return f"bao-cao-cchc-{year}" if lang == "vi" else f"cchc-report-{year}"


@attrs.frozen
class _Chart:
    name: str
    title: str
    png: bytes


def _charts(tracker: Tracker, ev: Evaluation, lang: Lang) -> list[_Chart]:
    """The report's charts as PNG bytes: task completion, ratings, and each target's
    indicator over the plan's years up to the report's (one evaluation per year, shared
    by every target)."""
    from . import notebook

    charts = [
        _Chart(
            "completion",
            _t("chart.completion", lang, year=ev.year),
            notebook.figure_png(notebook.plot_completion(ev, lang=lang)),
        ),
        _Chart(
            "ratings",
            _t("chart.ratings", lang, year=ev.year),
            notebook.figure_png(notebook.plot_ratings(ev, lang=lang)),
        ),
    ]
    evaluations: dict[int, Evaluation] = {ev.year: ev}
    for tid, result in sorted(ev.targets.items()):
        plan = tracker.plan(result.target.plan)
        years = range(plan.start.year, min(plan.end.year, ev.year) + 1)
        if not years:
            continue
        for year in years:
            if year not in evaluations:
                evaluations[year] = tracker.evaluate(year)
        fig = notebook.plot_indicator(tracker, tid, years, lang=lang, evaluations=evaluations)
        title = result.target.title or indicator_label(result.target.indicator, lang)
        charts.append(_Chart(f"target-{tid}", title, notebook.figure_png(fig)))
    return charts


def _check_format(format: str) -> str:
    if format not in ("md", "html"):
        raise ValidationError("annual_report.format", "'md' or 'html'", format)
    return format


def annual_report(
    tracker: Tracker,
    year: int,
    *,
    format: str = "md",
    lang: Lang = "vi",
    as_of: dt.date | None = None,
    plots: bool = True,
    out_dir: str | Path | None = None,
    evaluation: Evaluation | None = None,
) -> str:
    """The annual report of ``year`` as Markdown (``format="md"``) or a self-contained
    HTML page (``"html"``), in Vietnamese (``lang="vi"``) or English (``"en"``).

    ``as_of`` is passed to :meth:`Tracker.evaluate` (default: the end of the year);
    ``evaluation`` reuses one already made. With ``plots=True`` (needs matplotlib) the
    charts are embedded in HTML as PNG data URIs; Markdown cannot embed them, so they are
    written into ``out_dir`` as PNG files next to the report and linked, and left out
    when ``out_dir`` is ``None``.
    """
    format = _check_format(format)
    lang = check_lang(lang)
    ev = evaluation if evaluation is not None else tracker.evaluate(year, as_of=as_of)
    want_charts = plots and (format == "html" or out_dir is not None)
    charts = _charts(tracker, ev, lang) if want_charts else []
    text, _ = _render(tracker, ev, format, lang, charts=charts, out_dir=out_dir)
    return text


def _render(
    tracker: Tracker,
    ev: Evaluation,
    format: str,
    lang: Lang,
    *,
    charts: Sequence[_Chart],
    out_dir: str | Path | None,
) -> tuple[str, list[Path]]:
    """The report's text, and the chart files written for a Markdown report."""
    people = {p.id: p.name for p in tracker.persons()}
    tables = evaluation_tables(ev, lang, people=people)
    if format == "html":
        return _html_report(ev, lang, tables, charts), []
    links: list[tuple[str, str]] = []
    written: list[Path] = []
    if charts and out_dir is not None:
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for chart in charts:
            path = folder / f"{report_stem(ev.year, lang)}-{chart.name}.png"
            path.write_bytes(chart.png)
            links.append((chart.title, path.name))
            written.append(path)
    return _markdown_report(ev, lang, tables, links), written


def _markdown_report(
    ev: Evaluation, lang: Lang, tables: Sequence[Table], links: Sequence[tuple[str, str]]
) -> str:
    title, lines = _heading_lines(ev, lang)
    parts = [f"# {_md(title)}", "\n\n".join(_md(line) for line in lines)]
    parts += [markdown_table(x) for x in tables]
    if links:
        charts = [f"## {_md(_t('section.charts', lang))}"]
        # A "]" would end the alt text, and target ids may hold characters that end a
        # link, so both are escaped.
        for alt, name in links:
            text = _md(alt).replace("]", "\\]")
            charts.append(f"![{text}]({quote(name)})")
        parts.append("\n\n".join(charts))
    return "\n\n".join(parts) + "\n"


def _html_report(
    ev: Evaluation, lang: Lang, tables: Sequence[Table], charts: Sequence[_Chart]
) -> str:
    title, lines = _heading_lines(ev, lang)
    body = [f"<h1>{_esc(title)}</h1>"]
    body += [f"<p>{_esc(line)}</p>" for line in lines]
    body += [html_table(x, level=2) for x in tables]
    if charts:
        body.append(f"<h2>{_esc(_t('section.charts', lang))}</h2>")
        for chart in charts:
            data = base64.b64encode(chart.png).decode("ascii")
            alt = _esc(_t("misc.charts_alt", lang, title=chart.title))
            body.append(
                f'<figure style="margin:0 0 1.5em 0"><img src="data:image/png;base64,{data}"'
                f' alt="{alt}" style="max-width:100%">'
                f"<figcaption>{_esc(chart.title)}</figcaption></figure>"
            )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_esc(title)}</title>\n</head>\n"
        '<body style="font-family:sans-serif;max-width:75em;margin:1em auto;padding:0 1em">\n'
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _xlsx_exporter() -> Callable[[Evaluation, Path], Any] | None:
    """The evaluation exporter of :mod:`cchc_tasks.exports`, if that module exists and has
    one (``write_evaluation_xlsx(evaluation, path)``); Excel output lives there."""
    try:
        exports = importlib.import_module("cchc_tasks.exports")
    except ImportError:
        return None
    exporter = getattr(exports, "write_evaluation_xlsx", None)
    return exporter if callable(exporter) else None


def xlsx_available() -> bool:
    """Whether :func:`write_report` can write ``xlsx``."""
    return _xlsx_exporter() is not None


def write_report(
    tracker: Tracker,
    year: int,
    out_dir: str | Path,
    formats: Sequence[str] = ("md", "html"),
    lang: Lang = "vi",
    *,
    as_of: dt.date | None = None,
    plots: bool = True,
) -> list[Path]:
    """Write the annual report of ``year`` into ``out_dir`` (created if missing), one file
    per format (``md``, ``html``, and ``xlsx`` when :mod:`cchc_tasks.exports` provides
    it), named by :func:`report_stem`; the year is evaluated once. Returns the paths
    written: the reports in the order of ``formats``, then a Markdown report's charts."""
    lang = check_lang(lang)
    if isinstance(formats, str):
        formats = (formats,)
    for f in formats:
        if f not in FORMATS:
            raise ValidationError("write_report.formats", "'md', 'html' or 'xlsx'", f)
    exporter = _xlsx_exporter()
    if "xlsx" in formats and exporter is None:
        raise CchcError(
            "xlsx output is not available: it needs cchc_tasks.exports with an evaluation "
            "exporter; write md or html instead"
        )
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ev = tracker.evaluate(year, as_of=as_of)
    stem = report_stem(year, lang)
    # Rendered once for every format that shows them.
    charts = _charts(tracker, ev, lang) if plots and {"md", "html"} & set(formats) else []
    written: list[Path] = []
    pngs: list[Path] = []
    for f in dict.fromkeys(formats):
        path = folder / f"{stem}.{f}"
        if f == "xlsx":
            assert exporter is not None
            exporter(ev, path)
        else:
            text, files = _render(tracker, ev, f, lang, charts=charts, out_dir=folder)
            path.write_text(text, encoding="utf-8")
            pngs += files
        written.append(path)
    return written + pngs
