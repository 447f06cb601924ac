"""Layout versions of a store and the migrations between them.

Every journal line carries its layout version in ``v`` and the snapshot carries it in
``_meta.schema``. This code writes :data:`~cchc_tasks.store.journal.SCHEMA_VERSION` and
reads older stores by migrating them when they are opened; a store of a newer version
raises :class:`StoreVersionError` and is left alone.

=========  =====================================================================
version    layout
=========  =====================================================================
0          pre-release: lines without ``v``, a snapshot ``_meta`` without ``schema``
1          ``v`` first in every line, ``_meta.schema`` = 1 (this release)
=========  =====================================================================

A :class:`Migration` turns one journal line of version ``n`` into a line of version
``n + 1``; :data:`MIGRATIONS` holds one per older version, and :func:`upgrade` chains
them. Migrating a store, under the writer lock:

1. reads the old journal with the old version's checks: every hash, the chain and the
   sequence must check out, and the old snapshot must agree with it (its ``_meta``
   position, and its documents with the journal replayed to that position). A store
   that does not check out is not migrated: :class:`StoreCorruptError`;
2. keeps the original files in ``migrated/v<n>/`` inside the store folder, so the old
   chain (and any hash of it recorded elsewhere) can still be checked;
3. writes the migrated lines, re-chained from the first (each line's ``prev`` is the new
   hash of the line before, exactly as in a store written by this version), to a
   temporary file, ``fsync``'s it, removes the old snapshot and ``os.replace``'s the
   journal;
4. the store then opens as usual: the journal is replayed and a fresh snapshot written.

A crash at any point leaves either the old store (migrated again on the next open) or
the migrated journal without a snapshot (opened by replaying the journal).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

import attrs

from ..errors import StoreCorruptError, StoreVersionError
from .journal import GENESIS, SCHEMA_VERSION, JournalReader, seal
from .lock import WriterLock
from .snapshot import fsync_dir, load_snapshot, snapshot_version

__all__ = ["MIGRATIONS", "Migration", "journal_version", "upgrade"]

JOURNAL = "journal.jsonl"
SNAPSHOT = "state.json"
#: Where the original files of a migrated store are kept, inside the store folder.
KEEP = "migrated"

LineUpgrade = Callable[[dict[str, Any]], dict[str, Any]]


@attrs.frozen
class Migration:
    """How to turn a journal line of version ``source`` into one of ``source + 1``.

    ``upgrade_line`` receives the line's fields without ``prev`` and ``hash`` (in the
    order they were written) and returns the new fields, in the order to write them;
    the chain is recomputed afterwards. Documents inside ``changes`` are migrated here
    too: the snapshot is rebuilt from the migrated journal.
    """

    source: int
    summary: str
    upgrade_line: LineUpgrade

    @property
    def target(self) -> int:
        return self.source + 1


def _v0_to_v1(line: dict[str, Any]) -> dict[str, Any]:
    """Version 1 adds the layout version ``v`` as the first key; nothing else changes."""
    return {"v": 1, **{k: v for k, v in line.items() if k != "v"}}


#: The migrations from every older version, by the version they read.
MIGRATIONS: dict[int, Migration] = {
    0: Migration(0, "pre-release layout: add the version 'v' to every line", _v0_to_v1),
}


#: How a line of the current layout starts (``seal`` writes ``v`` first).
_CURRENT_PREFIX = b'{"v":%d,' % SCHEMA_VERSION


def journal_version(path: str) -> int | None:
    """The layout version of a journal from its first line; ``None`` without a complete
    first line. A first line that does not parse is left to the journal reader to
    report, as the current version."""
    try:
        with open(path, "rb") as f:
            first = f.readline()
    except FileNotFoundError:
        return None
    if not first.endswith(b"\n"):
        return None
    if first.startswith(_CURRENT_PREFIX):
        # This code writes the version first: a first line holding a province's import
        # (tens of megabytes) is not parsed to read it.
        return SCHEMA_VERSION
    try:
        data = json.loads(first)
    except ValueError:
        return SCHEMA_VERSION
    if not isinstance(data, dict):
        return SCHEMA_VERSION
    found = data.get("v", 0)
    if not isinstance(found, int) or isinstance(found, bool):
        return SCHEMA_VERSION
    if found > SCHEMA_VERSION:
        raise StoreVersionError(path, found, SCHEMA_VERSION)
    return found


def _snapshot_version(path: str) -> int | None:
    if not os.path.exists(path):
        return None
    _, fields = load_snapshot(path)
    return snapshot_version(path, fields)


def upgrade(folder: str, lock: WriterLock) -> bool:
    """Migrate the store in ``folder`` to this code's version if it is older; whether
    anything was migrated. Raises :class:`StoreVersionError` for a newer store and
    :class:`StoreCorruptError` for an old store that does not check out."""
    lock.acquire()
    try:
        journal, snapshot = os.path.join(folder, JOURNAL), os.path.join(folder, SNAPSHOT)
        found = journal_version(journal)
        snapshot_found = _snapshot_version(snapshot)
        if found is None:
            found = snapshot_found
        if found is None or (found == SCHEMA_VERSION and snapshot_found in (None, found)):
            return False
        if snapshot_found is not None and snapshot_found != found:
            raise StoreCorruptError(
                snapshot,
                f"expected snapshot layout version {found} like the journal, "
                f"got version {snapshot_found}",
            )
        _migrate(folder, found)
        return True
    finally:
        lock.release()


def _migrate(folder: str, version: int) -> None:
    journal, snapshot = os.path.join(folder, JOURNAL), os.path.join(folder, SNAPSHOT)
    steps = []
    for source in range(version, SCHEMA_VERSION):
        if source not in MIGRATIONS:
            raise StoreVersionError(journal, version, SCHEMA_VERSION)
        steps.append(MIGRATIONS[source])
    lines = _read_checked(journal, snapshot, version)
    _keep_originals(folder, version)
    tmp = _write_lines(folder, lines, steps)
    try:
        if os.path.exists(snapshot):
            os.unlink(snapshot)
            fsync_dir(folder)
        os.replace(tmp, journal)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    fsync_dir(folder)


def _read_checked(journal: str, snapshot: str, version: int) -> list[dict[str, Any]]:
    """Every line of an old journal, checked with that version's rules, and the old
    snapshot checked against it."""
    reader = JournalReader(journal, version=version)
    tables: dict[str, dict[str, Any]] = {}
    meta: dict[str, Any] | None = None
    docs: dict[str, dict[str, Any]] = {}
    if os.path.exists(snapshot):
        docs, meta = load_snapshot(snapshot)
    seen_snapshot_line = meta is None or meta.get("journal_offset") == 0
    lines = []
    for data, entry in reader.records():
        lines.append({k: v for k, v in data.items() if k not in ("prev", "hash")})
        for change in entry.changes:
            rows = tables.setdefault(change.table, {})
            if change.after is None:
                rows.pop(change.id, None)
            else:
                rows[change.id] = change.after
        if meta is not None and reader.offset == meta.get("journal_offset"):
            _check_position(snapshot, meta, reader)
            _check_documents(snapshot, docs, tables)
            seen_snapshot_line = True
    if reader.torn is not None:
        warnings.warn(
            f"{journal}: dropped an incomplete last line at byte {reader.torn} while "
            "migrating (a write that never returned, so it was never acknowledged)",
            RuntimeWarning,
            stacklevel=4,
        )
    if meta is not None and meta.get("journal_offset") == 0:
        _check_position(snapshot, meta, JournalReader(journal))
        _check_documents(snapshot, docs, {})
    if not seen_snapshot_line:
        raise StoreCorruptError(
            snapshot,
            f"expected the journal to hold the line the snapshot was taken at (byte "
            f"{meta and meta.get('journal_offset')}), got a journal of {reader.offset} bytes "
            "of complete lines; not migrated",
        )
    return lines


def _check_position(snapshot: str, meta: dict[str, Any], reader: JournalReader) -> None:
    expected = (meta.get("seq"), meta.get("hash"), meta.get("journal_lines"))
    got = (reader.seq, reader.prev, reader.lineno)
    if expected != got:
        raise StoreCorruptError(
            snapshot,
            f"expected the journal line the snapshot was taken at to be (seq, hash, line) "
            f"{expected}, got {got}; not migrated",
        )


def _check_documents(
    snapshot: str, docs: dict[str, dict[str, Any]], tables: dict[str, dict[str, Any]]
) -> None:
    by_id = {t: {d["id"]: d for d in rows.values()} for t, rows in docs.items() if rows}
    replayed = {t: rows for t, rows in tables.items() if rows}
    if by_id != replayed:
        raise StoreCorruptError(
            snapshot,
            "expected the snapshot's documents to be the journal's state at its line, got "
            "different documents; not migrated",
        )


def _keep_originals(folder: str, version: int) -> None:
    """Copy the old journal and snapshot to ``migrated/v<version>/`` (fsync'ed)."""
    keep = os.path.join(folder, KEEP, f"v{version}")
    os.makedirs(keep, exist_ok=True)
    for name in (JOURNAL, SNAPSHOT):
        source = os.path.join(folder, name)
        if not os.path.exists(source):
            continue
        target = os.path.join(keep, name)
        shutil.copyfile(source, target)
        with open(target, "rb+") as f:
            os.fsync(f.fileno())
    fsync_dir(keep)
    fsync_dir(os.path.dirname(keep))
    fsync_dir(folder)


def _write_lines(folder: str, lines: list[dict[str, Any]], steps: list[Migration]) -> str:
    """Write the migrated, re-chained lines to a temporary file; returns its path."""
    fd, tmp = tempfile.mkstemp(prefix=".migrate-", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as f:
            prev = GENESIS
            for fields in lines:
                for step in steps:
                    fields = step.upgrade_line(fields)
                line, prev = seal(fields, prev)
                f.write(line)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return tmp
