"""The Tracker API: the public contract, input checks, and the unchanged-store promise."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.tracker.reader import due_order

D = dt.date


def build(tr: ct.Tracker) -> ct.Tracker:
    """The contract's example data: a district, one office, one head, plan, target, task."""
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district"))
    tr.add_unit(ct.Unit(id="noi-vu", name="Phòng Nội vụ", kind="agency", parent="huyen"))
    tr.add_person(ct.Person(id="p1", name="Nguyễn Văn A", unit="noi-vu"))
    tr.appoint_head(unit="noi-vu", person="p1", start=D(2021, 1, 1))
    tr.add_plan(
        ct.Plan(
            id="kh",
            title="Kế hoạch CCHC 2021-2030",
            unit="huyen",
            start=D(2021, 1, 1),
            end=D(2030, 12, 31),
        )
    )
    tr.add_target(
        ct.Target(
            id="par",
            plan="kh",
            unit="huyen",
            indicator=ct.Indicator.PAR_INDEX,
            rule=ct.any_of(ct.growth(5, mode="relative"), ct.rank_within(5)),
            ratchet=False,
        )
    )
    tr.add_task(
        ct.Task(
            id="t1",
            plan="kh",
            title="Rà soát thủ tục hành chính",
            unit="noi-vu",
            assignee="p1",
            due=D(2024, 6, 30),
        )
    )
    tr.add_task(
        ct.Task(
            id="t2",
            plan="kh",
            title="Số hóa hồ sơ",
            unit="noi-vu",
            assignee="p1",
            due=D(2024, 3, 31),
        )
    )
    return tr


@pytest.fixture
def tr() -> ct.Tracker:
    return build(ct.Tracker.memory())


def test_the_contract_runs_as_written(tmp_path: Path) -> None:
    """The issue's contract, line by line, on a store folder."""
    with ct.Tracker.open(tmp_path / "tan-hong") as tr:
        build(tr)
        tr.complete_task("t1", on=D(2024, 6, 20), exceeded=True, actor="p1")
        tr.cancel_task("t2", reason="Lồng ghép vào nhiệm vụ khác", actor="p1")
        tr.discipline(person="p1", on=D(2024, 9, 1), reason="Chậm trễ")
        tr.record_result(
            ct.Result(
                indicator=ct.Indicator.PAR_INDEX, unit="huyen", year=2024, value=86.1, rank=3, of=12
            )
        )
        with tr.batch(actor="p1", note="import"):
            tr.add_task(
                ct.Task(id="t3", plan="kh", title="Báo cáo", unit="noi-vu", due=D(2024, 12, 15))
            )
        assert tr.task("t1").exceeded
        assert tr.unit("noi-vu").parent == "huyen"
        assert tr.person("p1").name == "Nguyễn Văn A"
        assert [t.id for t in tr.tasks(unit="noi-vu")] == ["t2", "t1", "t3"]
        assert [t.id for t in tr.overdue(as_of=D(2024, 12, 31))] == ["t3"]
        history = tr.history("t1")
        assert [h.change.op for h in history] == ["add", "update"]
        assert history[1].actor == "p1" and history[1].seq > history[0].seq
        assert history[1].at.tzinfo is not None

        ev = tr.evaluate(2024)
        assert ev.as_of == D(2024, 12, 31)
        assert ev.targets["par"].outcome is ct.Outcome.PASS
        reason = str(ev.targets["par"].reason)
        assert "86.1" in reason and "rank 3" in reason
        u = ev.units["noi-vu"]
        assert (u.on_time, u.late, u.overdue, u.pending) == (1, 0, 1, 0)
        assert u.score is not None and u.band is not None
        r = ev.leaders["p1"]
        assert r.unit == "noi-vu"
        assert r.rating is ct.Rating.NOT_COMPLETED and r.rating.code == "KHTNV"
        assert ct.Rating.NOT_COMPLETED < ct.Rating.EXCELLENT
        assert "disciplined on 2024-09-01" in ev.explain("p1", "en")
        assert "01/09/2024" in ev.explain("p1")


def test_memory_and_disk_trackers_agree(tmp_path: Path) -> None:
    """Tracker.memory() offers the same API and gives the same documents."""
    with ct.Tracker.open(tmp_path / "s") as disk:
        build(disk)
        memory = build(ct.Tracker.memory())
        assert disk.to_documents() == memory.to_documents()


def test_reopening_gives_the_same_state(tmp_path: Path) -> None:
    with ct.Tracker.open(tmp_path / "s") as tr:
        build(tr)
        tr.complete_task("t1", on=D(2024, 6, 1))
        before = tr.to_documents()
    with ct.Tracker.open(tmp_path / "s") as again:
        assert again.to_documents() == before
        assert again.task("t1").completed_on == D(2024, 6, 1)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (
            lambda tr: tr.add_unit(ct.Unit(id="noi-vu", name="X", kind="agency")),
            ct.DuplicateIdError,
            ["unit.id", "'noi-vu'"],
        ),
        (
            lambda tr: tr.add_unit(ct.Unit(id="x", name="X", kind="agency", parent="nowhere")),
            ct.NotFoundError,
            ["Unit.parent", "'nowhere'"],
        ),
        (
            lambda tr: tr.add_person(ct.Person(id="p9", name="B", unit="nowhere")),
            ct.NotFoundError,
            ["Person.unit"],
        ),
        (
            lambda tr: tr.add_task(
                ct.Task(id="t9", plan="kh", title="x", unit="noi-vu", due=D(2031, 1, 1))
            ),
            ct.ValidationError,
            ["Task.due", "2021-01-01 to 2030-12-31", "2031"],
        ),
        (
            lambda tr: tr.add_task(
                ct.Task(id="t9", plan="nope", title="x", unit="noi-vu", due=D(2024, 1, 1))
            ),
            ct.NotFoundError,
            ["Task.plan", "'nope'"],
        ),
        (
            lambda tr: tr.add_task(
                ct.Task(
                    id="t9",
                    plan="kh",
                    title="x",
                    unit="noi-vu",
                    assignee="ghost",
                    due=D(2024, 1, 1),
                )
            ),
            ct.NotFoundError,
            ["Task.assignee", "'ghost'"],
        ),
        (
            lambda tr: tr.add_task(
                ct.Task(
                    id="t9",
                    plan="kh",
                    title="x",
                    unit="noi-vu",
                    partners=("ghost",),
                    due=D(2024, 1, 1),
                )
            ),
            ct.NotFoundError,
            ["Task.partners"],
        ),
        (
            lambda tr: tr.appoint_head(unit="noi-vu", person="p1", start=D(2023, 1, 1)),
            ct.ValidationError,
            ["Headship.start", "overlap"],
        ),
        (
            lambda tr: tr.record_result(
                ct.Result(indicator="PAR_INDEX", unit="ghost", year=2024, value=1.0)
            ),
            ct.NotFoundError,
            ["Result.unit"],
        ),
        (
            lambda tr: tr.discipline(person="ghost", on=D(2024, 1, 1), reason="x"),
            ct.NotFoundError,
            ["Discipline.person"],
        ),
        (lambda tr: tr.complete_task("nope", on=D(2024, 1, 1)), ct.NotFoundError, ["'nope'"]),
        (
            lambda tr: tr.update_task("t1", status="done"),
            ct.ValidationError,
            ["update_task.status"],
        ),
        (lambda tr: tr.update_task("t1", due=D(2035, 1, 1)), ct.ValidationError, ["Task.due"]),
        (lambda tr: tr.cancel_task("t1", reason="  "), ct.ValidationError, ["cancel_task.reason"]),
        (
            lambda tr: tr.add_task("not a task"),  # type: ignore[arg-type]
            ct.ValidationError,
            ["add_task.task"],
        ),
        (lambda tr: tr.tasks_due_in("2024"), ct.ValidationError, ["tasks_due_in.year", "'2024'"]),
        (
            lambda tr: tr.tasks(due_from="2024-01-01"),
            ct.ValidationError,
            ["tasks.due_from", "a date", "'2024-01-01'"],
        ),
        (
            lambda tr: tr.tasks(unit="noi-vu", due_to=dt.datetime(2024, 1, 1)),
            ct.ValidationError,
            ["tasks.due_to", "a date"],
        ),
        (
            lambda tr: tr.evaluate(2024, ruleset="no-such-decree"),
            ct.ValidationError,
            ["ruleset", "decree90"],
        ),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    tr: ct.Tracker, call: object, error: type[Exception], words: list[str]
) -> None:
    """Every bad input raises a CchcError naming the field, what was expected and what
    came; the store is exactly as before."""
    before, seq = tr.to_documents(), tr.seq
    with pytest.raises(error) as info:
        call(tr)  # type: ignore[operator]
    assert isinstance(info.value, ct.CchcError)
    for word in words:
        assert word in str(info.value)
    assert tr.to_documents() == before and tr.seq == seq


def test_a_failed_batch_writes_nothing(tmp_path: Path) -> None:
    """All or nothing: a batch that raises halfway leaves state and journal as they were."""
    with ct.Tracker.open(tmp_path / "s") as tr:
        build(tr)
        journal = (tmp_path / "s" / "journal.jsonl").read_bytes()
        before = tr.to_documents()
        with pytest.raises(ct.NotFoundError), tr.batch(actor="p1", note="half"):
            tr.complete_task("t1", on=D(2024, 6, 1))
            tr.add_task(ct.Task(id="t8", plan="kh", title="x", unit="noi-vu", due=D(2024, 5, 1)))
            tr.add_task(ct.Task(id="t9", plan="kh", title="x", unit="ghost", due=D(2024, 5, 1)))
        assert tr.to_documents() == before
        assert (tmp_path / "s" / "journal.jsonl").read_bytes() == journal


def test_a_batch_is_one_journal_line_with_actor_and_note(tmp_path: Path) -> None:
    with ct.Tracker.open(tmp_path / "s") as tr:
        build(tr)
        seq = tr.seq
        with tr.batch(actor="p1", note="nhập phụ lục"):
            for i in range(3):
                tr.add_task(
                    ct.Task(id=f"b{i}", plan="kh", title="x", unit="noi-vu", due=D(2025, 1, 1))
                )
        assert tr.seq == seq + 1
        last = json.loads((tmp_path / "s" / "journal.jsonl").read_text("utf-8").splitlines()[-1])
        assert last["actor"] == "p1" and last["note"] == "nhập phụ lục"
        assert [c["id"] for c in last["changes"]] == ["b0", "b1", "b2"]


def test_queries_filter_and_sort(tr: ct.Tracker) -> None:
    tr.complete_task("t2", on=D(2024, 3, 1))
    assert [t.id for t in tr.tasks(status="done")] == ["t2"]
    assert [t.id for t in tr.tasks(status=ct.TaskStatus.OPEN)] == ["t1"]
    assert [t.id for t in tr.tasks(plan="kh", due_from=D(2024, 4, 1))] == ["t1"]
    assert [t.id for t in tr.tasks(due_to=D(2024, 4, 1))] == ["t2"]
    assert [t.id for t in tr.tasks(assignee="p1")] == ["t2", "t1"]
    assert tr.tasks(unit="huyen") == []
    assert [u.id for u in tr.units(parent="huyen")] == ["noi-vu"]
    assert [p.id for p in tr.heads("noi-vu", D(2024, 1, 1))] == ["p1"]


def test_overdue_is_as_of_a_date(tr: ct.Tracker) -> None:
    """Due before the date and not completed by it; a later completion does not count."""
    tr.complete_task("t2", on=D(2024, 5, 1))  # late
    assert [t.id for t in tr.overdue(as_of=D(2024, 4, 15))] == ["t2"]
    assert tr.overdue(as_of=D(2024, 3, 31)) == []  # due on the day: not yet overdue
    assert [t.id for t in tr.overdue(as_of=D(2024, 7, 1))] == ["t1"]


def test_task_lifecycle_corrections_are_journaled(tr: ct.Tracker) -> None:
    tr.complete_task("t1", on=D(2024, 6, 1), exceeded=True, quality_note="Tốt")
    with pytest.raises(ct.ValidationError, match="complete_task.correct"):
        tr.complete_task("t1", on=D(2024, 6, 2))  # a second completion is not a correction
    assert tr.task("t1").completed_on == D(2024, 6, 1)
    tr.complete_task("t1", on=D(2024, 6, 2), correct=True, note="ngày sai")
    assert tr.task("t1").completed_on == D(2024, 6, 2) and not tr.task("t1").exceeded
    assert (
        tr.history("t1")[-1].note == "correction of the completion recorded on 2024-06-01: ngày sai"
    )
    tr.reopen_task("t1")
    assert tr.task("t1").status is ct.TaskStatus.OPEN
    tr.cancel_task("t1", reason="Không còn phù hợp")
    with pytest.raises(ct.ValidationError, match="Task.status"):
        tr.complete_task("t1", on=D(2024, 6, 3))
    ops = [h.change.op for h in tr.history("t1")]
    assert ops == ["add", "update", "update", "update", "update"]
    assert tr.history("t1")[1].change.before is not None


def test_progress_reports_accumulate(tr: ct.Tracker) -> None:
    tr.report_progress(
        "t1", ct.ProgressReport(on=D(2024, 5, 1), percent=50, evidence=("Báo cáo 12/BC",), by="p1")
    )
    tr.report_progress("t1", ct.ProgressReport(on=D(2024, 6, 1), percent=90))
    assert [p.percent for p in tr.task("t1").progress] == [50, 90]
    with pytest.raises(ct.NotFoundError, match="ProgressReport.by"):
        tr.report_progress("t1", ct.ProgressReport(on=D(2024, 6, 2), percent=95, by="ghost"))


def test_headships_end_and_succeed(tr: ct.Tracker) -> None:
    tr.add_person(ct.Person(id="p2", name="Trần Thị B", unit="noi-vu"))
    tr.end_headship("noi-vu", end=D(2024, 3, 31))
    tr.appoint_head(unit="noi-vu", person="p2", start=D(2024, 4, 1))
    assert [p.id for p in tr.heads("noi-vu", D(2024, 3, 31))] == ["p1"]
    assert [p.id for p in tr.heads("noi-vu", D(2024, 4, 1))] == ["p2"]
    with pytest.raises(ct.ValidationError, match="open headship"):
        tr.end_headship("huyen", end=D(2024, 1, 1))


def test_record_result_corrects_in_place(tr: ct.Tracker) -> None:
    tr.record_result(ct.Result(indicator="PAR_INDEX", unit="huyen", year=2024, value=80.0))
    tr.record_result(ct.Result(indicator="PAR_INDEX", unit="huyen", year=2024, value=81.0))
    assert [r.value for r in tr.results(unit="huyen")] == [81.0]
    assert [h.change.op for h in tr.history("PAR_INDEX@huyen@2024")] == ["add", "update"]


def test_tinydb_view_is_read_only_and_live(tr: ct.Tracker) -> None:
    from tinydb import Query

    db = tr.db()
    assert len(db.table("tasks").search(Query().unit == "noi-vu")) == 2
    with pytest.raises(ct.StoreError):
        db.table("tasks").insert({"id": "x"})
    assert tr.task("t1").title == "Rà soát thủ tục hành chính"


def test_writes_take_actor_and_note_with_a_tracker_default() -> None:
    tr = ct.Tracker.memory(actor="van-phong")
    tr.add_unit(ct.Unit(id="u", name="U", kind="agency"), note="khởi tạo")
    tr.add_unit(ct.Unit(id="v", name="V", kind="agency"), actor="noi-vu")
    entries = list(tr.entries())
    assert [(e.actor, e.note) for e in entries] == [("van-phong", "khởi tạo"), ("noi-vu", None)]


@given(
    st.sampled_from(["huyen", "noi-vu", "ghost", "", "a b"]),
    st.sampled_from(["kh", "ghost"]),
    st.integers(2019, 2032),
)
def test_any_add_task_either_succeeds_or_changes_nothing(unit: str, plan: str, year: int) -> None:
    """Property: add_task either adds exactly one task or raises a CchcError and leaves
    every document as it was."""
    tr = build(ct.Tracker.memory())
    before = tr.to_documents()
    try:
        tr.add_task(ct.Task(id="new", plan=plan, title="x", unit=unit, due=D(year, 6, 1)))
    except ct.CchcError:
        assert tr.to_documents() == before
    else:
        after = tr.to_documents()
        assert len(after["tasks"]) == len(before["tasks"]) + 1


def test_a_freshly_opened_store_reads_what_was_written(demo: ct.Tracker, tmp_path: Path) -> None:
    """Reads of a freshly opened store call the trusted loader straight (not through the
    session's decode): they give the objects the writing tracker holds, query by query,
    and the same objects again once decoded."""
    demo.backup(tmp_path / "copy")
    with ct.Tracker.open(tmp_path / "copy", load_entrypoints=False) as fresh:
        for unit in demo.units():
            first = fresh.tasks(unit=unit.id)
            assert first == demo.tasks(unit=unit.id)
            assert all(a is b for a, b in zip(fresh.tasks(unit=unit.id), first, strict=True))
        assert fresh.tasks() == demo.tasks()
        assert fresh.headships() == demo.headships()  # a table whose key is derived
        year = demo.tasks()[0].due.year
        assert fresh.evaluate(year).units == demo.evaluate(year).units


def test_a_years_tasks_are_remembered_only_while_the_tasks_are_unchanged(
    tmp_path: Path,
) -> None:
    """tasks_due_in() keeps the year's tasks between calls: every write, an undone batch
    and another process's write that the tracker catches up with must show."""
    folder = tmp_path / "store"
    tr = build(ct.Tracker.open(folder, load_entrypoints=False))
    other = ct.Tracker.open(folder, load_entrypoints=False)

    def ids() -> list[str]:
        return [t.id for t in tr.tasks_due_in(2025)]

    def task(id: str) -> ct.Task:
        return ct.Task(id=id, plan="kh", title="Việc", unit="noi-vu", due=D(2025, 5, 1))

    first = ids()
    assert ids() == first
    tr.add_task(task("t-new"))
    assert "t-new" in ids()
    tr.complete_task("t-new", D(2025, 4, 1))
    assert [t.status for t in tr.tasks_due_in(2025) if t.id == "t-new"] == [ct.TaskStatus.DONE]
    with pytest.raises(RuntimeError), tr.batch():
        tr.add_task(task("t-undone"))
        assert "t-undone" in ids()
        raise RuntimeError("the batch fails")
    assert "t-undone" not in ids()
    other.add_task(task("t-other"))
    tr.refresh()
    assert "t-other" in ids()
    listed = tr.tasks_due_in(2025)
    listed.clear()  # a caller's list is its own
    assert "t-other" in ids()
    other.close()
    tr.close()


@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
            st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1),
        ),
        max_size=30,
    )
)
def test_documents_in_due_order_are_the_tasks_by_due_date_then_id(
    pairs: list[tuple[dt.date, str]],
) -> None:
    """Stored documents are sorted by their ISO due date and id as text, before they are
    decoded: the order is the tasks' (due date, then id), at any year and any id."""
    docs = [{"due": due.isoformat(), "id": id} for due, id in pairs]
    assert [(d["due"], d["id"]) for d in sorted(docs, key=due_order)] == [
        (due.isoformat(), id) for due, id in sorted(pairs)
    ]


def test_queries_list_tasks_by_due_date_then_id_in_and_out_of_a_write() -> None:
    tr = ct.Tracker.memory()
    tr.add_unit(ct.Unit(id="u", name="UBND", kind="district"))
    tr.add_plan(
        ct.Plan(id="kh", title="KH", unit="u", start=dt.date(2024, 1, 1), end=dt.date(2025, 12, 31))
    )
    days = [dt.date(2025, 3, 1), dt.date(2024, 5, 2), dt.date(2025, 3, 1), dt.date(2024, 12, 31)]
    with tr.batch():
        for n, due in enumerate(days):
            tr.add_task(ct.Task(id=f"t{9 - n}", plan="kh", title="Việc", unit="u", due=due))
        inside = [(t.due, t.id) for t in tr.tasks(unit="u")]
    expected = sorted((due, f"t{9 - n}") for n, due in enumerate(days))
    assert inside == expected
    assert [(t.due, t.id) for t in tr.tasks()] == expected
    assert [(t.due, t.id) for t in tr.tasks_due_in(2025)] == expected[2:]


#: Days of the plan, the first and last of each year and a few others drawn often: a task
#: due on the first or last day of a range or a year is in it.
_PLAN_DAYS = st.one_of(
    st.sampled_from(
        [D(2024, 1, 1), D(2024, 7, 1), D(2024, 12, 31), D(2025, 1, 1), D(2025, 12, 31)]
    ),
    st.dates(D(2024, 1, 1), D(2025, 12, 31)),
)


#: The ends of the ranges read, open or not: the first and last days of the years and of
#: the range most often drawn among them.
_STARTS = (None, D(2024, 1, 1), D(2024, 7, 1), D(2025, 1, 1))
_ENDS = (None, D(2024, 7, 1), D(2024, 12, 31), D(2025, 12, 31))


@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 30), _PLAN_DAYS, st.booleans()), max_size=25)
)
def test_a_years_tasks_and_a_due_range_are_the_tasks_filtered_by_due_date(
    steps: list[tuple[bool, int, dt.date, bool]],
) -> None:
    """tasks_due_in() and tasks(due_from=…, due_to=…) read the lookup by due day; after
    any additions, moves of due dates and failed batches, read between any of them, they
    list exactly those of all the tasks listed whose due date is in the year or range, in
    the same order (due date, then id)."""
    tr = ct.Tracker.memory()
    tr.add_unit(ct.Unit(id="u", name="UBND", kind="district"))
    tr.add_plan(ct.Plan(id="kh", title="KH", unit="u", start=D(2024, 1, 1), end=D(2025, 12, 31)))
    for add, n, due, fails in steps:
        ids = [t.id for t in tr.tasks()]
        try:
            with tr.batch():
                if add or not ids:
                    # Ids of any length, so text order and number order differ.
                    task = ct.Task(
                        id=f"t{n}" * (1 + n % 3), plan="kh", title="Việc", unit="u", due=due
                    )
                    tr.add_task(task)
                else:
                    tr.update_task(ids[n % len(ids)], due=due)
                if fails:
                    raise RuntimeError("the batch fails")
        except (RuntimeError, ct.DuplicateIdError):
            pass
        everything = tr.tasks()
        for year in (2023, 2024, 2025):
            assert tr.tasks_due_in(year) == [t for t in everything if t.due.year == year]
        for start in _STARTS:
            for end in _ENDS:
                assert tr.tasks(due_from=start, due_to=end) == [
                    t
                    for t in everything
                    if (start is None or start <= t.due) and (end is None or t.due <= end)
                ]


def test_a_year_is_any_year_a_date_can_fall_in() -> None:
    """tasks_due_in() lists a plan's tasks whatever the year (a plan may start in 1850),
    and a year no date falls in has no tasks rather than an error."""
    tr = ct.Tracker.memory()
    tr.add_unit(ct.Unit(id="u", name="UBND", kind="district"))
    tr.add_plan(ct.Plan(id="kh", title="KH", unit="u", start=D(1850, 1, 1), end=D(2300, 12, 31)))
    for id, due in (("a", D(1850, 3, 1)), ("b", D(2250, 12, 31))):
        tr.add_task(ct.Task(id=id, plan="kh", title="Việc", unit="u", due=due))
    assert [t.id for t in tr.tasks_due_in(1850)] == ["a"]
    assert [t.id for t in tr.tasks_due_in(2250)] == ["b"]
    assert tr.tasks_due_in(0) == tr.tasks_due_in(10_000) == []
