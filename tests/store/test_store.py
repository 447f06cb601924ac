"""The store's promises (DESIGN.md §5 and §7), one test per promise.

The journal is the truth: one fsync'ed, hash-chained JSON line per committed call or
``batch()``. The snapshot ``state.json`` is plain TinyDB JSON. Opening reads the snapshot
and then the journal lines after it, and gives back exactly the state that was written,
whether the tracker was closed or the process died. A torn last line is dropped with a
warning; any other damage is a :class:`StoreCorruptError` that says where. A failed call
changes nothing, in memory or on disk.

Two writers on one folder: see ``test_store_concurrency.py``; random call sequences
against a model: see ``test_store_stateful.py``.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import tinydb
from tinydb import Query

import cchc_tasks as ct
from cchc_tasks import _json as store_json
from cchc_tasks.store import Store, journal, snapshot
from cchc_tasks.store.journal import GENESIS
from cchc_tasks.testing import raw_state

from ..helpers import store_files, unchanged

JOURNAL = "journal.jsonl"
SNAPSHOT = "state.json"
YEAR_START, YEAR_END = dt.date(2024, 1, 1), dt.date(2024, 12, 31)


# -- builders ---------------------------------------------------------------------------


def seed(tr: ct.Tracker) -> ct.Tracker:
    """A district, one commune under it, one official and the 2024 plan: four lines."""
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="huyen"))
    tr.add_unit(ct.Unit(id="xa-an-phuoc", name="UBND xã An Phước", kind="xa", parent="huyen"))
    tr.add_person(ct.Person(id="lan", name="Nguyễn Thị Lan", unit="huyen"))
    plan = ct.Plan(
        id="kh-2024", title="Kế hoạch CCHC 2024", unit="huyen", start=YEAR_START, end=YEAR_END
    )
    tr.add_plan(plan)
    return tr


def task(
    id: str,
    *,
    unit: str = "huyen",
    due: dt.date = dt.date(2024, 6, 15),
    assignee: str | None = "lan",
) -> ct.Task:
    """A task of the 2024 plan."""
    return ct.Task(
        id=id, plan="kh-2024", title=f"Nhiệm vụ {id}", unit=unit, due=due, assignee=assignee
    )


def open_disk(folder: Path, **kwargs: Any) -> ct.Tracker:
    return ct.Tracker.open(folder, load_entrypoints=False, **kwargs)


def disk_tracker(folder: Path, *, tasks: int = 2) -> ct.Tracker:
    """An open disk tracker with :func:`seed` and ``tasks`` tasks (one line each)."""
    tr = seed(open_disk(folder))
    for n in range(1, tasks + 1):
        tr.add_task(task(f"t{n}"))
    return tr


def lines(folder: Path) -> list[bytes]:
    return (folder / JOURNAL).read_bytes().splitlines(keepends=True)


def crash_copy(folder: Path, dest: Path) -> Path:
    """The folder as a process killed right now would leave it (nothing closed)."""
    shutil.copytree(folder, dest)
    return dest


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def tr(folder: Path) -> Iterator[ct.Tracker]:
    tracker = disk_tracker(folder)
    yield tracker
    tracker.close()


# -- the journal ------------------------------------------------------------------------


def test_each_call_appends_one_line_with_the_documented_fields(tr: ct.Tracker, folder: Path):
    """One committed call = one JSON line: v, seq, at, actor, note, changes, prev, hash."""
    rows = [json.loads(line) for line in lines(folder)]
    assert len(rows) == tr.seq == 6
    assert [row["seq"] for row in rows] == [1, 2, 3, 4, 5, 6]
    for row in rows:
        assert list(row) == ["v", "seq", "at", "actor", "note", "changes", "prev", "hash"]
        assert row["v"] == 1
        for change in row["changes"]:
            assert list(change) == ["table", "id", "before", "after"]
    assert rows[0]["changes"] == [
        {
            "table": "units",
            "id": "huyen",
            "before": None,
            "after": tr.to_documents()["units"][0],
        }
    ]


def test_hash_chain_can_be_checked_by_hand(tr: ct.Tracker, folder: Path):
    """hash = sha256(prev + body), body = the line's text before ``,"prev":`` closed with
    ``}``; the first prev is 64 zeros and each prev is the hash of the line before."""
    prev = GENESIS
    for raw in lines(folder):
        text = raw.decode("utf-8")
        assert text.endswith("}\n")
        body = text[: text.rindex(',"prev":')] + "}"
        row = json.loads(text)
        assert row["prev"] == prev
        assert row["hash"] == hashlib.sha256((prev + body).encode("utf-8")).hexdigest()
        prev = row["hash"]
    assert [e.hash for e in tr.entries()][-1] == prev


def test_journal_keeps_vietnamese_text_readable(tr: ct.Tracker, folder: Path):
    """Lines are UTF-8 JSON without ``\\u`` escapes, so the journal reads as it was typed."""
    assert "UBND huyện Tân Hồng" in (folder / JOURNAL).read_text(encoding="utf-8")


def test_a_line_is_fsynced_before_the_call_returns(
    tr: ct.Tracker, folder: Path, monkeypatch: pytest.MonkeyPatch
):
    """The call returns only after its complete line was written and fsync'ed."""
    synced: list[bytes] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append((folder / JOURNAL).read_bytes())
        real_fsync(fd)

    monkeypatch.setattr(journal.os, "fsync", spy)
    tr.add_task(task("t3"))
    assert synced
    assert synced[-1] == (folder / JOURNAL).read_bytes()
    assert synced[-1].endswith(b"\n")
    assert json.loads(synced[-1].splitlines()[-1])["seq"] == tr.seq


def test_batch_is_one_line_with_its_actor_and_note(tr: ct.Tracker, folder: Path):
    """All writes inside ``batch()`` become one line carrying the batch's actor and note."""
    before = len(lines(folder))
    with tr.batch(actor="van-phong", note="giao nhiệm vụ quý 3"):
        tr.add_task(task("t3"))
        tr.add_task(task("t4"))
        tr.complete_task("t1", on=dt.date(2024, 6, 1))
    rows = [json.loads(line) for line in lines(folder)]
    assert len(rows) == before + 1
    last = rows[-1]
    assert (last["actor"], last["note"]) == ("van-phong", "giao nhiệm vụ quý 3")
    assert [(c["table"], c["id"]) for c in last["changes"]] == [
        ("tasks", "t3"),
        ("tasks", "t4"),
        ("tasks", "t1"),
    ]
    assert last["changes"][2]["before"]["status"] == "open"
    assert last["changes"][2]["after"]["status"] == "done"


def test_nested_batches_join_the_outermost(tr: ct.Tracker, folder: Path):
    """A batch inside a batch (or a call inside a batch) adds no line of its own; the
    outermost actor and note win."""
    before = len(lines(folder))
    with tr.batch(actor="outer", note="ngoài"):
        tr.add_task(task("t3"), actor="inner-call")
        with tr.batch(actor="inner", note="trong"):
            tr.add_task(task("t4"))
            with tr.batch():
                tr.add_task(task("t5"))
    assert len(lines(folder)) == before + 1
    last = list(tr.entries())[-1]
    assert (last.actor, last.note) == ("outer", "ngoài")
    assert [c.id for c in last.changes] == ["t3", "t4", "t5"]


def test_actor_defaults_to_the_trackers_and_a_call_can_override_it(folder: Path):
    """``Tracker.open(actor=)`` is the default actor; ``actor=``/``note=`` on a call win."""
    with open_disk(folder, actor="chuyen-vien") as tr:
        tr.add_unit(ct.Unit(id="huyen", name="Huyện", kind="huyen"))
        tr.add_unit(ct.Unit(id="xa", name="Xã", kind="xa", parent="huyen"), actor="ai", note="n")
        first, second = tr.entries()
    assert (first.actor, first.note) == ("chuyen-vien", None)
    assert (second.actor, second.note) == ("ai", "n")


def test_timestamps_are_timezone_aware(tr: ct.Tracker, folder: Path):
    """Every entry's ``at`` has a UTC offset, in memory and in the file."""
    for entry in tr.entries():
        assert entry.at.tzinfo is not None
        assert entry.at.utcoffset() is not None
    for line in lines(folder):
        assert dt.datetime.fromisoformat(json.loads(line)["at"]).utcoffset() is not None
    memory = seed(ct.Tracker.memory(load_entrypoints=False))
    assert all(e.at.utcoffset() is not None for e in memory.entries())


def test_a_clock_without_timezone_is_refused():
    """A store whose clock gives naive times refuses to commit, and changes nothing."""
    store = Store(None, clock=lambda: dt.datetime(2024, 1, 1, 8, 0))
    with pytest.raises(ct.StoreError, match="timezone"), store.transaction():
        store.put("units", {"id": "huyen"})
    assert store.state.raw == {}
    assert store.seq == 0


def test_history_lists_every_change_to_one_object(tr: ct.Tracker):
    """``history(id)`` gives each change to the object, oldest first, with before/after."""
    tr.complete_task("t1", on=dt.date(2024, 6, 1), actor="lan", note="xong")
    tr.cancel_task("t1", reason="trùng nhiệm vụ khác")
    history = tr.history("t1")
    assert [h.change.op for h in history] == ["add", "update", "update"]
    assert [h.seq for h in history] == sorted(h.seq for h in history)
    assert (history[1].actor, history[1].note) == ("lan", "xong")
    assert history[1].change.before["status"] == "open"
    assert history[1].change.after["status"] == "done"
    assert history[2].change.after["cancel_reason"] == "trùng nhiệm vụ khác"
    assert tr.history("no-such-id") == []


# -- failed calls change nothing --------------------------------------------------------


FAILING_CALLS: dict[str, tuple[Callable[[ct.Tracker], object], type[Exception]]] = {
    "duplicate id": (lambda tr: tr.add_task(task("t1")), ct.DuplicateIdError),
    "unknown unit": (lambda tr: tr.add_task(task("t9", unit="nowhere")), ct.NotFoundError),
    "unknown parent": (
        lambda tr: tr.add_unit(ct.Unit(id="x", name="X", kind="xa", parent="nowhere")),
        ct.NotFoundError,
    ),
    "unknown task": (lambda tr: tr.complete_task("t9", on=YEAR_END), ct.NotFoundError),
    "empty reason": (lambda tr: tr.cancel_task("t1", reason=" "), ct.ValidationError),
    "due outside the plan": (
        lambda tr: tr.add_task(task("t9", due=dt.date(2025, 1, 1))),
        ct.ValidationError,
    ),
}


@pytest.mark.parametrize("name", list(FAILING_CALLS), ids=list(FAILING_CALLS))
def test_a_failed_call_changes_nothing(tr: ct.Tracker, name: str):
    """A call that raises leaves state and files byte-for-byte as they were (§7)."""
    call, error = FAILING_CALLS[name]
    unchanged(tr, lambda: call(tr), error)


def test_a_batch_that_raises_halfway_is_undone(tr: ct.Tracker, folder: Path):
    """Adds, updates and a failing call inside a batch: all undone, no line written."""

    def batch() -> None:
        with tr.batch(note="sẽ hỏng"):
            tr.add_task(task("t3"))
            tr.complete_task("t1", on=dt.date(2024, 6, 1))
            tr.cancel_task("t2", reason="lý do")
            tr.add_unit(ct.Unit(id="xa-moi", name="Xã mới", kind="xa", parent="huyen"))
            tr.add_task(task("t1"))  # duplicate: raises

    unchanged(tr, batch, ct.DuplicateIdError)
    assert tr.task("t1").status is ct.TaskStatus.OPEN


def test_any_exception_in_a_batch_undoes_it(tr: ct.Tracker):
    """Not only library errors: a ``KeyboardInterrupt`` inside a batch undoes it too."""

    def batch() -> None:
        with tr.batch():
            tr.add_task(task("t3"))
            raise KeyboardInterrupt

    unchanged(tr, batch, KeyboardInterrupt)


def test_an_error_caught_inside_a_batch_undoes_only_that_call(tr: ct.Tracker):
    """Inside a batch, a call that fails and is caught leaves no partial change behind;
    the rest of the batch commits as one line."""
    seq = tr.seq
    with tr.batch():
        tr.add_task(task("t3"))
        with pytest.raises(ct.NotFoundError):
            tr.add_task(task("t4", unit="nowhere"))
        tr.add_task(task("t5"))
    assert tr.seq == seq + 1
    assert [c.id for c in list(tr.entries())[-1].changes] == ["t3", "t5"]


def test_a_failed_nested_transaction_is_undone_even_if_caught():
    """At the Store level a nested transaction that raises undoes its own changes (a
    savepoint), and the outer transaction still commits the rest as one entry."""
    store = Store(None)
    with store.transaction():
        store.put("units", {"id": "a"})
        with pytest.raises(RuntimeError), store.transaction():
            store.put("units", {"id": "b"})
            store.put("units", {"id": "a", "name": "changed"})
            store.put("other", {"id": "c"})
            raise RuntimeError
        store.put("units", {"id": "d"})
    assert store.state.raw == {"units": {"1": {"id": "a"}, "2": {"id": "d"}}}
    (entry,) = store.entries()
    assert [c.id for c in entry.changes] == ["a", "d"]


def test_undo_puts_documents_back_in_place(folder: Path):
    """Undoing deletes, updates and adds restores the TinyDB layout exactly: same doc ids,
    same order; documents added afterwards get the doc ids a reopen would give them."""
    store = Store(folder)
    with store.transaction():
        for key in "abcd":
            store.put("units", {"id": key})
    raw = copy.deepcopy(store.state.raw)
    with pytest.raises(RuntimeError), store.transaction():
        store.delete("units", "b")
        store.put("units", {"id": "a", "name": "changed"})
        store.delete("units", "d")
        store.put("units", {"id": "e"})
        store.put("persons", {"id": "p"})
        raise RuntimeError
    assert store.state.raw == raw
    assert list(store.state.raw["units"].items()) == list(raw["units"].items())
    with store.transaction():
        store.put("units", {"id": "f"})
    store.close()
    reopened = Store(folder)
    assert (
        reopened.state.raw
        == store.state.raw
        == {
            "units": {
                "1": {"id": "a"},
                "2": {"id": "b"},
                "3": {"id": "c"},
                "4": {"id": "d"},
                "5": {"id": "f"},
            }
        }
    )
    reopened.close()


def test_deleting_the_last_document_then_adding_matches_a_replay(folder: Path):
    """Doc ids follow TinyDB's rule (highest + 1), so live and replayed states agree even
    after the document with the highest doc id was deleted."""
    store = Store(folder)
    with store.transaction():
        store.put("units", {"id": "a"})
        store.put("units", {"id": "b"})
    with store.transaction():
        store.delete("units", "b")
    store.snapshot()
    with store.transaction():
        store.put("units", {"id": "c"})
    replayed = Store(crash_copy(folder, folder.with_name("crash")))
    assert replayed.state.raw == store.state.raw
    replayed.close()
    store.close()


def test_writes_on_a_closed_store_are_refused(tr: ct.Tracker):
    """After ``close()`` every write raises StoreError; closing twice is harmless."""
    tr.close()
    tr.close()
    with pytest.raises(ct.StoreError, match="closed"):
        tr.add_task(task("t9"))


def test_snapshot_or_close_inside_a_batch_is_refused(tr: ct.Tracker, folder: Path):
    """A snapshot taken mid-batch would save changes that may yet be undone: refused."""
    before = store_files(folder)
    with pytest.raises(RuntimeError), tr.batch():
        tr.add_task(task("t3"))
        with pytest.raises(ct.StoreError, match="inside a transaction"):
            tr.snapshot()
        with pytest.raises(ct.StoreError, match="inside a transaction"):
            tr.close()
        raise RuntimeError
    assert store_files(folder) == before
    tr.add_task(task("t4"))  # the store is still open


# -- the snapshot -----------------------------------------------------------------------


def test_snapshot_is_plain_tinydb_json(tr: ct.Tracker, folder: Path):
    """Any TinyDB user can open ``state.json`` and query it; ``_meta`` says where in the
    journal it stands."""
    tr.close()
    db = tinydb.TinyDB(folder / SNAPSHOT, access_mode="r", encoding="utf-8")
    try:
        assert {"_meta", "units", "persons", "plans", "tasks"} <= db.tables()
        found = db.table("tasks").search(Query().unit == "huyen")
        assert sorted(doc["id"] for doc in found) == ["t1", "t2"]
        assert db.table("units").get(Query().id == "xa-an-phuoc")["parent"] == "huyen"
        (meta,) = db.table("_meta").all()
    finally:
        db.close()
    last = json.loads(lines(folder)[-1])
    assert meta == {
        "schema": 1,
        "seq": tr.seq,
        "hash": last["hash"],
        "journal_offset": (folder / JOURNAL).stat().st_size,
        "journal_lines": len(lines(folder)),
    }


def test_snapshot_is_written_atomically(
    tr: ct.Tracker, folder: Path, monkeypatch: pytest.MonkeyPatch
):
    """temp file in the folder → fsync → ``os.replace`` → fsync of the folder."""
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        target = Path(os.readlink(f"/proc/self/fd/{fd}"))
        events.append(f"fsync {'folder' if target == folder else target.suffix}")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        assert Path(src).parent == folder
        assert Path(dst) == folder / SNAPSHOT
        assert Path(src).stat().st_size > 0
        events.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(snapshot.os, "fsync", fsync)
    monkeypatch.setattr(snapshot.os, "replace", replace)
    tr.snapshot()
    assert events == ["fsync .tmp", "replace", "fsync folder"]
    assert sorted(p.name for p in folder.iterdir()) == ["journal.jsonl", "lock", "state.json"]


def test_a_failed_snapshot_write_keeps_the_old_one(
    tr: ct.Tracker, folder: Path, monkeypatch: pytest.MonkeyPatch
):
    """If writing the snapshot fails, the old snapshot stays and no temp file is left."""
    tr.snapshot()
    old = (folder / SNAPSHOT).read_bytes()
    tr.add_task(task("t3"))

    def broken_dump(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store_json, "dumps_ascii_parts", broken_dump)
    with pytest.raises(OSError, match="disk full"):
        tr.snapshot()
    assert (folder / SNAPSHOT).read_bytes() == old
    assert sorted(p.name for p in folder.iterdir()) == ["journal.jsonl", "lock", "state.json"]
    monkeypatch.undo()
    tr.close()
    with open_disk(folder) as again:
        assert again.task("t3").id == "t3"


def test_snapshot_is_written_on_close_only_when_something_changed(folder: Path):
    """Close writes a snapshot after changes, and leaves the file alone otherwise."""
    open_disk(folder).close()
    assert not (folder / SNAPSHOT).exists()
    disk_tracker(folder).close()
    inode = (folder / SNAPSHOT).stat().st_ino
    open_disk(folder).close()
    assert (folder / SNAPSHOT).stat().st_ino == inode
    with open_disk(folder) as tr:
        tr.add_task(task("t3"))
    assert (folder / SNAPSHOT).stat().st_ino != inode


def test_snapshot_follows_the_journal_tail(folder: Path):
    """A snapshot is written once the journal after it outgrows
    max(snapshot_min_bytes, 2 × the snapshot's size), not before. It is written at the
    start of the next transaction (never after a commit, so a large batch returns as
    soon as its line is durable): the tail exceeds the bound by at most one line."""
    store = Store(folder, snapshot_min_bytes=600)
    snapshots = 0
    previous = 0
    for n in range(40):
        with store.transaction():
            store.put("units", {"id": f"u{n}", "name": "x" * 20})
        size = (folder / JOURNAL).stat().st_size
        last_line = size - previous
        previous = size
        if (folder / SNAPSHOT).exists():
            meta = json.loads((folder / SNAPSHOT).read_text())["_meta"]["1"]
            snapshot_size = (folder / SNAPSHOT).stat().st_size
            if meta["journal_offset"] == size - last_line:
                snapshots += 1
                continue
            assert size - meta["journal_offset"] <= max(600, 2 * snapshot_size) + last_line
        else:
            assert size <= 600 + last_line
    assert snapshots >= 2
    store.close()


def test_a_failed_automatic_snapshot_does_not_fail_the_call(
    folder: Path, monkeypatch: pytest.MonkeyPatch
):
    """The change is durable before the automatic snapshot: if the snapshot fails, the
    call still succeeds (with a warning) and the change survives a reopen."""
    store = Store(folder, snapshot_min_bytes=1)

    def broken(*args: object, **kwargs: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr("cchc_tasks.store.write_snapshot", broken)
    with store.transaction():
        store.put("units", {"id": "a"})
    # The snapshot falls due with the next write, which still succeeds, with a warning.
    with pytest.warns(RuntimeWarning, match="could not write the snapshot"), store.transaction():
        store.put("units", {"id": "b"})
    assert store.state.get("units", "b") == {"id": "b"}
    assert store.seq == 2
    monkeypatch.undo()
    store.close()
    reopened = Store(folder)
    assert reopened.state.raw == {"units": {"1": {"id": "a"}, "2": {"id": "b"}}}
    reopened.close()


# -- reopening --------------------------------------------------------------------------


def state_of(tr: ct.Tracker) -> tuple[Any, Any, int]:
    return copy.deepcopy(tr.to_documents()), raw_state(tr), tr.seq


def test_reopen_after_close_gives_the_same_state(tr: ct.Tracker, folder: Path):
    """Snapshot + journal → exactly the state that was closed."""
    tr.complete_task("t1", on=dt.date(2024, 6, 1), exceeded=True)
    tr.cancel_task("t2", reason="không còn phù hợp")
    expected = state_of(tr)
    tr.close()
    with open_disk(folder) as again:
        assert state_of(again) == expected
        assert again.task("t1").exceeded is True


def test_reopen_after_a_crash_from_the_journal_alone(tr: ct.Tracker, folder: Path, tmp_path):
    """Killed before any snapshot: the journal alone rebuilds the state."""
    tr.complete_task("t1", on=dt.date(2024, 6, 1))
    crashed = crash_copy(folder, tmp_path / "crashed")
    assert not (crashed / SNAPSHOT).exists()
    with open_disk(crashed) as again:
        assert state_of(again) == state_of(tr)


def test_reopen_after_a_crash_from_an_old_snapshot_and_the_journal(
    tr: ct.Tracker, folder: Path, tmp_path
):
    """Killed after a snapshot and more writes: snapshot + the lines after it."""
    tr.snapshot()
    tr.add_task(task("t3"))
    with tr.batch():
        tr.complete_task("t3", on=dt.date(2024, 6, 2))
        tr.add_task(task("t4", unit="xa-an-phuoc"))
    crashed = crash_copy(folder, tmp_path / "crashed")
    meta = json.loads((crashed / SNAPSHOT).read_text())["_meta"]["1"]
    assert meta["seq"] < tr.seq
    with open_disk(crashed) as again:
        assert state_of(again) == state_of(tr)
        assert [t.id for t in again.tasks(unit="xa-an-phuoc")] == ["t4"]


def test_reopen_without_the_snapshot_gives_the_same_state(tr: ct.Tracker, folder: Path):
    """The snapshot is only a shortcut: delete it and the journal gives the same state."""
    expected = state_of(tr)
    tr.close()
    (folder / SNAPSHOT).unlink()
    with open_disk(folder) as again:
        assert state_of(again) == expected


# -- damage -----------------------------------------------------------------------------


def test_a_torn_last_line_is_dropped_with_a_warning(tr: ct.Tracker, folder: Path, tmp_path):
    """A last line without its newline was never acknowledged: reopening drops it with a
    RuntimeWarning and cuts it off; later writes chain on correctly, and the next reopen
    is clean."""
    expected = state_of(tr)
    crashed = crash_copy(folder, tmp_path / "crashed")
    good = (crashed / JOURNAL).read_bytes()
    tr.add_task(task("t3"))
    torn_line = lines(folder)[-1][:-25]
    (crashed / JOURNAL).write_bytes(good + torn_line)

    with pytest.warns(RuntimeWarning, match="dropped an incomplete last line"):
        again = open_disk(crashed)
    assert state_of(again) == expected
    assert (crashed / JOURNAL).read_bytes() == good
    again.add_task(task("t3"))
    again.add_task(task("t4"))
    assert [e.seq for e in again.entries()] == list(range(1, again.seq + 1))
    after = state_of(again)
    again.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with open_disk(crashed) as third:
            assert state_of(third) == after


def test_a_torn_line_is_also_dropped_when_a_snapshot_exists(tr: ct.Tracker, folder: Path):
    """The torn tail may follow lines the snapshot already holds."""
    tr.close()
    good = (folder / JOURNAL).read_bytes()
    with (folder / JOURNAL).open("ab") as f:
        f.write(b'{"v":1,"seq":7,"at":"2024-')
    with pytest.warns(RuntimeWarning), open_disk(folder) as again:
        assert again.seq == 6
    assert (folder / JOURNAL).read_bytes() == good


def _alter(data: list[bytes]) -> list[bytes]:
    data[1] = data[1].replace("Tân Hồng".encode(), "Tân Hòa".encode())
    return data


def _remove(data: list[bytes]) -> list[bytes]:
    del data[1]
    return data


def _swap(data: list[bytes]) -> list[bytes]:
    data[1], data[2] = data[2], data[1]
    return data


def _bad_json(data: list[bytes]) -> list[bytes]:
    data[1] = b'{"v":1,"seq":2,\n'
    return data


def _schema(data: list[bytes]) -> list[bytes]:
    data[1] = data[1].replace(b'{"v":1,', b'{"v":99,', 1)
    return data


def _blank(data: list[bytes]) -> list[bytes]:
    data.insert(1, b"\n")
    return data


def _resealed(line: bytes, old: str, new: str) -> bytes:
    """``line`` with ``old`` replaced by ``new`` and its own hash recomputed."""
    text = line.decode()
    body = text[: text.rindex(',"prev":')].replace(old, new) + "}"
    prev = json.loads(text)["prev"]
    digest = hashlib.sha256((prev + body).encode()).hexdigest()
    return (body[:-1] + f',"prev":"{prev}","hash":"{digest}"}}\n').encode()


def _reseal(data: list[bytes]) -> list[bytes]:
    """Alter line 4 and recompute its own hash: line 5's prev no longer fits."""
    data[3] = _resealed(data[3], "Nhiệm vụ", "Việc")
    return data


def _renumber(data: list[bytes]) -> list[bytes]:
    """A last line whose seq skips a number, with a valid hash and chain."""
    data[1] = _resealed(data[1], '"seq":2,', '"seq":7,')
    return data[:2]


def _trailer(data: list[bytes]) -> list[bytes]:
    """Something after the hash: the line must end with its prev and hash."""
    data[1] = data[1][:-2] + b',"x":1}\n'
    return data


DAMAGE = {
    "altered content": (_alter, 2, "altered"),
    "line removed": (_remove, 2, "chain broken"),
    "lines swapped": (_swap, 2, "chain broken"),
    "bad JSON in the middle": (_bad_json, 2, "not a JSON line"),
    "unknown schema version": (_schema, 2, "schema version 99"),
    "blank line": (_blank, 2, "not a JSON line"),
    "altered and resealed": (_reseal, 5, "chain broken"),
    "sequence skips": (_renumber, 2, "sequence 7 follows 1"),
    "field after the hash": (_trailer, 2, "does not end with its prev and hash"),
}


def crashed_journal(folder: Path) -> list[bytes]:
    """A store left by a crash (journal only) with five lines: province, district
    "Tân Hồng" (line 2), plan, and two tasks (lines 4 and 5)."""
    tr = open_disk(folder)
    tr.add_unit(ct.Unit(id="tinh", name="Đồng Tháp", kind="tinh"))
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="huyen", parent="tinh"))
    tr.add_plan(ct.Plan(id="kh-2024", title="KH", unit="huyen", start=YEAR_START, end=YEAR_END))
    tr.add_task(task("t1", assignee=None))
    tr.add_task(task("t2", assignee=None))
    return lines(folder)


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_journal_damage_is_an_error_naming_file_and_line(folder: Path, damage: str):
    """Anything but a torn last line raises StoreCorruptError (a StoreError) that names
    the journal and the line, and says what is wrong."""
    change, line, reason = DAMAGE[damage]
    (folder / JOURNAL).write_bytes(b"".join(change(crashed_journal(folder))))
    with pytest.raises(ct.StoreCorruptError) as caught:
        open_disk(folder)
    error = caught.value
    assert isinstance(error, ct.StoreError)
    assert (error.path, error.line) == (str(folder / JOURNAL), line)
    assert reason in error.reason
    assert str(error).startswith(f"{folder / JOURNAL}, line {line}: ")


def test_damage_behind_the_snapshot_is_found_by_reading_the_journal(tr: ct.Tracker, folder: Path):
    """Opening reads only the lines after the snapshot; ``entries()`` (and so
    ``history()``) walks the whole chain and reports damage anywhere."""
    tr.close()
    data = lines(folder)
    data[1] = data[1].replace(b"An Ph", b"An Kh")  # same length: the offsets still fit
    (folder / JOURNAL).write_bytes(b"".join(data))
    with open_disk(folder) as again:
        assert again.unit("xa-an-phuoc").name == "UBND xã An Phước"  # from the snapshot
        with pytest.raises(ct.StoreCorruptError, match="line 2: hash does not match"):
            list(again.entries())
        with pytest.raises(ct.StoreCorruptError):
            again.history("t1")


def test_a_journal_shorter_than_the_snapshot_says_is_corrupt(tr: ct.Tracker, folder: Path):
    """Lines the snapshot counted are missing: StoreCorruptError naming the journal."""
    tr.close()
    (folder / JOURNAL).write_bytes(b"".join(lines(folder)[:-1]))
    with pytest.raises(ct.StoreCorruptError, match="shorter") as caught:
        open_disk(folder)
    assert caught.value.path == str(folder / JOURNAL)


def test_a_journal_that_is_not_the_snapshots_is_corrupt(folder: Path, tmp_path: Path):
    """A journal swapped for another of the same length (or whose last line the snapshot
    covers was altered) no longer ends, at the snapshot's offset, with the snapshot's
    hash: StoreCorruptError instead of silently mixing two histories."""
    other = tmp_path / "other"
    for where, actor in ((folder, "a"), (other, "b")):
        with open_disk(where, actor=actor) as tr:
            tr.add_unit(ct.Unit(id="huyen", name="Huyện", kind="huyen"))
    assert (folder / JOURNAL).stat().st_size == (other / JOURNAL).stat().st_size
    shutil.copy(other / JOURNAL, folder / JOURNAL)
    with pytest.raises(ct.StoreCorruptError, match="not the line the snapshot") as caught:
        open_disk(folder)
    assert (caught.value.path, caught.value.line) == (str(folder / JOURNAL), 1)


def _meta(doc: dict[str, Any], **fields: Any) -> dict[str, Any]:
    doc["_meta"]["1"].update(fields)
    return doc


SNAPSHOT_DAMAGE: dict[str, Callable[[dict[str, Any]], Any]] = {
    "schema version not a number": lambda d: _meta(d, schema="1"),
    "no _meta table": lambda d: {k: v for k, v in d.items() if k != "_meta"},
    "seq is not a number": lambda d: _meta(d, seq="6"),
    "unknown _meta field": lambda d: _meta(d, extra=1),
    "bad hash": lambda d: _meta(d, hash="xyz"),
    "document without id": lambda d: {**d, "units": {"1": {"name": "?"}}},
    "duplicate id": lambda d: {**d, "units": {"1": {"id": "a"}, "2": {"id": "a"}}},
    "doc id not a number": lambda d: {**d, "units": {"x": {"id": "a"}}},
    "table not a table": lambda d: {**d, "units": []},
    "not an object": lambda d: [d],
}


@pytest.mark.parametrize("damage", list(SNAPSHOT_DAMAGE), ids=list(SNAPSHOT_DAMAGE))
def test_snapshot_damage_is_an_error_naming_the_file(tr: ct.Tracker, folder: Path, damage: str):
    """A snapshot that does not check out raises StoreCorruptError naming state.json."""
    tr.close()
    doc = json.loads((folder / SNAPSHOT).read_text(encoding="utf-8"))
    (folder / SNAPSHOT).write_text(json.dumps(SNAPSHOT_DAMAGE[damage](doc)), encoding="utf-8")
    with pytest.raises(ct.StoreCorruptError) as caught:
        open_disk(folder)
    assert caught.value.path == str(folder / SNAPSHOT)


def test_a_snapshot_that_is_not_json_is_corrupt(tr: ct.Tracker, folder: Path):
    """A half-written or foreign ``state.json`` is reported, not ignored."""
    tr.close()
    (folder / SNAPSHOT).write_bytes((folder / SNAPSHOT).read_bytes()[:-10])
    with pytest.raises(ct.StoreCorruptError, match="not valid JSON") as caught:
        open_disk(folder)
    assert caught.value.path == str(folder / SNAPSHOT)


def test_a_file_where_the_folder_should_be_is_an_error(tmp_path: Path):
    """A store is a folder."""
    (tmp_path / "store").write_text("hello")
    with pytest.raises(ct.StoreError, match="expected a store folder"):
        open_disk(tmp_path / "store")


# -- the TinyDB view --------------------------------------------------------------------


WRITES_THROUGH_THE_VIEW: dict[str, Callable[[tinydb.TinyDB], object]] = {
    "insert": lambda db: db.table("tasks").insert({"id": "ghost", "unit": "huyen"}),
    "insert_multiple": lambda db: db.table("units").insert_multiple([{"id": "ghost"}]),
    "update": lambda db: db.table("tasks").update({"status": "done"}),
    "update by function": lambda db: db.table("tasks").update(lambda d: d.clear()),
    "upsert": lambda db: db.table("tasks").upsert({"id": "t1"}, Query().id == "t1"),
    "remove": lambda db: db.table("tasks").remove(Query().id == "t1"),
    "truncate": lambda db: db.table("tasks").truncate(),
    "insert into a new table": lambda db: db.table("new").insert({"id": "x"}),
    "insert into the default table": lambda db: db.insert({"id": "x"}),
    "drop_table": lambda db: db.drop_table("tasks"),
    "drop_tables": lambda db: db.drop_tables(),
}


@pytest.mark.parametrize("write", list(WRITES_THROUGH_THE_VIEW), ids=list(WRITES_THROUGH_THE_VIEW))
def test_the_tinydb_view_is_read_only(tr: ct.Tracker, write: str):
    """Every write through ``tr.db()`` raises StoreError and changes nothing."""
    unchanged(tr, lambda: WRITES_THROUGH_THE_VIEW[write](tr.db()), ct.StoreError)


def test_the_tinydb_view_reflects_the_live_state(tr: ct.Tracker):
    """A view (and a query) kept around sees every later change: no stale cache."""
    db = tr.db()
    tasks = db.table("tasks")
    mine = Query().unit == "huyen"
    done = Query().status == "done"
    assert len(tasks.search(mine)) == 2
    assert tasks.search(done) == []
    tr.add_task(task("t3"))
    tr.complete_task("t1", on=dt.date(2024, 6, 1))
    assert len(tasks.search(mine)) == 3
    assert [d["id"] for d in tasks.search(done)] == ["t1"]
    assert db.table("tasks").count(mine) == 3
    assert len(db.table("units")) == 2


def test_the_view_works_on_a_memory_tracker_too():
    tr = seed(ct.Tracker.memory(load_entrypoints=False))
    assert tr.db().table("persons").get(Query().id == "lan")["unit"] == "huyen"
    with pytest.raises(ct.StoreError):
        tr.db().table("persons").insert({"id": "x"})
    assert [p.id for p in tr.persons()] == ["lan"]


# -- memory stores ----------------------------------------------------------------------


def test_a_memory_tracker_behaves_like_a_disk_tracker(folder: Path):
    """Same calls, same documents, same entries (minus hashes), same errors; no files."""
    memory = seed(ct.Tracker.memory(load_entrypoints=False))
    disk = seed(open_disk(folder))
    for tr in (memory, disk):
        tr.add_task(task("t1"))
        with tr.batch(actor="a", note="n"):
            tr.add_task(task("t2"))
            tr.complete_task("t1", on=dt.date(2024, 6, 1))
        unchanged(tr, lambda tr=tr: tr.add_task(task("t1")), ct.DuplicateIdError)

        def failing(tr: ct.Tracker = tr) -> None:
            with tr.batch():
                tr.add_task(task("t3"))
                raise RuntimeError

        unchanged(tr, failing, RuntimeError)
    assert memory.path is None
    assert memory.to_documents() == disk.to_documents()
    assert raw_state(memory) == raw_state(disk)
    mem_entries, disk_entries = list(memory.entries()), list(disk.entries())
    assert [e.seq for e in mem_entries] == [1, 2, 3, 4, 5, 6]
    for m, d in zip(mem_entries, disk_entries, strict=True):
        assert (m.seq, m.actor, m.note, m.changes) == (d.seq, d.actor, d.note, d.changes)
    assert [h.change for h in memory.history("t1")] == [h.change for h in disk.history("t1")]
    memory.snapshot()
    memory.close()
    disk.close()
    with pytest.raises(ct.StoreError, match="closed"):
        memory.add_task(task("t9"))


def test_memory_entries_are_every_committed_change_set():
    """``entries()`` of a memory tracker: one Entry per committed call or batch."""
    tr = seed(ct.Tracker.memory(load_entrypoints=False))
    with tr.batch():
        tr.add_task(task("t1"))
        tr.add_task(task("t2"))
    entries = list(tr.entries())
    assert len(entries) == tr.seq == 5
    assert [c.id for c in entries[-1].changes] == ["t1", "t2"]
    assert all(isinstance(e, ct.Entry) for e in entries)


def test_changes_outside_a_transaction_are_refused():
    """The Store only takes changes inside ``transaction()``."""
    store = Store(None)
    with pytest.raises(ct.StoreError, match="inside Store.transaction"):
        store.put("units", {"id": "a"})
    with pytest.raises(ct.StoreError, match="inside Store.transaction"):
        store.delete("units", "a")
