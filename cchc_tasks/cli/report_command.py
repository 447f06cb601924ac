"""``cchc report``: write the annual report of a year as Markdown, HTML or a workbook."""

from __future__ import annotations

import argparse

from ._common import EXIT_OK, Command, naming, open_store, parse_date, parse_year
from ._progress import counter
from ._writes import add_lang_option


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    parser.add_argument("year", metavar="YEAR", type=parse_year, help="the year to report on")
    parser.add_argument(
        "--format",
        action="append",
        choices=("md", "html", "xlsx"),
        help="md, html or xlsx (xlsx needs the excel extra); repeat for several; "
        "default: md and html",
    )
    add_lang_option(parser)
    parser.add_argument("--out", default=".", metavar="DIR", help="folder to write into")
    parser.add_argument(
        "--as-of",
        type=parse_date,
        metavar="DATE",
        help="evaluate as of this day (default: year end)",
    )
    parser.add_argument(
        "--no-plots", action="store_true", help="leave out the charts (no matplotlib needed)"
    )


#: The arguments of an evaluation, by the field its errors name.
EVALUATE_OPTIONS = {"evaluate.year": "YEAR", "evaluate.as_of": "--as-of"}


def _run_report(args: argparse.Namespace) -> int:
    from ..reports import write_report

    with open_store(args.store) as tr, naming(EVALUATE_OPTIONS):
        written = write_report(
            tr,
            args.year,
            args.out,
            args.format or ("md", "html"),
            args.lang,
            as_of=args.as_of,
            plots=not args.no_plots,
            progress=counter(args.lang, message="cli.report.counter"),
        )
    for path in written:
        print(path)
    return EXIT_OK


REPORT = Command(
    name="report",
    summary="write the annual report of a year (targets, units, heads, overdue tasks, charts)",
    description="Write 'Báo cáo kết quả thực hiện nhiệm vụ CCHC năm YEAR' as Markdown, HTML "
    "or a workbook, in Vietnamese or English, and print the paths written.",
    examples=(
        "cchc report data/tan-hong 2025",
        "cchc report data/tan-hong 2025 --format html --lang en --out reports",
        "cchc report data/tan-hong 2025 --format xlsx --as-of 30/06/2025 --no-plots",
    ),
    add_options=_add_report_options,
    run=_run_report,
)
