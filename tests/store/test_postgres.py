"""What only a PostgreSQL store has: its address, its tables for SQL readers, its schema
versions, LISTEN/NOTIFY, lost connections, roles, and copying to and from folders."""

from __future__ import annotations

import datetime as dt
import threading
import urllib.parse
import uuid
from pathlib import Path

import pytest

import cchc_tasks as ct
from cchc_tasks.plugins import make_plugin_manager
from cchc_tasks.store import pgsql
from cchc_tasks.store.copy import copy_store
from cchc_tasks.store.pgsql import roles_sql
from cchc_tasks.store.pgurl import PgAddress, is_postgres_url
from cchc_tasks.store.postgres import PostgresStore
from cchc_tasks.testing import raw_state
from tests.postgres_server import admin, url_of

from .test_contract import seed, task


def open_pg(url: str) -> ct.Tracker:
    return ct.Tracker(PostgresStore(url), make_plugin_manager((), load_entrypoints=False))


def schema_of(url: str) -> str:
    return PgAddress.parse(url).schema


def database_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def cut_connections(url: str) -> int:
    """Terminate every other connection to the store's database; how many."""
    with admin(database_of(url)) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


# -- the address (no server needed) ----------------------------------------------------


def test_the_url_names_the_schema_and_never_shows_the_password() -> None:
    address = PgAddress.parse("postgresql://lan:bí-mật@db.dongthap:5432/cchc?schema=tan_hong")
    assert address.schema == "tan_hong"
    assert address.shown == "postgresql://lan@db.dongthap:5432/cchc?schema=tan_hong"
    assert "bí-mật" not in repr(address) and "schema=" not in address.conninfo
    assert PgAddress.parse("postgresql:///cchc").schema == "public"
    hidden = PgAddress.parse("postgresql://h/db?password=bí-mật&sslmode=require")
    assert "bí-mật" not in hidden.shown and "sslmode=require" in hidden.conninfo
    assert is_postgres_url("postgres://h/db") and not is_postgres_url("data/tan-hong")


@pytest.mark.parametrize("schema", ["", "Tan-Hong", "x; DROP TABLE t", "1abc"])
def test_a_bad_schema_is_refused_naming_the_field(schema: str) -> None:
    with pytest.raises(ct.ValidationError) as caught:
        PgAddress.parse(f"postgresql://h/db?schema={urllib.parse.quote(schema)}")
    assert caught.value.field == "schema"


def test_an_unreachable_server_is_one_error_without_the_password() -> None:
    with pytest.raises(ct.StoreError) as caught:
        ct.Tracker.open("postgresql://lan:bí-mật@127.0.0.1:1/cchc?connect_timeout=2")
    message = str(caught.value)
    assert "cannot connect" in message and "bí-mật" not in message
    assert "postgresql://lan@127.0.0.1:1/cchc" in message


# -- the tables SQL readers see ---------------------------------------------------------


def test_documents_are_current_for_sql_readers(pg_url: str) -> None:
    tr = open_pg(pg_url)
    seed(tr)
    tr.add_task(task("t-1"))
    tr.complete_task("t-1", dt.date(2025, 3, 1))
    schema = schema_of(pg_url)
    with admin(database_of(pg_url)) as conn:
        row = conn.execute(
            f"SELECT doc->>'status', doc->>'completed_on' FROM {schema}.tasks WHERE id = 't-1'"
        ).fetchone()
        found = conn.execute(
            f"SELECT id FROM {schema}.tasks WHERE doc @> %s::jsonb", ('{"unit": "huyen"}',)
        ).fetchall()
        rows = conn.execute(f"SELECT seq, actor, note FROM {schema}.cchc_journal ORDER BY seq")
        assert rows.fetchall()[0] == (1, "lan", "seed")
    assert row == ("done", "2025-03-01")
    assert found == [("t-1",)]
    tr.close()


# -- tampering ----------------------------------------------------------------------------


def test_verify_finds_an_altered_row_and_an_edited_document(pg_url: str) -> None:
    tr = open_pg(pg_url)
    seed(tr)
    tr.add_task(task("t-1"))
    tr.add_task(task("t-2"))
    assert tr.verify().ok
    schema = schema_of(pg_url)
    with admin(database_of(pg_url)) as conn:
        conn.execute(
            f"UPDATE {schema}.cchc_documents SET doc = replace(doc::text, 'Rà soát', 'Xoá')::json "
            "WHERE id = 't-2'"
        )
        edited = tr.verify()
        conn.execute(
            f"UPDATE {schema}.cchc_journal SET line = replace(line, 'Rà soát', 'Xoá') WHERE seq = 2"
        )
        altered = tr.verify()
        conn.execute(f"DELETE FROM {schema}.cchc_journal WHERE seq = 3")
        cut = tr.verify()
    assert not edited.ok and edited.file is not None and edited.file.endswith("cchc_documents")
    assert "'t-2'" in edited.reason
    assert not altered.ok and altered.first_bad_line == 2 and altered.lines == 1
    assert not cut.ok and cut.lines == 1
    tr.close()


def test_verify_checks_the_chain_reaches_a_head_recorded_elsewhere(pg_url: str) -> None:
    tr = open_pg(pg_url)
    seed(tr)
    published = tr.verify().head
    assert published is not None
    tr.add_task(task("t-1"))
    assert tr.verify(expect=published[:12]).ok  # the head of the minutes is still in the chain
    assert tr.verify(expect=published.upper()).ok
    stranger = tr.verify(expect="0" * 16)
    assert not stranger.ok and "0000000000000000" in stranger.reason
    assert not tr.verify(expect="not a head").ok
    tr.close()


# -- schema versions ------------------------------------------------------------------


def test_a_newer_schema_is_refused_untouched(pg_url: str) -> None:
    open_pg(pg_url).close()
    schema = schema_of(pg_url)
    with admin(database_of(pg_url)) as conn:
        conn.execute(f"UPDATE {schema}.cchc_meta SET value = '99'")
        with pytest.raises(ct.StoreVersionError) as caught:
            ct.Tracker.open(pg_url)
        assert caught.value.found == 99
        assert conn.execute(f"SELECT value FROM {schema}.cchc_meta").fetchall() == [("99",)]


def test_an_older_schema_is_migrated(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tr = open_pg(pg_url)
    seed(tr)
    tr.close()
    step = ("ALTER TABLE {schema}.cchc_journal ADD COLUMN reviewed boolean DEFAULT false",)
    monkeypatch.setitem(pgsql.MIGRATIONS, 1, step)
    monkeypatch.setattr("cchc_tasks.store.postgres.PG_SCHEMA_VERSION", 2)
    again = open_pg(pg_url)
    assert again.seq == 1 and again.verify().ok
    schema = schema_of(pg_url)
    with admin(database_of(pg_url)) as conn:
        assert conn.execute(f"SELECT value FROM {schema}.cchc_meta").fetchone() == ("2",)
        assert conn.execute(f"SELECT reviewed FROM {schema}.cchc_journal").fetchall() == [(False,)]
    again.close()


def test_a_reading_command_does_not_create_a_store(pg_url: str) -> None:
    with pytest.raises(ct.StoreError, match="found none"):
        PostgresStore(pg_url, create=False)
    with admin(database_of(pg_url)) as conn:
        found = conn.execute("SELECT to_regnamespace(%s)", (schema_of(pg_url),)).fetchone()
    assert found == (None,)


# -- LISTEN/NOTIFY and lost connections ---------------------------------------------------


def test_a_reader_waiting_on_notify_sees_a_commit(pg_url: str) -> None:
    writer, reader = open_pg(pg_url), PostgresStore(pg_url)
    seed(writer)
    reader.refresh()
    started = threading.Event()

    def write() -> None:
        started.wait()
        writer.add_task(task("t-1"))

    thread = threading.Thread(target=write)
    thread.start()
    started.set()
    assert reader.wait_for_change(timeout=30)
    thread.join()
    assert reader.seq == 2 and reader.state.get("tasks", "t-1") is not None
    assert not reader.wait_for_change(timeout=0.05)
    writer.close()
    reader.close()


def test_a_cut_connection_fails_the_call_in_flight_and_the_next_reconnects(pg_url: str) -> None:
    tr = open_pg(pg_url)
    seed(tr)
    assert cut_connections(pg_url) >= 1  # while idle: the next call connects again
    tr.add_task(task("t-1"))
    before = raw_state(tr), tr.seq
    with pytest.raises(ct.StoreError, match="connection was lost while committing"), tr.batch():
        tr.add_task(task("t-2"))
        cut_connections(pg_url)  # inside the transaction, before the commit
    assert (raw_state(tr), tr.seq) == before
    tr.add_task(task("t-3"))
    again = open_pg(pg_url)
    assert sorted(t.id for t in again.tasks()) == ["t-1", "t-3"]
    assert again.verify().ok and again.seq == 3
    tr.close()
    again.close()


# -- roles --------------------------------------------------------------------------------


def test_the_read_only_role_cannot_change_anything(pg_url: str) -> None:
    suffix = uuid.uuid4().hex[:8]
    owner, writer, reader = (f"cchc_{r}_{suffix}" for r in ("owner", "writer", "reader"))
    database, schema = database_of(pg_url), schema_of(pg_url)
    with admin(database) as conn:
        for role in (owner, writer, reader):
            conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(f'GRANT CREATE ON DATABASE "{database}" TO "{owner}"')
    try:
        as_owner = open_pg(url_of(database, schema, owner))
        seed(as_owner)
        with admin(database) as conn:
            conn.execute(roles_sql(schema, owner=owner, writer=writer, reader=reader))
        as_writer = open_pg(url_of(database, schema, writer))
        as_writer.add_task(task("t-1"))  # a new kind: its view is made through the owner
        as_reader = open_pg(url_of(database, schema, reader))
        assert as_reader.task("t-1").title == task("t-1").title
        before = raw_state(as_reader), as_reader.seq
        with pytest.raises(ct.StoreError, match="permission denied"):
            as_reader.add_task(task("t-2"))
        assert (raw_state(as_reader), as_reader.seq) == before
        statements = [
            f"INSERT INTO {schema}.cchc_journal VALUES (9, now(), null, null, '', 'x', '{{}}')",
            f"UPDATE {schema}.cchc_documents SET doc = '{{}}'",
            f"DELETE FROM {schema}.cchc_journal",
            f"TRUNCATE {schema}.cchc_documents",
            f"SELECT {schema}.cchc_add_kind('hacked')",
            f"CREATE TABLE {schema}.mine (x int)",
            f"DROP VIEW {schema}.tasks",
        ]
        with admin(database, user=reader) as conn:
            for statement in statements:
                with pytest.raises(Exception, match="permission denied|must be owner"):
                    conn.execute(statement)
        rewrites = [
            f"UPDATE {schema}.cchc_journal SET note = 'sửa'",
            f"DELETE FROM {schema}.cchc_journal",
            f"TRUNCATE {schema}.cchc_journal",
        ]
        with admin(database, user=writer) as conn:  # a writer cannot rewrite the journal
            for statement in rewrites:
                with pytest.raises(Exception, match="permission denied"):
                    conn.execute(statement)
        assert as_owner.verify().ok
        for tr in (as_owner, as_writer, as_reader):
            tr.close()
    finally:
        with admin(database) as conn:
            for role in (owner, writer, reader):
                conn.execute(f'DROP OWNED BY "{role}" CASCADE')
                conn.execute(f'DROP ROLE "{role}"')


# -- copying ------------------------------------------------------------------------------


def test_a_store_copies_to_postgresql_and_back_with_the_same_head(
    pg_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "store"
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        seed(tr)
        tr.add_task(task("t-1"), note="giao việc")
        tr.complete_task("t-1", dt.date(2025, 3, 1))
        documents, head = tr.to_documents(), tr.verify().head
    there = copy_store(str(folder), pg_url)
    assert there.ok and there.lines == 3 and there.head == head
    back = copy_store(pg_url, str(tmp_path / "back"))
    assert back.ok and back.head == head
    with ct.Tracker.open(tmp_path / "back", load_entrypoints=False) as tr:
        assert tr.to_documents() == documents
        assert [e.note for e in tr.history("t-1")] == ["giao việc", None]
    with pytest.raises(ct.StoreError, match="empty"):
        copy_store(str(folder), pg_url)
    with pytest.raises(ct.StoreError, match="empty"):
        copy_store(pg_url, str(tmp_path / "back"))
