"""The journal commands: ``cchc history`` (every change to one object) and ``cchc log``
(every journal line), oldest first.

Both show a change the same way: the default ``text`` layout on one line per change,
``table`` and ``csv`` one row per change, ``json`` the documents before and after. The
text and the table are worded in the language of ``--lang`` (fields by their labels,
dates day first in Vietnamese); CSV and JSON keep field names, ids and ISO dates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..i18n import Message
from ..labels import Lang, date_text, t
from ._common import (
    EXIT_OK,
    FORMATS,
    Command,
    UsageError,
    add_format_option,
    emit,
    open_store,
    parse_date,
)
from ._writes import add_lang_option, describe_change

if TYPE_CHECKING:
    from ..store import Change, Entry

# --- How a change is shown ------------------------------------------------------------------

_CHANGE_TABLE = ("seq", "at_utc", "actor", "note", "change")
_CHANGE_CSV = ("seq", "at_utc", "actor", "note", "op", "table", "id", "change")


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _describe(change: Change) -> str:
    """One change on one line for programs (the ``change`` column of CSV): what happened
    to which object, and which fields moved, by their names."""
    head = f"{change.op} {change.table} {change.id}"
    if change.before is None or change.after is None:
        return head
    before, after = change.before, change.after
    moved = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    if not moved:
        return f"{head}: no field changed"
    parts = [f"{k} {_show(before.get(k))} → {_show(after.get(k))}" for k in moved]
    return f"{head}: " + "; ".join(parts)


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _moment(at: dt.datetime, lang: Lang) -> str:
    """The time of a journal line (UTC) as people write it: day first in Vietnamese."""
    utc = at.astimezone(dt.UTC)
    return f"{date_text(utc.date(), lang)} {utc.strftime('%H:%M:%S')}"


def _heading(seq: int, at: dt.datetime, actor: str | None, note: str | None, lang: Lang) -> str:
    parts = [
        t("cli.log.line", lang, seq=seq, at=_moment(at, lang)),
        t("cli.by", lang, actor=actor or t("cli.log.nobody", lang)),
    ]
    if note:
        parts.append(t("cli.note", lang, note=note))
    return "  ".join(parts)


def _change_row(
    seq: int, at: dt.datetime, actor: str | None, note: str | None, change: Change
) -> dict[str, Any]:
    """One change as a row of ``log`` and ``history`` (table and CSV)."""
    return {
        "seq": seq,
        "at_utc": _utc(at),
        "actor": actor,
        "note": note,
        "op": change.op,
        "table": change.table,
        "id": change.id,
        "change": _describe(change),
    }


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "op": change.op,
        "table": change.table,
        "id": change.id,
        "before": change.before,
        "after": change.after,
    }


def _line_json(seq: int, at: dt.datetime, actor: str | None, note: str | None) -> dict[str, Any]:
    """The first keys of a journal line (``log``) or change (``history``) as JSON."""
    return {"seq": seq, "at": at.isoformat(), "actor": actor, "note": note}


def _emit_changes(
    args: argparse.Namespace,
    rows: Sequence[Mapping[str, Any]],
    changes: Sequence[Change],
    value: list[dict[str, Any]],
    empty: str,
) -> None:
    """Print the changes of ``log`` or ``history`` as a table (each change worded in
    ``args.lang``), CSV or JSON (``value``); ``changes`` are those of ``rows``."""
    emit(
        args.format,
        rows,
        table=_CHANGE_TABLE,
        csv_columns=_CHANGE_CSV,
        json_value=value,
        wide="change",
        empty=empty,
        lang=args.lang,
        headers={"at_utc": "cli.col.at_utc", "change": "cli.col.change"},
        table_rows=[
            {**row, "change": describe_change(change, args.lang)}
            for row, change in zip(rows, changes, strict=True)
        ],
    )


# --- cchc history ---------------------------------------------------------------------------


def _add_history_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    parser.add_argument("id", metavar="ID", help="the object's id (task, unit, person…)")
    add_format_option(parser, ("text", *FORMATS))
    add_lang_option(parser)


def _run_history(args: argparse.Namespace) -> int:
    with open_store(args.store) as tr:
        found = tr.history(args.id)
    if not found:
        # An id that never changed is an id that does not exist: a typo, most likely.
        raise UsageError("cchc: ID: ", Message.of("cli.no_object", id=args.id, store=args.store))
    if args.format != "text":
        rows = [_change_row(h.seq, h.at, h.actor, h.note, h.change) for h in found]
        value = [
            {**_line_json(h.seq, h.at, h.actor, h.note), "change": _change_json(h.change)}
            for h in found
        ]
        changes = [h.change for h in found]
        _emit_changes(args, rows, changes, value, "")  # found is never empty here
        return EXIT_OK
    lang = args.lang
    if len(found) == 1:
        print(t("cli.history.one", lang, id=args.id, store=args.store))
    else:
        print(t("cli.history.title", lang, id=args.id, store=args.store, count=len(found)))
    for item in found:
        print(_heading(item.seq, item.at, item.actor, item.note, lang))
        print(f"  {describe_change(item.change, lang)}")
    return EXIT_OK


HISTORY = Command(
    name="history",
    summary="every change to one object, oldest first",
    description="Every change to one object (task, unit, person, plan…), oldest first: the "
    "journal seq, the time (UTC), who, the note and the fields that changed, before → after.",
    examples=(
        "cchc history data/tan-hong t-2021-0007",
        "cchc history data/tan-hong t-2021-0007 --format json",
    ),
    add_options=_add_history_options,
    run=_run_history,
)


# --- cchc log -------------------------------------------------------------------------------


def _add_log_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    parser.add_argument(
        "--since", type=parse_date, metavar="DATE", help="only changes from this day on (UTC)"
    )
    parser.add_argument(
        "--heads",
        action="store_true",
        help="instead of the changes, the head of the hash chain at the end of each day "
        "(to publish, and check later with 'cchc verify --expect')",
    )
    add_format_option(parser, ("text", *FORMATS))
    add_lang_option(parser)


def _print_heads(args: argparse.Namespace) -> int:
    with open_store(args.store) as tr:
        heads = [h for h in tr.daily_heads() if args.since is None or h.day >= args.since]
    rows = [{"day": h.day.isoformat(), "seq": h.seq, "head": h.hash} for h in heads]
    lang = args.lang
    empty = t("cli.log.no_lines", lang, store=args.store)
    if args.format == "text":
        for h in heads:
            print(t("cli.log.day_head", lang, day=h.day, seq=h.seq, head=h.hash))
        if not rows:
            print(empty)
        return EXIT_OK
    headers = {"day": "cli.col.day", "head": "cli.col.chain_head"}
    emit(args.format, rows, table=("day", "seq", "head"), empty=empty, lang=lang, headers=headers)
    return EXIT_OK


def _run_log(args: argparse.Namespace) -> int:
    if args.heads:
        return _print_heads(args)
    since = None
    if args.since is not None:
        since = dt.datetime.combine(args.since, dt.time(), tzinfo=dt.UTC)
    shown: list[Entry] = []
    with open_store(args.store) as tr:
        for entry in tr.entries():
            if since is None or entry.at >= since:
                shown.append(entry)
    lang = args.lang
    if args.since is None:
        empty = t("cli.log.empty", lang, store=args.store)
    else:
        empty = t("cli.log.empty_since", lang, store=args.store, day=args.since)
    if args.format != "text":
        rows = [
            _change_row(e.seq, e.at, e.actor, e.note, change) for e in shown for change in e.changes
        ]
        value = [
            {
                **_line_json(e.seq, e.at, e.actor, e.note),
                "hash": e.hash,
                "changes": [_change_json(c) for c in e.changes],
            }
            for e in shown
        ]
        changes = [change for e in shown for change in e.changes]
        _emit_changes(args, rows, changes, value, empty)
        return EXIT_OK
    if not shown:
        print(empty)
        return EXIT_OK
    for entry in shown:
        print(_heading(entry.seq, entry.at, entry.actor, entry.note, lang))
        for change in entry.changes:
            print(f"  {describe_change(change, lang)}")
    return EXIT_OK


LOG = Command(
    name="log",
    summary="the journal: who changed what, when, oldest first",
    description="The journal, oldest first: each line's seq, time (UTC), actor and note, and "
    "its changes. The default 'text' layout groups the changes under their line; table and "
    "CSV give one row per change; JSON gives the lines with the documents before and after. "
    "--heads prints instead the head of the hash chain at the end of each day, to publish "
    "(in the minutes of the annual evaluation, say) and check later with 'cchc verify "
    "--expect'.",
    examples=(
        "cchc log data/tan-hong --since 2025-07-01",
        "cchc log data/tan-hong --format csv > journal.csv",
        "cchc log data/tan-hong --heads",
    ),
    add_options=_add_log_options,
    run=_run_log,
)
