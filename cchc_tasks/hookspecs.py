# mypy: disable-error-code="empty-body"
"""Every ``cchc_*`` hook: what it receives, what it returns, how answers combine.

Implement a hook with :data:`cchc_tasks.hookimpl` in any object or module and pass it
to ``Tracker.open(..., plugins=[...])`` or publish it under the ``cchc_tasks``
entry-point group. Argument names must match exactly; an implementation may accept
a subset of them. A ``cchc_`` function that matches no hook below fails at load time,
so a typo never goes unnoticed.

Order: pluggy calls the last registered plugin first. The built-in rules are
registered first, so a plugin's answer to a ``firstresult`` hook overrides them, and
its partial answer to ``cchc_task_outcomes`` wins for the tasks it names.

Rules never read the clock, the network or the environment: everything a rule may
use arrives in its arguments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._markers import hookspec

if TYPE_CHECKING:
    from pathlib import Path

    from .ratings import Band
    from .targets import Rule
    from .tasks import Task, TaskOutcome
    from .tracker.reader import Reader
    from .units import Unit
    from .verdicts import (
        Cap,
        Criterion,
        Evaluation,
        HeadFacts,
        RatingDecision,
        Recommendation,
        RuleSet,
        UnitFacts,
    )

__all__ = [
    "cchc_authorize",
    "cchc_config",
    "cchc_evaluation_finished",
    "cchc_leader_base_rating",
    "cchc_leader_caps",
    "cchc_message_catalogs",
    "cchc_peer_group",
    "cchc_recommendations",
    "cchc_rule_kinds",
    "cchc_rulesets",
    "cchc_task_changed",
    "cchc_task_outcomes",
    "cchc_unit_band",
    "cchc_unit_criteria",
]


@hookspec
def cchc_rulesets() -> Iterable[RuleSet]:
    """Declare rule sets (e.g. Decree 90/2020, Decree 335/2025) and when they are in force.

    The evaluation of year Y uses the rule set in force in Y (the latest
    ``effective_from`` wins when several are), unless the tracker or the call names
    one. Rating hooks receive the chosen name and answer only for their own.
    """


@hookspec
def cchc_config() -> Mapping[str, Any] | None:
    """Provide configuration: a mapping in the format of a configuration file (sections
    such as ``bands`` or ``decree90``, optional ``years``; see :mod:`cchc_tasks.config`).

    Answers are layered in registration order over the defaults; the tracker's own
    ``config=`` goes on top. A plugin may add sections of its own (any other name); it
    reads them back from ``config.extra``. This is how a province preset plugin sets
    its bands, caps and thresholds.
    """


@hookspec
def cchc_message_catalogs() -> Iterable[tuple[str, str | Path]] | None:
    """Return ``(domain, localedir)`` pairs: the gettext catalogs of the plugin's messages,
    ``localedir/<lang>/LC_MESSAGES/<domain>.mo`` for ``vi`` and ``en``.

    A plugin builds its reasons with ``Message(id, params, domain=domain)``; the tracker
    registers the catalogs when the plugin is enabled, so reports render those messages
    in the reader's language (see :mod:`cchc_tasks.i18n`).
    """


@hookspec
def cchc_rule_kinds() -> Iterable[type[Rule]]:
    """Return :class:`~cchc_tasks.targets.Rule` subclasses that targets may use.

    Each class sets a unique ``kind``; stored targets name it, so a kind must keep
    its meaning once targets use it.
    """


@hookspec
def cchc_task_outcomes(tasks: Sequence[Task], as_of: dt.date) -> Mapping[str, TaskOutcome] | None:
    """Classify tasks as of a date: task id → :class:`~cchc_tasks.TaskOutcome`.

    Called once per evaluation with every task due in the year (a batch, not one call
    per task). May answer for some tasks only; for each task the answer of the plugin
    called first wins. The built-in answer follows the documented semantics: on time,
    late, overdue, pending, cancelled.
    """


@hookspec
def cchc_unit_criteria(unit: UnitFacts, year: int) -> Iterable[Criterion] | None:
    """Score a unit: return criteria, each with points of a maximum and a reason.

    The unit's score is the sum of points over the sum of maxima, in percent (``None``
    when no criterion has a maximum). The built-in criterion scores task completion.
    """


@hookspec(firstresult=True)
def cchc_peer_group(unit: Unit, year: int) -> str | None:
    """The key of the peer group a unit is ranked in ("tốp 5 của tỉnh" means within a
    group). The first answer wins; the built-in groups units of the same kind under the
    same parent. A province that ranks communes, wards and towns together answers here.
    """


@hookspec(firstresult=True)
def cchc_unit_band(unit: UnitFacts, score: float, year: int) -> Band | None:
    """Turn a unit's score into a :class:`~cchc_tasks.Band`. The first answer wins."""


@hookspec(firstresult=True)
def cchc_leader_base_rating(head: HeadFacts, ruleset: str) -> RatingDecision | None:
    """Give a head's base rating under ``ruleset``; answer ``None`` for other rule sets.

    ``head`` carries the unit's facts, the head's time in the post, disciplines, and
    the final ratings of the heads of the directly subordinate units (the evaluation
    runs bottom-up through the unit tree). The first answer wins.
    """


@hookspec
def cchc_leader_caps(head: HeadFacts, ruleset: str) -> Iterable[Cap] | None:
    """Return caps on a head's rating (discipline, months served, the unit's band…).

    Every plugin may add caps; the final rating is the lowest of the base rating and
    all caps, and every cap that lowered it is named in the reasons.
    """


@hookspec
def cchc_recommendations(evaluation: Evaluation) -> Iterable[Recommendation] | None:
    """Propose commendations, discipline reviews and follow-ups from a finished
    evaluation (never applied automatically)."""


@hookspec
def cchc_evaluation_finished(evaluation: Evaluation) -> None:
    """Notification: an evaluation is complete. Must not change it."""


@hookspec
def cchc_task_changed(
    before: Task | None,
    after: Task | None,
    actor: str | None,
    note: str | None,
    at: dt.datetime,
) -> None:
    """Notification after a task change is durable. Called once per task changed, after
    the whole batch is written, with the task as it was before the batch (``None`` for a
    new task) and as the batch saved it: the net change the journal line records (a task
    added and completed in one batch is told once, as added done); ``at`` is the journal
    time of the change. If a listener raises, the change stays saved (it is
    already durable) and a :class:`~cchc_tasks.ListenerWarning` names the listener."""


@hookspec
def cchc_authorize(actor: str | None, action: str, target: Any, tracker: Reader) -> bool | None:
    """May ``actor`` do ``action`` to ``target``? Called by every Tracker write method
    before anything changes, once per object it would change.

    ``action`` is the Tracker method (``"add_task"``, ``"complete_task"``,
    ``"record_result"``…); ``target`` is the object it would add or change as it is now
    (a :class:`~cchc_tasks.Task`, :class:`~cchc_tasks.Unit`…; a change that moves a task
    to another unit asks again for the task as it would be); ``actor`` is the actor the
    journal would record (in a batch, the batch's), ``None`` if nobody was named.
    ``tracker`` is the read side (a :class:`~cchc_tasks.tracker.reader.Reader`) of the
    state the write sees (earlier changes of the same batch included), for looking up
    people, units and the unit tree; it has every query of the Tracker and no write.

    Answer ``True`` or ``None`` to let it pass and ``False`` to refuse, or raise
    :class:`~cchc_tasks.PermissionDeniedError` with a reason. Every plugin is asked; any
    refusal stops the write, which then changes nothing, and the caller gets a
    ``PermissionDeniedError`` naming the actor, the action, the target and the plugin.
    """
