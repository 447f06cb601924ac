"""The table registry: every table of a store, once.

One :class:`TableSpec` per table says which class its documents decode to, what an
error calls one of its objects, which lookups (in-memory secondary indexes, see
:mod:`cchc_tasks.store.state`) the queries use, and whether its key is derived from
other fields. The classes of the PAR-index tables are loaded on first use, so that
``import cchc_tasks`` does not pay for :mod:`cchc_tasks.indices` and its neighbours.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..calendar import CalendarOverride
from ..config import StoreConfiguration
from ..inspections import Inspection
from ..plans import IndicatorScale, Plan
from ..results import (
    Absence,
    Assessment,
    Discipline,
    PersonRating,
    Result,
    UnitRating,
    UnitSanction,
)
from ..targets import Target
from ..tasks import Task, TaskChain, TaskSeries
from ..units import Headship, Person, Unit

__all__ = ["TABLES", "UPDATABLE_TASK_FIELDS", "TableSpec", "lookups"]

Document = Mapping[str, Any]
LookupKey = Callable[[Document], Any]


#: The document field each lookup key is computed from: a replaced document whose field
#: is the very same object (an update re-encodes only what changed) keeps its key.
_SOURCE_FIELDS: dict[LookupKey, str] = {}


def _field(name: str) -> LookupKey:
    """The value of field ``name``: an ``itemgetter``, called in C (each new task's five
    lookup keys are computed when the lookups take it in)."""
    key: LookupKey = operator.itemgetter(name)
    _SOURCE_FIELDS[key] = name
    return key


def _year_of(name: str) -> LookupKey:
    """The year of an ISO date field, without parsing the date."""

    def key(doc: Document) -> Any:
        return int(doc[name][:4])

    _SOURCE_FIELDS[key] = name
    return key


def _later(name: str) -> Callable[[], type[Any]]:
    """The loader of a class imported on first use (see the module docstring)."""

    def load() -> type[Any]:
        from ..accounts import Account
        from ..computed import CriteriaEntry, IndexComputation
        from ..indices import UnitScorecard
        from ..survey_codes import SurveyCode
        from ..surveys import SurveyResponse

        classes: dict[str, type[Any]] = {
            "Account": Account,
            "CriteriaEntry": CriteriaEntry,
            "IndexComputation": IndexComputation,
            "SurveyCode": SurveyCode,
            "SurveyResponse": SurveyResponse,
            "UnitScorecard": UnitScorecard,
        }
        return classes[name]

    return load


@attrs.frozen
class TableSpec:
    """One table: ``name``; ``kind``, what an error calls one of its objects; the
    class its documents decode to (``load`` returns it, importing it on first use);
    its ``lookups`` (name → key function over a stored document); ``derived_key``
    when the key is a property computed from other fields (stored as ``"id"`` only for
    TinyDB, and left out when decoding); ``texts_bounded`` when the class's own
    validators refuse every text too long to store, nested ones included (a test
    checks each such table), so its documents need not be walked for one on commit;
    ``changed_in_place`` when a document the write in progress made may be changed
    itself by the next update in that write (:meth:`Store.change_in_place`): only
    for tables whose documents no cache keeps by identity but the session's own (the
    configuration's is kept by the rules in force)."""

    name: str
    kind: str
    load: Callable[[], type[Any]]
    lookups: Mapping[str, LookupKey] = attrs.field(factory=dict)
    derived_key: bool = False
    texts_bounded: bool = False
    changed_in_place: bool = False

    @functools.cached_property
    def cls(self) -> type[Any]:
        return self.load()


def _spec(
    name: str,
    kind: str,
    cls: type[Any] | Callable[[], type[Any]],
    lookups: Mapping[str, LookupKey] | None = None,
    *,
    derived_key: bool = False,
    texts_bounded: bool = False,
    changed_in_place: bool = False,
) -> TableSpec:
    load = (lambda: cls) if isinstance(cls, type) else cls
    return TableSpec(
        name, kind, load, dict(lookups or {}), derived_key, texts_bounded, changed_in_place
    )


#: Every table, in the order :meth:`Tracker.to_documents` lists them.
TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        _spec("units", "unit", Unit, {"parent": _field("parent")}, texts_bounded=True),
        _spec("persons", "person", Person, {"unit": _field("unit")}, texts_bounded=True),
        _spec(
            "headships",
            "headship",
            Headship,
            {"unit": _field("unit"), "person": _field("person")},
            derived_key=True,
        ),
        _spec("plans", "plan", Plan, texts_bounded=True),
        _spec("targets", "target", Target),
        _spec(
            "tasks",
            "task",
            Task,
            {
                "unit": _field("unit"),
                "plan": _field("plan"),
                "status": _field("status"),
                "assignee": _field("assignee"),
                # By due day (ISO text), not year: a year's tasks read day by day, each
                # day's keys sorted, come out by (due, id) without sorting documents.
                "due": _field("due"),
            },
            # Of every table, the one a province writes 50,000 times in a batch, and
            # twice over when the batch records the completions of the tasks it adds.
            texts_bounded=True,
            changed_in_place=True,
        ),
        _spec(
            "results",
            "result",
            Result,
            {"year": _field("year"), "unit": _field("unit")},
            derived_key=True,
        ),
        _spec("disciplines", "discipline", Discipline, {"person": _field("person")}),
        _spec("assessments", "assessment", Assessment, {"year": _field("year")}, derived_key=True),
        # Working time, and the ratings the competent authority decided (issue 12).
        _spec("absences", "absence", Absence, {"person": _field("person")}),
        _spec(
            "unit_ratings", "unit rating", UnitRating, {"year": _field("year")}, derived_key=True
        ),
        _spec(
            "person_ratings",
            "person rating",
            PersonRating,
            {"year": _field("year")},
            derived_key=True,
        ),
        # Units sanctioned for embezzlement, corruption or waste (Decree 335/2025, case d).
        _spec(
            "sanctions",
            "unit sanction",
            UnitSanction,
            {"unit": _field("unit"), "year": _year_of("on")},
            derived_key=True,
        ),
        _spec("calendar", "calendar override", CalendarOverride, derived_key=True),
        _spec("series", "task series", TaskSeries, derived_key=True),
        _spec("chains", "task chain", TaskChain, derived_key=True),
        _spec("inspections", "inspection", Inspection),
        # The rule configuration the store's evaluations use (one document).
        _spec("configuration", "configuration", StoreConfiguration, derived_key=True),
        # The indicators the store declares besides the built-in ones, with their scales.
        _spec("indicators", "indicator", IndicatorScale, derived_key=True),
        # The inputs of the PAR-style index and SIPAS, and the recorded computations.
        _spec("criteria", "criteria table", _later("CriteriaEntry"), derived_key=True),
        _spec(
            "scorecards",
            "scorecard",
            _later("UnitScorecard"),
            {"year": _field("year"), "unit": _field("unit")},
            derived_key=True,
        ),
        _spec(
            "survey_responses",
            "survey response",
            _later("SurveyResponse"),
            {"year": _year_of("date"), "unit": _field("unit")},
        ),
        _spec(
            "index_computations",
            "index computation",
            _later("IndexComputation"),
            {"year": _field("year")},
            derived_key=True,
        ),
        # The online survey and the staff dashboard (cchc serve): one-time survey codes
        # (keyed by a digest, never the code) and staff accounts (password hashes only).
        _spec("survey_codes", "survey code", _later("SurveyCode"), {"unit": _field("unit")}),
        _spec("accounts", "staff account", _later("Account")),
    )
}


def lookups() -> list[tuple[str, str, LookupKey, str | None]]:
    """Every (table, lookup name, key function, the field it reads) to build on a
    store's state."""
    return [
        (spec.name, name, key, _SOURCE_FIELDS.get(key))
        for spec in TABLES.values()
        for name, key in spec.lookups.items()
    ]


#: Fields a task update may change; status and completion have their own methods.
UPDATABLE_TASK_FIELDS = frozenset(
    {
        "title",
        "due",
        "assignee",
        "partners",
        "field",
        "output",
        "weight",
        "budget",
        "quality_note",
        "unit",
        "errors",
        "deadline",
    }
)
