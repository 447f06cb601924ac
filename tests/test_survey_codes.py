"""Survey codes: random, forgiving to type, kept as digests, answered once."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.survey_codes import (
    CODE_LENGTH,
    SurveyCode,
    SurveyCodeError,
    code_actor,
    code_id,
    format_code,
    new_code,
    normalize_code,
)

from .helpers import unchanged

D = dt.date


def test_a_new_code_has_80_random_bits_in_four_groups() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == CODE_LENGTH + 3 and code.count("-") == 3
        assert not set(code) & set("ILOU")


@given(st.integers(min_value=0, max_value=2**80 - 1))
def test_formatting_and_normalizing_round_trip(number: int) -> None:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    plain = "".join(alphabet[(number >> (5 * i)) & 31] for i in reversed(range(16)))
    printed = format_code(plain)
    assert normalize_code(printed) == plain
    assert normalize_code(printed.lower().replace("-", " ")) == plain
    assert code_id(printed) == code_id(plain.lower())


def test_confusable_letters_are_read_as_the_digits_they_look_like() -> None:
    assert normalize_code("OIL0-0000-0000-0000") == "0110000000000000"


@given(st.text(max_size=60))
def test_any_text_is_a_code_or_a_validation_error(text: str) -> None:
    stripped = "".join(text.split()).replace("-", "").upper()
    if len(stripped) == CODE_LENGTH and all(
        c in "0123456789ABCDEFGHJKMNPQRSTVWXYZOIL" for c in stripped
    ):
        assert len(normalize_code(text)) == CODE_LENGTH
    else:
        with pytest.raises(ct.ValidationError, match="^code: "):
            normalize_code(text)


def test_the_store_keeps_a_digest_never_the_code(memory_tracker: ct.Tracker) -> None:
    tr = memory_tracker
    tr.add_unit(ct.Unit(id="xa", name="Xã", kind="commune"))
    codes = tr.issue_survey_codes(
        "xa", "Chứng thực", 3, issued=D(2025, 1, 1), expires=D(2025, 3, 1)
    )
    documents = repr(tr.to_documents())
    journal = repr(list(tr.entries()))
    for code in codes:
        assert normalize_code(code) not in documents and code not in documents
        assert normalize_code(code) not in journal and code not in journal
        assert tr.survey_code(code).id == code_id(code)
    assert [c.unit for c in tr.survey_codes(unit="xa")] == ["xa"] * 3


@pytest.fixture
def issued(memory_tracker: ct.Tracker) -> tuple[ct.Tracker, str]:
    tr = memory_tracker
    tr.add_unit(ct.Unit(id="xa", name="Xã", kind="commune"))
    [code] = tr.issue_survey_codes("xa", "Hộ tịch", 1, issued=D(2025, 1, 1), expires=D(2025, 3, 1))
    return tr, code


def test_an_answer_is_a_response_of_the_codes_unit_and_the_code_is_used(
    issued: tuple[ct.Tracker, str],
) -> None:
    tr, code = issued
    response = tr.answer_survey(
        code, {"access": 5, "results": 4}, on=D(2025, 2, 1), comment="Nhanh, gọn"
    )
    assert (response.unit, response.service, response.date) == ("xa", "Hộ tịch", D(2025, 2, 1))
    assert response.answers["procedure"] is None
    assert tr.survey_responses(unit="xa") == [response]
    record = tr.survey_code(code)
    assert (record.used_on, record.response, record.comment) == (
        D(2025, 2, 1),
        response.id,
        "Nhanh, gọn",
    )
    entry = list(tr.entries())[-1]
    assert entry.actor == code_actor(code_id(code))
    assert sorted(c.table for c in entry.changes) == ["survey_codes", "survey_responses"]


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda tr, code: tr.answer_survey(code, {}, on=D(2025, 3, 2)), "expired"),
        (lambda tr, code: tr.answer_survey(code, {}, on=D(2024, 12, 31)), "not-yet-valid"),
        (lambda tr, code: tr.answer_survey("0000-0000-0000-0000", {}, on=D(2025, 2, 1)), "unknown"),
    ],
)
def test_a_code_that_opens_nothing_changes_nothing(
    issued: tuple[ct.Tracker, str], call: object, reason: str
) -> None:
    tr, code = issued
    error = unchanged(tr, lambda: call(tr, code), SurveyCodeError)  # type: ignore[operator]
    assert isinstance(error, SurveyCodeError) and error.reason == reason


def test_a_code_answers_once(issued: tuple[ct.Tracker, str]) -> None:
    tr, code = issued
    tr.answer_survey(code, {"access": 4}, on=D(2025, 2, 1))
    error = unchanged(
        tr, lambda: tr.answer_survey(code, {"access": 1}, on=D(2025, 2, 2)), SurveyCodeError
    )
    assert isinstance(error, SurveyCodeError) and error.reason == "used"
    assert len(tr.survey_responses()) == 1


@pytest.mark.parametrize(
    ("answers", "comment", "field"),
    [
        ({"access": 6}, "", "answer_survey.answers['access']"),
        ({"access": True}, "", "answer_survey.answers['access']"),
        ({"speed": 4}, "", "answer_survey.answers"),
        ({"access": 4}, "x" * 1001, "answer_survey.comment"),
        ("5", "", "answer_survey.answers"),
    ],
)
def test_bad_answers_are_refused_naming_the_field(
    issued: tuple[ct.Tracker, str], answers: object, comment: str, field: str
) -> None:
    tr, code = issued
    error = unchanged(
        tr,
        lambda: tr.answer_survey(code, answers, on=D(2025, 2, 1), comment=comment),  # type: ignore[arg-type]
        ct.ValidationError,
    )
    assert isinstance(error, ct.ValidationError) and error.field == field


def test_issuing_checks_its_arguments(memory_tracker: ct.Tracker) -> None:
    tr = memory_tracker
    tr.add_unit(ct.Unit(id="xa", name="Xã", kind="commune"))
    for call, field in [
        (
            lambda: tr.issue_survey_codes("xa", "", 0, issued=D(2025, 1, 1), expires=D(2025, 2, 1)),
            "issue_survey_codes.count",
        ),
        (
            lambda: tr.issue_survey_codes("xa", "", 1, issued=D(2025, 2, 1), expires=D(2025, 1, 1)),
            "SurveyCode.expires",
        ),
        (
            lambda: tr.issue_survey_codes("xa", "", 1, issued="2025-01-01", expires=D(2025, 1, 1)),
            "issue_survey_codes.issued",
        ),  # type: ignore[arg-type]
    ]:
        error = unchanged(tr, call, ct.ValidationError)
        assert isinstance(error, ct.ValidationError) and error.field == field
    unchanged(
        tr,
        lambda: tr.issue_survey_codes("xyz", "", 1, issued=D(2025, 1, 1), expires=D(2025, 1, 2)),
        ct.NotFoundError,
    )


def test_a_survey_code_record_validates_itself() -> None:
    with pytest.raises(ct.ValidationError, match="SurveyCode.id"):
        SurveyCode("not-hex", "xa", "", D(2025, 1, 1), D(2025, 1, 2))
    record = SurveyCode("0" * 20, "xa", "", D(2025, 1, 1), D(2025, 1, 2))
    assert record.usable_on(D(2025, 1, 2)) and not record.usable_on(D(2025, 1, 3))


def test_codes_and_accounts_travel_with_the_stores_documents(memory_tracker: ct.Tracker) -> None:
    from cchc_tasks.accounts import Account, hash_password

    tr = memory_tracker
    tr.add_unit(ct.Unit(id="xa", name="Xã", kind="commune"))
    first, _ = tr.issue_survey_codes("xa", "", 2, issued=D(2025, 1, 1), expires=D(2025, 3, 1))
    tr.answer_survey(first, {"access": 5}, on=D(2025, 1, 2), comment="Tốt")
    tr.add_account(Account("lan", "Lan", "editor", hash_password("mat-khau-dai", n=16), ["xa"]))
    copy = ct.Tracker.memory(load_entrypoints=False)
    copy.import_documents(tr.to_documents())
    assert copy.survey_codes() == tr.survey_codes()
    assert copy.accounts() == tr.accounts()
    with pytest.raises(SurveyCodeError):
        copy.answer_survey(first, {}, on=D(2025, 1, 3))
