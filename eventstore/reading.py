"""Reading the whole record in bulk: read-only snapshots and server-side cursors.

Replay and verify both stream every event; they read through these two helpers so that a
long scan neither writes nor holds more than `FETCH_ROWS` rows in memory.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import RowFactory

FETCH_ROWS = 5000


def read_only(url: str, snapshot: str | None = None) -> psycopg.Connection[Any]:
    """A connection that cannot write, inside the shared `snapshot` when given."""
    conn = psycopg.connect(url)
    conn.read_only = True
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    if snapshot is not None:
        conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
    return conn


def stream_rows(
    conn: psycopg.Connection[Any],
    query: sql.SQL | sql.Composed,
    *,
    name: str = "replay_rows",
    row_factory: RowFactory[Any] | None = None,
) -> Generator[Any, None, None]:
    """Rows through a server-side cursor called `name` (several may stream side by side on
    one connection), never more than `FETCH_ROWS` in memory."""
    with conn.cursor(name=name, row_factory=row_factory or conn.row_factory) as cursor:
        cursor.itersize = FETCH_ROWS
        cursor.execute(query)
        yield from cursor
