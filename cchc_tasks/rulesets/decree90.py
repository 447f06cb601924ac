"""Rule set ``decree90``: heads' ratings under Decree 90/2020/NĐ-CP as amended by Decree
48/2023/NĐ-CP, in force for evaluations up to 2025.

The base rating looks at the unit's tasks that are due by the evaluation date (tasks
not yet due are left out, so a mid-year evaluation is a projection on what is known)
and at the ratings of the heads of the directly subordinate units (regulation.md §5.1,
R13; the HTNV level is [I], a parameter):

* **HTXSNV**: every task completed on time; ≥ 50% of them exceeded; every
  subordinate head ≥ HTNV and ≥ 70% of them ≥ HTTNV (Art. 4 c–d).
* **HTTNV**: every task completed; ≥ 80% on time; every subordinate head ≥ HTNV
  (Art. 5).
* **HTNV**: ≥ 70% of tasks completed (and, if ``completed_subordinates_share`` is set,
  that share of subordinate heads ≥ HTNV).
* otherwise **KHTNV**.

Conditions on subordinate heads hold when there are none; heads who are not rated are
left out of those shares. Caps: a head disciplined in the year (on or before the
evaluation date) is KHTNV (Decree 48/2023, R15); 6 to under 9 months in the post
(absent 3 to under 6 months) → at most HTNV; under 6 months → not rated for that unit.
"""

from __future__ import annotations

import datetime as dt

from .._markers import hookimpl
from ..ratings import Rating
from ..verdicts import Cap, HeadFacts, RatingDecision, Reason, RuleSet

NAME = "decree90"
SOURCE_90 = "Nghị định 90/2020/NĐ-CP"
SOURCE_48 = "Nghị định 48/2023/NĐ-CP"

Condition = tuple[bool, str]


def _share(part: int, whole: int, empty: float = 1.0) -> float:
    return part / whole if whole else empty


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


class Decree90Rules:
    """The ``decree90`` rule set as a plugin; its numbers are ``config.decree90``."""

    @hookimpl
    def cchc_rulesets(self) -> list[RuleSet]:
        return [
            RuleSet(
                NAME,
                f"{SOURCE_90}, sửa đổi bởi {SOURCE_48}",
                effective_from=dt.date(2020, 8, 20),
                effective_to=dt.date(2025, 12, 31),
                source=f"{SOURCE_90} Điều 4–5; {SOURCE_48}",
            )
        ]

    @hookimpl
    def cchc_leader_base_rating(self, head: HeadFacts, ruleset: str) -> RatingDecision | None:
        if ruleset != NAME:
            return None
        p = head.config.decree90
        if head.months < p.min_months_rated:
            return RatingDecision(
                None,
                (
                    Reason(
                        "decree90.months",
                        f"{_months(head.months, p.min_months_rated)} months in the post in "
                        f"{head.year}, under {p.min_months_rated:g}: not rated for this unit",
                        SOURCE_90,
                    ),
                ),
            )
        facts = head.unit.facts
        if facts.counted - facts.pending == 0 and not p.rate_without_tasks:
            return RatingDecision(
                None,
                (
                    Reason(
                        "decree90.no-tasks",
                        f"the unit has no tasks due in {head.year} by {head.as_of}: "
                        "nothing to rate the head on",
                        SOURCE_90,
                    ),
                ),
            )
        return self._rate(head)

    def _rate(self, head: HeadFacts) -> RatingDecision:
        f = head.unit.facts
        n = f.counted - f.pending  # tasks due by the evaluation date
        rated = [s.rating for s in head.subordinates if s.rating is not None]
        at_least_htnv = _share(sum(1 for r in rated if r >= Rating.COMPLETED), len(rated))
        subs_ok = at_least_htnv == 1.0
        subs_good = _share(sum(1 for r in rated if r >= Rating.GOOD), len(rated))
        unrated = len(head.subordinates) - len(rated)
        sub_text = (
            f"{len(rated)} subordinate heads rated"
            + (f" ({unrated} not rated, left out)" if unrated else "")
            + (
                f", all ≥ HTNV: {'yes' if subs_ok else 'no'}, {_pct(subs_good)} ≥ HTTNV"
                if rated
                else " (conditions on them hold)"
            )
        )
        pending = f" ({f.pending} not yet due, left out)" if f.pending else ""
        task_text = (
            f"{n} tasks due by {head.as_of}{pending}: {f.on_time} on time, {f.late} "
            f"late, {f.overdue} overdue, {f.exceeded} exceeded"
        )
        levels = _levels(head, at_least_htnv, subs_good)
        reasons = [Reason("decree90.facts", f"{task_text}; {sub_text}", SOURCE_90)]
        for rating, rule, source, conditions in levels:
            unmet = [text for ok, text in conditions if not ok]
            if not unmet:
                met = "; ".join(text for _, text in conditions)
                reasons.append(Reason(rule, f"{rating.code}: {met}", source))
                return RatingDecision(rating, tuple(reasons))
            reasons.append(Reason(rule, f"not {rating.code}: needs " + "; ".join(unmet), source))
        reasons.append(
            Reason("decree90.not-completed", "KHTNV: the conditions of HTNV are not met", SOURCE_90)
        )
        return RatingDecision(Rating.NOT_COMPLETED, tuple(reasons))

    @hookimpl
    def cchc_leader_caps(self, head: HeadFacts, ruleset: str) -> list[Cap]:
        if ruleset != NAME:
            return []
        caps = []
        for d in head.disciplines:
            form = f" ({d.form})" if d.form else ""
            caps.append(
                Cap(
                    Rating.NOT_COMPLETED,
                    Reason(
                        "decree48.discipline",
                        f"disciplined on {d.on.isoformat()}{form}: {d.reason}",
                        SOURCE_48,
                    ),
                )
            )
        p = head.config.decree90
        if p.min_months_rated <= head.months < p.full_months:
            caps.append(
                Cap(
                    Rating.COMPLETED,
                    Reason(
                        "decree90.months",
                        f"{_months(head.months, p.min_months_rated)} months in the post in "
                        f"{head.year} (under {p.full_months:g}): at most HTNV",
                        SOURCE_90,
                    ),
                )
            )
        return caps


Level = tuple[Rating, str, str, list[Condition]]


def _levels(head: HeadFacts, at_least_htnv: float, subs_good: float) -> list[Level]:
    """The conditions of HTXSNV, HTTNV and HTNV (Điều 4, 5 and the HTNV threshold), best
    first, each met or not on ``head``'s facts."""
    p = head.config.decree90
    f = head.unit.facts
    n = f.counted - f.pending
    subs_ok = at_least_htnv == 1.0
    on_time, done = _share(f.on_time, n), _share(f.completed, n)
    exceeded = _share(f.exceeded, n, empty=0.0)
    completed_conditions: list[Condition] = [
        (
            done >= p.completed_share,
            f"≥ {_pct(p.completed_share)} of tasks completed ({_pct(done)})",
        ),
    ]
    if p.completed_subordinates_share is not None:
        completed_conditions.append(
            (
                at_least_htnv >= p.completed_subordinates_share,
                f"≥ {_pct(p.completed_subordinates_share)} of subordinate heads ≥ HTNV "
                f"({_pct(at_least_htnv)})",
            )
        )
    return [
        (
            Rating.EXCELLENT,
            "decree90.excellent",
            f"{SOURCE_90} Điều 4",
            [
                (f.on_time == n, f"all tasks completed on time ({f.on_time}/{n})"),
                (
                    exceeded >= p.excellent_exceeded_share,
                    f"≥ {_pct(p.excellent_exceeded_share)} exceeded ({_pct(exceeded)})",
                ),
                (subs_ok, "every subordinate head ≥ HTNV"),
                (
                    subs_good >= p.excellent_subordinates_good_share,
                    f"≥ {_pct(p.excellent_subordinates_good_share)} of subordinate heads ≥ "
                    f"HTTNV ({_pct(subs_good)})",
                ),
            ],
        ),
        (
            Rating.GOOD,
            "decree90.good",
            f"{SOURCE_90} Điều 5",
            [
                (f.completed == n, f"all tasks completed ({f.completed}/{n})"),
                (
                    on_time >= p.good_on_time_share,
                    f"≥ {_pct(p.good_on_time_share)} on time ({_pct(on_time)})",
                ),
                (subs_ok, "every subordinate head ≥ HTNV"),
            ],
        ),
        (
            Rating.COMPLETED,
            "decree90.completed",
            f"{SOURCE_90} (ngưỡng HTNV: tham số)",
            completed_conditions,
        ),
    ]


def _months(months: float, threshold: float) -> str:
    """Months to one decimal, or two when one would hide the side of ``threshold`` they
    fall on (181 days of 2025 are 5.95 months: "6.0" would read as not under 6)."""
    text = f"{months:.1f}"
    if float(text) == threshold and months != threshold:
        text = f"{months:.2f}"
    return text
