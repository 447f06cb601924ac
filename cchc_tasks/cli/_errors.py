"""The one line a refused command prints, in the reader's language.

Every error of the :class:`~cchc_tasks.CchcError` family carries what it is about (the
field, what was expected, what came) as attributes; this module words them in Vietnamese
or English from the message catalogs, so ``cchc`` answers an official in the language of
``--lang`` (Vietnamese by default, or ``CCHC_LANG`` for commands without the option).
What a field expected is shown as the code says it unless the catalog has it
(``expected.<phrase>``) or the code gave a :class:`~cchc_tasks.i18n.Message`.
"""

from __future__ import annotations

import os

from ..errors import (
    CchcError,
    DuplicateIdError,
    NotFoundError,
    PermissionDeniedError,
    StoreCorruptError,
    StoreImportError,
    ValidationError,
    describe_target,
    show_value,
)
from ..i18n import Lang, Message, render, translate, translate_or

__all__ = ["LANG_ENV", "cli_lang", "error_text"]

#: The environment variable that sets the language of commands without ``--lang``.
LANG_ENV = "CCHC_LANG"


def cli_lang(chosen: object = None) -> Lang:
    """The language of the command's output: ``--lang`` when given, else ``CCHC_LANG``,
    else Vietnamese."""
    for value in (chosen, os.environ.get(LANG_ENV)):
        if value in ("vi", "en"):
            return "vi" if value == "vi" else "en"
    return "vi"


def _expected(expected: object, lang: Lang) -> str:
    if isinstance(expected, Message):
        return expected.render(lang)
    phrase = str(expected)
    if phrase.startswith("one of "):
        return translate("expected.one_of", lang, choices=phrase.removeprefix("one of "))
    return translate_or(f"expected.{phrase}", phrase, lang)


def error_text(exc: CchcError, lang: Lang) -> str:
    """``exc`` in one line of ``lang`` (its rows joined by "; " for an import). An error
    that words itself (a ``render(lang)`` method, or a message of its own class) keeps
    its words."""
    own = getattr(exc, "render", None)
    if callable(own):
        return str(own(lang))
    if isinstance(exc, StoreImportError):
        return translate(
            "error.import", lang, source=exc.source, count=len(exc.problems),
            problems="; ".join(exc.problems),
        )  # fmt: skip
    if isinstance(exc, NotFoundError):
        where = f"{exc.field}: " if exc.field else ""
        return where + translate("error.not_found_id", lang, kind=_kind(exc.kind, lang), id=exc.id)
    if isinstance(exc, DuplicateIdError):
        return translate("error.duplicate", lang, field=exc.field, kind=_kind(exc.kind, lang),
                         id=exc.id)  # fmt: skip
    if isinstance(exc, ValidationError):
        if str(exc) != f"{exc.field}: expected {exc.expected}, got {show_value(exc.got)}":
            return str(exc)  # a subclass with a message of its own
        return translate(
            "error.validation", lang, field=exc.field, expected=_expected(exc.expected, lang),
            got=show_value(exc.got),
        )  # fmt: skip
    if isinstance(exc, StoreCorruptError):
        where = exc.path if exc.line is None else translate(
            "error.at_line", lang, path=exc.path, line=exc.line
        )  # fmt: skip
        return translate("error.corrupt", lang, where=where, reason=render(exc.reason, lang))
    if isinstance(exc, PermissionDeniedError):
        return translate(
            "error.denied", lang, action=exc.action, target=describe_target(exc.target),
            actor=repr(exc.actor), plugin=exc.plugin or "—", reason=exc.reason or "—",
        )  # fmt: skip
    return " ".join(str(exc).split())


def _kind(kind: str, lang: Lang) -> str:
    return translate_or(f"kind.{kind}", kind, lang)
