"""The office's sheets back in: progress on the exported task sheet, units, people.

Each import is all or nothing: a refused sheet names every bad row and column, in
Vietnamese by default, and leaves every byte of the store as it was.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.annex import read_annex
from cchc_tasks.cli._progress import PLAIN_LINES, counter
from cchc_tasks.exports import PROGRESS_COLUMNS, export_tasks
from cchc_tasks.sheet_imports import (
    SheetImportError,
    import_people,
    import_progress,
    import_units,
)
from cchc_tasks.sheets import parse_columns, task_version
from cchc_tasks.tables import TASK_COLUMNS

from .helpers import plan_of_2025, run_cli, store_files, unchanged

openpyxl = pytest.importorskip("openpyxl")

PLAN = "kh-2025"
TODAY = dt.date(2025, 11, 20)
HEADINGS = [*TASK_COLUMNS, *PROGRESS_COLUMNS]


def column(heading: str) -> int:
    """The 1-based column of ``heading`` in the exported task sheet."""
    return HEADINGS.index(heading) + 1


def seed(tr: ct.Tracker) -> None:
    with tr.batch(actor="noi-vu", note="setup"):
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district"))
        tr.add_unit(ct.Unit(id="noi-vu", name="Phòng Nội vụ", kind="agency", parent="huyen"))
        tr.add_unit(ct.Unit(id="tu-phap", name="Phòng Tư pháp", kind="agency", parent="huyen"))
        tr.add_person(ct.Person(id="p-an", name="Nguyễn Văn An", unit="noi-vu"))
        tr.add_plan(plan_of_2025(PLAN))
        for n in range(1, 6):
            tr.add_task(
                ct.Task(
                    id=f"nv-{n}",
                    plan=PLAN,
                    title=f"Nhiệm vụ {n}",
                    unit="noi-vu" if n % 2 else "tu-phap",
                    due=dt.date(2025, 6, 30),
                )
            )


def open_store(folder: Path) -> ct.Tracker:
    return ct.Tracker.open(folder, load_entrypoints=False, today=lambda: TODAY)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    with open_store(folder) as tr:
        seed(tr)
    return folder


@pytest.fixture
def tr(store: Path) -> Iterator[ct.Tracker]:
    with open_store(store) as tracker:
        yield tracker


def exported(tr: ct.Tracker, path: Path) -> Any:
    """The task sheet of the store, written to ``path`` and opened for editing."""
    export_tasks(tr, path)
    return openpyxl.load_workbook(path)


def row_of(ws: Any, task: str) -> int:
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, column("Mã")).value == task:
            return int(row)
    raise AssertionError(task)


# --- progress -------------------------------------------------------------------------------


def test_export_fill_in_import_round_trip(tr: ct.Tracker, tmp_path: Path) -> None:
    path = tmp_path / "tien-do.xlsx"
    book = exported(tr, path)
    ws = book.active
    # A date cell, a dd/mm/yyyy text with "vượt mức", a progress report, a quality note.
    ws.cell(row_of(ws, "nv-1"), column("Ngày hoàn thành")).value = dt.datetime(2025, 6, 20)
    ws.cell(row_of(ws, "nv-2"), column("Ngày hoàn thành")).value = "28/06/2025"
    ws.cell(row_of(ws, "nv-2"), column("Vượt mức")).value = "x"
    ws.cell(row_of(ws, "nv-2"), column("Đánh giá chất lượng")).value = "Bảo đảm chất lượng"
    ws.cell(row_of(ws, "nv-3"), column("Tiến độ (%)")).value = 60
    ws.cell(row_of(ws, "nv-3"), column("Báo cáo tiến độ")).value = "Đã rà soát 12/20 thủ tục"
    ws.cell(row_of(ws, "nv-3"), column("Ngày báo cáo")).value = "15/05/2025"
    ws.cell(row_of(ws, "nv-4"), column("Tiến độ (%)")).value = "30%"
    book.save(path)
    seq = tr.seq
    result = import_progress(tr, path, on=dt.date(2025, 11, 1), actor="noi-vu")
    assert (result.rows, result.written, result.unchanged) == (5, 4, 1)
    assert tr.seq == seq + 1 == result.seq  # one journal line
    entry = list(tr.entries())[-1]
    assert entry.actor == "noi-vu" and entry.note == "Cập nhật tiến độ từ tien-do.xlsx"
    one, two, three, four = (tr.task(f"nv-{n}") for n in range(1, 5))
    assert (one.status, one.completed_on, one.exceeded) == (
        ct.TaskStatus.DONE,
        dt.date(2025, 6, 20),
        False,
    )
    assert (two.completed_on, two.exceeded, two.quality_note) == (
        dt.date(2025, 6, 28),
        True,
        "Bảo đảm chất lượng",
    )
    assert three.progress[-1] == ct.ProgressReport(
        on=dt.date(2025, 5, 15), percent=60, note="Đã rà soát 12/20 thủ tục"
    )
    assert (four.progress[-1].percent, four.progress[-1].on) == (30, dt.date(2025, 11, 1))
    # The same sheet again: every row changed since it was written, but asks for nothing
    # new, so nothing is refused and nothing is written.
    again = import_progress(tr, path)
    assert (again.written, again.unchanged, tr.seq) == (0, 5, seq + 1)
    # A fresh export round-trips to nothing new as well.
    fresh = tmp_path / "moi.csv"
    export_tasks(tr, fresh)
    assert import_progress(tr, fresh).written == 0


def test_a_row_whose_task_changed_since_the_export_is_refused(
    tr: ct.Tracker, tmp_path: Path
) -> None:
    path = tmp_path / "tien-do.xlsx"
    book = exported(tr, path)
    ws = book.active
    ws.cell(row_of(ws, "nv-1"), column("Ngày hoàn thành")).value = "20/06/2025"
    ws.cell(row_of(ws, "nv-5"), column("Ngày hoàn thành")).value = "21/06/2025"
    book.save(path)
    tr.update_task("nv-1", title="Nhiệm vụ 1, sửa tên")  # after the export
    error = unchanged(tr, lambda: import_progress(tr, path), SheetImportError)
    assert isinstance(error, SheetImportError)
    ((problem,),) = [error.problems]
    assert (problem.row, problem.column) == (row_of(ws, "nv-1"), "Phiên bản")
    assert "latest change of task nv-1 (the task changed since the export" in str(error)
    assert "nhiệm vụ đã thay đổi sau khi xuất bảng" in error.render("vi")
    assert tr.task("nv-5").status is ct.TaskStatus.OPEN


def test_completions_the_tracker_refuses_name_their_rows(tr: ct.Tracker, tmp_path: Path) -> None:
    tr.complete_task("nv-3", dt.date(2025, 6, 1))
    path = tmp_path / "tien-do.csv"
    export_tasks(tr, path)
    text = path.read_text(encoding="utf-8-sig").splitlines()
    edited = [text[0]]
    for line in text[1:]:
        cells = line.split(",")
        task = cells[HEADINGS.index("Mã")]
        done = HEADINGS.index("Ngày hoàn thành")
        if task == "nv-1":
            cells[done] = "31/12/2026"  # after the year: the tracker refuses it
        if task == "nv-2":
            cells[HEADINGS.index("Vượt mức")] = "có"  # vượt mức without a date
        if task == "nv-3":
            cells[done] = "02/06/2025"  # done already on another day
        if task == "nv-4":
            cells[HEADINGS.index("Tiến độ (%)")] = "120"
        if task == "nv-5":
            cells[done] = "30/02/2025"
        edited.append(",".join(cells))
    path.write_text("\n".join(edited) + "\n", encoding="utf-8-sig")
    error = unchanged(tr, lambda: import_progress(tr, path), SheetImportError)
    assert isinstance(error, SheetImportError)
    columns = {p.column for p in error.problems}
    assert columns == {"Ngày hoàn thành", "Tiến độ (%)"}
    vi = error.render("vi")
    assert "nhiệm vụ nv-3 đã hoàn thành" in vi and "cchc task complete --correct" in vi
    assert '"vượt mức" chỉ ghi cho nhiệm vụ đã hoàn thành' in vi
    assert "một số nguyên từ 0 đến 100" in vi
    assert "một ngày dạng dd/mm/yyyy" in vi
    # The tracker's own check comes once the cells are good, with its row.
    path.write_text(
        "\n".join(line for line in edited if ",nv-1," in line or line == edited[0]) + "\n",
        encoding="utf-8-sig",
    )
    error = unchanged(tr, lambda: import_progress(tr, path), SheetImportError)
    assert isinstance(error, SheetImportError)
    assert error.rows == (2,) and "2025-12-31" in str(error)


def test_a_sheet_without_the_version_column_lists_what_it_needs(
    tr: ct.Tracker, tmp_path: Path
) -> None:
    path = tmp_path / "tien-do.csv"
    path.write_text("Mã,Ngày hoàn thành\nnv-1,20/06/2025\n", encoding="utf-8")
    error = unchanged(tr, lambda: import_progress(tr, path), SheetImportError)
    assert "missing the column Phiên bản (or: Version)" in str(error)
    assert "got 'Mã | Ngày hoàn thành'" in str(error)
    assert "còn thiếu cột Phiên bản" in error.render("vi")  # type: ignore[attr-defined]


_EDITS = st.sampled_from(
    [
        ("Ngày hoàn thành", "31/02/2025"),
        ("Ngày hoàn thành", "hôm qua"),
        ("Ngày hoàn thành", "31/12/2030"),
        ("Vượt mức", "nhiều"),
        ("Tiến độ (%)", "-5"),
        ("Tiến độ (%)", "năm mươi"),
        ("Phiên bản", "000000000000"),
        ("Mã", "nv-404"),
        ("Ngày báo cáo", "32/01/2025"),
    ]
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(bad=st.lists(st.tuples(st.integers(1, 5), _EDITS), min_size=1, max_size=4))
def test_a_refused_sheet_leaves_every_byte_of_the_store(
    tr: ct.Tracker, tmp_path: Path, bad: list[tuple[int, tuple[str, str]]]
) -> None:
    """Good rows and bad rows together: nothing of the sheet is written."""
    path = tmp_path / "tien-do.xlsx"
    book = exported(tr, path)
    ws = book.active
    rows = {n: row_of(ws, f"nv-{n}") for n in range(1, 6)}
    for n, row in rows.items():  # every row asks for something
        ws.cell(row, column("Tiến độ (%)")).value = 10 * n
    for n, (heading, value) in bad:
        cell = ws.cell(rows[n], column(heading))
        if heading == "Vượt mức":
            ws.cell(cell.row, column("Ngày hoàn thành")).value = "01/06/2025"
        cell.value = value
    book.save(path)
    before = store_files(Path(str(tr.path)))
    error = unchanged(tr, lambda: import_progress(tr, path, on=TODAY), SheetImportError)
    assert isinstance(error, SheetImportError)
    assert set(error.rows) <= {rows[n] for n, _ in bad}
    assert store_files(Path(str(tr.path))) == before


def test_task_version_changes_with_any_change(tr: ct.Tracker) -> None:
    before = task_version(tr.task("nv-1"))
    assert before == task_version(tr.task("nv-1")) and len(before) == 12
    tr.report_progress("nv-1", ct.ProgressReport(on=dt.date(2025, 3, 1), percent=5))
    assert task_version(tr.task("nv-1")) != before


# --- units and people -----------------------------------------------------------------------

UNITS_SHEET = [
    ["DANH SÁCH ĐƠN VỊ"],
    ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Đơn vị cấp trên", "Ngày thành lập"],
    ["binh-phu", "UBND xã Bình Phú", "UBND xã", "UBND huyện Tân Hồng", "01/07/2025"],
    ["vh-tt", "Phòng Văn hóa và Thông tin", "Phòng", "huyen", ""],
    ["tt-vh", "Trung tâm Văn hóa", "Đơn vị sự nghiệp", "Phòng Văn hóa và Thông tin", ""],
]


def workbook(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_units_from_excel(tr: ct.Tracker, tmp_path: Path) -> None:
    seq = tr.seq
    result = import_units(tr, workbook(tmp_path / "don-vi.xlsx", UNITS_SHEET), actor="noi-vu")
    assert (result.rows, result.written, tr.seq) == (3, 3, seq + 1)
    commune, agency, centre = (tr.unit(u) for u in ("binh-phu", "vh-tt", "tt-vh"))
    assert (commune.kind, commune.parent, commune.valid_from) == (
        "commune",
        "huyen",
        dt.date(2025, 7, 1),
    )
    assert agency.kind == "agency"
    assert (centre.kind, centre.parent) == ("public-service-unit", "vh-tt")  # a row above


def test_a_units_sheet_with_bad_rows_is_refused_whole(tr: ct.Tracker, tmp_path: Path) -> None:
    rows = [
        *UNITS_SHEET[1:3],
        ["noi-vu", "Phòng Nội vụ", "Phòng", "huyen", ""],  # exists: refused, not updated
        ["x y", "", "Hợp tác xã", "Phòng Tư Phap huyen", "1/1/25"],
        ["binh-phu", "UBND xã Bình Phú", "xã", "", ""],  # twice in the sheet
    ]
    path = workbook(tmp_path / "don-vi.xlsx", rows)
    error = unchanged(tr, lambda: import_units(tr, path), SheetImportError)
    assert isinstance(error, SheetImportError)
    assert error.rows == (3, 4, 5)
    found = {(p.row, p.column) for p in error.problems}
    assert found == {
        (3, "Mã đơn vị"),
        (4, "Mã đơn vị"),
        (4, "Tên đơn vị"),
        (4, "Loại đơn vị"),
        (4, "Đơn vị cấp trên"),
        (4, "Ngày thành lập"),
        (5, "Mã đơn vị"),
    }
    vi = error.render("vi")
    assert "bảng này chỉ thêm mới, không sửa" in vi
    assert "có phải là 'Phòng Tư pháp [tu-phap]'" in vi
    assert "loại đơn vị, một trong:" in vi and "public-service-unit" in vi


PEOPLE_SHEET = [
    ["Mã", "Họ và tên", "Đơn vị công tác", "Chức vụ", "Đơn vị đứng đầu", "Ngày bắt đầu"],
    ["p-binh", "Trần Thị Bình", "Phòng Tư pháp", "Trưởng phòng", "Phòng Tư pháp", "01/02/2025"],
    ["p-cuong", "Lê Văn Cường", "tu-phap", "Chuyên viên", "", ""],
    ["p-dung", "Phạm Dũng", "noi-vu", "Trưởng phòng", "noi-vu", dt.datetime(2025, 3, 1)],
]


def test_people_and_their_headships_from_excel(tr: ct.Tracker, tmp_path: Path) -> None:
    seq = tr.seq
    result = import_people(tr, workbook(tmp_path / "can-bo.xlsx", PEOPLE_SHEET))
    assert (result.written, tr.seq) == (3, seq + 1)
    assert tr.person("p-binh").title == "Trưởng phòng"
    heads = {(h.unit, h.person, h.start) for h in tr.headships()}
    assert heads == {
        ("tu-phap", "p-binh", dt.date(2025, 2, 1)),
        ("noi-vu", "p-dung", dt.date(2025, 3, 1)),
    }


def test_a_people_sheet_with_bad_rows_is_refused_whole(tr: ct.Tracker, tmp_path: Path) -> None:
    tr.appoint_head("noi-vu", "p-an", dt.date(2025, 1, 1))
    rows = [
        [*PEOPLE_SHEET[0], "Loại cán bộ"],
        ["p-an", "Nguyễn Văn An", "noi-vu", "", "", "", ""],  # exists
        ["p-x", "X", "Phòng Nội vụ", "", "Phòng Tư pháp", "", "chuyên gia"],
        ["p-y", "Y", "noi-vu", "", "", "01/02/2025", ""],
    ]
    path = workbook(tmp_path / "can-bo.xlsx", rows)
    error = unchanged(tr, lambda: import_people(tr, path), SheetImportError)
    assert isinstance(error, SheetImportError)
    assert {(p.row, p.column) for p in error.problems} == {
        (2, "Mã"),
        (3, "Ngày bắt đầu"),
        (3, "Loại cán bộ"),
        (4, "Đơn vị đứng đầu"),
    }
    # Good cells, but the tracker refuses the headship: noi-vu has a head already.
    overlap = workbook(tmp_path / "trung.xlsx", [PEOPLE_SHEET[0], PEOPLE_SHEET[3]])
    error = unchanged(tr, lambda: import_people(tr, overlap), SheetImportError)
    assert isinstance(error, SheetImportError) and error.rows == (2,)


# --- headings given by hand -----------------------------------------------------------------


def test_columns_map_a_heading_by_hand(tr: ct.Tracker, tmp_path: Path) -> None:
    path = tmp_path / "phu-luc.csv"
    path.write_text(
        "STT,Nội dung nhiệm vụ,Cơ quan chủ trì,Hạn xử lý\n1,Rà soát,Phòng Tư pháp,Quý II/2025\n",
        encoding="utf-8",
    )
    with pytest.raises(ct.ValidationError) as info:
        read_annex(path, tr, PLAN)
    message = str(info.value)
    assert "got 'STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Hạn xử lý'" in message
    assert "Thời gian hoàn thành (or: Thời hạn hoàn thành" in message
    assert '--columns "Hạn xử lý=due"' in message
    (task,) = read_annex(path, tr, PLAN, columns={"hạn XỬ LÝ": "due"})
    assert task.due == dt.date(2025, 6, 30)
    (task,) = read_annex(path, tr, PLAN, columns={"Hạn xử lý": "Thời hạn"})
    assert task.due == dt.date(2025, 6, 30)
    with pytest.raises(ct.ValidationError, match="one of stt, code, title"):
        read_annex(path, tr, PLAN, columns={"Hạn xử lý": "deadline"})


def test_annex_heading_variants_are_recognised(tr: ct.Tracker, tmp_path: Path) -> None:
    path = tmp_path / "phu-luc.csv"
    path.write_text(
        "TT,Tên công việc,Đơn vị thực hiện,Đơn vị phối hợp thực hiện,Thời hạn thực hiện,"
        "Kết quả đầu ra\n1,Rà soát,Phòng Tư pháp,Phòng Nội vụ,Tháng 6/2025,Báo cáo\n",
        encoding="utf-8",
    )
    (task,) = read_annex(path, tr, PLAN)
    assert (task.unit, task.partners, task.output) == ("tu-phap", ("noi-vu",), "Báo cáo")


@pytest.mark.parametrize(
    ("given", "mapping"),
    [
        (["Thời gian=due"], {"Thời gian": "due"}),
        (["A=due, B=unit", "C = title"], {"A": "due", "B": "unit", "C": "title"}),
        (["Cơ quan, đơn vị chủ trì=unit"], {"Cơ quan, đơn vị chủ trì": "unit"}),
    ],
)
def test_parse_columns(given: list[str], mapping: dict[str, str]) -> None:
    assert parse_columns(given) == mapping


@pytest.mark.parametrize("bad", ["Thời gian", "=due", "A=", "A=due,B"])
def test_parse_columns_refuses(bad: str) -> None:
    with pytest.raises(ct.ValidationError, match="HEADING=COLUMN"):
        parse_columns([bad])


# --- the command line -----------------------------------------------------------------------


def test_cchc_import_progress_units_and_people(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "tien-do.xlsx"
    with open_store(store) as tr:
        book = exported(tr, sheet)
    ws = book.active
    ws.cell(row_of(ws, "nv-1"), column("Ngày hoàn thành")).value = "20/06/2025"
    book.save(sheet)
    code, out, err = run_cli(capsys, "import", str(store), str(sheet), "--progress")
    assert code == 0, err
    assert out.startswith(f"Đã cập nhật 1 nhiệm vụ từ {sheet} (4 dòng không có gì mới)")
    assert "Đang nhập 1/1 dòng" in err
    # The same sheet again asks for nothing new; with a report added, its row is refused:
    # nv-1 changed since the export.
    code, out, _ = run_cli(capsys, "import", str(store), str(sheet), "--progress")
    assert (code, out.split(" (")[0]) == (0, f"Không có gì mới trong {sheet}")
    ws.cell(row_of(ws, "nv-1"), column("Tiến độ (%)")).value = 100
    book.save(sheet)
    code, out, err = run_cli(capsys, "import", str(store), str(sheet), "--progress", "--lang", "en")
    assert code == 1
    reading, refused = err.strip().split("\n")
    assert reading == f"Reading {sheet}…" and "row 2, column 'Phiên bản'" in refused
    units = workbook(tmp_path / "don-vi.xlsx", UNITS_SHEET)
    code, out, _ = run_cli(capsys, "import", str(store), str(units), "--units", "--actor", "noi-vu")
    assert (code, out.split(",")[0]) == (0, f"Đã nhập 3 đơn vị từ {units}")
    people = workbook(tmp_path / "can-bo.xlsx", PEOPLE_SHEET)
    code, out, _ = run_cli(capsys, "import", str(store), str(people), "--people", "--lang", "en")
    assert (code, out.split(",")[0]) == (0, f"Imported 3 people from {people}")
    code, _, err = run_cli(capsys, "import", str(store), str(people))
    assert code == 1 and "--plan ID" in err and "--progress" in err
    code, _, err = run_cli(capsys, "import", str(store), str(people), "--units", "--people")
    assert code == 1 and "not allowed with argument" in err


def test_cchc_import_columns(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    annex = tmp_path / "phu-luc.csv"
    annex.write_text(
        "STT,Nội dung nhiệm vụ,Cơ quan chủ trì,Hạn xử lý\n1,Rà soát,Phòng Tư pháp,Năm 2025\n",
        encoding="utf-8",
    )
    code, _, err = run_cli(capsys, "import", str(store), str(annex), "--plan", PLAN)
    assert code == 1
    assert "còn thiếu cột Thời gian hoàn thành (hoặc: Thời hạn hoàn thành" in err
    args = ["import", str(store), str(annex), "--plan", PLAN]
    code, _, err = run_cli(capsys, *args, "--columns", "Hạn xử lý=hạn")
    assert code == 1 and "\ncchc: --columns: columns['Hạn xử lý']: cần một trong các giá trị" in err
    code, out, err = run_cli(capsys, *args, "--columns", "Hạn xử lý=due")
    assert code == 0, err
    assert out.startswith(f"Đã nhập 1 nhiệm vụ từ {annex} vào kế hoạch {PLAN}")


# --- the progress counter ---------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("total", [1, 7, 10, 25, 101, 500])
def test_the_counter_off_a_terminal_writes_a_few_plain_lines(total: int) -> None:
    stream = io.StringIO()
    progress = counter("vi", stream)
    for done in range(1, total + 1):
        progress(done, total)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert 1 <= len(lines) <= PLAIN_LINES
    assert lines[-1] == f"Đang nhập {total}/{total} dòng"


def test_the_counter_on_a_terminal_counts_in_place() -> None:
    stream = _Terminal()
    progress = counter("en", stream)
    for done in range(1, 4):
        progress(done, 3)
    assert stream.getvalue() == ("\rImporting 1/3 rows\rImporting 2/3 rows\rImporting 3/3 rows\n")
