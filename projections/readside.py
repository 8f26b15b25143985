"""The read side of one process: read models, their runners (unless run elsewhere), the
progress watcher for read-your-writes, the pools queries run on, and the audit page-view
log kept in the same database.

With a streaming replica (`read_url`, from `DATABASE_READ_URL`) the runners still write
the read models on the primary (`url`), while the read pools and the watcher use the
replica: a read waits until the replica has replayed its caller's last write. The
page-view log is written, so it stays on the primary, on a small pool of its own.

Two read pools on the one read connection string: a blocking one for the audit pages (plain `def`
endpoints, run on worker threads), the CLI and the operations routes, and an asyncio one
GraphQL and REST reads await on the event loop, so a read costs no thread hop. The asyncio
pool belongs to the event loop that serves requests: the app opens it when it starts (in
each `serve --workers` process, after the fork), sized by `LASTRESORT_READ_POOL_SIZE`, and
closes it when it stops."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

import psycopg
from eventsourcing.postgres import PostgresDatastore
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from eventstore.database import eventsourcing_env
from eventstore.transcoder import EventMapper
from projections.audit import AuditView
from projections.base import ReadModel
from projections.consistency import LastWrites, ProgressWatcher
from projections.conversations import ConversationsView
from projections.page_views import PageViewLog
from projections.queries import Query, run, run_async
from projections.reviews import ReviewsView
from projections.runner import ReadModelRunner
from projections.shadows import ShadowsView

T = TypeVar("T")
VIEWS: tuple[type[ReadModel], ...] = (ConversationsView, AuditView, ShadowsView, ReviewsView)
VIEW_NAMES = tuple(view.name for view in VIEWS)
READ_POOL_SIZE = 10


class CountingCursor(psycopg.Cursor[DictRow]):
    """Counts the statements the read side sends (the N+1 test and the benchmark read it);
    `AsyncCountingCursor` adds those of the asyncio pool to the same count."""

    executed: ClassVar[int] = 0

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        CountingCursor.executed += 1
        return super().execute(*args, **kwargs)


class AsyncCountingCursor(psycopg.AsyncCursor[DictRow]):
    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        CountingCursor.executed += 1
        return await super().execute(*args, **kwargs)


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
    mapper: EventMapper,
    names: Sequence[str] = VIEW_NAMES,
    *,
    rebuild: Sequence[str] = (),
    batch_size: int = 1000,
) -> list[ReadModelRunner]:
    datastore = view_datastore(url)
    return [
        ReadModelRunner(
            view(datastore, mapper.keys),
            url,
            mapper,
            batch_size=batch_size,
            rebuild=view.name in rebuild,
        )
        for view in VIEWS
        if view.name in names
    ]


AsyncPool = AsyncConnectionPool[psycopg.AsyncConnection[DictRow]]


class ReadSide:
    def __init__(
        self,
        url: str,
        mapper: EventMapper,
        *,
        read_url: str | None = None,
        run_projections: bool = True,
        pool_size: int = READ_POOL_SIZE,
    ) -> None:
        self.url = url
        self.read_url = read_url = read_url or url
        self.pool_size = pool_size
        self.keys = mapper.keys  # what opens the texts the read models keep sealed
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
        self._async_pool: AsyncPool | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None
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

    async def open_async(self) -> None:
        """Open the asyncio pool on the running event loop (the app's startup): its
        connections and tasks belong to that loop, the one that serves the requests."""
        if self._async_pool is not None:
            return
        self._async_loop = asyncio.get_running_loop()
        self._async_pool = AsyncConnectionPool(
            self.read_url,
            min_size=1,
            max_size=self.pool_size,
            open=False,
            kwargs={
                "autocommit": True,
                "row_factory": dict_row,
                "cursor_factory": AsyncCountingCursor,
            },
        )
        await self._async_pool.open()

    async def close_async(self) -> None:
        """Close the asyncio pool (the app's shutdown, on the loop that opened it)."""
        pool, self._async_pool, self._async_loop = self._async_pool, None, None
        if pool is not None:
            await pool.close()

    def read(self, query: Callable[..., Query[T]], *args: Any) -> T:
        """Run one read-model query on a connection of the blocking pool."""
        with self.pool.connection() as conn:
            return run(conn, query(*args))

    async def fetch(self, query: Callable[..., Query[T]], *args: Any) -> T:
        """Run one read-model query on the asyncio pool, awaiting it on the event loop.

        On a loop whose pool the app did not open (an app driven without its startup, as
        an ASGI transport in a test does) it runs on the blocking pool, on a worker thread."""
        pool = self._async_pool
        if pool is None or self._async_loop is not asyncio.get_running_loop():
            return await asyncio.to_thread(self.read, query, *args)
        async with pool.connection() as conn:
            return await run_async(conn, query(*args))

    def close(self) -> None:
        for runner in self.runners:
            runner.stop()
        self.watcher.stop()
        self.pool.close()
        if self._log_pool is not self.pool:
            self._log_pool.close()
