"""The target algebra: what each rule kind means, exactly.

A rule judges one unit's indicator in one year (:class:`ct.IndicatorFacts`) and returns
a :class:`ct.Judgement`: PASS, FAIL, NOT_MEASURED (the data it needs is missing) or
NOT_APPLICABLE (not in force that year), with one sentence saying why.

* ``growth(a, "relative")`` passes when (value / previous − 1) × 100 ≥ a;
  ``growth(a, "points")`` when value − previous ≥ a. The numbers are taken as written
  (decimals), so growth of exactly ``a`` passes. No previous value: NOT_MEASURED.
* ``rank_within(n)``: rank ≤ n. ``above(x)``: value > x. ``at_least(x)``: value ≥ x.
  Missing rank or value: NOT_MEASURED.
* ``any_of``: PASS if any part passes, else NOT_MEASURED if any part is, else FAIL.
  ``all_of``: FAIL if any part fails, else NOT_MEASURED if any part is, else PASS.
  NOT_APPLICABLE parts are ignored; if every part is, so is the whole.
* ``milestones({2025: a, 2030: b})``: year Y is judged by the rule of the latest
  milestone ≤ Y; before the first milestone, NOT_APPLICABLE.
"""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks import targets, testing
from cchc_tasks.i18n import Message, render
from cchc_tasks.targets import (
    Above,
    AllOf,
    AnyOf,
    AtLeast,
    Milestones,
    RankWithin,
    indicator_name,
)

from .helpers import english_in

PASS, FAIL = ct.Outcome.PASS, ct.Outcome.FAIL
NOT_MEASURED, NOT_APPLICABLE = ct.Outcome.NOT_MEASURED, ct.Outcome.NOT_APPLICABLE
OUTCOMES = list(ct.Outcome)


def facts(
    value: float | None = None,
    previous: float | None = None,
    rank: int | None = None,
    *,
    year: int = 2025,
    indicator: str = ct.Indicator.PAR_INDEX,
) -> ct.IndicatorFacts:
    return ct.IndicatorFacts(indicator, year, value=value, rank=rank, previous=previous)


def outcome(rule: ct.Rule, f: ct.IndicatorFacts) -> ct.Outcome:
    return rule.judge(f).outcome


# --- independent oracles ---------------------------------------------------------------


def as_written(x: float) -> Fraction:
    """The decimal a number prints as: what the official typed into the spreadsheet."""
    return Fraction(Decimal(repr(x)))


def growth_oracle(
    value: float | None, previous: float | None, amount: float, mode: str
) -> ct.Outcome:
    if value is None or previous is None:
        return NOT_MEASURED
    v, p, a = as_written(value), as_written(previous), as_written(amount)
    if mode == "points":
        return PASS if v - p >= a else FAIL
    if p == 0:
        return NOT_MEASURED  # growth from zero has no percentage
    # (v / p - 1) * 100 >= a, multiplied out by p (which flips the sign if p < 0)
    lhs, rhs = 100 * (v - p), a * p
    return PASS if (lhs >= rhs if p > 0 else lhs <= rhs) else FAIL


#: Precedence of outcomes when parts combine: the highest present wins.
ANY_OF_PRECEDENCE = [NOT_APPLICABLE, FAIL, NOT_MEASURED, PASS]
ALL_OF_PRECEDENCE = [NOT_APPLICABLE, PASS, NOT_MEASURED, FAIL]


def combined(outcomes: tuple[ct.Outcome, ...], precedence: list[ct.Outcome]) -> ct.Outcome:
    return max(outcomes, key=precedence.index)


# --- a rule that always gives the same outcome -----------------------------------------


@attrs.frozen
class Fixed(ct.Rule):
    """A stub rule kind: always ``result``, whatever the facts."""

    kind: ClassVar[str] = "test-fixed"
    result: ct.Outcome

    def describe(self) -> str:
        return f"always {self.result.value}"

    def judge(self, facts: ct.IndicatorFacts) -> ct.Judgement:
        return ct.Judgement(self.result, f"{facts.describe()}: {self.describe()}")


# --- growth ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "previous", "amount", "mode", "expected"),
    [
        (84, 80, 5, "relative", PASS),  # exactly +5 %
        (65.1, 62, 5, "relative", PASS),  # exactly +5 %; 4.99999…% in binary floats
        (65.09, 62, 5, "relative", FAIL),
        (90, 80, 5, "relative", PASS),
        (80, 80, 0, "relative", PASS),
        (79, 80, 0, "relative", FAIL),
        (79, 80, -1.25, "relative", PASS),  # a fall of at most 1.25 % allowed
        (84, 0, 5, "relative", NOT_MEASURED),  # no percentage of zero
        (84, None, 5, "relative", NOT_MEASURED),
        (None, 80, 5, "relative", NOT_MEASURED),
        (47.35, 42.35, 5, "points", PASS),  # PAPI up exactly 5 points
        (35.37, 30.37, 5, "points", PASS),  # 4.99999… in binary floats
        (0.3, 0.1, 0.2, "points", PASS),
        (35.36, 30.37, 5, "points", FAIL),
        (30, 0, 5, "points", PASS),  # points need no non-zero base
        (25, 30, -5, "points", PASS),
        (24.99, 30, -5, "points", FAIL),
        (42, None, 5, "points", NOT_MEASURED),
        (None, 42, 5, "points", NOT_MEASURED),
    ],
)
def test_growth_truth_table(
    value: float | None,
    previous: float | None,
    amount: float,
    mode: str,
    expected: ct.Outcome,
) -> None:
    assert outcome(ct.growth(amount, mode), facts(value, previous)) is expected
    assert growth_oracle(value, previous, amount, mode) is expected


def test_growth_is_relative_by_default() -> None:
    assert ct.growth(5) == ct.growth(5, "relative")


two_decimals = st.integers(-(10**6), 10**6).map(lambda cents: cents / 100)
numbers = st.one_of(
    two_decimals,
    st.integers(-1000, 1000),
    st.floats(allow_nan=False, allow_infinity=False),
)


@given(
    value=st.none() | numbers,
    previous=st.none() | numbers,
    amount=numbers,
    mode=st.sampled_from(["relative", "points"]),
)
def test_growth_agrees_with_the_oracle(
    value: float | None, previous: float | None, amount: float, mode: str
) -> None:
    rule = ct.growth(amount, mode)
    assert outcome(rule, facts(value, previous)) is growth_oracle(value, previous, amount, mode)


@given(
    previous_cents=st.integers(1, 10**6),
    amount=st.integers(-99, 200),
    mode=st.sampled_from(["relative", "points"]),
)
def test_growth_of_exactly_the_amount_passes_and_a_hair_less_fails(
    previous_cents: int, amount: int, mode: str
) -> None:
    """The boundary: a value that reaches the amount exactly passes; 0.0001 less fails."""
    previous = Decimal(previous_cents) / 100
    boundary = previous + amount if mode == "points" else previous * (100 + amount) / 100
    rule = ct.growth(amount, mode)
    assert outcome(rule, facts(float(boundary), float(previous))) is PASS
    below = boundary - Decimal("0.0001")
    assert outcome(rule, facts(float(below), float(previous))) is FAIL


# --- rank and thresholds ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rank", "n", "expected"),
    [(1, 5, PASS), (5, 5, PASS), (6, 5, FAIL), (3, 3, PASS), (4, 3, FAIL), (None, 5, NOT_MEASURED)],
)
def test_rank_within_truth_table(rank: int | None, n: int, expected: ct.Outcome) -> None:
    assert outcome(ct.rank_within(n), facts(rank=rank, value=90)) is expected


@given(rank=st.none() | st.integers(1, 200), n=st.integers(1, 200))
def test_rank_within_is_rank_at_most_n(rank: int | None, n: int) -> None:
    expected = NOT_MEASURED if rank is None else (PASS if rank <= n else FAIL)
    assert outcome(ct.rank_within(n), facts(rank=rank)) is expected


@pytest.mark.parametrize(
    ("value", "x", "above", "at_least"),
    [
        (90.01, 90, PASS, PASS),
        (90, 90, FAIL, PASS),  # "trên 90%" is strict
        (90.0, 90, FAIL, PASS),
        (89.99, 90, FAIL, FAIL),
        (-1, 0, FAIL, FAIL),
        (0, 0, FAIL, PASS),
        (None, 90, NOT_MEASURED, NOT_MEASURED),
    ],
)
def test_threshold_truth_table(
    value: float | None, x: float, above: ct.Outcome, at_least: ct.Outcome
) -> None:
    assert outcome(ct.above(x), facts(value, rank=1)) is above
    assert outcome(ct.at_least(x), facts(value, rank=1)) is at_least


@given(value=st.none() | numbers, x=numbers)
def test_thresholds_compare_value_with_x(value: float | None, x: float) -> None:
    if value is None:
        expected_above = expected_at_least = NOT_MEASURED
    else:
        expected_above = PASS if as_written(value) > as_written(x) else FAIL
        expected_at_least = PASS if as_written(value) >= as_written(x) else FAIL
    assert outcome(ct.above(x), facts(value)) is expected_above
    assert outcome(ct.at_least(x), facts(value)) is expected_at_least


@given(x=numbers)
def test_a_value_exactly_at_the_threshold(x: float) -> None:
    assert outcome(ct.above(x), facts(x)) is FAIL
    assert outcome(ct.at_least(x), facts(x)) is PASS


# --- any_of and all_of, over every combination of outcomes ------------------------------

COMBINATIONS = [parts for size in (1, 2, 3) for parts in itertools.product(OUTCOMES, repeat=size)]


@pytest.mark.parametrize("parts", COMBINATIONS, ids=lambda p: "+".join(o.name for o in p))
def test_any_of_and_all_of_combine_every_combination_of_outcomes(
    parts: tuple[ct.Outcome, ...],
) -> None:
    rules = [Fixed(p) for p in parts]
    f = facts(84, 80, 3)
    assert outcome(ct.any_of(*rules), f) is combined(parts, ANY_OF_PRECEDENCE)
    assert outcome(ct.all_of(*rules), f) is combined(parts, ALL_OF_PRECEDENCE)


def test_the_oracle_says_what_the_plan_says() -> None:
    """Spot checks of the precedence oracle against the sentences of the contract."""
    assert combined((FAIL, PASS), ANY_OF_PRECEDENCE) is PASS
    assert combined((FAIL, NOT_MEASURED), ANY_OF_PRECEDENCE) is NOT_MEASURED
    assert combined((FAIL, NOT_APPLICABLE), ANY_OF_PRECEDENCE) is FAIL
    assert combined((PASS, NOT_MEASURED), ALL_OF_PRECEDENCE) is NOT_MEASURED
    assert combined((PASS, FAIL, NOT_MEASURED), ALL_OF_PRECEDENCE) is FAIL
    assert combined((NOT_APPLICABLE, NOT_APPLICABLE), ALL_OF_PRECEDENCE) is NOT_APPLICABLE


@pytest.mark.parametrize(
    ("value", "previous", "rank", "expected"),
    [
        (84, 80, 7, PASS),  # +5 %, rank 7
        (81, 80, 4, PASS),  # +1.25 %, but top 5
        (81, 80, 7, FAIL),
        (81, None, 7, NOT_MEASURED),  # no previous year, and not top 5
        (81, None, 2, PASS),  # no previous year, but top 5
        (None, None, None, NOT_MEASURED),
    ],
)
def test_par_index_target_of_the_seed_plan(
    value: float | None, previous: float | None, rank: int | None, expected: ct.Outcome
) -> None:
    """PAR INDEX up 5 % on the year before, or top 5 of the province."""
    rule = ct.any_of(ct.growth(5, "relative"), ct.rank_within(5))
    assert outcome(rule, facts(value, previous, rank)) is expected


def test_composites_nest() -> None:
    rule = ct.all_of(ct.above(90), ct.any_of(ct.rank_within(3), ct.growth(2, "points")))
    assert outcome(rule, facts(92, 89, rank=5)) is PASS
    assert outcome(rule, facts(92, 91, rank=5)) is FAIL
    assert outcome(rule, facts(92, None, rank=5)) is NOT_MEASURED
    assert outcome(rule, facts(89, None, rank=5)) is FAIL


# --- milestones ------------------------------------------------------------------------

DTI = ct.milestones({2025: ct.rank_within(5), 2030: ct.rank_within(3)})


@pytest.mark.parametrize(
    ("year", "rank", "expected"),
    [
        (2021, 1, NOT_APPLICABLE),
        (2024, 9, NOT_APPLICABLE),
        (2025, 5, PASS),
        (2025, 6, FAIL),
        (2029, 4, PASS),
        (2030, 4, FAIL),
        (2030, 3, PASS),
        (2035, 3, PASS),  # the last milestone stays in force
        (2030, None, NOT_MEASURED),
    ],
)
def test_dti_milestones_of_the_seed_plan(year: int, rank: int | None, expected: ct.Outcome) -> None:
    """DTI top 5 by 2025 and top 3 by 2030."""
    assert outcome(DTI, facts(rank=rank, year=year, indicator=ct.Indicator.DTI)) is expected


def test_milestones_accept_pairs_in_any_order() -> None:
    assert ct.milestones([(2030, ct.rank_within(3)), (2025, ct.rank_within(5))]) == DTI
    assert DTI.rule_for(2027) == (2025, ct.rank_within(5))
    assert DTI.rule_for(2024) is None


@given(
    schedule=st.dictionaries(
        st.integers(2020, 2035), st.sampled_from(OUTCOMES), min_size=1, max_size=5
    ),
    year=st.integers(2015, 2040),
)
def test_milestones_judge_by_the_latest_milestone_not_after_the_year(
    schedule: dict[int, ct.Outcome], year: int
) -> None:
    rule = ct.milestones({y: Fixed(o) for y, o in schedule.items()})
    in_force = [y for y in schedule if y <= year]
    expected = schedule[max(in_force)] if in_force else NOT_APPLICABLE
    assert outcome(rule, facts(year=year)) is expected


def test_a_target_not_yet_in_force_is_ignored_by_any_of() -> None:
    rule = ct.any_of(DTI, ct.at_least(60))
    assert outcome(rule, facts(55, year=2023)) is FAIL
    assert outcome(ct.all_of(DTI), facts(55, year=2023)) is NOT_APPLICABLE


# --- reasons ---------------------------------------------------------------------------


@given(
    rule=testing.rules(),
    f=testing.indicator_facts(indicator=None),
    indicator=testing.indicators(),
)
def test_every_reason_is_a_sentence_naming_the_indicator_and_the_year(
    rule: ct.Rule, f: ct.IndicatorFacts, indicator: str
) -> None:
    f = attrs.evolve(f, indicator=indicator)
    judgement = rule.judge(f)
    assert isinstance(judgement.outcome, ct.Outcome)
    for lang in ("vi", "en"):
        text = render(judgement.reason, lang)
        assert text.strip()
        assert indicator_name(indicator) in text
        assert str(f.year) in text


def test_reasons_read_like_the_decision() -> None:
    judgement = ct.any_of(ct.growth(5), ct.rank_within(5)).judge(facts(84, 80, 7))
    assert str(judgement.reason) == (
        "PAR INDEX 2025: value 84, rank 7, previous year 80; "
        "change +5.00%: growth ≥ 5% on the previous year PASS; rank 7: rank ≤ 5 FAIL → any_of "
        "PASS"
    )
    assert render(judgement.reason, "vi") == (
        "PAR INDEX năm 2025: giá trị 84, xếp hạng 7, năm trước 80; "
        "thay đổi +5,00%: đạt mục tiêu tăng ≥ 5% so với năm trước; "
        "xếp hạng 7: không đạt mục tiêu thuộc tốp 5 "
        "→ kết quả chung (chỉ cần đạt một điều kiện): đạt"
    )
    before = DTI.judge(facts(year=2024)).reason
    assert "before the first milestone (2025)" in str(before)
    assert render(before, "vi") == "PAR INDEX năm 2024: chưa đến mốc đầu tiên (năm 2025)"


#: Each rule kind, passing and failing, in Vietnamese: the facts, the figure the rule
#: looked at, and "đạt"/"không đạt" with what the rule asks.
VERDICTS_VI = [
    (
        ct.growth(5),
        facts(84.5, 80),
        PASS,
        "PAR INDEX năm 2025: giá trị 84,5, năm trước 80; "
        "thay đổi +5,62%: đạt mục tiêu tăng ≥ 5% so với năm trước",
    ),
    (
        ct.growth(5),
        facts(83, 80),
        FAIL,
        "PAR INDEX năm 2025: giá trị 83, năm trước 80; "
        "thay đổi +3,75%: không đạt mục tiêu tăng ≥ 5% so với năm trước",
    ),
    (
        ct.growth(2.5, "points"),
        facts(47.35, 44.35, indicator=ct.Indicator.PAPI),
        PASS,
        "PAPI năm 2025: giá trị 47,35, năm trước 44,35; "
        "thay đổi +3,00 điểm: đạt mục tiêu tăng ≥ 2,5 điểm so với năm trước",
    ),
    (
        ct.growth(2.5, "points"),
        facts(45, 44.35, indicator=ct.Indicator.PAPI),
        FAIL,
        "PAPI năm 2025: giá trị 45, năm trước 44,35; "
        "thay đổi +0,65 điểm: không đạt mục tiêu tăng ≥ 2,5 điểm so với năm trước",
    ),
    (
        ct.growth(5),
        facts(84.5),
        NOT_MEASURED,
        "PAR INDEX năm 2025: giá trị 84,5; "
        "chưa có giá trị năm trước để đánh giá mục tiêu tăng ≥ 5% so với năm trước",
    ),
    (
        ct.rank_within(5),
        facts(rank=3),
        PASS,
        "PAR INDEX năm 2025: xếp hạng 3; xếp hạng 3: đạt mục tiêu thuộc tốp 5",
    ),
    (
        ct.rank_within(5),
        facts(rank=7),
        FAIL,
        "PAR INDEX năm 2025: xếp hạng 7; xếp hạng 7: không đạt mục tiêu thuộc tốp 5",
    ),
    (
        ct.above(90),
        facts(91.2, indicator=ct.Indicator.SIPAS),
        PASS,
        "SIPAS năm 2025: giá trị 91,2; giá trị 91,2: đạt mục tiêu giá trị > 90",
    ),
    (
        ct.above(90),
        facts(90, indicator=ct.Indicator.SIPAS),
        FAIL,
        "SIPAS năm 2025: giá trị 90; giá trị 90: không đạt mục tiêu giá trị > 90",
    ),
    (
        ct.at_least(80.5),
        facts(80.5),
        PASS,
        "PAR INDEX năm 2025: giá trị 80,5; giá trị 80,5: đạt mục tiêu giá trị ≥ 80,5",
    ),
    (
        ct.at_least(80.5),
        facts(80.25),
        FAIL,
        "PAR INDEX năm 2025: giá trị 80,25; giá trị 80,25: không đạt mục tiêu giá trị ≥ 80,5",
    ),
    (
        ct.all_of(ct.above(80), ct.rank_within(5)),
        facts(84, rank=3),
        PASS,
        "PAR INDEX năm 2025: giá trị 84, xếp hạng 3; giá trị 84: đạt mục tiêu giá trị > 80; "
        "xếp hạng 3: đạt mục tiêu thuộc tốp 5 → kết quả chung (phải đạt tất cả điều kiện): đạt",
    ),
    (
        ct.all_of(ct.above(80), ct.rank_within(5)),
        facts(84),
        NOT_MEASURED,
        "PAR INDEX năm 2025: giá trị 84; giá trị 84: đạt mục tiêu giá trị > 80; "
        "chưa có thứ hạng để đánh giá mục tiêu thuộc tốp 5 "
        "→ kết quả chung (phải đạt tất cả điều kiện): chưa có số liệu",
    ),
    (
        ct.any_of(ct.above(90), ct.rank_within(2)),
        facts(84, rank=3),
        FAIL,
        "PAR INDEX năm 2025: giá trị 84, xếp hạng 3; giá trị 84: không đạt mục tiêu giá trị > 90; "
        "xếp hạng 3: không đạt mục tiêu thuộc tốp 2 "
        "→ kết quả chung (chỉ cần đạt một điều kiện): không đạt",
    ),
    (
        DTI,
        facts(rank=4, year=2026, indicator=ct.Indicator.DTI),
        PASS,
        "DTI năm 2026: xếp hạng 4; xếp hạng 4: đạt mục tiêu thuộc tốp 5 (mốc năm 2025)",
    ),
    (
        DTI,
        facts(rank=4, year=2031, indicator=ct.Indicator.DTI),
        FAIL,
        "DTI năm 2031: xếp hạng 4; xếp hạng 4: không đạt mục tiêu thuộc tốp 3 (mốc năm 2030)",
    ),
]


@pytest.mark.parametrize(("rule", "f", "expected", "vi"), VERDICTS_VI)
def test_each_rule_kind_gives_its_verdict_in_vietnamese(
    rule: ct.Rule, f: ct.IndicatorFacts, expected: ct.Outcome, vi: str
) -> None:
    judgement = rule.judge(f)
    assert judgement.outcome is expected
    assert render(judgement.reason, "vi") == vi
    english = str(judgement.reason)
    assert english.startswith(f"{indicator_name(f.indicator)} {f.year}: ")
    assert (expected.value in english) or "to judge" in english


def test_rules_describe_themselves_in_both_languages() -> None:
    rule = ct.any_of(ct.milestones({2025: ct.rank_within(5)}), ct.growth(1.5, "points"))
    assert (
        str(rule)
        == str(rule.describe())
        == ("(milestones {2025: rank ≤ 5} or growth ≥ 1.5 points on the previous year)")
    )
    assert render(rule.describe(), "vi") == (
        "(theo lộ trình (từ năm 2025: thuộc tốp 5) hoặc tăng ≥ 1,5 điểm so với năm trước)"
    )


@given(rule=testing.rules(), f=testing.indicator_facts())
def test_every_rule_kinds_judgement_renders_in_both_languages(
    rule: ct.Rule, f: ct.IndicatorFacts
) -> None:
    judgement = rule.judge(f)
    assert isinstance(judgement.reason, Message) and isinstance(rule.describe(), Message)
    vi, en = render(judgement.reason, "vi"), render(judgement.reason, "en")
    assert vi and en and vi != en
    assert english_in(vi) == [], vi
    assert english_in(render(rule.describe(), "vi")) == []
    assert str(judgement.reason) == en


# --- the ratchet: tightened() -----------------------------------------------------------


def test_a_better_rank_tightens_rank_within() -> None:
    assert RankWithin(5).tightened(ct.Levels(rank=2)) == RankWithin(2)
    assert RankWithin(5).tightened(ct.Levels(rank=5)) == RankWithin(5)
    assert RankWithin(2).tightened(ct.Levels(rank=4)) == RankWithin(2)  # never loosens
    assert RankWithin(5).tightened(ct.Levels()) == RankWithin(5)


def test_a_better_value_turns_a_threshold_into_at_least_that_value() -> None:
    assert Above(90).tightened(ct.Levels(value=93)) == AtLeast(93)
    assert Above(90).tightened(ct.Levels(value=90)) == Above(90)
    assert Above(90).tightened(ct.Levels(value=85)) == Above(90)
    assert AtLeast(90).tightened(ct.Levels(value=95.5)) == AtLeast(95.5)
    assert AtLeast(90).tightened(ct.Levels(rank=1)) == AtLeast(90)


def test_growth_is_not_tightened() -> None:
    assert ct.growth(5).tightened(ct.Levels(rank=1, value=99)) == ct.growth(5)


def test_composites_tighten_their_parts() -> None:
    best = ct.Levels(rank=2, value=93)
    assert ct.any_of(ct.growth(5), ct.rank_within(5)).tightened(best) == ct.any_of(
        ct.growth(5), ct.rank_within(2)
    )
    assert ct.all_of(ct.above(90), ct.rank_within(3)).tightened(best) == ct.all_of(
        ct.at_least(93), ct.rank_within(2)
    )
    assert DTI.tightened(best) == ct.milestones({2025: ct.rank_within(2), 2030: ct.rank_within(2)})
    assert DTI.tightened(ct.Levels(rank=4)) == ct.milestones(
        {2025: ct.rank_within(4), 2030: ct.rank_within(3)}
    )


def test_passing_records_the_levels_reached() -> None:
    """A passing rank or threshold rule reports what it reached; failing reports nothing."""
    assert ct.rank_within(5).judge(facts(rank=3)).achieved == ct.Levels(rank=3)
    assert ct.rank_within(5).judge(facts(rank=6)).achieved == ct.Levels()
    assert ct.above(90).judge(facts(93)).achieved == ct.Levels(value=93)
    both = ct.any_of(ct.above(90), ct.rank_within(5)).judge(facts(93, rank=3))
    assert both.achieved == ct.Levels(rank=3, value=93)


def test_levels_merge_keeps_the_best() -> None:
    merged = ct.Levels(rank=4, value=91).merge(ct.Levels(rank=2, value=90))
    assert merged == ct.Levels(rank=2, value=91)
    assert ct.Levels().merge(ct.Levels(value=1)) == ct.Levels(value=1)


@given(rule=testing.rules())
def test_no_levels_change_nothing(rule: ct.Rule) -> None:
    assert rule.tightened(ct.Levels()) == rule


@given(
    rule=testing.rules(),
    best=st.builds(ct.Levels, st.none() | st.integers(1, 60), st.none() | numbers),
    f=testing.indicator_facts(),
)
def test_a_tightened_rule_is_never_easier(
    rule: ct.Rule, best: ct.Levels, f: ct.IndicatorFacts
) -> None:
    """Whatever passes the tightened rule passes the original one."""
    if outcome(rule.tightened(best), f) is PASS:
        assert outcome(rule, f) is PASS


# --- storing rules ---------------------------------------------------------------------


@given(rule=testing.rules())
def test_decode_rule_inverts_to_dict(rule: ct.Rule) -> None:
    assert targets.decode_rule(rule.to_dict()) == rule
    through_json = json.loads(json.dumps(rule.to_dict(), allow_nan=False))
    assert targets.decode_rule(through_json) == rule
    assert str(rule) == str(rule.describe()) != ""


def test_to_dict_names_the_kind() -> None:
    assert ct.above(90).to_dict() == {"kind": "above", "x": 90}
    assert DTI.to_dict() == {
        "kind": "milestones",
        "schedule": [
            [2025, {"kind": "rank_within", "n": 5}],
            [2030, {"kind": "rank_within", "n": 3}],
        ],
    }


def test_decode_rule_passes_rules_through() -> None:
    rule = ct.rank_within(5)
    assert targets.decode_rule(rule) is rule


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, type[ct.Rule]]:
    """A private copy of the rule-kind registry, so tests leave the real one alone."""
    copy = dict(targets.RULE_KINDS)
    monkeypatch.setattr(targets, "RULE_KINDS", copy)
    return copy


def test_a_plugin_rule_kind_decodes_once_registered(registry: dict[str, type[ct.Rule]]) -> None:
    with pytest.raises(ct.ValidationError, match=r"^Target\.rule\.kind: "):
        targets.decode_rule({"kind": "test-fixed", "result": "PASS"})
    assert targets.register_rule_kind(Fixed) is Fixed
    assert targets.decode_rule({"kind": "test-fixed", "result": PASS}) == Fixed(PASS)
    assert targets.register_rule_kind(Fixed) is Fixed  # registering again is harmless


def test_a_taken_kind_cannot_change_meaning(registry: dict[str, type[ct.Rule]]) -> None:
    @attrs.frozen
    class OtherGrowth(ct.Rule):
        kind: ClassVar[str] = "growth"

    with pytest.raises(ct.RuleError, match="'growth' is already taken") as info:
        targets.register_rule_kind(OtherGrowth)
    assert isinstance(info.value, ct.CchcError)
    assert registry["growth"] is targets.Growth


def test_a_rule_kind_needs_a_name(registry: dict[str, type[ct.Rule]]) -> None:
    class Nameless(ct.Rule):
        pass

    with pytest.raises(ct.RuleError, match="must set a non-empty 'kind'"):
        targets.register_rule_kind(Nameless)


def test_built_in_kinds_are_registered() -> None:
    expected = {
        "growth": targets.Growth,
        "rank_within": RankWithin,
        "above": Above,
        "at_least": AtLeast,
        "any_of": AnyOf,
        "all_of": AllOf,
        "milestones": Milestones,
    }
    assert {k: v for k, v in targets.RULE_KINDS.items() if k in expected} == expected


@pytest.mark.parametrize(
    "data",
    [5, "growth", {"amount": 5}, {"kind": None}, {"kind": "top"}, {"kind": ["growth"]}],
    ids=repr,
)
def test_decode_rule_rejects_what_is_not_a_rule(data: Any) -> None:
    with pytest.raises(ct.ValidationError, match=r"^Target\.rule"):
        targets.decode_rule(data)


def test_decode_rule_rejects_unknown_parameters() -> None:
    with pytest.raises(ct.ValidationError, match=r"^Target\.rule \(growth\): "):
        targets.decode_rule({"kind": "growth", "amount": 5, "percent": True})


def test_a_target_decodes_its_rule() -> None:
    target = testing.make_target(rule={"kind": "above", "x": 90})
    assert target.rule == ct.above(90)
