"""Getting data out of a store, and a whole store back in.

District offices exchange workbooks, so tasks and evaluations go out as ``.xlsx`` (a
formatted sheet per table: bold header, frozen header row, column widths, dates as dates,
Vietnamese headings) or as ``.csv`` (UTF-8 with a BOM, without which Excel shows
Vietnamese as mojibake). The task sheet has the columns of a task annex, so a sheet
exported from one store imports into another with :func:`cchc_tasks.annex.import_annex`.
The sheets are the tables of :mod:`cchc_tasks.tables`, worded as the reports word them;
this module only writes them.

A whole store goes out as one JSON file (:func:`export_store_json`) and comes back in
through the Tracker API (:func:`import_store_json`): every object is decoded and validated
first, then written in one batch, so a damaged file changes nothing and a good one gives
a store whose :meth:`~cchc_tasks.Tracker.to_documents` equals the original's.

openpyxl is needed for ``.xlsx`` only, and imported when one is written
(``pip install 'cchc-tasks[excel]'``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from . import tables
from ._tabular import neutralise, read_bytes, require_openpyxl
from ._version import __version__
from .errors import StoreImportError, ValidationError
from .labels import Lang, t
from .sheets import task_version
from .tables import TASK_COLUMNS, WORKBOOK_SHEETS, task_table, workbook_tables
from .tasks import ProgressReport, Task

if TYPE_CHECKING:
    from .evaluation import Evaluation
    from .tracker import Tracker

__all__ = [
    "EVALUATION_SHEETS",
    "PROGRESS_COLUMNS",
    "STORE_FORMAT",
    "TASK_COLUMNS",
    "StoreImportError",
    "evaluation_tables",
    "export_evaluation",
    "export_store_json",
    "export_tasks",
    "import_store_json",
    "task_rows",
    "write_evaluation_xlsx",
]

#: The ``format`` of a store exported as JSON, and its layout version.
STORE_FORMAT = "cchc_tasks-store"
STORE_FORMAT_VERSION = 1

#: The sheets of an evaluation workbook (in Vietnamese, the default language).
EVALUATION_SHEETS = tuple(t(key, "vi") for key in WORKBOOK_SHEETS)

_WIDEST = 60
_DATE_FORMAT = "DD/MM/YYYY"

#: A sheet of :func:`evaluation_tables`: its name, headers and rows of values.
Table = tuple[str, Sequence[str], list[list[Any]]]


# --- writing files --------------------------------------------------------------------------


def _replace_atomically(path: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """Write through a temporary file beside ``path`` and rename it over ``path``: an
    export that fails half-way (a full disk, a killed process) leaves the old file."""
    target = os.fspath(path)
    temp = f"{target}.{os.getpid()}.tmp"
    try:
        write(temp)
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def _kind(path: str | os.PathLike[str], allowed: Sequence[str]) -> str:
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext not in allowed:
        raise ValidationError("export path", f"a file ending in {' or '.join(allowed)}", ext)
    return ext


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float):
        # Vietnamese Excel reads "," as the decimal sign; a whole number needs neither.
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return str(neutralise(value)) if isinstance(value, str) else str(value)


def _write_csv(path: str | os.PathLike[str], table: tables.Table) -> None:
    def write(temp: str) -> None:
        # The BOM is what makes Excel read the file as UTF-8 rather than the ANSI page.
        with open(temp, "w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow([neutralise(h) for h in table.headers])
            out.writerows([_csv_cell(v) for v in row] for row in table.values())

    _replace_atomically(path, write)


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in _csv_cell(value).splitlines()), default=0)


def _fill_sheet(ws: Any, table: tables.Table) -> None:
    """One sheet: a bold, frozen, filtered header row, the values with dates as dates,
    columns as wide as their text (up to a limit past which the text wraps)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    rows = table.values()
    ws.append(list(table.headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            neutralise(None, xlsx_cell=cell)  # a title "=…" is text, never a formula
    for cell in ws[1]:
        neutralise(None, xlsx_cell=cell)
    for index, heading in enumerate(table.headers, start=1):
        widest = max([len(heading), *(_width(r[index - 1]) for r in rows)])
        wraps = widest > _WIDEST
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = min(_WIDEST, max(8.0, widest + 2))
        for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, dt.date):
                cell.number_format = _DATE_FORMAT
            elif wraps or (isinstance(cell.value, str) and "\n" in cell.value):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions


def _write_xlsx(path: str | os.PathLike[str], sheets: Mapping[str, tables.Table]) -> None:
    """A workbook of one sheet per table, named by the keys of ``sheets``."""
    require_openpyxl()
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    if first is not None:
        book.remove(first)
    for name, table in sheets.items():
        _fill_sheet(book.create_sheet(name), table)
    _replace_atomically(path, lambda temp: book.save(temp))


# --- tasks ----------------------------------------------------------------------------------


def task_rows(tracker: Tracker, tasks: Iterable[Task] | None = None) -> list[list[Any]]:
    """The rows of the task sheet (under :data:`~cchc_tasks.tables.TASK_COLUMNS`):
    ``tasks``, or every task of the store, by due date then id (the values of
    :func:`cchc_tasks.tables.task_table`)."""
    return task_table(tracker, tasks).values()


def export_tasks(
    tracker: Tracker, path: str | os.PathLike[str], tasks: Iterable[Task] | None = None
) -> int:
    """Write ``tasks`` (default: every task of the store) to ``path``, a ``.xlsx``
    workbook (sheet "Nhiệm vụ") or a ``.csv`` file; returns how many were written.

    The columns are :data:`~cchc_tasks.tables.TASK_COLUMNS`: the annex columns first
    (STT, Mã, Nội dung nhiệm vụ, Lĩnh vực, Cơ quan chủ trì, Cơ quan phối hợp, Người thực
    hiện, Thời gian hoàn thành, Sản phẩm, Trọng số, Kinh phí), then the plan and what was
    recorded (status, completion date, exceeded, quality note, reason for cancelling).
    Units and people are written by name, or by id where two share a name.
    """
    ext = _kind(path, (".xlsx", ".csv"))
    chosen = tracker.tasks() if tasks is None else list(tasks)
    table = _with_progress(task_table(tracker, chosen), chosen)
    if ext == ".csv":
        _write_csv(path, table)
    else:
        _write_xlsx(path, {table.title: table})
    return len(table.rows)


#: The columns the task sheet adds after :data:`~cchc_tasks.tables.TASK_COLUMNS`: the
#: latest progress report (percent, text, day), for the office to fill in and bring back
#: with ``cchc import --progress``, and the task's version (see
#: :func:`cchc_tasks.sheets.task_version`), which tells the import whether the task
#: changed since the sheet was written.
PROGRESS_COLUMNS = ("Tiến độ (%)", "Báo cáo tiến độ", "Ngày báo cáo", "Phiên bản")


def _with_progress(table: tables.Table, tasks: Sequence[Task]) -> tables.Table:
    """``table`` (one row per task of ``tasks``, in order) with :data:`PROGRESS_COLUMNS`."""
    rows = []
    for row, task in zip(table.rows, tasks, strict=True):
        latest = task.progress[-1] if task.progress else None
        extra = (
            tables.Cell("" if latest is None else str(latest.percent), value=_percent(latest)),
            tables.Cell("" if latest is None else latest.note),
            tables.Cell(
                "" if latest is None else f"{latest.on:%d/%m/%Y}",
                value=None if latest is None else latest.on,
            ),
            tables.Cell(task_version(task)),
        )
        rows.append((*row, *extra))
    return attrs.evolve(table, headers=(*table.headers, *PROGRESS_COLUMNS), rows=tuple(rows))


def _percent(report: ProgressReport | None) -> int | None:
    return None if report is None else report.percent


# --- an evaluation --------------------------------------------------------------------------


def evaluation_tables(ev: Evaluation, lang: Lang = "vi") -> list[Table]:
    """The sheets of :func:`export_evaluation` as ``(name, headers, rows)``, the rows as
    lists of values (the tables of :func:`cchc_tasks.tables.workbook_tables`)."""
    return [
        (name, table.headers, table.values()) for name, table in workbook_tables(ev, lang).items()
    ]


def export_evaluation(ev: Evaluation, path: str | os.PathLike[str], *, lang: Lang = "vi") -> None:
    """Write an evaluation to ``path``, a ``.xlsx`` workbook with the sheets
    :data:`EVALUATION_SHEETS`: the year, date, rule set and plugins; each unit's counts,
    score, band, rank and criteria; each head's rating with its reasons and caps; each
    target's outcome and reason; the recommendations. Headings and labels are those of
    the annual report, in Vietnamese or, with ``lang="en"``, English. A workbook because
    these are five tables; use :func:`evaluation_tables` for any other format."""
    _kind(path, (".xlsx",))
    _write_xlsx(path, workbook_tables(ev, lang))


def write_evaluation_xlsx(
    ev: Evaluation, path: str | os.PathLike[str], *, lang: Lang = "vi"
) -> None:
    """:func:`export_evaluation` under the name ``cchc report --format xlsx`` uses
    (:func:`cchc_tasks.reports.write_report`)."""
    export_evaluation(ev, path, lang=lang)


# --- the whole store as JSON ------------------------------------------------------------


# table → class, in an order where everything an object refers to comes before it.
def export_store_json(tracker: Tracker, path: str | os.PathLike[str]) -> int:
    """Write the whole state of ``tracker`` to ``path`` as JSON; returns how many objects.

    The file holds ``{"format": "cchc_tasks-store", "version": 1, "cchc_tasks": version,
    "seq": journal seq, "tables": {table: [document, ...]}}`` with the documents of
    :meth:`~cchc_tasks.Tracker.to_documents`, in store order. The journal (who changed
    what, when) is not in it: use ``Tracker.backup`` to keep history."""
    tables = tracker.to_documents()
    data = {
        "format": STORE_FORMAT,
        "version": STORE_FORMAT_VERSION,
        "cchc_tasks": __version__,
        "seq": tracker.seq,
        "tables": {name: list(docs) for name, docs in tables.items()},
    }

    def write(temp: str) -> None:
        with open(temp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.write("\n")

    _replace_atomically(path, write)
    return sum(len(docs) for docs in tables.values())


def _tables_of(data: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise StoreImportError(name, ["expected a JSON object with the store's tables"])
    if "format" in data or "tables" in data:
        if data.get("format") != STORE_FORMAT:
            raise StoreImportError(
                name, [f"format: expected {STORE_FORMAT!r}, got {data.get('format')!r}"]
            )
        version = data.get("version")
        if version != STORE_FORMAT_VERSION:
            raise StoreImportError(
                name,
                [
                    f"version: expected {STORE_FORMAT_VERSION} (or upgrade cchc_tasks), "
                    f"got {version!r}"
                ],
            )
        tables = data.get("tables")
        if not isinstance(tables, dict):
            raise StoreImportError(name, ["tables: expected a JSON object of tables"])
        return tables
    return data  # the bare output of Tracker.to_documents()


def import_store_json(
    tracker: Tracker,
    path: str | os.PathLike[str],
    *,
    actor: str | None = None,
    note: str | None = None,
) -> int:
    """Add every object of a store exported by :func:`export_store_json` (or the JSON of
    :meth:`~cchc_tasks.Tracker.to_documents`) to ``tracker``; returns how many.

    Every object is decoded and validated first, and all bad ones are listed in one
    :class:`StoreImportError`; then all are written through the Tracker API (so its
    checks and the ``cchc_authorize`` plugins apply) in one batch, one journal line. Any
    error leaves the store unchanged. Into an empty store the result has the same
    ``to_documents()`` as the store exported; ids that exist already are an error.
    See :meth:`~cchc_tasks.Tracker.import_documents`.
    """
    name = os.path.basename(os.fspath(path))
    raw = read_bytes(path, "store JSON", "a readable JSON file")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreImportError(name, [f"expected JSON text: {exc}"]) from None
    return tracker.import_documents(
        _tables_of(data, name), source=name, actor=actor, note=note or f"Nhập dữ liệu từ {name}"
    )
