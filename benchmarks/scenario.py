"""The "province" scenario of DESIGN §6, built through the public API.

130 units in a tree (a province, its departments, and communes grouped under former
districts), 3,000 people with heads, 10 plans, 50,000 tasks over five years with a
realistic mix of on-time, late, overdue and exceeded work, and five years of indicator
results. Deterministic from a seed; every size is a parameter.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import attrs

import cchc_tasks as ct

FIRST_YEAR = 2021


@attrs.frozen
class Sizes:
    units: int = 130
    people: int = 3000
    plans: int = 10
    tasks: int = 50_000
    years: int = 5


def _unit_tree(sizes: Sizes) -> list[ct.Unit]:
    units = [ct.Unit(id="tinh", name="UBND tỉnh", kind="province")]
    departments = max(1, sizes.units // 6)
    for i in range(departments):
        units.append(ct.Unit(id=f"so-{i:02d}", name=f"Sở {i:02d}", kind="agency", parent="tinh"))
    rest = sizes.units - len(units)
    clusters = max(1, rest // 10)
    for i in range(clusters):
        units.append(
            ct.Unit(id=f"cum-{i:02d}", name=f"Cụm xã {i:02d}", kind="district", parent="tinh")
        )
    i = 0
    while len(units) < sizes.units:
        units.append(
            ct.Unit(
                id=f"xa-{i:03d}",
                name=f"UBND xã {i:03d}",
                kind="commune",
                parent=f"cum-{i % clusters:02d}",
            )
        )
        i += 1
    return units[: sizes.units]


def tasks(
    sizes: Sizes, unit_ids: list[str], person_ids: list[str], seed: int = 1
) -> Iterator[ct.Task]:
    """The tasks, with outcomes drawn from a realistic mix."""
    rng = random.Random(seed)
    fields = list(ct.Field)
    for n in range(sizes.tasks):
        year = FIRST_YEAR + n % sizes.years
        due = dt.date(year, rng.randint(1, 12), rng.choice((10, 15, 20, 28)))
        unit = unit_ids[n % len(unit_ids)]
        task = ct.Task(
            id=f"t{n:06d}",
            plan=f"kh-{n % sizes.plans}",
            title="Thực hiện nhiệm vụ CCHC",
            unit=unit,
            due=due,
            assignee=person_ids[n % len(person_ids)],
            field=fields[n % len(fields)],
            output="Báo cáo",
        )
        draw = rng.random()
        if draw < 0.62:  # on time, a quarter of them exceeded
            task = attrs.evolve(
                task,
                status=ct.TaskStatus.DONE,
                completed_on=due - dt.timedelta(days=rng.randint(0, 20)),
                exceeded=rng.random() < 0.25,
            )
        elif draw < 0.85:  # late
            task = attrs.evolve(
                task,
                status=ct.TaskStatus.DONE,
                completed_on=due + dt.timedelta(days=rng.randint(1, 40)),
            )
        elif draw < 0.87:
            task = attrs.evolve(
                task, status=ct.TaskStatus.CANCELLED, cancel_reason="Điều chỉnh kế hoạch"
            )
        yield task  # the rest stay open: overdue once past due


def build(
    tr: ct.Tracker, sizes: Sizes = Sizes(), seed: int = 1, *, with_tasks: bool = True
) -> tuple[list[str], list[str]]:
    """Fill ``tr``; returns (unit ids, person ids). Tasks are loaded in one batch."""
    units = _unit_tree(sizes)
    rng = random.Random(seed)
    start = dt.date(FIRST_YEAR, 1, 1)
    end = dt.date(FIRST_YEAR + sizes.years + 4, 12, 31)
    with tr.batch(actor="bench", note="structure"):
        for unit in units:
            tr.add_unit(unit)
        people = []
        for n in range(sizes.people):
            unit = units[n % len(units)]
            people.append(
                tr.add_person(ct.Person(id=f"p{n:05d}", name=f"Cán bộ {n:05d}", unit=unit.id)).id
            )
        for n, unit in enumerate(units):
            if n < len(people):
                tr.appoint_head(unit=unit.id, person=people[n], start=start)
        for n in range(sizes.plans):
            tr.add_plan(
                ct.Plan(id=f"kh-{n}", title=f"Kế hoạch {n}", unit="tinh", start=start, end=end)
            )
        tr.add_target(
            ct.Target(
                id="par",
                plan="kh-0",
                unit="tinh",
                indicator=ct.Indicator.PAR_INDEX,
                rule=ct.any_of(ct.growth(5), ct.rank_within(5)),
            )
        )
        for year in range(FIRST_YEAR - 1, FIRST_YEAR + sizes.years):
            for unit in units:
                tr.record_result(
                    ct.Result(
                        indicator=ct.Indicator.PAR_INDEX,
                        unit=unit.id,
                        year=year,
                        value=round(rng.uniform(70, 95), 2),
                    )
                )
    unit_ids = [u.id for u in units]
    if with_tasks:
        with tr.batch(actor="bench", note="tasks"):
            for task in tasks(sizes, unit_ids, people, seed):
                tr.add_task(task)
    return unit_ids, people


def classify_rows(docs: list[dict[str, Any]], as_of: dt.date) -> dict[str, Counter[str]]:
    """The floor of the evaluation rows: a plain loop that counts each unit's tasks (as
    stored documents) on time, late, overdue, pending or cancelled on ``as_of``."""
    counts: dict[str, Counter[str]] = {}
    day = as_of.isoformat()
    for r in docs:
        c = counts.setdefault(r["unit"], Counter())
        if r["status"] == "cancelled":
            c["cancelled"] += 1
        elif r["completed_on"] and r["completed_on"] <= day:
            c["on_time" if r["completed_on"] <= r["due"] else "late"] += 1
        elif r["due"] < day:
            c["overdue"] += 1
        else:
            c["pending"] += 1
    return counts
