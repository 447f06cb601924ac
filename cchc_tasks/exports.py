"""Getting data out of a store, and a whole store back in.

District offices exchange workbooks, so tasks and evaluations go out as ``.xlsx`` (a
formatted sheet per table: bold header, frozen header row, column widths, dates as dates,
Vietnamese headings) or as ``.csv`` (UTF-8 with a BOM, without which Excel shows
Vietnamese as mojibake). The task sheet has the columns of a task annex, so a sheet
exported from one store imports into another with :func:`cchc_tasks.annex.import_annex`.

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

from ._tabular import read_bytes, require_openpyxl
from ._version import __version__
from .errors import StoreImportError, ValidationError
from .plans import Field
from .tasks import Task, TaskStatus
from .units import Person, Unit

if TYPE_CHECKING:
    from .evaluation import Evaluation
    from .tracker import Tracker

__all__ = [
    "EVALUATION_SHEETS",
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

#: The columns of the task sheet; the first ten are those the annex importer reads.
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

#: The sheets of an evaluation workbook.
EVALUATION_SHEETS = ("Thông tin", "Đơn vị", "Người đứng đầu", "Mục tiêu", "Kiến nghị")

_STATUS_VI = {
    TaskStatus.OPEN: "Đang thực hiện",
    TaskStatus.DONE: "Đã hoàn thành",
    TaskStatus.CANCELLED: "Đã hủy",
}
_RECOMMENDATION_VI = {
    "commendation": "Khen thưởng",
    "discipline-review": "Xem xét kỷ luật",
    "urge": "Đôn đốc",
}
_WIDEST = 60
_DATE_FORMAT = "DD/MM/YYYY"

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
    return str(value)


def _write_csv(path: str | os.PathLike[str], headers: Sequence[str], rows: list[list[Any]]) -> None:
    def write(temp: str) -> None:
        # The BOM is what makes Excel read the file as UTF-8 rather than the ANSI page.
        with open(temp, "w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow(headers)
            out.writerows([_csv_cell(v) for v in row] for row in rows)

    _replace_atomically(path, write)


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in _csv_cell(value).splitlines()), default=0)


def _write_xlsx(path: str | os.PathLike[str], tables: Sequence[Table]) -> None:
    require_openpyxl()
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    first = book.active
    if first is not None:
        book.remove(first)
    bold = Font(bold=True)
    for title, headers, rows in tables:
        ws = book.create_sheet(title)
        ws.append(list(headers))
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in rows:
            ws.append(row)
        for index, heading in enumerate(headers, start=1):
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
    _replace_atomically(path, lambda temp: book.save(temp))


# --- tasks ----------------------------------------------------------------------------------


def _display(items: Iterable[Unit] | Iterable[Person]) -> dict[str, str]:
    """id → what to write for it: the name when no other object has it (officials read
    names), else the id, so that the importer finds the same object again."""
    pairs = [(item.id, item.name) for item in items]
    counts: dict[str, int] = {}
    for _, name in pairs:
        counts[name] = counts.get(name, 0) + 1
    return {uid: name if counts[name] == 1 else uid for uid, name in pairs}


def _field_label(field: str | None) -> str:
    if field is None:
        return ""
    try:
        return Field(field).label_vi
    except ValueError:
        return field  # a custom field, written as it is


def task_rows(tracker: Tracker, tasks: Iterable[Task] | None = None) -> list[list[Any]]:
    """The rows of the task sheet (under :data:`TASK_COLUMNS`): ``tasks``, or every task
    of the store, by due date then id."""
    chosen = tracker.tasks() if tasks is None else list(tasks)
    units = _display(tracker.units())
    people = _display(tracker.persons())
    rows: list[list[Any]] = []
    for number, t in enumerate(chosen, start=1):
        rows.append(
            [
                number,
                t.id,
                t.title,
                _field_label(t.field),
                units.get(t.unit, t.unit),
                "; ".join(units.get(p, p) for p in t.partners),
                "" if t.assignee is None else people.get(t.assignee, t.assignee),
                t.due,
                t.output,
                float(t.weight),
                None if t.budget is None else float(t.budget),
                t.plan,
                _STATUS_VI[t.status],
                t.completed_on,
                "Có" if t.exceeded else "",
                t.quality_note,
                t.cancel_reason,
            ]
        )
    return rows


def export_tasks(
    tracker: Tracker, path: str | os.PathLike[str], tasks: Iterable[Task] | None = None
) -> int:
    """Write ``tasks`` (default: every task of the store) to ``path``, a ``.xlsx``
    workbook (sheet "Nhiệm vụ") or a ``.csv`` file; returns how many were written.

    The columns are :data:`TASK_COLUMNS`: the annex columns first (STT, Mã, Nội dung
    nhiệm vụ, Lĩnh vực, Cơ quan chủ trì, Cơ quan phối hợp, Người thực hiện, Thời gian
    hoàn thành, Sản phẩm, Trọng số, Kinh phí), then the plan and what was recorded
    (status, completion date, exceeded, quality note, reason for cancelling). Units and
    people are written by name, or by id where two share a name.
    """
    ext = _kind(path, (".xlsx", ".csv"))
    rows = task_rows(tracker, tasks)
    if ext == ".csv":
        _write_csv(path, TASK_COLUMNS, rows)
    else:
        _write_xlsx(path, [("Nhiệm vụ", TASK_COLUMNS, rows)])
    return len(rows)


# --- an evaluation --------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _reason_lines(reasons: Iterable[Any]) -> str:
    return "\n".join(str(r) for r in reasons)


def evaluation_tables(ev: Evaluation) -> list[Table]:
    """The sheets of :func:`export_evaluation` as ``(title, headers, rows)``."""
    name = ev.names.get
    info: list[list[Any]] = [
        ["Năm đánh giá", ev.year],
        ["Tính đến ngày", ev.as_of],
        ["Bộ quy tắc", ev.ruleset.title if ev.ruleset else "(không có)"],
        ["Căn cứ", ev.ruleset.source if ev.ruleset else ""],
        ["Số hiệu nhật ký (store seq)", ev.store_seq],
        ["Plugin", "\n".join(f"{n} {v}" for n, v in ev.plugins)],
        ["Căn cứ tính kết quả", ev.provenance()],
    ]
    units: list[list[Any]] = []
    for u in sorted(ev.units.values(), key=lambda u: (u.unit.kind, u.unit.id)):
        f = u.facts
        units.append(
            [
                u.unit.id,
                u.unit.name,
                u.unit.kind,
                f.counted,
                f.on_time,
                f.late,
                f.overdue,
                f.pending,
                f.cancelled,
                f.exceeded,
                _round(u.score),
                None if u.band is None else u.band.label_vi,
                u.rank,
                u.of,
                "\n".join(
                    f"{c.name}: {c.points:g}/{c.maximum:g} — {c.reason} [{c.rule}]"
                    for c in u.criteria
                ),
            ]
        )
    leaders: list[list[Any]] = []
    for r in sorted(ev.ratings, key=lambda r: (r.unit, r.headship.start, r.person)):
        leaders.append(
            [
                r.person,
                name(r.person, r.person),
                r.unit,
                name(r.unit, r.unit),
                r.headship.start,
                r.headship.end,
                round(r.months, 1),
                r.ruleset or "",
                None if r.base is None else r.base.code,
                "Không xếp loại" if r.rating is None else r.rating.code,
                "" if r.rating is None else r.rating.label_vi,
                _reason_lines(r.reasons),
                "\n".join(f"{c.rating.code}: {c.reason}" for c in r.caps),
            ]
        )
    targets: list[list[Any]] = []
    for tid, t in ev.targets.items():
        targets.append(
            [
                tid,
                t.target.title,
                str(t.target.indicator),
                t.target.unit,
                name(t.target.unit, t.target.unit),
                t.outcome.label_vi,
                t.outcome.value,
                t.reason,
                str(t.rule),
            ]
        )
    recommendations: list[list[Any]] = [
        [
            _RECOMMENDATION_VI.get(rec.kind, rec.kind),
            rec.subject_kind,
            rec.subject,
            name(rec.subject, rec.subject),
            rec.reason.text,
            rec.reason.rule,
            rec.reason.source,
        ]
        for rec in ev.recommendations
    ]
    return [
        ("Thông tin", ("Mục", "Giá trị"), info),
        (
            "Đơn vị",
            (
                "Mã đơn vị",
                "Tên đơn vị",
                "Loại",
                "Nhiệm vụ tính",
                "Đúng hạn",
                "Trễ hạn",
                "Quá hạn",
                "Chưa đến hạn",
                "Đã hủy",
                "Vượt mức",
                "Điểm (%)",
                "Xếp loại",
                "Thứ hạng",
                "Trong số",
                "Tiêu chí",
            ),
            units,
        ),
        (
            "Người đứng đầu",
            (
                "Mã người",
                "Họ và tên",
                "Mã đơn vị",
                "Đơn vị",
                "Từ ngày",
                "Đến ngày",
                "Số tháng",
                "Bộ quy tắc",
                "Xếp loại cơ sở",
                "Xếp loại",
                "Mức xếp loại",
                "Lý do",
                "Giới hạn",
            ),
            leaders,
        ),
        (
            "Mục tiêu",
            (
                "Mã mục tiêu",
                "Mục tiêu",
                "Chỉ số",
                "Mã đơn vị",
                "Đơn vị",
                "Kết quả",
                "Mã kết quả",
                "Lý do",
                "Quy tắc",
            ),
            targets,
        ),
        (
            "Kiến nghị",
            ("Loại", "Đối tượng", "Mã", "Tên", "Lý do", "Quy tắc", "Căn cứ"),
            recommendations,
        ),
    ]


def export_evaluation(ev: Evaluation, path: str | os.PathLike[str]) -> None:
    """Write an evaluation to ``path``, a ``.xlsx`` workbook with the sheets
    :data:`EVALUATION_SHEETS`: the year, date, rule set and plugins; each unit's counts,
    score, band, rank and criteria; each head's rating with its reasons and caps; each
    target's outcome and reason; the recommendations. A workbook because these are five
    tables; use :func:`evaluation_tables` for any other format."""
    _kind(path, (".xlsx",))
    _write_xlsx(path, evaluation_tables(ev))


def write_evaluation_xlsx(ev: Evaluation, path: str | os.PathLike[str]) -> None:
    """:func:`export_evaluation` under the name ``cchc report --format xlsx`` looks for
    (:func:`cchc_tasks.reports.write_report`)."""
    export_evaluation(ev, path)


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
