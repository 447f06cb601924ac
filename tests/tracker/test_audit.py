"""Audit (DESIGN.md §5, "history for free"): who changed what and when, the state as of
any past moment, and tamper evidence.

* ``tr.history(id)`` lists each change to one object with who, when, before and after.
* ``tr.as_of(when)`` is a read-only tracker with the state at a past moment (a
  timezone-aware datetime, a date meaning the end of that day in UTC, or a journal seq),
  so queries and evaluations run as they would have run then.
* ``tr.verify()`` walks the whole hash chain and checks the snapshot against it. It
  reports the first line that was altered, removed or reordered, and never raises for
  tampering, where opening a store raises ``StoreCorruptError`` for damage in the lines
  it reads.
* The snapshot opens with plain ``tinydb.TinyDB(path)``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from tinydb import Query, TinyDB

import cchc_tasks as ct
from cchc_tasks.accounts import Account, hash_password
from cchc_tasks.calendar import CalendarOverride, Deadline
from cchc_tasks.indices import (
    Appraisal,
    Bonus,
    Penalty,
    SelfAssessment,
    UnitScorecard,
    default_criteria,
)
from cchc_tasks.inspections import Inspection
from cchc_tasks.plugins import make_plugin_manager
from cchc_tasks.recurrence import AfterCompletion, monthly
from cchc_tasks.store import Store
from cchc_tasks.surveys import SurveyResponse

D = dt.date
ICT = dt.timezone(dt.timedelta(hours=7))  # Vietnam, UTC+7
JOURNAL, SNAPSHOT = "journal.jsonl", "state.json"


# -- builders ---------------------------------------------------------------------------


def ticking(start: dt.datetime, step: dt.timedelta) -> Callable[[], dt.datetime]:
    """A clock that moves ``step`` on every journal line."""
    now = [start - step]

    def clock() -> dt.datetime:
        now[0] += step
        return now[0]

    return clock


def tracker_with_clock(folder: Path | None, clock: Callable[[], dt.datetime]) -> ct.Tracker:
    store = Store(None if folder is None else folder, clock=clock)
    return ct.Tracker(store, make_plugin_manager(load_entrypoints=False))


def task(id: str, due: dt.date | None = None, unit: str = "huyen") -> ct.Task:
    """A task of the 2024 plan, due 30 June unless said otherwise."""
    due = due or D(2024, 6, 30)
    return ct.Task(id=id, plan="kh-2024", title=f"Nhiệm vụ {id}", unit=unit, due=due)


def seed(tr: ct.Tracker) -> None:
    """Lines 1–3: the district, its official, the 2024 plan."""
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district"))
    tr.add_person(ct.Person(id="lan", name="Nguyễn Thị Lan", unit="huyen"))
    tr.add_plan(
        ct.Plan(id="kh-2024", title="Kế hoạch CCHC 2024", unit="huyen", start=D(2024, 1, 1),
                end=D(2024, 12, 31))
    )  # fmt: skip


def documents(tr: ct.Tracker) -> dict[str, list[dict[str, Any]]]:
    return {t: sorted(docs, key=lambda d: d["id"]) for t, docs in tr.to_documents().items()}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def six_lines(folder: Path) -> Iterator[ct.Tracker]:
    """A closed-and-reopened store of six lines (snapshot at line 6): seed, t1, t2, and
    t1 completed."""
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        seed(tr)
        tr.add_task(task("t1"))
        tr.add_task(task("t2"))
        tr.complete_task("t1", on=D(2024, 6, 1), actor="lan")
    tr = ct.Tracker.open(folder, load_entrypoints=False)
    yield tr
    tr.close()


def lines(folder: Path) -> list[bytes]:
    return (folder / JOURNAL).read_bytes().splitlines(keepends=True)


def write_lines(folder: Path, data: list[bytes]) -> None:
    (folder / JOURNAL).write_bytes(b"".join(data))


def resealed(line: bytes, old: str, new: str, prev: str | None = None) -> bytes:
    """``line`` with ``old`` replaced by ``new`` and its hash recomputed, as a forger
    who knows the hash rule would do."""
    text = line.decode()
    row = json.loads(text)
    prev = row["prev"] if prev is None else prev
    body = text[: text.rindex(',"prev":')].replace(old, new) + "}"
    digest = hashlib.sha256((prev + body).encode()).hexdigest()
    return (body[:-1] + f',"prev":"{prev}","hash":"{digest}"}}\n').encode()


# -- history ----------------------------------------------------------------------------


def test_history_says_who_changed_what_when_with_before_and_after(folder: Path):
    clock = ticking(dt.datetime(2024, 3, 1, 8, 0, tzinfo=ICT), dt.timedelta(hours=1))
    tr = tracker_with_clock(folder, clock)
    seed(tr)
    tr.add_task(task("t1"), actor="van-phong", note="giao việc")
    tr.update_task("t1", title="Rà soát thủ tục", actor="lan")
    tr.complete_task("t1", on=D(2024, 6, 1), actor="lan", note="xong")
    added, renamed, done = tr.history("t1")
    assert (added.seq, added.actor, added.note, added.change.op) == (
        4,
        "van-phong",
        "giao việc",
        "add",
    )
    assert added.change.before is None
    assert renamed.change.before["title"] == "Nhiệm vụ t1"
    assert renamed.change.after["title"] == "Rà soát thủ tục"
    assert (done.actor, done.note, done.at) == (
        "lan",
        "xong",
        dt.datetime(2024, 3, 1, 13, 0, tzinfo=ICT),
    )
    assert (done.change.before["status"], done.change.after["status"]) == ("open", "done")
    tr.close()


# -- as_of ------------------------------------------------------------------------------


@pytest.fixture
def day_by_day(folder: Path) -> Iterator[ct.Tracker]:
    """One line a day at 06:30 in Vietnam (23:30 UTC the day before), from 1 July 2024:
    seed (lines 1–3), t1 added (4), t1 completed late but backdated (5), t2 added (6)."""
    clock = ticking(dt.datetime(2024, 7, 1, 6, 30, tzinfo=ICT), dt.timedelta(days=1))
    tr = tracker_with_clock(folder, clock)
    seed(tr)
    tr.add_task(task("t1"))
    tr.complete_task("t1", on=D(2024, 7, 2), actor="lan", note="báo cáo muộn")
    tr.add_task(task("t2", due=D(2024, 9, 30)))
    yield tr
    tr.close()


def test_as_of_a_seq_is_the_state_after_that_line(day_by_day: ct.Tracker):
    past = day_by_day.as_of(4)
    assert past.seq == 4
    assert past.read_only
    assert [t.id for t in past.tasks()] == ["t1"]
    assert past.task("t1").status is ct.TaskStatus.OPEN
    assert [t.id for t in day_by_day.as_of(0).tasks()] == []
    assert documents(day_by_day.as_of(day_by_day.seq)) == documents(day_by_day)


def test_as_of_a_datetime_applies_the_lines_written_up_to_then(day_by_day: ct.Tracker):
    at_line_5 = list(day_by_day.entries())[4].at
    assert day_by_day.as_of(at_line_5).seq == 5
    assert day_by_day.as_of(at_line_5 - dt.timedelta(seconds=1)).seq == 4
    assert day_by_day.as_of(at_line_5.astimezone(dt.UTC)).seq == 5  # the same moment


def test_as_of_a_date_means_the_end_of_that_day_in_utc(day_by_day: ct.Tracker):
    """Line 5 was written at 06:30 on 5 July in Vietnam, which is 23:30 on 4 July UTC."""
    entry = list(day_by_day.entries())[4]
    assert entry.at == dt.datetime(2024, 7, 5, 6, 30, tzinfo=ICT)
    assert day_by_day.as_of(D(2024, 7, 4)).seq == 5
    assert day_by_day.as_of(D(2024, 7, 3)).seq == 4
    assert day_by_day.as_of(D(2024, 6, 30)).seq == 1  # line 1: 30 June, 23:30 UTC
    assert day_by_day.as_of(D(2024, 6, 29)).seq == 0
    assert day_by_day.as_of(dt.date.max).seq == day_by_day.seq


def test_an_evaluation_re_runs_as_it_would_have_then(day_by_day: ct.Tracker):
    """On 4 July (line 4) t1 was overdue; the completion recorded on the 5th, backdated
    to 2 July, makes it late. The view evaluates as the district would have then."""
    then = day_by_day.as_of(4).evaluate(2024, as_of=D(2024, 7, 4))
    now = day_by_day.evaluate(2024, as_of=D(2024, 7, 4))
    assert (then.units["huyen"].overdue, then.units["huyen"].late) == (1, 0)
    assert (now.units["huyen"].overdue, now.units["huyen"].late) == (0, 1)
    assert then.store_seq == 4


def test_history_and_entries_of_a_view_stop_where_it_stops(day_by_day: ct.Tracker):
    past = day_by_day.as_of(4)
    assert [e.seq for e in past.entries()] == [1, 2, 3, 4]
    assert [h.change.op for h in past.history("t1")] == ["add"]
    assert [h.change.op for h in day_by_day.history("t1")] == ["add", "update"]


def test_as_of_on_a_memory_tracker():
    tr = tracker_with_clock(None, ticking(dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.timedelta(1)))
    seed(tr)
    tr.add_task(task("t1"))
    assert [t.id for t in tr.as_of(3).tasks()] == []
    assert [t.id for t in tr.as_of(D(2024, 1, 4)).tasks()] == ["t1"]


WHEN_REFUSED: dict[str, object] = {
    "naive datetime": dt.datetime(2024, 7, 4, 12, 0),
    "negative seq": -1,
    "seq beyond the journal": 99,
    "bool": True,
    "text": "2024-07-04",
}


@pytest.mark.parametrize("name", list(WHEN_REFUSED))
def test_as_of_refuses_what_is_not_a_moment(day_by_day: ct.Tracker, name: str):
    with pytest.raises(ct.ValidationError, match=r"as_of\.when: expected"):
        day_by_day.as_of(WHEN_REFUSED[name])  # type: ignore[arg-type]


def with_deadline(t: ct.Task, deadline: Deadline) -> ct.Task:
    return attrs.evolve(t, due=deadline.due, deadline=deadline)


NEW = ct.Task(id="t9", plan="kh-2024", title="Mới", unit="huyen", due=D(2024, 8, 1))
#: Every Tracker method that changes something, with a call that would succeed on the
#: live tracker (so the refusal comes from the view being read-only, nothing else).
WRITES: dict[str, Callable[[ct.Tracker], object]] = {
    "add_unit": lambda tr: tr.add_unit(ct.Unit(id="xa", name="Xã", kind="commune", parent="huyen")),
    "add_person": lambda tr: tr.add_person(ct.Person(id="minh", name="Minh", unit="huyen")),
    "appoint_head": lambda tr: tr.appoint_head("huyen", "lan", start=D(2024, 1, 1)),
    "end_headship": lambda tr: tr.end_headship("huyen", end=D(2024, 12, 31)),
    "add_plan": lambda tr: tr.add_plan(
        ct.Plan(id="kh-2", title="KH", unit="huyen", start=D(2024, 1, 1), end=D(2024, 12, 31))
    ),
    "add_target": lambda tr: tr.add_target(
        ct.Target(id="sipas", plan="kh-2024", unit="huyen", indicator="SIPAS", rule=ct.above(90))
    ),
    "add_task": lambda tr: tr.add_task(NEW),
    "add_tasks": lambda tr: tr.add_tasks([NEW]),
    "update_task": lambda tr: tr.update_task("t1", title="Đổi tên"),
    "complete_task": lambda tr: tr.complete_task("t1", on=D(2024, 6, 2), correct=True),
    "cancel_task": lambda tr: tr.cancel_task("t1", reason="trùng"),
    "reopen_task": lambda tr: tr.reopen_task("t1"),
    "report_progress": lambda tr: tr.report_progress(
        "t1", ct.ProgressReport(on=D(2024, 5, 1), percent=50)
    ),
    "record_result": lambda tr: tr.record_result(
        ct.Result(indicator="SIPAS", unit="huyen", year=2024, value=91.0)
    ),
    "discipline": lambda tr: tr.discipline("lan", on=D(2024, 5, 1), reason="chậm trễ"),
    "record_assessment": lambda tr: tr.record_assessment("lan", 2024, 20),
    "record_absence": lambda tr: tr.record_absence("lan", D(2024, 2, 1), D(2024, 2, 9)),
    "record_unit_rating": lambda tr: tr.record_unit_rating("huyen", 2024, "HTNV"),
    "record_rating": lambda tr: tr.record_rating("lan", 2024, "HTTNV"),
    "record_sanction": lambda tr: tr.record_sanction("huyen", D(2024, 9, 1), "waste"),
    "end_unit": lambda tr: tr.end_unit("huyen", D(2024, 12, 31)),
    "batch": lambda tr: tr.batch().__enter__(),
    "snapshot": lambda tr: tr.snapshot(),
    "add_calendar_override": lambda tr: tr.add_calendar_override(
        CalendarOverride(D(2024, 9, 3), "off", "Nghỉ (ví dụ)")
    ),
    "remove_calendar_override": lambda tr: tr.remove_calendar_override(D(2024, 9, 2)),
    "recompute_deadline": lambda tr: tr.recompute_deadline("t-deadline"),
    "add_recurring_task": lambda tr: tr.add_recurring_task(
        task("bc-thang"), monthly(15, D(2024, 1, 1)), through=2024
    ),
    "extend_series": lambda tr: tr.extend_series("bc-quy", 2024),
    "add_task_chain": lambda tr: tr.add_task_chain(task("bc-tiep"), AfterCompletion(days=30)),
    "record_inspection": lambda tr: tr.record_inspection(
        Inspection(id="kt-1", on=D(2024, 5, 2), inspector="lan", findings="Chậm", tasks=["t2"])
    ),
    "merge_units": lambda tr: tr.merge_units(
        ["huyen"], ct.Unit(id="xa", name="Xã", kind="commune"), D(2024, 7, 1)
    ),
    "split_unit": lambda tr: tr.split_unit(
        "huyen", [ct.Unit(id="xa", name="Xã", kind="commune")], D(2024, 7, 1)
    ),
    # the PAR-style index and SIPAS
    "set_criteria": lambda tr: tr.set_criteria(default_criteria(), year=2024),
    "self_assess": lambda tr: tr.self_assess("huyen", 2024, SelfAssessment("1.2", 1)),
    "appraise": lambda tr: tr.appraise("huyen", 2024, Appraisal("1.2", 0.5)),
    "set_survey_points": lambda tr: tr.set_survey_points("huyen", 2024, 25),
    "add_bonus": lambda tr: tr.add_bonus("huyen", 2024, Bonus(1, "Sáng kiến")),
    "add_penalty": lambda tr: tr.add_penalty("huyen", 2024, Penalty(1, "Chậm báo cáo")),
    "record_scorecard": lambda tr: tr.record_scorecard(UnitScorecard("huyen", 2024)),
    "import_survey": lambda tr: tr.import_survey(
        "Mã phiếu,Đối tượng,Đơn vị,Ngày,Tiếp cận dịch vụ,Thủ tục hành chính,Công chức,Kết quả,"
        "Tiếp nhận góp ý\nP1,Người dân,huyen,01/03/2024,5,5,5,5,5\n"
    ),
    "add_survey_responses": lambda tr: tr.add_survey_responses(
        [SurveyResponse("P1", "citizen", "huyen", "", D(2024, 3, 1), {"access": 5})]
    ),
    "record_computed_results": lambda tr: tr.record_computed_results(
        2024, computed_on=D(2025, 1, 15)
    ),
    "import_documents": lambda tr: tr.import_documents(
        {"units": [{"id": "xa-2", "name": "Xã 2", "kind": "commune", "parent": "huyen"}]}
    ),
    # the online survey and the staff dashboard
    "issue_survey_codes": lambda tr: tr.issue_survey_codes(
        "huyen", "Chứng thực", 2, issued=D(2024, 3, 1), expires=D(2024, 6, 30)
    ),
    "answer_survey": lambda tr: tr.answer_survey(ISSUED[-1], {"access": 5}, on=D(2024, 3, 2)),
    "add_account": lambda tr: tr.add_account(
        Account("lan", "Lan", "viewer", hash_password("mat-khau-dai", n=16))
    ),
    "set_password": lambda tr: tr.set_password("lan", "mat-khau-moi-dai"),
    "configure": lambda tr: tr.configure(config={"bands": {"excellent": 91}}),
    "add_indicator": lambda tr: tr.add_indicator(ct.IndicatorScale("POPULATION", minimum=0)),
}
#: The survey codes a setup issued (the store keeps only their digests).
ISSUED: list[str] = []
#: Writes that need something in the store first (added before the view is made).
SETUP: dict[str, Callable[[ct.Tracker], object]] = {
    "answer_survey": lambda tr: ISSUED.extend(
        tr.issue_survey_codes("huyen", "", 1, issued=D(2024, 1, 1), expires=D(2024, 12, 31))
    ),
    "set_password": lambda tr: tr.add_account(
        Account("lan", "Lan", "viewer", hash_password("mat-khau-dai", n=16))
    ),
    "end_headship": lambda tr: tr.appoint_head("huyen", "lan", start=D(2024, 1, 1)),
    "remove_calendar_override": lambda tr: tr.add_calendar_override(
        CalendarOverride(D(2024, 9, 2), "off", "Nghỉ (ví dụ)")
    ),
    "recompute_deadline": lambda tr: (
        tr.add_task(with_deadline(task("t-deadline"), tr.deadline(D(2024, 8, 30), 8))),
        tr.add_calendar_override(CalendarOverride(D(2024, 9, 4), "off", "Nghỉ (ví dụ)")),
    ),
    "extend_series": lambda tr: tr.add_recurring_task(
        task("bc-quy"), monthly(15, D(2023, 12, 16)), through=2023
    ),
}
#: Every other public member reads (or, like close, does nothing on a view).
READS = {
    "absences", "person_ratings", "unit_ratings", "sanctions",
    "as_of", "assessments", "backup", "close", "config", "db", "disciplines", "entries",
    "daily_heads", "evaluate", "heads", "headships", "history", "memory", "open", "overdue",
    "path", "person",
    "persons", "plan", "plans", "plugin_manager", "read_only", "refresh", "results",
    "rulesets", "seq", "target", "targets", "task", "tasks", "tasks_due_in", "to_documents",
    "unit", "units", "verify",
    "calendar", "deadline", "deadlines_to_check", "due_soon", "inspection", "inspections",
    "occurrences", "predecessors", "reminders", "series", "stale", "units_on", "chain",
    "chain_tasks",
    "compute_indices", "criteria", "criteria_entries", "explain_index", "index_computation",
    "scorecard", "scorecards", "survey_responses",
    "actor", "ruleset", "settings", "task_outcomes", "configuration", "indicators",
    "survey_code", "survey_codes", "account", "accounts",
}  # fmt: skip


def test_every_public_tracker_member_is_classified_as_read_or_write():
    """A new write method must be added to WRITES, so that the test below covers it."""
    members = {name for name in dir(ct.Tracker) if not name.startswith("_")}
    assert members - READS - set(WRITES) == set()


@pytest.mark.parametrize("method", list(WRITES))
def test_every_write_on_a_view_raises_read_only(six_lines: ct.Tracker, method: str):
    """The view refuses before looking at the arguments; neither it nor the store
    changes."""
    if method in SETUP:
        SETUP[method](six_lines)
    past = six_lines.as_of(six_lines.seq)
    before, files = documents(past), (Path(six_lines.path) / JOURNAL).read_bytes()
    with pytest.raises(ct.StoreError, match="read-only"):
        WRITES[method](past)
    assert documents(past) == before
    assert (Path(six_lines.path) / JOURNAL).read_bytes() == files
    WRITES[method](six_lines)  # the same call works on the live tracker


def test_closing_a_view_leaves_the_tracker_open(six_lines: ct.Tracker):
    with six_lines.as_of(2) as past:
        assert [u.id for u in past.units()] == ["huyen"]
    six_lines.add_task(task("t3"))
    assert six_lines.task("t3").id == "t3"


# -- verify -----------------------------------------------------------------------------


def test_an_intact_store_verifies(six_lines: ct.Tracker, folder: Path):
    report = six_lines.verify()
    assert isinstance(report, ct.VerifyReport)
    assert (report.ok, report.lines, report.first_bad_line) == (True, 6, None)
    assert report.head == json.loads(lines(folder)[-1])["hash"]
    assert "intact" in report.reason
    assert str(report).startswith("OK: 6 lines")


def edit(data: list[bytes]) -> list[bytes]:
    data[2] = data[2].replace("Kế hoạch CCHC".encode(), "Kế hoạch khác".encode())
    return data


def delete(data: list[bytes]) -> list[bytes]:
    del data[2]
    return data


def swap(data: list[bytes]) -> list[bytes]:
    data[2], data[3] = data[3], data[2]
    return data


def edit_and_reseal(data: list[bytes]) -> list[bytes]:
    """Line 3 altered and its own hash recomputed: line 4's prev no longer fits."""
    data[2] = resealed(data[2], "Kế hoạch CCHC", "Kế hoạch khác")
    return data


def insert(data: list[bytes]) -> list[bytes]:
    """A copy of line 2 inserted after it."""
    data.insert(2, data[1])
    return data


TAMPERING: dict[str, tuple[Callable[[list[bytes]], list[bytes]], int, str]] = {
    "line 3 edited": (edit, 3, "altered"),
    "line 3 deleted": (delete, 3, "chain broken"),
    "lines 3 and 4 swapped": (swap, 3, "chain broken"),
    "line 3 edited and resealed": (edit_and_reseal, 4, "chain broken"),
    "line 2 duplicated": (insert, 3, "chain broken"),
}


@pytest.mark.parametrize("name", list(TAMPERING))
def test_verify_reports_the_first_bad_line_without_raising(
    six_lines: ct.Tracker, folder: Path, name: str
):
    """Lines 1–6 are behind the snapshot, so the tracker keeps working; ``verify()``
    walks from line 1 and names the first line that does not check out. A line edited
    and given a fresh hash of its own shows at the next line, whose ``prev`` it no
    longer matches."""
    change, first_bad, reason = TAMPERING[name]
    write_lines(folder, change(lines(folder)))
    report = six_lines.verify()
    assert not report.ok
    assert report.first_bad_line == first_bad
    assert report.lines == first_bad - 1
    assert reason in report.reason
    assert report.file == str(folder / JOURNAL)
    assert str(report).startswith(f"TAMPERED: {folder / JOURNAL}, line {first_bad}: ")


def test_open_raises_where_verify_reports(folder: Path, tmp_path: Path):
    """Damage after the snapshot: opening raises StoreCorruptError; the folder check
    (what ``cchc verify`` runs) reports the same line and never raises."""
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        seed(tr)
    tr = ct.Tracker.open(folder, load_entrypoints=False)
    tr.add_task(task("t1"))
    tr.add_task(task("t2"))
    crashed = tmp_path / "crashed"
    shutil.copytree(folder, crashed)  # as a killed process leaves it: snapshot at line 3
    tr.close()
    write_lines(crashed, edit(lines(crashed)))
    with pytest.raises(ct.StoreCorruptError) as caught:
        ct.Tracker.open(crashed, load_entrypoints=False)
    assert caught.value.line == 3
    report = ct.store.verify_folder(str(crashed))
    assert (report.ok, report.first_bad_line) == (False, 3)


def test_a_journal_rewritten_with_valid_hashes_disagrees_with_the_snapshot(
    six_lines: ct.Tracker, folder: Path
):
    """A forger who rewrites line 3 and re-chains every line after it leaves a valid
    chain, but not the one the snapshot was taken at."""
    data = lines(folder)
    data[2] = resealed(data[2], "Kế hoạch CCHC", "Kế hoạch khác")
    for n in range(3, len(data)):
        data[n] = resealed(data[n], "", "", prev=json.loads(data[n - 1])["hash"])
    write_lines(folder, data)
    report = six_lines.verify()
    assert not report.ok
    assert report.lines == 6
    assert "replaced or rewritten" in report.reason


def test_lines_cut_from_the_end_are_found_by_the_snapshot(six_lines: ct.Tracker, folder: Path):
    write_lines(folder, lines(folder)[:4])
    report = six_lines.verify()
    assert (report.ok, report.lines, report.first_bad_line) == (False, 4, 5)
    assert "lines after line 4 were removed" in report.reason


def test_lines_cut_after_the_snapshot_are_found_by_the_tracker_that_read_them(
    six_lines: ct.Tracker, folder: Path
):
    """The snapshot cannot know of lines written after it; the tracker that wrote (or
    read) them can."""
    six_lines.add_task(task("t3"))
    write_lines(folder, lines(folder)[:6])
    assert ct.store.verify_folder(str(folder)).ok
    report = six_lines.verify()
    assert (report.ok, report.first_bad_line) == (False, 7)


def test_an_edited_snapshot_document_is_found(six_lines: ct.Tracker, folder: Path):
    """The snapshot has no hash of its own: ``verify()`` replays the journal to the
    snapshot's line and compares the documents."""
    data = json.loads((folder / SNAPSHOT).read_text())
    data["tasks"]["1"]["status"] = "cancelled"
    (folder / SNAPSHOT).write_text(json.dumps(data))
    report = six_lines.verify()
    assert (report.ok, report.file, report.first_bad_line) == (False, str(folder / SNAPSHOT), None)
    assert "table 'tasks', document 't1' differs from the journal" in report.reason


def test_an_edited_snapshot_position_is_found(six_lines: ct.Tracker, folder: Path):
    data = json.loads((folder / SNAPSHOT).read_text())
    data["_meta"]["1"]["journal_offset"] -= 10
    (folder / SNAPSHOT).write_text(json.dumps(data))
    report = six_lines.verify()
    assert not report.ok
    assert "middle of a line" in report.reason


def test_verify_changes_nothing_and_leaves_a_torn_line_alone(six_lines: ct.Tracker, folder: Path):
    """A line without its newline is a write in progress or one that never returned:
    not tampering. ``verify()`` reads only; the next open drops the torn line."""
    with (folder / JOURNAL).open("ab") as f:
        f.write(b'{"v":1,"seq":7,"at":"2024-')
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    report = six_lines.verify()
    assert report.ok
    assert "incomplete last line" in report.reason
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_memory_tracker_verifies_trivially():
    tr = ct.Tracker.memory(load_entrypoints=False)
    seed(tr)
    assert tr.verify().ok
    assert tr.verify().lines == 3


# -- interop ----------------------------------------------------------------------------


def test_the_snapshot_opens_with_plain_tinydb(six_lines: ct.Tracker, folder: Path):
    """Exactly ``TinyDB(path)``, as any TinyDB user would: the tables of the store format
    reference are there, a Query finds documents, and closing writes nothing."""
    six_lines.close()
    path = folder / SNAPSHOT
    before = path.read_bytes()
    db = TinyDB(path)
    Task = Query()
    assert db.tables() == {"_meta", "units", "persons", "plans", "tasks"}
    assert [d["id"] for d in db.table("tasks").search(Task.status == "done")] == ["t1"]
    assert db.table("persons").get(Task.id == "lan")["name"] == "Nguyễn Thị Lan"
    assert db.table("_meta").get(doc_id=1)["seq"] == 6
    db.close()
    assert path.read_bytes() == before
