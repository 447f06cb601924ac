"""Tests for `cchc_tasks.calendar`: working days, overrides, versions and deadlines.

The oracle is the ``holidays`` package itself, asked one day at a time
(``HolidayBase.is_working_day``), with overrides applied on top: an independent, slow
computation to compare the calendar's per-year tables and binary searches with.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.metadata
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_tasks import calendar as cal_mod
from cchc_tasks._codec import structure, unstructure
from cchc_tasks.calendar import (
    CalendarOverride,
    Deadline,
    OverrideKind,
    WorkingCalendar,
    add_working_days,
    compute_deadline,
    default_calendar,
    is_working_day,
    working_days_between,
)
from cchc_tasks.errors import ValidationError

D = dt.date
ONE = dt.timedelta(days=1)
ROOT = Path(__file__).resolve().parent.parent
HOWTO = ROOT / "docs" / "how-to" / "deadlines-and-holidays.md"

# Dates well inside the package's range, so that ±400 working days stay inside it too.
FIRST, LAST = D(2019, 1, 1), D(2032, 12, 31)
PACKAGE = holidays.country_holidays("VN", years=range(FIRST.year - 2, LAST.year + 3))

dates = st.dates(min_value=D(2021, 1, 1), max_value=D(2030, 12, 31))
counts = st.integers(min_value=-400, max_value=400)
override_days = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31))
overrides = st.lists(
    st.builds(
        CalendarOverride,
        day=override_days,
        kind=st.sampled_from(["off", "work"]),
        reason=st.just("quyết định"),
    ),
    max_size=12,
    unique_by=lambda o: o.day,
)


def oracle_working(day: dt.date, calendar: WorkingCalendar | None = None) -> bool:
    """Whether ``day`` is worked, by the package day by day, then the overrides."""
    if calendar is not None:
        found = calendar.override_on(day)
        if found is not None:
            return found.kind is OverrideKind.WORK
    return bool(PACKAGE.is_working_day(day))


def oracle_add(day: dt.date, n: int, calendar: WorkingCalendar | None = None) -> dt.date:
    step = ONE if n >= 0 else -ONE
    if n == 0:
        while not oracle_working(day, calendar):
            day += ONE
        return day
    left = abs(n)
    while left:
        day += step
        if oracle_working(day, calendar):
            left -= 1
    return day


def oracle_between(a: dt.date, b: dt.date, calendar: WorkingCalendar | None = None) -> int:
    if b >= a:
        return sum(oracle_working(a + ONE * k, calendar) for k in range(1, (b - a).days + 1))
    return -sum(oracle_working(b + ONE * k, calendar) for k in range((a - b).days))


# --- the package and the calendar agree --------------------------------------------------


def test_agrees_with_the_holidays_package_2021_to_2030() -> None:
    calendar = WorkingCalendar()
    day = D(2021, 1, 1)
    while day <= D(2030, 12, 31):
        assert calendar.is_working_day(day) == PACKAGE.is_working_day(day), day
        if day in PACKAGE:
            assert not calendar.is_working_day(day), (day, PACKAGE[day])
        elif day.weekday() >= 5 and day not in PACKAGE.weekend_workdays:
            assert not calendar.is_working_day(day), day
        day += ONE


@pytest.mark.parametrize("year", range(2021, 2031))
def test_holidays_in_is_the_package_list_with_vietnamese_names(year: int) -> None:
    names = holidays.country_holidays("VN", years=year, language="vi")
    assert WorkingCalendar().holidays_in(year) == dict(sorted(names.items()))


def test_lunar_holidays_are_known() -> None:
    found = WorkingCalendar().holidays_in(2025)
    assert found[D(2025, 1, 29)] == "Tết Nguyên Đán"
    assert found[D(2025, 4, 7)] == "Ngày Giỗ Tổ Hùng Vương"  # 10/3 âm lịch
    for day in (D(2025, 1, 1), D(2025, 4, 30), D(2025, 5, 1), D(2025, 9, 2)):
        assert day in found
        assert not is_working_day(day)


def test_holiday_names_in_english_on_request() -> None:
    found = WorkingCalendar(language="en_US").holidays_in(2025)
    assert found[D(2025, 1, 29)] == "Lunar New Year"
    # The language changes names only, never which days are worked.
    assert WorkingCalendar(language="en_US").version == WorkingCalendar().version


def test_tet_2025_deadline_lands_after_the_holiday() -> None:
    # What the package says about Tết Ất Tỵ: 29 Tết (27/1) to mùng 4 (Saturday 1/2).
    tet = holidays.country_holidays("VN", years=2025, language="vi")
    in_window = [day for day in sorted(tet) if D(2025, 1, 20) <= day <= D(2025, 2, 9)]
    assert in_window == [D(2025, 1, 27) + ONE * k for k in range(6)]
    assert tet[D(2025, 1, 29)] == "Tết Nguyên Đán"
    # With the weekends either side, officials were off from 25/1 to 2/2/2025.
    assert not any(is_working_day(D(2025, 1, 25) + ONE * k) for k in range(9))
    assert is_working_day(D(2025, 1, 24))
    assert is_working_day(D(2025, 2, 3))
    # Four working days before Tết (21–24/1), then six after it (3–7/2 and 10/2).
    assert add_working_days(D(2025, 1, 20), 10) == D(2025, 2, 10)
    assert working_days_between(D(2025, 1, 20), D(2025, 2, 10)) == 10


def test_tet_2026_matches_the_package_count() -> None:
    # The package's own answer (peers.md): 3 working days after 13/2/2026 is 25/2/2026.
    assert add_working_days(D(2026, 2, 13), 3) == D(2026, 2, 25)
    assert PACKAGE.get_nth_working_day(D(2026, 2, 13), 3) == D(2026, 2, 25)


def test_government_swap_days_from_the_package() -> None:
    # Công văn 2450/VPCP-KGVX (2024): Monday 29/4 off, Saturday 4/5 worked instead.
    assert not is_working_day(D(2024, 4, 29))
    assert is_working_day(D(2024, 5, 4))
    assert not is_working_day(D(2024, 5, 11))  # an ordinary Saturday


def test_weekend_is_a_parameter() -> None:
    saturday = D(2025, 3, 8)
    assert not WorkingCalendar().is_working_day(saturday)
    six_days = WorkingCalendar(weekend=[6])
    assert six_days.weekend == (6,)
    assert six_days.is_working_day(saturday)
    assert not six_days.is_working_day(D(2025, 4, 30))  # holidays still apply
    assert six_days.version != WorkingCalendar().version


# --- the counting conventions -----------------------------------------------------------


@given(day=dates, n=counts.filter(lambda n: n != 0))
def test_between_undoes_add_for_every_nonzero_n(day: dt.date, n: int) -> None:
    assert working_days_between(day, add_working_days(day, n)) == n


@given(day=dates)
def test_add_zero_rolls_forward_only_from_a_day_off(day: dt.date) -> None:
    rolled = add_working_days(day, 0)
    assert is_working_day(rolled)
    if is_working_day(day):
        assert rolled == day
        assert working_days_between(day, rolled) == 0
    else:
        assert rolled == default_calendar().next_working_day(day)
        assert working_days_between(day, rolled) == 1


@given(a=dates, b=dates)
def test_add_undoes_between_for_every_working_day(a: dt.date, b: dt.date) -> None:
    b = default_calendar().working_day_on_or_after(b)
    assert add_working_days(a, working_days_between(a, b)) == b


@given(day=dates, n=counts, extra=overrides)
def test_add_matches_a_day_by_day_count(
    day: dt.date, n: int, extra: list[CalendarOverride]
) -> None:
    calendar = WorkingCalendar(overrides=extra)
    due = calendar.add_working_days(day, n)
    assert due == oracle_add(day, n, calendar)
    assert calendar.is_working_day(due)  # no computed deadline is a day off


@given(a=dates, b=dates, extra=overrides)
def test_between_matches_a_day_by_day_count(
    a: dt.date, b: dt.date, extra: list[CalendarOverride]
) -> None:
    if abs((b - a).days) > 800:  # keep the slow oracle quick
        b = a + dt.timedelta(days=(b - a).days % 800)
    calendar = WorkingCalendar(overrides=extra)
    assert calendar.working_days_between(a, b) == oracle_between(a, b, calendar)


def test_next_and_previous_working_day() -> None:
    calendar = WorkingCalendar()
    friday, saturday, monday = D(2025, 3, 7), D(2025, 3, 8), D(2025, 3, 10)
    assert calendar.next_working_day(friday) == monday
    assert calendar.next_working_day(saturday) == monday
    assert calendar.previous_working_day(monday) == friday
    assert calendar.previous_working_day(saturday) == friday
    assert calendar.working_day_on_or_after(saturday) == monday
    assert calendar.working_day_on_or_before(saturday) == friday
    assert calendar.working_day_on_or_before(friday) == friday
    assert add_working_days(saturday, -1) == friday
    assert working_days_between(monday, friday) == -1  # Friday itself, walking back


def test_counting_across_decades_is_per_year_not_per_day() -> None:
    calendar = WorkingCalendar()
    total = sum(calendar.working_days_in(year) for year in range(1950, 2091))
    assert calendar.working_days_between(D(1949, 12, 31), D(2090, 12, 31)) == total
    assert calendar.add_working_days(D(1949, 12, 31), total) == D(2090, 12, 29)
    assert 240 < calendar.working_days_in(2025) < 255


# --- overrides and versions --------------------------------------------------------------


def tet_swap() -> CalendarOverride:
    return CalendarOverride(
        day=D(2027, 2, 20),
        kind="work",
        reason="Làm bù ngày 12/2/2027 (nghỉ Tết Đinh Mùi)",
        decided_by="Bộ Nội vụ",
        decided_on=D(2026, 11, 5),
        document="Thông báo (ví dụ)",
    )


def tet_bridge() -> CalendarOverride:
    return CalendarOverride(D(2027, 2, 12), OverrideKind.OFF, "Nghỉ bù Tết Đinh Mùi")


def first_day(calendar: WorkingCalendar, after: dt.date, *, working: bool, weekday: int) -> dt.date:
    """The first day after ``after`` with this weekday and working status: chosen from the
    calendar rather than written in, so a newer package with more swap days keeps it true."""
    day = after + ONE
    while day.weekday() != weekday or calendar.is_working_day(day) != working:
        day += ONE
    return day


def test_a_worked_saturday_becomes_a_working_day() -> None:
    base = WorkingCalendar()
    saturday = first_day(base, D(2027, 2, 12), working=False, weekday=5)
    swap = CalendarOverride(saturday, "work", "Làm bù ngày nghỉ Tết Đinh Mùi (ví dụ)")
    changed = base.with_override(swap)
    assert not base.is_working_day(saturday)
    assert changed.is_working_day(saturday)
    assert changed.override_on(saturday) == swap
    assert changed.next_working_day(saturday - ONE) == saturday
    assert base.overrides == ()  # the original calendar is unchanged


def test_an_extra_day_off_is_not_a_working_day() -> None:
    base = WorkingCalendar()
    friday = first_day(base, D(2027, 2, 10), working=True, weekday=4)
    changed = base.with_override(CalendarOverride(friday, OverrideKind.OFF, "Nghỉ bù (ví dụ)"))
    assert base.is_working_day(friday)
    assert not changed.is_working_day(friday)
    assert changed.holidays_in(2027)[friday] == "Nghỉ bù (ví dụ)"
    assert changed.working_days_between(friday - ONE, friday) == 0


def test_an_override_can_make_a_holiday_worked() -> None:
    changed = WorkingCalendar().with_override(
        CalendarOverride(D(2025, 9, 1), "work", "Ví dụ: trực ngày lễ")
    )
    assert changed.is_working_day(D(2025, 9, 1))
    assert D(2025, 9, 1) not in changed.holidays_in(2025)


def test_version_changes_with_the_overrides_and_only_then() -> None:
    base = WorkingCalendar()
    one = base.with_override(tet_swap())
    both = one.with_override(tet_bridge())
    versions = {base.version, one.version, both.version}
    assert len(versions) == 3
    # Same decisions, any order: same calendar, same version.
    other_order = base.with_override(tet_bridge()).with_override(tet_swap())
    assert other_order == both
    assert other_order.version == both.version
    assert both.without_override(D(2027, 2, 12)).version == one.version
    assert both.without_override(D(2027, 2, 12), D(2027, 2, 20)).version == base.version
    # Fixing the document number is a change of the overrides, so a new version.
    fixed = base.with_override(
        CalendarOverride(D(2027, 2, 20), "work", tet_swap().reason, document="Số 1/TB")
    )
    assert fixed.version != one.version
    assert base.version.startswith(f"VN-holidays{importlib.metadata.version('holidays')}-")


def test_a_later_override_for_the_same_day_replaces_the_earlier() -> None:
    first = WorkingCalendar().with_override(tet_bridge())
    second = first.with_override(CalendarOverride(D(2027, 2, 12), "work", "Hủy nghỉ bù"))
    assert len(second.overrides) == 1
    assert second.is_working_day(D(2027, 2, 12))


def test_overrides_are_kept_sorted_and_one_per_day() -> None:
    calendar = WorkingCalendar(overrides=[tet_swap(), tet_bridge()])
    assert [o.day for o in calendar.overrides] == [D(2027, 2, 12), D(2027, 2, 20)]
    with pytest.raises(ValidationError) as err:
        WorkingCalendar(overrides=[tet_bridge(), tet_bridge()])
    assert err.value.field == "WorkingCalendar.overrides"
    with pytest.raises(ValidationError) as err:
        WorkingCalendar().with_override(tet_bridge(), tet_bridge())
    assert err.value.field == "with_override.overrides"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"day": "2027-02-12"}, "CalendarOverride.day"),
        ({"day": dt.datetime(2027, 2, 12)}, "CalendarOverride.day"),
        ({"kind": "holiday"}, "CalendarOverride.kind"),
        ({"reason": "  "}, "CalendarOverride.reason"),
        ({"decided_on": "hôm qua"}, "CalendarOverride.decided_on"),
        ({"document": None}, "CalendarOverride.document"),
    ],
)
def test_invalid_override_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    fields: dict[str, Any] = {"day": D(2027, 2, 12), "kind": "off", "reason": "Nghỉ"}
    with pytest.raises(ValidationError) as err:
        CalendarOverride(**{**fields, **kwargs})
    assert err.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weekend": [7]}, "WorkingCalendar.weekend"),
        ({"weekend": range(7)}, "WorkingCalendar.weekend"),
        ({"weekend": [True]}, "WorkingCalendar.weekend"),
        ({"overrides": ["2027-02-12"]}, "WorkingCalendar.overrides"),
        ({"language": "fr"}, "WorkingCalendar.language"),
    ],
)
def test_invalid_calendar_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        WorkingCalendar(**kwargs)
    assert err.value.field == field


def test_text_is_normalised_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nghỉ Tết")
    assert nfd != "Nghỉ Tết"
    override = CalendarOverride(D(2027, 2, 12), "off", nfd, decided_by=nfd)
    assert override.reason == override.decided_by == "Nghỉ Tết"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.is_working_day(dt.datetime(2025, 1, 2)), "is_working_day.day"),
        (lambda c: c.is_working_day("2025-01-02"), "is_working_day.day"),
        (lambda c: c.is_working_day(D(1800, 1, 1)), "is_working_day.day"),
        (lambda c: c.add_working_days(D(2025, 1, 2), 1.5), "add_working_days.n"),
        (lambda c: c.add_working_days(D(2025, 1, 2), True), "add_working_days.n"),
        (lambda c: c.add_working_days(D(2100, 12, 1), 100), "add_working_days.n"),
        (lambda c: c.add_working_days(D(1901, 2, 1), -100), "add_working_days.n"),
        (lambda c: c.working_days_between(D(2025, 1, 2), None), "working_days_between.b"),
        (lambda c: c.holidays_in(3000), "holidays_in.year"),
        (lambda c: c.with_override("2025-01-02"), "with_override.overrides"),
    ],
)
def test_bad_arguments_name_the_parameter(call: Any, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        call(WorkingCalendar())
    assert err.value.field == field


def test_module_functions_use_the_default_calendar_or_the_given_one() -> None:
    assert default_calendar() is default_calendar()
    saturday = D(2025, 3, 8)  # an ordinary Saturday
    changed = default_calendar().with_override(CalendarOverride(saturday, "work", "Ví dụ"))
    assert not is_working_day(saturday)
    assert is_working_day(saturday, changed)
    assert add_working_days(saturday - ONE, 1, changed) == saturday
    assert working_days_between(saturday - ONE, saturday + 2 * ONE, calendar=changed) == 2
    with pytest.raises(ValidationError) as err:
        is_working_day(saturday, calendar="VN")  # type: ignore[arg-type]
    assert err.value.field == "is_working_day.calendar"


# --- deadlines ---------------------------------------------------------------------------


def test_deadline_records_the_calendar_version() -> None:
    deadline = compute_deadline(D(2025, 1, 20), 10)
    assert deadline == Deadline(
        start=D(2025, 1, 20),
        working_days=10,
        due=D(2025, 2, 10),
        calendar_version=default_calendar().version,
    )
    assert deadline.is_current()
    assert deadline.is_current(WorkingCalendar())


def test_a_calendar_change_never_moves_a_past_deadline_silently() -> None:
    base = WorkingCalendar()
    deadline = compute_deadline(D(2025, 1, 20), 10, base)
    assert deadline.due == D(2025, 2, 10)  # across Tết Ất Tỵ
    # Suppose a decision had also given Monday 3/2/2025 off.
    decided = base.with_override(CalendarOverride(D(2025, 2, 3), "off", "Ví dụ"))
    assert not deadline.is_current(decided)
    assert deadline.due == D(2025, 2, 10)  # unchanged until asked
    moved = deadline.recompute(decided)
    assert moved.due == D(2025, 2, 11)
    assert moved.is_current(decided)
    assert moved.calendar_version == decided.version
    assert (moved.start, moved.working_days) == (deadline.start, deadline.working_days)


@given(start=dates, n=counts, extra=overrides)
def test_no_computed_deadline_falls_on_a_day_off(
    start: dt.date, n: int, extra: list[CalendarOverride]
) -> None:
    calendar = WorkingCalendar(overrides=extra)
    deadline = compute_deadline(start, n, calendar)
    assert calendar.is_working_day(deadline.due)
    assert deadline.is_current(calendar)


def test_invalid_deadline_names_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        Deadline(D(2025, 1, 1), 1.0, D(2025, 1, 2), "v")  # type: ignore[arg-type]
    assert err.value.field == "Deadline.working_days"
    with pytest.raises(ValidationError) as err:
        Deadline(D(2025, 1, 1), 1, D(2025, 1, 2), "")
    assert err.value.field == "Deadline.calendar_version"


# --- storage ------------------------------------------------------------------------------


def test_records_round_trip_through_the_store_codec() -> None:
    calendar = WorkingCalendar(weekend=(6, 5), overrides=[tet_swap(), tet_bridge()])
    for obj in (calendar, tet_swap(), compute_deadline(D(2025, 1, 20), 10, calendar)):
        document = unstructure(obj)
        assert "_years" not in document
        again = structure(type(obj), document)
        assert again == obj
    restored = structure(WorkingCalendar, unstructure(calendar))
    assert restored.version == calendar.version
    assert unstructure(tet_swap())["kind"] == "work"


def test_year_tables_are_built_lazily_and_once() -> None:
    calendar = WorkingCalendar()
    assert calendar.built_years == frozenset()
    calendar.is_working_day(D(2025, 6, 2))
    assert calendar.built_years == {2025}
    calendar.add_working_days(D(2025, 6, 2), 3)
    assert calendar.built_years == {2025}
    calendar.is_working_day(D(2026, 1, 2))
    assert calendar.built_years == {2025, 2026}


def test_the_module_does_not_import_holidays_eagerly() -> None:
    source = Path(cal_mod.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^(import holidays|from holidays)", source, re.MULTILINE)


# --- the how-to page runs ------------------------------------------------------------------

_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def _normalise(output: str) -> str:
    return "\n".join(line.rstrip() for line in output.strip("\n").splitlines())


def test_how_to_page_examples_run_in_order() -> None:
    text = HOWTO.read_text(encoding="utf-8")
    blocks = list(_FENCE.finditer(text))
    python = [b for b in blocks if b["info"].strip() == "python"]
    assert len(python) >= 4
    namespace: dict[str, Any] = {"__name__": "docs_deadlines_and_holidays"}
    for i, block in enumerate(blocks):
        if block["info"].strip() != "python":
            continue
        line = text.count("\n", 0, block.start()) + 1
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block["body"], f"{HOWTO.name}:{line}", "exec"), namespace)
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if (
            following is not None
            and following["info"].strip() == "output"
            and not text[block.end() : following.start()].strip()
        ):
            assert _normalise(printed.getvalue()) == _normalise(following["body"]), (
                f"{HOWTO.name}:{line}: the output block differs from what the example prints"
            )
