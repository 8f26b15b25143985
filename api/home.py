"""`/`: where a newcomer finds the API docs, GraphiQL, the audit, health and metrics.

A browser (`Accept: text/html`) gets a short page; anything else gets the same links as JSON.
The page is a template with no script or inline style (the Content-Security-Policy of
`api/security.py` allows neither).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel

from api.errors import responses

NAME = "lastresort"
templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
)


class Home(BaseModel):
    name: str
    version: str
    links: dict[str, str]


def links(production: bool) -> dict[str, str]:
    """What each link is for, by path; GraphiQL is not served in production."""
    return {
        "/docs": "REST API reference (OpenAPI: /openapi.json)",
        **({} if production else {"/graphql": "GraphQL, with GraphiQL in a browser"}),
        "/audit": "audit pages for reviewers",
        "/healthz": "liveness",
        "/readyz": "readiness: database and read-model lag",
        "/metrics": "Prometheus metrics",
    }


def install(app: FastAPI, production: bool) -> None:
    home = Home(name=NAME, version=app.version, links=links(production))
    page = templates.get_template("home.html").render(home=home)

    @app.get(
        "/",
        tags=["operations"],
        response_model=Home,
        responses={200: {"content": {"text/html": {}}}, **responses()},
    )
    def root(request: Request) -> Response:
        """Where to go from here: JSON, or an HTML page for a browser (`Accept: text/html`)."""
        if "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(page)
        return JSONResponse(home.model_dump())
