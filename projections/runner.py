"""Keeps a read model up to date: one supervised thread per projection.

The runner holds a session advisory lock for its projection on its own connection, so a
second runner (another process) waits and takes over when the first one's connection
goes. On that same connection it LISTENs to the event store's channel and applies each
batch of new events in one transaction; a second connection reads and decodes the next
batch while the server writes the one before. Any connection error ends the attempt; the
supervisor reconnects with backoff and resumes from the tracked position.
Events are decoded one by one, so an unreadable one is set aside (see `projections.base`)
without its neighbours.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from uuid import UUID

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic
from psycopg import Connection, sql
from psycopg.rows import DictRow, dict_row, tuple_row
from tenacity import wait_exponential

from domain.events import Event
from eventstore.store import EVENTS_TABLE
from eventstore.transcoder import EventMapper, PartialDecoder, partial_decoder
from projections.base import APPLICATION, Batch, Entry, ReadModel, Undecodable
from projections.supervisor import supervise

log = logging.getLogger(__name__)

SELECT_FROM = sql.SQL(
    "SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
).format(sql.Identifier(EVENTS_TABLE))
SELECT_EVENTS = SELECT_FROM + sql.SQL(
    "WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
)
SELECT_EVENT = SELECT_FROM + sql.SQL("WHERE notification_id = %s")
LISTEN = sql.SQL("LISTEN {}").format(sql.Identifier(EVENTS_TABLE))
TRY_LOCK = sql.SQL("SELECT pg_try_advisory_lock(hashtext(%s)) AS locked")


Reads = Callable[[type], frozenset[str] | None]
"""Which fields of an event class a reader needs (None: it ignores the class)."""


def read_batch(
    conn: Connection[DictRow],
    mapper: EventMapper,
    after: int,
    limit: int,
    reads: Reads | None = None,
) -> Batch:
    """Up to `limit` events after notification id `after`, each decoded to a domain event
    (or to why it could not be); with `reads`, only the fields it names (see `decode`)."""
    with conn.cursor(row_factory=tuple_row) as curs:  # tuples: no dict per row
        rows = curs.execute(SELECT_EVENTS, (after, limit), prepare=True).fetchall()
    decoders: dict[str, PartialDecoder] = {}  # by topic, for this batch
    return [(decode(mapper, *row[1:], reads=reads, decoders=decoders), row[0]) for row in rows]


def read_event(
    conn: Connection[DictRow],
    mapper: EventMapper,
    notification_id: int,
    reads: Reads | None = None,
) -> Entry | None:
    """The event at `notification_id`, decoded; None when the store no longer has it."""
    with conn.cursor(row_factory=tuple_row) as curs:
        row = curs.execute(SELECT_EVENT, (notification_id,)).fetchone()
    return None if row is None else decode(mapper, *row[1:], reads=reads)


def decode(
    mapper: EventMapper,
    originator_id: UUID,
    version: int,
    topic: str,
    state: bytes,
    *,
    reads: Reads | None = None,
    decoders: dict[str, PartialDecoder] | None = None,
) -> Entry:
    """A stored event as a domain event, or why it cannot be one (bad JSON, unknown topic,
    a topic that names no event class, a state its class does not accept).

    With `reads`, the topic is resolved first and only the fields a read model reads are
    decoded; an event of a class it ignores is not parsed at all (it only moves the read
    model's position). `decoders` keeps what was worked out for each topic, for the next
    event of that topic."""
    try:
        if reads is None:
            event = mapper.to_domain_event(StoredEvent(originator_id, version, topic, state))
        else:
            make = None if decoders is None else decoders.get(topic)
            if make is None:
                make = _decoder(mapper, topic, reads)
                if decoders is not None:
                    decoders[topic] = make
            event = make(originator_id, version, state)
        if not isinstance(event, Event):
            raise TypeError(f"the topic names {type(event).__name__}, not an event")
    except Exception as error:
        return Undecodable(originator_id, version, error)
    return event


def _decoder(mapper: EventMapper, topic: str, reads: Reads) -> PartialDecoder:
    cls = resolve_topic(topic)
    if not (isinstance(cls, type) and issubclass(cls, Event)):
        raise TypeError(f"the topic names {getattr(cls, '__name__', cls)}, not an event")
    return partial_decoder(mapper, cls, reads(cls) or frozenset())


class ReadModelRunner:
    """Keeps one read model up to date. Not eventsourcing's `ProjectionRunner`: that one hands
    its projection one event at a time and stops at the first that fails, where this one
    applies batches, sets bad events aside, and lets a second process wait on its lock."""

    def __init__(
        self,
        view: ReadModel,
        conninfo: str,
        mapper: EventMapper,
        *,
        batch_size: int = 1000,
        rebuild: bool = False,
        wake_interval: float = 1.0,
    ) -> None:
        self.view = view
        self.conninfo = conninfo
        self.mapper = mapper
        self.batch_size = batch_size
        self.rebuild = rebuild
        self.wake_interval = wake_interval
        self.processed = 0
        self.holds_lock = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._supervise, name=f"projection-{view.name}", daemon=True
        )
        self._backend_pid: int | None = None

    @property
    def backend_pid(self) -> int | None:
        """The Postgres backend this runner is connected through (for fault tests)."""
        return self._backend_pid

    def start(self) -> ReadModelRunner:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _supervise(self) -> None:
        supervise(
            f"projection {self.view.name}",
            self._attempt,
            self._stopping,
            wait=wait_exponential(multiplier=0.1, max=5.0),
            retry_on=Exception,
            pause=0.1,
        )

    def _attempt(self) -> None:
        try:
            self._run()
        finally:
            self.holds_lock.clear()
            self._backend_pid = None

    def _run(self) -> None:
        connect = partial(psycopg.connect, self.conninfo, autocommit=True, row_factory=dict_row)
        with connect() as conn:
            self._backend_pid = conn.info.backend_pid
            if not self._lock(conn):
                return
            if self.rebuild:
                self.view.reset(conn)
                self.rebuild = False
                log.info("projection %s reset; rebuilding from 0", self.view.name)
            conn.execute(LISTEN)
            position = self.view.position(conn) or 0
            with connect() as source, ThreadPoolExecutor(1, f"{self.view.name}-writer") as writer:
                self._follow(conn, source, writer, position)

    def _follow(
        self,
        conn: Connection[DictRow],
        source: Connection[DictRow],
        writer: ThreadPoolExecutor,
        position: int,
    ) -> None:
        """Apply batches on `conn` from `position`, reading and decoding each batch from
        `source` while the server still writes the one before (on the writer thread, whose
        waits leave this thread the interpreter). At most one batch is in flight; a failed
        write ends the attempt, which resumes from the tracking row. Idle, it waits on
        `conn` for a NOTIFY."""
        pending: Future[None] | None = None
        while not self._stopping.is_set():
            batch = read_batch(source, self.mapper, position, self.batch_size, self.view.fields_of)
            if pending is not None:
                pending.result()
                pending = None
            if batch:
                position = batch[-1][1]
                pending = writer.submit(self._write, conn, batch)
                continue
            while not self._stopping.is_set() and not _notified(conn, self.wake_interval):
                pass
        if pending is not None:
            pending.result()

    def _write(self, conn: Connection[DictRow], batch: Batch) -> None:
        """Apply `batch` (on the writer thread, the only one that counts what is processed)."""
        self.view.process_batch(conn, batch)
        self.processed += len(batch)

    def _lock(self, conn: Connection[DictRow]) -> bool:
        """Wait for this projection's advisory lock; False if stopped while waiting."""
        key = f"{APPLICATION}.projection.{self.view.name}"
        while not self._stopping.is_set():
            row = conn.execute(TRY_LOCK, (key,)).fetchone()
            if row and row["locked"]:
                self.holds_lock.set()
                return True
            self._stopping.wait(0.5)
        return False


def _notified(conn: Connection[DictRow], timeout: float) -> bool:
    """Block until the event store NOTIFYs (True) or `timeout` passes (False)."""
    return any(True for _ in conn.notifies(timeout=timeout, stop_after=1))
