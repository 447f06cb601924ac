"""The current state in memory, laid out exactly as a TinyDB database.

``raw`` is ``{table: {doc_id: document}}`` — TinyDB's own layout — so the snapshot
is one ``json.dump`` of it and a read-only :class:`tinydb.TinyDB` can query it in
place. Every document carries its user-chosen key in ``"id"``; ``keys`` maps that key
to the TinyDB doc id. Lookups (in-memory secondary indexes: value → keys) serve the
hot queries without scanning: TinyDB itself scans every document on every search.

Doc ids are kept in ascending order in every table and a new document gets the
highest doc id plus one, as TinyDB does after loading a file. So the same changes
give the same doc ids whether they are applied live or replayed from the journal,
and undoing a change puts every document back exactly where it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from tinydb import TinyDB
from tinydb.storages import MemoryStorage, Storage
from tinydb.table import Table

from .. import _json
from ..errors import StoreError

Doc = dict[str, Any]
LookupKey = Callable[[Doc], Any]
Lookup = tuple[LookupKey, dict[Any, set[str]], str | None]

__all__ = ["State", "copy_json"]

_READ_ONLY = (
    "the TinyDB view is read-only: change data through the Tracker, which journals every change"
)


class _ReadOnlyMemory(MemoryStorage):
    """TinyDB storage over the live state; writes must go through the tracker."""

    def __init__(self, raw: dict[str, dict[str, Doc]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.memory = raw

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        raise StoreError(_READ_ONLY)


class _ReadOnlyTable(Table):
    """A table that refuses every write *before* touching the live documents.

    TinyDB's own write path edits the dict its storage returned (here: the live state)
    and only then calls ``storage.write``, so refusing there would be too late.
    """

    def __init__(
        self, storage: Storage, name: str, cache_size: int = 0, persist_empty: bool = False
    ) -> None:
        # No query cache whatever is asked: the state changes under the view, and a
        # cached result would hide those changes.
        super().__init__(storage, name, cache_size=0, persist_empty=persist_empty)

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> NoReturn:
        raise StoreError(_READ_ONLY)

    def _read_table(self) -> dict[str, Any]:
        # A copy, not the live documents: a query condition or a caller that edits what
        # it got (``doc["partners"].append(…)``) must not change the state behind the
        # journal's back. TinyDB scans every document anyway, so copying costs a constant
        # factor, on the ad-hoc path only (the tracker's own queries use the lookups).
        table: dict[str, Any] = copy_json(super()._read_table())
        return table


class _ReadOnlyTinyDB(TinyDB):
    table_class = _ReadOnlyTable

    def drop_table(self, name: str) -> NoReturn:
        raise StoreError(_READ_ONLY)

    def drop_tables(self) -> NoReturn:
        raise StoreError(_READ_ONLY)


#: What a document was before its first noted change when there was none (a marker no
#: document is).
_ABSENT: Doc = {}


def copy_json(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, text, numbers) that shares nothing with it."""
    return _json.loads(_json.dumps(value))


def _sort_by_doc_id(docs: dict[str, Doc]) -> None:
    """Put ``docs`` in ascending doc id order, in place."""
    items = sorted(docs.items(), key=lambda item: int(item[0]))
    docs.clear()
    docs.update(items)


class State:
    """Tables of documents keyed by id, with in-memory lookups."""

    def __init__(self, raw: dict[str, dict[str, Doc]] | None = None) -> None:
        self.raw: dict[str, dict[str, Doc]] = raw if raw is not None else {}
        self.keys: dict[str, dict[str, str]] = {}
        # Per table, each document by its key: one lookup where key → doc id → document
        # took two (a year's 10,000 tasks are looked up by key on every query).
        self.by_key: dict[str, dict[str, Doc]] = {}
        # Per table, how many times its documents changed: a reader may keep what it
        # worked out from a table while the count is the same (see version()).
        self.versions: dict[str, int] = {}
        # table → lookup name → (key function, value → keys, the field the key reads)
        self._lookups: dict[str, dict[str, Lookup]] = defaultdict(dict)
        # Per table with lookups, the documents changed since the lookups last took
        # changes in: key → its document before the first of those changes (ABSENT if
        # there was none; the document now is in by_key). Writes only note their change
        # here; the lookups take them in when one is next read (catch_up_lookups). A
        # batch that loads 50,000 tasks and completes most of them in a process that
        # then closes spent a tenth of its time keeping lookups no one read; a task
        # changed twice is taken in once.
        self._unindexed: dict[str, dict[str, Doc]] = {}
        for table, docs in self.raw.items():
            numbers = [int(d) for d in docs]
            if numbers != sorted(numbers):
                _sort_by_doc_id(docs)
            self.keys[table] = {doc["id"]: doc_id for doc_id, doc in docs.items()}
            self.by_key[table] = {doc["id"]: doc for doc in docs.values()}

    # -- reading ----------------------------------------------------------------------

    def get(self, table: str, key: str) -> Doc | None:
        docs = self.by_key.get(table)  # no empty dict made for a table that has none
        return None if docs is None else docs.get(key)

    def has(self, table: str, key: Any) -> bool:
        """Whether a document is keyed ``key`` (a key that is not text is none's)."""
        docs = self.by_key.get(table)
        return docs is not None and isinstance(key, str) and key in docs

    def version(self, table: str) -> int:
        """A number that changes whenever a document of ``table`` is added, replaced or
        removed (and only then)."""
        return self.versions.get(table, 0)

    def get_many(self, table: str, keys: Iterable[str]) -> list[Doc]:
        """The documents keyed ``keys``, in that order, skipping keys that have none."""
        docs = self.by_key.get(table)
        if docs is None:
            return []
        return [doc for doc in map(docs.get, keys) if doc is not None]

    def doc_id(self, table: str, key: str) -> str | None:
        """The TinyDB doc id of the document keyed ``key``, if there is one."""
        return self.keys.get(table, {}).get(key)

    def docs(self, table: str) -> Iterable[Doc]:
        return self.raw.get(table, {}).values()

    def count(self, table: str) -> int:
        return len(self.raw.get(table, {}))

    def lookup(self, table: str, lookup: str, value: Any) -> set[str]:
        """Keys of the documents whose ``lookup`` value is ``value``."""
        if self._unindexed:
            self.catch_up_lookups(table)
        return self._lookups[table][lookup][1].get(value, set())

    def lookup_values(self, table: str, lookup: str) -> Iterable[Any]:
        if self._unindexed:
            self.catch_up_lookups(table)
        return self._lookups[table][lookup][1].keys()

    def tinydb(self) -> TinyDB:
        """A read-only TinyDB over the live state (for ad-hoc ``Query`` searches).

        Every write through it raises :class:`StoreError` and leaves the state alone;
        searches always see the current state (there is no query cache).
        """
        return _ReadOnlyTinyDB(storage=_ReadOnlyMemory, raw=self.raw)

    # -- lookups -----------------------------------------------------------------------

    def add_lookup(self, table: str, name: str, key: LookupKey, field: str | None = None) -> None:
        """Keep lookup ``name`` of ``table``: its documents' keys by ``key(doc)``.
        ``field``: the one field ``key`` reads, if so; a document replaced by one whose
        ``field`` is the very same object then keeps its place without ``key`` being
        asked (an update re-encodes only the fields it changes)."""
        self.catch_up_lookups(table)  # the others; this one is built from the documents
        buckets: dict[Any, set[str]] = defaultdict(set)
        for doc in self.docs(table):
            buckets[key(doc)].add(doc["id"])
        self._lookups[table][name] = (key, buckets, field)

    def _note_change(self, table: str, key: str, before: Doc | None) -> None:
        """Note that the document keyed ``key``, which was ``before``, changed, for the
        lookups to take in when one is next read."""
        if not self._lookups.get(table):
            return
        waiting = self._unindexed.get(table)
        if waiting is None:
            waiting = self._unindexed[table] = {}
        if key not in waiting:
            waiting[key] = _ABSENT if before is None else before

    def catch_up_lookups(self, table: str) -> None:
        """Bring the lookups of ``table`` up to date with the changes noted since they
        were last read: each changed document moves from the buckets of its values
        before the first change to those of its values now."""
        waiting = self._unindexed.pop(table, None)
        if not waiting:
            return
        lookups = self._lookups.get(table)
        if not lookups:
            return
        now = self.by_key.get(table, {})
        for key, before in waiting.items():
            after = now.get(key)
            if before is _ABSENT:
                if after is not None:
                    for key_of, buckets, _ in lookups.values():
                        buckets[key_of(after)].add(key)
            elif after is None:
                for key_of, buckets, _ in lookups.values():
                    self._leave(buckets, key_of(before), key)
            else:
                self._move(lookups, key, before, after)

    @staticmethod
    def _leave(buckets: dict[Any, set[str]], value: Any, key: str) -> None:
        members = buckets.get(value)
        if members is not None:
            members.discard(key)
            if not members:
                del buckets[value]

    def _move(self, lookups: dict[str, Lookup], key: str, before: Doc, after: Doc) -> None:
        """Move ``key`` from the buckets of ``before``'s values to those of ``after``'s,
        touching only the lookups whose value changed (a completion changes the status,
        not the unit, plan, assignee or due date). A lookup whose field is the very same
        object in both is not asked at all (an update re-encodes only what changed)."""
        for key_of, buckets, field in lookups.values():
            if field is not None and before[field] is after[field]:
                continue
            old, new = key_of(before), key_of(after)
            if old != new:
                self._leave(buckets, old, key)
                buckets[new].add(key)

    # -- writing (only the Store calls these) -----------------------------------------

    def put(self, table: str, doc: Doc) -> Doc | None:
        """Insert or replace ``doc`` (keyed by ``doc["id"]``); returns the old one.

        A replaced document keeps its doc id; a new one gets the highest plus one.
        """
        return self.put_with_id(table, doc)[0]

    def put_with_id(self, table: str, doc: Doc) -> tuple[Doc | None, str]:
        """:meth:`put`, also returning the document's doc id (one lookup, not two)."""
        key = doc["id"]
        docs = self.raw.get(table)
        if docs is None:  # the table's first document (setdefault would make a dict each call)
            docs, keys, by_key = self.raw[table], self.keys[table], self.by_key[table] = {}, {}, {}
        else:
            keys, by_key = self.keys[table], self.by_key[table]
        by_key[key] = doc
        doc_id = keys.get(key)
        self.versions[table] = self.versions.get(table, 0) + 1
        before = None
        if doc_id is None:
            last = next(reversed(docs), None)
            doc_id = keys[key] = str(1 if last is None else int(last) + 1)
        else:
            before = docs[doc_id]
            docs[doc_id] = doc
            self._note_change(table, key, before)
            return before, doc_id
        docs[doc_id] = doc
        self._note_change(table, key, None)
        return before, doc_id

    def change_in_place(self, table: str, doc: Doc, changes: Doc) -> None:
        """Set ``changes`` (field → value) in ``doc``, the document of its key, itself.

        Only for a document no one else holds (see
        :meth:`~cchc_tasks.store.pending.PendingChanges.change_in_place`): every other
        document is replaced, never changed. The lookups are noted the document's
        values before, as :meth:`put` notes the document replaced: a copy of them, when
        the lookups hold its key by this very document (taken in, or noted as the one
        to move from, as an undone nested transaction notes the document it puts back)."""
        if self._lookups.get(table):
            waiting = self._unindexed.get(table)
            if waiting is None:
                waiting = self._unindexed[table] = {}
            key = doc["id"]
            noted = waiting.get(key)
            if noted is None or noted is doc:
                waiting[key] = dict(doc)  # the lookups hold its key by these values
        doc.update(changes)
        self.versions[table] = self.versions.get(table, 0) + 1

    def delete(self, table: str, key: str) -> Doc | None:
        doc_id = self.keys.get(table, {}).pop(key, None)
        if doc_id is None:
            return None
        del self.by_key[table][key]
        before = self.raw[table].pop(doc_id)
        self.versions[table] = self.versions.get(table, 0) + 1
        self._note_change(table, key, before)
        return before

    def restore(self, table: str, key: str, doc: Doc | None) -> None:
        """Make ``doc`` the document keyed ``key`` (``None`` = absent): replays a change."""
        if doc is None:
            self.delete(table, key)
        else:
            self.put(table, doc)

    def undo(self, table: str, key: str, before: Doc | None, doc_id: str) -> None:
        """Undo a change to ``key`` that had doc id ``doc_id``: put ``before`` back
        exactly where it was (``None`` = it was absent)."""
        if before is None:
            self.delete(table, key)
            return
        if self.doc_id(table, key) is not None:
            self.put(table, before)
            return
        docs = self.raw.setdefault(table, {})
        self.keys.setdefault(table, {})[key] = doc_id
        self.by_key.setdefault(table, {})[key] = before
        self.versions[table] = self.versions.get(table, 0) + 1
        last = next(reversed(docs), None)
        docs[doc_id] = before
        if last is not None and int(last) > int(doc_id):
            _sort_by_doc_id(docs)
        self._note_change(table, key, None)

    def drop_empty_tables(self, keep: Iterable[str]) -> None:
        """Forget the tables not in ``keep`` that have no documents (made by an undone
        change), so an undone transaction leaves no trace."""
        kept = set(keep)
        for table in [t for t, docs in self.raw.items() if not docs and t not in kept]:
            del self.raw[table]
            self.keys.pop(table, None)
            self.by_key.pop(table, None)
