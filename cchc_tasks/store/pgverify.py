"""Tamper evidence for a PostgreSQL store: walk the journal table's whole hash chain and
check the documents table against it, both as of one moment (a repeatable-read
snapshot), reading only.

What the walk checks, in order: every journal row from seq 1 (its line's own hash, its
``prev``, its seq, and that the row's ``seq``, ``prev`` and ``hash`` columns say what its
line says); the documents (each must be what the journal gives, with the same doc id);
and, when a store verifies itself, that the journal still holds the row it stands at.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from .. import _json
from ..errors import StoreCorruptError
from .audit import VerifyReport
from .journal import GENESIS, SCHEMA_VERSION, Change, Entry
from .state import State

if TYPE_CHECKING:
    import psycopg

__all__ = ["decode_line", "verify_tables"]

_SUFFIX_LEN = len(',"prev":"","hash":""}') + 128


def decode_line(line: str, where: str, lineno: int, prev: str) -> Entry:
    """The entry of one journal line (without its newline) chained after ``prev``; any
    damage raises :class:`StoreCorruptError` naming ``where`` and the line."""
    try:
        data = _json.loads(line)
    except _json.DecodeError as exc:
        raise StoreCorruptError(where, f"not a JSON line ({exc})", lineno) from None
    if not isinstance(data, dict) or data.get("v") != SCHEMA_VERSION:
        raise StoreCorruptError(where, f"not a journal entry of version {SCHEMA_VERSION}", lineno)
    digest = data.get("hash")
    if data.get("prev") != prev:
        raise StoreCorruptError(
            where, "chain broken: the line before was altered, removed or reordered", lineno
        )
    if (
        not isinstance(digest, str)
        or line[-_SUFFIX_LEN:] != f',"prev":"{prev}","hash":"{digest}"}}'
    ):
        raise StoreCorruptError(where, "the line does not end with its prev and hash", lineno)
    body = line[:-_SUFFIX_LEN] + "}"
    if hashlib.sha256((prev + body).encode("utf-8")).hexdigest() != digest:
        raise StoreCorruptError(where, "hash does not match the line's content (altered)", lineno)
    try:
        changes = tuple(
            Change(c["table"], c["id"], c["before"], c["after"]) for c in data["changes"]
        )
        return Entry(
            data["seq"],
            dt.datetime.fromisoformat(data["at"]),
            data["actor"],
            data["note"],
            changes,
            hash=digest,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreCorruptError(where, f"malformed entry ({exc!r})", lineno) from None


def _first_difference(
    documents: dict[str, dict[str, Any]], replayed: dict[str, dict[str, Any]]
) -> str | None:
    """What differs between the documents table and the replayed journal, if anything."""
    for kind in sorted(set(documents) | set(replayed)):
        mine, theirs = documents.get(kind, {}), replayed.get(kind, {})
        if mine == theirs:
            continue
        ids = {doc["id"]: doc_id for doc_id, doc in mine.items()}
        expected = {doc["id"]: doc_id for doc_id, doc in theirs.items()}
        for key in sorted(set(ids) | set(expected)):
            if key not in expected:
                return f"kind {kind!r} holds {key!r}, which the journal never added"
            if key not in ids:
                return f"kind {kind!r} lacks {key!r}, which the journal holds"
            if ids[key] != expected[key] or mine[ids[key]] != theirs[expected[key]]:
                return f"kind {kind!r}, document {key!r} differs from the journal"
    return None


def verify_tables(
    conn: psycopg.Connection[Any], schema: str, where: str, at: tuple[int, str]
) -> VerifyReport:
    """Check the store in (quoted) ``schema``; ``at`` is the (seq, hash) its reader stands
    at. ``where`` names the store in the report."""
    journal, documents = f"{where} cchc_journal", f"{where} cchc_documents"
    state, head, lines, size = State(), GENESIS, 0, 0
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        hashes: dict[int, str] = {}
        with conn.cursor(name="cchc_verify") as cur:
            cur.execute(f"SELECT seq, prev, hash, line FROM {schema}.cchc_journal ORDER BY seq")
            for seq, prev, digest, line in cur:
                try:
                    entry = decode_line(line, journal, lines + 1, head)
                    if (seq, prev, digest) != (entry.seq, head, entry.hash) or seq != lines + 1:
                        raise StoreCorruptError(
                            journal, f"the row's seq, prev or hash is not its line's (seq {seq})"
                        )
                except StoreCorruptError as exc:
                    return VerifyReport(False, lines, lines + 1, exc.reason, journal, head, size)
                for change in entry.changes:
                    state.restore(change.table, change.id, change.after)
                head, lines, size = entry.hash, lines + 1, size + len(line.encode()) + 1
                if seq == at[0]:
                    hashes[seq] = digest
        stored: dict[str, dict[str, Any]] = {}
        for kind, doc_id, text in conn.execute(
            f"SELECT kind, doc_id, doc::text FROM {schema}.cchc_documents ORDER BY kind, doc_id"
        ):
            stored.setdefault(kind, {})[str(doc_id)] = _json.loads(text)
    replayed = {kind: docs for kind, docs in state.raw.items() if docs}
    difference = _first_difference(stored, replayed)
    if difference is not None:
        return VerifyReport(False, lines, None, difference, documents, head, size)
    if at[0] > lines or (at[0] and hashes.get(at[0]) != at[1]):
        reason = (
            f"the journal no longer holds the row this store read up to (seq {at[0]}): "
            "rows were removed or replaced"
        )
        return VerifyReport(False, lines, None, reason, journal, head, size)
    reason = f"{lines} journal rows chained from the first; the documents match them"
    return VerifyReport(True, lines, None, reason, None, head, size)
