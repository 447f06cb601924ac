"""The ``CchcError`` family: every error the library raises on purpose.

Each error about input names the *field*, what was *expected* and what *came*, so
that an official reading the message (or a tool logging it) knows what to fix. An
error raised by a write method always leaves the store unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "CchcError",
    "DuplicateIdError",
    "NotFoundError",
    "PermissionDeniedError",
    "RuleError",
    "StoreCorruptError",
    "StoreError",
    "StoreImportError",
    "StoreLockedError",
    "StoreVersionError",
    "ValidationError",
    "show_value",
]


def show_value(value: Any) -> str:
    """Render a received value for a message: short, quoted when it is text."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class CchcError(Exception):
    """Base class of every error that cchc_tasks raises on purpose."""


class ValidationError(CchcError, ValueError):
    """A value does not meet what a field requires.

    ``field`` names the field (``"Task.due"``), ``expected`` says what was expected
    and ``got`` holds what came.
    """

    def __init__(self, field: str, expected: str, got: Any) -> None:
        self.field = field
        self.expected = expected
        self.got = got
        super().__init__(f"{field}: expected {expected}, got {show_value(got)}")


class StoreImportError(ValidationError):
    """A store file that cannot be imported; nothing was imported. ``problems`` lists
    every bad object as text: ``"tasks[3] 't-7': Task.due: expected …, got …"``."""

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        count = len(self.problems)
        plural = "s" if count != 1 else ""
        super().__init__(source, "every object valid (nothing was imported)", f"{count} bad")
        lines = "".join(f"\n  {p}" for p in self.problems)
        self.args = (f"{source}: {count} bad object{plural}, nothing was imported:{lines}",)


class NotFoundError(CchcError, LookupError):
    """An id refers to nothing in the tracker (``kind`` is ``"unit"``, ``"task"``…)."""

    def __init__(self, kind: str, id: str, field: str | None = None) -> None:
        self.kind = kind
        self.id = id
        self.field = field
        where = f"{field}: " if field else ""
        super().__init__(f"{where}expected the id of an existing {kind}, got {id!r}")

    def __str__(self) -> str:
        # LookupError subclasses such as KeyError quote their message; ours must not.
        return str(self.args[0])


class DuplicateIdError(CchcError, ValueError):
    """An object with this id already exists."""

    def __init__(self, kind: str, id: str) -> None:
        self.kind = kind
        self.id = id
        self.field = f"{kind}.id"
        super().__init__(f"{kind}.id: expected an id not used by another {kind}, got {id!r}")


class RuleError(CchcError):
    """A rule or plugin failed while evaluating; names the plugin and the hook.

    ``plugin`` is the plugin's registered name and ``hook`` the hook it was
    answering; the original exception is chained as ``__cause__``.
    """

    def __init__(self, message: str, *, plugin: str | None = None, hook: str | None = None):
        self.plugin = plugin
        self.hook = hook
        parts = [f"plugin {plugin}" if plugin else "", f"hook {hook}" if hook else ""]
        prefix = " in ".join(p for p in parts if p)
        prefix = f"{prefix}: " if prefix else ""
        super().__init__(prefix + message)


class StoreError(CchcError):
    """The store on disk cannot be used as asked."""


class StoreLockedError(StoreError):
    """Another writer holds the store's lock for longer than we were willing to wait."""


class StoreCorruptError(StoreError):
    """A store file does not check out; ``path``, ``line`` and ``reason`` say where and why."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class StoreVersionError(StoreError):
    """A store file is in a layout version this code does not read.

    ``path`` names the file, ``found`` the version it is in and ``reads`` the newest
    version this code reads. Older versions are migrated when the store is opened; a
    newer one was written by a newer cchc_tasks.
    """

    def __init__(self, path: str, found: int, reads: int) -> None:
        self.path = path
        self.found = found
        self.reads = reads
        hint = (
            "written by a newer cchc_tasks: upgrade cchc_tasks to open it"
            if found > reads
            else "open it with Tracker.open to migrate it"
        )
        super().__init__(
            f"{path}: expected store format version {reads} (or an older one to migrate), "
            f"got version {found} ({hint})"
        )


class PermissionDeniedError(CchcError):
    """A ``cchc_authorize`` plugin refused a write; nothing was changed.

    ``actor`` is who asked (``None`` if nobody was named), ``action`` the Tracker method
    (``"add_task"``, ``"complete_task"``…), ``target`` the object it would change,
    ``plugin`` the plugin that refused and ``reason`` its explanation, if it gave one.
    """

    def __init__(
        self,
        actor: str | None,
        action: str,
        target: Any,
        *,
        plugin: str | None = None,
        reason: str = "",
    ) -> None:
        self.actor = actor
        self.action = action
        self.target = target
        self.plugin = plugin
        self.reason = reason
        super().__init__(actor, action, target)

    def __str__(self) -> str:
        # Built when shown, so that the plugin name the tracker fills in appears too.
        by = f"denied by {self.plugin}" if self.plugin else "denied"
        why = f": {self.reason}" if self.reason else ""
        return (
            f"{self.action} {describe_target(self.target)}: expected an actor allowed to "
            f"do this, got {self.actor!r} ({by}{why})"
        )


def describe_target(target: Any) -> str:
    """``task 't-1'`` for an object with an id, else the value itself, shortened."""
    key = getattr(target, "id", None)
    if isinstance(key, str):
        return f"{type(target).__name__.lower()} {key!r}"
    return show_value(target)
