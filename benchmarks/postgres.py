"""The PostgreSQL rows of ``make bench``: a durable update against a raw psycopg
``INSERT`` + ``COMMIT`` on the same server, opening (and catching up with) a province's
store, and the throughput of four writer processes at once.

The server is ``CCHC_BENCH_POSTGRES`` (default ``postgresql://127.0.0.1:5432/postgres``);
the rows run in a database of their own, dropped afterwards. Without a server (or
psycopg) the rows are left out and a note says why.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import cchc_tasks as ct
from cchc_tasks._json import dumps, loads
from cchc_tasks.store.copy import copy_store

from .run import Row, median

SERVER = os.environ.get("CCHC_BENCH_POSTGRES", "postgresql://127.0.0.1:5432/postgres")
WRITERS = 4

# A writer process: prints the wall-clock times its commits began and ended.
_WRITER = """
import sys, time, cchc_tasks as ct
url, ids = sys.argv[1], sys.argv[2].split(",")
tr = ct.Tracker.open(url, load_entrypoints=False)
start = time.time()
for i, tid in enumerate(ids):
    tr.update_task(tid, quality_note=f"ghi {i}", actor="bench")
print(start, time.time())
tr.close()
"""


def _url(database: str, schema: str = "public") -> str:
    parts = urllib.parse.urlsplit(SERVER)
    return urllib.parse.urlunsplit(parts._replace(path="/" + database, query=f"schema={schema}"))


@contextmanager
def _database() -> Iterator[str]:
    import psycopg

    name = f"cchc_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(SERVER, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _raw_insert(url: str, rounds: int, doc: dict[str, Any]) -> float:
    """The floor: one psycopg INSERT of a document of the same size, and COMMIT."""
    import psycopg

    text = dumps(doc).decode()
    counter = iter(range(10**9))
    with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
        conn.execute("CREATE TABLE raw_floor (id text PRIMARY KEY, doc json)")

        def insert() -> None:
            with conn.transaction():
                conn.execute("INSERT INTO raw_floor VALUES (%s, %s)", (str(next(counter)), text))

        return median(insert, rounds)


def _update(url: str, rounds: int, n: int) -> tuple[Row, list[str]]:
    tr = ct.Tracker.open(url, load_entrypoints=False)
    open_ids = [t.id for t in tr.tasks(status="open")][:800]
    counter = iter(range(10**9))

    def ours() -> None:
        i = next(counter)
        tr.update_task(open_ids[i % len(open_ids)], quality_note=f"kiểm tra lần {i}", actor="bench")

    t_ours = median(ours, rounds * 4)
    doc = tr.to_documents()["tasks"][0]
    tr.close()
    floor = _raw_insert(url, rounds * 4, doc)
    row = Row(
        f"PostgreSQL: one durable task update at {n:,} tasks",
        t_ours,
        floor,
        "≤ 2× psycopg INSERT + COMMIT",
        limit=2.0,
    )
    return row, open_ids


def _open(url: str, rounds: int, n: int) -> list[Row]:
    import psycopg

    def ours() -> None:
        ct.Tracker.open(url, load_entrypoints=False).close()

    def floor() -> None:
        with psycopg.connect(url.split("?")[0]) as conn:
            rows = conn.execute("SELECT doc::text FROM cchc_documents").fetchall()
            [loads(r[0]) for r in rows]

    reader = ct.Tracker.open(url, load_entrypoints=False)
    writer = ct.Tracker.open(url, load_entrypoints=False)
    ids = [t.id for t in writer.tasks(status="open")][:100]

    def catch_up() -> None:
        reader.refresh()

    def write() -> None:
        for i, tid in enumerate(ids):
            writer.update_task(tid, quality_note=f"bắt kịp {i}", actor="bench")

    t_catch_up = median(catch_up, max(1, rounds // 2), write)
    reader.close()
    writer.close()
    return [
        Row(
            f"PostgreSQL: open a store of {n:,} tasks",
            median(ours, rounds),
            median(floor, rounds),
            "≤ 3× SELECT + json.loads",
            limit=3.0,
        ),
        Row(
            f"PostgreSQL: catch up with {len(ids)} commits of another writer",
            t_catch_up,
            None,
            "reported",
        ),
    ]


def _throughput(url: str, ids: list[str], each: int) -> Row:
    """Commits per second of WRITERS processes at once (``ours`` is the time per commit:
    from the first writer's first commit to the last one's last, over all commits),
    against one process alone (``floor``)."""

    def run(groups: list[list[str]]) -> float:
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _WRITER, url, ",".join(g)], stdout=subprocess.PIPE
            )
            for g in groups
        ]
        spans = []
        for p in procs:
            out, _ = p.communicate()
            if p.returncode != 0:
                raise RuntimeError("a bench writer failed")
            spans.append([float(x) for x in out.split()])
        elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
        return elapsed / sum(len(g) for g in groups)

    alone = run([ids[:each]])
    together = run([g for k in range(WRITERS) if (g := ids[k * each : (k + 1) * each])])
    return Row(
        f"PostgreSQL: {WRITERS} writer processes at once ({1 / together:,.0f} commits/s)",
        together,
        alone,
        "reported (floor: 1 writer)",
    )


def postgres_rows(base: Path, rounds: int, n: int) -> tuple[list[Row], str]:
    """The PostgreSQL rows for the folder store at ``base`` (copied in), and a note."""
    try:
        import psycopg

        psycopg.connect(SERVER, connect_timeout=3).close()
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [], f"PostgreSQL rows left out: no server at {SERVER} ({reason})"
    with _database() as database:
        url = _url(database)
        copy_store(str(base), url)
        update, ids = _update(url, rounds, n)
        rows = [update, *_open(url, rounds, n)]
        each = max(1, min(200, len(ids) // WRITERS))
        rows.append(_throughput(url, ids, each))
    return rows, f"PostgreSQL: {SERVER.split('@')[-1]}"
