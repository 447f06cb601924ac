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

__all__ = ["DecodeError", "dumps", "dumps_ascii", "loads"]

#: Raised by :func:`loads` for text that is not JSON (orjson's error subclasses it).
DecodeError = json.JSONDecodeError

#: The first bytes of the UTF-8 encodings of characters beyond the BMP.
_BEYOND_BMP_LEADS = tuple(bytes([lead]) for lead in range(0xF0, 0xF5))


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON of ``value`` (JSON-native types only)."""
    if orjson is not None:
        try:
            return orjson.dumps(value)
        except orjson.JSONEncodeError:
            pass  # e.g. an int beyond 64 bits: the standard library handles it
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def dumps_ascii(value: Any) -> bytes:
    """Compact ASCII JSON of ``value``: text beyond ASCII as ``\\u`` escapes, as
    ``json.dumps(value, ensure_ascii=True)`` writes it (byte for byte, but for the
    spelling of some floats), about twice as fast for a province's snapshot."""
    if orjson is not None:
        try:
            text = orjson.dumps(value)
        except orjson.JSONEncodeError:
            pass
        else:
            if text.isascii():
                return text
            # backslashreplace writes \xNN, \uNNNN or \UNNNNNNNN for each character
            # beyond ASCII; JSON has only \uNNNN. orjson writes no "\x" of its own, so
            # one in its output follows an escaped backslash (a text's "\x"), which the
            # replacement below would corrupt; a character beyond the BMP (a surrogate
            # pair in JSON) starts with a byte from F0 to F4 in UTF-8. Both are left to
            # the standard library. A backslash (rare) and the lead bytes are looked for
            # with one-byte searches (memchr), a tenth of the time of searching the
            # escaped text for two bytes.
            if not (b"\\" in text and b"\\x" in text) and not any(
                lead in text for lead in _BEYOND_BMP_LEADS
            ):
                escaped = text.decode("utf-8").encode("ascii", "backslashreplace")
                return escaped.replace(b"\\x", b"\\u00")
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def loads(data: bytes | str) -> Any:
    """Parse JSON text or UTF-8 bytes."""
    if orjson is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # NaN, huge ints… : let the standard library decide, and word the error
    return json.loads(data)
