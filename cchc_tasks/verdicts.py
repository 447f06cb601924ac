"""What rules say and what an evaluation holds: the value types of the evaluation.

:class:`Reason`, :class:`Cap`, :class:`RatingDecision`, :class:`Criterion`,
:class:`Recommendation` and :class:`RuleSet` are what rule plugins return;
:class:`UnitFacts` and :class:`HeadFacts` are what they receive; :class:`UnitResult`,
:class:`TargetResult`, :class:`LeaderRating` and :class:`Evaluation` are the outcome.
All are frozen attrs classes; they live apart from the pipeline
(:mod:`cchc_tasks.evaluation`) so that rule sets and hook specifications can import
them without importing the pipeline. Every name here is also importable from
:mod:`cchc_tasks.evaluation` and from :mod:`cchc_tasks`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from . import _display
from .config import Config
from .errors import NotFoundError, ValidationError
from .ratings import Band, Rating
from .results import Assessment, Discipline, Result
from .targets import IndicatorFacts, Outcome, Rule, Target
from .tasks import Task, TaskOutcome
from .units import Headship, Person, Unit

if TYPE_CHECKING:
    import pandas as pd

    from .labels import Lang

__all__ = [
    "Cap",
    "Criterion",
    "Evaluation",
    "HeadFacts",
    "LeaderRating",
    "RatingDecision",
    "Reason",
    "Recommendation",
    "RuleSet",
    "TargetResult",
    "UnitFacts",
    "UnitResult",
]

# --- what rules say -------------------------------------------------------------------


@attrs.frozen
class Reason:
    """One step of reasoning: the ``rule`` that spoke, what it found (``text``, with the
    numbers), and the legal ``source``."""

    rule: str
    text: str
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.rule}; {self.source}" if self.source else self.rule
        return f"{self.text} [{where}]"


@attrs.frozen
class RuleSet:
    """A named set of rating rules and the years it is in force."""

    name: str
    title: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    source: str = ""

    def in_force(self, year: int) -> bool:
        """In force for the evaluation of ``year`` (any day of the year counts)."""
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return self.effective_from <= end and (
            self.effective_to is None or self.effective_to >= start
        )


@attrs.frozen
class Criterion:
    """A scored criterion of a unit: ``points`` of ``maximum``, with the reason."""

    id: str
    name: str
    points: float
    maximum: float
    reason: str
    rule: str
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.points <= self.maximum:
            raise ValidationError(
                f"Criterion({self.id}).points",
                f"a number from 0 to the maximum {self.maximum}",
                self.points,
            )


@attrs.frozen
class Cap:
    """An upper bound on a head's rating, with the reason."""

    rating: Rating
    reason: Reason


@attrs.frozen
class RatingDecision:
    """A base rating (``None`` = not rated) and the reasons for it."""

    rating: Rating | None
    reasons: tuple[Reason, ...]


@attrs.frozen
class Recommendation:
    """A proposal for people to act on: ``kind`` is ``"commendation"``,
    ``"discipline-review"`` or ``"urge"`` (or a plugin's own); ``subject`` is a person or
    unit id as ``subject_kind`` says."""

    kind: str
    subject: str
    subject_kind: str
    reason: Reason


# --- facts ----------------------------------------------------------------------------


@attrs.frozen
class UnitFacts:
    """What is known of one unit for one year, as of a date."""

    unit: Unit
    year: int
    as_of: dt.date
    tasks: tuple[Task, ...]
    outcomes: Mapping[str, TaskOutcome]
    results: Mapping[str, Result]
    previous_results: Mapping[str, Result]
    heads: tuple[Headship, ...]
    children: tuple[str, ...]
    config: Config = attrs.field(factory=Config)
    # Counted once: rules ask for these numbers many times per unit.
    _counts: Counter[TaskOutcome] = attrs.field(init=False, repr=False, eq=False)
    _exceeded: int = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        counts = Counter(self.outcomes[t.id] for t in self.tasks)
        done = (TaskOutcome.ON_TIME, TaskOutcome.LATE)
        exceeded = sum(1 for t in self.tasks if t.exceeded and self.outcomes[t.id] in done)
        object.__setattr__(self, "_counts", counts)
        object.__setattr__(self, "_exceeded", exceeded)

    def count(self, outcome: TaskOutcome) -> int:
        return self._counts[outcome]

    @property
    def on_time(self) -> int:
        return self.count(TaskOutcome.ON_TIME)

    @property
    def late(self) -> int:
        return self.count(TaskOutcome.LATE)

    @property
    def overdue(self) -> int:
        return self.count(TaskOutcome.OVERDUE)

    @property
    def pending(self) -> int:
        return self.count(TaskOutcome.PENDING)

    @property
    def cancelled(self) -> int:
        return self.count(TaskOutcome.CANCELLED)

    @property
    def counted(self) -> int:
        """Tasks that count in the year: every task due in it except cancelled ones."""
        return len(self.tasks) - self.cancelled

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    @property
    def exceeded(self) -> int:
        """Completed tasks flagged "hoàn thành vượt mức"."""
        return self._exceeded

    def describe(self) -> str:
        return (
            f"{self.counted} tasks due in {self.year}: {self.on_time} on time, {self.late} "
            f"late, {self.overdue} overdue, {self.pending} pending as of {self.as_of}"
            + (f" ({self.exceeded} exceeded)" if self.exceeded else "")
            + (f"; {self.cancelled} cancelled" if self.cancelled else "")
        )


@attrs.frozen
class UnitResult:
    """A unit's facts, criteria, score (percent), band and rank in its peer group."""

    facts: UnitFacts
    criteria: tuple[Criterion, ...]
    score: float | None
    band: Band | None
    rank: int | None = None
    of: int | None = None

    @property
    def unit(self) -> Unit:
        return self.facts.unit

    @property
    def on_time(self) -> int:
        return self.facts.on_time

    @property
    def late(self) -> int:
        return self.facts.late

    @property
    def overdue(self) -> int:
        return self.facts.overdue

    @property
    def pending(self) -> int:
        return self.facts.pending

    @property
    def cancelled(self) -> int:
        return self.facts.cancelled

    @property
    def exceeded(self) -> int:
        return self.facts.exceeded

    def describe(self) -> str:
        score = "no score" if self.score is None else f"score {self.score:.1f}"
        band = f" ({self.band})" if self.band else ""
        rank = f", rank {self.rank} of {self.of} in its peer group" if self.rank else ""
        return f"{self.facts.describe()}; {score}{band}{rank}"

    def _repr_html_(self) -> str:
        return _display.to_html(self)


@attrs.frozen
class TargetResult:
    """The verdict on one target for the year. ``rule`` is the rule as judged (tightened
    by the ratchet where it applies). ``breakdown`` is empty unless the result judged
    was computed from its parts (its source starts with "computed"): then it holds the
    recorded computation behind it, down to each sub-criterion and its evidence
    (:meth:`Tracker.explain_index <cchc_tasks.Tracker.explain_index>`)."""

    target: Target
    outcome: Outcome
    reason: str
    rule: Rule
    facts: IndicatorFacts | None = None
    breakdown: str = ""

    def _repr_html_(self) -> str:
        return _display.to_html(self)


@attrs.frozen
class LeaderRating:
    """A head's rating for one unit and year; ``rating`` is ``None`` when not rated."""

    person: str
    unit: str
    headship: Headship
    months: float
    ruleset: str | None
    base: Rating | None
    rating: Rating | None
    reasons: tuple[Reason, ...]
    caps: tuple[Cap, ...] = ()

    @property
    def code(self) -> str | None:
        return None if self.rating is None else self.rating.code

    def _repr_html_(self) -> str:
        return _display.to_html(self)


@attrs.frozen
class HeadFacts:
    """Everything a rating rule may use about one head in one year."""

    person: Person
    headship: Headship
    unit: UnitResult
    year: int
    as_of: dt.date
    months: float
    disciplines: tuple[Discipline, ...]
    subordinates: tuple[LeaderRating, ...]
    targets: tuple[TargetResult, ...]
    assessment: Assessment | None = None
    config: Config = attrs.field(factory=Config)


# --- the result -----------------------------------------------------------------------


@attrs.frozen
class Evaluation:
    """The immutable outcome of evaluating one year.

    ``units`` (by unit id), ``targets`` (by target id), ``leaders`` (by person id: the
    head's rating for the unit they headed longest that year; all of them in
    ``ratings``), ``recommendations``, the ``ruleset`` used and the ``plugins`` (name,
    version) that ran, and ``store_seq``, the journal position of the inputs.
    """

    year: int
    as_of: dt.date
    ruleset: RuleSet | None
    units: Mapping[str, UnitResult]
    targets: Mapping[str, TargetResult]
    leaders: Mapping[str, LeaderRating]
    ratings: tuple[LeaderRating, ...]
    recommendations: tuple[Recommendation, ...]
    plugins: tuple[tuple[str, str], ...]
    store_seq: int
    names: Mapping[str, str] = attrs.field(factory=dict)
    config: Config = attrs.field(factory=Config)
    #: The journal seq of the store's configuration in force (0: never configured).
    configuration_seq: int = 0

    def provenance(self) -> str:
        """What produced this evaluation, in one line: the rule set, every plugin
        that took part (built-in rules included) with its version, the configuration
        (province, and the journal seq of the store's configuration) and the store's
        journal position."""
        ruleset = self.ruleset.name if self.ruleset is not None else "none"
        builtin = sorted({v for n, v in self.plugins if n.startswith("cchc_tasks.")})
        others = [f"{n} {v}" for n, v in self.plugins if not n.startswith("cchc_tasks.")]
        plugins = ", ".join([*(f"built-in rules {v}" for v in builtin), *others]) or "none"
        where = (
            f"store configuration of seq {self.configuration_seq}"
            if self.configuration_seq
            else "no store configuration"
        )
        province = f"{self.config.province}, " if self.config.province else ""
        return (
            f"rule set {ruleset}; plugins {plugins}; configuration {province}{where}; "
            f"store seq {self.store_seq}"
        )

    def explain(self, id: str) -> str:
        """The whole reasoning behind a person's rating, a unit's score or a target's
        outcome, as readable text."""
        return f"{self._explain(id)}\n\nProduced by: {self.provenance()}"

    def _explain(self, id: str) -> str:
        if id in self.leaders:
            return "\n\n".join(self._explain_rating(r) for r in self.ratings if r.person == id)
        if id in self.units:
            return self._explain_unit(self.units[id])
        if id in self.targets:
            result = self.targets[id]
            text = (
                f"Target {id} ({result.target.indicator} of {result.target.unit}), "
                f"{self.year}: {result.outcome.value}\n  rule: {result.rule}\n  "
                f"{result.reason}"
            )
            if result.breakdown:
                lines = result.breakdown.splitlines()
                text += "\n  computed from its parts:" + "".join(f"\n    {x}" for x in lines)
            return text
        raise NotFoundError("person, unit or target in this evaluation", id, "explain.id")

    def to_dataframe(self, what: str = "units", *, labels: Lang | None = None) -> pd.DataFrame:
        """One part of the evaluation as a pandas DataFrame: ``"units"``, ``"leaders"``,
        ``"targets"``, ``"recommendations"`` or ``"tasks"`` (needs the ``notebook`` extra;
        see :func:`cchc_tasks.notebook.evaluation_frame`)."""
        frame: pd.DataFrame = _display.to_frame(self, what, labels=labels)
        return frame

    def _repr_html_(self) -> str:
        return _display.to_html(self)

    def _name(self, id: str) -> str:
        name = self.names.get(id)
        return f"{name} ({id})" if name else id

    def _explain_unit(self, u: UnitResult) -> str:
        lines = [f"Unit {self._name(u.unit.id)}, {self.year}", f"  {u.describe()}"]
        for c in u.criteria:
            lines.append(
                f"  criterion {c.name}: {c.points:g} of {c.maximum:g}: {c.reason} [{c.rule}]"
            )
        return "\n".join(lines)

    def _explain_rating(self, r: LeaderRating) -> str:
        title = self.ruleset.title if self.ruleset else "no rule set in force"
        final = "not rated" if r.rating is None else f"{r.rating.code} ({r.rating.label_vi})"
        lines = [
            f"{self._name(r.person)}: head of {self._name(r.unit)} in {self.year}, "
            f"{r.months:.1f} months in the post",
            f"  rule set: {title}",
        ]
        if r.unit in self.units:
            lines.append(f"  unit: {self.units[r.unit].describe()}")
        base = "none" if r.base is None else r.base.code
        lines.append(f"  base rating: {base}")
        lines.extend(f"    - {reason}" for reason in r.reasons)
        for cap in r.caps:
            lines.append(f"  cap at {cap.rating.code}: {cap.reason}")
        lines.append(f"  final rating: {final}")
        return "\n".join(lines)
