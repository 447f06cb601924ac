"""The ``cchc`` command.

Exit status: 0 on success; 1 with ``cchc: <message>`` on an error of the
:class:`~cchc_tasks.CchcError` family; 2 when ``cchc verify`` finds tampering (and for
command-line mistakes, as argparse does).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import CchcError, StoreError

if TYPE_CHECKING:
    from .store import Change, Entry
    from .tracker import Tracker

__all__ = ["main"]

#: ``cchc verify`` found tampering (or ``cchc backup`` copied a store that has some).
TAMPERED = 2


def _demo(args: argparse.Namespace) -> int:
    from .examples import YEARS, tan_hong
    from .reports import text_report
    from .tracker import Tracker

    if os.path.isdir(args.store) and os.listdir(args.store):
        print(
            f"cchc demo: {args.store} is not empty; remove it or pick another --store",
            file=sys.stderr,
        )
        return 2
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
    return 0


def _plugins(args: argparse.Namespace) -> int:
    from .plugins import make_plugin_manager, plugin_versions

    pm = make_plugin_manager()
    versions = dict(plugin_versions(pm))
    rows: list[tuple[str, str, str]] = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda np: np[0]):
        if plugin is None:
            continue
        implemented = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
        rows.append((name, versions.get(name, "?"), ", ".join(implemented)))
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    for name, version, hooks in rows:
        print(f"{name.ljust(width)}  {version.ljust(vwidth)}  {hooks}")
    return 0


def _existing_store(path: str) -> str:
    """``path`` if it is a store folder; never create one for a command that reads."""
    if not os.path.isdir(path) or not (
        os.path.exists(os.path.join(path, "journal.jsonl"))
        or os.path.exists(os.path.join(path, "state.json"))
    ):
        raise StoreError(
            f"{path}: expected a store folder (with journal.jsonl or state.json), found none"
        )
    return path


def _open(path: str) -> Tracker:
    from .tracker import Tracker

    return Tracker.open(_existing_store(path))


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


def _heading(seq: int, at: dt.datetime, actor: str | None, note: str | None) -> str:
    when = at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    line = f"seq {seq}  {when}  by {actor or '(nobody named)'}"
    return f"{line}  note: {note}" if note else line


def _verify(args: argparse.Namespace) -> int:
    from .store import verify_folder

    report = verify_folder(_existing_store(args.store))
    print(report)
    print(f"lines checked: {report.lines}; last good hash: {report.head}")
    return 0 if report.ok else TAMPERED


def _history(args: argparse.Namespace) -> int:
    with _open(args.store) as tr:
        found = tr.history(args.id)
    if not found:
        print(f"no changes to {args.id!r} in {args.store}")
        return 0
    print(f"{args.id} in {args.store}: {len(found)} change{'s' * (len(found) != 1)}")
    for item in found:
        print(_heading(item.seq, item.at, item.actor, item.note))
        print(f"  {_describe(item.change)}")
    return 0


def _log(args: argparse.Namespace) -> int:
    since = None
    if args.since is not None:
        since = dt.datetime.combine(args.since, dt.time(), tzinfo=dt.UTC)
    shown: list[Entry] = []
    with _open(args.store) as tr:
        for entry in tr.entries():
            if since is None or entry.at >= since:
                shown.append(entry)
    if not shown:
        after = f" since {args.since.isoformat()}" if args.since else ""
        print(f"no changes in {args.store}{after}")
        return 0
    for entry in shown:
        print(_heading(entry.seq, entry.at, entry.actor, entry.note))
        for change in entry.changes:
            print(f"  {_describe(change)}")
    return 0


def _backup(args: argparse.Namespace) -> int:
    with _open(args.store) as tr:
        report = tr.backup(args.dest)
    print(f"Backed up {args.store} into {args.dest}: {report.lines} journal lines.")
    print(report)
    return 0 if report.ok else TAMPERED


def _restore(args: argparse.Namespace) -> int:
    from .store import Store

    report = Store.restore(_existing_store(args.backup), args.store)
    print(f"Restored {args.backup} into {args.store}: {report.lines} journal lines.")
    print(report)
    return 0


def _report(args: argparse.Namespace) -> int:
    from .reports import write_report

    with _open(args.store) as tr:
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
    return 0


def _import(args: argparse.Namespace) -> int:
    """``cchc import``: a task annex (.xlsx/.csv) into a plan, or a whole store (.json)."""
    from .tracker import Tracker

    if args.file.lower().endswith(".json"):
        from .exports import import_store_json

        # A store exported as JSON may go into a new folder: the store is created.
        with Tracker.open(args.store) as tr:
            count = import_store_json(tr, args.file, actor=args.actor, note=args.note)
            seq = tr.seq
        print(f"Imported {count} objects from {args.file} into {args.store}, journal seq {seq}.")
        return 0
    if args.plan is None:
        print("cchc import: an annex needs --plan ID (the plan of its tasks)", file=sys.stderr)
        return 2
    from .annex import import_annex

    def progress(done: int, total: int) -> None:
        # At most ten lines, on stderr: stdout keeps the one-line summary.
        if done == total or done % max(1, total // 10) == 0:
            print(f"  added {done}/{total} tasks", file=sys.stderr)

    print(f"Reading {args.file}…", file=sys.stderr)
    with _open(args.store) as tr:
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
    return 0


def _export(args: argparse.Namespace) -> int:
    """``cchc export``: tasks (.xlsx/.csv), a year's evaluation (.xlsx), the store (.json)."""
    from .exports import export_evaluation, export_store_json, export_tasks

    if not (args.tasks or args.evaluation or args.json):
        print(
            "cchc export: give --tasks FILE, --evaluation YEAR FILE or --json FILE", file=sys.stderr
        )
        return 2
    year = None
    if args.evaluation:
        try:
            year = int(args.evaluation[0])
        except ValueError:
            print(
                f"cchc export: expected a year such as 2024, got {args.evaluation[0]!r}",
                file=sys.stderr,
            )
            return 2
    with _open(args.store) as tr:
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
    return 0


def _add_import_export(sub: Any) -> None:
    """The ``import`` and ``export`` subcommands (cchc_tasks.annex, cchc_tasks.exports)."""
    imp = sub.add_parser(
        "import",
        help="import a task annex (.xlsx or .csv) into a plan, all or nothing; or a whole "
        "store exported as .json",
    )
    imp.add_argument("store", metavar="STORE", help="store folder")
    imp.add_argument("file", metavar="FILE", help="annex .xlsx or .csv, or a store .json")
    imp.add_argument("--plan", metavar="ID", help="the plan the annex's tasks belong to")
    imp.add_argument("--sheet", metavar="NAME", help="workbook sheet (default: the first table)")
    imp.add_argument("--actor", metavar="ID", help="who imports, recorded in the journal")
    imp.add_argument("--note", help="the note recorded in the journal")
    imp.set_defaults(run=_import)
    exp = sub.add_parser("export", help="write tasks, an evaluation or the whole store to files")
    exp.add_argument("store", metavar="STORE", help="store folder")
    exp.add_argument("--tasks", metavar="FILE", help="tasks to a .xlsx or .csv file")
    exp.add_argument("--plan", metavar="ID", help="with --tasks: only this plan's tasks")
    exp.add_argument(
        "--evaluation", nargs=2, metavar=("YEAR", "FILE"), help="a year's evaluation to .xlsx"
    )
    exp.add_argument("--as-of", type=_date, metavar="DATE", help="with --evaluation: as of DATE")
    exp.add_argument("--json", metavar="FILE", help="the whole store to .json")
    exp.set_defaults(run=_export)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date such as 2025-01-31, got {text!r}"
        ) from None


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cchc", description="Track a CCHC (administrative-reform) plan."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo", help="build the Tân Hồng example store and print its evaluations for 2021–2025"
    )
    demo.add_argument("--store", default="data/tan-hong", help="store folder to create")
    demo.add_argument("--brief", action="store_true", help="ratings without reasons")
    demo.add_argument("--explain", metavar="PERSON", help="also explain one head's rating")
    demo.add_argument("--explain-year", type=int, default=2025, metavar="YEAR")
    demo.set_defaults(run=_demo)
    plugins = sub.add_parser(
        "plugins", help="list loaded plugins, their versions and the hooks each implements"
    )
    plugins.set_defaults(run=_plugins)
    verify = sub.add_parser(
        "verify",
        help="walk a store's whole hash chain and check its snapshot; exit 2 on tampering",
    )
    verify.add_argument("store", metavar="STORE", help="store folder")
    verify.set_defaults(run=_verify)
    history = sub.add_parser("history", help="every change to one object, oldest first")
    history.add_argument("store", metavar="STORE", help="store folder")
    history.add_argument("id", metavar="ID", help="the object's id (task, unit, person…)")
    history.set_defaults(run=_history)
    log = sub.add_parser("log", help="the journal: who changed what, when, oldest first")
    log.add_argument("store", metavar="STORE", help="store folder")
    log.add_argument(
        "--since", type=_date, metavar="DATE", help="only changes from this day on (UTC)"
    )
    log.set_defaults(run=_log)
    backup = sub.add_parser(
        "backup", help="write a consistent copy of a store into a new folder (safe while in use)"
    )
    backup.add_argument("store", metavar="STORE", help="store folder")
    backup.add_argument("dest", metavar="DEST", help="new or empty folder for the copy")
    backup.set_defaults(run=_backup)
    restore = sub.add_parser("restore", help="check a backup and copy it into a new store folder")
    restore.add_argument("backup", metavar="BACKUP", help="backup folder")
    restore.add_argument("store", metavar="STORE", help="new or empty folder for the store")
    restore.set_defaults(run=_restore)
    report = sub.add_parser(
        "report",
        help="write the annual report of a year (targets, units, heads, overdue tasks, charts)",
    )
    report.add_argument("store", metavar="STORE", help="store folder")
    report.add_argument("year", metavar="YEAR", type=int, help="the year to report on")
    report.add_argument(
        "--format",
        action="append",
        choices=("md", "html", "xlsx"),
        help="md, html or xlsx (xlsx needs cchc_tasks.exports); repeat for several; "
        "default: md and html",
    )
    report.add_argument("--lang", choices=("vi", "en"), default="vi", help="language (default: vi)")
    report.add_argument("--out", default=".", metavar="DIR", help="folder to write into")
    report.add_argument(
        "--as-of", type=_date, metavar="DATE", help="evaluate as of this day (default: year end)"
    )
    report.add_argument(
        "--no-plots", action="store_true", help="leave out the charts (no matplotlib needed)"
    )
    report.set_defaults(run=_report)
    _add_import_export(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cchc`` command; returns the exit code."""
    args = _build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except CchcError as exc:
        print(f"cchc: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
