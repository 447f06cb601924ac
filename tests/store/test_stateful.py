"""Random call sequences against a model (hypothesis stateful testing).

A disk tracker receives random public calls — adding units, people, plans and tasks,
completing and cancelling tasks, calls that must fail (duplicate ids, unknown ids,
dates outside the plan, empty reasons), batches that succeed and batches that raise
halfway — while a plain-Python model keeps the objects that should exist. After every
step:

* the tracker holds exactly the model's objects;
* the journal reads back whole (every line's hash and chain check out) and has one
  line per committed call or batch;
* a failed call changed nothing: documents and journal bytes as before.

A batch may add tasks and complete, correct and cancel them, read them halfway, and write
in nested transactions that succeed or are undone: the documents it made itself are
changed in place, and a listener must hear each task's change from the model's task
before the batch to the model's after it.

Some steps close and reopen the tracker, or open a copy of the folder as a killed
process would leave it (no close, so no fresh snapshot), and check the state is the
same. A second tracker on the same folder (another process, as far as the store can
tell) refreshes and must see the same state, or writes and the first must see its
change. ``as_of`` queries, by journal seq and by time, must give the model as it was
after that line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

import cchc_tasks as ct
from cchc_tasks.store.journal import JournalReader
from cchc_tasks.testing import raw_state

UNIT_IDS = ("huyen", "xa-a", "xa-b")
PERSON_IDS = ("lan", "minh")
PLAN_IDS = ("kh-2024", "kh-2025")
TASK_IDS = ("t1", "t2", "t3", "t4")
REASONS = ("trùng lặp", "", "  ")

units = st.sampled_from(UNIT_IDS)
persons = st.sampled_from(PERSON_IDS)
plans = st.sampled_from(PLAN_IDS)
task_ids = st.sampled_from(TASK_IDS)
months = st.integers(min_value=1, max_value=12)


class Expected(Exception):
    """Raised on purpose inside a batch to make it fail halfway."""


class Listener:
    """Hears every task change, as (before, after)."""

    def __init__(self) -> None:
        self.heard: list[tuple[ct.Task | None, ct.Task | None]] = []

    @ct.hookimpl
    def cchc_task_changed(self, before: ct.Task | None, after: ct.Task | None) -> None:
        self.heard.append((before, after))


class StoreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="cchc-store-"))
        self.folder = self.root / "store"
        self.listener = Listener()
        self.tr = self.open()
        self.model: dict[str, dict[str, Any]] = {
            "units": {},
            "persons": {},
            "plans": {},
            "tasks": {},
        }
        self.lines = 0
        self.copies = 0
        #: the model after each committed line: seq → {table: {id: object}}
        self.states: dict[int, dict[str, dict[str, Any]]] = {0: self.model_copy()}
        self.other = ct.Tracker.open(self.folder, load_entrypoints=False)

    def teardown(self) -> None:
        self.tr.close()
        self.other.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def open(self) -> ct.Tracker:
        return ct.Tracker.open(self.folder, plugins=[self.listener], load_entrypoints=False)

    def model_copy(self) -> dict[str, dict[str, Any]]:
        return {table: dict(objects) for table, objects in self.model.items()}

    def committed(self) -> None:
        """One more journal line: remember the model as it is now."""
        self.lines += 1
        self.states[self.lines] = self.model_copy()

    # -- helpers --------------------------------------------------------------------------

    def journal_bytes(self) -> bytes:
        path = self.folder / "journal.jsonl"
        return path.read_bytes() if path.exists() else b""

    def expect_failure(self, error: type[BaseException], call: Callable[[], object]) -> None:
        """``call`` raises ``error`` and changes neither the state nor the journal."""
        documents, journal = self.tr.to_documents(), self.journal_bytes()
        try:
            call()
        except error:
            pass
        else:
            raise AssertionError(f"expected {error.__name__}")
        assert self.tr.to_documents() == documents
        assert self.journal_bytes() == journal

    def pick(self, data: st.DataObject, table: str, pool: tuple[str, ...]) -> str:
        """Mostly an id that exists (so calls get somewhere), sometimes any id."""
        existing = sorted(self.model[table])
        if existing and data.draw(st.integers(min_value=0, max_value=3)):
            return data.draw(st.sampled_from(existing))
        return data.draw(st.sampled_from(pool))

    def has(self, table: str, id: str | None) -> bool:
        return id is None or id in self.model[table]

    def new_task(self, id: str, plan: str, unit: str, assignee: str | None, month: int) -> ct.Task:
        year = 2025 if plan == "kh-2025" else 2024
        return ct.Task(
            id=id,
            plan=plan,
            title=f"Nhiệm vụ {id}",
            unit=unit,
            due=dt.date(year, month, 10),
            assignee=assignee,
        )

    def task_fails_with(self, task: ct.Task) -> type[Exception] | None:
        """The error :meth:`Tracker.add_task` must raise for ``task``, or None."""
        if task.id in self.model["tasks"]:
            return ct.DuplicateIdError
        if not (
            self.has("plans", task.plan)
            and self.has("units", task.unit)
            and self.has("persons", task.assignee)
        ):
            return ct.NotFoundError
        plan = self.model["plans"][task.plan]
        if not plan.start <= task.due <= plan.end:
            return ct.ValidationError
        return None

    # -- rules ----------------------------------------------------------------------------

    @initialize()
    def start(self) -> None:
        """Start from a district, an official and the 2024 plan (one batch), so that task
        calls get somewhere (an empty store is covered by ``test_store.py``)."""
        with self.tr.batch(note="seed"):
            self.tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="huyen"))
            self.tr.add_person(ct.Person(id="lan", name="Nguyễn Thị Lan", unit="huyen"))
            self.tr.add_plan(
                ct.Plan(
                    id="kh-2024",
                    title="Kế hoạch CCHC 2024",
                    unit="huyen",
                    start=dt.date(2024, 1, 1),
                    end=dt.date(2024, 12, 31),
                )
            )
        self.model["units"]["huyen"] = self.tr.unit("huyen")
        self.model["persons"]["lan"] = self.tr.person("lan")
        self.model["plans"]["kh-2024"] = self.tr.plan("kh-2024")
        self.committed()

    @rule(data=st.data(), id=units, top=st.booleans())
    def add_unit(self, data: st.DataObject, id: str, top: bool) -> None:
        parent = None if top else self.pick(data, "units", UNIT_IDS)
        unit = ct.Unit(id=id, name=f"UBND {id}", kind="xa" if parent else "huyen", parent=parent)
        if id in self.model["units"]:
            self.expect_failure(ct.DuplicateIdError, lambda: self.tr.add_unit(unit))
        elif not self.has("units", parent):
            self.expect_failure(ct.NotFoundError, lambda: self.tr.add_unit(unit))
        else:
            self.tr.add_unit(unit)
            self.model["units"][id] = unit
            self.committed()

    @rule(data=st.data(), id=persons, no_unit=st.booleans())
    def add_person(self, data: st.DataObject, id: str, no_unit: bool) -> None:
        unit = None if no_unit else self.pick(data, "units", UNIT_IDS)
        person = ct.Person(id=id, name=f"Ông/bà {id}", unit=unit)
        if id in self.model["persons"]:
            self.expect_failure(ct.DuplicateIdError, lambda: self.tr.add_person(person))
        elif not self.has("units", unit):
            self.expect_failure(ct.NotFoundError, lambda: self.tr.add_person(person))
        else:
            self.tr.add_person(person)
            self.model["persons"][id] = person
            self.committed()

    @rule(data=st.data(), id=plans)
    def add_plan(self, data: st.DataObject, id: str) -> None:
        unit = self.pick(data, "units", UNIT_IDS)
        year = 2025 if id == "kh-2025" else 2024
        plan = ct.Plan(
            id=id,
            title=f"Kế hoạch CCHC {year}",
            unit=unit,
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
        )
        if id in self.model["plans"]:
            self.expect_failure(ct.DuplicateIdError, lambda: self.tr.add_plan(plan))
        elif not self.has("units", unit):
            self.expect_failure(ct.NotFoundError, lambda: self.tr.add_plan(plan))
        else:
            self.tr.add_plan(plan)
            self.model["plans"][id] = plan
            self.committed()

    @rule(
        data=st.data(), id=task_ids, month=months, wrong_year=st.sampled_from([False] * 3 + [True])
    )
    def add_task(self, data: st.DataObject, id: str, month: int, wrong_year: bool) -> None:
        plan = self.pick(data, "plans", PLAN_IDS)
        unit = self.pick(data, "units", UNIT_IDS)
        assignee = data.draw(st.none() | st.just(self.pick(data, "persons", PERSON_IDS)))
        task = self.new_task(id, plan, unit, assignee, month)
        if wrong_year:
            task = attrs.evolve(task, due=task.due.replace(year=2030))
        error = self.task_fails_with(task)
        if error is not None:
            self.expect_failure(error, lambda: self.tr.add_task(task))
        else:
            self.tr.add_task(task)
            self.model["tasks"][id] = task
            self.committed()

    @rule(data=st.data(), day=st.integers(min_value=1, max_value=28), correct=st.booleans())
    def complete_task(self, data: st.DataObject, day: int, correct: bool) -> None:
        """Complete a task (on a day of its plan's year); one done already only as a
        correction."""
        id = self.pick(data, "tasks", TASK_IDS)
        current = self.model["tasks"].get(id)
        year = 2024 if current is None else self.model["plans"][current.plan].start.year
        on = dt.date(year, 2, day)

        def complete() -> None:
            self.tr.complete_task(id, on=on, correct=correct)

        if current is None:
            self.expect_failure(ct.NotFoundError, complete)
        elif current.status is ct.TaskStatus.CANCELLED or (
            current.status is ct.TaskStatus.DONE and not correct
        ):
            self.expect_failure(ct.ValidationError, complete)
        else:
            complete()
            self.model["tasks"][id] = attrs.evolve(
                current, status=ct.TaskStatus.DONE, completed_on=on, exceeded=False
            )
            self.committed()

    @rule(data=st.data(), reason=st.sampled_from(REASONS))
    def cancel_task(self, data: st.DataObject, reason: str) -> None:
        id = self.pick(data, "tasks", TASK_IDS)
        current = self.model["tasks"].get(id)
        if current is None:
            self.expect_failure(ct.NotFoundError, lambda: self.tr.cancel_task(id, reason=reason))
        elif not reason.strip():
            self.expect_failure(ct.ValidationError, lambda: self.tr.cancel_task(id, reason=reason))
        else:
            self.tr.cancel_task(id, reason=reason)
            self.model["tasks"][id] = attrs.evolve(
                current,
                status=ct.TaskStatus.CANCELLED,
                completed_on=None,
                exceeded=False,
                cancel_reason=reason,
            )
            self.committed()

    @precondition(lambda self: self.model["plans"])
    @rule(ids=st.lists(task_ids, min_size=1, max_size=3, unique=True), month=months)
    def batch_of_tasks(self, ids: list[str], month: int) -> None:
        """A batch of adds: one line if every add is valid, else nothing at all."""
        plan = sorted(self.model["plans"])[0]
        unit = self.model["plans"][plan].unit
        tasks = [self.new_task(id, plan, unit, None, month) for id in ids]
        if any(self.task_fails_with(t) for t in tasks):
            first = next(e for t in tasks if (e := self.task_fails_with(t)) is not None)
            self.expect_failure(first, lambda: self.tr.add_tasks(tasks))
            return
        with self.tr.batch(note="giao việc"):
            for t in tasks:
                self.tr.add_task(t)
        self.model["tasks"].update({t.id: t for t in tasks})
        self.committed()

    @precondition(lambda self: self.model["plans"])
    @rule(
        ids=st.lists(task_ids, min_size=1, max_size=3, unique=True),
        steps=st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=2),
                st.sampled_from(["complete", "cancel", "read", "nested", "undone"]),
                st.integers(min_value=1, max_value=28),
            ),
            max_size=6,
        ),
        raises=st.booleans(),
    )
    def batch_adding_and_completing(
        self, ids: list[str], steps: list[tuple[int, str, int]], raises: bool
    ) -> None:
        """A batch adds tasks and completes (or corrects, or cancels) them, reads the
        open tasks halfway, and writes in nested transactions (with a note, so in one of
        their own; or in an inner batch that is undone): one line of each task's net
        change, or nothing if the batch raises."""
        plan = self.model["plans"][sorted(self.model["plans"])[0]]
        added = [
            self.new_task(id, plan.id, plan.unit, None, 6)
            for id in ids
            if id not in self.model["tasks"]
        ]
        if not added:
            return
        expected = dict(self.model["tasks"])
        heard_before = len(self.listener.heard)

        def batch() -> None:
            with self.tr.batch(note="nhập và hoàn thành"):
                for task in added:
                    self.tr.add_task(task)
                    expected[task.id] = task
                for which, how, day in steps:
                    id = added[which % len(added)].id
                    current = expected[id]
                    on = plan.start.replace(month=2, day=day)
                    done = attrs.evolve(
                        current, status=ct.TaskStatus.DONE, completed_on=on, exceeded=False
                    )
                    correct = current.status is ct.TaskStatus.DONE
                    if how == "read":
                        open_now = [t for t in expected.values() if t.status is ct.TaskStatus.OPEN]
                        assert self.tr.tasks(status="open") == sorted(
                            open_now, key=lambda t: (t.due, t.id)
                        )
                    elif current.status is ct.TaskStatus.CANCELLED:
                        continue
                    elif how == "complete":
                        self.tr.complete_task(id, on, correct=correct)
                        expected[id] = done
                    elif how == "cancel":
                        self.tr.cancel_task(id, reason="trùng lặp")
                        expected[id] = attrs.evolve(
                            current,
                            status=ct.TaskStatus.CANCELLED,
                            completed_on=None,
                            exceeded=False,
                            cancel_reason="trùng lặp",
                        )
                    elif how == "nested":
                        self.tr.complete_task(id, on, correct=correct, note="ghi chú")
                        expected[id] = done
                    else:
                        with contextlib.suppress(Expected), self.tr.batch():
                            self.tr.complete_task(id, on, correct=correct)
                            raise Expected
                    assert self.tr.task(id) == expected[id]
                if raises:
                    raise Expected

        if raises:
            self.expect_failure(Expected, batch)
            assert len(self.listener.heard) == heard_before
            return
        before = self.model["tasks"]
        batch()
        self.model["tasks"] = expected
        self.committed()
        assert self.listener.heard[heard_before:] == [
            (before.get(task.id), expected[task.id]) for task in added
        ]

    @rule(id=units, task=task_ids, day=st.integers(min_value=1, max_value=28))
    def batch_that_raises_halfway(self, id: str, task: str, day: int) -> None:
        """Valid writes, then an exception: the whole batch is undone."""

        def batch() -> None:
            with self.tr.batch():
                if id not in self.model["units"]:
                    self.tr.add_unit(ct.Unit(id=id, name=id, kind="huyen"))
                current = self.model["tasks"].get(task)
                if current is not None and current.status is not ct.TaskStatus.CANCELLED:
                    year = self.model["plans"][current.plan].start.year
                    self.tr.complete_task(task, on=dt.date(year, 3, day), correct=True)
                raise Expected

        self.expect_failure(Expected, batch)

    @rule()
    def close_and_reopen(self) -> None:
        documents = self.tr.to_documents()
        raw = raw_state(self.tr)
        self.tr.close()
        self.tr = self.open()
        assert self.tr.to_documents() == documents
        assert raw_state(self.tr) == raw

    @rule(with_snapshot=st.booleans())
    def open_a_crashed_copy(self, with_snapshot: bool) -> None:
        """A copy of the folder as a killed process leaves it opens to the same state."""
        self.copies += 1
        copy = self.root / f"crash-{self.copies}"
        shutil.copytree(self.folder, copy)
        if not with_snapshot and (copy / "state.json").exists():
            (copy / "state.json").unlink()
        other = ct.Tracker.open(copy, load_entrypoints=False)
        try:
            assert other.to_documents() == self.tr.to_documents()
            assert raw_state(other) == raw_state(self.tr)
            assert other.seq == self.tr.seq
        finally:
            other.close()

    @rule()
    def refresh_the_other_tracker(self) -> None:
        """The other tracker catches up and sees exactly what the first one wrote."""
        self.other.refresh()
        assert self.other.seq == self.tr.seq
        assert self.other.to_documents() == self.tr.to_documents()
        assert raw_state(self.other) == raw_state(self.tr)

    @rule(id=st.sampled_from(("xa-khac", "xa-moi")))
    def add_a_unit_through_the_other_tracker(self, id: str) -> None:
        """The other tracker writes (catching up first, without a refresh); the first
        sees the change after ``refresh()``."""
        parent = sorted(self.model["units"])[0]
        unit = ct.Unit(id=id, name=f"UBND {id}", kind="xa", parent=parent)
        if id in self.model["units"]:
            with pytest.raises(ct.DuplicateIdError):
                self.other.add_unit(unit)
            return
        self.other.add_unit(unit)
        self.model["units"][id] = unit
        self.committed()
        self.tr.refresh()

    @rule(data=st.data())
    def query_as_of_a_seq(self, data: st.DataObject) -> None:
        """The state as of any past line is the model as it was after that line."""
        seq = data.draw(st.integers(min_value=0, max_value=self.lines))
        self.assert_is_model(self.tr.as_of(seq), self.states[seq])

    @precondition(lambda self: self.lines > 0)
    @rule(data=st.data())
    def query_as_of_a_time(self, data: st.DataObject) -> None:
        """As of a line's time: that line and any written at the same instant."""
        entries = list(self.tr.entries())
        chosen = data.draw(st.sampled_from(entries))
        past = self.tr.as_of(chosen.at)
        assert past.seq == max(e.seq for e in entries if e.at <= chosen.at)
        self.assert_is_model(past, self.states[past.seq])

    def assert_is_model(self, tr: ct.Tracker, model: dict[str, dict[str, Any]]) -> None:
        assert tr.read_only
        assert tr.units() == sorted(model["units"].values(), key=lambda u: u.id)
        assert tr.persons() == sorted(model["persons"].values(), key=lambda p: p.id)
        assert tr.plans() == sorted(model["plans"].values(), key=lambda p: p.id)
        assert tr.tasks() == sorted(model["tasks"].values(), key=lambda t: (t.due, t.id))

    # -- invariants -----------------------------------------------------------------------

    @invariant()
    def state_equals_the_model(self) -> None:
        assert self.tr.units() == sorted(self.model["units"].values(), key=lambda u: u.id)
        assert self.tr.persons() == sorted(self.model["persons"].values(), key=lambda p: p.id)
        assert self.tr.plans() == sorted(self.model["plans"].values(), key=lambda p: p.id)
        assert self.tr.tasks() == sorted(self.model["tasks"].values(), key=lambda t: (t.due, t.id))
        for status in ct.TaskStatus:  # read through the status lookup
            assert self.tr.tasks(status=status.value) == sorted(
                (t for t in self.model["tasks"].values() if t.status is status),
                key=lambda t: (t.due, t.id),
            )
        documents = self.tr.to_documents()
        for table, objects in self.model.items():
            assert sorted(d["id"] for d in documents[table]) == sorted(objects)

    @invariant()
    def journal_verifies(self) -> None:
        entries = list(JournalReader(str(self.folder / "journal.jsonl")))
        assert [e.seq for e in entries] == list(range(1, self.lines + 1))
        assert self.tr.seq == self.lines
        assert all(e.at.utcoffset() is not None for e in entries)
        assert self.tr.verify().ok


StoreMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=20, deadline=None, derandomize=True, database=None
)
test_store_state_machine = StoreMachine.TestCase
