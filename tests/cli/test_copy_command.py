"""``cchc copy SRC DEST`` and the commands that take a ``postgresql://`` STORE."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import cchc_tasks as ct

from ..helpers import run_cli as run

D = dt.date


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    with ct.Tracker.open(path, load_entrypoints=False) as tr:
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district"))
        tr.add_plan(
            ct.Plan(
                id="kh", title="Kế hoạch", unit="huyen", start=D(2025, 1, 1), end=D(2025, 12, 31)
            )
        )
        tr.add_task(
            ct.Task(id="t1", plan="kh", title="Rà soát", unit="huyen", due=D(2025, 3, 31)),
            note="giao việc",
        )
    return path


def test_copy_a_folder_to_postgresql_use_it_and_copy_it_back(
    folder: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "verify", str(folder))
    head = out.split("mã băm hợp lệ cuối cùng: ")[1].strip()
    code, out, err = run(capsys, "copy", str(folder), pg_url)
    assert code == 0, err
    assert "3 dòng nhật ký" in out and f"Mã băm cuối: {head}" in out
    code, out, _ = run(capsys, "verify", pg_url)
    assert code == 0 and head in out
    assert out.startswith("TOÀN VẸN: 3 dòng nhật ký nối liền nhau từ dòng đầu; các tài liệu khớp")
    code, out, _ = run(capsys, "verify", pg_url, "--lang", "en")
    assert code == 0 and out.startswith("OK: 3 journal rows chained") and head in out
    code, out, _ = run(capsys, "tasks", pg_url, "--format", "csv")
    assert code == 0 and "t1" in out and "Rà soát" in out
    code, out, _ = run(capsys, "history", pg_url, "t1")
    assert code == 0 and "giao việc" in out
    code, out, _ = run(capsys, "backup", pg_url, str(tmp_path / "backup"), "--lang", "en")
    assert code == 0 and "3 journal lines" in out
    code, out, _ = run(capsys, "copy", pg_url, str(tmp_path / "back"), "--lang", "en")
    assert code == 0 and f"head: {head}" in out
    code, out, _ = run(capsys, "verify", str(tmp_path / "back"))
    assert code == 0 and head in out


def test_copy_refuses_a_destination_that_is_not_empty(
    folder: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "copy", str(folder), pg_url)[0] == 0
    code, out, err = run(capsys, "copy", str(folder), pg_url)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "empty" in err
    code, _, err = run(capsys, "copy", pg_url, str(folder))
    assert code == 1 and len(err.strip().splitlines()) == 1


def test_a_reading_command_on_an_empty_schema_creates_nothing(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "tasks", pg_url)
    assert code == 1 and "found none" in err
    code, _, err = run(capsys, "verify", pg_url)
    assert code == 1 and "found none" in err
