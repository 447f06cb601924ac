"""The criteria table of the PAR-style index ("bộ tiêu chí"), as data: loaded and checked.

Every province writes its own criteria table for each kind of unit and revises it most
years: fields ("lĩnh vực") → criteria ("tiêu chí") → sub-criteria ("tiêu chí thành
phần"), each with a maximum, plus a sociological-survey part and, in Hà Nội since 2025,
bonus and penalty points. So the table is data: a :class:`CriteriaTree` of
:class:`CriteriaNode`, read from a TOML or JSON file (or a mapping) by
:func:`load_criteria`, which checks it whole before anything is scored, or the built-in
table of :func:`default_criteria`. A leaf may name a formula of :data:`FORMULAS` that
scores it from task completion.

:mod:`cchc_tasks.indices` scores scorecards against a tree, and every name here is
importable from there too.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

import attrs

from ._fields import (
    check_id,
    check_nonempty_text,
    check_number,
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
    "LEVELS",
    "AutoFormula",
    "CriteriaNode",
    "CriteriaTree",
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

# --- helpers shared with cchc_tasks.indices ----------------------------------------------

#: Points that differ by less are equal: maxima that differ by float rounding only (0.1 +
#: 0.2 against 0.3), points at a criterion's maximum.
POINTS_TOLERANCE = 1e-6


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=POINTS_TOLERANCE)


def points_text(value: float) -> str:
    """Points for people: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _check_auto_name(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and value not in FORMULAS:
        raise ValidationError(
            field_name(instance, attribute), f"None or one of {sorted(FORMULAS)}", value
        )


def tuple_of(kind: type[Any], what: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """An attrs validator: a tuple of ``kind`` (a list of ``what``, says the error)."""

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple) or not all(isinstance(v, kind) for v in value):
            raise ValidationError(field_name(instance, attribute), f"a list of {what}", value)

    return validate


def as_tuple(value: Any) -> Any:
    """An attrs converter: a list (as a file or a mapping gives it) becomes a tuple."""
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
        default=(), converter=as_tuple, validator=lambda i, a, v: _check_children(i, a, v)
    )
    auto: str | None = attrs.field(default=None, validator=_check_auto_name)
    description: str = attrs.field(default="", converter=nfc, validator=check_text)

    def __attrs_post_init__(self) -> None:
        if self.children:
            total = math.fsum(c.max_points for c in self.children)
            if not _close(total, self.max_points):
                raise ValidationError(
                    "CriteriaNode.max_points",
                    f"the sum of the children's maxima, {points_text(total)}",
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
    tuple_of(CriteriaNode, "CriteriaNode")(instance, attribute, value)


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
        converter=as_tuple, validator=tuple_of(CriteriaNode, "CriteriaNode")
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


# --- Loading a table ---------------------------------------------------------------------


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
            f"the sum of its {child_key} maxima, {points_text(total)} (or leave max out)",
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
            f"the fields' maxima plus the survey's, {points_text(appraised + survey_max)}",
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
            f"a number from 0 to under total={points_text(total)}",
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
