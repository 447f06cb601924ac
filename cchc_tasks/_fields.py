"""Converters and validators shared by the domain classes.

Every validator raises :class:`~cchc_tasks.errors.ValidationError` with the field
spelt ``Class.attribute``, so a message points at the exact input that was wrong.
Text is normalised to Unicode NFC on the way in: Vietnamese arrives in both NFC and
NFD (Word and Excel differ) and two spellings of one name must compare equal.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from .errors import ValidationError

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

#: Longest id accepted; ids are short handles such as ``"noi-vu"`` or ``"t-2025-017"``.
MAX_ID_LENGTH = 64
#: Longest text accepted in any field (a title, a note, a reason): several pages. Longer
#: text is a mistake (a file pasted into a cell) or an attack, and would be journalled.
MAX_TEXT_LENGTH = 20_000
#: Longest actor accepted: an account name or a person's name, on one line.
MAX_ACTOR_LENGTH = 100

_SURROGATES = re.compile("[\ud800-\udfff]")


def text_problem(value: str, maximum: int = MAX_TEXT_LENGTH) -> str | None:
    """Why ``value`` cannot be stored as text, or ``None``: longer than ``maximum``, or
    holding a lone surrogate (not Unicode text: it cannot be written as UTF-8)."""
    if len(value) > maximum:
        return f"text of at most {maximum:,} characters"
    if _SURROGATES.search(value):
        return "valid Unicode text (no lone surrogates)"
    return None


def shown(value: Any) -> Any:
    """``value`` as an error message should quote it: long text cut to its start."""
    if isinstance(value, str) and len(value) > 80:
        return f"{value[:60]}… ({len(value):,} characters)"
    return value


def check_actor(value: Any, field: str = "actor") -> None:
    """Who made a change, as the journal records it: ``None`` or one line of printable
    text of at most :data:`MAX_ACTOR_LENGTH` characters. A newline in an actor would
    forge a line of ``cchc history``."""
    if value is None:
        return
    expected = f"one line of printable text, 1 to {MAX_ACTOR_LENGTH} characters, or None"
    if (
        not isinstance(value, str)
        or not value.strip()
        or text_problem(value, MAX_ACTOR_LENGTH) is not None
        or not value.isprintable()
    ):
        raise ValidationError(field, expected, shown(value))


def check_note(value: Any, field: str = "note") -> None:
    """Why a change was made: ``None`` or text (line breaks allowed) of at most
    :data:`MAX_TEXT_LENGTH` characters."""
    if value is None:
        return
    if not isinstance(value, str):
        raise ValidationError(field, "text or None", value)
    problem = text_problem(value)
    if problem is not None:
        raise ValidationError(field, problem, shown(value))


def field_name(instance: Any, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def nfc(value: Any) -> Any:
    """Normalise text to NFC and strip surrounding blanks; leave other values alone."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def nfc_or_none(value: Any) -> Any:
    """Like :func:`nfc`, but an empty string becomes ``None`` (an absent reference)."""
    value = nfc(value)
    return None if value == "" else value


def nfc_tuple(value: Any) -> Any:
    """Turn any iterable of text into a tuple of NFC text (a lone string is one item).

    A mapping is left alone for the validator to reject: its keys are not a list."""
    if isinstance(value, str):
        return (nfc(value),)
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return tuple(nfc(v) for v in value)
    return value


def check_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Any text, including empty (bounded, valid Unicode: see :func:`text_problem`)."""
    if not isinstance(value, str):
        raise ValidationError(field_name(instance, attribute), "text", value)
    problem = text_problem(value)
    if problem is not None:
        raise ValidationError(field_name(instance, attribute), problem, shown(value))


def check_nonempty_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError(field_name(instance, attribute), "non-empty text", value)
    problem = text_problem(value)
    if problem is not None:
        raise ValidationError(field_name(instance, attribute), problem, shown(value))


def is_valid_id(value: Any) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_ID_LENGTH
        and value.isprintable()
        and not any(ch.isspace() for ch in value)
    )


_ID_EXPECTATION = f"an id: 1 to {MAX_ID_LENGTH} printable characters without spaces"


def check_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not is_valid_id(value):
        raise ValidationError(field_name(instance, attribute), _ID_EXPECTATION, value)


def is_valid_number_id(value: Any) -> bool:
    """An id as another tool numbers things (a survey tool's "Phiếu 1"): like
    :func:`is_valid_id`, but inner spaces are allowed."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_ID_LENGTH
        and value.isprintable()
        and value == value.strip()
    )


def check_number_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not is_valid_number_id(value):
        raise ValidationError(
            field_name(instance, attribute),
            f"a number as the survey tool wrote it: 1 to {MAX_ID_LENGTH} printable "
            "characters (no line break, no control character)",
            shown(value),
        )


def check_optional_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_id(instance, attribute, value)


def check_id_tuple(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not all(is_valid_id(v) for v in value):
        raise ValidationError(
            field_name(instance, attribute), f"a list of ids ({_ID_EXPECTATION})", value
        )
    if len(set(value)) != len(value):
        raise ValidationError(field_name(instance, attribute), "ids without repeats", value)


def check_date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    # datetime is a subclass of date; a timestamp where a day is meant is a bug upstream.
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(field_name(instance, attribute), "a date (datetime.date)", value)


def check_optional_date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_date(instance, attribute, value)


def check_aware_datetime(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise ValidationError(field_name(instance, attribute), "a timezone-aware datetime", value)


def check_bool(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise ValidationError(field_name(instance, attribute), "True or False", value)


def check_year(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
        raise ValidationError(field_name(instance, attribute), "a year from 1900 to 2200", value)


def is_finite_number(value: Any) -> bool:
    """An int or float (not a bool) that is finite as a float: no NaN, no infinity, and
    no int too large for a float (arithmetic on it would overflow)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond float range
        return False


def check_number(
    *, minimum: float | None = None, maximum: float | None = None, optional: bool = False
) -> Validator:
    """A finite int or float within ``[minimum, maximum]`` (``None`` allowed if optional)."""
    bounds = []
    if minimum is not None:
        bounds.append(f">= {minimum:g}")
    if maximum is not None:
        bounds.append(f"<= {maximum:g}")
    expected = "a finite number" + (" " + " and ".join(bounds) if bounds else "")
    if optional:
        expected += " or None"

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if (
            not is_finite_number(value)
            or (minimum is not None and value < minimum)
            or (maximum is not None and value > maximum)
        ):
            raise ValidationError(field_name(instance, attribute), expected, value)

    return validate


def check_int(*, minimum: int, optional: bool = False) -> Validator:
    expected = f"a whole number >= {minimum}" + (" or None" if optional else "")

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValidationError(field_name(instance, attribute), expected, value)

    return validate


def check_period(start: dt.date | None, end: dt.date | None, owner: str, end_name: str) -> None:
    """An interval must not end before it starts."""
    if start is not None and end is not None and end < start:
        raise ValidationError(f"{owner}.{end_name}", f"a date on or after {start}", end)
