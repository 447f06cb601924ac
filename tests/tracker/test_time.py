"""Time in the tracker: the stored calendar, working-day deadlines, recurring tasks, and
inspect and urge (due soon, stale, reminders, inspection records).

The pure modules (``cchc_tasks.calendar``, ``cchc_tasks.recurrence``) have their own
tests; these check what the tracker adds: overrides stored as data, deadlines that move
only when recomputed, occurrences as ordinary tasks counted in their own year, and the
queries an official uses to urge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.calendar import CalendarOverride, compute_deadline, default_calendar
from cchc_tasks.exports import export_store_json, import_store_json
from cchc_tasks.inspections import Inspection, Reminder
from cchc_tasks.recurrence import Recurrence, monthly, quarterly, yearly

from ..helpers import unchanged

D = dt.date


def build(tr: ct.Tracker) -> ct.Tracker:
    """A district with two communes and an office; a head for each but commune B's office;
    ``lan`` works in commune A; a plan for 2023–2027."""
    with tr.batch(actor="setup"):
        tr.add_unit(ct.Unit(id="tinh", name="UBND tỉnh", kind="province"))
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district", parent="tinh"))
        for uid, kind in (("xa-a", "commune"), ("xa-b", "commune"), ("noi-vu", "agency")):
            tr.add_unit(ct.Unit(id=uid, name=f"Đơn vị {uid}", kind=kind, parent="huyen"))
        for pid, unit in (("chu-tich", "huyen"), ("an", "xa-a"), ("binh", "xa-b"), ("lan", "xa-a")):
            tr.add_person(ct.Person(id=pid, name=pid.title(), unit=unit))
        tr.appoint_head("huyen", "chu-tich", D(2021, 1, 1))
        tr.appoint_head("xa-a", "an", D(2021, 1, 1))
        tr.appoint_head("xa-b", "binh", D(2021, 1, 1))
        tr.add_plan(
            ct.Plan(id="kh", title="Kế hoạch CCHC", unit="huyen", start=D(2023, 1, 1),
                    end=D(2027, 12, 31))
        )  # fmt: skip
    return tr


@pytest.fixture
def tr() -> ct.Tracker:
    return build(ct.Tracker.memory(load_entrypoints=False))


def task(id: str, due: dt.date, unit: str = "xa-a", **more: Any) -> ct.Task:
    return ct.Task(id=id, plan="kh", title=f"Nhiệm vụ {id}", unit=unit, due=due, **more)


# -- the calendar as data ---------------------------------------------------------------------


def test_without_overrides_the_calendar_is_the_default(tr: ct.Tracker) -> None:
    assert tr.calendar() is default_calendar()
    assert tr.calendar().overrides == ()


def test_overrides_are_stored_one_journal_line_each_and_survive_a_reopen(tmp_path: Path) -> None:
    off = CalendarOverride(D(2025, 2, 3), "off", "Nghỉ Tết (ví dụ)", decided_by="Bộ Nội vụ")
    work = CalendarOverride(D(2025, 2, 15), "work", "Làm bù (ví dụ)")
    with build(ct.Tracker.open(tmp_path / "s", load_entrypoints=False)) as disk:
        seq = disk.seq
        disk.add_calendar_override(off, actor="van-phong", note="Thông báo nghỉ Tết")
        disk.add_calendar_override(work)
        assert disk.seq == seq + 2
        version = disk.calendar().version
        assert not disk.calendar().is_working_day(D(2025, 2, 3))
        assert [h.change.op for h in disk.history("2025-02-03")] == ["add"]
    with ct.Tracker.open(tmp_path / "s", load_entrypoints=False) as again:
        assert again.calendar().overrides == (off, work)
        assert again.calendar().version == version
        assert again.calendar().is_working_day(D(2025, 2, 15))  # a Saturday, worked
        assert again.remove_calendar_override(D(2025, 2, 15)) == work
        assert again.calendar().overrides == (off,)
        assert [h.change.op for h in again.history("2025-02-15")] == ["add", "delete"]


def test_a_later_decision_for_the_same_day_replaces_the_earlier(tr: ct.Tracker) -> None:
    tr.add_calendar_override(CalendarOverride(D(2025, 2, 3), "off", "Quyết định 1"))
    tr.add_calendar_override(CalendarOverride(D(2025, 2, 3), "work", "Quyết định 2"))
    (only,) = tr.calendar().overrides
    assert only.reason == "Quyết định 2"
    assert tr.calendar().is_working_day(D(2025, 2, 3))


def test_bad_overrides_are_refused_and_change_nothing(tr: ct.Tracker) -> None:
    error = unchanged(
        tr,
        lambda: tr.add_calendar_override(CalendarOverride(D(1850, 1, 2), "off", "Xưa")),
        ct.ValidationError,
    )
    assert error.field == "CalendarOverride.day"  # type: ignore[attr-defined]
    error = unchanged(tr, lambda: tr.remove_calendar_override(D(2025, 5, 5)), ct.NotFoundError)
    assert error.field == "remove_calendar_override.day"  # type: ignore[attr-defined]
    unchanged(tr, lambda: tr.add_calendar_override("2025-02-03"), ct.ValidationError)  # type: ignore[arg-type]


# -- deadlines in working days ----------------------------------------------------------------


def test_ten_working_days_after_20_january_2025_span_tet(tr: ct.Tracker) -> None:
    deadline = tr.deadline(D(2025, 1, 20), 10)
    assert deadline.due == D(2025, 2, 10)
    assert deadline.calendar_version == tr.calendar().version
    added = tr.add_task(task("t1", deadline.due, deadline=deadline))
    assert tr.task("t1") == added and added.deadline == deadline


def test_a_task_due_date_must_be_its_deadline(tr: ct.Tracker) -> None:
    deadline = tr.deadline(D(2025, 1, 20), 10)
    with pytest.raises(ct.ValidationError) as caught:
        task("t1", D(2025, 2, 11), deadline=deadline)
    assert caught.value.field == "Task.due"
    assert "2025-02-10" in str(caught.value)
    tr.add_task(task("t1", deadline.due, deadline=deadline))
    unchanged(tr, lambda: tr.update_task("t1", due=D(2025, 3, 1)), ct.ValidationError)
    moved = tr.update_task("t1", due=D(2025, 3, 1), deadline=None)  # set by hand now
    assert moved.deadline is None


def test_overrides_move_a_deadline_only_when_it_is_recomputed(tr: ct.Tracker) -> None:
    deadline = tr.deadline(D(2025, 1, 20), 10)
    tr.add_task(task("t1", deadline.due, deadline=deadline))
    assert tr.deadlines_to_check() == []
    tr.add_calendar_override(CalendarOverride(D(2025, 2, 3), "off", "Nghỉ thêm (ví dụ)"))
    assert tr.task("t1").due == D(2025, 2, 10)  # a decision never moves it silently
    assert [t.id for t in tr.deadlines_to_check()] == ["t1"]
    moved = tr.recompute_deadline("t1", actor="van-phong", note="Áp dụng lịch nghỉ mới")
    assert moved.due == D(2025, 2, 11)
    assert moved.deadline is not None and moved.deadline.is_current(tr.calendar())
    assert tr.deadlines_to_check() == []
    seq = tr.seq
    assert tr.recompute_deadline("t1") == moved
    assert tr.seq == seq  # nothing to do, no journal line
    error = unchanged(tr, lambda: tr.recompute_deadline("huyen"), ct.NotFoundError)
    tr.add_task(task("t2", D(2025, 3, 1)))
    error = unchanged(tr, lambda: tr.recompute_deadline("t2"), ct.ValidationError)
    assert error.field == "Task.deadline"  # type: ignore[attr-defined]


def test_deadline_arguments_are_checked(tr: ct.Tracker) -> None:
    with pytest.raises(ct.ValidationError, match=r"deadline\.start"):
        tr.deadline("2025-01-20", 10)  # type: ignore[arg-type]
    with pytest.raises(ct.ValidationError, match=r"deadline\.working_days"):
        tr.deadline(D(2025, 1, 20), 1.5)  # type: ignore[arg-type]


@settings(max_examples=25)
@given(
    start=st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 6, 30)),
    n=st.integers(1, 40),
    days_off=st.lists(
        st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)), max_size=4, unique=True
    ),
)
def test_a_stored_deadline_stays_until_recomputed_then_agrees_with_the_calendar(
    start: dt.date, n: int, days_off: list[dt.date]
) -> None:
    tr = build(ct.Tracker.memory(load_entrypoints=False))
    deadline = tr.deadline(start, n)
    tr.add_task(task("t", deadline.due, deadline=deadline))
    for day in days_off:
        tr.add_calendar_override(CalendarOverride(day, "off", "Nghỉ (ví dụ)"))
    assert tr.task("t").due == deadline.due
    recomputed = tr.recompute_deadline("t")
    expected = compute_deadline(start, n, tr.calendar())
    assert recomputed.due == expected.due
    assert tr.calendar().is_working_day(recomputed.due)
    assert tr.calendar().working_days_between(start, recomputed.due) == n


# -- recurring tasks --------------------------------------------------------------------------


def quarterly_report() -> ct.Task:
    return attrs.evolve(
        task("bc-quy", D(2025, 1, 1), unit="xa-b", assignee="binh"), title="Báo cáo quý"
    )


def test_a_recurring_task_is_one_ordinary_task_per_occurrence(tr: ct.Tracker) -> None:
    recurrence = quarterly(15, D(2025, 1, 1), adjust="previous_working_day")
    series = tr.add_recurring_task(quarterly_report(), recurrence, through=2025, note="Báo cáo")
    assert tr.series("bc-quy") == series and series.through == 2025
    found = tr.occurrences("bc-quy")
    assert [(t.id, t.due) for t in found] == [
        ("bc-quy@2025-03-15", D(2025, 3, 14)),  # a Saturday: the Friday before
        ("bc-quy@2025-06-15", D(2025, 6, 13)),
        ("bc-quy@2025-09-15", D(2025, 9, 15)),
        ("bc-quy@2025-12-15", D(2025, 12, 15)),
    ]
    assert all(t.series == "bc-quy" and t.assignee == "binh" for t in found)
    assert tr.occurrences("bc-quy", 2025) == found
    with pytest.raises(ct.ValidationError, match="extend_series"):
        tr.occurrences("bc-quy", 2026)  # not generated yet: an error, not an empty list


def test_later_years_are_generated_when_asked_once(tr: ct.Tracker) -> None:
    tr.add_recurring_task(quarterly_report(), quarterly(15, D(2025, 1, 1)), through=2025)
    made = tr.extend_series("bc-quy", 2026, actor="van-phong")
    assert [t.id for t in made] == [f"bc-quy@2026-{m:02d}-15" for m in (3, 6, 9, 12)]
    assert tr.series("bc-quy").through == 2026
    seq = tr.seq
    assert tr.extend_series("bc-quy", 2026) == []
    assert tr.seq == seq
    error = unchanged(tr, lambda: tr.extend_series("bc-quy", 2028), ct.ValidationError)
    assert error.field == "extend_series.through"  # type: ignore[attr-defined]
    unchanged(tr, lambda: tr.extend_series("khong-co", 2026), ct.NotFoundError)


def test_each_occurrence_is_done_or_missed_on_its_own_and_counts_in_its_year(
    tr: ct.Tracker,
) -> None:
    # 31 December 2023 is a Sunday and 1 January a holiday: that one is due 2 January.
    yearly_report = yearly(12, 31, D(2023, 1, 1), adjust="next_working_day")
    tr.add_recurring_task(quarterly_report(), yearly_report, through=2025)
    ids = [t.id for t in tr.occurrences("bc-quy")]
    assert ids == ["bc-quy@2023-12-31", "bc-quy@2024-12-31", "bc-quy@2025-12-31"]
    assert tr.task("bc-quy@2023-12-31").due == D(2024, 1, 2)
    tr.complete_task("bc-quy@2023-12-31", D(2024, 1, 2))
    tr.cancel_task("bc-quy@2024-12-31", reason="Gộp vào báo cáo năm")
    by_year = {}
    for year in (2023, 2024, 2025):
        facts = tr.evaluate(year, as_of=D(year, 12, 31)).units["xa-b"].facts
        by_year[year] = (facts.on_time, facts.cancelled, facts.overdue, facts.pending)
    assert by_year[2023] == (0, 0, 0, 0)
    assert by_year[2024] == (1, 1, 0, 0)  # the 2023 report, due in 2024, and 2024's
    assert by_year[2025] == (0, 0, 0, 1)
    # Missed: overdue in the 2025 evaluation once the year is over, nothing in 2026.
    assert tr.evaluate(2025, as_of=D(2026, 1, 5)).units["xa-b"].facts.overdue == 1
    assert tr.evaluate(2026, as_of=D(2026, 1, 5)).units["xa-b"].facts.tasks == ()


def test_bad_recurring_tasks_change_nothing(tr: ct.Tracker) -> None:
    recurrence = monthly(15, D(2025, 1, 1))
    error = unchanged(
        tr,
        lambda: tr.add_recurring_task(quarterly_report(), recurrence, through=2031),
        ct.ValidationError,
    )
    assert error.field == "add_recurring_task.through"  # type: ignore[attr-defined]
    report = ct.ProgressReport(on=D(2025, 1, 5), percent=10)
    with_progress = attrs.evolve(quarterly_report(), progress=(report,))
    error = unchanged(
        tr,
        lambda: tr.add_recurring_task(with_progress, recurrence, through=2025),
        ct.ValidationError,
    )
    assert error.field == "TaskSeries.template"  # type: ignore[attr-defined]
    tr.add_task(task("bc-quy@2025-01-15", D(2025, 1, 15)))  # an occurrence id taken...
    tr.add_recurring_task(quarterly_report(), recurrence, through=2025)  # ...is skipped
    assert len(tr.occurrences("bc-quy")) == 11
    unchanged(
        tr,
        lambda: tr.add_recurring_task(quarterly_report(), recurrence, through=2025),
        ct.DuplicateIdError,
    )


@settings(max_examples=20)
@given(
    rule=st.sampled_from(
        [
            "FREQ=MONTHLY;BYMONTHDAY=-1",
            "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=15",
            "FREQ=WEEKLY;BYDAY=FR",
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31",
        ]
    ),
    adjust=st.sampled_from(["none", "previous_working_day", "next_working_day"]),
    start=st.dates(min_value=D(2023, 1, 1), max_value=D(2024, 12, 31)),
    split=st.integers(0, 2),
)
def test_generating_year_by_year_gives_what_generating_at_once_gives(
    rule: str, adjust: str, start: dt.date, split: int
) -> None:
    recurrence = Recurrence(start=start, rrule=rule, adjust=adjust)
    at_once = build(ct.Tracker.memory(load_entrypoints=False))
    at_once.add_recurring_task(quarterly_report(), recurrence, through=2026)
    lazily = build(ct.Tracker.memory(load_entrypoints=False))
    lazily.add_recurring_task(quarterly_report(), recurrence, through=start.year + split)
    for year in range(start.year + split, 2027):
        lazily.extend_series("bc-quy", year)
    assert [t.id for t in lazily.occurrences("bc-quy")] == [
        t.id for t in at_once.occurrences("bc-quy")
    ]
    dues = [t.due for t in at_once.occurrences("bc-quy")]
    assert dues == sorted(dues)
    nominal = [D.fromisoformat(t.id.split("@")[1]) for t in at_once.occurrences("bc-quy")]
    assert len(set(nominal)) == len(nominal)  # no occurrence twice


# -- inspect and urge ----------------------------------------------------------------------------


@pytest.fixture
def busy(tr: ct.Tracker) -> ct.Tracker:
    """As of 10 March 2025: one overdue task, two due soon, one stale, one done."""
    with tr.batch():
        tr.add_task(task("late", D(2025, 3, 5), assignee="lan"))
        tr.add_task(task("soon", D(2025, 3, 14), assignee="lan"))
        tr.add_task(task("soon-b", D(2025, 3, 12), unit="xa-b"))  # nobody named: the head
        tr.add_task(task("quiet", D(2025, 6, 30), unit="xa-b", assignee="binh"))
        tr.add_task(task("head-own", D(2025, 3, 11), assignee="an"))
        tr.add_task(task("office", D(2025, 3, 13), unit="noi-vu", assignee="lan"))
        tr.add_task(task("busy", D(2025, 6, 30), assignee="lan"))  # reported on recently: not stale
        tr.report_progress("busy", ct.ProgressReport(on=D(2025, 3, 1), percent=30))
        tr.add_task(task("done", D(2025, 3, 12), assignee="lan"))
        tr.complete_task("done", D(2025, 3, 9))
        tr.add_task(task("next-year", D(2026, 3, 1), assignee="lan"))
    return tr


AS_OF = D(2025, 3, 10)


def test_due_soon_in_calendar_days_and_in_working_days(busy: ct.Tracker) -> None:
    assert [t.id for t in busy.due_soon(AS_OF, 3)] == ["head-own", "soon-b", "office"]
    # Four working days from Monday 10 March reach Friday 14 March.
    assert [t.id for t in busy.due_soon(AS_OF, 4, working_days=True)] == [
        "head-own",
        "soon-b",
        "office",
        "soon",
    ]
    assert [t.id for t in busy.due_soon(AS_OF, 10, unit="xa-b")] == ["soon-b"]
    assert busy.due_soon(AS_OF, 0) == []
    with pytest.raises(ct.ValidationError, match="due_soon.within_days"):
        busy.due_soon(AS_OF, -1)


def test_stale_tasks_have_no_recent_progress_report(busy: ct.Tracker) -> None:
    # 1 January stands in for the start of a task without a report: 68 days by 10 March.
    stale = [t.id for t in busy.stale(AS_OF, 30)]
    assert "busy" not in stale and "done" not in stale and "next-year" not in stale
    assert stale == ["late", "head-own", "soon-b", "office", "soon", "quiet"]
    assert [t.id for t in busy.stale(AS_OF, 90)] == []
    assert "busy" in [t.id for t in busy.stale(D(2025, 4, 15), 30)]
    with pytest.raises(ct.ValidationError, match="stale.days"):
        busy.stale(AS_OF, 0)


def test_reminders_group_tasks_by_who_acts_and_who_urges(busy: ct.Tracker) -> None:
    reminders = busy.reminders(AS_OF, within_days=4, stale_days=30)
    assert all(isinstance(r, Reminder) for r in reminders)
    by_person = {(r.person, r.head): r for r in reminders}
    assert set(by_person) == {("an", "chu-tich"), ("binh", "chu-tich"), ("lan", "an"),
                              ("lan", "chu-tich")}  # fmt: skip
    lan = by_person[("lan", "an")]  # commune A's head urges lan about commune A's tasks
    assert (lan.overdue, lan.due_soon, lan.stale) == (("late",), ("soon",), ())
    assert by_person[("lan", "chu-tich")].due_soon == ("office",)  # the office has no head
    assert by_person[("an", "chu-tich")].due_soon == ("head-own",)  # a head is urged from above
    binh = by_person[("binh", "chu-tich")]
    assert (binh.due_soon, binh.stale) == (("soon-b",), ("quiet",))  # unassigned: the head
    assert "quá hạn" in lan.describe() and lan.tasks == ("late", "soon")
    assert busy.reminders(AS_OF, within_days=4, stale_days=None, unit="xa-b")[0].stale == ()


def test_a_unit_that_ended_is_urged_by_its_successors_head(tr: ct.Tracker) -> None:
    tr.add_task(task("old", D(2025, 6, 2), unit="xa-b", assignee="binh"))
    tr.add_person(ct.Person(id="moi", name="Mới"))
    tr.merge_units(["xa-b"], "xa-a", D(2025, 7, 1))
    (reminder,) = tr.reminders(D(2025, 7, 10), stale_days=None)
    assert (reminder.person, reminder.head, reminder.overdue) == ("binh", "an", ("old",))


def test_inspections_are_recorded_queried_and_survive_a_reopen(tmp_path: Path) -> None:
    with build(ct.Tracker.open(tmp_path / "s", load_entrypoints=False)) as disk:
        disk.add_task(task("t1", D(2025, 4, 30)))
        disk.add_task(task("fix", D(2025, 6, 30)))
        inspection = Inspection(
            id="kt-1",
            on=D(2025, 5, 20),
            inspector="chu-tich",
            findings="Hồ sơ trễ hạn",
            units=["xa-a"],
            tasks=["t1"],
            follow_up=["fix"],
            team="Đoàn kiểm tra CCHC",
            document="Thông báo số 12/TB-UBND",
        )
        assert disk.record_inspection(inspection, actor="noi-vu") == inspection
    with ct.Tracker.open(tmp_path / "s", load_entrypoints=False) as again:
        assert again.inspection("kt-1") == inspection
        assert again.inspections(unit="xa-a") == [inspection]
        assert again.inspections(task="fix") == [inspection]  # a follow-up task finds it
        assert again.inspections(inspector="an") == []
        corrected = attrs.evolve(inspection, findings="Hồ sơ trễ hạn; đã khắc phục")
        again.record_inspection(corrected)
        assert again.inspections() == [corrected]


def test_a_bad_inspection_changes_nothing(tr: ct.Tracker) -> None:
    def inspect(**fields: Any) -> Callable[[], object]:
        base: dict[str, Any] = {"id": "kt", "on": D(2025, 5, 1), "inspector": "an",
                                "findings": "Chậm", "units": ["xa-a"]}  # fmt: skip
        return lambda: tr.record_inspection(Inspection(**{**base, **fields}))

    error = unchanged(tr, inspect(inspector="khong-co"), ct.NotFoundError)
    assert error.field == "Inspection.inspector"  # type: ignore[attr-defined]
    error = unchanged(tr, inspect(follow_up=["khong-co"]), ct.NotFoundError)
    assert error.field == "Inspection.follow_up"  # type: ignore[attr-defined]
    with pytest.raises(ct.ValidationError) as caught:
        Inspection(id="kt", on=D(2025, 5, 1), inspector="an", findings="Chậm")
    assert caught.value.field == "Inspection.units"


def test_the_new_tables_go_through_a_store_export_and_import(
    busy: ct.Tracker, tmp_path: Path
) -> None:
    busy.add_calendar_override(CalendarOverride(D(2025, 2, 3), "off", "Nghỉ (ví dụ)"))
    busy.add_recurring_task(quarterly_report(), quarterly(15, D(2025, 1, 1)), through=2025)
    busy.record_inspection(
        Inspection(id="kt", on=D(2025, 3, 1), inspector="an", findings="Chậm", tasks=["late"])
    )
    busy.merge_units(["xa-b"], ct.Unit(id="xa-moi", name="Xã mới", kind="commune"), D(2025, 7, 1))
    path = tmp_path / "store.json"
    export_store_json(busy, path)
    copy = ct.Tracker.memory(load_entrypoints=False)
    import_store_json(copy, path)
    assert copy.to_documents() == busy.to_documents()


# --- after-completion chains ---------------------------------------------------------------


def _chain_tracker() -> ct.Tracker:
    tr = ct.Tracker.memory(load_entrypoints=False)
    tr.add_unit(ct.Unit(id="u", name="Phòng Tư pháp", kind="agency"))
    tr.add_plan(
        ct.Plan(
            id="kh",
            title="Kế hoạch",
            unit="u",
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 12, 31),
        )
    )
    return tr


def test_an_after_completion_chain_adds_the_next_task_when_one_is_done() -> None:
    """The next occurrence exists only once the previous one is done, due a fixed time
    after the completion, in the same journal line; each counts in its own year."""
    from cchc_tasks.recurrence import AfterCompletion

    tr = _chain_tracker()
    first = ct.Task(
        id="khac-phuc", plan="kh", title="Báo cáo khắc phục", unit="u", due=dt.date(2025, 3, 31)
    )
    chain = tr.add_task_chain(first, AfterCompletion(days=30))
    assert [t.id for t in tr.chain_tasks(chain.id)] == ["khac-phuc@2025-03-31"]
    seq = tr.seq
    tr.complete_task("khac-phuc@2025-03-31", on=dt.date(2025, 4, 10))
    assert tr.seq == seq + 1  # completion and the next occurrence: one journal line
    tasks = tr.chain_tasks(chain.id)
    assert [(t.id, t.due, t.status.value) for t in tasks] == [
        ("khac-phuc@2025-03-31", dt.date(2025, 3, 31), "done"),
        ("khac-phuc@2025-05-10", dt.date(2025, 5, 10), "open"),
    ]
    # Correcting a completion, or completing again after a reopen, adds nothing more.
    tr.complete_task("khac-phuc@2025-03-31", on=dt.date(2025, 4, 12), correct=True)
    tr.reopen_task("khac-phuc@2025-03-31")
    tr.complete_task("khac-phuc@2025-03-31", on=dt.date(2025, 4, 15))
    assert len(tr.chain_tasks(chain.id)) == 2
    # The chain ends at the plan's end: nothing is due after 31/12/2025.
    tr.complete_task("khac-phuc@2025-05-10", on=dt.date(2025, 12, 20))
    assert len(tr.chain_tasks(chain.id)) == 2


def test_a_chain_in_working_days_lands_on_working_days_and_survives_a_reopen(
    tmp_path: Path,
) -> None:
    from cchc_tasks.recurrence import AfterCompletion

    with ct.Tracker.open(tmp_path / "s", load_entrypoints=False) as tr:
        tr.add_unit(ct.Unit(id="u", name="Phòng", kind="agency"))
        tr.add_plan(
            ct.Plan(
                id="kh", title="KH", unit="u", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
            )
        )
        tr.add_task_chain(
            ct.Task(id="c", plan="kh", title="Báo cáo", unit="u", due=dt.date(2025, 1, 10)),
            AfterCompletion(working_days=10),
        )
        tr.complete_task("c@2025-01-10", on=dt.date(2025, 1, 20))
    with ct.Tracker.open(tmp_path / "s", load_entrypoints=False) as tr:
        nxt = tr.chain_tasks("c")[-1]
        assert tr.calendar().is_working_day(nxt.due)
        assert nxt.due == tr.calendar().add_working_days(dt.date(2025, 1, 20), 10)
        assert tr.chain("c").rule.working_days == 10
