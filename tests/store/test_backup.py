"""Backup and restore (docs/how-to/backup-and-verify.md).

``tr.backup(dest)`` writes a consistent copy of the store into a new or empty folder
while other processes go on writing: the journal up to the line the tracker stands at
after catching up under the writer lock, and a fresh snapshot of that state, fsync'ed.
A backup is an ordinary store folder: it opens and verifies. ``Store.restore`` (and
``cchc restore``) checks a backup and copies it into a new store folder, refusing one
that is not empty.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

import cchc_tasks as ct
from cchc_tasks.store import Store

D = dt.date


def seed(tr: ct.Tracker) -> ct.Tracker:
    with tr.batch(note="seed"):
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district"))
        tr.add_plan(
            ct.Plan(id="kh", title="Kế hoạch CCHC 2024", unit="huyen", start=D(2024, 1, 1),
                    end=D(2024, 12, 31))
        )  # fmt: skip
    return tr


def task(id: str) -> ct.Task:
    return ct.Task(id=id, plan="kh", title=f"Nhiệm vụ {id}", unit="huyen", due=D(2024, 6, 30))


def open_disk(folder: Path) -> ct.Tracker:
    return ct.Tracker.open(folder, load_entrypoints=False)


WRITER = """
import datetime as dt, sys
import cchc_tasks as ct
folder, count = sys.argv[1], int(sys.argv[2])
with ct.Tracker.open(folder, load_entrypoints=False, snapshot_min_bytes=16 * 1024) as tr:
    for n in range(count):
        tr.add_task(ct.Task(id=f"t{n:04d}", plan="kh", title="x", unit="huyen",
                            due=dt.date(2024, 6, 30)))
"""


def test_backups_taken_while_another_process_writes_are_consistent(tmp_path: Path):
    """A writer adds t0000, t0001, … while we take backups: each backup opens, verifies,
    and holds exactly the first k tasks for some k (a prefix of the history, never a
    mix); the store goes on to hold all of them."""
    folder = tmp_path / "store"
    with open_disk(folder) as tr:
        seed(tr)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(folder), "300"])
    counts = []
    with open_disk(folder) as tr:
        n = 0
        while writer.poll() is None or n < 2:
            n += 1
            report = tr.backup(tmp_path / f"backup-{n}")
            assert report.ok, report
            with open_disk(tmp_path / f"backup-{n}") as copy:
                ids = [t.id for t in copy.tasks()]
                assert ids == [f"t{i:04d}" for i in range(len(ids))]
                assert copy.seq == tr.seq == report.lines
                assert copy.verify().ok
            counts.append(len(ids))
    assert writer.wait(timeout=120) == 0
    assert counts == sorted(counts)
    with open_disk(folder) as tr:
        assert len(tr.tasks()) == 300


def test_a_backup_is_the_journal_so_far_and_a_fresh_snapshot(tmp_path: Path):
    folder, dest = tmp_path / "store", tmp_path / "backup"
    with seed(open_disk(folder)) as tr:
        tr.add_task(task("t1"))
        tr.complete_task("t1", on=D(2024, 6, 1), actor="lan")
        report = tr.backup(dest)
        journal = (folder / "journal.jsonl").read_bytes()
    assert sorted(p.name for p in dest.iterdir()) == ["journal.jsonl", "state.json"]
    assert (dest / "journal.jsonl").read_bytes() == journal
    meta = json.loads((dest / "state.json").read_text())["_meta"]["1"]
    assert (meta["seq"], meta["journal_offset"]) == (3, len(journal))
    assert (report.ok, report.lines, report.head) == (True, 3, meta["hash"])
    with open_disk(dest) as copy:
        assert copy.task("t1").status is ct.TaskStatus.DONE
        assert copy.history("t1")[-1].actor == "lan"


def test_a_backup_refuses_a_folder_that_is_not_empty(tmp_path: Path):
    folder, dest = tmp_path / "store", tmp_path / "backup"
    dest.mkdir()
    (dest / "notes.txt").write_text("giữ lại")
    with seed(open_disk(folder)) as tr:
        with pytest.raises(ct.StoreError, match="expected a new or empty folder") as caught:
            tr.backup(dest)
        assert "nothing was written" in str(caught.value)
        with pytest.raises(ct.StoreError, match="other than the store itself"):
            tr.backup(folder)
        with pytest.raises(ct.StoreError, match="inside a transaction"), tr.batch():
            tr.backup(tmp_path / "in-batch")
    assert sorted(p.name for p in dest.iterdir()) == ["notes.txt"]
    assert not (tmp_path / "in-batch").exists()
    (tmp_path / "empty").mkdir()
    with open_disk(folder) as tr:
        assert tr.backup(tmp_path / "empty").ok


def test_a_memory_tracker_or_a_view_of_the_past_backs_up_as_a_new_store(tmp_path: Path):
    """A memory tracker's backup writes its entries as a journal; a backup of
    ``as_of(...)`` is the store as it was then, a point-in-time copy."""
    tr = seed(ct.Tracker.memory(load_entrypoints=False))
    tr.add_task(task("t1"))
    tr.add_task(task("t2"))
    assert tr.backup(tmp_path / "memory").ok
    assert tr.as_of(2).backup(tmp_path / "then").ok
    with open_disk(tmp_path / "memory") as copy:
        assert [t.id for t in copy.tasks()] == ["t1", "t2"]
        assert copy.to_documents() == tr.to_documents()
    with open_disk(tmp_path / "then") as copy:
        assert [t.id for t in copy.tasks()] == ["t1"]


def test_restore_copies_a_backup_into_a_new_store(tmp_path: Path):
    folder = tmp_path / "store"
    with seed(open_disk(folder)) as tr:
        tr.add_task(task("t1"))
        tr.backup(tmp_path / "backup")
        expected = tr.to_documents()
    report = Store.restore(tmp_path / "backup", tmp_path / "restored")
    assert report.ok
    with open_disk(tmp_path / "restored") as tr:
        assert tr.to_documents() == expected
        tr.add_task(task("t2"))  # an ordinary store from now on
    (tmp_path / "empty").mkdir()
    assert Store.restore(tmp_path / "backup", tmp_path / "empty").ok


def test_restore_refuses_a_folder_that_is_not_empty(tmp_path: Path):
    folder = tmp_path / "store"
    with seed(open_disk(folder)) as tr:
        tr.backup(tmp_path / "backup")
    before = (folder / "journal.jsonl").read_bytes()
    with pytest.raises(ct.StoreError, match="expected a new or empty folder"):
        Store.restore(tmp_path / "backup", folder)
    assert (folder / "journal.jsonl").read_bytes() == before


def test_restore_refuses_a_tampered_backup(tmp_path: Path):
    folder = tmp_path / "store"
    with seed(open_disk(folder)) as tr:
        tr.add_task(task("t1"))
        tr.backup(tmp_path / "backup")
    journal = tmp_path / "backup" / "journal.jsonl"
    journal.write_bytes(journal.read_bytes().replace("Tân Hồng".encode(), "Tân Hòa".encode()))
    with pytest.raises(ct.StoreCorruptError, match="hash does not match") as caught:
        Store.restore(tmp_path / "backup", tmp_path / "restored")
    assert caught.value.line == 1
    assert not (tmp_path / "restored").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".restore-")]


def test_restore_leaves_out_a_torn_last_line(tmp_path: Path):
    """A backup copied by hand from a store whose writer died mid-line: the torn line was
    never acknowledged and is not restored."""
    folder = tmp_path / "store"
    with seed(open_disk(folder)) as tr:
        tr.add_task(task("t1"))
    good = (folder / "journal.jsonl").read_bytes()
    with (folder / "journal.jsonl").open("ab") as f:
        f.write(b'{"v":1,"seq":3,')
    Store.restore(folder, tmp_path / "restored")
    assert (tmp_path / "restored" / "journal.jsonl").read_bytes() == good
