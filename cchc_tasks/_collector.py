"""Deferring Python's cyclic garbage collector over bounded bulk work.

Building tens of thousands of objects in one go (decoding a year's tasks, the change list
of a 50,000-task batch's journal line, the documents of a snapshot) makes the collector
walk every object of the process again and again: a quarter of such work was spent in it.
None of the objects built there can be garbage of a cycle while they are being built, so
the collector is deferred until the work is done, and then runs as it would have.

Only sections that run no code of the caller's are deferred, and only for as long as they
run (a fraction of a second at province scale); a collector that was disabled already is
left alone. Another thread that allocates meanwhile has its collection deferred too, to
the end of the section.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collector_deferred"]


@contextlib.contextmanager
def collector_deferred() -> Iterator[None]:
    """Defer the cyclic collector for the ``with`` block (see the module docstring)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
