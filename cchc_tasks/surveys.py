"""Satisfaction surveys of citizens and organisations, and the SIPAS-style index (rule R7).

The seed plan's target "SIPAS above 90%" is judged on a provincial survey of the unit
(regulation.md §0.3). Provinces run it on paper, by phone and increasingly online, and
what reaches a district office is a spreadsheet exported from the survey tool. So this
module does two things:

* :func:`import_responses_csv` reads such an export, all or nothing: one bad cell and
  nothing is imported, and the error lists *every* bad row with its row number, column
  and problem, so the official fixes the file once instead of once per error;
* :func:`compute_sipas` (and :func:`sipas_by_unit`, :func:`sipas_by_service`) turn
  responses into factor indices and a SIPAS value, with the sample size, a margin of
  error and a ``reliable`` flag, because 12 answers saying "hài lòng" are not a fact
  about a unit.

The structure — five service factors — is verified (QĐ 2640/QĐ-BNV, QĐ 1001/QĐ-BNV,
regulation.md §3.2); the formula is not [I]: ``factor index = 100 × satisfied / valid``
and ``SIPAS = weighted mean of the factor indices``, with the scale, the satisfied
answers and the weights as parameters (:class:`SipasParams`).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
import os
import re
from collections.abc import Container, Iterable, Mapping
from typing import Any

import attrs

from ._fields import (
    MAX_ID_LENGTH,
    check_date,
    check_id,
    check_nonempty_text,
    check_number_id,
    check_text,
    field_name,
    is_finite_number,
    is_valid_id,
    is_valid_number_id,
    nfc,
    nfc_tuple,
)
from ._tabular import RowProblem, TabularImportError, csv_rows, decode, read_bytes
from ._tabular import key as _key
from ._tabular import parse_dmy as _parse_date
from .errors import ValidationError
from .i18n import Lang, Message, Text, render

__all__ = [
    "DEFAULT_FACTORS",
    "AnswerScale",
    "FactorResult",
    "RespondentKind",
    "RowProblem",
    "SipasParams",
    "SipasResult",
    "SurveyFactor",
    "SurveyImportError",
    "SurveyResponse",
    "compute_sipas",
    "import_responses_csv",
    "margin_of_error",
    "sipas_by_service",
    "sipas_by_unit",
]


class RespondentKind(enum.StrEnum):
    """Who answered: a citizen ("người dân") or an organisation ("tổ chức")."""

    CITIZEN = "citizen"
    ORGANISATION = "organisation"

    @property
    def label_vi(self) -> str:
        return "Người dân" if self is RespondentKind.CITIZEN else "Tổ chức"


_KIND_WORDS = {
    _key(word): kind
    for kind, words in (
        (RespondentKind.CITIZEN, ("citizen", "người dân", "công dân", "cá nhân")),
        (
            RespondentKind.ORGANISATION,
            ("organisation", "organization", "tổ chức", "doanh nghiệp", "đại diện tổ chức"),
        ),
    )
    for word in words
}


def _as_kind(value: Any) -> Any:
    if isinstance(value, str):
        return _KIND_WORDS.get(_key(value), value)
    return value


def _check_kind(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, RespondentKind):
        raise ValidationError(
            field_name(instance, attribute), "citizen (người dân) or organisation (tổ chức)", value
        )


def _answers_converter(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {nfc(k): v for k, v in value.items()}
    return value


def _check_answers(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    where = field_name(instance, attribute)
    if not isinstance(value, dict):
        raise ValidationError(where, "a mapping of factor id to answer", value)
    for factor, answer in value.items():
        if not is_valid_id(factor):
            raise ValidationError(f"{where} key", "a factor id", factor)
        if answer is not None and (isinstance(answer, bool) or not isinstance(answer, int)):
            raise ValidationError(f"{where}[{factor!r}]", "a whole number or None (blank)", answer)


@attrs.frozen
class SurveyResponse:
    """One filled-in questionnaire ("phiếu khảo sát").

    ``answers`` maps factor ids to the answer on the scale, or ``None`` for a blank (or
    "no opinion"). Whether an answer is valid depends on the scale in force when the
    index is computed, so a response keeps what was answered, not a verdict on it.
    ``id`` is the survey tool's own number for the questionnaire, kept as text.
    """

    id: str = attrs.field(converter=nfc, validator=check_number_id)
    respondent_kind: RespondentKind = attrs.field(converter=_as_kind, validator=_check_kind)
    unit: str = attrs.field(converter=nfc, validator=check_id)
    service: str = attrs.field(converter=nfc, validator=check_text)
    date: dt.date = attrs.field(validator=check_date)
    # Left out of the hash (a dict has none), so responses can be put in sets.
    answers: dict[str, int | None] = attrs.field(
        converter=_answers_converter, validator=_check_answers, hash=False
    )


@attrs.frozen
class SurveyFactor:
    """A service factor ("yếu tố") asked about; ``aliases`` are the column headings that
    survey tools use for it, besides ``id`` and ``name``."""

    id: str = attrs.field(converter=nfc, validator=check_id)
    name: str = attrs.field(converter=nfc, validator=check_nonempty_text)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=nfc_tuple)

    def headings(self) -> set[str]:
        return {_key(h) for h in (self.id, self.name, *self.aliases)}


#: The five service factors of the national method [V structure: QĐ 2640/QĐ-BNV,
#: QĐ 1001/QĐ-BNV; regulation.md §3.2].
DEFAULT_FACTORS: tuple[SurveyFactor, ...] = (
    SurveyFactor("access", "Tiếp cận dịch vụ"),
    SurveyFactor("procedure", "Thủ tục hành chính"),
    SurveyFactor("civil-servants", "Công chức trực tiếp giải quyết công việc", ("Công chức",)),
    SurveyFactor("results", "Kết quả dịch vụ", ("Kết quả",)),
    SurveyFactor(
        "feedback",
        "Tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị",
        ("Tiếp nhận góp ý", "Góp ý, phản ánh, kiến nghị"),
    ),
)

_DEFAULT_LABELS = {
    "Rất không hài lòng": 1,
    "Không hài lòng": 2,
    "Bình thường": 3,
    "Hài lòng": 4,
    "Rất hài lòng": 5,
}
_DEFAULT_NON_ANSWERS = ("Không ý kiến", "Không biết", "Không trả lời", "Không áp dụng")
_INT = re.compile(r"[+-]?\d+(?:\.0+)?")
_NUMBERED = re.compile(r"(\d+)\s*[-.:)–]\s*([^\W\d_].*)")


def _int_set(value: Any) -> Any:
    if isinstance(value, Iterable) and not isinstance(value, str | Mapping):
        return frozenset(value)
    return value


def _labels_converter(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {nfc(k): v for k, v in value.items()}
    return value


@attrs.frozen
class AnswerScale:
    """The answer scale: whole numbers ``low``..``high``; ``satisfied`` are the answers
    that count as satisfied (default 4 "hài lòng" and 5 "rất hài lòng" of 1–5 [I]).

    ``labels`` lets a CSV cell say "Hài lòng" instead of 4 (survey tools export either);
    ``non_answers`` ("Không ý kiến", …) are read as blanks, not errors.
    """

    low: int = attrs.field(default=1)
    high: int = attrs.field(default=5)
    satisfied: frozenset[int] = attrs.field(default=frozenset({4, 5}), converter=_int_set)
    labels: dict[str, int] = attrs.field(
        factory=lambda: dict(_DEFAULT_LABELS), converter=_labels_converter
    )
    non_answers: tuple[str, ...] = attrs.field(default=_DEFAULT_NON_ANSWERS, converter=nfc_tuple)
    # The labels and non-answers as parse() matches them, made once: it runs per cell.
    _label_keys: dict[str, int] = attrs.field(init=False, repr=False, eq=False)
    _blank_keys: frozenset[str] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        for name in ("low", "high"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(f"AnswerScale.{name}", "a whole number", value)
        if self.low >= self.high:
            raise ValidationError("AnswerScale.high", f"a number above low={self.low}", self.high)
        if (
            not isinstance(self.satisfied, frozenset)
            or not self.satisfied
            or not all(self.is_valid(a) for a in self.satisfied)
        ):
            raise ValidationError(
                "AnswerScale.satisfied",
                f"a non-empty set of answers from {self.low} to {self.high}",
                self.satisfied,
            )
        if not isinstance(self.labels, dict) or not all(
            isinstance(k, str) and self.is_valid(v) for k, v in self.labels.items()
        ):
            raise ValidationError(
                "AnswerScale.labels",
                f"a mapping of label text to answers from {self.low} to {self.high}",
                self.labels,
            )
        object.__setattr__(self, "_label_keys", {_key(k): v for k, v in self.labels.items()})
        object.__setattr__(self, "_blank_keys", frozenset(_key(n) for n in self.non_answers))

    def is_valid(self, answer: Any) -> bool:
        """Is ``answer`` a point of the scale?"""
        return (
            isinstance(answer, int)
            and not isinstance(answer, bool)
            and self.low <= answer <= self.high
        )

    def is_satisfied(self, answer: Any) -> bool:
        return self.is_valid(answer) and answer in self.satisfied

    def parse(self, cell: str) -> int | None:
        """Read one CSV cell: a number, a label, "4 - Hài lòng", a non-answer or blank.

        Blank and non-answers give ``None``; anything else that is not a point of the
        scale raises :class:`ValueError` whose message says what was expected."""
        text = _key(cell)
        if not text or text in self._blank_keys:
            return None
        labels = self._label_keys
        answer: int | None = None
        if _INT.fullmatch(text):
            answer = int(float(text))
        elif text in labels:
            answer = labels[text]
        elif (m := _NUMBERED.fullmatch(text)) is not None:
            answer = int(m[1])
            named = labels.get(m[2])
            if named is not None and named != answer:
                raise ValueError(f"a number that agrees with its label ({named})")
        if answer is None or not self.is_valid(answer):
            raise ValueError(
                f"an answer from {self.low} to {self.high}, a label such as "
                f"{next(iter(self.labels), 'Hài lòng')!r}, or blank"
            )
        return answer


def _check_factors(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        not isinstance(value, tuple)
        or not value
        or not all(isinstance(f, SurveyFactor) for f in value)
    ):
        raise ValidationError("SipasParams.factors", "a non-empty list of SurveyFactor", value)
    ids = [f.id for f in value]
    if len(set(ids)) != len(ids):
        raise ValidationError("SipasParams.factors", "factors with distinct ids", ids)


def _to_tuple(value: Any) -> Any:
    if isinstance(value, Iterable) and not isinstance(value, str | Mapping):
        return tuple(value)
    return value


def _factors_converter(value: Any) -> Any:
    """A list of factors; tables (from a configuration file) become :class:`SurveyFactor`."""
    value = _to_tuple(value)
    if not isinstance(value, tuple):
        return value
    out = []
    for i, item in enumerate(value):
        if isinstance(item, Mapping):
            unknown = sorted(set(item) - {"id", "name", "aliases"})
            if unknown or "id" not in item or "name" not in item:
                raise ValidationError(
                    f"SipasParams.factors[{i}]", "a table with id, name and aliases", dict(item)
                )
            aliases = item.get("aliases", ())
            aliases = (aliases,) if isinstance(aliases, str) else tuple(aliases)
            item = SurveyFactor(item["id"], item["name"], aliases)
        out.append(item)
    return tuple(out)


def _scale_converter(value: Any) -> Any:
    """A scale; a table (from a configuration file) becomes :class:`AnswerScale`."""
    if isinstance(value, Mapping):
        known = {f.name for f in attrs.fields(AnswerScale)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValidationError(
                f"SipasParams.scale.{unknown[0]}", f"one of {sorted(known)}", unknown[0]
            )
        return AnswerScale(**value)
    return value


def _weights_converter(value: Any) -> Any:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {nfc(k): v for k, v in value.items()}
    return value


@attrs.frozen
class SipasParams:
    """The parameters of the SIPAS-style index [I: the formula is not verified, R7].

    * ``factors``: the service factors asked about (default: the five of the national
      method);
    * ``scale``: the answer scale and which answers count as satisfied;
    * ``weights``: factor id → weight (all factors); empty means equal weights, which
      makes SIPAS the plain mean of the factor indices;
    * ``min_sample``: fewer valid answers than this (default 30, [I]) and a result is
      flagged not reliable;
    * ``z``: the normal quantile of the margin of error (1.96 for 95%);
    * ``conservative_margin``: compute the margin with p = 0.5 (the widest) instead of
      the observed share, as polls report a "maximum margin of error".
    """

    section = "sipas"
    factors: tuple[SurveyFactor, ...] = attrs.field(
        default=DEFAULT_FACTORS, converter=_factors_converter, validator=_check_factors
    )
    scale: AnswerScale = attrs.field(factory=AnswerScale, converter=_scale_converter)
    weights: dict[str, float] = attrs.field(factory=dict, converter=_weights_converter)
    min_sample: int = attrs.field(default=30)
    z: float = attrs.field(default=1.96)
    conservative_margin: bool = attrs.field(default=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.scale, AnswerScale):
            raise ValidationError("SipasParams.scale", "an AnswerScale", self.scale)
        if not isinstance(self.weights, dict):
            raise ValidationError("SipasParams.weights", "a mapping of factor id to weight", None)
        if self.weights:
            ids = [f.id for f in self.factors]
            for key, weight in self.weights.items():
                if key not in ids:
                    raise ValidationError("SipasParams.weights", f"factor ids among {ids}", key)
                if not is_finite_number(weight) or weight < 0:
                    raise ValidationError(f"SipasParams.weights[{key!r}]", "a number >= 0", weight)
            missing = [i for i in ids if i not in self.weights]
            if missing:
                raise ValidationError(
                    "SipasParams.weights", "a weight for every factor", f"none for {missing[0]}"
                )
            if not sum(self.weights.values()) > 0:
                raise ValidationError("SipasParams.weights", "weights not all zero", self.weights)
        m = self.min_sample
        if isinstance(m, bool) or not isinstance(m, int) or m < 1:
            raise ValidationError("SipasParams.min_sample", "a whole number >= 1", m)
        if not is_finite_number(self.z) or self.z <= 0:
            raise ValidationError("SipasParams.z", "a number > 0 (1.96 for 95%)", self.z)
        if not isinstance(self.conservative_margin, bool):
            raise ValidationError(
                "SipasParams.conservative_margin", "True or False", self.conservative_margin
            )

    def weight(self, factor: str) -> float:
        return float(self.weights[factor]) if self.weights else 1.0


def margin_of_error(share: float, n: int, z: float = 1.96) -> float:
    """The margin of error of a proportion, in percentage points: ``100 × z × √(p(1−p)/n)``.

    The normal (Wald) approximation: fine for the hundreds of answers a provincial survey
    collects, optimistic for a few dozen, and 0 when every answer agrees (p = 0 or 1) —
    which is why small samples are flagged by ``min_sample`` rather than trusted to the
    margin. ``share`` is p in 0–1; ``n`` the number of valid answers.
    """
    if not is_finite_number(share) or not 0 <= share <= 1:
        raise ValidationError("margin_of_error.share", "a share from 0 to 1", share)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValidationError("margin_of_error.n", "a whole number >= 1", n)
    return 100.0 * z * math.sqrt(share * (1.0 - share) / n)


@attrs.frozen
class FactorResult:
    """One factor's index: ``satisfied`` of ``valid`` answers, and what was left out
    (``blank``: no answer or "no opinion"; ``invalid``: an answer off the scale)."""

    factor: str
    name: str
    satisfied: int
    valid: int
    blank: int
    invalid: int
    weight: float
    value: float | None
    margin: float | None
    reliable: bool


@attrs.frozen
class SipasResult:
    """A SIPAS-style index with its evidence: ``value`` in percent (``None`` without a
    single valid answer), ``n`` responses, ``n_valid`` (the fewest valid answers of any
    factor in the mean, which sets the margin), ``margin`` in percentage points at
    ``z``, and ``reliable``: every weighted factor has at least ``min_sample`` valid
    answers. An unreliable result is a sign, not a fact: say so when showing it."""

    value: float | None
    n: int
    margin: float | None
    reliable: bool
    factors: tuple[FactorResult, ...] = ()
    unit: str | None = None
    service: str | None = None
    n_valid: int = 0
    min_sample: int = 30
    z: float = 1.96

    def factor(self, id: str) -> FactorResult:
        for f in self.factors:
            if f.factor == id:
                return f
        raise ValidationError("factor", f"one of {[f.factor for f in self.factors]}", id)

    def summary(self, unit_name: str | None = None) -> Message:
        """The index in one line ("SIPAS of …: 91.2% ± 2.1 points (…)"), a message;
        ``unit_name`` is shown instead of the unit's id."""
        unit = unit_name or self.unit
        who: Text = ""
        if unit and self.service:
            who = Message.of("sipas.who.unit-service", unit=unit, service=self.service)
        elif unit:
            who = Message.of("sipas.who.unit", unit=unit)
        elif self.service:
            who = Message.of("sipas.who.service", service=self.service)
        if self.value is None:
            return Message.of("sipas.summary.none", who=who, n=self.n)
        if not self.reliable:
            return Message.of(
                "sipas.summary.unreliable",
                who=who,
                value=self.value,
                n_valid=self.n_valid,
                min_sample=self.min_sample,
            )
        return Message.of(
            "sipas.summary",
            who=who,
            value=self.value,
            margin=self.margin if self.margin is not None else 0.0,
            z=self.z,
            n=self.n,
            n_valid=self.n_valid,
        )

    def describe(self, lang: Lang = "en", *, unit_name: str | None = None) -> str:
        """:meth:`summary` in ``lang``: English unless asked (as it always was, for
        programs); people's outputs pass their reader's language."""
        return render(self.summary(unit_name), lang)

    def __str__(self) -> str:
        return self.describe()


def _label(values: set[str]) -> str | None:
    return next(iter(values)) if len(values) == 1 else None


def _factor_result(
    factor: SurveyFactor, items: list[SurveyResponse], params: SipasParams
) -> FactorResult:
    scale = params.scale
    answers = [r.answers.get(factor.id) for r in items]
    blank = sum(1 for a in answers if a is None)
    valid = sum(1 for a in answers if a is not None and scale.is_valid(a))
    satisfied = sum(1 for a in answers if scale.is_satisfied(a))
    value = margin = None
    if valid:
        value = 100.0 * satisfied / valid
        share = 0.5 if params.conservative_margin else satisfied / valid
        margin = margin_of_error(share, valid, params.z)
    return FactorResult(
        factor=factor.id,
        name=factor.name,
        satisfied=satisfied,
        valid=valid,
        blank=blank,
        invalid=len(answers) - blank - valid,
        weight=params.weight(factor.id),
        value=value,
        margin=margin,
        reliable=valid >= params.min_sample,
    )


def compute_sipas(
    responses: Iterable[SurveyResponse], params: SipasParams | None = None
) -> SipasResult:
    """The SIPAS-style index of ``responses`` taken together (rule R7) [I formula].

    Per factor: ``100 × satisfied / valid``; blanks and answers off the scale are left
    out and counted. SIPAS: the weighted mean of the factor indices that have at least
    one valid answer. The margin treats SIPAS as one proportion measured on the
    smallest valid count of those factors. Pass the responses of one unit (or one
    unit and service); :func:`sipas_by_unit` and :func:`sipas_by_service` do the split.
    """
    params = params if params is not None else SipasParams()
    items = list(responses)
    seen: set[str] = set()
    for r in items:
        if not isinstance(r, SurveyResponse):
            raise ValidationError("compute_sipas.responses", "SurveyResponse objects", r)
        if r.id in seen:
            raise ValidationError("SurveyResponse.id", "each response once", r.id)
        seen.add(r.id)
    factors = [_factor_result(f, items, params) for f in params.factors]
    weighted = [f for f in factors if f.weight > 0]
    measured = [f for f in weighted if f.value is not None]
    value: float | None = None
    margin: float | None = None
    n_valid = 0
    if measured:
        value = math.fsum(f.weight * (f.value or 0.0) for f in measured) / math.fsum(
            f.weight for f in measured
        )
        n_valid = min(f.valid for f in measured)
        share = 0.5 if params.conservative_margin else min(1.0, max(0.0, value / 100.0))
        margin = margin_of_error(share, n_valid, params.z)
    reliable = bool(measured) and len(measured) == len(weighted) and n_valid >= params.min_sample
    return SipasResult(
        value=value,
        n=len(items),
        margin=margin,
        reliable=reliable,
        factors=tuple(factors),
        unit=_label({r.unit for r in items}),
        service=_label({r.service for r in items}),
        n_valid=n_valid,
        min_sample=params.min_sample,
        z=params.z,
    )


def sipas_by_unit(
    responses: Iterable[SurveyResponse], params: SipasParams | None = None
) -> dict[str, SipasResult]:
    """:func:`compute_sipas` per unit, in unit order."""
    groups: dict[str, list[SurveyResponse]] = {}
    for r in responses:
        groups.setdefault(r.unit, []).append(r)
    return {unit: compute_sipas(groups[unit], params) for unit in sorted(groups)}


def sipas_by_service(
    responses: Iterable[SurveyResponse], params: SipasParams | None = None
) -> dict[tuple[str, str], SipasResult]:
    """:func:`compute_sipas` per (unit, service), in that order."""
    groups: dict[tuple[str, str], list[SurveyResponse]] = {}
    for r in responses:
        groups.setdefault((r.unit, r.service), []).append(r)
    return {key: compute_sipas(groups[key], params) for key in sorted(groups)}


# --- CSV import ---------------------------------------------------------------------------


class SurveyImportError(TabularImportError):
    """A survey file that cannot be imported; nothing was imported. ``problems`` lists
    every bad cell (:class:`RowProblem`: the header is row 1), ``rows`` the bad row
    numbers."""


# The standard columns and the headings survey tools give them.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("Mã phiếu", "Số phiếu", "Mã", "ID"),
    "respondent_kind": ("Đối tượng", "Loại đối tượng", "Respondent"),
    "unit": ("Đơn vị", "Cơ quan", "Unit"),
    "service": ("Dịch vụ", "Thủ tục", "Service"),
    "date": ("Ngày", "Ngày khảo sát", "Dấu thời gian", "Date", "Timestamp"),
}
_REQUIRED = ("id", "respondent_kind", "unit", "date")


def _read_text(source: str | os.PathLike[str], encoding: str | None) -> tuple[str, str]:
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        return source, "survey CSV"
    path = os.fspath(source)
    data = read_bytes(path, "survey CSV", "a readable CSV file (or CSV text)")
    return decode(data, encoding, os.path.basename(path)), os.path.basename(path)


def _match_columns(
    header: list[str], factors: tuple[SurveyFactor, ...]
) -> tuple[dict[str, int], list[RowProblem]]:
    wanted: dict[str, str] = {}
    for column, names in _COLUMNS.items():
        for name in names:
            wanted[_key(name)] = column
    for f in factors:
        for heading in f.headings():
            wanted[heading] = f"factor:{f.id}"
    found: dict[str, int] = {}
    problems = []
    for i, heading in enumerate(header):
        field = wanted.get(_key(heading))
        if field is None:
            continue  # survey tools add columns (e-mail, comments): ignore them
        if field in found:
            problems.append(
                RowProblem(
                    1,
                    nfc(heading),
                    f"a column heading used once (see column {found[field] + 1})",
                    nfc(heading),
                )
            )
            continue
        found[field] = i
    needed = [*_REQUIRED, *(f"factor:{f.id}" for f in factors)]
    for field in needed:
        if field not in found:
            if field.startswith("factor:"):
                factor = next(f for f in factors if f"factor:{f.id}" == field)
                label = factor.aliases[0] if factor.aliases else factor.name
            else:
                label = _COLUMNS[field][0]
            problems.append(RowProblem(1, label, "a column with this heading", "(missing)"))
    return found, problems


@attrs.frozen
class _Columns:
    """The columns of a survey file: its header, column → index and column → the heading
    as the file writes it (for problems)."""

    header: list[str]
    index: Mapping[str, int]
    heading: Mapping[str, str]

    def cell(self, row: list[str], field: str) -> str:
        i = self.index.get(field)
        return nfc(row[i]) if i is not None and i < len(row) else ""


class _ResponseReader:
    """Decodes the rows of a survey file into responses, each row with its problems; it
    remembers the questionnaire numbers seen, so a number used twice is a problem."""

    def __init__(
        self,
        columns: _Columns,
        params: SipasParams,
        units: Mapping[str, str] | None,
        id_prefix: str,
        existing_ids: Container[str],
    ) -> None:
        self.columns = columns
        self.params = params
        self.units = units
        self.unit_names = {_key(k): nfc(v) for k, v in (units or {}).items()}
        self.unit_ids = set(self.unit_names.values())
        self.id_prefix = id_prefix
        self.existing_ids = existing_ids
        self.first_row_of: dict[str, int] = {}

    def read(self, number: int, row: list[str]) -> tuple[SurveyResponse | None, list[RowProblem]]:
        """The response of a row, or ``None``, and its problems: the first one of each
        cell."""
        bad = self.shape(number, row)
        cell = functools.partial(self.columns.cell, row)
        heading = self.columns.heading
        rid = self.questionnaire(number, cell("id"), bad)
        kind = _as_kind(cell("respondent_kind"))
        if not isinstance(kind, RespondentKind):
            expected = "Người dân or Tổ chức (citizen or organisation)"
            bad.append(
                RowProblem(number, heading["respondent_kind"], expected, cell("respondent_kind"))
            )
        unit = self.unit(number, cell("unit"), bad)
        date: dt.date | None = None
        try:
            date = _parse_date(cell("date"))
        except ValueError as exc:
            bad.append(RowProblem(number, heading["date"], str(exc), cell("date")))
        answers: dict[str, int | None] = {}
        for f in self.params.factors:
            field = f"factor:{f.id}"
            try:
                answers[f.id] = self.params.scale.parse(cell(field))
            except ValueError as exc:
                bad.append(RowProblem(number, heading[field], str(exc), cell(field)))
        response = None
        if not bad and unit is not None and date is not None:
            try:
                response = SurveyResponse(
                    self.id_prefix + rid, kind, unit, cell("service"), date, answers
                )
            except ValidationError as exc:  # pragma: no cover - the checks above come first
                bad.append(
                    RowProblem(number, "(row)", f"{exc.field}: {exc.expected}", str(exc.got))
                )
        once: dict[str, RowProblem] = {}
        for problem in bad:  # one problem per cell: the first found
            once.setdefault(problem.column, problem)
        return response, list(once.values())

    def shape(self, number: int, row: list[str]) -> list[RowProblem]:
        """A cell for every column found, and no cells past the header's."""
        header, bad = self.columns.header, []
        for field, i in self.columns.index.items():
            if i >= len(row):
                expected = f"a cell (the row has {len(row)} cells, the header {len(header)})"
                bad.append(RowProblem(number, self.columns.heading[field], expected, "(none)"))
        if any(c.strip() for c in row[len(header) :]):
            expected = f"at most {len(header)} cells, as in the header"
            bad.append(RowProblem(number, "(row)", expected, f"{len(row)} cells"))
        return bad

    def questionnaire(self, number: int, rid: str, bad: list[RowProblem]) -> str:
        """The questionnaire number, new in the file and to the store."""
        heading = self.columns.heading["id"]
        if not rid:
            bad.append(RowProblem(number, heading, "a questionnaire number", rid))
        elif rid in self.first_row_of:
            expected = f"a new number (row {self.first_row_of[rid]} has it)"
            bad.append(RowProblem(number, heading, expected, rid))
        elif not is_valid_number_id(self.id_prefix + rid):
            expected = f"a questionnaire number: {MAX_ID_LENGTH} characters at most with the "
            expected += "prefix, printable"
            bad.append(RowProblem(number, heading, expected, rid))
        elif self.id_prefix + rid in self.existing_ids:
            bad.append(RowProblem(number, heading, "a number not imported before", rid))
        else:
            self.first_row_of[rid] = number
        return rid

    def unit(self, number: int, raw: str, bad: list[RowProblem]) -> str | None:
        """The unit id: named in ``units``, or an id when there is no ``units``."""
        if self.units is None:
            unit = raw if is_valid_id(raw) else None
        else:
            unit = self.unit_names.get(_key(raw), raw if raw in self.unit_ids else None)
        if unit is None:
            expected = (
                "a unit named in units="
                if self.units is not None
                else "a unit id without spaces (or pass units= to map names to ids)"
            )
            bad.append(RowProblem(number, self.columns.heading["unit"], expected, raw))
        return unit


def _header_and_rows(text: str, delimiter: str | None, name: str) -> list[list[str]]:
    """The rows of the file from its header on (blank rows above it are skipped)."""
    rows = csv_rows(text, delimiter, name=name)
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise SurveyImportError(name, [RowProblem(1, "", "a header row", "(empty file)")])
    return rows


def import_responses_csv(
    source: str | os.PathLike[str],
    params: SipasParams | None = None,
    *,
    units: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    id_prefix: str = "",
    existing_ids: Container[str] = frozenset(),
) -> tuple[SurveyResponse, ...]:
    """Read survey responses from a CSV export, all or nothing.

    ``source`` is a path, or the CSV text itself (any ``str`` with a line break). The
    first row holds the headings; columns are matched by heading, whatever their order,
    case, Unicode form or spacing: Mã phiếu, Đối tượng, Đơn vị, Dịch vụ (optional),
    Ngày, and one column per factor of ``params`` (by its id, name or alias). Other
    columns are ignored. Dates are dd/mm/yyyy (a time after it is ignored; ISO dates
    are accepted too). Answers are numbers on the scale, labels ("Hài lòng"), or blank.

    ``units`` maps the text of the Đơn vị column (unit names as the survey tool has
    them) to unit ids; without it the cells must be unit ids. Blank rows are skipped.

    ``id_prefix`` is put before every questionnaire number to make the response's
    ``id`` (a tracker gives each survey round its own, ``"dot-1:P001"``); a resulting id
    in ``existing_ids`` (responses imported before) is a bad cell like any other.

    Any bad cell fails the import with :class:`SurveyImportError` listing every bad row,
    column and problem; nothing is returned. Without ``encoding``, the file is read as
    UTF-8 (with or without BOM), else as Windows-1258.
    """
    params = params if params is not None else SipasParams()
    text, name = _read_text(source, encoding)
    rows = _header_and_rows(text, delimiter, name)
    header = rows[0]
    index, problems = _match_columns(header, params.factors)
    if problems:
        raise SurveyImportError(name, problems)
    heading = {field: nfc(header[i]).strip() for field, i in index.items()}
    reader = _ResponseReader(
        _Columns(header, index, heading), params, units, id_prefix, existing_ids
    )
    responses: list[SurveyResponse] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        response, bad = reader.read(number, row)
        problems.extend(bad)
        if response is not None:
            responses.append(response)
    if problems:
        raise SurveyImportError(name, problems)
    return tuple(responses)
