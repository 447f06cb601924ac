"""Urging lists and the evaluation classify tasks the same way.

A province that grants deadline extensions answers ``cchc_task_outcomes``; the
evaluation then counts the extended task as pending, and so must every list that tells
people what to act on: ``overdue``, ``due_soon``, ``stale``, ``reminders``, the notebook's
``TaskList`` and ``task_outcomes`` itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.notebook import TaskList

D = dt.date
AS_OF = D(2024, 7, 1)


class Extension:
    """Task ``extended`` has until ``until``: pending before it, then as built in."""

    def __init__(self, extended: str, until: dt.date) -> None:
        self.extended = extended
        self.until = until

    @ct.hookimpl
    def cchc_task_outcomes(
        self, tasks: Sequence[ct.Task], as_of: dt.date
    ) -> dict[str, ct.TaskOutcome]:
        return {
            t.id: ct.TaskOutcome.PENDING
            for t in tasks
            if t.id == self.extended and t.status is ct.TaskStatus.OPEN and as_of <= self.until
        }


def build(*plugins: object) -> ct.Tracker:
    tr = ct.Tracker.memory(plugins=plugins, load_entrypoints=False)
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district"))
    tr.add_unit(ct.Unit(id="xa", name="UBND xã", kind="commune", parent="huyen"))
    tr.add_person(ct.Person(id="ct", name="Chủ tịch huyện", unit="huyen"))
    tr.add_person(ct.Person(id="cx", name="Chủ tịch xã", unit="xa"))
    tr.appoint_head("huyen", "ct", start=D(2020, 1, 1))
    tr.appoint_head("xa", "cx", start=D(2020, 1, 1))
    tr.add_plan(
        ct.Plan(id="kh", title="Kế hoạch", unit="huyen", start=D(2024, 1, 1), end=D(2024, 12, 31))
    )
    for tid, due in (
        ("late-1", D(2024, 6, 10)),
        ("late-2", D(2024, 6, 20)),
        ("soon", D(2024, 7, 3)),
    ):
        tr.add_task(ct.Task(id=tid, plan="kh", title=tid, unit="xa", due=due))
    return tr


def test_the_built_in_lists_count_both_late_tasks_as_overdue() -> None:
    tr = build()
    assert [t.id for t in tr.overdue(AS_OF)] == ["late-1", "late-2"]
    assert [t.id for t in tr.due_soon(AS_OF, 7)] == ["soon"]


def test_an_extended_deadline_is_not_overdue_anywhere() -> None:
    tr = build(Extension("late-2", D(2024, 7, 31)))
    ev = tr.evaluate(2024, as_of=AS_OF)
    counted = ev.units["xa"].facts.outcomes
    assert counted["late-2"] is ct.TaskOutcome.PENDING
    assert tr.task_outcomes(tr.tasks(), AS_OF) == counted
    overdue = {t.id for t in tr.overdue(AS_OF)}
    assert overdue == {tid for tid, o in counted.items() if o is ct.TaskOutcome.OVERDUE}
    assert overdue == {"late-1"}
    assert [t.id for t in tr.due_soon(AS_OF, 7)] == ["late-2", "soon"]
    assert {t.id for t in tr.stale(AS_OF, 30)} == {"late-1", "late-2", "soon"}
    (reminder,) = tr.reminders(AS_OF, stale_days=None)
    assert (reminder.person, reminder.head) == ("cx", "ct")
    assert (reminder.overdue, reminder.due_soon) == (("late-1",), ("late-2", "soon"))
    listed = TaskList.of(tr, as_of=AS_OF)
    assert listed.outcomes() == counted


def test_after_the_extension_the_task_is_overdue_again() -> None:
    tr = build(Extension("late-2", D(2024, 6, 30)))
    assert [t.id for t in tr.overdue(AS_OF)] == ["late-1", "late-2"]


@given(st.dates(D(2024, 6, 1), D(2024, 8, 31)), st.dates(D(2024, 6, 1), D(2024, 8, 31)))
def test_the_lists_and_the_evaluation_always_agree(as_of: dt.date, until: dt.date) -> None:
    tr = build(Extension("late-2", until))
    counted = tr.evaluate(2024, as_of=as_of).units["xa"].facts.outcomes
    overdue = {tid for tid, o in counted.items() if o is ct.TaskOutcome.OVERDUE}
    assert {t.id for t in tr.overdue(as_of)} == overdue
    soon = {t.id for t in tr.due_soon(as_of, 7)}
    assert not soon & overdue
    assert all(counted[tid] is ct.TaskOutcome.PENDING for tid in soon)


def test_task_outcomes_refuses_a_datetime() -> None:
    with pytest.raises(ct.ValidationError, match="task_outcomes.as_of"):
        build().task_outcomes([], dt.datetime(2024, 7, 1))  # type: ignore[arg-type]
