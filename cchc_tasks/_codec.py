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

from ._fields import nfc, nfc_or_none, nfc_tuple
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


class _EnumValues:
    """Encodes a member of an enum (or ``None``) as its value, by a dict lookup: the
    ``value`` property of an enum member is Python code, run for every write."""

    def __init__(self, kind: type[enum.Enum]) -> None:
        self.values = {member: member.value for member in kind}

    def __call__(self, member: Any) -> Any:
        return None if member is None else self.values[member]


def _encode_nested(value: Any) -> Any:
    """A nested domain object (or ``None``) as its document."""
    return None if value is None else unstructure(value)


class _EachEncoded:
    """Encodes a tuple as the list of its items, each encoded by ``item``."""

    def __init__(self, item: Encoder) -> None:
        self.item = item

    def __call__(self, values: Any) -> Any:
        return [self.item(x) for x in values]


def _codec_for_type(owner: str, tp: Any) -> tuple[Encoder, Decoder]:
    tp = _strip_optional(tp)
    if tp in (dt.date, dt.datetime):
        return _encode_date, _decoder_for_date(owner, tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _EnumValues(tp), _identity
    if isinstance(tp, type) and attrs.has(tp):
        cls = tp
        return (
            _encode_nested,
            lambda v: v if v is None or isinstance(v, cls) else structure(cls, v),
        )
    if typing.get_origin(tp) is tuple:
        inner_enc, inner_dec = _codec_for_type(owner, typing.get_args(tp)[0])
        return (
            list if inner_enc is _identity else _EachEncoded(inner_enc),
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


def _value_expression(n: int, encode: Encoder, value: str, namespace: dict[str, Any]) -> str:
    """The Python expression that encodes ``value`` (an expression read once) with
    ``encode``, the encoder of field number ``n``; the names it needs go in
    ``namespace``. The common encoders are inlined: no call per value."""
    if encode is _identity:
        return value
    if encode is _encode_date:
        return f"(None if (v := {value}) is None else v.isoformat())"
    if isinstance(encode, _EnumValues):
        namespace[f"m{n}"] = encode.values
        return f"(None if (v := {value}) is None else m{n}[v])"
    if encode is list:  # most are empty: no call for those
        return f"(list(v) if (v := {value}) else [])"
    if encode is _encode_nested:  # most are None: no call for those
        namespace["nested"] = unstructure
        return f"(None if (v := {value}) is None else nested(v))"
    if isinstance(encode, _EachEncoded):
        namespace[f"e{n}"] = encode.item
        return f"([e{n}(x) for x in v] if (v := {value}) else [])"
    namespace[f"e{n}"] = encode
    return f"e{n}({value})"


def _compile_encoder(cls: type) -> Callable[[Any], dict[str, Any]]:
    """Generate ``lambda o: {"id": o.id, "due": e1(o.due), ...}`` for ``cls``.

    One dict display per object instead of a loop with getattr: every write encodes
    its objects, and a 50,000-task import is bound by this.
    """
    namespace: dict[str, Any] = {}
    items = [
        f"{name!r}: {_value_expression(n, encode, f'o.{name}', namespace)}"
        for n, (name, encode, _) in enumerate(_plan(cls))
    ]
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


Changing = Callable[[Any, Any], dict[str, Any]]
#: Per class: how many fields its documents hold, and its changes encoder (see
#: unstructure_changes).
_CHANGING: dict[type, tuple[int, Changing]] = {}


def _compile_changing(cls: type) -> tuple[int, Changing]:
    """Generate, for ``cls``, ``def changes(o, w)``: each field of ``o`` that is not the
    very object ``w`` holds, encoded. One identity test per field, in line: a
    completion changes three fields of twenty, and every completion of a 50,000-task
    batch runs this."""
    namespace: dict[str, Any] = {}
    lines = ["def changes(o, w):", "    c = {}"]
    plan = _plan(cls)
    for n, (name, encode, _) in enumerate(plan):
        lines.append(f"    if (x := o.{name}) is not w.{name}:")
        lines.append(f"        c[{name!r}] = {_value_expression(n, encode, 'x', namespace)}")
    lines.append("    return c")
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<cchc_tasks changes encoder for {cls.__name__}>", "exec"), namespace)
    return len(plan), namespace["changes"]


def unstructure_changes(
    obj: Any, was: Any, was_doc: dict[str, Any], keyed: bool = False
) -> dict[str, Any] | None:
    """The fields of :func:`unstructure` of ``obj`` that differ from ``was_doc``, the
    document of ``was`` (an object that ``obj`` replaces; ``keyed``: the document
    holds an ``"id"`` beside the fields, as a store's do for a derived key), encoded:
    ``was_doc`` updated with them is ``obj``'s document.

    A field whose value is the very object ``was`` holds encodes as it did, so it is
    left out; only the others are encoded (a completion changes three fields of twenty:
    :func:`replace` keeps the others' values). ``None`` for a document of another
    layout than this version writes (a field added since): it is no base, and ``obj``
    must be encoded whole."""
    cls = type(obj)
    found = _CHANGING.get(cls)
    if found is None:
        found = _CHANGING[cls] = _compile_changing(cls)
    count, changes = found
    if type(was) is not cls or len(was_doc) != count + keyed:
        return None
    return changes(obj, was)


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


# -- trusted documents: what this library wrote, vouched for by the journal -------------

_TRUSTED: dict[type, Callable[[dict[str, Any]], Any]] = {}
# Converters that only normalise text to NFC: a stored document is NFC already.
_NORMALISING = frozenset({nfc, nfc_or_none, nfc_tuple})


def load_trusted(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild ``cls`` from a document this library wrote itself (a store's state or
    journal), without running its validators again.

    Every stored document was validated when it was written, and the journal's hash
    chain vouches that it was not changed since; checking it again on every read is
    what made a province-sized store slow to read. Values are still turned back into
    their types (dates, enums, tuples, nested classes) and converters that change a
    value's type still run. A class that computes hidden state when it is built (a
    field with ``init=False``) is built the validating way. Input from outside the
    library (imports, files, Python callers) goes through :func:`structure`.
    """
    result: T = trusted_loader(cls)(data)
    return result


def trusted_loader(cls: type[T]) -> Callable[[dict[str, Any]], T]:
    """:func:`load_trusted` for ``cls`` as one function, for a loop over many documents."""
    loader = _TRUSTED.get(cls)
    if loader is None:
        loader = _TRUSTED[cls] = _compile_trusted(cls)
    return loader


def _plain(cls: type) -> bool:
    """Whether ``cls`` is built from its fields alone (slotted, no ``init=False`` field
    computed when it is made), so that its fields may be set one by one."""
    return hasattr(cls, "__slots__") and all(f.init for f in attrs.fields(cls))


def _trusted_value(tp: Any) -> Callable[[Any], Any] | None:
    """How a stored value becomes a value of type ``tp`` (``None``: as it is)."""
    tp = _strip_optional(tp)
    if tp in (dt.date, dt.datetime):
        parse = dt.datetime.fromisoformat if tp is dt.datetime else dt.date.fromisoformat
        return lambda v: v if v is None or isinstance(v, dt.date) else parse(v)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        kind = tp
        return lambda v: v if v is None or isinstance(v, kind) else kind(v)
    if isinstance(tp, type) and attrs.has(tp):
        cls = tp
        return lambda v: v if v is None or isinstance(v, cls) else trusted_loader(cls)(v)
    if typing.get_origin(tp) is tuple:
        inner = _trusted_value(typing.get_args(tp)[0])
        if inner is None:
            return lambda v: tuple(v) if isinstance(v, list) else v
        each = inner
        return lambda v: tuple([each(x) for x in v]) if isinstance(v, list | tuple) else v
    if getattr(tp, "__cchc_codec__", None) is not None:
        decode: Decoder = tp.__cchc_codec__()[1]
        return decode
    return None


class _Memo:
    """A converter remembered for the few distinct texts it meets (field names,
    indicator names): stored documents repeat them thousands of times."""

    LIMIT = 4096

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self.convert = convert
        self.seen: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        if value.__class__ is not str:
            return self.convert(value)
        found = self.seen.get(value, self)
        if found is self:
            found = self.convert(value)
            if len(self.seen) < self.LIMIT:
                self.seen[value] = found
        return found


def _keeps_none(converter: Callable[[Any], Any]) -> bool:
    """Whether ``converter`` turns ``None`` into ``None`` (so a stored ``null`` needs no
    call: ``Task.field`` is ``null`` in most stores, and its converter raised and caught
    an error to find that out)."""
    try:
        return converter(None) is None
    except Exception:
        return False


def _day_of(value: Any) -> Any:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


_DAYS = _Memo(_day_of)


def _trusted_field(n: int, tp: Any, r: str, namespace: dict[str, Any]) -> str | None:
    """An expression that turns the local ``r`` (the stored value) into a value of type
    ``tp``, inlined for the common types; ``None`` when the value is used as it is."""
    tp = _strip_optional(tp)
    if tp is dt.date:
        # One date object per distinct day: a store repeats a few thousand days.
        namespace["days"], namespace["day_of"] = _DAYS.seen, _DAYS
        return f"(days[{r}] if {r} in days else ({r} if {r} is None else day_of({r})))"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        namespace[f"m{n}"], namespace[f"E{n}"] = {m.value: m for m in tp}, tp
        return f"(m{n}[{r}] if {r} in m{n} else ({r} if {r} is None else E{n}({r})))"
    value = _trusted_value(tp)
    if value is None:
        return None
    namespace[f"t{n}"] = value
    if typing.get_origin(tp) is tuple:  # most are empty: no call for those
        if _trusted_value(typing.get_args(tp)[0]) is None:  # texts: no call for a list
            return f"((tuple({r}) if {r} else ()) if {r}.__class__ is list else t{n}({r}))"
        return f"(t{n}({r}) if {r} else (() if {r}.__class__ is list else {r}))"
    if isinstance(tp, type) and attrs.has(tp):  # most are None: no call for those
        return f"({r} if {r} is None else t{n}({r}))"
    return f"t{n}({r})"


def _slot_setter(cls: type, name: str) -> Callable[[Any, Any], None] | None:
    """The ``__set__`` of the slot that holds ``name`` in an object of ``cls``, or
    ``None`` when no slot does (``object.__setattr__`` then does what it always does).

    Calling the slot's own setter skips the look-up of the name along the class's MRO
    that ``object.__setattr__`` makes for every value it sets. The slot is the first
    ``name`` along the MRO, as attribute access finds it: a class may inherit its slots
    from a base, and whatever else is found first is left to ``object.__setattr__``.
    """
    for klass in cls.__mro__:
        if name in vars(klass):
            found = vars(klass)[name]
            if isinstance(found, types.MemberDescriptorType) and issubclass(
                cls, found.__objclass__
            ):
                return found.__set__
            return None
    return None


def _setting(cls: type, n: int, name: str, value: str, namespace: dict[str, Any]) -> str:
    """A statement that sets field ``name`` of ``o`` to ``value`` (an expression): a
    plain attribute store when ``o`` is built as a draft (:func:`draft_class`), else
    ``p3(o, value)`` through its slot's setter, else ``put(o, 'name', value)``."""
    if draft_class(cls) is not None:
        return f"o.{name} = {value}"
    setter = _slot_setter(cls, name)
    if setter is None:
        namespace["put"] = object.__setattr__
        return f"put(o, {name!r}, {value})"
    namespace[f"p{n}"] = setter
    return f"p{n}(o, {value})"


_DRAFTS: dict[type, type | None] = {}


def draft_class(cls: type) -> type | None:
    """A class laid out as ``cls`` (the same slots, in a class of its own) whose
    attributes may be set, or ``None``.

    A frozen object is built as its draft: each field by a plain attribute store, which
    the interpreter specialises for a slot (a call of the slot's setter per field took
    twice as long), then the object becomes a ``cls`` by assigning its ``__class__``,
    which Python allows between classes of the same layout. ``None`` for a class whose
    fields are not all its own slots, that has a ``__dict__``, or that Python refuses
    to swap with its draft: one with a ``__weakref__`` slot (CPython compares layouts
    as if that slot came before the others), hence ``weakref_slot=False`` on
    :class:`~cchc_tasks.Task`.
    """
    if cls in _DRAFTS:
        return _DRAFTS[cls]
    draft = None
    slots = vars(cls).get("__slots__")
    names = {f.name for f in attrs.fields(cls)}
    if cls.__bases__ == (object,) and slots is not None and set(slots) == names:
        candidate = type(f"{cls.__name__}Draft", (), {"__slots__": tuple(slots)})
        probe: Any = object.__new__(candidate)
        try:
            probe.__class__ = cls
        except TypeError:
            pass
        else:
            draft = candidate
    _DRAFTS[cls] = draft
    return draft


def _building(cls: type, namespace: dict[str, Any]) -> tuple[str, list[str]]:
    """The first statement of a generated function that builds a ``cls`` as ``o``, and
    the last ones before it returns ``o``."""
    draft = draft_class(cls)
    if draft is None:
        return "o = new(cls)", []
    namespace["draft"] = draft
    return "o = new(draft)", ["o.__class__ = cls"]


def _indented(lines: list[str], depth: int) -> list[str]:
    return ["    " * depth + line for line in lines]


def _compile_trusted(cls: type) -> Callable[[dict[str, Any]], Any]:
    """Generate a loader that sets each field of a new ``cls`` straight from ``data``.

    It reads every key first, ``d['key']``: a document this library wrote holds every
    field. A document written before a field was added lacks its key; the ``KeyError``
    comes before anything was converted or set, and the document is read again by
    ``older``, which takes each default (and raises ``KeyError`` for a required key).
    """
    if not _plain(cls):
        return lambda data: structure(cls, data)
    hints = typing.get_type_hints(cls)
    namespace: dict[str, Any] = {"new": cls.__new__, "cls": cls}
    start, finish = _building(cls, namespace)
    reads, older, build = [], [], [start]
    for n, field in enumerate(attrs.fields(cls)):
        name = field.name
        reads.append(f"r{n} = d[{name!r}]")
        if field.default is attrs.NOTHING:
            older.append(reads[-1])
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            namespace[f"f{n}"] = field.default.factory
            older.append(f"r{n} = d[{name!r}] if {name!r} in d else f{n}()")
        else:
            namespace[f"v{n}"] = field.default
            older.append(f"r{n} = d.get({name!r}, v{n})")
        value = _trusted_field(n, hints[name], f"r{n}", namespace)
        if value is None:  # used as it is, unless a converter changes its type
            value = f"r{n}"
            if field.converter is not None and field.converter not in _NORMALISING:
                memo = namespace[f"c{n}"] = _Memo(field.converter)
                namespace[f"s{n}"] = memo.seen  # a text met before: no call
                value = f"(s{n}[r{n}] if r{n}.__class__ is str and r{n} in s{n} else c{n}(r{n}))"
                if _keeps_none(field.converter):  # an absent value: no call either
                    value = f"(None if r{n} is None else {value})"
        build.append(_setting(cls, n, name, value, namespace))
    build += [*finish, "return o"]
    source = "\n".join(
        [
            "def older(d):",
            *_indented(older + build, 1),
            "def load(d):",
            "    try:",
            *_indented(reads, 2),
            "    except KeyError:",  # not in its except clause: no chained KeyError
            "        pass",
            "    else:",
            *_indented(build, 2),
            "    return older(d)",
            "",
        ]
    )
    title = f"<cchc_tasks trusted loader for {cls.__name__}>"
    exec(compile(source, title, "exec"), namespace)
    loader: Callable[[dict[str, Any]], Any] = namespace["load"]
    return loader


_COPIERS: dict[type, Callable[[Any], Any]] = {}


def _copier(cls: type) -> Callable[[Any], Any]:
    """A generated ``copy(c)`` that sets every field of a new ``cls`` from ``c``, as
    the trusted loader does."""
    found = _COPIERS.get(cls)
    if found is None:
        namespace: dict[str, Any] = {"new": cls.__new__, "cls": cls}
        start, finish = _building(cls, namespace)
        lines = [
            start,
            *(
                _setting(cls, n, f.name, f"c.{f.name}", namespace)
                for n, f in enumerate(attrs.fields(cls))
            ),
            *finish,
            "return o",
        ]
        source = "def copy(c):\n" + "".join(f"    {line}\n" for line in lines)
        exec(compile(source, f"<cchc_tasks copier for {cls.__name__}>", "exec"), namespace)
        found = _COPIERS[cls] = namespace["copy"]
    return found


#: A field as :func:`replace` sets it: its converter and its validator (either may be
#: ``None``), and the attribute the validator is given.
FieldSetting = tuple[Callable[[Any], Any] | None, Callable[[Any, Any, Any], Any] | None, Any]
#: Per class: how each field is set by name, its copier and its ``__attrs_post_init__``
#: (or ``None``); ``None`` for a class that is not :func:`_plain` (evolved the ordinary
#: way). Worked out once: replace runs for every completion of a 50,000-task batch.
_REPLACERS: dict[
    type, tuple[dict[str, FieldSetting], Callable[[Any], Any], Callable[[Any], None] | None] | None
] = {}


def _replacer(
    cls: type,
) -> tuple[dict[str, FieldSetting], Callable[[Any], Any], Callable[[Any], None] | None] | None:
    if cls not in _REPLACERS:
        _REPLACERS[cls] = (
            (
                {f.name: (f.converter, f.validator, f) for f in attrs.fields(cls)},
                _copier(cls),
                getattr(cls, "__attrs_post_init__", None),
            )
            if _plain(cls)
            else None
        )
    return _REPLACERS[cls]


#: Per class and names of the fields changed (in the order given): a generated replace
#: for those (see _compile_replacing). At most _MOST_REPLACINGS per class: the others
#: take the general way.
_REPLACINGS: dict[tuple[type, tuple[str, ...]], Callable[[Any, dict[str, Any]], Any]] = {}
_REPLACING_COUNTS: dict[type, int] = {}
_MOST_REPLACINGS = 32


def _compile_replacing(
    cls: type, names: tuple[str, ...], by_name: dict[str, FieldSetting]
) -> Callable[[Any, dict[str, Any]], Any]:
    """Generate, for ``cls`` and the fields ``names``, ``def replace(c, changes)``:
    :func:`replace` in line, with no loop over the changes, building the new object
    once with each field set (a completion sets three fields of twenty, and every
    completion of a 50,000-task batch runs this)."""
    namespace: dict[str, Any] = {"new": cls.__new__, "cls": cls}
    lines = []
    for n, name in enumerate(names):
        converter = by_name[name][0]
        lines += [f"x{n} = changes[{name!r}]", f"s{n} = x{n} is not c.{name}"]
        if converter is not None:
            namespace[f"k{n}"] = converter
            lines.append(f"if s{n}: x{n} = k{n}(x{n})")
    start, finish = _building(cls, namespace)
    lines.append(start)
    for n, f in enumerate(attrs.fields(cls)):
        value = f"x{names.index(f.name)}" if f.name in names else f"c.{f.name}"
        lines.append(_setting(cls, n, f.name, value, namespace))
    lines += finish
    # Validators run once every change is set, as attrs runs them after __init__ sets
    # every field: one may read another field.
    for n, name in enumerate(names):
        _, validator, field = by_name[name]
        if validator is not None:
            namespace[f"v{n}"], namespace[f"f{n}"] = validator, field
            lines.append(f"if s{n}: v{n}(o, f{n}, x{n})")
    post_init = getattr(cls, "__attrs_post_init__", None)
    if post_init is not None:
        namespace["post_init"] = post_init
        lines.append("post_init(o)")
    lines.append("return o")
    source = "def replace(c, changes):\n" + "".join(f"    {line}\n" for line in lines)
    title = f"<cchc_tasks replace of {', '.join(names)} for {cls.__name__}>"
    exec(compile(source, title, "exec"), namespace)
    made: Callable[[Any, dict[str, Any]], Any] = namespace["replace"]
    return made


def replace(obj: T, **changes: Any) -> T:
    """``obj`` with ``changes``, like :func:`attrs.evolve`, but converting and
    validating only the changed fields (then the class's cross-field checks): the other
    fields were checked when ``obj`` was made, and so was a value given that is the very
    object the field holds already. A class with hidden state (``init=False`` fields)
    is evolved the ordinary way."""
    cls: Any = type(obj)
    replacing = _REPLACINGS.get((cls, tuple(changes)))
    if replacing is not None:
        result: T = replacing(obj, changes)
        return result
    replacer = _replacer(cls)
    if replacer is None:
        return attrs.evolve(obj, **changes)  # type: ignore[misc]
    by_name, copy, post_init = replacer
    if not by_name.keys() >= changes.keys():
        return attrs.evolve(obj, **changes)  # type: ignore[misc]  # raises TypeError
    if _REPLACING_COUNTS.get(cls, 0) < _MOST_REPLACINGS:
        _REPLACING_COUNTS[cls] = _REPLACING_COUNTS.get(cls, 0) + 1
        names = tuple(changes)
        replacing = _REPLACINGS[cls, names] = _compile_replacing(cls, names, by_name)
        built: T = replacing(obj, changes)
        return built
    made: T = copy(obj)
    put = object.__setattr__
    validated = []
    for name, value in changes.items():
        if value is getattr(obj, name):
            continue  # unchanged: converted and validated when obj was made
        converter, validator, field = by_name[name]
        if converter is not None:
            value = converter(value)
        put(made, name, value)
        if validator is not None:
            validated.append((validator, field, value))
    # Validators run once every change is set, as attrs runs them after __init__ sets
    # every field: one may read another field.
    for validator, field, value in validated:
        validator(made, field, value)
    if post_init is not None:
        post_init(made)
    return made
