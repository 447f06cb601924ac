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

A batch runs the caller's code (its loop over the rows to write), so the collector is not
deferred there. Only its *full* collections are (:func:`full_collections_deferred`): a
50,000-task batch builds some 200,000 objects that live on, and each full collection
walked every object of the process (a fifth of such a batch was spent in two or three of
them). The young generations are still collected as always, where the cycles a caller's
code leaves behind are found; older ones wait for the end of the batch.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["collector_deferred", "full_collections_deferred"]

#: A threshold for the oldest generation that is never reached.
_NEVER = 2**31 - 1
_full_deferral_lock = threading.Lock()
#: How many full_collections_deferred() blocks are open (in any thread), and the
#: oldest generation's threshold the first one found, to be put back by the last.
_full_deferrals = 0
_saved_threshold = 0


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


@contextlib.contextmanager
def full_collections_deferred() -> Iterator[None]:
    """Defer the collector's full collections (of its oldest generation) for the
    ``with`` block; the younger generations are collected as always (see the module
    docstring). Blocks may nest and run in several threads: the threshold is put back
    when the last one ends."""
    global _full_deferrals, _saved_threshold
    with _full_deferral_lock:
        if _full_deferrals == 0:
            young, middle, _saved_threshold = gc.get_threshold()
            gc.set_threshold(young, middle, _NEVER)
        _full_deferrals += 1
    try:
        yield
    finally:
        with _full_deferral_lock:
            _full_deferrals -= 1
            if _full_deferrals == 0:
                young, middle, _ = gc.get_threshold()
                gc.set_threshold(young, middle, _saved_threshold)
