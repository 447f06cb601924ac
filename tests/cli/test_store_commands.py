"""The store commands of ``cchc``: verify, history, log, backup, restore.

Exit status 0 on success, 1 with ``cchc: <message>`` on an error of the CchcError family
(no store there, a folder that is not empty…), 2 when ``cchc verify`` finds tampering.
Commands that read never create a store.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import cchc_tasks as ct
from cchc_tasks.cli import main
from cchc_tasks.store import Store

from ..helpers import english_in
from ..helpers import run_cli as run

D = dt.date
ICT = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Four lines, one a day at 09:00 in Vietnam from 30 December 2024."""
    folder = tmp_path / "store"
    days = iter(range(4))
    clock = lambda: dt.datetime(2024, 12, 30, 9, 0, tzinfo=ICT) + dt.timedelta(days=next(days))  # noqa: E731
    tr = ct.Tracker(Store(folder, clock=clock), ct.make_plugin_manager(load_entrypoints=False))
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district"))
    tr.add_plan(
        ct.Plan(id="kh", title="Kế hoạch", unit="huyen", start=D(2025, 1, 1), end=D(2025, 12, 31))
    )
    tr.add_task(
        ct.Task(id="t1", plan="kh", title="Rà soát", unit="huyen", due=D(2025, 3, 31)),
        actor="van-phong",
        note="giao việc",
    )
    tr.complete_task("t1", on=D(2025, 1, 2), actor="lan", note="xong")
    tr.close()
    return folder


def test_verify_an_intact_store(store: Path, capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "verify", str(store))
    assert code == 0
    assert out.startswith(
        "TOÀN VẸN: 4 dòng, chuỗi băm nguyên vẹn; bản chụp dữ liệu (dòng 4) khớp với nhật ký\n"
    )
    assert "mã băm hợp lệ cuối cùng: " in out
    assert english_in(out) == []
    code, out, _ = run(capsys, "verify", str(store), "--lang", "en")
    assert out.startswith("OK: 4 lines, the hash chain is intact; the snapshot (line 4) agrees")
    assert "last good hash: " in out


def test_verify_exits_2_on_tampering(store: Path, capsys: pytest.CaptureFixture[str]):
    journal = store / "journal.jsonl"
    journal.write_bytes(journal.read_bytes().replace("Rà soát".encode(), "Rà xoát".encode(), 1))
    code, out, _ = run(capsys, "verify", str(store))
    assert code == 2
    assert out.splitlines()[0] == (
        f"BỊ CAN THIỆP: {journal}, dòng 3: mã băm không khớp với nội dung dòng (dòng đã bị sửa)"
    )
    assert "Số dòng đã kiểm tra: 2;" in out
    code, out, _ = run(capsys, "verify", str(store), "--lang", "en")
    assert out.startswith(f"TAMPERED: {journal}, line 3: hash does not match")
    assert "lines checked: 2" in out


def test_verify_words_every_kind_of_tampering_in_vietnamese(
    store: Path, capsys: pytest.CaptureFixture[str]
):
    """Each finding of the store layer gets its Vietnamese words; English ones stay as the
    store layer wrote them (``str(report)``)."""
    journal, snapshot = store / "journal.jsonl", store / "state.json"
    lines = journal.read_bytes().splitlines(keepends=True)
    original = journal.read_bytes(), snapshot.read_bytes()

    def verify(*args: str) -> tuple[str, str]:
        vi = run(capsys, "verify", str(store), *args)[1]
        en = run(capsys, "verify", str(store), *args, "--lang", "en")[1]
        assert english_in(vi.replace(str(store), "")) == [], vi
        return vi.splitlines()[0], en.splitlines()[0]

    journal.write_bytes(b"".join([lines[0], *lines[2:]]))  # line 2 removed
    vi, en = verify()
    assert vi.endswith(": chuỗi băm bị đứt: dòng trước đó đã bị sửa, xóa hoặc đảo thứ tự")
    assert en.endswith(": chain broken: the line before was altered, removed or reordered")
    journal.write_bytes(b"".join(lines[:3]))  # the last line cut off
    vi, en = verify()
    assert vi.startswith(f"BỊ CAN THIỆP: {journal}, dòng 4: nhật ký phải kéo dài đến dòng 4")
    assert "nơi bản chụp dữ liệu dừng lại; chỉ còn 3 dòng hoàn chỉnh" in vi
    assert "where the snapshot stands; got 3 complete lines" in en
    journal.write_bytes(original[0])
    edited = json.loads(original[1])
    next(iter(edited["tasks"].values()))["title"] = "Rà xoát"
    snapshot.write_text(json.dumps(edited), encoding="utf-8")
    vi, en = verify()
    assert vi == (
        f"BỊ CAN THIỆP: {snapshot}: tài liệu trong bản chụp dữ liệu khác với nhật ký đến dòng 4: "
        "nhiệm vụ 't1' khác với nhật ký (bản chụp đã bị sửa)"
    )
    assert en.endswith(
        "table 'tasks', document 't1' differs from the journal (the snapshot was edited)"
    )
    snapshot.unlink()
    vi, en = verify("--expect", "0123456789ab")
    assert vi.startswith(
        f"BỊ CAN THIỆP: {journal}: chuỗi băm phải đi qua mã băm đã ghi nhận 0123456789ab"
    )
    assert en.startswith(f"TAMPERED: {journal}: expected the chain to pass through")
    head = json.loads(lines[1])["hash"]
    journal.write_bytes(original[0] + b'{"incomplete')
    vi, en = verify("--expect", head[:12])
    assert vi == (
        "TOÀN VẸN: 4 dòng, chuỗi băm nguyên vẹn; chuỗi đi qua mã băm đã ghi nhận (dòng 2); dòng "
        f"cuối chưa hoàn chỉnh tại byte {len(original[0])} chưa được kiểm tra (đang ghi dở, hoặc "
        "lần ghi không hoàn tất)"
    )
    assert en.startswith("OK: 4 lines, the hash chain is intact; it passes through")


def test_verify_exits_1_without_a_store_and_creates_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    code, _, err = run(capsys, "verify", str(tmp_path / "nowhere"))
    assert code == 1
    assert err.startswith("cchc: ")
    assert "expected a store folder" in err
    assert not (tmp_path / "nowhere").exists()


def test_history_shows_who_changed_what_when(store: Path, capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "history", str(store), "t1")
    assert code == 0
    assert out.splitlines() == [
        f"t1 trong {store}: 2 thay đổi",
        "Dòng 3  01/01/2025 02:00:00 UTC  người ghi: van-phong  ghi chú: giao việc",
        "  Thêm mới nhiệm vụ t1 «Rà soát»",
        "Dòng 4  02/01/2025 02:00:00 UTC  người ghi: lan  ghi chú: xong",
        "  Sửa đổi nhiệm vụ t1 «Rà soát»: Trạng thái Đang thực hiện → Đã hoàn thành; Ngày "
        "hoàn thành — → 02/01/2025",
    ]
    code, out, _ = run(capsys, "history", str(store), "t1", "--lang", "en")
    assert code == 0
    assert out.splitlines()[:2] == [
        f"t1 in {store}: 2 changes",
        "seq 3  2025-01-01 02:00:00 UTC  by van-phong  note: giao việc",
    ]
    code, out, err = run(capsys, "history", str(store), "t404")
    assert (code, out) == (1, "")
    assert err.startswith("cchc: ID: không có đối tượng 't404'")


def test_log_since_a_day(store: Path, capsys: pytest.CaptureFixture[str]):
    """Days are UTC: line 2 was written at 09:00 on 31 December in Vietnam, 02:00 UTC."""
    code, out, _ = run(capsys, "log", str(store), "--since", "2024-12-31")
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("Dòng")] == [
        "Dòng 2  31/12/2024 02:00:00 UTC  người ghi: (không ghi tên)",
        "Dòng 3  01/01/2025 02:00:00 UTC  người ghi: van-phong  ghi chú: giao việc",
        "Dòng 4  02/01/2025 02:00:00 UTC  người ghi: lan  ghi chú: xong",
    ]
    code, out, _ = run(capsys, "log", str(store), "--since", "2024-12-31", "--lang", "en")
    assert [line for line in out.splitlines() if line.startswith("seq")] == [
        "seq 2  2024-12-31 02:00:00 UTC  by (nobody named)",
        "seq 3  2025-01-01 02:00:00 UTC  by van-phong  note: giao việc",
        "seq 4  2025-01-02 02:00:00 UTC  by lan  note: xong",
    ]
    assert "  Added plan kh «Kế hoạch»" in out.splitlines()
    code, out, _ = run(capsys, "log", str(store), "--since", "2030-01-01")
    assert (code, out) == (0, f"Không có thay đổi nào trong {store} từ ngày 01/01/2030\n")
    assert run(capsys, "log", str(store))[1].count("\nDòng ") == 3  # all four


def test_log_refuses_a_date_that_is_not_one(store: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["log", str(store), "--since", "31/02/2024"]) == 1
    assert "expected a date such as 2025-01-31 or 31/01/2025, got '31/02/2024'" in (
        capsys.readouterr().err
    )


def test_log_takes_a_day_first_date(store: Path, capsys: pytest.CaptureFixture[str]):
    assert run(capsys, "log", str(store), "--since", "31/12/2024") == run(
        capsys, "log", str(store), "--since", "2024-12-31"
    )


def test_backup_and_restore(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    backup, restored = tmp_path / "backup", tmp_path / "restored"
    code, out, _ = run(capsys, "backup", str(store), str(backup))
    assert code == 0
    assert out.splitlines() == [
        f"Đã sao lưu {store} vào {backup}: 4 dòng nhật ký.",
        "TOÀN VẸN: 4 dòng, chuỗi băm nguyên vẹn; bản chụp dữ liệu (dòng 4) khớp với nhật ký",
    ]
    code, out, _ = run(capsys, "restore", str(backup), str(restored), "--lang", "en")
    assert code == 0
    assert out.startswith(f"Restored {backup} into {restored}: 4 journal lines.\nOK: ")
    assert run(capsys, "verify", str(restored))[0] == 0
    code, _, err = run(capsys, "restore", str(backup), str(restored))
    assert code == 1
    assert "expected a new or empty folder for the restored store" in err
    code, _, err = run(capsys, "restore", str(tmp_path / "no-backup"), str(tmp_path / "x"))
    assert code == 1
    assert not (tmp_path / "x").exists()


def test_the_other_commands_still_work(capsys: pytest.CaptureFixture[str]):
    assert main(["plugins"]) == 0
    assert "cchc_tasks.decree90" in capsys.readouterr().out


# -- issue 14: heads recorded elsewhere, readers that write nothing ---------------------------


def test_log_heads_prints_a_dated_head_per_day_that_verify_expect_checks(
    store: Path, capsys: pytest.CaptureFixture[str]
):
    code, out, _ = run(capsys, "log", str(store), "--heads")
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("30/12/2024", "dòng", "1"),
        ("31/12/2024", "dòng", "2"),
        ("01/01/2025", "dòng", "3"),
        ("02/01/2025", "dòng", "4"),
    ]
    code, out, _ = run(capsys, "log", str(store), "--heads", "--lang", "en")
    rows = [line.split() for line in out.splitlines()]
    assert tuple(rows[0][:3]) == ("2024-12-30", "seq", "1")
    head = rows[1][3]
    code, out, _ = run(capsys, "verify", str(store), "--expect", head)
    assert code == 0 and "chuỗi đi qua mã băm đã ghi nhận (dòng 2)" in out
    code, out, _ = run(capsys, "verify", str(store), "--expect", head, "--lang", "en")
    assert code == 0 and "passes through the recorded head (line 2)" in out
    code, out, _ = run(capsys, "verify", str(store), "--expect", "ab" * 32)
    assert code == 2 and "mã băm đã ghi nhận" in out
    code, _, err = run(capsys, "verify", str(store), "--expect", "HEAD")
    assert code == 1 and err.count("\n") == 1 and "--expect" in err


def test_reading_commands_write_nothing(store: Path, capsys: pytest.CaptureFixture[str]):
    # A line after the snapshot, from a writer that did not close: readers used to
    # snapshot it when they closed, under the writer lock.
    tr = ct.Tracker.open(store, load_entrypoints=False)
    tr.add_unit(ct.Unit(id="xa", name="UBND xã", kind="commune", parent="huyen"))
    files = {p.name: p.read_bytes() for p in store.iterdir() if p.is_file()}
    for command in (["tasks"], ["units"], ["log"], ["history", "t1"], ["verify"]):
        code, _, _ = run(capsys, command[0], str(store), *command[1:])
        assert code == 0
    assert {p.name: p.read_bytes() for p in store.iterdir() if p.is_file()} == files
    tr.close()
