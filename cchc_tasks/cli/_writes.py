"""What the write commands of ``cchc`` share: ``--actor``, ``--note`` and ``--lang``, and
printing the journal lines a command wrote, in the reader's language.

A write command calls one Tracker method, the method a program would call, so the
command line gets the same checks and writes the same journal line; a refused write
changes nothing and becomes one line on stderr (``cchc: …``), as every error does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..labels import (
    LANGS,
    Lang,
    change_label,
    date_text,
    field_name_label,
    status_label,
    t,
    table_label,
)
from ..tasks import TaskStatus
from ._common import EXIT_OK, BlockHelpFormatter, open_store
from ._errors import LANG_ENV, cli_lang

if TYPE_CHECKING:
    from ..store import Change, Entry
    from ..tracker import Tracker

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: How many characters of a value a change line shows.
_VALUE_WIDTH = 50


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang vi|en``: the language of what the command prints (Vietnamese by default,
    or the ``CCHC_LANG`` environment variable's)."""
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=cli_lang(),
        help=f"language of the output and the errors (default: vi, or ${LANG_ENV})",
    )


def add_write_options(parser: argparse.ArgumentParser) -> None:
    """``--actor``, ``--note`` (recorded in the journal line) and ``--lang``."""
    parser.add_argument("--actor", metavar="ID", help="who makes the change, in the journal")
    parser.add_argument("--note", help="why: the note recorded in the journal line")
    add_lang_option(parser)


def write(args: argparse.Namespace, change: Callable[[Tracker], object]) -> int:
    """Open ``args.store``, make ``change`` (one Tracker call) and print the journal lines
    it wrote."""
    with open_store(args.store) as tr:
        before = tr.seq
        change(tr)
        lines = [entry for entry in tr.entries() if entry.seq > before]
    for line in describe_entries(lines, args.lang):
        print(line)
    return EXIT_OK


def describe_entries(entries: list[Entry], lang: Lang) -> list[str]:
    """The journal lines ``entries`` as people read them: a heading per line (its seq, who
    wrote it and the note), then one line per object changed."""
    if not entries:
        return [t("cli.nothing", lang)]
    shown: list[str] = []
    for entry in entries:
        parts = [t("cli.written", lang, seq=entry.seq)]
        if entry.actor:
            parts.append(t("cli.by", lang, actor=entry.actor))
        if entry.note:
            parts.append(t("cli.note", lang, note=entry.note))
        shown.append("; ".join(parts) + ":")
        shown.extend(f"  {describe_change(change, lang)}" for change in entry.changes)
    return shown


def describe_change(change: Change, lang: Lang) -> str:
    """One change on one line: what happened to which object (by its name or title, and
    its id), and the fields that moved, before → after."""
    document = change.after or change.before or {}
    named = document.get("name") or document.get("title")
    what = table_label(change.table, lang)
    if change.id != change.table:  # a table of one document (configuration) needs no id
        what = f"{what} {change.id}"
    if isinstance(named, str) and named:
        what = f"{what} «{named}»"
    head = f"{change_label(change.op, lang)} {what}"
    if change.before is None or change.after is None:
        return head
    before, after = change.before, change.after
    moved = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    if not moved:
        return f"{head}: {t('cli.no_field', lang)}"
    parts = [
        f"{field_name_label(k, lang)} {field_text(k, before.get(k), lang)} → "
        f"{field_text(k, after.get(k), lang)}"
        for k in moved
    ]
    return f"{head}: " + "; ".join(parts)


def field_text(name: str, value: Any, lang: Lang) -> str:
    """The value of the field ``name`` as people read it: a task's status in words, its
    progress by the latest report; any other field by :func:`value_text`."""
    if name == "status" and value in set(TaskStatus):
        return status_label(TaskStatus(value), lang)
    if name == "progress" and isinstance(value, list) and value:
        latest = value[-1]
        shown = f"{latest.get('percent')}% ({value_text(latest.get('on'), lang)})"
        note = latest.get("note")
        return f"{shown}: {value_text(note, lang)}" if note else shown
    return value_text(value, lang)


def value_text(value: Any, lang: Lang) -> str:
    """A stored value as people read it: dates day first in Vietnamese, yes/no words, an
    absent value as a dash; anything else as JSON, shortened."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return t("misc.yes", lang) if value else t("misc.no", lang)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return date_text(dt.date.fromisoformat(value), lang)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"


def add_actions(parser: argparse.ArgumentParser) -> Any:
    """The actions of a command group (``cchc task ACTION``); what ``add_subparsers``
    returns, for :func:`add_action`."""
    return parser.add_subparsers(dest="action", required=True, metavar="ACTION")


def add_action(actions: Any, name: str, summary: str) -> argparse.ArgumentParser:
    """The action ``name`` of a write command group, with ``STORE`` as its first argument
    and ``--actor``, ``--note`` and ``--lang`` among its options."""
    action: argparse.ArgumentParser = actions.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        formatter_class=BlockHelpFormatter,
    )
    action.add_argument("store", metavar="STORE", help="store folder")
    add_write_options(action)
    return action
