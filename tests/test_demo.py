"""The Tân Hồng demo, end to end: the example store, five evaluations, the printed report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import cchc_tasks as ct
from cchc_tasks.cli import main
from cchc_tasks.examples import COMMUNES, OFFICES, YEARS


@pytest.fixture(scope="module")
def demo() -> ct.Tracker:
    tr = ct.Tracker.memory(load_entrypoints=False)
    ct.examples.tan_hong(tr)
    return tr


def test_the_demo_has_the_real_units_of_tan_hong(demo: ct.Tracker) -> None:
    names = {u.name for u in demo.units()}
    assert {
        "UBND huyện Tân Hồng",
        "UBND thị trấn Sa Rài",
        "UBND xã Tân Hộ Cơ",
        "UBND xã An Phước",
    } <= names
    assert len(demo.units(parent="huyen")) == len(OFFICES) + len(COMMUNES) == 19
    assert len(COMMUNES) == 9  # thị trấn Sa Rài and the eight communes


def test_the_demo_is_deterministic() -> None:
    a, b = ct.Tracker.memory(), ct.Tracker.memory()
    ct.examples.tan_hong(a)
    ct.examples.tan_hong(b)
    assert a.to_documents() == b.to_documents()


def test_tasks_cover_every_field_and_every_outcome(demo: ct.Tracker) -> None:
    tasks = demo.tasks()
    assert {t.field for t in tasks} == set(ct.Field)
    outcomes = set()
    for year in YEARS:
        ev = demo.evaluate(year)
        outcomes |= {o for u in ev.units.values() for o in u.facts.outcomes.values()}
    assert {
        ct.TaskOutcome.ON_TIME,
        ct.TaskOutcome.LATE,
        ct.TaskOutcome.OVERDUE,
        ct.TaskOutcome.CANCELLED,
    } <= outcomes
    assert any(t.exceeded for t in tasks)


def test_five_years_show_at_least_three_ratings_including_khtnv(demo: ct.Tracker) -> None:
    ratings = {r.rating for year in YEARS for r in demo.evaluate(year).ratings}
    assert {ct.Rating.NOT_COMPLETED, ct.Rating.COMPLETED, ct.Rating.GOOD} <= ratings
    assert ct.Rating.EXCELLENT in ratings


def test_the_disciplined_head_is_khtnv_in_2023(demo: ct.Tracker) -> None:
    (record,) = demo.disciplines()
    r = demo.evaluate(2023).leaders[record.person]
    assert r.rating is ct.Rating.NOT_COMPLETED
    assert r.caps[0].reason.rule == "decree48.discipline"


def test_the_change_of_head_in_2022_rates_one_and_not_the_other(demo: ct.Tracker) -> None:
    ev = demo.evaluate(2022)
    tu_phap = sorted((r for r in ev.ratings if r.unit == "tu-phap"), key=lambda r: r.months)
    assert [r.rating is None for r in tu_phap] == [True, False]
    assert tu_phap[1].rating is not None and tu_phap[1].rating <= ct.Rating.COMPLETED


def test_the_seed_plan_targets_are_judged(demo: ct.Tracker) -> None:
    outcomes = {
        (year, tid): r.outcome for year in YEARS for tid, r in demo.evaluate(year).targets.items()
    }
    assert outcomes[(2021, "par")] is ct.Outcome.PASS  # +5.5%
    assert outcomes[(2022, "par")] is ct.Outcome.FAIL
    assert outcomes[(2021, "papi")] is ct.Outcome.NOT_MEASURED
    assert outcomes[(2025, "sipas")] is ct.Outcome.FAIL  # 90.0 is not above 90
    assert outcomes[(2024, "dti")] is ct.Outcome.NOT_APPLICABLE
    assert outcomes[(2025, "dti")] is ct.Outcome.PASS


def test_make_demo_prints_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "tan-hong"
    assert main(["demo", "--store", str(store), "--explain", "p001"]) == 0
    out = capsys.readouterr().out
    for year in YEARS:
        assert f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ CCHC NĂM {year}" in out
    assert "HTXSNV" in out and "KHTNV" in out and "Recommendations" in out
    assert "final rating:" in out
    with ct.Tracker.open(store) as tr:
        assert len(tr.tasks()) > 400 and tr.evaluate(2024).as_of == dt.date(2024, 12, 31)
    assert main(["demo", "--store", str(store)]) == 2  # will not overwrite a store
