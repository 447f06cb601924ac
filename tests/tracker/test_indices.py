"""The PAR-style index and SIPAS inside the tracker (issue 8): the inputs are stored and
journaled, the computed indices become results that targets and heads' ratings use,
official results keep priority, and every computed number is explained.

* criteria tables, scorecards and survey responses survive a reopen;
* a computed result never overrides an official one, whatever the values;
* a computed index decides a target (PASS or FAIL) and, through it, a head's cap;
* ``explain_index`` lists every sub-criterion and every piece of evidence;
* a failed import or a bad entry changes nothing;
* the executed examples of docs/reference/indices.md ("In the tracker").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.computed import CriteriaEntry, resolve_criteria
from cchc_tasks.i18n import render
from cchc_tasks.indices import (
    Appraisal,
    Bonus,
    Evidence,
    Penalty,
    SelfAssessment,
    UnitScorecard,
    load_criteria,
)
from cchc_tasks.ranking import is_computed
from cchc_tasks.surveys import SurveyImportError, SurveyResponse

D = dt.date
ROOT = Path(__file__).resolve().parent.parent.parent
COMPUTED_ON = D(2025, 1, 15)

#: A small table: two fields, four scored leaves, a 30-point survey, caps of 2.
TABLE: dict[str, Any] = {
    "id": "xa-2024",
    "name": "Chỉ số CCHC cấp xã",
    "year": 2024,
    "survey": {"max": 30},
    "bonus": {"max": 2},
    "penalty": {"max": 2},
    "fields": [
        {
            "id": "direction",
            "name": "Chỉ đạo, điều hành",
            "criteria": [
                {
                    "id": "1.1",
                    "name": "Kế hoạch CCHC",
                    "sub_criteria": [
                        {"id": "1.1.1", "name": "Ban hành kịp thời", "max": 10},
                        {"id": "1.1.2", "name": "Hoàn thành", "max": 20, "auto": "on_time_share"},
                    ],
                },
                {"id": "1.2", "name": "Báo cáo đúng hạn", "max": 10},
            ],
        },
        {
            "id": "procedures",
            "name": "Thủ tục hành chính",
            "criteria": [{"id": "2.1", "name": "Hồ sơ đúng hạn", "max": 30}],
        },
    ],
}
LEAVES = {"1.1.1": 10.0, "1.1.2": 20.0, "1.2": 10.0, "2.1": 30.0}
COMMUNES = ("xa-a", "xa-b", "xa-c")
HEADER = (
    "Mã phiếu,Đối tượng,Đơn vị,Dịch vụ,Ngày,Tiếp cận dịch vụ,Thủ tục hành chính,"
    "Công chức,Kết quả,Tiếp nhận góp ý\n"
)


def district(*, config: dict[str, Any] | None = None, folder: Path | None = None) -> ct.Tracker:
    """A province, a district, three communes with heads, the 2024 plan, the table."""
    if folder is None:
        tr = ct.Tracker.memory(load_entrypoints=False, config=config)
    else:
        tr = ct.Tracker.open(folder, load_entrypoints=False, config=config)
    with tr.batch(actor="noi-vu"):
        tr.add_unit(ct.Unit(id="tinh", name="UBND tỉnh Đồng Tháp", kind="province"))
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district", parent="tinh"))
        for i, uid in enumerate(COMMUNES):
            tr.add_unit(ct.Unit(id=uid, name=f"UBND xã {uid[-1].upper()}", kind="commune",
                                parent="huyen"))  # fmt: skip
            tr.add_person(ct.Person(id=f"ct-{uid}", name=f"Chủ tịch {i}", unit=uid))
            tr.appoint_head(uid, f"ct-{uid}", D(2020, 1, 1))
        tr.add_plan(ct.Plan(id="kh", title="Kế hoạch CCHC", unit="huyen", start=D(2024, 1, 1),
                            end=D(2025, 12, 31)))  # fmt: skip
        tr.set_criteria(TABLE, province="tinh")
    return tr


def full_marks(tr: ct.Tracker, unit: str, year: int = 2024, share: float = 1.0) -> None:
    """Self-assess every leaf at ``share`` of its maximum, with one piece of evidence."""
    tr.record_scorecard(
        UnitScorecard(
            unit,
            year,
            [
                SelfAssessment(leaf, maximum * share, Evidence(f"{leaf}/BC-{unit}", D(year, 12, 1)))
                for leaf, maximum in LEAVES.items()
            ],
            survey_points=30 * share,
        )
    )


def csv_rows(unit: str, n: int, start: int = 1, answer: str = "5") -> str:
    return "".join(
        f"P{i:03d},Người dân,{unit},Chứng thực,15/03/2024,{answer},{answer},{answer},{answer},"
        f"{answer}\n"
        for i in range(start, start + n)
    )


def documents(tr: ct.Tracker) -> dict[str, list[dict[str, Any]]]:
    return {t: sorted(docs, key=lambda d: d["id"]) for t, docs in tr.to_documents().items()}


# -- storing the inputs ------------------------------------------------------------------


def test_every_input_is_journaled_and_survives_a_reopen(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    with district(folder=folder) as tr:
        tr.self_assess("xa-a", 2024, SelfAssessment("1.2", 8, Evidence("BC 12", D(2024, 12, 2))))
        tr.appraise("xa-a", 2024, Appraisal("1.2", 6, by="Sở Nội vụ", reason="trễ hạn"))
        tr.set_survey_points("xa-a", 2024, 24.5)
        tr.add_bonus("xa-a", 2024, Bonus(1, "Sáng kiến"), actor="noi-vu", note="thưởng")
        tr.add_penalty("xa-a", 2024, Penalty(0.5, "Chậm báo cáo"))
        tr.import_survey(HEADER + csv_rows("xa-a", 3), survey="dot-1")
        tr.record_computed_results(2024, computed_on=COMPUTED_ON)
        before = documents(tr)
        card = tr.scorecard("xa-a", 2024)
        seq = tr.seq
    assert [e.note for e in tr.history("xa-a@2024")][3] == "thưởng"
    with ct.Tracker.open(folder, load_entrypoints=False) as again:
        assert again.seq == seq and documents(again) == before
        assert again.scorecard("xa-a", 2024) == card
        assert [e.id for e in again.criteria_entries()] == ["tinh/*@2024"]
        assert again.criteria("xa-a", 2024) == load_criteria(TABLE)
        assert [r.id for r in again.survey_responses(unit="xa-a", year=2024)] == [
            "dot-1:P001",
            "dot-1:P002",
            "dot-1:P003",
        ]
        assert again.explain_index("xa-a", 2024) == tr.explain_index("xa-a", 2024)


scores = st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 3))


@settings(max_examples=10, deadline=None)
@given(shares=st.lists(st.tuples(st.sampled_from(sorted(LEAVES)), scores), max_size=6))
def test_scorecards_round_trip_through_a_reopen(shares: list[tuple[str, float]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        with district(folder=folder) as tr:
            for leaf, share in shares:
                tr.self_assess("xa-b", 2024, SelfAssessment(leaf, LEAVES[leaf] * share))
            card = tr.scorecard("xa-b", 2024)
        with ct.Tracker.open(folder, load_entrypoints=False) as again:
            assert again.scorecard("xa-b", 2024) == card
            if shares:
                assert card is not None
                assert {a.criterion for a in card.self_assessments} == {c for c, _ in shares}


def test_a_table_applies_by_year_then_province_then_unit_kind() -> None:
    tree = load_criteria(TABLE)
    everywhere = CriteriaEntry(tree, 2023)
    communes = CriteriaEntry(tree, 2023, "commune")
    in_province = CriteriaEntry(tree, 2023, None, "tinh")
    later = CriteriaEntry(tree, 2024)
    entries = [everywhere, communes, in_province, later]
    chain = ["xa-a", "huyen", "tinh"]
    assert resolve_criteria(entries, "commune", chain, 2022) is None
    assert resolve_criteria(entries[:2], "commune", chain, 2023) is communes
    assert resolve_criteria(entries[:2], "ward", chain, 2023) is everywhere
    assert resolve_criteria(entries[:3], "commune", chain, 2023) is in_province
    assert resolve_criteria(entries[:3], "commune", ["x", "other"], 2023) is communes
    assert resolve_criteria(entries, "commune", chain, 2030) is later


def test_without_a_table_the_default_criteria_apply() -> None:
    tr = ct.Tracker.memory(load_entrypoints=False)
    tr.add_unit(ct.Unit(id="xa", name="UBND xã", kind="commune"))
    assert tr.criteria("xa", 2024).id == "par-default"
    tr.set_criteria(TABLE, unit_kind="ward")
    assert tr.criteria("xa", 2024).id == "par-default"


# -- bad input changes nothing ------------------------------------------------------------


def bad_calls() -> dict[str, tuple[Any, str]]:
    """Calls that must fail, with the error field they must name."""
    return {
        "unknown criterion": (
            lambda tr: tr.self_assess("xa-a", 2024, SelfAssessment("9.9", 1)),
            "SelfAssessment.criterion",
        ),
        "a criterion with sub-criteria": (
            lambda tr: tr.appraise("xa-a", 2024, Appraisal("1.1", 1)),
            "Appraisal.criterion",
        ),
        "points above the maximum": (
            lambda tr: tr.self_assess("xa-a", 2024, SelfAssessment("1.2", 10.5)),
            "SelfAssessment.points",
        ),
        "survey points above the maximum": (
            lambda tr: tr.set_survey_points("xa-a", 2024, 31),
            "UnitScorecard.survey_points",
        ),
        "bonus above the cap": (
            lambda tr: tr.add_bonus("xa-a", 2024, Bonus(3, "quá nhiều")),
            "UnitScorecard.bonuses",
        ),
        "unknown unit": (
            lambda tr: tr.self_assess("xa-z", 2024, SelfAssessment("1.2", 1)),
            "self_assess.unit",
        ),
        "task counts on a recorded scorecard": (
            lambda tr: tr.record_scorecard(
                UnitScorecard("xa-a", 2024, tasks=ct.indices.TaskCounts(1, 0, 0))
            ),
            "UnitScorecard.tasks",
        ),
        "a malformed criteria table": (
            lambda tr: tr.set_criteria({**TABLE, "fields": [{"id": "x", "name": "X", "maxx": 1}]}),
            "criteria: fields[0].maxx",
        ),
        "a table that an existing scorecard does not fit": (
            lambda tr: tr.set_criteria(
                {**TABLE, "fields": [{"id": "other", "name": "Khác", "max": 70}]}, province="tinh"
            ),
            "scorecard xa-b@2024: UnitScorecard.self_assessments[0].criterion",
        ),
        "a survey response of an unknown unit": (
            lambda tr: tr.add_survey_responses(
                [SurveyResponse("R1", "citizen", "xa-z", "", D(2024, 3, 1), {"access": 5})]
            ),
            "SurveyResponse.unit",
        ),
    }


@pytest.mark.parametrize("case", list(bad_calls()))
def test_bad_input_names_the_field_and_changes_nothing(case: str) -> None:
    tr = district()
    tr.self_assess("xa-b", 2024, SelfAssessment("1.2", 5))
    before, seq = documents(tr), tr.seq
    call, field = bad_calls()[case]
    with pytest.raises(ct.CchcError) as caught:
        call(tr)
    assert getattr(caught.value, "field", None) == field or field in str(caught.value)
    assert documents(tr) == before and tr.seq == seq


def test_a_failed_survey_import_lists_every_bad_row_and_imports_nothing() -> None:
    tr = district()
    tr.import_survey(HEADER + csv_rows("xa-a", 2))
    before, seq = documents(tr), tr.seq
    text = HEADER + csv_rows("xa-a", 3, start=2) + csv_rows("xa-q", 1, start=9)
    text += "P020,Người dân,xa-b,,31/02/2024,5,5,5,5,5\n"
    with pytest.raises(SurveyImportError) as caught:
        tr.import_survey(text)
    assert caught.value.rows == (2, 5, 6)  # P002 imported before, unknown unit, bad date
    assert "a number not imported before" in str(caught.value)
    assert documents(tr) == before and tr.seq == seq
    # Another round may reuse the numbers: its name goes before each.
    assert len(tr.import_survey(HEADER + csv_rows("xa-a", 2), survey="dot-2")) == 2


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from([*COMMUNES, "UBND xã A", "xa-q"]),
            st.sampled_from(["5", "Hài lòng", "4 - Hài lòng", "", "Không ý kiến", "44", "x"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_an_import_is_all_or_nothing(rows: list[tuple[str, str]]) -> None:
    tr = district()
    text = HEADER + "".join(
        f"Q{i},Tổ chức,{unit},,02/05/2024,{cell},4,4,4,4\n" for i, (unit, cell) in enumerate(rows)
    )
    good = all(unit != "xa-q" and cell not in ("44", "x") for unit, cell in rows)
    before = documents(tr)
    if good:
        assert len(tr.import_survey(text)) == len(rows)
        assert len(tr.survey_responses(year=2024)) == len(rows)
    else:
        with pytest.raises(SurveyImportError):
            tr.import_survey(text)
        assert documents(tr) == before


# -- computed results and official ones -----------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    shares=st.lists(scores, min_size=3, max_size=3),
    official=st.dictionaries(
        st.sampled_from(COMMUNES), st.floats(0, 100, allow_nan=False), max_size=3
    ),
    official_first=st.booleans(),
)
def test_computed_results_never_override_official_ones(
    shares: list[float], official: dict[str, float], official_first: bool
) -> None:
    tr = district()
    for unit, share in zip(COMMUNES, shares, strict=True):
        full_marks(tr, unit, share=share)
    typed = {
        unit: ct.Result("PAR_INDEX", unit, 2024, value, 3, 12, "QĐ 45/QĐ-UBND")
        for unit, value in official.items()
    }
    if not official_first:
        tr.record_computed_results(2024, computed_on=COMPUTED_ON)
    for result in typed.values():
        tr.record_result(result)
    merged = tr.record_computed_results(2024, computed_on=COMPUTED_ON)
    assert {m.result.unit for m in merged if m.used == "official"} == set(official)
    for unit, share in zip(COMMUNES, shares, strict=True):
        (result,) = tr.results(indicator="PAR_INDEX", unit=unit, year=2024)
        if unit in official:
            assert result == typed[unit]
            note = tr.index_computation("PAR_INDEX", unit, 2024)
            assert note is not None and "takes priority" in note.note
        else:
            assert is_computed(result) and result.value == pytest.approx(100 * share)
            assert result.source.startswith("computed on 2025-01-15 from Chỉ số CCHC cấp xã")


def test_recomputing_removes_results_no_longer_computed(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    with district(folder=folder, config={"sipas": {"min_sample": 3}}) as tr:
        tr.import_survey(HEADER + csv_rows("xa-a", 4))
        tr.record_computed_results(2024, computed_on=COMPUTED_ON)
        assert [r.value for r in tr.results(indicator="SIPAS")] == [100.0]
    # The default minimum sample is 30: four answers no longer make a result.
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        assert tr.compute_indices(2024, computed_on=COMPUTED_ON).unreliable == ("xa-a",)
        assert tr.record_computed_results(2024, computed_on=COMPUTED_ON) == ()
        assert tr.results(indicator="SIPAS") == []
        assert "not reliable: 4 valid answers" in tr.explain_index("xa-a", 2024, "SIPAS")
        vi = tr.explain_index("xa-a", 2024, "SIPAS", lang="vi")
        assert "ghi chú: chưa đủ tin cậy: 4 câu trả lời hợp lệ, ít hơn 30" in vi


def test_ranks_share_ties_within_the_peer_group() -> None:
    tr = district()
    for unit, share in zip(COMMUNES, (0.8, 0.9, 0.8), strict=True):
        full_marks(tr, unit, share=share)
    computed = tr.compute_indices(2024, computed_on=COMPUTED_ON)
    assert {r.unit: (r.rank, r.of) for r in computed.results} == {
        "xa-a": (2, 3),
        "xa-b": (1, 3),
        "xa-c": (2, 3),
    }
    dense = district(config={"indices": {"ties": "dense"}})
    for unit, share in zip(COMMUNES, (0.8, 0.9, 0.7), strict=True):
        full_marks(dense, unit, share=share)
    ranks = {r.unit: r.rank for r in dense.compute_indices(2024, computed_on=COMPUTED_ON).results}
    assert ranks == {"xa-a": 2, "xa-b": 1, "xa-c": 3}


def test_automatic_criteria_use_the_task_outcomes_as_of_the_year_end() -> None:
    tr = district()
    tr.self_assess("xa-a", 2024, SelfAssessment("1.1.2", 20))
    tr.add_task(ct.Task(id="t1", plan="kh", title="Một", unit="xa-a", due=D(2024, 6, 30)))
    tr.add_task(ct.Task(id="t2", plan="kh", title="Hai", unit="xa-a", due=D(2024, 9, 30)))
    tr.complete_task("t1", D(2024, 6, 1))
    tr.complete_task("t2", D(2024, 10, 5))  # late
    node = tr.compute_indices(2024, computed_on=COMPUTED_ON).par["xa-a"].node("1.1.2")
    assert (node.source, node.points, node.self_points) == ("auto", 10.0, 20.0)
    # Computed on 15 August: t2 is not due yet, and t1 alone counts.
    early = tr.compute_indices(2024, computed_on=D(2024, 8, 15)).get("xa-a")
    assert early.as_of == D(2024, 8, 15) and early.par is not None
    assert early.par.node("1.1.2").points == 20.0


# -- indices feed targets and heads' ratings ------------------------------------------------


@pytest.mark.parametrize(("share", "outcome"), [(0.9, ct.Outcome.PASS), (0.7, ct.Outcome.FAIL)])
def test_a_computed_index_decides_a_target_and_a_heads_cap(
    share: float, outcome: ct.Outcome
) -> None:
    tr = district()
    tr.add_target(ct.Target(id="par-xa-a", plan="kh", unit="xa-a", indicator="PAR_INDEX",
                            rule=ct.above(80), title="Chỉ số CCHC trên 80%"))  # fmt: skip
    tr.add_task(ct.Task(id="t1", plan="kh", title="Một", unit="xa-a", due=D(2024, 6, 30),
                        assignee="ct-xa-a"))  # fmt: skip
    tr.complete_task("t1", D(2024, 6, 1))
    full_marks(tr, "xa-a", share=share)
    tr.record_computed_results(2024, computed_on=COMPUTED_ON)
    ev = tr.evaluate(2024)
    target = ev.targets["par-xa-a"]
    assert target.outcome is outcome
    assert target.facts is not None and target.facts.source.startswith("computed on 2025-01-15")
    caps = [c.reason.rule for c in ev.leaders["ct-xa-a"].caps]
    assert ("cchc_link.target" in caps) is (outcome is ct.Outcome.FAIL)
    text = ev.explain("par-xa-a", "en")
    assert "computed from its parts:" in text
    assert "1.1.1 Ban hành kịp thời" in text and "evidence: 1.1.1/BC-xa-a, 01/12/2024" in text
    # The breakdown is written out in the language of whoever reads it.
    vi = render(target.breakdown, "vi")
    assert "tài liệu kiểm chứng: 1.1.1/BC-xa-a, 01/12/2024" in vi and "evidence" not in vi
    assert str(target.breakdown) == render(target.breakdown, "en") != vi
    fresh = tr.compute_indices(2024, computed_on=COMPUTED_ON)
    assert fresh.explain("xa-a", lang="vi").startswith("PAR INDEX của xa-a năm 2024: ")


def test_explain_of_a_typed_in_result_is_unchanged() -> None:
    tr = district()
    tr.add_target(ct.Target(id="t", plan="kh", unit="xa-a", indicator="PAR_INDEX",
                            rule=ct.above(80)))  # fmt: skip
    full_marks(tr, "xa-a")
    tr.record_result(ct.Result("PAR_INDEX", "xa-a", 2024, 85.0, source="QĐ 45/QĐ-UBND"))
    tr.record_computed_results(2024, computed_on=COMPUTED_ON)
    ev = tr.evaluate(2024)
    assert ev.targets["t"].breakdown == ""
    assert ev.explain("t", "en") == (
        "Target t (Public administration reform index (PAR INDEX) of UBND xã A), 2024: "
        f"Achieved\n  rule: {ev.targets['t'].rule.describe()}\n"
        f"  {ev.targets['t'].reason}\n\nProduced by: {ev.provenance('en')}"
    )


# -- explain ------------------------------------------------------------------------------


evidence = st.builds(
    Evidence,
    document=st.from_regex(r"[0-9]{1,3}/BC-UBND", fullmatch=True),
    date=st.dates(D(2024, 1, 1), D(2024, 12, 31)),
)


@settings(max_examples=20, deadline=None)
@given(
    entries=st.dictionaries(
        st.sampled_from(sorted(LEAVES)),
        st.tuples(scores, st.lists(evidence, max_size=2), st.none() | scores),
    ),
    recorded=st.booleans(),
)
def test_explain_index_lists_every_sub_criterion_and_evidence(
    entries: dict[str, tuple[float, list[Evidence], float | None]], recorded: bool
) -> None:
    tr = district()
    tree = tr.criteria("xa-c", 2024)
    for leaf, (share, proofs, appraised) in entries.items():
        tr.self_assess("xa-c", 2024, SelfAssessment(leaf, LEAVES[leaf] * share, proofs))
        if appraised is not None:
            tr.appraise("xa-c", 2024, Appraisal(leaf, LEAVES[leaf] * appraised, by="Sở Nội vụ"))
    if not entries:
        tr.record_scorecard(UnitScorecard("xa-c", 2024))
    if recorded:
        tr.record_computed_results(2024, computed_on=COMPUTED_ON)
    text = tr.explain_index("xa-c", 2024)
    assert ("not recorded" in text) is not recorded
    for node in tree.iter_nodes():
        assert f"{node.id} {node.name}: " in text
    for _, proofs, _ in entries.values():
        for proof in proofs:
            assert f"evidence: {proof}" in text
    value = tr.compute_indices(2024, computed_on=COMPUTED_ON).par["xa-c"].value
    assert 0 <= value <= 100 and f"{value:.2f}" in text.splitlines()[0]
    vi = tr.explain_index("xa-c", 2024, lang="vi")
    assert ("chưa ghi nhận: vừa tính" in vi) is not recorded
    assert f"{value:.2f}".replace(".", ",") in vi.splitlines()[0]
    for _, proofs, _ in entries.values():
        for proof in proofs:
            assert f"tài liệu kiểm chứng: {proof}" in vi


def test_explain_index_without_inputs_is_not_found() -> None:
    tr = district()
    with pytest.raises(ct.NotFoundError, match="a scorecard of xa-a for 2024"):
        tr.explain_index("xa-a", 2024)
    with pytest.raises(ct.ValidationError, match="explain_index.indicator"):
        tr.explain_index("xa-a", 2024, "PAPI")


# -- configuration -------------------------------------------------------------------------


def test_the_sipas_and_indices_sections_are_configuration() -> None:
    tr = district(
        config={
            "sipas": {"min_sample": 2, "scale": {"satisfied": [5]}},
            "indices": {"rescale_without_survey": False, "precision": 1},
        }
    )
    assert tr.config(2024).sipas.min_sample == 2
    tr.import_survey(HEADER + csv_rows("xa-a", 2) + csv_rows("xa-a", 2, start=3, answer="4"))
    tr.self_assess("xa-b", 2024, SelfAssessment("2.1", 30))
    computed = tr.compute_indices(2024, computed_on=COMPUTED_ON)
    assert computed.sipas["xa-a"].value == 50.0 and computed.sipas["xa-a"].reliable
    assert computed.par["xa-b"].value == 30.0  # no survey, no rescaling
    for bad, field in [
        ({"sipas": {"min_sampel": 2}}, "sipas.min_sampel"),
        ({"indices": {"ties": "random"}}, "indices.ties"),
        ({"sipas": {"scale": {"hight": 7}}}, "SipasParams.scale.hight"),
    ]:
        with pytest.raises(ct.ValidationError) as caught:
            ct.Tracker.memory(load_entrypoints=False, config=bad)
        assert caught.value.field == field


# -- the demo ---------------------------------------------------------------------------------


def test_the_demo_computes_its_units_indices_and_keeps_the_official_ones(
    demo: ct.Tracker,
) -> None:
    for year in (2023, 2024):
        results = [r for r in demo.results(year=year) if str(r.indicator) in ("PAR_INDEX", "SIPAS")]
        computed = [r for r in results if is_computed(r)]
        assert {r.indicator for r in computed} == {"PAR_INDEX", "SIPAS"}
        assert len({r.unit for r in computed}) >= 8
        assert all(r.rank is not None and r.of is not None for r in computed)
        official = {r.indicator: r for r in results if r.unit == "huyen"}
        assert not any(is_computed(r) for r in official.values())
        for indicator in ("PAR_INDEX", "SIPAS"):
            kept = demo.index_computation(indicator, "huyen", year)
            assert kept is not None and "takes priority" in kept.note
        ev = demo.evaluate(year)
        for tid in ("par", "sipas"):
            facts = ev.targets[tid].facts
            assert facts is not None and facts.source == official[facts.indicator].source
            assert ev.targets[tid].breakdown == ""
    # Some survey samples are too small: flagged, computed, but never a result.
    small = demo.compute_indices(2024, computed_on=D(2025, 1, 20)).unreliable
    assert small and not demo.results(indicator="SIPAS", unit=small[0], year=2024)
    assert "not reliable" in demo.explain_index(small[0], 2024, "SIPAS")


def test_the_demo_explains_a_communes_index_down_to_the_evidence(demo: ct.Tracker) -> None:
    commune = next(u for u in demo.units() if u.kind == "commune")
    text = demo.explain_index(commune.id, 2024)
    assert text.startswith(f"PAR INDEX of {commune.name}, 2024: ")
    assert "[appraised] (by Hội đồng thẩm định" in text and "evidence: " in text
    vi = demo.explain_index(commune.id, 2024, lang="vi")
    assert vi.startswith(f"PAR INDEX của {commune.name} năm 2024: ")
    assert "[thẩm định] (thẩm định: Hội đồng thẩm định" in vi
    assert "tài liệu kiểm chứng: " in vi and "evidence" not in vi
    for leaf in demo.criteria(commune.id, 2024).leaves():
        assert f"{leaf.id} {leaf.name}: " in vi
    for leaf in demo.criteria(commune.id, 2024).leaves():
        assert f"{leaf.id} {leaf.name}: " in text
    # "Mức độ hoàn thành kế hoạch" comes from the tasks unless the council appraised it.
    texts = [demo.explain_index(u.unit, 2024) for u in demo.scorecards(year=2024)]
    assert any("[auto] (on_time_share: " in t for t in texts)


# -- the executed examples of docs/reference/indices.md ----------------------------------------

_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def test_the_tracker_workflow_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every python block of the section "In the tracker" runs, in one namespace, in an
    empty folder; an output block right after one must equal what it printed."""
    page = (ROOT / "docs" / "reference" / "indices.md").read_text(encoding="utf-8")
    start = page.index("\n## In the tracker\n")
    end = page.find("\n## ", start + 1)
    section = page[start : end if end != -1 else len(page)]
    blocks = list(_FENCE.finditer(section))
    assert any(b["info"].strip() == "python" for b in blocks)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "docs_indices"}
    for i, block in enumerate(blocks):
        if block["info"].strip() != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block["body"], "indices.md", "exec"), namespace)
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        if (
            after is not None
            and after["info"].strip() == "output"
            and not section[block.end() : after.start()].strip()
        ):
            assert _normalise(printed.getvalue()) == _normalise(after["body"])
