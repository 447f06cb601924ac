"""The Tân Hồng demo, end to end: the example store, six evaluations (2021–2026, across the
reform of 1 July 2025), the printed report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import cchc_tasks as ct
from cchc_tasks.cli import main
from cchc_tasks.examples import COMMUNES, NEW_COMMUNES, OFFICES, REFORM_DAY, YEARS
from cchc_tasks.i18n import render
from cchc_tasks.reports import text_report

D = dt.date
BEFORE_THE_REFORM = range(2021, 2026)


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
    ratings = {r.rating for year in BEFORE_THE_REFORM for r in demo.evaluate(year).ratings}
    assert {ct.Rating.NOT_COMPLETED, ct.Rating.COMPLETED, ct.Rating.GOOD} <= ratings
    assert ct.Rating.EXCELLENT in ratings


def test_the_disciplined_head_is_khtnv_in_2023(demo: ct.Tracker) -> None:
    (record,) = demo.disciplines()
    r = demo.evaluate(2023).leaders[record.person]
    assert r.rating is ct.Rating.NOT_COMPLETED
    assert r.caps[0].reason.rule == "decree48.discipline"


SEPTEMBER_CHANGES = ("xa-an-phuoc", "xa-tan-thanh")


def test_the_change_of_head_in_2022_rates_one_and_not_the_other(demo: ct.Tracker) -> None:
    """The head who retired on 30 April worked four months: not rated (still reviewed);
    the successor, in the service all year, is rated on the unit's whole year."""
    ev = demo.evaluate(2022)
    tu_phap = sorted((r for r in ev.ratings if r.unit == "tu-phap"), key=lambda r: r.months)
    assert [r.rating is None for r in tu_phap] == [True, False]
    assert tu_phap[0].reasons[0].rule == "decree90.working-time"
    assert tu_phap[1].months == 12.0


def test_absence_maternity_promotion_transfer_undecided_and_quota(demo: ct.Tracker) -> None:
    absent = demo.evaluate(2024).leaders[demo.headships("vh-tt")[0].person]
    assert [c.reason.rule for c in absent.caps] == ["decree90.absence"]
    mother = demo.evaluate(2023).leaders[demo.headships("tan-thanh-a")[0].person]
    assert mother.months < 6 and mother.rating is not None and not mother.caps
    assert mother.reasons[0].rule == "decree90.maternity"
    ev = demo.evaluate(2025)
    promoted = demo.headships("xa-an-phuoc")[-1].person
    assert ev.leaders[promoted].unit == "xa-an-phuoc" and ev.leaders[promoted].months == 12.0
    transferred = demo.headships("xa-tan-thanh")[-1].person
    moved = ev.leaders[transferred]
    assert [p.unit for p in moved.posts] == ["xa-an-phuoc", "xa-tan-thanh"]
    assert moved.undecided == (ct.Rating.NOT_COMPLETED, ct.Rating.COMPLETED)
    kinds = {r.kind for r in ev.recommendations}
    assert {"decide", "quota"} <= kinds


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
    assert main(["demo", "--store", str(store)]) == 1  # will not overwrite a store


# -- the deadline across Tết and the 2025 reform ---------------------------------------------


def test_a_deadline_of_ten_working_days_spans_tet(demo: ct.Tracker) -> None:
    report = demo.task("t-2025-tet")
    assert report.deadline is not None
    assert (report.deadline.start, report.deadline.working_days) == (D(2025, 1, 20), 10)
    assert report.due == report.deadline.due == D(2025, 2, 10)
    assert report.deadline.is_current(demo.calendar())


def test_the_district_becomes_four_communes_on_1_july_2025(demo: ct.Tracker) -> None:
    assert D(2025, 7, 1) == REFORM_DAY
    new = {uid: sources for uid, _, sources in NEW_COMMUNES}
    assert new == {
        "xa-tan-hong": ("sa-rai", "tan-cong-chi", "binh-phu"),
        "xa-tan-thanh": ("thong-binh", "tan-thanh-a"),
        "xa-tan-ho-co": ("tan-ho-co", "tan-thanh-b"),
        "xa-an-phuoc": ("an-phuoc", "tan-phuoc"),
    }
    offices = {uid for uid, _ in OFFICES}
    for uid, sources in new.items():
        commune = demo.unit(uid)
        assert (commune.kind, commune.parent, commune.valid_from) == (
            "commune",
            "tinh-dong-thap",
            REFORM_DAY,
        )
        merged = {u.id for u in demo.predecessors(uid) if u.successors == (uid,)}
        assert merged == set(sources) | (offices if uid == "xa-tan-hong" else set())
        head = demo.headships(uid)[0]
        assert head.start == REFORM_DAY
        assert head.end == (D(2025, 9, 14) if uid in SEPTEMBER_CHANGES else None)
    district = demo.unit("huyen")
    assert district.valid_to == D(2025, 6, 30)
    assert district.successors == tuple(new)
    ended = [demo.unit(uid) for uid, _, _ in COMMUNES] + [demo.unit(uid) for uid in offices]
    assert all(u.valid_to == D(2025, 6, 30) for u in ended)
    assert all(h.end == D(2025, 6, 30) for u in ended for h in demo.headships(u.id)[-1:])
    in_force = {u.id for u in demo.units_on(REFORM_DAY)}
    assert in_force == {"tinh-dong-thap", *new}


def test_2025_tasks_of_the_old_units_fall_due_before_july_and_the_new_ones_after(
    demo: ct.Tracker,
) -> None:
    new = {uid for uid, _, _ in NEW_COMMUNES}
    tasks = demo.tasks_due_in(2025)
    assert all(t.due < REFORM_DAY for t in tasks if t.unit not in new)
    assert all(t.due >= REFORM_DAY for t in tasks if t.unit in new)
    moved = demo.task("t-2025-nam-huyen")  # a district task the split gave to Tân Hồng
    assert moved.unit == "xa-tan-hong" and moved.status is ct.TaskStatus.DONE
    assert demo.task("t-2025-nam-tan-thanh-b").unit == "xa-tan-ho-co"
    quarterly = demo.occurrences("bc-quy-xa-an-phuoc")
    assert [t.due.year for t in quarterly] == [2025, 2025, 2026, 2026, 2026, 2026]
    (inspection,) = demo.inspections(unit="tn-mt")
    assert demo.task(inspection.follow_up[0]).status is ct.TaskStatus.DONE


def test_the_2025_evaluation_straddles_the_reform(demo: ct.Tracker) -> None:
    ev = demo.evaluate(2025)
    assert {"huyen", "thong-binh", "xa-tan-hong"} <= set(ev.units)
    # Working time in the year, not time in one post: every head is rated or undecided.
    assert all(r.rating is not None or r.undecided is not None for r in ev.ratings)
    # The district chairman heads the new Tân Hồng commune: rated once, by the new unit.
    chairman = demo.headships("huyen")[0].person
    assert [r.unit for r in ev.ratings if r.person == chairman] == ["xa-tan-hong"]
    assert [p.unit for p in ev.leaders[chairman].posts] == ["huyen", "xa-tan-hong"]
    report = text_report(ev)
    assert "Unit changes / Sắp xếp đơn vị" in report
    assert (
        "UBND huyện Tân Hồng (huyen): until 30/06/2025 → UBND xã Tân Hồng (xa-tan-hong)" in report
    )
    assert "UBND xã An Phước (từ 01/07/2025)" in report


def test_2026_is_a_year_of_the_four_communes_under_decree_335(demo: ct.Tracker) -> None:
    ev = demo.evaluate(2026, as_of=D(2026, 12, 31))
    assert ev.ruleset is not None and ev.ruleset.name == "decree335"
    assert set(ev.units) == {"tinh-dong-thap", *(uid for uid, _, _ in NEW_COMMUNES)}
    assert {r.unit for r in ev.ratings} == {uid for uid, _, _ in NEW_COMMUNES}
    assert all(r.rating is not None and r.ruleset == "decree335" for r in ev.ratings)
    assert all(r.reasons[-1].rule == "decree335.score" for r in ev.ratings)
    for tid in ("par", "papi", "sipas", "dti"):
        assert ev.targets[tid].outcome is ct.Outcome.NOT_APPLICABLE
        reason = ev.targets[tid].reason
        assert str(reason).startswith("unit UBND huyện Tân Hồng ended on 2025-06-30")
        assert render(reason, "vi").startswith(
            "đơn vị UBND huyện Tân Hồng đã chấm dứt hoạt động từ ngày 30/06/2025"
        )
    tan_hong = ev.targets["par-xa-tan-hong"]
    assert tan_hong.facts is not None and tan_hong.facts.of == 102
    # 2025 has the commune's own index, computed from its scorecard and surveys: it is
    # the previous year now, not the mean of the merged units.
    (own_2025,) = demo.results(indicator="PAR_INDEX", unit="xa-tan-hong", year=2025)
    assert own_2025.source.startswith("computed on")
    assert tan_hong.facts.previous == pytest.approx(own_2025.value)
    assert tan_hong.outcome is ct.Outcome.PASS
    first = demo.evaluate(2025).targets["par-xa-tan-hong"]
    # 2024 came from the merged units
    assert "succession policy 'mean'" in str(first.reason)
    assert "cách tính khi sắp xếp đơn vị: trung bình cộng" in render(first.reason, "vi")
    assert ev.targets["par-xa-an-phuoc"].outcome is ct.Outcome.FAIL
    assert "Nghị định 335/2025/NĐ-CP" in text_report(ev)


def test_the_reform_leaves_the_2024_evaluation_as_it_was(demo: ct.Tracker) -> None:
    (reform,) = [e for e in demo.entries() if e.note and e.note.startswith("Sắp xếp đơn vị")]
    (time,) = [e for e in demo.entries() if e.note == "Thời gian công tác trong năm"]
    before = demo.as_of(reform.seq - 1).evaluate(2024)
    after = demo.as_of(time.seq - 1).evaluate(2024)  # before the 2024 absence is recorded

    def units(ev: ct.Evaluation) -> dict[str, object]:
        return {
            uid: (u.facts.describe(), u.score, u.band, u.rank, u.of) for uid, u in ev.units.items()
        }

    assert units(after) == units(before)
    assert [(r.person, r.unit, r.rating, r.reasons) for r in after.ratings] == [
        (r.person, r.unit, r.rating, r.reasons) for r in before.ratings
    ]
    for tid, result in before.targets.items():
        assert (after.targets[tid].outcome, after.targets[tid].reason) == (
            result.outcome,
            result.reason,
        )
