"""The SQL of a PostgreSQL store: its tables, their versions and migrations, and its roles.

A PostgreSQL store lives in one schema (``public`` unless the URL says ``?schema=``)::

    cchc_meta       key/value: schema_version
    cchc_journal    one row per committed change set: seq, at, actor, note, prev, hash and
                    the exact journal line (the same bytes and hash chain as a folder's
                    journal.jsonl line, without its newline)
    cchc_documents  the current document of every object: kind (the store table), id,
                    doc_id (the TinyDB doc id) and doc (the document's JSON text as the
                    journal wrote it, so its key order survives)
    cchc_kinds      the kinds that have a view
    <kind>          one view per kind (tasks, units, …): id and doc jsonb, for SQL readers

The journal is the truth; the documents are kept current in the same transaction as the
journal row, for SQL readers and for a fast open. Writers serialise on a transaction-level
advisory lock (:func:`lock_key`) and announce every commit on a ``NOTIFY`` channel
(:func:`channel`).

The schema is versioned like a folder's layout: :data:`PG_SCHEMA_VERSION` is what this code
writes, :data:`MIGRATIONS` takes an older schema one version up, and a newer one is
refused untouched.
"""

from __future__ import annotations

import hashlib

__all__ = [
    "MIGRATIONS",
    "PG_SCHEMA_VERSION",
    "channel",
    "create_statements",
    "lock_key",
    "quote_ident",
    "roles_sql",
]

#: The version of the PostgreSQL schema this code reads and writes.
PG_SCHEMA_VERSION = 1

#: ``MIGRATIONS[n]`` takes a schema of version ``n`` to ``n + 1`` (statements with a
#: ``{schema}`` placeholder, already quoted). None yet: version 1 is the first.
MIGRATIONS: dict[int, tuple[str, ...]] = {}

_CREATE = (
    "CREATE SCHEMA IF NOT EXISTS {schema}",
    "CREATE TABLE {schema}.cchc_meta (key text PRIMARY KEY, value text NOT NULL)",
    """CREATE TABLE {schema}.cchc_journal (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        at timestamptz NOT NULL,
        actor text,
        note text,
        prev text NOT NULL,
        hash text NOT NULL UNIQUE,
        line text NOT NULL
    )""",
    """CREATE TABLE {schema}.cchc_documents (
        kind text NOT NULL,
        id text NOT NULL,
        doc_id bigint NOT NULL,
        doc json NOT NULL,
        PRIMARY KEY (kind, id)
    )""",
    # SQL readers filter on fields of the documents (a task's unit, year, status): one
    # GIN index over the documents as jsonb serves every containment query (doc @> …).
    "CREATE INDEX cchc_documents_doc ON {schema}.cchc_documents "
    "USING gin ((doc::jsonb) jsonb_path_ops)",
    "CREATE INDEX cchc_journal_at ON {schema}.cchc_journal (at)",
    "CREATE TABLE {schema}.cchc_kinds (kind text PRIMARY KEY)",
    # Writers do not create objects: a new kind's view is made by this function, which
    # runs with its owner's rights and can only make that one kind of view.
    """CREATE FUNCTION {schema}.cchc_add_kind(new_kind text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
    BEGIN
        IF new_kind !~ '^[a-z][a-z0-9_]{{0,50}}$' OR new_kind LIKE 'cchc\\_%' THEN
            RAISE EXCEPTION 'not a document kind: %', new_kind;
        END IF;
        INSERT INTO {schema}.cchc_kinds (kind) VALUES (new_kind) ON CONFLICT DO NOTHING;
        IF FOUND THEN
            EXECUTE format(
                'CREATE VIEW %I.%I AS SELECT id, doc::jsonb AS doc '
                'FROM %I.cchc_documents WHERE kind = %L',
                {schema_literal}, new_kind, {schema_literal}, new_kind);
        END IF;
    END
    $fn$""",
    "INSERT INTO {schema}.cchc_meta (key, value) VALUES ('schema_version', '1')",
)


def quote_ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_statements(schema: str) -> list[str]:
    """The statements that create an empty store of the current version in ``schema``."""
    return [
        s.format(schema=quote_ident(schema), schema_literal=_quote_literal(schema)) for s in _CREATE
    ]


def lock_key(schema: str) -> int:
    """The advisory lock writers of the store in ``schema`` serialise on (a signed
    64-bit number derived from the schema's name, so two stores do not block each other)."""
    digest = hashlib.sha256(f"cchc_tasks store {schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def channel(schema: str) -> str:
    """The ``LISTEN``/``NOTIFY`` channel on which each commit announces its seq."""
    return f"cchc_{schema}"[:63]


def roles_sql(
    schema: str = "public",
    *,
    owner: str = "cchc_owner",
    writer: str = "cchc_writer",
    reader: str = "cchc_reader",
) -> str:
    """The SQL (to run as a superuser, after the owner has opened the store once) that
    gives ``writer`` exactly what the library's writes need and ``reader`` only ``SELECT``.

    ``owner`` owns the tables: it creates and migrates them (open the store once as the
    owner). The writer may insert journal rows (never change or remove one), upsert and
    delete documents and call ``cchc_add_kind``; the reader may read the tables and views.
    """
    s, o, w, r = (quote_ident(n) for n in (schema, owner, writer, reader))
    return "\n".join(
        [
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM PUBLIC;",
            f"REVOKE ALL ON FUNCTION {s}.cchc_add_kind(text) FROM PUBLIC;",
            f"GRANT USAGE ON SCHEMA {s} TO {w}, {r};",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {w}, {r};",
            f"GRANT INSERT ON {s}.cchc_journal TO {w};",
            f"GRANT INSERT, UPDATE, DELETE ON {s}.cchc_documents TO {w};",
            f"GRANT EXECUTE ON FUNCTION {s}.cchc_add_kind(text) TO {w};",
            # Views made later (by cchc_add_kind, as the owner) are readable at once.
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT SELECT ON TABLES "
            f"TO {w}, {r};",
        ]
    )
