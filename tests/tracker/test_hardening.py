"""Issue 14 through the tracker and the command line: imports that never overwrite,
checked actors, notes and texts, cells that cannot run as formulas, bounded workbooks and
CSV files, survey numbers. Each failure leaves the journal and snapshot bytes as they were.

The fuzz at the end sends arbitrary text and numbers through every public write method:
each call either succeeds or raises a CchcError, and the store verifies afterwards.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import inspect
import json
import math
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.annex import read_annex
from cchc_tasks.cli import main
from cchc_tasks.errors import StoreImportError
from cchc_tasks.exports import export_evaluation, export_store_json, export_tasks
from cchc_tasks.surveys import SurveyResponse

from ..helpers import store_files, unchanged
from .test_audit import SETUP, WRITES, seed, task

D = dt.date
openpyxl = pytest.importorskip("openpyxl")


def plan(id: str) -> ct.Plan:
    return ct.Plan(id=id, title="Kế hoạch", unit="huyen", start=D(2025, 1, 1), end=D(2025, 12, 31))


def base(tr: ct.Tracker) -> ct.Tracker:
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district"))
    tr.add_person(ct.Person(id="lan", name="Lan", unit="huyen"))
    tr.add_plan(plan("kh"))
    tr.record_result(ct.Result(indicator="PAR_INDEX", unit="huyen", year=2025, value=80.0))
    tr.record_assessment("lan", 2025, 20.0, by="chu-tich")
    return tr


@pytest.fixture
def disk(tmp_path: Path) -> ct.Tracker:
    tr = base(ct.Tracker.open(tmp_path / "store", load_entrypoints=False))
    tr.close()
    return ct.Tracker.open(tmp_path / "store", load_entrypoints=False)


# -- item 3: importing never changes an existing object -----------------------------------------


def test_importing_an_existing_result_or_assessment_is_refused(disk: ct.Tracker) -> None:
    docs = disk.to_documents()
    result = {**docs["results"][0], "value": 10.0}
    assessment = {**docs["assessments"][0], "general_points": 1.0}
    for tables in ({"results": [result]}, {"assessments": [assessment]}):
        error = unchanged(disk, lambda t=tables: disk.import_documents(t), StoreImportError)
        assert "an import never changes an existing object" in str(error)
    assert disk.results()[0].value == 80.0


def test_cchc_import_of_an_existing_result_exits_1_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "store"
    base(ct.Tracker.open(folder, load_entrypoints=False)).close()
    export = tmp_path / "all.json"
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        export_store_json(tr, export)
    data = json.loads(export.read_text("utf-8"))
    data["tables"] = {"results": [{**data["tables"]["results"][0], "value": 10.0}]}
    export.write_text(json.dumps(data), "utf-8")
    before = store_files(folder)
    assert main(["import", str(folder), str(export)]) == 1
    assert "PAR_INDEX" in capsys.readouterr().err
    assert store_files(folder) == before


def test_an_object_twice_in_one_file_is_refused(memory_tracker: ct.Tracker) -> None:
    unit = {"id": "xa", "name": "Xã", "kind": "commune"}
    with pytest.raises(StoreImportError, match="once, got it twice"):
        memory_tracker.import_documents({"units": [unit, {**unit, "name": "Khác"}]})


# -- item 5: actor, note, text --------------------------------------------------------------


@pytest.mark.parametrize(
    "actor", ["chu-tich\nseq 99 2025-01-01 by chu-tich", math.nan, ["a"], {"a": 1}, 3, "x" * 101]
)
def test_an_actor_must_be_one_printable_line(disk: ct.Tracker, actor: Any) -> None:
    error = unchanged(
        disk,
        lambda: disk.add_unit(ct.Unit(id="xa", name="Xã", kind="commune"), actor=actor),
        ct.ValidationError,
    )
    assert error.field == "actor"  # type: ignore[attr-defined]
    with pytest.raises(ct.ValidationError):
        disk.actor = actor


@pytest.mark.parametrize("note", [["a"], {"a": 1}, 3, math.nan, "x\ud800", "x" * 20_001])
def test_a_note_must_be_bounded_valid_text(disk: ct.Tracker, note: Any) -> None:
    error = unchanged(
        disk,
        lambda: disk.add_unit(ct.Unit(id="xa", name="Xã", kind="commune"), note=note),
        ct.ValidationError,
    )
    assert error.field == "note"  # type: ignore[attr-defined]


def test_a_lone_surrogate_or_a_huge_text_anywhere_is_refused(disk: ct.Tracker) -> None:
    task = ct.Task(id="t", plan="kh", title="ok", unit="huyen", due=D(2025, 6, 1))
    disk.add_task(task)
    for n, text in enumerate(("Nhiệm vụ \udc80", "x" * 300_000)):
        fields = {**task_fields(task), "id": f"t{n}", "title": text}
        unchanged(disk, lambda f=fields: disk.add_task(ct.Task(**f)), ct.ValidationError)
        # a nested text: the report's own check names it
        with pytest.raises(ct.ValidationError) as info:
            ct.ProgressReport(on=D(2025, 3, 1), percent=10, note="ok", evidence=(text,))
        assert info.value.field == "ProgressReport.evidence"


def task_fields(task: ct.Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "plan": task.plan,
        "title": task.title,
        "unit": task.unit,
        "due": task.due,
    }


def test_history_cannot_be_forged_through_the_actor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "store"
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        base(tr)
        with pytest.raises(ct.ValidationError):
            tr.add_unit(ct.Unit(id="xa", name="Xã", kind="commune"), actor="a\nseq 99 by chu-tich")
    assert main(["history", str(folder), "huyen"]) == 0
    assert "seq 99" not in capsys.readouterr().out


# -- item 4: no live formulas ----------------------------------------------------------------

EVIL = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


def formula_tracker() -> ct.Tracker:
    tr = ct.Tracker.memory(load_entrypoints=False)
    tr.add_unit(ct.Unit(id="huyen", name="=1+1", kind="district"))
    tr.add_plan(plan("kh"))
    for n, title in enumerate(EVIL):
        tr.add_task(ct.Task(id=f"t{n}", plan="kh", title=title, unit="huyen", due=D(2025, 6, 1)))
    return tr


def test_no_exported_xlsx_cell_is_a_formula(tmp_path: Path) -> None:
    tr = formula_tracker()
    export_tasks(tr, tmp_path / "t.xlsx")
    export_evaluation(tr.evaluate(2025, as_of=D(2025, 12, 31)), tmp_path / "e.xlsx")
    for name in ("t.xlsx", "e.xlsx"):
        book = openpyxl.load_workbook(tmp_path / name)
        cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        texts = {c.value for c in cells}
        if name == "t.xlsx":
            assert set(EVIL) <= texts and "=1+1" in texts


def test_no_exported_csv_cell_starts_a_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tr = formula_tracker()
    export_tasks(tr, tmp_path / "t.csv")
    with open(tmp_path / "t.csv", encoding="utf-8-sig", newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert {"'" + e for e in EVIL} <= set(cells)
    folder = tmp_path / "store"
    tr.backup(folder)
    assert main(["tasks", str(folder), "--format", "csv"]) == 0
    rows = list(csv.reader(capsys.readouterr().out.splitlines()))
    assert not [c for row in rows for c in row if c[:1] in ("=", "+", "@")]


def test_a_neutralised_csv_reads_back_as_the_same_text(tmp_path: Path) -> None:
    tr = formula_tracker()
    export_tasks(tr, tmp_path / "t.csv")
    again = ct.Tracker.memory(load_entrypoints=False)
    again.add_unit(ct.Unit(id="huyen", name="=1+1", kind="district"))
    again.add_plan(plan("kh2"))
    tasks = read_annex(tmp_path / "t.csv", again, "kh2")
    assert sorted(t.title for t in tasks) == sorted(EVIL)


# -- items 7 and 9: bounded workbooks and CSV files -------------------------------------------


def far_cell_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "STT"
    ws["XFD1048576"] = "x"
    book.save(path)
    return path


def huge_string_workbook(path: Path) -> Path:
    """A 40 MB string in under 100 KB of zip (openpyxl cuts what it writes itself)."""
    book = openpyxl.Workbook()
    book.active["A1"] = "x" * 100
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"x" * 100, b"x" * (40 << 20))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for name, data in parts.items():
            bomb.writestr(name, data)
    return path


@pytest.mark.parametrize("make", [far_cell_workbook, huge_string_workbook])
def test_a_workbook_bomb_is_refused_before_memory_grows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], Path]
) -> None:
    folder = tmp_path / "store"
    base(ct.Tracker.open(folder, load_entrypoints=False)).close()
    bomb = make(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 1 << 20 and zipfile.is_zipfile(bomb)
    before = store_files(folder)
    code = main(["import", str(folder), str(bomb), "--plan", "kh"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "at most" in err
    assert store_files(folder) == before


@pytest.mark.parametrize(
    "data",
    [
        "Mã phiếu,Đối tượng\rP1,Người dân\r".encode(),
        b"\x00\x01\x02PK\x03\x04" * 100,
        ("Mã phiếu,Đối tượng\nP1," + "x" * 140_000 + "\n").encode(),
    ],
    ids=["cr-only", "binary", "huge-field"],
)
def test_a_bad_csv_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes
) -> None:
    folder = tmp_path / "store"
    base(ct.Tracker.open(folder, load_entrypoints=False)).close()
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    before = store_files(folder)
    code = main(["import", str(folder), str(path), "--plan", "kh"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and err.count("\n") >= 1
    with ct.Tracker.open(folder, load_entrypoints=False) as tr, pytest.raises(ct.CchcError):
        tr.import_survey(path)
    assert store_files(folder) == before


# -- item 11: survey numbers ----------------------------------------------------------------


@pytest.mark.parametrize("rid", ["P\x001", "P\n1", "x" * 70])
def test_a_survey_number_is_bounded_printable_text(memory_tracker: ct.Tracker, rid: str) -> None:
    base(memory_tracker)
    with pytest.raises(ct.ValidationError, match="SurveyResponse.id"):
        SurveyResponse(rid, "citizen", "huyen", "", D(2025, 3, 1), {"access": 5})
    header = "Mã phiếu,Đối tượng,Đơn vị,Ngày,Tiếp cận dịch vụ\n"
    text = header + f'"{rid}",Người dân,huyen,01/03/2025,5\n'
    unchanged(memory_tracker, lambda: memory_tracker.import_survey(text), ct.CchcError)


# -- the fuzz: every public write, arbitrary text and numbers -------------------------------

TEXTS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\ud800", "a\nb", "\x00", "x" * 20_001, "=1+1", " ", ""]),
)
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([math.nan, math.inf, -math.inf, 10**400]),
)
ANY = st.one_of(TEXTS, NUMBERS, st.none(), st.lists(st.integers(), max_size=2))


def _fuzzed(value: Any, draw: Callable[[st.SearchStrategy[Any]], Any]) -> Any:
    """``value`` with its text and numbers replaced, at random, by drawn ones; an attrs
    object is rebuilt with some of its fields fuzzed (its validators run again)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return draw(TEXTS) if draw(st.booleans()) else value
    if isinstance(value, int | float):
        return draw(NUMBERS) if draw(st.booleans()) else value
    if attrs.has(type(value)):
        changes = {
            f.alias or f.name: _fuzzed(getattr(value, f.name), draw)
            for f in attrs.fields(type(value))
            if f.init and isinstance(getattr(value, f.name), str | int | float)
        }
        return attrs.evolve(value, **changes)
    return value


class Fuzzing:
    """A tracker whose write methods' arguments are fuzzed on the way in."""

    def __init__(self, tr: ct.Tracker, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self.tr = tr
        self.draw = draw

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.tr, name)
        if not callable(method):
            return method

        takes = inspect.signature(method).parameters

        def call(*args: Any, **kwargs: Any) -> Any:
            args = tuple(_fuzzed(a, self.draw) for a in args)
            kwargs = {k: _fuzzed(v, self.draw) for k, v in kwargs.items()}
            for name in ("actor", "note"):
                if name in takes:
                    kwargs[name] = self.draw(st.one_of(st.none(), ANY))
            return method(*args, **kwargs)

        return call


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.sampled_from(sorted(WRITES)), st.data())
def test_every_write_either_succeeds_or_raises_a_cchc_error_and_the_store_verifies(
    method: str, data: st.DataObject
) -> None:
    live = ct.Tracker.memory(load_entrypoints=False)
    seed(live)
    live.add_task(task("t1"))
    live.add_task(task("t2"))
    live.complete_task("t1", on=D(2024, 6, 1), actor="lan")
    if method in SETUP:
        SETUP[method](live)
    documents = copy.deepcopy(live.to_documents())
    seq = live.seq
    try:
        WRITES[method](Fuzzing(live, data.draw))  # type: ignore[arg-type]
    except ct.CchcError:
        assert live.seq == seq and live.to_documents() == documents
    assert live.verify().ok
    for entry in live.entries():
        assert entry.actor is None or (isinstance(entry.actor, str) and entry.actor.isprintable())
        assert entry.note is None or isinstance(entry.note, str)
