"""Security of the web application: CSRF, forged cookies, XSS, roles, brute force,
request sizes, headers; and that nothing of a refused request reaches the journal."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.web.security import CONTENT_SECURITY_POLICY, RateLimiter, Signer

from .conftest import OTHER_UNIT, UNIT, Clock, answers, csrf_of, issue, log_in, make_client

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_every_response_carries_the_security_headers(client, tracker) -> None:
    [code] = issue(tracker)
    for url in ("/", "/healthz", "/login", f"/s/{code}", "/nowhere"):
        headers = client.get(url).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "script-src" not in CONTENT_SECURITY_POLICY  # default-src 'none': no script
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_survey_without_its_csrf_token_is_refused(client, tracker, token) -> None:
    [code] = issue(tracker)
    client.get(f"/s/{code}")
    seq = tracker.seq
    form = answers() if token is None else {**answers(), "csrf": token}
    assert client.post(f"/s/{code}", data=form).status_code == 403
    assert tracker.seq == seq and tracker.survey_code(code).used_on is None


def test_the_token_of_one_code_does_not_answer_another(client, tracker) -> None:
    first, second = issue(tracker, 2)
    token = csrf_of(client.get(f"/s/{first}").text)
    seq = tracker.seq
    assert client.post(f"/s/{second}", data={**answers(), "csrf": token}).status_code == 403
    assert tracker.seq == seq


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_staff_form_without_its_csrf_token_is_refused(client, tracker, token) -> None:
    log_in(client, "qt")
    task = next(t.id for t in tracker.overdue(dt.date(2025, 5, 20), unit=UNIT))
    seq = tracker.seq
    data = {} if token is None else {"csrf": token}
    assert client.post(f"/tasks/{task}/complete", data=data).status_code == 403
    assert tracker.seq == seq


def test_the_login_form_needs_its_token(client) -> None:
    client.get("/login")
    response = client.post("/login", data={"login": "qt", "password": "mat-khau-du-dai"})
    assert response.status_code == 403
    assert "cchc_session" not in client.cookies


def test_a_viewer_cannot_write(client, tracker) -> None:
    log_in(client, "xem")
    token = csrf_of(client.get("/dashboard").text)
    task = next(t.id for t in tracker.overdue(dt.date(2025, 5, 20), unit=UNIT))
    seq = tracker.seq
    response = client.post(f"/tasks/{task}/complete", data={"csrf": token})
    assert response.status_code == 403 and "Không được phép" in response.text
    assert tracker.seq == seq and tracker.task(task).status is ct.TaskStatus.OPEN


def test_an_editor_cannot_write_for_another_unit(client, tracker) -> None:
    log_in(client, "sua")
    token = csrf_of(client.get("/dashboard").text)
    task = next(t.id for t in tracker.overdue(dt.date(2025, 5, 20), unit=OTHER_UNIT))
    seq = tracker.seq
    assert client.post(f"/tasks/{task}/complete", data={"csrf": token}).status_code == 403
    assert tracker.seq == seq


def test_a_forged_or_altered_session_cookie_is_no_session(client) -> None:
    log_in(client, "xem")
    good = client.cookies["cchc_session"]
    payload, mac = good.split(".")
    forged = Signer().sign({"u": "qt", "n": "x"}, 1_750_001_000.0)
    for value in (forged, payload + ".AAAA", "garbage", payload[:-2] + "." + mac):
        client.cookies.set("cchc_session", value)
        assert client.get("/dashboard").status_code == 303


def test_xss_in_comments_and_task_titles_renders_as_text(client, tracker) -> None:
    [code] = issue(tracker)
    form = {**answers(comment=XSS), "csrf": csrf_of(client.get(f"/s/{code}").text)}
    assert client.post(f"/s/{code}", data=form).status_code == 303
    task = next(t for t in tracker.overdue(dt.date(2025, 5, 20), unit=UNIT))
    tracker.update_task(task.id, title=XSS)
    log_in(client, "qt")
    page = client.get("/dashboard").text
    assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_brute_force_logins_are_slowed(tracker) -> None:
    clock = Clock()
    with make_client(tracker, clock, login_failures=3) as client:
        statuses = [log_in(client, "qt", f"doan-mat-khau-{i}").status_code for i in range(4)]
        assert statuses == [401, 401, 401, 429]
        # Even the right password waits until the window has passed.
        blocked = log_in(client, "qt")
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        clock.now += 901
        assert log_in(client, "qt").status_code == 303


def test_an_oversized_body_is_refused_before_it_is_read(client, tracker) -> None:
    [code] = issue(tracker)
    token = csrf_of(client.get(f"/s/{code}").text)
    seq = tracker.seq
    big = {**answers(comment="x" * 20_000), "csrf": token}
    assert client.post(f"/s/{code}", data=big).status_code == 413
    assert tracker.seq == seq


def test_a_body_that_is_not_a_form_is_refused(client, tracker) -> None:
    [code] = issue(tracker)
    seq = tracker.seq
    response = client.post(
        f"/s/{code}", content=b'{"a-access": 5}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert tracker.seq == seq


@settings(max_examples=40)
@given(
    limit=st.integers(min_value=1, max_value=5),
    steps=st.lists(st.floats(min_value=0, max_value=30, allow_nan=False), max_size=40),
)
def test_a_rate_limiter_never_lets_more_than_its_limit_through_a_window(
    limit: int, steps: list[float]
) -> None:
    now = [0.0]
    limiter = RateLimiter(limit, 60.0, clock=lambda: now[0])
    allowed: list[float] = []
    for step in steps:
        now[0] += step
        if limiter.hit("addr") == 0:
            allowed.append(now[0])
    for i, start in enumerate(allowed):
        assert sum(1 for t in allowed[i:] if t < start + 60.0) <= limit


@given(st.text(max_size=80))
def test_a_signed_value_cannot_be_altered(text: str) -> None:
    signer = Signer(b"k" * 32)
    token = signer.sign({"u": text}, 100.0)
    assert signer.unsign(token, 60, 120.0) == {"u": text, "iat": 100}
    assert signer.unsign(token, 60, 200.0) is None  # expired
    assert Signer(b"j" * 32).unsign(token, 60, 120.0) is None  # another secret
    payload, mac = token.split(".")
    assert signer.unsign(payload + "." + mac[::-1], 60, 120.0) in (None, {"u": text, "iat": 100})
