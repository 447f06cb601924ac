"""The evaluation pipeline: task outcomes, unit scores and bands, targets with the ratchet,
and heads' ratings under Decree 90/2020 + 48/2023, each with its reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.i18n import render
from cchc_tasks.rulesets.outcomes import TaskOutcomeRules, classify
from cchc_tasks.store import Store
from tests.helpers import unchanged

D = dt.date
YEAR = 2024
END = D(YEAR, 12, 31)
#: How the deciding reason of each level opens in Vietnamese.
VERDICTS_VI = {
    ct.Rating.EXCELLENT: "HTXSNV: mọi nhiệm vụ giao trực tiếp đều hoàn thành đúng tiến độ",
    ct.Rating.GOOD: "HTTNV: mọi nhiệm vụ giao trực tiếp đều hoàn thành",
    ct.Rating.COMPLETED: "HTNV: trên 70% chỉ tiêu, nhiệm vụ của đơn vị được hoàn thành",
    ct.Rating.NOT_COMPLETED: "KHTNV: đơn vị hoàn thành dưới 50% chỉ tiêu, nhiệm vụ (40%)",
}


def scenario(
    units: dict[str, str],
    parents: dict[str, str] | None = None,
    *,
    heads: dict[str, tuple[dt.date, dt.date | None]] | None = None,
    plugins: Sequence[object] = (),
    today: Callable[[], dt.date] = dt.date.today,
    config: dict[str, object] | None = None,
) -> ct.Tracker:
    """A tracker whose units have tasks described by letters, one task per letter:
    ``o`` on time, ``x`` on time and exceeded, ``l`` late, ``d`` overdue (never done),
    ``c`` cancelled, ``p`` pending at year end (due after it is impossible: due 31/12,
    not done). Every unit is headed by ``h-<unit>`` all year unless ``heads`` says."""
    pm = ct.make_plugin_manager(plugins, load_entrypoints=False)
    tr = ct.Tracker(Store(None), pm, today=today, config=config)
    parents = parents or {}
    heads = heads or {}
    order = sorted(units, key=lambda u: (u in parents, u))
    for uid in order:
        tr.add_unit(ct.Unit(id=uid, name=f"Đơn vị {uid}", kind="agency", parent=parents.get(uid)))
    tr.add_plan(
        ct.Plan(id="kh", title="Kế hoạch", unit=order[0], start=D(2021, 1, 1), end=D(2030, 12, 31))
    )
    n = 0
    for uid, letters in units.items():
        person = f"h-{uid}"
        tr.add_person(ct.Person(id=person, name=f"Trưởng {uid}", unit=uid))
        start, end = heads.get(uid, (D(2020, 1, 1), None))
        tr.appoint_head(unit=uid, person=person, start=start, end=end)
        for letter in letters:
            n += 1
            due = END if letter == "p" else D(YEAR, 6, 30)
            tr.add_task(ct.Task(id=f"t{n}", plan="kh", title="Nhiệm vụ", unit=uid, due=due))
            if letter in "ox":
                tr.complete_task(f"t{n}", on=D(YEAR, 6, 1), exceeded=letter == "x")
            elif letter == "l":
                tr.complete_task(f"t{n}", on=D(YEAR, 8, 1))
            elif letter == "c":
                tr.cancel_task(f"t{n}", reason="Không còn phù hợp")
    return tr


def rating(tr: ct.Tracker, unit: str, **kw: object) -> ct.Rating | None:
    return tr.evaluate(YEAR, **kw).leaders[f"h-{unit}"].rating  # type: ignore[arg-type]


# --- task outcomes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "as_of", "expected"),
    [
        (D(2024, 6, 30), D(2024, 12, 31), ct.TaskOutcome.ON_TIME),  # on the due date
        (D(2024, 7, 1), D(2024, 12, 31), ct.TaskOutcome.LATE),
        (D(2024, 7, 1), D(2024, 6, 30), ct.TaskOutcome.PENDING),  # done after T: unknown
        (D(2024, 7, 1), D(2024, 7, 1), ct.TaskOutcome.LATE),
        (D(2024, 7, 1), D(2024, 6, 31 - 1), ct.TaskOutcome.PENDING),
        (None, D(2024, 7, 1), ct.TaskOutcome.OVERDUE),
        (None, D(2024, 6, 30), ct.TaskOutcome.PENDING),  # due on T: not yet overdue
        (None, D(2024, 1, 1), ct.TaskOutcome.PENDING),
    ],
)
def test_task_outcome_semantics(
    completed: dt.date | None, as_of: dt.date, expected: ct.TaskOutcome
) -> None:
    task = ct.Task(id="t", plan="kh", title="x", unit="u", due=D(2024, 6, 30))
    if completed is not None:
        task = ct.Task(
            id="t",
            plan="kh",
            title="x",
            unit="u",
            due=D(2024, 6, 30),
            status=ct.TaskStatus.DONE,
            completed_on=completed,
        )
    assert classify(task, as_of) is expected


NEAR = st.integers(-2, 2).map(lambda days: dt.timedelta(days=days))


@st.composite
def tasks_near(draw: st.DrawFn, as_of: dt.date) -> ct.Task:
    """A task due and completed within days of ``as_of`` and of each other, so that
    every boundary of the classification is met."""
    due = as_of + draw(NEAR)
    status = draw(st.sampled_from(ct.TaskStatus))
    done = due + draw(NEAR) if status is ct.TaskStatus.DONE else None
    n = draw(st.integers(0, 10**6))
    return ct.Task(
        id=f"t{n}", plan="kh", title="x", unit="u", due=due, status=status, completed_on=done,
        cancel_reason="x" if status is ct.TaskStatus.CANCELLED else "",
    )  # fmt: skip


@given(data=st.data(), as_of=st.dates(D(2021, 1, 1), D(2029, 12, 31)))
def test_the_built_in_hook_classifies_as_classify_does(data: st.DataObject, as_of: dt.date) -> None:
    """The built-in cchc_task_outcomes inlines classify(): the two must agree."""
    tasks = data.draw(st.lists(tasks_near(as_of), max_size=20))
    answer = TaskOutcomeRules().cchc_task_outcomes(tasks, as_of)
    assert answer == {t.id: classify(t, as_of) for t in tasks}
    assert all(type(outcome) is ct.TaskOutcome for outcome in answer.values())


@given(
    data=st.data(),
    as_of=st.dates(D(2021, 1, 1), D(2029, 12, 31)),
    weights=st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.25]), max_size=25),
)
def test_task_completion_points_are_the_weighted_share_of_credit(
    data: st.DataObject, as_of: dt.date, weights: list[float]
) -> None:
    """The built-in task-completion criterion, summed in C, gives what a plain loop over
    the judged tasks (on time, late, overdue) gives, to the last bit."""
    from cchc_tasks.config import Config
    from cchc_tasks.rulesets.scoring import UnitScoring
    from cchc_tasks.verdicts import UnitFacts

    drawn = data.draw(st.lists(tasks_near(as_of), min_size=len(weights), max_size=len(weights)))
    weighted = (attrs.evolve(t, weight=w) for t, w in zip(drawn, weights, strict=True))
    tasks = tuple({t.id: t for t in weighted}.values())  # one task per id
    outcomes = {t.id: classify(t, as_of) for t in tasks}
    config = Config()
    facts = UnitFacts(
        unit=ct.Unit(id="u", name="Phòng", kind="agency"), year=as_of.year, as_of=as_of,
        tasks=tasks, outcomes=outcomes, results={}, previous_results={}, heads=(),
        children=(), config=config,
    )  # fmt: skip
    credit = {
        ct.TaskOutcome.ON_TIME: 1.0,
        ct.TaskOutcome.LATE: config.scoring.late_credit,
        ct.TaskOutcome.OVERDUE: 0.0,
    }
    total, earned = 0.0, 0.0
    for t in tasks:
        if outcomes[t.id] in credit:
            total += t.weight
            earned += t.weight * credit[outcomes[t.id]]
    criteria = UnitScoring().cchc_unit_criteria(facts, as_of.year)
    if total <= 0:
        assert criteria == []
    else:
        (criterion,) = criteria
        assert criterion.points == round(config.scoring.maximum * earned / total, 4)


@given(data=st.data(), as_of=st.dates(D(2021, 1, 1), D(2029, 12, 31)))
def test_a_units_counts_are_a_plain_loops(data: st.DataObject, as_of: dt.date) -> None:
    """Each outcome's count, and the exceeded tasks done by the date, counted in C, are
    what a plain loop over the unit's tasks counts; ``task_outcomes`` is each task's
    outcome, in the tasks' order."""
    from cchc_tasks.verdicts import UnitFacts

    drawn = data.draw(st.lists(tasks_near(as_of), max_size=25))
    exceeding = data.draw(st.lists(st.booleans(), min_size=len(drawn), max_size=len(drawn)))
    drawn = [  # some done tasks done beyond what was asked, finished by the date or not
        attrs.evolve(t, exceeded=True) if more and t.status is ct.TaskStatus.DONE else t
        for t, more in zip(drawn, exceeding, strict=True)
    ]
    tasks = tuple({t.id: t for t in drawn}.values())  # one task per id
    outcomes = {t.id: classify(t, as_of) for t in tasks}
    facts = UnitFacts(
        unit=ct.Unit(id="u", name="Phòng", kind="agency"), year=as_of.year, as_of=as_of,
        tasks=tasks, outcomes=outcomes, results={}, previous_results={}, heads=(),
        children=(),
    )  # fmt: skip
    done = (ct.TaskOutcome.ON_TIME, ct.TaskOutcome.LATE)
    assert facts.exceeded == sum(1 for t in tasks if t.exceeded and outcomes[t.id] in done)
    for outcome in ct.TaskOutcome:
        assert facts.count(outcome) == sum(1 for t in tasks if outcomes[t.id] is outcome)
    assert facts.task_outcomes == tuple(outcomes[t.id] for t in tasks)


def test_cancelled_tasks_do_not_count() -> None:
    tr = scenario({"u": "oc"})
    u = tr.evaluate(YEAR).units["u"]
    assert (u.on_time, u.cancelled, u.facts.counted) == (1, 1, 1)
    assert u.score == 100.0


class _OutcomesOfSomeTasks:
    """A ``cchc_task_outcomes`` plugin that classifies every task but ``t2``."""

    @ct.hookimpl
    def cchc_task_outcomes(
        self, tasks: Sequence[ct.Task], as_of: dt.date
    ) -> dict[str, ct.TaskOutcome]:
        return {t.id: classify(t, as_of) for t in tasks if t.id != "t2"}


def test_a_task_no_plugin_classified_stops_the_evaluation_and_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the built-in classification disabled, a task that no plugin classified is a
    RuleError naming the task and the hook, not a guess."""
    monkeypatch.setenv("CCHC_TASKS_DISABLE_PLUGINS", "cchc_tasks.outcomes")
    tr = scenario({"u": "olo"}, plugins=[_OutcomesOfSomeTasks()])
    with pytest.raises(ct.RuleError) as info:
        tr.evaluate(YEAR)
    assert "'t2'" in str(info.value) and info.value.hook == "cchc_task_outcomes"


@given(st.lists(st.sampled_from("oxld"), min_size=1, max_size=8), st.sampled_from("oxld"))
def test_another_overdue_task_never_improves_anything(letters: list[str], extra: str) -> None:
    """Property: turning one more task overdue never raises the score or the rating."""
    base = scenario({"u": "".join(letters) + extra}).evaluate(YEAR)
    worse = scenario({"u": "".join(letters) + "d"}).evaluate(YEAR)
    assert (worse.units["u"].score or 0) <= (base.units["u"].score or 0)
    b, w = bounds(base.leaders["h-u"]), bounds(worse.leaders["h-u"])
    assert w[0] <= b[0] and w[1] <= b[1]


def bounds(r: ct.LeaderRating) -> tuple[ct.Rating, ct.Rating]:
    """The lowest and highest level a rating may end at (an undecided one spans two)."""
    if r.undecided is not None:
        return r.undecided
    assert r.rating is not None
    return r.rating, r.rating


# --- unit score, band, rank -----------------------------------------------------------


@pytest.mark.parametrize(
    ("letters", "score", "band"),
    [
        ("oooo", 100.0, ct.Band.GOOD),  # Xuất sắc is off by default
        ("oooooooold", 85.0, ct.Band.GOOD),
        ("oold", 62.5, ct.Band.AVERAGE),
        ("ooooooold", 100 * 7.5 / 9, ct.Band.GOOD),
        ("oolddd", 100 * 2.5 / 6, ct.Band.WEAK),
        ("ooold", 70.0, ct.Band.FAIR),
        ("ood", 100 * 2 / 3, ct.Band.AVERAGE),
    ],
)
def test_unit_score_and_band(letters: str, score: float, band: ct.Band) -> None:
    u = scenario({"u": letters}).evaluate(YEAR).units["u"]
    assert u.score == pytest.approx(score)
    assert u.band is band
    assert u.criteria[0].maximum == 100 and "on time" in str(u.criteria[0].reason)
    assert render(u.criteria[0].name, "vi") == "Hoàn thành nhiệm vụ"
    assert "nhiệm vụ đúng hạn" in render(u.criteria[0].reason, "vi")


def test_unit_without_tasks_has_no_score_and_head_not_rated() -> None:
    ev = scenario({"u": ""}).evaluate(YEAR)
    assert ev.units["u"].score is None and ev.units["u"].band is None
    r = ev.leaders["h-u"]
    assert r.rating is None and "no tasks" in str(r.reasons[0].text)
    assert "đơn vị không có nhiệm vụ đến hạn trong năm 2024" in r.reasons[0].render("vi")


def test_units_are_ranked_within_their_peer_group_with_shared_ties() -> None:
    ev = scenario(
        {"top": "o", "a": "oo", "b": "ol", "c": "oo", "d": "d"},
        {"a": "top", "b": "top", "c": "top", "d": "top"},
    ).evaluate(YEAR)
    ranks = {u: (ev.units[u].rank, ev.units[u].of) for u in "abcd"}
    assert ranks == {"a": (1, 4), "c": (1, 4), "b": (3, 4), "d": (4, 4)}
    assert ev.units["top"].rank == 1 and ev.units["top"].of == 1


# --- heads under decree90 --------------------------------------------------------------


@pytest.mark.parametrize(
    ("letters", "expected"),
    [
        ("xxoo", ct.Rating.EXCELLENT),  # all on time, 50% exceeded
        ("xooo", ct.Rating.GOOD),  # only 25% exceeded
        ("xxxxl", ct.Rating.GOOD),  # all done, 80% on time
        ("xxxl", ct.Rating.COMPLETED),  # 75% on time
        ("oooooood", ct.Rating.COMPLETED),  # 87.5% done, not all
        ("ooooooodd", ct.Rating.COMPLETED),  # 7/9 = 78% done
        ("ooddd", ct.Rating.NOT_COMPLETED),  # 40% done: under the KHTNV line
        ("xxop", ct.Rating.EXCELLENT),  # a task not yet due is left out
    ],
)
def test_base_rating_from_the_units_tasks(letters: str, expected: ct.Rating) -> None:
    r = scenario({"u": letters}).evaluate(YEAR).leaders["h-u"]
    assert r.rating is expected
    assert r.reasons[-1].rule.startswith("decree90.")
    assert str(r.reasons[-1].text).startswith(f"{expected.code}: ")
    assert render(r.reasons[-1].text, "vi").startswith(VERDICTS_VI[expected])
    # An agency's head is a công chức: Điều 8 (HTXSNV) to 11 (KHTNV).
    article = {ct.Rating.EXCELLENT: 8, ct.Rating.GOOD: 9, ct.Rating.COMPLETED: 10}
    assert r.reasons[-1].source == f"Nghị định 90/2020/NĐ-CP Điều {article.get(expected, 11)}"
    assert r.category is ct.Category.CONG_CHUC


@pytest.mark.parametrize("letters", ["ooodd", "oodd", "oooddd", "ooooooddd"])
def test_between_the_khtnv_and_htnv_lines_the_rating_is_undecided(letters: str) -> None:
    """50% to 70% completed: neither KHTNV's nor HTNV's criteria hold (Art. 10, 11)."""
    tr = scenario({"u": letters})
    ev = tr.evaluate(YEAR)
    r = ev.leaders["h-u"]
    assert r.rating is None and r.undecided == (ct.Rating.NOT_COMPLETED, ct.Rating.COMPLETED)
    assert r.reasons[-1].rule == "decree90.undecided" and "[I]" in str(r.reasons[-1].text)
    assert render(r.reasons[-1].text, "vi").startswith("chưa xác định giữa KHTNV và HTNV")
    (decide,) = [x for x in ev.recommendations if x.kind == "decide"]
    assert str(decide.reason.text).startswith("Trưởng u, head of Đơn vị u: between KHTNV and HTNV")
    assert render(decide.reason.text, "vi").startswith("Trưởng u, người đứng đầu Đơn vị u")
    assert ("decide", "h-u") in {(x.kind, x.subject) for x in ev.recommendations}
    assert "undecided between KHTNV and HTNV" in ev.explain("h-u", "en")
    for level in ("HTNV", "KHTNV"):
        configured = scenario({"u": letters}, config={"decree90": {"undecided": level}})
        chosen = configured.evaluate(YEAR).leaders["h-u"]
        assert chosen.rating is ct.Rating(level) and chosen.undecided is None


@given(st.lists(st.sampled_from("oxld"), min_size=1, max_size=10))
def test_undecided_never_appears_when_either_level_holds(letters: list[str]) -> None:
    """Property: undecided only when the share completed is from 50% to 70%, and then
    always, unless a cap at KHTNV (here the CCHC band Yếu) decides it."""
    r = scenario({"u": "".join(letters)}).evaluate(YEAR).leaders["h-u"]
    done = sum(1 for x in letters if x != "d") / len(letters)
    if r.undecided is not None:
        assert 0.5 <= done <= 0.7 and r.rating is None
    elif 0.5 <= done <= 0.7:
        assert r.rating is ct.Rating.NOT_COMPLETED and r.caps


def test_own_tasks_missed_make_khtnv_and_reasons_say_whose_tasks() -> None:
    """≥ 50% of the head's own tasks late or overdue → KHTNV even if the unit did well."""
    tr = scenario({"u": "ooooooooold"})
    for task in tr.tasks(unit="u"):
        if task.status is not ct.TaskStatus.DONE or task.completed_on != D(YEAR, 6, 1):
            tr.update_task(task.id, assignee="h-u")
    r = tr.evaluate(YEAR).leaders["h-u"]
    assert r.rating is ct.Rating.NOT_COMPLETED
    assert "own tasks missed progress or quality (2/2) [own tasks]" in str(r.reasons[-1].text)
    assert "unit's tasks: 11 due" in str(r.reasons[0].text)
    assert render(r.reasons[-1].text, "vi") == (
        "KHTNV: có từ 50% trở lên nhiệm vụ giao trực tiếp cho người đứng đầu không bảo đảm tiến "
        "độ, chất lượng (2/2 nhiệm vụ)"
    )
    assert render(r.reasons[0].text, "vi").startswith(
        "nhiệm vụ của đơn vị: 11 nhiệm vụ đến hạn tính đến ngày 31/12/2024"
    )


def test_the_category_decides_the_articles() -> None:
    tr = scenario({"u": "xxoo"})
    tr.add_person(ct.Person(id="vc", name="Viên chức"))
    tr.end_headship("u", D(2023, 12, 31))
    tr.appoint_head("u", "vc", D(2024, 1, 1), category=ct.Category.VIEN_CHUC)
    r = tr.evaluate(YEAR).leaders["vc"]
    assert r.category is ct.Category.VIEN_CHUC
    assert r.reasons[-1].source == "Nghị định 90/2020/NĐ-CP Điều 12"
    commune = ct.Unit(id="xa", name="UBND xã", kind="commune")
    tr.add_unit(commune)
    assert tr.appoint_head("xa", "h-u", D(2024, 1, 1)).category is ct.Category.CAN_BO
    with pytest.raises(ct.ValidationError, match="Headship.category"):
        tr.appoint_head("xa", "vc", D(2025, 1, 1), category="nobody")


def test_every_rating_below_excellent_names_the_rule_that_lowered_it() -> None:
    r = scenario({"u": "xxxl"}).evaluate(YEAR).leaders["h-u"]
    texts = [f"{x.rule}: {x.text}" for x in r.reasons]
    assert any(t.startswith("decree90.excellent: not HTXSNV") for t in texts)
    assert any(t.startswith("decree90.good: not HTTNV") and "80%" in t for t in texts)
    good = next(x for x in r.reasons if x.rule == "decree90.good")
    assert render(good.text, "vi") == (
        "không đạt HTTNV: cần từ 80% trở lên chỉ tiêu, nhiệm vụ của đơn vị hoàn thành đúng "
        "tiến độ (75%)"
    )


def test_subordinate_units_condition_the_head_of_the_unit_above() -> None:
    """HTXSNV needs every unit under direct management ≥ HTNV and ≥ 70% ≥ HTTNV; HTTNV
    needs all ≥ HTNV; HTNV ≥ 70% ≥ HTNV (Art. 8(2), 9, 10): the units' collective
    ratings, derived from their tasks."""
    parents = {"a": "top", "b": "top", "c": "top"}
    excellent = scenario({"top": "xx", "a": "xxoo", "b": "xooo", "c": "xxxxl"}, parents)
    assert rating(excellent, "top") is ct.Rating.EXCELLENT  # 3/3 ≥ HTTNV
    two_of_three = scenario({"top": "xx", "a": "xxoo", "b": "xxxl", "c": "xxxxl"}, parents)
    assert rating(two_of_three, "top") is ct.Rating.GOOD  # 67% < 70% ≥ HTTNV
    parents["d"] = "top"
    one_failed = scenario(
        {"top": "xx", "a": "xxoo", "b": "oddd", "c": "xxoo", "d": "xxoo"}, parents
    )
    ev = one_failed.evaluate(YEAR)
    assert ev.units["b"].rating is ct.Rating.NOT_COMPLETED
    assert str(ev.units["b"].rating_reason).startswith("derived from its 4 tasks")
    assert ev.leaders["h-top"].rating is ct.Rating.COMPLETED  # 75% ≥ HTNV


def test_a_unit_whose_head_is_not_rated_still_counts_and_recorded_ratings_win() -> None:
    parents = {"a": "top", "b": "top"}
    tr = scenario({"top": "xx", "a": "xxoo", "b": "xxoo"}, parents)
    tr.add_person(ct.Person(id="new", name="Mới", service_start=D(2024, 10, 1)))
    tr.end_headship("b", D(2024, 9, 30))
    tr.appoint_head("b", "new", D(2024, 10, 1))
    ev = tr.evaluate(YEAR)
    assert ev.leaders["new"].rating is None  # three months in the service
    assert ev.leaders["h-top"].rating is ct.Rating.EXCELLENT
    facts = next(x for x in ev.leaders["h-top"].reasons if x.rule == "decree90.facts")
    assert "2 units under direct management rated" in str(facts.text)
    assert "2 đơn vị thuộc quyền quản lý trực tiếp đã được xếp loại" in render(facts.text, "vi")
    tr.record_unit_rating("b", YEAR, "KHTNV", by="UBND tỉnh")
    ev = tr.evaluate(YEAR)
    assert ev.units["b"].rating is ct.Rating.NOT_COMPLETED
    assert str(ev.units["b"].rating_reason) == "recorded by UBND tỉnh"
    assert "collective rating: KHTNV (recorded by UBND tỉnh)" in ev.explain("b", "en")
    assert ev.leaders["h-top"].rating is not ct.Rating.EXCELLENT


@given(st.lists(st.sampled_from(["xxoo", "xooo", "xxxl", "oooooood", "ooodd"]), max_size=3))
def test_adding_a_failed_unit_never_raises_the_superior(children: list[str]) -> None:
    """Property: one more unit under direct management, rated KHTNV, never helps."""
    units = {"top": "xxoo", **{f"c{i}": c for i, c in enumerate(children)}}
    parents = {f"c{i}": "top" for i in range(len(children))}
    before = bounds(scenario(units, parents).evaluate(YEAR).leaders["h-top"])
    units["cz"], parents["cz"] = "oddd", "top"
    after = bounds(scenario(units, parents).evaluate(YEAR).leaders["h-top"])
    assert after[0] <= before[0] and after[1] <= before[1]


def test_discipline_in_the_year_caps_at_not_completed() -> None:
    tr = scenario({"u": "xxoo"})
    tr.discipline(person="h-u", on=D(YEAR, 3, 1), reason="Vi phạm", form="Khiển trách")
    tr.discipline(person="h-u", on=D(YEAR - 1, 3, 1), reason="Năm trước")
    r = tr.evaluate(YEAR).leaders["h-u"]
    assert r.base is ct.Rating.EXCELLENT and r.rating is ct.Rating.NOT_COMPLETED
    assert [c.reason.rule for c in r.caps] == ["decree48.discipline"]
    assert "Khiển trách" in str(r.caps[0].reason.text)
    assert (
        render(r.caps[0].reason.text, "vi")
        == "bị kỷ luật ngày 01/03/2024, hình thức Khiển trách, do: Vi phạm"
    )
    assert rating(tr, "u", as_of=END) is ct.Rating.NOT_COMPLETED
    assert tr.evaluate(YEAR + 1).leaders["h-u"].caps == ()


@pytest.mark.parametrize(
    ("service_start", "absences", "expected", "months"),
    [
        (None, [], ct.Rating.EXCELLENT, 12.0),
        (D(2024, 4, 1), [], ct.Rating.EXCELLENT, 9.02),  # 275/366 days × 12
        (D(2024, 7, 3), [], None, 5.97),  # under 6 months worked: not rated
        (None, [(D(2024, 1, 1), D(2024, 4, 1), "other")], ct.Rating.COMPLETED, 8.98),
        (None, [(D(2024, 1, 1), D(2024, 7, 31), "other")], None, 5.02),
        (None, [(D(2024, 1, 1), D(2024, 2, 28), "other")], ct.Rating.EXCELLENT, 10.07),
        # maternity leave: rated on the time actually worked, no cap
        (None, [(D(2024, 1, 1), D(2024, 7, 31), "maternity")], ct.Rating.EXCELLENT, 5.02),
    ],
)
def test_working_time_in_the_year(
    service_start: dt.date | None,
    absences: list[tuple[dt.date, dt.date, str]],
    expected: ct.Rating | None,
    months: float,
) -> None:
    """Decree 90/2020 Art. 2(3): time worked in the year, whatever the posts."""
    tr = scenario({"u": "xxoo"}, heads={"u": (D(2020, 1, 1), D(2024, 5, 31))})
    tr.add_person(ct.Person(id="p", name="Người", service_start=service_start))
    tr.appoint_head("u", "p", D(2024, 6, 1))
    for start, end, kind in absences:
        tr.record_absence("p", start, end, kind=kind)
    r = tr.evaluate(YEAR).leaders["p"]
    assert r.rating is expected
    assert r.months == pytest.approx(months, abs=0.01)
    if expected is None:
        assert "not rated (still reviewed)" in str(r.reasons[0].text)
        assert "không đánh giá, xếp loại chất lượng" in r.reasons[0].render("vi")
        assert r.reasons[0].source == "Nghị định 90/2020/NĐ-CP Điều 2 khoản 3"
    if expected is ct.Rating.COMPLETED:
        assert r.caps[-1].reason.rule == "decree90.absence"


@given(st.integers(0, 365), st.integers(0, 365))
def test_more_working_time_never_lowers_a_rating(a: int, b: int) -> None:
    """Property: a shorter absence never gives a lower rating (not rated is lowest)."""
    tr = scenario({"u": "xxoo"})

    def level(days: int) -> int:
        t = scenario({"u": "xxoo"})
        if days:
            t.record_absence("h-u", D(YEAR, 1, 1), D(YEAR, 1, 1) + dt.timedelta(days=days - 1))
        r = t.evaluate(YEAR).leaders["h-u"].rating
        return -1 if r is None else r.level

    del tr
    short, long = sorted((a, b))
    assert level(short) >= level(long)


def test_bad_absences_are_refused_and_change_nothing() -> None:
    tr = scenario({"u": "o"})
    tr.record_absence("h-u", D(YEAR, 2, 1), D(YEAR, 2, 10))
    for call, field in [
        (lambda: tr.record_absence("h-u", D(YEAR, 2, 5), D(YEAR, 3, 1)), "Absence.start"),
        (lambda: tr.record_absence("h-u", D(YEAR, 5, 5), D(YEAR, 3, 1)), "Absence.end"),
        (lambda: tr.record_absence("h-u", D(YEAR, 5, 5), D(YEAR, 6, 1), kind="x"), "Absence.kind"),
        (lambda: tr.record_absence("nobody", D(YEAR, 5, 5), D(YEAR, 6, 1)), "Absence.person"),
    ]:
        assert field in str(unchanged(tr, call, ct.CchcError))
    assert [a.id for a in tr.absences("h-u")] == ["h-u~1"]


def test_a_transferred_head_is_rated_once_by_the_new_unit() -> None:
    """Art. 20: the post held at the evaluation date, on that unit's whole year."""
    tr = scenario({"a": "xxoo", "b": "ooddd"}, heads={"a": (D(2023, 1, 1), D(2024, 7, 31))})
    tr.end_headship("b", end=D(2024, 7, 31))
    tr.appoint_head(unit="b", person="h-a", start=D(2024, 8, 1))
    ev = tr.evaluate(YEAR)
    r = ev.leaders["h-a"]
    assert r.unit == "b" and [p.unit for p in r.posts] == ["a", "b"]
    assert [x.unit for x in ev.ratings if x.person == "h-a"] == ["b"]
    assert r.rating is ct.Rating.NOT_COMPLETED  # b's whole year: 40% completed
    transfer = next(x for x in r.reasons if x.rule == "decree90.transfer")
    assert "the view of Đơn vị a is attached" in str(transfer.text) and "Điều 20" in transfer.source
    assert str(transfer.text).startswith("rated once, by Đơn vị b,")
    assert "có kèm ý kiến nhận xét của Đơn vị a" in render(transfer.text, "vi")
    assert "post held: head of Đơn vị a from 2023-01-01" in ev.explain("h-a", "en")
    assert "chức vụ đã giữ: người đứng đầu Đơn vị a từ 01/01/2023" in ev.explain("h-a")


# --- targets ----------------------------------------------------------------------------


def target_tracker(
    rule: ct.Rule, ratchet: bool | str, results: dict[int, tuple[float | None, int | None]]
) -> ct.Tracker:
    tr = scenario({"u": "o"})
    tr.add_target(
        ct.Target(id="t", plan="kh", unit="u", indicator="SIPAS", rule=rule, ratchet=ratchet)
    )
    for year, (value, rank) in results.items():
        tr.record_result(
            ct.Result(
                indicator="SIPAS",
                unit="u",
                year=year,
                value=value,
                rank=rank,
                of=12 if rank else None,
            )
        )
    return tr


def test_a_binding_ratchet_raises_the_bar_to_the_best_rank_reached() -> None:
    rule = ct.milestones({2022: ct.rank_within(5), 2030: ct.rank_within(3)})
    results = {2022: (0.5, 4), 2023: (0.6, 2), 2024: (0.6, 3)}
    tr = target_tracker(rule, "binding", results)
    assert tr.evaluate(2021).targets["t"].outcome is ct.Outcome.NOT_APPLICABLE
    assert tr.evaluate(2023).targets["t"].outcome is ct.Outcome.PASS
    r2024 = tr.evaluate(2024).targets["t"]
    assert r2024.outcome is ct.Outcome.FAIL  # top 5 reached as 2nd: later years need ≤ 2
    assert str(r2024.reason).endswith(
        "rank 3: rank ≤ 2 FAIL (milestone 2022) "
        "(binding ratchet: milestones {2022: rank ≤ 2, 2030: rank ≤ 2})"
    )
    assert r2024.rule != rule
    assert render(r2024.reason, "vi").endswith(
        "xếp hạng 3: không đạt mục tiêu thuộc tốp 2 (mốc năm 2022) "
        "(mục tiêu nâng theo mức tốt nhất đã đạt, bắt buộc: "
        "theo lộ trình (từ năm 2022: thuộc tốp 2, từ năm 2030: thuộc tốp 2))"
    )
    plain = target_tracker(rule, False, results)
    assert plain.evaluate(2024).targets["t"].outcome is ct.Outcome.PASS


def test_a_ratchet_is_a_stretch_not_a_new_floor() -> None:
    """ "If better, aim higher": judged on the plan's rule; the stretch is reported."""
    rule = ct.milestones({2022: ct.rank_within(5), 2030: ct.rank_within(3)})
    tr = target_tracker(rule, True, {2022: (0.5, 4), 2023: (0.6, 2), 2024: (0.6, 3)})
    r2024 = tr.evaluate(2024).targets["t"]
    assert r2024.outcome is ct.Outcome.PASS and r2024.rule == rule
    assert r2024.stretch is not None and r2024.stretch_outcome is ct.Outcome.FAIL
    assert str(r2024.reason).endswith("(stretch milestones {2022: rank ≤ 2, 2030: rank ≤ 2}: FAIL)")
    assert r2024.source == "Kế hoạch"
    assert render(r2024.reason, "vi").endswith(
        "xếp hạng 3: đạt mục tiêu thuộc tốp 5 (mốc năm 2022) (mục tiêu phấn đấu cao hơn, "
        "theo lộ trình (từ năm 2022: thuộc tốp 2, từ năm 2030: thuộc tốp 2): không đạt)"
    )
    assert tr.evaluate(2022).targets["t"].stretch is None
    with pytest.raises(ct.ValidationError, match="Target.ratchet"):
        ct.Target(id="x", plan="kh", unit="u", indicator="DTI", rule=rule, ratchet="yes")


def test_any_of_shows_each_parts_figures() -> None:
    rule = ct.any_of(ct.growth(5, mode="relative"), ct.rank_within(3))
    tr = target_tracker(rule, False, {2023: (76.88, 6), 2024: (78.41, 5)})
    reason = tr.evaluate(2024).targets["t"].reason
    assert "change +1.99%" in str(reason) and "rank 5" in str(reason)
    assert "thay đổi +1,99%" in render(reason, "vi") and "xếp hạng 5" in render(reason, "vi")


def test_ratchet_on_a_threshold_needs_the_best_value_again() -> None:
    tr = target_tracker(ct.above(90), "binding", {2022: (93.0, None), 2023: (92.0, None)})
    assert tr.evaluate(2023).targets["t"].outcome is ct.Outcome.FAIL
    assert tr.evaluate(2022).targets["t"].outcome is ct.Outcome.PASS


def test_targets_outside_the_plan_period_are_not_applicable() -> None:
    tr = target_tracker(ct.above(90), False, {2031: (95.0, None)})
    result = tr.evaluate(2031).targets["t"]
    assert result.outcome is ct.Outcome.NOT_APPLICABLE
    assert str(result.reason) == "2031 is outside plan Kế hoạch (2021–2030)"
    assert render(result.reason, "vi") == (
        "năm 2031 nằm ngoài thời gian của kế hoạch Kế hoạch (2021–2030)"
    )


def test_every_target_is_in_the_evaluation_even_without_data() -> None:
    tr = target_tracker(ct.growth(5, mode="points"), False, {})
    assert tr.evaluate(YEAR).targets["t"].outcome is ct.Outcome.NOT_MEASURED


# --- the clock, determinism, recorded inputs -----------------------------------------------


def test_default_as_of_is_year_end_or_today_if_earlier() -> None:
    tr = scenario({"u": "o"}, today=lambda: D(2024, 7, 15))
    assert tr.evaluate(2024).as_of == D(2024, 7, 15)
    assert tr.evaluate(2023).as_of == D(2023, 12, 31)
    assert tr.evaluate(2024, as_of=D(2024, 3, 1)).as_of == D(2024, 3, 1)


def test_same_inputs_give_the_same_evaluation() -> None:
    first = scenario({"top": "xxl", "a": "oold"}, {"a": "top"}).evaluate(YEAR)
    second = scenario({"top": "xxl", "a": "oold"}, {"a": "top"}).evaluate(YEAR)
    assert first == second


def test_evaluation_records_rule_set_plugins_and_store_position() -> None:
    tr = scenario({"u": "o"})
    ev = tr.evaluate(YEAR)
    assert ev.ruleset is not None and ev.ruleset.name == "decree90"
    names = dict(ev.plugins)
    assert names["cchc_tasks.decree90"] == ct.__version__
    assert ev.store_seq == tr.seq


def test_no_rule_set_in_force_leaves_heads_unrated_with_the_reason() -> None:
    tr = scenario({"u": "o"}, heads={"u": (D(2019, 1, 1), None)})
    r = tr.evaluate(2019).leaders["h-u"]  # before Decree 90/2020 took effect
    assert r.rating is None and "no rule set" in str(r.reasons[0].text)
    forced = tr.evaluate(YEAR, ruleset="decree90")
    assert forced.ruleset is not None and forced.ruleset.name == "decree90"


def test_explain_covers_persons_units_and_targets() -> None:
    tr = target_tracker(ct.rank_within(5), False, {YEAR: (0.7, 3)})
    ev = tr.evaluate(YEAR)
    assert "final rating: HTNV" not in ev.explain("h-u", "en")
    assert "final rating:" in ev.explain("h-u", "en")
    assert "Task completion" in ev.explain("u", "en")
    assert "rank 3 of 12" in ev.explain("t", "en")
    with pytest.raises(ct.NotFoundError, match="explain.id"):
        ev.explain("nobody", "en")


def test_recommendations_cover_commendation_review_and_urging() -> None:
    ev = scenario({"top": "xx", "a": "ooddd"}, {"a": "top"}).evaluate(YEAR)
    kinds = {(r.kind, r.subject) for r in ev.recommendations}
    assert ("discipline-review", "h-a") in kinds
    assert ("urge", "a") in kinds
    good = scenario({"u": "xxoo"}).evaluate(YEAR)
    assert ("commendation", "h-u") in {(r.kind, r.subject) for r in good.recommendations}


def test_bad_ratings_are_refused_and_change_nothing() -> None:
    tr = scenario({"u": "o"})
    for call, field in [
        (lambda: tr.record_unit_rating("u", YEAR, "A+"), "UnitRating.rating"),
        (lambda: tr.record_unit_rating("nowhere", YEAR, "HTNV"), "UnitRating.unit"),
        (lambda: tr.record_rating("nobody", YEAR, "HTNV"), "PersonRating.person"),
        (lambda: tr.record_rating("h-u", 1800, "HTNV"), "PersonRating.year"),
        (lambda: tr.discipline("h-u", D(YEAR, 1, 2), "x", duty_related="yes"), "duty_related"),
        (lambda: tr.discipline("h-u", D(YEAR, 1, 2), "x", violation_year=YEAR + 1), "violation"),
    ]:
        assert field in str(unchanged(tr, call, ct.CchcError))
    tr.record_unit_rating("u", YEAR, ct.Rating.GOOD)
    assert [(r.unit, r.rating) for r in tr.unit_ratings(year=YEAR)] == [("u", ct.Rating.GOOD)]
