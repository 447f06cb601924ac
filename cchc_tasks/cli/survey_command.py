"""``cchc survey codes``: issue a batch of one-time survey codes and print them."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from ..i18n import Message
from ..labels import t
from ._common import EXIT_OK, Command, fail, open_store, parse_date
from ._writes import add_lang_option

#: How long a code works when ``--expires`` is not given.
DEFAULT_DAYS = 90


def _add_survey_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("codes",), help="codes: issue and print codes")
    parser.add_argument("store", metavar="STORE", help="store folder (or database URL)")
    parser.add_argument("--unit", required=True, help="the unit (id) that serves")
    parser.add_argument("--service", default="", help="the service or procedure, as printed")
    parser.add_argument(
        "--count", type=int, required=True, metavar="N", help="how many codes (1 to 10000)"
    )
    parser.add_argument(
        "--out", required=True, metavar="FILE", help="a .pdf (slips with QR codes) or .csv file"
    )
    parser.add_argument(
        "--issued",
        type=parse_date,
        metavar="DATE",
        help="first day the codes work (default: today)",
    )
    parser.add_argument(
        "--expires",
        type=parse_date,
        metavar="DATE",
        help=f"last day the codes work (default: {DEFAULT_DAYS} days after --issued)",
    )
    parser.add_argument(
        "--url",
        metavar="URL",
        help="the survey's public address; the QR codes open URL/s/CODE (default: the code alone)",
    )
    parser.add_argument("--font", metavar="TTF", help="a TrueType font for the PDF")
    parser.add_argument("--actor", help="who issues them, for the journal")
    add_lang_option(parser)


def _run_survey(args: argparse.Namespace) -> int:
    out = Path(args.out)
    kind = out.suffix.lower()
    if kind not in (".pdf", ".csv"):
        fail("survey", Message.of("cli.survey.bad_out", got=args.out))
    if out.exists():
        fail("survey", Message.of("cli.survey.out_exists", got=args.out))
    from ..web.printing import find_font, write_codes_csv, write_codes_pdf

    font = find_font(args.font) if kind == ".pdf" else None  # before any code is issued
    issued = args.issued or dt.date.today()
    expires = args.expires or issued + dt.timedelta(days=DEFAULT_DAYS)
    with open_store(args.store) as tr:
        codes = tr.issue_survey_codes(
            args.unit,
            args.service,
            args.count,
            issued=issued,
            expires=expires,
            actor=args.actor,
            note=f"survey codes printed to {out.name}",
        )
        unit_name = tr.unit(args.unit).name
    if kind == ".csv":
        write_codes_csv(
            out, codes, unit=unit_name, service=args.service, expires=expires, base_url=args.url
        )
    else:
        write_codes_pdf(
            out,
            codes,
            unit_name=unit_name,
            service=args.service,
            expires=expires,
            base_url=args.url,
            font=font,
        )
    done = t(
        "cli.survey.done", args.lang, count=len(codes), unit=unit_name, issued=issued,
        expires=expires, file=out,
    )  # fmt: skip
    print(done)
    return EXIT_OK


SURVEY = Command(
    name="survey",
    summary="issue one-time survey codes and print them (PDF slips with QR codes, or CSV)",
    description="Issue N one-time codes for the online satisfaction survey of a unit's "
    "service and write them to a PDF of slips (the code as text and as a QR code) or a CSV "
    "file. The store keeps only a digest of each code: the file is the only copy. Needs the "
    "web extra.",
    examples=(
        "cchc survey codes data/tan-hong --unit tu-phap --service 'Chứng thực' --count 100 "
        "--out phieu.pdf --url https://khaosat.example.gov.vn",
        "cchc survey codes data/tan-hong --unit tu-phap --count 20 --expires 2025-12-31 "
        "--out phieu.csv",
    ),
    add_options=_add_survey_options,
    run=_run_survey,
)
