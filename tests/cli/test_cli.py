"""The ``cchc`` command: list commands and their formats, help, exit status and messages.

A few tests run the installed entry point (``.venv/bin/cchc``) in a subprocess, as a
person would; the rest call :func:`cchc_tasks.cli.main`, which returns the exit status.
Exit status: 0 done, 1 a mistake of the user (one line on stderr), 2 tampering.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import cchc_tasks as ct
from cchc_tasks import cli
from cchc_tasks.i18n import translate
from cchc_tasks.store import Store

from ..helpers import run_cli as run

D = dt.date
ICT = dt.timezone(dt.timedelta(hours=7))
CCHC = Path(sys.executable).with_name("cchc")
DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "reference" / "cli.md"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A district with two offices, three tasks of 2025 and one line a day from 1 March."""
    folder = tmp_path / "store"
    days = iter(range(100))
    clock = lambda: dt.datetime(2025, 3, 1, 9, 0, tzinfo=ICT) + dt.timedelta(days=next(days))  # noqa: E731
    tr = ct.Tracker(Store(folder, clock=clock), ct.make_plugin_manager(load_entrypoints=False))
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district"))
    tr.add_unit(ct.Unit(id="noi-vu", name="Phòng Nội vụ", kind="agency", parent="huyen"))
    tr.add_unit(ct.Unit(id="tu-phap", name="Phòng Tư pháp", kind="agency", parent="huyen"))
    tr.add_person(ct.Person(id="p-lan", name="Nguyễn Thị Lan", unit="noi-vu"))
    tr.add_plan(
        ct.Plan(id="kh", title="Kế hoạch", unit="huyen", start=D(2025, 1, 1), end=D(2025, 12, 31))
    )
    tr.add_tasks(
        [
            ct.Task(
                id="t1",
                plan="kh",
                title="Rà soát thủ tục hành chính",
                unit="noi-vu",
                due=D(2025, 3, 31),
                assignee="p-lan",
                partners=("tu-phap",),
            ),
            ct.Task(
                id="t2", plan="kh", title="Kiểm tra công vụ", unit="noi-vu", due=D(2025, 6, 30)
            ),
            ct.Task(
                id="t3", plan="kh", title="Phổ biến pháp luật", unit="tu-phap", due=D(2025, 9, 30)
            ),
        ],
        actor="van-phong",
        note="giao việc",
    )
    tr.complete_task("t1", on=D(2025, 3, 20), actor="p-lan", note="xong")
    tr.cancel_task("t3", "không còn phù hợp", actor="van-phong")
    tr.close()
    return folder


def cells(line: str) -> list[str]:
    """The cells of a line of a plain table (columns are two or more spaces apart)."""
    return re.split(r" {2,}", line.strip())


def one_line(err: str) -> str:
    """The message of a mistake: exactly one line."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


# --- Through the installed entry point --------------------------------------------------------


def test_the_installed_command_lists_tasks_as_json(store: Path) -> None:
    done = subprocess.run(
        [str(CCHC), "tasks", str(store), "--unit", "noi-vu", "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    tasks = json.loads(done.stdout)
    assert [t["id"] for t in tasks] == ["t1", "t2"]
    assert tasks[0]["title"] == "Rà soát thủ tục hành chính"
    assert tasks[0]["partners"] == ["tu-phap"]


def test_the_installed_command_says_what_is_wrong_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(CCHC), "units", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert one_line(done.stderr).startswith("cchc: ")
    assert "expected a store folder" in done.stderr
    assert not (tmp_path / "nowhere").exists()


def test_the_installed_command_has_help_with_examples() -> None:
    done = subprocess.run(
        [str(CCHC), "--help"], capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert done.returncode == 0
    for command in cli.commands():
        assert re.search(rf"^    {command} ", done.stdout, re.MULTILINE), command
    assert "examples:" in done.stdout
    assert "exit status:" in done.stdout


# --- tasks ----------------------------------------------------------------------------------


def test_tasks_as_a_table(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "tasks", str(store))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Mã  Hạn         Trạng thái      Ngày hoàn thành  Đơn vị   Tên nhiệm vụ",
        "--  ----------  --------------  ---------------  -------  --------------------------",
        "t1  31/03/2025  Đã hoàn thành   20/03/2025       noi-vu   Rà soát thủ tục hành chính",
        "t2  30/06/2025  Đang thực hiện                   noi-vu   Kiểm tra công vụ",
        "t3  30/09/2025  Đã hủy                           tu-phap  Phổ biến pháp luật",
    ]
    code, out, err = run(capsys, "tasks", str(store), "--lang", "en")
    assert (code, err) == (0, "")
    assert cells(out.splitlines()[0]) == ["Id", "Due", "Status", "Completed on", "Unit", "Title"]
    assert out.splitlines()[2].split() == [
        "t1", "2025-03-31", "Done", "2025-03-20", "noi-vu", "Rà", "soát", "thủ", "tục", "hành",
        "chính",
    ]  # fmt: skip


def test_tasks_filters_combine(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def ids(*args: str) -> list[str]:
        code, out, _ = run(capsys, "tasks", str(store), "--format", "json", *args)
        assert code == 0
        return [t["id"] for t in json.loads(out)]

    assert ids() == ["t1", "t2", "t3"]
    assert ids("--unit", "noi-vu") == ["t1", "t2"]
    assert ids("--plan", "kh", "--status", "open") == ["t2"]
    assert ids("--status", "cancelled") == ["t3"]
    assert ids("--assignee", "p-lan") == ["t1"]
    assert ids("--due-from", "2025-03-31", "--due-to", "2025-06-30") == ["t1", "t2"]
    assert ids("--due-from", "2025-07-01", "--unit", "noi-vu") == []


def test_tasks_as_csv(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tasks", str(store), "--format", "csv", "--status", "done")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1
    row = rows[0]
    assert (row["id"], row["plan"], row["unit"], row["partners"]) == (
        "t1",
        "kh",
        "noi-vu",
        "tu-phap",
    )
    assert (row["due"], row["completed_on"], row["exceeded"]) == ("2025-03-31", "2025-03-20", "no")


def test_no_tasks_match(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "tasks", str(store), "--due-from", "2026-01-01") == (
        0,
        "Không có nhiệm vụ nào phù hợp\n",
        "",
    )
    assert run(capsys, "tasks", str(store), "--due-from", "2026-01-01", "--lang", "en")[1] == (
        "no tasks match\n"
    )
    code, out, _ = run(capsys, "tasks", str(store), "--due-from", "2026-01-01", "--format", "csv")
    assert (code, out.splitlines()[1:]) == (0, [])
    assert run(
        capsys, "tasks", str(store), "--unit", "tu-phap", "--status", "open", "--format", "json"
    )[1] == ("[]\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "noi-vu2"], "cần mã của một đơn vị đã có, nhận được 'noi-vu2'"),
        (["--plan", "kh-2030"], "'kh-2030'"),
        (["--status", "late"], "argument --status: invalid choice: 'late'"),
        (["--due-from", "31/13/2025"], "expected a date such as 2025-01-31 or 31/01/2025"),
        (["--unit", "noi-vu2"], "cchc: --unit: "),
        (
            ["--due-from", "2025-07-01", "--due-to", "2025-06-30"],
            "--due-from 01/07/2025 sau --due-to 30/06/2025",
        ),
        (
            ["--due-from", "2025-07-01", "--due-to", "2025-06-30", "--lang", "en"],
            "--due-from 2025-07-01 is after --due-to 2025-06-30",
        ),
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
    ],
)
def test_tasks_refuses_a_mistake_in_one_line(
    store: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "tasks", str(store), *args)
    assert (code, out) == (1, "")
    assert message in one_line(err)
    assert err.startswith("cchc")


# --- units, plugins, log, history --------------------------------------------------------------


def test_units(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "units", str(store))
    assert code == 0
    assert cells(out.splitlines()[0]) == [
        "Mã", "Tên", "Loại", "Đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến",
    ]  # fmt: skip
    assert cells(out.splitlines()[2]) == ["huyen", "UBND huyện Tân Hồng", "UBND cấp huyện"]
    assert cells(out.splitlines()[3]) == ["noi-vu", "Phòng Nội vụ", "cơ quan chuyên môn", "huyen"]
    code, out, _ = run(capsys, "units", str(store), "--lang", "en")
    assert cells(out.splitlines()[0])[:4] == ["Id", "Name", "Kind", "Parent unit"]
    assert cells(out.splitlines()[2])[2] == translate("quota.kind.district", "en")
    code, out, _ = run(capsys, "units", str(store), "--parent", "huyen", "--format", "json")
    assert code == 0
    assert [(u["id"], u["name"]) for u in json.loads(out)] == [
        ("noi-vu", "Phòng Nội vụ"),
        ("tu-phap", "Phòng Tư pháp"),
    ]
    code, out, _ = run(capsys, "units", str(store), "--format", "csv")
    assert out.splitlines()[0] == "id,name,kind,parent,valid_from,valid_to,successors"
    assert out.splitlines()[2] == "noi-vu,Phòng Nội vụ,agency,huyen,,,"
    code, _, err = run(capsys, "units", str(store), "--parent", "xa")
    assert code == 1
    assert "'xa'" in one_line(err)


def test_plugins_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plugins")
    assert code == 0
    assert cells(out.splitlines()[0]) == ["Tên", "Phiên bản", "Trạng thái", "Điểm móc nối"]
    assert re.search(r"^cchc_tasks\.outcomes +\S+ +có sẵn +cchc_task_outcomes$", out, re.MULTILINE)
    assert re.search(r"^cchc_dong_thap +0\.1\.0 +đã cài đặt ", out, re.MULTILINE)
    code, out, _ = run(capsys, "plugins", "--lang", "en")
    assert out.splitlines()[0].split() == ["Name", "Version", "Status", "Hooks"]
    assert re.search(
        r"^cchc_tasks\.outcomes +\S+ +built-in +cchc_task_outcomes$", out, re.MULTILINE
    )
    code, out, _ = run(capsys, "plugins", "--format", "json")
    plugins = {p["name"]: p for p in json.loads(out)}
    assert plugins["cchc_tasks.scoring"]["hooks"] == ["cchc_unit_band", "cchc_unit_criteria"]
    assert plugins["cchc_tasks.scoring"]["version"] == ct.__version__
    # Installed, listed with its version, but enabled only by a store's configuration.
    assert plugins["cchc_dong_thap"]["status"] == "installed"
    assert plugins["cchc_dong_thap"]["version"] == "0.1.0"
    code, out, _ = run(capsys, "plugins", "--format", "csv")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["cchc_tasks.scoring"]["hooks"] == "cchc_unit_band, cchc_unit_criteria"


def test_log_as_a_table_csv_and_json(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "log", str(store), "--since", "2025-03-06", "--format", "table")
    assert code == 0
    lines = out.splitlines()
    assert cells(lines[0]) == ["Số thứ tự", "Thời điểm (UTC)", "Người ghi", "Ghi chú", "Thay đổi"]
    assert [cells(line) for line in lines[2:]] == [
        ["6", "06/03/2025 02:00:00", "van-phong", "giao việc", "Thêm mới nhiệm vụ t1 «Rà soát thủ "
         "tục hành chính»"],
        ["6", "06/03/2025 02:00:00", "van-phong", "giao việc", "Thêm mới nhiệm vụ t2 «Kiểm tra "
         "công vụ»"],
        ["6", "06/03/2025 02:00:00", "van-phong", "giao việc", "Thêm mới nhiệm vụ t3 «Phổ biến "
         "pháp luật»"],
        ["7", "07/03/2025 02:00:00", "p-lan", "xong", "Sửa đổi nhiệm vụ t1 «Rà soát thủ tục hành "
         "chính»: Trạng thá…"],
        ["8", "08/03/2025 02:00:00", "van-phong", "Sửa đổi nhiệm vụ t3 «Phổ biến pháp luật»: Trạng "
         "thái Đang t…"],
    ]  # fmt: skip
    code, out, _ = run(
        capsys, "log", str(store), "--since", "2025-03-08", "--format", "table", "--lang", "en"
    )
    assert cells(out.splitlines()[0]) == ["Seq", "At (UTC)", "Actor", "Note", "Change"]
    assert cells(out.splitlines()[2]) == [
        "8", "2025-03-08 02:00:00", "van-phong",
        "Updated task t3 «Phổ biến pháp luật»: Status Open → Cancell…",
    ]  # fmt: skip
    code, out, _ = run(capsys, "log", str(store), "--since", "2025-03-07", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["seq"], r["actor"], r["op"], r["table"], r["id"]) for r in rows] == [
        ("7", "p-lan", "update", "tasks", "t1"),
        ("8", "van-phong", "update", "tasks", "t3"),
    ]
    assert rows[0]["change"].endswith('completed_on null → "2025-03-20"')  # never shortened
    code, out, _ = run(capsys, "log", str(store), "--format", "json")
    entries = json.loads(out)
    assert [e["seq"] for e in entries] == list(range(1, 9))
    assert entries[6]["changes"][0]["after"]["completed_on"] == "2025-03-20"
    assert entries[6]["at"] == "2025-03-07T09:00:00+07:00"  # as recorded, with its offset
    assert re.fullmatch(r"[0-9a-f]{64}", entries[6]["hash"])


def test_log_text_is_the_default(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "log", str(store), "--since", "2025-03-08")
    assert code == 0
    assert out.splitlines() == [
        "Dòng 8  08/03/2025 02:00:00 UTC  người ghi: van-phong",
        "  Sửa đổi nhiệm vụ t3 «Phổ biến pháp luật»: Trạng thái Đang thực hiện → Đã hủy; Lý do hủy "
        "— → không còn phù hợp",
    ]
    code, out, _ = run(capsys, "log", str(store), "--since", "2025-03-08", "--lang", "en")
    assert out.splitlines()[0] == "seq 8  2025-03-08 02:00:00 UTC  by van-phong"
    code, out, _ = run(capsys, "log", str(store), "--since", "2026-01-01", "--format", "table")
    assert out == f"Không có thay đổi nào trong {store} từ ngày 01/01/2026\n"
    code, out, _ = run(capsys, "log", str(store), "--since", "2026-01-01", "--lang", "en")
    assert out == f"no changes in {store} since 2026-01-01\n"


def test_history_in_every_format(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "history", str(store), "t1")
    assert code == 0
    assert out.splitlines()[0] == f"t1 trong {store}: 2 thay đổi"
    code, out, _ = run(capsys, "history", str(store), "t1", "--lang", "en")
    assert out.splitlines()[0] == f"t1 in {store}: 2 changes"
    code, out, _ = run(capsys, "history", str(store), "t2", "--lang", "en")
    assert out.splitlines()[0] == f"t2 in {store}: 1 change"
    code, out, _ = run(capsys, "history", str(store), "t1", "--format", "json")
    found = json.loads(out)
    assert [(h["seq"], h["actor"], h["change"]["op"]) for h in found] == [
        (6, "van-phong", "add"),
        (7, "p-lan", "update"),
    ]
    assert found[1]["change"]["before"]["status"] == "open"
    code, out, _ = run(capsys, "history", str(store), "t1", "--format", "csv")
    assert [r["note"] for r in csv.DictReader(io.StringIO(out))] == ["giao việc", "xong"]
    code, out, err = run(capsys, "history", str(store), "t9", "--format", "table")
    assert (code, out) == (1, "")
    assert err == f"cchc: ID: không có đối tượng 't9' trong {store} (không thay đổi nào nhắc đến)\n"


# --- Tables ---------------------------------------------------------------------------------


def test_a_plain_table_is_aligned_without_trailing_spaces() -> None:
    text = cli.plain_table(["ID", "NAME"], [["a", "Phòng Nội vụ"], ["long-id", ""]])
    assert text.splitlines() == [
        "ID       NAME",
        "-------  ------------",
        "a        Phòng Nội vụ",
        "long-id",
    ]


def test_long_titles_are_shortened_in_tables_only(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "Nhiệm vụ " + "rất " * 30 + "dài"
    with ct.Tracker.open(store, load_entrypoints=False) as tr:
        tr.update_task("t2", title=title)
    _, out, _ = run(capsys, "tasks", str(store), "--status", "open")
    shown = out.splitlines()[2].split("noi-vu  ", 1)[1]
    assert len(shown) == cli.WIDE_COLUMN and shown.endswith("…")
    _, out, _ = run(capsys, "tasks", str(store), "--status", "open", "--format", "csv")
    assert title in out


def test_rich_draws_the_table_on_a_terminal(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With rich installed and a terminal, rich draws it; rich is never required."""
    drawn: list[tuple[tuple[str, ...], list[tuple[str, ...]]]] = []

    class Table:
        def __init__(self, *headers: str, **_: object) -> None:
            self.headers, self.rows = headers, []

        def add_row(self, *cells: str) -> None:
            self.rows.append(cells)

    class Console:
        def print(self, table: Table) -> None:
            drawn.append((table.headers, table.rows))

    monkeypatch.setitem(sys.modules, "rich", types.ModuleType("rich"))
    monkeypatch.setitem(sys.modules, "rich.table", types.SimpleNamespace(Table=Table))
    monkeypatch.setitem(sys.modules, "rich.console", types.SimpleNamespace(Console=Console))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run(capsys, "units", str(store))
    assert (code, out) == (0, "")
    assert drawn[0][0] == ("Mã", "Tên", "Loại", "Đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến")
    assert drawn[0][1][1][:2] == ("noi-vu", "Phòng Nội vụ")
    monkeypatch.setitem(sys.modules, "rich.table", None)  # not installed: plain text
    code, out, _ = run(capsys, "units", str(store))
    assert out.startswith("Mã ")


# --- Help and mistakes ----------------------------------------------------------------------


@pytest.mark.parametrize("command", cli.commands())
def test_every_command_has_help_with_examples(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert out.startswith(f"usage: cchc {command} ")
    assert "examples:" in out
    assert f"  cchc {command}" in out.split("examples:")[1]
    assert out == cli.help_text(command)


@pytest.mark.parametrize("command", cli.commands())
def test_every_command_is_in_the_reference(command: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert f"## `cchc {command}`" in text
    assert f"```{{cchc-help}} {command}\n```" in text


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"cchc {ct.__version__}\n", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "cchc: the following arguments are required: COMMAND (see cchc --help)"),
        (["task"], "cchc task: the following arguments are required: ACTION"),
        (["tsk"], "cchc: argument COMMAND: invalid choice: 'tsk'"),
        (["tasks"], "cchc tasks: the following arguments are required: STORE"),
        (["history", "STORE"], "cchc history: the following arguments are required: ID"),
        (["report", "STORE", "năm"], "cchc report: argument YEAR: expected a year such as 2025"),
        (["reprot", "STORE", "2025"], "cchc: argument COMMAND: invalid choice: 'reprot'"),
    ],
)
def test_a_command_line_that_does_not_parse(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (1, "")
    assert one_line(err).startswith(message)


def test_files_that_cannot_be_read_or_written(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "import", str(store), str(tmp_path / "phu-luc.xlsx"), "--plan", "kh")
    assert code == 1
    assert one_line(err) == f"cchc import: {tmp_path / 'phu-luc.xlsx'}: không có tệp này"
    target = tmp_path / "no-folder" / "tasks.csv"
    code, _, err = run(capsys, "export", str(store), "--tasks", str(target))
    assert code == 1
    assert one_line(err) == f"cchc export: {target}: không có thư mục {target.parent} để ghi vào"
    code, _, err = run(capsys, "export", str(store), "--tasks", str(target), "--lang", "en")
    assert one_line(err) == f"cchc export: {target}: no folder {target.parent} to write into"
    target.parent.mkdir()
    target.mkdir()  # a folder where the file should go
    code, _, err = run(capsys, "export", str(store), "--tasks", str(target))
    assert code == 1
    assert one_line(err).startswith(f"cchc: {target}")
    code, _, err = run(
        capsys, "export", str(store), "--tasks", str(tmp_path / "t.csv"), "--plan", "x"
    )
    assert code == 1
    assert "'x'" in one_line(err)


def test_demo_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    code, out, err = run(capsys, "demo", "--store", str(tmp_path))
    assert (code, out) == (1, "")
    assert one_line(err) == (
        f"cchc demo: {tmp_path} is not empty; remove it or pick another --store"
    )


def test_demo_refuses_a_reports_folder_that_is_not_empty_before_building_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "th-reports"
    reports.mkdir()
    (reports / "bao-cao-cchc-2025.md").write_text("a report of someone else", encoding="utf-8")
    code, out, err = run(capsys, "demo", "--store", str(tmp_path / "th"))
    assert (code, out) == (1, "")
    assert one_line(err) == (
        f"cchc demo: {reports} is not empty; remove it or pick another --reports"
    )
    assert not (tmp_path / "th").exists()
    assert [p.name for p in reports.iterdir()] == ["bao-cao-cchc-2025.md"]


def test_help_text_of_a_command_that_does_not_exist() -> None:
    with pytest.raises(KeyError):
        cli.help_text("tasks2")
    assert cli.help_text().startswith("usage: cchc ")
