"""Audit pages for trust & safety reviewers: endings, case timelines, exports, statistics,
and what a policy in shadow would have done.

Server-rendered (Jinja2, autoescaped: message text is hostile) from the read models only.
Reviewers sign in by pasting their token, which becomes an HttpOnly SameSite=Strict session
cookie scoped to /audit; scripts send the bearer header instead. Every form carries a
cross-site request token (see `api/audit/csrf.py`). Users get 403; a browser without
credentials is sent to the sign-in form; a bad parameter gets 422, as an HTML page for a
browser. Every page view is recorded (audit the auditors).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_start
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, quote, urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.audit import csrf
from api.audit.charts import bars, columns
from api.auth import Unauthorized
from api.dependencies import Reads, Registry, Signer
from api.error_codes import http_status
from api.errors import error_response
from domain.access import Principal
from domain.decision import EndReason
from domain.errors import BadInput, DomainError, NotFound
from projections import audit as reads
from projections import reviews as review_reads
from projections import shadows as shadow_reads
from projections.pages import decode_cursor, encode_cursor, page_of
from projections.readside import ReadSide
from projections.stats import Stats
from reports import case as cases
from reports.shadow import ShadowReport

COOKIE = "lastresort_audit"
PAGE = 50
templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["when"] = lambda at: at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
templates.filters["short"] = lambda value: str(value)[:8]
templates.filters["segment"] = lambda value: quote(str(value), safe="")  # one path segment
BEARER = re.compile(r"^bearer\s+", re.IGNORECASE)


class AuditRoute(APIRoute):
    """A deliberate error reaches a browser as the audit's own error page, a script as JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handle(request)
            except DomainError as error:
                if not _wants_html(request):
                    raise
                status = http_status(error)
                return _html(
                    "error.html",
                    request,
                    None,
                    status_code=status,
                    status=status,
                    message=error.message,
                )

        return route


router = APIRouter(prefix="/audit", include_in_schema=False, route_class=AuditRoute)


class SignInRequired(Exception):
    """A browser without a valid session: send it to the sign-in form."""

    def __init__(self, next_path: str, message: str = "") -> None:
        self.next_path, self.message = next_path, message


class ReviewersOnly(Exception):
    """Signed in, but not as a reviewer."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal


def install(app: FastAPI) -> None:
    """Mount the pages and the responses their access errors need."""
    app.include_router(router)

    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, error: SignInRequired) -> Response:
        query = urlencode(
            {"next": error.next_path, **({"why": error.message} if error.message else {})}
        )
        response = RedirectResponse(f"/audit/sign-in?{query}", status_code=303)
        if error.message:
            response.delete_cookie(COOKIE, path="/audit")
        return response

    @app.exception_handler(ReviewersOnly)
    async def forbidden(request: Request, error: ReviewersOnly) -> Response:
        message = "the audit is for reviewers; your token has the role " + str(error.principal.role)
        if not _wants_html(request):
            return error_response(403, "forbidden", message)
        return _html(
            "forbidden.html",
            request,
            None,
            status_code=403,
            message=message,
            signed_in_as=error.principal.name,
        )


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def reviewer(request: Request, signer: Signer) -> Principal:
    """The signed-in reviewer: bearer header for scripts, else the session cookie."""
    header = request.headers.get("authorization")
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if header:
        principal = signer.verify_header(header)
    elif cookie := request.cookies.get(COOKIE):
        try:
            principal = signer.verify(cookie)
        except Unauthorized as error:
            raise SignInRequired(path, error.message) from None
    elif _wants_html(request):
        raise SignInRequired(path)
    else:
        raise Unauthorized("sign in at /audit/sign-in or send 'Authorization: Bearer <token>'")
    if not principal.is_reviewer:
        raise ReviewersOnly(principal)
    return principal


Reviewer = Annotated[Principal, Depends(reviewer)]


def _seen(read_side: ReadSide, who: Principal, page: str, conversation: UUID | None = None) -> None:
    read_side.page_views.record(who.name, str(who.role), conversation, page)


def _html(
    name: str, request: Request, who: Principal | None, status_code: int = 200, **values: Any
) -> HTMLResponse:
    """A page; the security headers (CSP, nosniff, referrer) come from `api/security.py`."""
    token = csrf.token_for(request)
    body = templates.get_template(name).render(request=request, who=who, csrf=token, **values)
    response = HTMLResponse(body, status_code=status_code, headers={"Cache-Control": "no-store"})
    csrf.remember(request, response, token)
    return response


async def _form(request: Request) -> dict[str, str]:
    """The posted form's first value per field (urlencoded, as the pages' forms send it)."""
    fields = parse_qs((await request.body()).decode("utf-8", "replace"))
    return {key: values[0] for key, values in fields.items()}


# -- sign-in ------------------------------------------------------------------------------------


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str = "/audit", why: str = "") -> HTMLResponse:
    return _html("sign_in.html", request, None, next=_safe_next(next), message=why)


@router.post("/sign-in", response_model=None)
async def sign_in(request: Request, signer: Signer) -> Response:
    """A pasted token, with or without its `Bearer ` prefix, becomes the session cookie."""
    form = await _form(request)
    csrf.check(request, form)
    token = BEARER.sub("", form.get("token", "").strip()).strip()
    next_path = _safe_next(form.get("next", "/audit"))
    try:
        principal = signer.verify(token)
    except Unauthorized as error:
        return _html(
            "sign_in.html", request, None, status_code=401, next=next_path, message=error.message
        )
    if not principal.is_reviewer:
        raise ReviewersOnly(principal)
    response = RedirectResponse(next_path, status_code=303)
    # No Max-Age: the session ends with the browser session, as the sign-in page says.
    csrf.set_cookie(request, response, COOKIE, token)
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    csrf.check(request, await _form(request))
    response = RedirectResponse("/audit/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/audit")
    return response


def _safe_next(path: str) -> str:
    """Only back into the audit: a sign-in link must not redirect anywhere else."""
    return path if path.startswith("/audit") and "//" not in path and "\\" not in path else "/audit"


# -- endings ------------------------------------------------------------------------------------


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"not a date (YYYY-MM-DD): {value!r}") from None


def _text(value: str | None) -> str | None:
    """A filter's text; the database cannot compare NUL, so it is a bad input, not a crash."""
    if value and "\x00" in value:
        raise BadInput(f"a filter may not contain NUL characters: {value!r}")
    return value or None


def _period(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """Whole UTC days, `until` included; the last day of the calendar has no end bound."""
    first, last = _day(since), _day(until)
    return (
        None if first is None else datetime.combine(first, day_start(), UTC),
        None
        if last is None or last == date.max
        else datetime.combine(last + timedelta(days=1), day_start(), UTC),
    )


def _endings(
    request: Request, who: Principal, read_side: ReadSide, contested: bool
) -> HTMLResponse:
    q = request.query_params
    choice = {key: _text(q.get(key)) for key in ("reason", "model", "policy_version", "category")}
    since, until = _period(q.get("since"), q.get("until"))
    filters = reads.EndingFilter(since, until, contested=contested, **choice)
    read = read_side.read
    rows = read(
        reads.endings_page, None, filters, decode_cursor("ending", q.get("after")), PAGE + 1
    )
    rows, more = page_of(rows, PAGE)
    older = None
    if more:
        older = urlencode(
            {
                **{k: v for k, v in q.items() if k != "after"},
                "after": encode_cursor("ending", rows[-1]["seq"]),
            }
        )
    _seen(read_side, who, request.url.path)
    return _html(
        "endings.html",
        request,
        who,
        rows=rows,
        older=older,
        contested=contested,
        facets=read(reads.ending_facets, None),
        reasons=tuple(EndReason),
        chosen={**choice, "since": q.get("since", ""), "until": q.get("until", "")},
    )


@router.get("", response_class=HTMLResponse)
def endings(request: Request, who: Reviewer, read_side: Reads) -> HTMLResponse:
    return _endings(request, who, read_side, contested=False)


@router.get("/contested", response_class=HTMLResponse)
def contested(request: Request, who: Reviewer, read_side: Reads) -> HTMLResponse:
    """Endings whose ending message the user rated down, with their verdicts."""
    return _endings(request, who, read_side, contested=True)


# -- statistics and the access log --------------------------------------------------------------


@router.get("/stats", response_class=HTMLResponse)
def statistics(
    request: Request, who: Reviewer, read_side: Reads, since: str = "", until: str = ""
) -> HTMLResponse:
    period = _period(since, until)
    stats = Stats.of(
        read_side.read(reads.stats, None, *period),
        read_side.read(review_reads.review_stats, *period),
    )
    per_day = [(str(d.day), (d.conversations, d.endings)) for d in stats.per_day]
    rate = [(day, (1000 * e / c if c else 0.0,)) for day, (c, e) in per_day]
    charts = {
        "Endings by reason": bars([(b.key, b.endings) for b in stats.by_reason]),
        "Endings by category": bars([(b.key, b.endings) for b in stats.by_category]),
        "Endings by model": bars([(b.key, b.endings) for b in stats.by_model]),
        "Endings by policy version": bars([(b.key, b.endings) for b in stats.by_policy_version]),
    }
    _seen(read_side, who, request.url.path)
    return _html(
        "stats.html",
        request,
        who,
        stats=stats,
        charts=charts,
        per_day=columns(per_day, ("conversations started", "endings")),
        rate=columns(rate, ("endings per 1,000 conversations started that day",)),
        since=since,
        until=until,
    )


@router.get("/views", response_class=HTMLResponse)
def access_log(request: Request, who: Reviewer, read_side: Reads) -> HTMLResponse:
    """Who looked at what: every audit page view, newest first."""
    _seen(read_side, who, request.url.path)
    views = read_side.page_views.recent(None, 500)
    return _html("views.html", request, who, views=views)


# -- a policy in shadow --------------------------------------------------------------------------


@router.get("/shadow", response_class=HTMLResponse)
def shadow_versions(
    request: Request, who: Reviewer, read_side: Reads, registry: Registry
) -> HTMLResponse:
    """Every policy version in the registry, each linking to what it did in shadow."""
    entries = registry.entries(who)
    _seen(read_side, who, request.url.path)
    return _html("shadows.html", request, who, entries=entries)


@router.get("/shadow/{version:path}", response_class=HTMLResponse)
def shadow_report(
    request: Request, who: Reviewer, read_side: Reads, registry: Registry, version: str
) -> HTMLResponse:
    """What a shadowed version would have done to the conversations it decided on: ended
    earlier, later or not at all, by category and model, with examples."""
    entry = registry.entry(who, version)
    report = ShadowReport.of(read_side.read(shadow_reads.shadow_report, entry.version))
    _seen(read_side, who, request.url.path)
    return _html("shadow.html", request, who, report=report, entry=entry)


# -- one case -----------------------------------------------------------------------------------


def _case(read_side: ReadSide, who: Principal, raw: str, page: str) -> cases.CaseFile:
    try:
        conversation_id = UUID(raw)
    except ValueError:
        raise NotFound(f"conversation {raw!r} not found") from None
    row = read_side.read(reads.audit_of, conversation_id, None, read_side.keys)
    if row is None:
        raise NotFound(f"conversation {raw} not found")
    _seen(read_side, who, page, conversation_id)
    return cases.build(row)


def _download(case: cases.CaseFile, body: bytes | str, media_type: str, suffix: str) -> Response:
    name = f"audit-{case.conversation_id}.{suffix}"
    disposition = f'attachment; filename="{name}"'
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/{conversation_id}.json")
def export_json(who: Reviewer, read_side: Reads, conversation_id: str) -> Response:
    case = _case(read_side, who, conversation_id, "export.json")
    return _download(case, case.to_json(), "application/json", "json")


@router.get("/{conversation_id}.md")
def export_markdown(who: Reviewer, read_side: Reads, conversation_id: str) -> Response:
    case = _case(read_side, who, conversation_id, "export.md")
    return _download(case, cases.to_markdown(case), "text/markdown; charset=utf-8", "md")


@router.get("/{conversation_id}", response_class=HTMLResponse)
def case_page(
    request: Request, who: Reviewer, read_side: Reads, conversation_id: str
) -> HTMLResponse:
    case = _case(read_side, who, conversation_id, "case")
    views = read_side.page_views.recent(case.conversation_id, 50)
    return _html("case.html", request, who, case=case, views=views)
