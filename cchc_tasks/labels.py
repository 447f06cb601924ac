"""Bilingual labels for what the library shows people: Vietnamese and English.

Tables, charts and reports are read by two audiences: officials, who read the labels of
the regulations in Vietnamese ("Hoàn thành tốt nhiệm vụ", "Quá hạn"), and analysts or
donors, who read English. Every label shown by the tables (:mod:`cchc_tasks.tables`, which
the reports, the notebook and the workbooks of :mod:`cchc_tasks.exports` render), the
charts and the notebook comes from here, so an output never words a thing differently
from another, the two languages stay in step and a new label is added once. Vietnamese is
the default wherever officials are the readers.

The data themselves (unit names, task titles, the reasons the rules give) are shown as
recorded; only the frame around them is translated.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

from .i18n import (
    LANGS,
    Lang,
    check_lang,
    find_message,
    format_date,
    format_number,
    translate,
    translate_or,
)
from .plans import Field, Indicator
from .ratings import Band, Rating
from .targets import Outcome
from .tasks import TaskOutcome, TaskStatus

__all__ = [
    "LANGS",
    "OUTCOME_COLOURS",
    "OUTCOME_MARKERS",
    "RATING_COLOURS",
    "TASK_OUTCOME_COLOURS",
    "Lang",
    "band_label",
    "change_label",
    "check_lang",
    "date_text",
    "field_label",
    "field_name_label",
    "indicator_label",
    "number_text",
    "outcome_label",
    "rating_label",
    "recommendation_label",
    "status_label",
    "subject_name",
    "t",
    "table_label",
    "task_outcome_label",
    "unit_kind_label",
]

#: Background and text colour of each rating: HTXSNV green, HTTNV light green, HTNV
#: amber, KHTNV red, not rated (``None``) grey. Text colours keep the contrast readable.
RATING_COLOURS: dict[Rating | None, tuple[str, str]] = {
    Rating.EXCELLENT: ("#2e7d32", "#ffffff"),
    Rating.GOOD: ("#a5d6a7", "#1b3d1f"),
    Rating.COMPLETED: ("#ffc107", "#3d2e00"),
    Rating.NOT_COMPLETED: ("#c62828", "#ffffff"),
    None: ("#d6d6d6", "#333333"),
}
#: Background and text colour of each target outcome.
OUTCOME_COLOURS: dict[Outcome, tuple[str, str]] = {
    Outcome.PASS: ("#a5d6a7", "#1b3d1f"),
    Outcome.FAIL: ("#ef9a9a", "#4a0f0f"),
    Outcome.NOT_MEASURED: ("#d6d6d6", "#333333"),
    Outcome.NOT_APPLICABLE: ("#eeeeee", "#555555"),
}
#: Marker colour of each target outcome in charts (``None``: not evaluated).
OUTCOME_MARKERS: dict[Outcome | None, str] = {
    Outcome.PASS: "#2e7d32",
    Outcome.FAIL: "#c62828",
    Outcome.NOT_MEASURED: "#9e9e9e",
    Outcome.NOT_APPLICABLE: "#bdbdbd",
    None: "#bdbdbd",
}
#: Colour of each task outcome in charts.
TASK_OUTCOME_COLOURS: dict[TaskOutcome, str] = {
    TaskOutcome.ON_TIME: "#2e7d32",
    TaskOutcome.LATE: "#ffb300",
    TaskOutcome.OVERDUE: "#c62828",
    TaskOutcome.PENDING: "#9e9e9e",
    TaskOutcome.CANCELLED: "#e0e0e0",
}


def rating_label(rating: Rating | None, lang: Lang = "vi") -> str:
    """The rating spelt out; ``None`` is "not rated" (under six months in the post, or
    no rule set in force)."""
    if rating is None:
        return translate("misc.not_rated", lang)
    return _enum_label(rating, lang)


def band_label(band: Band | None, lang: Lang = "vi") -> str:
    """The unit's CCHC band; ``None`` (no score) is a dash."""
    if band is None:
        return "—"
    return _enum_label(band, lang)


def outcome_label(outcome: Outcome, lang: Lang = "vi") -> str:
    """A target's outcome as officials write it ("Đạt", "Không đạt"…)."""
    return _enum_label(outcome, lang)


def task_outcome_label(outcome: TaskOutcome, lang: Lang = "vi") -> str:
    """How a task counts in its year ("Hoàn thành đúng hạn", "Quá hạn"…)."""
    return _enum_label(outcome, lang)


def status_label(status: TaskStatus, lang: Lang = "vi") -> str:
    """What is recorded about a task: open, done or cancelled."""
    return _enum_label(status, lang)


def field_label(field: str | None, lang: Lang = "vi") -> str:
    """A field of reform; a custom field is shown as written, no field as a dash."""
    if field is None:
        return "—"
    if isinstance(field, Field):
        return _enum_label(field, lang)
    return field


def indicator_label(indicator: str, lang: Lang = "vi") -> str:
    """An indicator's full name; a custom indicator is shown as written."""
    if isinstance(indicator, Indicator):
        return _enum_label(indicator, lang)
    return indicator


def change_label(op: str, lang: Lang = "vi") -> str:
    """A journal change: ``add``, ``update`` or ``delete``."""
    return translate_or(f"change.{op}", op, lang)


def recommendation_label(kind: str, lang: Lang = "vi") -> str:
    """A recommendation kind; a plugin's own kind is shown as the words of its own
    catalog (``recommendation.<kind>`` in any registered domain), or as written when it
    has none."""
    message = find_message(f"recommendation.{kind}", lang)
    return kind if message is None else message.render(lang)


def subject_name(
    subject: str, subject_kind: str, names: Mapping[str, str], lang: Lang = "vi"
) -> str:
    """Who or what a recommendation is about, as people call it: a person's or a unit's
    name, or for a group of heads the kind of unit they head ("UBND xã"); the id itself
    when nothing better is known."""
    if subject_kind == "group":
        return unit_kind_label(subject, lang)
    return names.get(subject, subject)


def unit_kind_label(kind: str, lang: Lang = "vi") -> str:
    """A kind of unit as people call it ("UBND xã" for ``commune``); a kind without a
    label is shown as written."""
    return translate_or(f"quota.kind.{kind}", kind, lang)


def _enum_label(member: enum.Enum, lang: Lang) -> str:
    return translate(f"enum.{type(member).__name__}.{member.name}", lang)


# --- numbers and dates -------------------------------------------------------------------


def number_text(x: float | None, lang: Lang = "vi", digits: int = 1) -> str:
    """``x`` with ``digits`` decimals; Vietnamese writes a decimal comma ("92,5")."""
    if x is None:
        return "—"
    return format_number(x, lang, f".{digits}f")


def date_text(day: dt.date | None, lang: Lang = "vi") -> str:
    """A date as each audience writes it: ``31/12/2025`` or ``2025-12-31``."""
    if day is None:
        return "—"
    return format_date(day, lang)


def field_name_label(name: str, lang: Lang = "vi") -> str:
    """A field of a stored object as people call it (``status`` → "Trạng thái"); a field
    without a label is shown as named."""
    return translate_or(f"col.{name}", name, lang)


def table_label(table: str, lang: Lang = "vi") -> str:
    """What one object of a store table is called ("nhiệm vụ", "task"); a table without a
    label is shown as named."""
    return translate_or(f"table.{table}", table, lang)


def t(key: str, lang: Lang = "vi", /, **values: object) -> str:
    """The text of message ``key`` in ``lang``, with ``values`` filled in (see
    :func:`cchc_tasks.i18n.translate`)."""
    return translate(key, lang, **values)
