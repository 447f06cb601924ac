"""The JSON bridge: every domain object survives the store, damaged documents fail cleanly.

The store keeps plain JSON that any TinyDB user can read. ``_codec.unstructure`` turns a
domain object into a JSON-ready dict and ``_codec.structure`` rebuilds it, running the
class's own converters and validators. So a document that was damaged or edited by hand
fails with the same :class:`ct.ValidationError` as bad input from Python — never with a
``TypeError`` or ``KeyError`` from deep inside.

A store reads its own documents back with ``_codec.load_trusted``, which skips the
validators; the last part holds it to the objects that were written, for every table,
for documents of an older layout (without the keys of fields added since), and for
classes that hold some fields in a base class's slots or in a ``__dict__``.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks import _codec, plans, results, targets, tasks, testing, units
from cchc_tasks._fields import MAX_TEXT_LENGTH
from cchc_tasks.accounts import Account, Role
from cchc_tasks.calendar import CalendarOverride
from cchc_tasks.computed import CriteriaEntry, IndexComputation
from cchc_tasks.config import StoreConfiguration
from cchc_tasks.indices import (
    Appraisal,
    Bonus,
    CriteriaTree,
    Evidence,
    Penalty,
    SelfAssessment,
    TaskCounts,
    UnitScorecard,
    compute_index,
    default_criteria,
)
from cchc_tasks.inspections import Inspection
from cchc_tasks.results import Absence, Assessment, PersonRating, UnitRating, UnitSanction
from cchc_tasks.survey_codes import SurveyCode
from cchc_tasks.surveys import DEFAULT_FACTORS, RespondentKind, SurveyResponse, compute_sipas
from cchc_tasks.tasks import TaskChain, TaskSeries
from cchc_tasks.tracker._tables import TABLES, TableSpec

#: One strategy per stored domain class (and the report nested in a task).
STRATEGIES: dict[type[Any], st.SearchStrategy[Any]] = {
    ct.Unit: testing.units(),
    ct.Person: testing.persons(),
    ct.Headship: testing.headships(),
    ct.Plan: testing.plans(),
    ct.IndicatorScale: testing.indicator_scales(),
    ct.Task: testing.tasks(),
    ct.ProgressReport: testing.progress_reports(),
    ct.Result: testing.results(),
    ct.Discipline: testing.disciplines(),
    Assessment: testing.assessments(),
    Absence: testing.absences(),
    UnitRating: testing.unit_ratings(),
    PersonRating: testing.person_ratings(),
    UnitSanction: testing.sanctions(),
    ct.Target: testing.targets(),
    TaskSeries: testing.task_series(),
    TaskChain: testing.task_chains(),
    CalendarOverride: testing.calendar_overrides(),
    Inspection: testing.inspections(),
}

#: A valid object of each class, built by the plain factories.
EXAMPLES: dict[type[Any], Any] = {
    ct.Unit: testing.make_unit(),
    ct.Person: testing.make_person(),
    ct.Headship: testing.make_headship(),
    ct.Plan: testing.make_plan(),
    ct.IndicatorScale: ct.IndicatorScale("POPULATION", minimum=0, label="người"),
    ct.Task: testing.make_task(progress=[testing.make_progress_report()]),
    ct.ProgressReport: testing.make_progress_report(),
    ct.Result: testing.make_result(),
    ct.Discipline: testing.make_discipline(),
    Assessment: testing.make_assessment(),
    Absence: testing.make_absence(),
    UnitRating: testing.make_unit_rating(),
    PersonRating: testing.make_person_rating(),
    UnitSanction: testing.make_sanction(),
    ct.Target: testing.make_target(),
    TaskSeries: testing.make_task_series(),
    TaskChain: testing.make_task_chain(),
    CalendarOverride: testing.make_calendar_override(),
    Inspection: testing.make_inspection(),
}

CLASSES = list(STRATEGIES)


def by_name(cls: type[Any]) -> str:
    return cls.__name__


def through_json(obj: Any) -> Any:
    """What the store gives back: unstructure, strict JSON text, parse, structure."""
    text = json.dumps(_codec.unstructure(obj), allow_nan=False)
    return _codec.structure(type(obj), json.loads(text))


def document(cls: type[Any]) -> dict[str, Any]:
    """A JSON document of a valid ``cls``, as the store holds it."""
    doc: dict[str, Any] = json.loads(json.dumps(_codec.unstructure(EXAMPLES[cls])))
    return doc


def domain_classes() -> set[type[Any]]:
    """Every attrs class the model modules export; each must be in STRATEGIES."""
    found = set()
    for module in (units, plans, tasks, results):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and attrs.has(obj):
                found.add(obj)
    found.add(targets.Target)
    return found


# --- round trips -----------------------------------------------------------------------


def test_every_domain_class_has_a_round_trip_strategy() -> None:
    """A new domain class must get a strategy in ``cchc_tasks.testing`` and a row here."""
    assert domain_classes() <= set(STRATEGIES)


@pytest.mark.parametrize("cls", CLASSES, ids=by_name)
@given(data=st.data())
def test_round_trip_through_json_gives_an_equal_object(cls: type[Any], data: st.DataObject) -> None:
    """unstructure → json.dumps → json.loads → structure rebuilds an equal object, and
    encoding the rebuilt object gives the same document."""
    obj = data.draw(STRATEGIES[cls])
    assert isinstance(obj, cls)
    back = through_json(obj)
    assert back == obj
    assert type(back) is cls
    assert _codec.unstructure(back) == _codec.unstructure(obj)


@pytest.mark.parametrize("cls", CLASSES, ids=by_name)
def test_factory_objects_round_trip(cls: type[Any]) -> None:
    """The plain factories' objects round-trip too (a readable, fixed example per class)."""
    assert through_json(EXAMPLES[cls]) == EXAMPLES[cls]


def test_documents_are_plain_json() -> None:
    """Dates are ISO strings, enums their values, tuples lists, nested objects dicts."""
    task = testing.make_task(
        status=ct.TaskStatus.DONE,
        completed_on=dt.date(2025, 7, 2),
        progress=[testing.make_progress_report()],
    )
    doc = _codec.unstructure(task)
    assert doc["due"] == "2025-06-30"
    assert doc["completed_on"] == "2025-07-02"
    assert doc["status"] == "done"
    assert doc["partners"] == ["noi-vu"]
    assert doc["progress"] == [
        {
            "on": "2025-03-31",
            "percent": 50,
            "note": "Đã hoàn thành dự thảo phương án",
            "evidence": ["Công văn số 45/CV-TP"],
            "by": "nguyen-van-an",
        }
    ]
    assert json.loads(json.dumps(doc)) == doc


def test_a_target_stores_its_rule_as_a_tagged_dict() -> None:
    """A rule is stored as ``{"kind": ..., **params}``, nested rules likewise."""
    doc = _codec.unstructure(testing.make_target())
    assert doc["indicator"] == "PAR_INDEX"
    assert doc["rule"] == {
        "kind": "any_of",
        "rules": [
            {"kind": "growth", "amount": 5, "mode": "relative"},
            {"kind": "rank_within", "n": 5},
        ],
    }


def test_structure_accepts_python_values_as_well_as_json() -> None:
    """Dates already parsed and rules already built are taken as they are."""
    doc = document(ct.Task) | {"due": dt.date(2025, 6, 30)}
    assert _codec.structure(ct.Task, doc) == EXAMPLES[ct.Task]
    target_doc = document(ct.Target) | {"rule": EXAMPLES[ct.Target].rule}
    assert _codec.structure(ct.Target, target_doc) == EXAMPLES[ct.Target]


# --- documents that do not check out ---------------------------------------------------


@pytest.mark.parametrize("data", [None, [], "unit", 5, ["id", "tu-phap"]], ids=repr)
@pytest.mark.parametrize("cls", CLASSES, ids=by_name)
def test_a_document_that_is_not_a_mapping_is_rejected(cls: type[Any], data: Any) -> None:
    with pytest.raises(ct.ValidationError) as info:
        _codec.structure(cls, data)
    assert info.value.field == cls.__name__
    assert info.value.expected == "a mapping of field names to values"


@pytest.mark.parametrize("cls", CLASSES, ids=by_name)
def test_an_unknown_key_is_named(cls: type[Any]) -> None:
    """A key the class does not have is an error, not silently dropped data."""
    with pytest.raises(ct.ValidationError) as info:
        _codec.structure(cls, document(cls) | {"colour": "đỏ"})
    assert info.value.field == f"{cls.__name__}.colour"
    assert "a known field" in str(info.value)


def test_unknown_keys_of_mixed_types_are_reported_not_crashed_on() -> None:
    """Python callers may pass non-text keys; sorting them for the message must not fail."""
    with pytest.raises(ct.ValidationError, match=r"^Unit\."):
        _codec.structure(ct.Unit, document(ct.Unit) | {1: "a", "b": 2, None: 3})


def required_fields() -> list[tuple[type[Any], str]]:
    return [
        (cls, field.name)
        for cls in CLASSES
        for field in attrs.fields(cls)
        if field.init and field.default is attrs.NOTHING
    ]


@pytest.mark.parametrize(
    ("cls", "name"), required_fields(), ids=[f"{c.__name__}.{n}" for c, n in required_fields()]
)
def test_a_missing_required_key_is_named(cls: type[Any], name: str) -> None:
    doc = document(cls)
    del doc[name]
    with pytest.raises(ct.ValidationError) as info:
        _codec.structure(cls, doc)
    assert info.value.field == f"{cls.__name__}.{name}"
    assert "required" in info.value.expected


GROWTH = {"kind": "growth", "amount": 5, "mode": "relative"}

WRONG_VALUES = [
    # (class, key, stored value, field named by the error)
    (ct.Task, "due", 20250630, "Task.due"),
    (ct.Task, "due", "30/06/2025", "Task.due"),
    (ct.Task, "due", "2025-13-01", "Task.due"),
    (ct.Task, "due", ["2025-06-30"], "Task.due"),
    (ct.Task, "due", None, "Task.due"),
    (ct.Task, "due", "2025-06-30T08:00:00+07:00", "Task.due"),
    (ct.Task, "completed_on", "2025-06-30", "Task.completed_on"),
    (ct.Task, "status", "finished", "Task.status"),
    (ct.Task, "status", None, "Task.status"),
    (ct.Task, "status", ["done"], "Task.status"),
    (ct.Task, "weight", "1", "Task.weight"),
    (ct.Task, "weight", True, "Task.weight"),
    (ct.Task, "weight", 10**400, "Task.weight"),
    (ct.Task, "partners", "noi vu", "Task.partners"),
    (ct.Task, "partners", 5, "Task.partners"),
    (ct.Task, "partners", [1, 2], "Task.partners"),
    (ct.Task, "partners", {"noi-vu": True}, "Task.partners"),
    (ct.Task, "progress", 5, "Task.progress"),
    (ct.Task, "progress", "50%", "Task.progress"),
    (ct.Task, "progress", {"on": "2025-03-31", "percent": 50}, "Task.progress"),
    (ct.Task, "progress", [5], "ProgressReport"),
    (ct.Task, "progress", [{"on": "2025-03-31"}], "ProgressReport.percent"),
    (ct.Task, "progress", [{"on": "hôm qua", "percent": 50}], "ProgressReport.on"),
    (ct.Task, "field", ["procedures"], "Task.field"),
    (ct.Task, "title", None, "Task.title"),
    (ct.ProgressReport, "evidence", 5, "ProgressReport.evidence"),
    (ct.ProgressReport, "evidence", [None], "ProgressReport.evidence"),
    (ct.Unit, "valid_from", 2025, "Unit.valid_from"),
    (ct.Unit, "successors", [["a"]], "Unit.successors"),
    (ct.Unit, "name", {"vi": "Phòng Tư pháp"}, "Unit.name"),
    (ct.Headship, "start", {}, "Headship.start"),
    (ct.Plan, "end", "2025", "Plan.end"),
    (ct.Result, "year", "2025", "Result.year"),
    (ct.Result, "value", "85,5", "Result.value"),
    (ct.Result, "rank", 4.0, "Result.rank"),
    (ct.Result, "indicator", ["PAR_INDEX"], "Result.indicator"),
    (ct.Discipline, "on", 0, "Discipline.on"),
    (ct.Target, "rule", 5, "Target.rule"),
    (ct.Target, "rule", "growth", "Target.rule"),
    (ct.Target, "rule", {"amount": 5}, "Target.rule"),
    (ct.Target, "rule", {"kind": "nope"}, "Target.rule.kind"),
    (ct.Target, "rule", {"kind": ["growth"]}, "Target.rule.kind"),
    (ct.Target, "rule", {"kind": "growth"}, "Target.rule (growth)"),
    (ct.Target, "rule", GROWTH | {"colour": 1}, "Target.rule (growth)"),
    (ct.Target, "rule", GROWTH | {"amount": "5"}, "Growth.amount"),
    (ct.Target, "rule", GROWTH | {"mode": "percent"}, "Growth.mode"),
    (ct.Target, "rule", {"kind": "rank_within", "n": 0}, "RankWithin.n"),
    (ct.Target, "rule", {"kind": "above", "x": None}, "Above.x"),
    (ct.Target, "rule", {"kind": "any_of", "rules": []}, "AnyOf.rules"),
    (ct.Target, "rule", {"kind": "all_of", "rules": 5}, "AllOf.rules"),
    (ct.Target, "rule", {"kind": "all_of", "rules": {"a": GROWTH}}, "AllOf.rules"),
    (ct.Target, "rule", {"kind": "any_of", "rules": [5]}, "Target.rule"),
    (ct.Target, "rule", {"kind": "milestones", "schedule": []}, "Milestones.schedule"),
    (ct.Target, "rule", {"kind": "milestones", "schedule": 5}, "Milestones.schedule"),
    (ct.Target, "rule", {"kind": "milestones", "schedule": [[2025]]}, "Milestones.schedule"),
    (
        ct.Target,
        "rule",
        {"kind": "milestones", "schedule": [["năm", GROWTH]]},
        "Milestones.schedule",
    ),
    (
        ct.Target,
        "rule",
        {"kind": "milestones", "schedule": [[float("inf"), GROWTH]]},
        "Milestones.schedule",
    ),
    (
        ct.Target,
        "rule",
        {"kind": "milestones", "schedule": [[2025, GROWTH], [2025, GROWTH]]},
        "Milestones.schedule",
    ),
    (ct.Target, "ratchet", "yes", "Target.ratchet"),
    (ct.Target, "indicator", "", "Target.indicator"),
]


@pytest.mark.parametrize(
    ("cls", "key", "value", "field"),
    WRONG_VALUES,
    ids=[f"{c.__name__}.{k}={v!r}"[:60] for c, k, v, _ in WRONG_VALUES],
)
def test_a_value_of_the_wrong_kind_is_a_validation_error(
    cls: type[Any], key: str, value: Any, field: str
) -> None:
    """Wrong types in a stored document give a ValidationError naming the field."""
    doc = document(cls) | {key: value}
    with pytest.raises(ct.ValidationError) as info:
        _codec.structure(cls, doc)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: expected ")


RULE_KINDS = ["growth", "rank_within", "above", "at_least", "any_of", "all_of", "milestones"]

#: Arbitrary JSON-like values, plus values close enough to valid ones to get past the
#: first check (ISO dates, statuses, rule dicts with a real kind and random parameters).
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["2025-06-30", "done", "open", "tu-phap", "PAR_INDEX", "relative"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=6), children, max_size=3)
        | st.fixed_dictionaries(
            {"kind": st.sampled_from(RULE_KINDS)},
            optional={
                "amount": children,
                "mode": children,
                "n": children,
                "x": children,
                "rules": children,
                "schedule": children,
            },
        )
    ),
    max_leaves=10,
)


@pytest.mark.parametrize("cls", CLASSES, ids=by_name)
@given(data=st.data())
def test_garbage_in_any_field_is_a_validation_error_or_a_valid_object(
    cls: type[Any], data: st.DataObject
) -> None:
    """Whatever replaces one field of a valid document, structure either builds a valid
    object or raises ValidationError: never TypeError, KeyError or anything else."""
    doc = document(cls)
    key = data.draw(st.sampled_from(sorted(doc)), label="key")
    doc[key] = data.draw(json_values, label="value")
    try:
        obj = _codec.structure(cls, doc)
    except ct.ValidationError as exc:
        error = exc
    else:
        assert isinstance(obj, cls)
        return
    assert isinstance(error, ct.CchcError)
    assert str(error).startswith(f"{error.field}: expected ")


# -- trusted documents and partial re-validation (the read and update fast paths) --------


def same_fields(a: Any, b: Any) -> None:
    """Equal, and every field of the same type: the fast paths build what the
    validating ones build, not merely something equal to it."""
    assert a == b
    for field in attrs.fields(type(a)):
        assert type(getattr(a, field.name)) is type(getattr(b, field.name)), field.name


@pytest.mark.parametrize("cls", CLASSES, ids=by_name)
@given(data=st.data())
def test_a_trusted_document_loads_as_the_validating_decoder_builds_it(
    cls: type[Any], data: st.DataObject
) -> None:
    obj = data.draw(STRATEGIES[cls])
    stored = json.loads(json.dumps(_codec.unstructure(obj), allow_nan=False))
    same_fields(_codec.load_trusted(cls, stored), _codec.structure(cls, stored))


UPDATES: dict[str, st.SearchStrategy[Any]] = {
    "title": st.one_of(testing.texts(nonempty=True), st.just("  ")),
    "due": testing.dates(),
    "weight": st.floats(min_value=0, max_value=10, allow_nan=False),
    "errors": st.integers(min_value=0, max_value=5),
    "partners": st.lists(testing.ids(), max_size=3).map(tuple),
    "quality_note": testing.texts(),
}


@given(
    task=testing.tasks(),
    changes=st.dictionaries(st.sampled_from(sorted(UPDATES)), st.none(), min_size=1).flatmap(
        lambda keys: st.fixed_dictionaries({k: UPDATES[k] for k in keys})
    ),
)
def test_replace_builds_what_evolve_builds_or_refuses_alike(
    task: ct.Task, changes: dict[str, Any]
) -> None:
    outcomes = []
    for build in (attrs.evolve, _codec.replace):
        try:
            outcomes.append(build(task, **changes))
        except ct.ValidationError as error:
            outcomes.append(error.field)
    if isinstance(outcomes[0], str):
        assert outcomes[1] == outcomes[0]  # refused, naming the same field
    else:
        same_fields(outcomes[1], outcomes[0])


@given(
    task=testing.tasks(),
    kept=st.lists(st.sampled_from([f.name for f in attrs.fields(ct.Task)]), max_size=6),
    changes=st.dictionaries(st.sampled_from(sorted(UPDATES)), st.none()).flatmap(
        lambda keys: st.fixed_dictionaries({k: UPDATES[k] for k in keys})
    ),
)
def test_replace_given_a_fields_own_value_builds_what_evolve_builds(
    task: ct.Task, kept: list[str], changes: dict[str, Any]
) -> None:
    """A value given that is the very object the field holds is not checked again (as
    complete_task passes the note and errors it keeps): the result is still evolve's."""
    given_back = {name: getattr(task, name) for name in kept} | changes
    outcomes = []
    for build in (attrs.evolve, _codec.replace):
        try:
            outcomes.append(build(task, **given_back))
        except ct.ValidationError as error:
            outcomes.append(error.field)
    if isinstance(outcomes[0], str):
        assert outcomes[1] == outcomes[0]
    else:
        same_fields(outcomes[1], outcomes[0])


@pytest.mark.parametrize(
    "changes",
    [
        {"status": ct.TaskStatus.DONE},  # a done task needs its completion date
        {"exceeded": True},  # only a done task is exceeded
        {"title": "  "},
        {"due": "2024-06-30"},
        {"errors": -1},
    ],
    ids=repr,
)
def test_replace_checks_the_changed_fields_and_the_cross_field_rules(
    changes: dict[str, Any],
) -> None:
    task = testing.make_task()
    with pytest.raises(ct.ValidationError):
        attrs.evolve(task, **changes)
    with pytest.raises(ct.ValidationError):
        _codec.replace(task, **changes)


@given(
    task=testing.tasks(),
    changes=st.dictionaries(st.sampled_from(sorted(UPDATES)), st.none()).flatmap(
        lambda keys: st.fixed_dictionaries({k: UPDATES[k] for k in keys})
    ),
    rebuilt=st.booleans(),
)
def test_an_update_encodes_as_the_whole_object_does(
    task: ct.Task, changes: dict[str, Any], rebuilt: bool
) -> None:
    """The document of a replacing object, made from the replaced one's document with
    the changed fields encoded again (unstructure_changes), is the one unstructure gives,
    whether the object was made by replace (which keeps the other fields' values) or
    built anew (equal values, other objects)."""
    try:
        updated = _codec.replace(task, **changes)
    except ct.ValidationError:
        return
    if rebuilt:
        updated = attrs.evolve(updated)
    for was_doc in (_codec.unstructure(task), stored(task)):
        changes = _codec.unstructure_changes(updated, task, was_doc)
        assert changes is not None
        assert {**was_doc, **changes} == _codec.unstructure(updated)
    newer = {**_codec.unstructure(task), "added-later": 1}  # a layout of a later version
    assert _codec.unstructure_changes(updated, task, newer) is None  # no base: encode whole


def test_an_update_of_a_derived_key_keeps_the_stored_key_beside_the_fields() -> None:
    """A store keeps a derived key ("unit@start") as "id" beside the fields."""
    head = testing.make_headship()
    doc = {**_codec.unstructure(head), "id": head.id}
    ended = _codec.replace(head, end=dt.date(2025, 12, 31))
    changes = _codec.unstructure_changes(ended, head, doc, keyed=True)
    assert changes is not None
    assert {**doc, **changes} == {**_codec.unstructure(ended), "id": head.id}
    assert _codec.unstructure_changes(ended, head, doc) is None  # the key counted as a field


def test_an_update_of_an_older_layout_is_encoded_whole() -> None:
    task = testing.make_task()
    older = _codec.unstructure(task)
    del older["series"]  # written before the field was added
    done = _codec.replace(task, status=ct.TaskStatus.DONE, completed_on=task.due)
    assert _codec.unstructure_changes(done, task, older) is None
    unit = testing.make_unit()
    assert _codec.unstructure_changes(unit, task, _codec.unstructure(task)) is None


def test_replace_refuses_an_unknown_field_as_evolve_does() -> None:
    with pytest.raises(TypeError):
        _codec.replace(testing.make_task(), colour="red")


# --- texts bounded by the classes' own validators ----------------------------------------

TOO_LONG = "x" * (MAX_TEXT_LENGTH + 1)


def with_each_text_too_long(doc: Any) -> Iterator[tuple[str, Any]]:
    """``doc`` with one text made too long, for each text it holds (and each list given
    one more item that is too long), with where."""
    if isinstance(doc, str):
        yield "", TOO_LONG
    elif isinstance(doc, dict):
        for key, value in doc.items():
            for where, changed in with_each_text_too_long(value):
                yield f".{key}{where}", doc | {key: changed}
    elif isinstance(doc, list):
        yield "[+]", [*doc, TOO_LONG]
        for n, item in enumerate(doc):
            for where, changed in with_each_text_too_long(item):
                yield f"[{n}]{where}", [*doc[:n], changed, *doc[n + 1 :]]


@pytest.mark.parametrize(
    "table", [t for t in TABLES.values() if t.texts_bounded], ids=lambda t: t.name
)
def test_a_table_that_vouches_for_its_texts_bounds_every_one(table: TableSpec) -> None:
    """The session tells the store that the documents of these tables hold no text too
    long to store (so a commit need not walk them): each class's own validators must
    refuse every such text, wherever it is in the document, nested ones included."""
    cls = table.cls
    doc = document(cls)
    tried = 0
    for where, changed in with_each_text_too_long(doc):
        tried += 1
        with pytest.raises(ct.ValidationError):
            _codec.structure(cls, changed)
            pytest.fail(f"{cls.__name__}{where}: a text too long was accepted")
    assert tried


# -- reading a store back: every table's documents, older layouts, inherited slots -------

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
#: Criteria tables for the entries and computations. A tree indexes its nodes when it is
#: made, so it loads the validating way; what holds it loads through the trusted loader.
TREES: list[CriteriaTree] = [default_criteria(), default_criteria(survey_max=31.5, total=100)]


def configuration_values() -> st.SearchStrategy[Any]:
    """What a configuration file may hold: JSON values, finite numbers."""
    return st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | testing.texts(nfd=False),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=6), children, max_size=3)
        ),
        max_leaves=8,
    )


def store_configurations() -> st.SearchStrategy[StoreConfiguration]:
    return st.builds(
        StoreConfiguration,
        plugins=st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=8), max_size=3),
        config=st.dictionaries(st.text(max_size=8), configuration_values(), max_size=3),
    )


def accounts() -> st.SearchStrategy[Account]:
    salts = st.text(B64, min_size=1, max_size=24)
    return st.builds(
        Account,
        id=testing.ids(),
        name=testing.texts(),
        role=st.sampled_from(Role),
        password_hash=st.builds(lambda a, b: f"scrypt$16384$8$1${a}${b}", salts, salts),
        units=st.lists(testing.ids(), max_size=3, unique=True),
        active=st.booleans(),
    )


@st.composite
def survey_codes(draw: st.DrawFn) -> SurveyCode:
    issued, expires = draw(testing.periods())
    return SurveyCode(
        id=draw(st.text("0123456789abcdef", min_size=20, max_size=20)),
        unit=draw(testing.ids()),
        service=draw(testing.texts()),
        issued=issued,
        expires=expires,
        used_on=draw(st.none() | testing.dates()),
        response=draw(st.none() | testing.ids()),
        comment=draw(testing.texts()),
    )


def survey_responses(unit: str | None = None) -> st.SearchStrategy[SurveyResponse]:
    factors = st.sampled_from([f.id for f in DEFAULT_FACTORS]) | testing.ids()
    return st.builds(
        SurveyResponse,
        id=st.integers(1, 10**6).map(str),
        respondent_kind=st.sampled_from(RespondentKind),
        unit=testing.ids() if unit is None else st.just(unit),
        service=testing.texts(),
        date=testing.dates(),
        answers=st.dictionaries(factors, st.none() | st.integers(0, 6), max_size=5),
    )


def task_counts() -> st.SearchStrategy[TaskCounts]:
    counts = st.integers(0, 50)
    return st.builds(TaskCounts, on_time=counts, late=counts, overdue=counts)


def unit_scorecards() -> st.SearchStrategy[UnitScorecard]:
    points = st.floats(0, 10, allow_nan=False) | st.integers(0, 10)
    evidence = st.builds(
        Evidence,
        document=testing.texts(nonempty=True),
        date=st.none() | testing.dates(),
        link=testing.texts(),
    )
    return st.builds(
        UnitScorecard,
        unit=testing.ids(),
        year=st.integers(2020, 2030),
        self_assessments=st.lists(
            st.builds(
                SelfAssessment,
                criterion=testing.ids(),
                points=points,
                evidence=st.lists(evidence, max_size=2),
                note=testing.texts(),
            ),
            max_size=3,
            unique_by=lambda item: item.criterion,
        ),
        appraisals=st.lists(
            st.builds(
                Appraisal,
                criterion=testing.ids(),
                points=points,
                by=testing.texts(),
                reason=testing.texts(),
            ),
            max_size=3,
            unique_by=lambda item: item.criterion,
        ),
        survey_points=st.none() | st.floats(0, 30, allow_nan=False),
        bonuses=st.lists(st.builds(Bonus, points, testing.texts(nonempty=True)), max_size=2),
        penalties=st.lists(st.builds(Penalty, points, testing.texts(nonempty=True)), max_size=2),
        tasks=st.none() | task_counts(),
    )


def criteria_entries() -> st.SearchStrategy[CriteriaEntry]:
    return st.builds(
        CriteriaEntry,
        tree=st.sampled_from(TREES),
        year=st.integers(2020, 2030),
        unit_kind=st.none() | st.sampled_from(["commune", "district", "agency"]),
        province=st.none() | testing.ids(),
    )


@st.composite
def index_computations(draw: st.DrawFn) -> IndexComputation:
    """A PAR index computed from a scorecard, or SIPAS from responses, as the tracker
    records them (with or without the result they gave)."""
    unit, year = draw(testing.ids()), draw(st.integers(2020, 2030))
    par, sipas = None, None
    if draw(st.booleans()):
        indicator, tree = ct.Indicator.PAR_INDEX, draw(st.sampled_from(TREES))
        own = [
            SelfAssessment(leaf.id, leaf.max_points * draw(st.integers(0, 4)) / 4)
            for leaf in tree.leaves()
            if draw(st.booleans())
        ]
        survey = draw(st.none() | st.floats(0, tree.survey_max, allow_nan=False))
        tasks = draw(st.none() | task_counts())
        par = compute_index(tree, UnitScorecard(unit, year, own, survey_points=survey, tasks=tasks))
    else:
        indicator = ct.Indicator.SIPAS
        responses = st.lists(survey_responses(unit), max_size=6, unique_by=lambda r: r.id)
        sipas = compute_sipas(draw(responses))
    result = st.builds(
        ct.Result, st.just(indicator), st.just(unit), st.just(year), st.floats(0, 100)
    )
    return IndexComputation(
        indicator,
        unit,
        year,
        computed_on=draw(testing.dates()),
        as_of=draw(testing.dates()),
        result=draw(st.none() | result),
        group=draw(testing.texts()),
        par=par,
        sipas=sipas,
        note=draw(testing.texts()),
    )


#: Every class a store's documents decode to, and the classes nested in them.
STORED: dict[type[Any], st.SearchStrategy[Any]] = STRATEGIES | {
    StoreConfiguration: store_configurations(),
    Account: accounts(),
    SurveyCode: survey_codes(),
    SurveyResponse: survey_responses(),
    UnitScorecard: unit_scorecards(),
    CriteriaEntry: criteria_entries(),
    IndexComputation: index_computations(),
}
STORED_CLASSES = sorted(STORED, key=by_name)


def stored(obj: Any) -> dict[str, Any]:
    """``obj``'s document as a store gives it back: encoded, written as JSON, parsed."""
    doc: dict[str, Any] = json.loads(json.dumps(_codec.unstructure(obj), allow_nan=False))
    return doc


def default_of(field: attrs.Attribute[Any]) -> Any:
    """The value an object gets when it is made without ``field``."""
    default: Any = field.default
    value = default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]
    convert: Any = field.converter
    return value if convert is None else convert(value)


def test_every_table_class_has_a_strategy() -> None:
    """A new table's class must get a strategy here: its documents are read back by the
    trusted loader, which these properties hold to the objects written."""
    assert {spec.cls for spec in TABLES.values()} <= set(STORED)


@pytest.mark.parametrize("cls", STORED_CLASSES, ids=by_name)
@given(data=st.data())
def test_a_stored_object_loads_back_as_it_was(cls: type[Any], data: st.DataObject) -> None:
    """What a store reads is what was written: an equal object, every field of the same
    type, and encoding it again gives the same document."""
    obj = data.draw(STORED[cls])
    doc = stored(obj)
    back = _codec.load_trusted(cls, doc)
    assert back == obj
    assert type(back) is cls
    same_fields(back, obj)
    assert _codec.unstructure(back) == _codec.unstructure(obj)


@pytest.mark.parametrize("cls", STORED_CLASSES, ids=by_name)
@given(data=st.data())
def test_a_document_of_an_older_layout_loads_back_as_it_was(
    cls: type[Any], data: st.DataObject
) -> None:
    """A document written before a field with a default was added has no key for it:
    left out where the object holds the default, it still loads as the object."""
    obj = data.draw(STORED[cls])
    holding_default = [
        f.name
        for f in attrs.fields(cls)
        if f.default is not attrs.NOTHING and getattr(obj, f.name) == default_of(f)
    ]
    left_out = data.draw(
        st.sets(st.sampled_from(holding_default)) if holding_default else st.just(set())
    )
    older = {k: v for k, v in stored(obj).items() if k not in left_out}
    back = _codec.load_trusted(cls, older)
    assert back == obj
    same_fields(back, obj)


@pytest.mark.parametrize("cls", STORED_CLASSES, ids=by_name)
@given(data=st.data())
def test_a_missing_key_gives_its_field_the_default(cls: type[Any], data: st.DataObject) -> None:
    """Whatever the object held, a key left out of its document gives the field its
    default (of the default's type), and the keys present keep their values."""
    obj = data.draw(STORED[cls])
    defaulted = [f.name for f in attrs.fields(cls) if f.default is not attrs.NOTHING]
    left_out = data.draw(st.sets(st.sampled_from(defaulted)) if defaulted else st.just(set()))
    older = {k: v for k, v in stored(obj).items() if k not in left_out}
    back = _codec.load_trusted(cls, older)
    for field in attrs.fields(cls):
        expected = default_of(field) if field.name in left_out else getattr(obj, field.name)
        assert getattr(back, field.name) == expected, field.name
        assert type(getattr(back, field.name)) is type(expected), field.name


def test_documents_naming_the_same_day_share_one_date() -> None:
    """A store repeats a few thousand days: each is one object, whichever field or
    class names it."""
    task = _codec.load_trusted(ct.Task, stored(testing.make_task(due=dt.date(2025, 6, 30))))
    report = testing.make_progress_report(on=dt.date(2025, 6, 30))
    assert _codec.load_trusted(ct.ProgressReport, stored(report)).on is task.due


# Classes whose slots are not all their own: the loader and replace set each field
# through the slot that holds it, found along the MRO, or as an attribute without one.


@attrs.frozen
class Base:
    name: str
    day: dt.date | None = None


@attrs.frozen
class Derived(Base):
    """Slotted: its own slots for its fields, the base's for ``name`` and ``day``."""

    status: ct.TaskStatus = ct.TaskStatus.OPEN
    tags: tuple[str, ...] = ()


@attrs.frozen
class Redefined(Base):
    """A field of the base given another default: held in the base's slot still."""

    day: dt.date | None = dt.date(2025, 1, 1)


@attrs.frozen(slots=False)
class WithDict(Base):
    """Not slotted: the base's slots, and ``note`` in the object's ``__dict__``."""

    note: str = ""


INHERITING = [
    Derived("a", dt.date(2025, 6, 30), ct.TaskStatus.DONE, ("x", "y")),
    Derived("b"),
    Redefined("c"),
    Redefined("d", None),
    WithDict("e", dt.date(2025, 6, 30), "ghi chú"),
    WithDict("f"),
]


@pytest.mark.parametrize("obj", INHERITING, ids=repr)
def test_fields_held_in_a_base_class_or_a_dict_load_and_replace(obj: Any) -> None:
    cls = type(obj)
    back = _codec.load_trusted(cls, stored(obj))
    assert back == obj
    same_fields(back, obj)
    assert _codec.load_trusted(cls, {"name": obj.name}) == cls(obj.name)  # an older layout
    same_fields(_codec.replace(back, name="z"), attrs.evolve(obj, name="z"))
    if cls is WithDict:
        assert vars(back) == {"note": obj.note}


# Drafts: a class whose fields are all its own slots, without a __weakref__ slot, is
# built as a draft of the same layout whose class is then swapped (Task is one).


@attrs.frozen(weakref_slot=False)
class Drafted:
    name: str
    day: dt.date | None = None
    tags: tuple[str, ...] = ()


@attrs.frozen
class WithWeakref:
    """A __weakref__ slot: CPython refuses to swap the class of its draft."""

    name: str


def test_a_task_is_built_as_a_draft_and_comes_out_a_task() -> None:
    assert _codec.draft_class(ct.Task) is not None
    task = testing.make_task(partners=("u2",), field="procedures")
    for made in (_codec.load_trusted(ct.Task, stored(task)), _codec.replace(task, title="Mới")):
        assert type(made) is ct.Task
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            made.title = "x"  # type: ignore[misc]
    same_fields(_codec.load_trusted(ct.Task, stored(task)), task)


@pytest.mark.parametrize(
    ("cls", "drafted"),
    [(Drafted, True), (WithWeakref, False), (Derived, False), (WithDict, False)],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_only_a_class_of_its_own_slots_without_weakref_has_a_draft(
    cls: type[Any], drafted: bool
) -> None:
    assert (_codec.draft_class(cls) is not None) is drafted


@pytest.mark.parametrize("cls", [Drafted, WithWeakref])
def test_drafted_or_not_a_class_loads_and_replaces_alike(cls: type[Any]) -> None:
    obj = cls("a", dt.date(2025, 6, 30), ("x",)) if cls is Drafted else cls("a")
    back = _codec.load_trusted(cls, stored(obj))
    same_fields(back, obj)
    assert type(back) is cls
    same_fields(_codec.replace(back, name="z"), attrs.evolve(obj, name="z"))
    assert _codec.load_trusted(cls, {"name": "b"}) == cls("b")  # an older layout
