"""Indicators: the built-in four and those a store declares, each with the range of its
values, so that a misspelt name or an impossible value is refused, not stored."""

from __future__ import annotations

from ..config import did_you_mean
from ..errors import DuplicateIdError, ValidationError
from ..plans import BUILTIN_SCALES, IndicatorScale
from ._session import Service, Session

__all__ = ["IndicatorService", "indicator_scales", "scale_of"]


def indicator_scales(session: Session) -> dict[str, IndicatorScale]:
    """Every indicator the store knows, by name: the built-in ones and those declared."""
    declared: list[IndicatorScale] = session.all("indicators")
    return {**BUILTIN_SCALES, **{scale.id: scale for scale in declared}}


def scale_of(session: Session, name: str, field: str) -> IndicatorScale:
    """The scale of indicator ``name``; a :class:`ValidationError` naming ``field``, with
    the nearest known name, if it is neither built in nor declared."""
    scales = indicator_scales(session)
    found = scales.get(str(name))
    if found is None:
        raise ValidationError(
            field,
            f"a built-in or declared indicator (Tracker.add_indicator){did_you_mean(name, scales)}",
            name,
        )
    return found


class IndicatorService(Service):
    def add_indicator(
        self, scale: IndicatorScale, actor: str | None, note: str | None
    ) -> IndicatorScale:
        s = self.session
        s.writable()
        s.check_type(scale, IndicatorScale, "add_indicator.scale")
        with s.write(actor, note):
            self.allow("add_indicator", scale)
            if scale.id in BUILTIN_SCALES or s.exists("indicators", scale.id):
                raise DuplicateIdError("indicator", scale.id)
            s.put("indicators", scale)
        return scale
