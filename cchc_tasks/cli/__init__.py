"""The ``cchc`` command.

Exit status:

* 0 on success;
* 1 on a mistake of the user, with one line on stderr that names the problem: an error
  of the :class:`~cchc_tasks.CchcError` family (``cchc: <message>``), a command line that
  does not parse (``cchc tasks: argument --due-from: …``), a file that cannot be read;
* 2 when ``cchc verify`` finds tampering (or ``cchc backup`` copied a store that has some);
* 141 (as for SIGPIPE), silently, when the reader of the output goes away.

Every command has ``--help``, with examples. The list commands (``tasks``, ``units``,
``plugins``, ``log``, ``history``) take ``--format table|json|csv``: a table for people
(drawn with ``rich`` when it is installed and the output is a terminal, plain aligned text
otherwise), JSON or CSV for programs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..errors import CchcError
from ._common import WIDE_COLUMN as WIDE_COLUMN
from ._common import (
    BlockHelpFormatter,
    Parser,
    UsageError,
    add_format_option,
    emit,
    examples_block,
    existing_store,
    fail,
    open_store,
    parse_date,
    plain_table,
)

if TYPE_CHECKING:
    from ..store import Change, Entry

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_OK",
    "EXIT_TAMPERED",
    "EXIT_USER_ERROR",
    "FORMATS",
    "UsageError",
    "commands",
    "help_text",
    "main",
    "plain_table",
]

#: The command did what was asked.
EXIT_OK = 0
#: A mistake of the user: a bad argument, no store there, a bad file, an error of the
#: ``CchcError`` family. One line on stderr names the problem.
EXIT_USER_ERROR = 1
#: ``cchc verify`` found tampering (or ``cchc backup`` copied a store that has some).
EXIT_TAMPERED = 2
#: The reader of the output went away (``cchc log STORE | head``), as for SIGPIPE.
EXIT_BROKEN_PIPE = 141
#: The former name of :data:`EXIT_TAMPERED`.
TAMPERED = EXIT_TAMPERED

#: The formats of the list commands.
FORMATS = ("table", "json", "csv")
# --- Commands -------------------------------------------------------------------------------


def _demo(args: argparse.Namespace) -> int:
    from ..examples import YEARS, tan_hong
    from ..reports import text_report
    from ..tracker import Tracker

    if os.path.isdir(args.store) and os.listdir(args.store):
        fail("demo", f"{args.store} is not empty; remove it or pick another --store")
    with Tracker.open(args.store) as tr:
        tan_hong(tr)
        print(
            f"Built the Tân Hồng example in {args.store}: {len(tr.units())} units, "
            f"{len(tr.persons())} people, {len(tr.tasks())} tasks, journal seq {tr.seq}."
        )
        for year in YEARS:
            print()
            print(text_report(tr.evaluate(year), reasons=not args.brief))
            print()
        if args.explain:
            print(tr.evaluate(args.explain_year).explain(args.explain))
    return EXIT_OK


def _plugins(args: argparse.Namespace) -> int:
    from ..plugins import make_plugin_manager, plugin_versions

    pm = make_plugin_manager()
    versions = dict(plugin_versions(pm))
    rows: list[dict[str, Any]] = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda np: np[0]):
        if plugin is None:
            continue
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
        rows.append({"name": name, "version": versions.get(name, "?"), "hooks": hooks})
    emit(args.format, rows, table=("name", "version", "hooks"), empty="no plugins loaded")
    return EXIT_OK


def _tasks(args: argparse.Namespace) -> int:
    from .._codec import unstructure

    if args.due_from and args.due_to and args.due_from > args.due_to:
        fail("tasks", f"--due-from {args.due_from} is after --due-to {args.due_to}")
    with open_store(args.store) as tr:
        # An id that names nothing is a typo more often than a question: say so.
        if args.unit is not None:
            tr.unit(args.unit)
        if args.plan is not None:
            tr.plan(args.plan)
        found = tr.tasks(
            unit=args.unit,
            plan=args.plan,
            status=args.status,
            assignee=args.assignee,
            due_from=args.due_from,
            due_to=args.due_to,
        )
    rows = [unstructure(task) for task in found]
    emit(
        args.format,
        rows,
        table=("id", "due", "status", "completed_on", "unit", "title"),
        csv_columns=(
            "id",
            "plan",
            "title",
            "unit",
            "partners",
            "assignee",
            "field",
            "due",
            "status",
            "completed_on",
            "exceeded",
            "output",
            "weight",
            "budget",
            "cancel_reason",
        ),
        wide="title",
        empty="no tasks match",
    )
    return EXIT_OK


def _units(args: argparse.Namespace) -> int:
    from .._codec import unstructure

    with open_store(args.store) as tr:
        if args.parent is not None:
            tr.unit(args.parent)
        rows = [unstructure(unit) for unit in tr.units(parent=args.parent)]
    emit(
        args.format,
        rows,
        table=("id", "name", "kind", "parent", "valid_from", "valid_to"),
        csv_columns=("id", "name", "kind", "parent", "valid_from", "valid_to", "successors"),
        wide="name",
        empty="no units",
    )
    return EXIT_OK


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _describe(change: Change) -> str:
    """One change on one line: what happened to which object, and which fields moved."""
    head = f"{change.op} {change.table} {change.id}"
    if change.before is None or change.after is None:
        return head
    before, after = change.before, change.after
    moved = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    if not moved:
        return f"{head}: no field changed"
    parts = [f"{k} {_show(before.get(k))} → {_show(after.get(k))}" for k in moved]
    return f"{head}: " + "; ".join(parts)


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _heading(seq: int, at: dt.datetime, actor: str | None, note: str | None) -> str:
    line = f"seq {seq}  {_utc(at)} UTC  by {actor or '(nobody named)'}"
    return f"{line}  note: {note}" if note else line


def _change_row(
    seq: int, at: dt.datetime, actor: str | None, note: str | None, change: Change
) -> dict[str, Any]:
    """One change as a row of ``log`` and ``history`` (table and CSV)."""
    return {
        "seq": seq,
        "at_utc": _utc(at),
        "actor": actor,
        "note": note,
        "op": change.op,
        "table": change.table,
        "id": change.id,
        "change": _describe(change),
    }


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "op": change.op,
        "table": change.table,
        "id": change.id,
        "before": change.before,
        "after": change.after,
    }


_CHANGE_TABLE = ("seq", "at_utc", "actor", "note", "change")
_CHANGE_CSV = ("seq", "at_utc", "actor", "note", "op", "table", "id", "change")


def _line_json(seq: int, at: dt.datetime, actor: str | None, note: str | None) -> dict[str, Any]:
    """The first keys of a journal line (``log``) or change (``history``) as JSON."""
    return {"seq": seq, "at": at.isoformat(), "actor": actor, "note": note}


def _emit_changes(
    fmt: str, rows: Sequence[Mapping[str, Any]], value: list[dict[str, Any]], empty: str
) -> None:
    """Print the changes of ``log`` or ``history`` as a table, CSV or JSON (``value``)."""
    emit(
        fmt,
        rows,
        table=_CHANGE_TABLE,
        csv_columns=_CHANGE_CSV,
        json_value=value,
        wide="change",
        empty=empty,
    )


def _verify(args: argparse.Namespace) -> int:
    from ..store import verify_folder

    report = verify_folder(existing_store(args.store))
    print(report)
    print(f"lines checked: {report.lines}; last good hash: {report.head}")
    return EXIT_OK if report.ok else EXIT_TAMPERED


def _history(args: argparse.Namespace) -> int:
    with open_store(args.store) as tr:
        found = tr.history(args.id)
    if args.format != "text":
        rows = [_change_row(h.seq, h.at, h.actor, h.note, h.change) for h in found]
        value = [
            {**_line_json(h.seq, h.at, h.actor, h.note), "change": _change_json(h.change)}
            for h in found
        ]
        _emit_changes(args.format, rows, value, f"no changes to {args.id!r} in {args.store}")
        return EXIT_OK
    if not found:
        print(f"no changes to {args.id!r} in {args.store}")
        return EXIT_OK
    print(f"{args.id} in {args.store}: {len(found)} change{'s' * (len(found) != 1)}")
    for item in found:
        print(_heading(item.seq, item.at, item.actor, item.note))
        print(f"  {_describe(item.change)}")
    return EXIT_OK


def _log(args: argparse.Namespace) -> int:
    since = None
    if args.since is not None:
        since = dt.datetime.combine(args.since, dt.time(), tzinfo=dt.UTC)
    shown: list[Entry] = []
    with open_store(args.store) as tr:
        for entry in tr.entries():
            if since is None or entry.at >= since:
                shown.append(entry)
    after = f" since {args.since.isoformat()}" if args.since else ""
    if args.format != "text":
        rows = [
            _change_row(e.seq, e.at, e.actor, e.note, change) for e in shown for change in e.changes
        ]
        value = [
            {
                **_line_json(e.seq, e.at, e.actor, e.note),
                "hash": e.hash,
                "changes": [_change_json(c) for c in e.changes],
            }
            for e in shown
        ]
        _emit_changes(args.format, rows, value, f"no changes in {args.store}{after}")
        return EXIT_OK
    if not shown:
        print(f"no changes in {args.store}{after}")
        return EXIT_OK
    for entry in shown:
        print(_heading(entry.seq, entry.at, entry.actor, entry.note))
        for change in entry.changes:
            print(f"  {_describe(change)}")
    return EXIT_OK


def _backup(args: argparse.Namespace) -> int:
    with open_store(args.store) as tr:
        report = tr.backup(args.dest)
    print(f"Backed up {args.store} into {args.dest}: {report.lines} journal lines.")
    print(report)
    return EXIT_OK if report.ok else EXIT_TAMPERED


def _restore(args: argparse.Namespace) -> int:
    from ..store import Store

    report = Store.restore(existing_store(args.backup), args.store)
    print(f"Restored {args.backup} into {args.store}: {report.lines} journal lines.")
    print(report)
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from ..reports import write_report

    with open_store(args.store) as tr:
        written = write_report(
            tr,
            args.year,
            args.out,
            args.format or ("md", "html"),
            args.lang,
            as_of=args.as_of,
            plots=not args.no_plots,
        )
    for path in written:
        print(path)
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    """``cchc import``: a task annex (.xlsx/.csv) into a plan, or a whole store (.json)."""
    from ..tracker import Tracker

    if not os.path.isfile(args.file):
        fail("import", f"{args.file}: no such file")
    if args.file.lower().endswith(".json"):
        from ..exports import import_store_json

        # A store exported as JSON may go into a new folder: the store is created.
        with Tracker.open(args.store) as tr:
            count = import_store_json(tr, args.file, actor=args.actor, note=args.note)
            seq = tr.seq
        print(f"Imported {count} objects from {args.file} into {args.store}, journal seq {seq}.")
        return EXIT_OK
    if args.plan is None:
        fail("import", "an annex needs --plan ID (the plan of its tasks)")
    from ..annex import import_annex

    def progress(done: int, total: int) -> None:
        # At most ten lines, on stderr: stdout keeps the one-line summary.
        if done == total or done % max(1, total // 10) == 0:
            print(f"  added {done}/{total} tasks", file=sys.stderr)

    print(f"Reading {args.file}…", file=sys.stderr)
    with open_store(args.store) as tr:
        tasks = import_annex(
            tr,
            args.file,
            args.plan,
            actor=args.actor,
            note=args.note,
            progress=progress,
            sheet=args.sheet,
        )
        seq = tr.seq
    print(f"Imported {len(tasks)} tasks from {args.file} into plan {args.plan}, journal seq {seq}.")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    """``cchc export``: tasks (.xlsx/.csv), a year's evaluation (.xlsx), the store (.json)."""
    from ..exports import export_evaluation, export_store_json, export_tasks

    if not (args.tasks or args.evaluation or args.json):
        fail("export", "give --tasks FILE, --evaluation YEAR FILE or --json FILE")
    for path in (args.tasks, args.evaluation[1] if args.evaluation else None, args.json):
        folder = os.path.dirname(path or "") or "."
        if path and not os.path.isdir(folder):
            fail("export", f"{path}: no folder {folder} to write into")
    year = None
    if args.evaluation:
        try:
            year = int(args.evaluation[0])
        except ValueError:
            fail("export", f"expected a year such as 2024, got {args.evaluation[0]!r}")
    with open_store(args.store) as tr:
        if args.plan:
            tr.plan(args.plan)
        if args.tasks:
            chosen = tr.tasks(plan=args.plan) if args.plan else None
            count = export_tasks(tr, args.tasks, chosen)
            print(f"Wrote {count} tasks to {args.tasks}.")
        if year is not None:
            export_evaluation(tr.evaluate(year, as_of=args.as_of), args.evaluation[1])
            print(f"Wrote the evaluation of {year} to {args.evaluation[1]}.")
        if args.json:
            count = export_store_json(tr, args.json)
            print(f"Wrote {count} objects (journal seq {tr.seq}) to {args.json}.")
    return EXIT_OK


# --- The parser -----------------------------------------------------------------------------


_EXIT_STATUS = textwrap.dedent(
    """\
    exit status:
      0  done
      1  a mistake: bad arguments, no store there, a bad file, invalid data (one line on
         stderr names the problem)
      2  cchc verify (or cchc backup) found tampering"""
)


def _command(
    sub: Any,
    name: str,
    run: Callable[[argparse.Namespace], int],
    summary: str,
    description: str,
    examples: Sequence[str],
) -> argparse.ArgumentParser:
    """A subcommand with its one-line summary, its description and examples of use."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        description=description,
        epilog=examples_block(*examples),
        formatter_class=BlockHelpFormatter,
    )
    parser.set_defaults(run=run)
    return parser


def _build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="cchc",
        description="Track a CCHC (administrative-reform) plan: units and their heads, tasks "
        "and deadlines, targets, and the annual evaluation.",
        epilog=examples_block(
            "cchc demo --store data/tan-hong",
            "cchc tasks data/tan-hong --status open --due-to 2025-06-30",
            "cchc report data/tan-hong 2025 --format html --out reports",
            "cchc verify data/tan-hong",
            "cchc COMMAND --help",
        )
        + "\n\n"
        + _EXIT_STATUS,
        formatter_class=BlockHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cchc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = _command(
        sub,
        "demo",
        _demo,
        "build the Tân Hồng example store and print its evaluations for 2021–2026",
        "Build the Tân Hồng district example (units, heads, the plan, its targets, tasks and "
        "results for 2021–2026, across the 2025 reform) in an empty store folder, then print "
        "the evaluation report of each year.",
        ["cchc demo", "cchc demo --store /tmp/th --brief", "cchc demo --explain p001"],
    )
    demo.add_argument("--store", default="data/tan-hong", help="store folder to create")
    demo.add_argument("--brief", action="store_true", help="ratings without reasons")
    demo.add_argument("--explain", metavar="PERSON", help="also explain one head's rating")
    demo.add_argument(
        "--explain-year",
        type=int,
        default=2025,
        metavar="YEAR",
        help="the year of --explain (default: 2025)",
    )

    tasks = _command(
        sub,
        "tasks",
        _tasks,
        "list the tasks of a store, filtered by unit, plan, status and due date",
        "List tasks sorted by due date, then id. Every filter given must match; dates are "
        "inclusive. A unit or plan id that names nothing is an error.",
        [
            "cchc tasks data/tan-hong --unit an-phuoc --status open",
            "cchc tasks data/tan-hong --due-from 2025-01-01 --due-to 2025-03-31",
            "cchc tasks data/tan-hong --plan kh-cchc-2021-2030 --format csv > tasks.csv",
        ],
    )
    tasks.add_argument("store", metavar="STORE", help="store folder")
    tasks.add_argument("--unit", metavar="ID", help="only tasks this unit leads")
    tasks.add_argument("--plan", metavar="ID", help="only tasks of this plan")
    tasks.add_argument(
        "--status", choices=("open", "done", "cancelled"), help="only tasks with this status"
    )
    tasks.add_argument("--assignee", metavar="PERSON", help="only tasks this person answers for")
    tasks.add_argument("--due-from", type=parse_date, metavar="DATE", help="due on or after DATE")
    tasks.add_argument("--due-to", type=parse_date, metavar="DATE", help="due on or before DATE")
    add_format_option(tasks, FORMATS)

    units = _command(
        sub,
        "units",
        _units,
        "list the units of a store (People's Committees, agencies, offices…)",
        "List units sorted by id, with their kind, parent and the days they existed.",
        [
            "cchc units data/tan-hong",
            "cchc units data/tan-hong --parent huyen",
            "cchc units data/tan-hong --format json",
        ],
    )
    units.add_argument("store", metavar="STORE", help="store folder")
    units.add_argument("--parent", metavar="ID", help="only the units directly under this one")
    add_format_option(units, FORMATS)

    plugins = _command(
        sub,
        "plugins",
        _plugins,
        "list loaded plugins, their versions and the hooks each implements",
        "List the plugins a tracker would load here (built-in, installed entry points, minus "
        "those blocked by CCHC_TASKS_DISABLE_PLUGINS), with their versions and hooks.",
        [
            "cchc plugins",
            "cchc plugins --format json",
            "CCHC_TASKS_DISABLE_PLUGINS=cchc_emulation cchc plugins",
        ],
    )
    add_format_option(plugins, FORMATS)

    verify = _command(
        sub,
        "verify",
        _verify,
        "walk a store's whole hash chain and check its snapshot; exit 2 on tampering",
        "Check every journal line's hash from line 1 and the snapshot against the journal. "
        "Reads only. Prints OK or TAMPERED with the file and line, and the last good hash.",
        ["cchc verify data/tan-hong", "cchc verify data/tan-hong || echo 'look at the report'"],
    )
    verify.add_argument("store", metavar="STORE", help="store folder")

    history = _command(
        sub,
        "history",
        _history,
        "every change to one object, oldest first",
        "Every change to one object (task, unit, person, plan…), oldest first: the journal "
        "seq, the time (UTC), who, the note and the fields that changed, before → after.",
        [
            "cchc history data/tan-hong t-2021-0007",
            "cchc history data/tan-hong t-2021-0007 --format json",
        ],
    )
    history.add_argument("store", metavar="STORE", help="store folder")
    history.add_argument("id", metavar="ID", help="the object's id (task, unit, person…)")
    add_format_option(history, ("text", *FORMATS))

    log = _command(
        sub,
        "log",
        _log,
        "the journal: who changed what, when, oldest first",
        "The journal, oldest first: each line's seq, time (UTC), actor and note, and its "
        "changes. The default 'text' layout groups the changes under their line; table and "
        "CSV give one row per change; JSON gives the lines with the documents before and "
        "after.",
        [
            "cchc log data/tan-hong --since 2025-07-01",
            "cchc log data/tan-hong --format csv > journal.csv",
        ],
    )
    log.add_argument("store", metavar="STORE", help="store folder")
    log.add_argument(
        "--since", type=parse_date, metavar="DATE", help="only changes from this day on (UTC)"
    )
    add_format_option(log, ("text", *FORMATS))

    backup = _command(
        sub,
        "backup",
        _backup,
        "write a consistent copy of a store into a new folder (safe while in use)",
        "Copy the journal (caught up under the writer lock) and a fresh snapshot into a new "
        "or empty folder, then verify the copy; exit 2 if the copy shows tampering.",
        ["cchc backup data/tan-hong backups/tan-hong-$(date +%F)"],
    )
    backup.add_argument("store", metavar="STORE", help="store folder")
    backup.add_argument("dest", metavar="DEST", help="new or empty folder for the copy")

    restore = _command(
        sub,
        "restore",
        _restore,
        "check a backup and copy it into a new store folder",
        "Verify a backup and copy it into a new or empty folder, which becomes a store.",
        ["cchc restore backups/tan-hong-2025-12-31 data/tan-hong-restored"],
    )
    restore.add_argument("backup", metavar="BACKUP", help="backup folder")
    restore.add_argument("store", metavar="STORE", help="new or empty folder for the store")

    report = _command(
        sub,
        "report",
        _report,
        "write the annual report of a year (targets, units, heads, overdue tasks, charts)",
        "Write 'Báo cáo kết quả thực hiện nhiệm vụ CCHC năm YEAR' as Markdown, HTML or a "
        "workbook, in Vietnamese or English, and print the paths written.",
        [
            "cchc report data/tan-hong 2025",
            "cchc report data/tan-hong 2025 --format html --lang en --out reports",
            "cchc report data/tan-hong 2025 --format xlsx --as-of 2025-06-30 --no-plots",
        ],
    )
    report.add_argument("store", metavar="STORE", help="store folder")
    report.add_argument("year", metavar="YEAR", type=int, help="the year to report on")
    report.add_argument(
        "--format",
        action="append",
        choices=("md", "html", "xlsx"),
        help="md, html or xlsx (xlsx needs the excel extra); repeat for several; "
        "default: md and html",
    )
    report.add_argument("--lang", choices=("vi", "en"), default="vi", help="language (default: vi)")
    report.add_argument("--out", default=".", metavar="DIR", help="folder to write into")
    report.add_argument(
        "--as-of",
        type=parse_date,
        metavar="DATE",
        help="evaluate as of this day (default: year end)",
    )
    report.add_argument(
        "--no-plots", action="store_true", help="leave out the charts (no matplotlib needed)"
    )

    imp = _command(
        sub,
        "import",
        _import,
        "import a task annex (.xlsx or .csv) into a plan, all or nothing; or a whole store "
        "exported as .json",
        "Import the tasks of an annex ('Phụ lục nhiệm vụ') into a plan: every row is checked "
        "first, and any bad row fails the whole import with a list of every bad row (nothing "
        "is written). A .json file exported by 'cchc export --json' fills a new store.",
        [
            "cchc import data/tan-hong phu-luc-2026.xlsx --plan kh-cchc-2026 --actor noi-vu",
            "cchc import data/copy tan-hong.json",
        ],
    )
    imp.add_argument("store", metavar="STORE", help="store folder")
    imp.add_argument("file", metavar="FILE", help="annex .xlsx or .csv, or a store .json")
    imp.add_argument("--plan", metavar="ID", help="the plan the annex's tasks belong to")
    imp.add_argument("--sheet", metavar="NAME", help="workbook sheet (default: the first table)")
    imp.add_argument("--actor", metavar="ID", help="who imports, recorded in the journal")
    imp.add_argument("--note", help="the note recorded in the journal")

    exp = _command(
        sub,
        "export",
        _export,
        "write tasks, an evaluation or the whole store to files",
        "Write tasks to .xlsx or .csv (Vietnamese headers), a year's evaluation to .xlsx, or "
        "the whole store to .json; give one or more of --tasks, --evaluation and --json.",
        [
            "cchc export data/tan-hong --tasks tasks.xlsx --plan kh-cchc-2021-2030",
            "cchc export data/tan-hong --evaluation 2025 danh-gia-2025.xlsx",
            "cchc export data/tan-hong --json tan-hong.json",
        ],
    )
    exp.add_argument("store", metavar="STORE", help="store folder")
    exp.add_argument("--tasks", metavar="FILE", help="tasks to a .xlsx or .csv file")
    exp.add_argument("--plan", metavar="ID", help="with --tasks: only this plan's tasks")
    exp.add_argument(
        "--evaluation", nargs=2, metavar=("YEAR", "FILE"), help="a year's evaluation to .xlsx"
    )
    exp.add_argument(
        "--as-of", type=parse_date, metavar="DATE", help="with --evaluation: as of DATE"
    )
    exp.add_argument("--json", metavar="FILE", help="the whole store to .json")
    return parser


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}  # pragma: no cover - the parser always has subcommands


def commands() -> list[str]:
    """The names of the ``cchc`` subcommands, in the order ``cchc --help`` lists them."""
    return list(_subparsers(_build_parser()))


def help_text(command: str | None = None) -> str:
    """What ``cchc --help`` (or ``cchc COMMAND --help``) prints; ``KeyError`` for a command
    that does not exist. The width follows ``COLUMNS``, as argparse does."""
    parser = _build_parser()
    if command is not None:
        parser = _subparsers(parser)[command]
    return parser.format_help()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cchc`` command; returns the exit code (see the module's docstring)."""
    try:
        args = _build_parser().parse_args(argv)
        code: int = args.run(args)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USER_ERROR
    except CchcError as exc:
        print(f"cchc: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader stopped (``cchc log STORE | head``): nothing to say, nobody to say it to.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cchc: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("cchc: interrupted", file=sys.stderr)
        return 130
    return code
