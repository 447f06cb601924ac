"""The PAR-style index ("Chỉ số cải cách hành chính"): criteria as data, scorecards, results.

Every province writes its own criteria table for each kind of unit and revises it most
years, and the tables that were found (regulation.md §1) share one shape but not one set
of numbers: fields ("lĩnh vực") → criteria ("tiêu chí") → sub-criteria ("tiêu chí thành
phần"), each with a maximum, plus a sociological-survey part and, in Hà Nội since 2025,
bonus and penalty points. So the tree is *data* — a TOML or JSON file loaded by
:func:`load_criteria` and checked on load — and only the arithmetic is code (rule R1):

* ``index % = 100 × (appraised + survey + bonus − penalty) / maximum``, clamped to 0–100;
* a component index per field (and per criterion) = points / that node's maximum;
* without a survey, the appraised part is rescaled to the full scale (Hà Nội practice),
  unless ``rescale_without_survey=False``.

A :class:`UnitScorecard` holds one unit's year: self-assessed points with evidence,
the appraisal council's replacements, survey points, bonus and penalty points, and the
task counts that fill designated criteria automatically. :func:`compute_index` turns a
tree and a scorecard into an :class:`IndexResult` that keeps, for every node, its points,
maximum, source and evidence, so :meth:`IndexResult.explain` can answer "why 84.35?"
down to each document. Nothing here reads a clock or a store: the tracker feeds it.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import os
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

import attrs

from ._fields import (
    check_id,
    check_int,
    check_nonempty_text,
    check_number,
    check_optional_date,
    check_text,
    check_year,
    field_name,
    is_finite_number,
    is_valid_id,
    nfc,
)
from ._files import read_toml_or_json
from .errors import ValidationError

__all__ = [
    "FORMULAS",
    "Appraisal",
    "AutoFormula",
    "Bonus",
    "CriteriaNode",
    "CriteriaTree",
    "Evidence",
    "IndexResult",
    "NodeScore",
    "Penalty",
    "ScoreSource",
    "SelfAssessment",
    "TaskCounts",
    "UnitScorecard",
    "compute_index",
    "default_criteria",
    "load_criteria",
]

#: The level names of the tree, from the root down.
LEVELS = ("field", "criterion", "sub-criterion")
#: The key that holds a node's children in a criteria file, per level.
_CHILD_KEYS = ("criteria", "sub_criteria")

#: A function of the counts of tasks done on time, done late and overdue that returns the
#: share (0 to 1) of a criterion's maximum earned, or ``None`` when it cannot say (no
#: counted tasks): the criterion is then scored as if it were not automatic.
AutoFormula = Callable[[int, int, int], float | None]


def _on_time_share(on_time: int, late: int, overdue: int) -> float | None:
    counted = on_time + late + overdue
    return None if counted == 0 else on_time / counted


def _done_share(on_time: int, late: int, overdue: int) -> float | None:
    counted = on_time + late + overdue
    return None if counted == 0 else (on_time + late) / counted


def _all_on_time(on_time: int, late: int, overdue: int) -> float | None:
    counted = on_time + late + overdue
    return None if counted == 0 else float(on_time == counted)


#: Named formulas that a criteria file may give as ``auto = "…"``:
#:
#: * ``on_time_share``: tasks done on time / counted tasks (the usual "mức độ hoàn thành
#:   kế hoạch" criterion);
#: * ``done_share``: tasks done, on time or late / counted tasks;
#: * ``all_on_time``: the full maximum if every counted task was done on time, else 0.
#:
#: Counted tasks are those done on time, done late and overdue; pending and cancelled
#: tasks do not count, as in the unit score of the evaluation.
FORMULAS: Mapping[str, AutoFormula] = MappingProxyType(
    {"on_time_share": _on_time_share, "done_share": _done_share, "all_on_time": _all_on_time}
)

# Maxima that differ by float rounding only (0.1 + 0.2 against 0.3) are equal.
_ABS_TOL = 1e-6


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=_ABS_TOL)


def _fmt(value: float) -> str:
    """Points for people: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _check_auto_name(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and value not in FORMULAS:
        raise ValidationError(
            field_name(instance, attribute), f"None or one of {sorted(FORMULAS)}", value
        )


def _tuple_of(kind: type[Any], what: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple) or not all(isinstance(v, kind) for v in value):
            raise ValidationError(field_name(instance, attribute), f"a list of {what}", value)

    return validate


def _to_tuple(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


# --- The criteria tree --------------------------------------------------------------------


@attrs.frozen
class CriteriaNode:
    """A field, criterion or sub-criterion: ``id``, Vietnamese ``name``, ``max_points``.

    A node with children is worth exactly the sum of their maxima: a table whose parts
    do not add up is a typing error in the province's decision, and we would rather
    say so than score against the wrong maximum. Only leaves are scored; ``auto`` names
    a formula of :data:`FORMULAS` that fills a leaf from task completion.
    """

    id: str = attrs.field(converter=nfc, validator=check_id)
    name: str = attrs.field(converter=nfc, validator=check_nonempty_text)
    max_points: float = attrs.field(validator=check_number(minimum=0.0))
    children: tuple[CriteriaNode, ...] = attrs.field(
        default=(), converter=_to_tuple, validator=lambda i, a, v: _check_children(i, a, v)
    )
    auto: str | None = attrs.field(default=None, validator=_check_auto_name)
    description: str = attrs.field(default="", converter=nfc, validator=check_text)

    def __attrs_post_init__(self) -> None:
        if self.children:
            total = math.fsum(c.max_points for c in self.children)
            if not _close(total, self.max_points):
                raise ValidationError(
                    "CriteriaNode.max_points",
                    f"the sum of the children's maxima, {_fmt(total)}",
                    self.max_points,
                )
            if self.auto is not None:
                raise ValidationError(
                    "CriteriaNode.auto", "no formula on a node with children", self.auto
                )

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def iter_nodes(self) -> Iterator[CriteriaNode]:
        """This node and every node below it, depth first, in order."""
        yield self
        for child in self.children:
            yield from child.iter_nodes()


def _check_children(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    # A function of its own: the class it checks for is defined after the field.
    _tuple_of(CriteriaNode, "CriteriaNode")(instance, attribute, value)


@attrs.frozen
class CriteriaTree:
    """A whole criteria table: the fields, and the survey, bonus and penalty parts.

    ``max_points`` (usually 100) = the fields' maxima + ``survey_max``. Bonus and
    penalty points lie outside it, capped by ``bonus_max`` and ``penalty_max`` (0: the
    method has no such part). ``province``, ``unit_kind`` and ``year`` say which table
    this is (provinces issue one per kind of unit and revise them); ``basis`` names the
    decision it comes from.
    """

    fields: tuple[CriteriaNode, ...] = attrs.field(
        converter=_to_tuple, validator=_tuple_of(CriteriaNode, "CriteriaNode")
    )
    survey_max: float = attrs.field(default=0.0, validator=check_number(minimum=0.0))
    bonus_max: float = attrs.field(default=0.0, validator=check_number(minimum=0.0))
    penalty_max: float = attrs.field(default=0.0, validator=check_number(minimum=0.0))
    id: str = attrs.field(default="", converter=nfc, validator=check_text)
    name: str = attrs.field(default="", converter=nfc, validator=check_text)
    province: str = attrs.field(default="", converter=nfc, validator=check_text)
    unit_kind: str = attrs.field(default="", converter=nfc, validator=check_text)
    year: int | None = attrs.field(default=None)
    basis: str = attrs.field(default="", converter=nfc, validator=check_text)
    survey_name: str = attrs.field(default="Điều tra xã hội học", converter=nfc)
    bonus_name: str = attrs.field(default="Điểm thưởng", converter=nfc)
    penalty_name: str = attrs.field(default="Điểm trừ", converter=nfc)
    _index: Mapping[str, tuple[CriteriaNode, int]] = attrs.field(init=False, repr=False, eq=False)

    @year.validator
    def _check_year(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            check_year(self, attribute, value)

    def __attrs_post_init__(self) -> None:
        if not self.fields:
            raise ValidationError("CriteriaTree.fields", "at least one field", self.fields)
        if not self.appraised_max > 0:
            raise ValidationError(
                "CriteriaTree.fields", "fields worth more than 0 points", self.appraised_max
            )
        index: dict[str, tuple[CriteriaNode, int]] = {}

        def walk(node: CriteriaNode, depth: int) -> None:
            if depth >= len(LEVELS):
                raise ValidationError(
                    "CriteriaTree.fields", "at most three levels", f"{node.id} below level 3"
                )
            if node.id in index:
                raise ValidationError("CriteriaTree.fields", "unique ids", node.id)
            index[node.id] = (node, depth)
            for child in node.children:
                walk(child, depth + 1)

        for field in self.fields:
            walk(field, 0)
        object.__setattr__(self, "_index", MappingProxyType(index))

    @property
    def appraised_max(self) -> float:
        """The maximum of the self-assessed and appraised part: the fields' sum."""
        return math.fsum(f.max_points for f in self.fields)

    @property
    def max_points(self) -> float:
        """The maximum of the whole index: fields + survey (bonus and penalty excluded)."""
        return self.appraised_max + self.survey_max

    @property
    def label(self) -> str:
        """How results name this table: its name and id."""
        if self.name and self.id:
            return f"{self.name} ({self.id})"
        return self.name or self.id or "criteria"

    def node(self, id: str) -> CriteriaNode:
        """The node with ``id``; :class:`ValidationError` if there is none."""
        try:
            return self._index[nfc(id)][0]
        except KeyError:
            raise ValidationError("criterion", f"a criterion id of {self.label}", id) from None

    def level(self, id: str) -> str:
        """``"field"``, ``"criterion"`` or ``"sub-criterion"``."""
        self.node(id)
        return LEVELS[self._index[nfc(id)][1]]

    def __contains__(self, id: object) -> bool:
        return isinstance(id, str) and nfc(id) in self._index

    def iter_nodes(self) -> Iterator[CriteriaNode]:
        for field in self.fields:
            yield from field.iter_nodes()

    def leaves(self) -> tuple[CriteriaNode, ...]:
        """The scored nodes, in order."""
        return tuple(n for n in self.iter_nodes() if n.is_leaf)


def _err(where: str, path: str, expected: str, got: Any) -> ValidationError:
    return ValidationError(f"{where}{path}", expected, got)


def _number(data: Mapping[str, Any], key: str, where: str, path: str) -> float | None:
    if key not in data:
        return None
    value = data[key]
    if not is_finite_number(value) or value < 0:
        raise _err(where, f"{path}.{key}" if path else key, "a number >= 0", value)
    return float(value)


def _text(data: Mapping[str, Any], key: str, where: str, path: str, *, required: bool) -> str:
    full = f"{path}.{key}" if path else key
    if key not in data:
        if required:
            raise _err(where, full, "non-empty text", None)
        return ""
    value = nfc(data[key])
    if not isinstance(value, str) or (required and not value):
        raise _err(where, full, "non-empty text", data[key])
    return value


_NODE_KEYS = frozenset({"id", "name", "max", "auto", "description"})


def _build_node(data: Any, path: str, depth: int, where: str, seen: dict[str, str]) -> CriteriaNode:
    level = LEVELS[depth]
    if not isinstance(data, Mapping):
        raise _err(where, path, f"a table describing a {level} (id, name, max)", data)
    child_key = _CHILD_KEYS[depth] if depth < len(_CHILD_KEYS) else None
    allowed = _NODE_KEYS | ({child_key} if child_key else set())
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _err(where, f"{path}.{unknown[0]}", f"one of {sorted(allowed)}", unknown[0])
    raw_id = nfc(data.get("id"))
    if not is_valid_id(raw_id):
        raise _err(
            where, f"{path}.id", "an id: 1 to 64 printable characters without spaces", raw_id
        )
    if raw_id in seen:
        raise _err(
            where, f"{path}.id", f"an id not used elsewhere (used at {seen[raw_id]})", raw_id
        )
    seen[raw_id] = path
    name = _text(data, "name", where, path, required=True)
    description = _text(data, "description", where, path, required=False)
    raw_children = data.get(child_key, []) if child_key else []
    if not isinstance(raw_children, list):
        raise _err(
            where, f"{path}.{child_key}", f"a list of tables ([[…{child_key}]])", raw_children
        )
    children = tuple(
        _build_node(child, f"{path}.{child_key}[{i}]", depth + 1, where, seen)
        for i, child in enumerate(raw_children)
    )
    maximum = _number(data, "max", where, path)
    total = math.fsum(c.max_points for c in children)
    if maximum is None:
        if not children:
            raise _err(where, f"{path}.max", f"the {level}'s maximum points (a number >= 0)", None)
        maximum = total
    elif children and not _close(total, maximum):
        raise _err(
            where,
            f"{path}.max",
            f"the sum of its {child_key} maxima, {_fmt(total)} (or leave max out)",
            data["max"],
        )
    auto = data.get("auto")
    if auto is not None:
        if children:
            raise _err(where, f"{path}.auto", f"no formula on a {level} with {child_key}", auto)
        if auto not in FORMULAS:
            raise _err(where, f"{path}.auto", f"one of {sorted(FORMULAS)}", auto)
    try:
        return CriteriaNode(raw_id, name, maximum, children, auto, description)
    except ValidationError as exc:  # pragma: no cover - the checks above come first
        raise _err(where, path, exc.expected, exc.got) from None


_TOP_KEYS = frozenset(
    {"id", "name", "province", "unit_kind", "year", "basis", "description", "max"}
    | {"survey", "bonus", "penalty", "fields"}
)
_PART_KEYS = frozenset({"name", "max"})


def _part(data: Mapping[str, Any], key: str, where: str) -> tuple[float, str]:
    if key not in data:
        return 0.0, ""
    part = data[key]
    if not isinstance(part, Mapping):
        raise _err(where, key, "a table with max (and name)", part)
    unknown = sorted(set(part) - _PART_KEYS)
    if unknown:
        raise _err(where, f"{key}.{unknown[0]}", f"one of {sorted(_PART_KEYS)}", unknown[0])
    maximum = _number(part, "max", where, key)
    if maximum is None:
        raise _err(where, f"{key}.max", "the part's maximum points (a number >= 0)", None)
    return maximum, _text(part, "name", where, key, required=False)


def _tree_from_mapping(data: Mapping[str, Any], where: str) -> CriteriaTree:
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _err(where, unknown[0], f"one of {sorted(_TOP_KEYS)}", unknown[0])
    fields_data = data.get("fields")
    if not isinstance(fields_data, list) or not fields_data:
        raise _err(where, "fields", "a non-empty list of fields ([[fields]])", fields_data)
    seen: dict[str, str] = {}
    fields = tuple(
        _build_node(f, f"fields[{i}]", 0, where, seen) for i, f in enumerate(fields_data)
    )
    survey_max, survey_name = _part(data, "survey", where)
    bonus_max, bonus_name = _part(data, "bonus", where)
    penalty_max, penalty_name = _part(data, "penalty", where)
    appraised = math.fsum(f.max_points for f in fields)
    if not appraised > 0:
        raise _err(where, "fields", "fields worth more than 0 points in all", appraised)
    total = _number(data, "max", where, "")
    if total is not None and not _close(total, appraised + survey_max):
        raise _err(
            where,
            "max",
            f"the fields' maxima plus the survey's, {_fmt(appraised + survey_max)}",
            data["max"],
        )
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise _err(where, "year", "a year such as 2025", year)
    kwargs: dict[str, Any] = {}
    for key, name in (
        ("survey_name", survey_name),
        ("bonus_name", bonus_name),
        ("penalty_name", penalty_name),
    ):
        if name:
            kwargs[key] = name
    try:
        return CriteriaTree(
            fields,
            survey_max=survey_max,
            bonus_max=bonus_max,
            penalty_max=penalty_max,
            id=_text(data, "id", where, "", required=False),
            name=_text(data, "name", where, "", required=False),
            province=_text(data, "province", where, "", required=False),
            unit_kind=_text(data, "unit_kind", where, "", required=False),
            year=year,
            basis=_text(data, "basis", where, "", required=False),
            **kwargs,
        )
    except ValidationError as exc:
        attribute = exc.field.rsplit(".", 1)[-1]
        raise _err(where, attribute, exc.expected, exc.got) from None


def _read_file(path: str) -> dict[str, Any]:
    return read_toml_or_json(
        path,
        what="criteria",
        where=os.path.basename(path),
        json_object="a JSON object with fields",
    )


def load_criteria(source: str | os.PathLike[str] | Mapping[str, Any]) -> CriteriaTree:
    """Load and check a criteria tree from a TOML or JSON file, or from a mapping.

    Every problem is a :class:`ValidationError` whose field is the path of the bad
    entry, e.g. ``"criteria: fields[2].criteria[0].max"`` for a mapping or
    ``"dong-thap-2025.toml: fields[2].criteria[0].max"`` for a file: ids must be
    unique across the tree, numbers non-negative, and a parent's ``max`` (when given)
    must equal the sum of its children's. The format is in docs/reference/indices.md.
    """
    if isinstance(source, Mapping):
        return _tree_from_mapping(source, "criteria: ")
    path = os.fspath(source)
    return _tree_from_mapping(_read_file(path), f"{os.path.basename(path)}: ")


def _scaled(data: Any, factor: float) -> Any:
    if isinstance(data, dict):
        out = {k: _scaled(v, factor) for k, v in data.items()}
        if "max" in out and is_finite_number(data["max"]):
            out["max"] = data["max"] * factor
        return out
    if isinstance(data, list):
        return [_scaled(v, factor) for v in data]
    return data


def default_criteria(
    *,
    survey_max: float = 30.0,
    total: float = 100.0,
    bonus_max: float | None = None,
    penalty_max: float | None = None,
) -> CriteriaTree:
    """The built-in tree in the shape of the national method: seven fields (the ids of
    :class:`cchc_tasks.plans.Field`), 70 appraised points and a 30-point survey.

    ``survey_max`` is the survey's share of ``total``: 30 of 100 in Hà Nội [V] and, by
    arithmetic, Nam Định [D/I]; 31.5 for ministries under QĐ 876/QĐ-BNV [V]. When it is
    not 30 of 100, every field, criterion and sub-criterion is scaled so that the
    appraised part is ``total − survey_max``. The criteria names follow the national
    method; the points and the bonus/penalty caps (5 each) are [I].
    """
    if not is_finite_number(total) or total <= 0:
        raise ValidationError("default_criteria.total", "a number > 0", total)
    if not is_finite_number(survey_max) or not 0 <= survey_max < total:
        raise ValidationError(
            "default_criteria.survey_max",
            f"a number from 0 to under total={_fmt(total)}",
            survey_max,
        )
    text = resources.files(__package__).joinpath("data", "par_default.toml").read_text("utf-8")
    data = tomllib.loads(text)
    appraised = math.fsum(f["max"] for f in data["fields"])
    factor = (total - survey_max) / appraised
    if not _close(factor, 1.0):
        data["fields"] = _scaled(data["fields"], factor)
    data["survey"]["max"] = survey_max
    data["max"] = total
    for key, value in (("bonus", bonus_max), ("penalty", penalty_max)):
        if value is not None:
            data[key]["max"] = value
    return _tree_from_mapping(data, "par_default.toml: ")


# --- Scorecards ---------------------------------------------------------------------------


@attrs.frozen
class Evidence:
    """A piece of evidence ("tài liệu kiểm chứng"): a document number, its date, a link.

    Appraisal councils check self-assessed points against documents, so each point
    should say which document proves it; at least a document or a link is required.
    """

    document: str = attrs.field(default="", converter=nfc, validator=check_text)
    date: dt.date | None = attrs.field(default=None, validator=check_optional_date)
    link: str = attrs.field(default="", converter=nfc, validator=check_text)

    def __attrs_post_init__(self) -> None:
        if not self.document and not self.link:
            raise ValidationError("Evidence.document", "a document number or a link", "")

    def __str__(self) -> str:
        parts = [self.document] if self.document else []
        if self.date is not None:
            parts.append(self.date.strftime("%d/%m/%Y"))
        if self.link:
            parts.append(self.link)
        return ", ".join(parts)


def _evidence_tuple(value: Any) -> Any:
    if isinstance(value, Evidence):
        return (value,)
    return _to_tuple(value)


@attrs.frozen
class SelfAssessment:
    """The unit's own points for one scored criterion ("tự đánh giá, chấm điểm")."""

    criterion: str = attrs.field(converter=nfc, validator=check_id)
    points: float = attrs.field(validator=check_number(minimum=0.0))
    evidence: tuple[Evidence, ...] = attrs.field(
        default=(), converter=_evidence_tuple, validator=_tuple_of(Evidence, "Evidence")
    )
    note: str = attrs.field(default="", converter=nfc, validator=check_text)


@attrs.frozen
class Appraisal:
    """The appraisal council's points for one criterion ("thẩm định"). They replace the
    self-assessed points; ``by`` and ``reason`` say who changed them and why."""

    criterion: str = attrs.field(converter=nfc, validator=check_id)
    points: float = attrs.field(validator=check_number(minimum=0.0))
    by: str = attrs.field(default="", converter=nfc, validator=check_text)
    reason: str = attrs.field(default="", converter=nfc, validator=check_text)


@attrs.frozen
class Bonus:
    """Bonus points ("điểm thưởng") outside the criteria, with the reason."""

    points: float = attrs.field(validator=check_number(minimum=0.0))
    reason: str = attrs.field(converter=nfc, validator=check_nonempty_text)


@attrs.frozen
class Penalty:
    """Penalty points ("điểm trừ"), subtracted from the total, with the reason."""

    points: float = attrs.field(validator=check_number(minimum=0.0))
    reason: str = attrs.field(converter=nfc, validator=check_nonempty_text)


@attrs.frozen
class TaskCounts:
    """A unit's plan tasks of the year as counted for automatic criteria."""

    on_time: int = attrs.field(default=0, validator=check_int(minimum=0))
    late: int = attrs.field(default=0, validator=check_int(minimum=0))
    overdue: int = attrs.field(default=0, validator=check_int(minimum=0))

    @classmethod
    def from_outcomes(cls, outcomes: Iterable[str]) -> TaskCounts:
        """Count ``on_time``, ``late`` and ``overdue`` outcomes (``TaskOutcome`` values);
        pending and cancelled tasks are not counted."""
        values = [str(o) for o in outcomes]
        return cls(values.count("on_time"), values.count("late"), values.count("overdue"))

    @property
    def counted(self) -> int:
        return self.on_time + self.late + self.overdue

    def __str__(self) -> str:
        return f"{self.on_time} on time, {self.late} late, {self.overdue} overdue"


def _unique_criteria(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    seen: set[str] = set()
    for i, item in enumerate(value):
        if item.criterion in seen:
            raise ValidationError(
                f"{field_name(instance, attribute)}[{i}].criterion",
                "one entry per criterion",
                item.criterion,
            )
        seen.add(item.criterion)


@attrs.frozen
class UnitScorecard:
    """Everything scored for one unit in one year, before the arithmetic.

    ``survey_points`` is ``None`` when the unit was not surveyed (the index is then
    rescaled, see :func:`compute_index`), which is not the same as a survey that gave 0.
    ``tasks`` feeds the automatic criteria; ``None`` leaves them to the self-assessment.
    """

    unit: str = attrs.field(converter=nfc, validator=check_id)
    year: int = attrs.field(validator=check_year)
    self_assessments: tuple[SelfAssessment, ...] = attrs.field(
        default=(),
        converter=_to_tuple,
        validator=[_tuple_of(SelfAssessment, "SelfAssessment"), _unique_criteria],
    )
    appraisals: tuple[Appraisal, ...] = attrs.field(
        default=(),
        converter=_to_tuple,
        validator=[_tuple_of(Appraisal, "Appraisal"), _unique_criteria],
    )
    survey_points: float | None = attrs.field(
        default=None, validator=check_number(minimum=0.0, optional=True)
    )
    bonuses: tuple[Bonus, ...] = attrs.field(
        default=(), converter=_to_tuple, validator=_tuple_of(Bonus, "Bonus")
    )
    penalties: tuple[Penalty, ...] = attrs.field(
        default=(), converter=_to_tuple, validator=_tuple_of(Penalty, "Penalty")
    )
    tasks: TaskCounts | None = attrs.field(default=None)

    @tasks.validator
    def _check_tasks(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not isinstance(value, TaskCounts):
            raise ValidationError("UnitScorecard.tasks", "TaskCounts or None", value)

    @property
    def id(self) -> str:
        """The store key: one scorecard per unit and year."""
        return f"{self.unit}@{self.year}"


# --- Results ------------------------------------------------------------------------------


class ScoreSource(enum.StrEnum):
    """Where a node's points came from."""

    SELF = "self"  #: the unit's self-assessment
    APPRAISED = "appraised"  #: the appraisal council replaced the self-assessed points
    AUTO = "auto"  #: computed from task completion
    SURVEY = "survey"  #: the sociological survey
    SUM = "sum"  #: the sum of the node's children
    MISSING = "missing"  #: nothing scored: 0 points


@attrs.frozen
class NodeScore:
    """One node of a computed index: points of ``max_points``, the source and evidence.

    ``self_points`` keeps the self-assessed points when an appraisal or a formula
    replaced them, so a report can show both; ``note`` says how the points came.
    """

    id: str = attrs.field(validator=check_nonempty_text)
    name: str = attrs.field(validator=check_text)
    level: str = attrs.field(validator=check_nonempty_text)
    points: float = attrs.field(validator=check_number())
    max_points: float = attrs.field(validator=check_number(minimum=0.0))
    source: ScoreSource = attrs.field(converter=ScoreSource)
    evidence: tuple[Evidence, ...] = attrs.field(default=(), converter=_to_tuple)
    children: tuple[NodeScore, ...] = attrs.field(default=(), converter=_to_tuple)
    self_points: float | None = attrs.field(default=None)
    note: str = attrs.field(default="", validator=check_text)

    @property
    def percent(self) -> float | None:
        """The component index of this node: points / maximum × 100 (None if max is 0)."""
        return None if self.max_points == 0 else 100.0 * self.points / self.max_points

    def iter_nodes(self) -> Iterator[NodeScore]:
        yield self
        for child in self.children:
            yield from child.iter_nodes()


@attrs.frozen
class IndexResult:
    """A unit's PAR-style index for a year, with the breakdown behind every number.

    ``value`` is the index in percent, clamped to 0–100; ``raw_value`` is before the
    clamp (bonus points can push a total past the maximum, penalties below zero).
    ``total`` is in points on the tree's scale, after any rescaling.
    """

    unit: str = attrs.field(validator=check_id)
    year: int = attrs.field(validator=check_year)
    value: float = attrs.field(validator=check_number(minimum=0.0, maximum=100.0))
    raw_value: float = attrs.field(validator=check_number())
    total: float = attrs.field(validator=check_number())
    max_points: float = attrs.field(validator=check_number(minimum=0.0))
    appraised_points: float = attrs.field(validator=check_number(minimum=0.0))
    appraised_max: float = attrs.field(validator=check_number(minimum=0.0))
    survey: NodeScore | None
    bonuses: tuple[Bonus, ...]
    penalties: tuple[Penalty, ...]
    rescaled: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    fields: tuple[NodeScore, ...]
    criteria: str = ""
    criteria_id: str = ""

    @property
    def bonus(self) -> float:
        return math.fsum(b.points for b in self.bonuses)

    @property
    def penalty(self) -> float:
        return math.fsum(p.points for p in self.penalties)

    @property
    def components(self) -> dict[str, float | None]:
        """The component index of each field, in percent, by field id."""
        return {f.id: f.percent for f in self.fields}

    def component(self, id: str) -> float | None:
        """The component index (percent) of any field or criterion."""
        return self.node(id).percent

    def iter_nodes(self) -> Iterator[NodeScore]:
        for field in self.fields:
            yield from field.iter_nodes()
        if self.survey is not None:
            yield self.survey

    def node(self, id: str) -> NodeScore:
        for node in self.iter_nodes():
            if node.id == nfc(id):
                return node
        raise ValidationError("criterion", "a criterion id of this result", id)

    @property
    def missing(self) -> tuple[str, ...]:
        """Scored criteria for which nothing was entered (counted as 0)."""
        return tuple(n.id for n in self.iter_nodes() if n.source is ScoreSource.MISSING)

    def describe(self) -> str:
        text = (
            f"PAR index of {self.unit}, {self.year}: {self.value:.2f}% "
            f"({_fmt(self.total)} of {_fmt(self.max_points)} points)"
        )
        if self.rescaled:
            text += "; no survey: appraised part rescaled to the full scale"
        if self.raw_value != self.value:
            text += f"; clamped from {self.raw_value:.2f}%"
        return text

    def explain(self) -> str:
        """Every number behind the index, down to each sub-criterion and its evidence."""
        lines = [self.describe()]
        if self.criteria:
            lines.append(f"  criteria: {self.criteria}")
        appraised = f"  appraised part: {_fmt(self.appraised_points)} of {_fmt(self.appraised_max)}"
        if self.rescaled:
            scaled = self.appraised_points * self.max_points / self.appraised_max
            appraised += f", rescaled to {_fmt(scaled)} of {_fmt(self.max_points)}"
        lines.append(appraised)

        def add(node: NodeScore, depth: int) -> None:
            pad = "  " * (depth + 1)
            line = f"{pad}{node.id} {node.name}: {_fmt(node.points)} of {_fmt(node.max_points)}"
            if node.children or node.level == "field":
                percent = node.percent
                line += f" ({percent:.2f}%)" if percent is not None else ""
            else:
                line += f" [{node.source.value}]"
            if node.note:
                line += f" {node.note}"
            lines.append(line)
            lines.extend(f"{pad}    evidence: {e}" for e in node.evidence)
            for child in node.children:
                add(child, depth + 1)

        for field in self.fields:
            add(field, 0)
        if self.survey is not None:
            add(self.survey, 0)
        else:
            lines.append("  survey: none")
        lines.extend(f"  bonus +{_fmt(b.points)}: {b.reason}" for b in self.bonuses)
        lines.extend(f"  penalty -{_fmt(p.points)}: {p.reason}" for p in self.penalties)
        return "\n".join(lines)


def _resolve_auto(
    tree: CriteriaTree, auto_criteria: Mapping[str, str | AutoFormula] | None
) -> dict[str, tuple[str, AutoFormula]]:
    chosen: dict[str, str | AutoFormula] = {
        n.id: n.auto for n in tree.iter_nodes() if n.auto is not None
    }
    for key, formula in (auto_criteria or {}).items():
        chosen[nfc(key)] = formula
    resolved: dict[str, tuple[str, AutoFormula]] = {}
    for key, formula in chosen.items():
        if key not in tree or not tree.node(key).is_leaf:
            raise ValidationError(
                f"auto_criteria[{key!r}]", f"the id of a scored criterion of {tree.label}", key
            )
        if isinstance(formula, str):
            if formula not in FORMULAS:
                raise ValidationError(
                    f"auto_criteria[{key!r}]", f"a function or one of {sorted(FORMULAS)}", formula
                )
            resolved[key] = (formula, FORMULAS[formula])
        elif callable(formula):
            resolved[key] = (getattr(formula, "__name__", "formula"), formula)
        else:
            raise ValidationError(
                f"auto_criteria[{key!r}]", f"a function or one of {sorted(FORMULAS)}", formula
            )
    return resolved


def _check_entries(
    tree: CriteriaTree, entries: Iterable[SelfAssessment | Appraisal], name: str
) -> None:
    for i, entry in enumerate(entries):
        where = f"UnitScorecard.{name}[{i}]"
        if entry.criterion not in tree or not tree.node(entry.criterion).is_leaf:
            raise ValidationError(
                f"{where}.criterion",
                f"the id of a scored criterion (one without sub-criteria) of {tree.label}",
                entry.criterion,
            )
        maximum = tree.node(entry.criterion).max_points
        if entry.points > maximum + _ABS_TOL:
            raise ValidationError(
                f"{where}.points",
                f"at most the maximum of criterion {entry.criterion}, {_fmt(maximum)}",
                entry.points,
            )


def compute_index(
    tree: CriteriaTree,
    scorecard: UnitScorecard,
    *,
    rescale_without_survey: bool = True,
    auto_criteria: Mapping[str, str | AutoFormula] | None = None,
) -> IndexResult:
    """The index of ``scorecard``'s unit and year under ``tree`` (rule R1).

    Each scored criterion takes, in order of precedence: the appraisal's points; the
    automatic formula's (when the criterion is automatic, ``scorecard.tasks`` is set and
    the formula can say); the self-assessed points; else 0, marked missing. Points above
    a criterion's maximum are a :class:`ValidationError`, never clamped silently.

    ``index % = 100 × (appraised + survey + bonus − penalty) / max_points`` clamped to
    0–100. With no survey points and ``rescale_without_survey`` (the default, as in Hà
    Nội), the appraised part stands for the whole scale: it is multiplied by
    ``max_points / appraised_max`` before bonus and penalty are added. Otherwise a
    missing survey counts 0.

    ``auto_criteria`` maps criterion ids to a name in :data:`FORMULAS` or a function
    ``(on_time, late, overdue) -> share or None``; it adds to (and overrides) the
    ``auto`` entries of the tree.
    """
    if not isinstance(tree, CriteriaTree):
        raise ValidationError("compute_index.tree", "a CriteriaTree", tree)
    if not isinstance(scorecard, UnitScorecard):
        raise ValidationError("compute_index.scorecard", "a UnitScorecard", scorecard)
    _check_entries(tree, scorecard.self_assessments, "self_assessments")
    _check_entries(tree, scorecard.appraisals, "appraisals")
    autos = _resolve_auto(tree, auto_criteria)
    own = {s.criterion: s for s in scorecard.self_assessments}
    appraised = {a.criterion: a for a in scorecard.appraisals}
    tasks = scorecard.tasks

    def score(node: CriteriaNode, depth: int) -> NodeScore:
        level = LEVELS[depth]
        if node.children:
            children = tuple(score(c, depth + 1) for c in node.children)
            points = math.fsum(c.points for c in children)
            return NodeScore(
                node.id, node.name, level, points, node.max_points, ScoreSource.SUM, (), children
            )

        def leaf(
            points: float,
            source: ScoreSource,
            evidence: tuple[Evidence, ...],
            self_points: float | None,
            note: str,
        ) -> NodeScore:
            return NodeScore(
                node.id,
                node.name,
                level,
                points,
                node.max_points,
                source,
                evidence,
                (),
                self_points,
                note,
            )

        mine = own.get(node.id)
        self_points = mine.points if mine is not None else None
        evidence = mine.evidence if mine is not None else ()
        if node.id in appraised:
            a = appraised[node.id]
            parts = [f"by {a.by}" if a.by else "", a.reason]
            if self_points is not None:
                parts.append(f"self-assessed {_fmt(self_points)}")
            note = "; ".join(p for p in parts if p)
            note = f"({note})" if note else ""
            return leaf(a.points, ScoreSource.APPRAISED, evidence, self_points, note)
        if node.id in autos and tasks is not None:
            formula_name, formula = autos[node.id]
            share = formula(tasks.on_time, tasks.late, tasks.overdue)
            if share is not None:
                if not is_finite_number(share) or not 0 <= share <= 1:
                    raise ValidationError(
                        f"auto_criteria[{node.id!r}]", "a share from 0 to 1, or None", share
                    )
                was = f"; self-assessed {_fmt(self_points)}" if self_points is not None else ""
                note = f"({formula_name}: {tasks}{was})"
                points = share * node.max_points
                return leaf(points, ScoreSource.AUTO, evidence, self_points, note)
        if mine is not None:
            note = f"({mine.note})" if mine.note else ""
            return leaf(mine.points, ScoreSource.SELF, evidence, self_points, note)
        return leaf(0.0, ScoreSource.MISSING, (), None, "")

    fields = tuple(score(f, 0) for f in tree.fields)
    appraised_points = math.fsum(f.points for f in fields)

    survey: NodeScore | None = None
    if scorecard.survey_points is not None:
        if scorecard.survey_points > tree.survey_max + _ABS_TOL:
            raise ValidationError(
                "UnitScorecard.survey_points",
                f"at most the survey's maximum, {_fmt(tree.survey_max)}",
                scorecard.survey_points,
            )
        survey = NodeScore(
            id="survey",
            name=tree.survey_name,
            level="survey",
            points=scorecard.survey_points,
            max_points=tree.survey_max,
            source=ScoreSource.SURVEY,
        )
    bonus = math.fsum(b.points for b in scorecard.bonuses)
    penalty = math.fsum(p.points for p in scorecard.penalties)
    for name, amount, cap in (
        ("bonuses", bonus, tree.bonus_max),
        ("penalties", penalty, tree.penalty_max),
    ):
        if amount > cap + _ABS_TOL:
            raise ValidationError(
                f"UnitScorecard.{name}", f"points totalling at most {_fmt(cap)}", amount
            )

    rescaled = survey is None and rescale_without_survey and tree.survey_max > 0
    if rescaled:
        base = appraised_points * tree.max_points / tree.appraised_max
    else:
        base = appraised_points + (survey.points if survey is not None else 0.0)
    total = base + bonus - penalty
    raw = 100.0 * total / tree.max_points
    return IndexResult(
        unit=scorecard.unit,
        year=scorecard.year,
        value=min(100.0, max(0.0, raw)),
        raw_value=raw,
        total=total,
        max_points=tree.max_points,
        appraised_points=appraised_points,
        appraised_max=tree.appraised_max,
        survey=survey,
        bonuses=scorecard.bonuses,
        penalties=scorecard.penalties,
        rescaled=rescaled,
        fields=fields,
        criteria=tree.label,
        criteria_id=tree.id,
    )
