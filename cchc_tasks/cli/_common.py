"""What the ``cchc`` commands share: how a command is declared and parsed, how its help is
laid out, how it reads dates and opens stores, and how the list commands print their rows.

It imports nothing from the rest of ``cchc_tasks.cli``, so every command module (and the
package itself) can import from it.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import difflib
import importlib
import json
import os
import re
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, TypeVar

from .._tabular import neutralise
from ..errors import CchcError, StoreError, ValidationError
from ..i18n import Lang, Text, render, translate
from ._errors import error_text

if TYPE_CHECKING:
    from ..tracker import Tracker

#: How many characters of a long column (a task's title, a change) a table shows.
WIDE_COLUMN = 60

# The exit statuses and formats every command uses; cchc_tasks.cli publishes and
# documents them.
EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_TAMPERED = 2
EXIT_BROKEN_PIPE = 141
FORMATS = ("table", "json", "csv")


class UsageError(Exception):
    """A command line that does not parse, or asks for something impossible.

    ``main`` prints its one-line message (:meth:`text`, in the command's language) and
    exits with status 1. ``prefix`` names the command or the option; the problem is
    ``message`` (words or a :class:`~cchc_tasks.i18n.Message`) or the error ``cause``.
    """

    def __init__(self, prefix: str, message: Text = "", *, cause: CchcError | None = None) -> None:
        self.prefix = prefix
        self.message = message
        self.cause = cause
        super().__init__(self.text("en"))

    def text(self, lang: Lang) -> str:
        """The line in ``lang``."""
        if self.cause is not None:
            return f"{self.prefix}{error_text(self.cause, lang)}"
        return f"{self.prefix}{render(self.message, lang)}"


def fail(command: str, message: Text) -> NoReturn:
    """Stop ``cchc COMMAND`` with a one-line message that names the problem."""
    raise UsageError(f"cchc {command}: ", message)


def one_line(text: str) -> str:
    """A message on one line: an import error lists its bad rows on several, which are
    kept, joined, so that nothing is lost."""
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


# --- Declaring and parsing commands ---------------------------------------------------------


T = TypeVar("T")


def about(option: str, call: Callable[[], T]) -> T:
    """``call()``; a :class:`CchcError` it raises becomes one line naming ``option`` (the
    command-line argument the bad value came from: ``--unit``, ``YEAR``…)."""
    try:
        return call()
    except CchcError as exc:
        raise UsageError(f"cchc: {option}: ", cause=exc) from exc


@contextlib.contextmanager
def naming(options: Mapping[str, str]) -> Iterator[None]:
    """A :class:`ValidationError` whose field is a key of ``options`` (``"evaluate.year"``)
    becomes one line naming the option it came from (``YEAR``)."""
    try:
        yield
    except ValidationError as exc:
        option = options.get(exc.field)
        if option is None:
            raise
        raise UsageError(f"cchc: {option}: ", cause=exc) from exc


_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<got>[^']*)' \(choose from (?P<choices>.*)\)")


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line naming the problem and exit status 1; a
    misspelt command or choice gets the nearest one suggested."""

    def error(self, message: str) -> NoReturn:
        found = _INVALID_CHOICE.search(message)
        if found is not None:
            choices = re.findall(r"'?([\w.-]+)'?", found["choices"])
            close = difflib.get_close_matches(found["got"], choices, n=1, cutoff=0.5)
            if close:
                message += f"; did you mean {close[0]!r}?"
        raise UsageError(f"{self.prog}: ", f"{message} (see {self.prog} --help)")


class BlockHelpFormatter(argparse.HelpFormatter):
    """Wraps a one-paragraph description to the terminal; keeps the lines of a block that
    has several (the examples and the exit status) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        blocks = []
        for block in text.split("\n\n"):
            if "\n" in block:
                blocks.append("\n".join(indent + line for line in block.splitlines()))
            else:
                blocks.append(
                    textwrap.fill(block, width, initial_indent=indent, subsequent_indent=indent)
                )
        return "\n\n".join(blocks)

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        # argparse measures the commands of a subparsers action without the extra indent
        # it prints them with, so a long command name (assessment) pushed its summary to
        # the next line: measure them where they are printed.
        if action.help is not argparse.SUPPRESS:
            indent = self._current_indent + self._indent_increment
            for subaction in self._iter_indented_subactions(action):
                length = len(self._format_action_invocation(subaction)) + indent
                self._action_max_length = max(self._action_max_length, length)


def examples_block(*lines: str) -> str:
    """The ``examples:`` block that ends every ``--help``."""
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


class Command(NamedTuple):
    """One ``cchc`` command: what ``cchc --help`` and ``cchc NAME --help`` say about it, the
    function that adds its arguments and options, and the function that runs it (which
    returns the exit status).

    A named tuple rather than a dataclass: importing ``dataclasses`` (and ``inspect``, which
    it needs) would add several milliseconds to every ``cchc`` run, ``--help`` included.
    """

    name: str
    summary: str
    description: str
    examples: tuple[str, ...]
    add_options: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]

    def add_to(self, subcommands: Any) -> argparse.ArgumentParser:
        """Add this command to ``subcommands`` (what ``add_subparsers`` returns)."""
        parser: argparse.ArgumentParser = subcommands.add_parser(
            self.name,
            help=self.summary,
            description=self.description,
            epilog=examples_block(*self.examples),
            formatter_class=BlockHelpFormatter,
        )
        parser.set_defaults(run=self.run)
        self.add_options(parser)
        return parser


_DAY_FIRST = re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})")


def parse_date(text: str) -> dt.date:
    """A ``DATE`` argument: an ISO date such as 2025-01-31, or day first as officials
    write it, 31/01/2025."""
    try:
        found = _DAY_FIRST.fullmatch(text.strip())
        if found is not None:
            return dt.date(int(found["y"]), int(found["m"]), int(found["d"]))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date such as 2025-01-31 or 31/01/2025, got {text!r}"
        ) from None


def parse_year(text: str) -> int:
    """A ``YEAR`` argument: a whole number such as 2025 (its range is the tracker's to
    judge, which knows the plans)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a year such as 2025, got {text!r}") from None


def add_format_option(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """``--format`` with ``formats`` to choose from; the first is the default."""
    parser.add_argument(
        "--format",
        choices=formats,
        default=formats[0],
        help=f"{', '.join(formats)} (default: {formats[0]})",
    )


# --- Stores ---------------------------------------------------------------------------------


def is_store_url(where: str) -> bool:
    """Whether a STORE argument is a ``postgresql://`` URL rather than a folder."""
    return where.startswith(("postgresql://", "postgres://"))


def existing_store(path: str) -> str:
    """``path`` if it is a store folder (or a ``postgresql://`` URL: the store is checked
    when it is opened); never create one for a command that reads."""
    if is_store_url(path):
        return path
    if not os.path.isdir(path) or not (
        os.path.exists(os.path.join(path, "journal.jsonl"))
        or os.path.exists(os.path.join(path, "state.json"))
    ):
        raise StoreError(
            f"{path}: expected a store folder (with journal.jsonl or state.json), found none"
        )
    return path


def open_store(path: str) -> Tracker:
    """A tracker on the store folder or ``postgresql://`` URL at ``path``, which must
    exist."""
    from ..tracker import Tracker

    if is_store_url(existing_store(path)):
        from ..store.copy import open_existing

        open_existing(path).close()  # refuses a schema that holds no store
        return Tracker.open(path)
    return Tracker.open(existing_store(path), create=False)


# --- Output of the list commands ------------------------------------------------------------


def _cell(value: Any) -> str:
    """A value as a table or CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def _csv_cell(value: Any) -> str:
    """A CSV cell: text a spreadsheet would run as a formula is neutralised; a negative
    number stays a number."""
    text = _cell(value)
    return str(neutralise(text)) if isinstance(value, str | list | tuple) else text


def _shorten(text: str, width: int = WIDE_COLUMN) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def plain_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """``rows`` under ``headers`` as aligned columns of plain text, with a rule under the
    headers; the last column is not padded, so no line ends in spaces."""
    body = [list(r) for r in rows]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = [c.ljust(w) for c, w in zip(cells[:-1], widths[:-1], strict=True)]
        return "  ".join([*padded, cells[-1]]).rstrip()

    rule = ["-" * w for w in widths]
    return "\n".join([line(list(headers)), line(rule), *(line(r) for r in body)])


def _rich_table(headers: Sequence[str], rows: list[list[str]]) -> bool:
    """Print a ``rich`` table if rich is installed and stdout is a terminal."""
    if not sys.stdout.isatty():
        return False
    try:
        rich_console: Any = importlib.import_module("rich.console")
        rich_table: Any = importlib.import_module("rich.table")
    except ImportError:
        return False
    table = rich_table.Table(*headers, header_style="bold")
    for row in rows:
        table.add_row(*row)
    rich_console.Console().print(table)
    return True


def table_cell(column: str, value: Any, lang: Lang) -> str:
    """A value as a cell of a table people read, in ``lang``: a task's status and a
    unit's kind in words, dates (and times) day first in Vietnamese, yes/no words; ids,
    names and numbers as they are."""
    from ..labels import date_text, status_label, t, unit_kind_label
    from ..tasks import TaskStatus

    if isinstance(value, bool):
        return t("misc.yes", lang) if value else t("misc.no", lang)
    if isinstance(value, str):
        if column == "status" and value in set(TaskStatus):
            return status_label(TaskStatus(value), lang)
        if column == "kind":
            return unit_kind_label(value, lang)
        found = _ISO_MOMENT.fullmatch(value)
        if found is not None:
            return date_text(dt.date.fromisoformat(found["day"]), lang) + (found["time"] or "")
    return _cell(value)


#: A date, or a date and a time, as the list commands give them to programs.
_ISO_MOMENT = re.compile(r"(?P<day>\d{4}-\d{2}-\d{2})(?P<time> \d{2}:\d{2}:\d{2})?")


def emit(
    fmt: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    table: Sequence[str],
    csv_columns: Sequence[str] | None = None,
    json_value: Any = None,
    wide: str | None = None,
    empty: str,
    lang: Lang = "vi",
    headers: Mapping[str, str] | None = None,
    table_rows: Sequence[Mapping[str, Any]] | None = None,
) -> None:
    """Print ``rows`` as a table (the ``table`` columns), CSV (``csv_columns``, by default
    the table's) or JSON (``json_value``, by default the rows themselves).

    JSON and CSV are for programs: field names, ids and ISO dates, whatever ``lang``. The
    table is for people: its headers are the catalog's labels of the columns in ``lang``
    (``col.<column>``, or the message id ``headers`` gives a column), its cells
    :func:`table_cell`, drawn from ``table_rows`` when the caller worded some values
    (by default ``rows``)."""
    if fmt == "json":
        value = list(rows) if json_value is None else json_value
        print(json.dumps(value, ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "csv":
        columns = list(csv_columns or table)
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        # Text that a spreadsheet would run as a formula is neutralised (see neutralise).
        writer.writerows([_csv_cell(row.get(c)) for c in columns] for row in rows)
        return
    if not rows:
        print(empty)
        return
    from ..labels import field_name_label

    ids = headers or {}
    titles = [translate(ids[c], lang) if c in ids else field_name_label(c, lang) for c in table]
    cells = []
    for row in rows if table_rows is None else table_rows:
        shown = [table_cell(c, row.get(c), lang) for c in table]
        cells.append([_shorten(v) if c == wide else v for c, v in zip(table, shown, strict=True)])
    if not _rich_table(titles, cells):
        print(plain_table(titles, cells))
