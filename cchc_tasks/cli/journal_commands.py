"""The journal commands: ``cchc history`` (every change to one object) and ``cchc log``
(every journal line), oldest first.

Both show a change the same way: the default ``text`` layout on one line per change,
``table`` and ``csv`` one row per change, ``json`` the documents before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..i18n import Message
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

if TYPE_CHECKING:
    from ..store import Change, Entry

# --- How a change is shown ------------------------------------------------------------------

_CHANGE_TABLE = ("seq", "at_utc", "actor", "note", "change")
_CHANGE_CSV = ("seq", "at_utc", "actor", "note", "op", "table", "id", "change")


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _describe(change: Change) -> str:
    """One change on one line: what happened to which object, and which fields moved."""
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


def _heading(seq: int, at: dt.datetime, actor: str | None, note: str | None) -> str:
    line = f"seq {seq}  {_utc(at)} UTC  by {actor or '(nobody named)'}"
    return f"{line}  note: {note}" if note else line


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
    fmt: str, rows: Sequence[Mapping[str, Any]], value: list[dict[str, Any]], empty: str
) -> None:
    """Print the changes of ``log`` or ``history`` as a table, CSV or JSON (``value``)."""
    emit(
        fmt,
        rows,
        table=_CHANGE_TABLE,
        csv_columns=_CHANGE_CSV,
        json_value=value,
        wide="change",
        empty=empty,
    )


# --- cchc history ---------------------------------------------------------------------------


def _add_history_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder or postgresql:// URL")
    parser.add_argument("id", metavar="ID", help="the object's id (task, unit, person…)")
    add_format_option(parser, ("text", *FORMATS))


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
        _emit_changes(args.format, rows, value, f"no changes to {args.id!r} in {args.store}")
        return EXIT_OK
    print(f"{args.id} in {args.store}: {len(found)} change{'s' * (len(found) != 1)}")
    for item in found:
        print(_heading(item.seq, item.at, item.actor, item.note))
        print(f"  {_describe(item.change)}")
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


def _print_heads(args: argparse.Namespace) -> int:
    with open_store(args.store) as tr:
        heads = [h for h in tr.daily_heads() if args.since is None or h.day >= args.since]
    rows = [{"day": h.day.isoformat(), "seq": h.seq, "head": h.hash} for h in heads]
    if args.format == "text":
        for row in rows:
            print(f"{row['day']}  seq {row['seq']}  {row['head']}")
        if not rows:
            print(f"no journal lines in {args.store}")
        return EXIT_OK
    emit(args.format, rows, table=("day", "seq", "head"), empty=f"no journal lines in {args.store}")
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
    after = f" since {args.since.isoformat()}" if args.since else ""
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
        _emit_changes(args.format, rows, value, f"no changes in {args.store}{after}")
        return EXIT_OK
    if not shown:
        print(f"no changes in {args.store}{after}")
        return EXIT_OK
    for entry in shown:
        print(_heading(entry.seq, entry.at, entry.actor, entry.note))
        for change in entry.changes:
            print(f"  {_describe(change)}")
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
