"""The built-in rules, each an ordinary plugin registered like any third-party one.

=========================  ==============================================================
plugin name                what it answers
=========================  ==============================================================
``cchc_tasks.outcomes``    ``cchc_task_outcomes``: on time / late / overdue / pending
``cchc_tasks.targets``     ``cchc_rule_kinds``: growth, rank_within, above, at_least, …
``cchc_tasks.scoring``     ``cchc_unit_criteria`` and ``cchc_unit_band``
``cchc_tasks.decree90``    rule set ``decree90``: Decree 90/2020 as amended by 48/2023
``cchc_tasks.decree335``   rule set ``decree335``: Decree 335/2025, from 2026
``cchc_tasks.cchc_link``   caps from the unit's CCHC band and failed targets
``cchc_tasks.recommend``   ``cchc_recommendations``: commendation, discipline review, urge
=========================  ==============================================================

Their numbers come from the configuration (:mod:`cchc_tasks.config`), never from
constants; block a built-in by name with ``CCHC_TASKS_DISABLE_PLUGINS`` to replace it.
"""

from __future__ import annotations

from collections.abc import Callable

from .cchc_link import CchcLinkRules
from .decree90 import Decree90Rules
from .decree335 import Decree335Rules
from .outcomes import TaskOutcomeRules
from .recommend import RecommendationRules
from .scoring import UnitScoring
from .targets import TargetRuleKinds

__all__ = [
    "BUILTIN_PLUGINS",
    "CchcLinkRules",
    "Decree90Rules",
    "Decree335Rules",
    "RecommendationRules",
    "TargetRuleKinds",
    "TaskOutcomeRules",
    "UnitScoring",
]

#: (name, factory) of every built-in plugin, in registration order.
BUILTIN_PLUGINS: tuple[tuple[str, Callable[[], object]], ...] = (
    ("cchc_tasks.outcomes", TaskOutcomeRules),
    ("cchc_tasks.targets", TargetRuleKinds),
    ("cchc_tasks.scoring", UnitScoring),
    ("cchc_tasks.decree90", Decree90Rules),
    ("cchc_tasks.decree335", Decree335Rules),
    ("cchc_tasks.cchc_link", CchcLinkRules),
    ("cchc_tasks.recommend", RecommendationRules),
)
