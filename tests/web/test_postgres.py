"""The survey and the dashboard on a PostgreSQL store: the same app, the same journal."""

from __future__ import annotations

import cchc_tasks as ct
from cchc_tasks.survey_codes import code_actor, code_id

from ..postgres_server import pg_database, pg_url
from .conftest import UNIT, Clock, answers, csrf_of, issue, log_in, make_client, seed_staff

__all__ = ["pg_database", "pg_url"]  # the fixtures this module uses


def test_a_citizen_answers_and_staff_see_it_on_a_postgresql_store(pg_url: str) -> None:
    tracker = ct.Tracker.open(pg_url, load_entrypoints=False)
    try:
        ct.examples.tan_hong(tracker)
        seed_staff(tracker)
        [code] = issue(tracker)
        with make_client(tracker, Clock()) as client:
            form = {**answers(), "csrf": csrf_of(client.get(f"/s/{code}").text)}
            assert client.post(f"/s/{code}", data=form).status_code == 303
            assert client.post(f"/s/{code}", data=form).status_code == 410  # once only
            assert log_in(client, "xem").headers["location"] == "/dashboard"
            dashboard = client.get("/dashboard")
            assert dashboard.status_code == 200 and tracker.unit(UNIT).name in dashboard.text
        assert list(tracker.entries())[-1].actor == code_actor(code_id(code))
        assert tracker.verify().ok
    finally:
        tracker.close()
    # Another process (a second server, an analyst) reads the same answer from the server.
    with ct.Tracker.open(pg_url, load_entrypoints=False) as again:
        answered = [r for r in again.survey_responses(unit=UNIT) if r.id.startswith("code:")]
        assert len(answered) == 1
        assert again.survey_code(code).used_on is not None
