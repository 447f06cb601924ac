"""Readable reports of an evaluation: plain text, Markdown and HTML, Vietnamese and English.

:func:`text_report` gives the plain-text annual report (for a terminal or a mail): targets with
outcome and reason, unit scores and bands, each head's rating with reasons, and the
recommendations, in one language (Vietnamese by default).

:func:`annual_report` gives the report a district files at the end of the year, "Báo
cáo kết quả thực hiện nhiệm vụ CCHC năm Y" (in English "Report on the CCHC tasks of year
Y"), as Markdown or as one self-contained HTML page: the targets with outcome and reason,
the units' tasks, scores, bands and ranks, the heads' ratings with their reasons, the
overdue tasks with the person accountable and the days overdue, the recommendations, and
charts. :func:`write_report` writes it into a folder.

The tables are built once, by :mod:`cchc_tasks.tables`, and only rendered here, to
Markdown or HTML, so the report, the notebook view of an evaluation
(:mod:`cchc_tasks.notebook`) and the workbook of :mod:`cchc_tasks.exports` word them the
same. The charts are those of :mod:`cchc_tasks.charts` and need matplotlib (``pip install
cchc-tasks[notebook]``); everything else needs nothing beyond the library.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import attrs

from ._tabular import EXCEL_HINT, require_openpyxl
from .charts import figure_png, plot_completion, plot_indicator, plot_ratings
from .errors import CchcError, ValidationError
from .evaluation import Evaluation
from .exports import write_evaluation_xlsx
from .i18n import render
from .labels import (
    Lang,
    check_lang,
    date_text,
    indicator_label,
    recommendation_label,
    subject_name,
)
from .labels import t as _t
from .tables import (
    Cell,
    OverdueTask,
    Table,
    decisive_reasons,
    evaluation_tables,
    heads_table,
    ordered_units,
    overdue_table,
    overdue_tasks,
    rating_cell,
    ratings_table,
    recommendations_table,
    targets_table,
    units_table,
)

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
    "markdown_text",
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

#: The formats :func:`write_report` knows; ``xlsx`` needs openpyxl.
FORMATS = ("md", "html", "xlsx")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def _part_of_year(
    start: dt.date | None, end: dt.date | None, year: int, lang: Lang, *, both: bool = False
) -> str:
    """ " (từ 01/07/2025)", " (đến 30/06/2025)" for a period that covers only part of the
    year (with ``both``, ", 01/01/2025–30/06/2025"); "" for the whole year."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    begins = start is not None and start > first
    ends = end is not None and end < last
    if not begins and not ends:
        return ""
    a, b = max(start or first, first), min(end or last, last)
    if both or (begins and ends):
        period = f"{date_text(a, lang)}–{date_text(b, lang)}"
        return f", {period}" if both else f" ({period})"
    key = "text.from" if begins else "text.until"
    return f" ({_t(key, lang, date=date_text(a if begins else b, lang))})"


def _unit_changes(ev: Evaluation, lang: Lang) -> list[str]:
    """The units that began or ended during the year, with their successors: the unit
    tree the evaluation used changed on those dates (rule R17)."""
    lines = []
    for u in sorted(ev.units.values(), key=lambda u: (u.unit.valid_to or dt.date.max, u.unit.id)):
        unit = u.unit
        if unit.valid_to is not None and unit.valid_to.year == ev.year:
            after = ", ".join(ev.names.get(s, s) for s in unit.successors) or "—"
            until = _t("text.until", lang, date=date_text(unit.valid_to, lang))
            lines.append(f"  {unit.name}: {until} → {after}")
    for u in sorted(ev.units.values(), key=lambda u: u.unit.id):
        unit = u.unit
        if unit.valid_from is not None and unit.valid_from.year == ev.year:
            since = _t("text.from", lang, date=date_text(unit.valid_from, lang))
            lines.append(f"  {unit.name}: {since}")
    if not lines:
        return []
    return ["", _t("text.unit_changes", lang), *lines]


def text_report(ev: Evaluation, *, reasons: bool = True, lang: Lang = "vi") -> str:
    """The annual report "Kết quả thực hiện nhiệm vụ CCHC năm Y" as plain text, in
    ``lang`` (Vietnamese by default), worded as the tables of the other formats."""
    lang = check_lang(lang)
    title, heading = _heading_lines(ev, lang)
    lines = [title.upper(), *heading, "", _t("section.targets", lang)]
    for target in targets_table(ev, lang).rows:
        name, _indicator, outcome, reason = (cell.text for cell in target)
        lines += [f"  [{outcome}] {name}", f"      {reason}"]
    units = units_table(ev, lang)
    lines += ["", units.title]
    lines += ["  " + x for x in _table(units.headers, [[c.text for c in r] for r in units.rows])]
    lines += _unit_changes(ev, lang)
    lines += ["", _t("section.heads", lang)]
    for r in sorted(ev.ratings, key=lambda r: (r.unit, r.headship.start)):
        if r.undecided is not None:
            rating = _t(
                "text.undecided", lang, lower=r.undecided[0].code, upper=r.undecided[1].code
            )
        elif r.rating is None:
            rating = _t("misc.not_rated", lang)
        else:
            rating = r.rating.code
        served = _part_of_year(r.headship.start, r.headship.end, ev.year, lang, both=True)
        months = _t("text.months", lang, months=round(r.months, 1))
        lines.append(
            f"  {ev.names.get(r.person, r.person)} — {ev.names.get(r.unit, r.unit)}"
            f" ({months}{served}): {rating}"
        )
        if reasons:
            lines += [f"      · {x}" for x in decisive_reasons(r, lang)]
    if ev.recommendations:
        lines += ["", _t("section.recommendations", lang)]
        for rec in ev.recommendations:
            name = subject_name(rec.subject, rec.subject_kind, ev.names, lang)
            kind = recommendation_label(rec.kind, lang)
            lines.append(f"  {kind}: {name} — {rec.reason.render(lang)}")
    return "\n".join(lines)


# --- rendering ------------------------------------------------------------------------------

# Only what can change the meaning of a table cell: a pipe ends the cell, a backslash
# escapes, and emphasis, code, links and raw HTML start with these.
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\|*`[<"})


def markdown_text(text: str) -> str:
    """Text safe inside a Markdown table cell: punctuation that Markdown reads is
    backslash-escaped and line breaks become spaces."""
    return " ".join(text.translate(_MD_SPECIAL).split())


def markdown_table(table: Table, *, level: int = 2) -> str:
    """``table`` as a titled GitHub-flavoured Markdown table."""
    lines = [f"{'#' * level} {markdown_text(table.title)}", ""]
    if not table.rows:
        return "\n".join([*lines, markdown_text(table.empty)])
    numeric = [all(row[i].number for row in table.rows) for i in range(len(table.headers))]
    lines.append("| " + " | ".join(markdown_text(h) for h in table.headers) + " |")
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    lines += ["| " + " | ".join(markdown_text(c.text) for c in row) + " |" for row in table.rows]
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
    ruleset = render(ev.ruleset.title, lang) if ev.ruleset else _t("report.no_ruleset", lang)
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
            pending=sum(u.pending for u in units),
        ),
        _t("report.provenance", lang, line=ev.provenance(lang)),
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


def _charts(
    tracker: Tracker, ev: Evaluation, lang: Lang, done: Callable[[], None] = lambda: None
) -> list[_Chart]:
    """The report's charts as PNG bytes: task completion, ratings, and each target's
    indicator over the plan's years up to the report's (one evaluation per year, shared
    by every target); ``done`` is called after each target's chart."""
    charts = [
        _Chart(
            "completion",
            _t("chart.completion", lang, year=ev.year),
            figure_png(plot_completion(ev, lang=lang)),
        ),
        _Chart(
            "ratings",
            _t("chart.ratings", lang, year=ev.year),
            figure_png(plot_ratings(ev, lang=lang)),
        ),
    ]
    evaluations: dict[int, Evaluation] = {ev.year: ev}
    for tid, result in sorted(ev.targets.items()):
        plan = tracker.plan(result.target.plan)
        years = range(plan.start.year, min(plan.end.year, ev.year) + 1)
        if not years:
            done()
            continue
        for year in years:
            if year not in evaluations:
                evaluations[year] = tracker.evaluate(year)
        fig = plot_indicator(tracker, tid, years, lang=lang, evaluations=evaluations)
        title = result.target.title or indicator_label(result.target.indicator, lang)
        charts.append(_Chart(f"target-{tid}", title, figure_png(fig)))
        done()
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
    parts = [f"# {markdown_text(title)}", "\n\n".join(markdown_text(line) for line in lines)]
    parts += [markdown_table(x) for x in tables]
    if links:
        charts = [f"## {markdown_text(_t('section.charts', lang))}"]
        # A "]" would end the alt text, and target ids may hold characters that end a
        # link, so both are escaped.
        for alt, name in links:
            text = markdown_text(alt).replace("]", "\\]")
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


def xlsx_available() -> bool:
    """Whether :func:`write_report` can write ``xlsx``: the workbook of
    :func:`cchc_tasks.exports.write_evaluation_xlsx` needs openpyxl."""
    try:
        require_openpyxl()
    except CchcError:
        return False
    return True


def write_report(
    tracker: Tracker,
    year: int,
    out_dir: str | Path,
    formats: Sequence[str] = ("md", "html"),
    lang: Lang = "vi",
    *,
    as_of: dt.date | None = None,
    plots: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write the annual report of ``year`` into ``out_dir`` (created if missing), one file
    per format (``md``, ``html``, and ``xlsx``: the evaluation workbook of
    :mod:`cchc_tasks.exports`, which needs openpyxl), named by :func:`report_stem`; the
    year is evaluated once. Returns the paths written: the reports in the order of
    ``formats``, then a Markdown report's charts.

    ``progress(done, total)`` is called as the work goes: the evaluation, each target's
    chart (a target's chart evaluates every year of its plan, the long part for a
    province), each file written."""
    lang = check_lang(lang)
    if isinstance(formats, str):
        formats = (formats,)
    for f in formats:
        if f not in FORMATS:
            raise ValidationError("write_report.formats", "'md', 'html' or 'xlsx'", f)
    if "xlsx" in formats and not xlsx_available():
        raise CchcError(
            f"xlsx output is not available: it needs openpyxl ({EXCEL_HINT}); "
            "write md or html instead"
        )
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ev = tracker.evaluate(year, as_of=as_of)
    stem = report_stem(year, lang)
    drawing = plots and bool({"md", "html"} & set(formats))
    unique = list(dict.fromkeys(formats))
    steps = _Steps(progress, 1 + (len(ev.targets) if drawing else 0) + len(unique))
    steps.advance()  # evaluated
    # Rendered once for every format that shows them.
    charts = _charts(tracker, ev, lang, steps.advance) if drawing else []
    written: list[Path] = []
    pngs: list[Path] = []
    for f in unique:
        path = folder / f"{stem}.{f}"
        if f == "xlsx":
            write_evaluation_xlsx(ev, path, lang=lang)
        else:
            text, files = _render(tracker, ev, f, lang, charts=charts, out_dir=folder)
            path.write_text(text, encoding="utf-8")
            pngs += files
        written.append(path)
        steps.advance()
    return written + pngs


class _Steps:
    """Counts the steps of a long run for a ``progress(done, total)`` callback."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0

    def advance(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)
