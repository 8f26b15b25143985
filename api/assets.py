"""The app's own static files: the audit's script and GraphiQL's assets (with their licences).

Shipped in the package and served from this origin, so that the pages work offline and the
Content-Security-Policy can allow scripts from 'self' only.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

FILES = Path(__file__).parent / "static"
CACHE = "public, max-age=604800"  # a week; the ETag revalidates after that


class CachedStaticFiles(StaticFiles):
    """StaticFiles that lets browsers keep the files."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_cached(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message["headers"] = [*message["headers"], (b"cache-control", CACHE.encode())]
            await send(message)

        await super().__call__(scope, receive, send_cached)


def install(app: FastAPI) -> None:
    app.mount("/static", CachedStaticFiles(directory=FILES), name="static")
