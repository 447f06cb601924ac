"""Two writers on one store folder (DESIGN.md §5: one writer at a time, a writer first
catches up with the lines others appended).

Two Tracker objects in one process stand in for two processes: each has its own file
handles and its own ``flock`` on the lock file, which is exactly what two processes
have. One test runs real subprocesses as well.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

import cchc_tasks as ct
from cchc_tasks.store import Change, Entry
from cchc_tasks.store.journal import JournalReader, encode_entry
from cchc_tasks.store.lock import WriterLock

JOURNAL = "journal.jsonl"


def open_disk(folder: Path) -> ct.Tracker:
    return ct.Tracker.open(folder, load_entrypoints=False)


def seed(tr: ct.Tracker) -> None:
    """A district, one official and the 2024 plan."""
    with tr.batch(note="seed"):
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="huyen"))
        tr.add_person(ct.Person(id="lan", name="Nguyễn Thị Lan", unit="huyen"))
        tr.add_plan(
            ct.Plan(
                id="kh-2024",
                title="Kế hoạch CCHC 2024",
                unit="huyen",
                start=dt.date(2024, 1, 1),
                end=dt.date(2024, 12, 31),
            )
        )


def task(id: str) -> ct.Task:
    return ct.Task(
        id=id, plan="kh-2024", title=f"Nhiệm vụ {id}", unit="huyen", due=dt.date(2024, 6, 30)
    )


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[ct.Tracker, ct.Tracker]]:
    """Two trackers on the same seeded folder, opened one after the other."""
    folder = tmp_path / "store"
    a = open_disk(folder)
    seed(a)
    b = open_disk(folder)
    yield a, b
    a.close()
    b.close()


def test_refresh_shows_the_other_writers_changes(pair: tuple[ct.Tracker, ct.Tracker]):
    """B sees A's writes after ``refresh()``; before it, B still shows what it read."""
    a, b = pair
    a.add_task(task("t1"))
    a.complete_task("t1", on=dt.date(2024, 6, 1))
    assert b.tasks() == []
    b.refresh()
    assert b.task("t1").status is ct.TaskStatus.DONE
    assert b.seq == a.seq
    assert b.to_documents() == a.to_documents()


def test_a_writer_catches_up_before_it_writes(pair: tuple[ct.Tracker, ct.Tracker]):
    """B writes without refreshing: under the lock it first applies A's lines, so its
    checks see them and its line continues the chain after A's."""
    a, b = pair
    a.add_task(task("t1"))
    b.complete_task("t1", on=dt.date(2024, 6, 1))  # t1 exists only through A's line
    assert b.seq == a.seq + 1
    a.refresh()
    assert a.to_documents() == b.to_documents()
    assert [e.seq for e in JournalReader(str(Path(a.path) / JOURNAL))] == list(range(1, b.seq + 1))


def test_no_duplicate_id_across_two_writers(pair: tuple[ct.Tracker, ct.Tracker]):
    """The same id added by both: the second writer gets DuplicateIdError, not a copy."""
    a, b = pair
    a.add_task(task("t1"))
    with pytest.raises(ct.DuplicateIdError):
        b.add_task(task("t1"))
    assert [t.id for t in b.tasks()] == ["t1"]


def test_no_lost_updates_with_alternating_writers(pair: tuple[ct.Tracker, ct.Tracker]):
    """A and B add different ids in turn and update each other's tasks, never
    refreshing: every change is kept, in order, and a reopen agrees."""
    a, b = pair
    for n in range(10):
        a.add_task(task(f"a{n}"))
        b.add_task(task(f"b{n}"))
        if n:
            a.complete_task(f"b{n - 1}", on=dt.date(2024, 6, 1))
            b.cancel_task(f"a{n - 1}", reason="gộp vào nhiệm vụ khác")
    a.refresh()
    assert a.to_documents() == b.to_documents()
    assert len(a.tasks()) == 20
    assert len(a.tasks(status="done")) == len(a.tasks(status="cancelled")) == 9
    entries = list(JournalReader(str(Path(a.path) / JOURNAL)))
    assert [e.seq for e in entries] == list(range(1, a.seq + 1))
    a.close()
    b.close()
    with open_disk(Path(a.path)) as again:
        assert again.to_documents() == b.to_documents()


def test_both_close_and_the_later_snapshot_holds_everything(pair: tuple[ct.Tracker, ct.Tracker]):
    """Each close catches up before it writes the snapshot, so whichever closes last
    leaves a snapshot with every change, and a reopen needs no journal lines."""
    a, b = pair
    a.add_task(task("t1"))
    b.add_task(task("t2"))
    a.close()
    b.close()
    meta = json.loads((Path(a.path) / "state.json").read_text())["_meta"]["1"]
    assert meta["seq"] == 3
    assert meta["journal_offset"] == (Path(a.path) / JOURNAL).stat().st_size
    with open_disk(Path(a.path)) as again:
        assert [t.id for t in again.tasks()] == ["t1", "t2"]


WRITER = """
import datetime as dt, sys
import cchc_tasks as ct
folder, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with ct.Tracker.open(folder, load_entrypoints=False) as tr:
    for n in range(count):
        tr.add_task(ct.Task(id=f"{prefix}{n}", plan="kh-2024", title="x", unit="huyen",
                            due=dt.date(2024, 6, 30)))
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path):
    """Two real processes add 15 tasks each at the same time: all 30 arrive, the chain
    verifies, and seq counts every line."""
    folder = tmp_path / "store"
    with open_disk(folder) as tr:
        seed(tr)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(folder), prefix, "15"])
        for prefix in ("p", "q")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with open_disk(folder) as tr:
            assert len(tr.tasks()) == 30
            assert tr.seq == 31
            assert [e.seq for e in tr.entries()] == list(range(1, 32))


def _next_line(tr: ct.Tracker, unit_id: str) -> bytes:
    """The exact line the store would append next for adding a unit."""
    doc = {"id": unit_id, "name": unit_id, "kind": "xa", "parent": "huyen"}
    head = list(tr.entries())[-1].hash
    now = dt.datetime.now(dt.UTC)
    entry = Entry(tr.seq + 1, now, None, None, (Change("units", unit_id, None, doc),))
    return encode_entry(entry, head)[0]


def _refresh_while_another_holds_the_lock(
    reader: ct.Tracker, folder: Path, partial: bytes, rest: bytes
) -> None:
    """Hold the writer lock as a live writer would, leave ``partial`` at the end of the
    journal, let ``reader`` refresh (it sees a line without newline and waits for the
    lock), then append ``rest`` and release."""
    lock = WriterLock(str(folder / "lock"))
    lock.acquire()
    with (folder / JOURNAL).open("ab") as f:
        f.write(partial)
    waiting = threading.Event()
    real_acquire = WriterLock.acquire

    def acquire(self: WriterLock) -> None:
        waiting.set()
        real_acquire(self)

    # Every lock acquired from now on says so: the reader's, when it refreshes.
    WriterLock.acquire = acquire  # type: ignore[method-assign]
    try:
        thread = threading.Thread(target=reader.refresh)
        thread.start()
        assert waiting.wait(timeout=30)
    finally:
        WriterLock.acquire = real_acquire  # type: ignore[method-assign]
    with (folder / JOURNAL).open("ab") as f:
        f.write(rest)
    lock.release()
    thread.join(timeout=30)
    assert not thread.is_alive()


def test_a_line_being_written_is_not_mistaken_for_a_torn_one(
    pair: tuple[ct.Tracker, ct.Tracker], recwarn: pytest.WarningsRecorder
):
    """A reader that meets a line without its newline while a writer holds the lock
    waits for the lock, then reads the finished line: nothing dropped, no warning."""
    a, b = pair
    folder = Path(a.path)
    line = _next_line(a, "xa-moi")
    _refresh_while_another_holds_the_lock(b, folder, line[:40], line[40:])
    assert [w for w in recwarn if issubclass(w.category, RuntimeWarning)] == []
    assert b.unit("xa-moi").kind == "xa"
    assert (folder / JOURNAL).read_bytes().endswith(line)
    a.refresh()
    assert a.to_documents() == b.to_documents()


def test_only_the_incomplete_tail_is_cut(pair: tuple[ct.Tracker, ct.Tracker]):
    """The reader saw a partial line; by the time it holds the lock that line was
    finished and another writer died halfway through the next. Only the dead writer's
    partial line is cut: the finished, acknowledged line stays and is applied."""
    a, b = pair
    folder = Path(a.path)
    line = _next_line(a, "xa-moi")
    with pytest.warns(RuntimeWarning, match="dropped an incomplete last line"):
        _refresh_while_another_holds_the_lock(b, folder, line[:40], line[40:] + b'{"v":1,"se')
    assert (folder / JOURNAL).read_bytes().endswith(line)
    assert b.unit("xa-moi").name == "xa-moi"
    b.add_task(task("t1"))
    a.refresh()
    assert a.to_documents() == b.to_documents()


def test_a_held_lock_times_out_with_store_locked_error(tmp_path: Path):
    """A writer that cannot get the lock in time gets StoreLockedError (a StoreError)."""
    holder = WriterLock(str(tmp_path / "lock"))
    holder.acquire()
    waiter = WriterLock(str(tmp_path / "lock"), timeout=0.05)
    with pytest.raises(ct.StoreLockedError, match="writer lock"):
        waiter.acquire()
    assert not waiter.held
    holder.release()
    waiter.acquire()
    assert waiter.held
    waiter.release()


def test_the_lock_is_reentrant_and_refuses_an_extra_release(tmp_path: Path):
    lock = WriterLock(str(tmp_path / "lock"))
    lock.acquire()
    lock.acquire()
    lock.release()
    assert lock.held
    lock.release()
    assert not lock.held
    with pytest.raises(RuntimeError, match="not held"):
        lock.release()


BUSY_WRITER = """
import datetime as dt, sys
import cchc_tasks as ct
folder, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
duplicates = 0
tr = ct.Tracker.open(folder, load_entrypoints=False, snapshot_min_bytes=32 * 1024)
for n in range(count):
    tr.add_task(ct.Task(id=f"{name}-{n:03d}", plan="kh-2024", title=f"Việc {n} của {name}",
                        unit="huyen", due=dt.date(2024, 6, 30)))
    if n % 10 == 9:
        tr.complete_task(f"{name}-{n - 5:03d}", on=dt.date(2024, 6, 1), actor=name)
    if n % 20 == 0:
        # read-modify-write of one task that every writer changes
        tr.report_progress("shared", ct.ProgressReport(on=dt.date(2024, 5, 1), percent=10,
                                                       note=f"{name}-{n}"), actor=name)
    if n % 25 == 0:
        try:
            tr.add_task(ct.Task(id=f"common-{n // 25}", plan="kh-2024", title=f"của {name}",
                                unit="huyen", due=dt.date(2024, 6, 30)), actor=name)
        except ct.DuplicateIdError:
            duplicates += 1
tr.close()
print(duplicates)
"""


def test_four_processes_making_hundreds_of_changes_lose_nothing(tmp_path: Path):
    """Four processes each add 200 tasks, complete 20 of them, append 10 progress
    reports to one shared task (a read-modify-write) and try to add the same 8 "common"
    tasks, all at once. At the end every change is there exactly once: 800 own tasks,
    the 80 completions, all 40 progress reports on the shared task, each common task
    added once (the other 24 attempts got DuplicateIdError), one line per change, and
    the whole chain verifies."""
    folder = tmp_path / "store"
    with open_disk(folder) as tr:
        seed(tr)
        tr.add_task(task("shared"))
    names = ("p1", "p2", "p3", "p4")
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", BUSY_WRITER, str(folder), name, "200"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    outputs = [w.communicate(timeout=240)[0] for w in writers]
    assert [w.returncode for w in writers] == [0, 0, 0, 0]
    duplicates = sum(int(out) for out in outputs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = open_disk(folder)
    with tr:
        report = tr.verify()
        assert report.ok, report
        own = [t for t in tr.tasks() if t.id.startswith(names)]
        assert len(own) == 800
        assert len([t for t in own if t.status is ct.TaskStatus.DONE]) == 80
        notes = [p.note for p in tr.task("shared").progress]
        assert sorted(notes) == sorted(f"{name}-{n}" for name in names for n in range(0, 200, 20))
        common = [t for t in tr.tasks() if t.id.startswith("common-")]
        assert len(common) == 8
        assert duplicates == 4 * 8 - 8
        adds: dict[str, int] = {}
        for entry in tr.entries():
            for change in entry.changes:
                if change.op == "add":
                    adds[change.id] = adds.get(change.id, 0) + 1
        assert set(adds.values()) == {1}
        # seed (1 line) + shared + 4 x (200 adds + 20 completions + 10 reports) + 8 commons
        assert tr.seq == report.lines == 1 + 1 + 4 * 230 + 8
