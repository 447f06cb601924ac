"""Importing the task annex of a plan ("Phụ lục nhiệm vụ") from Excel or CSV.

A district plan ("Kế hoạch CCHC năm 2025") comes with an annex: a table of tasks with
their lead unit, partner units, deadline and expected output, typed in Excel by the
office that drafted it. Retyping it task by task is where errors creep in, so this module
reads the table as officials make it:

* the header is found under a title row or two, and its columns are matched whatever
  their order, case, Unicode form (NFC or NFD), accents or spacing;
* a lead-unit cell merged over several rows leads every one of them, and a task whose
  content cell is merged over several rows is one task; section rows such as
  "I. CẢI CÁCH THỂ CHẾ" set the field of the rows below and are not tasks;
* deadlines may be days (dd/mm/yyyy or date cells), quarters ("Quý II/2025"), months
  ("Tháng 6/2025") or years ("Năm 2025"): each means the last day of that period;
* unit names are matched to unit ids without accents, case, "UBND" or "Phòng", and a name
  that matches nothing comes back with the closest names of the store.

The import is all or nothing: :func:`read_annex` checks every row against the store
without writing, and any bad cell fails it with one :class:`AnnexImportError` that lists
every bad row, column and problem. :func:`import_annex` then writes all the tasks in one
batch, so the journal records the annex as one change.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ._fields import MAX_ID_LENGTH, is_finite_number, is_valid_id
from ._tabular import RowProblem, Sheet, TabularImportError, cell_text, fold, parse_dmy, suggest
from .errors import NotFoundError, ValidationError
from .i18n import Message
from .plans import Field, Plan
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
    find_table,
    unit_key,
)
from .tasks import Task

if TYPE_CHECKING:
    from .tracker import Tracker

__all__ = [
    "ANNEX_HEADINGS",
    "COLUMNS",
    "DUE_FORMS",
    "AnnexImportError",
    "RowProblem",
    "import_annex",
    "parse_due",
    "read_annex",
    "task_id",
]

#: How a deadline may be written, for messages and the documentation.
DUE_FORMS = "dd/mm/yyyy, Quý II/2025, Tháng 6/2025 or Năm 2025"


class AnnexImportError(TabularImportError):
    """An annex that cannot be imported; nothing was imported.

    ``problems`` lists every bad cell as a :class:`RowProblem` (``row`` as Excel numbers
    it, ``column`` as headed in the file, what was ``expected``, the cell's ``value`` and,
    for names, close ``suggestions``); ``rows`` lists the bad row numbers."""


# --- the columns ----------------------------------------------------------------------------

#: Column → the headings annexes give it (compared folded: no accents, case or spacing);
#: the first is how the documentation and the messages call the column.
COLUMNS: dict[str, tuple[str, ...]] = {
    "stt": ("STT", "TT", "Số TT", "Số thứ tự"),
    "code": ("Mã", "Mã nhiệm vụ", "Mã NV", "Mã số", "Mã công việc"),
    "title": (
        "Nội dung nhiệm vụ",
        "Nội dung",
        "Nhiệm vụ",
        "Tên nhiệm vụ",
        "Nội dung công việc",
        "Nhiệm vụ, giải pháp",
        "Nội dung nhiệm vụ, giải pháp",
        "Nhiệm vụ cụ thể",
        "Tên công việc",
        "Công việc",
        "Nội dung thực hiện",
    ),
    "unit": (
        "Cơ quan chủ trì",
        "Đơn vị chủ trì",
        "Cơ quan, đơn vị chủ trì",
        "Chủ trì",
        "Cơ quan chủ trì thực hiện",
        "Đơn vị chủ trì thực hiện",
        "Cơ quan, đơn vị chủ trì thực hiện",
        "Đơn vị thực hiện",
        "Cơ quan thực hiện",
        "Cơ quan, đơn vị thực hiện",
        "Đơn vị thực hiện chính",
    ),
    "partners": (
        "Cơ quan phối hợp",
        "Đơn vị phối hợp",
        "Cơ quan, đơn vị phối hợp",
        "Phối hợp",
        "Cơ quan phối hợp thực hiện",
        "Đơn vị phối hợp thực hiện",
        "Cơ quan, đơn vị phối hợp thực hiện",
    ),
    "due": (
        "Thời gian hoàn thành",
        "Thời hạn hoàn thành",
        "Thời hạn",
        "Hạn hoàn thành",
        "Thời gian thực hiện",
        "Thời hạn thực hiện",
        "Thời gian",
        "Thời điểm hoàn thành",
        "Hạn chót",
        "Tiến độ hoàn thành",
    ),
    "output": (
        "Sản phẩm",
        "Sản phẩm đầu ra",
        "Sản phẩm dự kiến",
        "Kết quả, sản phẩm",
        "Hình thức sản phẩm",
        "Sản phẩm hoàn thành",
        "Kết quả đầu ra",
        "Kết quả dự kiến",
        "Hình thức văn bản",
    ),
    "field": ("Lĩnh vực", "Lĩnh vực CCHC", "Nội dung CCHC"),
    "assignee": (
        "Người thực hiện",
        "Người chịu trách nhiệm",
        "Người phụ trách",
        "Cán bộ thực hiện",
        "Cán bộ phụ trách",
        "Công chức phụ trách",
    ),
    "weight": ("Trọng số",),
    "budget": ("Kinh phí", "Kinh phí (đồng)", "Kinh phí (VNĐ)", "Kinh phí thực hiện"),
}
#: The annex's columns, the three a table needs: content, lead unit and deadline.
ANNEX_HEADINGS = Headings(COLUMNS, ("title", "unit", "due"))

# Extra spellings of each field, folded; the code and the label count too.
_FIELD_WORDS: dict[Field, tuple[str, ...]] = {
    Field.DIRECTION: ("chi dao dieu hanh", "cong tac chi dao dieu hanh"),
    Field.INSTITUTIONS: ("cai cach the che", "the che"),
    Field.PROCEDURES: ("cai cach thu tuc hanh chinh", "thu tuc hanh chinh"),
    Field.APPARATUS: ("cai cach to chuc bo may", "to chuc bo may", "bo may hanh chinh"),
    Field.CIVIL_SERVICE: (
        "cai cach che do cong vu",
        "che do cong vu",
        "cong vu",
        "doi ngu can bo cong chuc vien chuc",
    ),
    Field.PUBLIC_FINANCE: ("cai cach tai chinh cong", "tai chinh cong"),
    Field.DIGITAL_GOVERNMENT: (
        "chinh quyen dien tu",
        "chinh quyen so",
        "chinh phu dien tu",
        "chinh phu so",
        "chuyen doi so",
        "hien dai hoa hanh chinh",
    ),
}

_STT = re.compile(r"(\d+(?:\.\d+)*)\.?")
_SECTION = re.compile(
    r"(?:(?:PHẦN|Phần|MỤC|Mục)\s+)?(?P<num>[IVXLC]+|[A-Z])(?:\s*[.:)–-]\s*|\s+|$)(?P<text>.*)",
    re.DOTALL,
)
_COLUMN_NUMBER = re.compile(r"\(?\d{1,2}\)?")


def _roman(n: int) -> str:
    parts = ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"))
    out = ""
    for value, letters in (*parts, (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


# --- deadlines ------------------------------------------------------------------------------

_Y = r"(?:(?:\s*(?:/|-|nam)\s*|\s+)(?P<year>\d{4}))?"
_QUARTER = re.compile(r"quy\s+(?P<q>iv|i{1,3}|[1-4])" + _Y)
_MONTH = re.compile(r"(?:thang\s+(?P<m>\d{1,2})" + _Y + r"|(?P<m2>\d{1,2})\s*/\s*(?P<y2>\d{4}))")
_YEAR = re.compile(r"(?:nam\s+)?(?P<year>\d{4})")
_HALF = re.compile(r"6\s+thang\s+(?P<half>dau|cuoi)(?:\s+nam)?" + _Y)
_DAY_NO_YEAR = re.compile(r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})")
_DAY_WORDS = re.compile(r"^(?:(?:cham nhat|ngay|han)\s*(?:la\s+)?)+")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _plain(text: str) -> str:
    """Like :func:`fold` but keeping ``/ . -``, the separators of dates: "Quý II/2025"
    becomes ``"quy ii/2025"``, so the patterns below need no accents."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("–", "-")
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w/.\-]+", " ", bare.casefold()).split())


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_due(value: Any, plan: Plan | None = None) -> dt.date:
    """The deadline a cell means; raises :class:`ValueError` saying what was expected.

    * a date cell, or ``dd/mm/yyyy`` (also with ``.`` or ``-``, or ISO ``yyyy-mm-dd``;
      "ngày 30/6/2025" and "chậm nhất ngày 30/6/2025" too): that day;
    * ``Quý II/2025`` (``Quý 2/2025``, ``Quý II năm 2025``): the last day of the quarter;
    * ``Tháng 6/2025`` (``06/2025``, ``tháng 6 năm 2025``): the last day of the month;
    * ``6 tháng đầu năm 2025``: 30 June; ``6 tháng cuối năm 2025``: 31 December;
    * ``Năm 2025`` (or ``2025``): 31 December.

    Without a year ("Quý II", "Tháng 6", "30/6") the year is the plan's, when ``plan``
    covers a single year. "Trước ngày 30/6/2025" is refused: whether it means the 29th or
    the 30th is the plan's author's call, so the cell must say the day. So is "Thường
    xuyên" (ongoing): a task needs a due date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(Message.of("import.due.date"))
    if isinstance(value, int | float) and float(value).is_integer() and 1900 <= value <= 2200:
        return dt.date(int(value), 12, 31)
    text = _plain(cell_text(value))
    if not text:
        raise CellError(Message.of("import.due.date"))
    if text.startswith("truoc"):
        raise CellError(Message.of("import.due.before"))
    if text.startswith("thuong xuyen") or text.startswith("hang"):
        raise CellError(Message.of("import.due.recurring"))
    single = plan.start.year if plan is not None and plan.start.year == plan.end.year else None

    def year_of(found: str | None) -> int:
        if found is not None:
            return int(found)
        if single is None:
            if plan is None:
                raise CellError(Message.of("import.due.year"))
            raise CellError(
                Message.of(
                    "import.due.year_of_plan",
                    first=plan.start.year,
                    last=plan.end.year,
                )
            )
        return single

    day_text = _DAY_WORDS.sub("", text).strip()
    try:
        return parse_dmy(day_text)
    except ValueError as exc:
        if "real" in str(exc):
            raise CellError(Message.of("import.due.real")) from None
    try:
        if m := _DAY_NO_YEAR.fullmatch(day_text):
            return dt.date(year_of(None), int(m["m"]), int(m["d"]))
        if m := _QUARTER.fullmatch(text):
            quarter = _QUARTERS[m["q"]]
            return _month_end(year_of(m["year"]), 3 * quarter)
        if m := _HALF.fullmatch(text):
            year = year_of(m["year"])
            return dt.date(year, 6, 30) if m["half"] == "dau" else dt.date(year, 12, 31)
        if m := _MONTH.fullmatch(text):
            month = int(m["m"] or m["m2"])
            return _month_end(year_of(m["year"] or m["y2"]), month)
        if m := _YEAR.fullmatch(text):
            year = int(m["year"])
            if 1900 <= year <= 2200:
                return dt.date(year, 12, 31)
    except CellError:
        raise
    except ValueError:
        raise CellError(Message.of("import.due.real")) from None
    raise CellError(Message.of("import.due.date"))


# --- names of units, people and fields --------------------------------------------------


def _field_keys(tracker: Tracker) -> tuple[dict[str, str], dict[str, str]]:
    """Folded spellings → field, and folded spellings → label (for suggestions).

    Custom fields already used by the store's tasks are accepted by their exact name."""
    keys: dict[str, str] = {}
    labels: dict[str, str] = {}
    for f in Field:
        for text in (f.value, f.label_vi, *_FIELD_WORDS[f]):
            keys[fold(text)] = f.value
        labels[fold(f.label_vi)] = f.label_vi
    for task in tracker.tasks():
        if task.field is not None and fold(task.field) not in keys:
            keys[fold(task.field)] = task.field
            labels[fold(task.field)] = task.field
    return keys, labels


def _match_field(text: str, keys: Mapping[str, str]) -> str | None:
    """The field ``text`` names: exactly, else the field whose longest spelling it
    contains ("XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN SỐ" contains "chinh quyen so")."""
    folded = fold(text)
    if folded in keys:
        return keys[folded]
    best: tuple[int, str | None] = (0, None)
    padded = f" {folded} "
    for spelling, field in keys.items():
        if f" {spelling} " in padded and len(spelling) > best[0]:
            best = (len(spelling), field)
    return best[1]


# --- reading the table ----------------------------------------------------------------------


@attrs.frozen
class _Row:
    """A task row read from the table, before its id is decided."""

    number: int
    stt: str | None
    code: str | None
    section: str | None
    task: dict[str, Any]


def _lines(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _number(value: Any, *, money: bool) -> float:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        if not is_finite_number(value):
            raise ValueError
        return float(value)
    text = cell_text(value).casefold()
    if money:
        # VND is written "50.000.000" or "50.000.000 đồng".
        text = re.sub(r"\s*(?:vnđ|vnd|đồng|đ)$", "", text).replace(".", "").replace(" ", "")
    text = text.replace(",", ".")
    result = float(text)
    if not is_finite_number(result):
        raise ValueError
    return result


def task_id(plan: str, stt: str, section: str | None = None) -> str:
    """The id a task row gets from its plan and STT: ``task_id("kh-2025", "17")`` is
    ``"kh-2025-017"``, ``"1.2"`` gives ``"kh-2025-001.2"``; with ``section`` (when the
    numbering restarts in each section) ``"kh-2025-ii-003"``."""
    first, *rest = stt.split(".")
    number = str(int(first)).zfill(3) + "".join(f".{int(p)}" for p in rest)
    return f"{plan}-{section.lower()}-{number}" if section else f"{plan}-{number}"


@attrs.frozen
class _RawRow:
    """A task row as laid out, not decoded: its ``number`` in the file, its ``cells`` (with
    what rows continuing it add), and the section and section's field it is under."""

    number: int
    cells: list[Any]
    section: str | None
    field: str | None


@attrs.frozen
class _Layout:
    """The rows under the header of one table, sorted into section headings, the "(1)
    (2) (3)" row, task rows and rows that continue the task above (merged content)."""

    sheet: Sheet
    header: int
    columns: Mapping[str, int]
    heading: Mapping[str, str]
    fields: Mapping[str, str]
    problems: Problems

    def task_rows(self) -> list[_RawRow]:
        """The task rows, each with its section; continuation rows are folded into the
        task they continue, headings set the section and field of the rows below."""
        rows = self.sheet.rows
        section: str | None = None
        sections = 0
        field: str | None = None
        found: list[_RawRow] = []
        for index in range(self.header + 1, len(rows)):
            row = rows[index]
            filled = [c for c in (cell_text(c) for c in row) if c]
            if not filled:
                continue
            if all(_COLUMN_NUMBER.fullmatch(c) for c in filled) and len(filled) > 1:
                continue  # the "(1) (2) (3)" row under a header
            if found and (index, self.columns["title"]) in self.sheet.merged_below:
                self.continue_task(found[-1], index, row)
                continue
            cells = Cells(row, self.columns)
            details = ("unit", "partners", "due", "output", "assignee", "code")
            if not any(cells.text(c) for c in details):
                heading = self.section_heading(cells.text("stt"), cells.text("title"), filled)
                if heading is not None:
                    sections += 1
                    numeral, words = heading
                    section = numeral or _roman(sections)
                    field = _match_field(words, self.fields)
                    continue
            found.append(_RawRow(index + 1, list(row), section, field))
        return found

    def continue_task(self, task: _RawRow, index: int, row: list[Any]) -> None:
        """A row under a "Nội dung nhiệm vụ" cell merged with the rows above belongs to
        the same task: its partners and outputs are added to the task's; anything else
        of its own is a problem (one task has one lead unit, one deadline)."""
        first = task.cells
        for column, i in self.columns.items():
            if i >= len(row) or (index, i) in self.sheet.merged_below or not cell_text(row[i]):
                continue
            if column in ("partners", "output"):
                while len(first) <= i:
                    first.append(None)
                before = cell_text(first[i])
                first[i] = f"{before}\n{cell_text(row[i])}" if before else cell_text(row[i])
            else:
                self.problems.add(
                    index + 1,
                    self.heading[column],
                    Message.of("import.annex.continued", row=task.number),
                    row[i],
                )

    def section_heading(
        self, stt: str, title: str, filled: list[str]
    ) -> tuple[str | None, str] | None:
        """``(numeral, words)`` if the row is a section heading, else ``None``.

        A heading has a Roman numeral or a capital letter ("I", "II. CẢI CÁCH THỂ CHẾ",
        "Phần A") in the STT or title cell, or names a field of reform on its own."""
        for cell, rest in ((stt, title), (title, "")):
            if not cell:
                continue
            m = _SECTION.fullmatch(cell)
            if m is not None and (m["text"].strip() or rest or cell == m["num"]):
                words = " ".join(x for x in (m["text"].strip(), rest) if x)
                if words or not _STT.fullmatch(cell):
                    return m["num"], words
        if not stt and len(filled) == 1 and _match_field(filled[0], self.fields) is not None:
            return None, filled[0]
        return None


class _RowDecoder:
    """Decodes task rows into the fields of a :class:`Task`, checked against the store
    (units and people by name, fields of reform, deadlines within the plan), reporting
    every bad cell."""

    def __init__(
        self,
        tracker: Tracker,
        plan: Plan,
        aliases: Mapping[str, str | Sequence[str]] | None,
        columns: Mapping[str, int],
        heading: Mapping[str, str],
        problems: Problems,
    ) -> None:
        self.plan = plan
        self.columns = columns
        self.heading = heading
        self.problems = problems
        self.units = Directory(
            "unit",
            (Named(u.id, u.name, u.valid_from, u.valid_to) for u in tracker.units()),
            unit_key,
            aliases,
        )
        self.people = Directory("person", (Named(p.id, p.name) for p in tracker.persons()), fold)
        self.fields, self.field_labels = _field_keys(tracker)

    def problem(
        self,
        row: int,
        column: str,
        expected: Message,
        value: Any,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        """A bad cell of ``column`` (a column key, reported under its heading)."""
        self.problems.add(row, self.heading[column], expected, value, suggestions)

    def task_row(self, row: _RawRow) -> _Row:
        """The row's task fields; none if any of its cells is bad."""
        bad = len(self.problems)
        number, cells = row.number, Cells(row.cells, self.columns)
        stt, code = self.numbering(number, cells)
        title = " ".join(cells.text("title").split())
        if not title:
            self.problem(number, "title", Message.of("import.annex.title"), "")
        due = self.due(number, cells)
        unit = self.lead_unit(number, cells.text("unit"), due)
        task: dict[str, Any] = {
            "plan": self.plan.id,
            "title": title,
            "unit": unit,
            "due": due,
            "partners": tuple(self.partners(number, cells, unit, due)),
            "assignee": self.assignee(number, cells, due),
            "field": self.field(number, cells, row.field),
            "output": _lines(cells.text("output")) if "output" in self.heading else "",
            **self.amounts(number, cells),
        }
        if len(self.problems) > bad:
            task = {}
        return _Row(number, stt, code, row.section, task)

    def numbering(self, number: int, cells: Cells) -> tuple[str | None, str | None]:
        """The task number (STT) and the Mã of a row; one of them is needed."""
        stt: str | None = None
        if "stt" in self.heading and cells.text("stt"):
            m = _STT.fullmatch(cells.text("stt"))
            if m is None:
                self.problem(number, "stt", Message.of("import.annex.stt"), cells.raw("stt"))
            else:
                stt = m[1]
        code = cells.text("code") or None
        if code is not None and not is_valid_id(code):
            expected = Message.of("import.annex.id", most=MAX_ID_LENGTH)
            self.problem(number, "code", expected, code)
            code = None
        if not cells.text("stt") and not cells.text("code"):
            column = self.heading.get("stt", self.heading.get("code", "STT"))
            self.problems.add(number, column, Message.of("import.annex.numbered"), "")
        return stt, code

    def due(self, number: int, cells: Cells) -> dt.date | None:
        """The deadline, which must fall within the plan."""
        raw = cells.raw("due")
        try:
            due = parse_due(raw, self.plan)
        except CellError as exc:
            self.problem(number, "due", exc.message, raw)
            return None
        if not self.plan.covers(due):
            self.problem(
                number,
                "due",
                Message.of(
                    "import.annex.within_plan",
                    plan=self.plan.id,
                    start=self.plan.start,
                    end=self.plan.end,
                ),
                f"{due:%d/%m/%Y}" if isinstance(raw, dt.date) else raw,
            )
        return due

    def partners(
        self, number: int, cells: Cells, unit: str | None, due: dt.date | None
    ) -> list[str]:
        """The partner units, which must not include the lead unit."""
        text = cells.text("partners")
        if "partners" not in self.heading or not text:
            return []
        partners = self.partner_units(number, text, due)
        if unit is not None and unit in partners:
            expected = Message.of("import.annex.partners", unit=unit)
            self.problem(number, "partners", expected, text)
        return partners

    def assignee(self, number: int, cells: Cells, due: dt.date | None) -> str | None:
        text = cells.text("assignee")
        if "assignee" not in self.heading or not text:
            return None
        try:
            return self.people.resolve(text, due)[0]
        except NameNotFound as exc:
            self.problem(number, "assignee", exc.expected, text, exc.suggestions)
            return None

    def field(self, number: int, cells: Cells, section_field: str | None) -> str | None:
        """The row's field of reform, else its section's."""
        text = cells.text("field")
        if "field" not in self.heading or not text:
            return section_field
        field = _match_field(text, self.fields)
        if field is None:
            expected = Message.of("import.annex.field")
            self.problem(number, "field", expected, text, suggest(text, self.field_labels))
        return field

    def amounts(self, number: int, cells: Cells) -> dict[str, float]:
        """The weight and the budget (in VND), where given."""
        found: dict[str, float] = {}
        for column, money in (("weight", False), ("budget", True)):
            if column in self.heading and cells.text(column):
                try:
                    value = _number(cells.raw(column), money=money)
                    if value < 0:
                        raise ValueError
                    found[column] = value
                except ValueError:
                    what = Message.of("import.annex.weight")
                    if money:
                        what = Message.of("import.annex.budget")
                    self.problem(number, column, what, cells.raw(column))
        return found

    def lead_unit(self, number: int, text: str, due: dt.date | None) -> str | None:
        if not text:
            self.problem(number, "unit", Message.of("import.annex.unit"), "")
            return None
        try:
            found = self.units.resolve(" ".join(text.split()), due)
        except NameNotFound as exc:
            self.problem(number, "unit", exc.expected, text, exc.suggestions)
            return None
        if len(found) != 1:
            self.problem(number, "unit", Message.of("import.annex.one_unit"), text)
            return None
        return found[0]

    def partner_units(self, number: int, text: str, due: dt.date | None) -> list[str]:
        """Partners are separated by commas, semicolons or line breaks; a unit name with
        a comma in it ("Phòng Văn hóa, Thông tin") is found by joining neighbouring
        pieces while the longer text names a unit."""
        pieces = [" ".join(p.split()) for p in re.split(r"[,;\n]", text)]
        pieces = [p for p in pieces if p.strip(" .-–")]
        ids: list[str] = []
        i = 0
        while i < len(pieces):
            taken = 1
            for j in range(len(pieces), i + 1, -1):
                joined = ", ".join(pieces[i:j])
                if self.units.known(joined):
                    taken = j - i
                    break
            piece = ", ".join(pieces[i : i + taken])
            try:
                for uid in self.units.resolve(piece, due):
                    if uid not in ids:
                        ids.append(uid)
            except NameNotFound as exc:
                self.problem(number, "partners", exc.expected, piece, exc.suggestions)
            i += taken
        return ids


def _task_exists(tracker: Tracker, id: str) -> bool:
    try:
        tracker.task(id)
    except NotFoundError:
        return False
    return True


def _decide_ids(
    plan: str, rows: list[_Row], tracker: Tracker, problems: Problems, heading: Mapping[str, str]
) -> dict[int, str]:
    """Row number → task id. Ids come from Mã, else from the STT; if the STT restarts in
    every section (1, 2, 3 under I and again under II), the section's numeral is added."""
    numbered = [r for r in rows if r.code is None and r.stt is not None]
    plain = [task_id(plan, r.stt) for r in numbered if r.stt is not None]
    qualify = len(set(plain)) != len(plain) and all(r.section is not None for r in numbered)
    if qualify:
        keys = [(r.section, r.stt) for r in numbered]
        qualify = len(set(keys)) == len(keys)
    ids: dict[int, str] = {}
    first: dict[str, int] = {}
    column = heading.get("code") or heading.get("stt") or "STT"
    for r in rows:
        if r.code is not None:
            tid = r.code
            where = heading.get("code", column)
        elif r.stt is not None:
            tid = task_id(plan, r.stt, r.section if qualify else None)
            where = heading.get("stt", column)
        else:
            continue
        if len(tid) > MAX_ID_LENGTH:
            expected = Message.of("import.annex.id_length", most=MAX_ID_LENGTH)
            problems.add(r.number, where, expected, tid)
        elif tid in first:
            problems.add(
                r.number,
                where,
                Message.of("import.annex.id_twice", row=first[tid], id=tid),
                r.code or r.stt or "",
            )
        elif _task_exists(tracker, tid):
            problems.add(
                r.number,
                where,
                Message.of("import.annex.id_exists", id=tid),
                r.code or r.stt or "",
            )
        first.setdefault(tid, r.number)
        ids[r.number] = tid
    return ids


def _read_table(
    tracker: Tracker,
    plan: Plan,
    aliases: Mapping[str, str | Sequence[str]] | None,
    sheet: Sheet,
    header: Header,
    source: str,
) -> list[Task]:
    """The tasks of the table under ``header``, or an :class:`AnnexImportError` listing
    every bad cell, in the order of the file."""
    columns, heading = header.columns, header.headings
    problems = Problems()
    decoder = _RowDecoder(tracker, plan, aliases, columns, heading, problems)
    layout = _Layout(sheet, header.index, columns, heading, decoder.fields, problems)
    read = [decoder.task_row(row) for row in layout.task_rows()]
    if not read:
        problems.add(header.index + 2, "(rows)", Message.of("import.annex.no_rows"), "")
    ids = _decide_ids(plan.id, read, tracker, problems, heading)
    tasks: list[Task] = []
    for r in read:
        if not r.task or r.number not in ids:
            continue
        try:
            tasks.append(Task(id=ids[r.number], **r.task))
        except ValidationError as exc:  # pragma: no cover - the checks above come first
            problems.add(r.number, "(row)", f"{exc.field}: {exc.expected}", str(exc.got))
    if problems:
        order = {heading[c]: i for c, i in columns.items()}
        raise AnnexImportError(source, problems.in_file_order(order))
    return tasks


def read_annex(
    path: str | os.PathLike[str],
    tracker: Tracker,
    plan: str,
    *,
    aliases: Mapping[str, str | Sequence[str]] | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> list[Task]:
    """The tasks of the annex at ``path`` for ``plan``, checked against ``tracker``; writes
    nothing.

    ``path`` is an ``.xlsx`` workbook (the first sheet with a header, or ``sheet``) or a
    ``.csv`` file (UTF-8 with or without BOM, or Windows-1258 unless ``encoding`` says;
    comma, semicolon or tab, sniffed unless ``delimiter`` says). ``aliases`` maps other
    names of units ("Phòng TC-KH") to unit ids; a phrase may map to several ids, or to
    none (``[]``) to be ignored, such as "Các cơ quan, đơn vị liên quan". The headings of
    :data:`COLUMNS` are recognised; ``columns`` maps any other heading to a column by hand
    (``{"Thời gian": "due"}``; the column is a key of :data:`COLUMNS` or one of its
    headings).

    Raises :class:`AnnexImportError` listing every bad row if any row is bad, and
    :class:`~cchc_tasks.NotFoundError` if ``plan`` is not in the store.
    """
    if not isinstance(plan, str):
        raise ValidationError("read_annex.plan", "the id of a plan of the store", plan)
    try:
        found_plan = tracker.plan(plan)
    except NotFoundError:
        raise NotFoundError("plan", plan, "read_annex.plan") from None
    table, header, source = find_table(
        path,
        ANNEX_HEADINGS.with_overrides(columns),
        AnnexImportError,
        sheet=sheet,
        encoding=encoding,
        delimiter=delimiter,
    )
    if "stt" not in header.columns and "code" not in header.columns:
        expected = Message.of("import.annex.stt_column")
        problem = RowProblem(header.index + 1, "STT", expected, "(missing)")
        raise AnnexImportError(source, [problem])
    return _read_table(tracker, found_plan, aliases, table, header, source)


def import_annex(
    tracker: Tracker,
    path: str | os.PathLike[str],
    plan: str,
    *,
    actor: str | None = None,
    note: str | None = None,
    progress: Progress | None = None,
    aliases: Mapping[str, str | Sequence[str]] | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> list[Task]:
    """Read the annex at ``path`` (see :func:`read_annex`) and add its tasks to ``plan`` in
    one batch: one journal line, with ``actor`` and ``note`` (default "Nhập phụ lục nhiệm
    vụ FILE"). All or nothing: any bad row raises :class:`AnnexImportError` and nothing is
    written. ``progress(done, total)`` is called as tasks are added."""
    tasks = read_annex(
        path,
        tracker,
        plan,
        aliases=aliases,
        columns=columns,
        sheet=sheet,
        encoding=encoding,
        delimiter=delimiter,
    )
    name = os.path.basename(os.fspath(path))
    total = len(tasks)
    with tracker.batch(actor=actor, note=note or f"Nhập phụ lục nhiệm vụ {name}"):
        for done, task in enumerate(tasks, start=1):
            tracker.add_task(task)
            if progress is not None:
                progress(done, total)
    return tasks
