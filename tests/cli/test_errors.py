"""Every mistake on the ``cchc`` command line is one line on stderr and exit status 1 (2
for a tampered store), never a traceback: a missing store, an unknown id, a bad year, a
bad date, a misspelt command, an unexpected failure. Also ``cchc init`` and ``cchc
config``."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

import cchc_tasks as ct
from cchc_tasks import cli
from cchc_tasks.cli import main
from cchc_tasks.store import is_store_folder

from ..helpers import run_cli as run

D = dt.date


def one_line_error(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("cchc"), err
    assert "Traceback" not in err
    return err


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district"))
        tr.add_person(ct.Person(id="lan", name="Lan", unit="huyen"))
        tr.add_plan(
            ct.Plan(id="kh", title="KH", unit="huyen", start=D(2025, 1, 1), end=D(2025, 12, 31))
        )
        tr.add_task(ct.Task(id="t1", plan="kh", title="Việc", unit="huyen", due=D(2025, 3, 31)))
    return folder


#: Every command that reads or writes a store, called on ``STORE`` with what it needs.
ON_A_STORE = {
    "tasks": ["tasks", "STORE"],
    "units": ["units", "STORE"],
    "verify": ["verify", "STORE"],
    "history": ["history", "STORE", "t1"],
    "log": ["log", "STORE"],
    "backup": ["backup", "STORE", "DEST"],
    "report": ["report", "STORE", "2025", "--out", "OUT", "--no-plots"],
    "export": ["export", "STORE", "--json", "OUT/store.json"],
    "config": ["config", "show", "STORE"],
    "copy": ["copy", "STORE", "DEST"],
    "account": ["account", "STORE", "lan", "--role", "viewer", "--password-stdin"],
    "survey": ["survey", "codes", "STORE", "--unit", "huyen", "--count", "1", "--out", "OUT/c.csv"],
    "serve": ["serve", "STORE", "--port", "0"],
    "unit": [
        "unit",
        "add",
        "STORE",
        "xa",
        "--name",
        "Xã",
        "--kind",
        "commune",
        "--parent",
        "huyen",
    ],
    "person": ["person", "add", "STORE", "hoa", "--name", "Hoa"],
    "head": ["head", "appoint", "STORE", "huyen", "lan", "--from", "01/01/2025"],
    "plan": [
        "plan",
        "add",
        "STORE",
        "kh2",
        "--title",
        "KH",
        "--unit",
        "huyen",
        "--from",
        "01/01/2025",
        "--to",
        "31/12/2025",
    ],
    "target": [
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
    "task": ["task", "complete", "STORE", "t1", "--on", "31/03/2025"],
    "result": [
        "result",
        "record",
        "STORE",
        "huyen",
        "2025",
        "--indicator",
        "PAR_INDEX",
        "--value",
        "80",
    ],
    "assessment": ["assessment", "record", "STORE", "lan", "2025", "--points", "25"],
    "discipline": ["discipline", "record", "STORE", "lan", "--on", "01/03/2025", "--reason", "X"],
    "absence": ["absence", "record", "STORE", "lan", "--from", "01/03/2025", "--to", "02/03/2025"],
    "overdue": ["overdue", "STORE", "--as-of", "01/06/2025"],
    "due-soon": ["due-soon", "STORE", "--as-of", "01/03/2025", "--within", "31"],
    "reminders": ["reminders", "STORE", "--as-of", "01/06/2025"],
    "explain": ["explain", "STORE", "2025", "huyen", "--as-of", "31/12/2025"],
}
#: Commands that do not return once they run (the web server: tests/web covers it).
SERVERS = {"serve"}


def fill(args: list[str], store: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    names = {"STORE": str(store), "DEST": str(tmp_path / "copy"), "OUT": str(out)}
    return [names.get(a, a.replace("OUT", str(out))) for a in args]


def test_every_store_command_is_covered() -> None:
    """A new command that takes a store must be added above."""
    takes_no_store = {"demo", "plugins", "restore", "import", "init"}
    assert set(cli.commands()) - takes_no_store == set(ON_A_STORE)


@pytest.mark.parametrize("command", list(ON_A_STORE))
def test_a_missing_store_is_one_line(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing-here"
    code, out, err = run(capsys, *fill(ON_A_STORE[command], missing, tmp_path))
    assert (code, out) == (1, "")
    assert "expected a store folder" in one_line_error(err)
    assert not missing.exists()  # a command that reads never creates a store


@pytest.mark.parametrize("command", [c for c in ON_A_STORE if c not in SERVERS])
def test_each_store_command_runs(
    command: str,
    store: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-rat-dai-2025\n"))  # cchc account
    code, _, _ = run(capsys, *fill(ON_A_STORE[command], store, tmp_path))
    assert code == 0


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["tasks", "STORE", "--unit", "huyenn"], "cchc: --unit: "),
        (["tasks", "STORE", "--plan", "kh2"], "cchc: --plan: "),
        (["tasks", "STORE", "--assignee", "lann"], "cchc: --assignee: "),
        (["units", "STORE", "--parent", "huyenn"], "cchc: --parent: "),
        (["history", "STORE", "t404"], "cchc: ID: "),
        (["export", "STORE", "--tasks", "OUT/t.csv", "--plan", "kh2"], "cchc: --plan: "),
        (["report", "STORE", "20244", "--out", "OUT"], "cchc: YEAR: evaluate.year: "),
        (["report", "STORE", "2025", "--out", "OUT", "--as-of", "01/06/2024"], "cchc: --as-of: "),
        (["export", "STORE", "--evaluation", "20244", "OUT/e.xlsx"], "cchc: --evaluation YEAR: "),
        (["tasks", "STORE", "--due-from", "32/01/2025"], "cchc tasks: argument --due-from: "),
        (["log", "STORE", "--since", "2025-13-01"], "cchc log: argument --since: "),
        (["report", "STORE", "20x4"], "cchc report: argument YEAR: "),
        (["config", "plugins", "STORE", "cchc_dong_thapp"], "cchc: configure.plugins: "),
        (["config", "set", "STORE", "OUT/none.toml"], "cchc config set: "),
    ],
)
def test_a_mistake_is_one_line_naming_the_option(
    args: list[str], option: str, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p.name: p.read_bytes() for p in store.iterdir() if p.is_file()}
    code, out, err = run(capsys, *fill(args, store, tmp_path))
    assert (code, out) == (1, "")
    assert one_line_error(err).startswith(option)
    after = {p.name: p.read_bytes() for p in store.iterdir() if p.is_file()}
    assert after["journal.jsonl"] == before["journal.jsonl"]


def test_a_misspelt_command_gets_the_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "reprot", "STORE", "2025")
    assert code == 1
    assert "did you mean 'report'?" in one_line_error(err)


def test_a_day_first_date_is_the_same_date(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    iso = run(capsys, "tasks", str(store), "--due-from", "2025-03-31", "--format", "json")
    day_first = run(capsys, "tasks", str(store), "--due-from", "31/03/2025", "--format", "json")
    assert iso == day_first and json.loads(iso[1])[0]["id"] == "t1"


def test_an_unexpected_failure_is_one_line_with_a_hint(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(ct.Tracker, "units", broken)
    code, out, err = run(capsys, "units", str(store))
    assert (code, out) == (1, "")
    assert one_line_error(err) == (
        "cchc: lỗi ngoài dự kiến: ZeroDivisionError: division by zero "
        "(chạy lại với --debug để xem chi tiết lỗi)\n"
    )
    monkeypatch.setenv(cli.LANG_ENV, "en")
    assert one_line_error(run(capsys, "units", str(store))[2]) == (
        "cchc: unexpected error: ZeroDivisionError: division by zero "
        "(rerun with --debug for the traceback)\n"
    )
    with pytest.raises(ZeroDivisionError):
        main(["units", str(store), "--debug"])


def test_init_creates_a_store_and_refuses_to_take_over_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "new"
    assert run(capsys, "init", str(folder))[0] == 0
    assert is_store_folder(folder)
    with ct.Tracker.open(folder, create=False) as tr:
        assert tr.seq == 0 and tr.verify().ok
    code, _, err = run(capsys, "init", str(folder))
    assert code == 1 and "đã là một kho dữ liệu" in one_line_error(err)
    code, _, err = run(capsys, "init", str(folder), "--lang", "en")
    assert code == 1 and "is a store already" in one_line_error(err)
    other = tmp_path / "photos"
    other.mkdir()
    (other / "a.jpg").write_bytes(b"\xff\xd8")
    code, _, err = run(capsys, "init", str(other))
    assert code == 1 and "other files" in one_line_error(err)
    assert sorted(p.name for p in other.iterdir()) == ["a.jpg"]


def test_config_set_show_and_plugins(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    toml = tmp_path / "tinh.toml"
    toml.write_text('province = "Đồng Tháp"\n[bands]\nexcellent = 92\n', encoding="utf-8")
    assert run(capsys, "config", "set", str(store), str(toml), "--note", "QĐ 1")[0] == 0
    code, out, _ = run(capsys, "config", "show", str(store), "--format", "json")
    shown = json.loads(out)
    assert shown["config"] == {"province": "Đồng Tháp", "bands": {"excellent": 92}}
    assert shown["note"] == "QĐ 1" and shown["plugins"] == {}
    assert run(capsys, "config", "plugins", str(store), "cchc_dong_thap")[0] == 0
    with ct.Tracker.open(store) as tr:
        assert dict(tr.configuration().plugins) == {"cchc_dong_thap": "0.1.0"}
        assert tr.config(2025).bands.excellent == 92  # the store's own numbers win
    bad = tmp_path / "bad.toml"
    bad.write_text("[bandz]\nexcellent = 92\n", encoding="utf-8")
    code, _, err = run(capsys, "config", "set", str(store), str(bad))
    assert code == 1 and "bandz" in one_line_error(err)


def test_an_error_speaks_the_language_of_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Vietnamese by default, English with --lang en or CCHC_LANG=en; the same line."""
    store = str(tmp_path / "store")
    assert main(["init", store]) == 0
    capsys.readouterr()
    args = ["task", "complete", store, "khong-co", "--on", "15/06/2024"]
    assert main(args) == 1
    vietnamese = capsys.readouterr().err
    assert main([*args, "--lang", "en"]) == 1
    english = capsys.readouterr().err
    monkeypatch.setenv(cli.LANG_ENV, "en")
    assert main(args) == 1
    assert capsys.readouterr().err == english
    assert "cần mã của một nhiệm vụ đã có, nhận được 'khong-co'" in vietnamese
    assert "expected the id of an existing task, got 'khong-co'" in english
