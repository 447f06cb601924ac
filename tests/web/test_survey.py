"""The public survey over HTTP: a code opens one questionnaire, once."""

from __future__ import annotations

import cchc_tasks as ct
from cchc_tasks.survey_codes import code_actor, code_id

from .conftest import TODAY, UNIT, Clock, answered, answers, csrf_of, issue, make_client


def test_healthz_answers_ok(client) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


def test_the_start_page_asks_for_the_code_in_vietnamese(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'lang="vi"' in page.text and "Nhập mã khảo sát" in page.text
    assert "Satisfaction survey" in client.get("/?lang=en").text


def test_the_start_page_sends_a_typed_code_to_its_questionnaire(client, tracker) -> None:
    [code] = issue(tracker)
    typed = code.lower().replace("-", " ")
    response = client.get("/", params={"code": typed})
    assert (response.status_code, response.headers["location"]) == (303, f"/s/{code}")


def test_a_code_opens_the_form_of_its_unit_and_service(client, tracker) -> None:
    [code] = issue(tracker)
    page = client.get(f"/s/{code}")
    assert page.status_code == 200
    assert tracker.unit(UNIT).name in page.text and "Chứng thực bản sao" in page.text
    for factor in tracker.config(2025).sipas.factors:
        assert factor.name in page.text
        assert f'name="a-{factor.id}" value="5"' in page.text
    assert "Rất hài lòng" in page.text and "Không ý kiến" in page.text


def test_an_answer_is_journalled_as_a_response_of_the_codes_unit(client, tracker) -> None:
    [code] = issue(tracker)
    form = answers(comment="Cán bộ nhiệt tình", kind="organisation")
    form["csrf"] = csrf_of(client.get(f"/s/{code}").text)
    response = client.post(f"/s/{code}", data=form)
    assert (response.status_code, response.headers["location"]) == (303, "/thanks")
    assert "Cảm ơn" in client.get("/thanks").text
    [stored] = [r for r in tracker.survey_responses(unit=UNIT) if r.id.startswith("code:")]
    assert (stored.date, stored.service, stored.respondent_kind.value) == (
        TODAY,
        "Chứng thực bản sao",
        "organisation",
    )
    assert stored.answers == {
        "access": 5,
        "procedure": 4,
        "civil-servants": 5,
        "results": 4,
        "feedback": None,
    }
    assert tracker.survey_code(code).comment == "Cán bộ nhiệt tình"
    entry = list(tracker.entries())[-1]
    assert entry.actor == code_actor(code_id(code))


def test_a_used_code_is_refused_and_nothing_more_is_journalled(client, tracker) -> None:
    [code] = issue(tracker)
    form = {**answers(), "csrf": csrf_of(client.get(f"/s/{code}").text)}
    assert client.post(f"/s/{code}", data=form).status_code == 303
    seq = tracker.seq
    again = client.post(f"/s/{code}", data=form)
    assert again.status_code == 410 and "đã được sử dụng" in again.text
    assert client.get(f"/s/{code}").status_code == 410
    assert tracker.seq == seq and answered(tracker) == 1


def test_a_forged_or_malformed_code_opens_nothing(client, tracker) -> None:
    seq = tracker.seq
    for code in ("ABCD-EFGH-JKMN-PQRS", "not-a-code", "x" * 500):
        assert client.get(f"/s/{code}").status_code == 404
        assert client.post(f"/s/{code}", data=answers()).status_code == 404
    assert tracker.seq == seq


def test_an_expired_code_is_refused(client, tracker) -> None:
    [code] = issue(tracker, issued=TODAY.replace(month=1), expires=TODAY.replace(month=4))
    page = client.get(f"/s/{code}")
    assert page.status_code == 410 and "hết hạn" in page.text


def test_an_answer_off_the_scale_is_refused_with_the_form_again(client, tracker) -> None:
    [code] = issue(tracker)
    token = csrf_of(client.get(f"/s/{code}").text)
    seq = tracker.seq
    for bad in (
        answers(**{"a-access": "9"}),
        answers(**{"a-access": "năm"}),
        {**answers(), "x": "1"},
    ):
        page = client.post(f"/s/{code}", data={**bad, "csrf": token})
        assert page.status_code == 400
        assert "Phiếu chưa hợp lệ" in page.text
    assert tracker.seq == seq
    assert tracker.survey_code(code).used_on is None


def test_each_address_submits_a_bounded_number_of_times(tracker) -> None:
    clock = Clock()
    codes = issue(tracker, 4)
    with make_client(tracker, clock, survey_posts=2) as client:
        statuses = []
        for code in codes[:3]:
            form = {**answers(), "csrf": csrf_of(client.get(f"/s/{code}").text)}
            statuses.append(client.post(f"/s/{code}", data=form).status_code)
        assert statuses == [303, 303, 429]
        clock.now += 61
        form = {**answers(), "csrf": csrf_of(client.get(f"/s/{codes[3]}").text)}
        assert client.post(f"/s/{codes[3]}", data=form).status_code == 303
    assert answered(tracker) == 3


def test_guessing_codes_is_slowed(tracker) -> None:
    clock = Clock()
    [code] = issue(tracker)
    with make_client(tracker, clock, code_lookups=3) as client:
        statuses = [client.get(f"/s/ABCD-EFGH-JKMN-PQR{i}").status_code for i in range(4)]
        assert statuses == [404, 404, 404, 429]
        # Even a right code waits: the guesser cannot tell a hit from the wait.
        blocked = client.get(f"/s/{code}")
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        clock.now += 601
        assert client.get(f"/s/{code}").status_code == 200


def test_a_folder_store_sees_codes_issued_by_another_process(tmp_path, clock) -> None:
    folder = tmp_path / "store"
    with ct.Tracker.open(folder, load_entrypoints=False) as setup:
        setup.add_unit(ct.Unit(id=UNIT, name="Phòng Tư pháp", kind="agency"))
    server = ct.Tracker.open(folder, load_entrypoints=False)
    try:
        with make_client(server, clock) as client:
            assert client.get("/healthz").status_code == 200
            with ct.Tracker.open(folder, load_entrypoints=False) as other:
                [code] = issue(other)
            form = {**answers(), "csrf": csrf_of(client.get(f"/s/{code}").text)}
            assert client.post(f"/s/{code}", data=form).status_code == 303
        assert len(server.survey_responses()) == 1
    finally:
        server.close()
    with ct.Tracker.open(folder, load_entrypoints=False) as reopened:
        assert reopened.verify().ok
        assert reopened.survey_code(code).used_on == TODAY
