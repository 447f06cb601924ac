"""Reminders for overdue and rescheduled tasks ("kiểm tra, đôn đốc").

A listener, not a rule: it never changes an evaluation. It writes a reminder

* when a task is saved still open after its due date (``cchc_task_changed``);
* when a task's due date is moved later (a rescheduling someone should see);
* for every task found overdue by an evaluation (``cchc_evaluation_finished``), to the
  person accountable and the head of the lead unit.

Reminders are kept in ``plugin.reminders`` and, when the environment variable
``CCHC_OVERDUE_ALERTS_FILE`` names a file, appended to it as JSON lines (one durable
line each), so a mail or Zalo bot can pick them up. Each says what happened in
Vietnamese (``text``, what the bot sends to officials) and in English (``text_en``),
from the plugin's own catalogs (domain ``cchc_overdue_alerts``, declared by
``cchc_message_catalogs``).

The texts are rendered when they are needed, not when the reminder is made: a batch that
loads a year's tasks makes a reminder for each open one past its due date, and an
evaluation one for each overdue task, often in a process where nobody reads them. A
reminder appended to the file is rendered then; the others wait, as the plain values
they are made of, until someone reads ``plugin.reminders``, which renders them once and
keeps the dicts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import operator
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cchc_tasks as ct
from cchc_tasks.i18n import Message

__version__ = "0.1.0"

FILE_ENV = "CCHC_OVERDUE_ALERTS_FILE"
#: The gettext domain of the plugin's messages, and where its catalogs are.
DOMAIN = "cchc_overdue_alerts"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The status a changed task is reminded of, read once rather than for each change.
_OPEN = ct.TaskStatus.OPEN
#: Held while waiting reminders are rendered, so that two readers do not both add them.
_READING = threading.Lock()


def _texts(id: str, **params: Any) -> dict[str, str]:
    """A reminder's words in Vietnamese (``text``) and English (``text_en``)."""
    message = Message(id, params, domain=DOMAIN)
    return {"text": message.render("vi"), "text_en": message.render("en")}


# One function per kind of reminder makes its dict, in the order of its keys; a reminder
# waits as its kind and these functions' arguments: strings, dates and None.


def _overdue(
    task: str, unit: str, person: str | None, due: dt.date, title: str, by: str | None
) -> dict[str, Any]:
    return {
        "kind": "overdue",
        "task": task,
        "unit": unit,
        "person": person,
        "due": due.isoformat(),
        **_texts("overdue_alerts.overdue", title=title, due=due),
        "by": by,
    }


def _rescheduled(
    task: str,
    unit: str,
    person: str | None,
    before: dt.date,
    due: dt.date,
    title: str,
    by: str | None,
) -> dict[str, Any]:
    return {
        "kind": "rescheduled",
        "task": task,
        "unit": unit,
        "person": person,
        "due": due.isoformat(),
        **_texts("overdue_alerts.rescheduled", title=title, before=before, after=due),
        "by": by,
    }


def _evaluation_overdue(
    task: str,
    unit: str,
    person: str | None,
    head: str | None,
    due: dt.date,
    as_of: dt.date,
    title: str,
) -> dict[str, Any]:
    return {
        "kind": "evaluation-overdue",
        "task": task,
        "unit": unit,
        "person": person,
        "head": head,
        "due": due.isoformat(),
        "as_of": as_of.isoformat(),
        **_texts("overdue_alerts.evaluation-overdue", title=title, as_of=as_of),
    }


_MAKE: dict[str, Callable[..., dict[str, Any]]] = {
    "overdue": _overdue,
    "rescheduled": _rescheduled,
    "evaluation-overdue": _evaluation_overdue,
}


def _rendered(reminder: dict[str, Any] | tuple[Any, ...]) -> dict[str, Any]:
    """A waiting reminder as its dict: rendered unless it was (for the file)."""
    if isinstance(reminder, dict):
        return reminder
    return _MAKE[reminder[0]](*reminder[1:])


class OverdueAlerts:
    """Collects reminders; ``path`` is a JSON-lines file to append them to (optional)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self._reminders: list[dict[str, Any]] = []
        # Those made since ``reminders`` was last read, in order: each a tuple of its kind
        # and the values it is made of, or its dict if it was rendered for the file. The
        # cyclic collector soon stops tracking a tuple of strings and dates (one holding a
        # dict or an object of ours it tracks for good): thousands of them wait after a
        # batch.
        self._waiting: list[dict[str, Any] | tuple[Any, ...]] = []
        # The time of the last change heard, and its day (none heard yet).
        self._day: tuple[dt.datetime | None, dt.date] = (None, dt.date.min)

    @property
    def reminders(self) -> list[dict[str, Any]]:
        """Every reminder so far, oldest first, each a dict: ``kind``, ``task``, ``unit``,
        ``person``, ``due``, ``text``, ``text_en`` and ``by`` (who saved the task), or for
        an evaluation's, ``head`` and ``as_of`` instead of ``by``.

        The reminders made since the last reading are rendered now, once: the same list
        is given each time, so a caller may append to it or clear it. A list kept from an
        earlier reading gets the newer reminders when this is read again. Setting it
        replaces the list."""
        if self._waiting:
            with _READING:
                # Those a listener makes meanwhile, in another thread, wait on.
                count = len(self._waiting)
                done = [_rendered(reminder) for reminder in self._waiting[:count]]
                self._reminders.extend(done)
                del self._waiting[:count]
        return self._reminders

    @reminders.setter
    def reminders(self, reminders: list[dict[str, Any]]) -> None:
        self._reminders = reminders
        self._waiting.clear()

    @ct.hookimpl
    def cchc_message_catalogs(self) -> list[tuple[str, Path]]:
        return [(DOMAIN, LOCALE_DIR)]

    def _remind(self, kind: str, *values: Any) -> None:
        """Keep a reminder of ``kind`` made of ``values`` (the arguments of its function
        in ``_MAKE``); render it now only to append it to the file."""
        if not self.path:
            self._waiting.append((kind, *values))
            return
        reminder = _MAKE[kind](*values)
        self._waiting.append(reminder)
        line = json.dumps(reminder, ensure_ascii=False, default=str) + "\n"
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())

    @ct.hookimpl
    def cchc_task_changed(
        self, before: ct.Task | None, after: ct.Task | None, actor: str | None, at: dt.datetime
    ) -> None:
        if after is None:
            return
        # A batch's line is one time for all its changes: its day is worked out once
        # (kept with its time as one attribute, which a listener in another thread
        # replaces whole).
        day = self._day
        if day[0] is not at:
            day = self._day = (at, at.date())
        if after.status is _OPEN and after.due < day[1]:
            self._remind(
                "overdue", after.id, after.unit, after.assignee, after.due, after.title, actor
            )
        if before is not None and after.due > before.due:
            self._remind(
                "rescheduled",
                after.id,
                after.unit,
                after.assignee,
                before.due,
                after.due,
                after.title,
                actor,
            )

    @ct.hookimpl
    def cchc_evaluation_finished(self, evaluation: ct.Evaluation) -> None:
        heads = {r.unit: r.person for r in evaluation.ratings}
        overdue = ct.TaskOutcome.OVERDUE
        for uid, unit in sorted(evaluation.units.items()):
            tasks = unit.facts.tasks
            # The overdue ones picked in C: a province's year is 10,000 tasks, about a
            # seventh of them overdue.
            for task in itertools.compress(
                tasks, map(operator.is_, unit.facts.task_outcomes, itertools.repeat(overdue))
            ):
                self._remind(
                    "evaluation-overdue",
                    task.id,
                    uid,
                    task.assignee,
                    heads.get(uid),
                    task.due,
                    evaluation.as_of,
                    task.title,
                )


#: The instance the ``cchc_tasks`` entry point registers.
plugin = OverdueAlerts(os.environ.get(FILE_ENV) or None)
