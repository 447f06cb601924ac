"""``cchc task add|complete|progress|cancel|update``: the week's work on tasks.

Each action calls the Tracker method a program would call (``add_task``,
``complete_task``, ``report_progress``, ``cancel_task``, ``update_task``), so it makes the
same checks and writes the same journal line, and prints that line.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ._common import Command, fail, parse_date
from ._writes import add_action, add_actions, write

if TYPE_CHECKING:
    from ..tracker import Tracker

#: The options of ``task add`` and ``task update`` that are fields of a task, with the
#: field each sets.
_DETAILS = ("title", "unit", "due", "assignee", "partners", "field", "output", "weight", "budget")


def _add_details(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    """The options that describe a task: required to add one, optional to change one."""
    parser.add_argument("--title", required=adding, help="what is to be done")
    parser.add_argument("--unit", metavar="ID", required=adding, help="the unit that leads it")
    parser.add_argument("--due", type=parse_date, metavar="DATE", required=adding, help="due day")
    parser.add_argument("--assignee", metavar="PERSON", help="the person who answers for it")
    parser.add_argument(
        "--partner",
        dest="partners",
        metavar="ID",
        action="append",
        help="a unit that takes part (repeat for several)",
    )
    parser.add_argument("--field", help="the reform field: procedures, civil-service…")
    parser.add_argument("--output", help="the product expected, such as 'Báo cáo'")
    parser.add_argument("--weight", type=float, help="its weight in the unit's score")
    parser.add_argument("--budget", type=float, help="its budget, in đồng")


def _add_task_options(parser: argparse.ArgumentParser) -> None:
    actions = add_actions(parser)
    add = add_action(actions, "add", "add a task to a plan")
    add.add_argument("id", metavar="ID", help="the new task's id, such as nv-2025-03")
    add.add_argument("--plan", metavar="ID", required=True, help="the plan it belongs to")
    _add_details(add, adding=True)
    complete = add_action(actions, "complete", "mark a task done on a day")
    complete.add_argument("id", metavar="ID", help="the task's id")
    complete.add_argument("--on", type=parse_date, metavar="DATE", required=True, help="done on")
    complete.add_argument("--exceeded", action="store_true", help="hoàn thành vượt mức")
    complete.add_argument("--quality-note", default=None, help="a remark on its quality")
    complete.add_argument("--errors", type=int, help="major errors found in its output")
    complete.add_argument(
        "--correct", action="store_true", help="correct the record of a task done already"
    )
    progress = add_action(actions, "progress", "attach a progress report to a task")
    progress.add_argument("id", metavar="ID", help="the task's id")
    progress.add_argument("--on", type=parse_date, metavar="DATE", required=True)
    progress.add_argument("--percent", type=int, required=True, help="how far, 0 to 100")
    progress.add_argument("--report", default="", help="what was done (the report's text)")
    progress.add_argument(
        "--evidence", action="append", default=[], help="a document that shows it (repeatable)"
    )
    progress.add_argument("--by", metavar="PERSON", help="who reports")
    cancel = add_action(actions, "cancel", "cancel a task (it stops counting)")
    cancel.add_argument("id", metavar="ID", help="the task's id")
    cancel.add_argument("--reason", required=True, help="why (required)")
    update = add_action(actions, "update", "change a task's details (not its status)")
    update.add_argument("id", metavar="ID", help="the task's id")
    _add_details(update, adding=False)


def _changes(args: argparse.Namespace) -> dict[str, Any]:
    """The details ``task update`` was given."""
    changes = {name: getattr(args, name) for name in _DETAILS}
    return {name: value for name, value in changes.items() if value is not None}


def _add(tr: Tracker, args: argparse.Namespace) -> None:
    from ..tasks import Task

    details = {k: v for k, v in _changes(args).items() if k in {"output", "weight", "budget"}}
    task = Task(
        id=args.id,
        plan=args.plan,
        title=args.title,
        unit=args.unit,
        due=args.due,
        assignee=args.assignee,
        partners=tuple(args.partners or ()),
        field=args.field,
        **details,
    )
    tr.add_task(task, actor=args.actor, note=args.note)


def _complete(tr: Tracker, args: argparse.Namespace) -> None:
    tr.complete_task(
        args.id,
        args.on,
        exceeded=args.exceeded,
        quality_note=args.quality_note,
        errors=args.errors,
        correct=args.correct,
        actor=args.actor,
        note=args.note,
    )


def _progress(tr: Tracker, args: argparse.Namespace) -> None:
    from ..tasks import ProgressReport

    report = ProgressReport(
        on=args.on, percent=args.percent, note=args.report, evidence=args.evidence, by=args.by
    )
    tr.report_progress(args.id, report, actor=args.actor, note=args.note)


def _cancel(tr: Tracker, args: argparse.Namespace) -> None:
    tr.cancel_task(args.id, args.reason, actor=args.actor, note=args.note)


def _update(tr: Tracker, args: argparse.Namespace) -> None:
    tr.update_task(args.id, actor=args.actor, note=args.note, **_changes(args))


_ACTIONS = {
    "add": _add,
    "complete": _complete,
    "progress": _progress,
    "cancel": _cancel,
    "update": _update,
}


def _run_task(args: argparse.Namespace) -> int:
    if args.action == "update" and not _changes(args):
        fail("task update", "nothing to change: give at least one of --title, --due, --unit…")
    act = _ACTIONS[args.action]
    return write(args, lambda tr: act(tr, args))


TASK = Command(
    name="task",
    summary="add, complete, report progress on, cancel or change a task",
    description="The week's work on tasks, each action through the Tracker method a program "
    "would call (add_task, complete_task, report_progress, cancel_task, update_task): the "
    "same checks, the same journal line, which the command prints.",
    examples=(
        "cchc task add data/tan-hong nv-2024-03 --plan kh-cchc-2024 --title 'Rà soát TTHC' "
        "--unit an-phuoc --due 30/06/2024 --assignee p-lan --actor lan",
        "cchc task progress data/tan-hong nv-2024-03 --on 31/05/2024 --percent 60 "
        "--report 'Đã rà soát 12/20 thủ tục' --actor lan",
        "cchc task complete data/tan-hong nv-2024-03 --on 15/06/2024 --exceeded --actor lan",
        "cchc task update data/tan-hong nv-2024-04 --due 31/07/2024 --note 'CV 12/UBND'",
        "cchc task cancel data/tan-hong nv-2024-05 --reason 'Không còn phù hợp' --actor lan",
    ),
    add_options=_add_task_options,
    run=_run_task,
)
