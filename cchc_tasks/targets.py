"""The target algebra: what an indicator must reach, and the verdict on a year.

A :class:`Target` binds a :class:`Rule` to an indicator of a unit within a plan. Rules
are small frozen values that compose::

    any_of(growth(5, mode="relative"), rank_within(5))    # PAR INDEX +5% or top 5
    above(90)                                             # SIPAS > 90%
    milestones({2025: rank_within(5), 2030: rank_within(3)})

Judging a rule on the facts of a year gives a :class:`Judgement`: an :class:`Outcome`
and one sentence saying why, a :class:`~cchc_tasks.i18n.Message` rendered in the reader's
language (``str()`` gives English). Plugins add rule kinds by subclassing :class:`Rule`
and returning the class from the ``cchc_rule_kinds`` hook; their reasons and
descriptions may be messages or plain strings.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from ._fields import check_id, check_text, is_finite_number, nfc
from .errors import RuleError, ValidationError
from .i18n import DOMAIN, Message, Text
from .plans import Indicator, as_indicator

__all__ = [
    "RULE_KINDS",
    "Above",
    "AllOf",
    "AnyOf",
    "AtLeast",
    "Growth",
    "IndicatorFacts",
    "Judgement",
    "Levels",
    "Milestones",
    "Outcome",
    "RankWithin",
    "Rule",
    "Target",
    "above",
    "all_of",
    "any_of",
    "at_least",
    "decode_rule",
    "growth",
    "indicator_name",
    "joined",
    "milestones",
    "outcome_word",
    "rank_within",
    "register_rule_kind",
]


class Outcome(enum.StrEnum):
    """The verdict on a target for a year."""

    PASS = "PASS"
    FAIL = "FAIL"
    NOT_MEASURED = "NOT_MEASURED"  # the data the rule needs is missing
    NOT_APPLICABLE = "NOT_APPLICABLE"  # the rule is not in force that year

    @property
    def label_vi(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.PASS: "Đạt",
    Outcome.FAIL: "Không đạt",
    Outcome.NOT_MEASURED: "Chưa có số liệu",
    Outcome.NOT_APPLICABLE: "Không áp dụng",
}


#: How a verdict reads inside a sentence. English keeps the outcome's value ("PASS"),
#: as reasons have always shown it; Vietnamese says "đạt", "không đạt".
_OUTCOME_WORDS = {
    Outcome.PASS: Message("target.outcome.pass"),
    Outcome.FAIL: Message("target.outcome.fail"),
    Outcome.NOT_MEASURED: Message("target.outcome.not-measured"),
    Outcome.NOT_APPLICABLE: Message("target.outcome.not-applicable"),
}


def outcome_word(outcome: Outcome) -> Message:
    """The verdict ``outcome`` as a word inside a reason ("PASS"; vi "đạt")."""
    return _OUTCOME_WORDS[outcome]


def indicator_name(indicator: str) -> str:
    """How a reason names an indicator: a built-in one by its abbreviation, the same in
    both languages ("PAR INDEX", "SIPAS"); a custom one as written."""
    known = as_indicator(indicator)
    return known.value.replace("_", " ") if isinstance(known, Indicator) else str(indicator)


def joined(items: Iterable[Text]) -> Text:
    """``items`` (messages or plain strings) as one text, separated by commas."""
    parts = list(items)
    if not parts:
        return ""
    text = parts[-1]
    for item in reversed(parts[:-1]):
        text = Message.of("target.comma", first=item, rest=text)
    return text


@attrs.frozen
class Levels:
    """The best levels reached so far: the lowest rank and the highest value that made a
    rank or threshold rule pass. A ratcheted target must reach them again."""

    rank: int | None = None
    value: float | None = None

    def merge(self, other: Levels) -> Levels:
        ranks = [r for r in (self.rank, other.rank) if r is not None]
        values = [v for v in (self.value, other.value) if v is not None]
        return Levels(min(ranks) if ranks else None, max(values) if values else None)


@attrs.frozen
class IndicatorFacts:
    """What a rule is judged on: one unit's indicator in one year.

    ``previous`` is the value of the year before (``None`` when unknown);
    ``previous_note`` says where it came from when it is not the unit's own result (the
    predecessors of a merged unit, rule R17) or why there is none.
    """

    indicator: str
    year: int
    value: float | None = None
    rank: int | None = None
    of: int | None = None
    previous: float | None = None
    source: str = ""
    previous_note: Text = ""

    def describe(self) -> Message:
        """The facts in one line ("PAR INDEX 2025: value 84.5, rank 3 of 12"), a message
        (``str()`` gives English)."""
        parts: list[Text] = []
        if self.value is not None:
            parts.append(Message.of("target.facts.value", value=self.value))
        if self.rank is not None and self.of:
            parts.append(Message.of("target.facts.rank-of", rank=self.rank, of=self.of))
        elif self.rank is not None:
            parts.append(Message.of("target.facts.rank", rank=self.rank))
        if self.previous is not None:
            parts.append(Message.of("target.facts.previous", previous=self.previous))
        if self.previous_note:
            parts.append(self.previous_note)
        shown = joined(parts) if parts else Message("target.facts.none")
        return Message.of(
            "target.facts", indicator=indicator_name(self.indicator), year=self.year, shown=shown
        )


@attrs.frozen
class Judgement:
    """A rule's verdict: ``outcome``, a ``reason`` and the ``achieved`` levels (for the
    ratchet). ``reason`` is a :class:`~cchc_tasks.i18n.Message` for the built-in rule
    kinds; a plugin's rule kind may give a plain string, shown as written."""

    outcome: Outcome
    reason: Text
    achieved: Levels = Levels()


# --- the rule registry: kind name -> class, fed by built-ins and cchc_rule_kinds -----

#: The rule kinds targets may use, kind name → class: the built-in ones and those
#: plugins return from ``cchc_rule_kinds``. Add to it with :func:`register_rule_kind`.
RULE_KINDS: dict[str, type[Rule]] = {}


def register_rule_kind(cls: type[Rule]) -> type[Rule]:
    """Make a :class:`Rule` subclass decodable from the store under ``cls.kind``.

    Registering the same class twice is harmless; a second class under a kind that is
    taken raises :class:`RuleError`, since stored targets would change meaning.
    """
    kind = getattr(cls, "kind", None)
    if not isinstance(kind, str) or not kind:
        raise RuleError(f"rule class {cls.__qualname__} must set a non-empty 'kind'")
    known = RULE_KINDS.get(kind)
    # The same class defined again (a re-run notebook cell, a reloaded module) replaces
    # itself; a different class may not take a kind that stored targets already use.
    same_definition = known is not None and (known.__module__, known.__qualname__) == (
        cls.__module__,
        cls.__qualname__,
    )
    if known is not None and known is not cls and not same_definition:
        raise RuleError(
            f"rule kind {kind!r} is already taken by {known.__module__}.{known.__qualname__}"
        )
    RULE_KINDS[kind] = cls
    return cls


def decode_rule(data: Any) -> Rule:
    """Rebuild a rule from :meth:`Rule.to_dict` output."""
    if isinstance(data, Rule):
        return data
    if not isinstance(data, Mapping) or "kind" not in data:
        raise ValidationError("Target.rule", "a rule, or a mapping with a 'kind'", data)
    kind = data["kind"]
    cls = RULE_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValidationError(
            "Target.rule.kind",
            f"one of {sorted(RULE_KINDS)} (or a plugin's kind)",
            kind,
        )
    params = {k: v for k, v in data.items() if k != "kind"}
    return cls.from_params(params)


class Rule:
    """Base of every rule kind. Subclasses are frozen attrs classes that set ``kind``
    and implement :meth:`judge` and :meth:`describe`."""

    kind: ClassVar[str] = ""

    def judge(self, facts: IndicatorFacts) -> Judgement:
        raise NotImplementedError

    def describe(self) -> Text:
        """What the rule asks ("rank ≤ 5"): a message for the built-in kinds, rendered in
        the reader's language; a plugin's kind may return a plain string."""
        raise NotImplementedError

    def tightened(self, best: Levels) -> Rule:
        """This rule made at least as strict as the best levels already reached."""
        return self

    def params(self) -> dict[str, Any]:
        return attrs.asdict(self)  # type: ignore[arg-type]

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Rule:
        try:
            return cls(**params)
        except TypeError as exc:
            raise ValidationError(
                f"Target.rule ({cls.kind})", "the rule's parameters", params
            ) from exc

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.params()}

    def __str__(self) -> str:
        return str(self.describe())

    @classmethod
    def __cchc_codec__(cls) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
        return (lambda rule: rule.to_dict()), decode_rule


def _check_amount(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not is_finite_number(value):
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name}", "a finite number", value
        )


def _check_positive_int(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name}", "a whole number >= 1", value
        )


def _as_written(x: float) -> Fraction | None:
    """``x`` as the decimal it prints as (``0.1`` is exactly 1/10), or ``None`` if not
    finite."""
    if isinstance(x, int) and not isinstance(x, bool):
        return Fraction(x)
    try:
        as_float = float(x)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(as_float):
        return None
    return Fraction(float.__repr__(as_float))


#: What a rule found missing, for "no … to judge …".
_MISSING = {
    "value": Message("target.missing.value"),
    "previous": Message("target.missing.previous"),
    "non-zero previous": Message("target.missing.nonzero-previous"),
    "rank": Message("target.missing.rank"),
}


def _not_measured(facts: IndicatorFacts, what: str, rule: Rule) -> Judgement:
    return Judgement(
        Outcome.NOT_MEASURED,
        Message.of(
            "target.not-measured", facts=facts.describe(), what=_MISSING[what], rule=rule.describe()
        ),
    )


def _verdict(
    ok: bool, facts: IndicatorFacts, rule: Rule, detail: Message, achieved: Levels = Levels()
) -> Judgement:
    outcome = Outcome.PASS if ok else Outcome.FAIL
    reason = Message.of(
        "target.verdict",
        facts=facts.describe(),
        detail=detail,
        rule=rule.describe(),
        outcome=outcome_word(outcome),
    )
    return Judgement(outcome, reason, achieved if ok else Levels())


#: The reasons that begin with the facts, and the same reasons without them: a
#: combination of rules says the facts once, then each part's own figures.
_WITHOUT_FACTS = {
    "target.verdict": "target.verdict.part",
    "target.not-measured": "target.not-measured.part",
    "target.combined": "target.combined.part",
}


def _part_detail(reason: Text, facts: Message) -> Text | None:
    """``reason`` without the ``facts`` it begins with, or ``None`` when it does not
    begin with them (a plugin's sentence about something else)."""
    if isinstance(reason, str):
        shared = f"{facts}; "
        return reason.removeprefix(shared) if reason.startswith(shared) else None
    if reason.id == "target.milestone":
        inner = _part_detail(reason.params["reason"], facts)
        return None if inner is None else Message(reason.id, {**reason.params, "reason": inner})
    part_id = _WITHOUT_FACTS.get(reason.id)
    if part_id is None or reason.domain != DOMAIN or reason.params["facts"] != facts:
        return None
    return Message(part_id, {k: v for k, v in reason.params.items() if k != "facts"})


@register_rule_kind
@attrs.frozen
class Growth(Rule):
    """Up by ``amount`` on the year before: percent of it (``relative``) or ``points``."""

    kind: ClassVar[str] = "growth"
    amount: float = attrs.field(validator=_check_amount)
    mode: str = attrs.field(default="relative")

    @mode.validator
    def _check_mode(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in ("relative", "points"):
            raise ValidationError("Growth.mode", "'relative' or 'points'", value)

    def describe(self) -> Message:
        if self.mode == "relative":
            return Message.of("target.rule.growth-relative", amount=self.amount)
        return Message.of("target.rule.growth-points", amount=self.amount)

    def judge(self, facts: IndicatorFacts) -> Judgement:
        if facts.value is None:
            return _not_measured(facts, "value", self)
        if facts.previous is None:
            return _not_measured(facts, "previous", self)
        if self.mode == "points":
            change = facts.value - facts.previous
            ok = self._grew(facts.value, facts.previous, change)
            detail = Message.of("target.detail.change-points", change=change)
            return _verdict(ok, facts, self, detail)
        if facts.previous == 0:
            return _not_measured(facts, "non-zero previous", self)
        change = (facts.value / facts.previous - 1) * 100
        ok = self._grew(facts.value, facts.previous, change)
        return _verdict(ok, facts, self, Message.of("target.detail.change-percent", change=change))

    def _grew(self, value: float, previous: float, change: float) -> bool:
        """Whether the change reaches ``amount``, computed on the numbers as written.

        Binary floating point makes exact growth miss its target: 35.37 after 30.37 is
        4.99999… points and 65.1 after 62 is 4.99999…% in floats. The numbers as written
        are decimals, so they are compared exactly; ``change`` (the float) is the fallback
        for non-finite facts.
        """
        v, p, a = _as_written(value), _as_written(previous), _as_written(self.amount)
        if v is None or p is None or a is None:
            return change >= self.amount
        if self.mode == "points":
            return v - p >= a
        return (v / p - 1) * 100 >= a


@register_rule_kind
@attrs.frozen
class RankWithin(Rule):
    """Ranked ``n`` or better in the peer group ("tốp n")."""

    kind: ClassVar[str] = "rank_within"
    n: int = attrs.field(validator=_check_positive_int)

    def describe(self) -> Message:
        return Message.of("target.rule.rank-within", n=self.n)

    def judge(self, facts: IndicatorFacts) -> Judgement:
        if facts.rank is None:
            return _not_measured(facts, "rank", self)
        detail = Message.of("target.detail.rank", rank=facts.rank)
        return _verdict(facts.rank <= self.n, facts, self, detail, Levels(rank=facts.rank))

    def tightened(self, best: Levels) -> Rule:
        if best.rank is not None and best.rank < self.n:
            return RankWithin(best.rank)
        return self


@attrs.frozen
class _Threshold(Rule):
    x: float = attrs.field(validator=_check_amount)
    symbol: ClassVar[str] = ""

    def _passes(self, value: float) -> bool:
        raise NotImplementedError

    def describe(self) -> Message:
        return Message.of("target.rule.threshold", symbol=self.symbol, x=self.x)

    def judge(self, facts: IndicatorFacts) -> Judgement:
        if facts.value is None:
            return _not_measured(facts, "value", self)
        return _verdict(
            self._passes(facts.value),
            facts,
            self,
            Message.of("target.detail.value", value=facts.value),
            Levels(value=facts.value),
        )

    def tightened(self, best: Levels) -> Rule:
        if best.value is not None and best.value > self.x:
            return AtLeast(best.value)
        return self


@register_rule_kind
@attrs.frozen
class Above(_Threshold):
    """Strictly above ``x`` (SIPAS "trên 90%")."""

    kind: ClassVar[str] = "above"
    symbol: ClassVar[str] = ">"

    def _passes(self, value: float) -> bool:
        return value > self.x


@register_rule_kind
@attrs.frozen
class AtLeast(_Threshold):
    """At least ``x``."""

    kind: ClassVar[str] = "at_least"
    symbol: ClassVar[str] = "≥"

    def _passes(self, value: float) -> bool:
        return value >= self.x


def _check_rules(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not value or not all(isinstance(r, Rule) for r in value):
        raise ValidationError(f"{type(instance).__name__}.rules", "one or more rules", value)


def _as_rules(value: Any) -> Any:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return value  # not a list of rules: the validator names the field
    return tuple(decode_rule(r) for r in value)


def _combine(parts: list[Judgement], decisive: Outcome, otherwise: Outcome) -> Outcome:
    """The shared logic of any_of/all_of: NOT_APPLICABLE parts are ignored."""
    outcomes = [p.outcome for p in parts if p.outcome is not Outcome.NOT_APPLICABLE]
    if not outcomes:
        return Outcome.NOT_APPLICABLE
    if decisive in outcomes:
        return decisive
    if Outcome.NOT_MEASURED in outcomes:
        return Outcome.NOT_MEASURED
    return otherwise


@attrs.frozen
class _Composite(Rule):
    rules: tuple[Rule, ...] = attrs.field(converter=_as_rules, validator=_check_rules)
    #: The message joining two descriptions ("{left} or {right}"), and the one naming
    #: the combination in a verdict ("any_of"; vi "chỉ cần đạt một điều kiện").
    joiner: ClassVar[str] = ""
    label: ClassVar[str] = ""
    decisive: ClassVar[Outcome] = Outcome.PASS
    otherwise: ClassVar[Outcome] = Outcome.FAIL

    def describe(self) -> Message:
        described = [r.describe() for r in self.rules]
        text = described[-1]
        for rule in reversed(described[:-1]):
            text = Message(self.joiner, {"left": rule, "right": text})
        return Message.of("target.rule.group", rules=text)

    def judge(self, facts: IndicatorFacts) -> Judgement:
        parts = [r.judge(facts) for r in self.rules]
        outcome = _combine(parts, self.decisive, self.otherwise)
        achieved = Levels()
        for part in parts:
            achieved = achieved.merge(part.achieved)
        # Each part with its own figures ("change +1.99%: growth ≥ 5% … FAIL"), the facts
        # they share said once.
        shared = facts.describe()
        details: list[Text] = []
        for rule, part in zip(self.rules, parts, strict=True):
            detail = _part_detail(part.reason, shared)
            if detail is None:
                detail = Message.of(
                    "target.part-outcome", rule=rule.describe(), outcome=outcome_word(part.outcome)
                )
            details.append(detail)
        reason = Message.of(
            "target.combined",
            facts=shared,
            details=details,
            kind=Message(self.label),
            outcome=outcome_word(outcome),
        )
        return Judgement(outcome, reason, achieved)

    def tightened(self, best: Levels) -> Rule:
        return type(self)(tuple(r.tightened(best) for r in self.rules))

    def params(self) -> dict[str, Any]:
        return {"rules": [r.to_dict() for r in self.rules]}


@register_rule_kind
@attrs.frozen
class AnyOf(_Composite):
    """Passes when any part passes ("… hoặc …")."""

    kind: ClassVar[str] = "any_of"
    joiner: ClassVar[str] = "target.rule.or"
    label: ClassVar[str] = "target.kind.any_of"
    decisive: ClassVar[Outcome] = Outcome.PASS
    otherwise: ClassVar[Outcome] = Outcome.FAIL


@register_rule_kind
@attrs.frozen
class AllOf(_Composite):
    """Passes when every part passes."""

    kind: ClassVar[str] = "all_of"
    joiner: ClassVar[str] = "target.rule.and"
    label: ClassVar[str] = "target.kind.all_of"
    decisive: ClassVar[Outcome] = Outcome.FAIL
    otherwise: ClassVar[Outcome] = Outcome.PASS


def _as_schedule(value: Any) -> tuple[tuple[int, Rule], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    try:
        pairs = [(int(year), decode_rule(rule)) for year, rule in items]
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValidationError("Milestones.schedule", "a mapping of years to rules", value) from exc
    return tuple(sorted(pairs, key=lambda pair: pair[0]))


def _check_schedule(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    years = [year for year, _ in value]
    if not years or len(set(years)) != len(years):
        raise ValidationError("Milestones.schedule", "one or more distinct years", years)


@register_rule_kind
@attrs.frozen
class Milestones(Rule):
    """Year Y is judged by the rule of the latest milestone year ≤ Y; before the first
    milestone the target is NOT_APPLICABLE."""

    kind: ClassVar[str] = "milestones"
    schedule: tuple[tuple[int, Rule], ...] = attrs.field(
        converter=_as_schedule, validator=_check_schedule
    )

    def rule_for(self, year: int) -> tuple[int, Rule] | None:
        chosen = None
        for milestone, rule in self.schedule:
            if milestone <= year:
                chosen = (milestone, rule)
        return chosen

    def describe(self) -> Message:
        steps = joined(
            Message.of("target.rule.milestone", year=year, rule=rule.describe())
            for year, rule in self.schedule
        )
        return Message.of("target.rule.milestones", steps=steps)

    def judge(self, facts: IndicatorFacts) -> Judgement:
        chosen = self.rule_for(facts.year)
        if chosen is None:
            reason = Message.of(
                "target.before-milestones",
                indicator=indicator_name(facts.indicator),
                year=facts.year,
                first=self.schedule[0][0],
            )
            return Judgement(Outcome.NOT_APPLICABLE, reason)
        milestone, rule = chosen
        inner = rule.judge(facts)
        reason = Message.of("target.milestone", reason=inner.reason, milestone=milestone)
        return Judgement(inner.outcome, reason, inner.achieved)

    def tightened(self, best: Levels) -> Rule:
        return Milestones(tuple((y, r.tightened(best)) for y, r in self.schedule))

    def params(self) -> dict[str, Any]:
        return {"schedule": [[year, rule.to_dict()] for year, rule in self.schedule]}


# --- the public constructors of the contract -----------------------------------------


def growth(amount: float, mode: str = "relative") -> Growth:
    """Up by ``amount`` on the previous year: ``relative`` (%) or ``points``."""
    return Growth(amount, mode)


def rank_within(n: int) -> RankWithin:
    """Rank ``n`` or better in the peer group."""
    return RankWithin(n)


def above(x: float) -> Above:
    """Value strictly above ``x``."""
    return Above(x)


def at_least(x: float) -> AtLeast:
    """Value at least ``x``."""
    return AtLeast(x)


def any_of(*rules: Rule) -> AnyOf:
    """PASS if any part passes, else NOT_MEASURED if any part is, else FAIL."""
    return AnyOf(rules)


def all_of(*rules: Rule) -> AllOf:
    """FAIL if any part fails, else NOT_MEASURED if any part is, else PASS."""
    return AllOf(rules)


def milestones(schedule: Mapping[int, Rule] | Iterable[tuple[int, Rule]]) -> Milestones:
    """A rule per milestone year, e.g. ``{2025: rank_within(5), 2030: rank_within(3)}``."""
    return Milestones(schedule)


def _check_rule(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Rule):
        raise ValidationError("Target.rule", "a rule such as ct.rank_within(5)", value)


@attrs.frozen
class Target:
    """What ``unit``'s ``indicator`` must reach each year of ``plan``.

    ``ratchet``: "có thứ hạng tốt hơn thì tiếp tục phấn đấu đạt mục tiêu cao hơn". With
    ``True`` the best level achieved so far is a *stretch*: the outcome is judged on the
    plan's rule, and ``TargetResult.stretch`` reports the tightened rule and its verdict.
    With ``"binding"`` later years must reach it (the tightened rule is judged).
    """

    id: str = attrs.field(converter=nfc, validator=check_id)
    plan: str = attrs.field(converter=nfc, validator=check_id)
    unit: str = attrs.field(converter=nfc, validator=check_id)
    indicator: str = attrs.field(converter=as_indicator)
    rule: Rule = attrs.field(converter=decode_rule, validator=_check_rule)
    ratchet: bool | str = attrs.field(default=False)
    title: str = attrs.field(default="", converter=nfc, validator=check_text)

    @ratchet.validator
    def _check_ratchet(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not (isinstance(value, bool) or value == "binding"):
            raise ValidationError("Target.ratchet", 'True, False or "binding"', value)

    @indicator.validator
    def _check_indicator(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not value:
            raise ValidationError("Target.indicator", "an Indicator or a non-empty name", value)
