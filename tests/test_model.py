"""The domain model: units, people, plans, tasks, results — what a valid object is.

Every domain object is a frozen attrs class that checks itself on construction. Text is
normalised to Unicode NFC (Vietnamese arrives as NFC or NFD from Word and Excel, and the
two spellings of one name must be the same name). Bad input raises
:class:`ct.ValidationError`, a :class:`ct.CchcError`, whose message names the field
(``"Task.due"``), says what was expected and shows what came.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks import _fields, targets, testing
from cchc_tasks.errors import show_value
from cchc_tasks.results import Assessment

VN = dt.timezone(dt.timedelta(hours=7))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


# --- Unicode: NFD in, NFC out ----------------------------------------------------------


def test_nfd_and_nfc_spellings_are_one_name() -> None:
    """One name, whether "Phòng Tư pháp" was typed in Word (NFC) or pasted from Excel (NFD)."""
    assert nfd("Phòng Tư pháp") != "Phòng Tư pháp"
    from_excel = testing.make_unit(name=nfd("Phòng Tư pháp"))
    from_word = testing.make_unit(name="Phòng Tư pháp")
    assert from_excel == from_word
    assert from_excel.name == "Phòng Tư pháp"


def nfd_everywhere(value: Any) -> Any:
    """``value`` with every text inside it (lists, tuples, dicts) turned into NFD."""
    if isinstance(value, str) and not isinstance(value, ct.Indicator | ct.Field):
        return nfd(value)
    if isinstance(value, list | tuple):
        return type(value)(nfd_everywhere(v) for v in value)
    if isinstance(value, dict):
        return {k: nfd_everywhere(v) for k, v in value.items()}
    return value


VIETNAMESE_INPUT: list[tuple[type[Any], dict[str, Any]]] = [
    (
        ct.Unit,
        {
            "id": "tân-hồng",
            "name": "UBND xã Tân Hồng",
            "kind": "xã",
            "parent": "đồng-tháp",
            "successors": ["tân-hộ-cơ", "an-phước"],
        },
    ),
    (
        ct.Person,
        {
            "id": "nguyễn-văn-an",
            "name": "Nguyễn Văn An",
            "unit": "tư-pháp",
            "title": "Trưởng phòng",
        },
    ),
    (ct.Headship, {"unit": "tư-pháp", "person": "nguyễn-văn-an", "start": dt.date(2021, 1, 1)}),
    (
        ct.Plan,
        {
            "id": "kế-hoạch-2025",
            "title": "Kế hoạch cải cách hành chính năm 2025",
            "unit": "huyện",
            "start": dt.date(2025, 1, 1),
            "end": dt.date(2025, 12, 31),
            "parent": "kế-hoạch-2021-2030",
            "document": "Kế hoạch số 123/KH-UBND",
        },
    ),
    (
        ct.Task,
        {
            "id": "nhiệm-vụ-1",
            "plan": "kế-hoạch-2025",
            "title": "Rà soát, đơn giản hóa thủ tục hành chính",
            "unit": "tư-pháp",
            "due": dt.date(2025, 6, 30),
            "assignee": "nguyễn-văn-an",
            "partners": ["nội-vụ"],
            "field": "Cải cách thể chế",
            "output": "Phương án đơn giản hóa",
            "quality_note": "Đạt yêu cầu",
            "progress": [
                ct.ProgressReport(
                    on=dt.date(2025, 3, 31),
                    percent=50,
                    note=nfd("Đã có dự thảo"),
                    evidence=[nfd("Công văn số 45/CV-TP")],
                    by=nfd("nguyễn-văn-an"),
                )
            ],
        },
    ),
    (
        ct.ProgressReport,
        {
            "on": dt.date(2025, 3, 31),
            "percent": 50,
            "note": "Đã có dự thảo",
            "evidence": ["Công văn số 45/CV-TP"],
            "by": "nguyễn-văn-an",
        },
    ),
    (
        ct.Result,
        {
            "indicator": "Chỉ số hài lòng",
            "unit": "tư-pháp",
            "year": 2025,
            "value": 91.5,
            "source": "Quyết định số 567/QĐ-UBND",
        },
    ),
    (
        ct.Discipline,
        {
            "person": "nguyễn-văn-an",
            "on": dt.date(2025, 5, 20),
            "reason": "Vi phạm thời hạn giải quyết",
            "form": "khiển trách",
            "id": "kỷ-luật-1",
        },
    ),
    (
        Assessment,
        {"person": "nguyễn-văn-an", "year": 2025, "general_points": 27, "note": "Gương mẫu"},
    ),
    (
        ct.Target,
        {
            "id": "sự-hài-lòng",
            "plan": "kế-hoạch-2025",
            "unit": "huyện",
            "indicator": "Chỉ số hài lòng",
            "rule": ct.above(90),
            "title": "Sự hài lòng trên 90%",
        },
    ),
]


def text_values(obj: Any) -> list[str]:
    """Every text held by ``obj``, including inside tuples and nested objects."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, tuple | list):
            for v in value:
                walk(v)
        elif attrs.has(type(value)):
            for field in attrs.fields(type(value)):
                walk(getattr(value, field.name))

    walk(obj)
    return found


@pytest.mark.parametrize(
    ("cls", "kwargs"), VIETNAMESE_INPUT, ids=[c.__name__ for c, _ in VIETNAMESE_INPUT]
)
def test_nfd_input_equals_nfc_input(cls: type[Any], kwargs: dict[str, Any]) -> None:
    """Every text field — ids, names, notes, lists of ids, evidence — is stored NFC, so an
    object built from NFD input equals the one built from NFC input."""
    from_nfd = cls(**nfd_everywhere(kwargs))
    from_nfc = cls(**kwargs)
    assert from_nfd == from_nfc
    assert hash(from_nfd) == hash(from_nfc)
    texts = text_values(from_nfd)
    assert any(not t.isascii() for t in texts)
    assert all(is_nfc(t) for t in texts)


def test_a_lead_unit_in_nfd_is_still_its_own_partner() -> None:
    """The lead-unit check runs on normalised ids, so two spellings cannot sneak past it."""
    with pytest.raises(ct.ValidationError, match=r"^Task\.partners: "):
        testing.make_task(unit="tư-pháp", partners=[nfd("tư-pháp")])


def test_nfd_successors_repeat_is_caught() -> None:
    with pytest.raises(ct.ValidationError, match=r"^Unit\.successors: expected ids without"):
        testing.make_unit(successors=["tân-hộ-cơ", nfd("tân-hộ-cơ")])


def test_text_is_stripped_and_an_empty_reference_is_none() -> None:
    """Blanks around text come from spreadsheets; an empty optional id means 'none'."""
    unit = testing.make_unit(id="  tu-phap\n", name=" Phòng Tư pháp ", parent="")
    assert unit.id == "tu-phap"
    assert unit.name == "Phòng Tư pháp"
    assert unit.parent is None
    assert testing.make_task(assignee=" ").assignee is None


def test_known_fields_and_indicators_become_enums_others_stay_text() -> None:
    """Field and Indicator are open: known names become members, custom names stay."""
    assert testing.make_task(field="procedures").field is ct.Field.PROCEDURES
    assert testing.make_task(field="Cải cách thể chế").field == "Cải cách thể chế"
    assert testing.make_task(field="").field is None
    assert testing.make_result(indicator="SIPAS").indicator is ct.Indicator.SIPAS
    assert testing.make_result(indicator=nfd("Chỉ số hài lòng")).indicator == "Chỉ số hài lòng"


@given(text=st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    """The converter is idempotent, so a stored (already normalised) text reads back the
    same — the property every round trip through the store relies on."""
    once = _fields.nfc(text)
    assert _fields.nfc(once) == once
    assert is_nfc(once)
    assert once == once.strip()


@given(text=testing.texts(nfd=True, nonempty=True))
def test_any_nfd_text_is_stored_as_its_nfc_form(text: str) -> None:
    unit = testing.make_unit(name=text)
    assert unit.name == unicodedata.normalize("NFC", text).strip()
    assert is_nfc(unit.name)


STRATEGIES: list[st.SearchStrategy[Any]] = [
    testing.units(),
    testing.persons(),
    testing.headships(),
    testing.plans(),
    testing.tasks(),
    testing.results(),
    testing.disciplines(),
    testing.assessments(),
    testing.targets(),
]


@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: repr(s).split("(")[0])
@given(data=st.data())
def test_generated_objects_hold_only_nfc_text(
    strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    """However the input was spelt, what an object holds is NFC and stripped of blanks."""
    for text in text_values(data.draw(strategy)):
        assert is_nfc(text)
        assert text == text.strip()


# --- validation: every bad input names the field, the expectation and what came --------

SAME = object()


def bad(
    label: str,
    build: Callable[..., Any],
    field: str,
    expected: str,
    /,
    *,
    got: Any = SAME,
    **overrides: Any,
) -> Any:
    """One row: ``build(**overrides)`` must fail on ``field``, saying ``expected`` and
    showing ``got`` (by default the override of the field's own attribute)."""
    if got is SAME:
        got = overrides[field.rsplit(".", 1)[1]]
    return pytest.param(lambda: build(**overrides), field, expected, got, id=f"{field}: {label}")


def call(label: str, thunk: Callable[[], Any], field: str, expected: str, got: Any) -> Any:
    """A row for a call that is not a keyword factory (the rule constructors)."""
    return pytest.param(thunk, field, expected, got, id=f"{field}: {label}")


unit, person, headship, plan = (
    testing.make_unit,
    testing.make_person,
    testing.make_headship,
    testing.make_plan,
)
task, report, result, discipline, target = (
    testing.make_task,
    testing.make_progress_report,
    testing.make_result,
    testing.make_discipline,
    testing.make_target,
)
assessment = testing.make_assessment
ID = "an id"
DATE = "a date (datetime.date)"
JUL_1, JUN_30 = dt.date(2025, 7, 1), dt.date(2025, 6, 30)
NAIVE = dt.datetime(2025, 6, 30, 17, 0)
AWARE = dt.datetime(2025, 6, 30, 17, 0, tzinfo=VN)
DONE = ct.TaskStatus.DONE
NAN, INF = math.nan, math.inf
RULE = ct.rank_within(5)
#: The API seen without its type hints, as an untyped caller (a notebook) would use it.
loose: Any = ct
loose_targets: Any = targets

BAD_INPUT = [
    # Unit
    bad("empty id", unit, "Unit.id", ID, id=""),
    bad("id with a space", unit, "Unit.id", ID, id="tu phap"),
    bad("id with a tab", unit, "Unit.id", ID, id="tu\tphap"),
    bad("blank id", unit, "Unit.id", ID, got="", id="   "),
    bad("id of 65 characters", unit, "Unit.id", "1 to 64", id="x" * 65),
    bad("id with a control character", unit, "Unit.id", ID, id="tu\x00phap"),
    bad("number as id", unit, "Unit.id", ID, id=17),
    bad("None as id", unit, "Unit.id", ID, id=None),
    bad("empty name", unit, "Unit.name", "non-empty text", name=""),
    bad("blank name", unit, "Unit.name", "non-empty text", got="", name=" \n "),
    bad("missing name", unit, "Unit.name", "non-empty text", name=None),
    bad("empty kind", unit, "Unit.kind", "non-empty text", kind=""),
    bad("parent with a space", unit, "Unit.parent", ID, parent="tan hong"),
    bad("naive datetime", unit, "Unit.valid_from", DATE, valid_from=NAIVE),
    bad("ISO text", unit, "Unit.valid_from", DATE, valid_from="2025-07-01"),
    bad(
        "end before start",
        unit,
        "Unit.valid_to",
        "a date on or after 2025-07-01",
        valid_from=JUL_1,
        valid_to=JUN_30,
    ),
    bad("repeated successor", unit, "Unit.successors", "without repeats", successors=("a", "a")),
    bad("successor with a space", unit, "Unit.successors", "a list of ids", successors=("a b",)),
    bad("number", unit, "Unit.successors", "a list of ids", successors=5),
    bad("mapping", unit, "Unit.successors", "a list of ids", successors={"an-phuoc": 1}),
    # Person
    bad("empty id", person, "Person.id", ID, id=""),
    bad("empty name", person, "Person.name", "non-empty text", name=""),
    bad("unit with a space", person, "Person.unit", ID, unit="tu phap"),
    bad("number as title", person, "Person.title", "text", title=5),
    # Headship
    bad("aware datetime", headship, "Headship.start", DATE, start=AWARE),
    bad("no start", headship, "Headship.start", DATE, start=None),
    bad(
        "end before start",
        headship,
        "Headship.end",
        "a date on or after 2025-07-01",
        start=JUL_1,
        end=JUN_30,
    ),
    bad("empty unit", headship, "Headship.unit", ID, unit=""),
    bad("person with a space", headship, "Headship.person", ID, person="nguyen van an"),
    # Plan
    bad("end before start", plan, "Plan.end", "on or after 2025-07-01", start=JUL_1, end=JUN_30),
    bad("naive datetime", plan, "Plan.start", DATE, start=NAIVE),
    bad("empty title", plan, "Plan.title", "non-empty text", title=""),
    bad("no document", plan, "Plan.document", "text", document=None),
    bad("parent with a space", plan, "Plan.parent", ID, parent="kh 2021"),
    # Task
    bad("naive datetime", task, "Task.due", DATE, due=NAIVE),
    bad("aware datetime", task, "Task.due", DATE, due=AWARE),
    bad("ISO text", task, "Task.due", DATE, due="2025-06-30"),
    bad("no due date", task, "Task.due", DATE, due=None),
    bad("empty title", task, "Task.title", "non-empty text", title=""),
    bad("empty plan", task, "Task.plan", ID, plan=""),
    bad("assignee with a space", task, "Task.assignee", ID, assignee="nguyen van an"),
    bad("negative weight", task, "Task.weight", "a finite number >= 0", weight=-1),
    bad("bool as weight", task, "Task.weight", "a finite number", weight=True),
    bad("NaN weight", task, "Task.weight", "a finite number", weight=NAN),
    bad("infinite weight", task, "Task.weight", "a finite number", weight=INF),
    bad("text as weight", task, "Task.weight", "a finite number", weight="1"),
    bad("int beyond float range", task, "Task.weight", "a finite number", weight=10**400),
    bad("negative budget", task, "Task.budget", "a finite number >= 0 or None", budget=-5),
    bad("NaN budget", task, "Task.budget", "a finite number", budget=NAN),
    bad(
        "completed_on without status done",
        task,
        "Task.completed_on",
        "a date exactly when status is 'done'",
        completed_on=JUL_1,
    ),
    bad(
        "done without completed_on",
        task,
        "Task.completed_on",
        "a date exactly when status is 'done'",
        status=DONE,
        completed_on=None,
    ),
    bad(
        "cancelled with completed_on",
        task,
        "Task.completed_on",
        "exactly when status is 'done'",
        status=ct.TaskStatus.CANCELLED,
        completed_on=JUL_1,
    ),
    bad("datetime completion", task, "Task.completed_on", DATE, status=DONE, completed_on=NAIVE),
    bad("exceeded on an open task", task, "Task.exceeded", "False unless", exceeded=True),
    bad(
        "exceeded on a cancelled task",
        task,
        "Task.exceeded",
        "False unless the task is done",
        status=ct.TaskStatus.CANCELLED,
        exceeded=True,
    ),
    bad("text as flag", task, "Task.exceeded", "True or False", status=DONE, exceeded="có"),
    bad(
        "lead unit as its own partner",
        task,
        "Task.partners",
        "units other than the lead unit",
        partners=("noi-vu", "tu-phap"),
    ),
    bad("repeated partner", task, "Task.partners", "without repeats", partners=("a", "a")),
    bad("partner with a space", task, "Task.partners", "a list of ids", partners=("noi vu",)),
    bad("unknown status", task, "Task.status", "one of 'open', 'done'", status="finished"),
    bad("no status", task, "Task.status", "one of 'open', 'done', 'cancelled'", status=None),
    bad("number as field", task, "Task.field", "a field name or None", field=5),
    bad("number as report", task, "Task.progress", "ProgressReport", got=(5,), progress=[5]),
    bad("number as reports", task, "Task.progress", "a list of ProgressReport", progress=5),
    bad("text as reports", task, "Task.progress", "a list of ProgressReport", progress="50%"),
    # ProgressReport
    bad("percent > 100", report, "ProgressReport.percent", "from 0 to 100", percent=101),
    bad("negative percent", report, "ProgressReport.percent", "a whole number >= 0", percent=-1),
    bad("fractional percent", report, "ProgressReport.percent", "a whole number", percent=50.5),
    bad("bool as percent", report, "ProgressReport.percent", "a whole number", percent=True),
    bad("naive datetime", report, "ProgressReport.on", DATE, on=NAIVE),
    bad("empty evidence", report, "ProgressReport.evidence", "non-empty", got=("",), evidence=[""]),
    bad("number as evidence", report, "ProgressReport.evidence", "a list of", evidence=5),
    bad("author with a space", report, "ProgressReport.by", ID, by="nguyen van an"),
    # Result
    bad("rank > of", result, "Result.rank", "a rank from 1 to of=12", rank=13, of=12),
    bad("rank 0", result, "Result.rank", "a whole number >= 1 or None", rank=0),
    bad("fractional rank", result, "Result.rank", "a whole number", rank=2.5),
    bad("peer group of 0", result, "Result.of", "a whole number >= 1", of=0),
    bad("year 1800", result, "Result.year", "a year from 1900 to 2200", year=1800),
    bad("bool as year", result, "Result.year", "a year", year=True),
    bad("float year", result, "Result.year", "a year", year=2025.0),
    bad("text year", result, "Result.year", "a year", year="2025"),
    bad("NaN value", result, "Result.value", "a finite number or None", value=NAN),
    bad("bool as value", result, "Result.value", "a finite number", value=True),
    bad("text value", result, "Result.value", "a finite number", value="85,5"),
    bad(
        "neither value nor rank", result, "Result.value", "a value or a rank", value=None, rank=None
    ),
    bad("empty indicator", result, "Result.indicator", "non-empty text", indicator=""),
    bad("empty unit", result, "Result.unit", ID, unit=""),
    # Discipline
    bad("naive datetime", discipline, "Discipline.on", DATE, on=NAIVE),
    bad("empty reason", discipline, "Discipline.reason", "non-empty text", reason=""),
    bad("empty person", discipline, "Discipline.person", ID, person=""),
    bad("number as id", discipline, "Discipline.id", "text", id=5),
    # Assessment
    bad("negative points", assessment, "Assessment.general_points", ">= 0", general_points=-1),
    bad("NaN points", assessment, "Assessment.general_points", "finite", general_points=NAN),
    bad("year 3000", assessment, "Assessment.year", "a year from 1900 to 2200", year=3000),
    # Target
    bad("number as rule", target, "Target.rule", "a rule", rule=5),
    bad("text as rule", target, "Target.rule", "a rule", rule="rank_within(5)"),
    bad("unknown kind", target, "Target.rule.kind", "one of", got="tốp", rule={"kind": "tốp"}),
    bad("list as kind", target, "Target.rule.kind", "one of", got=["x"], rule={"kind": ["x"]}),
    bad("empty indicator", target, "Target.indicator", "a non-empty name", indicator=""),
    bad("text as ratchet", target, "Target.ratchet", 'True, False or "binding"', ratchet="có"),
    bad("id with a space", target, "Target.id", ID, id="par index"),
    # rules
    call("text amount", lambda: loose.growth("5"), "Growth.amount", "a finite number", "5"),
    call("NaN amount", lambda: loose.growth(NAN), "Growth.amount", "a finite number", NAN),
    call("bool amount", lambda: loose.growth(True), "Growth.amount", "a finite number", True),
    call(
        "unknown mode", lambda: loose.growth(5, "percent"), "Growth.mode", "'relative'", "percent"
    ),
    call("top 0", lambda: loose.rank_within(0), "RankWithin.n", "a whole number >= 1", 0),
    call("fractional n", lambda: loose.rank_within(2.5), "RankWithin.n", "a whole number", 2.5),
    call("bool n", lambda: loose.rank_within(True), "RankWithin.n", "a whole number", True),
    call("NaN threshold", lambda: loose.above(NAN), "Above.x", "a finite number", NAN),
    call("text threshold", lambda: loose.above("90"), "Above.x", "a finite number", "90"),
    call("infinite threshold", lambda: loose.at_least(INF), "AtLeast.x", "a finite number", INF),
    call("no parts", lambda: loose.any_of(), "AnyOf.rules", "one or more rules", ()),
    call("no parts", lambda: loose.all_of(), "AllOf.rules", "one or more rules", ()),
    call("number as parts", lambda: loose_targets.AnyOf(5), "AnyOf.rules", "one or more rules", 5),
    call("number as a part", lambda: loose.all_of(5), "Target.rule", "a rule", 5),
    call("no milestones", lambda: loose.milestones({}), "Milestones.schedule", "one or more", []),
    call(
        "repeated year",
        lambda: loose.milestones([(2025, RULE), (2025, RULE)]),
        "Milestones.schedule",
        "one or more distinct years",
        [2025, 2025],
    ),
    call("number", lambda: loose.milestones(5), "Milestones.schedule", "a mapping", 5),
    call(
        "text year",
        lambda: loose.milestones({"năm": RULE}),
        "Milestones.schedule",
        "a mapping of years to rules",
        {"năm": RULE},
    ),
]


@pytest.mark.parametrize(("build", "field", "expected", "got"), BAD_INPUT)
def test_bad_input_names_the_field_the_expectation_and_the_value(
    build: Callable[[], Any], field: str, expected: str, got: Any
) -> None:
    """Every validator raises ct.ValidationError (a ct.CchcError and a ValueError); the
    message reads ``<Class.field>: expected <what>, got <value>``."""
    with pytest.raises(ct.ValidationError) as info:
        build()
    error = info.value
    assert isinstance(error, ct.CchcError)
    assert isinstance(error, ValueError)
    assert error.field == field
    assert expected in error.expected
    assert repr(error.got) == repr(got)
    assert str(error) == f"{field}: expected {error.expected}, got {show_value(got)}"


def test_long_values_are_shortened_in_the_message() -> None:
    with pytest.raises(ct.ValidationError) as info:
        testing.make_unit(id="x" * 200)
    message = str(info.value)
    assert message.endswith("...")
    assert len(message) < 200


@attrs.frozen
class Stamp:
    """A stand-in for a class with a timestamp field (entries, changes)."""

    at: dt.datetime = attrs.field(validator=_fields.check_aware_datetime)


@pytest.mark.parametrize(
    "value", [NAIVE, dt.date(2025, 6, 30), "2025-06-30T17:00:00+07:00", None], ids=repr
)
def test_timestamps_must_be_timezone_aware(value: Any) -> None:
    with pytest.raises(ct.ValidationError, match=r"^Stamp\.at: expected a timezone-aware"):
        Stamp(value)


def test_an_aware_timestamp_is_accepted() -> None:
    assert Stamp(AWARE).at == AWARE


def test_domain_objects_are_frozen() -> None:
    unit = testing.make_unit()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        unit.name = "Phòng Nội vụ"  # type: ignore[misc]


# --- what valid objects mean -----------------------------------------------------------


def test_factories_build_valid_vietnamese_defaults() -> None:
    """The factories give the Tân Hồng examples the docs use; overrides change one field."""
    assert testing.make_unit().name == "Phòng Tư pháp"
    assert testing.make_unit(id="noi-vu", name="Phòng Nội vụ").id == "noi-vu"
    assert testing.make_person().name == "Nguyễn Văn An"
    assert testing.make_plan().document == "Kế hoạch số 123/KH-UBND"
    assert testing.make_task().status is ct.TaskStatus.OPEN
    assert testing.make_target().indicator is ct.Indicator.PAR_INDEX


def test_make_task_done_is_done_on_its_due_date() -> None:
    done = testing.make_task(status=ct.TaskStatus.DONE)
    assert done.completed_on == done.due
    late = testing.make_task(status="done", completed_on=dt.date(2025, 7, 15), exceeded=True)
    assert late.status is ct.TaskStatus.DONE
    assert late.exceeded


def test_a_task_counts_in_the_year_it_falls_due() -> None:
    assert testing.make_task(due=dt.date(2026, 1, 15)).year == 2026


def test_derived_store_keys() -> None:
    """Headships and results have no id of their own; the store key is derived."""
    assert testing.make_headship().id == "tu-phap@2021-01-01"
    assert testing.make_result().id == "PAR_INDEX@huyen@2025"
    assert testing.make_assessment().id == "nguyen-van-an@2025"


def test_unit_existence_over_time() -> None:
    """Tân Hồng district ended on 30 June 2025 (the two-level government reform)."""
    district = testing.make_unit(
        id="huyen",
        name="UBND huyện Tân Hồng",
        kind="district",
        parent="tinh-dong-thap",
        valid_to=JUN_30,
        successors=["tan-hong", "tan-thanh", "tan-ho-co", "an-phuoc"],
    )
    assert district.exists_between(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert district.exists_between(JUN_30, JUN_30)
    assert not district.exists_between(JUL_1, dt.date(2025, 12, 31))
    commune = testing.make_unit(id="tan-ho-co", kind="commune", valid_from=JUL_1)
    assert not commune.exists_between(dt.date(2025, 1, 1), JUN_30)
    assert commune.exists_between(JUN_30, JUL_1)


def test_headship_days_and_overlap() -> None:
    """Two heads in one year: the time each held the post decides how each is rated."""
    first = testing.make_headship(start=dt.date(2020, 3, 1), end=dt.date(2025, 4, 30))
    second = testing.make_headship(person="tran-thi-hanh", start=dt.date(2025, 5, 1))
    year = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert first.days_within(*year) == 120
    assert second.days_within(*year) == 245
    assert first.days_within(*year) + second.days_within(*year) == 365
    assert first.overlaps(*year)
    assert second.overlaps(dt.date(2030, 1, 1), None)
    assert not first.overlaps(dt.date(2025, 5, 1), None)
    assert first.days_within(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 0


def test_plan_covers_its_period() -> None:
    plan = testing.make_plan(start=dt.date(2021, 1, 1), end=dt.date(2030, 12, 31))
    assert plan.covers(dt.date(2025, 7, 1))
    assert not plan.covers(dt.date(2031, 1, 1))
    assert plan.covers_year(2030)
    assert not plan.covers_year(2020)


@given(
    data=st.data(),
    plan=testing.plans(period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
)
def test_generated_tasks_fall_due_within_their_plan(plan: ct.Plan, data: st.DataObject) -> None:
    """``testing.tasks(plan=...)`` is what plugin authors use to fill a plan with work."""
    pool = ["noi-vu", "tu-phap", "van-phong", "tc-kh"]
    task = data.draw(testing.tasks(plan=plan, unit="tu-phap", partners=pool))
    assert task.plan == plan.id
    assert plan.covers(task.due)
    assert task.year == 2025
    assert task.unit == "tu-phap"
    assert "tu-phap" not in task.partners
    assert set(task.partners) <= set(pool)


@given(
    task=testing.tasks(
        period=(dt.date(2024, 1, 1), dt.date(2024, 12, 31)), status=ct.TaskStatus.DONE
    )
)
def test_generated_done_tasks_are_consistent(task: ct.Task) -> None:
    assert task.status is ct.TaskStatus.DONE
    assert task.completed_on is not None
    assert task.due.year == 2024


@given(task=testing.tasks())
def test_generated_tasks_keep_status_completion_and_exceeded_consistent(task: ct.Task) -> None:
    assert (task.status is ct.TaskStatus.DONE) == (task.completed_on is not None)
    assert not task.exceeded or task.status is ct.TaskStatus.DONE
    assert [r.on for r in task.progress] == sorted(r.on for r in task.progress)


@given(result=testing.results())
def test_generated_results_have_a_value_or_a_rank_within_the_peer_group(result: ct.Result) -> None:
    assert result.value is not None or result.rank is not None
    if result.rank is not None and result.of is not None:
        assert result.rank <= result.of
