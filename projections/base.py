"""What every read model shares: rows and tracking position written in one transaction.

A read model turns each event into SQL operations; a batch of events becomes one
transaction (pipelined, so its statements cost no round trips; a run of rows for one
`Insert` goes as multi-row INSERTs, any other run as one `executemany`) that ends by
advancing the tracking row. The tracking insert refuses to go backwards or repeat, so a
batch is applied exactly once even if two writers ever raced.

No event can stop a read model: one that cannot be decoded is set aside (quarantined) in
the batch's own transaction; when a batch fails because of an event, its halves are
committed apart, down to the one bad event, which is set aside with the tracking row in a
transaction of its own. Every good event is still applied exactly once.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Connection, Cursor, sql
from psycopg.rows import DictRow, dict_row

from domain.events import Event
from eventstore.store import ConversationStore
from projections import quarantine

log = logging.getLogger(__name__)
APPLICATION = ConversationStore.name
PROGRESS_CHANNEL = "lastresort_projections"
"""Each batch NOTIFYs `name:position` here on commit; readers wait on it for their writes."""

Row = dict[str, Any]
"""A read-model row as its queries return it (`dict_row`): column name to value."""

MAX_PARAMS = 50
"""Parameters per multi-row INSERT: psycopg caches a statement's parsing only up to 50."""


class Insert:
    """Rows for `table`: a read model yields `(insert, values)` per row, and a run of them is
    written as `INSERT INTO table (columns) VALUES (...), (...)` built with `psycopg.sql`.
    `casts` give some columns' placeholders a type (`{"data": "jsonb"}`)."""

    def __init__(
        self, table: str, columns: Sequence[str], *, casts: Mapping[str, str] | None = None
    ) -> None:
        casts = casts or {}
        self.width = len(columns)
        self._head = sql.SQL("INSERT INTO {} ({}) VALUES ").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        self._row = sql.SQL("({})").format(
            sql.SQL(", ").join(
                sql.SQL("{}::{}").format(sql.Placeholder(), sql.SQL(casts[column]))
                if column in casts
                else sql.Placeholder()
                for column in columns
            )
        )
        self._statements: dict[int, bytes] = {}

    def rows(self, count: int) -> bytes:
        """The statement inserting `count` rows (made once per count)."""
        statement = self._statements.get(count)
        if statement is None:
            rows = sql.SQL(", ").join([self._row] * count)
            statement = self._statements[count] = (self._head + rows).as_bytes(None)
        return statement


Operation = tuple[Insert | sql.SQL | sql.Composed, Sequence[Any] | Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Undecodable:
    """A stored event the mapper could not turn into a domain event, and why."""

    originator_id: UUID
    originator_version: int
    error: Exception


Entry = Event | Undecodable
Batch = Sequence[tuple[Entry, int]]
"""Events (or why they could not be read) with their notification ids, in notification order."""


class ReadModel(PostgresTrackingRecorder, ABC):
    """A projection's materialised view: its tables, and how events change them."""

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]

    def __init__(self, datastore: PostgresDatastore) -> None:
        super().__init__(datastore, tracking_table_name=self.tracking_table())
        self._notify = sql.SQL("SELECT pg_notify({}, %s)").format(sql.Literal(PROGRESS_CHANNEL))
        self._reset = [
            sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, self.tables))),
            sql.SQL("DELETE FROM {} WHERE application_name = %s").format(
                sql.Identifier(self.tracking_table_name)
            ),
        ]

    @classmethod
    def tracking_table(cls) -> str:
        return f"rm_{cls.name}_tracking"

    @abstractmethod
    def operations(self, event: Event, notification_id: int) -> Iterable[Operation]:
        """The statements that apply `event` to this read model (none if it is irrelevant)."""

    def position(self, conn: Connection[Any]) -> int | None:
        """The last notification id applied, read by the library inside `conn`'s transaction."""
        with conn.cursor(row_factory=dict_row) as curs:
            return self._max_tracking_id(APPLICATION, curs)

    def process_batch(self, conn: Connection[DictRow], batch: Batch) -> int:
        """Apply `batch` and record its last notification id; return that id.

        One transaction when every event applies (the normal case); otherwise only the
        events to blame are set aside, each good one applied once (see `_apply`).
        """
        self._apply(conn, batch)
        return batch[-1][1]

    def retry(
        self, conn: Connection[DictRow], notification_id: int, entry: Entry | None
    ) -> Exception | None:
        """Apply a quarantined event again, taking it out of quarantine in the same transaction;
        None when done (or when `entry` is None: the event is gone from the store), else the
        error it still fails with, recorded in its quarantine row."""
        try:
            with conn.transaction(), conn.cursor() as curs:
                # False when taken out meanwhile (by a rebuild or another retry)
                if not quarantine.release(curs, self.name, notification_id) or entry is None:
                    return None
                if isinstance(entry, Undecodable):
                    raise entry.error
                self._write(curs, self.operations(entry, notification_id))
        except Exception as error:
            if conn.broken or entry is None or not quarantine.blames_event(error):
                raise
            with conn.transaction(), conn.cursor() as curs:
                self._write(curs, [self._set_aside(entry, notification_id, error)])
            return error
        return None

    def _apply(self, conn: Connection[DictRow], batch: Batch) -> None:
        """Commit `batch` in one transaction; if an event is to blame, commit its halves apart,
        down to the single bad event, which is set aside (so good events commit exactly once,
        in order, and a bad one costs about 2·log2(batch) transactions)."""
        try:
            self._commit(conn, self._operations(batch), batch[-1][1])
        except Exception as error:
            if conn.broken or not quarantine.blames_event(error):
                raise
            if len(batch) == 1:
                entry, notification_id = batch[0]
                self._commit(
                    conn, [self._set_aside(entry, notification_id, error)], notification_id
                )
                self._log_set_aside(entry, notification_id, error)
                return
            middle = len(batch) // 2
            self._apply(conn, batch[:middle])
            self._apply(conn, batch[middle:])
        else:
            for entry, notification_id in batch:
                if isinstance(entry, Undecodable):
                    self._log_set_aside(entry, notification_id, entry.error)

    def _operations(self, batch: Batch) -> Iterator[Operation]:
        for entry, notification_id in batch:
            if isinstance(entry, Undecodable):
                yield self._set_aside(entry, notification_id, entry.error)
            else:
                yield from self.operations(entry, notification_id)

    def _log_set_aside(self, entry: Entry, notification_id: int, error: Exception) -> None:
        """Say what was set aside, with the sanitised error only (never the event)."""
        log.warning(
            "projection %s set aside event %s of %s: %s",
            self.name,
            notification_id,
            entry.originator_id,
            quarantine.summary(error),
        )

    def _set_aside(self, entry: Entry, notification_id: int, error: Exception) -> Operation:
        """The statement that quarantines `entry`."""
        return quarantine.record(
            self.name, notification_id, entry.originator_id, entry.originator_version, error
        )

    def _commit(
        self, conn: Connection[DictRow], operations: Iterable[Operation], last: int
    ) -> None:
        """`operations`, then the tracking row at `last` and its NOTIFY, in one transaction."""
        with conn.transaction(), conn.pipeline(), conn.cursor() as curs:
            self._write(curs, operations)
            self._insert_tracking(curs, Tracking(APPLICATION, last))
            curs.execute(self._notify, (f"{self.name}:{last}",))

    @staticmethod
    def _write(curs: Cursor[DictRow], operations: Iterable[Operation]) -> None:
        """Runs of one `Insert` as multi-row INSERTs, runs of any other statement as one
        `executemany`."""
        for statement, run in groupby(operations, key=itemgetter(0)):
            params = [p for _, p in run]
            if not isinstance(statement, Insert):
                curs.executemany(statement, params)
                continue
            size = max(1, MAX_PARAMS // statement.width)
            for start in range(0, len(params), size):
                chunk = params[start : start + size]
                curs.execute(statement.rows(len(chunk)), [value for p in chunk for value in p])

    def reset(self, conn: Connection[DictRow]) -> None:
        """Empty the read model, its position and its quarantine: the runner rebuilds it from 0."""
        with conn.transaction(), conn.cursor() as curs:
            curs.execute(self._reset[0])
            curs.execute(self._reset[1], (APPLICATION,))
            quarantine.clear(curs, self.name)
