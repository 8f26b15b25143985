"""The audit page-view log: who opened which audit page or case file, and when.

Auditing the auditors is a write, made by the audit pages and `lastresort audit` as they
are served; it sits beside the read models (same database, same pool) but no projection
writes it, so a rebuild keeps it. Its reads live here too, so the log has one home.
"""

from __future__ import annotations

from uuid import UUID

from psycopg import Connection, sql
from psycopg.rows import DictRow
from psycopg_pool import ConnectionPool

from projections.base import Row

INSERT_PAGE_VIEW = sql.SQL(
    "INSERT INTO audit_page_views (viewer, role, conversation_id, page, at) "
    "VALUES (%s, %s, %s, %s, now())"
)
SELECT_PAGE_VIEWS = sql.SQL(
    "SELECT viewer, role, conversation_id, page, at FROM audit_page_views "
    "WHERE (%(id)s::uuid IS NULL OR conversation_id = %(id)s) ORDER BY id DESC LIMIT %(limit)s"
)


class PageViewLog:
    def __init__(self, pool: ConnectionPool[Connection[DictRow]]) -> None:
        self._pool = pool

    def record(self, viewer: str, role: str, conversation_id: UUID | None, page: str) -> None:
        with self._pool.connection() as conn:
            conn.execute(INSERT_PAGE_VIEW, (viewer, role, conversation_id, page))

    def recent(self, conversation_id: UUID | None, limit: int) -> list[Row]:
        """Newest first; views of every page when `conversation_id` is None."""
        with self._pool.connection() as conn:
            return conn.execute(
                SELECT_PAGE_VIEWS, {"id": conversation_id, "limit": limit}
            ).fetchall()
