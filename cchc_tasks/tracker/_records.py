"""Records of the year: indicator results, disciplinary decisions, assessments of
heads, absences, the ratings the competent authority decided, and inspections
("kiểm tra")."""

from __future__ import annotations

import datetime as dt

import attrs

from ..errors import ValidationError
from ..inspections import Inspection
from ..ratings import Rating
from ..results import (
    Absence,
    Assessment,
    Discipline,
    PersonRating,
    Result,
    UnitRating,
    UnitSanction,
)
from ._indicators import scale_of
from ._session import Reference, Service

__all__ = ["RecordService"]


class RecordService(Service):
    def record_result(self, result: Result, actor: str | None, note: str | None) -> Result:
        def refers(r: Result) -> list[Reference]:
            return [("units", r.unit, "Result.unit")]

        def check(r: Result) -> None:
            scale_of(self.session, r.indicator, "Result.indicator").check(r.value, "Result.value")

        # A result of the same indicator, unit and year is corrected: not new.
        return self.record(
            "record_result",
            "results",
            result,
            actor,
            note,
            refers_to=refers,
            new=False,
            check=check,
        )

    def discipline(
        self,
        person: str,
        on: dt.date,
        reason: str,
        form: str,
        actor: str | None,
        note: str | None,
        *,
        level: str | None = None,
        duty_related: bool | None = None,
        violation_year: int | None = None,
    ) -> Discipline:
        s = self.session
        s.writable()
        record = Discipline(
            person=person,
            on=on,
            reason=reason,
            form=form,
            level=level,
            duty_related=duty_related,
            violation_year=violation_year,
        )
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

    def record_absence(
        self,
        person: str,
        start: dt.date,
        end: dt.date,
        kind: str,
        actor: str | None,
        note: str | None,
    ) -> Absence:
        s = self.session
        s.writable()
        record = Absence(person=person, start=start, end=end, kind=kind)
        with s.write(actor, note):
            s.require("persons", record.person, "Absence.person")
            for other in s.all("absences", s.lookup("absences", "person", record.person)):
                if other.start <= record.end and record.start <= other.end:
                    raise ValidationError(
                        "Absence.start",
                        f"no overlap with absence {other.id} ({other.start.isoformat()} to "
                        f"{other.end.isoformat()})",
                        record.start,
                    )
            number = len(s.lookup("absences", "person", record.person))
            record = attrs.evolve(record, id=f"{record.person}~{number + 1}")
            self.allow("record_absence", record)
            s.put("absences", record)
        return record

    def record_unit_rating(
        self,
        unit: str,
        year: int,
        rating: Rating | str,
        by: str,
        actor: str | None,
        note: str | None,
    ) -> UnitRating:
        self.session.writable()  # before the arguments are looked at
        record = UnitRating(unit=unit, year=year, rating=rating, by=by)

        def refers(r: UnitRating) -> list[Reference]:
            return [("units", r.unit, "UnitRating.unit")]

        # A rating of the same unit and year is corrected: not new.
        return self.record(
            "record_unit_rating", "unit_ratings", record, actor, note, refers_to=refers, new=False
        )

    def record_rating(
        self,
        person: str,
        year: int,
        rating: Rating | str,
        by: str,
        actor: str | None,
        note: str | None,
    ) -> PersonRating:
        self.session.writable()  # before the arguments are looked at
        record = PersonRating(person=person, year=year, rating=rating, by=by)

        def refers(r: PersonRating) -> list[Reference]:
            return [("persons", r.person, "PersonRating.person")]

        # A rating of the same person and year is corrected: not new.
        return self.record(
            "record_rating", "person_ratings", record, actor, note, refers_to=refers, new=False
        )

    def record_sanction(
        self,
        unit: str,
        on: dt.date,
        kind: str,
        document: str,
        actor: str | None,
        note: str | None,
    ) -> UnitSanction:
        self.session.writable()  # before the arguments are looked at
        sanction = UnitSanction(unit=unit, on=on, kind=kind, document=document)

        def refers(x: UnitSanction) -> list[Reference]:
            return [("units", x.unit, "UnitSanction.unit")]

        def check(x: UnitSanction) -> None:
            self.session.check_recorded_day("UnitSanction.on", x.on)

        # The same decision recorded again is corrected (its document), not added twice.
        return self.record(
            "record_sanction", "sanctions", sanction, actor, note,
            refers_to=refers, new=False, check=check,
        )  # fmt: skip

    def record_inspection(
        self, inspection: Inspection, actor: str | None, note: str | None
    ) -> Inspection:
        def check(i: Inspection) -> None:
            self.session.check_recorded_day("Inspection.on", i.on)

        # An inspection recorded again is corrected: not new.
        return self.record(
            "record_inspection",
            "inspections",
            inspection,
            actor,
            note,
            refers_to=_inspection_references,
            new=False,
            check=check,
        )


def _inspection_references(inspection: Inspection) -> list[Reference]:
    return [
        ("persons", inspection.inspector, "Inspection.inspector"),
        *(("units", uid, "Inspection.units") for uid in inspection.units),
        *(("tasks", tid, "Inspection.tasks") for tid in inspection.tasks),
        *(("tasks", tid, "Inspection.follow_up") for tid in inspection.follow_up),
    ]
