"""Fixtures of the store tests: a PostgreSQL server (see ``tests/postgres_server.py``)."""

from tests.postgres_server import pg_database, pg_url

__all__ = ["pg_database", "pg_url"]
