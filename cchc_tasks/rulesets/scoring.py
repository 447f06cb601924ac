"""The default unit score and bands.

Score: one criterion, "task completion", worth ``scoring.maximum`` points: each task
that counts in the year earns its weight if done on time, ``scoring.late_credit`` × its
weight if done late, nothing if overdue; pending tasks (not yet due) are left out. A
unit with nothing done or due yet has no score.

Bands (``bands`` section; documented defaults, since provinces set their own and no
national rule fixes them, regulation.md R2): Tốt ≥ 80, Khá ≥ 70, Trung bình ≥ 50, else
Yếu. Xuất sắc is off unless a threshold is configured (Hải Phòng uses 93 for wards).
"""

from __future__ import annotations

import itertools
import operator

from .._markers import hookimpl
from ..i18n import Message
from ..ratings import Band
from ..tasks import TaskOutcome
from ..verdicts import Criterion, UnitFacts

_WEIGHT = operator.attrgetter("weight")


class UnitScoring:
    """The built-in ``cchc_unit_criteria`` and ``cchc_unit_band``."""

    @hookimpl
    def cchc_unit_criteria(self, unit: UnitFacts, year: int) -> list[Criterion]:
        params = unit.config.scoring
        credit = {
            TaskOutcome.ON_TIME: 1.0,
            TaskOutcome.LATE: params.late_credit,
            TaskOutcome.OVERDUE: 0.0,
        }
        # Each task's share of credit (None: not judged, pending or cancelled), summed
        # in C over the judged ones, in the tasks' order (the same sums as a loop).
        shares = list(map(credit.get, unit.task_outcomes))
        mask = list(map(operator.is_not, shares, itertools.repeat(None)))
        judged = mask.count(True)
        weights = list(itertools.compress(map(_WEIGHT, unit.tasks), mask))
        total = sum(weights)
        if total <= 0:
            return []
        earned = sum(map(operator.mul, weights, itertools.compress(shares, mask)))
        points = params.maximum * earned / total
        reason = Message.of(
            "scoring.task-completion",
            on_time=unit.on_time,
            late=unit.late,
            credit=params.late_credit,
            overdue=unit.overdue,
            judged=judged,
            as_of=unit.as_of,
        )
        return [
            Criterion(
                "task-completion",
                Message.of("scoring.task-completion.name"),
                round(points, 4),
                params.maximum,
                reason,
                "cchc_tasks.scoring",
            )
        ]

    @hookimpl(trylast=True)
    def cchc_unit_band(self, unit: UnitFacts, score: float, year: int) -> Band:
        return unit.config.bands.band(score)
