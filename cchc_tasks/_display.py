"""The display registry: how a domain object gets its rich views without the domain
importing presentation.

Domain classes answer ``_repr_html_`` (Jupyter) and ``to_dataframe`` by calling
:func:`to_html` and :func:`to_frame`. Presentation modules fill these single-dispatch
functions for the types they render (:mod:`cchc_tasks.notebook` does, on import), the
way cattrs' preconf modules register hooks per type. A module that registers views
announces itself in the ``cchc_tasks.display`` entry-point group, so the first object
shown in a notebook loads it even if nobody imported it; a third-party package can
register views for its own types the same way.

Without a registered view, HTML falls back to the object's text in a ``<pre>`` block,
and a DataFrame is refused with a :class:`~cchc_tasks.CchcError` that says what to
install.
"""

from __future__ import annotations

import functools
import html
import importlib.metadata
from typing import Any

from .errors import CchcError

__all__ = ["DISPLAY_GROUP", "load_providers", "to_frame", "to_html"]

#: The entry-point group of modules that register views here.
DISPLAY_GROUP = "cchc_tasks.display"

_providers_loaded = False


def load_providers() -> bool:
    """Import every module of the ``cchc_tasks.display`` entry-point group, once per
    process; returns whether this call loaded them (``False`` if already done)."""
    global _providers_loaded
    if _providers_loaded:
        return False
    _providers_loaded = True
    for entry_point in importlib.metadata.entry_points(group=DISPLAY_GROUP):
        entry_point.load()
    return True


@functools.singledispatch
def to_html(obj: object) -> str:
    """An HTML fragment showing ``obj`` (the ``_repr_html_`` of the domain classes)."""
    if load_providers():
        return to_html(obj)  # the providers may have registered a view of its type
    return f"<pre>{html.escape(str(obj))}</pre>"


@functools.singledispatch
def to_frame(obj: object, what: str, **options: Any) -> Any:
    """A pandas DataFrame of part ``what`` of ``obj`` (the ``to_dataframe`` of the
    domain classes)."""
    if load_providers():
        return to_frame(obj, what, **options)
    raise CchcError(
        f"no DataFrame view of {type(obj).__name__} is registered: install the "
        "'notebook' extra (pip install 'cchc_tasks[notebook]')"
    )
