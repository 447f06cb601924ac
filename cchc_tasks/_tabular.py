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
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from .errors import CchcError, ValidationError

__all__ = [
    "EXCEL_HINT",
    "RowProblem",
    "Sheet",
    "TabularImportError",
    "cell_text",
    "csv_rows",
    "decode",
    "fold",
    "key",
    "parse_dmy",
    "read_bytes",
    "require_openpyxl",
    "sniff_delimiter",
    "suggest",
    "xlsx_sheets",
]

EXCEL_HINT = "pip install 'cchc-tasks[excel]'"


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
    return unicodedata.normalize("NFC", str(value)).strip()


# --- reporting every bad cell -------------------------------------------------------------


@attrs.frozen
class RowProblem:
    """One bad cell of an import: spreadsheet ``row`` (as the spreadsheet numbers it),
    ``column`` as headed in the file, what was ``expected`` and the cell's text
    (``value``); ``suggestions`` are close matches, when the cell names something."""

    row: int
    column: str
    expected: str
    value: str = ""
    suggestions: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"row {self.row}, column {self.column!r}: expected {self.expected}, "
        text += f"got {self.value!r}"
        if self.suggestions:
            text += f" (did you mean {' or '.join(repr(s) for s in self.suggestions)}?)"
        return text


class TabularImportError(ValidationError):
    """A file that cannot be imported; nothing was imported. ``problems`` lists every
    bad cell (:class:`RowProblem`), sorted by row; ``rows`` the bad row numbers."""

    def __init__(self, source: str, problems: Iterable[RowProblem]) -> None:
        self.source = source
        self.problems = tuple(sorted(problems, key=lambda p: p.row))
        self.rows = tuple(sorted({p.row for p in self.problems}))
        count = len(self.rows)
        plural = "s" if count != 1 else ""
        super().__init__(
            source, "every row valid (nothing was imported)", f"{count} bad row{plural}"
        )
        lines = "".join(f"\n  {p}" for p in self.problems)
        self.args = (f"{source}: {count} bad row{plural}, nothing was imported:{lines}",)


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


def csv_rows(text: str, delimiter: str | None = None, *, sniff_lines: int = 1) -> list[list[str]]:
    """The records of CSV ``text``; without ``delimiter`` it is sniffed from the first
    ``sniff_lines`` non-blank lines together (a title row above a header may have none).
    A record with a quoted line break is one row, as Excel shows it."""
    if delimiter is None:
        lines = [line for line in text.splitlines() if line.strip()][:sniff_lines]
        delimiter = sniff_delimiter("\n".join(lines))
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


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
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
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
