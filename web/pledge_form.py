"""The phone pledge form: ``GET|POST /p/<code>`` (a kiosk's "write it on your phone" link) and ``GET /p-sent``.

The link is the member's credential for a few minutes: whatever the form says, the pledge is the link's member's
(:func:`campaign.pledge_links.use_phone_link`). No JavaScript, no external assets, autoescaped templates, and
the same security headers and rate limit as the feedback form (the app's middleware). Store calls run in worker
threads.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.pledge_links import LinkView, open_phone_link, use_phone_link
from campaign.pledge_rules import MAX_NOTE, MAX_TARGET, MAX_TEXT
from storage.records import PledgeCategory

from .pages import negotiate_language, render

#: A form body this large still gets the clear "at most 500 characters" answer (a 2,000-character pledge,
#: percent-encoded, is ~18 KB), not a bare "too large".
MAX_PLEDGE_BODY = 32 * 1024
LINK_REFUSALS = {"pledges.link_unknown", "pledges.link_used", "pledges.link_expired"}
NO_STORE = {"cache-control": "no-store"}
FIELDS = ("category", "text", "target", "due", "note")


def _message(lang: str, status: int, heading: str, body: str, kind: str = "refused") -> Response:
    page = render("message.html", lang, heading=heading, message=body, kind=kind, hint="")
    return HTMLResponse(page, status_code=status, headers=NO_STORE)


def pledge_routes(c: Campaign) -> list[Route]:
    """The routes of the phone pledge form over campaign ``c``."""

    def form(
        view: LinkView, lang: str, explicit: bool, *, status: int = 200, error: str = "", values: dict[str, str]
    ) -> Response:
        page = render(
            "pledge.html",
            lang,
            view=view,
            action=f"/p/{view.code}" + (f"?lang={lang}" if explicit else ""),
            categories=[str(x) for x in PledgeCategory],
            values=values,
            error=error,
            max_text=MAX_TEXT,
            max_target=MAX_TARGET,
            max_note=MAX_NOTE,
        )
        return HTMLResponse(page, status_code=status, headers=NO_STORE)

    def refused_link(exc: Refused, lang: str) -> Response:
        return _message(lang, 200, t("pledge_web.refused_title", lang=lang), exc.message(lang))

    async def link(request: Request) -> Response:
        lang, explicit = negotiate_language(request.query_params.get("lang"), request.headers.get("accept-language"))
        code = str(request.path_params["code"])
        if request.method == "POST":
            return await submit(request, code, lang, explicit)
        try:
            view = await run_in_threadpool(open_phone_link, c, code)
        except Refused as exc:
            return refused_link(exc, lang)
        return form(view, lang, explicit, values={})

    async def submit(request: Request, code: str, lang: str, explicit: bool) -> Response:
        from .app import BodyTooLarge, _form_fields, _read_body

        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return _message(lang, 415, t("web.bad_method_title", lang=lang), t("web.bad_method_body", lang=lang))
        try:
            body = await _read_body(request, MAX_PLEDGE_BODY)
        except BodyTooLarge:
            return _message(lang, 413, t("web.too_large_title", lang=lang), t("pledge_web.too_large", lang=lang))
        fields = _form_fields(body)
        if fields is None:
            return _message(lang, 400, t("web.bad_method_title", lang=lang), t("web.bad_method_body", lang=lang))
        values = {k: fields.get(k, "") for k in FIELDS}
        try:
            pledge = await run_in_threadpool(
                lambda: use_phone_link(
                    c,
                    code,
                    category=values["category"],
                    text=values["text"],
                    target=values["target"],
                    due=values["due"],
                    note=values["note"],
                )
            )
        except Refused as exc:
            if exc.key in LINK_REFUSALS:
                return refused_link(exc, lang)
            try:
                view = await run_in_threadpool(open_phone_link, c, code)
            except Refused as again:
                return refused_link(again, lang)
            # Shown back escaped (autoescape), cut to what the form allows.
            kept = {k: v[: MAX_TEXT if k in ("text", "note") else MAX_TARGET] for k, v in values.items()}
            return form(view, lang, explicit, status=400, error=exc.message(lang), values=kept)
        suffix = f"&lang={lang}" if explicit else ""
        return RedirectResponse(f"/p-sent?id={pledge.id}{suffix}", status_code=303)

    async def sent(request: Request) -> Response:
        lang, _ = negotiate_language(request.query_params.get("lang"), request.headers.get("accept-language"))
        pledge_id = request.query_params.get("id", "")[:20]
        body = t("pledge_web.sent_body", lang=lang, id=pledge_id)
        return _message(lang, 200, t("pledge_web.sent_title", lang=lang), body, kind="thanks")

    return [Route("/p/{code}", link, methods=["GET", "POST"]), Route("/p-sent", sent, methods=["GET"])]
