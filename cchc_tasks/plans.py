"""Plans, the fields of reform they cover, and the indicators they target.

A :class:`Plan` is issued by a unit for a period, under a document such as
"Kế hoạch số 123/KH-UBND", and may hang under a parent plan (the district plan under
the province's). :class:`Field` lists the areas of reform; :class:`Indicator` the four
indicators of the seed plan. Both are open: any other text is a custom field or
indicator.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs

from ._fields import (
    check_date,
    check_id,
    check_nonempty_text,
    check_number,
    check_optional_id,
    check_period,
    check_text,
    field_name,
    nfc,
    nfc_or_none,
)
from .errors import ValidationError

__all__ = [
    "BUILTIN_SCALES",
    "Field",
    "Indicator",
    "IndicatorScale",
    "Plan",
    "as_field",
    "as_indicator",
]


class Field(enum.StrEnum):
    """The areas ("lĩnh vực") of administrative reform, after Resolution 76/NQ-CP and the
    seven fields of the national PAR-index method (QĐ 876/QĐ-BNV)."""

    DIRECTION = "direction"
    INSTITUTIONS = "institutions"
    PROCEDURES = "procedures"
    APPARATUS = "apparatus"
    CIVIL_SERVICE = "civil-service"
    PUBLIC_FINANCE = "public-finance"
    DIGITAL_GOVERNMENT = "digital-government"

    @property
    def label_vi(self) -> str:
        """The field's name as officials write it."""
        return _FIELD_LABELS[self]


_FIELD_LABELS = {
    Field.DIRECTION: "Công tác chỉ đạo, điều hành CCHC",
    Field.INSTITUTIONS: "Cải cách thể chế",
    Field.PROCEDURES: "Cải cách thủ tục hành chính",
    Field.APPARATUS: "Cải cách tổ chức bộ máy",
    Field.CIVIL_SERVICE: "Cải cách chế độ công vụ",
    Field.PUBLIC_FINANCE: "Cải cách tài chính công",
    Field.DIGITAL_GOVERNMENT: "Xây dựng chính quyền điện tử, chính quyền số",
}


class Indicator(enum.StrEnum):
    """The indicators the seed plan targets. Custom indicators are plain strings."""

    PAR_INDEX = "PAR_INDEX"
    PAPI = "PAPI"
    SIPAS = "SIPAS"
    DTI = "DTI"

    @property
    def label_vi(self) -> str:
        return _INDICATOR_LABELS[self]


_INDICATOR_LABELS = {
    Indicator.PAR_INDEX: "Chỉ số cải cách hành chính (PAR INDEX)",
    Indicator.PAPI: "Chỉ số hiệu quả quản trị và hành chính công (PAPI)",
    Indicator.SIPAS: "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)",
    Indicator.DTI: "Chỉ số chuyển đổi số (DTI)",
}


def as_indicator(value: Any) -> Any:
    """Known indicator names become :class:`Indicator`; other text stays (custom)."""
    value = nfc(value)
    try:
        return Indicator(value)
    except ValueError:
        return value


@attrs.frozen
class IndicatorScale:
    """An indicator a store may record: its ``name`` and the range of its values,
    ``minimum`` to ``maximum`` inclusive (``None``: no bound on that side). The four
    built-in indicators have theirs (:data:`BUILTIN_SCALES`); any other must be declared
    (``Tracker.add_indicator``) before a result or a target names it."""

    name: str = attrs.field(converter=as_indicator, validator=check_nonempty_text)
    minimum: float | None = attrs.field(default=None, validator=check_number(optional=True))
    maximum: float | None = attrs.field(default=None, validator=check_number(optional=True))
    label: str = attrs.field(default="", converter=nfc, validator=check_text)

    def __attrs_post_init__(self) -> None:
        if self.minimum is not None and self.maximum is not None and self.maximum < self.minimum:
            raise ValidationError(
                "IndicatorScale.maximum", f"a number >= minimum={self.minimum:g}", self.maximum
            )

    @property
    def id(self) -> str:
        return str(self.name)

    def describe(self) -> str:
        """The range as text: ``"from 0 to 100"``, ``"at least 0"``, ``"any number"``."""
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"from {low:g} to {high:g}"
        if low is not None:
            return f"at least {low:g}"
        if high is not None:
            return f"at most {high:g}"
        return "any number"

    def check(self, value: float | None, field: str) -> None:
        """Refuse a ``value`` outside the scale, naming ``field``."""
        if value is None:
            return
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise ValidationError(field, f"a {self.name} value {self.describe()}", value)


#: The scales of the built-in indicators: PAR INDEX and SIPAS are percentages (a
#: computed index is clamped to 0–100, bonus points included); PAPI is a total of eight
#: dimensions of up to 10 points (80); DTI is an index from 0 to 1, as results use it.
BUILTIN_SCALES: dict[str, IndicatorScale] = {
    scale.id: scale
    for scale in (
        IndicatorScale(Indicator.PAR_INDEX, 0, 100, "percent"),
        IndicatorScale(Indicator.SIPAS, 0, 100, "percent"),
        IndicatorScale(Indicator.PAPI, 0, 80, "points of 80"),
        IndicatorScale(Indicator.DTI, 0, 1, "index from 0 to 1"),
    )
}


def as_field(value: Any) -> Any:
    """Known field names become :class:`Field`; other text stays; ``""`` is no field."""
    value = nfc_or_none(value)
    try:
        return Field(value)
    except ValueError:
        return value


def check_field(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """What :func:`as_field` leaves: a :class:`Field`, a province's own field name (text
    of the storable length) or ``None``."""
    if value is not None and not isinstance(value, str):
        raise ValidationError(field_name(instance, attribute), "a field name or None", value)
    if value is not None:
        check_text(instance, attribute, value)


@attrs.frozen
class Plan:
    """A reform plan of ``unit`` for ``[start, end]``; tasks must fall due within it."""

    id: str = attrs.field(converter=nfc, validator=check_id)
    title: str = attrs.field(converter=nfc, validator=check_nonempty_text)
    unit: str = attrs.field(converter=nfc, validator=check_id)
    start: dt.date = attrs.field(validator=check_date)
    end: dt.date = attrs.field(validator=check_date)
    parent: str | None = attrs.field(
        default=None, converter=nfc_or_none, validator=check_optional_id
    )
    document: str = attrs.field(default="", converter=nfc, validator=check_text)

    def __attrs_post_init__(self) -> None:
        check_period(self.start, self.end, "Plan", "end")

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def covers_year(self, year: int) -> bool:
        return self.start.year <= year <= self.end.year
