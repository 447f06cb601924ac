"""The built-in target rule kinds, offered through ``cchc_rule_kinds`` like a plugin's."""

from __future__ import annotations

from .._markers import hookimpl
from ..targets import Above, AllOf, AnyOf, AtLeast, Growth, Milestones, RankWithin, Rule


class TargetRuleKinds:
    """growth, rank_within, above, at_least, any_of, all_of, milestones."""

    @hookimpl
    def cchc_rule_kinds(self) -> list[type[Rule]]:
        return [Growth, RankWithin, Above, AtLeast, AnyOf, AllOf, Milestones]
