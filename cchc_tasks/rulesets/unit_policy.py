"""An opt-in write policy: officials change what belongs to their own part of the tree.

Not registered by default. Turn it on for a tracker::

    from cchc_tasks.rulesets.unit_policy import UnitScopePolicy

    tr = ct.Tracker.open("data/tan-hong", plugins=[UnitScopePolicy()], actor="p-lan")

or for every tracker of an installation, from a province plugin's distribution::

    [project.entry-points.cchc_tasks]
    unit_policy = "cchc_tasks.rulesets.unit_policy:POLICY"

The rules, checked for every object a write would change:

* a write without an actor is refused (name one with ``actor=`` on the call, the batch
  or ``Tracker.open``); so is an actor who is not a person in the tracker;
* an official may change the **tasks** whose lead unit is their own unit
  (``Person.unit``) or a unit under it;
* the **head** of a unit (a headship running on the day of the write) may change
  everything that belongs to that unit or to a unit under it: tasks, units, people,
  headships, plans, targets, results, disciplinary decisions and assessments (the last
  two belong to the unit of the person they are about), scorecards, survey responses
  and criteria tables (those set for the units under it);
* a unit that names successors (a merger, a split, an import) touches them too: the
  actor must be allowed for the unit and for every successor it names;
* everything else is refused, with a reason that says which unit the object belongs to
  and where the actor works.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._markers import hookimpl
from ..errors import NotFoundError, PermissionDeniedError
from ..plans import Plan
from ..results import Assessment, Discipline, Result
from ..targets import Target
from ..tasks import Task
from ..units import Headship, Person, Unit

if TYPE_CHECKING:
    from ..tracker.reader import Reader

__all__ = ["POLICY", "UnitScopePolicy"]


def _unit_of(target: Any, tracker: Reader) -> str | None:
    """The unit an object belongs to (``None``: none, or the object is unknown)."""
    if isinstance(target, Unit):
        return target.id
    if isinstance(target, Task | Headship | Plan | Target | Result):
        unit: str | None = target.unit
        return unit
    if isinstance(target, Person):
        return target.unit
    if isinstance(target, Discipline | Assessment):
        try:
            return tracker.person(target.person).unit
        except NotFoundError:
            return None
    # Scorecards, survey responses, criteria tables (their province) and index
    # computations name their unit too.
    unit_of = getattr(target, "unit", None)
    return unit_of if isinstance(unit_of, str) else None


def _chain(target: Any, tracker: Reader) -> list[str]:
    """The unit ``target`` belongs to and every unit above it, nearest first. A unit
    being added is not in the tracker yet: its chain starts at itself, then its parent."""
    first = _unit_of(target, tracker)
    chain: list[str] = []
    current = first
    while current is not None and current not in chain:
        chain.append(current)
        if isinstance(target, Unit) and current == target.id:
            current = target.parent
            continue
        try:
            current = tracker.unit(current).parent
        except NotFoundError:
            break
    return chain


def _unit_chain(unit: str, tracker: Reader) -> list[str]:
    """The unit ``unit`` and every unit above it (just itself if the tracker lacks it)."""
    try:
        return _chain(tracker.unit(unit), tracker)
    except NotFoundError:
        return [unit]


class UnitScopePolicy:
    """``cchc_authorize``: officials change the tasks of their unit and the units under
    it; heads change everything of their unit and the units under it.

    ``today`` gives the day whose headships count (default: the system date); a fixed
    one makes the policy reproducible in tests and replays.
    """

    def __init__(self, *, today: Callable[[], dt.date] = dt.date.today) -> None:
        self._today = today

    @hookimpl
    def cchc_authorize(
        self, actor: str | None, action: str, target: Any, tracker: Reader
    ) -> bool | None:
        def deny(reason: str) -> PermissionDeniedError:
            return PermissionDeniedError(actor, action, target, reason=reason)

        if actor is None:
            raise deny(
                "the unit policy needs to know who writes: pass actor= to the call, the "
                "batch or Tracker.open"
            )
        try:
            person = tracker.person(actor)
        except NotFoundError:
            raise deny(f"the actor {actor!r} is not a person in the tracker") from None
        chain = _chain(target, tracker)
        if not chain:
            raise deny("the unit policy cannot tell which unit this belongs to")
        on = self._today()
        heads = {h.unit for h in tracker.headships(person=actor) if h.overlaps(on, on)}
        if isinstance(target, Unit):
            for successor in target.successors:
                if successor != target.id and not heads & set(_unit_chain(successor, tracker)):
                    raise deny(
                        f"it names {successor} as a successor; only the head of {successor} "
                        f"or of a unit above it may do that, and {actor} heads none of them "
                        f"on {on.isoformat()}"
                    )
        if heads & set(chain):
            return True
        if isinstance(target, Task) and person.unit in chain:
            return True
        where = f"works in {person.unit}" if person.unit else "belongs to no unit"
        if isinstance(target, Task):
            raise deny(
                f"the task belongs to unit {chain[0]}; {actor} {where}, which is not "
                f"{chain[0]} or a unit above it, and heads none of them on {on.isoformat()}"
            )
        raise deny(
            f"it belongs to unit {chain[0]}; only the head of {chain[0]} or of a unit above "
            f"it may change it, and {actor} ({where}) heads none of them on {on.isoformat()}"
        )


#: An instance to name in an entry point (``cchc_tasks.rulesets.unit_policy:POLICY``).
POLICY = UnitScopePolicy()
