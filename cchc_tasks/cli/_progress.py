"""A progress indicator for long runs (imports of hundreds of rows, reports), on stderr.

On a terminal one line counts up in place ("Đang nhập 120/500 dòng"), rewritten with a
carriage return and ended when the run is done. When stderr is not a terminal (a log
file, a pipe, a scheduled job) carriage returns would pile up into one unreadable line,
so at most :data:`PLAIN_LINES` plain lines are written instead. A hand-written line needs
no dependency; stdout keeps the command's result alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from ..labels import Lang, t

__all__ = ["PLAIN_LINES", "counter"]

#: How many lines the counter writes at most when stderr is not a terminal.
PLAIN_LINES = 10


def counter(
    lang: Lang, stream: TextIO | None = None, *, message: str = "import.cli.counter"
) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback that shows the count on ``stream`` (default
    stderr) in ``lang``, worded by the catalog's ``message`` (with ``done`` and
    ``total``)."""
    out = sys.stderr if stream is None else stream
    live = out.isatty()

    def every(total: int) -> int:
        # Rounded up, so that the multiples of it up to ``total`` are at most PLAIN_LINES.
        return max(1, -(-total // PLAIN_LINES))

    def progress(done: int, total: int) -> None:
        text = t(message, lang, done=done, total=total)
        if live:
            out.write(f"\r{text}" + ("\n" if done >= total else ""))
        elif done >= total or done % every(total) == 0:
            out.write(f"{text}\n")
        out.flush()

    return progress
