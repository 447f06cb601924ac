"""Turning domain objects into JSON-ready dicts and back.

The store keeps plain JSON (so any TinyDB user can read it); these two functions are
the only bridge. Dates become ISO strings, enums their values, tuples lists, nested
attrs classes dicts. Decoding checks the keys, then hands the values to the class's
own converters and validators, so a damaged or hand-edited document fails with the
same :class:`ValidationError` as bad input from Python.

Each class gets a compiled plan (a list of per-field functions), built once, because
decoding runs 50,000 times when a province-sized store opens.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from .errors import ValidationError

T = TypeVar("T")
Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _encode_date(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _decoder_for_date(owner: str, kind: type) -> Decoder:
    parse = dt.datetime.fromisoformat if kind is dt.datetime else dt.date.fromisoformat

    def decode(value: Any) -> Any:
        if value is None or isinstance(value, dt.date):
            return value
        try:
            return parse(value)
        except (TypeError, ValueError):
            raise ValidationError(owner, f"an ISO {kind.__name__} string", value) from None

    return decode


def _strip_optional(tp: Any) -> Any:
    """``X | None`` → ``X``; anything else unchanged."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _codec_for_type(owner: str, tp: Any) -> tuple[Encoder, Decoder]:
    tp = _strip_optional(tp)
    if tp in (dt.date, dt.datetime):
        return _encode_date, _decoder_for_date(owner, tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return (lambda v: None if v is None else v.value), _identity
    if isinstance(tp, type) and attrs.has(tp):
        cls = tp
        return (
            lambda v: None if v is None else unstructure(v),
            lambda v: v if v is None or isinstance(v, cls) else structure(cls, v),
        )
    if typing.get_origin(tp) is tuple:
        inner_enc, inner_dec = _codec_for_type(owner, typing.get_args(tp)[0])
        return (
            lambda v: [inner_enc(x) for x in v],
            lambda v: tuple(inner_dec(x) for x in v) if isinstance(v, list | tuple) else v,
        )
    if getattr(tp, "__cchc_codec__", None) is not None:
        return tp.__cchc_codec__()  # type: ignore[no-any-return]
    return _identity, _identity


_PLANS: dict[type, tuple[tuple[str, Encoder, Decoder], ...]] = {}
_REQUIRED: dict[type, frozenset[str]] = {}


def _plan(cls: type) -> tuple[tuple[str, Encoder, Decoder], ...]:
    found = _PLANS.get(cls)
    if found is None:
        found = _PLANS[cls] = _compile(cls)
    return found


def _compile(cls: type) -> tuple[tuple[str, Encoder, Decoder], ...]:
    hints = typing.get_type_hints(cls)
    plan = []
    for field in attrs.fields(cls):
        if not field.init:
            continue
        owner = f"{cls.__name__}.{field.name}"
        encoder, decoder = _codec_for_type(owner, hints[field.name])
        plan.append((field.name, encoder, decoder))
    return tuple(plan)


def _required(cls: type) -> frozenset[str]:
    found = _REQUIRED.get(cls)
    if found is None:
        found = _REQUIRED[cls] = frozenset(
            f.name for f in attrs.fields(cls) if f.init and f.default is attrs.NOTHING
        )
    return found


_ENCODERS: dict[type, Callable[[Any], dict[str, Any]]] = {}


def _compile_encoder(cls: type) -> Callable[[Any], dict[str, Any]]:
    """Generate ``lambda o: {"id": o.id, "due": e1(o.due), ...}`` for ``cls``.

    One dict display per object instead of a loop with getattr: every write encodes
    its objects, and a 50,000-task import is bound by this.
    """
    namespace: dict[str, Any] = {}
    items = []
    for n, (name, encode, _) in enumerate(_plan(cls)):
        if encode is _identity:
            items.append(f"{name!r}: o.{name}")
        else:
            namespace[f"e{n}"] = encode
            items.append(f"{name!r}: e{n}(o.{name})")
    source = "def encode(o):\n    return {" + ", ".join(items) + "}\n"
    exec(compile(source, f"<cchc_tasks encoder for {cls.__name__}>", "exec"), namespace)
    encoder: Callable[[Any], dict[str, Any]] = namespace["encode"]
    return encoder


def unstructure(obj: Any) -> dict[str, Any]:
    """A JSON-ready dict of an attrs domain object."""
    cls = type(obj)
    encoder = _ENCODERS.get(cls)
    if encoder is None:
        encoder = _ENCODERS[cls] = _compile_encoder(cls)
    return encoder(obj)


def structure(cls: type[T], data: Any) -> T:
    """Rebuild ``cls`` from :func:`unstructure`'s output, validating as it goes."""
    if not isinstance(data, dict):
        raise ValidationError(cls.__name__, "a mapping of field names to values", data)
    plan = _plan(cls)
    known = {name for name, _, _ in plan}
    unknown = sorted(set(data) - known, key=str)  # keys of mixed types must not break sorting
    if unknown:
        raise ValidationError(f"{cls.__name__}.{unknown[0]}", "a known field", unknown[0])
    missing = sorted(_required(cls) - set(data))
    if missing:
        raise ValidationError(f"{cls.__name__}.{missing[0]}", "a value (required)", None)
    kwargs = {name: decode(data[name]) for name, _, decode in plan if name in data}
    try:
        return cls(**kwargs)
    except TypeError as exc:  # a converter met a value of the wrong kind
        raise ValidationError(cls.__name__, "fields of the documented types", data) from exc
