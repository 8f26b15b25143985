"""Read-your-writes: a reader waits (bounded) until the projections have its last write.

Projections NOTIFY `name:position` when a batch commits; the watcher follows those on one
LISTEN connection per process, so waiting costs no queries. On a streaming replica
(`DATABASE_READ_URL`) there is no NOTIFY, and a position committed on the primary is not yet
readable there: the watcher reads the replica's own tracking rows instead, every
POLL_SECONDS while a read waits and every IDLE_SECONDS otherwise, so a read waits for the
write to be replayed where it will be read. The service reports the
notification id each command wrote per principal, so any later read by the same principal in
this process waits for it; a client talking to several processes passes the id it got
back (`X-Read-After`) instead.

Requests wait on the event loop (`until`): each wait is a future the watcher's thread
resolves, so no number of waiting requests can hold the worker threads other requests'
reads run on.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql
from tenacity import wait_fixed

from domain.access import Principal
from projections.base import PROGRESS_CHANNEL, ReadModel
from projections.supervisor import supervise

log = logging.getLogger(__name__)

WAIT_SECONDS = 2.0  # the longest a read waits for its caller's last write (the bound)
POLL_SECONDS = 0.01  # on a replica, how often positions are read while a read waits
IDLE_SECONDS = 1.0  # ... and while none does (keeps `seen` roughly current)


class ProgressWatcher:
    """The position of every projection, as last committed in the database at `conninfo`:
    kept current by LISTEN when the projections write there (`listen`), else by polling."""

    def __init__(self, conninfo: str, views: Sequence[ReadModel], *, listen: bool = True) -> None:
        self.conninfo = conninfo
        self._views = views
        self._listen = listen
        self._positions = {view.name: 0 for view in views}
        self._changed = threading.Condition()
        self._waiting: dict[asyncio.Future[None], int] = {}
        self._blocked = 0  # threads in `wait`
        self._wanted = threading.Event()  # a read started waiting: poll now
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._supervise, name="progress-watcher", daemon=True
        )

    def start(self) -> ProgressWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._wanted.set()
        if self._thread.is_alive():
            self._thread.join(5)

    @property
    def seen(self) -> int:
        """The highest position any projection has committed: every id up to it exists."""
        with self._changed:
            return max(self._positions.values(), default=0)

    @property
    def pending(self) -> int:
        """How many coroutines are waiting in `until` right now."""
        with self._changed:
            return len(self._waiting)

    def wait(self, notification_id: int | None, timeout: float) -> bool:
        """Block this thread until every projection has `notification_id` (True) or `timeout`
        passes (the CLI, benchmarks and tests; requests use `until`, which holds no thread)."""
        if not notification_id:
            return True
        with self._changed:
            self._blocked += 1
            self._wanted.set()
            try:
                return self._changed.wait_for(lambda: self._has(notification_id), timeout)
            finally:
                self._blocked -= 1

    async def until(self, notification_id: int | None, timeout: float) -> bool:
        """Wait on the event loop until every projection has `notification_id` (True) or
        `timeout` passes (False); the watcher's thread resolves the future."""
        if not notification_id:
            return True
        future = asyncio.get_running_loop().create_future()
        with self._changed:
            if self._has(notification_id):
                return True
            self._waiting[future] = notification_id
            self._wanted.set()
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return False
        finally:
            with self._changed:
                self._waiting.pop(future, None)
        return True

    def _has(self, notification_id: int) -> bool:
        """Every projection has `notification_id` (the caller holds `_changed`)."""
        return min(self._positions.values()) >= notification_id

    def _set(self, name: str, position: int) -> None:
        with self._changed:
            self._positions[name] = position
            self._changed.notify_all()
            ready = [future for future, wanted in self._waiting.items() if self._has(wanted)]
            for future in ready:
                del self._waiting[future]
        for future in ready:
            _resolve_soon(future)

    def _supervise(self) -> None:
        supervise(
            "progress watcher",
            self._run,
            self._stopping,
            wait=wait_fixed(0.5),
            retry_on=psycopg.Error,
            pause=0.5,
        )

    def _run(self) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            if self._listen:
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(PROGRESS_CHANNEL)))
            self._read_positions(conn)
            while not self._stopping.is_set():
                if self._listen:
                    self._follow(conn)
                else:
                    self._pause()
                    self._read_positions(conn)

    def _read_positions(self, conn: psycopg.Connection[Any]) -> None:
        for view in self._views:
            self._set(view.name, view.position(conn) or 0)

    def _follow(self, conn: psycopg.Connection[Any]) -> None:
        for notify in conn.notifies(timeout=1.0):
            name, _, position = notify.payload.partition(":")
            if name in self._positions:
                self._set(name, int(position))

    def _pause(self) -> None:
        """Until the next poll: POLL_SECONDS while a read waits, else until one starts to
        (or IDLE_SECONDS pass)."""
        with self._changed:
            waiting = bool(self._waiting) or self._blocked > 0
        if waiting:
            self._stopping.wait(POLL_SECONDS)
        else:
            self._wanted.wait(IDLE_SECONDS)
        self._wanted.clear()


def _resolve_soon(future: asyncio.Future[None]) -> None:
    """Resolve `future` on its own event loop (this runs on the watcher's thread)."""
    try:
        future.get_loop().call_soon_threadsafe(_resolve, future)
    except RuntimeError:  # that loop has closed: nobody is waiting any more
        log.debug("a read-your-writes wait outlived its event loop")


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():  # a timed-out or cancelled wait has already given up
        future.set_result(None)


class LastWrites:
    """The last notification id each principal wrote through this process."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._lock = threading.Lock()

    def note(self, principal: Principal, notification_id: int) -> None:
        with self._lock:
            self._ids[principal.name] = max(notification_id, self._ids.get(principal.name, 0))

    def of(self, principal: Principal) -> int:
        with self._lock:
            return self._ids.get(principal.name, 0)
