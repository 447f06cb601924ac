"""One-time survey codes: the key a citizen gets on the receipt of a finished procedure.

A code is 80 random bits written as 16 characters of Crockford's base 32
(``7K3M-Q9XD-2HVA-TB5E``): no I, L, O or U, so a code read aloud or typed from paper
survives the usual mistakes (``o`` for ``0``, ``l`` for ``1``, lower case, spaces and
dashes are forgiven). The store never holds a code: it holds a :class:`SurveyCode`
keyed by :func:`code_id`, a digest of the code, so a copy of the store (a backup, a
journal) cannot be used to answer. A code opens one questionnaire of its unit and
service until it expires or is used; the journal names the code's id as the actor of
the answer, never the person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

import attrs

from ._fields import (
    check_date,
    check_id,
    check_optional_date,
    check_text,
    field_name,
    nfc,
)
from .errors import CchcError, ValidationError

__all__ = [
    "CODE_BITS",
    "CODE_LENGTH",
    "SurveyCode",
    "SurveyCodeError",
    "code_actor",
    "code_id",
    "format_code",
    "new_code",
    "normalize_code",
]

#: Crockford's base-32 alphabet: digits and letters without I, L, O and U.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: The random bits of a code, and its length in characters (5 bits each).
CODE_BITS = 80
CODE_LENGTH = CODE_BITS // 5
# What people type for what they mean.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
#: The comment a respondent may leave, at most this many characters.
MAX_COMMENT = 1000


def new_code() -> str:
    """A fresh random code (``CODE_BITS`` bits from the operating system's generator),
    formatted for print (:func:`format_code`)."""
    number = secrets.randbits(CODE_BITS)
    chars = [_ALPHABET[(number >> (5 * i)) & 31] for i in range(CODE_LENGTH)]
    return format_code("".join(reversed(chars)))


def normalize_code(text: Any) -> str:
    """The code as stored digests see it: upper case, without spaces or dashes, the
    confusable letters read as the digits they look like. A text that cannot be a code
    raises :class:`ValidationError` naming ``code``."""
    if not isinstance(text, str):
        raise ValidationError("code", f"a survey code of {CODE_LENGTH} characters", text)
    plain = "".join(text.split()).replace("-", "").upper().translate(_CONFUSABLE)
    if len(plain) != CODE_LENGTH or any(c not in _ALPHABET for c in plain):
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ValidationError("code", f"a survey code of {CODE_LENGTH} letters and digits", shown)
    return plain


def format_code(text: str) -> str:
    """The code in groups of four, as printed on a receipt: ``7K3M-Q9XD-2HVA-TB5E``."""
    plain = normalize_code(text)
    return "-".join(plain[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def code_id(code: str) -> str:
    """The key of a code in the store: the first 20 hex digits of its SHA-256 (80 bits,
    as many as the code has; not reversible)."""
    return hashlib.sha256(normalize_code(code).encode("ascii")).hexdigest()[:20]


def code_actor(code_id: str) -> str:
    """The journal's actor for an answer given with the code keyed ``code_id``."""
    return f"survey-code:{code_id}"


_REFUSALS = {
    "unknown": "a survey code that was issued",
    "used": "a survey code not used yet",
    "expired": "a survey code before its expiry",
    "not-yet-valid": "a survey code from its issue day on",
}


class SurveyCodeError(CchcError):
    """A survey code that cannot be answered: ``reason`` is ``"unknown"``, ``"used"``,
    ``"expired"`` or ``"not-yet-valid"``; ``code_id`` its key (``None`` when unknown).
    Nothing was changed."""

    def __init__(self, reason: str, code_id: str | None) -> None:
        self.reason = reason
        self.code_id = code_id
        got = {"unknown": "a code never issued"}.get(reason, f"code {code_id}: {reason}")
        super().__init__(f"code: expected {_REFUSALS[reason]}, got {got}")


def _check_hex_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not (
        isinstance(value, str) and len(value) == 20 and all(c in "0123456789abcdef" for c in value)
    ):
        raise ValidationError(field_name(instance, attribute), "a code id (20 hex digits)", value)


def _check_comment(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_text(instance, attribute, value)
    if len(value) > MAX_COMMENT:
        raise ValidationError(
            field_name(instance, attribute),
            f"at most {MAX_COMMENT} characters",
            f"{len(value)} characters",
        )


@attrs.frozen
class SurveyCode:
    """A code issued for one questionnaire of ``unit``'s ``service``: ``id`` is
    :func:`code_id` of the code; valid from ``issued`` to ``expires`` inclusive;
    ``used_on`` is the day it was answered (``None`` while unused), ``response`` the id
    of the :class:`~cchc_tasks.surveys.SurveyResponse` it gave and ``comment`` what the
    respondent wrote, if anything."""

    id: str = attrs.field(validator=_check_hex_id)
    unit: str = attrs.field(converter=nfc, validator=check_id)
    service: str = attrs.field(converter=nfc, validator=check_text)
    issued: dt.date = attrs.field(validator=check_date)
    expires: dt.date = attrs.field(validator=check_date)
    used_on: dt.date | None = attrs.field(default=None, validator=check_optional_date)
    response: str | None = attrs.field(default=None)
    comment: str = attrs.field(default="", converter=nfc, validator=_check_comment)

    def __attrs_post_init__(self) -> None:
        if self.expires < self.issued:
            raise ValidationError(
                "SurveyCode.expires", f"a day on or after issued={self.issued}", self.expires
            )

    def usable_on(self, day: dt.date) -> bool:
        """Can the code be answered on ``day``: not used, issued and not expired?"""
        return self.used_on is None and self.issued <= day <= self.expires

    def refusal(self, day: dt.date) -> str | None:
        """Why the code cannot be answered on ``day`` (``"used"``, ``"expired"`` or
        ``"not-yet-valid"``), or ``None`` if it can."""
        if self.used_on is not None:
            return "used"
        if day > self.expires:
            return "expired"
        if day < self.issued:
            return "not-yet-valid"
        return None
