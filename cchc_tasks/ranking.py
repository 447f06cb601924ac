"""Ranks in peer groups, band counts, and computed indices as :class:`~cchc_tasks.Result`.

"Top 5 of the province" is a rank within a peer group (rule R3): Đồng Tháp ranked its
12 district-level units together, and after the 2025 reform communes and wards are
ranked in their own groups (regulation.md §0.5, §1.4). Published tables sort high to
low and do not say how they break ties, so the tie policy is explicit here:

* ``"shared"`` (the default): standard competition ranking, 1, 2, 2, 4 — a unit's rank
  is one more than the number of units strictly ahead of it, so "top 5" never admits
  more units than a strict reading would, and two equal units are never split by
  accident of input order;
* ``"dense"``: 1, 2, 2, 3;
* an optional ``secondary`` score decides between equal primary scores; units equal on
  both still share a rank.

Computed values become :class:`~cchc_tasks.Result` records with a ``source`` that starts
with "computed", and :func:`merge_official` lets results typed in from a province's
published decision win over computed ones, saying which was used and why.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, Literal, TypeVar

import attrs

from ._fields import is_finite_number
from .errors import ValidationError
from .i18n import Message, Text
from .indices import IndexResult
from .results import Result
from .surveys import SipasResult

__all__ = [
    "MergedResult",
    "TiePolicy",
    "UnitRank",
    "band_counts",
    "is_computed",
    "merge_official",
    "rank_units",
    "source_text",
    "to_results",
]

TiePolicy = Literal["shared", "dense"]
_TIES = ("shared", "dense")
B = TypeVar("B")


@attrs.frozen
class UnitRank:
    """``unit``'s ``rank`` among the ``of`` units of its peer ``group``."""

    unit: str
    rank: int
    of: int
    group: Hashable
    value: float


def _numbers(values: Mapping[str, Any], name: str) -> dict[str, float]:
    if not isinstance(values, Mapping):
        raise ValidationError(name, "a mapping of unit id to a number", values)
    out = {}
    for unit, value in values.items():
        if not is_finite_number(value):
            raise ValidationError(f"{name}[{unit!r}]", "a finite number", value)
        out[unit] = float(value)
    return out


def _groups(units: Iterable[str], group_of: Mapping[str, Hashable] | None) -> dict[str, Hashable]:
    if group_of is None:
        return dict.fromkeys(units)
    out = {}
    for unit in units:
        if unit not in group_of:
            raise ValidationError(
                f"group_of[{unit!r}]", "the peer group of every scored unit", None
            )
        out[unit] = group_of[unit]
    return out


def _group_order(groups: Iterable[Hashable]) -> list[Hashable]:
    unique = list(dict.fromkeys(groups))
    try:
        return sorted(unique)  # type: ignore[type-var]
    except TypeError:
        return sorted(unique, key=repr)


def rank_units(
    scores: Mapping[str, float],
    group_of: Mapping[str, Hashable] | None = None,
    *,
    ties: TiePolicy = "shared",
    secondary: Mapping[str, float] | None = None,
    higher_is_better: bool = True,
    precision: int | None = None,
) -> dict[str, UnitRank]:
    """Rank every unit of ``scores`` within its peer group (rule R3).

    ``group_of`` maps each unit to its group key (e.g. ``("Đồng Tháp", "commune")``);
    ``None`` ranks all units together. ``ties`` is ``"shared"`` (1, 2, 2, 4) or
    ``"dense"`` (1, 2, 2, 3); ``secondary`` breaks ties of the primary score (higher is
    better there too). ``precision`` compares scores rounded to that many decimals, as
    a province that publishes two decimals would. Returns ``unit → UnitRank``, by group
    and rank (units of equal rank by id).
    """
    if ties not in _TIES:
        raise ValidationError("rank_units.ties", "'shared' or 'dense'", ties)
    primary = _numbers(scores, "scores")
    second = _numbers(secondary, "secondary") if secondary is not None else None
    if second is not None:
        missing = sorted(set(primary) - set(second))
        if missing:
            raise ValidationError(
                f"secondary[{missing[0]!r}]", "a secondary score for every unit", None
            )
    if precision is not None and (isinstance(precision, bool) or not isinstance(precision, int)):
        raise ValidationError(
            "rank_units.precision", "a whole number of decimals or None", precision
        )
    sign = -1.0 if higher_is_better else 1.0

    def key(unit: str) -> tuple[float, float]:
        value = primary[unit] if precision is None else round(primary[unit], precision)
        tie_break = second[unit] if second is not None else 0.0
        return (sign * value, -tie_break)

    groups = _groups(primary, group_of)
    members: dict[Hashable, list[str]] = {}
    for unit, group in groups.items():
        members.setdefault(group, []).append(unit)
    out: dict[str, UnitRank] = {}
    for group in _group_order(members):
        ordered = sorted(members[group], key=lambda u: (key(u), u))
        rank = distinct = 0
        previous: tuple[float, float] | None = None
        for position, unit in enumerate(ordered, start=1):
            if key(unit) != previous:
                distinct += 1
                rank = position if ties == "shared" else distinct
                previous = key(unit)
            out[unit] = UnitRank(unit, rank, len(ordered), group, primary[unit])
    return out


def band_counts(
    scores: Mapping[str, float],
    band: Callable[[float], B],
    group_of: Mapping[str, Hashable] | None = None,
) -> dict[Hashable, dict[B, int]]:
    """How many units of each group fall in each band, e.g. with
    ``band=BandThresholds().band``: ``{group: {Band.GOOD: 29, Band.FAIR: 11, …}}``.

    Bands are listed best first (by the highest score in each); bands no unit reached
    are left out."""
    values = _numbers(scores, "scores")
    groups = _groups(values, group_of)
    out: dict[Hashable, dict[B, int]] = {}
    for group in _group_order(groups.values()):
        counts: dict[B, int] = {}
        best: dict[B, float] = {}
        for unit in sorted(u for u, g in groups.items() if g == group):
            label = band(values[unit])
            counts[label] = counts.get(label, 0) + 1
            best[label] = max(best.get(label, values[unit]), values[unit])
        order = sorted(counts, key=lambda label: -best[label])
        out[group] = {label: counts[label] for label in order}
    return out


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _basis(value: float | IndexResult | SipasResult, basis: str) -> str:
    if basis:
        return basis
    if isinstance(value, IndexResult):
        text = value.criteria or "criteria"
        if value.rescaled:
            text += "; no survey: appraised part rescaled"
        return text
    if isinstance(value, SipasResult):
        margin = f", margin ±{value.margin:.1f} points" if value.margin is not None else ""
        return f"{value.n} survey responses{margin}"
    return ""


def to_results(
    values: Mapping[str, float | IndexResult | SipasResult | None],
    *,
    indicator: str,
    year: int,
    computed_on: dt.date,
    basis: str = "",
    group_of: Mapping[str, Hashable] | None = None,
    ties: TiePolicy = "shared",
    secondary: Mapping[str, float] | None = None,
    precision: int | None = None,
    include_unreliable: bool = False,
) -> tuple[Result, ...]:
    """Computed values as :class:`Result` records, ranked within their peer groups.

    ``values`` maps unit ids to a number, an :class:`IndexResult` or a
    :class:`SipasResult` (``None``: nothing computed, left out). ``source`` reads
    ``"computed on YYYY-MM-DD from …"`` with ``basis`` (or, by default, the criteria
    table or the survey's size and margin), so a computed result is never mistaken for
    a published one. A SIPAS result that is not reliable (too few answers) is left out
    — and so not ranked — unless ``include_unreliable``, in which case its source says
    "not reliable". Ranks and group sizes count only the units that are kept.
    """
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        raise ValidationError("to_results.year", "a year from 1900 to 2200", year)
    if not isinstance(computed_on, dt.date) or isinstance(computed_on, dt.datetime):
        raise ValidationError("to_results.computed_on", "a date (datetime.date)", computed_on)
    kept: dict[str, float] = {}
    sources: dict[str, str] = {}
    for unit, item in values.items():
        if item is None:
            continue
        note = ""
        if isinstance(item, IndexResult):
            if item.unit != unit or item.year != year:
                raise ValidationError(
                    f"values[{unit!r}]",
                    f"the index of {unit} for {year}",
                    f"{item.unit}, {item.year}",
                )
            number: float | None = item.value
        elif isinstance(item, SipasResult):
            if item.unit is not None and item.unit != unit:
                raise ValidationError(f"values[{unit!r}]", f"the SIPAS of {unit}", item.unit)
            number = item.value
            if number is not None and not item.reliable:
                if not include_unreliable:
                    continue
                note = f"; not reliable: {item.n_valid} valid answers, fewer than {item.min_sample}"
        else:
            number = item
        if number is None:
            continue
        if not is_finite_number(number):
            raise ValidationError(f"values[{unit!r}]", "a finite number or a computed result", item)
        kept[unit] = float(number)
        from_ = _basis(item, basis)
        sources[unit] = (
            f"computed on {computed_on.isoformat()}" + (f" from {from_}" if from_ else "") + note
        )
    ranks = rank_units(kept, group_of, ties=ties, secondary=secondary, precision=precision)
    return tuple(
        Result(indicator, unit, year, kept[unit], r.rank, r.of, sources[unit])
        for unit, r in ranks.items()
    )


_COMPUTED_SOURCE = re.compile(
    r"computed on (?P<on>\d{4}-\d{2}-\d{2})(?: from (?P<basis>.*?))?"
    r"(?:; not reliable: (?P<valid>\d+) valid answers, fewer than (?P<needed>\d+))?"
)


def source_text(source: str) -> Text:
    """A result's ``source`` as people read it: the library's own "computed on DATE from
    BASIS" (the form :func:`computed_results` stores) becomes a message in the reader's
    language; a source someone typed in (a decision's number) is shown as written."""
    found = _COMPUTED_SOURCE.fullmatch(source)
    if found is None:
        return source
    on = dt.date.fromisoformat(found["on"])
    text = (
        Message.of("source.computed_from", on=on, basis=found["basis"])
        if found["basis"]
        else Message.of("source.computed", on=on)
    )
    if found["valid"] is None:
        return text
    return Message.of(
        "source.unreliable", source=text, valid=int(found["valid"]), needed=int(found["needed"])
    )


def is_computed(result: Result) -> bool:
    """Did the library compute ``result`` (its source starts with "computed")?"""
    return result.source.casefold().startswith("computed")


@attrs.frozen
class MergedResult:
    """The result to use for one indicator, unit and year: ``used`` is ``"official"``
    or ``"computed"``, ``reason`` says why; both candidates are kept."""

    result: Result
    used: Literal["official", "computed"]
    reason: str
    computed: Result | None = None
    official: Result | None = None


def _by_key(results: Iterable[Result], name: str) -> dict[str, Result]:
    out: dict[str, Result] = {}
    for result in results:
        if not isinstance(result, Result):
            raise ValidationError(name, "Result objects", result)
        if result.id in out:
            raise ValidationError(name, "one result per indicator, unit and year", result.id)
        out[result.id] = result
    return out


def _differs(a: Result, b: Result, tolerance: float) -> list[str]:
    out = []
    if a.value is not None and b.value is not None and abs(a.value - b.value) > tolerance:
        out.append(f"value {_fmt(b.value)} (official {_fmt(a.value)})")
    if a.rank is not None and b.rank is not None and (a.rank, a.of) != (b.rank, b.of):
        out.append(f"rank {b.rank}/{b.of} (official {a.rank}/{a.of})")
    return out


def merge_official(
    computed: Iterable[Result], official: Iterable[Result], *, tolerance: float = 0.005
) -> tuple[MergedResult, ...]:
    """Combine computed results with official ones typed in from published decisions.

    An official result always wins: a province's published index is what a target is
    judged on, even when our arithmetic (or our copy of the criteria) differs. The
    reason says whether the computed value agreed (within ``tolerance``) or how it
    differed, which is worth a look either way. A result in ``official`` whose source
    starts with "computed" is an error: it would win without being official.
    """
    ours = _by_key(computed, "merge_official.computed")
    theirs = _by_key(official, "merge_official.official")
    for result in theirs.values():
        if is_computed(result):
            raise ValidationError(
                "merge_official.official", "typed-in results (not computed ones)", result.id
            )
    merged = []
    for key in sorted({*ours, *theirs}):
        mine, typed = ours.get(key), theirs.get(key)
        if typed is not None:
            where = f" ({typed.source})" if typed.source else ""
            if mine is None:
                reason = f"official result typed in{where}; nothing computed"
            else:
                diffs = _differs(typed, mine, tolerance)
                reason = f"official result typed in{where} takes priority over the computed one"
                reason += (
                    ("; computed " + ", ".join(diffs)) if diffs else "; the computed one agrees"
                )
            merged.append(MergedResult(typed, "official", reason, mine, typed))
        else:
            assert mine is not None
            merged.append(
                MergedResult(mine, "computed", "no official result; computed value used", mine)
            )
    return tuple(merged)
