"""The writer lock: one process writes at a time (``fcntl.flock`` on a lock file).

``flock`` locks are released by the kernel when the holder dies, so a killed writer
never leaves the store locked.
"""

from __future__ import annotations

import fcntl
import os
import time

from ..errors import StoreError, StoreLockedError

__all__ = ["CannotLock", "WriterLock"]


class CannotLock(StoreError):
    """The lock file cannot be opened for writing: this process may only read."""


class WriterLock:
    """Re-entrant exclusive lock on ``path`` for this process."""

    def __init__(self, path: str, timeout: float = 30.0) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        self._depth = 0

    def acquire(self) -> None:
        if self._depth:
            self._depth += 1
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            # Read-only media, or a folder the process may not write: it cannot write.
            raise CannotLock(
                f"{self.path}: cannot write to the store ({exc.strerror or exc})"
            ) from exc
        deadline = time.monotonic() + self.timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreLockedError(
                            f"{self.path}: another process held the writer lock for more "
                            f"than {self.timeout:g} s"
                        ) from None
                    time.sleep(0.005)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        self._depth = 1

    def release(self) -> None:
        if self._depth == 0:
            raise RuntimeError(f"{self.path}: released a writer lock that is not held")
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._depth > 0
