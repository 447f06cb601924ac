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
    check_optional_id,
    check_period,
    check_text,
    nfc,
    nfc_or_none,
)

__all__ = ["Field", "Indicator", "Plan", "as_field", "as_indicator"]


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


def as_field(value: Any) -> Any:
    """Known field names become :class:`Field`; other text stays; ``""`` is no field."""
    value = nfc_or_none(value)
    try:
        return Field(value)
    except ValueError:
        return value


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
