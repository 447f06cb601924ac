"""The office's other sheets, back in: task progress, units, and people with their heads.

Three sheets that district offices keep in Excel come back into the store here, each
all or nothing, with every bad cell named by row and column (as for a task annex,
:mod:`cchc_tasks.annex`):

* **progress** (:func:`import_progress`): the task sheet that
  :func:`cchc_tasks.exports.export_tasks` writes, with completion dates, "vượt mức"
  marks and progress reports filled in. Each row carries the task's version ("Phiên
  bản", :func:`cchc_tasks.sheets.task_version`); a row whose task changed in the store
  since the sheet was written is refused, so that nobody's update is overwritten with an
  older sheet. Rows that say nothing new are skipped.
* **units** (:func:`import_units`): id, name, kind, parent, dates.
* **people** (:func:`import_people`): id, name, unit, title, and, for a head, the unit
  they head and the day they started.

Every row goes through the Tracker method a program (or the ``cchc`` command) would call
(``complete_task``, ``report_progress``, ``update_task``, ``add_unit``, ``add_person``,
``appoint_head``), so a sheet gets the same checks; all of it is written in one batch,
one journal line. Ids that exist already are refused, not updated: a sheet that silently
renames a unit would rewrite history the journal should show as a decision.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ._fields import MAX_ID_LENGTH, is_valid_id
from ._tabular import RowProblem, TabularImportError, cell_text, fold
from .errors import CchcError
from .i18n import Message
from .sheets import (
    CellError,
    Cells,
    Directory,
    Header,
    Headings,
    Named,
    NameNotFound,
    Problems,
    Progress,
    cell_date,
    cell_yes,
    find_table,
    task_version,
    unit_key,
)
from .tasks import ProgressReport, Task, TaskStatus
from .units import UNIT_KINDS, Category, Person, Unit

if TYPE_CHECKING:
    from .tracker import Tracker

__all__ = [
    "PEOPLE_HEADINGS",
    "PROGRESS_HEADINGS",
    "UNIT_HEADINGS",
    "UNIT_KIND_WORDS",
    "SheetImportError",
    "SheetResult",
    "import_people",
    "import_progress",
    "import_units",
]


class SheetImportError(TabularImportError):
    """A progress, units or people sheet that cannot be imported; nothing was imported.
    ``problems`` lists every bad cell (:class:`~cchc_tasks.annex.RowProblem`)."""


@attrs.frozen
class SheetResult:
    """What an import did: ``rows`` read, ``written`` (rows that changed something),
    ``unchanged`` (rows skipped: nothing new), and the journal ``seq`` after it."""

    rows: int
    written: int
    unchanged: int
    seq: int


#: The columns of a progress sheet (the task sheet of ``cchc export --tasks``).
PROGRESS_HEADINGS = Headings(
    {
        "code": ("Mã", "Mã nhiệm vụ", "Mã NV", "Mã số"),
        "version": ("Phiên bản", "Version"),
        "completed_on": ("Ngày hoàn thành", "Ngày hoàn thành thực tế", "Hoàn thành ngày"),
        "exceeded": ("Vượt mức", "Hoàn thành vượt mức"),
        "quality_note": ("Đánh giá chất lượng", "Nhận xét chất lượng"),
        "percent": (
            "Tiến độ (%)",
            "Tỷ lệ hoàn thành (%)",
            "Tỷ lệ hoàn thành",
            "% hoàn thành",
            "Phần trăm hoàn thành",
        ),
        "report": (
            "Báo cáo tiến độ",
            "Kết quả thực hiện",
            "Tình hình thực hiện",
            "Ghi chú tiến độ",
            "Nội dung báo cáo",
        ),
        "reported_on": ("Ngày báo cáo", "Ngày cập nhật"),
    },
    ("code", "version"),
)

#: The columns of a units sheet.
UNIT_HEADINGS = Headings(
    {
        "id": ("Mã đơn vị", "Mã", "Mã số", "Mã cơ quan"),
        "name": ("Tên đơn vị", "Tên cơ quan, đơn vị", "Tên cơ quan", "Cơ quan, đơn vị"),
        "kind": ("Loại đơn vị", "Loại", "Loại hình", "Cấp"),
        "parent": ("Đơn vị cấp trên", "Cơ quan cấp trên", "Trực thuộc", "Cơ quan quản lý"),
        "valid_from": ("Ngày thành lập", "Hoạt động từ ngày", "Từ ngày"),
        "valid_to": ("Ngày giải thể", "Ngày kết thúc", "Đến ngày"),
    },
    ("id", "name", "kind"),
)

#: The columns of a people sheet; a head's row names the unit they head and the day
#: they started.
PEOPLE_HEADINGS = Headings(
    {
        "id": ("Mã", "Mã cán bộ", "Mã số", "Mã người"),
        "name": ("Họ và tên", "Họ tên", "Tên"),
        "unit": ("Đơn vị công tác", "Đơn vị", "Cơ quan công tác", "Nơi công tác"),
        "title": ("Chức vụ", "Chức danh"),
        "heads": ("Đơn vị đứng đầu", "Người đứng đầu đơn vị", "Đứng đầu đơn vị"),
        "start": ("Ngày bắt đầu", "Ngày bổ nhiệm", "Từ ngày"),
        "category": ("Loại cán bộ", "Cán bộ, công chức, viên chức", "Đối tượng"),
    },
    ("id", "name"),
)

#: How a units sheet may write a unit's kind (folded), besides the kinds themselves.
UNIT_KIND_WORDS: dict[str, str] = {
    "ubnd tinh": "province",
    "tinh": "province",
    "ubnd huyen": "district",
    "huyen": "district",
    "ubnd xa": "commune",
    "xa": "commune",
    "ubnd phuong": "ward",
    "phuong": "ward",
    "ubnd thi tran": "town",
    "thi tran": "town",
    "dac khu": "special-zone",
    "co quan chuyen mon": "agency",
    "co quan": "agency",
    "phong": "agency",
    "so": "agency",
    "don vi su nghiep": "public-service-unit",
    "don vi su nghiep cong lap": "public-service-unit",
}


def _read_sheet(
    path: str | os.PathLike[str],
    headings: Headings,
    columns: Mapping[str, str] | None,
    sheet: str | None,
    encoding: str | None,
    delimiter: str | None,
) -> tuple[Header, list[tuple[int, Sequence[Any]]], str]:
    """The sheet at ``path`` found by ``headings`` (with the caller's ``columns``): its
    header, its non-blank rows under the header with their numbers, and its source."""
    table, header, source = find_table(
        path,
        headings.with_overrides(columns),
        SheetImportError,
        sheet=sheet,
        encoding=encoding,
        delimiter=delimiter,
    )
    return header, _rows(table.rows, header.index), source


def _rows(table_rows: Sequence[Sequence[Any]], start: int) -> list[tuple[int, Sequence[Any]]]:
    """The non-blank rows under the header (0-based ``start``), with their numbers."""
    return [
        (index + 1, row)
        for index, row in enumerate(table_rows)
        if index > start and any(cell_text(c) for c in row)
    ]


class _Sheet:
    """One sheet being read: its cells by column, its headings and its bad cells."""

    def __init__(self, header_columns: Mapping[str, int], headings: Mapping[str, str]) -> None:
        self.columns = header_columns
        self.headings = headings
        self.problems = Problems()

    def cells(self, row: Sequence[Any]) -> Cells:
        return Cells(row, self.columns)

    def bad(
        self,
        row: int,
        column: str,
        expected: Message,
        value: Any,
        close: tuple[str, ...] = (),
    ) -> None:
        """A bad cell of ``column`` (a column key, reported under its heading)."""
        self.problems.add(row, self.headings.get(column, column), expected, value, close)

    def date(self, number: int, cells: Cells, column: str) -> dt.date | None:
        try:
            return cell_date(cells.raw(column))
        except CellError as exc:
            self.bad(number, column, exc.message, cells.raw(column))
            return None

    def new_id(self, number: int, cells: Cells, taken: Callable[[str], bool]) -> str | None:
        """The row's id: valid, not in the store, not on a row above."""
        text = cells.text("id")
        if not is_valid_id(text):
            self.bad(number, "id", Message.of("import.annex.id", most=MAX_ID_LENGTH), text)
            return None
        if taken(text):
            self.bad(number, "id", Message.of("import.sheet.id_exists", id=text), text)
            return None
        return text

    def fail_if_bad(self, source: str) -> None:
        if self.problems:
            order = {self.headings[c]: i for c, i in self.columns.items()}
            raise SheetImportError(source, self.problems.in_file_order(order))


def _write_rows(
    tracker: Tracker,
    sheet: _Sheet,
    source: str,
    writes: Sequence[tuple[int, Callable[[], object]]],
    note: str,
    actor: str | None,
    progress: Progress | None,
) -> None:
    """Run ``writes`` (row number, Tracker call) in one batch; a call the tracker refuses
    becomes a problem of its row, and any problem undoes the whole batch."""
    with tracker.batch(actor=actor, note=note):
        for done, (number, write) in enumerate(writes, start=1):
            try:
                write()
            except CchcError as exc:
                refused = Message.of("import.sheet.refused", reason=str(exc))
                sheet.problems.append(RowProblem(number, "(row)", refused, ""))
            if progress is not None:
                progress(done, len(writes))
        sheet.fail_if_bad(source)


# --- progress -------------------------------------------------------------------------------


@attrs.frozen
class _ProgressRow:
    """What one row of a progress sheet asks for, decoded."""

    task: Task
    completed_on: dt.date | None
    exceeded: bool
    quality_note: str
    report: ProgressReport | None


class _ProgressReader(_Sheet):
    def __init__(
        self, tracker: Tracker, columns: Mapping[str, int], headings: Mapping[str, str], on: dt.date
    ) -> None:
        super().__init__(columns, headings)
        self.tracker = tracker
        self.on = on
        self.seen: dict[str, int] = {}

    def row(self, number: int, raw: Sequence[Any]) -> _ProgressRow | None:
        """The row's request if it asks for anything new; ``None`` if it does not (or
        is bad: its problems are recorded)."""
        cells = self.cells(raw)
        task = self.task(number, cells)
        if task is None:
            return None
        completed_on = self.date(number, cells, "completed_on")
        try:
            exceeded = cell_yes(cells.raw("exceeded"))
        except CellError as exc:
            self.bad(number, "exceeded", exc.message, cells.raw("exceeded"))
            return None
        quality = " ".join(cells.text("quality_note").split())
        wanted = _ProgressRow(
            task, completed_on, exceeded, quality, self.report(number, cells, task)
        )
        if not self.asks_anything(number, wanted):
            return None
        if cells.text("version") != task_version(task):
            expected = Message.of("import.progress.changed_since_export", id=task.id)
            self.bad(number, "version", expected, cells.text("version"))
            return None
        return wanted

    def task(self, number: int, cells: Cells) -> Task | None:
        code = cells.text("code")
        if code in self.seen:
            self.bad(number, "code", Message.of("import.progress.twice", row=self.seen[code]), code)
            return None
        self.seen[code] = number
        try:
            return self.tracker.task(code)
        except CchcError:
            self.bad(number, "code", Message.of("import.progress.task"), code)
            return None

    def report(self, number: int, cells: Cells, task: Task) -> ProgressReport | None:
        """A new progress report, if the percent or the text differ from the latest."""
        raw, text = cells.raw("percent"), " ".join(cells.text("report").split())
        latest = task.progress[-1] if task.progress else None
        if cell_text(raw) == "" and (not text or (latest is not None and text == latest.note)):
            return None
        percent = _percent(raw)
        if percent is None:
            self.bad(number, "percent", Message.of("import.progress.percent"), raw)
            return None
        if latest is not None and (latest.percent, latest.note) == (percent, text):
            return None
        on = self.date(number, cells, "reported_on") or self.on
        return ProgressReport(on=on, percent=percent, note=text)

    def asks_anything(self, number: int, wanted: _ProgressRow) -> bool:
        """Whether the row records something the task does not have yet; a completion
        of a task done already, or marked otherwise, is refused (a correction is
        ``cchc task complete --correct``, one task at a time)."""
        task = wanted.task
        done = task.status is TaskStatus.DONE
        quality_changed = bool(wanted.quality_note) and wanted.quality_note != task.quality_note
        if wanted.completed_on is None:
            if wanted.exceeded and not (done and task.exceeded):
                expected = Message.of("import.progress.exceeded_without_date")
                self.bad(number, "completed_on", expected, "")
            return wanted.report is not None or (done and quality_changed)
        if done and (wanted.completed_on, wanted.exceeded) != (task.completed_on, task.exceeded):
            expected = Message.of("import.progress.done_already", id=task.id, on=task.completed_on)
            self.bad(number, "completed_on", expected, f"{wanted.completed_on:%d/%m/%Y}")
            return False
        return not done or wanted.report is not None or quality_changed


def _percent(raw: Any) -> int | None:
    """A percent cell: 60, "60", "60%", or 0.6 from a cell formatted as a percentage."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float) and 0 < raw < 1:
        raw = round(raw * 100)
    text = cell_text(raw).rstrip("%").strip().replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    if not value.is_integer() or not 0 <= value <= 100:
        return None
    return int(value)


def _progress_writes(
    tracker: Tracker, wanted: Sequence[tuple[int, _ProgressRow]]
) -> list[tuple[int, Callable[[], object]]]:
    writes: list[tuple[int, Callable[[], object]]] = []
    for number, row in wanted:
        writes.append((number, _progress_write(tracker, row)))
    return writes


def _progress_write(tracker: Tracker, row: _ProgressRow) -> Callable[[], object]:
    """The Tracker calls one row makes: its report first (a 100% report, then the
    completion), then the completion, or the quality note of a task done already."""

    def write() -> None:
        task = row.task
        if row.report is not None:
            tracker.report_progress(task.id, row.report)
        if row.completed_on is not None and task.status is not TaskStatus.DONE:
            tracker.complete_task(
                task.id,
                row.completed_on,
                exceeded=row.exceeded,
                quality_note=row.quality_note or None,
            )
        elif row.quality_note and row.quality_note != task.quality_note:
            tracker.update_task(task.id, quality_note=row.quality_note)

    return write


def import_progress(
    tracker: Tracker,
    path: str | os.PathLike[str],
    *,
    on: dt.date | None = None,
    actor: str | None = None,
    note: str | None = None,
    progress: Progress | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> SheetResult:
    """Apply the task sheet at ``path`` (written by
    :func:`~cchc_tasks.exports.export_tasks`, then filled in) to the store, all or
    nothing, in one journal line.

    For each row (found by its "Mã"): a "Ngày hoàn thành" (dd/mm/yyyy or a date cell)
    completes the task through :meth:`~cchc_tasks.Tracker.complete_task`, with "Vượt mức"
    (``x``, ``có``, ``yes``) as ``exceeded`` and "Đánh giá chất lượng" as its quality
    note; a "Tiến độ (%)" or "Báo cáo tiến độ" that differs from the task's latest report
    is a new report (:meth:`~cchc_tasks.Tracker.report_progress`) dated "Ngày báo cáo",
    or ``on`` (default today) when blank. Rows that say nothing new are skipped. A row
    whose task changed since the export (its "Phiên bản" differs) is refused, as is a
    new completion date for a task done already (correct it with
    ``complete_task(..., correct=True)``). Any bad row raises :class:`SheetImportError`
    listing every bad row, and nothing is written. ``columns`` maps other headings to
    the columns of :data:`PROGRESS_HEADINGS`."""
    header, rows, source = _read_sheet(path, PROGRESS_HEADINGS, columns, sheet, encoding, delimiter)
    reader = _ProgressReader(tracker, header.columns, header.headings, on or dt.date.today())
    wanted = [(n, r) for n, raw in rows if (r := reader.row(n, raw)) is not None]
    reader.fail_if_bad(source)
    name = os.path.basename(os.fspath(path))
    writes = _progress_writes(tracker, wanted)
    if writes:
        label = note or f"Cập nhật tiến độ từ {name}"
        _write_rows(tracker, reader, source, writes, label, actor, progress)
    return SheetResult(len(rows), len(writes), len(rows) - len(writes), tracker.seq)


# --- units ----------------------------------------------------------------------------------


class _UnitReader(_Sheet):
    def __init__(
        self, tracker: Tracker, columns: Mapping[str, int], headings: Mapping[str, str]
    ) -> None:
        super().__init__(columns, headings)
        units = tracker.units()
        self.units = Directory(
            "unit", (Named(u.id, u.name, u.valid_from, u.valid_to) for u in units), unit_key
        )
        self.kinds = {fold(k): k for k in (*UNIT_KINDS, *(u.kind for u in units))}
        self.kinds.update({k: v for k, v in UNIT_KIND_WORDS.items() if k not in self.kinds})

    def unit(self, number: int, raw: Sequence[Any]) -> Unit | None:
        cells = self.cells(raw)
        bad = len(self.problems)
        uid = self.new_id(number, cells, lambda i: i in self.units.by_id)
        name = " ".join(cells.text("name").split())
        if not name:
            self.bad(number, "name", Message.of("import.units.name"), "")
        kind = self.kinds.get(fold(cells.text("kind")))
        if kind is None:
            accepted = ", ".join(sorted({*UNIT_KINDS, *UNIT_KIND_WORDS}))
            expected = Message.of("import.units.kind", kinds=accepted)
            self.bad(number, "kind", expected, cells.text("kind"))
        parent = self.parent(number, cells)
        valid_from = self.date(number, cells, "valid_from")
        valid_to = self.date(number, cells, "valid_to")
        if len(self.problems) > bad or uid is None or kind is None:
            return None
        try:
            unit = Unit(uid, name, kind, parent, valid_from, valid_to)
        except CchcError as exc:
            self.bad(number, "valid_to", Message.of("import.sheet.refused", reason=str(exc)), "")
            return None
        self.units.add(Named(unit.id, unit.name, unit.valid_from, unit.valid_to))
        return unit

    def parent(self, number: int, cells: Cells) -> str | None:
        text = cells.text("parent")
        if not text:
            return None
        try:
            return self.units.one(text, None)
        except NameNotFound as exc:
            self.bad(number, "parent", exc.expected, text, exc.suggestions)
            return None


def import_units(
    tracker: Tracker,
    path: str | os.PathLike[str],
    *,
    actor: str | None = None,
    note: str | None = None,
    progress: Progress | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> SheetResult:
    """Add the units of the sheet at ``path`` (see :data:`UNIT_HEADINGS`), all or nothing,
    in one journal line, through :meth:`~cchc_tasks.Tracker.add_unit`.

    "Mã đơn vị" is the new unit's id (an id the store has is refused: units are changed
    one by one, ``cchc unit``), "Loại đơn vị" a kind of :data:`~cchc_tasks.UNIT_KINDS` or
    its Vietnamese name (:data:`UNIT_KIND_WORDS`: "UBND xã", "Phòng", "Đơn vị sự
    nghiệp"…), "Đơn vị cấp trên" the name or id of a unit of the store or of a row above.
    Any bad row raises :class:`SheetImportError` and nothing is written."""
    header, rows, source = _read_sheet(path, UNIT_HEADINGS, columns, sheet, encoding, delimiter)
    reader = _UnitReader(tracker, header.columns, header.headings)
    units = [(n, u) for n, raw in rows if (u := reader.unit(n, raw)) is not None]
    _require_rows(reader, rows, header.index)
    reader.fail_if_bad(source)
    writes = [(n, _adder(tracker.add_unit, u)) for n, u in units]
    label = note or f"Nhập danh sách đơn vị từ {os.path.basename(os.fspath(path))}"
    _write_rows(tracker, reader, source, writes, label, actor, progress)
    return SheetResult(len(rows), len(writes), 0, tracker.seq)


def _adder(add: Callable[[Any], object], item: object) -> Callable[[], object]:
    return lambda: add(item)


def _require_rows(sheet: _Sheet, rows: Sequence[object], header: int) -> None:
    if not rows:
        sheet.problems.add(header + 2, "(rows)", Message.of("import.sheet.no_rows"), "")


# --- people ---------------------------------------------------------------------------------


@attrs.frozen
class _Head:
    """A headship a people sheet records."""

    unit: str
    person: str
    start: dt.date
    category: Category | None


class _PeopleReader(_UnitReader):
    def __init__(
        self, tracker: Tracker, columns: Mapping[str, int], headings: Mapping[str, str]
    ) -> None:
        super().__init__(tracker, columns, headings)
        self.people = {p.id for p in tracker.persons()}

    def person(self, number: int, raw: Sequence[Any]) -> tuple[Person, _Head | None] | None:
        cells = self.cells(raw)
        bad = len(self.problems)
        pid = self.new_id(number, cells, lambda i: i in self.people)
        name = " ".join(cells.text("name").split())
        if not name:
            self.bad(number, "name", Message.of("import.people.name"), "")
        unit = self.named_unit(number, cells, "unit")
        title = " ".join(cells.text("title").split())
        head = self.head(number, cells, pid)
        if len(self.problems) > bad or pid is None:
            return None
        self.people.add(pid)
        return Person(pid, name, unit, title), head

    def named_unit(self, number: int, cells: Cells, column: str) -> str | None:
        text = cells.text(column)
        if not text:
            return None
        try:
            return self.units.one(text, None)
        except NameNotFound as exc:
            self.bad(number, column, exc.expected, text, exc.suggestions)
            return None

    def head(self, number: int, cells: Cells, pid: str | None) -> _Head | None:
        """The headship of the row: a unit it heads needs the day they started."""
        unit = self.named_unit(number, cells, "heads")
        start = self.date(number, cells, "start")
        category = _category(cells.text("category"))
        if cells.text("category") and category is None:
            self.bad(
                number, "category", Message.of("import.people.category"), cells.text("category")
            )
        if unit is None:
            if start is not None and not cells.text("heads"):
                self.bad(number, "heads", Message.of("import.people.start_without_unit"), "")
            return None
        if start is None:
            if not cells.text("start"):
                self.bad(number, "start", Message.of("import.people.start"), "")
            return None
        return None if pid is None else _Head(unit, pid, start, category)


def _category(text: str) -> Category | None:
    folded = fold(text)
    for category in Category:
        if folded in (fold(category.value), fold(category.name)):
            return category
    return None


def import_people(
    tracker: Tracker,
    path: str | os.PathLike[str],
    *,
    actor: str | None = None,
    note: str | None = None,
    progress: Progress | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> SheetResult:
    """Add the people of the sheet at ``path`` (see :data:`PEOPLE_HEADINGS`), and the
    headships it records, all or nothing, in one journal line, through
    :meth:`~cchc_tasks.Tracker.add_person` and :meth:`~cchc_tasks.Tracker.appoint_head`.

    "Mã" is the new person's id (an id the store has is refused), "Đơn vị công tác" the
    unit they work in; a head's row names the unit they head ("Đơn vị đứng đầu") and the
    day they started ("Ngày bắt đầu", dd/mm/yyyy or a date cell), and may say "Loại cán
    bộ" (cán bộ, công chức, viên chức; by default the unit's kind decides). Any bad row
    raises :class:`SheetImportError` and nothing is written."""
    header, rows, source = _read_sheet(path, PEOPLE_HEADINGS, columns, sheet, encoding, delimiter)
    reader = _PeopleReader(tracker, header.columns, header.headings)
    found = [(n, p) for n, raw in rows if (p := reader.person(n, raw)) is not None]
    _require_rows(reader, rows, header.index)
    reader.fail_if_bad(source)
    writes: list[tuple[int, Callable[[], object]]] = []
    for number, (person, head) in found:
        writes.append((number, _adder(tracker.add_person, person)))
        if head is not None:
            writes.append((number, _appointer(tracker, head)))
    label = note or f"Nhập danh sách cán bộ từ {os.path.basename(os.fspath(path))}"
    _write_rows(tracker, reader, source, writes, label, actor, progress)
    return SheetResult(len(rows), len(found), 0, tracker.seq)


def _appointer(tracker: Tracker, head: _Head) -> Callable[[], object]:
    return lambda: tracker.appoint_head(head.unit, head.person, head.start, category=head.category)
