"""Faults against a real PostgreSQL server, with real processes: several writers at once,
and a writer killed in the middle of a large batch. (A lost connection and a connection
cut before the commit are in test_postgres.py; the server is not restarted by the tests,
since it may be shared: a restart looks to a client like its connections being
terminated, which those tests do.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import cchc_tasks as ct
from cchc_tasks.plugins import make_plugin_manager
from cchc_tasks.store.postgres import PostgresStore

from .test_contract import seed, task

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
EACH = 25


def writer(url: str, name: str, count: int, *mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store.pg_writer", url, name, str(count), *mode],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def open_pg(url: str) -> ct.Tracker:
    return ct.Tracker(PostgresStore(url), make_plugin_manager((), load_entrypoints=False))


def test_writers_at_once_lose_nothing_and_refuse_a_duplicate_once(pg_url: str) -> None:
    with open_pg(pg_url) as tr:
        seed(tr)
    processes = [writer(pg_url, f"w{n}", EACH) for n in range(WRITERS)]
    outputs = [p.communicate(timeout=300)[0] for p in processes]
    assert [p.returncode for p in processes] == [0] * WRITERS
    recorded = [json.loads(out)["dup"] for out in outputs]
    assert recorded.count(True) == 1
    with open_pg(pg_url) as tr:
        ids = {t.id for t in tr.tasks()}
        assert ids == {f"w{n}-{i}" for n in range(WRITERS) for i in range(EACH)} | {"dup"}
        assert tr.seq == 1 + WRITERS * EACH + 1
        report = tr.verify()
        assert report.ok and report.lines == tr.seq
        actors = [e.actor for e in tr.history("dup")]
        assert len(actors) == 1 and actors[0] in {f"w{n}" for n in range(WRITERS)}


def test_a_writer_killed_mid_batch_leaves_nothing_of_it(pg_url: str) -> None:
    with open_pg(pg_url) as tr:
        seed(tr)
        documents, head = tr.to_documents(), tr.verify().head
    process = writer(pg_url, "k", 2000, "kill")
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    with open_pg(pg_url) as tr:
        assert tr.to_documents() == documents and tr.seq == 1
        report = tr.verify()
        assert report.ok and report.head == head
        tr.add_task(task("after"))  # the killed writer's lock died with its connection
        assert tr.seq == 2 and tr.verify().ok


def test_a_writer_killed_while_committing_a_large_batch_leaves_all_or_nothing(
    pg_url: str,
) -> None:
    with open_pg(pg_url) as tr:
        seed(tr)
    process = writer(pg_url, "c", 5000, "commit")
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "committing"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    with open_pg(pg_url) as tr:
        count = len(list(tr.tasks()))
        assert (count, tr.seq) in {(0, 1), (5000, 2)}
        assert tr.verify().ok
        tr.add_task(task("after"))
        assert tr.verify().ok
