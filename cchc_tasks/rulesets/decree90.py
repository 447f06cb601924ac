"""Rule set ``decree90``: heads' ratings under Decree 90/2020/NĐ-CP as amended by Decree
48/2023/NĐ-CP, in force for evaluations up to 2025.

Each reason cites the article of the head's category (cán bộ Điều 4–7, công chức
Điều 8–11, viên chức Điều 12–15; see :class:`~cchc_tasks.Category`) and says whether it
reads the head's **own** tasks (assigned to them) or the **unit**'s tasks (all tasks of
the unit led). Tasks not yet due at the evaluation date are left out.

* **Working time** (Điều 2 khoản 3): under 6 months worked in the year → not rated,
  unless maternity leave makes up the difference (then rated on the time worked, no
  cap); absent 3 to under 6 months → at most HTNV.
* **Transfer** (Điều 20): one rating, for the post held at the evaluation date (or the
  last held in the year), on that unit's results of the whole year.
* **KHTNV** (Điều 7/11/15), any of: the unit completes under 50% of its tasks; ≥ 50% of
  the head's own tasks missed progress or quality; disciplined in the year (Decree
  48/2023 for evaluations from 15/9/2023: a violation already used for a KHTNV rating is
  not counted twice).
* **HTXSNV** (Điều 4/8/12): own tasks all on time without major errors; every unit
  task completed on time and ≥ 50% exceeded; 100% of the units under direct management
  ≥ HTNV and ≥ 70% ≥ HTTNV.
* **HTTNV** (Điều 5/9/13): own tasks all completed; every unit task completed, ≥ 80%
  on time; 100% of the units under direct management ≥ HTNV (viên chức: and ≥ 70%
  ≥ HTTNV, Điều 13).
* **HTNV** (Điều 6/10/14): over 70% of the unit's tasks completed and ≥ 70% of the units
  under direct management ≥ HTNV.
* Between the KHTNV and HTNV lines, neither level's criteria hold: the rating is left to
  the evaluating authority (``undecided``), unless ``decree90.undecided`` chooses a level
  [I].

The units' conditions read each unit's collective rating (``UnitResult.rating``); units
without one are left out, and the conditions hold when there are none.
"""

from __future__ import annotations

import datetime as dt

from .._markers import hookimpl
from ..i18n import Message
from ..ratings import Rating
from ..tasks import Task, TaskOutcome
from ..units import Category
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

NAME = "decree90"
SOURCE_90 = "Nghị định 90/2020/NĐ-CP"
SOURCE_48 = "Nghị định 48/2023/NĐ-CP"
#: Decree 48/2023 took effect on this day; earlier evaluations do not cite it.
DECREE_48_FROM = dt.date(2023, 9, 15)
#: The article of each level (HTXSNV, HTTNV, HTNV, KHTNV) for each category.
ARTICLES: dict[Category, dict[Rating, int]] = {
    category: {
        Rating.EXCELLENT: first,
        Rating.GOOD: first + 1,
        Rating.COMPLETED: first + 2,
        Rating.NOT_COMPLETED: first + 3,
    }
    for category, first in (
        (Category.CAN_BO, 4),
        (Category.CONG_CHUC, 8),
        (Category.VIEN_CHUC, 12),
    )
}
TIME_SOURCE = f"{SOURCE_90} Điều 2 khoản 3"
TRANSFER_SOURCE = f"{SOURCE_90} Điều 20"

#: Whether a criterion holds, and what it says.
Condition = tuple[bool, Message]


def article(category: Category, level: Rating) -> str:
    """The source of ``level`` for a head of ``category``: "Nghị định 90/2020/NĐ-CP Điều n"."""
    return f"{SOURCE_90} Điều {ARTICLES[category][level]}"


def _share(part: int, whole: int, empty: float = 1.0) -> float:
    return part / whole if whole else empty


def _due(head: HeadFacts, tasks: tuple[Task, ...]) -> list[Task]:
    """The tasks that count by the evaluation date: neither cancelled nor pending."""
    outcomes = head.unit.facts.outcomes
    return [
        t
        for t in tasks
        if outcomes.get(t.id) not in (None, TaskOutcome.CANCELLED, TaskOutcome.PENDING)
    ]


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
                source=f"{SOURCE_90} Điều 2, 4–15, 20; {SOURCE_48}",
            )
        ]

    @hookimpl
    def cchc_leader_base_rating(self, head: HeadFacts, ruleset: str) -> RatingDecision | None:
        if ruleset != NAME:
            return None
        p = head.config.decree90
        time = _working_time(head)
        if time is not None and time.rating is None:
            return time
        reasons = list(time.reasons) if time else []
        reasons.extend(_transfer(head))
        facts = head.unit.facts
        if facts.counted - facts.pending == 0 and not p.rate_without_tasks:
            reasons.append(
                Reason(
                    "decree90.no-tasks",
                    Message.of("decree90.no-tasks", year=head.year, as_of=head.as_of),
                    article(head.category, Rating.COMPLETED),
                )
            )
            return RatingDecision(None, tuple(reasons))
        return _rate(head, reasons)

    @hookimpl
    def cchc_leader_caps(self, head: HeadFacts, ruleset: str) -> list[Cap]:
        if ruleset != NAME:
            return []
        caps = [Cap(Rating.NOT_COMPLETED, r) for r in discipline_reasons(head) if r is not None]
        p, working = head.config.decree90, head.working
        absent = 0.0 if working is None else working.absent_months
        if p.absent_cap_months <= absent < p.min_months_rated:
            caps.append(
                Cap(
                    Rating.COMPLETED,
                    Reason(
                        "decree90.absence",
                        Message.of(
                            "decree90.absence",
                            absent=_months(absent, 3),
                            year=head.year,
                            low=p.absent_cap_months,
                            high=p.min_months_rated,
                        ),
                        TIME_SOURCE,
                    ),
                )
            )
        return caps

    @hookimpl
    def cchc_recommendations(self, evaluation: Evaluation) -> list[Recommendation]:
        if evaluation.ruleset is None or evaluation.ruleset.name != NAME:
            return []
        out = []
        for r in evaluation.ratings:
            if r.undecided is not None:
                low, high = r.undecided
                category = r.category or Category.CONG_CHUC
                text = Message.of(
                    "decree90.undecided.decide",
                    person=evaluation.names.get(r.person, r.person),
                    unit=evaluation.names.get(r.unit, r.unit),
                    low=low.code,
                    high=high.code,
                )
                out.append(
                    Recommendation(
                        "decide",
                        r.person,
                        "person",
                        Reason(
                            "decree90.undecided",
                            text,
                            f"{article(category, high)}, {article(category, low)}",
                        ),
                    )
                )
        if evaluation.as_of >= DECREE_48_FROM:
            p = evaluation.config.decree90
            out.extend(
                quota_recommendations(
                    evaluation,
                    p.excellent_quota_share,
                    p.quota_rounding,
                    rule="decree48.quota",
                    source=f"{SOURCE_48} (tỷ lệ theo quy định của Đảng: tham số [I])",
                )
            )
        return out


def _working_time(head: HeadFacts) -> RatingDecision | None:
    """Not rated under the minimum months worked (maternity leave excepted); else the
    reason saying how much time was worked (``rating`` COMPLETED marks "rated")."""
    working, p = head.working, head.config.decree90
    if working is None:
        return None
    worked = working.worked
    months = _months(worked, p.min_months_rated)
    time = (
        Message.of(
            "decree90.worked-absent",
            worked=months,
            year=head.year,
            absent=_months(working.absent_months, 3),
        )
        if working.absent
        else Message.of("decree90.worked", worked=months, year=head.year)
    )
    maternity = Reason(
        "decree90.maternity",
        Message.of("decree90.maternity", time=time, maternity=working.maternity_months),
        TIME_SOURCE,
    )
    if worked < p.min_months_rated:
        if worked + working.maternity_months >= p.min_months_rated:
            return RatingDecision(Rating.COMPLETED, (maternity,))
        text = Message.of("decree90.working-time", time=time, minimum=p.min_months_rated)
        return RatingDecision(None, (Reason("decree90.working-time", text, TIME_SOURCE),))
    if working.maternity:
        return RatingDecision(Rating.COMPLETED, (maternity,))
    return RatingDecision(Rating.COMPLETED, ())


def _transfer(head: HeadFacts) -> list[Reason]:
    """Say which post the head is rated for when they held more than one in the year."""
    others = [p for p in head.posts if p != head.headship]
    if not others:
        return []
    earlier = [
        Message.of("decree90.transfer.post", unit=head.name(p.unit), start=p.start) for p in others
    ]
    views = (
        Message.of("decree90.transfer.views", units=[head.name(u) for u in head.views_from])
        if head.views_from
        else Message.of("decree90.transfer.no-views")
    )
    text = Message.of(
        "decree90.transfer",
        unit=head.unit.unit.name,
        as_of=head.as_of,
        year=head.year,
        earlier=earlier,
        views=views,
    )
    return [Reason("decree90.transfer", text, TRANSFER_SOURCE)]


def discipline_reasons(head: HeadFacts) -> list[Reason | None]:
    """One reason per discipline of the year that makes the head KHTNV (``None`` in
    place of one not counted again under Decree 48/2023)."""
    amended = head.as_of >= DECREE_48_FROM
    rule = "decree48.discipline" if amended else "decree90.discipline"
    source = article(head.category, Rating.NOT_COMPLETED)
    if amended:
        source += f", sửa đổi bởi {SOURCE_48}"
    out: list[Reason | None] = []
    for d in head.disciplines:
        before = d.violation_year
        if (
            amended
            and before is not None
            and before < head.year
            and head.recorded_ratings.get(before) is Rating.NOT_COMPLETED
        ):
            out.append(None)  # already rated KHTNV in the violation's year
            continue
        text = (
            Message.of("decree90.discipline.form", on=d.on, form=d.form, reason=d.reason)
            if d.form
            else Message.of("decree90.discipline", on=d.on, reason=d.reason)
        )
        out.append(Reason(rule, text, source))
    return out


def _rate(head: HeadFacts, reasons: list[Reason]) -> RatingDecision:
    """KHTNV if any of its criteria holds; else the best level whose criteria all hold;
    else undecided between KHTNV and HTNV (or the configured level)."""
    p, category = head.config.decree90, head.category
    facts = _Facts(head)
    reasons.append(Reason("decree90.facts", facts.describe(), article(category, Rating.COMPLETED)))
    failing = [text for ok, text in facts.not_completed() if ok]
    if failing:
        reasons.append(
            Reason(
                "decree90.not-completed",
                Message.of("decree90.not-completed", conditions=failing),
                article(category, Rating.NOT_COMPLETED),
            )
        )
        return RatingDecision(Rating.NOT_COMPLETED, tuple(reasons))
    for rating, rule, conditions in facts.levels():
        source = article(category, rating)
        unmet = [text for ok, text in conditions if not ok]
        if not unmet:
            met = [text for _, text in conditions]
            text = Message.of("decree90.level.met", code=rating.code, conditions=met)
            reasons.append(Reason(rule, text, source))
            return RatingDecision(rating, tuple(reasons))
        text = Message.of("decree90.level.unmet", code=rating.code, conditions=unmet)
        reasons.append(Reason(rule, text, source))
    both = f"{article(category, Rating.COMPLETED)}, {article(category, Rating.NOT_COMPLETED)}"
    if p.undecided != "ask":
        chosen = Rating(p.undecided)
        text = Message.of("decree90.undecided.chosen", code=chosen.code)
        reasons.append(Reason("decree90.undecided", text, both))
        return RatingDecision(chosen, tuple(reasons))
    reasons.append(Reason("decree90.undecided", Message.of("decree90.undecided.ask"), both))
    return RatingDecision(None, tuple(reasons), (Rating.NOT_COMPLETED, Rating.COMPLETED))


class _Facts:
    """The figures the levels read, counted once: the unit's tasks, the head's own tasks
    and the collective ratings of the units under direct management."""

    def __init__(self, head: HeadFacts) -> None:
        self.head = head
        f = head.unit.facts
        self.n = f.counted - f.pending
        self.on_time, self.completed, self.exceeded = f.on_time, f.completed, f.exceeded
        outcomes = f.outcomes
        own = _due(head, head.own_tasks)
        self.own = len(own)
        self.own_on_time_clean = sum(
            1 for t in own if outcomes[t.id] is TaskOutcome.ON_TIME and not t.errors
        )
        self.own_done = sum(
            1 for t in own if outcomes[t.id] in (TaskOutcome.ON_TIME, TaskOutcome.LATE)
        )
        self.own_missed = self.own - self.own_on_time_clean
        rated = [u.rating for u in head.subordinate_units if u.rating is not None]
        self.units = len(rated)
        self.unrated_units = len(head.subordinate_units) - len(rated)
        self.units_ok = _share(sum(1 for r in rated if r >= Rating.COMPLETED), len(rated))
        self.units_good = _share(sum(1 for r in rated if r >= Rating.GOOD), len(rated))

    def describe(self) -> Message:
        f = self.head.unit.facts
        pending = Message.of("decree90.facts.pending", pending=f.pending) if f.pending else ""
        unrated = (
            Message.of("decree90.facts.unrated", unrated=self.unrated_units)
            if self.unrated_units
            else ""
        )
        units = (
            Message.of(
                "decree90.facts.units",
                units=self.units,
                unrated=unrated,
                ok=self.units_ok,
                good=self.units_good,
            )
            if self.units
            else Message.of("decree90.facts.no-units", units=self.units, unrated=unrated)
        )
        return Message.of(
            "decree90.facts",
            n=self.n,
            as_of=self.head.as_of,
            pending=pending,
            on_time=f.on_time,
            late=f.late,
            overdue=f.overdue,
            exceeded=f.exceeded,
            own=self.own,
            own_clean=self.own_on_time_clean,
            units=units,
        )

    def not_completed(self) -> list[Condition]:
        p = self.head.config.decree90
        done = _share(self.completed, self.n)
        missed = _share(self.own_missed, self.own, empty=0.0)
        return [
            (
                done < p.not_completed_share,
                Message.of(
                    "decree90.unit-under-completed", share=p.not_completed_share, actual=done
                ),
            ),
            (
                self.own > 0 and missed >= p.own_missed_share,
                Message.of(
                    "decree90.own-tasks-missed",
                    share=p.own_missed_share,
                    missed=self.own_missed,
                    total=self.own,
                ),
            ),
        ]

    def levels(self) -> list[tuple[Rating, str, list[Condition]]]:
        p, n = self.head.config.decree90, self.n
        own_clean = self.own_on_time_clean == self.own
        units_all_ok = self.units_ok == 1.0
        all_ok: Condition = (units_all_ok, Message.of("decree90.units-all-completed"))
        good_units: list[Condition] = [all_ok]
        if self.head.category is Category.VIEN_CHUC:
            good_units.append(self._units_good(p.excellent_subordinates_good_share))
        return [
            (
                Rating.EXCELLENT,
                "decree90.excellent",
                [
                    (own_clean, Message.of("decree90.own-all-on-time", own=self.own)),
                    (
                        self.on_time == n,
                        Message.of("decree90.unit-all-on-time", on_time=self.on_time, n=n),
                    ),
                    (
                        _share(self.exceeded, n, 0.0) >= p.excellent_exceeded_share,
                        Message.of(
                            "decree90.unit-exceeded",
                            share=p.excellent_exceeded_share,
                            actual=_share(self.exceeded, n, 0.0),
                        ),
                    ),
                    all_ok,
                    self._units_good(p.excellent_subordinates_good_share),
                ],
            ),
            (
                Rating.GOOD,
                "decree90.good",
                [
                    (self.own_done == self.own, Message.of("decree90.own-all-done", own=self.own)),
                    (
                        self.completed == n,
                        Message.of("decree90.unit-all-done", completed=self.completed, n=n),
                    ),
                    (
                        _share(self.on_time, n) >= p.good_on_time_share,
                        Message.of(
                            "decree90.unit-on-time",
                            share=p.good_on_time_share,
                            actual=_share(self.on_time, n),
                        ),
                    ),
                    *good_units,
                ],
            ),
            (
                Rating.COMPLETED,
                "decree90.completed",
                [
                    (
                        _share(self.completed, n) > p.completed_share,
                        Message.of(
                            "decree90.unit-completed",
                            share=p.completed_share,
                            actual=_share(self.completed, n),
                        ),
                    ),
                    (
                        self.units_ok >= p.completed_subordinates_share,
                        Message.of(
                            "decree90.units-completed",
                            share=p.completed_subordinates_share,
                            actual=self.units_ok,
                        ),
                    ),
                ],
            ),
        ]

    def _units_good(self, share: float) -> Condition:
        return (
            self.units_good >= share,
            Message.of("decree90.units-good", share=share, actual=self.units_good),
        )


def _months(months: float, threshold: float) -> float:
    """Months rounded to one decimal, or two when one would hide the side of
    ``threshold`` they fall on (181 days of 2025 are 5.95 months: "6" would read as not
    under 6). Messages show them without trailing zeros, in each language's way."""
    rounded = round(months, 1)
    if rounded == threshold and months != threshold:
        return round(months, 2)
    return rounded
