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
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import cchc_tasks as ct
from cchc_tasks.i18n import Message

__version__ = "0.1.0"

FILE_ENV = "CCHC_OVERDUE_ALERTS_FILE"
#: The gettext domain of the plugin's messages, and where its catalogs are.
DOMAIN = "cchc_overdue_alerts"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def _texts(id: str, **params: Any) -> dict[str, str]:
    """A reminder's words in Vietnamese (``text``) and English (``text_en``)."""
    message = Message(id, params, domain=DOMAIN)
    return {"text": message.render("vi"), "text_en": message.render("en")}


class OverdueAlerts:
    """Collects reminders; ``path`` is a JSON-lines file to append them to (optional)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self.reminders: list[dict[str, Any]] = []

    @ct.hookimpl
    def cchc_message_catalogs(self) -> list[tuple[str, Path]]:
        return [(DOMAIN, LOCALE_DIR)]

    def _remind(self, **reminder: Any) -> None:
        self.reminders.append(reminder)
        if self.path:
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
        today = at.date()
        if after.status is ct.TaskStatus.OPEN and after.due < today:
            self._remind(
                kind="overdue",
                task=after.id,
                unit=after.unit,
                person=after.assignee,
                due=after.due.isoformat(),
                **_texts("overdue_alerts.overdue", title=after.title, due=after.due),
                by=actor,
            )
        if before is not None and after.due > before.due:
            self._remind(
                kind="rescheduled",
                task=after.id,
                unit=after.unit,
                person=after.assignee,
                due=after.due.isoformat(),
                **_texts(
                    "overdue_alerts.rescheduled",
                    title=after.title,
                    before=before.due,
                    after=after.due,
                ),
                by=actor,
            )

    @ct.hookimpl
    def cchc_evaluation_finished(self, evaluation: ct.Evaluation) -> None:
        heads = {r.unit: r.person for r in evaluation.ratings}
        for uid, unit in sorted(evaluation.units.items()):
            for task in unit.facts.tasks:
                if unit.facts.outcomes[task.id] is ct.TaskOutcome.OVERDUE:
                    self._remind(
                        kind="evaluation-overdue",
                        task=task.id,
                        unit=uid,
                        person=task.assignee,
                        head=heads.get(uid),
                        due=task.due.isoformat(),
                        as_of=evaluation.as_of.isoformat(),
                        **_texts(
                            "overdue_alerts.evaluation-overdue",
                            title=task.title,
                            as_of=evaluation.as_of,
                        ),
                    )


#: The instance the ``cchc_tasks`` entry point registers.
plugin = OverdueAlerts(os.environ.get(FILE_ENV) or None)
