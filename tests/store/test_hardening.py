"""Issue 14, the store's part: reads that cannot change the state, readers that write
nothing, path errors as one clear error, and verification against a recorded head."""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from pathlib import Path

import pytest
from tinydb import Query

import cchc_tasks as ct
from cchc_tasks.store import Store
from cchc_tasks.testing import raw_state

from ..helpers import store_files

JOURNAL = "journal.jsonl"
SNAPSHOT = "state.json"


def build(tr: ct.Tracker) -> ct.Tracker:
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="huyen"))
    tr.add_unit(ct.Unit(id="xa-a", name="UBND xã A", kind="xa", parent="huyen"))
    tr.add_plan(
        ct.Plan(
            id="kh-2024",
            title="Kế hoạch CCHC 2024",
            unit="huyen",
            start=dt.date(2024, 1, 1),
            end=dt.date(2024, 12, 31),
        )
    )
    tr.add_task(
        ct.Task(
            id="t1",
            plan="kh-2024",
            title="Nhiệm vụ 1",
            unit="huyen",
            due=dt.date(2024, 6, 15),
            partners=("xa-a",),
        )
    )
    return tr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    build(ct.Tracker.open(path, load_entrypoints=False)).close()
    return path


def open_disk(folder: Path) -> ct.Tracker:
    return ct.Tracker.open(folder, load_entrypoints=False)


# -- item 1: reads hand out copies ---------------------------------------------------------


def test_a_document_from_db_cannot_change_the_store(folder: Path) -> None:
    before = store_files(folder)
    tr = open_disk(folder)
    raw = raw_state(tr)
    doc = tr.db().table("tasks").get(Query().id == "t1")
    doc["partners"].append("huyen")
    doc["title"] = "đã sửa"
    for found in tr.db().table("tasks").search(Query().id.exists()):
        found["partners"].clear()
    tr.db().table("tasks").search(Query().partners.test(lambda p: p.append("x") or True))
    assert raw_state(tr) == raw
    assert tr.task("t1").partners == ("xa-a",)
    tr.close()
    assert store_files(folder) == before
    assert open_disk(folder).verify().ok


def test_history_and_entries_hand_out_copies(memory_tracker: ct.Tracker) -> None:
    tr = build(memory_tracker)
    raw = raw_state(tr)
    entry = tr.history("huyen")[0]
    assert entry.change.after is not None
    entry.change.after["name"] = "đã sửa"
    for e in tr.entries():
        for change in e.changes:
            if change.after is not None:
                change.after.clear()
    docs = tr.to_documents()
    docs["tasks"][0]["partners"].append("huyen")
    assert raw_state(tr) == raw
    assert tr.unit("huyen").name == "UBND huyện Tân Hồng"
    assert tr.history("huyen")[0].change.after["name"] == "UBND huyện Tân Hồng"  # type: ignore[index]


# -- item 8: readers need no write access and write nothing ---------------------------------


def test_opening_and_closing_to_read_writes_nothing(folder: Path) -> None:
    # Lines appended after the snapshot: a reader used to snapshot them on close.
    tr = open_disk(folder)
    tr.add_unit(ct.Unit(id="xa-b", name="UBND xã B", kind="xa", parent="huyen"))
    tr2 = open_disk(folder)
    tr.close()  # the writer snapshots its own change
    tr3 = open_disk(folder)
    tr3.add_unit(ct.Unit(id="xa-c", name="UBND xã C", kind="xa", parent="huyen"))
    # tr3 stays open (as a writer killed now would): its line is in the journal only
    before = store_files(folder)
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    reader = open_disk(folder)
    assert {u.id for u in reader.units()} >= {"xa-b", "xa-c"}
    reader.close()
    tr2.close()
    assert store_files(folder) == before
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root ignores file permissions"
)
def test_a_store_the_reader_cannot_write_opens_reads_and_verifies(folder: Path) -> None:
    for path in [*folder.iterdir(), folder]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        tr = open_disk(folder)
        assert tr.task("t1").title == "Nhiệm vụ 1"
        assert tr.verify().ok
        with pytest.raises(ct.StoreError):
            tr.add_unit(ct.Unit(id="xa-b", name="UBND xã B", kind="xa", parent="huyen"))
        tr.close()
    finally:
        for path in [folder, *folder.iterdir()]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def test_reading_opens_nothing_for_writing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root ignores permissions, so refuse every open for writing as read-only media would.
    import builtins

    real_os_open, real_open = os.open, builtins.open
    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def os_open(path: str, flags: int, *args: object, **kwargs: object) -> int:
        if flags & writes:
            raise OSError(30, "Read-only file system", path)
        return real_os_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    def py_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if any(c in mode for c in "wax+"):
            raise OSError(30, "Read-only file system", file)
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    writer = open_disk(folder)
    writer.add_unit(ct.Unit(id="xa-b", name="UBND xã B", kind="xa", parent="huyen"))
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", py_open)
    tr = open_disk(folder)
    assert tr.unit("xa-b").name == "UBND xã B"
    assert tr.verify().ok
    with pytest.raises(ct.StoreError, match="cannot write"):
        tr.add_unit(ct.Unit(id="xa-c", name="C", kind="xa"))
    tr.close()
    monkeypatch.undo()
    writer.close()


def test_a_snapshot_that_cannot_be_written_on_close_is_a_warning(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tr = open_disk(folder)
    tr.add_unit(ct.Unit(id="xa-b", name="UBND xã B", kind="xa", parent="huyen"))

    def full_disk(*args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("cchc_tasks.store.write_snapshot", full_disk)
    with pytest.warns(RuntimeWarning, match="could not write the snapshot"):
        tr.close()
    monkeypatch.undo()
    assert open_disk(folder).unit("xa-b").name == "UBND xã B"


# -- item 10: path errors are StoreError ------------------------------------------------------


@pytest.mark.parametrize("name", [JOURNAL, "lock", SNAPSHOT])
def test_a_store_file_that_is_a_folder_is_a_store_error(tmp_path: Path, name: str) -> None:
    (tmp_path / "s" / name).mkdir(parents=True)
    with pytest.raises(ct.StoreError, match="folder"):
        open_disk(tmp_path / "s")


def test_a_store_under_a_file_or_with_nul_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ct.StoreError):
        open_disk(tmp_path / "file" / "store")
    with pytest.raises(ct.StoreError):
        open_disk(Path(str(tmp_path / "a\0b")))


def test_restore_into_a_symlink_or_under_a_file_is_a_store_error(
    folder: Path, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "x").write_text("x")
    (tmp_path / "link").symlink_to(target)
    with pytest.raises(ct.StoreError):
        Store.restore(folder, tmp_path / "link")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ct.StoreError):
        Store.restore(folder, tmp_path / "file" / "dest")


def test_verify_never_raises(folder: Path) -> None:
    tr = open_disk(folder)
    (folder / JOURNAL).rename(folder / "moved")
    (folder / JOURNAL).mkdir()
    report = tr.verify()
    assert not report.ok
    tr.close()


# -- item 12: a head recorded elsewhere ----------------------------------------------------


def rewrite_from_edited_line(folder: Path) -> None:
    """What a forger with the files does: edit line 2, re-hash every line after it,
    delete the snapshot."""
    import json

    from cchc_tasks.store.journal import GENESIS, seal

    prev = GENESIS
    out = []
    for raw in (folder / JOURNAL).read_bytes().splitlines():
        data = json.loads(raw)
        data.pop("prev")
        data.pop("hash")
        if data["seq"] == 2:
            data["changes"][0]["after"]["name"] = "UBND xã Giả"
        line, prev = seal(data, prev)
        out.append(line)
    (folder / JOURNAL).write_bytes(b"".join(out))
    (folder / SNAPSHOT).unlink()


def test_a_rewritten_journal_verifies_clean_but_not_against_a_recorded_head(
    folder: Path,
) -> None:
    tr = open_disk(folder)
    heads = tr.daily_heads()
    assert [h.seq for h in heads] == [4]
    recorded = heads[-1].hash
    assert tr.verify(expect=recorded).ok
    assert tr.verify(expect=recorded[:12].upper()).ok
    tr.close()
    rewrite_from_edited_line(folder)
    forged = open_disk(folder)
    assert forged.unit("xa-a").name == "UBND xã Giả"
    assert forged.verify().ok  # self-consistent: only the outside anchor shows it
    report = forged.verify(expect=recorded)
    assert not report.ok
    assert "recorded head" in report.reason
    forged.close()


def test_verify_expect_refuses_what_is_not_a_head(memory_tracker: ct.Tracker) -> None:
    tr = build(memory_tracker)
    assert not tr.verify(expect="HEAD").ok
    head = tr.daily_heads()[-1].hash
    assert tr.verify(expect=head).ok
    assert not tr.verify(expect="0" * 64).ok


def test_daily_heads_one_per_day(tmp_path: Path) -> None:
    days = iter(
        [dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC)] * 2 + [dt.datetime(2025, 1, 2, tzinfo=dt.UTC)]
    )
    store = Store(tmp_path / "s", clock=lambda: next(days))
    for n in range(3):
        with store.transaction("a"):
            store.put("units", {"id": f"u{n}"})
    heads = store.daily_heads()
    assert [(h.day, h.seq) for h in heads] == [(dt.date(2025, 1, 1), 2), (dt.date(2025, 1, 2), 3)]
    assert heads[-1].hash == store.verify().head
    store.close()
