"""``cchc demo``: build the Tân Hồng example store and print its evaluations."""

from __future__ import annotations

import argparse
import os

from ._common import EXIT_OK, Command, fail


def _add_demo_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", default="data/tan-hong", help="store folder to create")
    parser.add_argument("--brief", action="store_true", help="ratings without reasons")
    parser.add_argument("--explain", metavar="PERSON", help="also explain one head's rating")
    parser.add_argument(
        "--explain-year",
        type=int,
        default=2025,
        metavar="YEAR",
        help="the year of --explain (default: 2025)",
    )


def _run_demo(args: argparse.Namespace) -> int:
    from ..examples import YEARS, enable_example_plugins, tan_hong
    from ..reports import text_report
    from ..tracker import Tracker

    if os.path.isdir(args.store) and os.listdir(args.store):
        fail("demo", f"{args.store} is not empty; remove it or pick another --store")
    with Tracker.open(args.store) as tr:
        enable_example_plugins(tr)
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


DEMO = Command(
    name="demo",
    summary="build the Tân Hồng example store and print its evaluations for 2021–2026",
    description="Build the Tân Hồng district example (units, heads, the plan, its targets, "
    "tasks and results for 2021–2026, across the 2025 reform) in an empty store folder, then "
    "print the evaluation report of each year.",
    examples=("cchc demo", "cchc demo --store /tmp/th --brief", "cchc demo --explain p001"),
    add_options=_add_demo_options,
    run=_run_demo,
)
