"""The list commands: ``cchc tasks``, ``cchc units`` and ``cchc plugins``.

Each prints its rows as a table, JSON or CSV (``--format``).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..i18n import Message
from ._common import (
    EXIT_OK,
    FORMATS,
    Command,
    about,
    add_format_option,
    emit,
    fail,
    open_store,
    parse_date,
)
from ._writes import add_lang_option

# --- cchc tasks -----------------------------------------------------------------------------

#: The columns of ``cchc tasks --format csv``: every field of a task a program may want.
_TASK_CSV_COLUMNS = (
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
)


def _add_tasks_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    parser.add_argument("--unit", metavar="ID", help="only tasks this unit leads")
    parser.add_argument("--plan", metavar="ID", help="only tasks of this plan")
    parser.add_argument(
        "--status", choices=("open", "done", "cancelled"), help="only tasks with this status"
    )
    parser.add_argument("--assignee", metavar="PERSON", help="only tasks this person answers for")
    parser.add_argument("--due-from", type=parse_date, metavar="DATE", help="due on or after DATE")
    parser.add_argument("--due-to", type=parse_date, metavar="DATE", help="due on or before DATE")
    add_format_option(parser, FORMATS)
    add_lang_option(parser)


def _run_tasks(args: argparse.Namespace) -> int:
    from .._codec import unstructure
    from ..labels import t

    if args.due_from and args.due_to and args.due_from > args.due_to:
        fail("tasks", Message.of("cli.due_range", start=args.due_from, end=args.due_to))
    with open_store(args.store) as tr:
        # An id that names nothing is a typo more often than a question: say so.
        if args.unit is not None:
            about("--unit", lambda: tr.unit(args.unit))
        if args.plan is not None:
            about("--plan", lambda: tr.plan(args.plan))
        if args.assignee is not None:
            about("--assignee", lambda: tr.person(args.assignee))
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
        csv_columns=_TASK_CSV_COLUMNS,
        wide="title",
        empty=t("cli.tasks.none", args.lang),
        lang=args.lang,
    )
    return EXIT_OK


TASKS = Command(
    name="tasks",
    summary="list the tasks of a store, filtered by unit, plan, status and due date",
    description="List tasks sorted by due date, then id. Every filter given must match; dates "
    "are inclusive. A unit or plan id that names nothing is an error.",
    examples=(
        "cchc tasks data/tan-hong --unit an-phuoc --status open",
        "cchc tasks data/tan-hong --due-from 2025-01-01 --due-to 2025-03-31",
        "cchc tasks data/tan-hong --plan kh-cchc-2021-2030 --format csv > tasks.csv",
    ),
    add_options=_add_tasks_options,
    run=_run_tasks,
)


# --- cchc units -----------------------------------------------------------------------------


def _add_units_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    parser.add_argument("--parent", metavar="ID", help="only the units directly under this one")
    add_format_option(parser, FORMATS)
    add_lang_option(parser)


def _run_units(args: argparse.Namespace) -> int:
    from .._codec import unstructure
    from ..labels import t

    with open_store(args.store) as tr:
        if args.parent is not None:
            about("--parent", lambda: tr.unit(args.parent))
        rows = [unstructure(unit) for unit in tr.units(parent=args.parent)]
    emit(
        args.format,
        rows,
        table=("id", "name", "kind", "parent", "valid_from", "valid_to"),
        csv_columns=("id", "name", "kind", "parent", "valid_from", "valid_to", "successors"),
        wide="name",
        empty=t("cli.units.none", args.lang),
        lang=args.lang,
    )
    return EXIT_OK


UNITS = Command(
    name="units",
    summary="list the units of a store (People's Committees, agencies, offices…)",
    description="List units sorted by id, with their kind, parent and the days they existed.",
    examples=(
        "cchc units data/tan-hong",
        "cchc units data/tan-hong --parent huyen",
        "cchc units data/tan-hong --format json",
    ),
    add_options=_add_units_options,
    run=_run_units,
)


# --- cchc plugins ---------------------------------------------------------------------------


def _add_plugins_options(parser: argparse.ArgumentParser) -> None:
    add_format_option(parser, FORMATS)
    add_lang_option(parser)


def _run_plugins(args: argparse.Namespace) -> int:
    from ..labels import t
    from ..plugins import make_plugin_manager, plugin_versions

    pm = make_plugin_manager()
    versions = dict(plugin_versions(pm))
    rows: list[dict[str, Any]] = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda np: np[0]):
        if plugin is None:
            continue
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
        # Built-in rules are always on; an installed plugin takes part in a store's
        # evaluations only when the store's configuration enables it (cchc config plugins).
        status = "built-in" if name.startswith("cchc_tasks.") else "installed"
        row = {"name": name, "version": versions.get(name, "?"), "status": status}
        rows.append({**row, "hooks": hooks})
    # The table words the status; JSON and CSV keep the values programs compare.
    words = {"built-in": t("cli.plugins.built_in", args.lang),
             "installed": t("cli.plugins.installed", args.lang)}  # fmt: skip
    emit(
        args.format,
        rows,
        table=("name", "version", "status", "hooks"),
        empty=t("cli.plugins.none", args.lang),
        lang=args.lang,
        headers={"version": "cli.col.version", "hooks": "cli.col.hooks"},
        table_rows=[{**row, "status": words[row["status"]]} for row in rows],
    )
    return EXIT_OK


PLUGINS = Command(
    name="plugins",
    summary="list the built-in and installed plugins, their versions and hooks",
    description="List the built-in rules (always on) and the plugins installed here as "
    "entry points (minus those blocked by CCHC_TASKS_DISABLE_PLUGINS), with their versions "
    "and hooks. An installed plugin takes part in a store's evaluations only when the "
    "store's configuration enables it (cchc config plugins STORE NAME).",
    examples=(
        "cchc plugins",
        "cchc plugins --format json",
        "CCHC_TASKS_DISABLE_PLUGINS=cchc_emulation cchc plugins",
    ),
    add_options=_add_plugins_options,
    run=_run_plugins,
)
