"""The web application over the Tân Hồng example, with fixed clocks, and its staff."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

import cchc_tasks as ct
from cchc_tasks.accounts import Account, Role, hash_password

pytest.importorskip("starlette")
import httpx

from cchc_tasks.web import Limits, create_app

TODAY = dt.date(2025, 5, 20)
PASSWORD = "mat-khau-du-dai"
UNIT = "tu-phap"
OTHER_UNIT = "noi-vu"


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def seed_staff(tr: ct.Tracker) -> None:
    hashed = hash_password(PASSWORD, n=16)
    tr.add_account(Account("xem", "Người xem", Role.VIEWER, hashed))
    tr.add_account(Account("sua", "Cán bộ Tư pháp", Role.EDITOR, hashed, units=[UNIT]))
    tr.add_account(Account("qt", "Quản trị", Role.ADMIN, hashed))


@pytest.fixture
def tracker() -> ct.Tracker:
    tr = ct.Tracker.memory(load_entrypoints=False)
    ct.examples.tan_hong(tr)
    seed_staff(tr)
    return tr


@pytest.fixture
def clock() -> Clock:
    return Clock()


class Client:
    """A synchronous face on httpx's client of the ASGI app (one event loop per client):
    the requests go through the application in this process, no socket is opened."""

    def __init__(self, app: Any) -> None:
        self.loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))
        self.http = httpx.AsyncClient(transport=transport, base_url="http://testserver")

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.http.get(url, **kwargs))

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.http.post(url, **kwargs))

    @property
    def cookies(self) -> httpx.Cookies:
        return self.http.cookies

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.run_until_complete(self.http.aclose())
        self.loop.close()


def make_client(tracker: ct.Tracker, clock: Clock, **limits: Any) -> Client:
    app = create_app(
        tracker,
        limits=Limits(**limits),
        today=lambda: TODAY,
        clock=lambda: 1_750_000_000.0 + clock.now,
        monotonic=clock,
    )
    return Client(app)


@pytest.fixture
def client(tracker: ct.Tracker, clock: Clock) -> Iterator[Client]:
    with make_client(tracker, clock) as c:
        yield c


def issue(tracker: ct.Tracker, count: int = 1, **kwargs: Any) -> list[str]:
    options = {"issued": dt.date(2025, 5, 1), "expires": dt.date(2025, 6, 30), **kwargs}
    return tracker.issue_survey_codes(UNIT, "Chứng thực bản sao", count, **options)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found[1]


def answers(**overrides: str) -> dict[str, str]:
    form = {
        "kind": "citizen",
        "a-access": "5",
        "a-procedure": "4",
        "a-civil-servants": "5",
        "a-results": "4",
        "a-feedback": "",
        "comment": "",
    }
    form.update(overrides)
    return form


def log_in(client: Client, login: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    return client.post(
        "/login", data={"csrf": csrf_of(page.text), "login": login, "password": password}
    )


def answered(tracker: ct.Tracker) -> int:
    """How many responses came through survey codes."""
    return sum(1 for r in tracker.survey_responses() if r.id.startswith("code:"))
