"""The snapshot: the whole state as one TinyDB JSON file, replaced atomically.

Layout (plain TinyDB, so ``tinydb.TinyDB(path)`` opens it)::

    {"_meta": {"1": {"schema": 1, "seq": 42, "hash": "...", "journal_offset": 12345,
                     "journal_lines": 42}},
     "units": {"1": {"id": "huyen", ...}, ...},
     "tasks": {...}, ...}

``_meta`` says which journal line the state includes, so opening reads the snapshot
and then only the journal lines after ``journal_offset``.

Writing is atomic: a temporary file in the same folder is written and ``fsync``'ed,
``os.replace``'d over the old snapshot, and the folder is ``fsync``'ed so the rename
itself survives a crash. A reader sees the old snapshot or the new one, never half.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Any, BinaryIO

import attrs

from .. import _json
from .._collector import collector_deferred
from ..errors import StoreCorruptError, StoreVersionError
from .journal import GENESIS, SCHEMA_VERSION

META_TABLE = "_meta"
TEMP_PREFIX, TEMP_SUFFIX = ".snapshot-", ".tmp"

__all__ = [
    "META_TABLE",
    "SnapshotMeta",
    "has_stale_temporaries",
    "load_snapshot",
    "read_snapshot",
    "remove_stale_temporaries",
    "snapshot_version",
    "write_snapshot",
]


@attrs.frozen
class SnapshotMeta:
    """Where the snapshot stands in the journal."""

    seq: int = 0
    hash: str = GENESIS
    journal_offset: int = 0
    journal_lines: int = 0
    schema: int = SCHEMA_VERSION


def fsync_dir(folder: str) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(f: BinaryIO, data: bytes) -> None:
    """Write a part of the snapshot's bytes (a seam the crash tests use to stop halfway)."""
    f.write(data)


def write_snapshot(path: str, raw: dict[str, dict[str, Any]], meta: SnapshotMeta) -> int:
    """Atomically replace ``path`` with ``raw`` plus ``meta``; returns the file size."""
    folder = os.path.dirname(os.path.abspath(path))
    data = {META_TABLE: {"1": attrs.asdict(meta)}, **raw}
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    try:
        # mkstemp makes the file private (0600); the snapshot is as readable as the journal.
        os.fchmod(fd, 0o644)
        # ASCII JSON: plain TinyDB(path) reads it whatever the locale's encoding. Encoded
        # in one piece (json.dump streams through the pure-Python encoder, 5x slower),
        # escaped and written a part at a time.
        with os.fdopen(fd, "wb") as f:
            for part in _json.dumps_ascii_parts(data):
                _write_all(f, part)
            f.flush()
            os.fsync(f.fileno())
            size = f.tell()
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    fsync_dir(folder)
    return size


def read_snapshot(path: str) -> tuple[dict[str, dict[str, Any]], SnapshotMeta]:
    """The tables and meta of a snapshot; a missing file is an empty store.

    A snapshot of an older layout raises :class:`StoreVersionError` with ``found`` below
    ``reads`` (the store migrates it); a newer one, with ``found`` above.
    """
    if not os.path.exists(path):
        return {}, SnapshotMeta()
    data, fields = load_snapshot(path)
    schema = snapshot_version(path, fields)
    if schema != SCHEMA_VERSION:
        raise StoreVersionError(path, schema, SCHEMA_VERSION)
    try:
        meta = SnapshotMeta(**fields)
    except TypeError as exc:
        raise StoreCorruptError(path, f"malformed {META_TABLE} record ({exc})") from None
    _check_meta(path, meta)
    return data, meta


def load_snapshot(path: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The checked tables of a snapshot of any layout version, and its ``_meta`` record."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        if not raw.isascii():  # ASCII (as this library writes it) is UTF-8: no copy made
            raw.decode("utf-8")  # a non-UTF-8 file is corrupt whichever parser reads it
        with collector_deferred():  # a province's snapshot is 150,000 containers
            data = _json.loads(raw)
    except (OSError, UnicodeDecodeError, _json.DecodeError) as exc:
        raise StoreCorruptError(path, f"snapshot is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise StoreCorruptError(path, "snapshot is not a TinyDB database")
    meta_table = data.pop(META_TABLE, None)
    fields = meta_table.get("1") if isinstance(meta_table, dict) else None
    if not isinstance(fields, dict):
        raise StoreCorruptError(path, f"snapshot has no {META_TABLE} record")
    for table, docs in data.items():
        _check_table(path, table, docs)
    return data, fields


def snapshot_version(path: str, fields: dict[str, Any]) -> int:
    """The layout version of a snapshot from its ``_meta`` record (none: version 0)."""
    schema = fields.get("schema", 0)
    if not _is_count(schema):
        raise StoreCorruptError(
            path, f"expected {META_TABLE}.schema to be a layout version number, got {schema!r}"
        )
    if schema > SCHEMA_VERSION:
        raise StoreVersionError(path, schema, SCHEMA_VERSION)
    return int(schema)


def remove_stale_temporaries(folder: str) -> list[str]:
    """Delete the temporary files of snapshots whose writer died before ``os.replace``.

    Call it with the writer lock held: snapshots are written under the lock, so no
    temporary file is then in use. Returns the names removed.
    """
    removed = []
    for name in sorted(os.listdir(folder)):
        if _is_temporary(name):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(folder, name))
                removed.append(name)
    return removed


def has_stale_temporaries(folder: str) -> bool:
    """Whether a snapshot or migration left a temporary file behind (or is writing one)."""
    return any(_is_temporary(name) for name in os.listdir(folder))


def _is_temporary(name: str) -> bool:
    return name.startswith((TEMP_PREFIX, ".migrate-")) and name.endswith(TEMP_SUFFIX)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_meta(path: str, meta: SnapshotMeta) -> None:
    for name in ("seq", "journal_offset", "journal_lines"):
        value = getattr(meta, name)
        if not _is_count(value):
            raise StoreCorruptError(path, f"{META_TABLE}.{name} is {value!r}, not a count")
    if not (
        isinstance(meta.hash, str)
        and len(meta.hash) == len(GENESIS)
        and all(c in "0123456789abcdef" for c in meta.hash)
    ):
        raise StoreCorruptError(path, f"{META_TABLE}.hash is {meta.hash!r}, not a sha256 digest")


def _check_table(path: str, table: str, docs: Any) -> None:
    """Each table maps TinyDB doc ids (``"1"``, ``"2"``…) to documents with unique ``id``s."""
    if not isinstance(docs, dict):
        raise StoreCorruptError(path, f"table {table!r} is not a TinyDB table")
    seen: set[Any] = set()
    for doc_id, doc in docs.items():
        if not (doc_id.isascii() and doc_id.isdigit()):
            raise StoreCorruptError(path, f"table {table!r}: doc id {doc_id!r} is not a number")
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            raise StoreCorruptError(path, f"table {table!r}, doc {doc_id}: no string 'id'")
        if doc["id"] in seen:
            raise StoreCorruptError(path, f"table {table!r}: id {doc['id']!r} appears twice")
        seen.add(doc["id"])
