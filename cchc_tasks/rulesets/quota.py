"""The HTXSNV quota as a check, never a silent demotion (Decree 48/2023 for the years it
governs, Decree 335/2025 from 2026): at most a share of those rated HTTNV may be rated
HTXSNV, within each agency and within each group with similar tasks. Every group over
its quota is reported, with the names; the decision stays with the council.

An *agency* is the unit the rated heads' units answer to (their parent); a *group with
similar tasks* is the heads of units of one kind (communes, agencies, …) [I].
"""

from __future__ import annotations

from collections import defaultdict

from ..i18n import Message
from ..params import quota_allowance
from ..ratings import Rating
from ..verdicts import Evaluation, Reason, Recommendation

__all__ = ["quota_recommendations"]

#: The agency key of heads whose units answer to no unit.
TOP_LEVEL = "(top level)"
#: How the reasons say each rounding of the allowance (``quota_rounding``).
ROUNDING = {
    "floor": Message.of("quota.rounding.floor"),
    "ceil": Message.of("quota.rounding.ceil"),
    "round": Message.of("quota.rounding.round"),
}
#: How the reasons name the built-in unit kinds' groups; a province's own kind is shown
#: as written.
KINDS = {
    "province": Message.of("quota.kind.province"),
    "district": Message.of("quota.kind.district"),
    "commune": Message.of("quota.kind.commune"),
    "ward": Message.of("quota.kind.ward"),
    "town": Message.of("quota.kind.town"),
    "special-zone": Message.of("quota.kind.special-zone"),
    "agency": Message.of("quota.kind.agency"),
    "public-service-unit": Message.of("quota.kind.public-service-unit"),
}


def quota_recommendations(
    evaluation: Evaluation, share: float, rounding: str, *, rule: str, source: str
) -> list[Recommendation]:
    """One ``"quota"`` recommendation per agency or group over the quota."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    good: dict[tuple[str, str], int] = defaultdict(int)
    for r in evaluation.ratings:
        unit = evaluation.units.get(r.unit)
        if unit is None or r.rating not in (Rating.EXCELLENT, Rating.GOOD):
            continue
        keys = [("agency", unit.unit.parent or TOP_LEVEL), ("group", unit.unit.kind)]
        for key in keys:
            if r.rating is Rating.EXCELLENT:
                groups[key].append(r.person)
            else:
                good[key] += 1
    out = []
    for key, excellent in sorted(groups.items()):
        allowed = quota_allowance(share, good[key], rounding)
        if len(excellent) <= allowed:
            continue
        what, name = key
        text = Message.of(
            "quota.over",
            count=len(excellent),
            where=_where(evaluation, what, name),
            share=share,
            good=good[key],
            allowed=allowed,
            # quota_allowance rounds down for any other value.
            rounding=ROUNDING.get(rounding, ROUNDING["floor"]),
            names=[evaluation.names.get(p, p) for p in sorted(excellent)],
        )
        out.append(
            Recommendation(
                "quota",
                name,
                "unit" if what == "agency" else "group",
                Reason(rule, text, source),
            )
        )
    return out


def _where(evaluation: Evaluation, what: str, name: str) -> Message:
    """Where the quota is over: under an agency (by its name) or in a group of heads of
    one kind of unit."""
    if what == "group":
        return Message.of("quota.where.group", kind=KINDS.get(name, name))
    if name == TOP_LEVEL:
        return Message.of("quota.where.agency", unit=Message.of("quota.top-level"))
    return Message.of("quota.where.agency", unit=evaluation.names.get(name, name))
