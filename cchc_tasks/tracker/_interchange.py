"""Interchange: a whole store's documents in (the inverse of ``to_documents``).

Every object is decoded and validated first, and all bad ones are listed in one
:class:`~cchc_tasks.errors.StoreImportError`; then all are written through the
services (so every check and the ``cchc_authorize`` plugins apply) in one batch, one
journal line. Any error leaves the store unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .._codec import structure
from ..errors import CchcError, PermissionDeniedError, StoreImportError, ValidationError
from ..results import Absence, Discipline
from ._configuration import ConfigurationService
from ._indicators import IndicatorService
from ._session import Service, Session
from ._tables import TABLES

if TYPE_CHECKING:
    from ._indices import IndexService
    from ._org import OrganisationService
    from ._records import RecordService
    from ._tasks import TaskService
    from ._time import TimeService
    from .reader import Reader

__all__ = ["IMPORT_ORDER", "InterchangeService"]

#: The order tables are decoded and written in: each after those it refers to.
IMPORT_ORDER = (
    "configuration",
    "indicators",
    "units",
    "persons",
    "plans",
    "targets",
    "headships",
    "calendar",
    "tasks",
    "series",
    "chains",
    "results",
    "disciplines",
    "assessments",
    "absences",
    "unit_ratings",
    "person_ratings",
    "sanctions",
    "inspections",
    "criteria",
    "scorecards",
    "survey_responses",
    "index_computations",
    "survey_codes",
    "accounts",
)

Write = tuple[str, Any, Callable[[Any], Any]]


class InterchangeService(Service):
    def __init__(
        self,
        session: Session,
        reader: Reader,
        *,
        org: OrganisationService,
        tasks: TaskService,
        records: RecordService,
        time: TimeService,
        indices: IndexService,
    ) -> None:
        super().__init__(session, reader)
        self.org = org
        self.tasks = tasks
        self.records = records
        self.time = time
        self.indices = indices

    def import_documents(
        self,
        tables: Mapping[str, Any],
        source: str,
        actor: str | None,
        note: str | None,
    ) -> int:
        self.session.writable()
        if not isinstance(tables, Mapping):
            raise StoreImportError(source, ["expected a JSON object with the store's tables"])
        decoded, problems = decode_tables(tables)
        problems += self._clashes(decoded)
        if problems:
            raise StoreImportError(source, problems)
        writes, restored = self._writes(decoded)
        with self.session.write(actor, note):
            for table, obj, write in writes:
                try:
                    write(obj)
                except PermissionDeniedError:
                    raise  # who may write is not a fault of the file
                except CchcError as exc:
                    raise StoreImportError(source, [f"{table} {obj.id!r}: {exc}"]) from exc
        return len(writes) - restored

    def _clashes(self, decoded: dict[str, list[Any]]) -> list[str]:
        """A line for each object whose key the store holds already, or the file twice.

        Importing never changes an existing object: several writes replace what they
        find (a result, an assessment, a scorecard are recorded again under the same
        key), so without this check a file would silently overwrite them."""
        problems = []
        for table, objects in decoded.items():
            seen: set[str] = set()
            kind = TABLES[table].kind
            for obj in objects:
                key = getattr(obj, "id", "")
                if not key:
                    continue  # numbered by the tracker (a discipline without its number)
                if self.session.exists(table, key):
                    problems.append(
                        f"{table} {key!r}: expected a new {kind}, got one the store holds "
                        "already (an import never changes an existing object)"
                    )
                elif key in seen:
                    problems.append(f"{table} {key!r}: expected each {kind} once, got it twice")
                seen.add(key)
        return problems

    def _exists(self, table: str) -> Callable[[str], bool]:
        """Whether an object of ``table`` with a given id is in the store already."""
        return lambda key: self.session.exists(table, key)

    def _writes(self, decoded: dict[str, list[Any]]) -> tuple[list[Write], int]:
        """What to write, in order, and how many objects are written twice."""
        org, tasks, records = self.org, self.tasks, self.records
        # Successors are set once every unit exists: a unit that ended names units added
        # after it, and the store order (the doc ids) must come back as it was.
        units = in_dependency_order(decoded["units"], lambda u: (u.parent,), self._exists("units"))
        plans = in_dependency_order(decoded["plans"], lambda p: (p.parent,), self._exists("plans"))
        ended = [u for u in units if u.successors]
        writes: list[Write] = []

        def add(table: str, items: Iterable[Any], write: Callable[[Any], Any]) -> None:
            writes.extend((table, obj, write) for obj in items)

        configuring = ConfigurationService(self.session, self.reader)
        add("configuration", decoded["configuration"], configuring.restore)
        indicators = IndicatorService(self.session, self.reader)
        add("indicators", decoded["indicators"], lambda i: indicators.add_indicator(i, None, None))
        add("units", units, lambda u: org.add_unit(attrs.evolve(u, successors=()), None, None))
        add("units", ended, org.restore_successors)
        add("persons", decoded["persons"], lambda p: org.add_person(p, None, None))
        add("plans", plans, lambda p: org.add_plan(p, None, None))
        add("targets", decoded["targets"], lambda t: org.add_target(t, None, None))
        add(
            "headships",
            decoded["headships"],
            lambda h: org.appoint_head(h.unit, h.person, h.start, h.end, None, None, h.category),
        )
        add(
            "calendar",
            decoded["calendar"],
            lambda o: self.time.add_calendar_override(o, None, None),
        )
        add("tasks", decoded["tasks"], lambda t: tasks.add_task(t, None, None))
        # The occurrences are among the tasks already: adding the series skips every one.
        add(
            "series",
            decoded["series"],
            lambda s: tasks.add_recurring_task(s.template, s.recurrence, s.through, None, None),
        )
        # The chains' occurrences are among the tasks already: adding a chain skips its first.
        add(
            "chains",
            decoded["chains"],
            lambda c: tasks.add_task_chain(c.template, c.rule, None, None),
        )
        add("results", decoded["results"], lambda x: records.record_result(x, None, None))
        add("disciplines", decoded["disciplines"], self._discipline)
        add(
            "assessments",
            decoded["assessments"],
            lambda a: records.record_assessment(
                a.person, a.year, a.general_points, a.by, a.note, None
            ),
        )
        add("absences", decoded["absences"], self._absence)
        add(
            "unit_ratings",
            decoded["unit_ratings"],
            lambda x: records.record_unit_rating(x.unit, x.year, x.rating, x.by, None, None),
        )
        add(
            "person_ratings",
            decoded["person_ratings"],
            lambda x: records.record_rating(x.person, x.year, x.rating, x.by, None, None),
        )
        add(
            "sanctions",
            decoded["sanctions"],
            lambda x: records.record_sanction(x.unit, x.on, x.kind, x.document, None, None),
        )
        add(
            "inspections",
            decoded["inspections"],
            lambda i: records.record_inspection(i, None, None),
        )
        self._index_writes(decoded, add)
        self._web_writes(decoded, add)
        return writes, len(ended)

    def _index_writes(
        self,
        decoded: dict[str, list[Any]],
        add: Callable[[str, Iterable[Any], Callable[[Any], Any]], None],
    ) -> None:
        indices = self.indices
        add(
            "criteria",
            decoded["criteria"],
            lambda e: indices.set_criteria(e.tree, e.year, e.unit_kind, e.province, None, None),
        )
        add("scorecards", decoded["scorecards"], lambda c: indices.record_scorecard(c, None, None))
        add(
            "survey_responses",
            decoded["survey_responses"],
            lambda x: indices.add_responses("add_survey_responses", [x]),
        )
        # Computations are kept as they were recorded, not computed again.
        add("index_computations", decoded["index_computations"], indices.restore_index_computation)

    def _web_writes(
        self,
        decoded: dict[str, list[Any]],
        add: Callable[[str, Iterable[Any], Callable[[Any], Any]], None],
    ) -> None:
        """Survey codes (used or not, as they were) and staff accounts."""

        def unit_of(code: Any) -> list[tuple[str, str | None, str]]:
            return [("units", code.unit, "SurveyCode.unit")]

        def units_of(account: Any) -> list[tuple[str, str | None, str]]:
            return [("units", unit, "Account.units") for unit in account.units]

        add(
            "survey_codes",
            decoded["survey_codes"],
            lambda c: self.record(
                "issue_survey_codes", "survey_codes", c, None, None, refers_to=unit_of
            ),
        )
        add(
            "accounts",
            decoded["accounts"],
            lambda a: self.record("add_account", "accounts", a, None, None, refers_to=units_of),
        )

    def _discipline(self, d: Discipline) -> Discipline:
        """Disciplines are numbered by the tracker (``person#n``); written in file order
        they get their numbers back, and a file whose numbers do not follow is refused."""
        made = self.records.discipline(
            d.person,
            d.on,
            d.reason,
            d.form,
            None,
            None,
            level=d.level,
            duty_related=d.duty_related,
            violation_year=d.violation_year,
        )
        if d.id and made.id != d.id:
            raise ValidationError(
                "Discipline.id", f"the next number for {d.person} ({made.id})", d.id
            )
        return made

    def _absence(self, a: Absence) -> Absence:
        """Absences are numbered by the tracker (``person~n``), like disciplines."""
        made = self.records.record_absence(a.person, a.start, a.end, a.kind, None, None)
        if a.id and made.id != a.id:
            raise ValidationError("Absence.id", f"the next number for {a.person} ({made.id})", a.id)
        return made


def decode_tables(tables: Mapping[str, Any]) -> tuple[dict[str, list[Any]], list[str]]:
    """Every object decoded and validated, and a line for each one that is not."""
    problems = [
        f"{t}: expected one of the tables {', '.join(IMPORT_ORDER)}"
        for t in tables
        if t not in TABLES
    ]
    decoded: dict[str, list[Any]] = {}
    for table in IMPORT_ORDER:
        docs = tables.get(table, [])
        if not isinstance(docs, list):
            problems.append(f"{table}: expected a list of objects, got {type(docs).__name__}")
            continue
        decoded[table] = []
        for i, doc in enumerate(docs):
            try:
                decoded[table].append(decode_document(table, doc))
            except ValidationError as exc:
                where = f"{table}[{i}]"
                if isinstance(doc, dict) and isinstance(doc.get("id"), str):
                    where += f" {doc['id']!r}"
                problems.append(f"{where}: {exc}")
    return decoded, problems


def decode_document(table: str, doc: Any) -> Any:
    """One stored document decoded and validated; a derived key must match."""
    spec = TABLES[table]
    if not (spec.derived_key and isinstance(doc, dict)):
        return structure(spec.cls, doc)
    obj = structure(spec.cls, {k: v for k, v in doc.items() if k != "id"})
    if "id" in doc and doc["id"] != obj.id:
        raise ValidationError(f"{spec.cls.__name__}.id", repr(obj.id), doc["id"])
    return obj


def in_dependency_order(
    items: list[Any], needs: Callable[[Any], Iterable[str | None]], present: Callable[[str], bool]
) -> list[Any]:
    """``items`` with each one after those of them it refers to, otherwise in file order
    (a stable topological sort). What refers to nothing in the file is left for the
    tracker to check against the store."""
    ids = {item.id for item in items}
    done: set[str] = set()
    ordered: list[Any] = []
    waiting = list(items)
    while waiting:
        still: list[Any] = []
        for item in waiting:
            refs = [r for r in needs(item) if r is not None and r in ids and not present(r)]
            if all(r in done for r in refs):
                ordered.append(item)
                done.add(item.id)
            else:
                still.append(item)
        if len(still) == len(waiting):  # a cycle: the tracker will say where
            ordered.extend(still)
            break
        waiting = still
    return ordered
