"""Configuration as data: the numbers of every built-in rule, per province and year.

A configuration is a TOML or JSON file (or a mapping) with one table per section::

    province = "Đồng Tháp"

    [bands]                      # BandThresholds
    excellent = 90
    good = 80

    [decree90]                   # Decree90Params
    good_on_time_share = 0.8

    [cchc_link.band_caps]        # LinkParams
    "Khá" = "HTNV"

    [years.2026.bands]           # overrides for the evaluation of 2026 only
    good = 85

Sections: ``scoring``, ``bands``, ``decree90``, ``decree335``, ``cchc_link``,
``recommend``, ``succession``, ``indices`` (see :mod:`cchc_tasks.params`), ``sipas``
(:class:`cchc_tasks.surveys.SipasParams`), plus any section a plugin declares by
returning it from ``cchc_config``. Layers, later winning: the defaults, each plugin's
``cchc_config`` answer (in registration order), the tracker's ``config=``. Unknown
sections and keys are errors that name them, so a typo never passes silently.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ._fields import is_finite_number
from ._files import read_toml_or_json
from .errors import ValidationError
from .params import (
    BandThresholds,
    Decree90Params,
    Decree335Params,
    IndexParams,
    LinkParams,
    RecommendParams,
    ScoringParams,
    SuccessionParams,
)

if TYPE_CHECKING:
    from .surveys import SipasParams

__all__ = ["Config", "Settings", "load_settings"]

_SECTIONS: dict[str, type[Any]] = {
    cls.section: cls
    for cls in (
        ScoringParams,
        BandThresholds,
        Decree90Params,
        Decree335Params,
        LinkParams,
        RecommendParams,
        SuccessionParams,
        IndexParams,
    )
}
# Sections whose class lives in a module that ``import cchc_tasks`` does not load: the
# module is imported when a configuration (or a caller) first uses the section.
_LAZY_SECTIONS: dict[str, tuple[str, str]] = {"sipas": ("surveys", "SipasParams")}
_KNOWN_SECTIONS = frozenset({*_SECTIONS, *_LAZY_SECTIONS})
_META_KEYS = {"province", "description", "years"}


def _section_class(name: str) -> type[Any]:
    if name in _SECTIONS:
        return _SECTIONS[name]
    module, cls = _LAZY_SECTIONS[name]
    found: type[Any] = getattr(importlib.import_module(f".{module}", __package__), cls)
    return found


@attrs.frozen
class Config:
    """The validated parameters in force for one evaluation year."""

    scoring: ScoringParams = attrs.field(factory=ScoringParams)
    bands: BandThresholds = attrs.field(factory=BandThresholds)
    decree90: Decree90Params = attrs.field(factory=Decree90Params)
    decree335: Decree335Params = attrs.field(factory=Decree335Params)
    cchc_link: LinkParams = attrs.field(factory=LinkParams)
    recommend: RecommendParams = attrs.field(factory=RecommendParams)
    succession: SuccessionParams = attrs.field(factory=SuccessionParams)
    extra: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    province: str = ""
    indices: IndexParams = attrs.field(factory=IndexParams)
    _sipas: SipasParams | None = attrs.field(default=None, alias="sipas")

    @property
    def sipas(self) -> SipasParams:
        """The SIPAS parameters (:class:`cchc_tasks.surveys.SipasParams`): the defaults
        unless the configuration has a ``[sipas]`` section."""
        if self._sipas is not None:
            return self._sipas
        default: SipasParams = _section_class("sipas")()
        return default

    def section(self, name: str) -> Any:
        """A built-in section's parameters, or a plugin section's mapping."""
        if name in _KNOWN_SECTIONS:
            return getattr(self, name)
        if name in self.extra:
            return self.extra[name]
        known = sorted({*_KNOWN_SECTIONS, *self.extra})
        raise ValidationError("config section", f"one of {known}", name)


def _merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge: tables merge key by key, anything else in ``top`` replaces."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _check_numbers(value: Any, where: str) -> None:
    """Every number in ``value`` (a section, any depth) is finite: a NaN (TOML ``nan``,
    JSON ``NaN``) compares false with everything, so a threshold of NaN silently changes
    ratings; an infinity turns every score into NaN. Plugin sections are checked too."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_numbers(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_numbers(item, f"{where}[{index}]")
    elif _is_bad_number(value):
        raise ValidationError(where, "a finite number", value)


def _is_bad_number(value: Any) -> bool:
    """An int or float that is not finite (a bool is an int, but never a bad number)."""
    return (
        isinstance(value, float | int)
        and not isinstance(value, bool)
        and not is_finite_number(value)
    )


def _build_section(name: str, values: Mapping[str, Any], where: str) -> Any:
    cls = _section_class(name)
    fields = {f.name for f in attrs.fields(cls)}
    unknown = sorted(set(values) - fields)
    if unknown:
        raise ValidationError(f"{where}{name}.{unknown[0]}", f"one of {sorted(fields)}", unknown[0])
    defaults = cls()
    kwargs = {}
    for key, value in values.items():
        current = getattr(defaults, key)
        if isinstance(current, dict) and current and isinstance(value, Mapping):
            # A partial table (e.g. one band's cap) overrides only the entries it names.
            converted = cls(**{key: dict(value)})
            value = {**current, **getattr(converted, key)}
        kwargs[key] = list(value) if isinstance(value, list) else value
    try:
        return cls(**kwargs)
    except ValidationError as exc:
        raise ValidationError(f"{where}{exc.field}", exc.expected, exc.got) from None
    except TypeError as exc:
        raise ValidationError(
            f"{where}{name}", "values of the documented types", dict(values)
        ) from exc


@attrs.frozen
class Settings:
    """All configuration layers merged: the base and the per-year overrides."""

    base: Mapping[str, Any] = attrs.field(factory=dict)
    years: Mapping[int, Mapping[str, Any]] = attrs.field(factory=dict)
    plugin_sections: frozenset[str] = frozenset()
    source: str = "defaults"

    def for_year(self, year: int) -> Config:
        """The configuration in force for the evaluation of ``year``."""
        merged = _merge(self.base, self.years.get(year, {}))
        where = f"{self.source}: " if self.source != "defaults" else ""
        sections = {}
        extra = {}
        for name, values in merged.items():
            if name in _META_KEYS:
                continue
            if not isinstance(values, Mapping):
                raise ValidationError(f"{where}{name}", "a table of parameters", values)
            _check_numbers(values, f"{where}{name}")
            if name in _KNOWN_SECTIONS:
                sections[name] = _build_section(name, values, where)
            elif name in self.plugin_sections:
                extra[name] = dict(values)
            else:
                known = sorted({*_KNOWN_SECTIONS, *self.plugin_sections})
                raise ValidationError(f"{where}{name}", f"a known section: {known}", name)
        province = merged.get("province", "")
        return Config(**sections, extra=extra, province=str(province))

    def validate(self) -> None:
        """Build every year's configuration once, so errors surface at load time."""
        self.for_year(0)
        for year in self.years:
            self.for_year(year)


def _read(source: str | os.PathLike[str]) -> dict[str, Any]:
    path = os.fspath(source)
    return read_toml_or_json(
        path, what="config", where=path, json_object="a JSON object of sections"
    )


def _split_years(
    data: Mapping[str, Any], where: str
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    base = {k: v for k, v in data.items() if k != "years"}
    years: dict[int, dict[str, Any]] = {}
    for key, value in (data.get("years") or {}).items():
        try:
            year = int(key)
        except (TypeError, ValueError):
            raise ValidationError(f"{where}years.{key}", "a year such as 2026", key) from None
        if not isinstance(value, Mapping):
            raise ValidationError(f"{where}years.{key}", "a table of sections", value)
        years[year] = dict(value)
    return base, years


def load_settings(
    config: str | os.PathLike[str] | Mapping[str, Any] | Settings | None,
    plugin_layers: Iterable[Mapping[str, Any]] = (),
) -> Settings:
    """Merge plugin layers and ``config`` (a path, a mapping or ``None``) and validate."""
    if isinstance(config, Settings):
        return config
    layers = list(plugin_layers)
    sections: set[str] = set()
    for layer in layers:
        sections |= {k for k in layer if k not in _META_KEYS and k not in _KNOWN_SECTIONS}
        for year_layer in (layer.get("years") or {}).values():
            sections |= {k for k in year_layer if k not in _KNOWN_SECTIONS}
    source = "defaults"
    if config is not None and not isinstance(config, Mapping):
        source = os.path.basename(os.fspath(config))
        config = _read(config)
    if config is not None:
        layers.append(config)
    base: dict[str, Any] = {}
    years: dict[int, dict[str, Any]] = {}
    for layer in layers:
        where = f"{source}: " if layer is config and source != "defaults" else ""
        layer_base, layer_years = _split_years(layer, where)
        base = _merge(base, layer_base)
        for year, values in layer_years.items():
            years[year] = _merge(years.get(year, {}), values)
    settings = Settings(base, years, frozenset(sections), source)
    settings.validate()
    return settings
