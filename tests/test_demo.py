"""The Tân Hồng demo, end to end: the example store, six evaluations (2021–2026, across the
reform of 1 July 2025), the printed report."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import pytest

import cchc_tasks as ct
from cchc_tasks import reports
from cchc_tasks.cli import main
from cchc_tasks.examples import (
    COMMUNES,
    DEMO_AS_OF,
    NEW_COMMUNES,
    OFFICES,
    REFORM_DAY,
    YEARS,
    demo_as_of,
    needs_attention,
    year_summary,
)
from cchc_tasks.i18n import render
from cchc_tasks.labels import t
from cchc_tasks.notebook import unit_result_html
from cchc_tasks.reports import text_report
from cchc_tasks.tables import deciding_reasons, ordered_units, overdue_tasks, units_table

from .doc_examples import fenced_blocks
from .helpers import english_in

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


def test_make_demo_prints_a_summary_of_each_year_and_writes_the_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "tan-hong"
    assert main(["demo", "--store", str(store), "--no-plots", "--explain", "p001"]) == 0
    out = capsys.readouterr().out
    folder = tmp_path / "tan-hong-reports"
    for year in YEARS:
        date = "14/12/2026" if year == YEARS[-1] else f"31/12/{year}"
        assert f"NĂM {year} — số liệu tính đến ngày {date} — Nghị định" in out
        md, html = folder / f"bao-cao-cchc-{year}.md", folder / f"bao-cao-cchc-{year}.html"
        assert f"  Báo cáo đầy đủ: {md}; {html}\n" in out
        assert md.read_text(encoding="utf-8").startswith(
            f"# Báo cáo kết quả thực hiện nhiệm vụ CCHC năm {year}\n"
        )
        assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "HTXSNV: " in out and "KHTNV — " in out and "Người đứng đầu cần lưu ý" in out
    assert "xếp loại cuối cùng:" in out  # --explain
    assert f"cchc explain {store} 2025" in out
    with ct.Tracker.open(store) as tr:
        assert len(tr.tasks()) > 400 and tr.evaluate(2024).as_of == dt.date(2024, 12, 31)
    assert main(["demo", "--store", str(store)]) == 1  # will not overwrite a store


def _years(out: str) -> list[list[str]]:
    """The blocks of a demo's output, one per year, each a list of lines."""
    blocks = [block.splitlines() for block in out.split("\n\n")]
    return [b for b in blocks if b and b[0].startswith(("NĂM ", "YEAR "))]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_year_fits_one_screen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    args = ["demo", "--store", str(tmp_path / "th"), "--no-plots", "--lang", lang]
    assert main(args) == 0
    years = _years(capsys.readouterr().out)
    assert len(years) == len(YEARS)
    assert all(len(lines) <= 20 for lines in years)


def test_the_demo_prints_the_same_on_every_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make demo` twice, each into a fresh folder: the same output, byte for byte. The
    last year is evaluated as of DEMO_AS_OF, not as of today."""
    outputs = []
    for run in ("first", "second"):
        (tmp_path / run).mkdir()
        monkeypatch.chdir(tmp_path / run)
        assert main(["demo", "--store", "data/tan-hong", "--no-plots"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert "số liệu tính đến ngày 14/12/2026" in outputs[0]
    first, second = tmp_path / "first", tmp_path / "second"
    for name in ("bao-cao-cchc-2026.md", "bao-cao-cchc-2026.html"):
        path = Path("data/tan-hong-reports") / name
        assert (first / path).read_bytes() == (second / path).read_bytes()


def test_the_readme_shows_a_year_as_the_demo_prints_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (shown,) = [b.body for b in fenced_blocks(readme) if b.body.startswith("NĂM ")]
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--store", "data/tan-hong", "--brief", "--no-plots"]) == 0
    assert shown in capsys.readouterr().out


@pytest.mark.parametrize("today", [D(2026, 3, 1), D(2026, 12, 14), D(2031, 1, 1)], ids=str)
def test_the_last_year_is_evaluated_as_of_a_fixed_day_whatever_today(today: dt.date) -> None:
    tr = ct.Tracker.memory(load_entrypoints=False, today=lambda: today)
    ct.examples.tan_hong(tr)
    ev = tr.evaluate(YEARS[-1], as_of=demo_as_of(YEARS[-1]))
    assert ev.as_of == DEMO_AS_OF == D(2026, 12, 14)
    assert [demo_as_of(year) for year in YEARS[:-1]] == [D(y, 12, 31) for y in YEARS[:-1]]
    reference = ct.Tracker.memory(load_entrypoints=False, today=lambda: D(2026, 12, 31))
    ct.examples.tan_hong(reference)
    expected = reference.evaluate(YEARS[-1], as_of=DEMO_AS_OF)
    assert year_summary(ev) == year_summary(expected)


def test_full_prints_each_years_whole_report_in_the_chosen_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "th"
    args = ["demo", "--store", str(store), "--full", "--lang", "en", "--no-plots"]
    assert main(args) == 0
    out = capsys.readouterr().out
    for year in YEARS:
        assert f"# Report on the CCHC tasks of year {year}\n" in out
        assert f"Full report: {tmp_path / 'th-reports' / f'cchc-report-{year}.md'}" in out
    assert "## Overdue tasks" in out and "## Recommendations" in out
    assert "| Not yet due | Cancelled |" in out
    assert "Heads who need attention" not in out  # the whole report, not the summary
    assert main(["demo", "--store", str(tmp_path / "x"), "--full", "--brief"]) == 1
    assert "not allowed with argument --full" in capsys.readouterr().err


def test_the_reports_go_next_to_the_store_never_into_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "th"
    assert main(["demo", "--store", f"{store}/", "--no-plots"]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in (tmp_path / "th-reports").iterdir()) == sorted(
        f"bao-cao-cchc-{year}.{ext}" for year in YEARS for ext in ("md", "html")
    )
    assert not [p for p in store.iterdir() if p.name.startswith("bao-cao")]
    # Charts by default (matplotlib is installed here); drawn by write_report, whose own
    # tests check them, so this run only records what it was asked for.
    asked: list[bool] = []
    real = reports.write_report

    def write_report(*args: Any, plots: bool, **kwargs: Any) -> list[Path]:
        asked.append(plots)
        return real(*args, plots=False, **kwargs)

    monkeypatch.setattr(reports, "write_report", write_report)
    elsewhere = tmp_path / "reports"
    assert main(["demo", "--store", str(tmp_path / "b"), "--reports", str(elsewhere)]) == 0
    assert (elsewhere / "bao-cao-cchc-2026.html").is_file()
    assert asked == [True] * len(YEARS)


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
    assert "Sắp xếp đơn vị (nhiệm vụ đến hạn trước khi sắp xếp" in report
    assert "UBND huyện Tân Hồng: đến ngày 30/06/2025 → UBND xã Tân Hồng" in report
    assert "UBND xã An Phước: từ ngày 01/07/2025" in report


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


# -- the unit table adds up on any day of the year ---------------------------------------------

COUNTS = ("col.on_time", "col.late", "col.overdue", "col.pending")


@pytest.mark.parametrize("as_of", [D(year, 6, 30) for year in YEARS], ids=str)
@pytest.mark.parametrize("detail", [False, True], ids=["report", "workbook"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_unit_table_adds_up_mid_year(
    demo: ct.Tracker, as_of: dt.date, detail: bool, lang: ct.Lang
) -> None:
    """On time, late, overdue and not yet due add up to the tasks that count, and the
    cancelled ones to the rest, for every unit, on a day when many tasks are not yet due."""
    ev = demo.evaluate(as_of.year, as_of=as_of)
    table = units_table(ev, lang, detail=detail)
    column = {header: i for i, header in enumerate(table.headers)}
    rows = table.values()
    assert len(rows) == len(ev.units)
    for row, u in zip(rows, ordered_units(ev), strict=True):
        counted = row[column[t("col.tasks", lang)]]
        assert sum(row[column[t(key, lang)]] for key in COUNTS) == counted
        assert counted + row[column[t("col.cancelled", lang)]] == len(u.facts.tasks)
    pending = sum(row[column[t("col.pending", lang)]] for row in rows)
    assert pending > 0  # the middle of the year: the table would not add up without them


def test_the_cancelled_task_is_shown_apart(demo: ct.Tracker) -> None:
    (cancelled,) = demo.tasks(status=ct.TaskStatus.CANCELLED)
    ev = demo.evaluate(cancelled.due.year)
    unit = ev.units[cancelled.unit]
    assert unit.cancelled == 1
    row = next(r for r in units_table(ev).values() if r[0] == unit.unit.name)
    headers = units_table(ev).headers
    assert row[headers.index("Đã hủy")] == 1
    assert row[headers.index("Số nhiệm vụ")] == len(unit.facts.tasks) - 1
    shown = unit_result_html(unit)
    assert "Chưa đến hạn" in shown and "Đã hủy" in shown
    assert "Chưa đến hạn" in text_report(ev) and "Đã hủy" in text_report(ev)
    english = text_report(ev, lang="en")
    assert "Not yet due" in english and "Cancelled" in english


# -- the summary of a year ---------------------------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_a_vietnamese_summary_has_no_english_words(demo: ct.Tracker, year: int) -> None:
    """Without the rules' reasons (other rule sets and plugins word those), every word of
    the summary comes from the catalogs."""
    text = "\n".join(year_summary(demo.evaluate(year, as_of=demo_as_of(year)), reasons=False))
    assert english_in(text) == []
    english = "\n".join(year_summary(demo.evaluate(year, as_of=demo_as_of(year)), "en"))
    assert {"the", "not"} <= set(re.findall(r"[^\W\d_]+", english.lower()))  # it would see
    assert unicodedata.is_normalized("NFC", text)


def test_the_summary_counts_what_the_evaluation_found(demo: ct.Tracker) -> None:
    ev = demo.evaluate(2025)
    lines = year_summary(ev, "en")
    outcomes = Counter(r.outcome for r in ev.targets.values())
    assert lines[1] == (
        f"  Targets ({len(ev.targets)}): {outcomes[ct.Outcome.PASS]} achieved, "
        f"{outcomes[ct.Outcome.FAIL]} not achieved, {outcomes[ct.Outcome.NOT_MEASURED]} "
        f"without data, {outcomes[ct.Outcome.NOT_APPLICABLE]} not applicable this year"
    )
    units = ev.units.values()
    counted = sum(u.facts.counted for u in units)
    assert lines[2].startswith(f"  Tasks due in the year ({counted}): ")
    assert f"{sum(u.overdue for u in units)} overdue" in lines[2]
    ratings = Counter(r.rating for r in ev.ratings)
    assert lines[3].startswith(f"  Ratings of the heads ({len(ev.ratings)}): HTXSNV: ")
    assert f"KHTNV: {ratings[ct.Rating.NOT_COMPLETED]}" in lines[3]
    assert "left to the competent authority: 1" in lines[3]


def test_the_heads_who_need_attention_most_urgent_first(demo: ct.Tracker) -> None:
    ev = demo.evaluate(2025)
    flagged = [r for r in ev.ratings if needs_attention(r)]
    assert {r.person for r in flagged} >= {r.person for r in ev.ratings if r.undecided}
    assert {r.person for r in flagged} >= {
        r.person for r in ev.ratings if r.rating is ct.Rating.NOT_COMPLETED
    }
    lines = year_summary(ev)
    start = lines.index(f"  Người đứng đầu cần lưu ý ({len(flagged)}):")
    shown = lines[start + 1 : start + 1 + len(flagged)]
    assert all(line.startswith("    • ") for line in shown)
    khtnv = [i for i, line in enumerate(shown) if "): KHTNV" in line]
    undecided = [
        i
        for i, line in enumerate(shown)
        if "chờ cấp có thẩm quyền quyết định (giữa KHTNV và HTNV)" in line
    ]
    assert khtnv and undecided and max(khtnv) < min(undecided)
    assert all("[decree" in line or "[cchc_link" in line for line in shown)  # the reasons
    brief = year_summary(ev, reasons=False)
    assert all(" — " not in line for line in brief if line.startswith("    • "))


def test_a_cap_that_lowered_a_rating_is_named_and_one_that_did_not_is_not(
    demo: ct.Tracker,
) -> None:
    ev = demo.evaluate(2024)
    absent = ev.leaders[demo.headships("vh-tt")[0].person]
    assert absent.caps and absent.base is not None and absent.rating is not None
    assert absent.rating < absent.base and needs_attention(absent)
    name = demo.person(absent.person).name
    (line,) = [x for x in year_summary(ev) if name in x]
    assert f"{absent.rating.code} (hạ từ {absent.base.code} do bị giới hạn mức xếp loại) — " in line
    assert "[decree90.absence;" in line
    unbound = [r for year in YEARS for r in demo.evaluate(year).ratings if r.caps]
    assert any(r.rating == r.base and not needs_attention(r) for r in unbound)


def test_the_lists_are_cut_with_how_many_more(
    demo: ct.Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    ev = demo.evaluate(2025)
    flagged = sum(1 for r in ev.ratings if needs_attention(r))
    overdue = {task.unit for task in overdue_tasks(ev)}
    monkeypatch.setattr(ct.examples, "SUMMARY_HEADS", 1)
    monkeypatch.setattr(ct.examples, "SUMMARY_UNITS", 2)
    lines = year_summary(ev, "vi")
    assert f"    … và {flagged - 1} người khác (xem báo cáo đầy đủ)" in lines
    assert f"    … và {len(overdue) - 2} đơn vị khác" in lines
    assert sum(1 for line in lines if line.startswith("    • ")) == 3
    most = max(ev.units[uid].overdue for uid in overdue)
    first = lines.index(f"  Đơn vị có nhiệm vụ quá hạn ({len(overdue)}):") + 1
    assert f": {most} nhiệm vụ quá hạn, lâu nhất " in lines[first]


def test_a_year_without_overdue_tasks_or_heads_to_watch_says_so(
    memory_tracker: ct.Tracker,
) -> None:
    tr = memory_tracker
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district"))
    ev = tr.evaluate(2024, as_of=D(2024, 6, 30))
    lines = year_summary(ev, reports=["r/bao-cao-cchc-2024.md", Path("r/bao-cao-cchc-2024.html")])
    assert lines == [
        "NĂM 2024 — số liệu tính đến ngày 30/06/2024 — Nghị định 90/2020/NĐ-CP, sửa đổi bởi "
        "Nghị định 48/2023/NĐ-CP",
        "  Mục tiêu (0): 0 đạt, 0 không đạt, 0 chưa có số liệu, 0 không áp dụng trong năm",
        "  Nhiệm vụ đến hạn trong năm (0): 0 hoàn thành đúng hạn, 0 hoàn thành trễ hạn, 0 quá "
        "hạn, 0 chưa đến hạn; 0 nhiệm vụ đã hủy, không tính",
        "  Xếp loại người đứng đầu (0 người): HTXSNV: 0; HTTNV: 0; HTNV: 0; KHTNV: 0",
        "  Không có người đứng đầu nào cần lưu ý.",
        "  Không có nhiệm vụ quá hạn.",
        "  Báo cáo đầy đủ: r/bao-cao-cchc-2024.md; r/bao-cao-cchc-2024.html",
    ]


def test_an_official_rating_that_differs_from_the_computed_one_needs_attention(
    demo: ct.Tracker,
) -> None:
    ev = demo.evaluate(2024)
    good = next(r for r in ev.ratings if r.rating is ct.Rating.GOOD and not r.caps)
    assert not needs_attention(good)
    same = attrs.evolve(good, recorded=ct.Rating.GOOD)
    other = attrs.evolve(good, recorded=ct.Rating.COMPLETED)
    assert not needs_attention(same) and needs_attention(other)
    changed = attrs.evolve(ev, ratings=tuple(other if r is good else r for r in ev.ratings))
    (line,) = [x for x in year_summary(changed, "en") if ev.names[good.person] in x]
    why = deciding_reasons(good)[-1].render("en")
    assert f"): HTTNV; the official rating recorded: HTNV — {why}" in line
