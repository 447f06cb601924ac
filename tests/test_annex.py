"""Importing a task annex ("Phụ lục nhiệm vụ") from Excel and CSV.

The annexes district offices type by hand have title rows above the header, merged
lead-unit cells, section rows, NFD text and stray spaces; the importer must read them as
the official meant, and refuse a bad file whole, naming every bad row and column.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.annex import AnnexImportError, import_annex, parse_due, read_annex, task_id

from .helpers import plan_of_2025

openpyxl = pytest.importorskip("openpyxl")

UNITS = [
    ("huyen", "UBND huyện Tân Hồng", "district", None),
    ("noi-vu", "Phòng Nội vụ", "agency", "huyen"),
    ("tu-phap", "Phòng Tư pháp", "agency", "huyen"),
    ("tc-kh", "Phòng Tài chính - Kế hoạch", "agency", "huyen"),
    ("van-phong", "Văn phòng HĐND và UBND huyện", "agency", "huyen"),
    ("vh-tt", "Phòng Văn hóa, Khoa học và Thông tin", "agency", "huyen"),
    ("binh-phu", "UBND xã Bình Phú", "commune", "huyen"),
]
PEOPLE = [
    ("p1", "Nguyễn Văn An", "noi-vu"),
    ("p2", "Trần Thị Bình", "van-phong"),
    ("p3", "Lê Văn Cường", "tu-phap"),
    ("p4", "Lê Văn Cường", "binh-phu"),
]
PLAN = "kh-2025"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def make_tracker() -> ct.Tracker:
    tr = ct.Tracker.memory(load_entrypoints=False)
    with tr.batch(actor="van-phong", note="setup"):
        for uid, name, kind, parent in UNITS:
            tr.add_unit(ct.Unit(id=uid, name=name, kind=kind, parent=parent))
        for pid, name, unit in PEOPLE:
            tr.add_person(ct.Person(id=pid, name=name, unit=unit))
        tr.add_plan(plan_of_2025(PLAN))
        tr.add_plan(
            ct.Plan(
                id="kh-2021-2030",
                title="Kế hoạch CCHC giai đoạn 2021-2030",
                unit="huyen",
                start=dt.date(2021, 1, 1),
                end=dt.date(2030, 12, 31),
            )
        )
    return tr


@pytest.fixture
def tr() -> ct.Tracker:
    return make_tracker()


def write_csv(
    path: Path, rows: list[list[str]], *, encoding: str = "utf-8", sep: str = ","
) -> Path:
    def quote(cell: str) -> str:
        if any(c in cell for c in (sep, '"', "\n")):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    text = "\n".join(sep.join(quote(c) for c in r) for r in rows) + "\n"
    path.write_bytes(cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def cp1258(text: str) -> bytes:
    """``text`` as Excel's plain "CSV" writes it on Vietnamese Windows: base letters with
    their circumflex, breve or horn, followed by a combining tone mark."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in parts if c in tones)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append((base + tone).encode("cp1258"))
    return b"".join(out)


HEADER = [
    "STT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian hoàn thành",
    "Sản phẩm",
    "Lĩnh vực",
    "Người thực hiện",
]


def realistic_annex(path: Path) -> Path:
    """An annex as a district office types it: two merged title rows, NFD and badly
    spaced headings, a column-number row, section rows in two styles, a lead unit merged
    over three rows, partners on several lines, and every accepted form of deadline."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws.append(["PHỤ LỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2025"])
    ws.merge_cells("A1:H1")
    ws.append(["(Kèm theo Kế hoạch số 45/KH-UBND ngày 10/01/2025 của UBND huyện Tân Hồng)"])
    ws.merge_cells("A2:H2")
    ws.append([])
    ws.append(
        [
            nfd("STT"),
            nfd(" Nội dung  nhiệm vụ "),
            nfd("Cơ quan\nchủ trì"),
            "cơ quan phối hợp",
            "THỜI GIAN HOÀN THÀNH",
            "Sản phẩm",
            nfd("Người thực hiện"),
            "Ghi chú",
        ]
    )
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"])
    ws.append(["I. CẢI CÁCH THỂ CHẾ"])  # row 6, a heading merged over the table
    ws.merge_cells("A6:H6")
    ws.append(
        [
            1,
            nfd("Rà soát văn bản quy phạm pháp luật"),
            "Phòng Tư pháp",
            nfd("Phòng Nội vụ;\nVăn phòng HĐND và UBND huyện"),
            dt.datetime(2025, 6, 30),
            "Báo cáo rà soát",
            nfd("Nguyễn Văn An"),
            None,
        ]
    )
    ws.append([2, "Theo dõi thi hành pháp luật", None, "", "Quý III/2025", "Báo cáo", None, "x"])
    ws.append([3, "  Kiểm tra   văn bản  ", None, "phong noi vu", "Tháng 9/2025", None, None])
    ws.merge_cells("C7:C9")  # one lead unit for rows 7 to 9
    ws.append(["II", nfd("CẢI CÁCH THỦ TỤC HÀNH CHÍNH")])  # row 10, the other style
    ws.append(
        [
            4,
            "Công khai thủ tục hành chính",
            nfd("UBND  xã Bình Phú"),
            "Phòng Văn hóa, Khoa học và Thông tin, Phòng Nội vụ",
            " 30/09/2025 ",
            "Danh mục TTHC\n\nđã công khai",
            None,
        ]
    )
    ws.append([5.0, "Số hóa hồ sơ", "văn phòng hđnd và ubnd huyện", None, "Năm 2025", None, "p2"])
    ws.append([])
    wb.save(path)
    return path


def test_a_realistic_annex_imports_as_meant(tr: ct.Tracker, tmp_path: Path) -> None:
    tasks = read_annex(realistic_annex(tmp_path / "phu-luc.xlsx"), tr, PLAN)
    inst, proc = ct.Field.INSTITUTIONS, ct.Field.PROCEDURES
    assert tasks == [
        ct.Task(
            id="kh-2025-001",
            plan=PLAN,
            title="Rà soát văn bản quy phạm pháp luật",
            unit="tu-phap",
            due=dt.date(2025, 6, 30),
            partners=("noi-vu", "van-phong"),
            assignee="p1",
            field=inst,
            output="Báo cáo rà soát",
        ),
        ct.Task(
            id="kh-2025-002",
            plan=PLAN,
            title="Theo dõi thi hành pháp luật",
            unit="tu-phap",
            due=dt.date(2025, 9, 30),
            field=inst,
            output="Báo cáo",
        ),
        ct.Task(
            id="kh-2025-003",
            plan=PLAN,
            title="Kiểm tra văn bản",
            unit="tu-phap",
            due=dt.date(2025, 9, 30),
            partners=("noi-vu",),
            field=inst,
        ),
        ct.Task(
            id="kh-2025-004",
            plan=PLAN,
            title="Công khai thủ tục hành chính",
            unit="binh-phu",
            due=dt.date(2025, 9, 30),
            partners=("vh-tt", "noi-vu"),
            field=proc,
            output="Danh mục TTHC\nđã công khai",
        ),
        ct.Task(
            id="kh-2025-005",
            plan=PLAN,
            title="Số hóa hồ sơ",
            unit="van-phong",
            due=dt.date(2025, 12, 31),
            assignee="p2",
            field=proc,
        ),
    ]
    assert all(t.title == unicodedata.normalize("NFC", t.title) for t in tasks)
    assert tr.tasks() == []  # reading writes nothing


def test_a_task_merged_over_several_rows_is_one_task(tr: ct.Tracker, tmp_path: Path) -> None:
    """Partners and outputs listed one per row under a merged "Nội dung" cell belong to
    that one task; a deadline of its own in such a row is a problem."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER[:6])
    ws.append([1, "Rà soát thủ tục", "Phòng Tư pháp", "Phòng Nội vụ", "Quý II/2025", "Báo cáo"])
    ws.append([None, None, None, "UBND xã Bình Phú", None, "Danh mục"])
    ws.append([None, None, None, "vh-tt", None, None])
    ws.append([2, "Công khai", "Phòng Nội vụ", None, "Năm 2025", None])
    for column in "ABC":
        ws.merge_cells(f"{column}2:{column}4")
    wb.save(tmp_path / "a.xlsx")
    first, second = read_annex(tmp_path / "a.xlsx", tr, PLAN)
    assert first.partners == ("noi-vu", "binh-phu", "vh-tt")
    assert first.output == "Báo cáo\nDanh mục"
    assert (second.id, second.unit) == ("kh-2025-002", "noi-vu")
    ws["E3"] = "Quý III/2025"
    wb.save(tmp_path / "a.xlsx")
    with pytest.raises(AnnexImportError) as info:
        read_annex(tmp_path / "a.xlsx", tr, PLAN)
    ((problem),) = info.value.problems
    assert (problem.row, problem.column, problem.value) == (
        3,
        "Thời gian hoàn thành",
        "Quý III/2025",
    )
    assert "continues that task" in str(problem.expected)


def test_import_writes_one_batch_with_progress(tr: ct.Tracker, tmp_path: Path) -> None:
    path = realistic_annex(tmp_path / "phu-luc.xlsx")
    seen: list[tuple[int, int]] = []
    seq = tr.seq
    tasks = import_annex(
        tr, path, PLAN, actor="noi-vu", progress=lambda done, total: seen.append((done, total))
    )
    assert [t.id for t in tr.tasks(plan=PLAN)] == [
        t.id for t in sorted(tasks, key=lambda t: (t.due, t.id))
    ]
    assert tr.seq == seq + 1
    entry = list(tr.entries())[-1]
    assert entry.actor == "noi-vu"
    assert entry.note == "Nhập phụ lục nhiệm vụ phu-luc.xlsx"
    assert len(entry.changes) == 5
    assert seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    # The same annex again: every task exists already, nothing is written.
    with pytest.raises(AnnexImportError, match="task kh-2025-001 exists"):
        import_annex(tr, path, PLAN)
    assert tr.seq == seq + 1


def test_sheets_a_named_sheet_and_a_sheet_without_table(tr: ct.Tracker, tmp_path: Path) -> None:
    path = realistic_annex(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    cover = wb.create_sheet("Bìa", 0)
    cover.append(["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2025"])
    wb.save(path)
    assert len(read_annex(path, tr, PLAN)) == 5  # the first sheet with a header
    assert len(read_annex(path, tr, PLAN, sheet="Phụ lục")) == 5
    with pytest.raises(ct.ValidationError, match="sheet"):
        read_annex(path, tr, PLAN, sheet="Sheet9")
    with pytest.raises(AnnexImportError, match="header"):
        read_annex(path, tr, PLAN, sheet="Bìa")


def test_numbering_that_restarts_in_each_section_gets_the_section(
    tr: ct.Tracker, tmp_path: Path
) -> None:
    rows = [
        HEADER[:5],
        ["I", "Cải cách thể chế", "", "", ""],
        ["1", "Việc A", "Phòng Tư pháp", "", "Quý I/2025"],
        ["2", "Việc B", "Phòng Tư pháp", "", "Quý II/2025"],
        ["II", "Xây dựng và phát triển chính quyền điện tử, chính quyền số", "", "", ""],
        ["1", "Việc C", "Phòng Nội vụ", "", "Quý I/2025"],
        ["1.1", "Việc C1", "Phòng Nội vụ", "", "Quý I/2025"],
    ]
    tasks = read_annex(write_csv(tmp_path / "a.csv", rows), tr, PLAN)
    assert [(t.id, t.field) for t in tasks] == [
        ("kh-2025-i-001", "institutions"),
        ("kh-2025-i-002", "institutions"),
        ("kh-2025-ii-001", "digital-government"),
        ("kh-2025-ii-001.1", "digital-government"),
    ]
    assert task_id("kh-2025", "17") == "kh-2025-017"
    assert task_id("kh-2025", "1.2") == "kh-2025-001.2"


def test_ma_field_assignee_weight_and_budget_columns(tr: ct.Tracker, tmp_path: Path) -> None:
    a = ["cc-01", "", "Việc A", "tc-kh", "", "Tháng 3", "", "cải cách tài chính công", "p1"]
    b = ["", "7", "Việc B", "Phòng TC-KH", "", "ngày 15/3/2025", "", "digital-government"]
    rows = [
        ["Mã", *HEADER, "Trọng số", "Kinh phí"],
        [*a, "", ""],
        [*b, "Trần Thị Bình", "1,5", "50.000.000 đồng"],
    ]
    tasks = read_annex(
        write_csv(tmp_path / "a.csv", rows), tr, PLAN, aliases={"Phòng TC-KH": "tc-kh"}
    )
    assert tasks[0] == ct.Task(
        id="cc-01",
        plan=PLAN,
        title="Việc A",
        unit="tc-kh",
        due=dt.date(2025, 3, 31),
        field=ct.Field.PUBLIC_FINANCE,
        assignee="p1",
    )
    assert tasks[1] == ct.Task(
        id="kh-2025-007",
        plan=PLAN,
        title="Việc B",
        unit="tc-kh",
        due=dt.date(2025, 3, 15),
        field=ct.Field.DIGITAL_GOVERNMENT,
        assignee="p2",
        weight=1.5,
        budget=50_000_000.0,
    )


def test_aliases_may_name_several_units_or_none(tr: ct.Tracker, tmp_path: Path) -> None:
    rows = [
        HEADER[:5],
        ["1", "Việc A", "Phòng Nội vụ", "Các xã, thị trấn; Các cơ quan, đơn vị liên quan", "2025"],
    ]
    aliases = {"Các xã, thị trấn": ["binh-phu"], "các cơ quan, đơn vị liên quan": []}
    (task,) = read_annex(write_csv(tmp_path / "a.csv", rows), tr, PLAN, aliases=aliases)
    assert task.partners == ("binh-phu",)
    with pytest.raises(ct.ValidationError, match="aliases"):
        read_annex(tmp_path / "a.csv", tr, PLAN, aliases={"x": "no-such-unit"})


@pytest.mark.parametrize(
    ("cell", "due"),
    [
        ("30/06/2025", dt.date(2025, 6, 30)),
        ("30-6-2025", dt.date(2025, 6, 30)),
        ("30.06.2025", dt.date(2025, 6, 30)),
        ("2025-06-30", dt.date(2025, 6, 30)),
        ("ngày 30/6/2025", dt.date(2025, 6, 30)),
        ("Chậm nhất ngày 30/6/2025", dt.date(2025, 6, 30)),
        (dt.datetime(2025, 6, 30, 0, 0), dt.date(2025, 6, 30)),
        (dt.date(2025, 6, 30), dt.date(2025, 6, 30)),
        ("Quý I/2025", dt.date(2025, 3, 31)),
        ("Quý II/2025", dt.date(2025, 6, 30)),
        (nfd("quý III năm 2025"), dt.date(2025, 9, 30)),
        ("Quý 4 - 2025", dt.date(2025, 12, 31)),
        ("QUÝ IV/2024", dt.date(2024, 12, 31)),
        ("Tháng 6/2025", dt.date(2025, 6, 30)),
        ("tháng 02 năm 2024", dt.date(2024, 2, 29)),
        ("02/2025", dt.date(2025, 2, 28)),
        ("6 tháng đầu năm 2025", dt.date(2025, 6, 30)),
        ("6 tháng cuối năm 2025", dt.date(2025, 12, 31)),
        ("Năm 2025", dt.date(2025, 12, 31)),
        ("2025", dt.date(2025, 12, 31)),
        (2025, dt.date(2025, 12, 31)),
        (2025.0, dt.date(2025, 12, 31)),
    ],
)
def test_accepted_forms_of_a_deadline(cell: Any, due: dt.date) -> None:
    assert parse_due(cell) == due


def test_a_deadline_without_year_takes_a_single_year_plans(tr: ct.Tracker) -> None:
    one_year, ten_years = tr.plan(PLAN), tr.plan("kh-2021-2030")
    assert parse_due("Quý II", one_year) == dt.date(2025, 6, 30)
    assert parse_due("Tháng 2", one_year) == dt.date(2025, 2, 28)
    assert parse_due("15/3", one_year) == dt.date(2025, 3, 15)
    with pytest.raises(ValueError, match="with its year .the plan spans 2021–2030"):
        parse_due("Quý II", ten_years)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Trước ngày 30/6/2025", "the due day itself"),
        ("Thường xuyên", "recurring"),
        ("Hằng năm", "recurring"),
        ("Quý V/2025", "Quý II/2025"),
        ("31/02/2025", "a real date"),
        ("Tháng 13/2025", "a real date"),
        ("hôm qua", "dd/mm/yyyy"),
        ("", "dd/mm/yyyy"),
        (None, "dd/mm/yyyy"),
        (45000, "dd/mm/yyyy"),
        (True, "dd/mm/yyyy"),
    ],
)
def test_refused_deadlines_say_what_was_expected(cell: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_due(cell)


def test_every_bad_row_is_named_and_nothing_is_imported(tr: ct.Tracker, tmp_path: Path) -> None:
    rows = [
        ["PHỤ LỤC"],
        HEADER,
        ["1", "Việc tốt", "Phòng Nội vụ", "", "Quý I/2025", "x", "", ""],
        ["2", "", "Phòng Tư pháp huyện", "Sở Ngoại vụ", "Quý V/2025", "x", "", ""],
        ["3", "Việc C", "UBND xã Bình Phước", "Phòng Nội vụ", "01/01/2026", "x", "Thể thao", ""],
        ["abc", "Việc D", "Phòng Nội vụ", "Phòng Nội vụ", "2025", "x", "", "Lê Văn Cường"],
        ["1", "Việc E", "Phòng Nội vụ", "", "2025", "x", "", "Người Lạ"],
    ]
    documents, seq = copy.deepcopy(tr.to_documents()), tr.seq
    with pytest.raises(AnnexImportError) as info:
        import_annex(tr, write_csv(tmp_path / "phu-luc.csv", rows), PLAN)
    error = info.value
    assert isinstance(error, ct.ValidationError)
    assert tr.to_documents() == documents and tr.seq == seq
    assert error.rows == (4, 5, 6, 7)
    assert [(p.row, p.column) for p in error.problems] == [
        (4, "Nội dung nhiệm vụ"),
        (4, "Cơ quan chủ trì"),
        (4, "Cơ quan phối hợp"),
        (4, "Thời gian hoàn thành"),
        (5, "Cơ quan chủ trì"),
        (5, "Thời gian hoàn thành"),
        (5, "Lĩnh vực"),
        (6, "STT"),
        (6, "Cơ quan phối hợp"),
        (6, "Người thực hiện"),
        (7, "STT"),
        (7, "Người thực hiện"),
    ]
    message = str(error)
    assert message.startswith("phu-luc.csv: 4 bad rows, nothing was imported:")
    assert (
        "row 4, column 'Cơ quan chủ trì': expected the name or id of a unit of the store, "
        "got 'Phòng Tư pháp huyện' (did you mean 'Phòng Tư pháp [tu-phap]'?)"
    ) in message
    assert "got 'UBND xã Bình Phước' (did you mean 'UBND xã Bình Phú [binh-phu]'?)" in message
    assert "row 5, column 'Thời gian hoàn thành': expected a date within plan kh-2025" in message
    assert "Lê Văn Cường [p3], Lê Văn Cường [p4]" in message
    assert "units other than the lead unit (noi-vu)" in message
    assert "row 7, column 'STT': expected a task number not used by another row (row 3" in message
    assert "a task number such as 17 or 1.2, got 'abc'" in message
    fields = {p.column: p for p in error.problems if p.row == 5}
    assert fields["Lĩnh vực"].value == "Thể thao"


def test_headers_that_cannot_be_read(tr: ct.Tracker, tmp_path: Path) -> None:
    with pytest.raises(AnnexImportError) as info:
        read_annex(
            write_csv(tmp_path / "a.csv", [["STT", "Nội dung", "Sản phẩm"], ["1", "x", "y"]]),
            tr,
            PLAN,
        )
    message = str(info.value)
    assert "missing the column Cơ quan chủ trì (or: Đơn vị chủ trì" in message
    assert "; Thời gian hoàn thành (or: Thời hạn hoàn thành" in message
    assert "got 'STT | Nội dung | Sản phẩm'" in message
    with pytest.raises(AnnexImportError, match="STT .or Mã"):
        read_annex(
            write_csv(tmp_path / "b.csv", [HEADER[1:5], ["x", "noi-vu", "", "2025"]]), tr, PLAN
        )
    with pytest.raises(AnnexImportError, match="used once"):
        read_annex(write_csv(tmp_path / "c.csv", [[*HEADER[:5], "Thời hạn"]]), tr, PLAN)
    with pytest.raises(AnnexImportError, match="at least one task row"):
        read_annex(write_csv(tmp_path / "d.csv", [HEADER]), tr, PLAN)
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(AnnexImportError, match="header"):
        read_annex(tmp_path / "e.csv", tr, PLAN)


def test_files_that_cannot_be_read(tr: ct.Tracker, tmp_path: Path) -> None:
    with pytest.raises(ct.ValidationError, match=r"\.xlsx or \.csv"):
        read_annex(tmp_path / "phu-luc.xls", tr, PLAN)
    with pytest.raises(ct.ValidationError, match="readable"):
        read_annex(tmp_path / "missing.csv", tr, PLAN)
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ct.ValidationError, match="Excel workbook"):
        read_annex(tmp_path / "broken.xlsx", tr, PLAN)
    with pytest.raises(ct.NotFoundError, match="plan"):
        read_annex(write_csv(tmp_path / "a.csv", [HEADER]), tr, "no-such-plan")


def test_csv_in_windows_1258_with_semicolons_or_a_bom(tr: ct.Tracker, tmp_path: Path) -> None:
    rows = [HEADER[:5], ["1", "Rà soát thủ tục", "Phòng Tư pháp", "Phòng Nội vụ", "Quý II/2025"]]
    expected = read_annex(write_csv(tmp_path / "utf8.csv", rows), tr, PLAN)
    assert expected[0].partners == ("noi-vu",)
    # A title row, with a comma, above a header separated by semicolons.
    ansi = write_csv(
        tmp_path / "ansi.csv", [["PHỤ LỤC, NĂM 2025"], *rows], encoding="cp1258", sep=";"
    )
    assert read_annex(ansi, tr, PLAN) == expected
    assert read_annex(ansi, tr, PLAN, encoding="cp1258", delimiter=";") == expected
    bom = write_csv(tmp_path / "bom.csv", rows, encoding="utf-8-sig", sep="\t")
    assert read_annex(bom, tr, PLAN) == expected


def test_a_name_two_units_share_is_resolved_by_the_due_date(tmp_path: Path) -> None:
    tr = make_tracker()
    tr.add_unit(
        ct.Unit(id="xa-cu", name="UBND xã Tân Hồng", kind="commune", valid_to=dt.date(2025, 6, 30))
    )
    tr.add_unit(
        ct.Unit(
            id="xa-moi", name="UBND xã Tân Hồng", kind="commune", valid_from=dt.date(2025, 7, 1)
        )
    )
    rows = [
        HEADER[:5],
        ["1", "A", "xã Tân Hồng", "", "Quý I/2025"],
        ["2", "B", "Xã Tân Hồng", "", "Quý IV/2025"],
    ]
    tasks = read_annex(write_csv(tmp_path / "a.csv", rows), tr, PLAN)
    assert [t.unit for t in tasks] == ["xa-cu", "xa-moi"]
    rows = [HEADER[:5], ["1", "A", "UBND xã Tân Hồng (xa-moi)", "", "Quý I/2025"]]
    assert read_annex(write_csv(tmp_path / "b.csv", rows), tr, PLAN)[0].unit == "xa-moi"


def test_without_openpyxl_the_error_says_how_to_install_it(
    tr: ct.Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = realistic_annex(tmp_path / "a.xlsx")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ct.CchcError, match=r"pip install 'cchc-tasks\[excel\]'"):
        read_annex(path, tr, PLAN)
    # CSV needs no openpyxl.
    rows = [HEADER[:5], ["1", "A", "noi-vu", "", "2025"]]
    assert read_annex(write_csv(tmp_path / "a.csv", rows), tr, PLAN)


# --- random bad cells ------------------------------------------------------------------------

_LEADS = [
    "Phòng Nội vụ",
    "phong tu phap",
    nfd("UBND xã Bình Phú"),
    "tc-kh",
    "Văn phòng HĐND và UBND huyện",
]
_BAD: dict[int, list[str]] = {
    0: ["abc", "1a", "I", ""],  # STT
    1: ["", "   "],  # Nội dung nhiệm vụ
    2: ["Phòng Không Tồn Tại", "", "UBND", "Sở Ngoại vụ"],  # Cơ quan chủ trì
    3: ["Phòng Ma", "Phòng Tư pháp; Sở Ngoại vụ", ";Phòng X"],  # Cơ quan phối hợp
    4: ["31/02/2025", "Quý V/2025", "hôm qua", "", "Thường xuyên", "01/01/2024", "Năm 2026"],
    6: ["Lĩnh vực lạ", "xyz"],  # Lĩnh vực
    7: ["Người Lạ", "Lê Văn Cường"],  # Người thực hiện (ambiguous)
}


@st.composite
def annex_with_bad_cells(draw: st.DrawFn) -> tuple[list[list[str]], set[tuple[int, str]]]:
    n = draw(st.integers(1, 10))
    rows = [["PHỤ LỤC NHIỆM VỤ"], list(HEADER)]
    for i in range(n):
        day = draw(st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
        due = draw(
            st.sampled_from([f"{day:%d/%m/%Y}", f"Quý {1 + (day.month - 1) // 3}/2025", "Năm 2025"])
        )
        rows.append(
            [
                str(i + 1),
                draw(st.sampled_from(["Rà soát", nfd("Kiểm tra  công vụ"), " Báo cáo "])) + f" {i}",
                draw(st.sampled_from(_LEADS)),
                draw(st.sampled_from(["", "Phòng Văn hóa – Khoa học và Thông tin", "vh-tt"])),
                due,
                "Báo cáo",  # never blank: a row of blanks and a numeral would be a section
                draw(st.sampled_from(["", "Cải cách thể chế", "procedures"])),
                draw(st.sampled_from(["", "p1", nfd("Trần Thị Bình")])),
            ]
        )
    bad = draw(
        st.sets(
            st.tuples(st.integers(0, n - 1), st.sampled_from(sorted(_BAD))), min_size=1, max_size=6
        )
    )
    for row, column in bad:
        rows[row + 2][column] = draw(st.sampled_from(_BAD[column]))
    return rows, {(row + 3, HEADER[column]) for row, column in bad}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[ct.Tracker, Path]:
    return make_tracker(), tmp_path_factory.mktemp("annex")


def _check_refused(tr: ct.Tracker, path: Path, cells: set[tuple[int, str]]) -> None:
    documents, seq = copy.deepcopy(tr.to_documents()), tr.seq
    with pytest.raises(AnnexImportError) as info:
        import_annex(tr, path, PLAN)
    assert tr.to_documents() == documents
    assert tr.seq == seq
    found = {(p.row, p.column) for p in info.value.problems}
    assert found == cells
    for row, column in cells:
        assert f"row {row}, column {column!r}" in str(info.value)


@given(annex_with_bad_cells())
def test_random_bad_cells_never_import_and_name_row_and_column(
    shared: tuple[ct.Tracker, Path], case: tuple[list[list[str]], set[tuple[int, str]]]
) -> None:
    tr, folder = shared
    rows, cells = case
    _check_refused(tr, write_csv(folder / "annex.csv", rows), cells)


@settings(max_examples=15)
@given(annex_with_bad_cells())
def test_random_bad_cells_in_a_workbook(
    shared: tuple[ct.Tracker, Path], case: tuple[list[list[str]], set[tuple[int, str]]]
) -> None:
    tr, folder = shared
    rows, cells = case
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(folder / "annex.xlsx")
    _check_refused(tr, folder / "annex.xlsx", cells)


@given(st.integers(1, 30), st.sampled_from(["csv", "xlsx"]))
@settings(max_examples=10)
def test_good_annexes_import_every_row(shared: tuple[ct.Tracker, Path], n: int, ext: str) -> None:
    _, folder = shared
    tr = make_tracker()
    rows = [list(HEADER)] + [
        [
            str(i),
            f"Việc {i}",
            _LEADS[i % len(_LEADS)],
            "",
            f"{1 + i % 28}/{1 + i % 12}/2025",
            "",
            "",
            "",
        ]
        for i in range(1, n + 1)
    ]
    path = folder / f"good.{ext}"
    if ext == "csv":
        write_csv(path, rows)
    else:
        wb = openpyxl.Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(path)
    assert len(import_annex(tr, path, PLAN)) == n
    assert len(tr.tasks(plan=PLAN)) == n


# --- the how-to page ---------------------------------------------------------------------------

HOW_TO = Path(__file__).resolve().parent.parent / "docs" / "how-to" / "import-an-excel-annex.md"
_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def test_the_how_to_examples_run_and_print_what_the_page_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like tests/test_docs.py for the executed pages: every ```python block runs, in
    order, in one namespace (in a scratch folder, since they write files), and an
    ```output block right after one must be what it printed."""
    monkeypatch.chdir(tmp_path)
    text = HOW_TO.read_text(encoding="utf-8")
    blocks = list(_FENCE.finditer(text))
    namespace: dict[str, Any] = {"__name__": "docs_import_an_excel_annex"}
    ran = 0
    for i, block in enumerate(blocks):
        if block["info"].strip() != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block["body"], f"{HOW_TO.name}:{block.start()}", "exec"), namespace)
        ran += 1
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        if after is not None and after["info"].strip() == "output":
            shown = [line.rstrip() for line in after["body"].strip("\n").splitlines()]
            assert [line.rstrip() for line in printed.getvalue().strip("\n").splitlines()] == shown
    assert ran >= 4
    assert text == unicodedata.normalize("NFC", text)
