"""Indices computed from their parts, as the :class:`~cchc_tasks.Tracker` stores them.

The pure modules do the arithmetic: :mod:`cchc_tasks.indices` (the PAR-style index of a
criteria tree and a scorecard), :mod:`cchc_tasks.surveys` (SIPAS from survey responses)
and :mod:`cchc_tasks.ranking` (ranks in peer groups, computed values as results). This
module holds what the tracker keeps and returns around them:

* :class:`CriteriaEntry`: a criteria table and where it is in force (a year, a unit kind,
  the units under a province), with :func:`resolve_criteria`, the rule that picks the
  table of a unit for a year;
* :class:`IndexComputation`: one computed value (a unit's PAR index or SIPAS for a
  year) with its whole breakdown, the :class:`~cchc_tasks.Result` it gave and what
  became of it, so the number can be explained long after the inputs changed;
* :class:`ComputedIndices`: every computation of a year, from :func:`compute_year`.

Nothing here reads a clock or a store: the tracker passes the inputs in.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from ._fields import check_date, check_id, check_text, check_year, nfc, nfc_or_none
from .errors import ValidationError
from .i18n import Lang, Message, Text, render
from .indices import CriteriaTree, IndexResult, TaskCounts, UnitScorecard, compute_index
from .params import IndexParams
from .plans import Indicator, as_indicator
from .ranking import TiePolicy, source_text, to_results
from .results import Result
from .surveys import SipasParams, SipasResult, SurveyResponse, compute_sipas
from .targets import indicator_name, joined

__all__ = [
    "ComputedIndices",
    "CriteriaEntry",
    "Explanation",
    "IndexComputation",
    "builtin_criteria",
    "compute_year",
    "explain_sipas",
    "resolve_criteria",
]

#: The indicators the tracker computes from their parts.
COMPUTED_INDICATORS = (Indicator.PAR_INDEX, Indicator.SIPAS)


@functools.cache
def builtin_criteria() -> CriteriaTree:
    """:func:`cchc_tasks.indices.default_criteria` with its defaults, loaded once: the
    table of every unit for which no table was set."""
    from .indices import default_criteria

    return default_criteria()


# --- criteria tables in force ---------------------------------------------------------------


def _optional_kind(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValidationError(
            "CriteriaEntry.unit_kind", "a unit kind such as 'commune', or None (every kind)", value
        )


def _optional_unit(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_id(instance, attribute, value)


def _check_tree(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, CriteriaTree):
        raise ValidationError("CriteriaEntry.tree", "a CriteriaTree", value)


@attrs.frozen
class CriteriaEntry:
    """A criteria table in force from ``year`` (until a later table replaces it) for the
    units of ``unit_kind`` (``None``: every kind) under the unit ``province`` (``None``:
    everywhere; any unit above the scored ones works, usually the province's).

    The table's own ``unit_kind``, ``province`` and ``year`` fields describe it; where
    it applies is what the entry says.
    """

    tree: CriteriaTree = attrs.field(validator=_check_tree)
    year: int = attrs.field(validator=check_year)
    unit_kind: str | None = attrs.field(
        default=None, converter=nfc_or_none, validator=_optional_kind
    )
    province: str | None = attrs.field(
        default=None, converter=nfc_or_none, validator=_optional_unit
    )

    @property
    def id(self) -> str:
        """The store key: ``"province/unit_kind@year"``, ``*`` for "any"."""
        return f"{self.province or '*'}/{self.unit_kind or '*'}@{self.year}"

    @property
    def unit(self) -> str | None:
        """The unit whose table this is (``province``), for write policies."""
        return self.province

    def describe(self) -> str:
        kind = f"{self.unit_kind} units" if self.unit_kind else "units of every kind"
        where = f" under {self.province}" if self.province else ""
        return f"criteria {self.tree.label} for {kind}{where}, from {self.year}"


def resolve_criteria(
    entries: Iterable[CriteriaEntry], unit_kind: str, chain: Sequence[str], year: int
) -> CriteriaEntry | None:
    """The entry in force for a unit of ``unit_kind`` whose id and ancestors' ids are
    ``chain`` (the unit first), in ``year``; ``None`` if no entry applies.

    An entry applies when its year is at most ``year``, its unit kind is the unit's (or
    any) and its province is in ``chain`` (or anywhere). Of those, the latest year wins,
    then the entry that names a province, then the one that names a unit kind: a
    province's revised table replaces last year's, and a table for communes is preferred
    over a table for every kind of the same year.
    """
    found: CriteriaEntry | None = None
    best: tuple[int, bool, bool] | None = None
    for entry in entries:
        if entry.year > year:
            continue
        if entry.unit_kind is not None and entry.unit_kind != unit_kind:
            continue
        if entry.province is not None and entry.province not in chain:
            continue
        key = (entry.year, entry.province is not None, entry.unit_kind is not None)
        if best is None or key > best:
            found, best = entry, key
    return found


# --- one computed value ---------------------------------------------------------------------


def _check_result(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, Result):
        raise ValidationError("IndexComputation.result", "a Result or None", value)


@attrs.frozen
class IndexComputation:
    """One computed value: ``unit``'s ``indicator`` (PAR_INDEX or SIPAS) for ``year``,
    computed on ``computed_on`` from the inputs in the store, tasks as of ``as_of``.

    ``result`` is the :class:`~cchc_tasks.Result` it gives (value, rank in the peer
    ``group``, source "computed on …"), or ``None`` when it gives none (a SIPAS from too
    few answers, or without a valid answer). ``par`` or ``sipas`` holds the breakdown.
    ``note`` says what became of it when it was recorded: used, or set aside for an
    official result typed in.
    """

    indicator: str = attrs.field(converter=as_indicator)
    unit: str = attrs.field(converter=nfc, validator=check_id)
    year: int = attrs.field(validator=check_year)
    computed_on: dt.date = attrs.field(validator=check_date)
    as_of: dt.date = attrs.field(validator=check_date)
    result: Result | None = attrs.field(default=None, validator=_check_result)
    group: str = attrs.field(default="", converter=nfc, validator=check_text)
    par: IndexResult | None = None
    sipas: SipasResult | None = None
    note: str = attrs.field(default="", converter=nfc, validator=check_text)

    @property
    def id(self) -> str:
        """The store key, the same as the result's: ``"indicator@unit@year"``."""
        return f"{self.indicator}@{self.unit}@{self.year}"

    @property
    def value(self) -> float | None:
        if self.par is not None:
            return self.par.value
        return self.sipas.value if self.sipas is not None else None

    def explain(
        self, *, recorded: bool = True, lang: Lang = "en", unit_name: str | None = None
    ) -> str:
        """The value, its rank and source, and every number behind it: for the PAR
        index each field, criterion and sub-criterion with its source and evidence; for
        SIPAS each factor. ``recorded=False`` says it was computed just now, not read
        from the store.

        In ``lang``: English unless asked, as it always was for programs; the CLI, the
        reports and the web pages pass their reader's language. ``unit_name`` is shown
        instead of the unit's id."""
        who = {
            "indicator": indicator_name(self.indicator),
            "unit": unit_name or self.unit,
            "year": self.year,
        }
        head: list[Text] = [
            Message("index.head.no-value", who)
            if self.value is None
            else Message("index.head", {**who, "value": self.value})
        ]
        if self.result is not None and self.result.rank is not None:
            head.append(
                Message.of(
                    "index.head.rank", rank=self.result.rank, of=self.result.of, group=self.group
                )
            )
        when: list[Text] = [
            Message.of("index.computed-on", date=self.computed_on)
            if recorded
            else Message("index.not-recorded")
        ]
        if self.par is not None:
            when.append(Message.of("index.tasks-as-of", date=self.as_of))
        else:
            when.append(Message.of("index.responses-in", year=self.year))
        lines = [
            "".join(render(t, lang) for t in head),
            "  " + "".join(render(t, lang) for t in when),
        ]
        if recorded and self.result is not None:
            lines.append(
                "  "
                + Message.of("index.source", source=source_text(self.result.source)).render(lang)
            )
        elif recorded:
            lines.append("  " + Message("index.no-result-recorded").render(lang))
        note: Text = self.note
        if not note and self.sipas is not None and self.result is None:
            note = _no_result(self.sipas)
        if note:
            lines.append("  " + Message.of("index.note", note=note).render(lang))
        if self.par is not None:
            body = self.par.explain(lang, unit_name=unit_name)
        elif self.sipas is not None:
            body = explain_sipas(self.sipas, lang, unit_name=unit_name)
        else:
            body = ""
        lines.extend(f"  {line}" for line in body.splitlines())
        return "\n".join(lines)

    def explanation(self, *, recorded: bool = True, unit_name: str | None = None) -> Explanation:
        """:meth:`explain` as a message, written out in the language of whoever reads it."""
        return Explanation(
            "index.explanation", computation=self, recorded=recorded, unit_name=unit_name
        )


@attrs.frozen
class Explanation(Message):
    """The explanation of a computed index as a :class:`~cchc_tasks.i18n.Message`: it
    renders :meth:`IndexComputation.explain` in the reader's language (``str()`` gives
    English). ``TargetResult.breakdown`` holds one."""

    computation: IndexComputation = attrs.field(kw_only=True)
    recorded: bool = attrs.field(default=True, kw_only=True)
    unit_name: str | None = attrs.field(default=None, kw_only=True)

    def render(self, lang: Lang = "vi") -> str:
        return self.computation.explain(recorded=self.recorded, lang=lang, unit_name=self.unit_name)


def explain_sipas(result: SipasResult, lang: Lang = "en", *, unit_name: str | None = None) -> str:
    """A SIPAS result and each factor behind it: satisfied of valid answers, blanks,
    answers off the scale, weight, value and margin; in ``lang`` (English unless asked,
    as it always was for programs); ``unit_name`` is shown instead of the unit's id."""
    lines = [result.describe(lang, unit_name=unit_name)]
    for f in result.factors:
        value: Text
        if f.value is None:
            value = Message("sipas.factor.no-answers")
        elif f.margin is not None:
            value = Message.of("sipas.factor.value-margin", value=f.value, margin=f.margin)
        else:
            value = Message.of("sipas.factor.value", value=f.value)
        left_out: list[Text] = []
        if f.blank:
            left_out.append(Message.of("sipas.factor.blank", n=f.blank))
        if f.invalid:
            left_out.append(Message.of("sipas.factor.invalid", n=f.invalid))
        line = Message.of(
            "sipas.factor",
            factor=f.factor,
            name=f.name,
            satisfied=f.satisfied,
            valid=f.valid,
            left_out=Message.of("sipas.factor.left-out", items=joined(left_out))
            if left_out
            else "",
            value=value,
            weight=Message.of("sipas.factor.weight", weight=f.weight) if f.weight != 1.0 else "",
            flag="" if f.reliable else Message("sipas.factor.too-few"),
        )
        lines.append("  " + line.render(lang))
    return "\n".join(lines)


# --- a year ---------------------------------------------------------------------------------


@attrs.frozen
class ComputedIndices:
    """Every index computed for ``year``: ``computations`` by id
    (``"PAR_INDEX@unit@year"``, ``"SIPAS@unit@year"``), in order."""

    year: int
    computed_on: dt.date
    as_of: dt.date
    computations: Mapping[str, IndexComputation]

    def __iter__(self) -> Iterator[IndexComputation]:
        return iter(self.computations.values())

    def __len__(self) -> int:
        return len(self.computations)

    @property
    def results(self) -> tuple[Result, ...]:
        """The computed :class:`~cchc_tasks.Result` records, ranked in peer groups."""
        return tuple(c.result for c in self if c.result is not None)

    @property
    def par(self) -> dict[str, IndexResult]:
        """Unit id → its PAR-style index."""
        return {c.unit: c.par for c in self if c.par is not None}

    @property
    def sipas(self) -> dict[str, SipasResult]:
        """Unit id → its SIPAS, reliable or not."""
        return {c.unit: c.sipas for c in self if c.sipas is not None}

    @property
    def unreliable(self) -> tuple[str, ...]:
        """Units whose SIPAS was not reliable (too few valid answers)."""
        return tuple(c.unit for c in self if c.sipas is not None and not c.sipas.reliable)

    def get(self, unit: str, indicator: str = Indicator.PAR_INDEX) -> IndexComputation:
        key = f"{as_indicator(indicator)}@{nfc(unit)}@{self.year}"
        try:
            return self.computations[key]
        except KeyError:
            raise ValidationError(
                "ComputedIndices.get", f"a unit with a computed {indicator}", unit
            ) from None

    def explain(self, unit: str, indicator: str = Indicator.PAR_INDEX, *, lang: Lang = "en") -> str:
        """:meth:`IndexComputation.explain` of ``unit``'s ``indicator``, computed just
        now; in ``lang`` (English unless asked, as it always was for programs)."""
        return self.get(unit, indicator).explain(recorded=False, lang=lang)


def _par_indices(
    trees: Mapping[str, CriteriaTree],
    scorecards: Mapping[str, UnitScorecard],
    tasks: Mapping[str, TaskCounts],
    params: IndexParams,
) -> dict[str, IndexResult]:
    """The PAR-style index of each unit with a scorecard, under its tree and with its task
    counts; a bad scorecard is a :class:`ValidationError` that names it."""
    indices: dict[str, IndexResult] = {}
    for unit in sorted(scorecards):
        card = attrs.evolve(scorecards[unit], tasks=tasks.get(unit, TaskCounts()))
        try:
            indices[unit] = compute_index(
                trees[unit],
                card,
                rescale_without_survey=params.rescale_without_survey,
                auto_criteria=params.auto_criteria,
            )
        except ValidationError as exc:
            raise ValidationError(
                f"scorecard {card.id}: {exc.field}", exc.expected, exc.got
            ) from None
    return indices


def _ranked(
    year: int,
    computed_on: dt.date,
    group_of: Mapping[str, str],
    params: IndexParams,
    indices: Mapping[str, IndexResult],
    sipas: Mapping[str, SipasResult],
) -> dict[str, Result]:
    """The results the computed values give, ranked within their peer groups, by id."""
    ties: TiePolicy = "dense" if params.ties == "dense" else "shared"
    par_results = to_results(
        indices,
        indicator=Indicator.PAR_INDEX,
        year=year,
        computed_on=computed_on,
        group_of=group_of,
        ties=ties,
        precision=params.precision,
    )
    sipas_results = to_results(
        sipas,
        indicator=Indicator.SIPAS,
        year=year,
        computed_on=computed_on,
        group_of=group_of,
        ties=ties,
        precision=params.precision,
        include_unreliable=params.include_unreliable,
    )
    return {r.id: r for r in (*par_results, *sipas_results)}


def _no_result(sipas: SipasResult) -> Message:
    """Why a SIPAS gave no result."""
    if sipas.value is None:
        return Message.of("index.sipas-no-answers", n=sipas.n)
    return Message.of("index.sipas-unreliable", n_valid=sipas.n_valid, min_sample=sipas.min_sample)


def compute_year(
    year: int,
    *,
    computed_on: dt.date,
    as_of: dt.date,
    trees: Mapping[str, CriteriaTree],
    scorecards: Mapping[str, UnitScorecard],
    tasks: Mapping[str, TaskCounts],
    responses: Mapping[str, Sequence[SurveyResponse]],
    group_of: Mapping[str, str],
    params: IndexParams | None = None,
    sipas_params: SipasParams | None = None,
) -> ComputedIndices:
    """The PAR-style index of every unit with a scorecard and the SIPAS of every unit
    with responses, ranked within their peer groups (``group_of``).

    Each scorecard is scored under ``trees[unit]`` with its task counts
    (``tasks[unit]``) for the automatic criteria. A SIPAS from fewer than
    ``sipas_params.min_sample`` valid answers is computed and kept with its breakdown
    but gives no result (and so no rank) unless ``params.include_unreliable``.
    """
    params = params if params is not None else IndexParams()
    sipas_params = sipas_params if sipas_params is not None else SipasParams()
    indices = _par_indices(trees, scorecards, tasks, params)
    sipas = {
        unit: compute_sipas(responses[unit], sipas_params)
        for unit in sorted(responses)
        if responses[unit]
    }
    by_id = _ranked(year, computed_on, group_of, params, indices, sipas)
    out: dict[str, IndexComputation] = {}
    for unit, par in indices.items():
        c = IndexComputation(
            Indicator.PAR_INDEX, unit, year, computed_on, as_of, group=group_of[unit], par=par
        )
        out[c.id] = attrs.evolve(c, result=by_id.get(c.id))
    for unit, result in sipas.items():
        c = IndexComputation(
            Indicator.SIPAS, unit, year, computed_on, as_of, group=group_of[unit], sipas=result
        )
        # Why it gave no result is not stored as words: explain() says it in the
        # reader's language from the SIPAS itself.
        out[c.id] = attrs.evolve(c, result=by_id.get(c.id))
    return ComputedIndices(year, computed_on, as_of, out)
