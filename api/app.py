"""The FastAPI application: routes, error handling and the container's lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

from api.assets import install as install_static_files
from api.audit.pages import install as install_audit_pages
from api.container import Container
from api.conversations import router as conversations
from api.errors import BodyLimit, install_error_handlers
from api.graphql.schema import graphql_router
from api.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from api.operations import RequestContext, readiness
from api.security import secure


def create_app(container: Container) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        container.read_side.start()
        yield
        container.close()

    app = FastAPI(
        title="lastresort",
        summary="Conversations whose assistant ends them only as a last resort",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.container = container
    install_error_handlers(app)
    app.include_router(conversations)
    app.include_router(graphql_router(container.settings.production), prefix="/graphql")
    install_audit_pages(app)
    install_static_files(app)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/readyz", tags=["operations"])
    def readyz() -> JSONResponse:
        """Database reachable and every read model within the lag bound: 200, else 503."""
        ready, body = readiness(container.read_side.pool, container.settings.ready_max_lag)
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/metrics", tags=["operations"], response_class=Response)
    def metrics() -> Response:
        """Prometheus text: turns by action, endings by reason, model tokens and latency."""
        return Response(container.metrics.render(), media_type=METRICS_CONTENT_TYPE)

    app.add_middleware(BodyLimit, max_bytes=container.settings.max_body_bytes)
    app.add_middleware(RequestContext)
    secure(app)
    return app
