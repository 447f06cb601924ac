"""The benchmark code runs at a tiny scale, so it never rots (no timing is asserted)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks import run
from benchmarks.user_day import DayRow


def test_the_benchmark_runs_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    run.main(["--scale", "0.004", "--rounds", "1", "--curve"])  # as make bench runs it
    out = capsys.readouterr().out
    for operation in (
        "load 200 tasks in one batch",
        "open the store",
        "durable task update",
        "open tasks of one unit",
        "evaluate one year",
        "import cchc_tasks",
        "peak RSS",
        "day: one batch: add 200 tasks, complete",
        "day: open the store",
        "day: complete_task on an open task, durable",
        "day: tasks(unit=u) on a freshly opened store",
        "day: evaluate(",
        "peak RSS of a process that opens the store and reads every task",
        # The curve: a tenth and four times the main size.
        "one durable task update at 50 tasks",
        "open tasks of one unit at 800 tasks",
        "day at 50 tasks: one batch: add 50 tasks",
        "day at 800 tasks: evaluate(",
        "at 800 tasks: peak RSS",
        "| day operation (ours / floor = ratio) | 50 tasks",
        "- evaluate a year: ours ×",
    ):
        assert operation in out
    assert out.count("from 200 to 800 tasks") == 6  # a verdict for each of the day's rows
    # The evaluation after the day's queries is budgeted; on a fresh store, reported.
    assert "day: evaluate(2023) after the day's queries" in out
    assert "day: evaluate(2023) on a freshly opened store" in out
    assert "reported: a plain classifying loop" in out
    assert "SQLite" in out and "naive TinyDB" in out
    if "PostgreSQL rows left out" not in out:
        for operation in ("PostgreSQL: one durable task update", "writer processes at once"):
            assert operation in out


def test_the_scenario_is_deterministic_and_realistic() -> None:
    import cchc_tasks as ct
    from benchmarks.scenario import Sizes, build

    sizes = Sizes(units=30, people=60, plans=3, tasks=600, years=3)
    a, b = ct.Tracker.memory(load_entrypoints=False), ct.Tracker.memory(load_entrypoints=False)
    build(a, sizes)
    build(b, sizes)
    assert a.to_documents() == b.to_documents()
    assert len(a.units()) == 30 and len(a.tasks()) == 600
    ev = a.evaluate(2022)
    totals = {
        k: sum(getattr(u, k) for u in ev.units.values())
        for k in ("on_time", "late", "overdue", "cancelled", "exceeded")
    }
    assert all(v > 0 for v in totals.values()), totals


def test_the_survey_load_test_runs_end_to_end_on_loopback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("uvicorn")
    from benchmarks import survey_load

    assert survey_load.main(["--clients", "2", "--seconds", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "every acknowledged answer stored once" in out
    assert "repeats refused (410)     2 of 2" in out
    assert "p95" in out


def test_the_curve_runs_a_tenth_and_four_times_the_main_size() -> None:
    assert run.curve_tasks(50_000) == [5_000, 200_000]
    assert run.curve_tasks(200) == [50, 800]
    assert run.curve_tasks(50) == [200]  # never the main size twice


def test_a_row_that_grows_like_its_floor_grows_with_the_data() -> None:
    from benchmarks.growth import growth

    g = growth((2.0, 8.4), (0.5, 2.0))  # ours ×4.2, the floor ×4
    assert (g.ours, g.reference) == (4.2, 4.0) and not g.faster
    assert not growth((1.0, 5.0), (1.0, 4.0)).faster  # exactly 25% more: not more than
    assert growth((1.0, 5.1), (1.0, 4.0)).faster  # 27.5% more than the floor's growth
    # The floor grew less than the data (a warm cache): ours is held to the floor.
    assert growth((1.0, 3.0), (1.0, 2.0)).faster


def test_a_per_item_row_is_held_to_flat_whatever_its_floor_did() -> None:
    from benchmarks.growth import growth

    g = growth((1e-3, 1.2e-3), (5e-4, 4e-3), per_item=True)  # the floor ×8 is ignored
    assert g.reference == 1.0 and not g.faster
    assert growth((1e-3, 1.3e-3), (5e-4, 5e-4), per_item=True).faster
    # Ours doubled with its floor: as the data for a scanning row, too much for one item.
    assert not growth((1e-3, 2e-3), (5e-4, 1e-3)).faster
    assert growth((1e-3, 2e-3), (5e-4, 1e-3), per_item=True).faster


def test_growth_refuses_a_time_that_is_not_positive() -> None:
    from benchmarks.growth import growth

    with pytest.raises(ValueError, match="positive"):
        growth((0.0, 1.0), (1.0, 1.0))
    with pytest.raises(ValueError, match="positive"):
        growth((1.0, 1.0), (1.0, -1.0))


@given(
    ours=st.tuples(*[st.floats(1e-6, 1e3)] * 2),
    floor=st.tuples(*[st.floats(1e-6, 1e3)] * 2),
    unit=st.sampled_from([1e-3, 1.0, 60.0]),
    per_item=st.booleans(),
)
def test_the_verdict_does_not_depend_on_the_unit_of_time(
    ours: tuple[float, float], floor: tuple[float, float], unit: float, per_item: bool
) -> None:
    from benchmarks.growth import TOLERANCE, growth

    g = growth(ours, floor, per_item=per_item)
    scaled = growth(
        (ours[0] * unit, ours[1] * unit), (floor[0] * unit, floor[1] * unit), per_item=per_item
    )
    assert scaled.ours == pytest.approx(g.ours) and scaled.reference == pytest.approx(g.reference)
    margin = abs(g.ours - g.reference * TOLERANCE) / (g.reference * TOLERANCE)
    if margin > 1e-9:  # away from the boundary, where rounding may tip it
        assert scaled.faster == g.faster


def day_rows(n: int, evaluate: float) -> list[DayRow]:
    """The day's rows at ``n`` tasks with made-up times: linear but the evaluation."""
    return [
        DayRow("one batch", f"add {n:,} tasks", n * 4e-5, n * 1e-5, "≤ 2×", 2.0),
        DayRow("complete_task, durable", "one", 1e-3, 5e-4, "≤ 2×", 2.0, per_item=True),
        DayRow("evaluate a year", f"{n:,} tasks", evaluate, n * 2e-7, "≤ 4×", 4.0),
    ]


def test_the_growth_table_names_a_row_that_grows_faster_than_the_data() -> None:
    from benchmarks.growth import growth_table

    curve = {50_000: day_rows(50_000, 0.1), 5_000: day_rows(5_000, 0.02)}
    curve[200_000] = day_rows(200_000, 0.6)  # ×6 where the data grew ×4
    lines, faster = growth_table(curve)
    assert faster == ["evaluate a year"]
    text = "\n".join(lines)
    assert "| 5,000 tasks" in lines[0] and lines[0].index("5,000") < lines[0].index("200,000")
    assert "| one batch " in text and "2.00 s / 500.0 ms = 4.00×" in text  # at 50,000
    assert "8.00 s / 2.00 s = 4.00×" in text  # at 200,000
    assert (
        "- evaluate a year: ours ×6.00 from 50,000 to 200,000 tasks, held to ×4.00 (the "
        "floor's growth or the data's, the more): GROWS FASTER THAN THE DATA" in text
    )
    assert "- one batch: ours ×4.00 from 50,000 to 200,000 tasks, held to ×4.00" in text
    assert "the more): grows with the data" in text
    assert "- complete_task, durable: ours ×1.00" in text and "stays flat" in text


def test_a_single_size_has_a_table_and_no_verdict() -> None:
    from benchmarks.growth import growth_table

    lines, faster = growth_table({50_000: day_rows(50_000, 0.1)})
    assert len(lines) == 2 + 3 and faster == []


def test_a_row_growing_faster_than_the_data_fails_the_run_like_a_row_over_budget() -> None:
    within = run.Row("update", 1e-3, 1e-3, "≤ 2×", limit=2.0)
    over = run.Row("update", 3e-3, 1e-3, "≤ 2×", limit=2.0)
    assert run.passed([within], [])
    assert not run.passed([within, over], [])
    assert not run.passed([within], ["evaluate a year"])


def test_the_day_at_another_size_is_reported_not_held_to_the_budgets() -> None:
    """The budgets are set for the province's size; the curve is judged by growth."""
    rows = day_rows(5_000, 1.0)  # the evaluation far over its 4× at this size
    main = run.day_report_rows(rows, "day")
    other = run.day_report_rows(rows, "day at 5,000 tasks", budgeted=False)
    assert not all(r.within for r in main)
    assert all(r.within for r in other) and all(r.limit is None for r in other)
    assert all(r.budget.startswith("reported") for r in other)


def test_a_reported_day_row_is_shown_and_held_to_no_budget() -> None:
    """The evaluation on a freshly opened store is reported beside the budgeted one."""
    fresh = DayRow("evaluate a year, fresh store", "fresh", 1.0, 1e-3, "reported", None)
    (row,) = run.day_report_rows([fresh], "day")
    assert row.ratio is not None and row.ratio > 4 and row.within and row.limit is None
    over = run.day_report_rows(day_rows(5_000, 1.0), "day")
    assert not all(r.within for r in over)  # the budgeted evaluation, far over its 4×


def test_a_floor_that_grew_less_than_the_data_does_not_make_a_row_grow_faster() -> None:
    """A floor is timed too: one that grew ×3.1 for four times the rows (a noisy run) does
    not hold ours to ×3.1; the data's ×4 is the reference then."""
    from benchmarks.growth import growth

    assert growth((2.38, 9.38), (0.758, 2.37)).faster  # against the floor alone
    assert not growth((2.38, 9.38), (0.758, 2.37), data=4.0).faster
    assert growth((2.0, 10.5), (0.5, 2.0), data=4.0).faster  # ×5.25: over 1.25 × 4
