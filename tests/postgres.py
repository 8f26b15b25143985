"""Postgres for the tests: database URLs, and a throwaway embedded server.

URLs may name a TCP host or, for the embedded Postgres, a socket folder (`?host=/path`),
so they are taken apart with psycopg's conninfo parser, never by splitting on `/`."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg


def dbname(url: str) -> str:
    return str(psycopg.conninfo.conninfo_to_dict(url)["dbname"])


def with_dbname(url: str, name: str) -> str:
    """`url` pointing at the database `name`, as a URL every part of lastresort accepts."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    user = info.get("user") or "postgres"
    password = info.get("password") or ""
    host = str(info.get("host") or "127.0.0.1")
    port = info.get("port") or "5432"
    if host.startswith("/"):
        return f"postgresql://{user}:{password}@/{name}?host={host}&port={port}"
    return f"postgresql://{user}:{password}@{host}:{port}/{name}"


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """A temporary folder outside pytest's own, removed on exit.

    Run as root, an embedded Postgres runs as another OS user, which must reach its data
    folder for as long as it runs; pytest makes its folders private again whenever a
    session starts, so a Postgres kept under them can lose its data folder mid-test."""
    folder = Path(tempfile.mkdtemp(prefix="lastresort-pg-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def embedded_postgres() -> Iterator[Any]:
    """A throwaway embedded Postgres (a pgserver `PostgresServer`): stopped and deleted on exit."""
    from pgserver import get_server  # type: ignore[attr-defined]  # only the fallback needs it

    with scratch_folder() as folder:
        server = get_server(folder / "pgdata", cleanup_mode="delete")
        try:
            yield server
        finally:
            server.cleanup()
