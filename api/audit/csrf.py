"""Cross-site request forgery: only the audit's own pages can make a browser post to it.

A form on another site could otherwise sign a reviewer out, or sign the reviewer's browser in
under the attacker's token (login CSRF: the victim's page views would then be logged as the
attacker's). Every POST from a browser must therefore pass two checks:

- the browser's own word on where the request came from: `Sec-Fetch-Site` must be
  `same-origin` (or `none`: typed by the user), and an `Origin` header must name this host;
- a double-submit token: each page sets a random token in a cookie (HttpOnly, SameSite=Strict,
  scoped to /audit, made before any session exists so that the sign-in form is covered too)
  and repeats it in a hidden form field; another site can neither read the cookie nor guess it.

The `Origin` is compared with the request's `Host`, so a reverse proxy must pass `Host`
through unchanged. A request carrying `Authorization: Bearer …` is exempt: a browser never
adds that header to a cross-site form, so it cannot be forged this way.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response

from domain.errors import Forbidden

CSRF_COOKIE = "lastresort_csrf"
FIELD = "csrf"
SAME_SITE = {"same-origin", "none"}
WELL_FORMED = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
REFUSED = (
    "refused: this form was not sent from the audit's own page (cross-site request); "
    "reload the page and try again"
)


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """A browser-session cookie for /audit only: no script reads it, no other site sends it,
    and it travels only over HTTPS when the page was served over HTTPS."""
    response.set_cookie(
        name,
        value,
        path="/audit",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def token_for(request: Request) -> str:
    """The browser's token if it already has a well-formed one, else a new one."""
    given = request.cookies.get(CSRF_COOKIE, "")
    return given if WELL_FORMED.fullmatch(given) else secrets.token_urlsafe(32)


def remember(request: Request, response: Response, token: str) -> None:
    if request.cookies.get(CSRF_COOKIE) != token:
        set_cookie(request, response, CSRF_COOKIE, token)


def check(request: Request, form: dict[str, str]) -> None:
    """Refuse (403, nothing changed) a POST that another site could have made."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(FIELD, "")
    if (
        (site is not None and site not in SAME_SITE)
        or (origin is not None and urlsplit(origin).netloc != request.url.netloc)
        or not cookie
        or not secrets.compare_digest(cookie.encode(), sent.encode())
    ):
        raise Forbidden(REFUSED)
