"""Survey responses, their CSV import, and the SIPAS-style index (rule R7).

An import is all or nothing: a district official fixes the spreadsheet once, with every
bad row named, rather than discovering half an import later. A SIPAS value comes with
its sample size and margin of error, and a small sample is flagged, not presented as a
fact about the unit.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.computed import explain_sipas
from cchc_tasks.surveys import (
    DEFAULT_FACTORS,
    AnswerScale,
    RespondentKind,
    SipasParams,
    SurveyFactor,
    SurveyImportError,
    SurveyResponse,
    compute_sipas,
    import_responses_csv,
    margin_of_error,
    sipas_by_service,
    sipas_by_unit,
)

HEADER = (
    "Mã phiếu,Đối tượng,Đơn vị,Dịch vụ,Ngày,Tiếp cận dịch vụ,Thủ tục hành chính,"
    "Công chức,Kết quả,Tiếp nhận góp ý"
)
EXAMPLE = f"""{HEADER}
P001,Người dân,tan-hong,Chứng thực,15/03/2025,5,4,4,5,
P002,Tổ chức,tan-hong,Đăng ký kinh doanh,16/03/2025,Hài lòng,3,4,4,Không ý kiến
P003,Người dân,an-phuoc,Chứng thực,17/03/2025,4 - Hài lòng,2,5,5,4
"""
FACTOR_IDS = [f.id for f in DEFAULT_FACTORS]


def cp1258(text: str) -> bytes:
    """``text`` as Excel's plain "CSV" writes it on Vietnamese Windows: base letters with
    their circumflex, breve or horn, followed by a combining tone mark."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in parts if c in tones)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append((base + tone).encode("cp1258"))
    return b"".join(out)


def response(i: int, answer: int | None = 4, **kwargs: Any) -> SurveyResponse:
    kwargs.setdefault("unit", "tan-hong")
    kwargs.setdefault("service", "Chứng thực")
    answers = kwargs.pop("answers", dict.fromkeys(FACTOR_IDS, answer))
    return SurveyResponse(
        f"P{i:04d}", "citizen", kwargs["unit"], kwargs["service"], dt.date(2025, 3, 1), answers
    )


# --- Import -------------------------------------------------------------------------------


def test_import_the_documented_example() -> None:
    rows = import_responses_csv(EXAMPLE)
    assert [r.id for r in rows] == ["P001", "P002", "P003"]
    first, second, third = rows
    assert first.respondent_kind is RespondentKind.CITIZEN
    assert second.respondent_kind is RespondentKind.ORGANISATION
    assert first.date == dt.date(2025, 3, 15)
    assert first.answers == {
        "access": 5,
        "procedure": 4,
        "civil-servants": 4,
        "results": 5,
        "feedback": None,
    }
    assert second.answers["access"] == 4  # a label
    assert second.answers["feedback"] is None  # "Không ý kiến": no opinion, a blank
    assert third.answers["access"] == 4  # "4 - Hài lòng"
    assert third.unit == "an-phuoc"


def test_import_tolerates_nfd_spaces_case_order_and_extra_columns() -> None:
    text = (
        "  ĐƠN VỊ ;Mã  phiếu;Ngày khảo sát;Email;đối tượng;Kết quả;Công chức;"
        "Thủ tục hành chính;Tiếp cận dịch vụ;Tiếp nhận góp ý\n"
        " tan-hong ; P9 ; 1/2/2025 08:15:00 ;a@b.vn; cá nhân ; 5 ;rất hài lòng;"
        "  BÌNH THƯỜNG ;4;\n"
        ";;;;;;;;;\n"
    )
    rows = import_responses_csv(unicodedata.normalize("NFD", text))
    assert len(rows) == 1
    (row,) = rows
    assert row.id == "P9"
    assert row.unit == "tan-hong"
    assert row.service == ""  # no Dịch vụ column
    assert row.date == dt.date(2025, 2, 1)
    assert row.answers == {
        "access": 4,
        "procedure": 3,
        "civil-servants": 5,
        "results": 5,
        "feedback": None,
    }
    assert unicodedata.is_normalized("NFC", row.service)


def test_import_from_files_utf8_bom_and_windows_1258(tmp_path: Any) -> None:
    bom = tmp_path / "khao-sat.csv"
    bom.write_bytes(EXAMPLE.encode("utf-8-sig"))
    assert len(import_responses_csv(bom)) == 3
    ansi = tmp_path / "excel.csv"
    ansi.write_bytes(cp1258(EXAMPLE))
    rows = import_responses_csv(str(ansi))
    assert rows == import_responses_csv(EXAMPLE)
    assert import_responses_csv(ansi, encoding="cp1258") == rows
    with pytest.raises(ct.ValidationError, match="readable"):
        import_responses_csv(tmp_path / "missing.csv")


def test_import_maps_unit_names_to_ids() -> None:
    text = f"{HEADER}\nP1,Người dân,UBND xã Tân Hồng,,01/03/2025,5,5,5,5,5\n"
    text += "P2,Người dân,an-phuoc,,01/03/2025,5,5,5,5,5\n"
    rows = import_responses_csv(
        text, units={"UBND xã Tân Hồng": "tan-hong", "Xã An Phước": "an-phuoc"}
    )
    assert [r.unit for r in rows] == ["tan-hong", "an-phuoc"]
    with pytest.raises(SurveyImportError) as info:
        import_responses_csv(text.replace("an-phuoc", "Xã Tân Thành"), units={"x": "tan-hong"})
    assert info.value.rows == (2, 3)


def test_missing_and_repeated_columns_are_named() -> None:
    text = "Mã phiếu,Đơn vị,Ngày,Tiếp cận dịch vụ,Kết quả,Kết quả dịch vụ\nP1,x,01/01/2025,5,5,5\n"
    with pytest.raises(SurveyImportError) as info:
        import_responses_csv(text)
    problems = {(p.row, p.column) for p in info.value.problems}
    assert (1, "Đối tượng") in problems
    assert (1, "Thủ tục hành chính") in problems
    assert (1, "Công chức") in problems
    assert (1, "Kết quả dịch vụ") in problems  # a second heading for the same factor
    with pytest.raises(SurveyImportError, match="header"):
        import_responses_csv("\n\n")


def test_every_bad_row_is_named_and_nothing_is_imported() -> None:
    text = EXAMPLE + (
        "P001,Người dân,tan-hong,Chứng thực,18/03/2025,5,5,5,5,5\n"  # repeated number
        "P005,Khách,tan hong,Chứng thực,31/02/2025,7,x,4,5,4\n"
        "P006,Người dân,tan-hong,Chứng thực,18/03/2025,5,5\n"  # a short row
        "P007,Người dân,tan-hong,Chứng thực,18/03/2025,5,5,5,5,5,extra\n"
        ",Người dân,tan-hong,Chứng thực,2025/03/18,5,5,5,5,5\n"
    )
    with pytest.raises(SurveyImportError) as info:
        import_responses_csv(text)
    error = info.value
    assert isinstance(error, ct.ValidationError)
    assert error.rows == (5, 6, 7, 8, 9)
    found = {(p.row, p.column) for p in error.problems}
    assert found >= {
        (5, "Mã phiếu"),
        (6, "Đối tượng"),
        (6, "Đơn vị"),
        (6, "Ngày"),
        (6, "Tiếp cận dịch vụ"),
        (6, "Thủ tục hành chính"),
        (7, "Công chức"),
        (8, "(row)"),
        (9, "Mã phiếu"),
        (9, "Ngày"),
    }
    message = str(error)
    assert message.startswith("survey CSV: 5 bad rows, nothing was imported:")
    assert "row 6, column 'Ngày': expected a real date dd/mm/yyyy, got '31/02/2025'" in message
    assert "row 5, column 'Mã phiếu': expected a new number (row 2 has it), got 'P001'" in message


_BAD_CELLS = {
    0: ["", "   "],  # Mã phiếu
    1: ["Khách", "x", "1"],  # Đối tượng
    2: ["tan hong", "", "xã/Tân Hồng"],  # Đơn vị
    4: ["31/02/2025", "2025", "15-13-2025", "hôm qua", ""],  # Ngày
    5: ["0", "6", "x", "4.5", "tốt"],  # factors
    6: ["-1", "99", "Hài lòng lắm"],
    9: ["abc", "3 - Rất hài lòng"],
}
_KINDS = ["Người dân", "Tổ chức", "người dân", "Doanh nghiệp", "citizen"]


@st.composite
def csv_with_bad_cells(draw: st.DrawFn) -> tuple[str, set[int], set[tuple[int, str]]]:
    n = draw(st.integers(1, 12))
    header = HEADER.split(",")
    rows = []
    for i in range(n):
        answers = [
            str(draw(st.sampled_from(["1", "2", "3", "4", "5", "", "Hài lòng"]))) for _ in range(5)
        ]
        day = draw(st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31)))
        rows.append(
            [
                f"P{i}",
                draw(st.sampled_from(_KINDS)),
                "tan-hong",
                "Chứng thực",
                day.strftime("%d/%m/%Y"),
                *answers,
            ]
        )
    bad_positions = draw(
        st.sets(
            st.tuples(st.integers(0, n - 1), st.sampled_from(sorted(_BAD_CELLS))),
            min_size=1,
            max_size=6,
        )
    )
    for row, column in bad_positions:
        rows[row][column] = draw(st.sampled_from(_BAD_CELLS[column]))
    # A row with a blank id and a good rest could be taken for a blank line only if
    # every cell is blank; keep one non-blank cell so the row is seen.
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    bad_rows = {row + 2 for row, _ in bad_positions}
    cells = {(row + 2, header[column]) for row, column in bad_positions}
    return text, bad_rows, cells


@given(csv_with_bad_cells())
def test_random_bad_cells_never_import_and_always_name_the_row(
    case: tuple[str, set[int], set[tuple[int, str]]],
) -> None:
    text, bad_rows, cells = case
    with pytest.raises(SurveyImportError) as info:
        import_responses_csv(text)
    assert set(info.value.rows) == bad_rows
    assert {(p.row, p.column) for p in info.value.problems} == cells
    for row in bad_rows:
        assert f"row {row}, column" in str(info.value)


@given(
    st.lists(st.sampled_from(["1", "2", "3", "4", "5", ""]), min_size=5, max_size=5),
    st.integers(1, 40),
)
def test_good_files_import_every_row(answers: list[str], n: int) -> None:
    rows = [
        f"P{i},Tổ chức,tan-hong,Dịch vụ {i % 3},0{1 + i % 9}/01/2025,{','.join(answers)}"
        for i in range(n)
    ]
    imported = import_responses_csv("\n".join([HEADER, *rows]) + "\n")
    assert len(imported) == n


# --- The index ----------------------------------------------------------------------------


@given(st.integers(1, 5), st.integers(1, 60))
def test_sipas_of_identical_answers_is_that_answers_share(answer: int, n: int) -> None:
    result = compute_sipas([response(i, answer) for i in range(n)])
    expected = 100.0 if answer in (4, 5) else 0.0
    assert result.value == expected
    assert all(f.value == expected for f in result.factors)
    assert result.n == n
    assert result.reliable == (n >= 30)


def test_blank_and_invalid_answers_are_left_out_and_counted() -> None:
    responses = [
        response(1, answers={"access": 5, "procedure": 2}),
        response(2, answers={"access": None, "procedure": 9}),  # 9: off the 1–5 scale
        response(3, answers={"access": 3, "procedure": 4, "unknown-factor": 1}),
    ]
    result = compute_sipas(responses)
    access = result.factor("access")
    assert (access.satisfied, access.valid, access.blank, access.invalid) == (1, 2, 1, 0)
    assert access.value == 50.0
    procedure = result.factor("procedure")
    assert (procedure.satisfied, procedure.valid, procedure.blank, procedure.invalid) == (
        1,
        2,
        0,
        1,
    )
    feedback = result.factor("feedback")
    assert (feedback.valid, feedback.blank, feedback.value) == (0, 3, None)
    # Factors with no valid answer are left out of the mean; the result is not reliable.
    assert result.value == 50.0
    assert not result.reliable
    assert result.n_valid == 2


def test_weights_make_a_weighted_mean() -> None:
    responses = [
        response(i, answers={**dict.fromkeys(FACTOR_IDS, 5), "access": 1}) for i in range(40)
    ]
    equal = compute_sipas(responses)
    assert equal.value == pytest.approx(80.0)
    weights = {**dict.fromkeys(FACTOR_IDS, 1.0), "access": 4.0}
    weighted = compute_sipas(responses, SipasParams(weights=weights))
    assert weighted.value == pytest.approx(100 * 4 / 8)
    ignored = compute_sipas(responses, SipasParams(weights={**weights, "access": 0}))
    assert ignored.value == 100.0


def test_small_samples_are_flagged_not_presented_as_facts() -> None:
    few = compute_sipas([response(i, 5) for i in range(12)])
    assert not few.reliable
    assert few.describe() == (
        "SIPAS of tan-hong, Chứng thực: 100.0% from only 12 valid answers "
        "(fewer than 30): not reliable"
    )
    many = compute_sipas([response(i, 5 if i % 10 else 2) for i in range(200)])
    assert many.reliable
    assert str(many).startswith("SIPAS of tan-hong, Chứng thực: 90.0% ± 4.2 points")
    assert compute_sipas([response(1, 5)], SipasParams(min_sample=1)).reliable
    assert compute_sipas([]).describe() == "SIPAS: no valid answers (0 responses)"


def test_a_sipas_is_described_and_explained_in_vietnamese() -> None:
    few = compute_sipas([response(i, 5) for i in range(12)])
    assert few.describe("vi", unit_name="UBND xã Tân Hồng") == (
        "SIPAS của UBND xã Tân Hồng, Chứng thực: 100,0% từ chỉ 12 câu trả lời hợp lệ "
        "(ít hơn 30): chưa đủ tin cậy"
    )
    many = compute_sipas([response(i, 5 if i % 10 else 2) for i in range(200)])
    assert many.describe("vi").startswith(
        "SIPAS của tan-hong, Chứng thực: 90,0% ± 4,2 điểm phần trăm (z=1,96, 200 phiếu, "
    )
    assert compute_sipas([]).describe("vi") == "SIPAS: không có câu trả lời hợp lệ (0 phiếu)"
    blanks = [response(i, 5) for i in range(40)] + [response(99, None)]
    lines = explain_sipas(compute_sipas(blanks), "vi").splitlines()
    assert lines[1].endswith("40/40 hài lòng (1 để trống): 100,00% ± 0,0")
    assert (
        explain_sipas(compute_sipas(blanks))
        .splitlines()[1]
        .endswith("40 of 40 satisfied (1 blank): 100.00% ± 0.0")
    )


def test_margin_of_error_formula() -> None:
    """95% normal approximation: 1.96 × √(p(1−p)/n), in percentage points."""
    assert margin_of_error(0.5, 100) == pytest.approx(9.8)
    assert margin_of_error(0.9, 400) == pytest.approx(2.94)
    assert margin_of_error(1.0, 50) == 0.0
    assert margin_of_error(0.5, 100, z=2.576) == pytest.approx(12.88)
    with pytest.raises(ct.ValidationError):
        margin_of_error(1.2, 10)
    with pytest.raises(ct.ValidationError):
        margin_of_error(0.5, 0)


@given(st.floats(0.01, 0.99), st.integers(1, 5000), st.integers(1, 5000))
def test_margin_of_error_shrinks_with_n(p: float, n: int, more: int) -> None:
    assert margin_of_error(p, n + more) < margin_of_error(p, n)


@given(st.integers(2, 200), st.integers(1, 200))
def test_sipas_margin_shrinks_with_the_sample(n: int, more: int) -> None:
    def result(size: int) -> Any:
        # Half satisfied, half not, so p stays 0.5 whatever the size.
        return compute_sipas([response(i, 5 if i % 2 else 1) for i in range(2 * size)])

    assert result(n + more).margin < result(n).margin
    conservative = SipasParams(conservative_margin=True)
    all_satisfied = [response(i, 5) for i in range(n)]
    assert compute_sipas(all_satisfied).margin == 0.0
    assert compute_sipas(all_satisfied, conservative).margin == pytest.approx(
        margin_of_error(0.5, n)
    )


def test_by_unit_and_by_service() -> None:
    responses = [response(i, 5, unit="tan-hong", service="Chứng thực") for i in range(3)]
    responses += [response(10 + i, 1, unit="tan-hong", service="Hộ tịch") for i in range(1)]
    responses += [response(20 + i, 4, unit="an-phuoc", service="Chứng thực") for i in range(2)]
    by_unit = sipas_by_unit(responses)
    assert list(by_unit) == ["an-phuoc", "tan-hong"]
    assert by_unit["tan-hong"].value == 75.0
    assert by_unit["tan-hong"].service is None  # two services mixed
    by_service = sipas_by_service(responses)
    assert list(by_service) == [
        ("an-phuoc", "Chứng thực"),
        ("tan-hong", "Chứng thực"),
        ("tan-hong", "Hộ tịch"),
    ]
    assert by_service[("tan-hong", "Hộ tịch")].value == 0.0
    assert by_service[("tan-hong", "Hộ tịch")].n == 1


def test_a_response_counted_twice_is_an_error() -> None:
    with pytest.raises(ct.ValidationError, match="each response once"):
        compute_sipas([response(1), response(1)])


def test_custom_scale_and_factors() -> None:
    scale = AnswerScale(1, 10, satisfied=range(8, 11), labels={}, non_answers=["N/A"])
    factors = (SurveyFactor("policy", "Chính sách", ["Chính sách công"]),)
    params = SipasParams(factors=factors, scale=scale)
    text = "Mã phiếu,Đối tượng,Đơn vị,Ngày,Chính sách công\n1,Người dân,x,01/01/2025,9\n"
    text += "2,Người dân,x,01/01/2025,N/A\n3,Người dân,x,01/01/2025,7\n"
    rows = import_responses_csv(text, params)
    assert [r.answers["policy"] for r in rows] == [9, None, 7]
    assert compute_sipas(rows, params).value == 50.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"low": 5, "high": 1}, "AnswerScale.high"),
        ({"satisfied": {6}}, "AnswerScale.satisfied"),
        ({"satisfied": set()}, "AnswerScale.satisfied"),
        ({"labels": {"Tốt": 9}}, "AnswerScale.labels"),
        ({"low": 1.5}, "AnswerScale.low"),
    ],
)
def test_answer_scale_checks_itself(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ct.ValidationError) as info:
        AnswerScale(**kwargs)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weights": {"access": 1}}, "SipasParams.weights"),
        ({"weights": {**dict.fromkeys(FACTOR_IDS, 1), "speed": 1}}, "SipasParams.weights"),
        ({"weights": dict.fromkeys(FACTOR_IDS, 0)}, "SipasParams.weights"),
        (
            {"weights": {**dict.fromkeys(FACTOR_IDS, 1), "access": -1}},
            "SipasParams.weights['access']",
        ),
        ({"min_sample": 0}, "SipasParams.min_sample"),
        ({"z": 0}, "SipasParams.z"),
        ({"factors": ()}, "SipasParams.factors"),
        ({"factors": (DEFAULT_FACTORS[0], DEFAULT_FACTORS[0])}, "SipasParams.factors"),
    ],
)
def test_sipas_params_check_themselves(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ct.ValidationError) as info:
        SipasParams(**kwargs)
    assert info.value.field == field


def test_survey_response_checks_itself() -> None:
    ok = SurveyResponse(
        unicodedata.normalize("NFD", "Phiếu 1"), "Tổ chức", "tan-hong", "", dt.date(2025, 1, 1), {}
    )
    assert ok.id == "Phiếu 1"
    assert ok.respondent_kind is RespondentKind.ORGANISATION
    assert ok.respondent_kind.label_vi == "Tổ chức"
    assert len({ok, ok}) == 1  # hashable despite the answers mapping
    with pytest.raises(ct.ValidationError, match="SurveyResponse.respondent_kind"):
        SurveyResponse("1", "tourist", "tan-hong", "", dt.date(2025, 1, 1), {})
    with pytest.raises(ct.ValidationError, match="SurveyResponse.answers"):
        SurveyResponse("1", "citizen", "tan-hong", "", dt.date(2025, 1, 1), {"access": "5"})
    with pytest.raises(ct.ValidationError, match="SurveyResponse.unit"):
        SurveyResponse("1", "citizen", "tan hong", "", dt.date(2025, 1, 1), {})
