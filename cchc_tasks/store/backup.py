"""Backups and restores: a backup is an ordinary store folder.

``Store.backup(dest)`` writes, into a new or empty folder, the journal up to the line
the store stands at and a fresh snapshot of that state; both are ``fsync``'ed, then the
folder. Other processes may go on writing meanwhile: the journal is append-only, so the
bytes before that line never change, and the backup holds exactly the lines up to it.

:func:`restore` checks a backup (the whole hash chain and its snapshot), copies it into
a temporary folder next to the destination and renames that folder into place, so a
restore that fails leaves no half store behind. It refuses a destination that exists
and is not an empty folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator

from ..errors import StoreCorruptError, StoreError
from .audit import VerifyReport, verify_folder
from .snapshot import fsync_dir

__all__ = ["copy_journal", "new_folder", "restore"]

JOURNAL = "journal.jsonl"
SNAPSHOT = "state.json"


def _require_empty(dest: str, what: str) -> None:
    if os.path.exists(dest) and (not os.path.isdir(dest) or os.listdir(dest)):
        found = "a file" if not os.path.isdir(dest) else "a folder that is not empty"
        raise StoreError(
            f"{dest}: expected a new or empty folder for the {what}, found {found}; "
            "nothing was written"
        )


@contextlib.contextmanager
def new_folder(dest: str, what: str) -> Iterator[str]:
    """Create ``dest`` (or use it if empty) for a backup; remove what was written there
    if the block raises."""
    _require_empty(dest, what)
    created = not os.path.exists(dest)
    os.makedirs(dest, exist_ok=True)
    try:
        yield dest
    except BaseException:
        for name in os.listdir(dest):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(dest, name))
        if created:
            with contextlib.suppress(OSError):
                os.rmdir(dest)
        raise
    fsync_dir(dest)
    fsync_dir(os.path.dirname(os.path.abspath(dest)))


def copy_journal(source: str, target: str, size: int) -> None:
    """Copy the first ``size`` bytes of the journal ``source`` to ``target``, fsync'ed."""
    with open(target, "wb") as out:
        if size:
            with open(source, "rb") as f:
                left = size
                while left:
                    chunk = f.read(min(left, 1 << 20))
                    if not chunk:
                        raise StoreError(
                            f"{source}: expected {size} bytes of journal to back up, got "
                            f"{size - left}; the journal was cut while copying"
                        )
                    out.write(chunk)
                    left -= len(chunk)
        out.flush()
        os.fsync(out.fileno())


def restore(backup: str, dest: str) -> VerifyReport:
    """Copy the store folder ``backup`` into the new folder ``dest``; returns the check
    of the copy. Raises :class:`StoreCorruptError` if the backup does not check out and
    :class:`StoreError` if ``dest`` exists and is not an empty folder."""
    _require_empty(dest, "restored store")
    report = verify_folder(backup)
    if not report.ok:
        raise StoreCorruptError(
            report.file or backup,
            f"expected a backup whose hash chain and snapshot check out, got: {report.reason}",
            report.first_bad_line,
        )
    parent = os.path.dirname(os.path.abspath(dest))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".restore-", dir=parent)
    try:
        os.chmod(tmp, 0o755)
        # Only the lines that checked out: a torn last line was never acknowledged.
        copy_journal(
            os.path.join(backup, JOURNAL), os.path.join(tmp, JOURNAL), report.journal_bytes
        )
        if os.path.exists(os.path.join(backup, SNAPSHOT)):
            shutil.copyfile(os.path.join(backup, SNAPSHOT), os.path.join(tmp, SNAPSHOT))
            with open(os.path.join(tmp, SNAPSHOT), "rb+") as f:
                os.fsync(f.fileno())
        fsync_dir(tmp)
        _require_empty(dest, "restored store")
        os.replace(tmp, dest)  # a directory may replace only an empty one
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fsync_dir(parent)
    return verify_folder(dest)
