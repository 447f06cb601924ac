"""The questions the office asks every week: ``cchc overdue``, ``cchc due-soon``,
``cchc reminders`` and ``cchc explain``.

People read names: the text output names units and people (the id of a task stays, so
that it can be typed in the next command); ``--format json|csv`` gives ids, for programs.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError
from ..labels import Lang, date_text, t
from ._common import EXIT_OK, FORMATS, Command, about, emit, open_store, parse_date, parse_year
from ._writes import add_lang_option

if TYPE_CHECKING:
    from ..inspections import Reminder
    from ..tasks import Task
    from ..tracker import Tracker

#: The columns of ``overdue`` and ``due-soon`` as JSON and CSV.
_TASK_COLUMNS = ("task", "title", "unit", "due", "days_overdue", "person", "head")
#: The columns of ``reminders`` as JSON and CSV.
_REMINDER_COLUMNS = ("person", "head", "as_of", "overdue", "due_soon", "stale")


def _add_question_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder")
    parser.add_argument(
        "--as-of", type=parse_date, metavar="DATE", help="the day to ask about (default: today)"
    )
    parser.add_argument("--unit", metavar="ID", help="only the tasks this unit leads")
    parser.add_argument(
        "--format",
        choices=("text", *FORMATS[1:]),
        default="text",
        help="text for people, json or csv (with ids) for programs (default: text)",
    )
    add_lang_option(parser)


class _Names:
    """The names of units and people, looked up once each; an id that names nothing (a
    person removed since) is shown as it is."""

    def __init__(self, tr: Tracker, lang: Lang) -> None:
        self._tr = tr
        self._lang = lang
        self._seen: dict[tuple[str, str], str] = {}

    def person(self, id: str | None, missing: str) -> str:
        return self._name("person", id, missing)

    def unit(self, id: str) -> str:
        return self._name("unit", id, id)

    def _name(self, kind: str, id: str | None, missing: str) -> str:
        if id is None:
            return t(missing, self._lang)
        if (kind, id) not in self._seen:
            try:
                found = self._tr.person(id) if kind == "person" else self._tr.unit(id)
                self._seen[kind, id] = found.name
            except NotFoundError:
                self._seen[kind, id] = id
        return self._seen[kind, id]


def _urgers(reminders: Sequence[Reminder]) -> dict[str, tuple[str | None, str | None]]:
    """Each task's responsible person and the head who urges them."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for reminder in reminders:
        for task in reminder.tasks:
            found.setdefault(task, (reminder.person, reminder.head))
    return found


def _rows(tasks: Sequence[Task], reminders: Sequence[Reminder], as_of: dt.date) -> list[Any]:
    """One row per task, with ids (the JSON and CSV output)."""
    urgers = _urgers(reminders)
    return [
        {
            "task": task.id,
            "title": task.title,
            "unit": task.unit,
            "due": task.due.isoformat(),
            "days_overdue": max((as_of - task.due).days, 0),
            "person": urgers.get(task.id, (None, None))[0],
            "head": urgers.get(task.id, (None, None))[1],
        }
        for task in tasks
    ]


def _print_by_unit(rows: Sequence[dict[str, Any]], names: _Names, lang: Lang) -> None:
    """The tasks grouped by the unit that leads them, units by name."""
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_unit.setdefault(row["unit"], []).append(row)
    for unit in sorted(by_unit, key=names.unit):
        print(f"\n{names.unit(unit)}")
        for row in by_unit[unit]:
            line = t(
                "urge.task_line",
                lang,
                title=row["title"],
                id=row["task"],
                due=date_text(dt.date.fromisoformat(row["due"]), lang),
                person=names.person(row["person"], "urge.nobody"),
                head=names.person(row["head"], "urge.no_head"),
            )
            if row["days_overdue"]:
                line += f" ({t('urge.late_by', lang, days=row['days_overdue'])})"
            print(f"  - {line}")


def _answer(
    tr: Tracker,
    args: argparse.Namespace,
    found: tuple[list[Task], list[Reminder]],
    heading: str,
    empty: str,
) -> int:
    """Print the tasks ``found`` (with the reminders that say who answers and who urges) as
    the question's ``--format`` asks: in text, ``heading`` (or ``empty`` when there are
    none), then the tasks by unit."""
    tasks, reminders = found
    rows = _rows(tasks, reminders, args.as_of)
    if args.format != "text":
        emit(args.format, rows, table=_TASK_COLUMNS, empty="")
    elif not rows:
        print(empty)
    else:
        print(heading)
        _print_by_unit(rows, _Names(tr, args.lang), args.lang)
    return EXIT_OK


def _ask(tr: Tracker, args: argparse.Namespace) -> None:
    """Fill in ``--as-of`` and check that ``--unit`` names a unit."""
    if args.as_of is None:
        args.as_of = dt.date.today()
    if args.unit is not None:
        about("--unit", lambda: tr.unit(args.unit))


# --- cchc overdue ---------------------------------------------------------------------------


def _run_overdue(args: argparse.Namespace) -> int:
    with open_store(args.store) as tr:
        _ask(tr, args)
        tasks = tr.overdue(args.as_of, unit=args.unit)
        reminders = tr.reminders(args.as_of, within_days=0, stale_days=None, unit=args.unit)
        day = date_text(args.as_of, args.lang)
        heading = t("urge.overdue_title", args.lang, date=day, count=len(tasks))
        empty = t("urge.none_overdue", args.lang, date=day)
        return _answer(tr, args, (tasks, reminders), heading, empty)


OVERDUE = Command(
    name="overdue",
    summary="the tasks overdue on a day, by unit, with who answers and who urges",
    description="The tasks not done by --as-of whose due date is before it (cancelled "
    "excluded), as the evaluation counts them, grouped by the unit that leads them, each "
    "with the person who answers for it and the head who urges them.",
    examples=(
        "cchc overdue data/tan-hong --as-of 30/06/2025",
        "cchc overdue data/tan-hong --unit an-phuoc --format csv > qua-han.csv",
    ),
    add_options=_add_question_options,
    run=_run_overdue,
)


# --- cchc due-soon --------------------------------------------------------------------------


def _add_due_soon_options(parser: argparse.ArgumentParser) -> None:
    _add_question_options(parser)
    parser.add_argument("--within", type=int, default=7, metavar="DAYS", help="default: 7")
    parser.add_argument(
        "--working-days", action="store_true", help="count DAYS in working days of the calendar"
    )


def _run_due_soon(args: argparse.Namespace) -> int:
    with open_store(args.store) as tr:
        _ask(tr, args)
        within, working = args.within, args.working_days
        tasks = tr.due_soon(args.as_of, within, working_days=working, unit=args.unit)
        reminders = tr.reminders(
            args.as_of, within_days=within, working_days=working, stale_days=None, unit=args.unit
        )
        day = date_text(args.as_of, args.lang)
        heading = t("urge.due_title", args.lang, days=within, date=day, count=len(tasks))
        empty = t("urge.none_due", args.lang, days=within, date=day)
        return _answer(tr, args, (tasks, reminders), heading, empty)


DUE_SOON = Command(
    name="due-soon",
    summary="the tasks that fall due in the next days, by unit",
    description="The tasks not done by --as-of that fall due within --within days of it "
    "(working days with --working-days), grouped by unit, with who answers and who urges.",
    examples=(
        "cchc due-soon data/tan-hong --as-of 02/06/2025 --within 14",
        "cchc due-soon data/tan-hong --within 5 --working-days --format json",
    ),
    add_options=_add_due_soon_options,
    run=_run_due_soon,
)


# --- cchc reminders -------------------------------------------------------------------------


def _add_reminders_options(parser: argparse.ArgumentParser) -> None:
    _add_due_soon_options(parser)
    parser.add_argument(
        "--stale",
        type=int,
        default=30,
        metavar="DAYS",
        help="also tasks without a progress report for DAYS days; 0 leaves them out (default: 30)",
    )


def _reminder_block(tr: Tracker, reminder: Reminder, names: _Names, lang: Lang) -> list[str]:
    """One reminder, ready to send: to whom, who urges, and the tasks under three
    headings."""
    lines = [
        t("urge.dear", lang, person=names.person(reminder.person, "urge.nobody")),
        t("urge.from", lang, head=names.person(reminder.head, "urge.no_head")),
        t("urge.as_of", lang, date=date_text(reminder.as_of, lang)),
    ]
    for key, ids in (
        ("urge.overdue", reminder.overdue),
        ("urge.due_soon", reminder.due_soon),
        ("urge.stale", reminder.stale),
    ):
        if not ids:
            continue
        lines.append(f"  {t(key, lang)}:")
        for id in ids:
            task = tr.task(id)
            due = date_text(task.due, lang)
            lines.append(f"    - {task.title} ({t('col.id', lang).lower()} {id}; {due})")
    return lines


def _run_reminders(args: argparse.Namespace) -> int:
    with open_store(args.store) as tr:
        _ask(tr, args)
        found = tr.reminders(
            args.as_of,
            within_days=args.within,
            working_days=args.working_days,
            stale_days=args.stale or None,
            unit=args.unit,
        )
        if args.format != "text":
            rows = [
                {
                    "person": r.person,
                    "head": r.head,
                    "as_of": r.as_of.isoformat(),
                    "overdue": list(r.overdue),
                    "due_soon": list(r.due_soon),
                    "stale": list(r.stale),
                }
                for r in found
            ]
            emit(args.format, rows, table=_REMINDER_COLUMNS, empty="")
            return EXIT_OK
        if not found:
            print(t("urge.none_reminders", args.lang, date=date_text(args.as_of, args.lang)))
            return EXIT_OK
        names = _Names(tr, args.lang)
        blocks = ["\n".join(_reminder_block(tr, r, names, args.lang)) for r in found]
    print("\n\n".join(blocks))
    return EXIT_OK


REMINDERS = Command(
    name="reminders",
    summary="what each person must act on, one block per person, ready to send",
    description="One block per person (and the head who urges them): their overdue tasks, "
    "those falling due within --within days and those without a progress report for --stale "
    "days, each task once. The person is the task's assignee, or the head of its lead unit.",
    examples=(
        "cchc reminders data/tan-hong --as-of 02/06/2025",
        "cchc reminders data/tan-hong --unit an-phuoc --within 14 --stale 0",
    ),
    add_options=_add_reminders_options,
    run=_run_reminders,
)


# --- cchc explain ---------------------------------------------------------------------------


def _add_explain_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", metavar="STORE", help="store folder")
    parser.add_argument("year", metavar="YEAR", type=parse_year, help="the year evaluated")
    parser.add_argument(
        "person",
        metavar="PERSON",
        help="the person's id or full name as recorded (or the id of a unit or target)",
    )
    parser.add_argument("--as-of", type=parse_date, metavar="DATE", help="evaluate as of this day")
    add_lang_option(parser)


def _person_id(tr: Tracker, given: str) -> str:
    """The id of the person ``given`` names when it is the full name of one person; else
    ``given`` itself (an id of a person, or of a unit or target, which the evaluation
    explains too)."""
    named = [p.id for p in tr.persons() if p.name.casefold() == given.casefold()]
    return named[0] if len(named) == 1 else given


def _run_explain(args: argparse.Namespace) -> int:
    with open_store(args.store) as tr:
        person = _person_id(tr, args.person)
        evaluation = about("YEAR", lambda: tr.evaluate(args.year, as_of=args.as_of))
        print(about("PERSON", lambda: evaluation.explain(person, args.lang)))
    return EXIT_OK


EXPLAIN = Command(
    name="explain",
    summary="why a head of unit got their rating in a year, rule by rule",
    description="Evaluate YEAR and print why PERSON (an id, or a full name that one person "
    "has) was rated as they were: each rule, the article it rests on and the facts it used.",
    examples=(
        "cchc explain data/tan-hong 2024 p-lan",
        "cchc explain data/tan-hong 2024 'Nguyễn Thị Lan' --as-of 31/12/2024",
    ),
    add_options=_add_explain_options,
    run=_run_explain,
)
