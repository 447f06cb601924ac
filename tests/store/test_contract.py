"""The store contract, once per backend: a folder, memory, and PostgreSQL.

Every test takes ``backend``, which opens trackers on one store of that kind with a
clock that ticks one second per commit (so journal lines, and their hashes, do not depend
on when the test runs). The PostgreSQL case skips with one line without a server (and
fails with ``CI=true``).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, example, given, settings

import cchc_tasks as ct
from cchc_tasks.plugins import make_plugin_manager
from cchc_tasks.store import Store
from cchc_tasks.store.postgres import PostgresStore
from cchc_tasks.testing import raw_state
from tests.postgres_server import url_of

DUE = dt.date(2025, 5, 1)
START = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)


def ticking() -> Callable[[], dt.datetime]:
    """A clock one second later at every call."""
    seconds = itertools.count()
    return lambda: START + dt.timedelta(seconds=next(seconds))


class Backend:
    """Opens trackers on one store: ``kind`` is folder, memory or postgres."""

    def __init__(self, kind: str, where: str | None) -> None:
        self.kind = kind
        self.where = where
        self.clock = ticking()
        self.opened: list[ct.Tracker] = []
        self.memory: Store | None = None

    @property
    def shared(self) -> bool:
        """Whether two trackers can open the same store (not in memory)."""
        return self.kind != "memory"

    def store(self) -> Store:
        if self.kind == "postgres":
            assert self.where is not None
            return PostgresStore(self.where, clock=self.clock)
        if self.kind == "folder":
            return Store(self.where, clock=self.clock)
        if self.memory is None:
            self.memory = Store(None, clock=self.clock)
        return self.memory

    def open(self, plugins: tuple[object, ...] = ()) -> ct.Tracker:
        return self.over(self.store(), plugins)

    def over(self, store: Store, plugins: tuple[object, ...] = ()) -> ct.Tracker:
        tr = ct.Tracker(store, make_plugin_manager(plugins, load_entrypoints=False))
        self.opened.append(tr)
        return tr

    def close(self) -> None:
        for tr in self.opened:
            tr.close()


@pytest.fixture(params=["folder", "memory", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    kind = request.param
    where = {
        "folder": str(tmp_path / "store"),
        "memory": None,
        "postgres": request.getfixturevalue("pg_url") if kind == "postgres" else None,
    }[kind]
    opened = Backend(kind, where)
    yield opened
    opened.close()


def seed(tr: ct.Tracker) -> None:
    with tr.batch(actor="lan", note="seed"):
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="huyen"))
        tr.add_person(ct.Person(id="lan", name="Nguyễn Thị Lan", unit="huyen"))
        tr.add_plan(
            ct.Plan(
                id="kh-2025",
                title="Kế hoạch CCHC 2025",
                unit="huyen",
                start=dt.date(2025, 1, 1),
                end=dt.date(2025, 12, 31),
            )
        )


def task(id: str, title: str = "Rà soát thủ tục hành chính") -> ct.Task:
    return ct.Task(id=id, plan="kh-2025", title=title, unit="huyen", due=dt.date(2025, 6, 30))


def snapshot_of(tr: ct.Tracker) -> tuple[object, object, int]:
    return copy.deepcopy(tr.to_documents()), raw_state(tr), tr.seq


def test_a_batch_is_one_entry_and_survives_reopening(backend: Backend) -> None:
    tr = backend.open()
    seed(tr)
    tr.add_task(task("t-1"), actor="lan", note="giao việc")
    assert tr.seq == 2
    entries = list(tr.history("t-1"))
    assert [e.seq for e in entries] == [2]
    if backend.shared:
        again = backend.open()
        assert snapshot_of(again) == snapshot_of(tr)
        assert again.verify().head == tr.verify().head


def test_a_refused_call_changes_nothing(backend: Backend) -> None:
    tr = backend.open()
    seed(tr)
    before = snapshot_of(tr)
    with pytest.raises(ct.DuplicateIdError):
        tr.add_unit(ct.Unit(id="huyen", name="Trùng", kind="huyen"))
    with pytest.raises(ct.NotFoundError), tr.batch():
        tr.add_task(task("t-1"))
        tr.add_task(ct.Task(id="t-2", plan="kh-khac", title="x", unit="huyen", due=DUE))
    assert snapshot_of(tr) == before
    if backend.shared:
        assert snapshot_of(backend.open()) == before


def test_a_caught_nested_failure_undoes_only_its_own_changes(backend: Backend) -> None:
    tr = backend.open()
    seed(tr)
    with tr.batch():
        tr.add_task(task("t-1"))
        with pytest.raises(ct.DuplicateIdError):
            tr.add_task(task("t-1"))
        tr.add_task(task("t-2"))
    assert tr.seq == 2
    assert sorted(t.id for t in tr.tasks()) == ["t-1", "t-2"]


def test_history_as_of_verify_and_backup(backend: Backend, tmp_path: Path) -> None:
    tr = backend.open()
    seed(tr)
    tr.add_task(task("t-1"))
    tr.complete_task("t-1", dt.date(2025, 3, 1))
    assert [e.seq for e in tr.history("t-1")] == [2, 3]
    past = tr.as_of(2)
    assert past.read_only and past.task("t-1").completed_on is None
    assert tr.task("t-1").completed_on == dt.date(2025, 3, 1)
    report = tr.verify()
    assert report.ok, report
    copy_report = tr.backup(tmp_path / "backup")
    assert copy_report.ok and copy_report.lines == 3
    restored = ct.Tracker.open(tmp_path / "backup", load_entrypoints=False)
    assert snapshot_of(restored)[:2] == snapshot_of(tr)[:2]
    if backend.kind != "memory":
        assert copy_report.head == report.head
    restored.close()


def test_a_writer_catches_up_before_it_checks(backend: Backend) -> None:
    if not backend.shared:
        pytest.skip("a memory store has one writer")
    first = backend.open()
    seed(first)
    second = backend.open()
    first.add_task(task("t-1"))
    assert second.seq == 1  # it has not looked yet
    with pytest.raises(ct.DuplicateIdError):
        second.add_task(task("t-1", "Một nhiệm vụ khác"))
    assert second.seq == 2 and second.task("t-1").title == task("t-1").title
    second.add_task(task("t-2"))
    first.refresh()
    assert first.seq == 3 and snapshot_of(first) == snapshot_of(second)
    assert first.verify().ok


OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["add", "complete", "cancel", "batch"]), st.integers(0, 5)),
    max_size=8,
)


def apply(tr: ct.Tracker, ops: list[tuple[str, int]]) -> None:
    """Apply ``ops``; the ones the tracker refuses are part of the sequence too."""
    for op, n in ops:
        try:
            if op == "add":
                tr.add_task(task(f"t-{n}", f"Nhiệm vụ số {n}"))
            elif op == "complete":
                tr.complete_task(f"t-{n}", dt.date(2025, 2, 1 + n))
            elif op == "cancel":
                tr.cancel_task(f"t-{n}", "Không còn phù hợp")
            else:
                with tr.batch(note=f"lô {n}"):
                    tr.add_task(task(f"b-{n}"))
                    tr.add_task(task(f"t-{n}"))
        except ct.CchcError:
            pass


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPERATIONS)
def test_the_same_calls_give_the_same_head_on_every_backend(
    ops: list[tuple[str, int]], pg_database: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Invariant: the journal's lines are the same bytes whatever holds them."""
    import uuid

    backends = [
        Backend("folder", str(tmp_path_factory.mktemp("same") / "store")),
        Backend("memory", None),
        Backend("postgres", url_of(pg_database, f"same_{uuid.uuid4().hex[:10]}")),
    ]
    try:
        trackers = [b.open() for b in backends]
        for tr in trackers:
            seed(tr)
            apply(tr, ops)
        states = [snapshot_of(tr) for tr in trackers]
        assert states[0] == states[1] == states[2]
        folder, _, postgres = trackers
        assert folder.verify().head == postgres.verify().head
        reopened = backends[2].open()
        assert snapshot_of(reopened) == states[2]
    finally:
        for b in backends:
            b.close()


# -- a journal line holds each object's net change --------------------------------------

STEP = st.tuples(
    st.sampled_from(["put", "delete", "nested", "fail"]), st.integers(0, 3), st.integers()
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(STEP, max_size=16))
@example(steps=[("put", 0, 1), ("nested", 0, 2), ("put", 0, 3)])
@example(steps=[("put", 1, 1), ("fail", 1, 0), ("put", 1, 2), ("delete", 0, 0)])
def test_a_line_holds_one_change_per_object_from_before_to_after(
    backend: Backend, steps: list[tuple[str, int, int]]
) -> None:
    """Invariant: whatever a transaction does to a few objects (puts, deletes, nested
    transactions, some of which fail and are undone), its journal line holds at most one change per
    object, from the object's document before the transaction to its document after it;
    replaying the line on the state before gives the state after, and a transaction that
    changes nothing in the end writes no line."""
    store = backend.store()
    table = f"notes_{store.seq}"  # a table of its own for each example
    with store.transaction(actor="lan"):
        store.put(table, {"id": "k-0", "value": "first"})
        store.put(table, {"id": "k-1", "value": "first"})
    was = {doc["id"]: doc for doc in copy.deepcopy(list(store.state.docs(table)))}
    seq = store.seq
    with store.transaction(actor="lan"):
        for op, n, value in steps:
            key = f"k-{n}"
            if op == "put":
                store.put(table, {"id": key, "value": value})
            elif op == "delete":
                store.delete(table, key)
            elif op == "nested":
                with store.transaction():
                    store.put(table, {"id": key, "value": [value]})
                    store.delete(table, f"k-{(n + 1) % 4}")
            else:
                with contextlib.suppress(RuntimeError), store.transaction():
                    store.put(table, {"id": key, "value": "undone"})
                    store.delete(table, "k-0")
                    raise RuntimeError("a nested transaction fails")
    after = {doc["id"]: doc for doc in store.state.docs(table)}
    if after == was:
        assert store.seq == seq
        return
    assert store.seq == seq + 1
    assert store.last_entry is not None
    changes = store.last_entry.changes
    assert len({c.id for c in changes}) == len(changes)
    replayed = dict(was)
    for change in changes:
        assert change.before == was.get(change.id)
        if change.after is None:
            replayed.pop(change.id)
        else:
            replayed[change.id] = change.after
    assert replayed == after


def test_a_task_added_and_completed_in_one_batch_is_one_addition(backend: Backend) -> None:
    """The journal, the history and the listeners see the completed task added once: its
    open version never existed outside the batch (so the batch changes the document it
    made in place). Reads halfway, another tracker and a reopened store agree."""
    heard: list[tuple[object, object]] = []

    class Listener:
        @ct.hookimpl
        def cchc_task_changed(self, before: ct.Task | None, after: ct.Task | None) -> None:
            heard.append((before, after))

    tr = backend.open((Listener(),))
    seed(tr)
    tr.add_task(task("t-old"))
    heard.clear()
    with tr.batch(actor="lan", note="nhập"):
        tr.add_task(task("t-1"))
        assert [t.id for t in tr.tasks(status="open")] == ["t-1", "t-old"]
        tr.complete_task("t-1", dt.date(2025, 3, 1))
        tr.complete_task("t-old", dt.date(2025, 3, 2))
        assert [t.id for t in tr.tasks(status="open")] == []
        tr.reopen_task("t-old")
        assert [t.id for t in tr.tasks(status="open")] == ["t-old"]
        tr.complete_task("t-old", dt.date(2025, 3, 3))
    assert [t.id for t in tr.tasks(status="done")] == ["t-1", "t-old"]
    assert tr.tasks(status="open") == []
    if backend.shared:
        assert snapshot_of(backend.open()) == snapshot_of(tr)
    (entry,) = [e for e in tr.entries() if e.note == "nhập"]
    assert [(c.id, c.op) for c in entry.changes] == [("t-1", "add"), ("t-old", "update")]
    assert entry.changes[0].after is not None and entry.changes[0].after["status"] == "done"
    assert entry.changes[1].before is not None and entry.changes[1].before["status"] == "open"
    assert [e.change.op for e in tr.history("t-1")] == ["add"]
    assert [(b and b.status, a and a.status) for b, a in heard] == [
        (None, ct.TaskStatus.DONE),
        (ct.TaskStatus.OPEN, ct.TaskStatus.DONE),
    ]
    assert heard[1][1] is not None and heard[1][1].completed_on == dt.date(2025, 3, 3)


def test_a_raw_document_with_a_text_too_long_is_refused(backend: Backend) -> None:
    """The store's own net, for documents no class checked: a text too long (or a lone
    surrogate) is refused with the table, key and field named, and nothing is written."""
    store = backend.store()
    seed(backend.over(store))
    for text in ("x" * 20_001, "Nhiệm vụ \udc80"):
        seq, raw = store.seq, copy.deepcopy(store.state.raw)
        with pytest.raises(ct.ValidationError) as info, store.transaction():
            store.put("notes", {"id": "n", "items": [{"text": text}]})
        assert info.value.field == "notes['n'].items[0].text"
        assert (store.seq, store.state.raw) == (seq, raw)
