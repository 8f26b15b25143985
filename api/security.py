"""Security headers on every response the app gives, errors and 500s included.

- `X-Content-Type-Options: nosniff` everywhere: a browser must never guess that a JSON body or
  a Markdown export holding hostile text is HTML or a script.
- `Referrer-Policy: same-origin` everywhere: audit URLs name conversations, so no other site
  learns them; `no-referrer` would make browsers send `Origin: null` with the pages' own forms,
  which the cross-site check (api/audit/csrf.py) must refuse.
- HTML pages (the audit, GraphiQL) get a Content-Security-Policy that runs only the app's own
  script and style files (no inline script or style, no eval, nothing from another host),
  talks only to this origin, and may not be framed.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
EVERY_RESPONSE = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
HTML_PAGES = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Frame-Options": "DENY"}


class SecurityHeaders:
    """Pure ASGI (no BaseHTTPMiddleware): adds the headers to the response as it starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                added = dict(EVERY_RESPONSE)
                if headers.get("content-type", "").startswith("text/html"):
                    added.update(HTML_PAGES)
                for name, value in added.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def secure(app: FastAPI) -> None:
    """Wrap the whole stack, outside Starlette's own error middleware: a middleware added the
    usual way sits inside it and never sees the 500 answer that middleware sends."""
    build = app.build_middleware_stack

    def outermost() -> ASGIApp:
        return SecurityHeaders(build())

    app.build_middleware_stack = outermost  # type: ignore[method-assign]
