"""Moving a store between a folder and PostgreSQL, in either direction, keeping every
journal line (seq, time, actor, note, hash): the copy's verified head is the source's.

:func:`copy_store` verifies the source, copies the lines it verified and then verifies
the copy. The destination must be new or empty (an empty folder, or a schema holding
no store or an empty one); nothing is written anywhere else.
"""

from __future__ import annotations

import itertools
import os

from ..errors import StoreError
from . import Store
from .audit import VerifyReport
from .pgurl import is_postgres_url

__all__ = ["copy_store", "open_existing"]


def open_existing(where: str) -> Store:
    """The store at ``where`` (a folder or a ``postgresql://`` URL), which must exist:
    nothing is created for a store that is only read."""
    if is_postgres_url(where):
        from .postgres import PostgresStore

        return PostgresStore(where, create=False)
    if not os.path.isdir(where) or not (
        os.path.exists(os.path.join(where, "journal.jsonl"))
        or os.path.exists(os.path.join(where, "state.json"))
    ):
        raise StoreError(
            f"{where}: expected a store folder (with journal.jsonl or state.json), found none"
        )
    return Store(where)


def copy_store(source: str, dest: str) -> VerifyReport:
    """Copy the store at ``source`` to ``dest`` (each a folder or a ``postgresql://``
    URL); returns the verification of the copy, whose head is the source's."""
    src = open_existing(source)
    try:
        checked = src.verify()
        if not checked.ok:
            raise StoreError(f"{source}: the store does not verify ({checked}); nothing copied")
        if is_postgres_url(dest):
            from .postgres import PostgresStore

            target = PostgresStore(dest)
            try:
                target.load_entries(itertools.islice(src.entries(), checked.lines))
                report = target.verify()
            finally:
                target.close()
        else:
            report = src.backup(dest)
    finally:
        src.close()
    if report.lines == checked.lines and report.head != checked.head:
        raise StoreError(
            f"{dest}: the copy's head {report.head} is not the source's {checked.head}"
        )
    return report
