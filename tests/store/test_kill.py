"""No acknowledged write is ever lost, whatever moment the writer is killed (DESIGN.md §7).

A child process (a small script run with ``sys.executable``) opens the store and writes
in a loop: it adds a task, and every few tasks completes an earlier one or writes a
snapshot, printing each acknowledged write (after the call returned) in one ``write``
to its stdout pipe, which a kill cannot cut. The
parent kills it with SIGKILL and then opens the store as the next user would: the store
opens (a torn last line is dropped with a warning), ``verify()`` passes, the temporary
files of an interrupted snapshot are gone, and every acknowledged write is there.

The kills land:

* at random moments (a seeded random number of acknowledgements, plus a random pause of
  up to a few milliseconds), while the child adds, completes, or writes a snapshot
  (``snapshot_min_bytes`` is tiny, so automatic snapshots are frequent too);
* during start-up and opening (a random delay after the child starts);
* at three chosen points, where the child stops and waits to be killed: halfway
  through writing a journal line, halfway through writing a snapshot, and after the
  snapshot's temporary file is complete but before it replaces the old one.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import attrs

import cchc_tasks as ct

CHILD = r"""
import datetime as dt, json, os, sys, time
import cchc_tasks as ct
import cchc_tasks.store as store_module
import cchc_tasks.store.snapshot as snapshot_module

folder, pause, pause_after = sys.argv[1], sys.argv[2], int(sys.argv[3])


def say(text):
    # One line in one write, never cut by the kill (print may write word by word).
    os.write(1, (text + "\n").encode())


def hold(*args, **kwargs):
    say("PAUSED")
    time.sleep(120)


def install_pause():
    if pause == "mid-line":
        def half_a_line(fd, *parts):
            line = b"".join(parts)
            os.write(fd, line[: len(line) // 2])
            hold()
        store_module.append_durably = half_a_line
    elif pause == "mid-snapshot":
        def half_a_snapshot(f, data):
            f.write(data[: len(data) // 2])
            f.flush()
            hold()
        snapshot_module._write_all = half_a_snapshot
    elif pause == "before-replace":
        os.replace = hold


say("STARTED")
tr = ct.Tracker.open(folder, load_entrypoints=False, snapshot_min_bytes=2048)
n = len(tr.tasks())
writes = 0
while True:
    if writes >= pause_after >= 0:
        install_pause()
        pause_after = -1
    tid = f"t{n:05d}"
    tr.add_task(ct.Task(id=tid, plan="kh", title=f"Nhiệm vụ {tid}", unit="huyen",
                        due=dt.date(2024, 6, 30)))
    say(f"added {tid}")
    n += 1
    writes += 1
    if n % 4 == 0:
        done = f"t{n - 3:05d}"
        tr.complete_task(done, on=dt.date(2024, 6, 1))
        say(f"done {done}")
        writes += 1
    if n % 7 == 0 and pause in ("none", "mid-snapshot", "before-replace"):
        tr.snapshot()
        writes += 1
"""

RANDOM_KILLS = 36
STARTUP_KILLS = 6
CHOSEN_KILLS = {"mid-line": 3, "mid-snapshot": 3, "before-replace": 3}


@attrs.define
class Outcome:
    """What the parent knows after one kill."""

    added: set[str] = attrs.field(factory=set)
    done: set[str] = attrs.field(factory=set)
    torn_line: bool = False
    temporary_files: int = 0

    def note(self, line: str) -> str:
        """Record one line the child printed; returns its kind."""
        match = re.fullmatch(r"(added|done) (t\d{5})\n|(STARTED|PAUSED)\n", line)
        assert match, f"the child printed {line!r}"
        if match[1] == "added":
            self.added.add(match[2])
        elif match[1] == "done":
            self.done.add(match[2])
        return match[1] or match[3]


def run_and_kill(folder: Path, rng: random.Random, pause: str, startup: bool) -> Outcome:
    """Start the child, kill it, and collect every write it acknowledged."""
    pause_after = rng.randint(1, 12) if pause != "none" else -1
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), pause, str(pause_after)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    # A child that never reaches its pause would keep the test waiting: kill it, and
    # the read below fails with its error output.
    watchdog = threading.Timer(60, child.kill)
    watchdog.start()
    outcome = Outcome()

    def read_line() -> str:
        line = child.stdout.readline().decode()  # type: ignore[union-attr]
        if not line:
            child.wait()
            errors = child.stderr.read().decode()  # type: ignore[union-attr]
            raise AssertionError(f"the child died on its own:\n{errors}")
        return outcome.note(line)

    assert read_line() == "STARTED"
    if startup:
        time.sleep(rng.uniform(0, 0.15))  # while it imports, opens, or starts writing
    elif pause == "none":
        for _ in range(rng.randint(1, 30)):
            read_line()
        time.sleep(rng.uniform(0, 0.004))
    else:
        while read_line() != "PAUSED":
            pass
    child.send_signal(signal.SIGKILL)
    child.wait()
    watchdog.cancel()
    for line in child.stdout.read().decode().splitlines(keepends=True):
        outcome.note(line)
    child.stdout.close()
    child.stderr.close()
    journal = folder / "journal.jsonl"
    outcome.torn_line = journal.exists() and not journal.read_bytes().endswith(b"\n")
    outcome.temporary_files = sum(1 for p in folder.iterdir() if p.name.endswith(".tmp"))
    return outcome


def reopen_and_check(folder: Path, added: set[str], done: set[str]) -> None:
    """The next user opens the store: it verifies and holds every acknowledged write."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a torn line dropped: expected
        tr = ct.Tracker.open(folder, load_entrypoints=False)
    try:
        report = tr.verify()
        assert report.ok, report
        assert [e.seq for e in tr.entries()] == list(range(1, tr.seq + 1))
        ids = {t.id for t in tr.tasks()}
        assert added <= ids, f"lost acknowledged adds: {sorted(added - ids)}"
        not_done = {tid for tid in done if tr.task(tid).status is not ct.TaskStatus.DONE}
        assert not not_done, f"lost acknowledged completions: {sorted(not_done)}"
        assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    finally:
        tr.close()


def test_killed_writers_lose_no_acknowledged_write(tmp_path: Path):
    folder = tmp_path / "store"
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district"))
        tr.add_plan(
            ct.Plan(id="kh", title="Kế hoạch", unit="huyen", start=dt.date(2024, 1, 1),
                    end=dt.date(2024, 12, 31))
        )  # fmt: skip
    rng = random.Random(20250701)
    plan = (
        [("none", False)] * RANDOM_KILLS
        + [("none", True)] * STARTUP_KILLS
        + [(pause, False) for pause, times in CHOSEN_KILLS.items() for _ in range(times)]
    )
    rng.shuffle(plan)
    added: set[str] = set()
    done: set[str] = set()
    seen: dict[str, list[Outcome]] = {pause: [] for pause in CHOSEN_KILLS}
    for pause, startup in plan:
        outcome = run_and_kill(folder, rng, pause, startup)
        added |= outcome.added
        done |= outcome.done
        if pause in seen:
            seen[pause].append(outcome)
        reopen_and_check(folder, added, done)
    assert len(plan) == RANDOM_KILLS + STARTUP_KILLS + sum(CHOSEN_KILLS.values()) == 51
    # The chosen kills hit where they were meant to.
    assert all(o.torn_line for o in seen["mid-line"])
    assert all(o.temporary_files == 1 for o in seen["mid-snapshot"] + seen["before-replace"])
    assert len(added) > 100
