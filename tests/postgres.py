"""Database URLs for the tests: the same server under another database name.

URLs may name a TCP host or, for the embedded Postgres, a socket folder (`?host=/path`),
so they are taken apart with psycopg's conninfo parser, never by splitting on `/`."""

from __future__ import annotations

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
