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
import operator
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from . import _display
from .config import Config
from .errors import NotFoundError, ValidationError
from .i18n import Lang, Message, Text, render
from .ratings import Band, Rating
from .results import Absence, Assessment, Discipline, PersonRating, Result, UnitSanction
from .targets import IndicatorFacts, Outcome, Rule, Target
from .tasks import Task, TaskOutcome
from .units import Category, Headship, Person, Unit

if TYPE_CHECKING:
    import pandas as pd


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
    "WorkingTime",
]

# --- what rules say -------------------------------------------------------------------


@attrs.frozen
class Reason:
    """One step of reasoning: the ``rule`` that spoke, what it found (``text``, with the
    numbers), and the legal ``source``.

    ``text`` is a :class:`~cchc_tasks.i18n.Message` (a message id and its parameters,
    rendered in the reader's language) or a sentence shown as written. ``str(reason)``
    is English, for programs and logs; people's outputs call :meth:`render`."""

    rule: str
    text: Text
    source: str = ""

    def render(self, lang: Lang = "vi") -> str:
        """The reason in ``lang``: what was found, then the rule and its source."""
        where = f"{self.rule}; {self.source}" if self.source else self.rule
        return f"{render(self.text, lang)} [{where}]"

    def __str__(self) -> str:
        return self.render("en")


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
    name: Text
    points: float
    maximum: float
    reason: Text
    rule: str
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.points <= self.maximum:
            raise ValidationError(
                f"Criterion({self.id}).points",
                f"a number from 0 to the maximum {self.maximum}",
                self.points,
            )

    def describe(self) -> Message:
        """The criterion in one line: its name, points of the maximum, the reason and the
        rule (a message: render it in a language, or ``str()`` for English)."""
        return Message.of(
            "misc.criterion",
            name=self.name,
            points=self.points,
            maximum=self.maximum,
            reason=self.reason,
            rule=self.rule,
        )


@attrs.frozen
class Cap:
    """An upper bound on a head's rating, with the reason."""

    rating: Rating
    reason: Reason


@attrs.frozen
class RatingDecision:
    """A base rating (``None`` = not rated) and the reasons for it. ``undecided`` is set
    (lower level, upper level) when neither level's criteria hold and the rule leaves the
    choice to the evaluating authority; ``rating`` is then ``None``."""

    rating: Rating | None
    reasons: tuple[Reason, ...]
    undecided: tuple[Rating, Rating] | None = None


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
class WorkingTime:
    """A person's working time in one year (Decree 90/2020 Điều 2 khoản 3), in days:
    ``in_service`` (in the public service, see ``Person.service_start``/``service_end``),
    of which ``absent`` away from work for any reason other than maternity and
    ``maternity`` on maternity leave (``tr.record_absence``)."""

    days_in_year: int
    in_service: int
    absent: int = 0
    maternity: int = 0

    def _months(self, days: int) -> float:
        return days / self.days_in_year * 12 if self.days_in_year else 0.0

    @property
    def worked(self) -> float:
        """Months actually worked: in service, less every absence."""
        return self._months(max(0, self.in_service - self.absent - self.maternity))

    @property
    def absent_months(self) -> float:
        """Months away from work, maternity leave excluded."""
        return self._months(self.absent)

    @property
    def maternity_months(self) -> float:
        return self._months(self.maternity)

    @classmethod
    def of(cls, person: Person, absences: tuple[Absence, ...], year: int) -> WorkingTime:
        """``person``'s working time in ``year``; overlapping absences count once."""
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        first = max(person.service_start or start, start)
        last = min(person.service_end or end, end)
        days: dict[str, set[dt.date]] = {"other": set(), "maternity": set()}
        for a in absences:
            a_first, a_last = max(a.start, first), min(a.end, last)
            for n in range((a_last - a_first).days + 1):
                days[a.kind].add(a_first + dt.timedelta(days=n))
        other = days["other"] - days["maternity"]
        return cls(
            (end - start).days + 1,
            person.service_days(start, end),
            len(other),
            len(days["maternity"]),
        )


_ID = operator.attrgetter("id")
_EXCEEDED = operator.attrgetter("exceeded")
_DONE = frozenset({TaskOutcome.ON_TIME, TaskOutcome.LATE})


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
    # Looked up and counted once: rules ask for these many times per unit.
    _task_outcomes: tuple[TaskOutcome, ...] = attrs.field(init=False, repr=False, eq=False)
    _counts: Counter[TaskOutcome] = attrs.field(init=False, repr=False, eq=False)
    _exceeded: int = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        found = tuple(map(self.outcomes.__getitem__, map(_ID, self.tasks)))  # in C
        counts = Counter(found)
        # Done and exceeded, counted in C too: a unit's year is hundreds of tasks.
        exceeded = sum(
            map(operator.and_, map(_EXCEEDED, self.tasks), map(_DONE.__contains__, found))
        )
        object.__setattr__(self, "_task_outcomes", found)
        object.__setattr__(self, "_counts", counts)
        object.__setattr__(self, "_exceeded", exceeded)

    @property
    def task_outcomes(self) -> tuple[TaskOutcome, ...]:
        """The outcome of each of ``tasks``, in the same order: ``outcomes[task.id]``,
        looked up once for every rule and plugin that goes through the tasks."""
        return self._task_outcomes

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

    def describe(self) -> Message:
        """The unit's tasks of the year in one sentence (a message: render it in a
        language, or ``str()`` for English)."""
        return Message.of(
            "facts.unit",
            counted=self.counted,
            year=self.year,
            on_time=self.on_time,
            late=self.late,
            overdue=self.overdue,
            pending=self.pending,
            as_of=self.as_of,
            exceeded=Message.of("facts.exceeded", n=self.exceeded) if self.exceeded else "",
            cancelled=Message.of("facts.cancelled", n=self.cancelled) if self.cancelled else "",
        )


@attrs.frozen
class UnitResult:
    """A unit's facts, criteria, score (percent), band and rank in its peer group, and
    its collective ``rating``: recorded by the competent authority
    (``tr.record_unit_rating``) or derived from its task results; ``rating_reason`` says
    which, with the figures."""

    facts: UnitFacts
    criteria: tuple[Criterion, ...]
    score: float | None
    band: Band | None
    rank: int | None = None
    of: int | None = None
    rating: Rating | None = None
    rating_reason: Text = ""

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

    def describe(self) -> Message:
        """The unit's facts, score, band and rank in one sentence (a message)."""
        if self.score is None:
            score: Message = Message.of("facts.no_score")
        else:
            score = Message.of("facts.score", score=self.score)
        band = Message.of("facts.band", band=self.band) if self.band else ""
        rank = Message.of("facts.rank", rank=self.rank, of=self.of) if self.rank else ""
        return Message.of(
            "facts.unit_result", facts=self.facts.describe(), score=score, band=band, rank=rank
        )

    def describe_rating(self) -> Message:
        """The unit's collective rating and where it comes from (a message)."""
        code: Text = Message.of("facts.not_rated") if self.rating is None else self.rating.code
        if not self.rating_reason:
            return Message.of("facts.rating", code=code)
        return Message.of("facts.rating_because", code=code, reason=self.rating_reason)

    def _repr_html_(self) -> str:
        return _display.to_html(self)


@attrs.frozen
class TargetResult:
    """The verdict on one target for the year. ``rule`` is the rule as judged: the plan's
    rule, or the ratchet's tightened one when ``Target.ratchet == "binding"``. With
    ``ratchet=True`` the tightened rule is a stretch: ``stretch`` holds it and
    ``stretch_outcome`` its verdict (``None`` when it is no tighter than the plan's).
    ``source`` is the plan the target comes from. ``breakdown`` is empty unless the
    result judged
    was computed from its parts (its source starts with "computed"): then it holds the
    recorded computation behind it, down to each sub-criterion and its evidence
    (:meth:`Tracker.explain_index <cchc_tasks.Tracker.explain_index>`)."""

    target: Target
    outcome: Outcome
    reason: Text
    rule: Rule
    facts: IndicatorFacts | None = None
    breakdown: Text = ""
    stretch: Rule | None = None
    stretch_outcome: Outcome | None = None
    source: str = ""

    def _repr_html_(self) -> str:
        return _display.to_html(self)


@attrs.frozen
class LeaderRating:
    """A head's rating for one year, once, for the post held at the evaluation date (or
    the last held in the year): ``headship``; ``posts`` lists every headship held in the
    year. ``months`` is the time worked in the year (``working`` in days). ``rating`` is
    ``None`` when not rated, or when ``undecided`` (lower, upper): neither level's
    criteria hold and the evaluating authority decides. ``recorded`` is the official
    rating recorded with ``tr.record_rating``, shown next to the computed one."""

    person: str
    unit: str
    headship: Headship
    months: float
    ruleset: str | None
    base: Rating | None
    rating: Rating | None
    reasons: tuple[Reason, ...]
    caps: tuple[Cap, ...] = ()
    undecided: tuple[Rating, Rating] | None = None
    posts: tuple[Headship, ...] = ()
    category: Category | None = None
    recorded: Rating | None = None
    working: WorkingTime | None = None

    @property
    def code(self) -> str | None:
        return None if self.rating is None else self.rating.code

    def _repr_html_(self) -> str:
        return _display.to_html(self)


@attrs.frozen
class HeadFacts:
    """Everything a rating rule may use about one head in one year.

    ``headship`` is the post the head is rated for and ``unit`` its results of the whole
    year; ``posts`` every headship held in the year; ``months`` the months worked in the
    year (``working``, in days). ``own_tasks`` are the tasks assigned to the head (due in
    the year; outcomes in ``unit.facts.outcomes``); ``subordinate_units`` the results of
    the units under direct management, each with its collective rating;
    ``subordinates`` the ratings of their heads; ``staff_ratings`` the official ratings
    recorded for the people of the unit; ``recorded_ratings`` the person's own official
    ratings by year (for Decree 48/2023's "not counted twice"); ``views_from`` the
    earlier posts' units whose view is attached (held ≥ 6 months, still in existence:
    Decree 90/2020 Điều 20); ``sanctions`` those of the head's unit and of the units
    under direct management for embezzlement, corruption or waste decided in the year
    (Decree 335/2025, KHTNV case d).
    """

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
    category: Category = Category.CONG_CHUC
    working: WorkingTime | None = None
    posts: tuple[Headship, ...] = ()
    own_tasks: tuple[Task, ...] = ()
    subordinate_units: tuple[UnitResult, ...] = ()
    staff_ratings: tuple[PersonRating, ...] = ()
    recorded_ratings: Mapping[int, Rating] = attrs.field(factory=dict)
    views_from: tuple[str, ...] = ()
    sanctions: tuple[UnitSanction, ...] = ()
    #: The names of the units and people of the store, by id, for reasons people read.
    names: Mapping[str, str] = attrs.field(factory=dict)

    def name(self, id: str) -> str:
        """The name of unit or person ``id`` (the id itself when the store has none)."""
        return self.names.get(id, id)


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

    def provenance(self, lang: Lang = "vi") -> str:
        """What produced this evaluation, in one line of ``lang``: the rule set, every
        plugin that took part (built-in rules included) with its version, the
        configuration (province, and the journal seq of the store's configuration) and
        the store's journal position."""
        builtin = sorted({v for n, v in self.plugins if n.startswith("cchc_tasks.")})
        others = [f"{n} {v}" for n, v in self.plugins if not n.startswith("cchc_tasks.")]
        plugins: list[Text] = [
            *(Message.of("provenance.builtin", version=v) for v in builtin),
            *others,
        ]
        where = (
            Message.of("provenance.configured", seq=self.configuration_seq)
            if self.configuration_seq
            else Message.of("provenance.not_configured")
        )
        return Message.of(
            "provenance.line",
            ruleset=self.ruleset.name if self.ruleset is not None else Message.of("misc.none"),
            plugins=plugins or [Message.of("misc.none")],
            province=f"{self.config.province}, " if self.config.province else "",
            where=where,
            seq=self.store_seq,
        ).render(lang)

    def explain(self, id: str, lang: Lang = "vi") -> str:
        """The whole reasoning behind a person's rating, a unit's score or a target's
        outcome, as readable text in ``lang`` (Vietnamese by default)."""
        return (
            f"{self._explain(id, lang)}\n\n"
            f"{Message.of('explain.produced_by', line=self.provenance(lang)).render(lang)}"
        )

    def _explain(self, id: str, lang: Lang) -> str:
        if id in self.leaders:
            return "\n\n".join(
                self._explain_rating(r, lang) for r in self.ratings if r.person == id
            )
        if id in self.units:
            return self._explain_unit(self.units[id], lang)
        if id in self.targets:
            return self._explain_target(id, lang)
        raise NotFoundError("person, unit or target in this evaluation", id, "explain.id")

    def _explain_target(self, id: str, lang: Lang) -> str:
        result = self.targets[id]
        lines = [
            Message.of(
                "explain.target",
                target=result.target.title or id,
                indicator=result.target.indicator,
                unit=self._name(result.target.unit),
                year=self.year,
                outcome=result.outcome,
            ),
            Message.of("explain.rule", rule=result.rule.describe()),
            result.reason,
        ]
        text = "\n  ".join(render(x, lang) for x in lines)
        if result.breakdown:
            shown = render(result.breakdown, lang).splitlines()
            text += "\n  " + Message.of("explain.computed").render(lang)
            text += "".join(f"\n    {x}" for x in shown)
        return text

    def to_dataframe(self, what: str = "units", *, labels: Lang | None = None) -> pd.DataFrame:
        """One part of the evaluation as a pandas DataFrame: ``"units"``, ``"leaders"``,
        ``"targets"``, ``"recommendations"`` or ``"tasks"`` (needs the ``notebook`` extra;
        see :func:`cchc_tasks.notebook.evaluation_frame`)."""
        frame: pd.DataFrame = _display.to_frame(self, what, labels=labels)
        return frame

    def _repr_html_(self) -> str:
        return _display.to_html(self)

    def _name(self, id: str) -> str:
        return self.names.get(id) or id

    def _explain_unit(self, u: UnitResult, lang: Lang) -> str:
        lines: list[Text] = [
            Message.of("explain.unit", unit=self._name(u.unit.id), year=self.year),
            u.describe(),
            Message.of("explain.collective", rating=u.describe_rating()),
        ]
        lines += [Message.of("explain.criterion", criterion=c.describe()) for c in u.criteria]
        return "\n  ".join(render(x, lang) for x in lines)

    def _explain_rating(self, r: LeaderRating, lang: Lang) -> str:
        title: Text = self.ruleset.title if self.ruleset else Message.of("explain.no_ruleset")
        if r.undecided is not None:
            final: Text = Message.of(
                "explain.undecided", lower=r.undecided[0].code, upper=r.undecided[1].code
            )
        elif r.rating is None:
            final = Message.of("misc.not_rated")
        else:
            final = Message.of("explain.rating", code=r.rating.code, label=r.rating)
        lines: list[Text] = [
            Message.of(
                "explain.head",
                person=self._name(r.person),
                unit=self._name(r.unit),
                category=Message.of("explain.category", category=r.category) if r.category else "",
                year=self.year,
                months=round(r.months, 1),
            ),
            Message.of("explain.ruleset", title=title),
        ]
        for post in r.posts:
            lines.append(
                Message.of(
                    "explain.post",
                    unit=self._name(post.unit),
                    start=post.start,
                    end=post.end if post.end else Message.of("explain.still"),
                )
            )
        if r.unit in self.units:
            lines.append(Message.of("explain.unit_line", facts=self.units[r.unit].describe()))
        base: Text = Message.of("misc.none") if r.base is None else r.base.code
        lines.append(Message.of("explain.base", rating=base))
        text = "\n  ".join(render(x, lang) for x in lines)
        text += "".join(f"\n    - {reason.render(lang)}" for reason in r.reasons)
        rest: list[Text] = [
            Message.of("explain.cap", code=cap.rating.code, reason=cap.reason.render(lang))
            for cap in r.caps
        ]
        rest.append(Message.of("explain.final", rating=final))
        if r.recorded is not None:
            key = "explain.recorded_same" if r.recorded == r.rating else "explain.recorded_differs"
            rest.append(Message.of(key, code=r.recorded.code))
        return text + "".join(f"\n  {render(x, lang)}" for x in rest)
