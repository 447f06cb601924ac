"""JSON for the store: orjson when it is installed, the standard library otherwise.

orjson encodes a 50,000-task journal line about six times faster than ``json.dumps``
and parses a snapshot about twice as fast as ``json.load`` (measured in
docs/performance.md), which is what keeps a province-sized import and open within
their budgets. The store never depends on byte-identical output: a journal line's hash
covers the bytes as written, and reading accepts any valid JSON, so both encoders
produce stores that either can read.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - exercised by tests that hide orjson
    orjson = None  # type: ignore[assignment]

__all__ = ["DecodeError", "dumps", "loads"]

#: Raised by :func:`loads` for text that is not JSON (orjson's error subclasses it).
DecodeError = json.JSONDecodeError


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON of ``value`` (JSON-native types only)."""
    if orjson is not None:
        try:
            return orjson.dumps(value)
        except orjson.JSONEncodeError:
            pass  # e.g. an int beyond 64 bits: the standard library handles it
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> Any:
    """Parse JSON text or UTF-8 bytes."""
    if orjson is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # NaN, huge ints… : let the standard library decide, and word the error
    return json.loads(data)
