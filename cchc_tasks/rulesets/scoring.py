"""The default unit score and bands.

Score: one criterion, "task completion", worth ``maximum`` points: each task that
counts in the year earns its weight if done on time, ``late_credit`` × its weight if
done late, nothing if overdue; pending tasks (not yet due) are left out. A unit with
nothing done or due yet has no score.

Bands (documented defaults, parameters because provinces set their own; no national
rule fixes them, regulation.md R2): Tốt ≥ 80, Khá ≥ 70, Trung bình ≥ 50, else Yếu.
Xuất sắc is off unless a threshold is given (Hải Phòng uses 93 for wards).
"""

from __future__ import annotations

import attrs

from ..errors import ValidationError
from ..evaluation import Criterion, UnitFacts
from ..plugins import hookimpl
from ..ratings import Band
from ..tasks import TaskOutcome


@attrs.frozen
class BandThresholds:
    """Lowest score (percent) of each band; ``excellent=None`` disables Xuất sắc."""

    excellent: float | None = None
    good: float = 80.0
    fair: float = 70.0
    average: float = 50.0

    def __attrs_post_init__(self) -> None:
        cuts = [c for c in (self.excellent, self.good, self.fair, self.average) if c is not None]
        if cuts != sorted(cuts, reverse=True):
            raise ValidationError(
                "BandThresholds", "thresholds falling from excellent to average", cuts
            )

    def band(self, score: float) -> Band:
        if self.excellent is not None and score >= self.excellent:
            return Band.EXCELLENT
        if score >= self.good:
            return Band.GOOD
        if score >= self.fair:
            return Band.FAIR
        if score >= self.average:
            return Band.AVERAGE
        return Band.WEAK


@attrs.frozen
class ScoringParams:
    """``maximum`` points of the completion criterion; ``late_credit`` share for late."""

    maximum: float = 100.0
    late_credit: float = 0.5


class UnitScoring:
    """The built-in ``cchc_unit_criteria`` and ``cchc_unit_band``."""

    def __init__(
        self, params: ScoringParams | None = None, bands: BandThresholds | None = None
    ) -> None:
        self.params = params or ScoringParams()
        self.bands = bands or BandThresholds()

    @hookimpl
    def cchc_unit_criteria(self, unit: UnitFacts, year: int) -> list[Criterion]:
        credit = {
            TaskOutcome.ON_TIME: 1.0,
            TaskOutcome.LATE: self.params.late_credit,
            TaskOutcome.OVERDUE: 0.0,
        }
        judged = [t for t in unit.tasks if unit.outcomes[t.id] in credit]
        total = sum(t.weight for t in judged)
        if total <= 0:
            return []
        earned = sum(t.weight * credit[unit.outcomes[t.id]] for t in judged)
        points = self.params.maximum * earned / total
        reason = (
            f"{unit.on_time} on time, {unit.late} late (credit {self.params.late_credit:g}), "
            f"{unit.overdue} overdue of {len(judged)} tasks due by {unit.as_of}, by weight"
        )
        return [
            Criterion(
                "task-completion",
                "Task completion",
                round(points, 4),
                self.params.maximum,
                reason,
                "cchc_tasks.scoring",
            )
        ]

    @hookimpl(trylast=True)
    def cchc_unit_band(self, unit: UnitFacts, score: float, year: int) -> Band:
        return self.bands.band(score)
