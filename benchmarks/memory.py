"""The peak memory of a fresh interpreter running some code.

Not ``ru_maxrss`` of the child: on Linux a child started from a large process reports
the parent's resident size as its own peak (the high-water mark of the memory it was
forked with survives the ``exec``), so a benchmark process of 300 MB made every store
look like 300 MB. ``VmHWM`` of ``/proc/self/status`` is the child's own peak; other
systems fall back to ``ru_maxrss``.
"""

from __future__ import annotations

import subprocess
import sys

_REPORT = """
import resource, sys
try:
    with open("/proc/self/status") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kib = kib // 1024 if sys.platform == "darwin" else kib  # bytes on macOS
print(kib)
"""


def peak_rss(code: str) -> int:
    """The peak resident memory, in bytes, of a new interpreter that runs ``code``."""
    out = subprocess.run(
        [sys.executable, "-c", code + "\n" + _REPORT], check=True, capture_output=True, text=True
    ).stdout
    return int(out.strip().splitlines()[-1]) * 1024
