"""``cchc copy SRC DEST``: move a store between a folder and PostgreSQL, keeping every
journal line and hash; exit 2 if the copy does not verify."""

from __future__ import annotations

import argparse

from ..labels import t
from ._common import EXIT_OK, EXIT_TAMPERED, Command
from ._verify_text import verify_text
from ._writes import add_lang_option


def _add_copy_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SRC", help="store folder or postgresql:// URL")
    parser.add_argument(
        "dest", metavar="DEST", help="new or empty folder, or postgresql:// URL of an empty store"
    )
    add_lang_option(parser)


def _run_copy(args: argparse.Namespace) -> int:
    from ..store.copy import copy_store
    from ..store.pgurl import PgAddress, is_postgres_url

    report = copy_store(args.source, args.dest)
    shown = [
        PgAddress.parse(w).shown if is_postgres_url(w) else w for w in (args.source, args.dest)
    ]
    lang = args.lang
    print(t("cli.copy.done", lang, source=shown[0], dest=shown[1], lines=report.lines))
    print(verify_text(report, lang))
    print(t("cli.copy.head", lang, head=report.head))
    return EXIT_OK if report.ok else EXIT_TAMPERED


COPY = Command(
    name="copy",
    summary="copy a store between a folder and PostgreSQL, keeping every line and hash",
    description="Verify SRC, copy its journal (seqs, times, actors, notes and hashes as they "
    "are) and its documents into DEST, then verify the copy: its head is the source's. "
    "Either may be a store folder or a postgresql://user@host:port/db[?schema=name] URL. "
    "DEST must be a new or empty folder, or hold no store or an empty one.",
    examples=(
        "cchc copy data/tan-hong postgresql://cchc@db.dongthap:5432/cchc?schema=tan_hong",
        "cchc copy postgresql://cchc@db.dongthap/cchc?schema=tan_hong data/tan-hong-copy",
    ),
    add_options=_add_copy_options,
    run=_run_copy,
)
