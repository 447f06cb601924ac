"""The commands that exchange files: ``cchc import`` (an office's sheet: a task annex,
progress, units or people; or a whole store from JSON) and ``cchc export`` (tasks, an
evaluation, the whole store)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from ..i18n import Message
from ..labels import t
from ._common import (
    EXIT_OK,
    Command,
    UsageError,
    about,
    fail,
    naming,
    one_line,
    open_store,
    parse_date,
)
from ._progress import counter
from ._writes import add_lang_option, add_write_options

if TYPE_CHECKING:
    from ..tracker import Tracker

# --- cchc import ---------------------------------------------------------------------------


def _add_import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    parser.add_argument(
        "file", metavar="FILE", help="a sheet (.xlsx or .csv), or a store exported as .json"
    )
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--plan", metavar="ID", help="a task annex: the plan its tasks belong to")
    kind.add_argument(
        "--progress",
        action="store_true",
        help="the task sheet of 'cchc export --tasks', filled in: completions, vượt mức, "
        "progress reports",
    )
    kind.add_argument("--units", action="store_true", help="a sheet of new units")
    kind.add_argument(
        "--people", action="store_true", help="a sheet of new people, and the units they head"
    )
    parser.add_argument(
        "--columns",
        metavar="HEADING=COLUMN",
        action="append",
        default=[],
        help="read a column of another heading as COLUMN, such as 'Thời gian=due' "
        "(repeatable or comma-separated)",
    )
    parser.add_argument(
        "--on",
        type=parse_date,
        metavar="DATE",
        help="with --progress: the day of reports whose Ngày báo cáo is blank (default: today)",
    )
    parser.add_argument("--sheet", metavar="NAME", help="workbook sheet (default: the first table)")
    add_write_options(parser)


def _run_import(args: argparse.Namespace) -> int:
    """``cchc import``: a sheet (.xlsx/.csv) into the store, or a whole store (.json)."""
    from .._tabular import TabularImportError
    from ..sheets import parse_columns
    from ..tracker import Tracker

    lang = args.lang
    if not os.path.isfile(args.file):
        fail("import", t("import.cli.no_file", lang, file=args.file))
    if args.file.lower().endswith(".json"):
        from ..exports import import_store_json

        # A store exported as JSON may go into a new folder: the store is created.
        with Tracker.open(args.store) as tr:
            count = import_store_json(tr, args.file, actor=args.actor, note=args.note)
            seq = tr.seq
        done = "import.cli.store_done"
        print(t(done, lang, count=count, file=args.file, store=args.store, seq=seq))
        return EXIT_OK
    if not (args.plan or args.progress or args.units or args.people):
        fail("import", t("import.cli.needs_kind", lang))
    columns = about("--columns", lambda: parse_columns(args.columns))
    print(t("import.cli.reading", lang, file=args.file), file=sys.stderr)
    with open_store(args.store) as tr:
        try:
            print(_import_sheet(tr, args, columns))
        except TabularImportError as exc:
            raise UsageError(f"cchc: {one_line(exc.render(lang))}") from exc
    return EXIT_OK


def _import_sheet(tr: Tracker, args: argparse.Namespace, columns: dict[str, str]) -> str:
    """Import the sheet ``args`` name; what to print."""
    from ..annex import ANNEX_HEADINGS, import_annex
    from ..sheet_imports import (
        PEOPLE_HEADINGS,
        PROGRESS_HEADINGS,
        UNIT_HEADINGS,
        import_people,
        import_progress,
        import_units,
    )

    lang, file = args.lang, args.file
    common: dict[str, Any] = {
        "actor": args.actor,
        "note": args.note,
        "progress": counter(lang),
        "columns": columns,
        "sheet": args.sheet,
    }
    if args.plan:
        about("--plan", lambda: tr.plan(args.plan))
        about("--columns", lambda: ANNEX_HEADINGS.with_overrides(columns))
        count = len(import_annex(tr, file, args.plan, **common))
        done = "import.cli.annex_done"
        return t(done, lang, count=count, file=file, plan=args.plan, seq=tr.seq)
    if args.progress:
        about("--columns", lambda: PROGRESS_HEADINGS.with_overrides(columns))
        result = import_progress(tr, file, on=args.on, **common)
        if not result.written:
            return t("import.cli.progress_nothing", lang, file=file, unchanged=result.unchanged)
        return t(
            "import.cli.progress_done",
            lang,
            count=result.written,
            file=file,
            unchanged=result.unchanged,
            seq=result.seq,
        )
    if args.units:
        about("--columns", lambda: UNIT_HEADINGS.with_overrides(columns))
        result = import_units(tr, file, **common)
        return t("import.cli.units_done", lang, count=result.written, file=file, seq=result.seq)
    about("--columns", lambda: PEOPLE_HEADINGS.with_overrides(columns))
    result = import_people(tr, file, **common)
    return t("import.cli.people_done", lang, count=result.written, file=file, seq=result.seq)


IMPORT = Command(
    name="import",
    summary="import a sheet (.xlsx or .csv): a task annex, progress, units or people, all or "
    "nothing; or a whole store exported as .json",
    description="Import an office's sheet, all or nothing: a task annex ('Phụ lục nhiệm vụ') "
    "into a plan (--plan), the task sheet of 'cchc export --tasks' filled in with "
    "completions and progress (--progress), new units (--units) or new people and the units "
    "they head (--people). Every row is checked first, and any bad row fails the whole "
    "import with a list of every bad row (nothing is written). A .json file exported by "
    "'cchc export --json' fills a new store.",
    examples=(
        "cchc import data/tan-hong phu-luc-2026.xlsx --plan kh-cchc-2026 --actor noi-vu",
        "cchc import data/tan-hong phu-luc.xlsx --plan kh-cchc-2026 --columns 'Thời gian=due'",
        "cchc import data/tan-hong tien-do.xlsx --progress --actor noi-vu",
        "cchc import data/tan-hong don-vi.xlsx --units",
        "cchc import data/tan-hong can-bo.xlsx --people",
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
    add_lang_option(parser)


def _run_export(args: argparse.Namespace) -> int:
    """``cchc export``: tasks (.xlsx/.csv), a year's evaluation (.xlsx), the store (.json)."""
    from ..exports import export_evaluation, export_store_json, export_tasks

    if not (args.tasks or args.evaluation or args.json):
        fail("export", Message.of("cli.export.needs_kind"))
    for path in (args.tasks, args.evaluation[1] if args.evaluation else None, args.json):
        folder = os.path.dirname(path or "") or "."
        if path and not os.path.isdir(folder):
            fail("export", Message.of("cli.export.no_folder", file=path, folder=folder))
    year = None
    if args.evaluation:
        try:
            year = int(args.evaluation[0])
        except ValueError:
            fail("export", Message.of("cli.export.bad_year", got=args.evaluation[0]))
    with open_store(args.store) as tr:
        if args.plan:
            about("--plan", lambda: tr.plan(args.plan))
        if args.tasks:
            chosen = tr.tasks(plan=args.plan) if args.plan else None
            count = export_tasks(tr, args.tasks, chosen)
            print(t("cli.export.tasks", args.lang, count=count, file=args.tasks))
        if year is not None:
            with naming({"evaluate.year": "--evaluation YEAR", "evaluate.as_of": "--as-of"}):
                evaluation = tr.evaluate(year, as_of=args.as_of)
            export_evaluation(evaluation, args.evaluation[1])
            print(t("cli.export.evaluation", args.lang, year=year, file=args.evaluation[1]))
        if args.json:
            count = export_store_json(tr, args.json)
            print(t("cli.export.store", args.lang, count=count, seq=tr.seq, file=args.json))
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
