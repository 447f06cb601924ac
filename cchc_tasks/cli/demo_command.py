"""``cchc demo``: build the Tân Hồng example store, write each year's report and print a
summary of each year (or, with ``--full``, the whole evaluation)."""

from __future__ import annotations

import argparse
import importlib.util
import os
from typing import TYPE_CHECKING

from ._common import EXIT_OK, Command, fail, is_store_url
from ._writes import add_lang_option

if TYPE_CHECKING:
    from ..evaluation import Evaluation
    from ..tracker import Tracker

#: Where the reports go when the store is a ``postgresql://`` URL (a URL has no folder
#: next to which to write them).
URL_REPORTS = "tan-hong-reports"


def _add_demo_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", default="data/tan-hong", help="store folder to create")
    parser.add_argument(
        "--reports",
        metavar="DIR",
        help="folder to write each year's report into, as Markdown and HTML "
        "(default: next to the store, its name followed by -reports)",
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--full", action="store_true", help="print each year's whole report, not its summary"
    )
    shown.add_argument("--brief", action="store_true", help="the summaries without reasons")
    parser.add_argument(
        "--no-plots", action="store_true", help="write the reports without their charts"
    )
    add_lang_option(parser)
    parser.add_argument("--explain", metavar="PERSON", help="also explain one head's rating")
    parser.add_argument(
        "--explain-year",
        type=int,
        default=2025,
        metavar="YEAR",
        help="the year of --explain and of the closing hint (default: 2025)",
    )


def reports_folder(store: str) -> str:
    """The folder the demo writes its reports into by default: next to the store folder,
    named after it (``data/tan-hong`` → ``data/tan-hong-reports``), never inside it (a
    store folder holds the store's files only)."""
    if is_store_url(store):
        return URL_REPORTS
    folder = os.path.normpath(store)
    if os.path.basename(folder) in (os.curdir, os.pardir):
        folder = os.path.abspath(folder)
    return folder + "-reports"


def _run_demo(args: argparse.Namespace) -> int:
    from ..examples import YEARS, enable_example_plugins, tan_hong
    from ..labels import t
    from ..tracker import Tracker

    reports = args.reports or reports_folder(args.store)
    for folder, option in ((args.store, "--store"), (reports, "--reports")):
        if os.path.isdir(folder) and os.listdir(folder):
            fail("demo", f"{folder} is not empty; remove it or pick another {option}")
    # The charts need matplotlib (the notebook extra); without it the reports have none.
    plots = not args.no_plots and importlib.util.find_spec("matplotlib") is not None
    with Tracker.open(args.store) as tr:
        enable_example_plugins(tr)
        tan_hong(tr)
        built = t(
            "demo.built",
            args.lang,
            store=args.store,
            units=len(tr.units()),
            people=len(tr.persons()),
            tasks=len(tr.tasks()),
            seq=tr.seq,
        )
        print(built)
        for year in YEARS:
            print()
            print(_show_year(tr, year, args, reports, plots=plots))
        if not args.full:
            print()
            print(t("demo.hint", args.lang, store=args.store, year=args.explain_year))
        if args.explain:
            print()
            print(_evaluate(tr, args.explain_year).explain(args.explain))
    return EXIT_OK


def _evaluate(tr: Tracker, year: int) -> Evaluation:
    from ..examples import demo_as_of

    return tr.evaluate(year, as_of=demo_as_of(year))


def _show_year(
    tr: Tracker, year: int, args: argparse.Namespace, reports: str, *, plots: bool
) -> str:
    """Write ``year``'s report into ``reports`` and return what the demo prints of it."""
    from ..examples import year_summary
    from ..labels import t
    from ..reports import annual_report, write_report

    ev = _evaluate(tr, year)
    written = write_report(
        tr, year, reports, ("md", "html"), args.lang, as_of=ev.as_of, plots=plots
    )
    files = written[:2]  # the reports; the charts of the Markdown one follow
    if args.full:
        text = annual_report(tr, year, lang=args.lang, plots=False, evaluation=ev)
        return text + "\n" + t("demo.reports", args.lang, paths=[str(p) for p in files])
    return "\n".join(year_summary(ev, args.lang, reasons=not args.brief, reports=files))


DEMO = Command(
    name="demo",
    summary="build the Tân Hồng example store, write its reports for 2021–2026 and "
    "summarise each year",
    description="Build the Tân Hồng district example (units, heads, the plan, its targets, "
    "tasks and results for 2021–2026, across the 2025 reform) in an empty store folder, "
    "write each year's report (Markdown and HTML, with charts when matplotlib is "
    "installed) into a folder next to it, and print each year on one screen: the targets, "
    "the tasks, the ratings, the heads who need attention and the units with overdue "
    "tasks. --full prints each year's whole report instead. Every year ends on 31 "
    "December except 2026, evaluated as of 14 December 2026, the day a year's reports "
    "close their figures, so that the demo prints the same on any day.",
    examples=(
        "cchc demo",
        "cchc demo --store demo/th --brief",
        "cchc demo --full --lang en --no-plots",
        "cchc demo --explain p001",
    ),
    add_options=_add_demo_options,
    run=_run_demo,
)
