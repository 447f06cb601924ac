"""The staff pages: sign in and out, the dashboard, a head's explanation, and the one
write the dashboard offers (marking a task done).

A session is a signed ``HttpOnly``, ``SameSite=Strict`` cookie naming the login and a
random nonce; every form carries a CSRF token bound to that nonce (the login form, to a
visitor cookie's). Failed logins are counted per client address and per login name;
past the limit, logins are refused with 429 until the window has passed. Writes are made
as ``staff:<login>`` and the tracker's ``cchc_authorize`` plugins
(:class:`~cchc_tasks.accounts.AccountPolicy` among them) decide: a viewer's write is
refused with 403 and changes nothing.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..accounts import Account, staff_actor, verify_password
from ..errors import CchcError, NotFoundError, PermissionDeniedError
from .app import SESSION_COOKIE, VISITOR_COOKIE, FormError, WebApp, read_form
from .views import DUE_SOON_DAYS, build_dashboard
from .wording import t

if TYPE_CHECKING:
    from ..tracker import Tracker

__all__ = ["staff_routes"]

#: How long the login form's visitor cookie lasts.
VISITOR_SECONDS = 3600


def _visitor(request: Request, app: WebApp) -> str | None:
    value = app.signer.unsign(request.cookies.get(VISITOR_COOKIE), VISITOR_SECONDS, app.clock())
    nonce = value.get("v") if value else None
    return nonce if isinstance(nonce, str) else None


def _login_page(request: Request, app: WebApp, status: int, error: str | None) -> Response:
    nonce = _visitor(request, app) or secrets.token_urlsafe(16)
    response = app.page(
        request, "login.html", status, csrf=app.signer.csrf("login", nonce), error=error
    )
    cookie = app.signer.sign({"v": nonce}, app.clock())
    app.set_cookie(request, response, VISITOR_COOKIE, cookie)
    return response


async def login_form(request: Request) -> Response:
    app: WebApp = request.app.state.web
    return _login_page(request, app, 200, None)


def _slowed(request: Request, app: WebApp, seconds: float) -> Response:
    lang = app.lang_of(request)
    response = _login_page(request, app, 429, t("staff.slow_down", lang, seconds=int(seconds) + 1))
    response.headers["retry-after"] = str(int(seconds) + 1)
    return response


async def login(request: Request) -> Response:
    app: WebApp = request.app.state.web
    lang = app.lang_of(request)
    try:
        form = await read_form(request)
    except FormError:  # no form, so no token either
        return app.message(request, 403, t("staff.csrf", lang))
    if not app.signer.check_csrf(form.get("csrf"), "login", _visitor(request, app)):
        return app.message(request, 403, t("staff.csrf", lang))
    login_name = form.get("login", "")[:100]
    address_key, login_key = f"ip:{app.address(request)}", f"login:{login_name}"
    wait = max(app.login_limiter.blocked(address_key), app.login_limiter.blocked(login_key))
    if wait:
        return _slowed(request, app, wait)

    def find(tracker: Tracker) -> Account | None:
        try:
            return tracker.account(login_name)
        except (NotFoundError, CchcError):
            return None

    account = await app.use(find)
    password = form.get("password", "")
    stored = account.password_hash if account is not None else app.decoy_hash
    # scrypt takes tens of milliseconds: in a worker thread, outside the tracker's lock.
    matches = await run_in_threadpool(verify_password, password, stored)
    if account is None or not account.active or not matches:
        app.login_limiter.hit(address_key)
        app.login_limiter.hit(login_key)
        return _login_page(request, app, 401, t("staff.bad_login", lang))
    app.login_limiter.forget(login_key)
    response = RedirectResponse("/dashboard", status_code=303)
    session = {"u": account.id, "n": secrets.token_urlsafe(16)}
    app.set_cookie(request, response, SESSION_COOKIE, app.signer.sign(session, app.clock()))
    response.delete_cookie(VISITOR_COOKIE, path="/")
    return response


async def logout(request: Request) -> Response:
    app: WebApp = request.app.state.web
    form = await _staff_form(request, app)
    if isinstance(form, Response):
        return form
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def _staff_form(request: Request, app: WebApp) -> dict[str, str] | Response:
    """The form of a signed-in staff member, CSRF checked; else the refusal."""
    lang = app.lang_of(request)
    try:
        form = await read_form(request)
    except FormError:  # no form, so no token either
        return app.message(request, 403, t("staff.csrf", lang))
    if not app.staff_csrf_ok(request, form.get("csrf")):
        return app.message(request, 403, t("staff.csrf", lang))
    return form


def _year(request: Request, app: WebApp) -> int:
    raw = request.query_params.get("year", "")
    return int(raw) if raw.isdigit() and len(raw) == 4 else app.today().year


async def dashboard(request: Request) -> Response:
    app: WebApp = request.app.state.web
    account = await app.account(request)
    if account is None:
        return RedirectResponse("/login", status_code=303)
    year, lang = _year(request, app), app.lang_of(request)
    today = app.today()
    as_of = min(today, app.today().replace(year=year, month=12, day=31))

    def build(tracker: Tracker) -> object:
        evaluation = app.evaluation(tracker, year, as_of)
        return build_dashboard(tracker, year, as_of, account, lang, evaluation)

    board = await app.use(build)
    return app.page(
        request,
        "dashboard.html",
        board=board,
        account=account,
        csrf=app.csrf_for(request),
        due_days=DUE_SOON_DAYS,
    )


async def explain(request: Request) -> Response:
    app: WebApp = request.app.state.web
    account = await app.account(request)
    if account is None:
        return RedirectResponse("/login", status_code=303)
    year, lang = _year(request, app), app.lang_of(request)
    person = request.path_params["person"]
    as_of = min(app.today(), app.today().replace(year=year, month=12, day=31))

    def text(tracker: Tracker) -> tuple[str, str] | None:
        evaluation = app.evaluation(tracker, year, as_of)
        if person not in evaluation.leaders:
            return None
        return tracker.person(person).name, evaluation.explain(person, lang)

    found = await app.use(text)
    if found is None:
        return app.message(request, 404, t("error.not_found", lang))
    name, reasoning = found
    return app.page(request, "explain.html", name=name, text=reasoning, year=year)


async def complete_task(request: Request) -> Response:
    app: WebApp = request.app.state.web
    lang = app.lang_of(request)
    account = await app.account(request)
    if account is None:
        return app.message(request, 403, t("staff.csrf", lang))
    form = await _staff_form(request, app)
    if isinstance(form, Response):
        return form
    task_id = request.path_params["task"]

    def complete(tracker: Tracker) -> None:
        tracker.complete_task(task_id, app.today(), actor=staff_actor(account.id))

    try:
        await app.use(complete)
    except PermissionDeniedError as exc:
        return app.message(request, 403, t("staff.forbidden", lang, reason=exc.reason or str(exc)))
    except CchcError as exc:
        return app.message(request, 400, str(exc))
    return RedirectResponse("/dashboard", status_code=303)


def staff_routes() -> list[Route]:
    return [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/dashboard", dashboard, methods=["GET"]),
        Route("/heads/{person}", explain, methods=["GET"]),
        Route("/tasks/{task}/complete", complete_task, methods=["POST"]),
    ]
