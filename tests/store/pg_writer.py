"""A writer process for the PostgreSQL fault tests: ``python -m tests.store.pg_writer
URL NAME COUNT [kill]``.

It adds COUNT tasks of its own (``NAME-0``…), one call each, then tries to add the task
``dup`` that every writer tries; it prints ``{"dup": true}`` if its ``dup`` was the one
recorded. With ``kill`` it adds COUNT tasks inside one batch, prints ``ready`` and goes
on adding until it is killed. With ``commit`` it adds COUNT tasks in one batch and
prints ``committing`` as the batch's commit begins.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import cchc_tasks as ct


def task(id: str) -> ct.Task:
    return ct.Task(
        id=id, plan="kh-2025", title=f"Nhiệm vụ {id}", unit="huyen", due=dt.date(2025, 6, 30)
    )


def main(url: str, name: str, count: int, mode: str = "") -> None:
    tr = ct.Tracker.open(url, load_entrypoints=False)
    if mode == "commit":
        with tr.batch(note="a large batch"):
            for i in range(count):
                tr.add_task(task(f"{name}-{i}"))
            print("committing", flush=True)
        print("committed", flush=True)
        return
    if mode == "kill":
        with tr.batch(note="a batch that never ends"):
            for i in range(count):
                tr.add_task(task(f"{name}-{i}"))
            print("ready", flush=True)
            i = count
            while True:
                tr.add_task(task(f"{name}-{i}"))
                i += 1
    for i in range(count):
        tr.add_task(task(f"{name}-{i}"), actor=name)
    try:
        tr.add_task(task("dup"), actor=name)
    except ct.DuplicateIdError:
        print(json.dumps({"dup": False}))
    else:
        print(json.dumps({"dup": True}))
    tr.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:])
