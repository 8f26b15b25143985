"""One definition of each read-model query, run on a blocking or an asyncio connection.

A query is a generator: it yields each statement it needs (`Select`) and is sent back that
statement's rows, so one that depends on an earlier answer (an audit's evidence needs the
ending's cited positions) is still written once. `run` drives it on a psycopg `Connection`
(the audit pages, the CLI), `run_async` on an `AsyncConnection` (GraphQL and REST reads, on
the event loop with no thread in between).
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any, TypeVar

from psycopg import AsyncConnection, Connection, sql
from psycopg.rows import DictRow

from projections.base import Row

T = TypeVar("T")
Select = tuple[sql.SQL | sql.Composed, Mapping[str, Any]]
Query = Generator[Select, list[Row], T]
"""Yields statements, is sent each one's rows, returns what the caller gets."""


def run(conn: Connection[DictRow], query: Query[T]) -> T:
    rows: list[Row] | None = None
    try:
        while True:
            statement, params = query.send(rows)  # type: ignore[arg-type]  # None starts it
            rows = conn.execute(statement, params).fetchall()
    except StopIteration as done:
        result: T = done.value
        return result


async def run_async(conn: AsyncConnection[DictRow], query: Query[T]) -> T:
    rows: list[Row] | None = None
    try:
        while True:
            statement, params = query.send(rows)  # type: ignore[arg-type]  # None starts it
            rows = await (await conn.execute(statement, params)).fetchall()
    except StopIteration as done:
        result: T = done.value
        return result


def first(rows: list[Row]) -> Row | None:
    return rows[0] if rows else None
