"""The annual evaluation: facts → hooks → an immutable :class:`Evaluation` with reasons.

For year Y as of date T (DESIGN §4):

1. **Facts**: each unit in force in Y, its tasks due in Y and their outcomes as of T
   (``cchc_task_outcomes``), its indicator results for Y and Y−1, its heads.
2. **Unit score**: criteria from ``cchc_unit_criteria``, summed over their maxima; a
   band from ``cchc_unit_band``; a rank within the peer group (same kind and parent).
3. **Targets**: each target's rule judged (ratchet applied) → PASS, FAIL,
   NOT_MEASURED or NOT_APPLICABLE.
4. **Leader ratings**, bottom-up through the unit tree: a base rating from the rule
   set in force (``cchc_leader_base_rating``), caps from every plugin
   (``cchc_leader_caps``); the final rating is the lowest.
5. **Recommendations** from ``cchc_recommendations``.
6. ``cchc_evaluation_finished``.

Any plugin failure raises :class:`RuleError` naming the plugin and the hook; no
partial evaluation escapes. Nothing here reads the clock: ``as_of`` is given.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Protocol

import attrs

from .config import Config
from .errors import NotFoundError, RuleError, ValidationError
from .i18n import Message, Text
from .plans import Plan
from .plugins import Hooks
from .ratings import Rating
from .results import Absence, Assessment, Discipline, PersonRating, Result, UnitRating, UnitSanction
from .targets import (
    IndicatorFacts,
    Levels,
    Outcome,
    Rule,
    Target,
    indicator_name,
    joined,
    outcome_word,
)
from .tasks import Task
from .units import Headship, Person, Unit, category_of_kind
from .verdicts import (
    Cap,
    Criterion,
    Evaluation,
    HeadFacts,
    LeaderRating,
    RatingDecision,
    Reason,
    Recommendation,
    RuleSet,
    TargetResult,
    UnitFacts,
    UnitResult,
    WorkingTime,
)

# The value types live in cchc_tasks.verdicts; they are importable from here as before.
__all__ = [
    "Cap",
    "Criterion",
    "Evaluation",
    "EvaluationSource",
    "HeadFacts",
    "LeaderRating",
    "RatingDecision",
    "Reason",
    "Recommendation",
    "RuleSet",
    "TargetResult",
    "UnitFacts",
    "UnitResult",
    "WorkingTime",
    "choose_ruleset",
    "derive_unit_rating",
    "months_in_post",
    "run_evaluation",
]


# --- the pipeline ---------------------------------------------------------------------


class EvaluationSource(Protocol):
    """What the pipeline reads; :class:`~cchc_tasks.tracker.reader.Reader` (and so every
    :class:`~cchc_tasks.Tracker`) provides it."""

    def units(self) -> list[Unit]: ...
    def person(self, id: str) -> Person: ...
    def plan(self, id: str) -> Plan: ...
    def targets(self) -> list[Target]: ...
    def headships(self, unit: str | None = None) -> list[Headship]: ...
    def disciplines(self, person: str | None = None) -> list[Discipline]: ...
    def results(
        self, *, indicator: str | None = None, unit: str | None = None, year: int | None = None
    ) -> list[Result]: ...
    def assessments(
        self, *, person: str | None = None, year: int | None = None
    ) -> list[Assessment]: ...
    def tasks_due_in(self, year: int, *, sort: bool = True) -> list[Task]: ...
    def persons(self, *, unit: str | None = None) -> list[Person]: ...
    def absences(self, person: str | None = None) -> list[Absence]: ...
    def unit_ratings(
        self, *, unit: str | None = None, year: int | None = None
    ) -> list[UnitRating]: ...
    def person_ratings(
        self, *, person: str | None = None, year: int | None = None
    ) -> list[PersonRating]: ...
    def sanctions(
        self, *, unit: str | None = None, year: int | None = None
    ) -> list[UnitSanction]: ...


def choose_ruleset(rulesets: Sequence[RuleSet], year: int, name: str | None) -> RuleSet | None:
    """The rule set named ``name``, or else the one in force in ``year`` (latest start)."""
    if name is not None:
        for rs in rulesets:
            if rs.name == name:
                return rs
        raise ValidationError("ruleset", f"one of {sorted(rs.name for rs in rulesets)}", name)
    in_force = [rs for rs in rulesets if rs.in_force(year)]
    return max(in_force, key=lambda rs: rs.effective_from, default=None)


def months_in_post(headship: Headship, year: int) -> float:
    """Days held in ``year`` ÷ days in the year × 12."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days_in_year = (end - start).days + 1
    return headship.days_within(start, end) / days_in_year * 12


class _Run:
    """One evaluation in progress."""

    def __init__(
        self,
        source: EvaluationSource,
        hooks: Hooks,
        year: int,
        as_of: dt.date,
        ruleset: RuleSet | None,
        config: Config,
    ) -> None:
        self.source = source
        self.hooks = hooks
        self.year = year
        self.as_of = as_of
        self.ruleset = ruleset
        self.config = config
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        self.all_units = {u.id: u for u in source.units()}
        self.units = {uid: u for uid, u in self.all_units.items() if u.exists_between(start, end)}
        # successor id → the units that name it among their successors (rule R17)
        self.predecessors: dict[str, list[Unit]] = defaultdict(list)
        for u in self.all_units.values():
            for successor in u.successors:
                self.predecessors[successor].append(u)
        #: The tasks due in the year by assignee, in the year's order (by due date), once
        #: read by unit_facts: the heads' context takes each head's own tasks from it.
        self.year_tasks_by_assignee: Mapping[str, list[Task]] | None = None
        self.children: dict[str | None, list[str]] = defaultdict(list)
        for u in self.units.values():
            self.children[u.parent if u.parent in self.units else None].append(u.id)

    def unit_facts(self) -> dict[str, UnitFacts]:
        # Sorted by due date once (and remembered by the tracker): each unit's and each
        # person's share keeps that order, so none is sorted again.
        tasks = self.source.tasks_due_in(self.year)
        outcomes = self.hooks.task_outcomes(tasks, self.as_of)
        # One pass over the year's tasks does three things: each pass over 10,000 tasks
        # scattered in memory costs milliseconds, more than the work done in it.
        by_unit: dict[str, list[Task]] = defaultdict(list)
        by_assignee: dict[str, list[Task]] = defaultdict(list)
        for task in tasks:
            if task.id not in outcomes:
                raise RuleError(f"no plugin classified task {task.id!r}", hook="cchc_task_outcomes")
            by_unit[task.unit].append(task)
            if task.assignee:
                by_assignee[task.assignee].append(task)
        self.year_tasks_by_assignee = by_assignee
        results: dict[tuple[str, int], dict[str, Result]] = defaultdict(dict)
        for year in (self.year - 1, self.year):
            for r in self.source.results(year=year):
                results[(r.unit, year)][r.indicator] = r
        heads: dict[str, list[Headship]] = defaultdict(list)
        for h in self.source.headships():
            if h.overlaps(dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)):
                heads[h.unit].append(h)
        return {
            uid: UnitFacts(
                unit=unit,
                year=self.year,
                as_of=self.as_of,
                tasks=tuple(by_unit.get(uid, ())),
                outcomes=outcomes,  # shared: one mapping of every task of the year
                results=results.get((uid, self.year), {}),
                previous_results=results.get((uid, self.year - 1), {}),
                heads=tuple(sorted(heads.get(uid, ()), key=lambda h: h.start)),
                children=tuple(sorted(self.children.get(uid, ()))),
                config=self.config,
            )
            for uid, unit in self.units.items()
        }

    def unit_results(self, facts: Mapping[str, UnitFacts]) -> dict[str, UnitResult]:
        scored = {}
        for uid, f in facts.items():
            criteria = tuple(self.hooks.unit_criteria(f, self.year))
            maximum = sum(c.maximum for c in criteria)
            score = None if maximum <= 0 else sum(c.points for c in criteria) / maximum * 100
            band = None if score is None else self.hooks.unit_band(f, score, self.year)
            scored[uid] = UnitResult(f, criteria, score, band)
        recorded = {r.unit: r for r in self.source.unit_ratings(year=self.year)}
        for uid, result in scored.items():
            if uid in recorded:
                r = recorded[uid]
                why = (
                    Message.of("evaluation.recorded_by", by=r.by)
                    if r.by
                    else Message.of("evaluation.recorded")
                )
                scored[uid] = attrs.evolve(result, rating=r.rating, rating_reason=why)
            else:
                rating, why = derive_unit_rating(result.facts)
                scored[uid] = attrs.evolve(result, rating=rating, rating_reason=why)
        groups = {uid: self.hooks.peer_group(r.unit, self.year) for uid, r in scored.items()}
        return _rank_in_peer_groups(scored, groups)

    def target_results(self) -> dict[str, TargetResult]:
        return {
            t.id: self.judge_target(t) for t in sorted(self.source.targets(), key=lambda t: t.id)
        }

    def _facts_for(self, target: Target, year: int) -> IndicatorFacts:
        found = self.source.results(indicator=target.indicator, unit=target.unit, year=year)
        before = self.source.results(indicator=target.indicator, unit=target.unit, year=year - 1)
        r = found[0] if found else None
        note: Text = ""
        if before:
            previous = before[0].value
        else:
            previous, note = self._previous_across_succession(target, year - 1)
        return IndicatorFacts(
            indicator=str(target.indicator),
            year=year,
            value=r.value if r else None,
            rank=r.rank if r else None,
            of=r.of if r else None,
            previous=previous,
            source=r.source if r else "",
            previous_note=note,
        )

    def _previous_across_succession(self, target: Target, year: int) -> tuple[float | None, Text]:
        """The value of ``year`` for a unit without a result of its own that year, from
        the units it succeeded, by the configured policy (rule R17); and a note saying how
        (empty when the unit has no predecessors)."""
        uid = target.unit
        predecessors = sorted(self.predecessors.get(uid, ()), key=lambda u: u.id)
        if not predecessors:
            return None, ""
        policy = self.config.succession.policy(target.id)
        unit = self._unit_name(uid)
        names = ", ".join(u.name for u in predecessors)
        if policy == "not_comparable":
            return None, Message.of(
                "target.succession.not-comparable", unit=unit, predecessors=names
            )
        merged = [u for u in predecessors if u.successors == (uid,)]
        if not merged:
            return None, Message.of("target.succession.split", unit=unit, predecessors=names)
        values: dict[str, float] = {}
        for u in merged:
            found = self.source.results(indicator=target.indicator, unit=u.id, year=year)
            if found and found[0].value is not None:
                values[u.id] = found[0].value
        missing = [u.name for u in merged if u.id not in values]
        if not values:
            return None, Message.of(
                "target.succession.none-merged",
                unit=unit,
                predecessors=names,
                indicator=indicator_name(target.indicator),
                year=year,
            )
        shown = joined(
            Message.of("target.succession.value", unit=self._unit_name(k), value=float(v))
            for k, v in values.items()
        )
        lacking: Text = ""
        if len(missing) > 3:
            lacking = Message.of("target.succession.lacking-count", count=len(missing))
        elif missing:
            lacking = Message.of("target.succession.lacking", units=", ".join(missing))
        if policy == "weighted":
            weight_indicator = self.config.succession.weight_indicator
            weights: dict[str, float] = {}
            for k in values:
                found = self.source.results(indicator=weight_indicator, unit=k, year=year)
                if found and found[0].value is not None:
                    weights[k] = found[0].value
            unweighted = [k for k in values if k not in weights]
            total = sum(weights.values())
            if unweighted or total <= 0:
                return None, Message.of(
                    "target.succession.unweighted",
                    weight=indicator_name(weight_indicator),
                    year=year,
                    units=", ".join(self._unit_name(k) for k in unweighted or values),
                )
            previous = sum(values[k] * weights[k] for k in values) / total
            return previous, Message.of(
                "target.succession.weighted",
                unit=unit,
                year=year,
                values=shown,
                weight=indicator_name(weight_indicator),
                lacking=lacking,
            )
        previous = sum(values.values()) / len(values)
        return previous, Message.of(
            "target.succession.mean", unit=unit, year=year, values=shown, lacking=lacking
        )

    def _unit_name(self, uid: str) -> str:
        """The name of unit ``uid`` for a reason; its id if it is not known."""
        found = self.all_units.get(uid)
        return found.name if found is not None else uid

    def judge_target(self, target: Target) -> TargetResult:
        plan = self.source.plan(target.plan)
        if not plan.covers_year(self.year):
            outside = Message.of(
                "target.outside-plan",
                year=self.year,
                plan=plan.title or plan.id,
                start=plan.start.year,
                end=plan.end.year,
            )
            return TargetResult(target, Outcome.NOT_APPLICABLE, outside, target.rule)
        unit = self.all_units.get(target.unit)
        if unit is not None and target.unit not in self.units:
            return TargetResult(
                target,
                Outcome.NOT_APPLICABLE,
                _not_in_force(unit, self.year, self.all_units),
                target.rule,
            )
        rule = target.rule
        binding, stretch, stretch_outcome = False, None, None
        try:
            if target.ratchet:
                tightened = self._tightened(target, plan)
                if tightened is not None and target.ratchet == "binding":
                    binding, rule = True, tightened
                elif tightened is not None:
                    stretch = tightened
            facts = self._facts_for(target, self.year)
            judgement = rule.judge(facts)
            reason = judgement.reason
            if binding:
                reason = Message.of("target.binding-ratchet", reason=reason, rule=rule.describe())
            if stretch is not None:
                stretch_outcome = stretch.judge(facts).outcome
                reason = Message.of(
                    "target.stretch",
                    reason=reason,
                    rule=stretch.describe(),
                    outcome=outcome_word(stretch_outcome),
                )
        except RuleError:
            raise
        except Exception as exc:
            raise RuleError(
                f"{type(exc).__name__}: {exc}",
                plugin=f"rule kind {type(rule).__module__}",
                hook="Rule.judge",
            ) from exc
        return TargetResult(
            target,
            judgement.outcome,
            reason,
            rule,
            facts,
            self._breakdown(target, facts),
            stretch=stretch,
            stretch_outcome=stretch_outcome,
            source=f"{plan.title} ({plan.document})" if plan.document else plan.title,
        )

    def _tightened(self, target: Target, plan: Plan) -> Rule | None:
        """The plan's rule tightened to the best level reached in earlier years of the
        plan (the ratchet), or ``None`` when it is no tighter."""
        rule, best = target.rule, Levels()
        for year in range(plan.start.year, self.year):
            earlier = rule.tightened(best).judge(self._facts_for(target, year))
            if earlier.outcome is Outcome.PASS:
                best = best.merge(earlier.achieved)
        tightened = rule.tightened(best)
        return None if tightened == rule else tightened

    def _breakdown(self, target: Target, facts: IndicatorFacts) -> Text:
        """The recorded computation behind a computed result (source "computed …"), when
        the source of the facts keeps them (the Tracker's ``index_computation``), rendered
        in the reader's language when it is read."""
        if not facts.source.casefold().startswith("computed"):
            return ""
        find = getattr(self.source, "index_computation", None)
        computation = None if find is None else find(target.indicator, target.unit, facts.year)
        if computation is None:
            return ""
        explanation: Text = computation.explanation(unit_name=self._unit_name(target.unit))
        return explanation

    def leader_ratings(
        self,
        units: Mapping[str, UnitResult],
        targets: Mapping[str, TargetResult],
    ) -> list[LeaderRating]:
        """One rating per head: for the post held at the evaluation date (or the last
        held in the year), on that unit's results of the whole year (Decree 90/2020
        Điều 20: the new unit rates a transferred official), bottom-up through the tree."""
        context = _HeadContext.gather(self, targets)
        posts: dict[str, list[Headship]] = defaultdict(list)
        for unit in units.values():
            for h in unit.facts.heads:
                if h.start <= self.as_of:  # a post taken up after the date is not known yet
                    posts[h.person].append(h)
        rated_for: dict[str, list[tuple[Headship, list[Headship]]]] = defaultdict(list)
        for held in posts.values():
            held.sort(key=lambda h: h.start)
            rated_for[_post_rated(held, self.as_of).unit].append(
                (_post_rated(held, self.as_of), held)
            )
        by_unit: dict[str, list[LeaderRating]] = defaultdict(list)
        ordered: list[LeaderRating] = []
        for uid in self._bottom_up():
            unit = units[uid]
            for headship, held in sorted(rated_for.get(uid, ()), key=lambda x: x[0].start):
                head = context.facts(
                    headship,
                    tuple(held),
                    unit,
                    subordinates=tuple(r for c in unit.facts.children for r in by_unit[c]),
                    subordinate_units=tuple(units[c] for c in unit.facts.children),
                )
                rating = self.rate(head)
                by_unit[uid].append(rating)
                ordered.append(rating)
        return ordered

    def _bottom_up(self) -> list[str]:
        """Unit ids, every unit after all the units under it."""
        order: list[str] = []

        def visit(uid: str) -> None:
            for child in sorted(self.children.get(uid, ())):
                visit(child)
            order.append(uid)

        for root in sorted(self.children.get(None, ())):
            visit(root)
        return order

    def rate(self, head: HeadFacts) -> LeaderRating:
        name = self.ruleset.name if self.ruleset else None
        if self.ruleset is None:
            decision = RatingDecision(
                None,
                (
                    Reason(
                        "evaluation.ruleset", Message.of("evaluation.no_ruleset", year=self.year)
                    ),
                ),
            )
            caps: list[Cap] = []
        else:
            decision = self.hooks.leader_base_rating(head, self.ruleset.name) or RatingDecision(
                None,
                (
                    Reason(
                        "evaluation.ruleset",
                        Message.of("evaluation.no_base_rating", ruleset=self.ruleset.name),
                    ),
                ),
            )
            caps = self.hooks.leader_caps(head, self.ruleset.name)
        final, undecided, applied = _apply_caps(decision, caps)
        return LeaderRating(
            person=head.person.id,
            unit=head.headship.unit,
            headship=head.headship,
            months=head.months,
            ruleset=name,
            base=decision.rating,
            rating=final,
            reasons=decision.reasons,
            caps=applied,
            undecided=undecided,
            posts=head.posts,
            category=head.category,
            recorded=head.recorded_ratings.get(head.year),
            working=head.working,
        )


def _apply_caps(
    decision: RatingDecision, caps: Sequence[Cap]
) -> tuple[Rating | None, tuple[Rating, Rating] | None, tuple[Cap, ...]]:
    """The final rating, what stays undecided, and the caps that bound it.

    A cap bounds the rating from above: the final rating is the lowest of the base and
    every cap; each cap at or below the base is kept as a reason (a cap equal to the base
    also decides it, and an official should see it). An undecided rating (lower, upper)
    is decided by a cap at or below its lower level, and stays undecided otherwise."""
    base, undecided = decision.rating, decision.undecided
    top = base if undecided is None else undecided[1]
    applied = tuple(
        sorted((c for c in caps if top is not None and c.rating <= top), key=lambda c: c.rating)
    )
    if undecided is not None:
        if applied and applied[0].rating <= undecided[0]:
            return applied[0].rating, None, applied
        return None, undecided, applied
    return (applied[0].rating if applied else base), None, applied


def _sanctions_by_unit(
    source: EvaluationSource, year: int, as_of: dt.date
) -> dict[str, tuple[UnitSanction, ...]]:
    found: dict[str, list[UnitSanction]] = defaultdict(list)
    for x in source.sanctions(year=year):
        if x.on <= as_of:  # a decision issued after the evaluation date is not known yet
            found[x.unit].append(x)
    return {unit: tuple(xs) for unit, xs in found.items()}


def _post_rated(held: Sequence[Headship], as_of: dt.date) -> Headship:
    """The post a head is rated for: the one held at ``as_of``, else the last held."""
    for h in held:
        if h.start <= as_of and (h.end is None or h.end >= as_of):
            return h
    return max(held, key=lambda h: (h.end or dt.date.max, h.start))


@attrs.frozen
class _HeadContext:
    """What the pipeline knows of every person for the year, gathered once."""

    run: _Run
    targets_of: Mapping[str, tuple[TargetResult, ...]]
    disciplines: Mapping[str, tuple[Discipline, ...]]
    assessments: Mapping[str, Assessment]
    absences: Mapping[str, tuple[Absence, ...]]
    recorded: Mapping[str, Mapping[int, Rating]]
    own_tasks: Mapping[str, tuple[Task, ...]]
    staff: Mapping[str, tuple[PersonRating, ...]]
    #: Sanctions of units for embezzlement, corruption or waste decided by the
    #: evaluation date, by unit.
    sanctions: Mapping[str, tuple[UnitSanction, ...]] = attrs.field(factory=dict)
    #: The names of every unit and person, by id.
    names: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def gather(cls, run: _Run, targets: Mapping[str, TargetResult]) -> _HeadContext:
        source, year = run.source, run.year
        targets_of: dict[str, list[TargetResult]] = defaultdict(list)
        for tr in targets.values():
            targets_of[tr.target.unit].append(tr)
        disciplines: dict[str, list[Discipline]] = defaultdict(list)
        for d in source.disciplines():
            # A decision issued after the evaluation date is not known yet.
            if d.on.year == year and d.on <= run.as_of:
                disciplines[d.person].append(d)
        absences: dict[str, list[Absence]] = defaultdict(list)
        for a in source.absences():
            absences[a.person].append(a)
        recorded: dict[str, dict[int, Rating]] = defaultdict(dict)
        for r in source.person_ratings():
            recorded[r.person][r.year] = r.rating
        own = run.year_tasks_by_assignee  # in the year's order: by due date
        assert own is not None, "the units' facts are made before the heads' context"
        staff: dict[str, list[PersonRating]] = defaultdict(list)
        for r in source.person_ratings(year=year):
            unit = _unit_of(source, r.person)  # not every person: those rated this year
            if unit is not None:
                staff[unit].append(r)
        return cls(
            run,
            {k: tuple(v) for k, v in targets_of.items()},
            {k: tuple(v) for k, v in disciplines.items()},
            {a.person: a for a in source.assessments(year=year)},
            {k: tuple(v) for k, v in absences.items()},
            recorded,
            {k: tuple(v) for k, v in own.items()},
            {k: tuple(v) for k, v in staff.items()},
            _sanctions_by_unit(source, year, run.as_of),
            _Names(run.all_units, source),
        )

    def facts(
        self,
        headship: Headship,
        posts: tuple[Headship, ...],
        unit: UnitResult,
        *,
        subordinates: tuple[LeaderRating, ...],
        subordinate_units: tuple[UnitResult, ...],
    ) -> HeadFacts:
        run, pid = self.run, headship.person
        person = run.source.person(pid)
        working = WorkingTime.of(person, self.absences.get(pid, ()), run.year)
        views = tuple(
            p.unit
            for p in posts
            if p != headship
            and months_in_post(p, run.year) >= run.config.decree90.min_months_rated
            and p.unit in run.all_units
            and run.all_units[p.unit].exists_between(run.as_of, run.as_of)
        )
        return HeadFacts(
            person=person,
            headship=headship,
            unit=unit,
            year=run.year,
            as_of=run.as_of,
            months=working.worked,
            disciplines=self.disciplines.get(pid, ()),
            subordinates=subordinates,
            targets=self.targets_of.get(headship.unit, ()),
            assessment=self.assessments.get(pid),
            config=run.config,
            category=headship.category or category_of_kind(unit.unit.kind),
            working=working,
            posts=posts,
            own_tasks=self.own_tasks.get(pid, ()),
            subordinate_units=subordinate_units,
            staff_ratings=tuple(r for r in self.staff.get(headship.unit, ()) if r.person != pid),
            recorded_ratings=self.recorded.get(pid, {}),
            # The units the head answers for directly: their own and those under it.
            sanctions=tuple(
                x for u in (unit, *subordinate_units) for x in self.sanctions.get(u.unit.id, ())
            ),
            views_from=views,
            names=self.names,
        )


class _Names(Mapping[str, str]):
    """The name of a unit or a person by id, for the reasons of rules: units from the
    evaluation's roster, people read from the store when a rule asks (most evaluations
    name a few, and decoding every person of a province would cost more). Iterating
    gives the units only."""

    def __init__(self, units: Mapping[str, Unit], source: EvaluationSource) -> None:
        self.units = units
        self.source = source

    def __getitem__(self, id: str) -> str:
        unit = self.units.get(id)
        if unit is not None:
            return unit.name
        try:
            return self.source.person(id).name
        except NotFoundError:
            raise KeyError(id) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)


def _unit_of(source: EvaluationSource, person: str) -> str | None:
    try:
        return source.person(person).unit
    except NotFoundError:
        return None


def derive_unit_rating(facts: UnitFacts) -> tuple[Rating | None, Message]:
    """A unit's collective rating derived from its task results with the thresholds of
    the heads' rules (``config.decree90``), and the reason with the figures: every task
    on time and half exceeded → HTXSNV; all completed, 80% on time → HTTNV; over 70%
    completed → HTNV; under 50% → KHTNV; between the two lines, HTNV unless
    ``decree90.undecided`` is ``"KHTNV"`` (the mildest reading [I])."""
    p = facts.config.decree90
    n = facts.counted - facts.pending
    if n == 0:
        return None, Message.of("evaluation.derived_none", as_of=facts.as_of)
    done = facts.completed / n
    figures = Message.of(
        "evaluation.derived",
        n=n,
        as_of=facts.as_of,
        done=done,
        on_time=facts.on_time / n,
        exceeded=facts.exceeded / n,
    )
    if facts.on_time == n and facts.exceeded / n >= p.excellent_exceeded_share:
        return Rating.EXCELLENT, figures
    if facts.completed == n and facts.on_time / n >= p.good_on_time_share:
        return Rating.GOOD, figures
    if done > p.completed_share:
        return Rating.COMPLETED, figures
    if done < p.not_completed_share:
        return Rating.NOT_COMPLETED, figures
    if p.undecided == "KHTNV":
        return Rating.NOT_COMPLETED, Message.of("evaluation.between_configured", figures=figures)
    return Rating.COMPLETED, Message.of("evaluation.between_mildest", figures=figures)


def _not_in_force(unit: Unit, year: int, names: Mapping[str, Unit]) -> Message:
    """Why a unit's target does not apply in ``year``: it had ended, or not yet begun."""
    if unit.valid_to is not None and unit.valid_to.year < year:
        if unit.successors:
            successors = ", ".join(names[s].name if s in names else s for s in unit.successors)
            return Message.of(
                "target.unit-ended-succeeded",
                unit=unit.name,
                end=unit.valid_to,
                successors=successors,
            )
        return Message.of("target.unit-ended", unit=unit.name, end=unit.valid_to)
    if unit.valid_from is None:
        return Message.of("target.unit-absent", unit=unit.name, year=year)
    return Message.of("target.unit-not-yet", unit=unit.name, start=unit.valid_from, year=year)


def _rank_in_peer_groups(
    scored: Mapping[str, UnitResult], group_of: Mapping[str, str]
) -> dict[str, UnitResult]:
    """Rank scored units within their peer groups, best first; ties share the better rank
    ("1, 2, 2, 4"). Units without a score are not ranked."""
    groups: dict[str, list[UnitResult]] = defaultdict(list)
    for uid, result in scored.items():
        if result.score is not None:
            groups[group_of[uid]].append(result)
    ranked = dict(scored)
    for members in groups.values():
        scores = sorted((r.score or 0.0 for r in members), reverse=True)
        for result in members:
            rank = scores.index(result.score or 0.0) + 1
            ranked[result.unit.id] = attrs.evolve(result, rank=rank, of=len(members))
    return ranked


def _leaders_by_person(ratings: Iterable[LeaderRating]) -> dict[str, LeaderRating]:
    """Person id → rating; each head is rated once."""
    return {r.person: r for r in ratings}


def run_evaluation(
    source: EvaluationSource,
    hooks: Hooks,
    year: int,
    as_of: dt.date,
    *,
    ruleset: RuleSet | None,
    plugins: tuple[tuple[str, str], ...],
    store_seq: int,
    config: Config | None = None,
) -> Evaluation:
    """Evaluate ``year`` as of ``as_of``; see the module docstring for the steps."""
    config = config or Config()
    run = _Run(source, hooks, year, as_of, ruleset, config)
    units = run.unit_results(run.unit_facts())
    targets = run.target_results()
    ratings = run.leader_ratings(units, targets)
    names = {u.id: u.name for u in run.units.values()}
    names.update({r.person: source.person(r.person).name for r in ratings})
    evaluation = Evaluation(
        year=year,
        as_of=as_of,
        ruleset=ruleset,
        units=units,
        targets=targets,
        leaders=_leaders_by_person(ratings),
        ratings=tuple(ratings),
        recommendations=(),
        plugins=plugins,
        store_seq=store_seq,
        names=names,
        config=config,
    )
    recommendations = tuple(hooks.recommendations(evaluation))
    evaluation = attrs.evolve(evaluation, recommendations=recommendations)
    hooks.evaluation_finished(evaluation)
    return evaluation
