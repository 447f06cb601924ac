"""Impossible input is refused with a ValidationError naming the field, and the store is
left as it was: dates outside the plan or past the tracker's year, a second completion
without ``correct=True``, unknown indicators and values off their scale, years no plan
could mean; and a folder that is not a store is never taken over."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.plans import BUILTIN_SCALES
from tests.helpers import unchanged

D = dt.date
TODAY = D(2024, 9, 1)


@pytest.fixture
def tr(tmp_path: Path) -> ct.Tracker:
    tracker = ct.Tracker.open(tmp_path / "s", today=lambda: TODAY)
    tracker.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district"))
    tracker.add_person(ct.Person(id="lan", name="Lan", unit="huyen"))
    tracker.add_plan(
        ct.Plan(id="kh", title="KH", unit="huyen", start=D(2024, 1, 1), end=D(2025, 12, 31))
    )
    tracker.add_task(ct.Task(id="t1", plan="kh", title="Việc", unit="huyen", due=D(2024, 6, 30)))
    return tracker


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda tr: tr.complete_task("t1", on=D(2004, 6, 20)), "complete_task.on"),
        (lambda tr: tr.complete_task("t1", on=D(2025, 1, 2)), "complete_task.on"),
        (lambda tr: tr.complete_task("t1", on=dt.datetime(2024, 6, 2)), "complete_task.on"),
        (
            lambda tr: tr.report_progress("t1", ct.ProgressReport(on=D(2023, 12, 1), percent=5)),
            "ProgressReport.on",
        ),
        (
            lambda tr: tr.report_progress("t1", ct.ProgressReport(on=D(2026, 1, 1), percent=5)),
            "ProgressReport.on",
        ),
        (lambda tr: tr.discipline("lan", on=D(2014, 5, 1), reason="chậm"), "Discipline.on"),
        (lambda tr: tr.discipline("lan", on=D(2042, 5, 1), reason="chậm"), "Discipline.on"),
        (
            lambda tr: tr.record_inspection(
                ct.inspections.Inspection(
                    id="kt", on=D(2002, 5, 2), inspector="lan", findings="Chậm", tasks=["t1"]
                )
            ),
            "Inspection.on",
        ),
    ],
)
def test_a_date_outside_the_plan_or_past_this_year_is_refused(
    tr: ct.Tracker, call: object, field: str
) -> None:
    error = unchanged(tr, lambda: call(tr), ct.ValidationError)  # type: ignore[operator]
    assert isinstance(error, ct.ValidationError) and error.field == field


def test_the_typo_of_the_issue_no_longer_counts_as_on_time(tr: ct.Tracker) -> None:
    with pytest.raises(
        ct.ValidationError, match=r"complete_task.on: expected a date from 2024-01-01"
    ):
        tr.complete_task("t1", on=D(2004, 6, 20))
    tr.complete_task("t1", on=D(2024, 6, 20))
    assert tr.task("t1").completed_on == D(2024, 6, 20)


@given(day=st.dates(D(2024, 1, 1), D(2024, 12, 31)))
def test_any_day_from_the_plan_start_to_the_year_end_is_accepted(day: dt.date) -> None:
    tr = ct.Tracker.memory(today=lambda: TODAY)
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district"))
    tr.add_plan(
        ct.Plan(id="kh", title="KH", unit="huyen", start=D(2024, 1, 1), end=D(2024, 12, 31))
    )
    tr.add_task(ct.Task(id="t1", plan="kh", title="Việc", unit="huyen", due=D(2024, 6, 30)))
    assert tr.complete_task("t1", on=day).completed_on == day


def test_a_write_reads_the_clock_once_and_the_next_write_again() -> None:
    """The year-end bound comes from the day the write started: a batch of completions
    asks the clock once, and a write after midnight on 31 December sees the new year."""
    days = iter([D(2024, 12, 31), D(2025, 1, 1)])
    asked: list[dt.date] = []

    def today() -> dt.date:
        asked.append(next(days))
        return asked[-1]

    tr = ct.Tracker.memory(today=today)
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district"))
    tr.add_plan(
        ct.Plan(id="kh", title="KH", unit="huyen", start=D(2024, 1, 1), end=D(2025, 12, 31))
    )
    for n in range(3):
        tr.add_task(ct.Task(id=f"t{n}", plan="kh", title="Việc", unit="huyen", due=D(2024, 6, 30)))
    with tr.batch():
        tr.complete_task("t0", on=D(2024, 12, 30))
        with pytest.raises(ct.ValidationError, match="a date up to 2024-12-31"):
            tr.complete_task("t1", on=D(2025, 1, 1))  # the day the batch started: 2024
        tr.complete_task("t1", on=D(2024, 12, 31))
    assert asked == [D(2024, 12, 31)]
    assert tr.complete_task("t2", on=D(2025, 1, 1)).completed_on == D(2025, 1, 1)
    assert asked == [D(2024, 12, 31), D(2025, 1, 1)]


def test_a_second_completion_needs_correct_true(tr: ct.Tracker) -> None:
    tr.complete_task("t1", on=D(2024, 6, 20))
    error = unchanged(tr, lambda: tr.complete_task("t1", on=D(2024, 6, 2)), ct.ValidationError)
    assert isinstance(error, ct.ValidationError) and error.field == "complete_task.correct"
    tr.complete_task("t1", on=D(2024, 6, 2), correct=True)
    assert tr.task("t1").completed_on == D(2024, 6, 2)
    assert tr.history("t1")[-1].note == "correction of the completion recorded on 2024-06-20"


# -- indicators ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "field"),
    [
        (ct.Result("PAR_INDEX", "huyen", 2024, -12.0), "Result.value"),
        (ct.Result("SIPAS", "huyen", 2024, 150.0), "Result.value"),
        (ct.Result("PAPI", "huyen", 2024, 81.0), "Result.value"),
        (ct.Result("DTI", "huyen", 2024, 61.0), "Result.value"),
        (ct.Result("PAR_INDX", "huyen", 2024, 80.0), "Result.indicator"),
    ],
)
def test_a_result_off_its_scale_or_of_an_unknown_indicator_is_refused(
    tr: ct.Tracker, result: ct.Result, field: str
) -> None:
    error = unchanged(tr, lambda: tr.record_result(result), ct.ValidationError)
    assert isinstance(error, ct.ValidationError) and error.field == field


def test_an_unknown_indicator_gets_the_nearest_name(tr: ct.Tracker) -> None:
    with pytest.raises(ct.ValidationError, match="did you mean 'PAR_INDEX'"):
        tr.record_result(ct.Result("PAR_INDX", "huyen", 2024, 80.0))
    with pytest.raises(ct.ValidationError, match="Target.indicator"):
        tr.add_target(
            ct.Target(id="t", plan="kh", unit="huyen", indicator="SIPAZ", rule=ct.above(90))
        )


def test_a_declared_indicator_is_accepted_within_its_scale(tr: ct.Tracker) -> None:
    tr.add_indicator(ct.IndicatorScale("HO_SO_TRE", minimum=0, maximum=100, label="%"))
    tr.record_result(ct.Result("HO_SO_TRE", "huyen", 2024, 3.5))
    with pytest.raises(ct.ValidationError, match="HO_SO_TRE value from 0 to 100"):
        tr.record_result(ct.Result("HO_SO_TRE", "huyen", 2024, 101.0))
    with pytest.raises(ct.DuplicateIdError):
        tr.add_indicator(ct.IndicatorScale("SIPAS", minimum=0))
    assert "HO_SO_TRE" in [s.id for s in tr.indicators()]
    with pytest.raises(ct.ValidationError, match="IndicatorScale.maximum"):
        ct.IndicatorScale("X", minimum=5, maximum=1)


@given(
    indicator=st.sampled_from(sorted(BUILTIN_SCALES)),
    value=st.floats(-1e6, 1e6, allow_nan=False),
)
def test_a_built_in_value_is_stored_exactly_when_it_is_within_its_scale(
    indicator: str, value: float
) -> None:
    tr = ct.Tracker.memory()
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district"))
    scale = BUILTIN_SCALES[indicator]
    inside = scale.minimum <= value <= scale.maximum  # type: ignore[operator]
    result = ct.Result(indicator, "huyen", 2024, value)
    if inside:
        assert tr.record_result(result) == result
    else:
        with pytest.raises(ct.ValidationError, match=r"^Result\.value: "):
            tr.record_result(result)


# -- the year of an evaluation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "as_of", "field"),
    [
        (20244, None, "evaluate.year"),
        (1024, None, "evaluate.year"),
        (2024, D(2023, 12, 31), "evaluate.as_of"),
        ("2024", None, "evaluate.year"),
    ],
)
def test_a_year_no_plan_could_mean_is_refused(
    tr: ct.Tracker, year: object, as_of: dt.date | None, field: str
) -> None:
    with pytest.raises(ct.ValidationError) as info:
        tr.evaluate(year, as_of=as_of)  # type: ignore[arg-type]
    assert info.value.field == field


# -- a folder that is not a store -------------------------------------------------------------


def test_open_never_takes_over_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "bao-cao.docx").write_bytes(b"PK")
    with pytest.raises(ct.StoreError, match="other files"):
        ct.Tracker.open(folder)
    assert [p.name for p in folder.iterdir()] == ["bao-cao.docx"]


def test_open_with_create_false_refuses_a_missing_store(tmp_path: Path) -> None:
    with pytest.raises(ct.StoreError, match="found none"):
        ct.Tracker.open(tmp_path / "nothing", create=False)
    assert not (tmp_path / "nothing").exists()
    ct.Tracker.open(tmp_path / "new").close()
    ct.Tracker.open(tmp_path / "new", create=False).close()
