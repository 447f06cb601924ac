"""Plugins: loading fails loudly on typos, failures name plugin and hook, and a plugin can
override outcomes, add caps, add rule kinds and listen to task changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.i18n import render
from cchc_tasks.targets import register_rule_kind

D = dt.date


def small(plugins: Sequence[object] = (), path: Path | None = None) -> ct.Tracker:
    tr = ct.Tracker.open(path, plugins=plugins) if path else ct.Tracker.memory(plugins=plugins)
    tr.add_unit(ct.Unit(id="u", name="Phòng Nội vụ", kind="agency"))
    tr.add_person(ct.Person(id="h", name="Nguyễn Văn A", unit="u"))
    tr.appoint_head(unit="u", person="h", start=D(2020, 1, 1))
    tr.add_plan(
        ct.Plan(id="kh", title="Kế hoạch", unit="u", start=D(2021, 1, 1), end=D(2030, 12, 31))
    )
    for i, (done, exceeded) in enumerate(
        [(D(2024, 5, 1), True), (D(2024, 5, 1), True), (D(2024, 7, 1), False)]
    ):
        tr.add_task(
            ct.Task(
                id=f"t{i}",
                plan="kh",
                title="Nhiệm vụ",
                unit="u",
                due=D(2024, 6, 30),
                quality_note="khách quan" if i == 2 else "",
            )
        )
        tr.complete_task(f"t{i}", on=done, exceeded=exceeded)
    return tr


class Typo:
    @ct.hookimpl
    def cchc_leader_cap(self, head: Any, ruleset: str) -> list[ct.Cap]:  # missing "s"
        return []


class WrongArgument:
    @ct.hookimpl
    def cchc_unit_band(self, unit: Any, points: float) -> None:  # "points" is no argument
        return None


def test_a_misspelt_hook_fails_at_load_time() -> None:
    with pytest.raises(ct.RuleError, match="cchc_leader_cap") as info:
        ct.Tracker.memory(plugins=[Typo()])
    assert "Typo" in str(info.value)


def test_a_hook_with_unknown_arguments_fails_at_load_time() -> None:
    with pytest.raises(ct.RuleError, match="points"):
        ct.Tracker.memory(plugins=[WrongArgument()])


class Broken:
    @ct.hookimpl
    def cchc_unit_criteria(self, unit: Any, year: int) -> list[ct.Criterion]:
        raise ZeroDivisionError("division by zero in the province's formula")


def test_a_failing_plugin_raises_rule_error_naming_plugin_and_hook(tmp_path: Path) -> None:
    with small([Broken()], tmp_path / "s") as tr:
        seq, before = tr.seq, tr.to_documents()
        with pytest.raises(ct.RuleError) as info:
            tr.evaluate(2024)
        err = info.value
        assert err.hook == "cchc_unit_criteria"
        assert err.plugin is not None and "Broken" in err.plugin
        assert "division by zero" in str(err)
        assert isinstance(err.__cause__, ZeroDivisionError)
        assert tr.seq == seq and tr.to_documents() == before


class ObjectiveCause:
    """A province rule: a delay with an objective cause confirmed counts as on time."""

    @ct.hookimpl
    def cchc_task_outcomes(
        self, tasks: Sequence[ct.Task], as_of: dt.date
    ) -> Mapping[str, ct.TaskOutcome]:
        return {
            t.id: ct.TaskOutcome.ON_TIME
            for t in tasks
            if t.quality_note == "khách quan" and t.completed_on and t.completed_on <= as_of
        }


def test_a_plugin_may_reclassify_some_tasks_and_wins_for_those() -> None:
    plain = small().evaluate(2024)
    assert (plain.units["u"].on_time, plain.units["u"].late) == (2, 1)
    assert plain.leaders["h"].rating is ct.Rating.COMPLETED
    ev = small([ObjectiveCause()]).evaluate(2024)
    assert (ev.units["u"].on_time, ev.units["u"].late) == (3, 0)
    assert ev.leaders["h"].rating is ct.Rating.EXCELLENT


@attrs.frozen
class CapAt:
    rating: ct.Rating

    @ct.hookimpl
    def cchc_leader_caps(self, head: ct.HeadFacts, ruleset: str) -> list[ct.Cap]:
        return [ct.Cap(self.rating, ct.Reason("province.cap", f"at most {self.rating.code}"))]


@given(st.sampled_from(list(ct.Rating)))
def test_a_plugin_that_only_adds_caps_never_raises_a_rating(cap: ct.Rating) -> None:
    base = small().evaluate(2024).leaders["h"].rating
    capped = small([CapAt(cap)]).evaluate(2024).leaders["h"]
    assert base is not None and capped.rating is not None
    assert capped.rating == min(base, cap)
    if cap < base:
        assert [c.reason.rule for c in capped.caps] == ["province.cap"]


@attrs.frozen
class Below(ct.Rule):
    """A province's own rule kind: the value must stay below ``x`` (e.g. a complaint rate)."""

    kind: ClassVar[str] = "test_below"
    x: float

    def describe(self) -> str:
        return f"value < {self.x:g}"

    def judge(self, facts: ct.IndicatorFacts) -> ct.Judgement:
        if facts.value is None:
            return ct.Judgement(ct.Outcome.NOT_MEASURED, f"{facts.describe()}: no value")
        ok = facts.value < self.x
        outcome = ct.Outcome.PASS if ok else ct.Outcome.FAIL
        return ct.Judgement(outcome, f"{facts.describe()}; {self} {outcome.value}")


class BelowKind:
    @ct.hookimpl
    def cchc_rule_kinds(self) -> list[type[ct.Rule]]:
        return [Below]


def test_a_plugin_rule_kind_is_stored_and_judged(tmp_path: Path) -> None:
    with small([BelowKind()], tmp_path / "s") as tr:
        tr.add_indicator(ct.IndicatorScale("COMPLAINTS", minimum=0))
        tr.add_target(
            ct.Target(
                id="complaints",
                plan="kh",
                unit="u",
                indicator="COMPLAINTS",
                rule=ct.any_of(Below(2.0), ct.rank_within(3)),
            )
        )
        tr.record_result(ct.Result(indicator="COMPLAINTS", unit="u", year=2024, value=1.5))
    with ct.Tracker.open(tmp_path / "s", plugins=[BelowKind()]) as tr:
        result = tr.evaluate(2024).targets["complaints"]
        assert result.outcome is ct.Outcome.PASS
        # The plugin's plain-string reason is shown as written, its facts said once.
        assert str(result.reason) == (
            "COMPLAINTS 2024: value 1.5; value < 2 PASS; no rank to judge rank ≤ 3 → any_of PASS"
        )
        assert render(result.reason, "vi") == (
            "COMPLAINTS năm 2024: giá trị 1,5; value < 2 PASS; chưa có thứ hạng để đánh giá "
            "mục tiêu thuộc tốp 3 → kết quả chung (chỉ cần đạt một điều kiện): đạt"
        )


def test_a_second_class_cannot_take_a_known_rule_kind() -> None:
    @attrs.frozen
    class Impostor(ct.Rule):
        kind: ClassVar[str] = "growth"

    with pytest.raises(ct.RuleError, match="growth"):
        register_rule_kind(Impostor)


class Listener:
    def __init__(self) -> None:
        self.seen: list[tuple[str | None, str | None, str | None]] = []

    @ct.hookimpl
    def cchc_task_changed(
        self, before: ct.Task | None, after: ct.Task | None, actor: str | None, note: str | None
    ) -> None:
        self.seen.append(
            (before.status.value if before else None, after.status.value if after else None, actor)
        )


def test_task_changed_is_called_after_each_durable_change() -> None:
    listener = Listener()
    tr = small([listener])
    assert listener.seen[:2] == [(None, "open", None), ("open", "done", None)]
    listener.seen.clear()
    with tr.batch(actor="p1"):
        tr.reopen_task("t0")
        tr.cancel_task("t1", reason="Trùng lặp")
        assert listener.seen == []  # not before the batch is written
    assert listener.seen == [("done", "open", "p1"), ("done", "cancelled", "p1")]


class ForbidCancel:
    @ct.hookimpl
    def cchc_task_changed(self, before: ct.Task | None, after: ct.Task | None) -> None:
        if after is not None and after.status is ct.TaskStatus.CANCELLED:
            raise RuntimeError("listener failed")


def test_a_failing_listener_is_reported_after_the_change_is_saved() -> None:
    """The write is durable before listeners run: a failing listener cannot undo it, so
    the caller gets a warning naming the listener, not an error that says it failed."""
    tr = small([ForbidCancel()])
    with pytest.warns(ct.ListenerWarning, match="cchc_task_changed") as caught:
        tr.cancel_task("t0", reason="x")
    assert "ForbidCancel" in str(caught[0].message)
    assert "was saved as journal entry" in str(caught[0].message)
    assert tr.task("t0").status is ct.TaskStatus.CANCELLED


def test_plugins_are_reported_with_versions() -> None:
    ev = small([CapAt(ct.Rating.EXCELLENT)]).evaluate(2024)
    names = [name for name, _ in ev.plugins]
    assert "cchc_tasks.decree90" in names and any("CapAt" in n for n in names)


def test_the_plugin_manager_is_built_per_tracker() -> None:
    a, b = ct.Tracker.memory(), ct.Tracker.memory(plugins=[CapAt(ct.Rating.GOOD)])
    assert a.plugin_manager is not b.plugin_manager
    assert len(b.plugin_manager.get_plugins()) == len(a.plugin_manager.get_plugins()) + 1


def test_builtin_rules_are_ordinary_named_plugins() -> None:
    pm = ct.make_plugin_manager(load_entrypoints=False)
    names = {pm.get_name(p) for p in pm.get_plugins()}
    assert {
        "cchc_tasks.outcomes",
        "cchc_tasks.targets",
        "cchc_tasks.scoring",
        "cchc_tasks.decree90",
        "cchc_tasks.recommend",
    } <= names
    assert ct.PROJECT == "cchc_tasks"


def test_hook_arguments_are_keyword_only_to_plugins() -> None:
    """Implementations may take a subset of a hook's arguments (pluggy semantics)."""

    class Minimal:
        @ct.hookimpl
        def cchc_unit_band(self, score: float) -> ct.Band:
            return ct.Band.EXCELLENT if score >= 95 else ct.Band.GOOD

    ev = small([Minimal()]).evaluate(2024)
    assert ev.units["u"].band is ct.Band.GOOD  # score 83.3: the plugin's answer wins


class Loud:
    def __init__(self, log: list[str], name: str, fail: bool = False) -> None:
        self.log, self.name, self.fail = log, name, fail

    @ct.hookimpl
    def cchc_task_changed(self, after: ct.Task | None) -> None:
        self.log.append(self.name)
        if self.fail:
            raise RuntimeError(f"{self.name} broke")


def test_one_failing_listener_does_not_silence_the_others() -> None:
    log: list[str] = []
    broken = Loud(log, "broken")
    tr = small([Loud(log, "first"), broken, Loud(log, "last")])
    broken.fail = True
    log.clear()
    with pytest.warns(ct.ListenerWarning, match="broken broke"):
        tr.reopen_task("t0")
    assert sorted(log) == ["broken", "first", "last"]


def test_a_plugin_passed_twice_is_registered_once() -> None:
    plugin = CapAt(ct.Rating.GOOD)
    tr = ct.Tracker.memory(plugins=[plugin, plugin], load_entrypoints=False)
    assert sum(1 for p in tr.plugin_manager.get_plugins() if p is plugin) == 1


def test_an_installed_plugin_that_fails_to_import_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.metadata as md

    broken = md.EntryPoint(name="broken_preset", value="no_such_module_xyz", group="cchc_tasks")

    class Dist:
        def __init__(self) -> None:
            self.entry_points = [broken]
            self.metadata = {"name": "broken-preset"}
            self.version = "0.0.1"

    monkeypatch.setattr(md, "distributions", lambda: [Dist()])
    monkeypatch.setattr(md, "entry_points", lambda group: [broken])
    with pytest.raises(ct.RuleError) as info:
        ct.make_plugin_manager()
    assert info.value.plugin == "broken_preset"
    assert "CCHC_TASKS_DISABLE_PLUGINS=broken_preset" in str(info.value)
    # Installed is not enabled: a tracker does not even import it until asked to.
    tr = ct.Tracker.memory()
    with pytest.raises(ct.ValidationError, match="could not be loaded") as refused:
        tr.configure(plugins=["broken_preset"])
    assert refused.value.field == "configure.plugins"
    assert tr.configuration().seq == 0
