"""The built-in rules, each an ordinary plugin registered like any third-party one.

=========================  ==============================================================
plugin name                what it answers
=========================  ==============================================================
``cchc_tasks.outcomes``    ``cchc_task_outcomes``: on time / late / overdue / pending
``cchc_tasks.targets``     ``cchc_rule_kinds``: growth, rank_within, above, at_least, …
``cchc_tasks.scoring``     ``cchc_unit_criteria`` and ``cchc_unit_band``
``cchc_tasks.decree90``    rule set ``decree90``: Decree 90/2020 as amended by 48/2023
``cchc_tasks.recommend``   ``cchc_recommendations``: commendation, discipline review, urge
=========================  ==============================================================

To change a built-in rule's parameters, block it by name and register your own
instance, e.g. ``Decree90Rules(Decree90Params(good_on_time_share=0.9))``.
"""

from __future__ import annotations

from collections.abc import Callable

from .decree90 import Decree90Params, Decree90Rules
from .outcomes import TaskOutcomeRules
from .recommend import RecommendationRules
from .scoring import BandThresholds, ScoringParams, UnitScoring
from .targets import TargetRuleKinds

__all__ = [
    "BUILTIN_PLUGINS",
    "BandThresholds",
    "Decree90Params",
    "Decree90Rules",
    "RecommendationRules",
    "ScoringParams",
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
    ("cchc_tasks.recommend", RecommendationRules),
)
