"""The evaluation pipeline: task outcomes, unit scores and bands, targets with the ratchet,
and heads' ratings under Decree 90/2020 + 48/2023, each with its reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.rulesets.outcomes import classify
from cchc_tasks.store import Store

D = dt.date
YEAR = 2024
END = D(YEAR, 12, 31)


def scenario(
    units: dict[str, str],
    parents: dict[str, str] | None = None,
    *,
    heads: dict[str, tuple[dt.date, dt.date | None]] | None = None,
    plugins: Sequence[object] = (),
    today: Callable[[], dt.date] = dt.date.today,
) -> ct.Tracker:
    """A tracker whose units have tasks described by letters, one task per letter:
    ``o`` on time, ``x`` on time and exceeded, ``l`` late, ``d`` overdue (never done),
    ``c`` cancelled, ``p`` pending at year end (due after it is impossible: due 31/12,
    not done). Every unit is headed by ``h-<unit>`` all year unless ``heads`` says."""
    pm = ct.make_plugin_manager(plugins, load_entrypoints=False)
    tr = ct.Tracker(Store(None), pm, today=today)
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


def test_cancelled_tasks_do_not_count() -> None:
    tr = scenario({"u": "oc"})
    u = tr.evaluate(YEAR).units["u"]
    assert (u.on_time, u.cancelled, u.facts.counted) == (1, 1, 1)
    assert u.score == 100.0


@given(st.lists(st.sampled_from("oxld"), min_size=1, max_size=8), st.sampled_from("oxld"))
def test_another_overdue_task_never_improves_anything(letters: list[str], extra: str) -> None:
    """Property: turning one more task overdue never raises the score or the rating."""
    base = scenario({"u": "".join(letters) + extra}).evaluate(YEAR)
    worse = scenario({"u": "".join(letters) + "d"}).evaluate(YEAR)
    assert (worse.units["u"].score or 0) <= (base.units["u"].score or 0)
    b, w = base.leaders["h-u"].rating, worse.leaders["h-u"].rating
    assert b is not None and w is not None and w <= b


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
    assert u.criteria[0].maximum == 100 and "on time" in u.criteria[0].reason


def test_unit_without_tasks_has_no_score_and_head_not_rated() -> None:
    ev = scenario({"u": ""}).evaluate(YEAR)
    assert ev.units["u"].score is None and ev.units["u"].band is None
    r = ev.leaders["h-u"]
    assert r.rating is None and "no tasks" in r.reasons[0].text


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
        ("ooodd", ct.Rating.NOT_COMPLETED),  # 60% done
        ("xxop", ct.Rating.EXCELLENT),  # a task not yet due is left out
    ],
)
def test_base_rating_from_the_units_tasks(letters: str, expected: ct.Rating) -> None:
    r = scenario({"u": letters}).evaluate(YEAR).leaders["h-u"]
    assert r.rating is expected
    assert r.reasons[-1].rule.startswith("decree90.")
    assert "Nghị định 90/2020" in r.reasons[-1].source


def test_every_rating_below_excellent_names_the_rule_that_lowered_it() -> None:
    r = scenario({"u": "xxxl"}).evaluate(YEAR).leaders["h-u"]
    texts = [f"{x.rule}: {x.text}" for x in r.reasons]
    assert any(t.startswith("decree90.excellent: not HTXSNV") for t in texts)
    assert any(t.startswith("decree90.good: not HTTNV") and "80%" in t for t in texts)


def test_subordinate_heads_condition_the_head_of_the_unit_above() -> None:
    """HTXSNV needs every subordinate head ≥ HTNV and ≥ 70% ≥ HTTNV; HTTNV needs all
    ≥ HTNV. The evaluation runs bottom-up so the district sees their final ratings."""
    parents = {"a": "top", "b": "top", "c": "top"}
    excellent = scenario({"top": "xx", "a": "xxoo", "b": "xooo", "c": "xxxxl"}, parents)
    assert rating(excellent, "top") is ct.Rating.EXCELLENT  # 3/3 ≥ HTTNV
    two_of_three = scenario({"top": "xx", "a": "xxoo", "b": "xxxl", "c": "xxxxl"}, parents)
    assert rating(two_of_three, "top") is ct.Rating.GOOD  # 67% < 70% ≥ HTTNV
    one_failed = scenario({"top": "xx", "a": "xxoo", "b": "ooodd", "c": "xxoo"}, parents)
    assert rating(one_failed, "top") is ct.Rating.COMPLETED


def test_unrated_subordinate_heads_are_left_out_and_no_subordinates_is_fine() -> None:
    parents = {"a": "top", "b": "top"}
    ev = scenario(
        {"top": "xx", "a": "xxoo", "b": "ooodd"}, parents, heads={"b": (D(2024, 10, 1), None)}
    ).evaluate(YEAR)  # 3 months: not rated
    assert ev.leaders["h-b"].rating is None
    assert ev.leaders["h-top"].rating is ct.Rating.EXCELLENT
    assert "1 not rated, left out" in ev.leaders["h-top"].reasons[0].text


def test_discipline_in_the_year_caps_at_not_completed() -> None:
    tr = scenario({"u": "xxoo"})
    tr.discipline(person="h-u", on=D(YEAR, 3, 1), reason="Vi phạm", form="Khiển trách")
    tr.discipline(person="h-u", on=D(YEAR - 1, 3, 1), reason="Năm trước")
    r = tr.evaluate(YEAR).leaders["h-u"]
    assert r.base is ct.Rating.EXCELLENT and r.rating is ct.Rating.NOT_COMPLETED
    assert [c.reason.rule for c in r.caps] == ["decree48.discipline"]
    assert "Khiển trách" in r.caps[0].reason.text
    assert rating(tr, "u", as_of=END) is ct.Rating.NOT_COMPLETED
    assert tr.evaluate(YEAR + 1).leaders["h-u"].caps == ()


@pytest.mark.parametrize(
    ("start", "end", "expected", "months"),
    [
        (D(2024, 1, 1), None, ct.Rating.EXCELLENT, 12.0),
        (D(2024, 4, 1), None, ct.Rating.EXCELLENT, 9.02),  # 275/366 days × 12: full
        (D(2024, 4, 2), None, ct.Rating.COMPLETED, 8.98),  # under 9: at most HTNV
        (D(2024, 7, 1), None, ct.Rating.COMPLETED, 6.03),
        (D(2024, 7, 3), None, None, 5.97),  # under 6 months: not rated
        (D(2023, 1, 1), D(2024, 3, 31), None, 2.98),
    ],
)
def test_months_in_the_post(
    start: dt.date, end: dt.date | None, expected: ct.Rating | None, months: float
) -> None:
    r = scenario({"u": "xxoo"}, heads={"u": (start, end)}).evaluate(YEAR).leaders["h-u"]
    assert r.rating is expected
    assert r.months == pytest.approx(months, abs=0.01)
    if expected is None:
        assert "not rated" in r.reasons[0].text


def test_a_person_heading_two_units_is_keyed_by_the_longer_post() -> None:
    tr = scenario({"a": "xxoo", "b": "ooodd"}, heads={"a": (D(2024, 1, 1), D(2024, 3, 31))})
    tr.end_headship("b", end=D(2024, 3, 31))
    tr.appoint_head(unit="b", person="h-a", start=D(2024, 4, 1))
    ev = tr.evaluate(YEAR)
    assert ev.leaders["h-a"].unit == "b"
    assert sorted(r.unit for r in ev.ratings if r.person == "h-a") == ["a", "b"]


# --- targets ----------------------------------------------------------------------------


def target_tracker(
    rule: ct.Rule, ratchet: bool, results: dict[int, tuple[float | None, int | None]]
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


def test_ratchet_raises_the_bar_to_the_best_rank_reached() -> None:
    rule = ct.milestones({2022: ct.rank_within(5), 2030: ct.rank_within(3)})
    tr = target_tracker(rule, True, {2022: (0.5, 4), 2023: (0.6, 2), 2024: (0.6, 3)})
    assert tr.evaluate(2021).targets["t"].outcome is ct.Outcome.NOT_APPLICABLE
    assert tr.evaluate(2023).targets["t"].outcome is ct.Outcome.PASS
    r2024 = tr.evaluate(2024).targets["t"]
    assert r2024.outcome is ct.Outcome.FAIL  # top 5 reached as 2nd: later years need ≤ 2
    assert "rank 2" in r2024.reason and r2024.rule != rule
    plain = target_tracker(rule, False, {2022: (0.5, 4), 2023: (0.6, 2), 2024: (0.6, 3)})
    assert plain.evaluate(2024).targets["t"].outcome is ct.Outcome.PASS


def test_ratchet_on_a_threshold_needs_the_best_value_again() -> None:
    tr = target_tracker(ct.above(90), True, {2022: (93.0, None), 2023: (92.0, None)})
    assert tr.evaluate(2023).targets["t"].outcome is ct.Outcome.FAIL
    assert tr.evaluate(2022).targets["t"].outcome is ct.Outcome.PASS


def test_targets_outside_the_plan_period_are_not_applicable() -> None:
    tr = target_tracker(ct.above(90), False, {2031: (95.0, None)})
    result = tr.evaluate(2031).targets["t"]
    assert result.outcome is ct.Outcome.NOT_APPLICABLE and "outside plan kh" in result.reason


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
    assert r.rating is None and "no rule set" in r.reasons[0].text
    forced = tr.evaluate(YEAR, ruleset="decree90")
    assert forced.ruleset is not None and forced.ruleset.name == "decree90"


def test_explain_covers_persons_units_and_targets() -> None:
    tr = target_tracker(ct.rank_within(5), False, {YEAR: (0.7, 3)})
    ev = tr.evaluate(YEAR)
    assert "final rating: HTNV" not in ev.explain("h-u")
    assert "final rating:" in ev.explain("h-u")
    assert "Task completion" in ev.explain("u")
    assert "rank 3 of 12" in ev.explain("t")
    with pytest.raises(ct.NotFoundError, match="explain.id"):
        ev.explain("nobody")


def test_recommendations_cover_commendation_review_and_urging() -> None:
    ev = scenario({"top": "xx", "a": "ooodd"}, {"a": "top"}).evaluate(YEAR)
    kinds = {(r.kind, r.subject) for r in ev.recommendations}
    assert ("discipline-review", "h-a") in kinds
    assert ("urge", "a") in kinds
    good = scenario({"u": "xxoo"}).evaluate(YEAR)
    assert ("commendation", "h-u") in {(r.kind, r.subject) for r in good.recommendations}
