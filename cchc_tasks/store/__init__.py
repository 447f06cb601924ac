"""Persistence: the journal is the truth, TinyDB holds the state.

A store is a folder::

    journal.jsonl   one fsync'ed, hash-chained JSON line per committed change set
    state.json      the snapshot: plain TinyDB JSON, replaced atomically now and then
    lock            the writer lock (flock)
    migrated/       only after a migration: the original files of the older layout

Opening reads the snapshot and then the journal lines after it. Every write goes
through :meth:`Store.transaction`: changes are applied to the in-memory state as they
come (so later checks in a batch see earlier changes), recorded with their ``before``
documents, and on success written as **one** journal line; on any exception they are
undone in reverse order and nothing reaches the disk. A nested transaction joins the
outermost one; if it raises, its own changes are undone (even if the caller catches
the error and the outer transaction goes on). A memory store (``path=None``) does the
same without files.

Opening migrates a store of an older layout (:mod:`.migrations`) and refuses a newer
one. :meth:`Store.verify` walks the whole hash chain (:mod:`.audit`), :meth:`Store.backup`
writes a consistent copy while others go on writing (:mod:`.backup`), and
:meth:`Store.as_of` replays the journal up to a point into a read-only memory store.

See ``docs/reference/store-format.md`` for the file formats.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from .._fields import check_actor, check_note
from ..errors import CchcError, StoreCorruptError, StoreError, StoreVersionError
from .audit import VerifyReport, verify_folder
from .backup import copy_journal, new_folder, restore
from .journal import (
    GENESIS,
    SCHEMA_VERSION,
    Change,
    Entry,
    JournalReader,
    append_durably,
    encode_entry,
)
from .lock import CannotLock, WriterLock
from .migrations import journal_version, upgrade
from .pending import PendingChanges
from .snapshot import (
    SnapshotMeta,
    has_stale_temporaries,
    read_snapshot,
    remove_stale_temporaries,
    write_snapshot,
)
from .state import Doc, State, copy_json

__all__ = [
    "Change",
    "DailyHead",
    "Entry",
    "State",
    "Store",
    "VerifyReport",
    "check_store_folder",
    "create_store_folder",
    "is_head",
    "is_store_folder",
    "restore",
    "verify_folder",
]

JOURNAL = "journal.jsonl"
SNAPSHOT = "state.json"
LOCK = "lock"

Clock = Callable[[], dt.datetime]


def is_store_folder(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder holding a store (its journal or its snapshot)."""
    path = os.fspath(path)
    return os.path.isdir(path) and (
        os.path.exists(os.path.join(path, JOURNAL)) or os.path.exists(os.path.join(path, SNAPSHOT))
    )


def check_store_folder(path: str | os.PathLike[str], *, create: bool = True) -> None:
    """Refuse to open ``path`` as a store unless it is one, or (with ``create``) a missing
    or empty folder where one may be made: a folder of other files is never taken over."""
    where = os.fspath(path)
    if is_store_folder(where):
        return
    if os.path.exists(where) and not os.path.isdir(where):
        raise StoreError(f"{where}: expected a store folder, found a file")
    if not create:
        raise StoreError(
            f"{where}: expected a store (a folder with {JOURNAL}), found none; "
            "create one first (cchc init, or Tracker.open without create=False)"
        )
    if os.path.isdir(where) and os.listdir(where):
        raise StoreError(
            f"{where}: expected a store folder or an empty one, found a folder with other "
            "files (left untouched)"
        )


def create_store_folder(path: str | os.PathLike[str]) -> None:
    """Make an empty store at ``path`` (a missing or empty folder; see
    :func:`check_store_folder`): the folder and an empty journal, made durable."""
    where = os.fspath(path)
    try:
        os.makedirs(where, exist_ok=True)
        with open(os.path.join(where, JOURNAL), "ab") as f:
            os.fsync(f.fileno())
        folder = os.open(where, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except (OSError, ValueError) as exc:  # under a file, no permission, a NUL in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StoreError(f"{where!r}: cannot create a store there: {reason}") from None


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@attrs.frozen
class DailyHead:
    """The head of the hash chain at the end of ``day``: the last line's ``seq`` and
    ``hash`` (see :meth:`Store.daily_heads`)."""

    day: dt.date
    seq: int
    hash: str


def is_head(text: str) -> bool:
    """Whether ``text`` can name a journal line: 12 to 64 hex digits (a hash or its start)."""
    return 12 <= len(text) <= 64 and all(c in "0123456789abcdefABCDEF" for c in text)


def _chained(entries: Iterator[Entry]) -> Iterator[tuple[Entry, str]]:
    """Each entry with its line's hash (computed as a backup would write it for the
    entries of a memory store, which has no lines)."""
    prev = GENESIS
    for entry in entries:
        prev = entry.hash or encode_entry(entry, prev)[1]
        yield entry, prev


def copy_json_changes(changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """``changes`` with their documents copied (see :func:`.state.copy_json`)."""
    return tuple(Change(c.table, c.id, copy_json(c.before), copy_json(c.after)) for c in changes)


def _reason(exc: BaseException) -> str:
    """An OS error as a short reason: its text without the repeated file name."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


class Store:
    """A folder (or nothing, in memory) holding a journal and a TinyDB state."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None,
        *,
        clock: Clock = _utc_now,
        snapshot_min_bytes: int = 8 << 20,
    ) -> None:
        self.path = None if path is None else os.fspath(path)
        self.clock = clock
        self.snapshot_min_bytes = snapshot_min_bytes
        self._pending: PendingChanges | None = None
        self._depth = 0
        self._memory_entries: list[Entry] = []
        self.last_entry: Entry | None = None
        self._closed = False
        self._head = GENESIS
        self._seq = 0
        self._lineno = 0
        self._offset = 0
        self._snapshot_seq = 0
        self._snapshot_bytes = 0
        self._snapshot_offset = 0
        self._fd: int | None = None
        self._lock: WriterLock | None = None
        #: Whether this store committed a change set since it was opened: only then does
        #: ``close()`` write a snapshot (a reader writes nothing).
        self._wrote = False
        #: Why writes are refused (a replayed view of the past), or ``None``.
        self.read_only: str | None = None
        self.on_catch_up: list[Callable[[Entry], None]] = []
        if self.path is None:
            self.state = State()
            return
        self._journal = os.path.join(self.path, JOURNAL)  # stat'ed by every write
        try:
            self._open_folder(self.path)
        except CchcError:
            raise
        except (OSError, ValueError) as exc:
            # A folder that is a file, a journal or lock that is a folder, a NUL in the
            # path: one clear error naming the path, never a raw OSError.
            raise StoreError(f"{self.path}: cannot open the store ({_reason(exc)})") from exc

    # -- opening ----------------------------------------------------------------------

    def _file(self, name: str) -> str:
        assert self.path is not None
        return os.path.join(self.path, name)

    def _open_folder(self, path: str) -> None:
        if os.path.exists(path) and not os.path.isdir(path):
            raise StoreError(f"{path}: expected a store folder, found a file")
        if not os.path.isdir(path):
            os.makedirs(path)
        for name in (JOURNAL, SNAPSHOT, LOCK):
            if os.path.isdir(self._file(name)):
                raise StoreError(f"{self._file(name)}: expected a file, found a folder")
        self._lock = WriterLock(self._file(LOCK))
        raw, meta, migrated = self._read_or_migrate()
        if has_stale_temporaries(path):
            # A writer died while writing a snapshot; under the lock none is being written.
            # A reader that may not write (read-only media) leaves them to the next writer.
            with contextlib.suppress(OSError, CannotLock):
                self._lock.acquire()
                try:
                    remove_stale_temporaries(path)
                finally:
                    self._lock.release()
        self.state = State(raw)
        self._seq, self._head = meta.seq, meta.hash
        self._offset, self._lineno = meta.journal_offset, meta.journal_lines
        self._snapshot_seq, self._snapshot_offset = meta.seq, meta.journal_offset
        if os.path.exists(self._file(SNAPSHOT)):
            self._snapshot_bytes = os.path.getsize(self._file(SNAPSHOT))
        self._check_journal_matches_snapshot()
        self._catch_up()
        # The journal is opened for appending at the first write, not here: reading needs
        # no write access (a store on read-only media, a folder the reader cannot write).
        if migrated:
            self._snapshot_seq = -1  # write the migrated state's snapshot now, even if empty
            self.snapshot()

    def _read_or_migrate(self) -> tuple[dict[str, dict[str, Doc]], SnapshotMeta, bool]:
        """The snapshot; a store of an older layout is migrated first."""
        assert self._lock is not None
        try:
            raw, meta = read_snapshot(self._file(SNAPSHOT))
        except StoreVersionError as exc:
            if exc.found > exc.reads:
                raise
            outdated = True
        else:
            outdated = False
        if not outdated:
            # journal_version raises for a newer journal; an older one needs migrating.
            found = journal_version(self._file(JOURNAL))
            outdated = found is not None and found < SCHEMA_VERSION
        if not outdated:
            return raw, meta, False
        migrated = upgrade(self.path or "", self._lock)
        raw, meta = read_snapshot(self._file(SNAPSHOT))
        return raw, meta, migrated

    def _check_journal_matches_snapshot(self) -> None:
        """The journal must hold, at ``journal_offset``, the end of the line the snapshot
        was taken at: its hash closes that line."""
        journal = self._file(JOURNAL)
        size = os.path.getsize(journal) if os.path.exists(journal) else 0
        if size < self._offset:
            raise StoreCorruptError(
                journal,
                f"the journal is shorter ({size} bytes) than the snapshot {SNAPSHOT} says "
                f"({self._offset} bytes); it was truncated or replaced",
                self._lineno,
            )
        if self._offset == 0:
            return
        closing = f',"hash":"{self._head}"}}\n'.encode()
        tail = b""
        if self._offset >= len(closing):
            with open(journal, "rb") as f:
                f.seek(self._offset - len(closing))
                tail = f.read(len(closing))
        if tail != closing:
            raise StoreCorruptError(
                journal,
                f"this is not the line the snapshot {SNAPSHOT} was taken at (seq "
                f"{self._seq}); the journal was replaced or altered",
                self._lineno,
            )

    def _catch_up(self) -> None:
        """Apply the journal lines written after what the state holds."""
        if self._read_journal() is None:
            return
        # A last line without its newline: a live writer may still be appending it, or
        # a writer died mid-line. Under the writer lock only the second is possible. A
        # reader that cannot take the lock (read-only media) leaves the line unapplied.
        assert self._lock is not None
        try:
            self._lock.acquire()
        except CannotLock:
            return
        try:
            torn = self._read_journal()
            if torn is not None:
                self._drop_torn_tail(torn)
        finally:
            self._lock.release()

    def _read_journal(self) -> int | None:
        """Apply the complete lines after ``_offset``; the offset of a torn last line."""
        try:
            size = os.stat(self._journal).st_size
        except FileNotFoundError:
            size = 0
        if size == self._offset:
            # Nothing after what the state holds, as on most writes: one stat instead of
            # opening and reading the file (a tenth of a durable update's time).
            return None
        reader = JournalReader(
            self._journal,
            offset=self._offset,
            prev=self._head,
            seq=self._seq,
            lineno=self._lineno,
        )
        for entry in reader:
            for change in entry.changes:
                self.state.restore(change.table, change.id, change.after)
            # Advance entry by entry, so an error further on does not apply this one twice.
            self._offset, self._head = reader.offset, reader.prev
            self._seq, self._lineno = reader.seq, reader.lineno
            for listener in self.on_catch_up:
                listener(entry)
        return reader.torn

    def _drop_torn_tail(self, offset: int) -> None:
        """Cut an unacknowledged last line (call with the writer lock held)."""
        journal = self._file(JOURNAL)
        with open(journal, "rb+") as f:
            f.truncate(offset)
            os.fsync(f.fileno())
        warnings.warn(
            f"{journal}: dropped an incomplete last line at byte {offset} (a write that "
            "never returned, so it was never acknowledged)",
            RuntimeWarning,
            stacklevel=2,
        )

    # -- reading ----------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @property
    def seq(self) -> int:
        """The sequence number of the last committed change set."""
        return self._seq

    def refresh(self) -> None:
        """Catch up with lines other processes appended since we last looked."""
        if self.path is not None and self._depth == 0:
            self._catch_up()

    def entries(self) -> Iterator[Entry]:
        """Every committed change set, oldest first.

        The documents in them are copies: changing one changes neither the state nor
        what the next call returns."""
        if self.path is None:
            for entry in self._memory_entries:
                yield attrs.evolve(entry, changes=copy_json_changes(entry.changes))
        else:
            try:
                yield from JournalReader(self._file(JOURNAL))
            except OSError as exc:
                raise StoreError(f"{self._file(JOURNAL)}: cannot read ({_reason(exc)})") from exc

    def daily_heads(self) -> list[DailyHead]:
        """The head of the hash chain at the end of each day that has journal lines (the
        day of the line's own timestamp), oldest first: what to publish elsewhere so that
        a later rewrite of the journal shows (:meth:`verify` with ``expect``)."""
        heads: dict[dt.date, DailyHead] = {}
        for entry, digest in _chained(self.entries()):
            heads[entry.at.date()] = DailyHead(entry.at.date(), entry.seq, digest)
        return list(heads.values())

    @property
    def pending_actor(self) -> str | None:
        """The actor the journal will record for the transaction in progress."""
        return self._require_transaction().actor

    # -- auditing, the past, backups ----------------------------------------------------

    def verify(self, expect: str | None = None) -> VerifyReport:
        """Walk the whole hash chain and check the snapshot against it (see
        :func:`~.audit.verify_folder`); also that the journal still reaches the line this
        store has read up to, and, with ``expect`` (a head recorded elsewhere: the hash
        of a line, or its first 12 or more hex digits), that the chain passes through
        that line. Never raises: the report says what it found."""
        if expect is not None and not is_head(expect):
            return VerifyReport(
                False, 0, None, f"expected a head (12 to 64 hex digits), got {expect!r}"
            )
        if self.path is None:
            count = len(self._memory_entries)
            if expect is not None and not any(
                digest.startswith(expect.lower()) for _, digest in _chained(self.entries())
            ):
                return VerifyReport(
                    False, count, None, f"expected the chain to reach head {expect}: not found"
                )
            return VerifyReport(
                True, count, None, f"{count} entries in memory; nothing on disk to check"
            )
        try:
            return verify_folder(
                self.path, known=(self._offset, self._lineno, self._head), expect=expect
            )
        except CchcError as exc:
            return VerifyReport(False, 0, None, str(exc), file=self.path)

    def as_of(self, keep: Callable[[Entry], bool]) -> Store:
        """A read-only memory store holding the journal's lines from the first one up to
        (not including) the first for which ``keep`` is false."""
        past = Store(None)
        entries = self.entries()
        try:
            for entry in entries:
                if not keep(entry):
                    break
                for change in entry.changes:
                    past.state.restore(change.table, change.id, change.after)
                past._memory_entries.append(entry)
                past._seq = entry.seq
                past.last_entry = entry
        finally:
            close = getattr(entries, "close", None)
            if close is not None:
                close()
        past.read_only = f"the store as of journal seq {past.seq}"
        return past

    def backup(self, dest: str | os.PathLike[str]) -> VerifyReport:
        """Write a consistent copy of the store into the new or empty folder ``dest``: the
        journal up to the line this store stands at after catching up (taken under the
        writer lock) and a snapshot of that state, all fsync'ed. Others may go on
        writing meanwhile. Returns the check of the copy (:meth:`verify` of it)."""
        self._require_open()
        if self._depth:
            raise StoreError("cannot back up inside a transaction; do it after")
        target = os.fspath(dest)
        if self.path is not None and os.path.abspath(target) == os.path.abspath(self.path):
            raise StoreError(
                f"{target}: expected a backup folder other than the store itself, got the "
                "store's own folder"
            )
        if self.path is not None:
            assert self._lock is not None
            self._lock.acquire()
            try:
                self._catch_up()
            finally:
                self._lock.release()
        meta = SnapshotMeta(
            seq=self._seq, hash=self._head, journal_offset=self._offset, journal_lines=self._lineno
        )
        with new_folder(target, "backup"):
            if self.path is not None:
                copy_journal(self._file(JOURNAL), os.path.join(target, JOURNAL), self._offset)
            else:
                meta = self._write_memory_journal(os.path.join(target, JOURNAL))
            write_snapshot(os.path.join(target, SNAPSHOT), self.state.raw, meta)
        return verify_folder(target)

    def _write_memory_journal(self, path: str) -> SnapshotMeta:
        """Write a memory store's entries as a journal; where its end stands."""
        prev, offset = GENESIS, 0
        with open(path, "wb") as f:
            for entry in self._memory_entries:
                line, prev = encode_entry(entry, prev)
                f.write(line)
                offset += len(line)
            f.flush()
            os.fsync(f.fileno())
        return SnapshotMeta(
            seq=self._seq, hash=prev, journal_offset=offset, journal_lines=len(self._memory_entries)
        )

    @staticmethod
    def restore(backup: str | os.PathLike[str], dest: str | os.PathLike[str]) -> VerifyReport:
        """Copy the backup folder ``backup`` to the new store folder ``dest`` (see
        :func:`~.backup.restore`); a path that cannot be written is a :class:`StoreError`."""
        try:
            return restore(os.fspath(backup), os.fspath(dest))
        except CchcError:
            raise
        except (OSError, ValueError) as exc:
            raise StoreError(f"{os.fspath(dest)}: cannot restore there ({_reason(exc)})") from exc

    # -- writing ----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, actor: str | None = None, note: str | None = None) -> Iterator[None]:
        """All changes inside become one journal line, or none at all.

        Nested transactions join the outermost one (its actor and note win); if a nested
        one raises, its own changes are undone, whether or not the outer one goes on.
        """
        self._require_open()
        if self.read_only is not None:
            raise StoreError(f"{self.read_only} is read-only: it cannot be changed")
        if self._depth:
            yield from self._nested(self._require_transaction())
            return
        check_actor(actor)
        check_note(note)
        if self._lock is not None:
            self._lock.acquire()
        try:
            self._open_journal_for_writing()
            # A snapshot that fell due is written here, before the next change begins
            # (and on close): never after a commit, so a large batch returns as soon as
            # its journal line is durable. snapshot() catches up first.
            self._snapshot_if_due()
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self._depth = 1
        try:
            if self.path is not None:
                self._catch_up()
            pending = self._pending = PendingChanges(actor, note)
            start = pending.savepoint(self.state)
            try:
                yield
                self._commit(pending)
            except BaseException:
                pending.rollback(self.state, start)
                raise
        finally:
            self._pending = None
            self._depth = 0
            if self._lock is not None:
                self._lock.release()

    def _open_journal_for_writing(self) -> None:
        """Open the journal for appending (the first write of this store, under the lock)."""
        if self.path is None or self._fd is not None:
            return
        journal = self._file(JOURNAL)
        try:
            self._fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as exc:
            raise StoreError(f"{journal}: cannot write to the store ({_reason(exc)})") from exc

    def _nested(self, pending: PendingChanges) -> Iterator[None]:
        start = pending.savepoint(self.state)
        self._depth += 1
        try:
            yield
        except BaseException:
            pending.rollback(self.state, start)
            raise
        else:
            pending.release()
        finally:
            self._depth -= 1

    def put(self, table: str, doc: Doc, *, texts_checked: bool = False) -> None:
        """Add or replace a document (inside a transaction). ``texts_checked``: the
        caller vouches that every text in ``doc`` is at most
        :data:`~cchc_tasks._fields.MAX_TEXT_LENGTH` long (it encoded an object whose
        validators bound them), so the commit does not walk the document for one."""
        pending = self._pending  # _require_transaction() in line: every write calls this
        if pending is None:
            self._require_transaction()  # raises
            return
        pending.put(self.state, table, doc, texts_checked=texts_checked)

    def change_in_place(
        self, table: str, doc: Doc, changes: Doc, *, texts_checked: bool = False
    ) -> bool:
        """Set ``changes`` (field → value) in ``doc`` itself, when ``doc`` is the
        document of its key that the innermost open transaction wrote: nothing outside
        the transaction has seen it, and an undo puts back the one before it. Returns
        whether it did; if not, nothing changed (put a new document instead). The
        store's other documents are never changed, only replaced. ``texts_checked``: as
        for :meth:`put`."""
        pending = self._require_transaction()
        return pending.change_in_place(self.state, table, doc, changes, texts_checked=texts_checked)

    def delete(self, table: str, key: str) -> None:
        """Remove a document if there is one (inside a transaction)."""
        self._require_transaction().delete(self.state, table, key)

    def _require_transaction(self) -> PendingChanges:
        if self._pending is None:
            raise StoreError("changes must be made inside Store.transaction()")
        return self._pending

    def _require_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")

    def _commit(self, pending: PendingChanges) -> None:
        sealed = pending.seal(self._seq + 1, self.clock, self._head)
        if sealed is None:
            return
        entry, parts, digest = sealed
        size = sum(len(part) for part in parts)
        if self.path is None:
            self._memory_entries.append(entry)
            self._seq = entry.seq
            self._wrote = True
            self.last_entry = entry
            return
        assert self._fd is not None
        try:
            append_durably(self._fd, *parts)
        except OSError as exc:
            self._repair_after_failed_append()
            raise StoreError(
                f"{self._file(JOURNAL)}: could not write the change ({exc}); nothing was recorded"
            ) from exc
        self._seq, self._head = entry.seq, digest
        self._wrote = True
        self.last_entry = entry.hashed(digest)
        self._offset += size
        self._lineno += 1

    def _repair_after_failed_append(self) -> None:
        """A failed append may leave a partial line: cut the journal back."""
        with contextlib.suppress(OSError), open(self._file(JOURNAL), "rb+") as f:
            f.truncate(self._offset)
            os.fsync(f.fileno())

    def _snapshot_if_due(self) -> None:
        """Snapshot once the journal tail outgrows max(snapshot_min_bytes, 2 × snapshot).

        The change is already durable in the journal, so a failed snapshot must not make
        the call fail: it is reported as a warning and tried again later.
        """
        if self.path is None:
            return
        tail = self._offset - self._snapshot_offset
        if tail <= max(self.snapshot_min_bytes, 2 * self._snapshot_bytes):
            return
        self._try_snapshot()

    def _try_snapshot(self) -> None:
        """:meth:`snapshot`, a failure being a warning (the journal holds every change)."""
        try:
            self.snapshot()
        except (OSError, StoreError) as exc:
            warnings.warn(
                f"{self._file(SNAPSHOT)}: could not write the snapshot ({exc}); the journal "
                "still holds every change",
                RuntimeWarning,
                stacklevel=4,
            )

    def snapshot(self) -> None:
        """Write the state to the snapshot file now (atomically).

        Not allowed inside a transaction: the snapshot would hold changes that may yet
        be undone.
        """
        if self._depth:
            raise StoreError("cannot write a snapshot inside a transaction; do it after")
        if self.path is None:
            return
        if self._seq == self._snapshot_seq and os.path.exists(self._file(SNAPSHOT)):
            return  # the snapshot is current
        assert self._lock is not None
        self._lock.acquire()
        try:
            self._catch_up()
            meta = SnapshotMeta(
                seq=self._seq,
                hash=self._head,
                journal_offset=self._offset,
                journal_lines=self._lineno,
            )
            self._snapshot_bytes = write_snapshot(self._file(SNAPSHOT), self.state.raw, meta)
            self._snapshot_seq = self._seq
            self._snapshot_offset = self._offset
        finally:
            self._lock.release()

    def close(self) -> None:
        """Snapshot if this store wrote anything, and release the files. Safe to call
        twice. A reader writes nothing; a snapshot that cannot be written (a full disk)
        is a warning, as the journal holds every change."""
        if self._closed:
            return
        if self._depth:
            raise StoreError("cannot close the store inside a transaction")
        try:
            if self._wrote and self._seq != self._snapshot_seq:
                self._try_snapshot()
        finally:
            self._closed = True
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    @property
    def closed(self) -> bool:
        return self._closed

    def describe(self) -> dict[str, Any]:
        return {"path": self.path, "seq": self._seq, "head": self._head}
