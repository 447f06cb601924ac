"""What the sheet importers share: finding a header by its headings, naming units and
people in cells, collecting bad cells, reading dates and yes/no marks.

The task annex (:mod:`cchc_tasks.annex`) and the office's other sheets (progress, units,
people: :mod:`cchc_tasks.sheet_imports`) are typed by hand in Excel. They are read the
same way:

* the header is found under a title row or two, and its columns are recognised by any of
  the headings offices give them, whatever their order, case, Unicode form, accents or
  spacing (:class:`Headings`); a heading the table does not know can be mapped by hand
  (``columns={"Thời gian": "due"}``, ``--columns "Thời gian=due"`` on the command line);
* a column that is needed and not found fails the import with a message that lists the
  headings found and the headings accepted;
* units and people are named by id, by name, or ``name (id)`` (:class:`Directory`);
* every bad cell is collected (:class:`Problems`) and reported at once, in the reader's
  language (:class:`~cchc_tasks.i18n.Message`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from ._codec import unstructure
from ._tabular import (
    RowProblem,
    Sheet,
    TabularImportError,
    cell_text,
    csv_rows,
    decode,
    fold,
    parse_dmy,
    read_bytes,
    suggest,
    xlsx_sheets,
)
from .errors import ValidationError
from .i18n import Message, Text

__all__ = [
    "HEADER_SEARCH",
    "VERSION_LENGTH",
    "CellError",
    "Cells",
    "Directory",
    "Header",
    "Headings",
    "NameNotFound",
    "Named",
    "Problems",
    "Progress",
    "cell_date",
    "cell_yes",
    "find_table",
    "parse_columns",
    "read_tables",
    "task_version",
    "unit_key",
]

#: How many rows above the header may hold titles ("PHỤ LỤC", the plan's name…).
HEADER_SEARCH = 20

#: ``progress(done, total)`` is called as rows are written.
Progress = Callable[[int, int], None]


class CellError(ValueError):
    """A cell that does not say what was expected: ``message`` says what was, in the
    reader's language; ``str()`` is English (a :class:`ValueError`, for callers that
    catch those)."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


# --- headings -------------------------------------------------------------------------------


@attrs.frozen
class Header:
    """A header row found: its 0-based ``index``, column key → 0-based position
    (``columns``), column key → the heading as written (``headings``) and the problems of
    the header itself (a heading used twice)."""

    index: int
    columns: dict[str, int]
    headings: dict[str, str]
    problems: list[RowProblem]


@attrs.frozen
class Headings:
    """The columns of one kind of sheet: column key → the headings offices give it
    (compared folded: no accents, case or spacing), the keys a table ``needs``, and the
    headings mapped by hand (``overrides``: heading → column key)."""

    accepted: Mapping[str, tuple[str, ...]]
    needs: tuple[str, ...]
    overrides: Mapping[str, str] = attrs.field(factory=dict)

    def with_overrides(self, overrides: Mapping[str, str] | None) -> Headings:
        """These headings with ``overrides`` (heading → column key, or → a heading this
        table accepts) added; an unknown target is a :class:`ValidationError`."""
        if not overrides:
            return self
        by_heading = {fold(h): c for c, names in self.accepted.items() for h in names}
        mapped: dict[str, str] = dict(self.overrides)
        for heading, target in overrides.items():
            column = target if target in self.accepted else by_heading.get(fold(target))
            if column is None or not fold(heading):
                raise ValidationError(
                    f"columns[{heading!r}]", "one of " + ", ".join(self.accepted), target
                )
            mapped[fold(heading)] = column
        return attrs.evolve(self, overrides=mapped)

    def column_of(self, heading: str) -> str | None:
        """The column key a heading names, if any."""
        folded = fold(heading)
        if folded in self.overrides:
            return self.overrides[folded]
        for column, names in self.accepted.items():
            if any(fold(name) == folded for name in names):
                return column
        return None

    def find(self, rows: Sequence[Sequence[Any]]) -> Header | None:
        """The header among the first :data:`HEADER_SEARCH` rows: the first row that
        names every needed column; ``None`` if none does."""
        for index, row in enumerate(rows[:HEADER_SEARCH]):
            header = self.read_row(index, row)
            if all(c in header.columns for c in self.needs):
                return header
        return None

    def read_row(self, index: int, row: Sequence[Any]) -> Header:
        """The columns row ``index`` names; a column named twice is a problem."""
        columns: dict[str, int] = {}
        headings: dict[str, str] = {}
        problems: list[RowProblem] = []
        for i, cell in enumerate(row):
            heading = " ".join(cell_text(cell).split())
            column = self.column_of(heading) if heading else None
            if column is None:
                continue  # "Ghi chú" and other columns are not read
            if column in columns:
                expected = Message.of("import.header.twice", column=columns[column] + 1)
                problems.append(RowProblem(index + 1, heading, expected, heading))
                continue
            columns[column] = i
            headings[column] = heading
        return Header(index, columns, headings, problems)

    def missing(self, rows: Sequence[Sequence[Any]]) -> RowProblem:
        """The problem of a table without a header: the row that came closest, the
        needed columns it lacks, the headings accepted for them and the headings found."""
        best = Header(0, {}, {}, [])
        for index, row in enumerate(rows[:HEADER_SEARCH]):
            header = self.read_row(index, row)
            if sum(c in header.columns for c in self.needs) > sum(
                c in best.columns for c in self.needs
            ):
                best = header
        lacking = [c for c in self.needs if c not in best.columns]
        accepted = [
            Message.of(
                "import.header.accepted",
                heading=self.accepted[c][0],
                others=", ".join(self.accepted[c][1:]) or "—",
            )
            for c in lacking
        ]
        found = [cell_text(c) for c in (rows[best.index] if rows else []) if cell_text(c)]
        unknown = [h for h in found if self.column_of(h) is None] or ["Thời gian"]
        example = "=".join((unknown[0], lacking[0] if lacking else self.needs[0]))
        expected = Message.of(
            "import.header.missing",
            rows=HEADER_SEARCH,
            needs=", ".join(self.accepted[c][0] for c in self.needs),
            accepted=accepted,
            example=example,
        )
        shown = " | ".join(found) if found else ""
        return RowProblem(best.index + 1, "(header)", expected, shown)


def parse_columns(values: Iterable[str]) -> dict[str, str]:
    """``--columns`` options (``"Thời gian=due"``, repeatable or comma-separated) as a
    mapping heading → column. A heading may hold commas ("Cơ quan, đơn vị chủ trì=unit"):
    a piece without ``=`` belongs to the next piece that has one."""
    found: dict[str, str] = {}
    for value in values:
        pending = ""
        for piece in value.split(","):
            pending = f"{pending},{piece}" if pending else piece
            if "=" not in piece:
                continue
            heading, _, column = pending.rpartition("=")
            if not heading.strip() or not column.strip():
                raise ValidationError("--columns", "HEADING=COLUMN, such as 'Thời gian=due'", value)
            found[" ".join(heading.split())] = column.strip()
            pending = ""
        if pending.strip():
            raise ValidationError("--columns", "HEADING=COLUMN, such as 'Thời gian=due'", value)
    return found


# --- files ----------------------------------------------------------------------------------


def read_tables(
    path: str | os.PathLike[str],
    sheet: str | None,
    encoding: str | None,
    delimiter: str | None,
) -> list[Sheet]:
    """The tables of ``path``: every sheet of an ``.xlsx`` workbook (or the one named
    ``sheet``), or the one table of a ``.csv`` file (UTF-8 or Windows-1258, delimiter
    sniffed unless given)."""
    name = os.path.basename(os.fspath(path))
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext in (".xlsx", ".xlsm"):
        sheets = xlsx_sheets(path, name)
        if sheet is not None:
            chosen = [s for s in sheets if s.title == sheet]
            if not chosen:
                titles = [s.title for s in sheets]
                raise ValidationError(f"{name} sheet", f"one of {titles}", sheet)
            return chosen
        return sheets
    if ext in (".csv", ".txt", ".tsv"):
        data = read_bytes(path, name, "a readable .xlsx or .csv file")
        text = decode(data, encoding, name)
        rows: list[list[Any]] = [
            list(r) for r in csv_rows(text, delimiter, sniff_lines=HEADER_SEARCH)
        ]
        return [Sheet(name, rows)]
    raise ValidationError(
        "import file", "a .xlsx or .csv file (save an .xls file as .xlsx first)", name
    )


def find_table(
    path: str | os.PathLike[str],
    headings: Headings,
    error: type[TabularImportError],
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> tuple[Sheet, Header, str]:
    """The first table of ``path`` with a header that ``headings`` recognise, that
    header, and the source to name in messages (the file, and the sheet if the workbook
    has several). A file without one, or a header naming a column twice, raises
    ``error`` (a :class:`TabularImportError`)."""
    name = os.path.basename(os.fspath(path))
    tables = read_tables(path, sheet, encoding, delimiter)
    for table in tables:
        header = headings.find(table.rows)
        if header is None:
            continue
        source = name if len(tables) == 1 else f"{name} [{table.title}]"
        if header.problems:
            raise error(source, header.problems)
        return table, header, source
    raise error(name, [headings.missing(tables[0].rows if tables else [])])


def task_version(task: Any) -> str:
    """A short fingerprint of a task's stored document: the "Phiên bản" column of the
    task sheet, compared when the sheet comes back. Any change to the task (its status,
    a progress report, a new deadline) changes it."""
    document = json.dumps(unstructure(task), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(document.encode("utf-8")).hexdigest()[:VERSION_LENGTH]


#: How many hex digits of the fingerprint the sheet shows: 48 bits, enough that two
#: states of one task never share one by chance.
VERSION_LENGTH = 12


# --- cells ----------------------------------------------------------------------------------


@attrs.frozen
class Cells:
    """The cells of one row, by column key."""

    row: Sequence[Any]
    columns: Mapping[str, int]

    def raw(self, column: str) -> Any:
        i = self.columns.get(column)
        return self.row[i] if i is not None and i < len(self.row) else None

    def text(self, column: str) -> str:
        return cell_text(self.raw(column))


def cell_date(value: Any) -> dt.date | None:
    """A day in a cell: a date cell, ``dd/mm/yyyy`` (or ISO) text; ``None`` if blank.
    Raises :class:`CellError`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text or text in ("—", "-"):
        return None
    try:
        return parse_dmy(text)
    except ValueError:
        raise CellError(Message.of("import.cell.date")) from None


_YES = frozenset({"x", "co", "yes", "y", "1", "true", "dat", "vuot muc"})
_NO = frozenset({"", "khong", "no", "n", "0", "false"})


def cell_yes(value: Any) -> bool:
    """A yes/no mark: ``x``, ``có``, ``yes`` (any case, with or without accents) are yes,
    a blank, ``không`` or ``no`` are no. Raises :class:`CellError`."""
    if isinstance(value, bool):
        return value
    text = fold(cell_text(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(Message.of("import.cell.yes_no"))


class Problems(list[RowProblem]):
    """The bad cells of one table, collected as they are found (nothing stops at the
    first: an official wants every problem of the file in one go)."""

    def add(
        self, row: int, heading: str, expected: Text, value: Any, suggestions: tuple[str, ...] = ()
    ) -> None:
        text = value if isinstance(value, str) else cell_text(value)
        self.append(RowProblem(row, heading, expected, text, suggestions))

    def in_file_order(self, order: Mapping[str, int]) -> list[RowProblem]:
        """The problems by row, then left to right (``order``: heading → position)."""
        return sorted(dict.fromkeys(self), key=lambda p: (p.row, order.get(p.column, -1)))


# --- names of units and people --------------------------------------------------------------

# Words that do not tell units apart: "UBND xã Bình Phú" is "Xã Bình Phú".
_UNIT_NOISE = re.compile(r"\b(?:uy ban nhan dan|ubnd|phong)\b")


def unit_key(text: str) -> str:
    """A unit's name as compared: folded, without "UBND" or "Phòng"."""
    return " ".join(_UNIT_NOISE.sub(" ", fold(text)).split())


_KIND_WORDS = {
    "unit": Message.of("import.kind.unit"),
    "person": Message.of("import.kind.person"),
}


class NameNotFound(Exception):
    """A cell that names no object, or several: what was ``expected`` and close names."""

    def __init__(self, expected: Message, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(str(expected))
        self.expected = expected
        self.suggestions = suggestions


@attrs.frozen
class Named:
    """An object a cell may name: its id, name and when it existed."""

    id: str
    name: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def exists_on(self, day: dt.date | None) -> bool:
        return day is None or (
            (self.valid_from is None or self.valid_from <= day)
            and (self.valid_to is None or self.valid_to >= day)
        )


class Directory:
    """Names of one kind of object (``"unit"`` or ``"person"``) → ids, for the cells that
    name them.

    A cell may hold the id, the name, ``name (id)``, or an alias given by the caller; names
    are compared by ``keyer`` (accent-, case- and spacing-insensitive). A name two objects
    share is resolved by who existed on the day given, else reported with both ids."""

    def __init__(
        self,
        kind: str,
        items: Iterable[Named],
        keyer: Callable[[str], str],
        aliases: Mapping[str, str | Sequence[str]] | None = None,
    ) -> None:
        self.kind = kind
        self.keyer = keyer
        self.by_id: dict[str, Named] = {}
        self.by_key: dict[str, list[Named]] = {}
        self.labels: dict[str, str] = {}
        for item in items:
            self.add(item)
        self.aliases: dict[str, tuple[str, ...]] = {}
        for alias, target in (aliases or {}).items():
            ids = (target,) if isinstance(target, str) else tuple(target)
            unknown = [i for i in ids if i not in self.by_id]
            if unknown:
                raise ValidationError(
                    f"aliases[{alias!r}]", f"ids of {kind}s of the store", unknown[0]
                )
            self.aliases[keyer(alias)] = ids
            self.aliases[fold(alias)] = ids

    def add(self, item: Named) -> None:
        """Make ``item`` nameable (a unit the same sheet adds, for the rows below)."""
        self.by_id[item.id] = item
        for text in (item.name, item.id):
            k = self.keyer(text)
            if k:
                bucket = self.by_key.setdefault(k, [])
                if item not in bucket:
                    bucket.append(item)
        self.labels[fold(item.name)] = f"{item.name} [{item.id}]"

    def known(self, text: str) -> bool:
        return (
            text in self.by_id
            or self.keyer(text) in self.aliases
            or self.keyer(text) in self.by_key
            or fold(text) in self.aliases
        )

    def resolve(self, text: str, day: dt.date | None) -> tuple[str, ...]:
        """The ids ``text`` names (an alias may name several, or none)."""
        if text in self.by_id:
            return (text,)
        for k in (self.keyer(text), fold(text)):
            if k in self.aliases:
                return self.aliases[k]
        if (m := re.fullmatch(r"(.*\S)\s*[(\[]\s*(\S+)\s*[)\]]", text)) and m[2] in self.by_id:
            return (m[2],)
        found = self.by_key.get(self.keyer(text), [])
        if len(found) > 1:
            found = [item for item in found if item.exists_on(day)] or found
        if len(found) == 1:
            return (found[0].id,)
        kind = self.kind_word()
        if found:
            both = ", ".join(f"{i.name} [{i.id}]" for i in found)
            raise NameNotFound(
                Message.of("import.name.ambiguous", kind=kind, count=len(found), names=both)
            )
        raise NameNotFound(Message.of("import.name.unknown", kind=kind), suggest(text, self.labels))

    def one(self, text: str, day: dt.date | None) -> str:
        """The one id ``text`` names; :class:`NameNotFound` otherwise."""
        found = self.resolve(" ".join(text.split()), day)
        if len(found) != 1:
            raise NameNotFound(Message.of("import.name.one", kind=self.kind_word()))
        return found[0]

    def kind_word(self) -> Message:
        """What the objects are called: "đơn vị", "người"."""
        return _KIND_WORDS[self.kind]
