"""Messages in Vietnamese and English: gettext catalogs, message ids with parameters.

Everything the library shows a person is a *message*: an id such as
``"decree90.own-tasks-missed"`` and the parameters it is filled with. Its words live in
gettext catalogs (``locale/vi/LC_MESSAGES/cchc_tasks.po`` and ``locale/en/…``, compiled
to ``.mo``), the format translators and their tools (Poedit, Weblate, Babel) know. A
rule or a model object does not choose a language: it builds a :class:`Message`, and the
report, the CLI or the web page renders it in the reader's language with
:func:`render`. Rendering is lazy, so an evaluation nobody reads costs no words.

Parameters are shown as each language writes them: a decimal comma in Vietnamese
("87,5"), dates as ``15/06/2024``, a nested :class:`Message` in the same language, an
enum member by its label in the catalog, a list joined with ``"; "`` (or with the
separator given as the format spec: ``{names:, }``).

A plugin brings its own catalogs: it returns ``(domain, localedir)`` pairs from the
``cchc_message_catalogs`` hook (or calls :func:`register_catalog`) and builds its
messages with ``Message(id, domain=…)``.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import gettext
import string
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeGuard

import attrs

from .errors import ValidationError

__all__ = [
    "DOMAIN",
    "LANGS",
    "LOCALE_DIR",
    "Lang",
    "Message",
    "Text",
    "catalog_problems",
    "check_lang",
    "find_message",
    "format_date",
    "format_number",
    "has_message",
    "register_catalog",
    "registered_domains",
    "render",
    "translate",
    "translate_or",
]

Lang = Literal["vi", "en"]
#: The languages every message exists in; Vietnamese first, the default.
LANGS: tuple[Lang, ...] = ("vi", "en")
#: The gettext domain of the library's own messages.
DOMAIN = "cchc_tasks"
#: Where the library's catalogs are: ``LOCALE_DIR/<lang>/LC_MESSAGES/cchc_tasks.mo``.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_catalog_dirs: dict[str, Path] = {DOMAIN: LOCALE_DIR}


def _is_lang(value: object) -> TypeGuard[Lang]:
    return value in LANGS


def check_lang(lang: object) -> Lang:
    """``lang`` if it is ``"vi"`` or ``"en"``; else a :class:`ValidationError`."""
    if not _is_lang(lang):
        raise ValidationError("lang", "'vi' or 'en'", lang)
    return lang


def register_catalog(domain: str, localedir: str | Path) -> None:
    """Make the catalogs of ``domain`` (``localedir/<lang>/LC_MESSAGES/<domain>.mo``)
    available to :class:`Message` objects of that domain. Registering the same pair
    again changes nothing; the library's own domain cannot be replaced."""
    path = Path(localedir).resolve()
    if domain == DOMAIN and path != LOCALE_DIR:
        raise ValidationError("domain", f"a domain other than {DOMAIN!r}", domain)
    if _catalog_dirs.get(domain) != path:
        _catalog_dirs[domain] = path
        _catalog.cache_clear()


def registered_domains() -> tuple[str, ...]:
    """Every domain whose catalogs are known: the library's first, then the plugins' in
    the order they were registered."""
    return tuple(_catalog_dirs)


@cache
def _catalog(domain: str, lang: str) -> gettext.NullTranslations:
    folder = _catalog_dirs.get(domain)
    if folder is None:
        return gettext.NullTranslations()
    return gettext.translation(domain, folder, languages=[lang], fallback=True)


def _lookup(id: str, lang: Lang, domain: str) -> str | None:
    text = _catalog(domain, lang).gettext(id)
    # gettext answers the id itself when the catalog has no translation for it.
    return None if text == id else text


def has_message(id: str, lang: Lang = "vi", domain: str = DOMAIN) -> bool:
    """Whether the catalog of ``domain`` in ``lang`` has a text for ``id``."""
    return _lookup(id, lang, domain) is not None


def find_message(id: str, lang: Lang = "vi") -> Message | None:
    """The message ``id`` of the first registered domain whose catalog in ``lang`` has a
    text for it (the library's own first), or ``None`` when none has. How a plugin's
    catalog labels a kind of its own, such as a recommendation kind."""
    for domain in registered_domains():
        if has_message(id, lang, domain):
            return Message(id, domain=domain)
    return None


def translate(id: str, lang: Lang = "vi", /, **params: object) -> str:
    """The text of the library's message ``id`` in ``lang`` with ``params`` filled in.

    A message missing from ``lang``'s catalog falls back to the other language, then to
    the id itself."""
    return _translate(id, lang, DOMAIN, params)


def translate_or(id: str, default: str, lang: Lang = "vi") -> str:
    """The text of the library's message ``id`` in ``lang``, or ``default`` when the
    catalog has none: a label for a value that may have one (a kind, a column), else the
    value as written."""
    return _lookup(id, lang, DOMAIN) or default


def _translate(id: str, lang: Lang, domain: str, params: Mapping[str, object]) -> str:
    template = _lookup(id, lang, domain)
    if template is None:
        other: Lang = "en" if lang == "vi" else "vi"
        template = _lookup(id, other, domain)
        if template is None:
            # A plugin's sentence without a catalog is shown as written.
            template = id
    return _fill(template, params, lang) if params else template


@functools.lru_cache(maxsize=4096)
def _parsed(template: str) -> tuple[tuple[str, str | None, str, str | None], ...] | None:
    """The literal parts and fields of ``template``, parsed once; ``None`` when a field
    uses what the plain fill below does not (attributes, indexes, nested specs)."""
    parts = tuple(
        (literal, field, spec or "", conversion)
        for literal, field, spec, conversion in string.Formatter().parse(template)
    )
    for _, field, spec, _ in parts:
        if field is not None and (not field.isidentifier() or "{" in spec):
            return None
    return parts


def _fill(template: str, params: Mapping[str, object], lang: Lang) -> str:
    """``template`` with ``params`` filled in as ``lang`` writes them. Messages are
    rendered by the thousand in a report, so the template is parsed once, not per call."""
    formatter = _Formatter(lang)
    parts = _parsed(template)
    if parts is None:
        return formatter.vformat(template, (), params)
    out: list[str] = []
    for literal, field, spec, conversion in parts:
        out.append(literal)
        if field is None:
            continue
        value = params[field]
        if conversion is not None:
            value = formatter.convert_field(value, conversion)
        # Most parameters are names and titles: words shown as they are.
        out.append(
            value if type(value) is str and not spec else formatter.format_field(value, spec)
        )
    return "".join(out)


@attrs.frozen
class Message:
    """A message id and its parameters, rendered in a language when someone reads it.

    ``str(message)`` is the English text, for logs and programs; people's outputs call
    :meth:`render` (or :func:`render`) with their language."""

    id: str
    params: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    domain: str = attrs.field(default=DOMAIN, kw_only=True)

    @classmethod
    def of(cls, id: str, /, **params: Any) -> Message:
        """``Message(id, params)``, the parameters given as keywords."""
        return cls(id, params)

    def render(self, lang: Lang = "vi") -> str:
        """The text in ``lang``."""
        return _translate(self.id, lang, self.domain, self.params)

    def __str__(self) -> str:
        return self.render("en")


#: What a rule or a model object may give as text: a message, or words shown as written
#: (a plugin's sentence, a name, a note someone typed).
Text = str | Message


def render(text: Text | None, lang: Lang = "vi") -> str:
    """``text`` in ``lang``: a :class:`Message` translated, a string as it is."""
    if text is None:
        return ""
    if isinstance(text, Message):
        return text.render(lang)
    return text


_SWAP = str.maketrans(".,", ",.")


def _swap_separators(text: str) -> str:
    """Vietnamese writes ``1.234,5`` where English writes ``1,234.5``."""
    return text.translate(_SWAP)


class _Formatter(string.Formatter):
    """Fills a template's fields the way the reader's language writes each kind of value."""

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return value.render(self.lang)
        if isinstance(value, bool):
            return translate("misc.yes", self.lang) if value else translate("misc.no", self.lang)
        if isinstance(value, (int, float)):
            return format_number(value, self.lang, format_spec)
        if isinstance(value, dt.date):
            return format_date(value, self.lang)
        if isinstance(value, enum.Enum):
            label = _lookup(f"enum.{type(value).__name__}.{value.name}", self.lang, DOMAIN)
            return label if label is not None else str(value.value)
        if isinstance(value, Sequence) and not isinstance(value, str):
            separator = format_spec or "; "
            return separator.join(self.format_field(item, "") for item in value)
        return format(value, format_spec)


def format_number(value: float, lang: Lang = "vi", spec: str = "") -> str:
    """``value`` as ``lang`` writes it: formatted by ``spec`` (without one, a float shows
    at most two decimals and none when whole), with the decimal comma and the thousands
    dot of Vietnamese."""
    if spec:
        text = format(value, spec)
    elif isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    else:
        text = str(value)
    return _swap_separators(text) if lang == "vi" else text


def format_date(day: dt.date, lang: Lang = "vi") -> str:
    """``day`` as each audience writes it: ``31/12/2025`` or ``2025-12-31``."""
    if lang == "vi":
        # Not strftime: a report writes thousands of dates, and this is a third the cost.
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    return day.isoformat()


# --- checking catalogs -------------------------------------------------------------------


def catalog_problems(domain: str = DOMAIN, localedir: str | Path | None = None) -> list[str]:
    """What is wrong with the ``.po`` catalogs of ``domain``, one line a problem: an id
    one language lacks, an empty or fuzzy translation, placeholders that differ between
    the languages, a text that does not render with sample parameters, Vietnamese not in
    NFC, a compiled ``.mo`` that does not match its ``.po``. Empty when all is well.

    It reads the catalogs with Babel (the ``i18n`` extra), as the tools that write them
    do; the library itself only reads the compiled ``.mo`` files."""
    from babel.messages.pofile import read_po

    folder = Path(localedir) if localedir is not None else _catalog_dirs.get(domain, LOCALE_DIR)
    texts: dict[Lang, dict[str, str]] = {}
    problems: list[str] = []
    for lang in LANGS:
        po = folder / lang / "LC_MESSAGES" / f"{domain}.po"
        if not po.is_file():
            problems.append(f"{po.name} ({lang}): missing")
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=domain)
        problems += _compiled_problems(catalog, po.with_suffix(".mo"), lang)
        texts[lang] = {}
        for entry in catalog:
            if not entry.id:
                continue
            if entry.fuzzy or not entry.string:
                problems.append(f"{entry.id} ({lang}): not translated")
            texts[lang][str(entry.id)] = str(entry.string)
    for lang, others in ((a, b) for a in texts for b in texts if a != b):
        problems += [f"{id} ({others}): missing" for id in texts[lang] if id not in texts[others]]
    for id, vi in texts.get("vi", {}).items():
        problems += _message_problems(id, vi, texts.get("en", {}).get(id))
    return problems


def _compiled_problems(catalog: Any, mo: Path, lang: str) -> list[str]:
    import io

    from babel.messages.mofile import write_mo

    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    if not mo.is_file() or mo.read_bytes() != compiled.getvalue():
        return [f"{mo.name} ({lang}): not compiled from its .po (run `make catalogs`)"]
    return []


def _fields(template: str) -> dict[str, str]:
    return {
        name: spec or ""
        for _, name, spec, _ in string.Formatter().parse(template)
        if name is not None
    }


def _sample(spec: str) -> object:
    """A value that fits a placeholder's format spec: a number for a number's spec, a
    list for a separator (``{names:, }``), else a word."""
    if spec.endswith("d"):
        return 1234
    if spec and spec[-1] in "efg%":
        return 1234.5
    return ["x", "y"] if spec else "x"


def _message_problems(id: str, vi: str, en: str | None) -> list[str]:
    import unicodedata

    problems = []
    if unicodedata.normalize("NFC", vi) != vi:
        problems.append(f"{id} (vi): not in NFC")
    if en is None:
        return problems
    fields = _fields(vi)
    if fields.keys() != _fields(en).keys():
        problems.append(f"{id}: placeholders differ between vi {sorted(fields)} and en")
        return problems
    sample = {name: _sample(spec) for name, spec in {**_fields(en), **fields}.items()}
    for lang, template in (("vi", vi), ("en", en)):
        try:
            _Formatter(check_lang(lang)).vformat(template, (), sample)
        except (ValueError, KeyError, IndexError, TypeError) as error:
            problems.append(f"{id} ({lang}): does not render: {error}")
    return problems
