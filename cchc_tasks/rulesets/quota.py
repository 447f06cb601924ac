"""The HTXSNV quota as a check, never a silent demotion (Decree 48/2023 for the years it
governs, Decree 335/2025 from 2026): at most a share of those rated HTTNV may be rated
HTXSNV, within each agency and within each group with similar tasks. Every group over
its quota is reported, with the names; the decision stays with the council.

An *agency* is the unit the rated heads' units answer to (their parent); a *group with
similar tasks* is the heads of units of one kind (communes, agencies, …) [I].
"""

from __future__ import annotations

from collections import defaultdict

from ..params import quota_allowance
from ..ratings import Rating
from ..verdicts import Evaluation, Reason, Recommendation

__all__ = ["quota_recommendations"]


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
        keys = [("agency", unit.unit.parent or "(top level)"), ("group", unit.unit.kind)]
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
        where = f"under {name}" if what == "agency" else f"among heads of {name} units"
        names = ", ".join(evaluation.names.get(p, p) for p in sorted(excellent))
        out.append(
            Recommendation(
                "quota",
                name,
                "unit" if what == "agency" else "group",
                Reason(
                    rule,
                    f"{len(excellent)} rated HTXSNV {where}, more than {share:.0%} of the "
                    f"{good[key]} rated HTTNV (at most {allowed}, rounding {rounding!r}): "
                    f"{names}; the council decides",
                    source,
                ),
            )
        )
    return out
