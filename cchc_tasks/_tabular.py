"""Reading tables that people made by hand: the shared parts of the CSV and Excel importers.

District offices exchange spreadsheets typed in Excel, exported from survey tools or saved
from Word. The same text arrives in NFC or NFD, with stray and doubled spaces, in UTF-8
with or without a BOM or in the Windows-1258 code page, separated by commas, semicolons or
tabs. The importers (:mod:`cchc_tasks.surveys`, :mod:`cchc_tasks.annex`) share how they
read such files, how they compare headings and names, and how they report every bad cell
at once (:class:`RowProblem`, :class:`TabularImportError`), so that an official fixes a
file once instead of once per error.

openpyxl is an optional dependency: :func:`require_openpyxl` is called before it is
imported, inside the functions that need it, so that ``import cchc_tasks`` stays fast and
works without it.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .errors import CchcError, ValidationError
from .i18n import Lang, Text, render, translate

__all__ = [
    "EXCEL_HINT",
    "FORMULA_STARTS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_WORKBOOK_BYTES",
    "RowProblem",
    "Sheet",
    "TabularImportError",
    "cell_text",
    "check_workbook_size",
    "csv_rows",
    "decode",
    "fold",
    "key",
    "neutralise",
    "parse_dmy",
    "read_bytes",
    "require_openpyxl",
    "sniff_delimiter",
    "suggest",
    "xlsx_sheets",
]

EXCEL_HINT = "pip install 'cchc-tasks[excel]'"

#: The first characters that make a spreadsheet read a cell as a formula (OWASP's list,
#: with tab and carriage return): ``=1+1``, ``+cmd|…``, ``-2+3``, ``@SUM(…)``.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Bounds of a workbook or CSV file read by an importer: far above a real annex or survey
#: export, far below what exhausts memory. A file beyond them is refused before it is read.
MAX_WORKBOOK_BYTES = 32 << 20  # the XML inside, uncompressed
MAX_ROWS = 100_000
MAX_COLUMNS = 256
MAX_CELL_CHARS = 32_767  # Excel's own limit for a cell


# --- writing cells that cannot run ---------------------------------------------------------


def neutralise(value: Any, *, xlsx_cell: Any = None) -> Any:
    """A cell that a spreadsheet shows as the text it is, never runs as a formula.

    For CSV, text starting with one of :data:`FORMULA_STARTS` gets a leading ``'`` (OWASP's
    rule: Excel and LibreOffice then show it as text); other values are returned as they
    are. For an .xlsx cell already written (``xlsx_cell``, an openpyxl cell), a text that
    openpyxl took for a formula is stored as text instead, so the workbook shows it
    unchanged; ``value`` is then ignored and the cell returned. Importers undo the ``'``
    (:func:`cell_text`), so an export read back gives the same text."""
    if xlsx_cell is not None:
        if xlsx_cell.data_type == "f":
            xlsx_cell.data_type = "s"
        return xlsx_cell
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- comparing text -----------------------------------------------------------------------


def key(text: str) -> str:
    """A heading or label as compared: NFC, case-folded, inner blanks collapsed.

    Survey tools, Excel and hand edits differ in exactly these ways ("Tiếp cận  dịch
    vụ " in NFD from one, "tiếp cận dịch vụ" in NFC from another)."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Text as compared when accents may be missing too: without diacritics (đ → d),
    case-folded, punctuation and blanks collapsed to single spaces.

    "Phòng Tài chính – Kế hoạch", "phong tai chinh-ke hoach" and the NFD spelling of
    either all give ``"phong tai chinh ke hoach"``: people type unit names without
    accents, with other dashes, or paste them from Word in NFD."""
    text = text.replace("đ", "d").replace("Đ", "D")
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", bare.casefold()).split())


def suggest(wanted: str, choices: Mapping[str, str], n: int = 3) -> tuple[str, ...]:
    """Up to ``n`` labels of ``choices`` (folded text → label) close to ``wanted``.

    difflib's ratio on folded text catches the usual slips (a missing accent or word, a
    typo) without a dependency; the cut-off 0.6 is difflib's own default."""
    found = difflib.get_close_matches(fold(wanted), list(choices), n=n, cutoff=0.6)
    labels: list[str] = []
    for match in found:
        if choices[match] not in labels:
            labels.append(choices[match])
    return tuple(labels)


def cell_text(value: Any) -> str:
    """A cell as NFC text without surrounding blanks; ``None`` is ``""``.

    Excel stores a typed ``17`` as the number ``17.0`` in some files: whole floats are
    written without the ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    text = unicodedata.normalize("NFC", str(value)).strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        return text[1:]  # a cell neutralised on export (see neutralise)
    return text


# --- reporting every bad cell -------------------------------------------------------------


@attrs.frozen
class RowProblem:
    """One bad cell of an import: spreadsheet ``row`` (as the spreadsheet numbers it),
    ``column`` as headed in the file, what was ``expected`` (a
    :class:`~cchc_tasks.i18n.Message`, or text shown as written) and the cell's text
    (``value``); ``suggestions`` are close matches, when the cell names something.

    ``str()`` is English; :meth:`render` gives the reader's language."""

    row: int
    column: str
    expected: Text
    value: str = ""
    suggestions: tuple[str, ...] = ()

    def render(self, lang: Lang = "vi") -> str:
        """The problem on one line, in ``lang``."""
        text = translate(
            "import.problem",
            lang,
            row=self.row,
            column=repr(self.column),
            expected=render(self.expected, lang),
            value=repr(self.value),
        )
        if self.suggestions:
            choices = translate("import.or", lang).join(repr(s) for s in self.suggestions)
            text += translate("import.problem.suggestions", lang, choices=choices)
        return text

    def __str__(self) -> str:
        return self.render("en")


class TabularImportError(ValidationError):
    """A file that cannot be imported; nothing was imported. ``problems`` lists every
    bad cell (:class:`RowProblem`), sorted by row; ``rows`` the bad row numbers.
    ``str()`` is English; :meth:`render` gives the reader's language."""

    def __init__(self, source: str, problems: Iterable[RowProblem]) -> None:
        self.source = source
        self.problems = tuple(sorted(problems, key=lambda p: p.row))
        self.rows = tuple(sorted({p.row for p in self.problems}))
        count = len(self.rows)
        plural = "s" if count != 1 else ""
        super().__init__(
            source, "every row valid (nothing was imported)", f"{count} bad row{plural}"
        )
        self.args = (self.render("en"),)

    def render(self, lang: Lang = "vi") -> str:
        """The heading line and one line per bad cell, in ``lang``."""
        count = len(self.rows)
        id = "import.refused_one" if count == 1 else "import.refused"
        head = translate(id, lang, source=self.source, count=count)
        return head + "".join(f"\n  {p.render(lang)}" for p in self.problems)


# --- reading files --------------------------------------------------------------------------


def read_bytes(path: str | os.PathLike[str], what: str, expected: str) -> bytes:
    """The bytes of ``path``; a file that cannot be read is a :class:`ValidationError`
    naming ``what`` was being read and what was ``expected``."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise ValidationError(what, expected, os.fspath(path)) from exc


def decode(data: bytes, encoding: str | None, name: str) -> str:
    """Text of a CSV file: in ``encoding`` if given, else UTF-8 (a BOM is dropped), else
    Windows-1258 — what Excel's plain "CSV" writes on Vietnamese Windows."""
    if encoding is not None:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ValidationError(name, f"text in the {encoding} encoding", str(exc)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # cp1258 writes some tone marks as combining characters: callers normalise to NFC.
        return data.decode("cp1258", errors="replace")


def sniff_delimiter(line: str) -> str:
    """The delimiter of a header line: the most frequent of , ; tab outside quotes
    (Excel writes ';' where the decimal sign is a comma, as in Vietnamese settings)."""
    outside = re.sub(r'"[^"]*"', "", line)
    counts = {d: outside.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_rows(
    text: str, delimiter: str | None = None, *, sniff_lines: int = 1, name: str = "CSV file"
) -> list[list[str]]:
    """The records of CSV ``text``; without ``delimiter`` it is sniffed from the first
    ``sniff_lines`` non-blank lines together (a title row above a header may have none).
    A record with a quoted line break is one row, as Excel shows it. Lines may end in
    CR LF, LF or CR alone (old Mac exports). A file that is not CSV (binary bytes, a
    cell over :data:`MAX_CELL_CHARS` characters, more than :data:`MAX_ROWS` rows) is a
    :class:`ValidationError` naming ``name``."""
    if delimiter is None:
        lines = [line for line in text.splitlines() if line.strip()][:sniff_lines]
        delimiter = sniff_delimiter("\n".join(lines))
    if "\0" in text:
        raise ValidationError(name, "a text file (CSV)", "binary data (NUL bytes)")
    rows: list[list[str]] = []
    # newline="": every line ending is one, and a quoted line break stays in its cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(MAX_CELL_CHARS + 1)
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise ValidationError(name, f"at most {MAX_ROWS:,} rows", "more")
            rows.append(row)
    except csv.Error as exc:
        raise ValidationError(
            name,
            f"CSV with cells of at most {MAX_CELL_CHARS:,} characters",
            f"line {reader.line_num}: {exc}",
        ) from None
    finally:
        csv.field_size_limit(limit)
    return rows


def require_openpyxl() -> None:
    """Raise a :class:`CchcError` that says how to install openpyxl if it is missing.

    Called before every lazy ``import openpyxl``: a bare ImportError would tell an
    official nothing about the ``excel`` extra."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise CchcError(
            f"reading or writing .xlsx files needs the openpyxl package: {EXCEL_HINT}"
        ) from None


@attrs.frozen
class Sheet:
    """One table read from a file: its ``title`` (the sheet's, or the file's name), its
    ``rows`` of cell values, and the cells (0-based row, column) whose value was copied
    down from a merged cell above (``merged_below``; none in a CSV file)."""

    title: str
    rows: list[list[Any]]
    merged_below: frozenset[tuple[int, int]] = frozenset()


def xlsx_sheets(path: str | os.PathLike[str], what: str) -> list[Sheet]:
    """Every sheet of a workbook, formulas as their last computed values.

    A merged cell holds its value in its top-left cell only; here the value is copied down
    the rows the merge spans (in its first column), because a lead unit merged over five
    task rows leads all five; the cells copied into are listed in ``merged_below``.
    Across columns nothing is copied: a title or a section heading merged over the width
    of the table stays one cell."""
    require_openpyxl()
    from openpyxl import load_workbook

    check_workbook_size(path, what)
    try:
        book = load_workbook(os.fspath(path), data_only=True)
    except OSError as exc:
        raise ValidationError(what, "a readable .xlsx file", os.fspath(path)) from exc
    except Exception as exc:  # openpyxl raises many kinds for a damaged or non-xlsx file
        raise ValidationError(
            what, "an Excel workbook (.xlsx)", f"{type(exc).__name__}: {exc}"
        ) from exc
    sheets: list[Sheet] = []
    try:
        for ws in book.worksheets:
            rows = _bounded_rows(ws, what)
            below: set[tuple[int, int]] = set()
            for merged in ws.merged_cells.ranges:
                top = merged.min_row - 1
                col = merged.min_col - 1
                if top >= len(rows):
                    continue
                value = rows[top][col] if col < len(rows[top]) else None
                for r in range(merged.min_row, min(merged.max_row, len(rows))):
                    cells = rows[r]
                    if col >= len(cells):
                        cells.extend([None] * (col + 1 - len(cells)))
                    cells[col] = value
                    below.add((r, col))
            sheets.append(Sheet(ws.title, rows, frozenset(below)))
    finally:
        book.close()
    return sheets


def check_workbook_size(path: str | os.PathLike[str], what: str) -> None:
    """Refuse a workbook whose contents, uncompressed, exceed :data:`MAX_WORKBOOK_BYTES`,
    before any of it is read: a few KB of zip can hold a 300 MB shared string."""
    try:
        with zipfile.ZipFile(os.fspath(path)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return  # not a zip: openpyxl says what it is not
    except OSError as exc:
        raise ValidationError(what, "a readable .xlsx file", os.fspath(path)) from exc
    if total > MAX_WORKBOOK_BYTES:
        raise ValidationError(
            what,
            f"a workbook of at most {MAX_WORKBOOK_BYTES >> 20} MB uncompressed",
            f"{total:,} bytes",
        )


def _bounded_rows(ws: Any, what: str) -> list[list[Any]]:
    """The values of a sheet, refused if it spans more than :data:`MAX_ROWS` rows or
    :data:`MAX_COLUMNS` columns (checked before a cell is visited: one cell at XFD1048576
    would otherwise make 17 billion) or holds a cell over :data:`MAX_CELL_CHARS`."""
    if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS:
        raise ValidationError(
            f"{what}, sheet {ws.title!r}",
            f"at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns",
            f"a cell at row {ws.max_row}, column {ws.max_column}",
        )
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for number, row in enumerate(rows, start=1):
        for value in row:
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise ValidationError(
                    f"{what}, sheet {ws.title!r}, row {number}",
                    f"cells of at most {MAX_CELL_CHARS:,} characters",
                    f"{len(value):,} characters",
                )
    return rows


# --- dates ----------------------------------------------------------------------------------

_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ ,T]+\d{1,2}:\d{2}(?::\d{2})?.*)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?.*)?")


def parse_dmy(cell: str) -> dt.date:
    """A day written dd/mm/yyyy (or with ``.``/``-``; a time after it is ignored), or ISO
    yyyy-mm-dd. Raises :class:`ValueError` whose message says what was expected."""
    text = cell.strip()
    if m := _DMY.fullmatch(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _ISO.fullmatch(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    else:
        raise ValueError("a date dd/mm/yyyy")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError("a real date dd/mm/yyyy") from None
