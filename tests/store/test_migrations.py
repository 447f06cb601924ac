"""Layout versions (docs/reference/store-format.md, "Layout versions and migrations").

Journal lines carry ``v`` and the snapshot ``_meta.schema``; this release writes 1.
``tests/store/fixtures/store-v0/`` is a store in the pre-release layout 0 (no ``v``, no
``schema``; see ``tests/store/fixtures/make_store_v0.py``), with its snapshot at line 5 of 8.
Opening it migrates it: the old chain is checked, the originals are kept under
``migrated/v0/``, the lines are rewritten as version 1 and re-chained, and a fresh
snapshot is written. A store of a newer version is refused with ``StoreVersionError``
saying which version it is and which this code reads.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest

import cchc_tasks as ct
from cchc_tasks.store import migrations
from cchc_tasks.store.journal import SCHEMA_VERSION, JournalReader

FIXTURE = Path(__file__).parent / "fixtures" / "store-v0"
JOURNAL, SNAPSHOT = "journal.jsonl", "state.json"


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    """A copy of the version-0 fixture (tests never touch the fixture itself)."""
    folder = tmp_path / "store-v0"
    shutil.copytree(FIXTURE, folder)
    return folder


def open_disk(folder: Path) -> ct.Tracker:
    return ct.Tracker.open(folder, load_entrypoints=False)


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def test_the_fixture_is_version_0():
    """No ``v`` in any line, no ``schema`` in the snapshot: what this code cannot read
    without migrating."""
    assert all("v" not in row for row in rows(FIXTURE / JOURNAL))
    assert "schema" not in json.loads((FIXTURE / SNAPSHOT).read_text())["_meta"]["1"]
    assert len(rows(FIXTURE / JOURNAL)) == 8


def test_opening_an_old_store_migrates_it(old_store: Path):
    """Everything the old store held is there; the store now verifies as version 1."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = open_disk(old_store)
    with tr:
        assert tr.seq == 8
        assert [t.id for t in tr.tasks()] == ["t-2021-001", "t-2021-002", "t-2021-003"]
        assert tr.task("t-2021-001").status is ct.TaskStatus.DONE
        assert tr.task("t-2021-003").cancel_reason == "gộp vào khảo sát của tỉnh"
        assert tr.unit("xa-tan-ho-co").name == "UBND xã Tân Hộ Cơ"
        done = tr.history("t-2021-001")[-1]
        assert (done.actor, done.note) == ("p-lan", "đã xong")
        assert tr.verify().ok
        tr.add_task(
            ct.Task(
                id="t-2021-004",
                plan="kh-cchc-2021",
                title="Mới",
                unit="huyen",
                due=tr.plan("kh-cchc-2021").end,
            )
        )
    assert all(row["v"] == SCHEMA_VERSION for row in rows(old_store / JOURNAL))
    assert json.loads((old_store / SNAPSHOT).read_text())["_meta"]["1"]["schema"] == 1
    with open_disk(old_store) as again:
        assert again.seq == 9
        assert again.verify().ok


def test_migration_keeps_every_field_and_the_chain_rule(old_store: Path):
    """Each line keeps its fields in their order, with ``v`` first; each ``prev`` is the
    new hash of the line before, exactly as in a store written by this release."""
    open_disk(old_store).close()
    old, new = rows(FIXTURE / JOURNAL), rows(old_store / JOURNAL)
    for before, after in zip(old, new, strict=True):
        assert list(after) == ["v", *before]
        assert {k: v for k, v in after.items() if k not in ("v", "prev", "hash")} == {
            k: v for k, v in before.items() if k not in ("prev", "hash")
        }
    entries = list(JournalReader(str(old_store / JOURNAL)))
    assert [e.seq for e in entries] == list(range(1, 9))


def test_the_original_files_are_kept(old_store: Path):
    """The old chain can still be checked, against a hash recorded elsewhere."""
    open_disk(old_store).close()
    kept = old_store / "migrated" / "v0"
    assert (kept / JOURNAL).read_bytes() == (FIXTURE / JOURNAL).read_bytes()
    assert (kept / SNAPSHOT).read_bytes() == (FIXTURE / SNAPSHOT).read_bytes()


def test_a_migration_interrupted_before_the_journal_was_replaced_runs_again(old_store: Path):
    """The old snapshot is removed before the journal is replaced: a crash in between
    leaves an old journal without a snapshot, which the next open migrates."""
    (old_store / SNAPSHOT).unlink()
    with open_disk(old_store) as tr:
        assert tr.seq == 8
        assert tr.verify().ok


def test_a_torn_last_line_of_an_old_store_is_dropped_with_a_warning(old_store: Path):
    with (old_store / JOURNAL).open("ab") as f:
        f.write(b'{"seq":9,"at":"2021-')
    with pytest.warns(RuntimeWarning, match="incomplete last line"), open_disk(old_store) as tr:
        assert tr.seq == 8


def test_an_old_store_that_does_not_check_out_is_not_migrated(old_store: Path):
    """Migrating rewrites every hash, so the old chain is checked first: an altered
    line raises StoreCorruptError naming it, and nothing is rewritten."""
    data = (old_store / JOURNAL).read_bytes().splitlines(keepends=True)
    data[1] = data[1].replace("Tân Hộ Cơ".encode(), "Tân Hộ".encode())
    (old_store / JOURNAL).write_bytes(b"".join(data))
    before = (old_store / JOURNAL).read_bytes()
    with pytest.raises(ct.StoreCorruptError, match="altered") as caught:
        open_disk(old_store)
    assert (caught.value.line, caught.value.path) == (2, str(old_store / JOURNAL))
    assert (old_store / JOURNAL).read_bytes() == before


def test_an_old_snapshot_that_disagrees_with_its_journal_is_not_migrated(old_store: Path):
    data = json.loads((old_store / SNAPSHOT).read_text())
    data["tasks"]["1"]["title"] = "Sửa tay"
    (old_store / SNAPSHOT).write_text(json.dumps(data))
    with pytest.raises(ct.StoreCorruptError, match="snapshot's documents") as caught:
        open_disk(old_store)
    assert caught.value.path == str(old_store / SNAPSHOT)
    assert (old_store / JOURNAL).read_bytes() == (FIXTURE / JOURNAL).read_bytes()


def test_a_newer_journal_is_refused_with_both_versions(tmp_path: Path):
    folder = tmp_path / "store"
    with open_disk(folder) as tr:
        tr.add_unit(ct.Unit(id="huyen", name="Huyện", kind="district"))
    (folder / SNAPSHOT).unlink()
    journal = folder / JOURNAL
    journal.write_bytes(journal.read_bytes().replace(b'{"v":1,', b'{"v":2,', 1))
    with pytest.raises(ct.StoreVersionError) as caught:
        open_disk(folder)
    error = caught.value
    assert isinstance(error, ct.StoreError)
    assert (error.path, error.found, error.reads) == (str(journal), 2, 1)
    assert "expected store format version 1" in str(error)
    assert "got version 2" in str(error)
    assert "newer cchc_tasks" in str(error)


def test_a_newer_snapshot_is_refused_with_both_versions(tmp_path: Path):
    folder = tmp_path / "store"
    with open_disk(folder) as tr:
        tr.add_unit(ct.Unit(id="huyen", name="Huyện", kind="district"))
    data = json.loads((folder / SNAPSHOT).read_text())
    data["_meta"]["1"]["schema"] = 7
    (folder / SNAPSHOT).write_text(json.dumps(data))
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    with pytest.raises(ct.StoreVersionError, match="got version 7") as caught:
        open_disk(folder)
    assert caught.value.path == str(folder / SNAPSHOT)
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


def test_every_older_version_has_a_migration():
    """The registry chains from version 0 to the current one."""
    assert sorted(migrations.MIGRATIONS) == list(range(SCHEMA_VERSION))
    for source, migration in migrations.MIGRATIONS.items():
        assert (migration.source, migration.target) == (source, source + 1)
        assert migration.summary


def test_a_missing_migration_is_a_version_error(old_store: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(migrations, "MIGRATIONS", {})
    with pytest.raises(ct.StoreVersionError, match="got version 0"):
        open_disk(old_store)


def test_verify_asks_for_an_old_store_to_be_opened_first(old_store: Path):
    """Checking is reading: ``verify_folder`` does not migrate; it says what to do."""
    (old_store / SNAPSHOT).unlink()
    with pytest.raises(ct.StoreVersionError, match="open it with Tracker.open to migrate it"):
        ct.store.verify_folder(str(old_store))
    open_disk(old_store).close()
    assert ct.store.verify_folder(str(old_store)).ok
