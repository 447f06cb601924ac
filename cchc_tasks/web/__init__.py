"""``cchc serve``: the online satisfaction survey and the staff dashboard (extra ``web``).

:func:`create_app` makes the ASGI application of one tracker; :func:`serve` runs it
with uvicorn. Server-rendered pages (Starlette and Jinja2, no JavaScript), Vietnamese
by default (``?lang=en`` for English). What it writes goes through the tracker like
every other write: a survey answer is :meth:`~cchc_tasks.Tracker.answer_survey`, a task
marked done is :meth:`~cchc_tasks.Tracker.complete_task` as ``staff:<login>``, and the
roles of staff accounts are the :class:`~cchc_tasks.accounts.AccountPolicy`
``cchc_authorize`` plugin.

Routes: ``GET /healthz`` (``ok``); the survey ``GET /``, ``GET|POST /s/{code}``,
``GET /thanks``; the staff pages ``GET|POST /login``, ``POST /logout``,
``GET /dashboard``, ``GET /heads/{person}``, ``POST /tasks/{task}/complete``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..labels import Lang
from .app import Limits, WebApp
from .security import Guard

if TYPE_CHECKING:
    from ..tracker import Tracker

__all__ = ["Limits", "WebApp", "create_app", "serve"]

STATIC = Path(__file__).parent / "static"


def create_app(
    tracker: Tracker,
    *,
    secret: bytes | None = None,
    limits: Limits | None = None,
    lang: Lang = "vi",
    today: Callable[[], dt.date] = dt.date.today,
    clock: Callable[[], float] = time.time,
    monotonic: Callable[[], float] = time.monotonic,
) -> Any:
    """The ASGI application of ``tracker``.

    ``secret`` signs sessions and CSRF tokens (32 bytes or more; by default a random
    one, so sessions end when the server stops); ``limits`` are the abuse limits
    (:class:`Limits`); ``today``, ``clock`` and ``monotonic`` are the clocks, for tests.
    The returned application has the :class:`WebApp` as ``app.state.web``.
    """
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    from .staff import staff_routes
    from .survey import survey_routes

    web = WebApp(
        tracker,
        secret=secret,
        limits=limits,
        lang=lang,
        today=today,
        clock=clock,
        monotonic=monotonic,
    )
    css = (STATIC / "app.css").read_bytes()

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def stylesheet(request: Request) -> Response:
        return Response(css, media_type="text/css", headers={"cache-control": "max-age=3600"})

    async def not_found(request: Request, exc: Exception) -> Response:
        return web.message(request, 404, "404")

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/static/app.css", stylesheet, methods=["GET"]),
        *survey_routes(),
        *staff_routes(),
    ]
    starlette = Starlette(routes=routes, exception_handlers={404: not_found})
    starlette.state.web = web
    return Guard(starlette, web.limits.max_body)


def serve(
    tracker: Tracker,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    secret: bytes | None = None,
    limits: Limits | None = None,
    forwarded_allow_ips: str = "127.0.0.1",
    log_level: str = "info",
) -> None:
    """Serve :func:`create_app` of ``tracker`` with uvicorn until interrupted.

    ``forwarded_allow_ips`` are the reverse proxies whose ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` are believed (the client's address for the rate limits, and
    https for ``Secure`` cookies)."""
    import uvicorn

    app = create_app(tracker, secret=secret, limits=limits)
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        log_level=log_level,
        server_header=False,
    )
