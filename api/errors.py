"""Every error leaves the API as `{"error": {"code", "message"}}`, never as a bare 500."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg import OperationalError as PsycopgOperationalError
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.error_codes import http_status
from api.rest_models import ErrorResponse
from domain.errors import DomainError, ModelUnavailable

log = logging.getLogger(__name__)

HTTP_CODES = {404: "not_found", 413: "body_too_large"}  # 405 is answered on its own, with `Allow`
DATABASE_ERRORS = (PsycopgOperationalError, StoreOperationalError, StoreInterfaceError)
DATABASE_DOWN = ("unavailable", "the database is unavailable; retry shortly")
INTERNAL = ("internal", "internal error")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def error_fields(error: Exception) -> tuple[str, str]:
    """The code and message `error` answers with once a response has begun (an event of a
    stream): the same as in the JSON error bodies of the handlers below."""
    if isinstance(error, DomainError):
        return error.code, error.message
    if isinstance(error, DATABASE_ERRORS):
        return DATABASE_DOWN
    return INTERNAL


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the error responses a route can give.

    Every route may also answer 405 (with `Allow`) to a method it does not take.
    """
    return {s: {"model": ErrorResponse, "description": f"error {s}"} for s in (*statuses, 405)}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, error: DomainError) -> JSONResponse:
        # a client's mistake, which anyone can repeat at will: one line, no traceback
        log.info("request refused (%s): %r", error.code, error.message)
        headers = None
        if isinstance(error, ModelUnavailable):  # nothing was stored: say when to resend
            headers = {"Retry-After": str(error.retry_after)}
        return error_response(http_status(error), error.code, error.message, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        message = _describe(error.errors())
        content_type = request.headers.get("content-type", "")
        length = request.headers.get("content-length", "0")
        has_body = length != "0" or "transfer-encoding" in request.headers
        if "json" not in content_type and has_body:
            sent = f"as {content_type!r}" if content_type else "without a Content-Type"
            message += f" (the body was sent {sent}: send JSON as application/json)"
        return error_response(422, "bad_input", message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 400 and error.__cause__ is not None:  # FastAPI could not decode
            return error_response(422, "bad_input", _unreadable(error.__cause__))
        if error.status_code == 405:
            allowed = _allowed_methods(request)
            message = f"{request.method} is not allowed here; use {allowed}"
            return error_response(405, "method_not_allowed", message, {"Allow": allowed})
        code = HTTP_CODES.get(error.status_code, "http_error")
        return error_response(error.status_code, code, str(error.detail), error.headers)

    @app.exception_handler(PsycopgOperationalError)
    @app.exception_handler(StoreOperationalError)  # the event store wraps psycopg's errors
    @app.exception_handler(StoreInterfaceError)
    async def database_down(_: Request, error: Exception) -> JSONResponse:
        log.warning("database unavailable: %s", error)
        return error_response(503, *DATABASE_DOWN)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=error)
        return error_response(500, *INTERNAL)


def _describe(errors: Any) -> str:
    parts = []
    for error in errors:
        if error.get("type") == "json_invalid":
            at = error.get("loc", ("body", "?"))[-1]
            reason = error.get("ctx", {}).get("error", "invalid")
            parts.append(f"the body is not valid JSON: {reason} (at character {at})")
            continue
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        parts.append(f"{where or 'body'}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _unreadable(cause: BaseException | None) -> str:
    """Why a body could not be decoded at all, for the client to fix."""
    if isinstance(cause, UnicodeError):
        return "the body is not valid JSON: it is not UTF-8 text"
    if isinstance(cause, RecursionError):
        return "the body is not valid JSON we accept: it is nested too deeply"
    return "the body could not be read as JSON"


def _allowed_methods(request: Request) -> str:
    """Every method some route takes at this path (several routes may share a path, as
    GraphQL's GET and POST do, and the router names only the first in its 405)."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    )


class BodyLimit:
    """Refuses request bodies over `max_bytes` with 413 before the app reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen, refused, started = 0, False, False

        # FastAPI turns any error raised while it reads the body into a 400, so an oversized
        # body without Content-Length is refused here: answer 413, tell the app the client
        # left, and drop whatever it answers to that.
        async def counting_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes and not started:
                refused = True
                await self._refuse(scope, receive, send)
                return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if not refused:
                started = True
                await send(message)

        await self.app(scope, counting_receive, guarded_send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413, "body_too_large", f"request body over {self.max_bytes} bytes"
        )
        await response(scope, receive, send)
