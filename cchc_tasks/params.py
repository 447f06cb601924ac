"""The parameters of the built-in rules, each with its documented default and source.

regulation.md marks each number [V] (verified in a cited source), [D] (derived) or [I]
(inferred: a hypothesis). [I] numbers are never hidden constants: they live here, and a
province changes them in its configuration file (see :mod:`cchc_tasks.config`).
"""

from __future__ import annotations

from typing import Any

import attrs

from ._fields import is_finite_number
from .errors import ValidationError
from .ratings import Band, Rating

__all__ = [
    "BandThresholds",
    "Decree90Params",
    "Decree335Params",
    "IndexParams",
    "LinkParams",
    "RecommendParams",
    "ScoringParams",
    "SuccessionParams",
]


#: The largest number a parameter may hold where the rule sets no bound of its own: far
#: above any real one, and far below where arithmetic on it would overflow.
LARGEST = 1e9


def _share(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    # NaN compares false with everything, so "not 0 <= value <= 1" alone would let it in.
    if not is_finite_number(value) or not 0 <= value <= 1:
        raise ValidationError(
            f"{_section(instance)}.{attribute.name}", "a share from 0 to 1", value
        )


def _in_range(low: float, high: float, *, above_low: bool = False) -> Any:
    """A validator: a finite number from ``low`` (or above it) to ``high``."""
    expected = f"a finite number {'>' if above_low else '>='} {low:g} and <= {high:g}"

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if (
            not is_finite_number(value)
            or value > high
            or value < low
            or (above_low and value == low)
        ):
            raise ValidationError(f"{_section(instance)}.{attribute.name}", expected, value)

    return validate


_non_negative = _in_range(0, LARGEST)
_percent = _in_range(0, 100)
_months = _in_range(0, 12)


def _optional_non_negative(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _non_negative(instance, attribute, value)


def _optional_percent(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _percent(instance, attribute, value)


def _section(instance: Any) -> str:
    return str(getattr(type(instance), "section", type(instance).__name__))


def _as_rating(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Rating(value)
        except ValueError:
            return value
    return value


def _check_rating(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Rating):
        raise ValidationError(
            f"{_section(instance)}.{attribute.name}",
            "a rating code: HTXSNV, HTTNV, HTNV or KHTNV",
            value,
        )


def _as_optional_rating(value: Any) -> Any:
    """Like :func:`_as_rating`; ``None`` or ``""`` (TOML has no null) mean "no cap"."""
    return None if value is None or value == "" else _as_rating(value)


def _check_optional_rating(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _check_rating(instance, attribute, value)


def _as_band(value: Any) -> Any:
    if isinstance(value, str):
        for band in Band:
            if value in (band.value, band.name):
                return band
    return value


@attrs.frozen
class ScoringParams:
    """The default unit score: one criterion, task completion, worth ``maximum`` points;
    a late task earns ``late_credit`` of its weight [I: no national rule]."""

    section = "scoring"
    maximum: float = attrs.field(default=100.0, validator=_in_range(0, 1000, above_low=True))
    late_credit: float = attrs.field(default=0.5, validator=_share)


@attrs.frozen
class BandThresholds:
    """Lowest score (percent) of each unit band [I: provinces set their own, R2].
    ``excellent=None`` disables Xuất sắc (Hải Phòng uses 93 for wards)."""

    section = "bands"
    excellent: float | None = attrs.field(default=None, validator=_optional_percent)
    good: float = attrs.field(default=80.0, validator=_percent)
    fair: float = attrs.field(default=70.0, validator=_percent)
    average: float = attrs.field(default=50.0, validator=_percent)

    def __attrs_post_init__(self) -> None:
        cuts = [c for c in (self.excellent, self.good, self.fair, self.average) if c is not None]
        if cuts != sorted(cuts, reverse=True):
            raise ValidationError("bands", "thresholds falling from excellent to average", cuts)

    def band(self, score: float) -> Band:
        if self.excellent is not None and score >= self.excellent:
            return Band.EXCELLENT
        if score >= self.good:
            return Band.GOOD
        if score >= self.fair:
            return Band.FAIR
        if score >= self.average:
            return Band.AVERAGE
        return Band.WEAK


@attrs.frozen
class Decree90Params:
    """Rule set ``decree90`` (Decree 90/2020 as amended by 48/2023)."""

    section = "decree90"
    excellent_exceeded_share: float = attrs.field(default=0.5, validator=_share)  # Art 4c [V]
    excellent_subordinates_good_share: float = attrs.field(
        default=0.7, validator=_share
    )  # Art. 4(d) [V]
    good_on_time_share: float = attrs.field(default=0.8, validator=_share)  # Art. 5 [V]
    completed_share: float = attrs.field(
        default=0.7, validator=_share
    )  # HTNV [I], as Decree 56/2015 Art. 14
    min_months_rated: float = attrs.field(default=6.0, validator=_months)
    full_months: float = attrs.field(default=9.0, validator=_months)  # [V, weak source]
    completed_subordinates_share: float | None = attrs.field(
        default=None, validator=attrs.validators.optional(_share)
    )  # HTNV [I], off
    rate_without_tasks: bool = False


@attrs.frozen
class Decree335Params:
    """Rule set ``decree335`` (Decree 335/2025, in force from 2026; regulation.md §5.4).

    Score = general criteria (≤ ``general_max``, from a recorded assessment) + task
    results (≤ ``task_max``). Task results: each task counted in the year contributes
    quantity (done or not), quality (−``penalty_per_error`` per recorded major error)
    and progress (−``penalty_per_delay`` per delay) [V]; the three percentages are
    combined by ``combine_weights`` (equal weights: the mean [I]). A late task counts
    one delay, or one per started ``delay_period_days`` if set [I]. A head's task
    results are scaled by ``(1 − unit_result_weight) + unit_result_weight × factor``,
    factor 100% or 50% if a directly subordinate head is KHTNV [V factor, I weight].
    """

    section = "decree335"
    general_max: float = attrs.field(default=30.0, validator=_non_negative)  # [V]
    task_max: float = attrs.field(default=70.0, validator=_non_negative)  # [V]
    penalty_per_delay: float = attrs.field(default=0.25, validator=_share)  # [V]
    penalty_per_error: float = attrs.field(default=0.25, validator=_share)  # [V]
    delay_period_days: int | None = attrs.field(default=None, validator=_optional_non_negative)
    combine_weights: tuple[float, float, float] = attrs.field(
        default=(1.0, 1.0, 1.0), converter=tuple
    )
    excellent: float = attrs.field(default=90.0, validator=_non_negative)  # [V]
    good: float = attrs.field(default=70.0, validator=_non_negative)  # [V]
    completed: float = attrs.field(default=50.0, validator=_non_negative)  # [V]
    unit_factor_when_failing: float = attrs.field(default=0.5, validator=_share)  # [V]
    unit_result_weight: float = attrs.field(default=0.5, validator=_share)  # [I]
    quota_share: float = attrs.field(default=0.2, validator=_share)  # of HTTNV [V]
    default_general_points: float | None = attrs.field(
        default=None, validator=_optional_non_negative
    )  # None: "not assessed"

    def __attrs_post_init__(self) -> None:
        weights = self.combine_weights
        if (
            len(weights) != 3
            or any(not is_finite_number(w) or not 0 <= w <= LARGEST for w in weights)
            or sum(weights) <= 0
        ):
            raise ValidationError(
                "decree335.combine_weights",
                "three weights >= 0 (quantity, quality, progress), not all zero",
                weights,
            )
        if not self.excellent >= self.good >= self.completed:
            raise ValidationError(
                "decree335",
                "thresholds excellent >= good >= completed",
                (self.excellent, self.good, self.completed),
            )
        if (
            self.default_general_points is not None
            and self.default_general_points > self.general_max
        ):
            raise ValidationError(
                "decree335.default_general_points",
                f"at most general_max={self.general_max:g}",
                self.default_general_points,
            )


def _band_caps_converter(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    # An empty string (TOML has no null) means "no cap", like a missing band.
    return {_as_band(k): _as_rating(v) if v not in (None, "") else None for k, v in value.items()}


def _check_band_caps(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(k, Band) and (v is None or isinstance(v, Rating)) for k, v in value.items()
    ):
        raise ValidationError(
            "cchc_link.band_caps",
            "a table of bands (Xuất sắc, Tốt, Khá, Trung bình, Yếu) to rating codes",
            value,
        )


def _default_band_caps() -> dict[Band, Rating | None]:
    return {
        Band.EXCELLENT: None,
        Band.GOOD: None,
        Band.FAIR: Rating.GOOD,
        Band.AVERAGE: Rating.COMPLETED,
        Band.WEAK: Rating.NOT_COMPLETED,
    }


@attrs.frozen
class LinkParams:
    """The CCHC→head link of the seed plan ("gắn kết quả CCHC với đánh giá người đứng
    đầu"): caps on a head's rating from the unit's CCHC band and failed targets.
    No national rule fixes the table [I]; these are the documented defaults."""

    section = "cchc_link"
    band_caps: dict[Band, Rating | None] = attrs.field(
        factory=_default_band_caps, converter=_band_caps_converter, validator=_check_band_caps
    )
    failed_target_cap: Rating | None = attrs.field(
        default=Rating.GOOD, converter=_as_optional_rating, validator=_check_optional_rating
    )  # None (or "" in a file): failed targets cap nothing


@attrs.frozen
class RecommendParams:
    """Built-in recommendations: commend HTXSNV heads whose unit band is at least
    ``commend_min_band``."""

    section = "recommend"
    commend_min_band: Band = attrs.field(default=Band.GOOD, converter=_as_band)

    @commend_min_band.validator
    def _check(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, Band):
            raise ValidationError("recommend.commend_min_band", "a band name such as Tốt", value)


#: The policies for a previous-year value across a merger (rule R17).
SUCCESSION_POLICIES = ("mean", "weighted", "not_comparable")


def _check_policy(name: str, value: Any) -> None:
    if value not in SUCCESSION_POLICIES:
        raise ValidationError(name, f"one of {', '.join(map(repr, SUCCESSION_POLICIES))}", value)


@attrs.frozen
class SuccessionParams:
    """The previous year's value of a unit formed by merging others (rule R17, the 2025
    reform), used by growth targets when the unit has no result of its own for that year.

    ``previous_value`` is ``"mean"`` (the mean of the predecessors' results, as the
    Ministry of Science and Technology did for the DTI 2024 of merged provinces [V]),
    ``"weighted"`` (weighted by each predecessor's previous-year result for
    ``weight_indicator``, e.g. population [I]) or ``"not_comparable"`` (no previous value:
    the growth part is NOT_MEASURED, with the reason). ``targets`` sets the policy of single
    targets by id. Only predecessors that merged wholly into the unit (it is their only
    successor) count; a unit split among several successors gives none of them its value.
    """

    section = "succession"
    previous_value: str = attrs.field(default="mean")
    weight_indicator: str = attrs.field(default="POPULATION")
    targets: dict[str, str] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        _check_policy("succession.previous_value", self.previous_value)
        if not isinstance(self.weight_indicator, str) or not self.weight_indicator:
            raise ValidationError(
                "succession.weight_indicator", "an indicator name", self.weight_indicator
            )
        if not isinstance(self.targets, dict) or not all(isinstance(k, str) for k in self.targets):
            raise ValidationError(
                "succession.targets", "a table of target id → policy", self.targets
            )
        for target, policy in self.targets.items():
            _check_policy(f"succession.targets.{target}", policy)

    def policy(self, target: str) -> str:
        """The policy for the target with this id."""
        return self.targets.get(target, self.previous_value)


def _check_bool(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise ValidationError(f"{_section(instance)}.{attribute.name}", "true or false", value)


def _check_auto_criteria(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValidationError(
            "indices.auto_criteria", "a table of criterion id = formula name", value
        )


@attrs.frozen
class IndexParams:
    """How the tracker computes the PAR-style index and SIPAS of its units
    (:meth:`Tracker.compute_indices <cchc_tasks.Tracker.compute_indices>`).

    * ``rescale_without_survey``: a unit without survey points has its appraised part
      rescaled to the full scale (Hà Nội practice [V]); ``false`` counts the survey 0;
    * ``auto_criteria``: criterion id → formula name (``on_time_share``, ``done_share``,
      ``all_on_time``), filled from task completion; adds to the ``auto`` entries of the
      criteria table and overrides them;
    * ``ties``: ``"shared"`` (1, 2, 2, 4) or ``"dense"`` (1, 2, 2, 3) [I];
    * ``precision``: compare values rounded to this many decimals when ranking (``None``:
      exact), as a province that publishes two decimals would;
    * ``include_unreliable``: also record a SIPAS computed from fewer than
      ``sipas.min_sample`` valid answers (its source then says "not reliable").
    """

    section = "indices"
    rescale_without_survey: bool = attrs.field(default=True, validator=_check_bool)
    auto_criteria: dict[str, str] = attrs.field(factory=dict, validator=_check_auto_criteria)
    ties: str = attrs.field(default="shared")
    precision: int | None = attrs.field(default=None)
    include_unreliable: bool = attrs.field(default=False, validator=_check_bool)

    @ties.validator
    def _check_ties(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in ("shared", "dense"):
            raise ValidationError("indices.ties", "'shared' or 'dense'", value)

    @precision.validator
    def _check_precision(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10
        ):
            raise ValidationError("indices.precision", "a whole number from 0 to 10", value)
