"""``make bench``: every DESIGN §6 operation against its floor and its peers, in one run.

Each row prints our median, the floor's median, the ratio, the budget, and the peers'
medians. The floor is the least work that could possibly do the same job (one json.dump,
one json.load, one SQLite commit…); the ratio is what the budget bounds. Peers show
where a province would be with naive TinyDB or SQLite.

    python -m benchmarks.run                 # the full province: 50,000 tasks
    python -m benchmarks.run --scale 0.02    # a quick look (what make test runs)
    python -m benchmarks.run --curve         # and at 5,000 and 200,000 tasks (make bench)
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
from tinydb import Query, TinyDB

import cchc_tasks as ct
from cchc_tasks._codec import unstructure

from .growth import growth_table
from .memory import peak_rss
from .scenario import FIRST_YEAR, Sizes, build, classify_rows, tasks
from .table import fmt, markdown_table
from .user_day import DayRow, user_day_rows_apart

Timer = Callable[[], float]


@attrs.define
class Row:
    operation: str
    ours: float
    floor: float | None
    budget: str
    peers: dict[str, float] = attrs.field(factory=dict)
    limit: float | None = None  # the ratio the budget allows
    absolute: float | None = None  # an absolute bound in seconds, if any

    @property
    def ratio(self) -> float | None:
        return None if not self.floor else self.ours / self.floor

    @property
    def within(self) -> bool:
        ok = True
        if self.limit is not None and self.ratio is not None:
            ok = ok and self.ratio <= self.limit
        if self.absolute is not None:
            ok = ok and self.ours <= self.absolute
        return ok


def median(fn: Callable[[], Any], rounds: int, setup: Callable[[], Any] | None = None) -> float:
    """Median wall time of ``fn`` over ``rounds`` (``setup`` runs untimed before each)."""
    times = []
    for _ in range(rounds):
        if setup is not None:
            setup()
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class Bench:
    def __init__(self, sizes: Sizes, rounds: int, folder: Path) -> None:
        self.sizes = sizes
        self.rounds = rounds
        self.folder = folder
        self.rows: list[Row] = []

    # -- the scenario ---------------------------------------------------------------------

    def prepare(self) -> None:
        """Build the structure once; keep the task list for the load rows."""
        self.base = self.folder / "base"
        with ct.Tracker.open(self.base, load_entrypoints=False) as tr:
            self.unit_ids, self.people = build(tr, self.sizes, with_tasks=False)
        self.task_list = list(tasks(self.sizes, self.unit_ids, self.people))
        self.records = [unstructure(t) for t in self.task_list]

    def _fresh_store(self, name: str) -> Path:
        target = self.folder / name
        subprocess.run(["rm", "-rf", str(target)], check=True)
        subprocess.run(["cp", "-r", str(self.base), str(target)], check=True)
        return target

    # -- rows -----------------------------------------------------------------------------

    def load(self) -> Path:
        n = len(self.task_list)
        holder: dict[str, ct.Tracker] = {}
        path = self.folder / "load"

        def setup() -> None:
            if "tr" in holder:
                holder["tr"].close()
            holder["tr"] = ct.Tracker.open(self._fresh_store("load"), load_entrypoints=False)

        def ours() -> None:
            tr = holder["tr"]
            with tr.batch(actor="bench", note="load"):
                for task in self.task_list:
                    tr.add_task(task)

        t_ours = median(ours, max(1, self.rounds // 2), setup)
        holder["tr"].close()
        floor_file = self.folder / "floor.json"

        def floor() -> None:
            with open(floor_file, "w", encoding="utf-8") as f:
                json.dump(self.records, f)

        self.rows.append(
            Row(
                f"load {n:,} tasks in one batch",
                t_ours,
                median(floor, self.rounds),
                "≤ 2× json.dump",
                limit=2.0,
            )
        )
        return path

    def open_store(self, path: Path) -> None:
        snapshot = path / "state.json"
        size = os.path.getsize(snapshot) + os.path.getsize(path / "journal.jsonl")
        copy = self.folder / "same-size.json"
        with open(snapshot, "rb") as src, open(copy, "wb") as dst:
            dst.write(src.read())

        def ours() -> None:
            ct.Tracker.open(path, load_entrypoints=False).close()

        def floor() -> None:
            with open(copy, encoding="utf-8") as f:
                json.load(f)

        self.rows.append(
            Row(
                f"open the store ({size / 1e6:.0f} MB on disk)",
                median(ours, self.rounds),
                median(floor, self.rounds),
                "≤ 3× json.load",
                limit=3.0,
            )
        )

    def update_and_query(self, path: Path, label: str = "") -> None:
        tr = ct.Tracker.open(path, load_entrypoints=False)
        open_ids = [t.id for t in tr.tasks(status="open")][:200] or [self.task_list[0].id]
        counter = iter(range(10**9))

        def ours_update() -> None:
            i = next(counter)
            tid = open_ids[i % len(open_ids)]
            tr.update_task(tid, quality_note=f"kiểm tra lần {i}", actor="bench")

        t_update = median(ours_update, self.rounds * 4)
        unit = self.unit_ids[len(self.unit_ids) // 2]

        def ours_query() -> None:
            tr.tasks(unit=unit, status="open")

        t_query = median(ours_query, self.rounds * 20)
        tr.close()
        db = self.folder / "peer.sqlite"
        sqlite_update, sqlite_query = self._sqlite(db, unit)
        peers_update = {"SQLite": sqlite_update}
        peers_query = {"SQLite": sqlite_query}
        n = len(self.task_list)
        if n <= 60_000:
            naive_update, naive_query = self._naive_tinydb(unit)
            peers_update["naive TinyDB"] = naive_update
            peers_query["naive TinyDB"] = naive_query
        self.rows.append(
            Row(
                f"one durable task update at {n:,} tasks{label}",
                t_update,
                sqlite_update,
                "≤ 2× SQLite commit",
                peers_update,
                limit=2.0,
            )
        )
        self.rows.append(
            Row(
                f"open tasks of one unit at {n:,} tasks{label}",
                t_query,
                sqlite_query,
                "≤ 1 ms, ≤ SQLite",
                peers_query,
                limit=1.0,
                absolute=1e-3,
            )
        )

    def _sqlite(self, path: Path, unit: str) -> tuple[float, float]:
        if path.exists():
            path.unlink()
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute(
            "CREATE TABLE tasks (id TEXT PRIMARY KEY, unit TEXT, status TEXT, due TEXT, doc TEXT)"
        )
        con.execute("CREATE INDEX tasks_unit_status ON tasks (unit, status)")
        con.execute("BEGIN")
        con.executemany(
            "INSERT INTO tasks VALUES (?, ?, ?, ?, ?)",
            [(r["id"], r["unit"], r["status"], r["due"], json.dumps(r)) for r in self.records],
        )
        con.execute("COMMIT")
        ids = [r["id"] for r in self.records if r["status"] == "open"][:200]
        counter = iter(range(10**9))

        def update() -> None:
            i = next(counter)
            con.execute("BEGIN")
            con.execute("UPDATE tasks SET doc = ? WHERE id = ?", (f"note {i}", ids[i % len(ids)]))
            con.execute("COMMIT")

        def query() -> None:
            rows = con.execute(
                "SELECT doc FROM tasks WHERE unit = ? AND status = 'open'", (unit,)
            ).fetchall()
            [json.loads(r[0]) for r in rows]

        result = median(update, self.rounds * 4), median(query, self.rounds * 20)
        con.close()
        return result

    def _naive_tinydb(self, unit: str) -> tuple[float, float]:
        path = self.folder / "naive-tinydb.json"
        if path.exists():
            path.unlink()
        with TinyDB(path, encoding="utf-8") as db:
            db.table("tasks").insert_multiple(self.records)
        db = TinyDB(path, encoding="utf-8")
        table = db.table("tasks", cache_size=0)
        q = Query()

        def update() -> None:
            table.update({"quality_note": "kiểm tra"}, doc_ids=[1])

        def query() -> None:
            table.search((q.unit == unit) & (q.status == "open"))

        result = median(update, 3), median(query, 3)
        db.close()
        return result

    def evaluate(self, path: Path) -> None:
        tr = ct.Tracker.open(path, load_entrypoints=False)
        year = FIRST_YEAR + 2
        as_of = dt.date(year, 12, 31)

        def ours() -> None:
            tr.evaluate(year, as_of=as_of)

        t_ours = median(ours, self.rounds)
        docs = [r for r in self.records if r["due"].startswith(str(year))]

        def floor() -> None:
            classify_rows(docs, as_of)

        tr.close()
        self.rows.append(
            Row(
                f"evaluate one year for {len(self.unit_ids)} units ({len(docs):,} tasks)",
                t_ours,
                median(floor, self.rounds),
                "≤ 3× plain loop",
                limit=3.0,
            )
        )

    def imports(self) -> None:
        def run(code: str) -> float:
            times = []
            for _ in range(max(3, self.rounds)):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", code], check=True)
                times.append(time.perf_counter() - start)
            return statistics.median(times)

        empty = run("pass")
        ours = run("import cchc_tasks") - empty
        floor = run("import attrs, pluggy, tinydb, dateutil.rrule") - empty
        self.rows.append(
            Row(
                "import cchc_tasks (fresh interpreter)",
                ours,
                floor,
                "≤ 1.3× its dependencies",
                limit=1.3,
            )
        )
        # Names load on first use (PEP 562): show what the first tracker costs too.
        first_use = run("import cchc_tasks as ct; ct.Tracker.memory(load_entrypoints=False)")
        self.rows.append(
            Row("import + first Tracker.memory() (no budget)", first_use - empty, floor, "reported")
        )

    def memory(self, path: Path) -> str:
        code = (
            f"import cchc_tasks as ct\ntr = ct.Tracker.open({str(path)!r}, load_entrypoints=False)"
        )
        return f"{peak_rss(code) / 1e6:.0f} MB peak RSS with the store open"

    def report(self, notes: Sequence[str]) -> str:
        header = ["operation", "ours", "floor", "ratio", "budget", "ok", "peers"]
        lines = []
        for r in self.rows:
            peers = ", ".join(f"{k} {fmt(v)}" for k, v in r.peers.items())
            ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
            lines.append(
                [
                    r.operation,
                    fmt(r.ours),
                    fmt(r.floor),
                    ratio,
                    r.budget,
                    "yes" if r.within else "NO",
                    peers,
                ]
            )
        return "\n".join([*markdown_table(header, lines), "", *notes])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}"
        f" ({cpu}, {os.cpu_count()} cores)"
    )


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply the numbers of tasks and people (1 = the province)",
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--no-day",
        action="store_true",
        help="leave out the user-shaped scenario (a province's day, plugins enabled)",
    )
    parser.add_argument(
        "--curve",
        action="store_true",
        help="also the update and query rows and the day at a tenth and four times the "
        "tasks (5,000 and 200,000 for the province), and whether the day's rows grow "
        "faster than the data",
    )
    return parser.parse_args(argv)


def curve_tasks(main_tasks: int) -> list[int]:
    """The curve's other numbers of tasks: a tenth and four times the main size (5,000
    and 200,000 for the province's 50,000)."""
    return [n for n in (max(50, main_tasks // 10), main_tasks * 4) if n != main_tasks]


def day_rows(
    sizes: Sizes, rounds: int, folder: Path, *, curve: bool
) -> tuple[dict[int, list[DayRow]], list[str]]:
    """The day's rows by number of tasks: at ``sizes``, and with ``curve`` at the curve's
    sizes too, each in an interpreter of its own. The province stays the same (its units,
    people and plans): only its tasks grow, so what grows is the data."""
    by_size: dict[int, list[DayRow]] = {}
    notes: list[str] = []
    others: list[str] = []
    for n in sorted({sizes.tasks, *(curve_tasks(sizes.tasks) if curve else ())}):
        start = time.perf_counter()
        rows, found = user_day_rows_apart(attrs.evolve(sizes, tasks=n), rounds, folder / f"day-{n}")
        took = f"the day at {n:,} tasks took {time.perf_counter() - start:.0f} s to run"
        shutil.rmtree(folder / f"day-{n}")  # a 200,000-task day leaves hundreds of MB
        by_size[n] = rows
        if n == sizes.tasks:
            notes += [*found, took]
        else:
            others += [f"at {n:,} tasks: {note}" for note in found if "not installed" not in note]
            others.append(took)
    return by_size, notes + others


def day_report_rows(rows: Sequence[DayRow], label: str, *, budgeted: bool = True) -> list[Row]:
    """The day's rows for the report; ``budgeted=False`` (the curve's other sizes) shows
    them without holding them to the budgets, which are set for the province's size:
    the curve is judged by how the rows grow (:func:`growth_table`)."""
    return [
        Row(
            f"{label}: {r.operation}",
            r.ours,
            r.floor,
            r.budget if budgeted else f"reported (budget at the main size: {r.budget})",
            limit=r.limit if budgeted else None,
        )
        for r in rows
    ]


def update_and_query_curve(sizes: Sizes, folder: Path) -> list[Row]:
    """The update and query rows at the curve's sizes (3 rounds each)."""
    rows: list[Row] = []
    for n in curve_tasks(sizes.tasks):
        curve = Bench(attrs.evolve(sizes, tasks=n), 3, folder / f"c{n}")
        curve.folder.mkdir()
        curve.prepare()
        curve_path = curve.load()
        curve.update_and_query(curve_path)
        rows += [r for r in curve.rows if not r.operation.startswith("load")]
    return rows


def passed(rows: Sequence[Row], faster: Sequence[str]) -> bool:
    """Every row within its budget (the day's at the main size, the update and query
    rows at every size) and no day's row growing faster than the data."""
    return all(r.within for r in rows) and not faster


def main(argv: Sequence[str] | None = None) -> int:
    """Run every row and print the report; 1 if a row is over its budget or a day's row
    grows faster than the data, else 0."""
    args = arguments(argv)
    full = Sizes()
    sizes = Sizes(
        tasks=max(50, int(full.tasks * args.scale)),
        people=max(20, int(full.people * min(1.0, args.scale * 5))),
    )
    notes = [machine()]
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as folder:
        bench = Bench(sizes, args.rounds, Path(folder))
        bench.prepare()
        path = bench.load()
        bench.open_store(path)
        bench.update_and_query(path)
        bench.evaluate(path)
        from .postgres import postgres_rows

        pg_rows, pg_note = postgres_rows(path, args.rounds, len(bench.task_list))
        bench.rows += pg_rows
        notes.append(pg_note)
        bench.imports()
        notes.append(bench.memory(path))
        day: dict[int, list[DayRow]] = {}
        if not args.no_day:
            day, day_notes = day_rows(sizes, args.rounds, Path(folder), curve=args.curve)
            notes += day_notes
            bench.rows += day_report_rows(day[sizes.tasks], "day")
        if args.curve:
            bench.rows += update_and_query_curve(sizes, Path(folder))
        for n, rows in day.items():
            if n != sizes.tasks:
                bench.rows += day_report_rows(rows, f"day at {n:,} tasks", budgeted=False)
        faster: list[str] = []
        if len(day) > 1:
            lines, faster = growth_table(day)
            notes += ["", "The day at each size, and whether its rows grow faster than the data:"]
            notes += ["", *lines]
        print(bench.report(notes))
        return 0 if passed(bench.rows, faster) else 1


if __name__ == "__main__":
    raise SystemExit(main())
