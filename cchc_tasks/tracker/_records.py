"""Records of the year: indicator results, disciplinary decisions, assessments of
heads, and inspections ("kiểm tra")."""

from __future__ import annotations

import datetime as dt

import attrs

from ..errors import ValidationError
from ..inspections import Inspection
from ..results import Assessment, Discipline, Result
from ._indicators import scale_of
from ._session import Service

__all__ = ["RecordService"]


class RecordService(Service):
    def record_result(self, result: Result, actor: str | None, note: str | None) -> Result:
        s = self.session
        s.writable()
        s.check_type(result, Result, "record_result.result")
        with s.write(actor, note):
            self.allow("record_result", result)
            s.require("units", result.unit, "Result.unit")
            scale_of(s, result.indicator, "Result.indicator").check(result.value, "Result.value")
            s.put("results", result)
        return result

    def discipline(
        self,
        person: str,
        on: dt.date,
        reason: str,
        form: str,
        actor: str | None,
        note: str | None,
    ) -> Discipline:
        s = self.session
        s.writable()
        record = Discipline(person=person, on=on, reason=reason, form=form)
        with s.write(actor, note):
            s.require("persons", record.person, "Discipline.person")
            s.check_recorded_day("Discipline.on", record.on)
            number = len(s.lookup("disciplines", "person", record.person))
            record = attrs.evolve(record, id=f"{record.person}#{number + 1}")
            self.allow("discipline", record)
            s.put("disciplines", record)
        return record

    def record_assessment(
        self,
        person: str,
        year: int,
        general_points: float,
        by: str,
        note: str | None,
        actor: str | None,
    ) -> Assessment:
        s = self.session
        s.writable()
        assessment = Assessment(
            person=person, year=year, general_points=general_points, by=by, note=note or ""
        )
        with s.write(actor, note):
            self.allow("record_assessment", assessment)
            s.require("persons", assessment.person, "Assessment.person")
            limit = s.settings.for_year(assessment.year).decree335.general_max
            if assessment.general_points > limit:
                raise ValidationError(
                    "Assessment.general_points",
                    f"points from 0 to {limit:g}",
                    assessment.general_points,
                )
            s.put("assessments", assessment)
        return assessment

    def record_inspection(
        self, inspection: Inspection, actor: str | None, note: str | None
    ) -> Inspection:
        s = self.session
        s.writable()
        s.check_type(inspection, Inspection, "record_inspection.inspection")
        with s.write(actor, note):
            self.allow("record_inspection", inspection)
            s.require("persons", inspection.inspector, "Inspection.inspector")
            s.check_recorded_day("Inspection.on", inspection.on)
            for uid in inspection.units:
                s.require("units", uid, "Inspection.units")
            for tid in inspection.tasks:
                s.require("tasks", tid, "Inspection.tasks")
            for tid in inspection.follow_up:
                s.require("tasks", tid, "Inspection.follow_up")
            s.put("inspections", inspection)
        return inspection
