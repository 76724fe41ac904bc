"""The parent-feedback web app: one form per slip, and nothing else.

Routes: ``GET|POST /f/<code>`` (the form and its answer), ``GET /thanks``, ``GET /static/style.css``, and a
member's phone pledge form (``/p/<code>``, ``/p-sent``: :mod:`web.pledge_form`). Anything else is a 404 page.
No admin page, no listing, no comments shown back, no JavaScript, no external assets.

Store calls run in worker threads (:func:`starlette.concurrency.run_in_threadpool`, and the group commit's
own hand-off): the store's lock is re-entrant per thread, so two asyncio tasks on the event loop's thread would
not exclude each other, and a handler never awaits while a transaction is open.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from campaign.context import Campaign
from campaign.errors import Refused
from campaign.feedback import MAX_COMMENT, AnswerRequest, SlipView, open_slip
from campaign.i18n import t
from storage.errors import StoreError
from storage.records import FeedbackOption

from .group_commit import GroupCommit
from .guard import Guard, RateLimit, RateLimiter, Scope
from .pages import negotiate_language, render
from .pledge_form import pledge_routes

#: The largest form body accepted: a 300-character comment, percent-encoded, fits easily.
MAX_BODY = 8 * 1024
#: Refusals that concern the slip itself (shown as a page of their own, not as a form error).
SLIP_REFUSALS = {"feedback.unknown_code", "feedback.used_code", "feedback.expired_code"}
NO_STORE = {"cache-control": "no-store"}


class BodyTooLarge(Exception):
    pass


@cache
def _stylesheet() -> bytes:
    return (resources.files("web") / "static" / "style.css").read_bytes()


def _language(request: Request) -> tuple[str, bool]:
    return negotiate_language(request.query_params.get("lang"), request.headers.get("accept-language"))


def _message(lang: str, status: int, title_key: str, body: str, *, kind: str = "refused", hint: str = "") -> Response:
    page = render("message.html", lang, heading=t(title_key, lang=lang), message=body, kind=kind, hint=hint)
    return HTMLResponse(page, status_code=status, headers=NO_STORE)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _form_fields(body: bytes) -> dict[str, str] | None:
    """The first value of each field of an urlencoded form, or None if it is not one."""
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=8, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    return {k: v[0] for k, v in fields.items() if v}


def create_app(c: Campaign, *, rate_limit: RateLimit | None = None, max_body: int = MAX_BODY) -> Starlette:
    """The feedback app over campaign ``c`` (acting as "web"). ``rate_limit`` None means the default limit."""
    group = GroupCommit(c)
    limiter = RateLimiter(rate_limit or RateLimit())

    def slip_form(
        slip: SlipView,
        lang: str,
        explicit: bool,
        *,
        status: int = 200,
        error: str = "",
        chosen: str = "",
        comment: str = "",
    ) -> Response:
        action = f"/f/{slip.code}" + (f"?lang={lang}" if explicit else "")
        page = render(
            "slip.html",
            lang,
            slip=slip,
            action=action,
            options=[str(o) for o in FeedbackOption],
            chosen=chosen,
            comment=comment,
            error=error,
            max_comment=MAX_COMMENT,
        )
        return HTMLResponse(page, status_code=status, headers=NO_STORE)

    def slip_refused(exc: Refused, lang: str) -> Response:
        return _message(lang, 200, "web.refused_title", exc.message(lang), hint=t("web.refused_hint", lang=lang))

    async def slip(request: Request) -> Response:
        lang, explicit = _language(request)
        code = str(request.path_params["code"])
        if request.method == "POST":
            return await submit(request, code, lang, explicit)
        try:
            view = await run_in_threadpool(open_slip, c, code)
        except Refused as exc:
            return slip_refused(exc, lang)
        return slip_form(view, lang, explicit)

    async def submit(request: Request, code: str, lang: str, explicit: bool) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return _message(lang, 415, "web.bad_method_title", t("web.bad_method_body", lang=lang))
        try:
            body = await _read_body(request, max_body)
        except BodyTooLarge:
            return _message(lang, 413, "web.too_large_title", t("web.too_large_body", lang=lang))
        fields = _form_fields(body)
        if fields is None:
            return _message(lang, 400, "web.bad_method_title", t("web.bad_method_body", lang=lang))
        option, comment = fields.get("option", ""), fields.get("comment", "")
        try:
            await group.answer(AnswerRequest(code, option, comment))
        except Refused as exc:
            if exc.key in SLIP_REFUSALS:
                return slip_refused(exc, lang)
            try:
                view = await run_in_threadpool(open_slip, c, code)
            except Refused as again:
                return slip_refused(again, lang)
            # Shown back escaped (autoescape) and cut to the limit the form allows.
            return slip_form(
                view, lang, explicit, status=400, error=exc.message(lang), chosen=option, comment=comment[:MAX_COMMENT]
            )
        return RedirectResponse("/thanks" + (f"?lang={lang}" if explicit else ""), status_code=303)

    async def thanks(request: Request) -> Response:
        lang, _ = _language(request)
        return _message(lang, 200, "web.thanks_title", t("web.thanks_body", lang=lang), kind="thanks")

    async def stylesheet(request: Request) -> Response:
        return Response(_stylesheet(), media_type="text/css; charset=utf-8", headers={"cache-control": "max-age=3600"})

    async def http_error(request: Request, exc: Exception) -> Response:
        lang, _ = _language(request)
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            return _message(lang, 404, "web.not_found_title", t("web.not_found_body", lang=lang))
        return _message(lang, status, "web.bad_method_title", t("web.bad_method_body", lang=lang))

    async def store_error(request: Request, exc: Exception) -> Response:
        lang, _ = _language(request)
        response = _message(lang, 503, "web.busy_title", t("web.busy_body", lang=lang))
        response.headers["retry-after"] = "5"
        return response

    def too_many(scope: Scope, wait: float) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        accept = dict(scope.get("headers", [])).get(b"accept-language", b"").decode("latin-1")
        lang, _ = negotiate_language((query.get("lang") or [None])[0], accept)
        page = render(
            "message.html",
            lang,
            heading=t("web.too_many_title", lang=lang),
            message=t("web.too_many_body", lang=lang),
            kind="refused",
            hint="",
        )
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"cache-control", b"no-store"),
            (b"retry-after", str(max(1, round(wait))).encode()),
        ]
        return 429, headers, page.encode()

    app = Starlette(
        routes=[
            Route("/f/{code}", slip, methods=["GET", "POST"]),
            Route("/thanks", thanks, methods=["GET"]),
            Route("/static/style.css", stylesheet, methods=["GET"]),
            *pledge_routes(c),
        ],
        exception_handlers={HTTPException: http_error, StoreError: store_error, Exception: http_error},
    )
    app.add_middleware(Guard, limiter=limiter, too_many=too_many)
    app.state.group_commit = group
    return app
