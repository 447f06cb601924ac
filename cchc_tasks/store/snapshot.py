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

import json
import os
import tempfile
from typing import Any

import attrs

from ..errors import StoreCorruptError
from .journal import GENESIS, SCHEMA_VERSION

META_TABLE = "_meta"

__all__ = ["META_TABLE", "SnapshotMeta", "read_snapshot", "write_snapshot"]


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


def write_snapshot(path: str, raw: dict[str, dict[str, Any]], meta: SnapshotMeta) -> int:
    """Atomically replace ``path`` with ``raw`` plus ``meta``; returns the file size."""
    folder = os.path.dirname(os.path.abspath(path))
    data = {META_TABLE: {"1": attrs.asdict(meta)}, **raw}
    fd, tmp = tempfile.mkstemp(prefix=".snapshot-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
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
    """The tables and meta of a snapshot; a missing file is an empty store."""
    if not os.path.exists(path):
        return {}, SnapshotMeta()
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreCorruptError(path, f"snapshot is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise StoreCorruptError(path, "snapshot is not a TinyDB database")
    meta_table = data.pop(META_TABLE, {}) or {}
    fields = meta_table.get("1", {})
    schema = fields.get("schema")
    if schema != SCHEMA_VERSION:
        raise StoreCorruptError(
            path, f"unknown snapshot schema version {schema!r} (this code reads {SCHEMA_VERSION})"
        )
    try:
        meta = SnapshotMeta(**fields)
        for table, docs in data.items():
            for doc in docs.values():
                doc["id"]
            del table
    except (TypeError, KeyError, AttributeError) as exc:
        raise StoreCorruptError(path, f"malformed snapshot ({exc!r})") from None
    return data, meta
