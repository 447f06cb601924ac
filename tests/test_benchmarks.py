"""The benchmark code runs at a tiny scale, so it never rots (no timing is asserted)."""

from __future__ import annotations

import pytest

from benchmarks import run


def test_the_benchmark_runs_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    run.main(["--scale", "0.004", "--rounds", "1"])
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
    ):
        assert operation in out
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
