"""The write commands of ``cchc``: each makes the change the Tracker method makes, prints
the journal line it wrote (in Vietnamese by default, in English with ``--lang en``), and a
mistake is one line on stderr that leaves every byte of the store as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import cchc_tasks as ct
from tests.helpers import store_files

from ..helpers import run_cli as run

D = dt.date


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district"))
        tr.add_unit(ct.Unit(id="xa", name="UBND xã An Phước", kind="commune", parent="huyen"))
        tr.add_person(ct.Person(id="lan", name="Nguyễn Thị Lan", unit="xa"))
        tr.add_person(ct.Person(id="binh", name="Trần Văn Bình", unit="xa"))
        tr.appoint_head("xa", "binh", D(2024, 1, 1))
        tr.add_plan(
            ct.Plan(
                id="kh", title="KH 2024", unit="huyen", start=D(2024, 1, 1), end=D(2024, 12, 31)
            )
        )
        tr.add_task(
            ct.Task(id="t1", plan="kh", title="Rà soát TTHC", unit="xa", due=D(2024, 6, 30))
        )
    return folder


#: One success of every write command: its arguments, and a line it must print.
SUCCESSES = {
    "unit add": (
        [
            "unit",
            "add",
            "STORE",
            "moi",
            "--name",
            "UBND xã Mới",
            "--kind",
            "commune",
            "--parent",
            "huyen",
        ],
        "Thêm mới đơn vị moi «UBND xã Mới»",
    ),
    "person add": (
        ["person", "add", "STORE", "hoa", "--name", "Lê Thị Hoa", "--unit", "xa"],
        "Thêm mới người hoa «Lê Thị Hoa»",
    ),
    "unit end": (
        ["unit", "end", "STORE", "xa", "--on", "31/12/2024"],
        "Sửa đổi đơn vị xa «UBND xã An Phước»: Hiệu lực đến — → 31/12/2024",
    ),
    "head end": (
        ["head", "end", "STORE", "xa", "--on", "30/06/2024"],
        "Sửa đổi chức vụ người đứng đầu xa@2024-01-01: Đến ngày — → 30/06/2024",
    ),
    "plan add": (
        [
            "plan",
            "add",
            "STORE",
            "kh25",
            "--title",
            "KH 2025",
            "--unit",
            "huyen",
            "--from",
            "01/01/2025",
            "--to",
            "31/12/2025",
        ],
        "Thêm mới kế hoạch kh25 «KH 2025»",
    ),
    "target add": (
        [
            "target",
            "add",
            "STORE",
            "mt",
            "--plan",
            "kh",
            "--unit",
            "huyen",
            "--indicator",
            "PAR_INDEX",
            "--rule",
            '{"kind": "at_least", "x": 85}',
        ],
        "Thêm mới mục tiêu mt",
    ),
    "task add": (
        [
            "task",
            "add",
            "STORE",
            "t2",
            "--plan",
            "kh",
            "--title",
            "Báo cáo quý",
            "--unit",
            "xa",
            "--due",
            "15/07/2024",
            "--assignee",
            "lan",
            "--weight",
            "2",
        ],
        "Thêm mới nhiệm vụ t2 «Báo cáo quý»",
    ),
    "task complete": (
        ["task", "complete", "STORE", "t1", "--on", "15/06/2024", "--exceeded"],
        "Trạng thái Đang thực hiện → Đã hoàn thành; Ngày hoàn thành — → 15/06/2024; "
        "Vượt mức Không → Có",
    ),
    "task progress": (
        [
            "task",
            "progress",
            "STORE",
            "t1",
            "--on",
            "31/05/2024",
            "--percent",
            "60",
            "--report",
            "12/20 thủ tục",
        ],
        "Tiến độ — → 60% (31/05/2024): 12/20 thủ tục",
    ),
    "task cancel": (
        ["task", "cancel", "STORE", "t1", "--reason", "Không còn phù hợp"],
        "Lý do hủy — → Không còn phù hợp",
    ),
    "task update": (
        ["task", "update", "STORE", "t1", "--due", "31/07/2024", "--assignee", "lan"],
        "Hạn 30/06/2024 → 31/07/2024",
    ),
    "result record": (
        [
            "result",
            "record",
            "STORE",
            "huyen",
            "2024",
            "--indicator",
            "PAR_INDEX",
            "--value",
            "87.5",
        ],
        "Thêm mới kết quả chỉ số PAR_INDEX@huyen@2024",
    ),
    "assessment record": (
        ["assessment", "record", "STORE", "binh", "2024", "--points", "27"],
        "Thêm mới điểm tiêu chí chung binh@2024",
    ),
    "discipline record": (
        [
            "discipline",
            "record",
            "STORE",
            "lan",
            "--on",
            "15/03/2024",
            "--reason",
            "Chậm",
            "--level",
            "khiển trách",
            "--duty-related",
        ],
        "Thêm mới kỷ luật lan#1",
    ),
    "absence record": (
        [
            "absence",
            "record",
            "STORE",
            "lan",
            "--from",
            "01/03/2024",
            "--to",
            "31/08/2024",
            "--kind",
            "maternity",
        ],
        "Thêm mới thời gian vắng mặt lan~1",
    ),
}


@pytest.mark.parametrize("name", list(SUCCESSES))
def test_a_write_command_prints_the_journal_line_it_wrote(
    name: str, store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, shown = SUCCESSES[name]
    with ct.Tracker.open(store, create=False, load_entrypoints=False) as tr:
        seq = tr.seq
    filled = [str(store) if a == "STORE" else a for a in args]
    code, out, err = run(capsys, *filled, "--actor", "lan", "--note", "QĐ 12")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Đã ghi dòng nhật ký số {seq + 1}; người ghi: lan; ghi chú: QĐ 12:"
    assert shown in out
    with ct.Tracker.open(store, create=False, load_entrypoints=False) as tr:
        entry = list(tr.entries())[-1]
    # The journal line is the Tracker method's: one line, with the actor and the note.
    assert (entry.seq, entry.actor, entry.note) == (seq + 1, "lan", "QĐ 12")
    assert len(lines) == 1 + len(entry.changes)


def test_head_appoint_after_the_last_one_ends(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "head", "end", str(store), "xa", "--on", "30/06/2024")[0] == 0
    code, out, _ = run(
        capsys,
        "head",
        "appoint",
        str(store),
        "xa",
        "lan",
        "--from",
        "01/07/2024",
        "--category",
        "cán bộ",
        "--lang",
        "en",
    )
    assert code == 0
    assert out.splitlines() == [
        "Wrote journal line 9:",
        "  Added headship xa@2024-07-01",
    ]
    with ct.Tracker.open(store, create=False, load_entrypoints=False) as tr:
        assert [h.person for h in tr.headships("xa")] == ["binh", "lan"]


def test_english_words_with_lang_en(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "task", "complete", str(store), "t1", "--on", "2024-06-15", "--lang", "en"
    )
    assert code == 0
    assert out.splitlines()[1] == (
        "  Updated task t1 «Rà soát TTHC»: Status Open → Done; Completed on — → 2024-06-15"
    )


#: One mistake of every write command: its arguments, and how its one line starts.
MISTAKES = {
    "unit add": (
        ["unit", "add", "STORE", "moi", "--name", "X", "--kind", "commune", "--parent", "nowhere"],
        "cchc: ",
    ),
    "unit add twice": (
        ["unit", "add", "STORE", "xa", "--name", "X", "--kind", "commune"],
        "cchc: ",
    ),
    "person add": (["person", "add", "STORE", "lan", "--name", "Lan"], "cchc: "),
    "unit end of an unknown unit": (
        ["unit", "end", "STORE", "nowhere", "--on", "31/12/2024"],
        "cchc: ",
    ),
    "head appoint": (["head", "appoint", "STORE", "xa", "lan", "--from", "01/07/2024"], "cchc: "),
    "head end": (["head", "end", "STORE", "huyen", "--on", "30/06/2024"], "cchc: "),
    "plan add": (
        [
            "plan",
            "add",
            "STORE",
            "kh2",
            "--title",
            "X",
            "--unit",
            "huyen",
            "--from",
            "31/12/2025",
            "--to",
            "01/01/2025",
        ],
        "cchc: ",
    ),
    "target add": (
        [
            "target",
            "add",
            "STORE",
            "mt",
            "--plan",
            "kh",
            "--unit",
            "huyen",
            "--indicator",
            "PAR_INDEX",
            "--rule",
            "85",
        ],
        "cchc target add: argument --rule: ",
    ),
    "task add": (
        [
            "task",
            "add",
            "STORE",
            "t2",
            "--plan",
            "kh",
            "--title",
            "X",
            "--unit",
            "xa",
            "--due",
            "15/07/2025",
        ],
        "cchc: ",
    ),
    "task complete": (["task", "complete", "STORE", "t404", "--on", "15/06/2024"], "cchc: "),
    "task complete date": (
        ["task", "complete", "STORE", "t1", "--on", "31/06/2024"],
        "cchc task complete: argument --on: ",
    ),
    "task progress": (
        ["task", "progress", "STORE", "t1", "--on", "31/05/2024", "--percent", "-5"],
        "cchc: ",
    ),
    "task cancel": (["task", "cancel", "STORE", "t1", "--reason", ""], "cchc: "),
    "task update": (["task", "update", "STORE", "t1"], "cchc task update: nothing to change"),
    "task update unit": (["task", "update", "STORE", "t1", "--unit", "nowhere"], "cchc: "),
    "result record": (
        [
            "result",
            "record",
            "STORE",
            "nowhere",
            "2024",
            "--indicator",
            "PAR_INDEX",
            "--value",
            "80",
        ],
        "cchc: ",
    ),
    "assessment record": (
        ["assessment", "record", "STORE", "lan", "2024", "--points", "-1"],
        "cchc: ",
    ),
    "discipline record": (
        [
            "discipline",
            "record",
            "STORE",
            "lan",
            "--on",
            "15/03/2024",
            "--reason",
            "X",
            "--level",
            "phạt tiền",
        ],
        "cchc: ",
    ),
    "absence record": (
        ["absence", "record", "STORE", "lan", "--from", "31/08/2024", "--to", "01/03/2024"],
        "cchc: ",
    ),
}


@pytest.mark.parametrize("name", list(MISTAKES))
def test_a_mistake_is_one_line_and_changes_nothing(
    name: str, store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, starts = MISTAKES[name]
    before = store_files(store)
    code, out, err = run(capsys, *[str(store) if a == "STORE" else a for a in args])
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith(starts), err
    assert "Traceback" not in err
    assert store_files(store) == before
