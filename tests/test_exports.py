"""Tasks and evaluations out to Excel and CSV, the whole store out to JSON and back in,
and the ``cchc import`` / ``cchc export`` commands.

What goes out must come back: a task sheet imports as the same tasks, a store's JSON
imports as a store with the same documents; and what cannot come back changes nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cchc_tasks as ct
from cchc_tasks import exports
from cchc_tasks.annex import import_annex, read_annex
from cchc_tasks.cli import main
from cchc_tasks.examples import PLAN_ID, tan_hong
from cchc_tasks.exports import (
    EVALUATION_SHEETS,
    PROGRESS_COLUMNS,
    TASK_COLUMNS,
    StoreImportError,
    export_evaluation,
    export_store_json,
    export_tasks,
    import_store_json,
)

from .helpers import plan_of_2025

openpyxl = pytest.importorskip("openpyxl")

PLAN = "kh-2025"


def skeleton() -> ct.Tracker:
    """Units, people and a plan: what an annex is imported into."""
    tr = ct.Tracker.memory(load_entrypoints=False)
    with tr.batch():
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district"))
        for uid, name in [
            ("noi-vu", "Phòng Nội vụ"),
            ("tu-phap", "Phòng Tư pháp"),
            ("vh-tt", "Phòng Văn hóa, Khoa học và Thông tin"),
            ("tc-kh", "Phòng Tài chính - Kế hoạch"),
        ]:
            tr.add_unit(ct.Unit(id=uid, name=name, kind="agency", parent="huyen"))
        tr.add_person(ct.Person(id="p1", name="Nguyễn Văn An", unit="noi-vu"))
        tr.add_person(ct.Person(id="p2", name="Lê Văn Cường", unit="tu-phap"))
        tr.add_person(ct.Person(id="p3", name="Lê Văn Cường", unit="vh-tt"))  # same name
        tr.add_plan(plan_of_2025(PLAN))
    return tr


def sample_tasks() -> list[ct.Task]:
    return [
        ct.Task(
            id="kh-2025-001",
            plan=PLAN,
            title="Rà soát văn bản quy phạm pháp luật",
            unit="tu-phap",
            due=dt.date(2025, 6, 30),
            partners=("noi-vu", "vh-tt"),
            assignee="p3",
            field=ct.Field.INSTITUTIONS,
            output="Báo cáo\nDanh mục văn bản",
            weight=2.5,
            budget=50_000_000.0,
        ),
        ct.Task(
            id="t-so-hoa",
            plan=PLAN,
            title="Số hóa hồ sơ, kết quả giải quyết TTHC",
            unit="vh-tt",
            due=dt.date(2025, 3, 31),
            assignee="p1",
            field="Chuyển đổi số cấp xã",  # a custom field
        ),
        ct.Task(
            id="kh-2025-003",
            plan=PLAN,
            title="Kiểm tra công vụ",
            unit="noi-vu",
            due=dt.date(2025, 12, 31),
            partners=("tc-kh",),
            budget=1234.5,
        ),
    ]


@pytest.fixture
def filled() -> ct.Tracker:
    tr = skeleton()
    tr.add_tasks(sample_tasks())
    return tr


@pytest.mark.parametrize("ext", ["xlsx", "csv"])
def test_exported_tasks_import_as_the_same_tasks(
    filled: ct.Tracker, tmp_path: Path, ext: str
) -> None:
    path = tmp_path / f"nhiem-vu.{ext}"
    assert export_tasks(filled, path) == 3
    target = skeleton()
    # A custom field is accepted once the store uses it.
    custom = "Chuyển đổi số cấp xã"
    target.add_task(
        ct.Task(id="x", plan=PLAN, title="x", unit="huyen", due=dt.date(2025, 1, 1), field=custom)
    )
    imported = import_annex(target, path, PLAN)
    assert sorted(imported, key=lambda t: t.id) == sorted(filled.tasks(), key=lambda t: t.id)


def test_recorded_status_goes_out_but_an_annex_brings_open_tasks(
    filled: ct.Tracker, tmp_path: Path
) -> None:
    filled.complete_task("kh-2025-001", dt.date(2025, 6, 1), exceeded=True, quality_note="Tốt")
    filled.cancel_task("kh-2025-003", "Không còn phù hợp")
    path = tmp_path / "t.csv"
    export_tasks(filled, path)
    text = path.read_text(encoding="utf-8-sig")
    assert "Đã hoàn thành,01/06/2025,Có,Tốt," in text
    assert "Đã hủy,,,,Không còn phù hợp" in text
    assert "1234,5" in text  # the decimal comma Vietnamese Excel reads
    tasks = {t.id: t for t in read_annex(path, skeleton(), PLAN)}
    assert tasks["kh-2025-001"].status is ct.TaskStatus.OPEN
    assert tasks["kh-2025-003"].budget == 1234.5


def test_task_workbook_is_formatted(filled: ct.Tracker, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    export_tasks(filled, path, filled.tasks(unit="noi-vu"))
    ws = openpyxl.load_workbook(path)["Nhiệm vụ"]
    assert [c.value for c in ws[1]] == [*TASK_COLUMNS, *PROGRESS_COLUMNS]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 2
    due = ws.cell(2, TASK_COLUMNS.index("Thời gian hoàn thành") + 1)
    assert due.value == dt.datetime(2025, 12, 31) and due.number_format == "DD/MM/YYYY"
    assert ws.column_dimensions["C"].width >= len("Nội dung nhiệm vụ")
    # The same name for two people: the id is written, so the import finds the right one.
    rows = exports.task_rows(filled)
    assignees = [r[TASK_COLUMNS.index("Người thực hiện")] for r in rows]
    assert assignees == ["Nguyễn Văn An", "p3", ""]


def test_csv_has_a_bom_so_excel_reads_vietnamese(filled: ct.Tracker, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    export_tasks(filled, path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfSTT,M\xc3\xa3,N\xe1\xbb\x99i dung")
    assert "Phòng Văn hóa, Khoa học và Thông tin" in data.decode("utf-8-sig")


def test_unknown_formats_are_refused(filled: ct.Tracker, tmp_path: Path, demo: ct.Tracker) -> None:
    with pytest.raises(ct.ValidationError, match=r"\.xlsx or \.csv"):
        export_tasks(filled, tmp_path / "t.ods")
    with pytest.raises(ct.ValidationError, match=r"\.xlsx"):
        export_evaluation(demo.evaluate(2024), tmp_path / "e.csv")
    assert not list(tmp_path.iterdir())


def test_without_openpyxl_xlsx_says_how_to_install_it(
    filled: ct.Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ct.CchcError, match=r"cchc-tasks\[excel\]"):
        export_tasks(filled, tmp_path / "t.xlsx")
    assert export_tasks(filled, tmp_path / "t.csv") == 3
    assert not (tmp_path / "t.xlsx").exists()


def test_evaluation_workbook(demo: ct.Tracker, tmp_path: Path) -> None:
    ev = demo.evaluate(2024)
    path = tmp_path / "danh-gia-2024.xlsx"
    export_evaluation(ev, path)
    book = openpyxl.load_workbook(path)
    assert tuple(book.sheetnames) == EVALUATION_SHEETS
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2" and all(c.font.bold for c in ws[1])
    units = book["Đơn vị"]
    assert units.max_row == len(ev.units) + 1
    leaders = book["Người đứng đầu"]
    header = [c.value for c in leaders[1]]
    assert header[:2] == ["Mã người", "Người đứng đầu"]
    rows = list(leaders.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(ev.ratings)
    reasons = header.index("Lý do")
    assert all(r[reasons] for r in rows)  # every rating comes with its reasons
    ratings = {r[header.index("Xếp loại")] for r in rows}
    assert ratings <= {f"{x.code} — {x.label_vi}" for x in ct.Rating} | {"Không xếp loại"}
    assert isinstance(rows[0][header.index("Từ ngày")], dt.datetime)
    assert isinstance(rows[0][header.index("Số tháng giữ chức vụ")], int | float)
    targets = list(book["Mục tiêu"].iter_rows(min_row=2, values_only=True))
    assert {t[0] for t in targets} == set(ev.targets)
    recommendations = book["Kiến nghị"]
    assert recommendations.max_row == len(ev.recommendations) + 1
    kinds = {row[0] for row in recommendations.iter_rows(min_row=2, values_only=True)}
    assert kinds == {
        "Đề nghị khen thưởng",
        "Xem xét trách nhiệm",
        "Kiểm tra, đôn đốc",
        "Vượt tỷ lệ xếp loại HTXSNV",
    }
    info = dict(book["Thông tin"].iter_rows(min_row=2, values_only=True))
    assert info["Năm đánh giá"] == 2024
    # The annual report finds the exporter under the name it looks for.
    assert exports.write_evaluation_xlsx is not None


# --- the whole store as JSON -----------------------------------------------------------------


def test_store_json_round_trip(tmp_path: Path) -> None:
    demo = ct.Tracker.memory(load_entrypoints=False)
    tan_hong(demo)
    someone = demo.persons()[0].id
    demo.record_assessment(someone, 2026, 20.0, by="noi-vu", note="Tự đánh giá")
    demo.discipline(someone, dt.date(2025, 3, 1), "Chậm báo cáo", form="khiển trách")
    path = tmp_path / "store.json"
    count = export_store_json(demo, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "cchc_tasks-store" and data["seq"] == demo.seq
    assert count == sum(len(docs) for docs in demo.to_documents().values())
    copy_ = ct.Tracker.memory(load_entrypoints=False)
    assert import_store_json(copy_, path, actor="admin") == count
    assert copy_.to_documents() == demo.to_documents()
    assert copy_.seq == 1
    (entry,) = copy_.entries()
    assert entry.actor == "admin" and entry.note == "Nhập dữ liệu từ store.json"
    assert copy_.evaluate(2024).ratings == demo.evaluate(2024).ratings
    # Importing it again: every id exists already, and nothing changes.
    before = copy.deepcopy(copy_.to_documents())
    with pytest.raises(StoreImportError, match="units 'tinh-dong-thap'"):
        import_store_json(copy_, path)
    assert copy_.to_documents() == before and copy_.seq == 1


def test_store_json_on_disk_and_bare_documents(demo: ct.Tracker, tmp_path: Path) -> None:
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(demo.to_documents(), ensure_ascii=False), encoding="utf-8")
    with ct.Tracker.open(tmp_path / "store", load_entrypoints=False) as tr:
        import_store_json(tr, bare)
    with ct.Tracker.open(tmp_path / "store", load_entrypoints=False) as tr:
        assert tr.to_documents() == demo.to_documents()
        assert tr.verify().ok


def test_objects_in_any_order_are_added_parents_first(demo: ct.Tracker, tmp_path: Path) -> None:
    documents = {t: list(d) for t, d in demo.to_documents().items()}
    documents["units"].reverse()
    documents["plans"].reverse()
    path = tmp_path / "reversed.json"
    path.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    tr = ct.Tracker.memory(load_entrypoints=False)
    import_store_json(tr, path)
    assert sorted(u.id for u in tr.units()) == sorted(u.id for u in demo.units())
    assert tr.tasks() == demo.tasks()


def test_every_bad_object_is_listed_and_nothing_is_imported(
    demo: ct.Tracker, tmp_path: Path
) -> None:
    documents = copy.deepcopy({t: list(d) for t, d in demo.to_documents().items()})
    documents["tasks"][0]["due"] = "30/06/2025"
    documents["tasks"][3]["status"] = "finished"
    documents["units"][1]["colour"] = "red"
    documents["headships"][0]["id"] = "someone@else"
    documents["surveys"] = []
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    tr = ct.Tracker.memory(load_entrypoints=False)
    with pytest.raises(StoreImportError) as info:
        import_store_json(tr, path)
    assert isinstance(info.value, ct.ValidationError)
    assert len(info.value.problems) == 5
    message = str(info.value)
    assert message.startswith("bad.json: 5 bad objects, nothing was imported:")
    assert f"tasks[0] {documents['tasks'][0]['id']!r}: Task.due: expected an ISO date" in message
    assert "Task.status: expected one of 'open', 'done', 'cancelled', got 'finished'" in message
    assert "Unit.colour: expected a known field" in message
    assert "Headship.id" in message and "surveys: expected one of the tables" in message
    assert tr.seq == 0 and not any(tr.to_documents().values())


def test_references_to_nothing_fail_in_the_batch(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    unit = {"id": "a", "name": "A", "kind": "agency", "parent": "nowhere"}
    path.write_text(json.dumps({"units": [{"id": "b", "name": "B", "kind": "x"}, unit]}))
    tr = ct.Tracker.memory(load_entrypoints=False)
    with pytest.raises(StoreImportError, match="units 'a': Unit.parent: expected the id of an"):
        import_store_json(tr, path)
    assert tr.seq == 0 and tr.units() == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "expected JSON text"),
        (b"[]", "a JSON object"),
        (b'{"format": "other", "tables": {}}', "format: expected 'cchc_tasks-store'"),
        (b'{"format": "cchc_tasks-store", "version": 9, "tables": {}}', "upgrade"),
        (b'{"format": "cchc_tasks-store", "version": 1, "tables": []}', "a JSON object of"),
        (b'{"units": {}}', "units: expected a list"),
    ],
)
def test_files_that_are_not_a_store(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(StoreImportError, match=message):
        import_store_json(ct.Tracker.memory(load_entrypoints=False), path)
    with pytest.raises(ct.ValidationError, match="readable"):
        import_store_json(ct.Tracker.memory(load_entrypoints=False), tmp_path / "missing.json")


# --- the commands -----------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        tan_hong(tr)
    return folder


def test_cchc_export_and_import(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with ct.Tracker.open(store, load_entrypoints=False) as tr:
        n_tasks = len(tr.tasks())
        n_objects = sum(len(docs) for docs in tr.to_documents().values())
    args = ["export", str(store), "--tasks", str(out / "t.xlsx"), "--json", str(out / "s.json")]
    assert main([*args, "--evaluation", "2024", str(out / "e.xlsx")]) == 0
    printed = capsys.readouterr().out
    assert f"Đã ghi {n_tasks} nhiệm vụ vào" in printed and "kết quả đánh giá năm 2024" in printed
    assert main(["export", str(store), "--tasks", str(out / "p.csv"), "--plan", PLAN_ID]) == 0
    assert (out / "p.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    # The whole store into a new folder.
    assert main(["import", str(tmp_path / "copy"), str(out / "s.json")]) == 0
    assert f"Đã nhập {n_objects} đối tượng" in capsys.readouterr().out
    with (
        ct.Tracker.open(tmp_path / "copy", load_entrypoints=False) as a,
        ct.Tracker.open(store, load_entrypoints=False) as b,
    ):
        assert a.to_documents() == b.to_documents()


def test_cchc_import_an_annex(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    annex = tmp_path / "phu-luc.csv"
    rows = [
        "STT,Nội dung nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Thời gian hoàn thành",
        "1,Rà soát TTHC,Phòng Tư pháp,Phòng Nội vụ,Quý II/2026",
        "2,Kiểm tra công vụ,phong noi vu,,Năm 2026",
    ]
    annex.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code = main(
        ["import", str(store), str(annex), "--plan", PLAN_ID, "--actor", "noi-vu", "--lang", "en"]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert f"Imported 2 tasks from {annex} into plan {PLAN_ID}" in captured.out
    assert "Importing 2/2 rows" in captured.err
    with ct.Tracker.open(store, load_entrypoints=False) as tr:
        assert tr.task(f"{PLAN_ID}-002").unit == "noi-vu"
        assert list(tr.entries())[-1].actor == "noi-vu"
    assert main(["import", str(store), str(annex)]) == 1
    assert "--plan" in capsys.readouterr().err
    assert main(["export", str(store)]) == 1
    assert main(["export", str(store), "--evaluation", "năm", "x.xlsx"]) == 1


def test_the_cchc_command_refuses_a_bad_annex(store: Path, tmp_path: Path) -> None:
    """Through the installed entry point: exit 1, every bad row on stderr, no change."""
    cchc = Path(sys.executable).with_name("cchc")
    if not cchc.exists():  # pragma: no cover - the package is installed in the test env
        pytest.skip("the cchc command is not installed")
    annex = tmp_path / "phu-luc.csv"
    annex.write_text(
        "STT,Nội dung nhiệm vụ,Cơ quan chủ trì,Thời gian hoàn thành\n"
        "1,Rà soát,Phòng Tư pháp huyện,Quý V/2026\n"
        "2,Kiểm tra,Phòng Nội vụ,Năm 2026\n",
        encoding="utf-8",
    )
    with ct.Tracker.open(store, load_entrypoints=False) as tr:
        seq = tr.seq
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [str(cchc), "import", str(store), str(annex), "--plan", PLAN_ID],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "phu-luc.csv: 1 dòng có lỗi, không nhập dòng nào:" in done.stderr
    assert "dòng 2, cột 'Cơ quan chủ trì'" in done.stderr
    assert "có phải là 'Phòng Tư pháp [tu-phap]'" in done.stderr
    assert "dòng 2, cột 'Thời gian hoàn thành'" in done.stderr
    with ct.Tracker.open(store, load_entrypoints=False) as tr:
        assert tr.seq == seq


def test_discipline_numbers_must_follow_on(tmp_path: Path) -> None:
    """The tracker numbers disciplines per person; a file whose numbers skip is refused,
    since the copy could not keep them."""
    documents = {
        "units": [{"id": "u", "name": "Phòng Nội vụ", "kind": "agency"}],
        "persons": [{"id": "p", "name": "Nguyễn Văn An", "unit": "u"}],
        "disciplines": [
            {"id": "p#1", "person": "p", "on": "2025-03-01", "reason": "Chậm báo cáo"},
            {"id": "p#3", "person": "p", "on": "2025-04-01", "reason": "Vắng họp"},
        ],
    }
    path = tmp_path / "d.json"
    path.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    tr = ct.Tracker.memory(load_entrypoints=False)
    with pytest.raises(StoreImportError, match=r"disciplines 'p#3'.*the next number for p \(p#2\)"):
        import_store_json(tr, path)
    assert tr.seq == 0
    documents["disciplines"][1]["id"] = "p#2"
    path.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    import_store_json(tr, path)
    assert [d.id for d in tr.disciplines()] == ["p#1", "p#2"]
