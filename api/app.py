"""The FastAPI application: routes, error handling and the lifetime of what it is given."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from typing import Annotated

from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse, Response

from api.api_docs import install as install_api_docs
from api.assets import install as install_static_files
from api.audit.pages import install as install_audit_pages
from api.conversations import router as conversations
from api.dependencies import Services
from api.errors import BodyLimit, install_error_handlers, responses
from api.graphql.schema import graphql_router
from api.home import install as install_home
from api.me import router as me
from api.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from api.operations import Readiness, RequestContext, is_reviewer, readiness, readiness_body
from api.rest_models import body_limit, document_text_limit
from api.security import secure
from api.streaming import turn_threads


def create_app(services: Services) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        services.read_side.start()
        await services.read_side.open_async()
        yield
        turn_threads.finish(services.service.turn_deadline)
        await services.read_side.close_async()
        services.close()

    app = FastAPI(
        title="lastresort",
        summary="Conversations whose assistant ends them only as a last resort",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served from the app's own files (api/api_docs.py)
        redoc_url=None,
    )
    app.state.services = services
    limits = services.limits
    schema = app.openapi
    app.openapi = cache(lambda: document_text_limit(schema(), limits.max_text_chars))  # type: ignore[method-assign]
    install_error_handlers(app)
    app.include_router(conversations)
    app.include_router(me)
    app.include_router(graphql_router(limits.production))
    install_audit_pages(app)
    install_static_files(app)
    install_api_docs(app)
    install_home(app, limits.production)

    @app.get("/healthz", tags=["operations"], responses=responses())
    def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get(
        "/readyz",
        tags=["operations"],
        response_model=Readiness,
        responses={
            503: {"model": Readiness, "description": "Database unreachable or lagging"},
            **responses(),
        },
    )
    def readyz(authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
        """Database reachable and every read model within the lag bound: 200 (`ready`, or
        `degraded` when events are quarantined), else 503. Only the status unless the
        bearer token is a reviewer's."""
        detail = is_reviewer(services.signer, authorization)
        report = readiness(services.read_side.pool, limits.ready_max_lag, detail)
        body = readiness_body(report, detail)
        return JSONResponse(body, status_code=200 if report.serving else 503)

    @app.get(
        "/metrics",
        tags=["operations"],
        response_class=Response,
        responses={200: {"content": {METRICS_CONTENT_TYPE: {}}}, **responses()},
    )
    def metrics() -> Response:
        """Prometheus text: turns by action, endings by reason, model tokens and latency."""
        return Response(services.metrics.render(), media_type=METRICS_CONTENT_TYPE)

    app.add_middleware(
        BodyLimit, max_bytes=body_limit(limits.max_body_bytes, limits.max_text_chars)
    )
    app.add_middleware(RequestContext)
    secure(app)
    return app
