"""The staff pages over HTTP: sign in, the dashboard, explanations, one write."""

from __future__ import annotations

import cchc_tasks as ct

from .conftest import PASSWORD, TODAY, UNIT, answers, csrf_of, issue, log_in


def test_the_dashboard_needs_a_login(client) -> None:
    response = client.get("/dashboard")
    assert (response.status_code, response.headers["location"]) == (303, "/login")


def test_a_login_sets_a_signed_httponly_samesite_session(client) -> None:
    response = log_in(client, "xem")
    assert (response.status_code, response.headers["location"]) == (303, "/dashboard")
    cookie = next(c for c in response.headers.get_list("set-cookie") if "cchc_session=" in c)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert PASSWORD not in cookie


def test_a_wrong_password_is_refused(client) -> None:
    response = log_in(client, "xem", "sai-mat-khau-roi")
    assert response.status_code == 401 and "Sai tên đăng nhập" in response.text
    assert client.get("/dashboard").status_code == 303


def answer(client, code: str) -> None:
    form = {**answers(), "csrf": csrf_of(client.get(f"/s/{code}").text)}
    assert client.post(f"/s/{code}", data=form).status_code == 303


def test_the_dashboard_shows_the_year_as_it_stands(client, tracker) -> None:
    [code] = issue(tracker)
    answer(client, code)
    log_in(client, "xem")
    page = client.get("/dashboard")
    assert page.status_code == 200
    text = page.text
    assert "Bảng theo dõi CCHC năm 2025" in text and "20/05/2025" in text
    overdue = tracker.overdue(TODAY)
    assert overdue and overdue[0].title in text
    head = tracker.heads(overdue[0].unit, TODAY)[0]
    assert head.name in text
    evaluation = tracker.evaluate(2025, as_of=TODAY)
    for person in evaluation.leaders:
        assert f"/heads/{person}?year=2025" in text
    assert "<svg" in text and "Chưa đủ tin cậy" in text
    # A viewer is offered no write.
    assert "/complete" not in text


def test_sipas_rises_with_each_answer(client, tracker) -> None:
    log_in(client, "xem")

    def row_of_unit() -> str:
        text = client.get("/dashboard").text.split("<h2>Nhiệm vụ quá hạn")[0]
        name = tracker.unit(UNIT).name
        rows = [r for r in text.split("<tr>") if f'<td>{name}</td><td class="num">' in r]
        return rows[0] if rows else ""

    assert row_of_unit() == ""
    codes = issue(tracker, 2)
    for n, code in enumerate(codes, start=1):
        answer(client, code)
        assert f'<td class="num">{n}</td><td class="num">100,0</td>' in row_of_unit()


def test_a_heads_explanation_is_one_click_away(client, tracker) -> None:
    log_in(client, "xem")
    person = next(iter(tracker.evaluate(2025, as_of=TODAY).leaders))
    page = client.get(f"/heads/{person}?year=2025")
    assert page.status_code == 200
    assert tracker.person(person).name in page.text and "xếp loại cuối cùng" in page.text
    assert client.get("/heads/khong-co?year=2025").status_code == 404


def open_task_of(tracker: ct.Tracker, unit: str) -> str:
    return next(t.id for t in tracker.overdue(TODAY, unit=unit))


def test_an_editor_completes_a_task_of_their_unit(client, tracker) -> None:
    log_in(client, "sua")
    page = client.get("/dashboard")
    task = open_task_of(tracker, UNIT)
    assert f"/tasks/{task}/complete" in page.text
    response = client.post(f"/tasks/{task}/complete", data={"csrf": csrf_of(page.text)})
    assert response.status_code == 303
    assert tracker.task(task).status is ct.TaskStatus.DONE
    assert list(tracker.entries())[-1].actor == "staff:sua"


def test_logging_out_needs_the_token_and_ends_the_session(client) -> None:
    log_in(client, "xem")
    page = client.get("/dashboard")
    assert client.post("/logout", data={"csrf": "x"}).status_code == 403
    assert client.post("/logout", data={"csrf": csrf_of(page.text)}).status_code == 303
    assert client.get("/dashboard").status_code == 303


def test_english_on_request(client) -> None:
    log_in(client, "qt")
    assert "CCHC dashboard, 2025" in client.get("/dashboard?lang=en").text
