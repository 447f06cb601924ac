"""PostgreSQL store addresses: ``postgresql://user@host:5432/db?schema=name``.

The URL is a libpq connection URI plus one option of ours, ``schema`` (the store's schema,
``public`` by default, so one database can hold several stores). Whatever the URL leaves
out comes from the usual ``PG*`` environment variables (``PGHOST``, ``PGUSER``,
``PGPASSWORD``, …) or ``~/.pgpass``, as libpq does. A password written in the URL is never
shown: :attr:`PgAddress.shown` is the URL without it, and that is what errors, logs and
``repr`` use.
"""

from __future__ import annotations

import os
import re
import urllib.parse

import attrs

from ..errors import ValidationError

__all__ = ["PgAddress", "is_postgres_url"]

_SCHEMES = ("postgresql://", "postgres://")
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,50}")


def is_postgres_url(where: str | os.PathLike[str]) -> bool:
    """Whether ``where`` names a PostgreSQL store rather than a folder."""
    return isinstance(where, str) and where.startswith(_SCHEMES)


@attrs.frozen
class PgAddress:
    """Where a PostgreSQL store is: ``conninfo`` for libpq (it may hold a password, so it
    is never shown), ``schema``, and ``shown``, the URL without any password."""

    conninfo: str = attrs.field(repr=False)
    schema: str
    shown: str

    @classmethod
    def parse(cls, url: str) -> PgAddress:
        """Split ``url``; a bad ``schema`` option is a :class:`ValidationError`."""
        parts = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        schemas = [value for key, value in query if key == "schema"]
        schema = schemas[-1] if schemas else "public"
        if not _SCHEMA_NAME.fullmatch(schema):
            raise ValidationError(
                "schema",
                "a lower-case SQL name (letters, digits, _; at most 51 characters)",
                schema,
            )
        rest = urllib.parse.urlencode([(k, v) for k, v in query if k != "schema"])
        conninfo = urllib.parse.urlunsplit(parts._replace(query=rest))
        netloc = parts.netloc
        if "@" in netloc:
            user, host = netloc.rsplit("@", 1)
            netloc = user.split(":", 1)[0] + "@" + host
        shown_query = urllib.parse.urlencode(
            [(k, "***" if k == "password" else v) for k, v in query]
        )
        shown = urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=shown_query))
        return cls(conninfo=conninfo, schema=schema, shown=shown)
