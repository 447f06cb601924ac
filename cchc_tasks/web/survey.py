"""The public survey: a code from the receipt opens one short questionnaire.

``GET /`` asks for the code; ``GET /s/{code}`` (what the receipt's QR code opens) shows
the questionnaire of the code's unit and service; ``POST /s/{code}`` records it once
through :meth:`~cchc_tasks.Tracker.answer_survey`. The form carries a CSRF token bound
to the code. Submissions are rate-limited per client address, and so are codes that
open nothing; whatever is refused changes nothing in the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errors import CchcError, NotFoundError, PermissionDeniedError, ValidationError
from ..survey_codes import SurveyCode, SurveyCodeError, code_id, format_code
from .app import FormError, WebApp, read_form
from .wording import t

if TYPE_CHECKING:
    from ..surveys import SipasParams
    from ..tracker import Tracker

__all__ = ["survey_routes"]


def _questions(params: SipasParams) -> list[dict[str, Any]]:
    """The factors and their answers, as the form shows them."""
    scale = params.scale
    names = {value: label for label, value in scale.labels.items()}
    choices = [
        {"value": str(v), "label": f"{v}. {names[v]}" if v in names else str(v)}
        for v in range(scale.low, scale.high + 1)
    ]
    return [{"id": f.id, "name": f.name, "choices": choices} for f in params.factors]


def _limited(request: Request, seconds: float, app: WebApp) -> Response:
    response = app.message(
        request, 429, t("staff.slow_down", app.lang_of(request), seconds=int(seconds) + 1)
    )
    response.headers["retry-after"] = str(int(seconds) + 1)
    return response


def _refused(request: Request, app: WebApp, reason: str) -> Response:
    """The page of a code that opens nothing: 404 for a code never issued (or not a
    code at all), 410 for one used, expired or not yet valid."""
    key = "survey.unknown" if reason == "unknown" else f"survey.{reason}"
    return app.message(request, 404 if reason == "unknown" else 410, t(key, app.lang_of(request)))


async def _open_code(
    request: Request, app: WebApp, text: str
) -> tuple[SurveyCode | None, str, Response | None]:
    """The code's record and its printed form, or the response that refuses it."""
    address = app.address(request)
    wait = app.lookup_limiter.blocked(address)
    if wait:
        return None, "", _limited(request, wait, app)
    try:
        printed = format_code(text)
    except ValidationError:
        app.lookup_limiter.hit(address)
        return None, "", _refused(request, app, "unknown")

    def find(tracker: Tracker) -> SurveyCode | None:
        try:
            return tracker.survey_code(printed)
        except NotFoundError:
            return None

    record = await app.use(find)
    if record is None:
        app.lookup_limiter.hit(address)
        return None, printed, _refused(request, app, "unknown")
    reason = record.refusal(app.today())
    if reason is not None:
        return None, printed, _refused(request, app, reason)
    return record, printed, None


async def _form_page(
    request: Request, app: WebApp, record: SurveyCode, printed: str, status: int, **extra: Any
) -> Response:
    def describe(tracker: Tracker) -> tuple[str, SipasParams]:
        return tracker.unit(record.unit).name, tracker.config(app.today().year).sipas

    unit_name, params = await app.use(describe)
    return app.page(
        request,
        "survey.html",
        status,
        code=printed,
        unit=unit_name,
        service=record.service,
        questions=_questions(params),
        csrf=app.signer.csrf("survey", record.id),
        error=extra.get("error"),
        chosen=extra.get("chosen", {}),
    )


async def start(request: Request) -> Response:
    app: WebApp = request.app.state.web
    code = request.query_params.get("code")
    if code is not None:
        _, printed, refusal = await _open_code(request, app, code)
        if refusal is not None:
            return refusal
        return RedirectResponse(f"/s/{printed}", status_code=303)
    return app.page(request, "start.html")


async def show(request: Request) -> Response:
    app: WebApp = request.app.state.web
    record, printed, refusal = await _open_code(request, app, request.path_params["code"])
    if refusal is not None or record is None:
        return refusal or _refused(request, app, "unknown")
    return await _form_page(request, app, record, printed, 200)


def _answers(form: dict[str, str], params: SipasParams) -> dict[str, int | None]:
    answers: dict[str, int | None] = {}
    for factor in params.factors:
        raw = form.get(f"a-{factor.id}", "")
        if raw == "":
            answers[factor.id] = None
        elif raw.isdigit() and len(raw) <= 3:
            answers[factor.id] = int(raw)
        else:
            raise ValidationError(f"answers[{factor.id!r}]", "an answer on the scale", raw)
    unknown = [k for k in form if k not in {"csrf", "kind", "comment"} and not k.startswith("a-")]
    if unknown:
        raise ValidationError("form", "the questionnaire's fields", unknown[0])
    return answers


async def submit(request: Request) -> Response:
    app: WebApp = request.app.state.web
    lang = app.lang_of(request)
    wait = app.survey_limiter.hit(app.address(request))
    if wait:
        return _limited(request, wait, app)
    record, printed, refusal = await _open_code(request, app, request.path_params["code"])
    if refusal is not None or record is None:
        return refusal or _refused(request, app, "unknown")
    try:
        form = await read_form(request)
    except FormError as exc:
        return app.message(request, 400, t("survey.invalid", lang, problem=str(exc)))
    if not app.signer.check_csrf(form.get("csrf"), "survey", code_id(printed)):
        return app.message(request, 403, t("staff.csrf", lang))

    def answer(tracker: Tracker) -> None:
        params = tracker.config(app.today().year).sipas
        tracker.answer_survey(
            printed,
            _answers(form, params),
            on=app.today(),
            respondent_kind=form.get("kind", "citizen"),
            comment=form.get("comment", "").replace("\r\n", "\n"),
        )

    try:
        await app.use(answer)
    except SurveyCodeError as exc:
        return _refused(request, app, exc.reason)
    except PermissionDeniedError as exc:
        return app.message(request, 403, t("staff.forbidden", lang, reason=exc.reason))
    except CchcError as exc:
        chosen = {k: v for k, v in form.items() if k != "csrf"}
        problem = str(exc)
        return await _form_page(request, app, record, printed, 400, error=problem, chosen=chosen)
    return RedirectResponse("/thanks", status_code=303)


async def thanks(request: Request) -> Response:
    app: WebApp = request.app.state.web
    lang = app.lang_of(request)
    return app.message(request, 200, t("survey.thanks_text", lang), title=t("survey.thanks", lang))


def survey_routes() -> list[Route]:
    return [
        Route("/", start, methods=["GET"]),
        Route("/thanks", thanks, methods=["GET"]),
        Route("/s/{code}", show, methods=["GET"]),
        Route("/s/{code}", submit, methods=["POST"]),
    ]
