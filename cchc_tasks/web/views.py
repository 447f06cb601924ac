"""What the dashboard shows, built from the read side of a tracker: plain rows of text
(already worded in the page's language) that the templates lay out and escape.

Every number comes from the library as the reports compute it: SIPAS by
:func:`~cchc_tasks.surveys.sipas_by_unit` on the year's responses with the year's
``[sipas]`` parameters; overdue and due-soon tasks by the tracker's urging queries;
targets, unit bands and head ratings by :meth:`~cchc_tasks.Tracker.evaluate` as of
today (a projection on the tasks due so far).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..i18n import render
from ..labels import (
    Lang,
    band_label,
    date_text,
    indicator_label,
    number_text,
    outcome_label,
    rating_label,
)
from ..surveys import sipas_by_unit

if TYPE_CHECKING:
    from ..accounts import Account
    from ..tasks import Task
    from ..tracker import Tracker
    from ..verdicts import Evaluation

__all__ = ["DUE_SOON_DAYS", "Dashboard", "SipasRow", "TaskRow", "build_dashboard"]

#: How far ahead the dashboard looks for tasks falling due.
DUE_SOON_DAYS = 14
#: How many recent comments it shows.
RECENT_COMMENTS = 10


@attrs.frozen
class SipasRow:
    unit: str
    name: str
    n: int
    value: float | None
    value_text: str
    margin_text: str
    reliable: bool


@attrs.frozen
class TaskRow:
    id: str
    title: str
    unit: str
    due: str
    assignee: str
    urger: str
    can_complete: bool


@attrs.frozen
class Dashboard:
    year: int
    as_of: dt.date
    as_of_text: str
    sipas: tuple[SipasRow, ...]
    overdue: tuple[TaskRow, ...]
    due_soon: tuple[TaskRow, ...]
    targets: tuple[dict[str, str], ...]
    units: tuple[dict[str, str], ...]
    heads: tuple[dict[str, str], ...]
    comments: tuple[dict[str, str], ...]


def _name(tracker: Tracker, table: str, id: str | None) -> str:
    if id is None:
        return "—"
    found: Any = tracker.unit(id) if table == "units" else tracker.person(id)
    return f"{found.name}"


def sipas_rows(tracker: Tracker, year: int, lang: Lang) -> tuple[SipasRow, ...]:
    params = tracker.config(year).sipas
    results = sipas_by_unit(tracker.survey_responses(year=year), params)
    rows = []
    for unit, result in results.items():
        rows.append(
            SipasRow(
                unit=unit,
                name=_name(tracker, "units", unit),
                n=result.n,
                value=result.value,
                value_text="—" if result.value is None else number_text(result.value, lang),
                margin_text="—" if result.margin is None else number_text(result.margin, lang),
                reliable=result.reliable,
            )
        )
    return tuple(rows)


def _task_rows(
    tracker: Tracker, tasks: Sequence[Task], as_of: dt.date, account: Account, lang: Lang
) -> tuple[TaskRow, ...]:
    rows = []
    for task in tasks:
        heads = tracker.heads(task.unit, as_of)
        rows.append(
            TaskRow(
                id=task.id,
                title=task.title,
                unit=_name(tracker, "units", task.unit),
                due=date_text(task.due, lang),
                assignee=_name(tracker, "persons", task.assignee),
                urger=", ".join(p.name for p in heads) or "—",
                can_complete=account.may_write(task.unit),
            )
        )
    return tuple(rows)


def _evaluation_rows(
    tracker: Tracker, evaluation: Evaluation, lang: Lang
) -> tuple[tuple[dict[str, str], ...], ...]:
    targets = tuple(
        {
            "id": tid,
            "indicator": indicator_label(r.target.indicator, lang),
            "unit": _name(tracker, "units", r.target.unit),
            "outcome": outcome_label(r.outcome, lang),
            "reason": render(r.reason, lang),
        }
        for tid, r in sorted(evaluation.targets.items())
    )
    units = tuple(
        {
            "name": _name(tracker, "units", uid),
            "score": "—" if u.score is None else number_text(u.score, lang),
            "band": band_label(u.band, lang),
            "rank": f"{u.rank}/{u.of}" if u.rank else "—",
        }
        for uid, u in sorted(evaluation.units.items())
    )
    heads = tuple(
        {
            "person": pid,
            "name": _name(tracker, "persons", pid),
            "unit": _name(tracker, "units", r.unit),
            "rating": rating_label(r.rating, lang),
        }
        for pid, r in sorted(evaluation.leaders.items())
    )
    return targets, units, heads


def recent_comments(tracker: Tracker, year: int, lang: Lang) -> tuple[dict[str, str], ...]:
    used = [
        c
        for c in tracker.survey_codes()
        if c.used_on is not None and c.used_on.year == year and c.comment
    ]
    used.sort(key=lambda c: (c.used_on or c.issued, c.id), reverse=True)
    return tuple(
        {
            "date": date_text(c.used_on, lang),
            "unit": _name(tracker, "units", c.unit),
            "service": c.service,
            "text": c.comment,
        }
        for c in used[:RECENT_COMMENTS]
    )


def build_dashboard(
    tracker: Tracker,
    year: int,
    as_of: dt.date,
    account: Account,
    lang: Lang,
    evaluation: Evaluation,
) -> Dashboard:
    """Everything the dashboard page shows for ``year`` as of ``as_of``, for
    ``account`` (who may complete which task), with ``evaluation`` of that day."""
    targets, units, heads = _evaluation_rows(tracker, evaluation, lang)
    return Dashboard(
        year=year,
        as_of=as_of,
        as_of_text=date_text(as_of, lang),
        sipas=sipas_rows(tracker, year, lang),
        overdue=_task_rows(tracker, tracker.overdue(as_of), as_of, account, lang),
        due_soon=_task_rows(tracker, tracker.due_soon(as_of, DUE_SOON_DAYS), as_of, account, lang),
        targets=targets,
        units=units,
        heads=heads,
        comments=recent_comments(tracker, year, lang),
    )
