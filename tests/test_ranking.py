"""Ranks in peer groups (rule R3), band counts, computed results and official ones.

"Top 5 of the province" must mean the same thing to the library as to the province:
ranks are consistent with the scores, equal scores share a rank by a documented
policy, and a rank never depends on the order units were listed in. Results typed in
from a published decision always win over computed ones, and say so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.indices import SelfAssessment, UnitScorecard, compute_index, default_criteria
from cchc_tasks.params import BandThresholds
from cchc_tasks.ranking import (
    band_counts,
    is_computed,
    merge_official,
    rank_units,
    to_results,
)
from cchc_tasks.ratings import Band
from cchc_tasks.surveys import SurveyResponse, compute_sipas

ON = dt.date(2026, 1, 15)


def ranks(result: dict[str, Any]) -> dict[str, int]:
    return {unit: r.rank for unit, r in result.items()}


# --- rank_units ---------------------------------------------------------------------------


def test_shared_ties_are_competition_ranks() -> None:
    result = rank_units({"a": 90.0, "b": 85.0, "c": 85.0, "d": 70.0})
    assert ranks(result) == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert {r.of for r in result.values()} == {4}
    assert list(result) == ["a", "b", "c", "d"]


def test_dense_ties() -> None:
    result = rank_units({"a": 90.0, "b": 85.0, "c": 85.0, "d": 70.0}, ties="dense")
    assert ranks(result) == {"a": 1, "b": 2, "c": 2, "d": 3}


def test_secondary_key_breaks_ties_and_equal_pairs_still_share() -> None:
    scores = {"a": 90.0, "b": 85.0, "c": 85.0, "d": 85.0}
    secondary = {"a": 0.0, "b": 70.0, "c": 80.0, "d": 70.0}
    assert ranks(rank_units(scores, secondary=secondary)) == {"a": 1, "c": 2, "b": 3, "d": 3}


def test_groups_are_ranked_separately() -> None:
    scores = {"p1": 91.0, "p2": 88.0, "x1": 80.0, "x2": 95.0, "x3": 80.0}
    group_of = {"p1": "ward", "p2": "ward", "x1": "commune", "x2": "commune", "x3": "commune"}
    result = rank_units(scores, group_of)
    assert ranks(result) == {"x2": 1, "x1": 2, "x3": 2, "p1": 1, "p2": 2}
    assert result["x1"].of == 3 and result["p1"].of == 2
    assert result["x1"].group == "commune"


def test_precision_and_lower_is_better() -> None:
    scores = {"a": 85.004, "b": 84.996, "c": 80.0}
    assert ranks(rank_units(scores)) == {"a": 1, "b": 2, "c": 3}
    assert ranks(rank_units(scores, precision=2)) == {"a": 1, "b": 1, "c": 3}
    assert ranks(rank_units(scores, higher_is_better=False)) == {"c": 1, "b": 2, "a": 3}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scores": {"a": float("nan")}}, "scores['a']"),
        ({"scores": {"a": True}}, "scores['a']"),
        ({"scores": {"a": 1.0}, "group_of": {}}, "group_of['a']"),
        ({"scores": {"a": 1.0}, "ties": "olympic"}, "rank_units.ties"),
        ({"scores": {"a": 1.0}, "secondary": {}}, "secondary['a']"),
        ({"scores": {"a": 1.0}, "precision": 1.5}, "rank_units.precision"),
    ],
)
def test_bad_rank_input_is_named(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ct.ValidationError) as info:
        rank_units(**kwargs)
    assert info.value.field == field


units = st.lists(st.sampled_from([f"u{i}" for i in range(30)]), unique=True, min_size=1)


@st.composite
def scored_units(draw: st.DrawFn) -> tuple[dict[str, float], dict[str, str]]:
    names = draw(units)
    # Few distinct values, so ties are common.
    scores = {u: float(draw(st.integers(0, 6)) * 10) for u in names}
    groups = {u: draw(st.sampled_from(["commune", "ward"])) for u in names}
    return scores, groups


@given(scored_units())
def test_ranks_are_consistent_with_scores_and_ties(case: Any) -> None:
    scores, groups = case
    shared = rank_units(scores, groups)
    dense = rank_units(scores, groups, ties="dense")
    assert set(shared) == set(scores)
    for unit, r in shared.items():
        peers = [u for u in scores if groups[u] == groups[unit]]
        better = [u for u in peers if scores[u] > scores[unit]]
        assert r.of == len(peers)
        assert r.rank == 1 + len(better)
        assert dense[unit].rank == 1 + len({scores[u] for u in better})
        assert 1 <= dense[unit].rank <= r.rank <= r.of
        for other in peers:
            if scores[other] == scores[unit]:
                assert shared[other].rank == r.rank
            elif scores[other] > scores[unit]:
                assert shared[other].rank < r.rank


@given(st.lists(st.integers(0, 10**6), unique=True, min_size=1, max_size=40))
def test_distinct_scores_give_a_permutation(values: list[int]) -> None:
    scores = {f"u{i}": float(v) for i, v in enumerate(values)}
    result = rank_units(scores)
    assert sorted(r.rank for r in result.values()) == list(range(1, len(values) + 1))


@given(scored_units(), st.randoms(use_true_random=False))
def test_input_order_does_not_matter(case: Any, rng: Any) -> None:
    scores, groups = case
    items = list(scores.items())
    rng.shuffle(items)
    assert rank_units(dict(items), groups) == rank_units(scores, groups)


def test_band_counts_per_group() -> None:
    """Khánh Hòa 2020 published counts per band (Tốt / Khá / Trung bình / Yếu)."""
    scores = {"a": 91.0, "b": 85.0, "c": 75.0, "d": 40.0, "e": 82.0}
    group_of = {"a": "huyện", "b": "huyện", "c": "huyện", "d": "huyện", "e": "sở"}
    counts = band_counts(scores, BandThresholds(excellent=90).band, group_of)
    assert counts == {
        "huyện": {Band.EXCELLENT: 1, Band.GOOD: 1, Band.FAIR: 1, Band.WEAK: 1},
        "sở": {Band.GOOD: 1},
    }
    assert list(counts["huyện"]) == [Band.EXCELLENT, Band.GOOD, Band.FAIR, Band.WEAK]
    groups_a_b = band_counts(scores, lambda v: "A" if v >= 90 else "B")
    assert groups_a_b == {None: {"A": 1, "B": 4}}
    assert list(groups_a_b[None]) == ["A", "B"]


# --- to_results ---------------------------------------------------------------------------


def index_of(unit: str, points: float) -> Any:
    tree = default_criteria()
    entries, left = [], points
    for leaf in tree.leaves():
        take = min(leaf.max_points, left)
        entries.append(SelfAssessment(leaf.id, take))
        left -= take
    return compute_index(tree, UnitScorecard(unit, 2025, entries, survey_points=25))


def test_indices_become_ranked_computed_results() -> None:
    values = {"tan-hong": index_of("tan-hong", 60), "an-phuoc": index_of("an-phuoc", 65)}
    results = to_results(values, indicator="PAR_INDEX", year=2025, computed_on=ON)
    assert [(r.unit, r.value, r.rank, r.of) for r in results] == [
        ("an-phuoc", 90.0, 1, 2),
        ("tan-hong", 85.0, 2, 2),
    ]
    for r in results:
        assert isinstance(r, ct.Result)
        assert r.indicator is ct.Indicator.PAR_INDEX
        assert r.source.startswith("computed on 2026-01-15 from Bộ chỉ số CCHC mặc định")
        assert is_computed(r)


def test_plain_numbers_and_a_basis() -> None:
    results = to_results(
        {"a": 71.5, "b": None, "c": 71.5},
        indicator="DTI_HUYEN",
        year=2024,
        computed_on=ON,
        basis="bảng DTI cấp huyện",
    )
    assert [(r.unit, r.rank, r.of) for r in results] == [("a", 1, 2), ("c", 1, 2)]
    assert results[0].source == "computed on 2026-01-15 from bảng DTI cấp huyện"


def test_unreliable_sipas_is_left_out_unless_asked() -> None:
    def answers(unit: str, n: int) -> list[SurveyResponse]:
        return [
            SurveyResponse(f"{unit}-{i}", "citizen", unit, "", dt.date(2025, 5, 1), {"access": 5})
            for i in range(n)
        ]

    from cchc_tasks.surveys import SipasParams, SurveyFactor

    params = SipasParams(factors=(SurveyFactor("access", "Tiếp cận dịch vụ"),))
    values = {
        "tan-hong": compute_sipas(answers("tan-hong", 40), params),
        "an-phuoc": compute_sipas(answers("an-phuoc", 8), params),
    }
    kept = to_results(values, indicator="SIPAS", year=2025, computed_on=ON)
    assert [(r.unit, r.rank, r.of) for r in kept] == [("tan-hong", 1, 1)]
    assert "40 survey responses" in kept[0].source
    both = to_results(values, indicator="SIPAS", year=2025, computed_on=ON, include_unreliable=True)
    assert [r.unit for r in both] == ["an-phuoc", "tan-hong"]
    assert "not reliable: 8 valid answers, fewer than 30" in both[0].source


def test_to_results_checks_what_it_is_given() -> None:
    with pytest.raises(ct.ValidationError, match=r"values\['an-phuoc'\]"):
        to_results(
            {"an-phuoc": index_of("tan-hong", 60)}, indicator="PAR_INDEX", year=2025, computed_on=ON
        )
    with pytest.raises(ct.ValidationError, match=r"values\['a'\]"):
        to_results({"a": "85"}, indicator="X", year=2025, computed_on=ON)  # type: ignore[dict-item]
    with pytest.raises(ct.ValidationError, match="to_results.year"):
        to_results({"a": 1.0}, indicator="X", year=25, computed_on=ON)
    with pytest.raises(ct.ValidationError, match="to_results.computed_on"):
        to_results({"a": 1.0}, indicator="X", year=2025, computed_on="today")  # type: ignore[arg-type]


# --- merge_official -----------------------------------------------------------------------


def test_official_results_win_and_say_why() -> None:
    computed = to_results(
        {"tan-hong": 85.0, "an-phuoc": 90.0, "tan-thanh": 70.0},
        indicator="PAR_INDEX",
        year=2025,
        computed_on=ON,
    )
    official = [
        ct.Result("PAR_INDEX", "tan-hong", 2025, 86.1, 2, 3, "QĐ 123/QĐ-UBND"),
        ct.Result("PAR_INDEX", "an-phuoc", 2025, 90.0, 1, 3, "QĐ 123/QĐ-UBND"),
        ct.Result("PAR_INDEX", "tan-ho-co", 2025, 75.0, None, None, ""),
    ]
    merged = {m.result.unit: m for m in merge_official(computed, official)}
    assert merged["tan-hong"].used == "official"
    assert merged["tan-hong"].result is official[0]
    assert merged["tan-hong"].computed is not None
    assert merged["tan-hong"].reason == (
        "official result typed in (QĐ 123/QĐ-UBND) takes priority over the computed one; "
        "computed value 85 (official 86.1)"
    )
    assert merged["an-phuoc"].reason.endswith("the computed one agrees")
    assert merged["tan-ho-co"].used == "official"
    assert merged["tan-ho-co"].reason == "official result typed in; nothing computed"
    assert merged["tan-thanh"].used == "computed"
    assert merged["tan-thanh"].official is None
    assert merged["tan-thanh"].reason == "no official result; computed value used"


def test_merge_rejects_duplicates_and_computed_results_posing_as_official() -> None:
    computed = to_results({"a": 1.0}, indicator="X", year=2025, computed_on=ON)
    with pytest.raises(ct.ValidationError, match="merge_official.official"):
        merge_official([], computed)
    with pytest.raises(ct.ValidationError, match="one result per indicator"):
        merge_official([*computed, *computed], [])


def test_is_computed() -> None:
    assert is_computed(ct.Result("X", "a", 2025, 1.0, source="Computed on 2026-01-01"))
    assert not is_computed(ct.Result("X", "a", 2025, 1.0, source="QĐ 12/QĐ-UBND"))
