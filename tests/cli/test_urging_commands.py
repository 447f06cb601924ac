"""The weekly questions of ``cchc``: ``overdue`` and ``due-soon`` grouped by unit with the
person who answers and the head who urges, ``reminders`` one block per person, ``explain``
a head's rating; names for people to read, ids in JSON and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

import cchc_tasks as ct

from ..helpers import run_cli as run

D = dt.date


@pytest.fixture
def store(tmp_path: Path) -> str:
    folder = tmp_path / "store"
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district"))
        tr.add_unit(ct.Unit(id="xa", name="UBND xã An Phước", kind="commune", parent="huyen"))
        tr.add_person(ct.Person(id="lan", name="Nguyễn Thị Lan", unit="xa"))
        tr.add_person(ct.Person(id="binh", name="Trần Văn Bình", unit="xa"))
        tr.add_person(ct.Person(id="cuong", name="Phạm Văn Cường", unit="huyen"))
        tr.appoint_head("xa", "binh", D(2024, 1, 1))
        tr.appoint_head("huyen", "cuong", D(2024, 1, 1))
        plan = ct.Plan(id="kh", title="KH", unit="huyen", start=D(2024, 1, 1), end=D(2024, 12, 31))
        tr.add_plan(plan)
        tr.add_task(
            ct.Task(
                id="t1",
                plan="kh",
                title="Rà soát TTHC",
                unit="xa",
                due=D(2024, 6, 30),
                assignee="lan",
            )
        )
        tr.add_task(ct.Task(id="t2", plan="kh", title="Báo cáo quý", unit="xa", due=D(2024, 7, 15)))
        tr.add_task(
            ct.Task(id="t3", plan="kh", title="Kế hoạch số", unit="huyen", due=D(2024, 7, 1))
        )
    return str(folder)


def test_overdue_by_unit_with_who_answers_and_who_urges(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "overdue", store, "--as-of", "10/07/2024")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Nhiệm vụ quá hạn tính đến ngày 10/07/2024: 2",
        "",
        "UBND huyện Tân Hồng",
        "  - Kế hoạch số (mã t3): hạn 01/07/2024; người thực hiện: Phạm Văn Cường; "
        "người đôn đốc: (chưa có người đứng đầu) (quá hạn 9 ngày)",
        "",
        "UBND xã An Phước",
        "  - Rà soát TTHC (mã t1): hạn 30/06/2024; người thực hiện: Nguyễn Thị Lan; "
        "người đôn đốc: Trần Văn Bình (quá hạn 10 ngày)",
    ]


def test_overdue_of_one_unit_as_csv_has_ids(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "overdue", store, "--as-of", "2024-07-10", "--unit", "xa", "--format", "csv"
    )
    assert code == 0
    assert list(csv.DictReader(io.StringIO(out))) == [
        {
            "task": "t1",
            "title": "Rà soát TTHC",
            "unit": "xa",
            "due": "2024-06-30",
            "days_overdue": "10",
            "person": "lan",
            "head": "binh",
        }
    ]


def test_nothing_overdue_says_so(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "overdue", store, "--as-of", "01/06/2024", "--lang", "en")
    assert (code, out) == (0, "No task is overdue as of 2024-06-01.\n")


def test_due_soon_lists_the_tasks_in_the_window(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "due-soon", store, "--as-of", "10/07/2024", "--within", "7", "--format", "json"
    )
    assert code == 0
    assert [row["task"] for row in json.loads(out)] == ["t2"]
    code, out, _ = run(capsys, "due-soon", store, "--as-of", "10/07/2024", "--within", "7")
    assert out.splitlines()[0] == "Nhiệm vụ đến hạn trong 7 ngày kể từ ngày 10/07/2024: 1"
    assert "Báo cáo quý (mã t2): hạn 15/07/2024; người thực hiện: Trần Văn Bình" in out


def test_reminders_one_block_per_person(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "reminders", store, "--as-of", "10/07/2024", "--stale", "0")
    assert code == 0
    blocks = out.strip().split("\n\n")
    assert blocks[2].splitlines() == [
        "Kính gửi: Nguyễn Thị Lan",
        "Người đôn đốc: Trần Văn Bình",
        "Tình hình tính đến ngày 10/07/2024:",
        "  Quá hạn:",
        "    - Rà soát TTHC (mã t1; 30/06/2024)",
    ]
    assert len(blocks) == 3
    assert "lan" not in out.replace("Lan", "")  # names, not ids


def test_explain_a_head_by_name(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    by_name = run(capsys, "explain", store, "2024", "Trần Văn Bình", "--as-of", "31/12/2024")
    by_id = run(capsys, "explain", store, "2024", "binh", "--as-of", "31/12/2024")
    assert by_name == by_id and by_name[0] == 0
    assert by_name[1].startswith("Trần Văn Bình: người đứng đầu UBND xã An Phước")
    english = run(capsys, "explain", store, "2024", "binh", "--as-of", "31/12/2024", "--lang", "en")
    assert english[1].startswith("Trần Văn Bình: head of UBND xã An Phước")


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["overdue", "STORE", "--unit", "nowhere"], "cchc: --unit: "),
        (["due-soon", "STORE", "--as-of", "32/01/2024"], "cchc due-soon: argument --as-of: "),
        (["reminders", "STORE", "--within", "-1"], "cchc: "),
        (["explain", "STORE", "2024", "nobody"], "cchc: "),
        (["explain", "STORE", "20244", "binh"], "cchc: "),
    ],
)
def test_a_mistake_is_one_line(
    args: list[str], starts: str, store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *[store if a == "STORE" else a for a in args])
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith(starts), err
