"""The PAR-style index ("Chỉ số cải cách hành chính"): criteria as data, scorecards, results.

Every province writes its own criteria table for each kind of unit and revises it most
years, and the tables that were found (regulation.md §1) share one shape but not one set
of numbers: fields ("lĩnh vực") → criteria ("tiêu chí") → sub-criteria ("tiêu chí thành
phần"), each with a maximum, plus a sociological-survey part and, in Hà Nội since 2025,
bonus and penalty points. So the tree is *data* — a TOML or JSON file loaded by
:func:`load_criteria` and checked on load (:mod:`cchc_tasks.criteria`, whose names are
importable from here too) — and only the arithmetic is code (rule R1):

* ``index % = 100 × (appraised + survey + bonus − penalty) / maximum``, clamped to 0–100;
* a component index per field (and per criterion) = points / that node's maximum;
* without a survey, the appraised part is rescaled to the full scale (Hà Nội practice),
  unless ``rescale_without_survey=False``.

A :class:`UnitScorecard` holds one unit's year: self-assessed points with evidence,
the appraisal council's replacements, survey points, bonus and penalty points, and the
task counts that fill designated criteria automatically. :func:`compute_index` turns a
tree and a scorecard into an :class:`IndexResult` that keeps, for every node, its points,
maximum, source and evidence, so :meth:`IndexResult.explain` can answer "why 84.35?"
down to each document. Nothing here reads a clock or a store: the tracker feeds it.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from ._fields import (
    check_id,
    check_int,
    check_nonempty_text,
    check_number,
    check_optional_date,
    check_text,
    check_year,
    field_name,
    is_finite_number,
    nfc,
)
from .criteria import (
    FORMULAS,
    LEVELS,
    POINTS_TOLERANCE,
    AutoFormula,
    CriteriaNode,
    CriteriaTree,
    as_tuple,
    default_criteria,
    load_criteria,
    points_text,
    tuple_of,
)
from .errors import ValidationError
from .i18n import Lang, Message, Text, render

__all__ = [
    "FORMULAS",
    "Appraisal",
    "AutoFormula",
    "Bonus",
    "CriteriaNode",
    "CriteriaTree",
    "Evidence",
    "IndexResult",
    "NodeScore",
    "Penalty",
    "ScoreSource",
    "SelfAssessment",
    "TaskCounts",
    "UnitScorecard",
    "compute_index",
    "default_criteria",
    "load_criteria",
]

# --- Scorecards ---------------------------------------------------------------------------


@attrs.frozen
class Evidence:
    """A piece of evidence ("tài liệu kiểm chứng"): a document number, its date, a link.

    Appraisal councils check self-assessed points against documents, so each point
    should say which document proves it; at least a document or a link is required.
    """

    document: str = attrs.field(default="", converter=nfc, validator=check_text)
    date: dt.date | None = attrs.field(default=None, validator=check_optional_date)
    link: str = attrs.field(default="", converter=nfc, validator=check_text)

    def __attrs_post_init__(self) -> None:
        if not self.document and not self.link:
            raise ValidationError("Evidence.document", "a document number or a link", "")

    def __str__(self) -> str:
        parts = [self.document] if self.document else []
        if self.date is not None:
            parts.append(self.date.strftime("%d/%m/%Y"))
        if self.link:
            parts.append(self.link)
        return ", ".join(parts)


def _evidence_tuple(value: Any) -> Any:
    if isinstance(value, Evidence):
        return (value,)
    return as_tuple(value)


@attrs.frozen
class SelfAssessment:
    """The unit's own points for one scored criterion ("tự đánh giá, chấm điểm")."""

    criterion: str = attrs.field(converter=nfc, validator=check_id)
    points: float = attrs.field(validator=check_number(minimum=0.0))
    evidence: tuple[Evidence, ...] = attrs.field(
        default=(), converter=_evidence_tuple, validator=tuple_of(Evidence, "Evidence")
    )
    note: str = attrs.field(default="", converter=nfc, validator=check_text)


@attrs.frozen
class Appraisal:
    """The appraisal council's points for one criterion ("thẩm định"). They replace the
    self-assessed points; ``by`` and ``reason`` say who changed them and why."""

    criterion: str = attrs.field(converter=nfc, validator=check_id)
    points: float = attrs.field(validator=check_number(minimum=0.0))
    by: str = attrs.field(default="", converter=nfc, validator=check_text)
    reason: str = attrs.field(default="", converter=nfc, validator=check_text)


@attrs.frozen
class Bonus:
    """Bonus points ("điểm thưởng") outside the criteria, with the reason."""

    points: float = attrs.field(validator=check_number(minimum=0.0))
    reason: str = attrs.field(converter=nfc, validator=check_nonempty_text)


@attrs.frozen
class Penalty:
    """Penalty points ("điểm trừ"), subtracted from the total, with the reason."""

    points: float = attrs.field(validator=check_number(minimum=0.0))
    reason: str = attrs.field(converter=nfc, validator=check_nonempty_text)


@attrs.frozen
class TaskCounts:
    """A unit's plan tasks of the year as counted for automatic criteria."""

    on_time: int = attrs.field(default=0, validator=check_int(minimum=0))
    late: int = attrs.field(default=0, validator=check_int(minimum=0))
    overdue: int = attrs.field(default=0, validator=check_int(minimum=0))

    @classmethod
    def from_outcomes(cls, outcomes: Iterable[str]) -> TaskCounts:
        """Count ``on_time``, ``late`` and ``overdue`` outcomes (``TaskOutcome`` values);
        pending and cancelled tasks are not counted."""
        values = [str(o) for o in outcomes]
        return cls(values.count("on_time"), values.count("late"), values.count("overdue"))

    @property
    def counted(self) -> int:
        return self.on_time + self.late + self.overdue

    def describe(self) -> Message:
        """The counts in words ("3 on time, 1 late, 0 overdue"), in the reader's language."""
        return Message.of("index.tasks", on_time=self.on_time, late=self.late, overdue=self.overdue)

    def __str__(self) -> str:
        return str(self.describe())


def _unique_criteria(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    seen: set[str] = set()
    for i, item in enumerate(value):
        if item.criterion in seen:
            raise ValidationError(
                f"{field_name(instance, attribute)}[{i}].criterion",
                "one entry per criterion",
                item.criterion,
            )
        seen.add(item.criterion)


@attrs.frozen
class UnitScorecard:
    """Everything scored for one unit in one year, before the arithmetic.

    ``survey_points`` is ``None`` when the unit was not surveyed (the index is then
    rescaled, see :func:`compute_index`), which is not the same as a survey that gave 0.
    ``tasks`` feeds the automatic criteria; ``None`` leaves them to the self-assessment.
    """

    unit: str = attrs.field(converter=nfc, validator=check_id)
    year: int = attrs.field(validator=check_year)
    self_assessments: tuple[SelfAssessment, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=[tuple_of(SelfAssessment, "SelfAssessment"), _unique_criteria],
    )
    appraisals: tuple[Appraisal, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=[tuple_of(Appraisal, "Appraisal"), _unique_criteria],
    )
    survey_points: float | None = attrs.field(
        default=None, validator=check_number(minimum=0.0, optional=True)
    )
    bonuses: tuple[Bonus, ...] = attrs.field(
        default=(), converter=as_tuple, validator=tuple_of(Bonus, "Bonus")
    )
    penalties: tuple[Penalty, ...] = attrs.field(
        default=(), converter=as_tuple, validator=tuple_of(Penalty, "Penalty")
    )
    tasks: TaskCounts | None = attrs.field(default=None)

    @tasks.validator
    def _check_tasks(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not isinstance(value, TaskCounts):
            raise ValidationError("UnitScorecard.tasks", "TaskCounts or None", value)

    @property
    def id(self) -> str:
        """The store key: one scorecard per unit and year."""
        return f"{self.unit}@{self.year}"


# --- Results ------------------------------------------------------------------------------


class ScoreSource(enum.StrEnum):
    """Where a node's points came from."""

    SELF = "self"  #: the unit's self-assessment
    APPRAISED = "appraised"  #: the appraisal council replaced the self-assessed points
    AUTO = "auto"  #: computed from task completion
    SURVEY = "survey"  #: the sociological survey
    SUM = "sum"  #: the sum of the node's children
    MISSING = "missing"  #: nothing scored: 0 points


@attrs.frozen
class NodeScore:
    """One node of a computed index: points of ``max_points``, the source and evidence.

    ``self_points`` keeps the self-assessed points when an appraisal or a formula
    replaced them, so a report can show both. ``note`` is what was written with the
    points: the appraisal's reason, or the self-assessment's note. ``by`` is who
    appraised; ``formula`` and ``tasks`` are the automatic formula and the task counts
    it scored. (Computations recorded before these fields kept the whole explanation,
    in English and in parentheses, in ``note``; it is shown as it was written.)
    """

    id: str = attrs.field(validator=check_nonempty_text)
    name: str = attrs.field(validator=check_text)
    level: str = attrs.field(validator=check_nonempty_text)
    points: float = attrs.field(validator=check_number())
    max_points: float = attrs.field(validator=check_number(minimum=0.0))
    source: ScoreSource = attrs.field(converter=ScoreSource)
    evidence: tuple[Evidence, ...] = attrs.field(default=(), converter=as_tuple)
    children: tuple[NodeScore, ...] = attrs.field(default=(), converter=as_tuple)
    self_points: float | None = attrs.field(default=None)
    note: str = attrs.field(default="", validator=check_text)
    by: str = attrs.field(default="", validator=check_text)
    formula: str = attrs.field(default="", validator=check_text)
    tasks: TaskCounts | None = attrs.field(default=None)

    def how(self) -> Text:
        """How the points came, in parentheses ("(by the council; …; self-assessed 4)"),
        or ``""``: a message, or a note recorded before there were messages."""
        legacy = self.note.startswith("(") and not self.by and not self.formula
        if legacy or self.source not in (ScoreSource.APPRAISED, ScoreSource.AUTO):
            return f"({self.note})" if self.note and not legacy else self.note
        parts: list[Text] = []
        if self.source is ScoreSource.AUTO and self.tasks is not None:
            formula = _FORMULA_NAMES.get(self.formula, self.formula)
            parts.append(
                Message.of("index.node.auto", formula=formula, tasks=self.tasks.describe())
            )
        if self.by:
            parts.append(Message.of("index.node.by", by=self.by))
        if self.note:
            parts.append(self.note)
        if self.self_points is not None:
            parts.append(Message.of("index.node.self-assessed", points=self.self_points))
        return Message.of("index.node.how", parts=parts) if parts else ""

    @property
    def percent(self) -> float | None:
        """The component index of this node: points / maximum × 100 (None if max is 0)."""
        return None if self.max_points == 0 else 100.0 * self.points / self.max_points

    def iter_nodes(self) -> Iterator[NodeScore]:
        yield self
        for child in self.children:
            yield from child.iter_nodes()


#: The built-in formulas by their names in a reader's language.
_FORMULA_NAMES: dict[str, Text] = {
    "on_time_share": Message("index.formula.on_time_share"),
    "done_share": Message("index.formula.done_share"),
    "all_on_time": Message("index.formula.all_on_time"),
}

#: Where a scored criterion's points came from, as an explanation shows it.
_SOURCE_WORDS = {
    ScoreSource.SELF: Message("index.source.self"),
    ScoreSource.APPRAISED: Message("index.source.appraised"),
    ScoreSource.AUTO: Message("index.source.auto"),
    ScoreSource.SURVEY: Message("index.source.survey"),
    ScoreSource.SUM: Message("index.source.sum"),
    ScoreSource.MISSING: Message("index.source.missing"),
}


@attrs.frozen
class IndexResult:
    """A unit's PAR-style index for a year, with the breakdown behind every number.

    ``value`` is the index in percent, clamped to 0–100; ``raw_value`` is before the
    clamp (bonus points can push a total past the maximum, penalties below zero).
    ``total`` is in points on the tree's scale, after any rescaling.
    """

    unit: str = attrs.field(validator=check_id)
    year: int = attrs.field(validator=check_year)
    value: float = attrs.field(validator=check_number(minimum=0.0, maximum=100.0))
    raw_value: float = attrs.field(validator=check_number())
    total: float = attrs.field(validator=check_number())
    max_points: float = attrs.field(validator=check_number(minimum=0.0))
    appraised_points: float = attrs.field(validator=check_number(minimum=0.0))
    appraised_max: float = attrs.field(validator=check_number(minimum=0.0))
    survey: NodeScore | None
    bonuses: tuple[Bonus, ...]
    penalties: tuple[Penalty, ...]
    rescaled: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    fields: tuple[NodeScore, ...]
    criteria: str = ""
    criteria_id: str = ""

    @property
    def bonus(self) -> float:
        return math.fsum(b.points for b in self.bonuses)

    @property
    def penalty(self) -> float:
        return math.fsum(p.points for p in self.penalties)

    @property
    def components(self) -> dict[str, float | None]:
        """The component index of each field, in percent, by field id."""
        return {f.id: f.percent for f in self.fields}

    def component(self, id: str) -> float | None:
        """The component index (percent) of any field or criterion."""
        return self.node(id).percent

    def iter_nodes(self) -> Iterator[NodeScore]:
        for field in self.fields:
            yield from field.iter_nodes()
        if self.survey is not None:
            yield self.survey

    def node(self, id: str) -> NodeScore:
        for node in self.iter_nodes():
            if node.id == nfc(id):
                return node
        raise ValidationError("criterion", "a criterion id of this result", id)

    @property
    def missing(self) -> tuple[str, ...]:
        """Scored criteria for which nothing was entered (counted as 0)."""
        return tuple(n.id for n in self.iter_nodes() if n.source is ScoreSource.MISSING)

    def summary(self, unit_name: str | None = None) -> Message:
        """The index in one line ("PAR index of …, 2024: 84.35% (…)"), a message;
        ``unit_name`` is shown instead of the unit's id."""
        notes: list[Text] = []
        if self.rescaled:
            notes.append(Message("index.rescaled"))
        if self.raw_value != self.value:
            notes.append(Message.of("index.clamped", raw=self.raw_value))
        return Message.of(
            "index.summary",
            unit=unit_name or self.unit,
            year=self.year,
            value=self.value,
            total=self.total,
            max=self.max_points,
            notes=Message.of("index.summary.notes", notes=notes) if notes else "",
        )

    def describe(self, lang: Lang = "en", *, unit_name: str | None = None) -> str:
        """:meth:`summary` in ``lang``: English unless asked (as it always was, for
        programs); people's outputs pass their reader's language."""
        return render(self.summary(unit_name), lang)

    def explain(self, lang: Lang = "en", *, unit_name: str | None = None) -> str:
        """Every number behind the index, down to each sub-criterion and its evidence, in
        ``lang`` (English unless asked; people's outputs pass their reader's language);
        ``unit_name`` is shown instead of the unit's id."""

        def line(id: str, pad: str = "  ", /, **params: object) -> str:
            return pad + Message(id, params).render(lang)

        lines = [self.describe(lang, unit_name=unit_name)]
        if self.criteria:
            lines.append(line("index.criteria", criteria=self.criteria))
        appraised = line("index.appraised", points=self.appraised_points, max=self.appraised_max)
        if self.rescaled:
            scaled = self.appraised_points * self.max_points / self.appraised_max
            appraised += render(
                Message.of("index.appraised.rescaled", points=scaled, max=self.max_points), lang
            )
        lines.append(appraised)

        def add(node: NodeScore, depth: int) -> None:
            pad = "  " * (depth + 1)
            scored = {"name": node.name, "points": node.points, "max": node.max_points}
            # The survey's id is the library's word "survey", not the province's: not shown.
            if node.level == "survey":
                text = line("index.node.survey", pad, **scored)
            else:
                text = line("index.node", pad, id=node.id, **scored)
            if node.children or node.level == "field":
                if node.percent is not None:
                    text += render(Message.of("index.percent", percent=node.percent), lang)
            else:
                text += f" [{render(_SOURCE_WORDS[node.source], lang)}]"
            how = render(node.how(), lang)
            if how:
                text += f" {how}"
            lines.append(text)
            lines.extend(
                line("index.evidence", f"{pad}    ", evidence=str(e)) for e in node.evidence
            )
            for child in node.children:
                add(child, depth + 1)

        for field in self.fields:
            add(field, 0)
        if self.survey is not None:
            add(self.survey, 0)
        else:
            lines.append(line("index.no-survey"))
        lines.extend(line("index.bonus", points=b.points, reason=b.reason) for b in self.bonuses)
        lines.extend(
            line("index.penalty", points=p.points, reason=p.reason) for p in self.penalties
        )
        return "\n".join(lines)


def _resolve_auto(
    tree: CriteriaTree, auto_criteria: Mapping[str, str | AutoFormula] | None
) -> dict[str, tuple[str, AutoFormula]]:
    chosen: dict[str, str | AutoFormula] = {
        n.id: n.auto for n in tree.iter_nodes() if n.auto is not None
    }
    for key, formula in (auto_criteria or {}).items():
        chosen[nfc(key)] = formula
    resolved: dict[str, tuple[str, AutoFormula]] = {}
    for key, formula in chosen.items():
        if key not in tree or not tree.node(key).is_leaf:
            raise ValidationError(
                f"auto_criteria[{key!r}]", f"the id of a scored criterion of {tree.label}", key
            )
        if isinstance(formula, str):
            if formula not in FORMULAS:
                raise ValidationError(
                    f"auto_criteria[{key!r}]", f"a function or one of {sorted(FORMULAS)}", formula
                )
            resolved[key] = (formula, FORMULAS[formula])
        elif callable(formula):
            resolved[key] = (getattr(formula, "__name__", "formula"), formula)
        else:
            raise ValidationError(
                f"auto_criteria[{key!r}]", f"a function or one of {sorted(FORMULAS)}", formula
            )
    return resolved


def _check_entries(
    tree: CriteriaTree, entries: Iterable[SelfAssessment | Appraisal], name: str
) -> None:
    for i, entry in enumerate(entries):
        where = f"UnitScorecard.{name}[{i}]"
        if entry.criterion not in tree or not tree.node(entry.criterion).is_leaf:
            raise ValidationError(
                f"{where}.criterion",
                f"the id of a scored criterion (one without sub-criteria) of {tree.label}",
                entry.criterion,
            )
        maximum = tree.node(entry.criterion).max_points
        if entry.points > maximum + POINTS_TOLERANCE:
            raise ValidationError(
                f"{where}.points",
                f"at most the maximum of criterion {entry.criterion}, {points_text(maximum)}",
                entry.points,
            )


@attrs.frozen
class _Scoring:
    """What scores the leaves of a tree for one scorecard: the self-assessed and
    appraised points by criterion, the automatic formulas and the task counts."""

    own: Mapping[str, SelfAssessment]
    appraised: Mapping[str, Appraisal]
    autos: Mapping[str, tuple[str, AutoFormula]]
    tasks: TaskCounts | None

    def score(self, node: CriteriaNode, depth: int) -> NodeScore:
        """``node`` scored: a leaf by :meth:`leaf`, a parent as its children's sum."""
        level = LEVELS[depth]
        if not node.children:
            return self.leaf(node, level)
        children = tuple(self.score(c, depth + 1) for c in node.children)
        points = math.fsum(c.points for c in children)
        return NodeScore(
            node.id, node.name, level, points, node.max_points, ScoreSource.SUM, (), children
        )

    def leaf(self, node: CriteriaNode, level: str) -> NodeScore:
        """A scored criterion: the appraisal's points, else the formula's (when it can
        say), else the self-assessed points, else 0, missing."""
        mine = self.own.get(node.id)
        self_points = mine.points if mine is not None else None
        evidence = mine.evidence if mine is not None else ()

        def scored(points: float, source: ScoreSource, note: str, **how: Any) -> NodeScore:
            return NodeScore(
                node.id,
                node.name,
                level,
                points,
                node.max_points,
                source,
                evidence,
                (),
                self_points,
                note,
                **how,
            )

        if node.id in self.appraised:
            a = self.appraised[node.id]
            return scored(a.points, ScoreSource.APPRAISED, a.reason, by=a.by)
        share = self.auto_share(node)
        if share is not None:
            formula = self.autos[node.id][0]
            return scored(
                share * node.max_points, ScoreSource.AUTO, "", formula=formula, tasks=self.tasks
            )
        if mine is not None:
            return scored(mine.points, ScoreSource.SELF, mine.note)
        return scored(0.0, ScoreSource.MISSING, "")

    def auto_share(self, node: CriteriaNode) -> float | None:
        """The share of ``node``'s maximum its formula gives, if it has one, there are task
        counts and the formula can say."""
        if node.id not in self.autos or self.tasks is None:
            return None
        share = self.autos[node.id][1](self.tasks.on_time, self.tasks.late, self.tasks.overdue)
        if share is not None and (not is_finite_number(share) or not 0 <= share <= 1):
            raise ValidationError(
                f"auto_criteria[{node.id!r}]", "a share from 0 to 1, or None", share
            )
        return share


def _survey(tree: CriteriaTree, scorecard: UnitScorecard) -> NodeScore | None:
    """The survey's points as a node of the result; ``None`` when the unit was not
    surveyed."""
    if scorecard.survey_points is None:
        return None
    if scorecard.survey_points > tree.survey_max + POINTS_TOLERANCE:
        raise ValidationError(
            "UnitScorecard.survey_points",
            f"at most the survey's maximum, {points_text(tree.survey_max)}",
            scorecard.survey_points,
        )
    return NodeScore(
        id="survey",
        name=tree.survey_name,
        level="survey",
        points=scorecard.survey_points,
        max_points=tree.survey_max,
        source=ScoreSource.SURVEY,
    )


def _bonus_and_penalty(tree: CriteriaTree, scorecard: UnitScorecard) -> tuple[float, float]:
    """The bonus and penalty points in all, each within its cap."""
    bonus = math.fsum(b.points for b in scorecard.bonuses)
    penalty = math.fsum(p.points for p in scorecard.penalties)
    for name, amount, cap in (
        ("bonuses", bonus, tree.bonus_max),
        ("penalties", penalty, tree.penalty_max),
    ):
        if amount > cap + POINTS_TOLERANCE:
            raise ValidationError(
                f"UnitScorecard.{name}", f"points totalling at most {points_text(cap)}", amount
            )
    return bonus, penalty


def compute_index(
    tree: CriteriaTree,
    scorecard: UnitScorecard,
    *,
    rescale_without_survey: bool = True,
    auto_criteria: Mapping[str, str | AutoFormula] | None = None,
) -> IndexResult:
    """The index of ``scorecard``'s unit and year under ``tree`` (rule R1).

    Each scored criterion takes, in order of precedence: the appraisal's points; the
    automatic formula's (when the criterion is automatic, ``scorecard.tasks`` is set and
    the formula can say); the self-assessed points; else 0, marked missing. Points above
    a criterion's maximum are a :class:`ValidationError`, never clamped silently.

    ``index % = 100 × (appraised + survey + bonus − penalty) / max_points`` clamped to
    0–100. With no survey points and ``rescale_without_survey`` (the default, as in Hà
    Nội), the appraised part stands for the whole scale: it is multiplied by
    ``max_points / appraised_max`` before bonus and penalty are added. Otherwise a
    missing survey counts 0.

    ``auto_criteria`` maps criterion ids to a name in :data:`FORMULAS` or a function
    ``(on_time, late, overdue) -> share or None``; it adds to (and overrides) the
    ``auto`` entries of the tree.
    """
    if not isinstance(tree, CriteriaTree):
        raise ValidationError("compute_index.tree", "a CriteriaTree", tree)
    if not isinstance(scorecard, UnitScorecard):
        raise ValidationError("compute_index.scorecard", "a UnitScorecard", scorecard)
    _check_entries(tree, scorecard.self_assessments, "self_assessments")
    _check_entries(tree, scorecard.appraisals, "appraisals")
    scoring = _Scoring(
        own={s.criterion: s for s in scorecard.self_assessments},
        appraised={a.criterion: a for a in scorecard.appraisals},
        autos=_resolve_auto(tree, auto_criteria),
        tasks=scorecard.tasks,
    )
    fields = tuple(scoring.score(f, 0) for f in tree.fields)
    appraised_points = math.fsum(f.points for f in fields)
    survey = _survey(tree, scorecard)
    bonus, penalty = _bonus_and_penalty(tree, scorecard)
    rescaled = survey is None and rescale_without_survey and tree.survey_max > 0
    if rescaled:
        base = appraised_points * tree.max_points / tree.appraised_max
    else:
        base = appraised_points + (survey.points if survey is not None else 0.0)
    total = base + bonus - penalty
    raw = 100.0 * total / tree.max_points
    return IndexResult(
        unit=scorecard.unit,
        year=scorecard.year,
        value=min(100.0, max(0.0, raw)),
        raw_value=raw,
        total=total,
        max_points=tree.max_points,
        appraised_points=appraised_points,
        appraised_max=tree.appraised_max,
        survey=survey,
        bonuses=scorecard.bonuses,
        penalties=scorecard.penalties,
        rescaled=rescaled,
        fields=fields,
        criteria=tree.label,
        criteria_id=tree.id,
    )
