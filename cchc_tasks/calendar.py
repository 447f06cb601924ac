"""Working days: Vietnamese public holidays, weekends, and the days decided each year.

Deadlines in Vietnamese administration are counted in working days ("ngày làm việc"), so a
due date has to know the holidays. The fixed part comes from the `holidays
<https://github.com/vacanza/holidays>`_ package: Tết Dương lịch, the lunar Tết days, Giỗ Tổ
Hùng Vương, 30/4, 1/5, 2/9 with its adjacent day, the observed days ("nghỉ bù") and the
day swaps the government has announced (a bridge day off, paid for by a worked Saturday).
The package lags the decisions: the Tết schedule for officials and each swap are announced
by decision every year. So a :class:`WorkingCalendar` also holds **overrides**, each a
:class:`CalendarOverride` record saying which day, off or worked, why, who decided, when,
and by which document. Overrides are data, not code, and a calendar never changes in place:
:meth:`WorkingCalendar.with_override` returns a new one with a new :attr:`~WorkingCalendar.version`.

A computed :class:`Deadline` records the version of the calendar that produced it, so a later
decision never silently moves a deadline that was already announced: the caller sees that
the deadline is no longer current (:meth:`Deadline.is_current`) and asks for the new one
(:meth:`Deadline.recompute`) only when that is what the rules say to do.

**Counting conventions** (the same for the methods and the module-level functions):

* ``add_working_days(d, n)`` with ``n > 0`` is the n-th working day *after* ``d``; with
  ``n < 0`` the ``|n|``-th working day *before* ``d``; with ``n == 0`` it is ``d`` itself when
  ``d`` is a working day, else the next working day. The result is always a working day.
* ``working_days_between(a, b)`` counts the working days you step on walking from ``a`` to
  ``b``, not counting ``a``: those in ``(a, b]`` when ``b >= a``, and minus those in
  ``[b, a)`` when ``b < a``.
* Hence, exactly: ``working_days_between(d, add_working_days(d, n)) == n`` for every date
  ``d`` and every ``n != 0``, and for ``n == 0`` whenever ``d`` is a working day (when it is
  not, ``add_working_days(d, 0)`` is one step forward and the count is 1). Conversely
  ``add_working_days(a, working_days_between(a, b)) == b`` for every ``a`` and every working
  day ``b``.

**Speed.** Each year is turned once into a sorted list of the ordinals of its working days;
a query is a binary search in one or two years plus a sum of per-year counts in between,
so adding 500 working days or counting across a decade never loops over days.

The package covers the years 1901–2100; a date outside them is an error, not a guess.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import functools
import itertools
import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ._fields import (
    check_date,
    check_nonempty_text,
    check_optional_date,
    check_text,
    field_name,
    nfc,
)
from .errors import ValidationError

__all__ = [
    "CalendarOverride",
    "Deadline",
    "OverrideKind",
    "WorkingCalendar",
    "add_working_days",
    "compute_deadline",
    "default_calendar",
    "is_working_day",
    "working_days_between",
]

#: ISO 3166 code of the country whose public holidays the calendar uses.
COUNTRY = "VN"


# --- the holidays package, loaded lazily ------------------------------------------------
# ``import holidays`` costs tens of milliseconds; ``import cchc_tasks`` must not pay it.


@functools.cache
def _holidays_version() -> str:
    import importlib.metadata  # not at import time: it costs tens of milliseconds

    return importlib.metadata.version("holidays")


@functools.cache
def _package_info() -> tuple[int, int, tuple[str, ...]]:
    """First and last year the package's Vietnam data covers, and its languages."""
    import holidays

    cls = type(holidays.country_holidays(COUNTRY))
    # ``start_year``/``end_year`` exist in newer releases; the lunar tables cover 1901–2100.
    first = int(getattr(cls, "start_year", 1901))
    last = int(getattr(cls, "end_year", 2100))
    return first, last, tuple(cls.supported_languages)


@functools.lru_cache(maxsize=512)
def _package_year(year: int, language: str) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """The package's holidays in ``year`` (name by day) and its worked weekend days in it.

    A swap decided for one year can move a working day into the next or the previous one
    (2018's swap made Saturday 5 January 2019 a working day), and the package files it
    under the year of the day off, so the neighbouring years are loaded too.
    """
    import holidays

    data = holidays.country_holidays(COUNTRY, years=(year - 1, year, year + 1), language=language)
    names = {day: str(name) for day, name in sorted(data.items()) if day.year == year}
    worked: set[dt.date] = getattr(data, "weekend_workdays", set())
    return names, frozenset(day for day in worked if day.year == year)


def _supported_years() -> tuple[int, int]:
    first, last, _ = _package_info()
    return first, last


# --- overrides --------------------------------------------------------------------------


class OverrideKind(enum.StrEnum):
    """What an override makes of its day: a day off or a working day."""

    OFF = "off"
    WORK = "work"


_KIND_EXPECTATION = "one of " + ", ".join(repr(k.value) for k in OverrideKind)


def _as_kind(value: Any) -> Any:
    if isinstance(value, OverrideKind):
        return value
    try:
        return OverrideKind(nfc(value))
    except (ValueError, TypeError):
        raise ValidationError("CalendarOverride.kind", _KIND_EXPECTATION, value) from None


@attrs.frozen
class CalendarOverride:
    """One decided change to the calendar: ``day`` becomes a day off or a working day.

    The yearly Tết schedule for officials and the swaps around 30/4 and 2/9 are announced
    by a decision or notice ("Thông báo", "Công văn"), so each override keeps its grounds:
    ``reason`` (required: why the day changes), ``decided_by`` (the authority),
    ``decided_on`` (the date of the decision) and ``document`` (its number). Only ``day``
    and ``kind`` change which days are worked; the rest is the audit trail, and any change
    to it still gives the calendar a new version.
    """

    day: dt.date = attrs.field(validator=check_date)
    kind: OverrideKind = attrs.field(converter=_as_kind)
    reason: str = attrs.field(converter=nfc, validator=check_nonempty_text)
    decided_by: str = attrs.field(default="", converter=nfc, validator=check_text)
    decided_on: dt.date | None = attrs.field(default=None, validator=check_optional_date)
    document: str = attrs.field(default="", converter=nfc, validator=check_text)

    @property
    def id(self) -> str:
        """The store key: the ISO day (one override per day)."""
        return self.day.isoformat()

    def _fingerprint(self) -> list[Any]:
        return [
            self.day.isoformat(),
            self.kind.value,
            self.reason,
            self.decided_by,
            None if self.decided_on is None else self.decided_on.isoformat(),
            self.document,
        ]


# --- the calendar -----------------------------------------------------------------------


def _as_weekend(value: Any) -> Any:
    """Any iterable of weekday numbers → a sorted tuple without repeats."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return value
    items = tuple(value)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in items):
        return items
    return tuple(sorted(set(items)))


def _check_weekend(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        not isinstance(value, tuple)
        or len(value) > 6
        or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 6 for v in value)
    ):
        raise ValidationError(
            field_name(instance, attribute),
            "weekday numbers from 0 (Monday) to 6 (Sunday), leaving at least one working day",
            value,
        )


def _as_overrides(value: Any) -> Any:
    """Any iterable of overrides → a tuple sorted by day (the validator checks the items)."""
    if isinstance(value, CalendarOverride):
        return (value,)
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return value
    items = tuple(value)
    if not all(isinstance(v, CalendarOverride) for v in items):
        return items
    return tuple(sorted(items, key=lambda o: o.day))


def _check_overrides(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    name = field_name(instance, attribute)
    if not isinstance(value, tuple) or not all(isinstance(v, CalendarOverride) for v in value):
        raise ValidationError(name, "a list of CalendarOverride", value)
    for earlier, later in itertools.pairwise(value):
        if earlier.day == later.day:
            raise ValidationError(name, "at most one override per day", later.day)


def _check_language(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    languages = _package_info()[2]
    if value not in languages:
        raise ValidationError(
            field_name(instance, attribute), f"one of {', '.join(languages)}", value
        )


def _check_n(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(name, "a whole number of working days", value)
    return value


@attrs.frozen
class WorkingCalendar:
    """Which days are worked: Vietnamese public holidays, weekends, and decided overrides.

    A day is a working day unless it is a public holiday (including observed and swapped
    days off that the ``holidays`` package knows) or a weekend day that the package does
    not list as a worked swap day; an override for the day then decides, whatever the rest
    says. ``weekend`` holds weekday numbers as :meth:`datetime.date.weekday` gives them
    (Saturday 5 and Sunday 6 by default). ``language`` is only for the holiday names of
    :meth:`holidays_in` (``"vi"``, ``"en_US"`` or ``"th"``).

    The calendar is immutable and cheap to copy: :meth:`with_override` and
    :meth:`without_override` return new calendars. Per-year tables are built on first use.
    """

    weekend: tuple[int, ...] = attrs.field(
        default=(5, 6), converter=_as_weekend, validator=_check_weekend
    )
    overrides: tuple[CalendarOverride, ...] = attrs.field(
        default=(), converter=_as_overrides, validator=_check_overrides
    )
    language: str = attrs.field(default="vi", converter=nfc, validator=_check_language)
    # Derived state, not part of the value: left out of __init__, eq, repr and the store.
    _by_day: dict[int, bool] = attrs.field(init=False, factory=dict, eq=False, repr=False)
    _years: dict[int, list[int]] = attrs.field(init=False, factory=dict, eq=False, repr=False)
    _version: str = attrs.field(init=False, default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        for override in self.overrides:
            self._by_day[override.day.toordinal()] = override.kind is OverrideKind.WORK
        payload = {
            "country": COUNTRY,
            "holidays": _holidays_version(),
            "weekend": list(self.weekend),
            "overrides": [o._fingerprint() for o in self.overrides],
        }
        import hashlib  # here, not at import time: tasks.py imports this module

        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        object.__setattr__(self, "_version", f"{COUNTRY}-holidays{_holidays_version()}-{digest}")

    # -- identity ------------------------------------------------------------------------

    @property
    def version(self) -> str:
        """Identifies the days this calendar gives: a short hash of the holidays package
        version, the weekend and every override field. Equal calendars have equal versions;
        any change to the overrides gives a new one."""
        return self._version

    @property
    def supported_years(self) -> tuple[int, int]:
        """First and last year (inclusive) the holiday data covers."""
        return _supported_years()

    def with_override(self, *overrides: CalendarOverride) -> WorkingCalendar:
        """A new calendar with ``overrides`` added. An override for a day that already has
        one replaces it: a later decision supersedes the earlier one."""
        if not all(isinstance(o, CalendarOverride) for o in overrides):
            raise ValidationError("with_override.overrides", "CalendarOverride records", overrides)
        days = {o.day for o in overrides}
        if len(days) != len(overrides):
            raise ValidationError(
                "with_override.overrides", "at most one override per day", overrides
            )
        kept = [o for o in self.overrides if o.day not in days]
        return attrs.evolve(self, overrides=(*kept, *overrides))

    def without_override(self, *days: dt.date) -> WorkingCalendar:
        """A new calendar without the overrides of ``days`` (days without one are ignored)."""
        for day in days:
            self._ordinal("without_override.days", day, check_range=False)
        gone = set(days)
        return attrs.evolve(self, overrides=tuple(o for o in self.overrides if o.day not in gone))

    def override_on(self, day: dt.date) -> CalendarOverride | None:
        """The override decided for ``day``, if any."""
        self._ordinal("override_on.day", day, check_range=False)
        for override in self.overrides:
            if override.day == day:
                return override
        return None

    # -- per-year tables -----------------------------------------------------------------

    def _ordinal(self, name: str, value: Any, *, check_range: bool = True) -> int:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ValidationError(name, "a date (datetime.date)", value)
        if check_range:
            first, last = _supported_years()
            if not first <= value.year <= last:
                raise ValidationError(
                    name, f"a date in {first}–{last}, the years the holiday data covers", value
                )
        return value.toordinal()

    @property
    def built_years(self) -> frozenset[int]:
        """The years whose table of working days is built: each is built on first use,
        once, so a calendar costs nothing for the years nobody asks about."""
        return frozenset(self._years)

    def _year(self, year: int) -> list[int]:
        """Sorted ordinals of the working days of ``year`` (built once, then cached)."""
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = self._build_year(year)
        return found

    def _build_year(self, year: int) -> list[int]:
        names, worked_weekend = _package_year(year, self.language)
        days_off = {day.toordinal() for day in names}
        swapped = {day.toordinal() for day in worked_weekend}
        weekend = set(self.weekend)
        decided = self._by_day
        first = dt.date(year, 1, 1)
        start = first.toordinal()
        weekday = first.weekday()
        result = []
        for offset in range(dt.date(year, 12, 31).toordinal() - start + 1):
            ordinal = start + offset
            working = decided.get(ordinal)
            if working is None:
                working = ordinal not in days_off and (
                    (weekday + offset) % 7 not in weekend or ordinal in swapped
                )
            if working:
                result.append(ordinal)
        return result

    def _span(self, first_year: int, end_year: int) -> int:
        """Working days in the whole years ``first_year`` up to (excluding) ``end_year``."""
        return sum(len(self._year(y)) for y in range(first_year, end_year))

    def _out_of_range(self, name: str, n: int) -> ValidationError:
        first, last = _supported_years()
        return ValidationError(
            name, f"a number of working days that stays within {first}–{last}", n
        )

    # -- queries -------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is worked."""
        ordinal = self._ordinal("is_working_day.day", day)
        days = self._year(day.year)
        i = bisect.bisect_left(days, ordinal)
        return i < len(days) and days[i] == ordinal

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (before it when ``n < 0``); for ``n == 0``,
        ``day`` itself if worked, else the next working day. See the module docstring for
        the exact relation with :meth:`working_days_between`."""
        ordinal = self._ordinal("add_working_days.day", day)
        n = _check_n("add_working_days.n", n)
        year = day.year
        days = self._year(year)
        step = n
        if n == 0:
            i = bisect.bisect_left(days, ordinal)
            if i < len(days) and days[i] == ordinal:
                return day
            step = 1  # roll forward to the next working day
        first, last = _supported_years()
        if step > 0:
            i = bisect.bisect_right(days, ordinal) + step - 1
            while i >= len(days):
                i -= len(days)
                year += 1
                if year > last:
                    raise self._out_of_range("add_working_days.n", n)
                days = self._year(year)
        else:
            i = bisect.bisect_left(days, ordinal) + step
            while i < 0:
                year -= 1
                if year < first:
                    raise self._out_of_range("add_working_days.n", n)
                days = self._year(year)
                i += len(days)
        return dt.date.fromordinal(days[i])

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days stepped on from ``a`` to ``b``, not counting ``a``: the number in
        ``(a, b]`` when ``b >= a``, minus the number in ``[b, a)`` when ``b < a``."""
        oa = self._ordinal("working_days_between.a", a)
        ob = self._ordinal("working_days_between.b", b)
        days_a = self._year(a.year)
        days_b = self._year(b.year)
        if ob >= oa:
            return (
                self._span(a.year, b.year)
                + bisect.bisect_right(days_b, ob)
                - bisect.bisect_right(days_a, oa)
            )
        return -(
            self._span(b.year, a.year)
            + bisect.bisect_left(days_a, oa)
            - bisect.bisect_left(days_b, ob)
        )

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before ``day``."""
        return self.add_working_days(day, -1)

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        """``day`` if it is worked, else the next working day (roll forward)."""
        return self.add_working_days(day, 0)

    def working_day_on_or_before(self, day: dt.date) -> dt.date:
        """``day`` if it is worked, else the previous working day (roll back)."""
        return day if self.is_working_day(day) else self.add_working_days(day, -1)

    def working_days_in(self, year: int) -> int:
        """How many working days ``year`` has."""
        self._check_year("working_days_in.year", year)
        return len(self._year(year))

    def holidays_in(self, year: int) -> dict[dt.date, str]:
        """Days off other than ordinary weekends in ``year``, by date, with their names.

        The package's holidays (in Vietnamese by default: "Tết Nguyên Đán", "Ngày Giỗ Tổ
        Hùng Vương", observed days marked "(nghỉ bù)", swapped days "Ngày nghỉ (thay cho
        ngày …)"), plus days off by override (named by their reason), minus days an
        override makes working. Weekend days the package names (a Tết day on a Saturday)
        are included.
        """
        self._check_year("holidays_in.year", year)
        result = dict(_package_year(year, self.language)[0])
        for override in self.overrides:
            if override.day.year != year:
                continue
            if override.kind is OverrideKind.WORK:
                result.pop(override.day, None)
            else:
                result.setdefault(override.day, override.reason)
        return dict(sorted(result.items()))

    def _check_year(self, name: str, year: Any) -> None:
        first, last = _supported_years()
        if isinstance(year, bool) or not isinstance(year, int) or not first <= year <= last:
            raise ValidationError(name, f"a year from {first} to {last}", year)


@functools.cache
def default_calendar() -> WorkingCalendar:
    """The shared calendar without overrides (Saturday and Sunday off). Built once; its
    years are loaded on first use."""
    return WorkingCalendar()


def _calendar(calendar: WorkingCalendar | None, name: str) -> WorkingCalendar:
    if calendar is None:
        return default_calendar()
    if not isinstance(calendar, WorkingCalendar):
        raise ValidationError(name, "a WorkingCalendar or None", calendar)
    return calendar


def is_working_day(day: dt.date, calendar: WorkingCalendar | None = None) -> bool:
    """:meth:`WorkingCalendar.is_working_day` of ``calendar`` (default:
    :func:`default_calendar`)."""
    return _calendar(calendar, "is_working_day.calendar").is_working_day(day)


def add_working_days(day: dt.date, n: int, calendar: WorkingCalendar | None = None) -> dt.date:
    """:meth:`WorkingCalendar.add_working_days` of ``calendar`` (default:
    :func:`default_calendar`)."""
    return _calendar(calendar, "add_working_days.calendar").add_working_days(day, n)


def working_days_between(a: dt.date, b: dt.date, calendar: WorkingCalendar | None = None) -> int:
    """:meth:`WorkingCalendar.working_days_between` of ``calendar`` (default: the default)."""
    return _calendar(calendar, "working_days_between.calendar").working_days_between(a, b)


# --- deadlines --------------------------------------------------------------------------


def _check_whole(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field_name(instance, attribute), "a whole number", value)


@attrs.frozen
class Deadline:
    """A due date computed as ``working_days`` working days from ``start``, with the
    version of the calendar that computed it.

    A deadline is a fact once announced: a later calendar decision does not move it. Use
    :meth:`is_current` to see whether it was computed with a given calendar, and
    :meth:`recompute` to get the deadline that calendar gives, when the rules say the new
    decision applies.
    """

    start: dt.date = attrs.field(validator=check_date)
    working_days: int = attrs.field(validator=_check_whole)
    due: dt.date = attrs.field(validator=check_date)
    calendar_version: str = attrs.field(converter=nfc, validator=check_nonempty_text)

    def is_current(self, calendar: WorkingCalendar | None = None) -> bool:
        """Whether ``calendar`` (default: :func:`default_calendar`) is the calendar version
        that computed this deadline. ``False`` says "check", not "moved": a new decision
        may well leave this due date where it was."""
        return self.calendar_version == _calendar(calendar, "is_current.calendar").version

    def recompute(self, calendar: WorkingCalendar | None = None) -> Deadline:
        """The deadline ``calendar`` gives for the same start and count (this one is left
        as it was)."""
        return compute_deadline(self.start, self.working_days, calendar)


def compute_deadline(start: dt.date, n: int, calendar: WorkingCalendar | None = None) -> Deadline:
    """The deadline ``n`` working days from ``start`` (see
    :meth:`WorkingCalendar.add_working_days` for the convention), recording the calendar
    version."""
    cal = _calendar(calendar, "compute_deadline.calendar")
    due = cal.add_working_days(start, n)
    return Deadline(start=start, working_days=n, due=due, calendar_version=cal.version)
