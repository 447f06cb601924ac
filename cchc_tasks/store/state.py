"""The current state in memory, laid out exactly as a TinyDB database.

``raw`` is ``{table: {doc_id: document}}`` — TinyDB's own layout — so the snapshot
is one ``json.dump`` of it and a read-only :class:`tinydb.TinyDB` can query it in
place. Every document carries its user-chosen key in ``"id"``; ``keys`` maps that key
to the TinyDB doc id. Secondary indexes (value → keys) serve the hot queries without
scanning: TinyDB itself scans every document on every search.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage

from ..errors import StoreError

Doc = dict[str, Any]
IndexKey = Callable[[Doc], Any]

__all__ = ["State"]


class _ReadOnlyMemory(MemoryStorage):
    """TinyDB storage over the live state; writes must go through the tracker."""

    def __init__(self, raw: dict[str, dict[str, Doc]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.memory = raw

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        raise StoreError(
            "the TinyDB view is read-only: change data through the Tracker, which "
            "journals every change"
        )


class State:
    """Tables of documents keyed by id, with in-memory indexes."""

    def __init__(self, raw: dict[str, dict[str, Doc]] | None = None) -> None:
        self.raw: dict[str, dict[str, Doc]] = raw if raw is not None else {}
        self.keys: dict[str, dict[str, str]] = {}
        self.next_doc_id: dict[str, int] = {}
        self._indexes: dict[str, dict[str, tuple[IndexKey, dict[Any, set[str]]]]] = defaultdict(
            dict
        )
        for table, docs in self.raw.items():
            self.keys[table] = {doc["id"]: doc_id for doc_id, doc in docs.items()}
            self.next_doc_id[table] = max((int(d) for d in docs), default=0) + 1

    # -- reading ----------------------------------------------------------------------

    def get(self, table: str, key: str) -> Doc | None:
        doc_id = self.keys.get(table, {}).get(key)
        return None if doc_id is None else self.raw[table][doc_id]

    def docs(self, table: str) -> Iterable[Doc]:
        return self.raw.get(table, {}).values()

    def count(self, table: str) -> int:
        return len(self.raw.get(table, {}))

    def lookup(self, table: str, index: str, value: Any) -> set[str]:
        """Keys of the documents whose ``index`` value is ``value``."""
        return self._indexes[table][index][1].get(value, set())

    def index_values(self, table: str, index: str) -> Iterable[Any]:
        return self._indexes[table][index][1].keys()

    def tinydb(self) -> TinyDB:
        """A read-only TinyDB over the live state (for ad-hoc ``Query`` searches)."""
        return TinyDB(storage=_ReadOnlyMemory, raw=self.raw)

    # -- indexes ----------------------------------------------------------------------

    def add_index(self, table: str, name: str, key: IndexKey) -> None:
        buckets: dict[Any, set[str]] = defaultdict(set)
        for doc in self.docs(table):
            buckets[key(doc)].add(doc["id"])
        self._indexes[table][name] = (key, buckets)

    def _index(self, table: str, doc: Doc, add: bool) -> None:
        for key_of, buckets in self._indexes.get(table, {}).values():
            value = key_of(doc)
            if add:
                buckets[value].add(doc["id"])
            else:
                members = buckets.get(value)
                if members is not None:
                    members.discard(doc["id"])
                    if not members:
                        del buckets[value]

    # -- writing (only the Store calls these) -----------------------------------------

    def put(self, table: str, doc: Doc) -> Doc | None:
        """Insert or replace ``doc`` (keyed by ``doc["id"]``); returns the old one."""
        docs = self.raw.setdefault(table, {})
        keys = self.keys.setdefault(table, {})
        key = doc["id"]
        doc_id = keys.get(key)
        before = None
        if doc_id is None:
            number = self.next_doc_id.get(table, 1)
            self.next_doc_id[table] = number + 1
            doc_id = keys[key] = str(number)
        else:
            before = docs[doc_id]
            self._index(table, before, add=False)
        docs[doc_id] = doc
        self._index(table, doc, add=True)
        return before

    def delete(self, table: str, key: str) -> Doc | None:
        doc_id = self.keys.get(table, {}).pop(key, None)
        if doc_id is None:
            return None
        before = self.raw[table].pop(doc_id)
        self._index(table, before, add=False)
        return before

    def restore(self, table: str, key: str, doc: Doc | None) -> None:
        """Put back ``doc`` as it was (``None`` = absent): the undo of a change."""
        if doc is None:
            self.delete(table, key)
        else:
            self.put(table, doc)
