"""Tamper evidence: walk the whole hash chain and check the snapshot against it.

:func:`verify_folder` reads a store folder without changing it and without the writer
lock (lines being appended by a live writer are left for the next run). It reports
what it found in a :class:`VerifyReport` and never raises for tampering; opening a
store, in contrast, raises :class:`~cchc_tasks.StoreCorruptError` for damage in the
lines it reads (those after the snapshot).

What the walk checks, in order:

1. every journal line from line 1: its own hash (altered content), its ``prev`` (a line
   removed, inserted or reordered before it), its sequence number;
2. the snapshot's ``_meta``: the journal must hold, at ``journal_offset``, the end of
   line ``journal_lines`` with ``seq`` and ``hash`` as recorded (else the journal was
   cut short, replaced or rewritten);
3. the snapshot's documents: they must be the state the journal gives at that line
   (the snapshot carries no hash of its own, so this is how an edit to it shows);
4. when a tracker verifies its own store, the position it has read up to: a journal
   shorter than what the tracker has already read lost lines at its end;
5. with ``expect``, a head recorded elsewhere (published in the minutes of a meeting, say):
   the chain must pass through the line with that hash. This is the only check that
   catches a journal rewritten from an edited line with every hash after it recomputed
   and the snapshot deleted or rebuilt: such a store is self-consistent.
"""

from __future__ import annotations

import os
from typing import Any

import attrs

from ..errors import StoreCorruptError, StoreError, StoreVersionError
from .journal import GENESIS, SCHEMA_VERSION, JournalReader
from .migrations import journal_version
from .snapshot import SnapshotMeta, read_snapshot

__all__ = ["Position", "VerifyReport", "verify_folder"]

JOURNAL = "journal.jsonl"
SNAPSHOT = "state.json"

#: Where a reader stands in a journal: (byte offset, lines read, hash of the last line).
Position = tuple[int, int, str]


@attrs.frozen
class VerifyReport:
    """The result of walking a store's hash chain.

    ``ok`` is true when nothing was found. ``lines`` counts the journal lines that
    checked out, from line 1 on (all of them when ``ok``). ``first_bad_line`` is the
    first journal line that was altered, or that shows a line before it was removed,
    inserted or reordered (``None`` if the fault is not at a journal line, such as an
    edited snapshot). ``file`` is the file at fault, ``reason`` says what was found (or,
    when ``ok``, what was checked). ``head`` is the hash of the last line that checked
    out: write it down somewhere else, and a later cut of the journal's end shows.
    ``journal_bytes`` is the size of the lines that checked out.
    """

    ok: bool
    lines: int
    first_bad_line: int | None
    reason: str
    file: str | None = None
    head: str = GENESIS
    journal_bytes: int = 0

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.reason}"
        where = self.file or "?"
        if self.first_bad_line is not None:
            where += f", line {self.first_bad_line}"
        return f"TAMPERED: {where}: {self.reason}"


def _by_id(tables: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``{table: {id: document}}`` without empty tables, whatever the doc ids."""
    return {
        table: {doc["id"]: doc for doc in docs.values()} for table, docs in tables.items() if docs
    }


def _first_difference(snapshot: dict[str, dict[str, Any]], replayed: dict[str, Any]) -> str:
    for table in sorted(set(snapshot) | set(replayed)):
        mine, theirs = snapshot.get(table, {}), replayed.get(table, {})
        for key in sorted(set(mine) | set(theirs)):
            if mine.get(key) != theirs.get(key):
                if key not in theirs:
                    return f"table {table!r} holds {key!r}, which the journal never added"
                if key not in mine:
                    return f"table {table!r} lacks {key!r}, which the journal holds"
                return f"table {table!r}, document {key!r} differs from the journal"
    return "the documents differ from the journal"  # pragma: no cover


class _Walk:
    """One pass over a journal, replaying documents up to the snapshot's line."""

    def __init__(self, folder: str, meta: SnapshotMeta | None, expect: str | None) -> None:
        self.expect = expect
        #: The line whose hash starts with ``expect``, once the walk passed it.
        self.reached: int | None = None
        self.journal = os.path.join(folder, JOURNAL)
        self.reader = JournalReader(self.journal)
        self.meta = meta
        self.tables: dict[str, dict[str, Any]] = {}
        self.at_snapshot: dict[str, dict[str, Any]] | None = None
        self.snapshot_position: Position | None = None
        self.positions: dict[int, Position] = {}

    def run(self, watch: set[int]) -> None:
        reader = self.reader
        if self.meta is not None and self.meta.journal_offset == 0:
            self.at_snapshot = {}
        if 0 in watch:
            self.positions[0] = (0, 0, GENESIS)
        for entry in reader:
            if self.expect is not None and reader.prev.startswith(self.expect):
                self.reached = reader.lineno
            if self.meta is not None and self.at_snapshot is None:
                for change in entry.changes:
                    rows = self.tables.setdefault(change.table, {})
                    if change.after is None:
                        rows.pop(change.id, None)
                    else:
                        rows[change.id] = change.after
            if reader.offset in watch:
                self.positions[reader.offset] = (reader.offset, reader.lineno, reader.prev)
                if self.meta is not None and reader.offset == self.meta.journal_offset:
                    self.at_snapshot = self.tables


def verify_folder(
    folder: str, *, known: Position | None = None, expect: str | None = None
) -> VerifyReport:
    """Walk the store in ``folder``: see the module's documentation. ``known`` is the
    position a tracker has read up to; a journal that no longer reaches it is reported.
    ``expect`` is a head recorded elsewhere (a line's hash or its first 12 or more hex
    digits); a chain that does not pass through it is reported.

    Raises :class:`~cchc_tasks.StoreError` only when the folder is not a store, and
    :class:`~cchc_tasks.StoreVersionError` for a store of another layout version. A
    file that cannot be read is reported, not raised.
    """
    try:
        return _verify(folder, known, None if expect is None else expect.lower())
    except OSError as exc:
        return VerifyReport(
            False, 0, None, f"cannot read the store ({exc.strerror or exc})", file=exc.filename
        )


def _verify(folder: str, known: Position | None, expect: str | None) -> VerifyReport:
    journal, snapshot = os.path.join(folder, JOURNAL), os.path.join(folder, SNAPSHOT)
    if not os.path.isdir(folder) or not (os.path.exists(journal) or os.path.exists(snapshot)):
        raise StoreError(
            f"{folder}: expected a store folder (with {JOURNAL} or {SNAPSHOT}), found none"
        )
    layout = journal_version(journal)  # raises for a newer journal
    if layout is not None and layout < SCHEMA_VERSION:
        raise StoreVersionError(journal, layout, SCHEMA_VERSION)
    meta: SnapshotMeta | None = None
    raw: dict[str, dict[str, Any]] = {}
    try:
        if os.path.exists(snapshot):
            raw, meta = read_snapshot(snapshot)
    except StoreCorruptError as exc:
        return VerifyReport(False, 0, None, exc.reason, file=snapshot)
    walk = _Walk(folder, meta, expect)
    watch = {p[0] for p in (known,) if p is not None}
    if meta is not None:
        watch.add(meta.journal_offset)
    try:
        walk.run(watch)
    except StoreCorruptError as exc:
        line = exc.line if exc.line is not None else walk.reader.lineno
        return VerifyReport(
            False,
            line - 1,
            line,
            exc.reason,
            file=journal,
            head=walk.reader.prev,
            journal_bytes=walk.reader.offset,
        )
    reader = walk.reader
    lines, head, size = reader.lineno, reader.prev, reader.offset

    def bad(reason: str, file: str, first: int | None) -> VerifyReport:
        return VerifyReport(False, lines, first, reason, file=file, head=head, journal_bytes=size)

    for label, position in (("the snapshot", _meta_position(meta)), ("this tracker", known)):
        problem = _position_problem(label, position, walk)
        if problem is not None:
            reason, in_snapshot, first = problem
            return bad(reason, snapshot if in_snapshot else journal, first)
    if meta is not None:
        replayed = _by_id(walk.at_snapshot or {})
        documents = _by_id(raw)
        if documents != replayed:
            return bad(
                f"expected the documents of the journal up to line {meta.journal_lines}, got "
                f"different ones: {_first_difference(documents, replayed)} (the snapshot was "
                "edited)",
                snapshot,
                None,
            )
    if expect is not None and walk.reached is None:
        return bad(
            f"expected the chain to pass through the recorded head {expect}, got "
            f"{lines} lines ending in head {head[:12]}… without it: the journal was "
            "rewritten or cut before that line",
            journal,
            None,
        )
    reason = f"{lines} lines, the hash chain is intact"
    if walk.reached is not None:
        reason += f"; it passes through the recorded head (line {walk.reached})"
    if meta is not None:
        reason += f"; the snapshot (line {meta.journal_lines}) agrees with the journal"
    if reader.torn is not None:
        reason += (
            f"; an incomplete last line at byte {reader.torn} was not checked (a write "
            "in progress, or one that never returned)"
        )
    return VerifyReport(True, lines, None, reason, head=head, journal_bytes=size)


def _position_problem(
    label: str, position: Position | None, walk: _Walk
) -> tuple[str, bool, int | None] | None:
    """What is wrong with the journal position where ``label`` (the snapshot, or a
    tracker) stands, if anything: the reason, whether the snapshot is the file to blame,
    and the first bad line if known."""
    if position is None:
        return None
    lines, size = walk.reader.lineno, walk.reader.offset
    offset, count, digest = position
    if offset > size:
        return (
            f"expected the journal to reach line {count} (byte {offset}), where "
            f"{label} stands; got {lines} complete lines ({size} bytes): lines after "
            f"line {lines} were removed",
            False,
            lines + 1,
        )
    found = walk.positions.get(offset)
    if found is None:
        return (
            f"expected a line to end at byte {offset}, where {label} stands (line "
            f"{count}); got the middle of a line: the journal was replaced or rewritten",
            label == "the snapshot",
            None,
        )
    if found != position:
        return (
            f"expected line {count} with hash {digest[:12]}… at byte {offset}, where "
            f"{label} stands; got line {found[1]} with hash {found[2][:12]}…: the "
            "journal was replaced or rewritten (lines altered and every hash after "
            "them recomputed)",
            False,
            None,
        )
    return None


def _meta_position(meta: SnapshotMeta | None) -> Position | None:
    if meta is None:
        return None
    return (meta.journal_offset, meta.journal_lines, meta.hash)
