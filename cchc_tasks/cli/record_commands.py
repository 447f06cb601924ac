"""The write commands for the organisation and the yearly records: ``cchc unit``,
``cchc person``, ``cchc head``, ``cchc plan``, ``cchc target``, ``cchc result``,
``cchc assessment``, ``cchc discipline`` and ``cchc absence``.

Each calls the Tracker method a program would call (``add_unit``, ``appoint_head``,
``record_result``…), so it makes the same checks and writes the same journal line, and
prints that line (see :mod:`cchc_tasks.cli._writes`).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from ._common import Command, parse_date, parse_year
from ._writes import add_action, add_actions, write

if TYPE_CHECKING:
    from ..tracker import Tracker


# --- cchc unit ------------------------------------------------------------------------------


def _add_unit_options(parser: argparse.ArgumentParser) -> None:
    actions = add_actions(parser)
    add = add_action(actions, "add", "add a unit (its parent must exist already)")
    add.add_argument("id", metavar="ID", help="the new unit's id, such as an-phuoc")
    add.add_argument("--name", required=True, help="its name, such as 'UBND xã An Phước'")
    add.add_argument(
        "--kind", required=True, help="province, district, commune, agency, public-service-unit…"
    )
    add.add_argument("--parent", metavar="ID", help="the unit it answers to")
    add.add_argument("--from", dest="valid_from", type=parse_date, metavar="DATE")
    add.add_argument("--to", dest="valid_to", type=parse_date, metavar="DATE")
    end = add_action(actions, "end", "end a unit on a date, with no successor (dissolved)")
    end.add_argument("id", metavar="ID", help="the unit's id")
    end.add_argument("--on", type=parse_date, metavar="DATE", required=True, help="last day")


def _run_unit(args: argparse.Namespace) -> int:
    from ..units import Unit

    def change(tr: Tracker) -> None:
        if args.action == "end":
            tr.end_unit(args.id, args.on, actor=args.actor, note=args.note)
            return
        unit = Unit(
            id=args.id,
            name=args.name,
            kind=args.kind,
            parent=args.parent,
            valid_from=args.valid_from,
            valid_to=args.valid_to,
        )
        tr.add_unit(unit, actor=args.actor, note=args.note)

    return write(args, change)


UNIT = Command(
    name="unit",
    summary="add a unit (People's Committee, agency, office…), or end one",
    description="Add a unit to a store, as Tracker.add_unit does: its parent must exist "
    "already; or end a dissolved unit on a date, as Tracker.end_unit does (its open "
    "headship ends too; use the library's merge_units or split_unit when other units take "
    "over its work). Prints the journal line it wrote.",
    examples=(
        "cchc unit add data/tan-hong an-phuoc --name 'UBND xã An Phước' --kind commune "
        "--parent huyen --actor lan",
        "cchc unit end data/tan-hong to-mot-cua --on 31/12/2025 --actor lan",
    ),
    add_options=_add_unit_options,
    run=_run_unit,
)


# --- cchc person ----------------------------------------------------------------------------


def _add_person_options(parser: argparse.ArgumentParser) -> None:
    actions = add_actions(parser)
    add = add_action(actions, "add", "add a person (an official of a unit)")
    add.add_argument("id", metavar="ID", help="the new person's id")
    add.add_argument("--name", required=True, help="full name, such as 'Nguyễn Thị Lan'")
    add.add_argument("--unit", metavar="ID", help="the unit the person works in")
    add.add_argument("--title", default="", help="the post, such as 'Chủ tịch UBND xã'")
    add.add_argument("--service-start", type=parse_date, metavar="DATE")
    add.add_argument("--service-end", type=parse_date, metavar="DATE")


def _run_person(args: argparse.Namespace) -> int:
    from ..units import Person

    def change(tr: Tracker) -> None:
        person = Person(
            id=args.id,
            name=args.name,
            unit=args.unit,
            title=args.title,
            service_start=args.service_start,
            service_end=args.service_end,
        )
        tr.add_person(person, actor=args.actor, note=args.note)

    return write(args, change)


PERSON = Command(
    name="person",
    summary="add a person (an official who may head a unit or answer for tasks)",
    description="Add a person to a store, as Tracker.add_person does. Prints the journal "
    "line it wrote.",
    examples=(
        "cchc person add data/tan-hong p-lan --name 'Nguyễn Thị Lan' --unit an-phuoc "
        "--title 'Chủ tịch UBND xã' --actor lan",
    ),
    add_options=_add_person_options,
    run=_run_person,
)


# --- cchc head ------------------------------------------------------------------------------


def _add_head_options(parser: argparse.ArgumentParser) -> None:
    actions = add_actions(parser)
    appoint = add_action(actions, "appoint", "record that a person heads a unit from a date")
    appoint.add_argument("unit", metavar="UNIT", help="the unit's id")
    appoint.add_argument("person", metavar="PERSON", help="the person's id")
    appoint.add_argument("--from", dest="start", type=parse_date, metavar="DATE", required=True)
    appoint.add_argument("--to", dest="end", type=parse_date, metavar="DATE")
    appoint.add_argument(
        "--category",
        help="'cán bộ', 'công chức' or 'viên chức' (default: by the unit's kind)",
    )
    end = add_action(actions, "end", "close the open headship of a unit on a date")
    end.add_argument("unit", metavar="UNIT", help="the unit's id")
    end.add_argument("--on", type=parse_date, metavar="DATE", required=True, help="last day")


def _run_head(args: argparse.Namespace) -> int:
    def change(tr: Tracker) -> None:
        if args.action == "appoint":
            tr.appoint_head(
                args.unit,
                args.person,
                args.start,
                args.end,
                category=args.category,
                actor=args.actor,
                note=args.note,
            )
        else:
            tr.end_headship(args.unit, args.on, actor=args.actor, note=args.note)

    return write(args, change)


HEAD = Command(
    name="head",
    summary="appoint the head of a unit, or end a headship",
    description="Record who heads a unit (Tracker.appoint_head) and when a headship ends "
    "(Tracker.end_headship). Headships of one unit may not overlap: end the current one "
    "first. The head's category decides the articles of Decree 90/2020 they are rated by.",
    examples=(
        "cchc head end data/tan-hong an-phuoc --on 30/06/2025 --actor lan",
        "cchc head appoint data/tan-hong an-phuoc p-lan --from 01/07/2025 --actor lan "
        "--note 'QĐ 123/QĐ-UBND'",
    ),
    add_options=_add_head_options,
    run=_run_head,
)


# --- cchc plan ------------------------------------------------------------------------------


def _add_plan_options(parser: argparse.ArgumentParser) -> None:
    actions = add_actions(parser)
    add = add_action(actions, "add", "add a plan (a CCHC plan of a unit for a period)")
    add.add_argument("id", metavar="ID", help="the new plan's id, such as kh-cchc-2025")
    add.add_argument("--title", required=True, help="its title")
    add.add_argument("--unit", metavar="ID", required=True, help="the unit that issues it")
    add.add_argument("--from", dest="start", type=parse_date, metavar="DATE", required=True)
    add.add_argument("--to", dest="end", type=parse_date, metavar="DATE", required=True)
    add.add_argument("--parent", metavar="ID", help="the plan it carries out")
    add.add_argument("--document", default="", help="the decision that issued it")


def _run_plan(args: argparse.Namespace) -> int:
    from ..plans import Plan

    def change(tr: Tracker) -> None:
        plan = Plan(
            id=args.id,
            title=args.title,
            unit=args.unit,
            start=args.start,
            end=args.end,
            parent=args.parent,
            document=args.document,
        )
        tr.add_plan(plan, actor=args.actor, note=args.note)

    return write(args, change)


PLAN = Command(
    name="plan",
    summary="add a plan (a unit's CCHC plan for a period)",
    description="Add a plan, as Tracker.add_plan does. Prints the journal line it wrote.",
    examples=(
        "cchc plan add data/tan-hong kh-cchc-2025 --title 'Kế hoạch CCHC năm 2025' "
        "--unit huyen --from 01/01/2025 --to 31/12/2025 --document '45/KH-UBND'",
    ),
    add_options=_add_plan_options,
    run=_run_plan,
)


# --- cchc target ----------------------------------------------------------------------------


def _rule(text: str) -> dict[str, Any]:
    """A ``--rule`` argument: a JSON object with a ``kind``, as the store keeps rules."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(
            f'expected a JSON object such as {{"kind": "at_least", "x": 85}}, got {text!r}'
        )
    return value


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    actions = add_actions(parser)
    add = add_action(actions, "add", "add a target (a yearly level an indicator must reach)")
    add.add_argument("id", metavar="ID", help="the new target's id")
    add.add_argument("--plan", metavar="ID", required=True, help="the plan that sets it")
    add.add_argument("--unit", metavar="ID", required=True, help="the unit it binds")
    add.add_argument("--indicator", required=True, help="PAR_INDEX, SIPAS, PAPI, DTI or declared")
    add.add_argument(
        "--rule",
        type=_rule,
        required=True,
        help='the rule, as JSON: {"kind": "at_least", "x": 85}, {"kind": "rank_within", "n": 10}…',
    )
    add.add_argument("--title", default="", help="its wording in the plan")


def _run_target(args: argparse.Namespace) -> int:
    from ..targets import Target

    def change(tr: Tracker) -> None:
        target = Target(
            id=args.id,
            plan=args.plan,
            unit=args.unit,
            indicator=args.indicator,
            rule=args.rule,
            title=args.title,
        )
        tr.add_target(target, actor=args.actor, note=args.note)

    return write(args, change)


TARGET = Command(
    name="target",
    summary="add a target of a plan (the level an indicator must reach)",
    description="Add a target, as Tracker.add_target does; its rule is written as the store "
    "keeps it, a JSON object with a 'kind' (see the store format).",
    examples=(
        "cchc target add data/tan-hong mt-par-2025 --plan kh-cchc-2025 --unit huyen "
        '--indicator PAR_INDEX --rule \'{"kind": "at_least", "x": 85}\'',
    ),
    add_options=_add_target_options,
    run=_run_target,
)


# --- cchc result ----------------------------------------------------------------------------


def _add_result_options(parser: argparse.ArgumentParser) -> None:
    actions = add_actions(parser)
    record = add_action(actions, "record", "record (or correct) a unit's indicator result")
    record.add_argument("unit", metavar="UNIT", help="the unit's id")
    record.add_argument("year", metavar="YEAR", type=parse_year, help="the year it measures")
    record.add_argument("--indicator", required=True, help="PAR_INDEX, SIPAS, PAPI, DTI…")
    record.add_argument("--value", type=float, help="the score, such as 87.5")
    record.add_argument("--rank", type=int, help="the rank, 1 the best")
    record.add_argument("--of", type=int, help="out of how many")
    record.add_argument("--source", default="", help="where it was published")


def _run_result(args: argparse.Namespace) -> int:
    from ..results import Result

    def change(tr: Tracker) -> None:
        result = Result(
            indicator=args.indicator,
            unit=args.unit,
            year=args.year,
            value=args.value,
            rank=args.rank,
            of=args.of,
            source=args.source,
        )
        tr.record_result(result, actor=args.actor, note=args.note)

    return write(args, change)


RESULT = Command(
    name="result",
    summary="record (or correct) a unit's indicator result for a year",
    description="Record a unit's result of an indicator for a year, as Tracker.record_result "
    "does; recording it again corrects it (the journal keeps the old one).",
    examples=(
        "cchc result record data/tan-hong huyen 2024 --indicator PAR_INDEX --value 87.5 "
        "--rank 3 --of 12 --source 'QĐ 55/QĐ-UBND' --actor lan",
    ),
    add_options=_add_result_options,
    run=_run_result,
)


# --- cchc assessment ------------------------------------------------------------------------


def _add_assessment_options(parser: argparse.ArgumentParser) -> None:
    actions = add_actions(parser)
    record = add_action(
        actions, "record", "record (or correct) a person's general-criteria points for a year"
    )
    record.add_argument("person", metavar="PERSON", help="the person's id")
    record.add_argument("year", metavar="YEAR", type=parse_year, help="the year assessed")
    record.add_argument(
        "--points", type=float, required=True, help="general-criteria points (up to 30)"
    )
    record.add_argument("--by", default="", help="who assessed")


def _run_assessment(args: argparse.Namespace) -> int:
    def change(tr: Tracker) -> None:
        tr.record_assessment(
            args.person, args.year, args.points, by=args.by, actor=args.actor, note=args.note
        )

    return write(args, change)


ASSESSMENT = Command(
    name="assessment",
    summary="record a person's general-criteria points for a year (Decree 335/2025)",
    description="Record (or correct) a person's general-criteria points for a year, as "
    "Tracker.record_assessment does; the task part of the score is computed, never typed in.",
    examples=(
        "cchc assessment record data/tan-hong p-lan 2025 --points 27 --by 'Hội đồng' --actor lan",
    ),
    add_options=_add_assessment_options,
    run=_run_assessment,
)


# --- cchc discipline ------------------------------------------------------------------------


def _add_discipline_options(parser: argparse.ArgumentParser) -> None:
    actions = add_actions(parser)
    record = add_action(actions, "record", "record a disciplinary decision against a person")
    record.add_argument("person", metavar="PERSON", help="the person's id")
    record.add_argument("--on", type=parse_date, metavar="DATE", required=True, help="issued on")
    record.add_argument("--reason", required=True, help="what the decision says")
    record.add_argument("--form", default="", help="the decision's number and form")
    record.add_argument("--level", help="the sanction: 'khiển trách', 'cảnh cáo'…")
    duty = record.add_mutually_exclusive_group()
    duty.add_argument(
        "--duty-related",
        dest="duty_related",
        action="store_const",
        const=True,
        help="the violation concerned official duties",
    )
    duty.add_argument(
        "--not-duty-related",
        dest="duty_related",
        action="store_const",
        const=False,
        help="it did not",
    )
    record.add_argument(
        "--violation-year", type=parse_year, metavar="YEAR", help="the year of the violation"
    )


def _run_discipline(args: argparse.Namespace) -> int:
    def change(tr: Tracker) -> None:
        tr.discipline(
            args.person,
            args.on,
            args.reason,
            form=args.form,
            level=args.level,
            duty_related=args.duty_related,
            violation_year=args.violation_year,
            actor=args.actor,
            note=args.note,
        )

    return write(args, change)


DISCIPLINE = Command(
    name="discipline",
    summary="record a disciplinary decision against a person",
    description="Record a disciplinary decision, as Tracker.discipline does. Decree 335/2025 "
    "rates KHTNV only for a duty-related sanction at reprimand or above: say which with "
    "--duty-related or --not-duty-related (neither: not recorded, and not counted).",
    examples=(
        "cchc discipline record data/tan-hong p-lan --on 15/03/2025 --reason 'Chậm trễ' "
        "--level 'khiển trách' --duty-related --actor lan",
    ),
    add_options=_add_discipline_options,
    run=_run_discipline,
)


# --- cchc absence ---------------------------------------------------------------------------


def _add_absence_options(parser: argparse.ArgumentParser) -> None:
    actions = add_actions(parser)
    record = add_action(actions, "record", "record that a person was away from work")
    record.add_argument("person", metavar="PERSON", help="the person's id")
    record.add_argument("--from", dest="start", type=parse_date, metavar="DATE", required=True)
    record.add_argument("--to", dest="end", type=parse_date, metavar="DATE", required=True)
    record.add_argument(
        "--kind",
        choices=("maternity", "other"),
        default="other",
        help="maternity leave, or other time not at work (default: other)",
    )


def _run_absence(args: argparse.Namespace) -> int:
    def change(tr: Tracker) -> None:
        tr.record_absence(
            args.person, args.start, args.end, kind=args.kind, actor=args.actor, note=args.note
        )

    return write(args, change)


ABSENCE = Command(
    name="absence",
    summary="record that a person was away from work (maternity leave, other)",
    description="Record an absence from work, as Tracker.record_absence does: working time "
    "in the year decides whether and how high a person is rated. Absences of one person may "
    "not overlap.",
    examples=(
        "cchc absence record data/tan-hong p-lan --from 01/03/2025 --to 31/08/2025 "
        "--kind maternity --actor lan",
    ),
    add_options=_add_absence_options,
    run=_run_absence,
)
