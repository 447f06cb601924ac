"""The journal: an append-only file of JSON lines, one per committed change set.

Each line is a JSON object with the schema version ``v``, ``seq`` (1, 2, …), ``at``
(an ISO timestamp with offset), ``actor``, ``note`` and ``changes``, followed by
``prev`` (the hash of the line before) and ``hash``::

    hash = sha256(prev + body)

where ``body`` is the exact text of the line up to, but not including, the
``,"prev":`` suffix, closed with ``}``. Hashing the bytes as written (not a
re-serialisation) makes checking a line cheap and exact, and chains every line to all
those before it: altering, removing or reordering a line breaks the chain at that line.

A line is durable once :func:`append_durably` returns: it is written with ``write``
calls on a file opened for appending and ``fsync``'ed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from typing import Any

import attrs

from .. import _json
from .._fields import MAX_TEXT_LENGTH, shown, text_problem
from ..errors import StoreCorruptError, ValidationError

__all__ = [
    "GENESIS",
    "SCHEMA_VERSION",
    "Change",
    "Entry",
    "JournalReader",
    "append_durably",
    "check_text_lengths",
    "check_texts",
    "encode_entry",
    "encode_entry_parts",
    "seal",
    "seal_parts",
]

#: The version of the journal and snapshot layout this code writes.
SCHEMA_VERSION = 1
#: The ``prev`` of the first line.
GENESIS = "0" * 64
_SUFFIX_LEN = len(',"prev":"","hash":""}') + 128


@attrs.frozen
class Change:
    """One object's change: ``before`` and ``after`` are documents (``None`` = absent)."""

    table: str
    id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def op(self) -> str:
        """``"add"``, ``"update"`` or ``"delete"``."""
        if self.before is None:
            return "add"
        return "delete" if self.after is None else "update"

    def to_json(self) -> dict[str, Any]:
        return {"table": self.table, "id": self.id, "before": self.before, "after": self.after}


@attrs.frozen
class Entry:
    """One journal line: a change set committed by one call or one ``batch()``."""

    seq: int
    at: dt.datetime
    actor: str | None
    note: str | None
    changes: tuple[Change, ...]
    hash: str = ""

    def hashed(self, digest: str) -> Entry:
        """This entry with its line's hash, once written (made directly: ``attrs.evolve``
        was a twelfth of a durable update)."""
        return Entry(self.seq, self.at, self.actor, self.note, self.changes, digest)


def encode_entry(entry: Entry, prev: str) -> tuple[bytes, str]:
    """The line to append for ``entry`` after a line hashed ``prev``, and its hash."""
    parts, digest = encode_entry_parts(entry, prev)
    return b"".join(parts), digest


def encode_entry_parts(entry: Entry, prev: str) -> tuple[tuple[bytes | memoryview, ...], str]:
    """:func:`encode_entry` as the parts the line is made of (see :func:`seal_parts`)."""
    return seal_parts(
        {
            "v": SCHEMA_VERSION,
            "seq": entry.seq,
            "at": entry.at.isoformat(),
            "actor": entry.actor,
            "note": entry.note,
            # The change's mapping made in line, not by to_json(): a batch's line is
            # 50,000 changes.
            "changes": [
                {"table": c.table, "id": c.id, "before": c.before, "after": c.after}
                for c in entry.changes
            ],
        },
        prev,
    )


def _texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every text in a JSON document with where it is (``title``, ``reports[0].note``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key, path)
            yield from _texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}[{index}]")


def check_texts(changes: tuple[Change, ...]) -> None:
    """Every text of the documents written must be storable (bounded, valid Unicode):
    a :class:`ValidationError` naming the table, the key and the field otherwise. The
    net under the fields' own validators, for whatever text reaches the store."""
    for change in changes:
        for path, text in _texts(change.after, ""):
            problem = text_problem(text)
            if problem is not None:
                raise ValidationError(f"{change.table}[{change.id!r}].{path}", problem, shown(text))


def check_text_lengths(changes: tuple[Change, ...]) -> None:
    """:func:`check_texts` for a line known to encode (so holding no lone surrogate):
    only a text too long remains possible. One quick pass looks for one; the path of
    the one found is named by :func:`check_texts`. A 50,000-task batch spent a fifth
    of its time building the paths of texts that were all fine."""
    for change in changes:
        if change.after is not None and _holds_long_text(change.after):
            check_texts((change,))


def _holds_long_text(value: Any) -> bool:
    """Whether a JSON document holds a text (value or key) longer than the maximum."""
    if value.__class__ is str:
        return len(value) > MAX_TEXT_LENGTH
    if value.__class__ is dict:
        for key, item in value.items():
            kind = item.__class__
            if len(key) > MAX_TEXT_LENGTH or (
                len(item) > MAX_TEXT_LENGTH
                if kind is str
                else (kind is dict or kind is list) and _holds_long_text(item)
            ):
                return True
        return False
    if value.__class__ is list:
        return any(_holds_long_text(item) for item in value)
    return False


def seal(fields: dict[str, Any], prev: str) -> tuple[bytes, str]:
    """The line holding ``fields`` (in their order), chained after a line hashed ``prev``,
    and its hash."""
    parts, digest = seal_parts(fields, prev)
    return b"".join(parts), digest


def seal_parts(fields: dict[str, Any], prev: str) -> tuple[tuple[bytes | memoryview, ...], str]:
    """:func:`seal` as the parts of the line (written one after the other, they are the
    line): a large batch's line is tens of megabytes, not worth copying to join it. The
    one place a line's bytes and hash are made."""
    body = _json.dumps(fields)
    hasher = hashlib.sha256(prev.encode("ascii"))
    hasher.update(body)  # the same bytes as prev + body, without copying the body
    digest = hasher.hexdigest()
    suffix = f',"prev":"{prev}","hash":"{digest}"}}\n'.encode("ascii")
    return (memoryview(body)[:-1], suffix), digest


def _decode_line(
    raw: bytes, path: str, lineno: int, version: int = SCHEMA_VERSION
) -> tuple[dict[str, Any], str, str]:
    """Parse and hash-check one complete line of layout ``version`` (a line without
    ``v`` is version 0); returns (data, prev, hash)."""
    try:
        text = raw.decode("utf-8")
        data = _json.loads(text)
    except (UnicodeDecodeError, _json.DecodeError) as exc:
        raise StoreCorruptError(path, f"not a JSON line ({exc})", lineno) from None
    if not isinstance(data, dict):
        raise StoreCorruptError(path, "not a journal entry", lineno)
    found = data.get("v", 0)
    if found != version:
        raise StoreCorruptError(
            path, f"unknown journal schema version {found!r} (this code reads {version})", lineno
        )
    prev, digest = data.get("prev"), data.get("hash")
    if not isinstance(prev, str) or not isinstance(digest, str):
        raise StoreCorruptError(path, "entry has no hash chain", lineno)
    text = text[:-1] if text.endswith("\n") else text
    if text[-_SUFFIX_LEN:] != f',"prev":"{prev}","hash":"{digest}"}}':
        raise StoreCorruptError(path, "the line does not end with its prev and hash", lineno)
    body = text[:-_SUFFIX_LEN] + "}"
    if hashlib.sha256((prev + body).encode("utf-8")).hexdigest() != digest:
        raise StoreCorruptError(path, "hash does not match the line's content (altered)", lineno)
    return data, prev, digest


def _entry_from(data: dict[str, Any], digest: str, path: str, lineno: int) -> Entry:
    try:
        changes = tuple(
            Change(c["table"], c["id"], c["before"], c["after"]) for c in data["changes"]
        )
        return Entry(
            seq=data["seq"],
            at=dt.datetime.fromisoformat(data["at"]),
            actor=data["actor"],
            note=data["note"],
            changes=changes,
            hash=digest,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreCorruptError(path, f"malformed entry ({exc!r})", lineno) from None


class JournalReader:
    """Reads complete lines from ``offset`` on, checking the chain from ``prev``.

    A last line without its newline is a write that never returned: it is reported in
    ``torn`` (its byte offset) and not applied. Any other damage raises
    :class:`StoreCorruptError` with the file and line number.
    """

    def __init__(
        self,
        path: str,
        *,
        offset: int = 0,
        prev: str = GENESIS,
        seq: int = 0,
        lineno: int = 0,
        version: int = SCHEMA_VERSION,
    ) -> None:
        self.path = path
        self.offset = offset
        self.prev = prev
        self.seq = seq
        self.lineno = lineno
        self.version = version
        self.torn: int | None = None

    def __iter__(self) -> Iterator[Entry]:
        for _, entry in self.records():
            yield entry

    def records(self) -> Iterator[tuple[dict[str, Any], Entry]]:
        """Each checked line as its parsed JSON object and as an :class:`Entry`."""
        if not os.path.exists(self.path):
            return
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            for raw in f:
                if not raw.endswith(b"\n"):
                    self.torn = self.offset
                    return
                self.lineno += 1
                data, prev, digest = _decode_line(raw, self.path, self.lineno, self.version)
                if prev != self.prev:
                    raise StoreCorruptError(
                        self.path,
                        "chain broken: the line before was altered, removed or reordered",
                        self.lineno,
                    )
                entry = _entry_from(data, digest, self.path, self.lineno)
                if entry.seq != self.seq + 1:
                    raise StoreCorruptError(
                        self.path, f"sequence {entry.seq} follows {self.seq}", self.lineno
                    )
                self.offset += len(raw)
                self.prev = digest
                self.seq = entry.seq
                yield data, entry


def append_durably(fd: int, *parts: bytes | memoryview) -> None:
    """Write the line made of ``parts`` at the end of the open journal and make it durable."""
    for part in parts:
        view = memoryview(part)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    os.fsync(fd)
