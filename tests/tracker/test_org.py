"""The unit tree over time: mergers and splits, the tasks they move, and evaluations that
see the old tree before the date and the new one after it (rule R17, the 2025 reform).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.i18n import render
from cchc_tasks.recurrence import quarterly

from ..doc_examples import run_page_examples
from ..helpers import unchanged

D = dt.date
ON = D(2025, 7, 1)


def build(tr: ct.Tracker) -> ct.Tracker:
    """A province; a district under it with communes a, b, c and an office; a head for
    each; the 2021–2030 plan; PAR index results of the communes for 2024 and 2025."""
    with tr.batch(actor="setup"):
        tr.add_unit(ct.Unit(id="tinh", name="UBND tỉnh", kind="province"))
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district", parent="tinh"))
        for uid, kind in (("a", "commune"), ("b", "commune"), ("c", "commune"), ("o", "agency")):
            tr.add_unit(ct.Unit(id=uid, name=f"Đơn vị {uid}", kind=kind, parent="huyen"))
        for uid in ("huyen", "a", "b", "c", "o"):
            tr.add_person(ct.Person(id=f"p-{uid}", name=f"Người {uid}", unit=uid))
            tr.appoint_head(uid, f"p-{uid}", D(2021, 1, 1))
        tr.add_person(ct.Person(id="p-new", name="Chủ tịch xã mới"))
        tr.add_plan(
            ct.Plan(id="kh", title="Kế hoạch", unit="huyen", start=D(2021, 1, 1),
                    end=D(2030, 12, 31))
        )  # fmt: skip
        for uid, values in (("a", (80.0, 84.0)), ("b", (76.0, 78.0)), ("c", (70.0, 75.0))):
            for year, value in zip((2024, 2025), values, strict=True):
                tr.record_result(ct.Result(indicator="PAR_INDEX", unit=uid, year=year, value=value))
    return tr


def task(id: str, unit: str, due: dt.date, **more: Any) -> ct.Task:
    return ct.Task(id=id, plan="kh", title=f"Nhiệm vụ {id}", unit=unit, due=due, **more)


def done(t: ct.Task, on: dt.date) -> ct.Task:
    return attrs.evolve(t, status=ct.TaskStatus.DONE, completed_on=on)


@pytest.fixture
def tr() -> ct.Tracker:
    tr = build(ct.Tracker.memory(load_entrypoints=False))
    with tr.batch(actor="setup"):
        tr.add_tasks(
            [
                done(task("a-2024", "a", D(2024, 6, 30)), D(2024, 6, 1)),
                task("b-2024", "b", D(2024, 9, 30)),  # overdue ever since
                done(task("c-2024", "c", D(2024, 3, 31)), D(2024, 4, 20)),
                done(task("a-early", "a", D(2025, 3, 31)), D(2025, 3, 1)),
                task("b-june", "b", D(2025, 6, 30), partners=("a",)),  # before: stays
                task("a-later", "a", D(2025, 9, 30), partners=("b", "c")),  # moves
                done(task("b-later-done", "b", D(2025, 10, 31)), D(2025, 5, 2)),  # done: stays
                task("c-later", "c", D(2025, 11, 30), partners=("a",)),  # partner renamed
                task("o-later", "o", D(2025, 12, 15)),
            ]
        )
    return tr


def new_commune(**more: Any) -> ct.Unit:
    return ct.Unit(**{"id": "ab", "name": "UBND xã AB", "kind": "commune", "parent": "tinh",
                      **more})  # fmt: skip


# -- merging and splitting ---------------------------------------------------------------------


def test_a_merger_ends_the_sources_and_starts_the_successor_in_one_journal_line(
    tr: ct.Tracker,
) -> None:
    seq = tr.seq
    successor = tr.merge_units(["a", "b"], new_commune(), ON, actor="tinh", note="NQ 1663")
    assert tr.seq == seq + 1
    assert successor == tr.unit("ab") and successor.valid_from == ON
    for uid in ("a", "b"):
        ended = tr.unit(uid)
        assert (ended.valid_to, ended.successors) == (D(2025, 6, 30), ("ab",))
        (headship,) = tr.headships(uid)
        assert headship.end == D(2025, 6, 30)
    assert tr.unit("c").valid_to is None
    entry = list(tr.entries())[-1]
    assert entry.actor == "tinh"
    assert entry.note is not None and entry.note.startswith("NQ 1663 (merge_units: a, b → ab")
    assert entry.note.endswith("on 2025-07-01; their open tasks due from that day moved)")
    assert [c.id for c in entry.changes if c.table == "tasks"] == ["a-later", "c-later"]
    assert [u.id for u in tr.predecessors("ab")] == ["a", "b"]
    assert [u.id for u in tr.units_on(D(2025, 6, 30)) if u.kind == "commune"] == ["a", "b", "c"]
    assert [u.id for u in tr.units_on(ON) if u.kind == "commune"] == ["ab", "c"]


def test_only_open_tasks_due_from_the_date_move(tr: ct.Tracker) -> None:
    tr.merge_units(["a", "b"], new_commune(), ON)
    units = {t.id: t.unit for t in tr.tasks()}
    assert units["a-later"] == "ab"  # open, due after: moves
    assert units["b-june"] == "b"  # due before the merger: the old unit's record
    assert units["b-later-done"] == "b"  # already done by the old unit
    assert units["a-early"] == "a" and units["b-2024"] == "b"
    assert tr.task("a-later").partners == ("c",)  # b merged into the lead unit itself
    assert tr.task("c-later").partners == ("ab",)  # a renamed to its successor
    assert tr.task("b-june").partners == ("a",)  # a task before the date is left alone
    [change] = [h.change for h in tr.history("a-later") if h.change.op == "update"]
    assert change.before is not None and change.after is not None
    assert (change.before["unit"], change.after["unit"]) == ("a", "ab")


def test_without_moving_the_tasks_stay_with_the_unit_that_ended(tr: ct.Tracker) -> None:
    tr.merge_units(["a", "b"], new_commune(), ON, move_open_tasks=False)
    assert tr.task("a-later").unit == "a"
    assert tr.task("c-later").partners == ("a",)


def test_a_merger_into_a_unit_that_goes_on(tr: ct.Tracker) -> None:
    tr.merge_units(["o"], "c", ON)
    assert tr.task("o-later").unit == "c"
    assert tr.unit("o").successors == ("c",)
    assert tr.unit("c").valid_from is None  # unchanged


def test_a_split_assigns_each_open_task(tr: ct.Tracker) -> None:
    with tr.batch():
        tr.add_task(task("h-1", "huyen", D(2025, 8, 31)))
        tr.add_task(task("h-2", "huyen", D(2025, 9, 30)))
    x = ct.Unit(id="x", name="Xã X", kind="commune", parent="tinh")
    y = ct.Unit(id="y", name="Xã Y", kind="commune", parent="tinh")
    made = tr.split_unit("huyen", [x, y], ON, assign={"h-2": "y"})
    assert [u.id for u in made] == ["x", "y"]
    assert (tr.task("h-1").unit, tr.task("h-2").unit) == ("x", "y")  # the first by default
    assert tr.unit("huyen").successors == ("x", "y")
    assert tr.headships("huyen")[0].end == D(2025, 6, 30)


def test_a_split_refuses_assignments_it_cannot_make(tr: ct.Tracker) -> None:
    tr.add_task(task("h-1", "huyen", D(2025, 8, 31)))
    x = ct.Unit(id="x", name="Xã X", kind="commune", parent="tinh")
    error = unchanged(
        tr, lambda: tr.split_unit("huyen", [x], ON, assign={"b-june": "x"}), ct.ValidationError
    )
    assert error.field == "split_unit.assign['b-june']"  # type: ignore[attr-defined]
    error = unchanged(
        tr, lambda: tr.split_unit("huyen", [x], ON, assign={"h-1": "c"}), ct.ValidationError
    )
    assert "one of the successors" in str(error)
    unchanged(tr, lambda: tr.split_unit("huyen", [], ON), ct.ValidationError)
    unchanged(tr, lambda: tr.split_unit("huyen", x, ON), ct.ValidationError)  # type: ignore[arg-type]


def test_bad_mergers_are_refused_and_change_nothing(tr: ct.Tracker) -> None:
    def merge(sources: Any, into: Any = None, on: Any = ON) -> Callable[[], object]:
        return lambda: tr.merge_units(sources, into or new_commune(), on)

    error = unchanged(tr, merge(["a", "zz"]), ct.NotFoundError)
    assert error.field == "merge_units.sources"  # type: ignore[attr-defined]
    error = unchanged(tr, merge("ab"), ct.ValidationError)
    assert error.field == "merge_units.sources"  # type: ignore[attr-defined]
    unchanged(tr, merge(["a", "a"]), ct.ValidationError)
    unchanged(tr, merge(["a"], into=ct.Unit(id="c", name="C", kind="commune")), ct.DuplicateIdError)
    error = unchanged(
        tr, merge(["a"], into=new_commune(valid_from=D(2025, 1, 1))), ct.ValidationError
    )
    assert error.field == "Unit.valid_from"  # type: ignore[attr-defined]
    unchanged(tr, merge(["a"], into="a"), ct.ValidationError)
    unchanged(tr, merge(["a"], into="zz"), ct.NotFoundError)
    unchanged(tr, merge(["a"], on="2025-07-01"), ct.ValidationError)
    unchanged(tr, merge(["a"], into=new_commune(parent="zz")), ct.NotFoundError)
    tr.merge_units(["a"], new_commune(), ON)
    error = unchanged(tr, merge(["a", "b"], into="c"), ct.ValidationError)  # a has ended
    assert error.field == "merge_units.on"  # type: ignore[attr-defined]
    tr.end_headship("c", D(2025, 8, 31))
    tr.appoint_head("c", "p-new", D(2025, 9, 1))
    error = unchanged(tr, merge(["c"], into="ab", on=D(2025, 8, 1)), ct.ValidationError)
    assert "p-new's headship of c starts" in str(error)


@settings(max_examples=40)
@given(
    specs=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "o"]),
            st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 12, 31)),
            st.sampled_from(["open", "done", "cancelled"]),
            st.lists(st.sampled_from(["a", "b", "c", "o"]), max_size=2, unique=True),
        ),
        max_size=12,
    ),
    sources=st.lists(st.sampled_from(["a", "b", "c", "o"]), min_size=1, unique=True),
    on=st.dates(min_value=D(2025, 2, 1), max_value=D(2026, 6, 30)),
)
def test_merging_never_loses_or_duplicates_a_task(
    specs: list[tuple[str, dt.date, str, list[str]]], sources: list[str], on: dt.date
) -> None:
    tr = build(ct.Tracker.memory(load_entrypoints=False))
    with tr.batch():
        for i, (unit, due, state, partners) in enumerate(specs):
            t = task(f"t{i}", unit, due, partners=tuple(p for p in partners if p != unit))
            if state == "done":
                t = done(t, due)
            elif state == "cancelled":
                t = attrs.evolve(t, status=ct.TaskStatus.CANCELLED, cancel_reason="trùng")
            tr.add_task(t)
    before = {t.id: t for t in tr.tasks()}
    tr.merge_units(sources, ct.Unit(id="moi", name="Mới", kind="commune", parent="tinh"), on)
    after = {t.id: t for t in tr.tasks()}
    assert list(after) == sorted(after, key=lambda i: (after[i].due, i))  # each id once
    assert set(after) == set(before)
    for tid, old in before.items():
        new = after[tid]
        moves = old.unit in sources and old.status is ct.TaskStatus.OPEN and old.due >= on
        assert new.unit == ("moi" if moves else old.unit)
        if old.status is ct.TaskStatus.OPEN and old.due >= on:
            renamed = {("moi" if p in sources else p) for p in old.partners} - {new.unit}
            assert set(new.partners) == renamed
        else:
            assert new.partners == old.partners
        assert attrs.evolve(new, unit=old.unit, partners=old.partners) == old
    assert not [t for t in tr.tasks(status="open", due_from=on) if t.unit in sources]


# -- evaluations before, across and after ---------------------------------------------------------


def summary(ev: ct.Evaluation) -> dict[str, Any]:
    """What an evaluation says, without the objects that carry the unit records."""
    return {
        "units": {
            uid: (u.facts.describe(), u.score, u.band, u.rank, u.of, u.criteria)
            for uid, u in ev.units.items()
        },
        "ratings": [(r.person, r.unit, r.months, r.base, r.rating, r.reasons) for r in ev.ratings],
        "targets": {tid: (r.outcome, r.reason) for tid, r in ev.targets.items()},
        "recommendations": ev.recommendations,
        "ruleset": ev.ruleset,
    }


def test_evaluating_2024_after_the_2025_merger_gives_the_same_result(tr: ct.Tracker) -> None:
    tr.add_target(ct.Target(id="par-a", plan="kh", unit="a", indicator="PAR_INDEX",
                            rule=ct.any_of(ct.growth(5), ct.rank_within(5))))  # fmt: skip
    before = summary(tr.evaluate(2024, as_of=D(2024, 12, 31)))
    tr.merge_units(["a", "b"], new_commune(), ON)
    tr.split_unit("huyen", [ct.Unit(id="x", name="Xã X", kind="commune", parent="tinh")], ON)
    assert summary(tr.evaluate(2024, as_of=D(2024, 12, 31))) == before


def test_a_year_that_straddles_the_merger_sees_both_trees(tr: ct.Tracker) -> None:
    tr.merge_units(["a", "b"], new_commune(), ON)
    tr.appoint_head("ab", "p-new", ON)
    ev = tr.evaluate(2025, as_of=D(2025, 12, 31))
    assert {"a", "b", "c", "ab"} <= set(ev.units)
    assert [t.id for t in ev.units["a"].facts.tasks] == ["a-early"]
    assert [t.id for t in ev.units["ab"].facts.tasks] == ["a-later"]
    assert ev.units["ab"].facts.overdue == 1
    rated = {r.person: r for r in ev.ratings}
    # Working time in the year, not time in the post: both heads worked all year.
    assert rated["p-a"].months == 12.0 and rated["p-a"].unit == "a"
    assert rated["p-new"].months == 12.0 and rated["p-new"].unit == "ab"
    later = tr.evaluate(2026, as_of=D(2026, 12, 31))
    assert "a" not in later.units and "ab" in later.units


def test_units_that_ended_in_the_year_are_ranked_with_the_group_they_belonged_to(
    tr: ct.Tracker,
) -> None:
    tr.add_task(done(task("c-2025", "c", D(2025, 5, 31)), D(2025, 5, 1)))
    tr.merge_units(["a", "b"], new_commune(), ON)
    ev = tr.evaluate(2025, as_of=D(2025, 12, 31))
    old = {uid: (ev.units[uid].rank, ev.units[uid].of) for uid in ("a", "b", "c")}
    assert {of for _, of in old.values()} == {3}  # a, b and c, communes of the district
    assert (ev.units["ab"].rank, ev.units["ab"].of) == (1, 1)  # its own group from July


def test_the_targets_of_a_unit_that_ended_do_not_apply_after_it(tr: ct.Tracker) -> None:
    tr.add_target(ct.Target(id="sipas-a", plan="kh", unit="a", indicator="SIPAS",
                            rule=ct.above(90)))  # fmt: skip
    tr.merge_units(["a", "b"], new_commune(), ON)
    assert tr.evaluate(2025).targets["sipas-a"].outcome is ct.Outcome.NOT_MEASURED
    result = tr.evaluate(2026, as_of=D(2026, 12, 31)).targets["sipas-a"]
    assert result.outcome is ct.Outcome.NOT_APPLICABLE
    assert str(result.reason) == "unit Đơn vị a ended on 2025-06-30; successors: UBND xã AB"
    assert render(result.reason, "vi") == (
        "đơn vị Đơn vị a đã chấm dứt hoạt động từ ngày 30/06/2025; đơn vị kế thừa: UBND xã AB"
    )


# -- a growth target across a merger (rule R17) ------------------------------------------------


def merged_with_target(config: Any = None) -> ct.Tracker:
    tr = build(ct.Tracker.memory(load_entrypoints=False, config=config))
    tr.merge_units(["a", "b"], new_commune(), ON)
    tr.add_target(ct.Target(id="par-ab", plan="kh", unit="ab", indicator="PAR_INDEX",
                            rule=ct.growth(5)))  # fmt: skip
    tr.record_result(ct.Result(indicator="PAR_INDEX", unit="ab", year=2026, value=85.05))
    return tr


def test_the_previous_year_of_a_merged_unit_is_the_mean_of_its_predecessors() -> None:
    result = merged_with_target().evaluate(2026, as_of=D(2026, 12, 31)).targets["par-ab"]
    assert result.facts is not None and result.facts.previous == 81.0  # (84 + 78) / 2
    assert result.outcome is ct.Outcome.PASS  # 85.05 is 5% above 81
    english, vi = str(result.reason), render(result.reason, "vi")
    assert "mean of the merged units' 2025 values (Đơn vị a 84, Đơn vị b 78)" in english
    assert "succession policy 'mean'" in english
    assert (
        "năm trước của UBND xã AB = trung bình cộng các giá trị năm 2025 của những đơn vị "
        "hợp nhất (Đơn vị a 84, Đơn vị b 78) (cách tính khi sắp xếp đơn vị: trung bình cộng)"
    ) in vi


def test_not_comparable_leaves_the_growth_unmeasured_and_says_why() -> None:
    tr = merged_with_target({"succession": {"previous_value": "not_comparable"}})
    result = tr.evaluate(2026, as_of=D(2026, 12, 31)).targets["par-ab"]
    assert result.outcome is ct.Outcome.NOT_MEASURED
    assert "no comparable previous year: UBND xã AB succeeded Đơn vị a, Đơn vị b" in str(
        result.reason
    )
    assert "không có năm trước để so sánh: UBND xã AB kế thừa Đơn vị a, Đơn vị b" in render(
        result.reason, "vi"
    )
    per_target = merged_with_target({"succession": {"targets": {"par-ab": "not_comparable"}}})
    assert per_target.evaluate(2026).targets["par-ab"].outcome is ct.Outcome.NOT_MEASURED


def test_a_weighted_mean_uses_the_weight_indicator() -> None:
    tr = merged_with_target(
        {"succession": {"previous_value": "weighted", "weight_indicator": "POPULATION"}}
    )
    result = tr.evaluate(2026, as_of=D(2026, 12, 31)).targets["par-ab"]
    assert result.outcome is ct.Outcome.NOT_MEASURED
    assert "no POPULATION 2025 to weight Đơn vị a, Đơn vị b by" in str(result.reason)
    assert "thiếu POPULATION năm 2025 để tính bình quân gia quyền cho Đơn vị a, Đơn vị b" in (
        render(result.reason, "vi")
    )
    tr.add_indicator(ct.IndicatorScale("POPULATION", minimum=0, label="people"))
    for uid, people in (("a", 30_000), ("b", 10_000)):
        tr.record_result(ct.Result(indicator="POPULATION", unit=uid, year=2025, value=people))
    result = tr.evaluate(2026, as_of=D(2026, 12, 31)).targets["par-ab"]
    assert result.facts is not None and result.facts.previous == 82.5  # (3·84 + 78) / 4


def test_the_unit_s_own_result_wins_and_a_split_carries_no_value() -> None:
    tr = merged_with_target()
    tr.record_result(ct.Result(indicator="PAR_INDEX", unit="ab", year=2025, value=80.0))
    result = tr.evaluate(2026, as_of=D(2026, 12, 31)).targets["par-ab"]
    assert result.facts is not None and result.facts.previous == 80.0
    assert result.facts.previous_note == ""
    split = build(ct.Tracker.memory(load_entrypoints=False))
    parts = [ct.Unit(id=f"c{i}", name=f"Xã C{i}", kind="commune", parent="tinh") for i in (1, 2)]
    split.split_unit("c", parts, ON)
    split.add_target(ct.Target(id="par-c1", plan="kh", unit="c1", indicator="PAR_INDEX",
                               rule=ct.growth(5)))  # fmt: skip
    result = split.evaluate(2026, as_of=D(2026, 12, 31)).targets["par-c1"]
    assert result.outcome is ct.Outcome.NOT_MEASURED
    assert "Xã C1 was split off Đơn vị c" in str(result.reason)
    assert "Xã C1 được chia tách từ Đơn vị c" in render(result.reason, "vi")


def test_a_bad_succession_policy_is_an_error_that_names_it() -> None:
    with pytest.raises(ct.ValidationError) as caught:
        ct.Tracker.memory(config={"succession": {"previous_value": "median"}})
    assert caught.value.field == "succession.previous_value"
    with pytest.raises(ct.ValidationError, match=r"succession\.targets\.par"):
        ct.Tracker.memory(config={"succession": {"targets": {"par": "sum"}}})


def test_a_recurring_task_follows_its_unit_into_the_successor(tr: ct.Tracker) -> None:
    template = task("bc-quy", "a", D(2025, 1, 1), partners=("b",))
    tr.add_recurring_task(template, quarterly(15, D(2025, 1, 1)), through=2025)
    tr.merge_units(["a", "b"], new_commune(), ON)
    assert [(t.id, t.unit) for t in tr.occurrences("bc-quy")] == [
        ("bc-quy@2025-03-15", "a"),
        ("bc-quy@2025-06-15", "a"),
        ("bc-quy@2025-09-15", "ab"),
        ("bc-quy@2025-12-15", "ab"),
    ]
    assert tr.series("bc-quy").template.unit == "ab"
    assert tr.series("bc-quy").template.partners == ()
    assert {t.unit for t in tr.extend_series("bc-quy", 2026)} == {"ab"}


def test_the_explanation_page_runs() -> None:
    """The example of docs/explanation/reform-2025.md prints what the page shows (the
    docs suite's runner; set CCHC_UPDATE_DOC_OUTPUTS=1 to rewrite the output block)."""
    run_page_examples("docs/explanation/reform-2025.md")


def test_a_unit_dissolved_ends_with_its_headship_and_keeps_its_tasks(tr: ct.Tracker) -> None:
    seq = tr.seq
    ended = tr.end_unit("c", D(2025, 12, 31), actor="van-phong", note="QĐ giải thể")
    assert ended.valid_to == D(2025, 12, 31) and ended.successors == ()
    assert tr.unit("c").valid_to == D(2025, 12, 31)
    assert [h.end for h in tr.headships("c")] == [D(2025, 12, 31)]
    assert tr.seq == seq + 1  # one journal line for the unit and its headship
    assert "c" not in {u.id for u in tr.units_on(D(2026, 1, 1))}
    assert tr.tasks(unit="c") == [t for t in tr.tasks() if t.unit == "c"]  # kept as its record


@pytest.mark.parametrize(
    ("unit", "on", "field"),
    [
        ("nowhere", D(2025, 12, 31), "end_unit.id"),
        ("c", dt.datetime(2025, 12, 31, 8, 0), "end_unit.on"),
        ("c", D(2020, 12, 31), "end_unit.on"),  # before its head took office
    ],
)
def test_ending_a_unit_is_checked_and_a_refusal_changes_nothing(
    tr: ct.Tracker, unit: str, on: dt.date, field: str
) -> None:
    error = unchanged(tr, lambda: tr.end_unit(unit, on), ct.CchcError)
    assert field in str(error)


def test_a_unit_ends_once(tr: ct.Tracker) -> None:
    tr.end_unit("c", D(2025, 12, 31))
    error = unchanged(tr, lambda: tr.end_unit("c", D(2026, 3, 31)), ct.ValidationError)
    assert "it ended on 2025-12-31" in str(error)
