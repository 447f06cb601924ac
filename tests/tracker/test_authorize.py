"""Who may change what: the ``cchc_authorize`` hook and the opt-in ``UnitScopePolicy``.

Every Tracker write asks ``cchc_authorize(actor, action, target, tracker)`` for each
object it would change, inside the write and before anything changes. A plugin refuses
by returning ``False`` or raising ``PermissionDeniedError``; the write then raises
``PermissionDeniedError`` naming the actor, the action, the target and the plugin, and
writes nothing. A failed call of any kind (bad input, a refusal, a failing plugin)
leaves the state and the journal byte for byte as they were.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import cchc_tasks as ct
from cchc_tasks.accounts import Account, hash_password
from cchc_tasks.calendar import CalendarOverride
from cchc_tasks.indices import (
    Appraisal,
    Bonus,
    Penalty,
    SelfAssessment,
    UnitScorecard,
    default_criteria,
)
from cchc_tasks.inspections import Inspection
from cchc_tasks.recurrence import AfterCompletion, monthly, quarterly
from cchc_tasks.rulesets.unit_policy import UnitScopePolicy
from cchc_tasks.surveys import SurveyResponse

from ..helpers import unchanged

D = dt.date
TODAY = D(2025, 3, 1)


def seed(tr: ct.Tracker) -> ct.Tracker:
    """A province, a district under it, two communes under the district; a head for the
    district (``chu-tich``) and for commune B (``minh``); ``lan`` works in commune A,
    ``hoa`` in the district office, ``khach`` nowhere. A task in each commune."""
    with tr.batch(actor="setup"):
        tr.add_unit(ct.Unit(id="tinh", name="UBND tỉnh Đồng Tháp", kind="province"))
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district", parent="tinh"))
        for x in ("a", "b"):
            tr.add_unit(ct.Unit(id=f"xa-{x}", name=f"UBND xã {x}", kind="commune", parent="huyen"))
        for pid, unit in (
            ("chu-tich", "huyen"),
            ("hoa", "huyen"),
            ("lan", "xa-a"),
            ("minh", "xa-b"),
        ):
            tr.add_person(ct.Person(id=pid, name=pid.title(), unit=unit))
        tr.add_person(ct.Person(id="khach", name="Khách"))
        tr.appoint_head("huyen", "chu-tich", start=D(2021, 1, 1))
        tr.appoint_head("xa-b", "minh", start=D(2021, 1, 1))
        tr.add_plan(
            ct.Plan(id="kh", title="Kế hoạch CCHC", unit="huyen", start=D(2025, 1, 1),
                    end=D(2025, 12, 31))
        )  # fmt: skip
        for x in ("a", "b"):
            tr.add_task(task(f"t-{x}", f"xa-{x}"))
        tr.record_scorecard(UnitScorecard("xa-b", 2025))  # an index to compute
        tr.add_calendar_override(CalendarOverride(D(2025, 9, 1), "off", "Nghỉ (ví dụ)"))
        # t-b is due 10 working days after 16 June; a day off decided since moves it
        tr.update_task("t-b", deadline=tr.deadline(D(2025, 6, 16), 10))
        tr.add_calendar_override(CalendarOverride(D(2025, 6, 18), "off", "Nghỉ (ví dụ)"))
        # a monthly report from January 2025, not generated yet
        tr.add_recurring_task(task("bc", "xa-a"), monthly(15, D(2024, 12, 20)), through=2024)
    return tr


def task(id: str, unit: str) -> ct.Task:
    return ct.Task(id=id, plan="kh", title=f"Nhiệm vụ {id}", unit=unit, due=D(2025, 6, 30))


class Recorder:
    """Answers ``answer`` and remembers every question, with the target's state as the
    tracker it was given saw it."""

    def __init__(self, answer: object = None) -> None:
        self.answer = answer
        self.asked: list[tuple[str | None, str, Any]] = []

    @ct.hookimpl
    def cchc_authorize(
        self, actor: str | None, action: str, target: Any, tracker: ct.Tracker
    ) -> Any:
        self.asked.append((actor, action, target))
        return self.answer


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[ct.Tracker]:
    folder = tmp_path / "store"
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        seed(tr)
    tr = ct.Tracker.open(folder, load_entrypoints=False)
    yield tr
    tr.close()


# -- the hook ---------------------------------------------------------------------------


def test_a_plugin_that_returns_false_stops_the_write(disk: ct.Tracker):
    disk.plugin_manager.register(Recorder(answer=False), name="province.freeze")
    error = unchanged(
        disk, lambda: disk.complete_task("t-a", on=TODAY, actor="lan"), ct.PermissionDeniedError
    )
    assert isinstance(error, ct.PermissionDeniedError)
    assert (error.actor, error.action, error.plugin) == ("lan", "complete_task", "province.freeze")
    assert error.target == disk.task("t-a")
    assert str(error) == (
        "complete_task task 't-a': expected an actor allowed to do this, got 'lan' "
        "(denied by province.freeze)"
    )


class Freeze:
    @ct.hookimpl
    def cchc_authorize(self, action: str) -> None:
        if action == "record_result":
            raise ct.PermissionDeniedError(None, action, None, reason="kết quả năm đã chốt")


def test_a_plugin_may_raise_with_its_reason(disk: ct.Tracker):
    disk.plugin_manager.register(Freeze(), name="province.freeze")
    result = ct.Result(indicator="SIPAS", unit="huyen", year=2024, value=91.0)
    error = unchanged(disk, lambda: disk.record_result(result), ct.PermissionDeniedError)
    assert isinstance(error, ct.PermissionDeniedError)
    assert error.plugin == "province.freeze"
    assert str(error).endswith("(denied by province.freeze: kết quả năm đã chốt)")


class Broken:
    @ct.hookimpl
    def cchc_authorize(self, target: Any) -> bool:
        return target.no_such_field  # type: ignore[no-any-return]


def test_a_failing_plugin_is_a_rule_error_and_changes_nothing(disk: ct.Tracker):
    disk.plugin_manager.register(Broken(), name="broken")
    error = unchanged(disk, lambda: disk.add_task(task("t-new", "xa-a")), ct.RuleError)
    assert isinstance(error, ct.RuleError)
    assert (error.plugin, error.hook) == ("broken", "cchc_authorize")


def test_an_answer_other_than_true_false_or_none_is_a_rule_error(disk: ct.Tracker):
    disk.plugin_manager.register(Recorder(answer="no"), name="sloppy")
    error = unchanged(disk, lambda: disk.reopen_task("t-a"), ct.RuleError)
    assert "expected True, False or None from cchc_authorize, got 'no'" in str(error)


def test_the_target_is_the_object_as_it_is_before_the_change(disk: ct.Tracker):
    recorder = Recorder()
    disk.plugin_manager.register(recorder)
    disk.complete_task("t-a", on=TODAY, actor="lan")
    ((actor, action, target),) = recorder.asked
    assert (actor, action) == ("lan", "complete_task")
    assert target.status is ct.TaskStatus.OPEN


def test_each_object_is_asked_for_and_a_move_asks_for_both_units(disk: ct.Tracker):
    recorder = Recorder()
    disk.plugin_manager.register(recorder)
    disk.add_tasks([task("t-1", "xa-a"), task("t-2", "xa-b")], actor="chu-tich")
    assert [(a, t.id) for _, a, t in recorder.asked] == [("add_task", "t-1"), ("add_task", "t-2")]
    recorder.asked.clear()
    disk.update_task("t-1", unit="xa-b", actor="chu-tich")
    assert [(a, t.unit) for _, a, t in recorder.asked] == [
        ("update_task", "xa-a"),
        ("update_task", "xa-b"),
    ]


def test_in_a_batch_the_actor_asked_about_is_the_one_the_journal_records(disk: ct.Tracker):
    recorder = Recorder()
    disk.plugin_manager.register(recorder)
    with disk.batch(actor="chu-tich"):
        disk.reopen_task("t-a", actor="lan")
    assert [actor for actor, _, _ in recorder.asked] == ["chu-tich"]
    assert list(disk.entries())[-1].actor == "chu-tich"


class NoCancelAfterAdd:
    """Refuses the second change of the batch; sees the first through ``tracker``."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    @ct.hookimpl
    def cchc_authorize(self, action: str, tracker: ct.Tracker) -> bool:
        self.seen.append(f"{action}:{len(tracker.tasks())}")
        return action != "cancel_task"


def test_a_refusal_inside_a_batch_undoes_the_whole_batch(disk: ct.Tracker):
    plugin = NoCancelAfterAdd()
    disk.plugin_manager.register(plugin)

    def batch() -> None:
        with disk.batch(actor="chu-tich"):
            disk.add_task(task("t-new", "xa-a"))
            disk.cancel_task("t-new", reason="nhầm")

    unchanged(disk, batch, ct.PermissionDeniedError)
    assert plugin.seen == ["add_task:2", "cancel_task:3"]  # the batch's add was visible


class Sneaky:
    @ct.hookimpl
    def cchc_authorize(self, tracker: Any) -> None:
        tracker.add_unit(ct.Unit(id="ghost", name="Ghost", kind="commune"))


def test_the_tracker_a_plugin_gets_is_read_only(disk: ct.Tracker):
    """The plugin gets the read side: every query, no write method at all."""
    disk.plugin_manager.register(Sneaky(), name="sneaky")
    error = unchanged(disk, lambda: disk.reopen_task("t-a"), ct.RuleError)
    assert "'Reader' object has no attribute 'add_unit'" in str(error)
    assert error.plugin == "sneaky"


#: Every write method, the action it asks about, and a call that would succeed.
CALLS: dict[str, tuple[str, Callable[[ct.Tracker], object]]] = {
    "add_unit": ("add_unit", lambda tr: tr.add_unit(
        ct.Unit(id="xa-c", name="C", kind="commune", parent="huyen")
    )),
    "add_person": ("add_person", lambda tr: tr.add_person(
        ct.Person(id="moi", name="Mới", unit="xa-a")
    )),
    "appoint_head": ("appoint_head", lambda tr: tr.appoint_head("xa-a", "lan", start=TODAY)),
    "end_headship": ("end_headship", lambda tr: tr.end_headship("xa-b", end=TODAY)),
    "add_plan": ("add_plan", lambda tr: tr.add_plan(
        ct.Plan(id="kh-2", title="KH 2", unit="xa-a", start=D(2025, 1, 1), end=D(2025, 12, 31))
    )),
    "add_target": ("add_target", lambda tr: tr.add_target(
        ct.Target(id="sipas", plan="kh", unit="xa-a", indicator="SIPAS", rule=ct.above(90))
    )),
    "add_task": ("add_task", lambda tr: tr.add_task(task("t-new", "xa-a"))),
    "add_tasks": ("add_task", lambda tr: tr.add_tasks([task("t-new", "xa-a")])),
    "update_task": ("update_task", lambda tr: tr.update_task("t-a", title="Đổi")),
    "complete_task": ("complete_task", lambda tr: tr.complete_task("t-a", on=TODAY)),
    "cancel_task": ("cancel_task", lambda tr: tr.cancel_task("t-a", reason="trùng")),
    "reopen_task": ("reopen_task", lambda tr: tr.reopen_task("t-a")),
    "report_progress": ("report_progress", lambda tr: tr.report_progress(
        "t-a", ct.ProgressReport(on=TODAY, percent=40)
    )),
    "record_result": ("record_result", lambda tr: tr.record_result(
        ct.Result(indicator="PAPI", unit="xa-a", year=2024, value=40.0)
    )),
    "discipline": ("discipline", lambda tr: tr.discipline("lan", on=TODAY, reason="chậm")),
    "record_assessment": ("record_assessment", lambda tr: tr.record_assessment("lan", 2025, 25)),
    "record_absence": ("record_absence", lambda tr: tr.record_absence("lan", TODAY, TODAY)),
    "record_unit_rating": ("record_unit_rating", lambda tr: tr.record_unit_rating(
        "xa-a", 2025, "HTNV"
    )),
    "record_rating": ("record_rating", lambda tr: tr.record_rating("lan", 2025, "HTNV")),
    "record_sanction": ("record_sanction", lambda tr: tr.record_sanction(
        "xa-a", D(2025, 2, 1), "waste"
    )),
    "end_unit": ("end_unit", lambda tr: tr.end_unit("xa-b", TODAY)),
    "configure": ("configure", lambda tr: tr.configure(config={"bands": {"excellent": 91}})),
    "add_indicator": ("add_indicator", lambda tr: tr.add_indicator(
        ct.IndicatorScale("POPULATION", minimum=0)
    )),
    # the PAR-style index and SIPAS
    "set_criteria": ("set_criteria", lambda tr: tr.set_criteria(
        default_criteria(), year=2025, province="huyen"
    )),
    "self_assess": ("self_assess", lambda tr: tr.self_assess(
        "xa-a", 2025, SelfAssessment("1.2", 1)
    )),
    "appraise": ("appraise", lambda tr: tr.appraise("xa-a", 2025, Appraisal("1.2", 1))),
    "set_survey_points": ("set_survey_points", lambda tr: tr.set_survey_points("xa-a", 2025, 25)),
    "add_bonus": ("add_bonus", lambda tr: tr.add_bonus("xa-a", 2025, Bonus(1, "Sáng kiến"))),
    "add_penalty": ("add_penalty", lambda tr: tr.add_penalty("xa-a", 2025, Penalty(1, "Chậm"))),
    "record_scorecard": ("record_scorecard", lambda tr: tr.record_scorecard(
        UnitScorecard("xa-a", 2025, [SelfAssessment("2.1", 2)])
    )),
    "import_survey": ("import_survey", lambda tr: tr.import_survey(
        "Mã phiếu,Đối tượng,Đơn vị,Ngày,Tiếp cận dịch vụ,Thủ tục hành chính,Công chức,Kết quả,"
        "Tiếp nhận góp ý\nP1,Người dân,xa-a,01/03/2025,5,5,5,5,5\n"
    )),
    "add_survey_responses": ("add_survey_responses", lambda tr: tr.add_survey_responses(
        [SurveyResponse("P1", "citizen", "xa-a", "", TODAY, {"access": 5})]
    )),
    "record_computed_results": ("record_computed_results", lambda tr: (
        tr.record_computed_results(2025, computed_on=D(2026, 1, 15))
    )),
    # time: the calendar, deadlines, recurring tasks, inspections, succession
    "add_calendar_override": ("add_calendar_override", lambda tr: tr.add_calendar_override(
        CalendarOverride(D(2025, 4, 29), "off", "Nghỉ (ví dụ)")
    )),
    "remove_calendar_override": ("remove_calendar_override", lambda tr: (
        tr.remove_calendar_override(D(2025, 9, 1))
    )),
    "recompute_deadline": ("recompute_deadline", lambda tr: tr.recompute_deadline("t-b")),
    "add_recurring_task": ("add_recurring_task", lambda tr: tr.add_recurring_task(
        task("bc-quy", "xa-b"), quarterly(15, D(2025, 1, 1)), through=2025
    )),
    "extend_series": ("extend_series", lambda tr: tr.extend_series("bc", 2025)),
    "add_task_chain": ("add_task_chain", lambda tr: tr.add_task_chain(
        task("bc-tiep", "xa-b"), AfterCompletion(days=30)
    )),
    "record_inspection": ("record_inspection", lambda tr: tr.record_inspection(
        Inspection(id="kt", on=TODAY, inspector="chu-tich", findings="Chậm", units=["xa-a"])
    )),
    "merge_units": ("merge_units", lambda tr: tr.merge_units(
        ["xa-a", "xa-b"], ct.Unit(id="xa-ab", name="AB", kind="commune", parent="tinh"), TODAY
    )),
    "split_unit": ("split_unit", lambda tr: tr.split_unit(
        "xa-a", [ct.Unit(id="xa-a1", name="A1", kind="commune", parent="huyen")], TODAY
    )),
    "import_documents": ("add_unit", lambda tr: tr.import_documents(
        {"units": [{"id": "xa-c", "name": "C", "kind": "commune", "parent": "huyen"}]}
    )),
    "issue_survey_codes": ("issue_survey_codes", lambda tr: tr.issue_survey_codes(
        "xa-a", "Chứng thực", 1, issued=TODAY, expires=TODAY
    )),
    "add_account": ("add_account", lambda tr: tr.add_account(
        Account("lan", "Lan", "editor", hash_password("mat-khau-dai", n=16), units=["xa-a"])
    )),
    "set_password": ("set_password", lambda tr: tr.set_password("ha", "mat-khau-moi-dai")),
    # No actor argument (the actor is always the code), but it asks like every write.
    "answer_survey": ("answer_survey", lambda tr: tr.answer_survey(
        ISSUED[-1], {"access": 4}, on=TODAY
    )),
}  # fmt: skip
#: The survey codes PREPARE issued (the store keeps only their digests).
ISSUED: list[str] = []
#: What a call needs in the store first, added before the recorder listens.
PREPARE: dict[str, Callable[[ct.Tracker], object]] = {
    "set_password": lambda tr: tr.add_account(
        Account("ha", "Hà", "viewer", hash_password("mat-khau-dai", n=16))
    ),
    "answer_survey": lambda tr: ISSUED.extend(
        tr.issue_survey_codes("xa-a", "", 1, issued=TODAY, expires=TODAY)
    ),
}


def test_every_write_method_is_in_calls():
    """Guard: every method that records an ``actor`` writes, so it must be in CALLS (and
    so be shown to ask the hook); ``open``, ``memory`` and ``batch`` only pass it on."""
    writes = {
        name
        for name, member in vars(ct.Tracker).items()
        if callable(member)
        and not name.startswith("_")
        and "actor" in inspect.signature(member).parameters
    }
    assert writes - {"open", "memory", "batch"} == set(CALLS) - {"answer_survey"}


@pytest.mark.parametrize("method", list(CALLS))
def test_every_write_method_asks_before_it_changes_anything(disk: ct.Tracker, method: str):
    action, call = CALLS[method]
    if method in PREPARE:
        PREPARE[method](disk)
    recorder = Recorder(answer=False)
    disk.plugin_manager.register(recorder)
    error = unchanged(disk, lambda: call(disk), ct.PermissionDeniedError)
    assert isinstance(error, ct.PermissionDeniedError)
    assert [a for _, a, _ in recorder.asked] == [action]
    assert error.action == action
    recorder.answer = None
    call(disk)  # allowed, the same call goes through


FAILURES: dict[str, tuple[Callable[[ct.Tracker], object], type[Exception], object]] = {
    "validation": (lambda tr: tr.cancel_task("t-a", reason=" "), ct.ValidationError, None),
    "unknown id": (lambda tr: tr.complete_task("t-404", on=TODAY), ct.NotFoundError, None),
    "permission": (lambda tr: tr.complete_task("t-a", on=TODAY), ct.PermissionDeniedError, False),
    "plugin error": (lambda tr: tr.complete_task("t-a", on=TODAY), ct.RuleError, "maybe"),
}


@pytest.mark.parametrize("kind", list(FAILURES))
def test_a_failed_call_of_any_kind_changes_nothing(disk: ct.Tracker, kind: str):
    call, error, answer = FAILURES[kind]
    disk.plugin_manager.register(Recorder(answer=answer))
    unchanged(disk, lambda: call(disk), error)


# -- the unit policy ----------------------------------------------------------------------


@pytest.fixture
def policed(disk: ct.Tracker) -> ct.Tracker:
    policy = UnitScopePolicy(today=lambda: TODAY)
    disk.plugin_manager.register(policy, name="cchc_tasks.rulesets.unit_policy.UnitScopePolicy")
    return disk


def test_the_policy_is_not_on_by_default():
    pm = ct.make_plugin_manager(load_entrypoints=False)
    assert not any(isinstance(p, UnitScopePolicy) for p in pm.get_plugins())
    assert pm.hook.cchc_authorize.get_hookimpls() == []


def test_it_is_turned_on_by_passing_it(tmp_path: Path):
    folder = tmp_path / "store"
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        seed(tr)
    policy = UnitScopePolicy(today=lambda: TODAY)
    with ct.Tracker.open(folder, load_entrypoints=False, plugins=[policy], actor="lan") as tr:
        tr.complete_task("t-a", on=TODAY)
        with pytest.raises(ct.PermissionDeniedError):
            tr.complete_task("t-b", on=TODAY)


def test_an_official_changes_the_tasks_of_their_own_unit(policed: ct.Tracker):
    policed.complete_task("t-a", on=TODAY, actor="lan")
    policed.add_task(task("t-a2", "xa-a"), actor="lan")
    assert policed.task("t-a").status is ct.TaskStatus.DONE


def test_an_official_may_not_change_another_units_tasks(policed: ct.Tracker):
    error = unchanged(
        policed,
        lambda: policed.complete_task("t-b", on=TODAY, actor="lan"),
        ct.PermissionDeniedError,
    )
    assert isinstance(error, ct.PermissionDeniedError)
    assert error.plugin == "cchc_tasks.rulesets.unit_policy.UnitScopePolicy"
    assert "the task belongs to unit xa-b; lan works in xa-a" in str(error)


def test_an_official_of_a_higher_unit_changes_the_tasks_under_it(policed: ct.Tracker):
    """``hoa`` works in the district office: the communes' tasks are under it."""
    policed.complete_task("t-a", on=TODAY, actor="hoa")
    policed.complete_task("t-b", on=TODAY, actor="hoa")


def test_an_official_who_is_not_a_head_changes_only_tasks(policed: ct.Tracker):
    for call in (
        lambda: policed.add_person(ct.Person(id="moi", name="Mới", unit="xa-a"), actor="lan"),
        lambda: policed.record_result(
            ct.Result(indicator="PAPI", unit="xa-a", year=2024, value=40.0), actor="lan"
        ),
    ):
        error = unchanged(policed, call, ct.PermissionDeniedError)
        assert "only the head of xa-a or of a unit above it may change it" in str(error)


def test_a_head_changes_everything_of_their_unit_but_not_beyond(policed: ct.Tracker):
    policed.add_person(ct.Person(id="moi", name="Mới", unit="xa-b"), actor="minh")
    policed.add_unit(ct.Unit(id="ap-1", name="Ấp 1", kind="hamlet", parent="xa-b"), actor="minh")
    policed.record_result(
        ct.Result(indicator="PAPI", unit="xa-b", year=2024, value=40.0), actor="minh"
    )
    unchanged(
        policed,
        lambda: policed.complete_task("t-a", on=TODAY, actor="minh"),
        ct.PermissionDeniedError,
    )
    unchanged(
        policed,
        lambda: policed.discipline("lan", on=TODAY, reason="chậm", actor="minh"),
        ct.PermissionDeniedError,
    )


def test_the_head_of_a_higher_unit_changes_everything_under_it(policed: ct.Tracker):
    policed.discipline("lan", on=TODAY, reason="chậm", actor="chu-tich")
    policed.record_assessment("minh", 2025, 25, actor="chu-tich")
    policed.appoint_head("xa-a", "lan", start=TODAY, actor="chu-tich")
    policed.complete_task("t-b", on=TODAY, actor="chu-tich")
    unchanged(
        policed,
        lambda: policed.record_result(
            ct.Result(indicator="PAPI", unit="tinh", year=2024, value=40.0), actor="chu-tich"
        ),
        ct.PermissionDeniedError,
    )


def test_a_head_whose_headship_ended_is_an_official_again(policed: ct.Tracker):
    with policed.batch(actor="chu-tich"):
        policed.end_headship("xa-b", end=D(2025, 2, 1))
    unchanged(
        policed,
        lambda: policed.add_person(ct.Person(id="moi", name="Mới", unit="xa-b"), actor="minh"),
        ct.PermissionDeniedError,
    )
    policed.complete_task("t-b", on=TODAY, actor="minh")  # still an official of xa-b


@pytest.mark.parametrize("actor", [None, "nobody", "khach"])
def test_writes_without_a_known_actor_in_a_unit_are_refused(policed: ct.Tracker, actor: str | None):
    error = unchanged(
        policed,
        lambda: policed.complete_task("t-a", on=TODAY, actor=actor),
        ct.PermissionDeniedError,
    )
    assert f"got {actor!r}" in str(error)


def test_a_head_may_not_merge_their_unit_into_one_outside_their_scope(policed: ct.Tracker):
    """Issue 14: every object a write touches is asked for, successors included."""
    error = unchanged(
        policed,
        lambda: policed.merge_units(["xa-b"], "xa-a", on=D(2025, 7, 1), actor="minh"),
        ct.PermissionDeniedError,
    )
    assert "xa-a" in str(error)
    error = unchanged(
        policed,
        lambda: policed.split_unit(
            "xa-b",
            [ct.Unit(id="xa-b1", name="Xã B1", kind="commune", parent="huyen"), "xa-a"],
            on=D(2025, 7, 1),
            actor="minh",
        ),
        ct.PermissionDeniedError,
    )
    policed.merge_units(["xa-b"], "xa-a", on=D(2025, 7, 1), actor="chu-tich")
    assert policed.unit("xa-b").successors == ("xa-a",)


def test_an_imported_unit_may_not_name_a_successor_outside_the_scope(policed: ct.Tracker):
    unit = {"id": "ap-9", "name": "Ấp 9", "kind": "hamlet", "parent": "xa-b"}
    ended = {**unit, "valid_to": "2025-06-30", "successors": ["xa-a"]}
    unchanged(
        policed,
        lambda: policed.import_documents({"units": [ended]}, actor="minh"),
        ct.PermissionDeniedError,
    )
    policed.import_documents({"units": [unit]}, actor="minh")
