"""Factories and hypothesis strategies for the cchc_tasks domain.

For plugin authors testing their rules and for the library's own tests. It needs
hypothesis, which comes with the ``test`` extra::

    pip install "cchc-tasks[test]"

Two kinds of helpers live here.

**Plain factories** build one valid object with realistic Vietnamese defaults (the Tân
Hồng district plan); pass keyword arguments to change any field::

    from cchc_tasks import testing

    task = testing.make_task(due=dt.date(2025, 9, 30), status=ct.TaskStatus.DONE)
    unit = testing.make_unit(id="noi-vu", name="Phòng Nội vụ")

**Hypothesis strategies** generate valid objects, including awkward ones: Vietnamese
text in NFD as Word and Excel write it, control characters, dates far apart, deep rule
trees. Every strategy takes keyword arguments that pin a field to a value (``unit="huyen"``)
or bound it (``period=(start, end)``); everything left open is drawn::

    from hypothesis import given
    from cchc_tasks import testing

    @given(testing.tasks(plan=my_plan, unit="tu-phap"))
    def test_every_task_counts_in_its_year(task): ...

Text in the generated objects is NFC (the classes normalise it); ``texts()`` on its own
may return NFD, which is what the classes must cope with.
"""

from __future__ import annotations

import copy
import datetime as dt
import unicodedata
from collections.abc import Sequence
from typing import Any

import attrs
from hypothesis import strategies as st

import cchc_tasks as ct

from .calendar import CalendarOverride, OverrideKind
from .inspections import Inspection
from .plans import BUILTIN_SCALES
from .recurrence import Adjust, AfterCompletion, Recurrence, monthly, quarterly, yearly
from .results import (
    ABSENCE_KINDS,
    SANCTION_KINDS,
    Absence,
    Assessment,
    PersonRating,
    UnitRating,
    UnitSanction,
)
from .targets import AllOf, AnyOf, Milestones
from .tasks import TaskChain, TaskSeries
from .units import UNIT_KINDS

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "VIETNAMESE_PHRASES",
    "absences",
    "assessments",
    "calendar_overrides",
    "dates",
    "disciplines",
    "growths",
    "headships",
    "ids",
    "indicator_facts",
    "indicator_scales",
    "indicators",
    "inspections",
    "leaf_rules",
    "make_absence",
    "make_assessment",
    "make_calendar_override",
    "make_discipline",
    "make_facts",
    "make_headship",
    "make_inspection",
    "make_person",
    "make_person_rating",
    "make_plan",
    "make_progress_report",
    "make_result",
    "make_sanction",
    "make_target",
    "make_task",
    "make_task_chain",
    "make_task_series",
    "make_unit",
    "make_unit_rating",
    "periods",
    "person_ratings",
    "persons",
    "plans",
    "progress_reports",
    "rank_withins",
    "raw_state",
    "recurrences",
    "results",
    "rules",
    "sanctions",
    "targets",
    "task_chains",
    "task_series",
    "tasks",
    "texts",
    "thresholds",
    "unit_ratings",
    "units",
]

#: The default range of generated dates: wide enough for a ten-year plan and its history.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2040, 12, 31)

#: Phrases officials write, in NFC; ``texts()`` combines them and may turn them into NFD.
VIETNAMESE_PHRASES = (
    "Phòng Tư pháp",
    "Phòng Nội vụ",
    "Ủy ban nhân dân",
    "UBND huyện Tân Hồng",
    "xã Tân Hộ Cơ",
    "xã An Phước",
    "thị trấn Sa Rài",
    "tỉnh Đồng Tháp",
    "cải cách hành chính",
    "kế hoạch",
    "nhiệm vụ",
    "thủ tục hành chính",
    "chuyển đổi số",
    "người đứng đầu",
    "hoàn thành vượt mức",
    "kiểm tra, đôn đốc",
    "tài liệu kiểm chứng",
    "Nguyễn Văn An",
    "Trần Thị Hạnh",
    "Huỳnh Quốc Thắng",
    "Đặng Ngọc Yến",
    "năm 2025",
    "Kế hoạch số 123/KH-UBND",
)

_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_.đăâêôơư"
_TITLES = ("Chủ tịch UBND", "Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên", "")
_SANCTIONS = ("khiển trách", "cảnh cáo", "cách chức", "buộc thôi việc", "")


# --- building blocks -------------------------------------------------------------------


def ids() -> st.SearchStrategy[str]:
    """Valid ids in NFC: 1 to 24 characters of lower-case letters (Vietnamese ones too),
    digits, ``-``, ``_`` and ``.``, such as ``"noi-vu"`` or ``"t-2025-017"``."""
    return st.text(alphabet=_ID_ALPHABET, min_size=1, max_size=24)


def _maybe_nfd(text: str, decompose: bool) -> str:
    return unicodedata.normalize("NFD", text) if decompose else text


def texts(
    *, nonempty: bool = False, nfd: bool | None = None, max_size: int = 40
) -> st.SearchStrategy[str]:
    """Text as it arrives from users: Vietnamese phrases or arbitrary Unicode.

    ``nfd=None`` (the default) returns NFC or NFD at random, ``True`` always NFD, ``False``
    never. With ``nonempty=True`` the text is not blank after NFC normalisation and
    stripping, so it suits required fields such as ``Unit.name``.
    """
    phrases = st.lists(st.sampled_from(VIETNAMESE_PHRASES), min_size=1, max_size=4).map(" ".join)
    anything = st.text(min_size=1 if nonempty else 0, max_size=max_size)
    base = st.one_of(phrases, anything)
    decompose = st.booleans() if nfd is None else st.just(nfd)
    result = st.builds(_maybe_nfd, base, decompose)
    if nonempty:
        result = result.filter(lambda s: unicodedata.normalize("NFC", s).strip() != "")
    return result


def dates(
    *, min_value: dt.date = FIRST_DAY, max_value: dt.date = LAST_DAY
) -> st.SearchStrategy[dt.date]:
    """Dates (never datetimes) in ``[min_value, max_value]``."""
    return st.dates(min_value=min_value, max_value=max_value)


@st.composite
def periods(
    draw: st.DrawFn, *, within: tuple[dt.date, dt.date] = (FIRST_DAY, LAST_DAY)
) -> tuple[dt.date, dt.date]:
    """``(start, end)`` with ``start <= end``, both inside ``within``."""
    start = draw(dates(min_value=within[0], max_value=within[1]))
    end = draw(dates(min_value=start, max_value=within[1]))
    return start, end


def _clip(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    return max(low, min(high, day))


def _shift(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def _pick(draw: st.DrawFn, fixed: Any, strategy: st.SearchStrategy[Any]) -> Any:
    return draw(strategy) if fixed is None else fixed


def _unique_ids(
    draw: st.DrawFn, *, pool: Sequence[str] | None, exclude: Sequence[str], max_size: int
) -> tuple[str, ...]:
    """Distinct ids other than ``exclude``: drawn from ``pool`` if given, else invented."""
    if pool is not None:
        candidates = sorted({p for p in pool if p not in exclude})
        if not candidates:
            return ()
        chosen = draw(st.lists(st.sampled_from(candidates), max_size=max_size, unique=True))
        return tuple(chosen)
    chosen = draw(
        st.lists(ids().filter(lambda i: i not in exclude), max_size=max_size, unique=True)
    )
    return tuple(chosen)


def _finite(
    min_value: float | None = None, max_value: float | None = None
) -> st.SearchStrategy[float]:
    return st.floats(
        min_value=min_value, max_value=max_value, allow_nan=False, allow_infinity=False
    )


# --- units, people, plans --------------------------------------------------------------


@st.composite
def units(
    draw: st.DrawFn,
    *,
    id: str | None = None,
    parent: str | None = None,
    kind: str | None = None,
) -> ct.Unit:
    """Units of any kind (the built-in ones or a custom text), sometimes with a history:
    ``valid_from``/``valid_to`` in order and distinct successors other than itself."""
    unit_id = _pick(draw, id, ids())
    if parent is None:
        parent = draw(st.none() | ids().filter(lambda i: i != unit_id))
    valid_from = draw(st.none() | dates())
    valid_to = draw(st.none() | dates(min_value=valid_from or FIRST_DAY))
    return ct.Unit(
        id=unit_id,
        name=draw(texts(nonempty=True)),
        kind=_pick(draw, kind, st.sampled_from(UNIT_KINDS) | texts(nonempty=True)),
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        successors=_unique_ids(draw, pool=None, exclude=[unit_id], max_size=3),
    )


@st.composite
def persons(draw: st.DrawFn, *, id: str | None = None, unit: str | None = None) -> ct.Person:
    """Officials, with or without a unit and a title."""
    return ct.Person(
        id=_pick(draw, id, ids()),
        name=draw(texts(nonempty=True)),
        unit=unit if unit is not None else draw(st.none() | ids()),
        title=draw(st.sampled_from(_TITLES) | texts()),
    )


@st.composite
def headships(
    draw: st.DrawFn,
    *,
    unit: str | None = None,
    person: str | None = None,
    period: tuple[dt.date, dt.date] = (FIRST_DAY, LAST_DAY),
) -> ct.Headship:
    """Headships starting within ``period``; the end, when there is one, within it too."""
    start = draw(dates(min_value=period[0], max_value=period[1]))
    end = draw(st.none() | dates(min_value=start, max_value=period[1]))
    return ct.Headship(
        unit=_pick(draw, unit, ids()),
        person=_pick(draw, person, ids()),
        start=start,
        end=end,
    )


@st.composite
def plans(
    draw: st.DrawFn,
    *,
    id: str | None = None,
    unit: str | None = None,
    parent: str | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> ct.Plan:
    """Plans for ``period`` (drawn when not given), sometimes under a parent plan."""
    plan_id = _pick(draw, id, ids())
    start, end = period if period is not None else draw(periods())
    if parent is None:
        parent = draw(st.none() | ids().filter(lambda i: i != plan_id))
    number = draw(st.integers(1, 999))
    return ct.Plan(
        id=plan_id,
        title=draw(texts(nonempty=True)),
        unit=_pick(draw, unit, ids()),
        start=start,
        end=end,
        parent=parent,
        document=draw(st.sampled_from([f"Kế hoạch số {number}/KH-UBND", ""]) | texts()),
    )


# --- tasks -----------------------------------------------------------------------------


@st.composite
def progress_reports(
    draw: st.DrawFn, *, period: tuple[dt.date, dt.date] = (FIRST_DAY, LAST_DAY)
) -> ct.ProgressReport:
    """Progress reports dated within ``period``, 0–100 %, with evidence (non-empty texts)."""
    return ct.ProgressReport(
        on=draw(dates(min_value=period[0], max_value=period[1])),
        percent=draw(st.integers(0, 100)),
        note=draw(texts()),
        evidence=draw(st.lists(texts(nonempty=True), max_size=3)),
        by=draw(st.none() | ids()),
    )


@st.composite
def tasks(
    draw: st.DrawFn,
    *,
    id: str | None = None,
    plan: ct.Plan | str | None = None,
    unit: str | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    status: ct.TaskStatus | None = None,
    partners: Sequence[str] | None = None,
    assignee: str | None = None,
) -> ct.Task:
    """Valid tasks of ``plan``, led by ``unit``, due within ``period``.

    ``plan`` may be a :class:`~cchc_tasks.Plan` (its id is used and, unless ``period``
    is given, the due date falls within the plan) or a plan id. ``partners`` is a pool to
    pick distinct partner units from (the lead unit is never picked); when ``None`` the
    partners are invented. The status is consistent: a done task has ``completed_on``
    (within 90 days before to 180 days after the due date) and may be ``exceeded``; an
    open or cancelled task has neither, and a cancelled one usually has a reason.
    """
    if isinstance(plan, ct.Plan):
        plan_id = plan.id
        if period is None:
            period = (plan.start, plan.end)
    else:
        plan_id = _pick(draw, plan, ids())
    low, high = period if period is not None else (FIRST_DAY, LAST_DAY)
    due = draw(dates(min_value=low, max_value=high))
    lead = _pick(draw, unit, ids())
    state = _pick(draw, status, st.sampled_from(ct.TaskStatus))
    completed_on = None
    exceeded = False
    cancel_reason = ""
    if state is ct.TaskStatus.DONE:
        completed_on = draw(dates(min_value=_shift(due, -90), max_value=_shift(due, 180)))
        exceeded = draw(st.booleans())
    elif state is ct.TaskStatus.CANCELLED:
        cancel_reason = draw(texts())
    reports = draw(
        st.lists(progress_reports(period=(_shift(due, -365), _shift(due, 30))), max_size=3)
    )
    return ct.Task(
        id=_pick(draw, id, ids()),
        plan=plan_id,
        title=draw(texts(nonempty=True)),
        unit=lead,
        due=due,
        assignee=assignee if assignee is not None else draw(st.none() | ids()),
        partners=_unique_ids(draw, pool=partners, exclude=[lead], max_size=3),
        field=draw(st.none() | st.sampled_from(ct.Field) | texts(nonempty=True)),
        output=draw(texts()),
        weight=draw(st.integers(0, 10) | _finite(0.0, 100.0)),
        budget=draw(st.none() | st.integers(0, 10**12) | _finite(0.0, 1e12)),
        status=state,
        completed_on=completed_on,
        exceeded=exceeded,
        quality_note=draw(texts()),
        errors=draw(st.integers(0, 5)),
        cancel_reason=cancel_reason,
        progress=sorted(reports, key=lambda r: r.on),
    )


@st.composite
def recurrences(draw: st.DrawFn) -> Recurrence:
    """Periodic schedules as the constructors write them (monthly, quarterly, yearly),
    starting 2021–2030, sometimes moved off days off, sometimes ended by a count."""
    start = draw(dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2030, 12, 31)))
    adjust = draw(st.sampled_from(Adjust))
    count = draw(st.none() | st.integers(1, 24))
    kind = draw(st.sampled_from(("monthly", "quarterly", "yearly")))
    if kind == "monthly":
        day = draw(st.integers(1, 31) | st.integers(-28, -1))
        return monthly(day, start, count=count, adjust=adjust)
    if kind == "quarterly":
        day = draw(st.integers(1, 31))
        return quarterly(day, start, month_in_quarter=draw(st.integers(1, 3)), adjust=adjust)
    month = draw(st.integers(1, 12))
    return yearly(month, draw(st.integers(1, 28)), start, count=count, adjust=adjust)


@st.composite
def task_series(draw: st.DrawFn, *, plan: ct.Plan | str | None = None) -> TaskSeries:
    """Recurring tasks: an open template without progress reports (id short enough for
    its occurrences' ids) and a :func:`recurrences` schedule, generated up to a year
    from its start's to five years later."""
    template = draw(tasks(plan=plan, status=ct.TaskStatus.OPEN))
    template = attrs.evolve(template, progress=())
    recurrence = draw(recurrences())
    through = draw(st.integers(recurrence.start.year, recurrence.start.year + 5))
    return TaskSeries(template=template, recurrence=recurrence, through=through)


@st.composite
def task_chains(draw: st.DrawFn, *, plan: ct.Plan | str | None = None) -> TaskChain:
    """After-completion chains: an open template without progress reports and a rule of
    calendar or working days."""
    template = draw(tasks(plan=plan, status=ct.TaskStatus.OPEN))
    template = attrs.evolve(template, progress=())
    if draw(st.booleans()):
        rule = AfterCompletion(days=draw(st.integers(1, 120)))
    else:
        rule = AfterCompletion(working_days=draw(st.integers(1, 60)))
    return TaskChain(template=template, rule=rule)


@st.composite
def calendar_overrides(draw: st.DrawFn) -> CalendarOverride:
    """Decided days off and working days of 2021–2030, with their grounds."""
    return CalendarOverride(
        day=draw(dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2030, 12, 31))),
        kind=draw(st.sampled_from(OverrideKind)),
        reason=draw(texts(nonempty=True)),
        decided_by=draw(texts()),
        decided_on=draw(st.none() | dates()),
        document=draw(texts()),
    )


@st.composite
def inspections(draw: st.DrawFn) -> Inspection:
    """Inspections of units and/or tasks, with findings and follow-up tasks."""
    units_seen = _unique_ids(draw, pool=None, exclude=[], max_size=3)
    tasks_seen = _unique_ids(draw, pool=None, exclude=[], max_size=3)
    if not units_seen and not tasks_seen:
        units_seen = (draw(ids()),)
    return Inspection(
        id=draw(ids()),
        on=draw(dates()),
        inspector=draw(ids()),
        findings=draw(texts(nonempty=True)),
        units=units_seen,
        tasks=tasks_seen,
        follow_up=_unique_ids(draw, pool=None, exclude=[], max_size=3),
        team=draw(texts()),
        document=draw(texts()),
    )


# --- results and discipline ------------------------------------------------------------


def indicators() -> st.SearchStrategy[str]:
    """The four indicators of the seed plan, or a custom indicator name."""
    return st.one_of(st.sampled_from(ct.Indicator), texts(nonempty=True, max_size=20))


@st.composite
def indicator_scales(draw: st.DrawFn) -> ct.IndicatorScale:
    """Declared indicators: a custom name and a range (either bound may be open)."""
    low = draw(st.none() | _finite(-1000.0, 1000.0))
    high = draw(st.none() | _finite(low if low is not None else -1000.0, 2000.0))
    name = draw(texts(nonempty=True, max_size=20).filter(lambda n: n not in BUILTIN_SCALES))
    return ct.IndicatorScale(name, low, high, draw(texts()))


@st.composite
def results(
    draw: st.DrawFn,
    *,
    indicator: str | None = None,
    unit: str | None = None,
    year: int | None = None,
) -> ct.Result:
    """Indicator results with a value, a rank, or both; the rank never exceeds ``of``. A
    built-in indicator's value lies within its scale (a tracker refuses any other)."""
    name = _pick(draw, indicator, indicators())
    scale = BUILTIN_SCALES.get(str(name))
    if scale is not None and scale.minimum is not None and scale.maximum is not None:
        value = draw(st.none() | _finite(float(scale.minimum), float(scale.maximum)))
    else:
        value = draw(st.none() | _finite(0.0, 100.0) | _finite() | st.integers(-(10**6), 10**6))
    rank = draw(st.none() | st.integers(1, 200)) if value is not None else draw(st.integers(1, 200))
    of = draw(st.none() | st.integers(rank or 1, 250))
    return ct.Result(
        indicator=name,
        unit=_pick(draw, unit, ids()),
        year=_pick(draw, year, st.integers(1900, 2200)),
        value=value,
        rank=rank,
        of=of,
        source=draw(texts()),
    )


@st.composite
def disciplines(
    draw: st.DrawFn,
    *,
    person: str | None = None,
    period: tuple[dt.date, dt.date] = (FIRST_DAY, LAST_DAY),
) -> ct.Discipline:
    """Disciplinary decisions issued within ``period``, with or without an id."""
    return ct.Discipline(
        person=_pick(draw, person, ids()),
        on=draw(dates(min_value=period[0], max_value=period[1])),
        reason=draw(texts(nonempty=True)),
        form=draw(st.sampled_from(_SANCTIONS) | texts()),
        id=draw(st.just("") | ids()),
    )


@st.composite
def assessments(
    draw: st.DrawFn, *, person: str | None = None, year: int | None = None
) -> Assessment:
    """Yearly assessments of a person: general-criteria points (0–30 as a rule)."""
    return Assessment(
        person=_pick(draw, person, ids()),
        year=_pick(draw, year, st.integers(1900, 2200)),
        general_points=draw(st.integers(0, 30) | _finite(0.0, 30.0) | _finite(0.0)),
        by=draw(st.just("") | ids()),
        note=draw(texts()),
    )


@st.composite
def absences(draw: st.DrawFn, *, person: str | None = None) -> Absence:
    """Absences from work of a few days to a year, maternity leave or other."""
    start = draw(dates())
    return Absence(
        person=_pick(draw, person, ids()),
        start=start,
        end=start + dt.timedelta(days=draw(st.integers(0, 366))),
        kind=draw(st.sampled_from(ABSENCE_KINDS)),
        id=draw(st.just("") | ids()),
    )


@st.composite
def unit_ratings(draw: st.DrawFn, *, unit: str | None = None) -> UnitRating:
    """Collective ratings of units decided by the competent authority."""
    return UnitRating(
        unit=_pick(draw, unit, ids()),
        year=draw(st.integers(1900, 2200)),
        rating=draw(st.sampled_from(list(ct.Rating))),
        by=draw(st.just("") | texts()),
    )


@st.composite
def person_ratings(draw: st.DrawFn, *, person: str | None = None) -> PersonRating:
    """Official ratings of people for a year."""
    return PersonRating(
        person=_pick(draw, person, ids()),
        year=draw(st.integers(1900, 2200)),
        rating=draw(st.sampled_from(list(ct.Rating))),
        by=draw(st.just("") | texts()),
    )


@st.composite
def sanctions(draw: st.DrawFn, *, unit: str | None = None) -> UnitSanction:
    """Sanctions of units for embezzlement, corruption or waste."""
    return UnitSanction(
        unit=_pick(draw, unit, ids()),
        on=draw(dates()),
        kind=draw(st.sampled_from(SANCTION_KINDS)),
        document=draw(st.just("") | texts()),
    )


# --- the target algebra ----------------------------------------------------------------


def _amounts() -> st.SearchStrategy[float]:
    """Thresholds as plans write them (whole numbers, two decimals) and arbitrary floats."""
    return st.one_of(
        st.integers(-100, 200),
        _finite(-100.0, 200.0).map(lambda x: round(x, 2)),
        _finite(),
    )


def growths() -> st.SearchStrategy[ct.Rule]:
    """``growth(amount, mode)`` in either mode."""
    return st.builds(ct.growth, _amounts(), st.sampled_from(["relative", "points"]))


def rank_withins(max_n: int = 100) -> st.SearchStrategy[ct.Rule]:
    """``rank_within(n)`` for ``1 <= n <= max_n``."""
    return st.builds(ct.rank_within, st.integers(1, max_n))


def thresholds() -> st.SearchStrategy[ct.Rule]:
    """``above(x)`` and ``at_least(x)``."""
    return st.one_of(st.builds(ct.above, _amounts()), st.builds(ct.at_least, _amounts()))


def leaf_rules() -> st.SearchStrategy[ct.Rule]:
    """Every rule kind that has no parts: growth, rank_within, above, at_least."""
    return st.one_of(growths(), rank_withins(), thresholds())


def _composites(children: st.SearchStrategy[ct.Rule]) -> st.SearchStrategy[ct.Rule]:
    parts = st.lists(children, min_size=1, max_size=3)
    return st.one_of(
        parts.map(lambda rs: AnyOf(tuple(rs))),
        parts.map(lambda rs: AllOf(tuple(rs))),
        st.dictionaries(st.integers(2021, 2035), children, min_size=1, max_size=3).map(
            lambda schedule: Milestones(schedule)
        ),
    )


def rules(*, max_leaves: int = 6) -> st.SearchStrategy[ct.Rule]:
    """Rule trees: leaves (:func:`leaf_rules`) combined by any_of, all_of and milestones,
    nested to any depth, with at most ``max_leaves`` leaves."""
    return st.recursive(leaf_rules(), _composites, max_leaves=max_leaves)


@st.composite
def targets(
    draw: st.DrawFn,
    *,
    id: str | None = None,
    plan: ct.Plan | str | None = None,
    unit: str | None = None,
    indicator: str | None = None,
    rule: ct.Rule | None = None,
) -> ct.Target:
    """Targets binding a rule (drawn from :func:`rules` unless given) to an indicator."""
    plan_id = plan.id if isinstance(plan, ct.Plan) else _pick(draw, plan, ids())
    return ct.Target(
        id=_pick(draw, id, ids()),
        plan=plan_id,
        unit=_pick(draw, unit, ids()),
        indicator=_pick(draw, indicator, indicators()),
        rule=_pick(draw, rule, rules()),
        ratchet=draw(st.booleans()),
        title=draw(texts()),
    )


@st.composite
def indicator_facts(
    draw: st.DrawFn, *, indicator: str | None = None, year: int | None = None
) -> ct.IndicatorFacts:
    """What a rule is judged on; any of value, rank and previous may be missing."""
    rank = draw(st.none() | st.integers(1, 60))
    return ct.IndicatorFacts(
        indicator=_pick(draw, indicator, st.sampled_from(ct.Indicator)),
        year=_pick(draw, year, st.integers(2015, 2040)),
        value=draw(st.none() | _amounts()),
        rank=rank,
        of=None if rank is None else draw(st.none() | st.integers(rank, 64)),
        previous=draw(st.none() | _amounts()),
    )


# --- plain factories -------------------------------------------------------------------


def make_unit(**overrides: Any) -> ct.Unit:
    """Phòng Tư pháp (the justice office) of Tân Hồng district, unless overridden."""
    fields: dict[str, Any] = {
        "id": "tu-phap",
        "name": "Phòng Tư pháp",
        "kind": "agency",
        "parent": "huyen",
    }
    return ct.Unit(**{**fields, **overrides})


def make_person(**overrides: Any) -> ct.Person:
    """Nguyễn Văn An, head of Phòng Tư pháp, unless overridden."""
    fields: dict[str, Any] = {
        "id": "nguyen-van-an",
        "name": "Nguyễn Văn An",
        "unit": "tu-phap",
        "title": "Trưởng phòng",
    }
    return ct.Person(**{**fields, **overrides})


def make_headship(**overrides: Any) -> ct.Headship:
    """Nguyễn Văn An heading Phòng Tư pháp since 1 January 2021, unless overridden."""
    fields: dict[str, Any] = {
        "unit": "tu-phap",
        "person": "nguyen-van-an",
        "start": dt.date(2021, 1, 1),
    }
    return ct.Headship(**{**fields, **overrides})


def make_plan(**overrides: Any) -> ct.Plan:
    """The district's CCHC plan for 2025 (Kế hoạch số 123/KH-UBND), unless overridden."""
    fields: dict[str, Any] = {
        "id": "kh-cchc-2025",
        "title": "Kế hoạch cải cách hành chính năm 2025",
        "unit": "huyen",
        "start": dt.date(2025, 1, 1),
        "end": dt.date(2025, 12, 31),
        "parent": "kh-cchc-2021-2030",
        "document": "Kế hoạch số 123/KH-UBND",
    }
    return ct.Plan(**{**fields, **overrides})


def make_progress_report(**overrides: Any) -> ct.ProgressReport:
    """Half-way progress at the end of March 2025 with one piece of evidence."""
    fields: dict[str, Any] = {
        "on": dt.date(2025, 3, 31),
        "percent": 50,
        "note": "Đã hoàn thành dự thảo phương án",
        "evidence": ("Công văn số 45/CV-TP",),
        "by": "nguyen-van-an",
    }
    return ct.ProgressReport(**{**fields, **overrides})


def make_task(**overrides: Any) -> ct.Task:
    """An open procedures task of Phòng Tư pháp due 30 June 2025, unless overridden.

    ``status=TaskStatus.DONE`` without ``completed_on`` completes the task on its due
    date, so ``make_task(status=ct.TaskStatus.DONE)`` is a task done on time.
    """
    fields: dict[str, Any] = {
        "id": "t-2025-001",
        "plan": "kh-cchc-2025",
        "title": "Rà soát, đơn giản hóa thủ tục hành chính năm 2025",
        "unit": "tu-phap",
        "due": dt.date(2025, 6, 30),
        "assignee": "nguyen-van-an",
        "partners": ("noi-vu",),
        "field": ct.Field.PROCEDURES,
        "output": "Phương án đơn giản hóa",
    }
    fields.update(overrides)
    if fields.get("status") in (ct.TaskStatus.DONE, "done") and "completed_on" not in fields:
        fields["completed_on"] = fields["due"]
    return ct.Task(**fields)


def make_task_series(**overrides: Any) -> TaskSeries:
    """A quarterly report of Phòng Tư pháp due the 15th of each quarter's last month from
    2025 (moved back to a working day), generated through 2025, unless overridden."""
    fields: dict[str, Any] = {
        "template": make_task(id="bao-cao-quy", title="Báo cáo CCHC hằng quý"),
        "recurrence": quarterly(15, dt.date(2025, 1, 1), adjust="previous_working_day"),
        "through": 2025,
    }
    fields.update(overrides)
    return TaskSeries(**fields)


def make_task_chain(**overrides: Any) -> TaskChain:
    """A follow-up report due 30 days after the previous one was sent, unless
    overridden."""
    fields: dict[str, Any] = {
        "template": make_task(id="bao-cao-tiep", title="Báo cáo kết quả khắc phục"),
        "rule": AfterCompletion(days=30),
    }
    fields.update(overrides)
    return TaskChain(**fields)


def make_calendar_override(**overrides: Any) -> CalendarOverride:
    """Monday 3 February 2025 off by a decision of the Ministry of Home Affairs, unless
    overridden (an example, not the real decision)."""
    fields: dict[str, Any] = {
        "day": dt.date(2025, 2, 3),
        "kind": OverrideKind.OFF,
        "reason": "Nghỉ Tết Ất Tỵ (ví dụ)",
        "decided_by": "Bộ Nội vụ",
        "decided_on": dt.date(2024, 11, 20),
        "document": "Thông báo số …/TB-BNV (ví dụ)",
    }
    fields.update(overrides)
    return CalendarOverride(**fields)


def make_inspection(**overrides: Any) -> Inspection:
    """An inspection of Phòng Tư pháp on 20 May 2025 with one follow-up task, unless
    overridden."""
    fields: dict[str, Any] = {
        "id": "kt-2025-01",
        "on": dt.date(2025, 5, 20),
        "inspector": "nguyen-van-an",
        "findings": "Còn hồ sơ giải quyết trễ hạn",
        "units": ("tu-phap",),
        "tasks": ("t-2025-001",),
        "follow_up": ("t-2025-002",),
        "team": "Đoàn kiểm tra CCHC của UBND huyện",
        "document": "Thông báo kết luận kiểm tra số 12/TB-UBND",
    }
    fields.update(overrides)
    return Inspection(**fields)


def make_result(**overrides: Any) -> ct.Result:
    """The district's PAR INDEX for 2025: 85.5, ranked 4th of 12, unless overridden."""
    fields: dict[str, Any] = {
        "indicator": ct.Indicator.PAR_INDEX,
        "unit": "huyen",
        "year": 2025,
        "value": 85.5,
        "rank": 4,
        "of": 12,
        "source": "Quyết định số 567/QĐ-UBND",
    }
    return ct.Result(**{**fields, **overrides})


def make_discipline(**overrides: Any) -> ct.Discipline:
    """A reprimand ("khiển trách") of Nguyễn Văn An in May 2025, unless overridden."""
    fields: dict[str, Any] = {
        "person": "nguyen-van-an",
        "on": dt.date(2025, 5, 20),
        "reason": "Vi phạm thời hạn giải quyết thủ tục hành chính",
        "form": "khiển trách",
    }
    return ct.Discipline(**{**fields, **overrides})


def make_assessment(**overrides: Any) -> Assessment:
    """Nguyễn Văn An's 2025 assessment: 27 of 30 general-criteria points."""
    fields: dict[str, Any] = {
        "person": "nguyen-van-an",
        "year": 2025,
        "general_points": 27,
        "by": "huyen",
        "note": "Gương mẫu, chấp hành tốt kỷ luật, kỷ cương hành chính",
    }
    return Assessment(**{**fields, **overrides})


def make_absence(**overrides: Any) -> Absence:
    """Nguyễn Văn An's maternity leave, March to August 2025, unless overridden."""
    fields: dict[str, Any] = {
        "person": "nguyen-van-an",
        "start": dt.date(2025, 3, 1),
        "end": dt.date(2025, 8, 31),
        "kind": "maternity",
    }
    return Absence(**{**fields, **overrides})


def make_unit_rating(**overrides: Any) -> UnitRating:
    """The district's 2025 collective rating, HTTNV, unless overridden."""
    fields: dict[str, Any] = {"unit": "huyen", "year": 2025, "rating": "HTTNV", "by": "tỉnh"}
    return UnitRating(**{**fields, **overrides})


def make_person_rating(**overrides: Any) -> PersonRating:
    """Nguyễn Văn An's official 2025 rating, HTNV, unless overridden."""
    fields: dict[str, Any] = {"person": "nguyen-van-an", "year": 2025, "rating": "HTNV"}
    return PersonRating(**{**fields, **overrides})


def make_sanction(**overrides: Any) -> UnitSanction:
    """Tân Hồng's finance office sanctioned for waste on 1 September 2025, unless
    overridden."""
    fields: dict[str, Any] = {
        "unit": "tai-chinh",
        "on": dt.date(2025, 9, 1),
        "kind": "waste",
        "document": "Quyết định số 12/QĐ-UBND",
    }
    return UnitSanction(**{**fields, **overrides})


def make_target(**overrides: Any) -> ct.Target:
    """The seed plan's PAR INDEX target: up 5 % on the year before or top 5."""
    fields: dict[str, Any] = {
        "id": "par-index",
        "plan": "kh-cchc-2021-2030",
        "unit": "huyen",
        "indicator": ct.Indicator.PAR_INDEX,
        "rule": ct.any_of(ct.growth(5, "relative"), ct.rank_within(5)),
        "title": "Chỉ số CCHC tăng 5% so với năm trước hoặc thuộc tốp 5 của tỉnh",
    }
    return ct.Target(**{**fields, **overrides})


def make_facts(**overrides: Any) -> ct.IndicatorFacts:
    """PAR INDEX 2025 facts: 84 after 80 (exactly +5 %), ranked 3rd of 12."""
    fields: dict[str, Any] = {
        "indicator": ct.Indicator.PAR_INDEX,
        "year": 2025,
        "value": 84.0,
        "rank": 3,
        "of": 12,
        "previous": 80.0,
    }
    return ct.IndicatorFacts(**{**fields, **overrides})


def raw_state(tracker: ct.Tracker) -> dict[str, dict[int, dict[str, Any]]]:
    """A deep copy of ``tracker``'s state exactly as TinyDB holds it, ``{table: {doc id:
    document}}`` with every document in doc-id order, through the public read-only
    :meth:`~cchc_tasks.Tracker.db` view. Two equal results mean the same documents in
    the same places: what "a failed call leaves every byte of the store as it was"
    compares."""
    db = tracker.db()
    return {
        name: {doc.doc_id: copy.deepcopy(dict(doc)) for doc in db.table(name).all()}
        for name in sorted(db.tables())
    }
