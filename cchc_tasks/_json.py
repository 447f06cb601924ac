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
import re
from collections.abc import Iterator
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - exercised by tests that hide orjson
    orjson = None  # type: ignore[assignment]

__all__ = ["ASCII_PART_BYTES", "DecodeError", "dumps", "dumps_ascii_parts", "loads"]

#: Raised by :func:`loads` for text that is not JSON (orjson's error subclasses it).
DecodeError = json.JSONDecodeError

#: Stand-ins for the letters x and U while text is escaped: control characters, which
#: JSON text never holds raw (inside a string they are escaped), so they swap back exactly.
_HIDE = bytes.maketrans(b"xU", b"\x01\x02")
_SHOW = bytes.maketrans(b"\x01\x02", b"xU")
#: An escape of a character beyond the BMP as backslashreplace writes it.
_BEYOND_BMP = re.compile(rb"\\U([0-9a-f]{8})")
#: How many bytes of JSON are escaped at a time: small enough that each step's input and
#: output stay in the processor's cache and come from memory already mapped.
ASCII_PART_BYTES = 1 << 20


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON of ``value`` (JSON-native types only)."""
    if orjson is not None:
        try:
            return orjson.dumps(value)
        except orjson.JSONEncodeError:
            pass  # e.g. an int beyond 64 bits: the standard library handles it
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def dumps_ascii_parts(value: Any, part_bytes: int = ASCII_PART_BYTES) -> Iterator[bytes]:
    """Compact ASCII JSON of ``value`` (text beyond ASCII as ``\\u`` escapes, as
    ``json.dumps(value, ensure_ascii=True)`` writes it, byte for byte but for the
    spelling of some floats), as consecutive parts of about ``part_bytes`` each, which
    written one after the other are the whole: a province's 20 MB snapshot is escaped a
    megabyte at a time, two-thirds of the time it took whole, when each of its five
    steps made a copy of all of it in memory not yet mapped."""
    if orjson is not None:
        try:
            text = orjson.dumps(value)
        except orjson.JSONEncodeError:
            pass  # e.g. an int beyond 64 bits: the standard library handles it
        else:
            end, size = 0, len(text)
            while end < size:
                start, end = end, min(end + max(part_bytes, 1), size)
                while end < size and text[end] >= 0x80:
                    end += 1  # a part ends before an ASCII byte, never inside a character
                yield _escaped(text[start:end])
            return
    yield json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _escaped(text: bytes) -> bytes:
    """UTF-8 JSON text (whole characters) with every character beyond ASCII escaped.

    backslashreplace writes \\xNN, \\uNNNN or \\UNNNNNNNN for each; JSON has only
    \\uNNNN, with a surrogate pair beyond the BMP. The text's own letters x and U are
    hidden first, so that every x and U left is an escape's: \\x becomes \\u00 by a
    one-byte replace (memchr; replacing the two bytes scanned a byte at a time and took
    longer than encoding), and the rare \\U is rewritten as its pair. DEL, which
    orjson writes as it is (JSON allows it), is escaped as the standard library does."""
    if text.isascii():
        escaped = text
    else:
        hidden = text.translate(_HIDE).decode("utf-8")
        escaped = hidden.encode("ascii", "backslashreplace").replace(b"x", b"u00")
        if b"U" in escaped:
            escaped = _BEYOND_BMP.sub(_surrogate_pair, escaped)
        escaped = escaped.translate(_SHOW)
    return escaped.replace(b"\x7f", b"\\u007f") if b"\x7f" in escaped else escaped


def _surrogate_pair(found: re.Match[bytes]) -> bytes:
    code = int(found[1], 16) - 0x10000
    return b"\\u%04x\\u%04x" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))


def loads(data: bytes | str) -> Any:
    """Parse JSON text or UTF-8 bytes."""
    if orjson is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # NaN, huge ints… : let the standard library decide, and word the error
    return json.loads(data)
