"""The indices from their parts: criteria tables, scorecards (self-assessment,
appraisal, survey points, bonuses and penalties), survey responses, and the computed
PAR-style index and SIPAS recorded as results.

Their classes live in :mod:`cchc_tasks.indices`, :mod:`cchc_tasks.surveys` and
:mod:`cchc_tasks.computed`, imported on first use so that ``import cchc_tasks`` does
not pay for them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .._fields import is_valid_id
from ..errors import DuplicateIdError, NotFoundError, RuleError, ValidationError
from ..i18n import Lang, Message, check_lang
from ..plans import as_indicator
from ._session import Service
from .reader import check_year

if TYPE_CHECKING:
    from ..computed import ComputedIndices, CriteriaEntry, IndexComputation
    from ..indices import (
        Appraisal,
        Bonus,
        CriteriaTree,
        Penalty,
        SelfAssessment,
        TaskCounts,
        UnitScorecard,
    )
    from ..ranking import MergedResult
    from ..surveys import SipasParams, SurveyResponse

__all__ = ["IndexService"]

ScorecardChange = Callable[["UnitScorecard", "CriteriaTree"], "UnitScorecard"]


class IndexService(Service):
    # -- criteria tables --------------------------------------------------------------

    def criteria_entry(self, unit: str, year: int, field: str) -> CriteriaEntry | None:
        """The criteria table that governs ``unit`` in ``year``, or ``None``."""
        from ..computed import resolve_criteria

        found = self.session.get("units", unit, field)
        chain = [found.id]
        parent = found.parent
        while parent is not None and parent not in chain and self.session.exists("units", parent):
            chain.append(parent)
            parent = self.reader.unit(parent).parent
        return resolve_criteria(self.session.all("criteria"), found.kind, chain, year)

    def criteria_tree(self, unit: str, year: int, field: str) -> CriteriaTree:
        from ..computed import builtin_criteria

        entry = self.criteria_entry(unit, year, field)
        return entry.tree if entry is not None else builtin_criteria()

    def criteria(self, unit: str, year: int) -> CriteriaTree:
        return self.criteria_tree(unit, check_year(year, "criteria.year"), "criteria.unit")

    def set_criteria(
        self,
        tree: CriteriaTree | str | os.PathLike[str] | Mapping[str, Any],
        year: int | None,
        unit_kind: str | None,
        province: str | None,
        actor: str | None,
        note: str | None,
    ) -> CriteriaEntry:
        s = self.session
        s.writable()
        from ..computed import CriteriaEntry
        from ..indices import CriteriaTree, load_criteria

        loaded = tree if isinstance(tree, CriteriaTree) else load_criteria(tree)
        if year is None:
            if loaded.year is None:
                raise ValidationError(
                    "set_criteria.year", "a year (the table names none)", loaded.year
                )
            year = loaded.year
        entry = CriteriaEntry(loaded, year, unit_kind, province)
        with s.write(actor, note):
            self.allow("set_criteria", entry)
            s.require("units", entry.province, "set_criteria.province")
            s.put("criteria", entry)
            for card in s.all("scorecards"):
                governing = self.criteria_entry(card.unit, card.year, "UnitScorecard.unit")
                if governing is not None and governing.id == entry.id:
                    _check_scorecard(entry.tree, card, f"scorecard {card.id}: ")
        return entry

    # -- scorecards -------------------------------------------------------------------

    def change_scorecard(
        self,
        action: str,
        unit: str,
        year: int,
        actor: str | None,
        note: str | None,
        change: ScorecardChange,
    ) -> UnitScorecard:
        """Replace ``unit``'s scorecard of ``year`` (an empty one if none) by
        ``change(card, tree)``, checked against the criteria table in force."""
        s = self.session
        s.writable()
        from ..indices import UnitScorecard

        empty = UnitScorecard(unit, year)  # checks the unit id and the year
        with s.write(actor, note):
            tree = self.criteria_tree(empty.unit, empty.year, f"{action}.unit")
            current: UnitScorecard = s.find("scorecards", empty.id) or empty
            updated = change(current, tree)
            self.allow(action, updated)
            _check_scorecard(tree, updated)
            s.put("scorecards", updated)
        return updated

    def self_assess(
        self,
        unit: str,
        year: int,
        assessment: SelfAssessment,
        actor: str | None,
        note: str | None,
    ) -> UnitScorecard:
        from ..indices import SelfAssessment

        self.session.writable()
        self.session.check_type(assessment, SelfAssessment, "self_assess.assessment")

        def change(card: UnitScorecard, tree: CriteriaTree) -> UnitScorecard:
            _check_criterion(tree, assessment.criterion, assessment.points, "SelfAssessment")
            entries = _replace_entry(card.self_assessments, assessment)
            return attrs.evolve(card, self_assessments=entries)

        return self.change_scorecard("self_assess", unit, year, actor, note, change)

    def appraise(
        self, unit: str, year: int, appraisal: Appraisal, actor: str | None, note: str | None
    ) -> UnitScorecard:
        from ..indices import Appraisal

        self.session.writable()
        self.session.check_type(appraisal, Appraisal, "appraise.appraisal")

        def change(card: UnitScorecard, tree: CriteriaTree) -> UnitScorecard:
            _check_criterion(tree, appraisal.criterion, appraisal.points, "Appraisal")
            entries = _replace_entry(card.appraisals, appraisal)
            return attrs.evolve(card, appraisals=entries)

        return self.change_scorecard("appraise", unit, year, actor, note, change)

    def set_survey_points(
        self, unit: str, year: int, points: float | None, actor: str | None, note: str | None
    ) -> UnitScorecard:
        def change(card: UnitScorecard, tree: CriteriaTree) -> UnitScorecard:
            if points is not None and tree.survey_max == 0:
                raise ValidationError(
                    "set_survey_points.points", f"None: {tree.label} has no survey part", points
                )
            return attrs.evolve(card, survey_points=points)

        return self.change_scorecard("set_survey_points", unit, year, actor, note, change)

    def add_bonus(
        self, unit: str, year: int, bonus: Bonus, actor: str | None, note: str | None
    ) -> UnitScorecard:
        from ..indices import Bonus

        self.session.writable()
        self.session.check_type(bonus, Bonus, "add_bonus.bonus")
        return self.change_scorecard(
            "add_bonus",
            unit,
            year,
            actor,
            note,
            lambda card, tree: attrs.evolve(card, bonuses=(*card.bonuses, bonus)),
        )

    def add_penalty(
        self, unit: str, year: int, penalty: Penalty, actor: str | None, note: str | None
    ) -> UnitScorecard:
        from ..indices import Penalty

        self.session.writable()
        self.session.check_type(penalty, Penalty, "add_penalty.penalty")
        return self.change_scorecard(
            "add_penalty",
            unit,
            year,
            actor,
            note,
            lambda card, tree: attrs.evolve(card, penalties=(*card.penalties, penalty)),
        )

    def record_scorecard(
        self, card: UnitScorecard, actor: str | None, note: str | None
    ) -> UnitScorecard:
        from ..indices import UnitScorecard

        self.session.writable()
        self.session.check_type(card, UnitScorecard, "record_scorecard.card")
        if card.tasks is not None:
            raise ValidationError(
                "UnitScorecard.tasks", "None (task counts are computed from the tasks)", card.tasks
            )
        return self.change_scorecard(
            "record_scorecard", card.unit, card.year, actor, note, lambda current, tree: card
        )

    # -- survey responses -------------------------------------------------------------

    def import_survey(
        self,
        source: str | os.PathLike[str],
        survey: str | None,
        units: Mapping[str, str] | None,
        params: SipasParams | None,
        delimiter: str | None,
        encoding: str | None,
        actor: str | None,
        note: str | None,
    ) -> tuple[SurveyResponse, ...]:
        s = self.session
        s.writable()
        from ..surveys import SipasParams, import_responses_csv

        if params is not None:
            s.check_type(params, SipasParams, "import_survey.params")
        if survey is not None and not is_valid_id(survey):
            raise ValidationError(
                "import_survey.survey", "a survey name without spaces, such as 'sipas-2025'", survey
            )
        with s.write(actor, note):
            # The configuration without per-year overrides: the responses' years are not
            # known before they are read.
            chosen = params if params is not None else s.settings.for_year(0).sipas
            responses = import_responses_csv(
                source,
                chosen,
                units=self._unit_names(units),
                delimiter=delimiter,
                encoding=encoding,
                id_prefix=f"{survey}:" if survey else "",
                existing_ids=s.store.state.keys.get("survey_responses", {}),
            )
            self.add_responses("import_survey", responses)
        return responses

    def _unit_names(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        """Unit ids, and unit names that no two units share, → unit id; plus ``extra``."""
        all_units = self.reader.units()
        names: dict[str, list[str]] = {}
        for u in all_units:
            names.setdefault(u.name, []).append(u.id)
        known = {u.id: u.id for u in all_units}
        known.update({name: ids[0] for name, ids in names.items() if len(ids) == 1})
        known.update(extra or {})
        return known

    def add_survey_responses(
        self, responses: Iterable[SurveyResponse], actor: str | None, note: str | None
    ) -> int:
        from ..surveys import SurveyResponse

        self.session.writable()
        items = list(responses)
        for i, response in enumerate(items):
            self.session.check_type(
                response, SurveyResponse, f"add_survey_responses.responses[{i}]"
            )
        with self.session.write(actor, note):
            self.add_responses("add_survey_responses", items)
        return len(items)

    def add_responses(self, action: str, responses: Iterable[SurveyResponse]) -> None:
        s = self.session
        for response in responses:
            self.allow(action, response)
            s.require("units", response.unit, "SurveyResponse.unit")
            if s.exists("survey_responses", response.id):
                raise DuplicateIdError("survey response", response.id)
            s.put("survey_responses", response)

    # -- computing the indices --------------------------------------------------------

    def compute_indices(
        self, year: int, computed_on: dt.date, as_of: dt.date | None
    ) -> ComputedIndices:
        from ..computed import compute_year

        year = check_year(year, "compute_indices.year")
        for name, value in (("computed_on", computed_on), ("as_of", as_of)):
            if (value is not None or name == "computed_on") and (
                not isinstance(value, dt.date) or isinstance(value, dt.datetime)
            ):
                raise ValidationError(f"compute_indices.{name}", "a date (datetime.date)", value)
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if as_of is None:
            as_of = min(end, computed_on)
        units = {u.id: u for u in self.reader.units() if u.exists_between(start, end)}
        cards = {c.unit: c for c in self.reader.scorecards(year=year) if c.unit in units}
        responses: dict[str, list[SurveyResponse]] = {}
        for response in self.reader.survey_responses(year=year):
            if response.unit in units:
                responses.setdefault(response.unit, []).append(response)
        hooks = self.session.hooks
        config = self.reader.config(year)
        return compute_year(
            year,
            computed_on=computed_on,
            as_of=as_of,
            trees={uid: self.criteria_tree(uid, year, "UnitScorecard.unit") for uid in cards},
            scorecards=cards,
            tasks=self._task_counts(year, as_of, cards),
            responses=responses,
            group_of={uid: hooks.peer_group(units[uid], year) for uid in {*cards, *responses}},
            params=config.indices,
            sipas_params=config.sipas,
        )

    def _task_counts(
        self, year: int, as_of: dt.date, units: Iterable[str]
    ) -> dict[str, TaskCounts]:
        """The tasks due in ``year`` of each unit, counted by outcome as of ``as_of`` (as
        the evaluation classifies them)."""
        from ..indices import TaskCounts

        wanted = set(units)
        tasks = [t for t in self.reader.tasks_due_in(year, sort=False) if t.unit in wanted]
        outcomes = self.session.task_outcomes(tasks, as_of)
        by_unit: dict[str, list[str]] = {}
        for task in tasks:
            if task.id not in outcomes:
                raise RuleError(f"no plugin classified task {task.id!r}", hook="cchc_task_outcomes")
            by_unit.setdefault(task.unit, []).append(outcomes[task.id])
        return {uid: TaskCounts.from_outcomes(by_unit.get(uid, ())) for uid in wanted}

    def record_computed_results(
        self,
        year: int,
        computed_on: dt.date,
        as_of: dt.date | None,
        actor: str | None,
        note: str | None,
    ) -> tuple[MergedResult, ...]:
        s = self.session
        s.writable()
        from ..computed import COMPUTED_INDICATORS
        from ..ranking import is_computed, merge_official

        with s.write(actor, note):
            computed = self.compute_indices(year, computed_on, as_of)
            names = {str(i) for i in COMPUTED_INDICATORS}
            existing = [r for r in self.reader.results(year=year) if str(r.indicator) in names]
            fresh = {r.id for r in computed.results}
            for old in existing:
                if is_computed(old) and old.id not in fresh:
                    self.allow("record_computed_results", old)
                    s.delete("results", old.id)
            for key in list(s.lookup("index_computations", "year", year)):
                if key not in computed.computations:
                    s.delete("index_computations", key)
            official = [r for r in existing if not is_computed(r)]
            merged = tuple(
                m for m in merge_official(computed.results, official) if m.computed is not None
            )
            reasons = {m.result.id: m.reason for m in merged}
            for m in merged:
                if m.used == "computed":
                    self.allow("record_computed_results", m.result)
                    s.put("results", m.result)
            for computation in computed:
                reason = reasons.get(computation.id, computation.note)
                self.allow("record_computed_results", computation)
                s.put("index_computations", attrs.evolve(computation, note=reason))
        return merged

    def restore_index_computation(self, computation: IndexComputation) -> IndexComputation:
        """Store a computation as it was recorded (importing a whole store)."""
        from ..computed import IndexComputation

        s = self.session
        s.writable()
        s.check_type(computation, IndexComputation, "index_computations")
        with s.write(None, None):
            self.allow("record_computed_results", computation)
            s.require("units", computation.unit, "IndexComputation.unit")
            s.put("index_computations", computation)
        return computation

    def explain_index(self, unit: str, year: int, indicator: str, lang: Lang) -> str:
        from ..computed import COMPUTED_INDICATORS
        from ..ranking import is_computed

        name = as_indicator(indicator)
        if name not in COMPUTED_INDICATORS:
            raise ValidationError("explain_index.indicator", "PAR_INDEX or SIPAS", indicator)
        year = check_year(year, "explain_index.year")
        lang = check_lang(lang)
        found = self.session.get("units", unit, "explain_index.unit")
        recorded = self.reader.index_computation(name, unit, year)
        if recorded is not None:
            return recorded.explain(lang=lang, unit_name=found.name)
        fresh = self.compute_indices(year, dt.date(year, 12, 31), None)
        key = f"{name}@{unit}@{year}"
        if key not in fresh.computations:
            what = "a scorecard" if name == "PAR_INDEX" else "survey responses"
            raise NotFoundError(f"index computation ({what} of {unit} for {year})", key)
        text = fresh.computations[key].explain(recorded=False, lang=lang, unit_name=found.name)
        typed = self.reader.results(indicator=name, unit=unit, year=year)
        if typed and not is_computed(typed[0]):
            value, source = typed[0].value, typed[0].source
            official = (
                Message.of("index.official", value=value, source=source)
                if source
                else Message.of("index.official.no-source", value=value)
            )
            text += "\n  " + official.render(lang)
        return text


def _check_scorecard(tree: CriteriaTree, card: UnitScorecard, prefix: str = "") -> None:
    """Everything ``compute_index`` checks: criteria that are scored leaves of ``tree``,
    points within their maxima, survey points, bonus and penalty caps."""
    from ..indices import compute_index

    try:
        compute_index(tree, card)
    except ValidationError as exc:
        raise ValidationError(f"{prefix}{exc.field}", exc.expected, exc.got) from None


def _check_criterion(tree: CriteriaTree, criterion: str, points: float, kind: str) -> None:
    if criterion not in tree or not tree.node(criterion).is_leaf:
        raise ValidationError(
            f"{kind}.criterion",
            f"the id of a scored criterion (one without sub-criteria) of {tree.label}",
            criterion,
        )
    maximum = tree.node(criterion).max_points
    if points > maximum + 1e-6:
        raise ValidationError(
            f"{kind}.points", f"at most {maximum:g}, the maximum of {criterion}", points
        )


def _replace_entry(entries: tuple[Any, ...], new: Any) -> tuple[Any, ...]:
    """``entries`` (self-assessments or appraisals) with the one for ``new``'s criterion
    replaced by ``new``, or ``new`` added at the end."""
    if any(e.criterion == new.criterion for e in entries):
        return tuple(new if e.criterion == new.criterion else e for e in entries)
    return (*entries, new)
