"""Recurring deadlines: periodic rules and "again N days after it was done".

A CCHC plan is full of periodic duties: a monthly report on the last day of the month, a
quarterly report by the 15th of the quarter's last month, a yearly self-assessment. Each
occurrence is a deadline of its own: it can be met or missed on its own, and it counts in
the year its due date falls in (one task due in December and the next in January belong to
two evaluations).

Two kinds of recurrence:

* :class:`Recurrence` — a fixed schedule: an anchor date (``start``) plus an RFC 5545
  ``RRULE`` (``"FREQ=MONTHLY;BYMONTHDAY=-1"``), optionally ended by ``until`` or ``count``.
  Every occurrence is computed from the anchor by python-dateutil's ``rrule``, never by
  adding a month to the previous occurrence, so the 31st stays the 31st (or the month's
  last day when shorter) for ever instead of drifting to the 28th after February. An
  occurrence on a non-working day can be moved to the previous or next working day
  (``adjust``); its **key** is the ISO date of the unmoved (nominal) day, so a later
  calendar decision that moves the due date does not change which occurrence it is.
* :class:`AfterCompletion` — the next due date follows from when the previous occurrence
  was done ("check again 30 days after the last check"), so its occurrences cannot be
  listed in advance: :meth:`AfterCompletion.next_due` gives one at a time.

Both are plain attrs records of dates, numbers and text, so they store as they are. The
start is kept as its own field rather than inside the RRULE text: ``str(rrule)`` loses
information about its ``DTSTART``, and one source of truth per fact keeps edits safe.
``UNTIL`` and ``COUNT`` are likewise fields (``until``, ``count``), not part of the text.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from typing import Any

import attrs

from ._fields import (
    check_date,
    check_int,
    check_nonempty_text,
    check_optional_date,
    check_period,
    field_name,
    nfc,
)
from .calendar import WorkingCalendar, default_calendar
from .errors import ValidationError

__all__ = [
    "Adjust",
    "AfterCompletion",
    "Occurrence",
    "Recurrence",
    "after_completion",
    "last_working_day_of_month",
    "monthly",
    "quarterly",
    "yearly",
]


class Adjust(enum.StrEnum):
    """What to do with an occurrence that falls on a non-working day."""

    NONE = "none"
    PREVIOUS_WORKING_DAY = "previous_working_day"
    NEXT_WORKING_DAY = "next_working_day"


_ADJUST_EXPECTATION = "one of " + ", ".join(repr(a.value) for a in Adjust)


def _as_adjust(owner: str, value: Any) -> Adjust:
    if isinstance(value, Adjust):
        return value
    try:
        return Adjust(nfc(value))
    except (ValueError, TypeError):
        raise ValidationError(f"{owner}.adjust", _ADJUST_EXPECTATION, value) from None


def _as_recurrence_adjust(value: Any) -> Adjust:
    return _as_adjust("Recurrence", value)


def _as_after_completion_adjust(value: Any) -> Adjust:
    return _as_adjust("AfterCompletion", value)


def _adjusted(day: dt.date, adjust: Adjust, calendar: WorkingCalendar | None) -> dt.date:
    if adjust is Adjust.NONE:
        return day
    cal = default_calendar() if calendar is None else calendar
    if adjust is Adjust.NEXT_WORKING_DAY:
        return cal.working_day_on_or_after(day)
    return cal.working_day_on_or_before(day)


def _check_calendar(name: str, calendar: Any) -> WorkingCalendar | None:
    if calendar is not None and not isinstance(calendar, WorkingCalendar):
        raise ValidationError(name, "a WorkingCalendar or None", calendar)
    return calendar


@attrs.frozen
class Occurrence:
    """One occurrence of a recurring deadline.

    ``key`` identifies it within its recurrence (the ISO date of ``nominal``) so each can be
    completed or missed on its own; ``nominal`` is the day the rule gives and ``due`` the
    day after moving it off a non-working day (equal when nothing moved).
    """

    key: str
    nominal: dt.date
    due: dt.date

    @property
    def year(self) -> int:
        """The year the occurrence counts in: the year of its due date."""
        return self.due.year


# --- RRULE text -------------------------------------------------------------------------

#: RRULE parts a date-only schedule may use. Times of day (BYHOUR…) mean nothing for a
#: due date; UNTIL, COUNT and DTSTART have fields of their own.
_ALLOWED_PARTS = frozenset(
    {"FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY", "BYSETPOS"}
    | {"WKST"}
)
_FREQUENCIES = frozenset({"YEARLY", "MONTHLY", "WEEKLY", "DAILY"})
_RRULE_EXPECTATION = "RRULE text such as 'FREQ=MONTHLY;BYMONTHDAY=-1' (RFC 5545)"
#: Allowed magnitudes of the numeric parts (RFC 5545 §3.3.10): python-dateutil accepts
#: ``INTERVAL=0`` (the same day for ever) and ``BYMONTHDAY=0`` (every day), so they are
#: checked here. ``(low, high, signed)``: signed values count from the end and are never 0.
_NUMBER_RANGES = {
    "INTERVAL": (1, 10_000, False),
    "BYMONTH": (1, 12, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYSETPOS": (1, 366, True),
}
#: Rough length in days of one period of each frequency.
_PERIOD_DAYS = {"YEARLY": 366, "MONTHLY": 31, "WEEKLY": 7, "DAILY": 1}
#: A rule must have an occurrence within this many years of ``start`` (or three intervals,
#: if longer): enough for 29 February (eight years apart around 2100). A rule whose first
#: match is later is almost surely a mistake, such as ``INTERVAL=3`` counted from a month
#: that is not in ``BYMONTH``.
_FIRST_WITHIN_YEARS = 10
#: The most days each month can have (29 for February).
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _check_numbers(key: str, value: str, text: str) -> None:
    """Check the numbers of one numeric part against RFC 5545."""
    low, high, signed = _NUMBER_RANGES[key]
    for item in value.split(","):
        try:
            number = int(item)
        except ValueError:
            number = None
        if number is None or not (low <= abs(number) <= high) or (number < 0 and not signed):
            bounds = f"{low} to {high}" + (f" or -{high} to -{low}" if signed else "")
            raise ValidationError("Recurrence.rrule", f"{key} values from {bounds}", text)


def _normalise_rrule(value: Any) -> Any:
    """Trim, upper-case and drop a leading ``RRULE:``; leave non-text for the validator."""
    if not isinstance(value, str):
        return value
    text = nfc(value).upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:") :].strip()
    return text


def _check_rrule_parts(text: str) -> None:
    name = "Recurrence.rrule"
    seen: set[str] = set()
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        if not sep or not key or not value:
            raise ValidationError(name, _RRULE_EXPECTATION + ": NAME=VALUE parts", text)
        if key in ("UNTIL", "COUNT"):
            raise ValidationError(
                name, f"RRULE text without {key} (use Recurrence.{key.lower()})", text
            )
        if key == "DTSTART":
            raise ValidationError(name, "RRULE text without DTSTART (use Recurrence.start)", text)
        if key not in _ALLOWED_PARTS:
            raise ValidationError(
                name, f"RRULE parts among {', '.join(sorted(_ALLOWED_PARTS))}", text
            )
        if key in seen:
            raise ValidationError(name, f"RRULE text with {key} once", text)
        seen.add(key)
        if key == "FREQ" and value not in _FREQUENCIES:
            raise ValidationError(
                name, f"FREQ one of {', '.join(sorted(_FREQUENCIES))} (whole days)", text
            )
        if key in _NUMBER_RANGES:
            _check_numbers(key, value, text)
    if "FREQ" not in seen:
        raise ValidationError(name, _RRULE_EXPECTATION + " with FREQ", text)
    parts = dict(part.partition("=")[::2] for part in text.split(";"))
    if "BYMONTH" in parts and "BYMONTHDAY" in parts:
        # The common way to write a rule that never matches (30 February): caught here at
        # once, because dateutil searches up to the year 9999 before giving up.
        months = [int(m) for m in parts["BYMONTH"].split(",")]
        days = [abs(int(d)) for d in parts["BYMONTHDAY"].split(",")]
        if not any(d <= _DAYS_IN_MONTH[m - 1] for m in months for d in days):
            raise ValidationError(name, "BYMONTHDAY days that exist in the BYMONTH months", text)


def _probe_horizon(text: str, start: dt.date) -> dt.date:
    """How far to look for a rule's first occurrence: ten years, or three intervals."""
    parts = dict(part.partition("=")[::2] for part in text.split(";"))
    interval = int(parts.get("INTERVAL", "1"))
    days = max(_FIRST_WITHIN_YEARS * 366, 3 * interval * _PERIOD_DAYS[parts["FREQ"]])
    return start + dt.timedelta(days=min(days, (dt.date.max - start).days))


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def _build_rule(text: str, start: dt.date, until: dt.date | None, count: int | None) -> Any:
    """A dateutil ``rrule`` for ``text`` anchored at ``start`` (naive midnight)."""
    from dateutil.rrule import rrule, rrulestr

    try:
        rule = rrulestr(text, dtstart=_midnight(start))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise ValidationError("Recurrence.rrule", f"{_RRULE_EXPECTATION} ({exc})", text) from None
    if not isinstance(rule, rrule):  # pragma: no cover - parts are checked before
        raise ValidationError("Recurrence.rrule", "a single RRULE", text)
    if until is not None:
        rule = rule.replace(until=_midnight(until))
    if count is not None:
        rule = rule.replace(count=count)
    return rule


# --- periodic recurrence ----------------------------------------------------------------


@attrs.frozen
class Recurrence:
    """A fixed schedule of due dates: an anchor (``start``) and an RFC 5545 RRULE.

    ``rrule`` is the rule text without ``DTSTART``, ``UNTIL`` or ``COUNT`` (upper-cased, a
    leading ``RRULE:`` dropped); ``until`` (inclusive) or ``count`` ends the series (not
    both). Occurrences are the days on or after ``start`` that match the rule; ``start``
    also sets the phase of an ``INTERVAL``. ``adjust`` moves an occurrence that falls on a
    non-working day. The constructors :func:`monthly`, :func:`quarterly`, :func:`yearly` and
    :func:`last_working_day_of_month` write the rule for the common cases.

    Invalid text, or a rule without any occurrence in the ten years (or three intervals)
    after ``start``, is a :class:`~cchc_tasks.errors.ValidationError` naming
    ``Recurrence.rrule``.
    """

    start: dt.date = attrs.field(validator=check_date)
    rrule: str = attrs.field(converter=_normalise_rrule, validator=check_nonempty_text)
    until: dt.date | None = attrs.field(default=None, validator=check_optional_date)
    count: int | None = attrs.field(default=None, validator=check_int(minimum=1, optional=True))
    adjust: Adjust = attrs.field(default=Adjust.NONE, converter=_as_recurrence_adjust)
    # The parsed rule, derived from the fields above: not part of the value.
    _rule: Any = attrs.field(init=False, default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        check_period(self.start, self.until, "Recurrence", "until")
        if self.until is not None and self.count is not None:
            raise ValidationError(
                "Recurrence.count", "None when until is set (end by one or the other)", self.count
            )
        _check_rrule_parts(self.rrule)
        rule = _build_rule(self.rrule, self.start, self.until, self.count)
        probe = _build_rule(self.rrule, self.start, _probe_horizon(self.rrule, self.start), None)
        first = next(iter(probe), None)
        if first is None:
            raise ValidationError(
                "Recurrence.rrule",
                f"a rule with an occurrence within {_FIRST_WITHIN_YEARS} years "
                f"(or three intervals) of start {self.start.isoformat()}",
                self.rrule,
            )
        if self.until is not None and first.date() > self.until:
            raise ValidationError(
                "Recurrence.until",
                f"a date on or after the first occurrence {first.date()}",
                self.until,
            )
        object.__setattr__(self, "_rule", rule)

    def nominal_dates(self) -> Iterator[dt.date]:
        """The days the rule gives, in order, before any adjustment (lazy; endless when
        neither ``until`` nor ``count`` is set)."""
        return (moment.date() for moment in self._rule)

    def occurrences(
        self,
        between: tuple[dt.date, dt.date] | None = None,
        calendar: WorkingCalendar | None = None,
    ) -> Iterator[Occurrence]:
        """The occurrences in order, lazily, each from the anchor (no drift).

        With ``between=(a, b)``, only those whose *due* date is in ``[a, b]``. ``calendar``
        decides working days when ``adjust`` moves occurrences (default:
        :func:`~cchc_tasks.calendar.default_calendar`). Two nominal days can share a due
        date when both roll onto the same working day; they stay two occurrences.
        """
        cal = _check_calendar("occurrences.calendar", calendar)
        if between is None:
            return self._all(cal)
        a, b = _check_between(between)
        return self._between(a, b, cal)

    def _all(self, calendar: WorkingCalendar | None) -> Iterator[Occurrence]:
        for nominal in self.nominal_dates():
            due = _adjusted(nominal, self.adjust, calendar)
            yield Occurrence(key=nominal.isoformat(), nominal=nominal, due=due)

    def _between(
        self, a: dt.date, b: dt.date, calendar: WorkingCalendar | None
    ) -> Iterator[Occurrence]:
        # Adjusting keeps the order (rolling forward or back never overtakes), so due
        # dates never decrease: skip until the range starts, stop at the first one after.
        last_before_a: dt.date | None = None
        for nominal in self.nominal_dates():
            if nominal < a:
                if self.adjust is Adjust.NEXT_WORKING_DAY:
                    # Rolls forward into the range only if no working day lies in [nominal, a).
                    if last_before_a is None:
                        cal = default_calendar() if calendar is None else calendar
                        last_before_a = cal.previous_working_day(a)
                    if nominal <= last_before_a:
                        continue
                else:
                    continue  # unmoved, or moved back: still before a
            due = _adjusted(nominal, self.adjust, calendar)
            if due > b:
                return
            if due >= a:
                yield Occurrence(key=nominal.isoformat(), nominal=nominal, due=due)


def _check_between(between: Any) -> tuple[dt.date, dt.date]:
    name = "occurrences.between"
    if (
        not isinstance(between, tuple | list)
        or len(between) != 2
        or not all(isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in between)
    ):
        raise ValidationError(name, "a pair of dates (first, last)", between)
    a, b = between
    if b < a:
        raise ValidationError(name, f"a last date on or after {a}", b)
    return a, b


# --- constructors -----------------------------------------------------------------------


def _check_whole(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(name, f"a whole number from {low} to {high}", value)
    return value


def _check_month_day(name: str, value: Any) -> int:
    """1 to 31, or -1 to -28 counted from the month's end."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not (1 <= value <= 31 or -28 <= value <= -1)
    ):
        raise ValidationError(
            name, "a day of the month from 1 to 31, or -1 (last day) to -28", value
        )
    return value


def _by_month_day(day: int) -> str:
    """BYMONTHDAY for ``day``, clamped to the month's last day when the month is shorter.

    Plain ``BYMONTHDAY=31`` skips the months without a 31st (RFC 5545); "the 31st, or the
    last day" is the last of the days 28…31 that the month has (``BYSETPOS=-1``).
    """
    if day <= 28:
        return f"BYMONTHDAY={day}"
    return "BYMONTHDAY=" + ",".join(str(d) for d in range(28, day + 1)) + ";BYSETPOS=-1"


def monthly(
    day: int,
    start: dt.date,
    *,
    interval: int = 1,
    until: dt.date | None = None,
    count: int | None = None,
    adjust: Adjust | str = Adjust.NONE,
) -> Recurrence:
    """Every month (or every ``interval`` months from ``start``'s month) on ``day``.

    ``day`` 29–31 means that day or the month's last day when the month is shorter
    (``monthly(31, …)`` gives 31 January, 28/29 February, 31 March…); ``-1`` is the last
    day of the month, ``-2`` the day before it.
    """
    _check_month_day("monthly.day", day)
    _check_whole("monthly.interval", interval, 1, 1200)
    parts = "FREQ=MONTHLY" + (f";INTERVAL={interval}" if interval != 1 else "")
    return Recurrence(
        start=start,
        rrule=f"{parts};{_by_month_day(day)}",
        until=until,
        count=count,
        adjust=adjust,
    )


def quarterly(
    day: int,
    start: dt.date,
    *,
    month_in_quarter: int = 3,
    until: dt.date | None = None,
    count: int | None = None,
    adjust: Adjust | str = Adjust.NONE,
) -> Recurrence:
    """Every calendar quarter on ``day`` of its ``month_in_quarter``-th month (1–3).

    The default, ``quarterly(15, start)``, is "due the 15th of the quarter's last month":
    15 March, 15 June, 15 September, 15 December. The months are named (``BYMONTH``)
    rather than counted with ``INTERVAL=3``, so the quarters do not depend on ``start``.
    """
    _check_month_day("quarterly.day", day)
    _check_whole("quarterly.month_in_quarter", month_in_quarter, 1, 3)
    months = ",".join(str(month_in_quarter + 3 * q) for q in range(4))
    return Recurrence(
        start=start,
        rrule=f"FREQ=MONTHLY;BYMONTH={months};{_by_month_day(day)}",
        until=until,
        count=count,
        adjust=adjust,
    )


def yearly(
    month: int,
    day: int,
    start: dt.date,
    *,
    until: dt.date | None = None,
    count: int | None = None,
    adjust: Adjust | str = Adjust.NONE,
) -> Recurrence:
    """Every year on ``day`` of ``month``; 29 February means 28 February in common years;
    ``day=-1`` is the month's last day."""
    _check_whole("yearly.month", month, 1, 12)
    longest = _DAYS_IN_MONTH[month - 1]
    if isinstance(day, bool) or not isinstance(day, int) or not (1 <= day <= longest or day == -1):
        raise ValidationError(
            "yearly.day", f"a day of month {month} from 1 to {longest}, or -1 (last day)", day
        )
    by_day = _by_month_day(day) if month == 2 else f"BYMONTHDAY={day}"
    return Recurrence(
        start=start,
        rrule=f"FREQ=YEARLY;BYMONTH={month};{by_day}",
        until=until,
        count=count,
        adjust=adjust,
    )


def last_working_day_of_month(
    start: dt.date, *, until: dt.date | None = None, count: int | None = None
) -> Recurrence:
    """The last working day of every month: the month's last day, moved back to the
    previous working day when it is not worked (by the calendar given to
    :meth:`Recurrence.occurrences`)."""
    return Recurrence(
        start=start,
        rrule="FREQ=MONTHLY;BYMONTHDAY=-1",
        until=until,
        count=count,
        adjust=Adjust.PREVIOUS_WORKING_DAY,
    )


# --- after completion -------------------------------------------------------------------


def _check_positive_or_none(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(field_name(instance, attribute), "a whole number >= 1 or None", value)


@attrs.frozen
class AfterCompletion:
    """The next occurrence is due a fixed time after the previous one was completed.

    Exactly one of ``days`` (calendar days, then moved by ``adjust`` if that lands on a
    non-working day) and ``working_days`` (always lands on a working day) is set. The
    first due date is the task's own; ``until`` (inclusive, on the unmoved day) ends the
    chain. Nothing piles up: an occurrence exists only once the previous one is done.
    """

    days: int | None = attrs.field(default=None, validator=_check_positive_or_none)
    working_days: int | None = attrs.field(default=None, validator=_check_positive_or_none)
    until: dt.date | None = attrs.field(default=None, validator=check_optional_date)
    adjust: Adjust = attrs.field(default=Adjust.NONE, converter=_as_after_completion_adjust)

    def __attrs_post_init__(self) -> None:
        if (self.days is None) == (self.working_days is None):
            raise ValidationError(
                "AfterCompletion.days",
                "exactly one of days and working_days",
                {"days": self.days, "working_days": self.working_days},
            )

    def next_due(
        self, previous_completed_on: dt.date, calendar: WorkingCalendar | None = None
    ) -> dt.date | None:
        """The due date of the occurrence after one completed on ``previous_completed_on``,
        or ``None`` when it would fall after ``until``."""
        if not isinstance(previous_completed_on, dt.date) or isinstance(
            previous_completed_on, dt.datetime
        ):
            raise ValidationError(
                "next_due.previous_completed_on", "a date (datetime.date)", previous_completed_on
            )
        cal = _check_calendar("next_due.calendar", calendar)
        if self.working_days is not None:
            chosen = default_calendar() if cal is None else cal
            nominal = chosen.add_working_days(previous_completed_on, self.working_days)
            due = nominal
        else:
            assert self.days is not None
            nominal = previous_completed_on + dt.timedelta(days=self.days)
            due = _adjusted(nominal, self.adjust, cal)
        if self.until is not None and nominal > self.until:
            return None
        return due


def after_completion(
    days: int | None = None,
    working_days: int | None = None,
    *,
    until: dt.date | None = None,
    adjust: Adjust | str = Adjust.NONE,
) -> AfterCompletion:
    """A recurrence whose next due date is ``days`` (or ``working_days``) after the
    previous occurrence was completed."""
    return AfterCompletion(days=days, working_days=working_days, until=until, adjust=adjust)
