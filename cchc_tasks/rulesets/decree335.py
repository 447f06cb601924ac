"""Rule set ``decree335``: Decree 335/2025/NĐ-CP, in force from 2026 (regulation.md §5.4,
R11, R12, R14).

A head's score out of 100 = general criteria (≤ 30, from the assessment recorded with
``tr.record_assessment``) + task results (≤ 70) computed from the unit's tasks that
count in the year (pending ones left out):

* quantity = completed weight ÷ assigned weight;
* quality = Σ weight × max(0, 1 − 25% × major errors) over completed ÷ assigned;
* progress = Σ weight × (on time: 1; late: max(0, 1 − 25% × delays)) over completed ÷
  assigned;
* task % = their weighted mean (equal weights by default [I]); task points =
  70 × task % × the unit factor multiplier (the factor is 50% when any managed civil
  servant's *final* rating is KHTNV: the heads of the units under direct management,
  caps included, and the staff ratings recorded with ``tr.record_rating`` [V]; how much
  of the head's task part it weighs is a parameter [I]).

Bands: ≥ 90 HTXSNV, ≥ 70 HTTNV, ≥ 50 HTNV, else KHTNV [V]. Case (c): a duty-related
discipline (``duty_related=True``) at reprimand or above (``level``) in the year →
KHTNV; a discipline without those facts recorded is not counted, and the reason says so.
A missing assessment is never invented: the head is "not assessed", unless
``decree335.default_general_points`` is configured, which the reason states. The HTXSNV
quota (≤ 20% of those rated HTTNV, per agency and per group with similar tasks) is
checked and reported as a recommendation naming the heads concerned; it is never
applied silently.
"""

from __future__ import annotations

import datetime as dt
import math

from .._markers import hookimpl
from ..i18n import Message
from ..params import Decree335Params
from ..ratings import Rating
from ..results import DISCIPLINE_LEVELS, Discipline
from ..tasks import Task, TaskOutcome
from ..verdicts import (
    Cap,
    Evaluation,
    HeadFacts,
    RatingDecision,
    Reason,
    Recommendation,
    RuleSet,
)
from .quota import quota_recommendations

NAME = "decree335"
SOURCE = "Nghị định 335/2025/NĐ-CP"


def _delays(task: Task, params: Decree335Params) -> int:
    if task.completed_on is None or task.completed_on <= task.due:
        return 0
    if not params.delay_period_days:
        return 1
    return math.ceil((task.completed_on - task.due).days / params.delay_period_days)


def task_percentages(head: HeadFacts) -> tuple[float, float, float, int] | None:
    """(quantity %, quality %, progress %, tasks) of the unit's tasks, or None if none."""
    p = head.config.decree335
    facts = head.unit.facts
    assessed = [
        t
        for t in facts.tasks
        if facts.outcomes[t.id] in (TaskOutcome.ON_TIME, TaskOutcome.LATE, TaskOutcome.OVERDUE)
    ]
    total = sum(t.weight for t in assessed)
    if total <= 0:
        return None
    done = [t for t in assessed if facts.outcomes[t.id] is not TaskOutcome.OVERDUE]
    quantity = sum(t.weight for t in done) / total
    quality = sum(t.weight * max(0.0, 1 - p.penalty_per_error * t.errors) for t in done) / total
    progress = (
        sum(t.weight * max(0.0, 1 - p.penalty_per_delay * _delays(t, p)) for t in done) / total
    )
    return quantity * 100, quality * 100, progress * 100, len(assessed)


class Decree335Rules:
    """The ``decree335`` rule set as a plugin."""

    @hookimpl
    def cchc_rulesets(self) -> list[RuleSet]:
        return [
            RuleSet(
                NAME,
                SOURCE,
                effective_from=dt.date(2026, 1, 1),
                source=f"{SOURCE}, thang điểm 100 (30 + 70)",
            )
        ]

    @hookimpl
    def cchc_leader_base_rating(self, head: HeadFacts, ruleset: str) -> RatingDecision | None:
        if ruleset != NAME:
            return None
        p = head.config.decree335
        general, general_reason = self._general(head, p)
        if general is None:
            return RatingDecision(None, (general_reason,))
        parts = task_percentages(head)
        if parts is None:
            return RatingDecision(
                None,
                (
                    general_reason,
                    Reason(
                        "decree335.no-tasks",
                        Message.of("decree335.no-tasks", as_of=head.as_of, year=head.year),
                        SOURCE,
                    ),
                ),
            )
        quantity, quality, progress, _ = parts
        w = p.combine_weights
        task_pct = (w[0] * quantity + w[1] * quality + w[2] * progress) / sum(w)
        # The final ratings of every managed civil servant known to the store: the heads
        # under them with their caps, and the staff ratings recorded for the unit.
        failing = [s.person for s in head.subordinates if s.rating is Rating.NOT_COMPLETED]
        failing += [r.person for r in head.staff_ratings if r.rating is Rating.NOT_COMPLETED]
        managed = len(head.subordinates) + len(head.staff_ratings)
        factor = p.unit_factor_when_failing if failing else 1.0
        multiplier = (1 - p.unit_result_weight) + p.unit_result_weight * factor
        task_points = p.task_max * task_pct / 100 * multiplier
        total = general + task_points
        rating = self._band(total, p)
        reasons = (
            general_reason,
            _tasks_reason(parts, task_pct, w),
            _unit_factor_reason(
                sorted(head.name(x) for x in failing), managed, factor, task_points, p
            ),
            Reason(
                "decree335.score",
                Message.of(
                    "decree335.score",
                    code=rating.code,
                    general=general,
                    points=task_points,
                    total=total,
                    excellent=p.excellent,
                    good=p.good,
                    completed=p.completed,
                ),
                SOURCE,
            ),
        )
        ignored = tuple(
            Reason("decree335.discipline", _not_case_c(d), f"{SOURCE} (KHTNV, trường hợp c)")
            for d in head.disciplines
            if not counts_as_case_c(d)
        )
        return RatingDecision(rating, reasons + ignored)

    @staticmethod
    def _general(head: HeadFacts, p: Decree335Params) -> tuple[float | None, Reason]:
        if head.assessment is not None:
            a = head.assessment
            by = Message.of("decree335.general.by", by=a.by) if a.by else ""
            text = Message.of(
                "decree335.general", points=a.general_points, maximum=p.general_max, by=by
            )
            return a.general_points, Reason("decree335.general", text, SOURCE)
        if p.default_general_points is not None:
            text = Message.of(
                "decree335.general.default",
                year=head.year,
                points=p.default_general_points,
                maximum=p.general_max,
            )
            return p.default_general_points, Reason("decree335.general", text, SOURCE)
        text = Message.of("decree335.not-assessed", year=head.year)
        return None, Reason("decree335.not-assessed", text, SOURCE)

    @staticmethod
    def _band(total: float, p: Decree335Params) -> Rating:
        if total >= p.excellent:
            return Rating.EXCELLENT
        if total >= p.good:
            return Rating.GOOD
        if total >= p.completed:
            return Rating.COMPLETED
        return Rating.NOT_COMPLETED

    @hookimpl
    def cchc_leader_caps(self, head: HeadFacts, ruleset: str) -> list[Cap]:
        if ruleset != NAME:
            return []
        caps = [
            Cap(
                Rating.NOT_COMPLETED,
                Reason(
                    "decree335.discipline",
                    Message.of("decree335.discipline", on=d.on, level=d.level, reason=d.reason),
                    f"{SOURCE} (KHTNV, trường hợp c)",
                ),
            )
            for d in head.disciplines
            if counts_as_case_c(d)
        ]
        caps += [
            Cap(
                Rating.NOT_COMPLETED,
                Reason(
                    "decree335.sanctioned-unit",
                    Message.of(
                        "decree335.sanctioned-unit",
                        unit=_unit_name(head, x.unit),
                        kind=SANCTION_WORDS.get(x.kind, x.kind),
                        on=x.on,
                        document=(
                            Message.of("decree335.sanction.document", document=x.document)
                            if x.document
                            else ""
                        ),
                    ),
                    f"{SOURCE} (KHTNV, trường hợp d)",
                ),
            )
            for x in head.sanctions
        ]
        return caps

    @hookimpl
    def cchc_recommendations(self, evaluation: Evaluation) -> list[Recommendation]:
        if evaluation.ruleset is None or evaluation.ruleset.name != NAME:
            return []
        p = evaluation.config.decree335
        return quota_recommendations(
            evaluation, p.quota_share, p.quota_rounding, rule="decree335.quota", source=SOURCE
        )


def _tasks_reason(
    parts: tuple[float, float, float, int], task_pct: float, weights: tuple[float, ...]
) -> Reason:
    quantity, quality, progress, n = parts
    how = (
        Message.of("decree335.weights.equal")
        if len(set(weights)) == 1
        else Message.of("decree335.weights", weights=list(weights))
    )
    text = Message.of(
        "decree335.tasks",
        n=n,
        quantity=quantity,
        quality=quality,
        progress=progress,
        task=task_pct,
        weights=how,
    )
    return Reason("decree335.tasks", text, SOURCE)


def _unit_factor_reason(
    failing: list[str], managed: int, factor: float, task_points: float, p: Decree335Params
) -> Reason:
    # The people are known here by id only: HeadFacts carries no names of the managed
    # civil servants.
    who = (
        Message.of("decree335.unit-factor.failing", people=failing)
        if failing
        else Message.of("decree335.unit-factor.none")
    )
    text = Message.of(
        "decree335.unit-factor",
        factor=factor,
        managed=managed,
        failing=who,
        weight=p.unit_result_weight,
        points=task_points,
        maximum=p.task_max,
    )
    return Reason("decree335.unit-factor", text, SOURCE)


#: How a reason names what a unit was sanctioned for.
SANCTION_WORDS = {
    "embezzlement": Message.of("decree335.sanction.embezzlement"),
    "corruption": Message.of("decree335.sanction.corruption"),
    "waste": Message.of("decree335.sanction.waste"),
}


def _unit_name(head: HeadFacts, unit: str) -> str:
    """The name of the head's unit or of a unit under their direct management."""
    units = [head.unit, *head.subordinate_units]
    return next((u.unit.name for u in units if u.unit.id == unit), unit)


def _not_case_c(d: Discipline) -> Message:
    """Why a discipline is not counted for KHTNV case (c): its level, its relation to
    official duties, whichever is missing."""
    why = [
        Message.of("decree335.discipline.no-level")
        if d.level is None
        else Message.of("decree335.discipline.level", level=d.level)
    ]
    if d.duty_related is False:
        why.append(Message.of("decree335.discipline.not-duty"))
    elif d.duty_related is None:
        why.append(Message.of("decree335.discipline.duty-unknown"))
    return Message.of("decree335.discipline.ignored", on=d.on, why=why)


def counts_as_case_c(d: Discipline) -> bool:
    """KHTNV case (c): a sanction at reprimand or above, for a duty-related violation."""
    return d.duty_related is True and d.level in DISCIPLINE_LEVELS
