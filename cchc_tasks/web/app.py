"""The web application's state and the helpers its pages share.

One :class:`WebApp` wraps one tracker. The tracker is not thread-safe and Starlette runs
blocking work in a thread pool, so every use of it goes through :meth:`WebApp.use`,
which holds one lock, first catches up with lines other processes wrote (a survey code
batch printed with ``cchc survey codes`` while the server runs), and runs in a worker
thread so that the event loop keeps answering.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..accounts import Account, AccountPolicy
from ..errors import NotFoundError
from ..labels import Lang
from .security import RateLimiter, Signer
from .wording import t

if TYPE_CHECKING:
    from ..tracker import Tracker
    from ..verdicts import Evaluation

__all__ = ["SESSION_COOKIE", "VISITOR_COOKIE", "Limits", "WebApp"]

T = TypeVar("T")

SESSION_COOKIE = "cchc_session"
VISITOR_COOKIE = "cchc_visitor"
TEMPLATES = Path(__file__).parent / "templates"


@attrs.frozen
class Limits:
    """The abuse limits (per client address unless said otherwise).

    * ``max_body``: bytes of a request body (a questionnaire is well under 4 KiB);
    * ``survey_posts`` per ``survey_window`` seconds: submissions of questionnaires;
    * ``code_lookups`` per ``lookup_window`` seconds: codes tried that do not open a
      questionnaire (guessing 80-bit codes is hopeless, and this makes it slow too);
    * ``login_failures`` per ``login_window`` seconds: failed logins, per address and
      per login name, after which logins are refused until the window passes;
    * ``session_hours``: how long a staff session lasts.
    """

    max_body: int = 16 * 1024
    survey_posts: int = 30
    survey_window: float = 60.0
    code_lookups: int = 30
    lookup_window: float = 600.0
    login_failures: int = 5
    login_window: float = 900.0
    session_hours: float = 8.0


class WebApp:
    """The state of one running application; see the module docstring."""

    def __init__(
        self,
        tracker: Tracker,
        *,
        secret: bytes | None = None,
        limits: Limits | None = None,
        lang: Lang = "vi",
        today: Callable[[], dt.date] = dt.date.today,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.tracker = tracker
        self.limits = limits or Limits()
        self.lang = lang
        self.today = today
        self.clock = clock
        self.signer = Signer(secret)
        self.lock = threading.Lock()
        lim = self.limits
        self.survey_limiter = RateLimiter(lim.survey_posts, lim.survey_window, clock=monotonic)
        self.lookup_limiter = RateLimiter(lim.code_lookups, lim.lookup_window, clock=monotonic)
        self.login_limiter = RateLimiter(lim.login_failures, lim.login_window, clock=monotonic)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.evaluations: dict[tuple[int, dt.date, int], Evaluation] = {}
        # The roles of staff accounts and the reach of survey codes: one policy for
        # the web and the library, as a cchc_authorize plugin of the tracker.
        pm = tracker.plugin_manager
        if not any(isinstance(p, AccountPolicy) for p in pm.get_plugins()):
            pm.register(AccountPolicy(), name="cchc_tasks.accounts")
        # A password check costs as much for a login that does not exist.
        from ..accounts import hash_password

        self.decoy_hash = hash_password(secrets.token_urlsafe(16))

    # -- the tracker --------------------------------------------------------------------

    def locked(self, work: Callable[[Tracker], T]) -> T:
        with self.lock:
            self.tracker.refresh()
            return work(self.tracker)

    async def use(self, work: Callable[[Tracker], T]) -> T:
        """Run ``work(tracker)`` under the lock, in a worker thread."""
        return await run_in_threadpool(self.locked, work)

    def evaluation(self, tracker: Tracker, year: int, as_of: dt.date) -> Evaluation:
        """The evaluation of ``year`` as of ``as_of``, computed once per journal line."""
        key = (year, as_of, tracker.seq)
        found = self.evaluations.get(key)
        if found is None:
            self.evaluations.clear()
            found = self.evaluations[key] = tracker.evaluate(year, as_of=as_of)
        return found

    # -- requests -----------------------------------------------------------------------

    def lang_of(self, request: Request) -> Lang:
        asked = request.query_params.get("lang")
        return asked if asked in ("vi", "en") else self.lang  # type: ignore[return-value]

    @staticmethod
    def address(request: Request) -> str:
        """The client's address (behind a trusted proxy, the one it forwarded)."""
        return request.client.host if request.client else "?"

    def page(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        lang = self.lang_of(request)

        def words(key: str, **values: object) -> str:
            return t(key, lang, **values)

        html = self.templates.get_template(template).render(t=words, lang=lang, **context)
        return HTMLResponse(html, status_code=status)

    def message(
        self, request: Request, status: int, text: str, *, title: str | None = None
    ) -> HTMLResponse:
        lang = self.lang_of(request)
        return self.page(
            request, "message.html", status, title=title or t("survey.title", lang), text=text
        )

    # -- staff sessions -----------------------------------------------------------------

    def session(self, request: Request) -> dict[str, Any] | None:
        max_age = self.limits.session_hours * 3600
        return self.signer.unsign(request.cookies.get(SESSION_COOKIE), max_age, self.clock())

    async def account(self, request: Request) -> Account | None:
        """The signed-in staff account, or ``None`` (no session, or its account is
        gone or locked)."""
        session = self.session(request)
        if session is None or not isinstance(session.get("u"), str):
            return None
        login: str = session["u"]

        def find(tracker: Tracker) -> Account | None:
            try:
                return tracker.account(login)
            except NotFoundError:
                return None

        account = await self.use(find)
        return account if account is not None and account.active else None

    def csrf_for(self, request: Request) -> str:
        session = self.session(request) or {}
        return self.signer.csrf("staff", str(session.get("n", "")))

    def staff_csrf_ok(self, request: Request, token: str | None) -> bool:
        session = self.session(request) or {}
        nonce = session.get("n")
        return self.signer.check_csrf(token, "staff", nonce if isinstance(nonce, str) else None)

    def set_cookie(self, request: Request, response: Response, name: str, value: str) -> None:
        response.set_cookie(
            name,
            value,
            max_age=int(self.limits.session_hours * 3600),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )


class FormError(Exception):
    """A request body that is not a form this application reads."""


async def read_form(request: Request) -> dict[str, str]:
    """The fields of an ``application/x-www-form-urlencoded`` body (the guard has
    bounded its size), each field once: a field given twice is a :class:`FormError`."""
    from urllib.parse import parse_qsl

    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise FormError(f"expected a form, got {kind or 'no content type'}")
    body = await request.body()
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=40
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormError(str(exc)) from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise FormError(f"field {name!r} given twice")
        fields[name] = value
    return fields
