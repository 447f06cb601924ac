"""A PostgreSQL server for the tests that need one: one fresh database per test session
(dropped at the end), one fresh schema (one store) per test.

The server is ``CCHC_TEST_POSTGRES`` (default ``postgresql://127.0.0.1:5432/postgres``,
with the usual ``PG*`` variables for what it leaves out). Without a reachable server
these tests skip with one line saying why; with ``CI=true`` they fail instead.
"""

from __future__ import annotations

import itertools
import os
import urllib.parse
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

SERVER = os.environ.get("CCHC_TEST_POSTGRES", "postgresql://127.0.0.1:5432/postgres")
_schemas = itertools.count(1)


def admin(database: str | None = None, **options: Any) -> Any:
    """An autocommit connection to the server (to ``database`` if given)."""
    import psycopg

    url = SERVER
    if database is not None:
        parts = urllib.parse.urlsplit(SERVER)
        url = urllib.parse.urlunsplit(parts._replace(path="/" + database))
    return psycopg.connect(url, autocommit=True, connect_timeout=5, **options)


def url_of(database: str, schema: str, user: str | None = None) -> str:
    """The store URL of ``schema`` in ``database`` on the test server."""
    parts = urllib.parse.urlsplit(SERVER)
    netloc = parts.netloc if user is None else f"{user}@{parts.netloc.rsplit('@', 1)[-1]}"
    return urllib.parse.urlunsplit(
        parts._replace(netloc=netloc, path="/" + database, query=f"schema={schema}")
    )


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and no PostgreSQL server for the tests: {reason}")
    pytest.skip(f"no PostgreSQL server at {SERVER}: {reason}")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh database for this test session, dropped afterwards."""
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'cchc-tasks[postgres]')")
        raise
    try:
        conn = admin()
    except psycopg.Error as exc:
        _unavailable(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
        raise
    name = f"cchc_test_{uuid.uuid4().hex[:12]}"
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_database: str) -> str:
    """The URL of a new, empty store (its own schema in the session's database)."""
    return url_of(pg_database, f"t{next(_schemas)}_{uuid.uuid4().hex[:6]}")
