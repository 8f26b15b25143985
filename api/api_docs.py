"""`/docs`: the REST reference (Swagger UI) from this server's own files.

FastAPI's page loads Swagger UI from a public CDN and starts it with an inline script: it
breaks offline and cannot run under the Content-Security-Policy (`script-src 'self'`). This
page loads the copy shipped in `api/static/swagger/` and starts it from a static script.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

PAGE = (Path(__file__).parent / "templates" / "docs.html").read_text()


def install(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(PAGE)
