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
#: A stand-in for the letter x while text is escaped: a control character, which JSON
#: text never holds raw (inside a string it is escaped), so the two swap back exactly.
_HIDE_X = bytes.maketrans(b"x", b"\x01")
_SHOW_X = bytes.maketrans(b"\x01", b"x")


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
                return _escape_delete(text)
            # backslashreplace writes \xNN, \uNNNN or \UNNNNNNNN for each character
            # beyond ASCII; JSON has only \uNNNN. The text's own letters x are hidden
            # first, so that every x left is an escape's, and \x becomes \u00 by a
            # one-byte replace (memchr): replacing the two bytes scanned the 20 MB of a
            # province's snapshot a byte at a time, twice, and took longer than
            # encoding it. A character beyond the BMP (a surrogate pair in JSON,
            # whose UTF-8 starts with a byte from F0 to F4) is left to the standard
            # library; the lead bytes are looked for with one-byte searches.
            if not any(lead in text for lead in _BEYOND_BMP_LEADS):
                hidden = text.translate(_HIDE_X).decode("utf-8")
                escaped = hidden.encode("ascii", "backslashreplace").replace(b"x", b"u00")
                return _escape_delete(escaped.translate(_SHOW_X))
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _escape_delete(text: bytes) -> bytes:
    """``text`` with DEL escaped as the standard library escapes it (orjson writes it
    as it is, which JSON allows): ASCII output is then the same whichever encoder ran."""
    return text.replace(b"\x7f", b"\\u007f") if b"\x7f" in text else text


def loads(data: bytes | str) -> Any:
    """Parse JSON text or UTF-8 bytes."""
    if orjson is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # NaN, huge ints… : let the standard library decide, and word the error
    return json.loads(data)
