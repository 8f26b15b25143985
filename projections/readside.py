"""The read side of one process: read models, their runners (unless run elsewhere), the
progress watcher for read-your-writes, the pool GraphQL reads through, and the audit
page-view log kept in the same database.

With a streaming replica (`read_url`, from `DATABASE_READ_URL`) the runners still write
the read models on the primary (`url`), while the pool and the watcher use the replica: a
read waits until the replica has replayed its caller's last write. The page-view log is
written, so it stays on the primary, on a small pool of its own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar
from uuid import UUID

import psycopg
from eventsourcing.persistence import Mapper
from eventsourcing.postgres import PostgresDatastore
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool

from eventstore.database import eventsourcing_env
from projections.audit import AuditView
from projections.consistency import LastWrites, ProgressWatcher
from projections.conversations import ConversationsView
from projections.page_views import PageViewLog
from projections.runner import ReadModelRunner

T = TypeVar("T")
VIEWS: tuple[type[ConversationsView | AuditView], ...] = (ConversationsView, AuditView)
VIEW_NAMES = tuple(view.name for view in VIEWS)


class CountingCursor(psycopg.Cursor[DictRow]):
    """Counts the statements GraphQL sends (the N+1 test and metrics read it)."""

    executed: ClassVar[int] = 0

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        CountingCursor.executed += 1
        return super().execute(*args, **kwargs)


def view_datastore(url: str) -> PostgresDatastore:
    """The library datastore the views are constructed with (its pool opens only if used)."""
    env = eventsourcing_env(url)
    return PostgresDatastore(
        env["POSTGRES_DBNAME"],
        env["POSTGRES_HOST"],
        env["POSTGRES_PORT"],
        env["POSTGRES_USER"],
        env["POSTGRES_PASSWORD"],
    )


def make_runners(
    url: str,
    mapper: Mapper[UUID],
    names: Sequence[str] = VIEW_NAMES,
    *,
    rebuild: Sequence[str] = (),
    batch_size: int = 1000,
) -> list[ReadModelRunner]:
    datastore = view_datastore(url)
    return [
        ReadModelRunner(
            view(datastore), url, mapper, batch_size=batch_size, rebuild=view.name in rebuild
        )
        for view in VIEWS
        if view.name in names
    ]


class ReadSide:
    def __init__(
        self,
        url: str,
        mapper: Mapper[UUID],
        *,
        read_url: str | None = None,
        run_projections: bool = True,
    ) -> None:
        self.url = url
        self.read_url = read_url = read_url or url
        self.runners = make_runners(url, mapper) if run_projections else []
        views = [runner.view for runner in self.runners]  # the watcher reads their positions
        if not views:
            datastore = view_datastore(url)
            views = [view(datastore) for view in VIEWS]
        self.watcher = ProgressWatcher(read_url, views, listen=read_url == url)
        self.last_writes = LastWrites()
        self.pool: ConnectionPool[psycopg.Connection[DictRow]] = ConnectionPool(
            read_url,
            min_size=1,
            max_size=10,
            open=False,
            kwargs={"autocommit": True, "row_factory": dict_row, "cursor_factory": CountingCursor},
        )
        self._log_pool = self.pool
        if read_url != url:
            self._log_pool = ConnectionPool(
                url, min_size=1, max_size=4, open=False, kwargs=self.pool.kwargs
            )
        self.page_views = PageViewLog(self._log_pool)
        self._started = False

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self.pool.open()
        if self._log_pool is not self.pool:
            self._log_pool.open()
        self.watcher.start()
        for runner in self.runners:
            runner.start()

    def read(self, query: Callable[..., T], *args: Any) -> T:
        """Run one read-model query function on a pooled connection."""
        with self.pool.connection() as conn:
            return query(conn, *args)

    def close(self) -> None:
        for runner in self.runners:
            runner.stop()
        self.watcher.stop()
        self.pool.close()
        if self._log_pool is not self.pool:
            self._log_pool.close()
