"""The words of the web pages, in Vietnamese and English (Vietnamese by default).

They live in the library's gettext catalogs with every other message (ids ``survey.*``,
``staff.*``, ``dash.*`` and ``error.*``); the words of the data (ratings, bands,
outcomes, dates, numbers) come from :mod:`cchc_tasks.labels`, as in the reports. This
module keeps the pages' one-letter name for a lookup.
"""

from __future__ import annotations

from ..i18n import Lang, translate

__all__ = ["t"]


def t(key: str, lang: Lang = "vi", /, **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``values`` filled in."""
    return translate(key, lang, **values)
