"""The change set of a transaction in progress, shared by the folder and PostgreSQL stores.

Each put or delete is recorded as a step, in order, so that a nested transaction that
fails can undo its own steps. What the journal records when the transaction commits is
the net change of each object (:meth:`PendingChanges.net`): its document before the
transaction and after it. A batch that adds a task and completes it records one
addition of the completed task, not two versions of which only the last was ever seen
by anyone (a transaction is atomic: the first version never existed outside it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any

from .._collector import collector_deferred
from .._fields import MAX_TEXT_LENGTH
from ..errors import StoreError
from .journal import Change, Entry, check_text_lengths, check_texts, encode_entry_parts
from .state import State

__all__ = ["PendingChanges", "Savepoint"]

Doc = dict[str, Any]
#: A change set of more steps than this defers the cyclic collector while it is sealed.
BULK_STEPS = 1000
#: Where a (nested) transaction started: how many steps, and which tables existed.
Savepoint = tuple[int, frozenset[str]]
#: (table, key, before, after, doc id, vouched): the doc id lets an undo put a document
#: back exactly where it was; vouched: the writer of ``after`` vouched for its texts.
Step = tuple[str, str, Doc | None, Doc | None, str, bool]
#: Where each object's latest step is, by table and key.
Latest = dict[str, dict[str, int]]


class PendingChanges:
    """The steps of the transaction in progress, and the ``actor`` and ``note`` its
    journal line will record.

    A transaction takes a :meth:`savepoint` when it starts (a nested one too), then
    either :meth:`rollback` to it or, for a nested one that succeeded, :meth:`release`
    it."""

    def __init__(self, actor: str | None, note: str | None) -> None:
        self.actor = actor
        self.note = note
        # A Step per step. Tuples, not Change objects: a 50,000-task batch makes 90,000
        # steps, and only the net changes become Change objects.
        self.steps: list[Step] = []
        # Where each object's latest step since the innermost open savepoint is (a step
        # may be merged into it: see record()), and the outer savepoints' maps. By
        # table, then key: no (table, key) pair is made for each write.
        self.latest: Latest = {}
        self.outer: list[Latest] = []
        # How many steps write a document whose writer did not vouch for its texts: the
        # commit walks the texts only when some do (see check_texts()).
        self.unvouched = 0

    def put(self, state: State, table: str, doc: Doc, *, texts_checked: bool = False) -> None:
        """Add or replace ``doc`` in ``state`` as a step. ``texts_checked``: the caller
        vouches that every text of ``doc`` is within the storable length (it encoded an
        object whose validators checked them), so the commit need not walk it again."""
        before, doc_id = state.put_with_id(table, doc)
        self.record(table, doc["id"], before, doc, doc_id, texts_checked)

    def change_in_place(
        self, state: State, table: str, doc: Doc, changes: Doc, *, texts_checked: bool = False
    ) -> bool:
        """Set ``changes`` in ``doc`` itself, if it is the document this transaction's
        innermost savepoint wrote for its key; returns whether it was.

        No one outside the transaction has seen such a document, no step keeps it as
        the version to go back to (an undo puts back the document before it), and no
        savepoint before needs it: it is the version in between that :meth:`record`
        would free at once. A batch that adds 50,000 tasks and completes them so
        changes three fields of each, instead of copying twenty into a new document
        and freeing the old one. ``texts_checked``: as for :meth:`put`, for the whole
        document as it is then."""
        latest = self.latest.get(table)
        at = None if latest is None else latest.get(doc["id"])
        if at is None:
            return False
        step = self.steps[at]
        if step[3] is not doc or step[2] is doc:
            return False  # not the document it wrote, or one that was there before
        state.change_in_place(table, doc, changes)
        if step[5] != texts_checked:
            self.unvouched += -1 if texts_checked else 1
            self.steps[at] = (*step[:5], texts_checked)
        return True

    def delete(self, state: State, table: str, key: str) -> None:
        """Remove the document keyed ``key`` from ``state`` as a step, if there is one."""
        doc_id = state.doc_id(table, key)
        before = state.delete(table, key)
        if before is not None:
            assert doc_id is not None
            self.record(table, key, before, None, doc_id)

    def record(
        self,
        table: str,
        key: str,
        before: Doc | None,
        after: Doc | None,
        doc_id: str,
        vouched: bool = False,
    ) -> None:
        """Record a step (``vouched``: see :meth:`put`). One that changes an object
        already changed since the innermost savepoint is merged into that step: undoing
        the merged step restores what undoing both would, and the version in between is
        freed at once (a batch that adds 50,000 tasks and completes them holds 50,000
        documents, not 100,000)."""
        steps = self.steps
        if after is not None and not vouched:
            self.unvouched += 1
        latest = self.latest.get(table)
        if latest is None:
            latest = self.latest[table] = {}
        at = latest.get(key)
        if at is None:
            latest[key] = len(steps)
            steps.append((table, key, before, after, doc_id, vouched))
            return
        first = steps[at]
        if first[3] is not None and not first[5]:
            self.unvouched -= 1  # its document is freed, no longer to be written
        steps[at] = (table, key, first[2], after, first[4], vouched)

    def savepoint(self, state: State) -> Savepoint:
        """Where a (nested) transaction starts: later steps are not merged into earlier
        ones, so that a rollback to here can undo them alone."""
        self.outer.append(self.latest)
        self.latest = {}
        return len(self.steps), frozenset(state.raw)

    def release(self) -> None:
        """A nested transaction succeeded: its steps belong to the enclosing one."""
        inner = self.latest
        self.latest = self.outer.pop()
        for table, keys in inner.items():
            outer = self.latest.get(table)
            if outer is None:
                self.latest[table] = keys
            else:
                outer.update(keys)

    def rollback(self, state: State, savepoint: Savepoint) -> None:
        """Undo the steps made since ``savepoint``, newest first."""
        count, tables = savepoint
        for table, key, before, after, doc_id, vouched in reversed(self.steps[count:]):
            state.undo(table, key, before, doc_id)
            if after is not None and not vouched:
                self.unvouched -= 1
        del self.steps[count:]
        state.drop_empty_tables(keep=tables)
        self.latest = self.outer.pop()

    def net(self) -> tuple[Change, ...]:
        """One change per object the transaction changed, from its document before the
        transaction to its document after, in the order the objects were first changed;
        an object added and removed again is left out."""
        if self._steps_are_net():
            return tuple(
                Change(table, key, before, after)
                for table, key, before, after, _, _ in self.steps
                if before is not None or after is not None
            )
        found: dict[tuple[str, str], Step] = {}
        for step in self.steps:
            where = (step[0], step[1])
            first = found.get(where)
            found[where] = step if first is None else (*step[:2], first[2], *step[3:])
        return tuple(
            Change(table, key, before, after)
            for table, key, before, after, _, _ in found.values()
            if before is not None or after is not None
        )

    def _steps_are_net(self) -> bool:
        """Whether each object was changed by one step (merged as it went), so that the
        steps are the net changes: no nested transaction kept steps of its own."""
        latest = self.latest
        return sum(map(len, latest.values())) == len(self.steps) and not self.outer[1:]

    def seal(
        self, seq: int, clock: Callable[[], dt.datetime], prev: str
    ) -> tuple[Entry, tuple[bytes | memoryview, ...], str] | None:
        """The journal line of this transaction, numbered ``seq``, timed by ``clock`` and
        chained after the line hashed ``prev``: its entry, the parts the line is made of
        (see :func:`~cchc_tasks.store.journal.seal_parts`) and its hash; ``None`` when
        nothing changed in the end. Every text it writes is storable, or a
        :class:`ValidationError` names the table, key and field."""
        # A batch's line is 50,000 changes made at once: the collector waits for them. A
        # single update's is not worth the two context managers.
        bulk = collector_deferred if len(self.steps) > BULK_STEPS else contextlib.nullcontext
        with bulk():
            changes = self.net()
        if not changes:
            return None
        at = clock()
        if at.tzinfo is None or at.utcoffset() is None:
            raise StoreError(f"the store's clock gave {at!r}: expected a timezone-aware time")
        entry = Entry(seq, at, self.actor, self.note, changes)
        try:
            with bulk():
                parts, digest = encode_entry_parts(entry, prev)
        except UnicodeEncodeError:
            self.check_texts(changes, encoded=False)  # names the field with the surrogate
            raise  # pragma: no cover - every text was checked, so this cannot happen
        if sum(len(part) for part in parts) > MAX_TEXT_LENGTH:
            # Only a line this long can hold a text too long to store: look for one.
            self.check_texts(changes, encoded=True)
        return entry, parts, digest

    def check_texts(self, changes: tuple[Change, ...], *, encoded: bool) -> None:
        """Every text the ``changes`` write must be storable: a :class:`ValidationError`
        naming the table, key and field otherwise. ``encoded``: the line is known to
        encode as UTF-8, so only a text too long remains possible. Documents whose writer
        vouched for their texts are not walked again."""
        if not self.unvouched:
            return  # every document still to be written was vouched for
        # The documents vouched for, by id(): each is alive (a step holds it) while the
        # commit runs, so no other object can have its id().
        vouched = {id(step[3]) for step in self.steps if step[5]}
        unchecked = tuple(c for c in changes if c.after is not None and id(c.after) not in vouched)
        if encoded:
            check_text_lengths(unchecked)
        else:
            check_texts(unchecked)
