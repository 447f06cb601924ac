"""The online survey's writes: issuing one-time survey codes and answering with one.

An answer is one journal line with two changes: the
:class:`~cchc_tasks.surveys.SurveyResponse` (through the same path as
:meth:`add_survey_responses`, so its unit is checked and its id must be new) and the
code marked used. Its actor is the code's id (``survey-code:<id>``), never a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .._fields import nfc
from ..errors import ValidationError
from ..survey_codes import (
    MAX_COMMENT,
    SurveyCode,
    SurveyCodeError,
    code_actor,
    code_id,
    new_code,
)
from ..surveys import RespondentKind, SurveyResponse
from ._session import Service

if TYPE_CHECKING:
    from ._indices import IndexService
    from ._session import Session
    from .reader import Reader

__all__ = ["MAX_CODES", "SurveyCodeService"]

#: The most codes one call issues (a print run, not a database dump).
MAX_CODES = 10_000


def _check_day(name: str, value: Any) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(name, "a date (datetime.date)", value)
    return value


class SurveyCodeService(Service):
    def __init__(self, session: Session, reader: Reader, indices: IndexService) -> None:
        super().__init__(session, reader)
        self.indices = indices

    def issue_survey_codes(
        self,
        unit: str,
        service: str,
        count: int,
        issued: dt.date,
        expires: dt.date,
        actor: str | None,
        note: str | None,
    ) -> list[str]:
        s = self.session
        s.writable()
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_CODES:
            raise ValidationError(
                "issue_survey_codes.count", f"a number from 1 to {MAX_CODES}", count
            )
        _check_day("issue_survey_codes.issued", issued)
        _check_day("issue_survey_codes.expires", expires)
        codes = [new_code() for _ in range(count)]
        records = [SurveyCode(code_id(c), unit, service, issued, expires) for c in codes]
        with s.write(actor, note):
            s.require("units", records[0].unit, "issue_survey_codes.unit")
            for record in records:
                self.allow("issue_survey_codes", record)
                s.require_new("survey_codes", record)
                s.put("survey_codes", record)
        return codes

    def answer_survey(
        self,
        code: str,
        answers: Mapping[str, int | None],
        respondent_kind: RespondentKind | str,
        on: dt.date,
        comment: str,
        note: str | None,
    ) -> SurveyResponse:
        s = self.session
        s.writable()
        key = code_id(code)
        _check_day("answer_survey.on", on)
        checked = self.check_answers(answers, on.year)
        comment = nfc(comment)
        if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
            raise ValidationError(
                "answer_survey.comment", f"text of at most {MAX_COMMENT} characters", comment
            )
        with s.write(code_actor(key), note):
            record: SurveyCode | None = s.find("survey_codes", key)
            if record is None:
                raise SurveyCodeError("unknown", None)
            refusal = record.refusal(on)
            if refusal is not None:
                raise SurveyCodeError(refusal, key)
            response = SurveyResponse(
                f"code:{key}", respondent_kind, record.unit, record.service, on, checked
            )
            self.indices.add_responses("answer_survey", [response])
            used = attrs.evolve(record, used_on=on, response=response.id, comment=comment)
            self.allow("answer_survey", used)
            s.put("survey_codes", used)
        return response

    def check_answers(self, answers: Mapping[str, int | None], year: int) -> dict[str, int | None]:
        """Every factor of the year's SIPAS parameters answered on its scale or blank
        (``None``, or left out); no other key."""
        if not isinstance(answers, Mapping):
            raise ValidationError(
                "answer_survey.answers", "a mapping of factor id to answer", answers
            )
        params = self.session.settings.for_year(year).sipas
        factors = [f.id for f in params.factors]
        for key in answers:
            if key not in factors:
                raise ValidationError("answer_survey.answers", f"factor ids among {factors}", key)
        checked: dict[str, int | None] = {}
        for factor in factors:
            answer = answers.get(factor)
            if answer is not None and not params.scale.is_valid(answer):
                raise ValidationError(
                    f"answer_survey.answers[{factor!r}]",
                    f"an answer from {params.scale.low} to {params.scale.high} or blank",
                    answer,
                )
            checked[factor] = answer
        return checked
