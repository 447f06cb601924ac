"""The commands that look after a store folder as a whole: ``cchc verify``, ``cchc backup``
and ``cchc restore``. Verify and backup exit with status 2 on tampering."""

from __future__ import annotations

import argparse

from ..labels import t
from ._common import EXIT_OK, EXIT_TAMPERED, Command, existing_store, is_store_url, open_store
from ._verify_text import report_lines, verify_text
from ._writes import add_lang_option

# --- cchc verify ----------------------------------------------------------------------------


def _add_verify_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    parser.add_argument(
        "--expect",
        metavar="HEAD",
        help="a head recorded elsewhere (from 'cchc log --heads'; 12 to 64 hex digits): "
        "fail unless the hash chain passes through it",
    )
    add_lang_option(parser)


def _run_verify(args: argparse.Namespace) -> int:
    from ..errors import ValidationError
    from ..store import is_head, verify_folder
    from ..store.copy import open_existing

    if args.expect is not None and not is_head(args.expect):
        raise ValidationError("--expect", "a head: 12 to 64 hex digits", args.expect)
    if is_store_url(existing_store(args.store)):
        store = open_existing(args.store)
        try:
            report = store.verify(expect=args.expect)
        finally:
            store.close()
    else:
        report = verify_folder(args.store, expect=args.expect)
    print("\n".join(report_lines(report, args.lang)))
    return EXIT_OK if report.ok else EXIT_TAMPERED


VERIFY = Command(
    name="verify",
    summary="walk a store's whole hash chain and check its snapshot; exit 2 on tampering",
    description="Check every journal line's hash from line 1 and the snapshot against the "
    "journal. Reads only. Prints OK or TAMPERED with the file and line, and the last good "
    "hash. A journal rewritten from an edited line with every hash recomputed (and the "
    "snapshot deleted) is self-consistent: only --expect with a head published elsewhere "
    "(see 'cchc log --heads') shows it.",
    examples=(
        "cchc verify data/tan-hong",
        "cchc verify data/tan-hong --expect 3f9a0c2e71b4",
        "cchc verify data/tan-hong || echo 'look at the report'",
    ),
    add_options=_add_verify_options,
    run=_run_verify,
)


# --- cchc backup ----------------------------------------------------------------------------


def _add_backup_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    parser.add_argument("dest", metavar="DEST", help="new or empty folder for the copy")
    add_lang_option(parser)


def _run_backup(args: argparse.Namespace) -> int:
    with open_store(args.store) as tr:
        report = tr.backup(args.dest)
    print(t("cli.backup.done", args.lang, store=args.store, dest=args.dest, lines=report.lines))
    print(verify_text(report, args.lang))
    return EXIT_OK if report.ok else EXIT_TAMPERED


BACKUP = Command(
    name="backup",
    summary="write a consistent copy of a store into a new folder (safe while in use)",
    description="Copy the journal (caught up under the writer lock) and a fresh snapshot into "
    "a new or empty folder, then verify the copy; exit 2 if the copy shows tampering.",
    examples=("cchc backup data/tan-hong backups/tan-hong-$(date +%F)",),
    add_options=_add_backup_options,
    run=_run_backup,
)


# --- cchc restore ---------------------------------------------------------------------------


def _add_restore_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("backup", metavar="BACKUP", help="backup folder")
    parser.add_argument("store", metavar="STORE", help="new or empty folder for the store")
    add_lang_option(parser)


def _run_restore(args: argparse.Namespace) -> int:
    from ..store import Store

    report = Store.restore(existing_store(args.backup), args.store)
    lines = report.lines
    print(t("cli.restore.done", args.lang, backup=args.backup, store=args.store, lines=lines))
    print(verify_text(report, args.lang))
    return EXIT_OK


RESTORE = Command(
    name="restore",
    summary="check a backup and copy it into a new store folder",
    description="Verify a backup and copy it into a new or empty folder, which becomes a store.",
    examples=("cchc restore backups/tan-hong-2025-12-31 data/tan-hong-restored",),
    add_options=_add_restore_options,
    run=_run_restore,
)
