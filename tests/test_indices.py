"""The PAR-style index: criteria trees as data, scorecards, and the arithmetic of rule R1.

A province's criteria table is data that officials type; a mistake in it must be named
by its path ("fields[2].criteria[0].max"), never scored against. The index itself must
behave as officials expect: always 0–100, never lower when a sub-criterion earns more,
the same whatever order the criteria are listed in, and explainable down to each
document of evidence.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import json
import re
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.i18n import render
from cchc_tasks.indices import (
    FORMULAS,
    Appraisal,
    Bonus,
    CriteriaNode,
    CriteriaTree,
    Evidence,
    IndexResult,
    NodeScore,
    Penalty,
    ScoreSource,
    SelfAssessment,
    TaskCounts,
    UnitScorecard,
    compute_index,
    default_criteria,
    load_criteria,
)
from cchc_tasks.plans import Field
from cchc_tasks.tasks import TaskOutcome


def small_tree() -> dict[str, Any]:
    """Two fields, a criterion with sub-criteria, 20 appraised points + a 10-point survey."""
    return {
        "id": "test",
        "name": "Bộ tiêu chí thử",
        "max": 30,
        "survey": {"max": 10},
        "bonus": {"max": 3},
        "penalty": {"max": 3},
        "fields": [
            {
                "id": "direction",
                "name": "Công tác chỉ đạo, điều hành",
                "max": 8,
                "criteria": [
                    {
                        "id": "1.1",
                        "name": "Kế hoạch CCHC",
                        "max": 5,
                        "sub_criteria": [
                            {"id": "1.1.1", "name": "Ban hành kịp thời", "max": 2},
                            {"id": "1.1.2", "name": "Mức độ hoàn thành", "max": 3},
                        ],
                    },
                    {"id": "1.2", "name": "Báo cáo", "max": 3},
                ],
            },
            {
                "id": "procedures",
                "name": "Cải cách TTHC",
                "criteria": [
                    {"id": "2.1", "name": "Công khai TTHC", "max": 4},
                    {"id": "2.2", "name": "Một cửa", "max": 8},
                ],
            },
        ],
    }


def card(**kwargs: Any) -> UnitScorecard:
    kwargs.setdefault("unit", "tan-hong")
    kwargs.setdefault("year", 2025)
    return UnitScorecard(**kwargs)


# --- Loading and checking criteria --------------------------------------------------------


def test_small_tree_loads() -> None:
    tree = load_criteria(small_tree())
    assert tree.max_points == 30
    assert tree.appraised_max == 20
    assert tree.survey_max == 10
    assert [f.id for f in tree.fields] == ["direction", "procedures"]
    assert tree.node("procedures").max_points == 12  # omitted max: the children's sum
    assert tree.level("1.1.1") == "sub-criterion"
    assert tree.level("1.2") == "criterion"
    assert [n.id for n in tree.leaves()] == ["1.1.1", "1.1.2", "1.2", "2.1", "2.2"]
    assert "2.2" in tree
    assert "9.9" not in tree


def test_default_tree_has_the_national_shape() -> None:
    tree = default_criteria()
    assert [f.id for f in tree.fields] == [f.value for f in Field]
    assert tree.max_points == 100
    assert tree.survey_max == 30
    assert tree.appraised_max == 70
    assert (tree.bonus_max, tree.penalty_max) == (5, 5)
    assert tree.node("1.1.2").auto == "on_time_share"
    for node in tree.iter_nodes():
        assert unicodedata.is_normalized("NFC", node.name)


def test_default_tree_is_package_data() -> None:
    """The default table ships inside the package (hatchling includes cchc_tasks/data)."""
    data = resources.files("cchc_tasks").joinpath("data", "par_default.toml")
    assert data.is_file()
    assert load_criteria(str(data)) == default_criteria()


@pytest.mark.parametrize("survey_max", [0.0, 30.0, 31.5, 36.5])
def test_default_tree_survey_share_is_a_parameter(survey_max: float) -> None:
    """31.5 of 100 for ministries under QĐ 876 [V]; 30 in Hà Nội [V]; 36.5 under QĐ 1149."""
    tree = default_criteria(survey_max=survey_max)
    assert tree.max_points == pytest.approx(100)
    assert tree.survey_max == survey_max
    assert tree.appraised_max == pytest.approx(100 - survey_max)


def test_default_tree_rejects_an_impossible_survey_share() -> None:
    with pytest.raises(ct.ValidationError, match="survey_max"):
        default_criteria(survey_max=100)


def test_nfd_names_and_ids_become_nfc() -> None:
    data = small_tree()
    data["fields"][0]["name"] = unicodedata.normalize("NFD", "Công tác chỉ đạo")
    data["fields"][1]["criteria"][0]["id"] = unicodedata.normalize("NFD", "công-khai")
    tree = load_criteria(data)
    assert tree.fields[0].name == "Công tác chỉ đạo"
    result = compute_index(
        tree, card(self_assessments=[SelfAssessment(unicodedata.normalize("NFD", "công-khai"), 4)])
    )
    assert result.node("công-khai").points == 4


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``fields[0].criteria[1].max`` (or delete the key when value is ...)."""
    target: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        name, _, index = part.partition("[")
        target = target[name]
        if index:
            target = target[int(index.rstrip("]"))]
    if value is ...:
        del target[parts[-1]]
    else:
        target[parts[-1]] = value


@pytest.mark.parametrize(
    ("path", "value", "named", "expected"),
    [
        ("fields[0].criteria[0].sub_criteria[1].max", -1, None, ">= 0"),
        ("fields[1].criteria[0].max", "4", None, ">= 0"),
        ("fields[0].criteria[1].max", float("nan"), None, ">= 0"),
        ("fields[0].max", 9, None, "sum of its criteria maxima, 8"),
        ("fields[0].criteria[0].max", 6, None, "sum of its sub_criteria maxima, 5"),
        ("fields[1].criteria[1].id", "1.2", None, "used at fields[0].criteria[1]"),
        ("fields[1].criteria[1].id", "bad id", None, "an id"),
        ("fields[0].criteria[1].name", "", None, "non-empty text"),
        ("fields[0].criteria[1].name", ..., None, "non-empty text"),
        ("fields[1].criteria[0].max", ..., None, "maximum points"),
        ("fields[0].maxx", 3, None, "one of"),
        ("fields[0].criteria[1].auto", "nonsense", None, "on_time_share"),
        ("fields[0].criteria[0].auto", "on_time_share", None, "no formula"),
        ("fields[0].criteria[0].sub_criteria[0].sub_criteria", [], None, "one of"),
        ("fields[0].criteria", "none", None, "a list of tables"),
        ("max", 99, None, "plus the survey's, 30"),
        ("survey.max", -5, None, ">= 0"),
        ("bonus.extra", 1, None, "one of"),
        ("year", "2025", None, "a year"),
        ("year", 1800, None, "a year from 1900"),
        ("colour", "blue", None, "one of"),
        ("fields", [], None, "a non-empty list of fields"),
    ],
)
def test_malformed_criteria_name_the_bad_entry(
    path: str, value: Any, named: str | None, expected: str
) -> None:
    data = small_tree()
    _set(data, path, value)
    with pytest.raises(ct.ValidationError) as info:
        load_criteria(data)
    assert info.value.field == f"criteria: {named or path}"
    assert expected in str(info.value)


def test_every_field_worth_nothing_is_rejected() -> None:
    data = {"fields": [{"id": "a", "name": "A", "max": 0}]}
    with pytest.raises(ct.ValidationError, match="criteria: fields"):
        load_criteria(data)


def test_criteria_files_toml_and_json(tmp_path: Any) -> None:
    text = resources.files("cchc_tasks").joinpath("data", "par_default.toml").read_text("utf-8")
    toml_path = tmp_path / "dong-thap-2025.toml"
    toml_path.write_text(text, encoding="utf-8")
    json_path = tmp_path / "dong-thap-2025.json"
    json_path.write_text(json.dumps(small_tree(), ensure_ascii=False), encoding="utf-8")
    assert load_criteria(toml_path) == default_criteria()
    assert load_criteria(str(json_path)) == load_criteria(small_tree())

    bad = small_tree()
    bad["fields"][1]["criteria"][0]["max"] = -1
    json_path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ct.ValidationError) as info:
        load_criteria(json_path)
    assert info.value.field == "dong-thap-2025.json: fields[1].criteria[0].max"

    toml_path.write_text("fields = [", encoding="utf-8")
    with pytest.raises(ct.ValidationError, match="valid TOML"):
        load_criteria(toml_path)
    with pytest.raises(ct.ValidationError, match=r"\.toml or \.json"):
        load_criteria(tmp_path / "criteria.yaml")
    with pytest.raises(ct.ValidationError, match="readable"):
        load_criteria(tmp_path / "missing.toml")


def test_nodes_check_themselves() -> None:
    leaf = CriteriaNode("a", "A", 2)
    with pytest.raises(ct.ValidationError, match=r"CriteriaNode\.max_points"):
        CriteriaNode("p", "P", 3, (leaf,))
    with pytest.raises(ct.ValidationError, match="unique ids"):
        CriteriaTree((CriteriaNode("p", "P", 2, (leaf,)), CriteriaNode("a", "A", 1)))
    three = CriteriaNode("3", "x", 2, [leaf])
    deep = CriteriaNode("1", "x", 2, [CriteriaNode("2", "x", 2, [three])])
    with pytest.raises(ct.ValidationError, match="three levels"):
        CriteriaTree((deep,))
    with pytest.raises(ct.ValidationError, match="CriteriaNode.auto"):
        CriteriaNode("a", "A", 2, auto="guess")


# --- Scorecards and the arithmetic --------------------------------------------------------


def test_full_marks_is_100_and_nothing_is_0() -> None:
    tree = load_criteria(small_tree())
    full = card(
        self_assessments=[SelfAssessment(n.id, n.max_points) for n in tree.leaves()],
        survey_points=10,
    )
    assert compute_index(tree, full).value == 100
    empty = compute_index(tree, card(survey_points=0))
    assert empty.value == 0
    assert set(empty.missing) == {n.id for n in tree.leaves()}


def test_index_formula_and_components() -> None:
    """R1: index % = total / max × 100; component = field points / field max × 100."""
    tree = load_criteria(small_tree())
    result = compute_index(
        tree,
        card(
            self_assessments=[
                SelfAssessment("1.1.1", 2),
                SelfAssessment("1.1.2", 1.5),
                SelfAssessment("1.2", 2.5),
                SelfAssessment("2.1", 3),
                SelfAssessment("2.2", 6),
            ],
            survey_points=8,
        ),
    )
    assert result.appraised_points == 15
    assert result.total == 23
    assert result.value == pytest.approx(100 * 23 / 30)
    assert result.components == {"direction": 75.0, "procedures": 75.0}
    assert result.component("1.1") == pytest.approx(70.0)
    assert result.survey is not None and result.survey.percent == 80.0
    assert not result.rescaled


def test_nam_dinh_2020_rescaling_without_survey() -> None:
    """Nam Định 2020 [V+D]: 61.46 appraised points of 70 were published as 87.80%."""
    tree = default_criteria()
    points = 61.46
    leaves = tree.leaves()
    entries, left = [], points
    for leaf in leaves:
        take = min(leaf.max_points, left)
        entries.append(SelfAssessment(leaf.id, take))
        left -= take
    scorecard = card(self_assessments=entries)
    rescaled = compute_index(tree, scorecard)
    assert rescaled.rescaled
    assert round(rescaled.value, 2) == 87.80
    assert "rescaled" in rescaled.describe()
    assert "quy đổi theo thang điểm tối đa" in rescaled.describe("vi")
    plain = compute_index(tree, scorecard, rescale_without_survey=False)
    assert not plain.rescaled
    assert plain.value == pytest.approx(61.46)


def test_appraisal_replaces_self_assessment_and_keeps_both() -> None:
    tree = load_criteria(small_tree())
    evidence = Evidence("Báo cáo số 15/BC-UBND", dt.date(2025, 6, 30), "https://tanhong.vn/bc15")
    result = compute_index(
        tree,
        card(
            self_assessments=[SelfAssessment("1.2", 3, evidence, note="đủ 4 báo cáo quý")],
            appraisals=[
                Appraisal("1.2", 1.5, by="Hội đồng thẩm định", reason="báo cáo quý III trễ")
            ],
        ),
    )
    node = result.node("1.2")
    assert node.points == 1.5
    assert node.source is ScoreSource.APPRAISED
    assert node.self_points == 3
    assert node.evidence == (evidence,)
    assert (node.by, node.note) == ("Hội đồng thẩm định", "báo cáo quý III trễ")
    text = result.explain()
    assert "1.2 Báo cáo: 1.5 of 3 [appraised] (by Hội đồng thẩm định; báo cáo quý III trễ; " in text
    assert "self-assessed 3)" in text
    assert "evidence: Báo cáo số 15/BC-UBND, 30/06/2025, https://tanhong.vn/bc15" in text
    vi = result.explain("vi")
    assert (
        "1.2 Báo cáo: 1,5/3 điểm [thẩm định] (thẩm định: Hội đồng thẩm định; "
        "báo cáo quý III trễ; tự chấm 3)"
    ) in vi
    assert "tài liệu kiểm chứng: Báo cáo số 15/BC-UBND, 30/06/2025, https://tanhong.vn/bc15" in vi


def test_a_note_recorded_before_the_fields_is_shown_as_written() -> None:
    """Computations recorded before ``by``/``formula``/``tasks`` kept the whole note in
    English, in parentheses: it is shown as it was."""
    old = NodeScore(
        "1.2", "Báo cáo", "criterion", 1.5, 3, ScoreSource.APPRAISED, self_points=3,
        note="(by Hội đồng; báo cáo trễ; self-assessed 3)",
    )  # fmt: skip
    assert old.how() == "(by Hội đồng; báo cáo trễ; self-assessed 3)"
    mine = NodeScore("1.1", "Kế hoạch", "criterion", 2, 2, ScoreSource.SELF, note="đủ hồ sơ")
    assert mine.how() == "(đủ hồ sơ)"
    assert NodeScore("1.3", "x", "criterion", 0, 2, ScoreSource.MISSING).how() == ""


def test_explain_lists_every_node() -> None:
    tree = default_criteria()
    result = compute_index(
        tree,
        card(
            self_assessments=[SelfAssessment("2.1", 2, Evidence(link="https://x.vn/a"))],
            survey_points=25,
            bonuses=[Bonus(1, "Sáng kiến cấp tỉnh")],
            penalties=[Penalty(0.5, "Chậm báo cáo")],
            tasks=TaskCounts(8, 1, 1),
        ),
    )
    text = result.explain()
    for node in tree.iter_nodes():
        assert f"{node.id} {node.name}: " in text
    assert "1.1.2 Mức độ hoàn thành kế hoạch CCHC năm: 2 of 2.5 [auto] (on_time_share:" in text
    assert "\n  Điều tra xã hội học: 25 of 30 [survey]" in text
    assert "bonus +1: Sáng kiến cấp tỉnh" in text
    assert "penalty -0.5: Chậm báo cáo" in text
    assert result.value == pytest.approx(2 + 2 + 25 + 1 - 0.5)
    vi = result.explain("vi", unit_name="UBND xã Tân Hộ Cơ")
    assert vi.startswith("Chỉ số CCHC của UBND xã Tân Hộ Cơ năm 2025: 29,50% (29,5/100 điểm)")
    assert "1.1.2 Mức độ hoàn thành kế hoạch CCHC năm: 2/2,5 điểm [tự động] (tỷ lệ" in vi
    assert "\n  Điều tra xã hội học: 25/30 điểm [điều tra xã hội học]" in vi
    assert "điểm thưởng +1: Sáng kiến cấp tỉnh" in vi
    assert "điểm trừ -0,5: Chậm báo cáo" in vi
    assert "tan-hong" not in vi


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (SelfAssessment("1.1.2", 3.5), "UnitScorecard.self_assessments[0].points"),
        (SelfAssessment("1.1", 1), "UnitScorecard.self_assessments[0].criterion"),
        (SelfAssessment("9.9", 1), "UnitScorecard.self_assessments[0].criterion"),
        (Appraisal("2.1", 4.01), "UnitScorecard.appraisals[0].points"),
    ],
)
def test_points_above_the_maximum_are_errors_not_clamped(entry: Any, field: str) -> None:
    tree = load_criteria(small_tree())
    kind = "self_assessments" if isinstance(entry, SelfAssessment) else "appraisals"
    with pytest.raises(ct.ValidationError) as info:
        compute_index(tree, card(**{kind: [entry]}))
    assert info.value.field == field


def test_survey_bonus_and_penalty_limits() -> None:
    tree = load_criteria(small_tree())
    with pytest.raises(ct.ValidationError, match="UnitScorecard.survey_points"):
        compute_index(tree, card(survey_points=10.5))
    with pytest.raises(ct.ValidationError, match="UnitScorecard.bonuses"):
        compute_index(tree, card(bonuses=[Bonus(2, "a"), Bonus(2, "b")]))
    with pytest.raises(ct.ValidationError, match="UnitScorecard.penalties"):
        compute_index(tree, card(penalties=[Penalty(4, "a")]))
    no_parts = small_tree()
    del no_parts["bonus"]
    with pytest.raises(ct.ValidationError, match="at most 0"):
        compute_index(load_criteria(no_parts), card(bonuses=[Bonus(1, "a")]))


def test_bonus_and_penalty_are_clamped_to_0_100() -> None:
    tree = load_criteria(small_tree())
    full = [SelfAssessment(n.id, n.max_points) for n in tree.leaves()]
    over = compute_index(
        tree, card(self_assessments=full, survey_points=10, bonuses=[Bonus(3, "x")])
    )
    assert over.value == 100
    assert over.raw_value == pytest.approx(110)
    assert "clamped from 110.00%" in over.describe()
    under = compute_index(tree, card(survey_points=0, penalties=[Penalty(3, "kỷ luật")]))
    assert under.value == 0
    assert under.raw_value == pytest.approx(-10)


def test_bonus_counts_on_the_full_scale_after_rescaling() -> None:
    tree = load_criteria(small_tree())
    result = compute_index(
        tree, card(self_assessments=[SelfAssessment("2.2", 8)], bonuses=[Bonus(1, "x")])
    )
    # 8 of 20 appraised → 12 of 30, plus 1 bonus point: 13 of 30.
    assert result.total == pytest.approx(13)


def test_scorecard_checks_itself() -> None:
    with pytest.raises(ct.ValidationError, match=r"self_assessments\[1\].criterion"):
        card(self_assessments=[SelfAssessment("1.2", 1), SelfAssessment("1.2", 2)])
    with pytest.raises(ct.ValidationError, match="SelfAssessment.points"):
        SelfAssessment("1.2", -1)
    with pytest.raises(ct.ValidationError, match="Evidence.document"):
        Evidence()
    with pytest.raises(ct.ValidationError, match="UnitScorecard.tasks"):
        card(tasks=(1, 2, 3))
    with pytest.raises(ct.ValidationError, match="UnitScorecard.self_assessments"):
        card(self_assessments=[("1.2", 1)])
    assert SelfAssessment("1.2", 1, Evidence("QĐ 1")).evidence == (Evidence("QĐ 1"),)


# --- Automatic criteria -------------------------------------------------------------------


def test_task_counts_from_outcomes() -> None:
    outcomes = [TaskOutcome.ON_TIME] * 3 + [TaskOutcome.LATE, TaskOutcome.OVERDUE]
    outcomes += [TaskOutcome.PENDING, TaskOutcome.CANCELLED]
    counts = TaskCounts.from_outcomes(outcomes)
    assert counts == TaskCounts(3, 1, 1)
    assert counts.counted == 5


@pytest.mark.parametrize(
    ("formula", "counts", "points"),
    [
        ("on_time_share", TaskCounts(6, 2, 2), 1.8),
        ("done_share", TaskCounts(6, 2, 2), 2.4),
        ("all_on_time", TaskCounts(6, 2, 2), 0.0),
        ("all_on_time", TaskCounts(5, 0, 0), 3.0),
    ],
)
def test_named_formulas(formula: str, counts: TaskCounts, points: float) -> None:
    tree = load_criteria(small_tree())
    result = compute_index(tree, card(tasks=counts), auto_criteria={"1.1.2": formula})
    node = result.node("1.1.2")
    assert node.points == pytest.approx(points)
    assert node.source is ScoreSource.AUTO
    assert formula in FORMULAS


def test_auto_from_the_criteria_file() -> None:
    data = small_tree()
    data["fields"][0]["criteria"][0]["sub_criteria"][1]["auto"] = "on_time_share"
    tree = load_criteria(data)
    result = compute_index(
        tree, card(tasks=TaskCounts(3, 1, 0), self_assessments=[SelfAssessment("1.1.2", 3)])
    )
    node = result.node("1.1.2")
    assert node.points == pytest.approx(2.25)
    assert node.self_points == 3
    assert (node.formula, node.tasks, node.note) == ("on_time_share", TaskCounts(3, 1, 0), "")
    assert str(node.how()) == "(on_time_share: 3 on time, 1 late, 0 overdue; self-assessed 3)"
    assert render(node.how(), "vi") == (
        "(tỷ lệ nhiệm vụ đúng hạn: 3 đúng hạn, 1 trễ hạn, 0 quá hạn; tự chấm 3)"
    )


def test_auto_falls_back_to_self_assessment_without_counted_tasks() -> None:
    tree = load_criteria(small_tree())
    auto = {"1.1.2": "on_time_share"}
    mine = [SelfAssessment("1.1.2", 2)]
    no_tasks = compute_index(tree, card(self_assessments=mine), auto_criteria=auto)
    assert no_tasks.node("1.1.2").source is ScoreSource.SELF
    nothing_counted = compute_index(
        tree, card(self_assessments=mine, tasks=TaskCounts()), auto_criteria=auto
    )
    assert nothing_counted.node("1.1.2").source is ScoreSource.SELF
    appraised = compute_index(
        tree,
        card(tasks=TaskCounts(1), appraisals=[Appraisal("1.1.2", 1, reason="kế hoạch chưa đạt")]),
        auto_criteria=auto,
    )
    assert appraised.node("1.1.2").source is ScoreSource.APPRAISED


def test_custom_formula_and_bad_formulas() -> None:
    tree = load_criteria(small_tree())

    def no_overdue(on_time: int, late: int, overdue: int) -> float:
        return 1.0 if overdue == 0 else 0.5

    result = compute_index(tree, card(tasks=TaskCounts(1, 1, 0)), auto_criteria={"2.2": no_overdue})
    assert result.node("2.2").points == 8
    assert result.node("2.2").formula == "no_overdue"
    assert render(result.node("2.2").how(), "vi").startswith("(no_overdue: 1 đúng hạn,")
    with pytest.raises(ct.ValidationError, match=r"auto_criteria\['2.2'\]"):
        compute_index(tree, card(tasks=TaskCounts(1)), auto_criteria={"2.2": lambda *_: 1.5})
    with pytest.raises(ct.ValidationError, match=r"auto_criteria\['1.1'\]"):
        compute_index(tree, card(), auto_criteria={"1.1": "on_time_share"})
    with pytest.raises(ct.ValidationError, match="a function or one of"):
        compute_index(tree, card(), auto_criteria={"2.2": "most_tasks"})


# --- Properties ---------------------------------------------------------------------------

halves = st.integers(0, 12).map(lambda n: n / 2)


@st.composite
def trees(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid criteria mapping; parents' max sometimes given, sometimes not."""
    counter = iter(range(10_000))

    def node(depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {"id": f"n{next(counter)}", "name": f"Tiêu chí {depth}"}
        key = ("criteria", "sub_criteria")[depth] if depth < 2 else None
        children = draw(st.integers(0, 3)) if key else 0
        if children and key:
            out[key] = [node(depth + 1) for _ in range(children)]
            if draw(st.booleans()):
                out["max"] = sum(_max(c) for c in out[key])
        else:
            out["max"] = draw(halves)
        return out

    fields = [node(0) for _ in range(draw(st.integers(1, 4)))]
    if sum(_max(f) for f in fields) == 0:
        fields.append({"id": "extra", "name": "Thêm", "max": 1})
    return {
        "fields": fields,
        "survey": {"max": draw(st.sampled_from([0, 10, 30, 31.5]))},
        "bonus": {"max": draw(st.sampled_from([0, 2, 5]))},
        "penalty": {"max": draw(st.sampled_from([0, 2, 5]))},
    }


def _max(node: dict[str, Any]) -> float:
    if "max" in node:
        return float(node["max"])
    children = node.get("criteria", node.get("sub_criteria", []))
    return sum(_max(c) for c in children)


def quarters_of(maximum: float) -> Any:
    return lambda k: maximum * k / 4


@st.composite
def scored(draw: st.DrawFn) -> tuple[CriteriaTree, UnitScorecard]:
    tree = load_criteria(draw(trees()))
    own: list[SelfAssessment] = []
    appraisals: list[Appraisal] = []
    for leaf in tree.leaves():
        share = st.integers(0, 4).map(quarters_of(leaf.max_points))
        kind = draw(st.sampled_from(["none", "self", "appraised", "both"]))
        if kind in ("self", "both"):
            own.append(SelfAssessment(leaf.id, draw(share)))
        if kind in ("appraised", "both"):
            appraisals.append(Appraisal(leaf.id, draw(share)))
    survey = draw(st.none() | st.floats(0, tree.survey_max))
    bonus = draw(st.floats(0, tree.bonus_max))
    penalty = draw(st.floats(0, tree.penalty_max))
    return tree, card(
        self_assessments=own,
        appraisals=appraisals,
        survey_points=survey if tree.survey_max or survey == 0 else None,
        bonuses=[Bonus(bonus, "thưởng")],
        penalties=[Penalty(penalty, "trừ")],
    )


@given(scored(), st.booleans())
def test_index_is_always_between_0_and_100(case: Any, rescale: bool) -> None:
    tree, scorecard = case
    result = compute_index(tree, scorecard, rescale_without_survey=rescale)
    assert 0 <= result.value <= 100
    for node in result.iter_nodes():
        assert 0 <= node.points <= node.max_points + 1e-9


@given(scored(), st.data())
def test_raising_a_sub_criterion_never_lowers_the_index(case: Any, data: st.DataObject) -> None:
    tree, scorecard = case
    leaf = data.draw(st.sampled_from(tree.leaves()))
    before = compute_index(tree, scorecard)
    current = before.node(leaf.id).points
    higher = data.draw(st.floats(current, leaf.max_points))
    raised = attrs_replace_points(scorecard, leaf.id, higher)
    after = compute_index(tree, raised)
    assert after.value >= before.value
    assert after.node(leaf.id).points >= current


def attrs_replace_points(scorecard: UnitScorecard, criterion: str, points: float) -> UnitScorecard:
    """The scorecard with ``criterion`` scored ``points`` where its score comes from."""
    appraisals = [a for a in scorecard.appraisals if a.criterion != criterion]
    own = [s for s in scorecard.self_assessments if s.criterion != criterion]
    if len(appraisals) < len(scorecard.appraisals):
        appraisals.append(Appraisal(criterion, points))
    else:
        own.append(SelfAssessment(criterion, points))
    return card(
        self_assessments=own,
        appraisals=appraisals,
        survey_points=scorecard.survey_points,
        bonuses=scorecard.bonuses,
        penalties=scorecard.penalties,
    )


def _shuffled(data: dict[str, Any], rng: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)

    def shuffle(nodes: list[dict[str, Any]]) -> None:
        rng.shuffle(nodes)
        for n in nodes:
            for key in ("criteria", "sub_criteria"):
                if key in n:
                    shuffle(n[key])

    shuffle(out["fields"])
    return out


@given(trees(), st.randoms(use_true_random=False), st.data())
def test_criterion_order_does_not_matter(data: Any, rng: Any, draw: st.DataObject) -> None:
    tree = load_criteria(data)
    other = load_criteria(_shuffled(data, rng))
    points = {leaf.id: draw.draw(st.integers(0, 4)) * leaf.max_points / 4 for leaf in tree.leaves()}
    scorecard = card(self_assessments=[SelfAssessment(k, v) for k, v in points.items()])
    a, b = compute_index(tree, scorecard), compute_index(other, scorecard)
    assert a.value == b.value
    assert a.total == b.total
    assert {n.id: n.points for n in a.iter_nodes()} == {n.id: n.points for n in b.iter_nodes()}
    assert a.components == b.components


def _paths(data: dict[str, Any]) -> list[str]:
    out = []

    def walk(nodes: list[dict[str, Any]], prefix: str) -> None:
        for i, n in enumerate(nodes):
            path = f"{prefix}[{i}]"
            out.append(path)
            for key in ("criteria", "sub_criteria"):
                if key in n:
                    walk(n[key], f"{path}.{key}")

    walk(data["fields"], "fields")
    return out


@given(trees(), st.data())
def test_a_corrupted_entry_is_named_by_its_path(data: Any, draw: st.DataObject) -> None:
    path = draw.draw(st.sampled_from(_paths(data)))
    key, bad = draw.draw(
        st.sampled_from([("max", -1), ("max", "ten"), ("id", ""), ("name", 7), ("colour", 1)])
    )
    _set(data, f"{path}.{key}", bad)
    with pytest.raises(ct.ValidationError) as info:
        load_criteria(data)
    assert info.value.field == f"criteria: {path}.{key}"


def test_index_result_is_plain_data() -> None:
    tree = load_criteria(small_tree())
    result = compute_index(tree, card(survey_points=5))
    assert isinstance(result, IndexResult)
    assert result.criteria == "Bộ tiêu chí thử (test)"
    assert result.bonus == 0 and result.penalty == 0
    with pytest.raises(ct.ValidationError, match="criterion"):
        result.node("nope")
    with pytest.raises(ct.ValidationError, match="criterion"):
        tree.node("nope")


# --- The reference page -------------------------------------------------------------------

DOC = Path(__file__).resolve().parent.parent / "docs" / "reference" / "indices.md"
_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def test_reference_page_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/reference/indices.md: the files it shows (```toml NAME, ```csv NAME) are
    written to a folder, its python blocks run there in order in one namespace, and each
    ```output block equals what the block before it printed."""
    text = DOC.read_text(encoding="utf-8")
    blocks = list(_FENCE.finditer(text))
    for block in blocks:
        info = block["info"].split()
        if len(info) == 2 and info[0] in ("toml", "csv", "json"):
            (tmp_path / info[1]).write_text(block["body"], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "docs_indices"}
    ran = 0
    for i, block in enumerate(blocks):
        if block["info"].strip() != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block["body"], f"indices.md:{block.start()}", "exec"), namespace)
        ran += 1
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if following is not None and following["info"].strip() == "output":
            assert not text[block.end() : following.start()].strip()
            assert _normalise(printed.getvalue()) == _normalise(following["body"])
    assert ran >= 6


def test_reference_page_default_tree_table_matches_the_file() -> None:
    text = DOC.read_text(encoding="utf-8")
    tree = default_criteria()
    for field in tree.fields:
        criteria = len(field.children)
        subs = sum(len(c.children) for c in field.children)
        row = f"| `{field.id}` | {field.name} | {field.max_points:g} | {criteria} | {subs} |"
        assert row in text
