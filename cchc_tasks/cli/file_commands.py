"""The commands that exchange files: ``cchc import`` (a task annex into a plan, or a
whole store from JSON) and ``cchc export`` (tasks, an evaluation, the whole store)."""

from __future__ import annotations

import argparse
import os
import sys

from ._common import EXIT_OK, Command, about, fail, naming, open_store, parse_date

# --- cchc import ----------------------------------------------------------------------------


def _add_import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    parser.add_argument("file", metavar="FILE", help="annex .xlsx or .csv, or a store .json")
    parser.add_argument("--plan", metavar="ID", help="the plan the annex's tasks belong to")
    parser.add_argument("--sheet", metavar="NAME", help="workbook sheet (default: the first table)")
    parser.add_argument("--actor", metavar="ID", help="who imports, recorded in the journal")
    parser.add_argument("--note", help="the note recorded in the journal")


def _run_import(args: argparse.Namespace) -> int:
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
        about("--plan", lambda: tr.plan(args.plan))
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


IMPORT = Command(
    name="import",
    summary="import a task annex (.xlsx or .csv) into a plan, all or nothing; or a whole "
    "store exported as .json",
    description="Import the tasks of an annex ('Phụ lục nhiệm vụ') into a plan: every row is "
    "checked first, and any bad row fails the whole import with a list of every bad row "
    "(nothing is written). A .json file exported by 'cchc export --json' fills a new store.",
    examples=(
        "cchc import data/tan-hong phu-luc-2026.xlsx --plan kh-cchc-2026 --actor noi-vu",
        "cchc import data/copy tan-hong.json",
    ),
    add_options=_add_import_options,
    run=_run_import,
)


# --- cchc export ----------------------------------------------------------------------------


def _add_export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    parser.add_argument("--tasks", metavar="FILE", help="tasks to a .xlsx or .csv file")
    parser.add_argument("--plan", metavar="ID", help="with --tasks: only this plan's tasks")
    parser.add_argument(
        "--evaluation", nargs=2, metavar=("YEAR", "FILE"), help="a year's evaluation to .xlsx"
    )
    parser.add_argument(
        "--as-of", type=parse_date, metavar="DATE", help="with --evaluation: as of DATE"
    )
    parser.add_argument("--json", metavar="FILE", help="the whole store to .json")


def _run_export(args: argparse.Namespace) -> int:
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
            about("--plan", lambda: tr.plan(args.plan))
        if args.tasks:
            chosen = tr.tasks(plan=args.plan) if args.plan else None
            count = export_tasks(tr, args.tasks, chosen)
            print(f"Wrote {count} tasks to {args.tasks}.")
        if year is not None:
            with naming({"evaluate.year": "--evaluation YEAR", "evaluate.as_of": "--as-of"}):
                evaluation = tr.evaluate(year, as_of=args.as_of)
            export_evaluation(evaluation, args.evaluation[1])
            print(f"Wrote the evaluation of {year} to {args.evaluation[1]}.")
        if args.json:
            count = export_store_json(tr, args.json)
            print(f"Wrote {count} objects (journal seq {tr.seq}) to {args.json}.")
    return EXIT_OK


EXPORT = Command(
    name="export",
    summary="write tasks, an evaluation or the whole store to files",
    description="Write tasks to .xlsx or .csv (Vietnamese headers), a year's evaluation to "
    ".xlsx, or the whole store to .json; give one or more of --tasks, --evaluation and --json.",
    examples=(
        "cchc export data/tan-hong --tasks tasks.xlsx --plan kh-cchc-2021-2030",
        "cchc export data/tan-hong --evaluation 2025 danh-gia-2025.xlsx",
        "cchc export data/tan-hong --json tan-hong.json",
    ),
    add_options=_add_export_options,
    run=_run_export,
)
