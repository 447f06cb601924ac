"""End to end in a real browser: Debian's Chromium, driven by Playwright, against the
application served by uvicorn on 127.0.0.1.

No browser is downloaded: Playwright drives ``/usr/bin/chromium`` (``.ci/run`` installs it
with apt when it is missing). Without it these tests skip. With
``CCHC_UPDATE_SCREENSHOTS=1`` the screenshots are written into ``docs/images/`` (look at
them, then commit them); otherwise into the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("browser tests: /usr/bin/chromium is not installed", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

import cchc_tasks as ct  # noqa: E402
from cchc_tasks.web import create_app  # noqa: E402

from .conftest import PASSWORD, TODAY, UNIT, issue, seed_staff  # noqa: E402

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 1000}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, ct.Tracker]]:
    tracker = ct.Tracker.memory(load_entrypoints=False)
    ct.examples.tan_hong(tracker)
    seed_staff(tracker)
    app = create_app(tracker, today=lambda: TODAY)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", tracker
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


def _shot(page: object, name: str, tmp_path: Path, *, full_page: bool = True) -> Path:
    folder = DOCS_IMAGES if os.environ.get("CCHC_UPDATE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=full_page)  # type: ignore[attr-defined]
    return path


def test_a_citizen_answers_on_a_phone(served, browser, tmp_path) -> None:
    base, tracker = served
    [code] = issue(tracker)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1.5, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base + "/")
    page.fill("#code", code.lower().replace("-", " "))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/s/"))
    assert tracker.unit(UNIT).name in page.content()
    for factor, answer in [
        ("access", "5"),
        ("procedure", "4"),
        ("civil-servants", "5"),
        ("results", "4"),
    ]:
        page.check(f"input[name='a-{factor}'][value='{answer}']")
    page.check("input[name='kind'][value='organisation']")
    page.fill("#comment", "Thủ tục nhanh, cán bộ hướng dẫn tận tình.")
    # The form fits the phone: nothing is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "survey-phone.png", tmp_path)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/thanks$"))
    assert "Cảm ơn" in page.content()
    assert errors == []  # the CSP blocks nothing the page needs
    [response] = [r for r in tracker.survey_responses(unit=UNIT) if r.id.startswith("code:")]
    assert response.respondent_kind.value == "organisation"
    # The same code again: refused.
    page.goto(f"{base}/s/{code}")
    assert "đã được sử dụng" in page.content()
    context.close()


def test_staff_read_the_dashboard_and_mark_a_task_done(served, browser, tmp_path) -> None:
    base, tracker = served
    for code in issue(tracker, 3):
        tracker.answer_survey(code, {"access": 5, "procedure": 4, "results": 3}, on=TODAY)
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    page.goto(base + "/dashboard")
    page.wait_for_url(re.compile(r"/login$"))
    page.fill("#login", "sua")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard$"))
    assert "Bảng theo dõi CCHC năm 2025" in page.content()
    # The top of the page: SIPAS with its chart, then the overdue tasks.
    _shot(page, "dashboard.png", tmp_path, full_page=False)
    task = next(t.id for t in tracker.overdue(TODAY, unit=UNIT))
    page.click(f"form[action='/tasks/{task}/complete'] button")
    page.wait_for_url(re.compile(r"/dashboard$"))
    assert tracker.task(task).status is ct.TaskStatus.DONE
    page.click("text=Giải thích >> nth=0")
    page.wait_for_url(re.compile(r"/heads/"))
    assert "xếp loại cuối cùng" in page.content()
    # HttpOnly: the page's own script cannot read the session.
    assert "cchc_session" not in page.evaluate("document.cookie")
    context.close()
