"""A store served by PostgreSQL, with the folder store's semantics (see :mod:`.pgsql` for
the tables and :mod:`.pgurl` for the address).

:class:`PostgresStore` is a :class:`~cchc_tasks.store.Store`, so the tracker and every
layer above use it unchanged. What differs is where the journal lives:

* opening reads the current documents and the journal's head in one consistent snapshot
  (no replay), creating the schema if it does not exist yet, migrating an older one and
  refusing a newer one untouched;
* a write takes the store's advisory lock inside a database transaction, catches up with
  the rows other writers committed, lets the tracker check and change the state, then
  inserts one journal row (the same line and hash as a folder's journal) and upserts the
  documents it changed, and commits: one row per call or batch, or nothing;
* ``refresh()`` applies the rows committed since; :meth:`PostgresStore.wait_for_change`
  blocks on ``LISTEN`` until another writer commits;
* a lost connection makes the call in flight raise :class:`StoreError` (its changes are
  undone in memory; a commit whose answer was lost shows up on the next catch-up) and the
  next call connects again.

psycopg 3 is needed (the ``postgres`` extra); it is imported only when a PostgreSQL store
is opened.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from .. import _json
from ..errors import StoreCorruptError, StoreError, StoreVersionError
from . import Store, is_head
from .audit import VerifyReport, verify_folder
from .backup import new_folder
from .journal import GENESIS, Entry, encode_entry
from .pending import PendingChanges
from .pgsql import MIGRATIONS, PG_SCHEMA_VERSION, channel, create_statements, lock_key
from .pgsql import quote_ident as ident
from .pgurl import PgAddress, is_postgres_url
from .pgverify import decode_line, verify_tables
from .snapshot import SnapshotMeta, write_snapshot
from .state import Doc, State

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresStore", "is_postgres_url"]

_T = TypeVar("_T")

JOURNAL = "journal.jsonl"
SNAPSHOT = "state.json"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "a PostgreSQL store needs psycopg: pip install 'cchc-tasks[postgres]'"
        ) from None
    return psycopg


class PostgresStore(Store):
    """A store in a PostgreSQL schema (see the module docstring).

    ``url`` is ``postgresql://user@host:port/db`` with an optional ``?schema=`` (default
    ``public``). ``create=False`` refuses a schema that holds no store instead of
    creating one.
    """

    def __init__(
        self, url: str, *, clock: Callable[[], dt.datetime] = _utc_now, create: bool = True
    ):
        super().__init__(None, clock=clock)
        self.address = PgAddress.parse(url)
        #: The URL without its password: what messages and ``repr`` show.
        self.path = self.address.shown
        self.schema = ident(self.address.schema)
        self._conn: psycopg.Connection[Any] | None = None
        self._at = (0, GENESIS)
        self._write: PendingChanges | None = None
        self._levels = 0
        self._is_closed = False
        self._kinds: set[str] = set()
        try:
            self._prepare_schema(create)
            self._load()
        except BaseException:
            self._disconnect()
            raise

    # -- connections ------------------------------------------------------------------

    def _connection(self) -> psycopg.Connection[Any]:
        """The open connection, connecting (again) if there is none or it was lost."""
        if self._is_closed:
            raise StoreError(f"{self.path}: the store is closed")
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            self._disconnect()
            psycopg = _psycopg()
            try:
                conn = psycopg.connect(self.address.conninfo, autocommit=True)
            except psycopg.Error as exc:
                raise StoreError(f"{self.path}: cannot connect ({_first_line(exc)})") from None
            self._conn = conn
        assert conn is not None
        return conn

    def _disconnect(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    @contextlib.contextmanager
    def _server(self, doing: str) -> Iterator[psycopg.Connection[Any]]:
        """The connection, with a database error turned into a one-line
        :class:`StoreError` saying what we were ``doing``."""
        conn = self._connection()
        psycopg = _psycopg()
        try:
            yield conn
        except psycopg.Error as exc:
            if conn.broken:
                self._disconnect()
            raise StoreError(f"{self.path}: could not {doing} ({_first_line(exc)})") from None

    def _again(self, doing: str, work: Callable[[psycopg.Connection[Any]], _T]) -> _T:
        """``work`` (reads, or the start of a write: safe to repeat) on the connection; a
        connection found dead (cut while idle, or the server restarted) is replaced and
        ``work`` tried once more, so the call after a lost connection succeeds."""
        psycopg = _psycopg()
        for attempt in (1, 2):
            conn = self._connection()
            try:
                return work(conn)
            except psycopg.Error as exc:
                if conn.broken:
                    self._disconnect()
                    if attempt == 1:
                        continue
                raise StoreError(f"{self.path}: could not {doing} ({_first_line(exc)})") from None
        raise AssertionError("unreachable")  # pragma: no cover

    # -- opening ----------------------------------------------------------------------

    def _schema_version(self, conn: psycopg.Connection[Any]) -> int | None:
        found = conn.execute("SELECT to_regclass(%s)", (f"{self.schema}.cchc_meta",)).fetchone()
        if found is None or found[0] is None:
            return None
        row = conn.execute(
            f"SELECT value FROM {self.schema}.cchc_meta WHERE key = 'schema_version'"
        ).fetchone()
        return None if row is None else int(row[0])

    def _prepare_schema(self, create: bool) -> None:
        """Create, migrate or refuse the schema; a current one is left alone."""
        with self._server("open the store") as conn:
            version = self._schema_version(conn)
            if version == PG_SCHEMA_VERSION:
                return
            if version is not None and version > PG_SCHEMA_VERSION:
                raise StoreVersionError(self.address.shown, version, PG_SCHEMA_VERSION)
            if version is None and not create:
                raise StoreError(
                    f"{self.path}: expected a store in schema {self.address.schema!r}, found none"
                )
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(self.address.schema),))
                version = self._schema_version(conn)  # another process may have been first
                if version is None:
                    for statement in create_statements(self.address.schema):
                        conn.execute(statement)
                    return
                self._migrate(conn, version)

    def _migrate(self, conn: psycopg.Connection[Any], version: int) -> None:
        """Take the schema from ``version`` to the current one (inside the transaction)."""
        if version > PG_SCHEMA_VERSION:
            raise StoreVersionError(self.address.shown, version, PG_SCHEMA_VERSION)
        while version < PG_SCHEMA_VERSION:
            for statement in MIGRATIONS[version]:
                conn.execute(statement.format(schema=self.schema))
            version += 1
        conn.execute(
            f"UPDATE {self.schema}.cchc_meta SET value = %s WHERE key = 'schema_version'",
            (str(version),),
        )

    def _load(self) -> None:
        """Read the documents and the head as of one moment."""
        self._again("read the store", self._read_all)

    def _read_all(self, conn: psycopg.Connection[Any]) -> None:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            head = conn.execute(
                f"SELECT seq, hash FROM {self.schema}.cchc_journal ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            raw: dict[str, dict[str, Doc]] = {}
            with conn.cursor() as cur:
                cur.execute(
                    f"SELECT kind, doc_id, doc::text FROM {self.schema}.cchc_documents "
                    "ORDER BY kind, doc_id"
                )
                for kind, doc_id, text in cur:
                    raw.setdefault(kind, {})[str(doc_id)] = _json.loads(text)
            self._kinds = {
                row[0] for row in conn.execute(f"SELECT kind FROM {self.schema}.cchc_kinds")
            }
        self.state = State(raw)
        self._at = (0, GENESIS) if head is None else (int(head[0]), str(head[1]))

    # -- reading ----------------------------------------------------------------------

    @property
    def seq(self) -> int:
        return self._at[0]

    @property
    def head(self) -> str:
        """The hash of the last journal row this store has read or written."""
        return self._at[1]

    @property
    def in_transaction(self) -> bool:
        return self._levels > 0

    @property
    def closed(self) -> bool:
        return self._is_closed

    @property
    def pending_actor(self) -> str | None:
        return self._require_write().actor

    def refresh(self) -> None:
        """Apply the journal rows other writers committed since we last looked."""
        if self._levels == 0:
            self._again("read the journal", self._catch_up_rows)

    def _catch_up_rows(self, conn: psycopg.Connection[Any], prefix: str = "") -> None:
        """Apply the rows after our seq; ``prefix`` (statements without parameters) is
        sent in the same round trip, before the query."""
        seq, head = self._at
        with conn.cursor() as cur:
            # Parameters would need one statement per round trip: the seq is an int.
            cur.execute(
                f"{prefix}SELECT seq, line FROM {self.schema}.cchc_journal "
                f"WHERE seq > {int(seq)} ORDER BY seq"
            )
            while cur.nextset():
                pass  # the query's rows are the last result
            for row_seq, line in cur:
                entry = decode_line(line, self.address.shown, row_seq, head)
                if entry.seq != seq + 1 or entry.seq != row_seq:
                    raise StoreCorruptError(
                        self.address.shown, f"sequence {entry.seq} follows {seq}", row_seq
                    )
                for change in entry.changes:
                    self.state.restore(change.table, change.id, change.after)
                seq, head = entry.seq, entry.hash
                self._at = (seq, head)
                for listener in self.on_catch_up:
                    listener(entry)

    def lines(self, after: int = 0) -> Iterator[tuple[int, str]]:
        """The journal rows after seq ``after`` as (seq, line without its newline), oldest
        first, read in pages so a long journal need not fit in memory."""
        query = (
            f"SELECT seq, line FROM {self.schema}.cchc_journal WHERE seq > %s "
            "ORDER BY seq LIMIT 1000"
        )

        def page(conn: psycopg.Connection[Any], start: int) -> list[tuple[int, str]]:
            return conn.execute(query, (start,)).fetchall()

        while True:
            rows = self._again("read the journal", functools.partial(page, start=after))
            if not rows:
                return
            yield from rows
            after = rows[-1][0]

    def entries(self) -> Iterator[Entry]:
        """Every committed change set, oldest first."""
        head = GENESIS
        for seq, line in self.lines():
            entry = decode_line(line, self.address.shown, seq, head)
            head = entry.hash
            yield entry

    def wait_for_change(self, timeout: float) -> bool:
        """Block until another writer commits (or ``timeout`` seconds pass), then
        :meth:`refresh`. Whether the store moved on."""
        before = self.seq
        psycopg = _psycopg()
        try:
            with psycopg.connect(self.address.conninfo, autocommit=True) as listener:
                listener.execute(f"LISTEN {ident(channel(self.address.schema))}")
                self.refresh()  # a commit between our last look and LISTEN counts too
                if self.seq == before:
                    for _ in listener.notifies(timeout=timeout, stop_after=1):
                        break
        except psycopg.Error as exc:
            raise StoreError(f"{self.path}: could not listen ({_first_line(exc)})") from None
        self.refresh()
        return self.seq != before

    # -- writing ----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, actor: str | None = None, note: str | None = None) -> Iterator[None]:
        """All changes inside become one journal row, or none at all (as on a folder)."""
        if self._is_closed:
            raise StoreError(f"{self.path}: the store is closed")
        if self.read_only is not None:
            raise StoreError(f"{self.read_only} is read-only: it cannot be changed")
        if self._levels:
            yield from self._nested_write(self._require_write())
            return
        self._levels = 1
        try:
            conn = self._begin()
            write = self._write = PendingChanges(actor, note)
            start = write.savepoint(self.state)
            try:
                yield
                self._commit_write(conn, write)
            except BaseException:
                write.rollback(self.state, start)
                raise
        finally:
            self._write = None
            self._levels = 0
            self._end()

    def _begin(self) -> psycopg.Connection[Any]:
        """Start the database transaction, take the writers' lock and catch up."""
        return self._again("start a write", self._lock_and_catch_up)

    def _lock_and_catch_up(self, conn: psycopg.Connection[Any]) -> psycopg.Connection[Any]:
        try:
            key = int(lock_key(self.address.schema))
            self._catch_up_rows(conn, f"BEGIN; SELECT pg_advisory_xact_lock({key}); ")
        except BaseException:
            self._end()
            raise
        return conn

    def _end(self) -> None:
        """Leave no database transaction open (after a commit there is none)."""
        conn = self._conn
        if conn is not None and not conn.closed and not conn.broken:
            psycopg = _psycopg()
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                with contextlib.suppress(psycopg.Error):
                    conn.execute("ROLLBACK")

    def _nested_write(self, write: PendingChanges) -> Iterator[None]:
        start = write.savepoint(self.state)
        self._levels += 1
        try:
            yield
        except BaseException:
            write.rollback(self.state, start)
            raise
        else:
            write.release()
        finally:
            self._levels -= 1

    def _require_write(self) -> PendingChanges:
        if self._write is None:
            raise StoreError("changes must be made inside Store.transaction()")
        return self._write

    def put(self, table: str, doc: Doc, *, texts_checked: bool = False) -> None:
        """Add or replace a document (inside a transaction); see :meth:`Store.put`."""
        self._require_write().put(self.state, table, doc, texts_checked=texts_checked)

    def change_in_place(
        self, table: str, doc: Doc, changes: Doc, *, texts_checked: bool = False
    ) -> bool:
        """See :meth:`Store.change_in_place`."""
        return self._require_write().change_in_place(
            self.state, table, doc, changes, texts_checked=texts_checked
        )

    def delete(self, table: str, key: str) -> None:
        """Remove a document if there is one (inside a transaction)."""
        self._require_write().delete(self.state, table, key)

    def _commit_write(self, conn: psycopg.Connection[Any], write: PendingChanges) -> None:
        """Insert the journal row and the documents, and commit."""
        seq, head = self._at
        sealed = write.seal(seq + 1, self.clock, head)
        if sealed is None:
            return
        entry, parts, digest = sealed
        line = b"".join(parts)
        psycopg = _psycopg()
        try:
            # One round trip: the row, the documents, the notification and the commit.
            with conn.pipeline():
                self._insert(conn, [(entry, line, head, digest)])
                self._write_documents(conn, {(c.table, c.id) for c in entry.changes})
                conn.execute(
                    "SELECT pg_notify(%s, %s)", (channel(self.address.schema), str(entry.seq))
                )
                conn.execute("COMMIT")
        except psycopg.Error as exc:
            if not conn.broken:
                raise StoreError(
                    f"{self.path}: could not record the change ({_first_line(exc)}); "
                    "nothing was recorded"
                ) from None
            self._disconnect()
            raise StoreError(
                f"{self.path}: the connection was lost while committing ({_first_line(exc)}); "
                "whether the change was recorded shows on the next read (refresh())"
            ) from None
        self._at = (entry.seq, digest)
        self.last_entry = entry.hashed(digest)

    def _insert(
        self, conn: psycopg.Connection[Any], rows: Iterable[tuple[Entry, bytes, str, str]]
    ) -> None:
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {self.schema}.cchc_journal (seq, at, actor, note, prev, hash, line)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (e.seq, e.at, e.actor, e.note, prev, digest, line[:-1].decode("utf-8"))
                    for e, line, prev, digest in rows
                ],
            )

    def _write_documents(self, conn: psycopg.Connection[Any], keys: set[tuple[str, str]]) -> None:
        """Make the documents of ``keys`` in the database what they are in the state."""
        for kind in sorted({kind for kind, _ in keys} - self._kinds):
            conn.execute(f"SELECT {self.schema}.cchc_add_kind(%s)", (kind,))
        upserts, deletes = [], []
        for kind, key in sorted(keys):
            doc = self.state.get(kind, key)
            if doc is None:
                deletes.append((kind, key))
            else:
                text = _json.dumps(doc).decode("utf-8")
                upserts.append((kind, key, int(self.state.doc_id(kind, key) or 0), text))
        with conn.cursor() as cur:
            if deletes:
                cur.executemany(
                    f"DELETE FROM {self.schema}.cchc_documents WHERE kind = %s AND id = %s",
                    deletes,
                )
            if upserts:
                cur.executemany(
                    f"INSERT INTO {self.schema}.cchc_documents (kind, id, doc_id, doc) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (kind, id) DO UPDATE "
                    "SET doc_id = EXCLUDED.doc_id, doc = EXCLUDED.doc",
                    upserts,
                )
        self._kinds |= {kind for kind, _ in keys}

    def load_entries(self, entries: Iterable[Entry]) -> int:
        """Write ``entries`` (a whole journal from seq 1, such as another store's
        :meth:`entries`) into this empty store in one transaction, keeping their seqs,
        times and hashes; how many were written. Refuses a store that is not empty, and
        an entry whose line does not hash as it did where it came from."""
        if self._levels:
            raise StoreError("cannot load a journal inside a transaction")
        conn = self._begin()
        try:
            if (
                self.seq
                or conn.execute(f"SELECT 1 FROM {self.schema}.cchc_documents LIMIT 1").fetchone()
            ):
                raise StoreError(f"{self.path}: expected an empty store to copy into, found data")
            head, count, state, touched = GENESIS, 0, State(), set()
            batch: list[tuple[Entry, bytes, str, str]] = []
            for entry in entries:
                line, digest = encode_entry(entry, head)
                if entry.seq != count + 1 or (entry.hash and entry.hash != digest):
                    raise StoreError(
                        f"{self.path}: journal line {count + 1} does not copy as it was "
                        f"(seq {entry.seq}); nothing was copied"
                    )
                batch.append((entry, line, head, digest))
                for change in entry.changes:
                    state.restore(change.table, change.id, change.after)
                    touched.add((change.table, change.id))
                head, count = digest, count + 1
                if len(batch) >= 1000:
                    with self._server("copy the journal"):
                        self._insert(conn, batch)
                    batch = []
            self.state = state
            with self._server("copy the journal"):
                self._insert(conn, batch)
                self._write_documents(conn, touched)
                conn.execute("COMMIT")
        except BaseException:
            self._end()
            self._load()
            raise
        self._at = (count, head)
        return count

    # -- auditing and backups ------------------------------------------------------------

    def verify(self, expect: str | None = None) -> VerifyReport:
        """Walk the whole journal's hash chain and check the documents against it, as of
        one moment; also that the journal still holds the row this store stands at, and,
        with ``expect`` (a head recorded elsewhere), that the chain passes through it.
        Never raises for tampering: the report says what it found."""
        if expect is not None and not is_head(expect):
            return VerifyReport(
                False, 0, None, f"expected a head (12 to 64 hex digits), got {expect!r}"
            )
        report = self._again(
            "verify the store",
            lambda conn: verify_tables(conn, self.schema, self.address.shown, self._at),
        )
        if not report.ok or expect is None:
            return report
        wanted = expect.lower()
        if any(_json.loads(line)["hash"].startswith(wanted) for _, line in self.lines()):
            return report
        return VerifyReport(
            False,
            report.lines,
            None,
            f"expected the chain to reach head {expect}: not found (a journal rewritten "
            "from an earlier line verifies on its own, but not against a recorded head)",
            head=report.head,
        )

    def backup(self, dest: str | os.PathLike[str]) -> VerifyReport:
        """Write a consistent copy into the new or empty folder ``dest`` as a folder store
        (journal and snapshot, fsync'ed), as of the head after catching up. Others may go
        on writing meanwhile. Returns the check of the copy."""
        if self._levels:
            raise StoreError("cannot back up inside a transaction; do it after")
        self.refresh()
        target = os.fspath(dest)
        seq, head = self._at
        offset = 0
        with new_folder(target, "backup"):
            with open(os.path.join(target, JOURNAL), "wb") as out:
                for row_seq, line in self.lines():
                    if row_seq > seq:
                        break
                    data = line.encode("utf-8") + b"\n"
                    out.write(data)
                    offset += len(data)
                out.flush()
                os.fsync(out.fileno())
            meta = SnapshotMeta(seq=seq, hash=head, journal_offset=offset, journal_lines=seq)
            write_snapshot(os.path.join(target, SNAPSHOT), self.state.raw, meta)
        return verify_folder(target)

    # -- closing ----------------------------------------------------------------------

    def snapshot(self) -> None:
        """Nothing to do: the documents table is always current."""
        if self._levels:
            raise StoreError("cannot write a snapshot inside a transaction; do it after")

    def close(self) -> None:
        """Close the connection. Safe to call twice."""
        if self._is_closed:
            return
        if self._levels:
            raise StoreError("cannot close the store inside a transaction")
        self._disconnect()
        self._is_closed = True

    def describe(self) -> dict[str, Any]:
        return {"path": self.path, "seq": self.seq, "head": self.head}


def _first_line(exc: BaseException) -> str:
    """The first line of a database error (libpq never puts a password in it)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
