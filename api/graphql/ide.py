"""GraphiQL from this server's own files, for browsers that open /graphql.

Strawberry's page loads React and GraphiQL from a public CDN with an inline script: it breaks
offline and cannot run under a policy that forbids both. This page loads the copies shipped in
`api/static/graphiql/` (see their LICENSE files) and starts them from a static script.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import HTMLResponse

PAGE = (Path(__file__).parent / "templates" / "graphiql.html").read_text()


def graphiql_page() -> HTMLResponse:
    return HTMLResponse(PAGE, headers={"Cache-Control": "no-store"})
