"""What every read model shares: rows and tracking position written in one transaction.

A read model turns each event into SQL operations; a batch of events becomes one
transaction (pipelined, so its statements cost no round trips) that ends by advancing the
tracking row. Each of a read model's `Rows` statements runs once per batch with all its
rows (one array per column, read back with `unnest`), in the order the read model declares:
a batch of 1,000 events is a handful of statements, not one or more per event. The
tracking insert refuses to go backwards or repeat, so a batch is applied exactly once even
if two writers ever raced.

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
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Connection, Cursor, sql
from psycopg.adapt import PyFormat
from psycopg.rows import DictRow, dict_row

from domain.events import Event
from eventstore.keys import DataKeys
from eventstore.store import ConversationStore
from eventstore.transcoder import fields_for
from projections import quarantine

log = logging.getLogger(__name__)
APPLICATION = ConversationStore.name
PROGRESS_CHANNEL = "lastresort_projections"
"""Each batch NOTIFYs `name:position` here on commit; readers wait on it for their writes."""

Row = dict[str, Any]
"""A read-model row as its queries return it (`dict_row`): column name to value."""


CAST_AFTER_UNNEST = frozenset({"jsonb"})
"""Column types sent as `text[]` and cast element by element after `unnest`: Postgres reads a
`jsonb[]` parameter through an array coercion, about twice the server time of casting each
element of the unnested `text[]` (an audit trail row's `data`: about 7 µs against 3.5)."""


class Rows:
    """A statement a batch runs once for all its rows: `{rows}` in `template` becomes
    `unnest(%s::type[], …) AS r(column, …)`, so each column goes as one array parameter
    (a fixed count, so Postgres parses and plans it once per connection); a column of a
    type in `CAST_AFTER_UNNEST` goes as text and is cast in a select over the `unnest`, so
    `r` still has it as its type.

    A read model yields `(rows, values)` per row, `values` in the order of `columns`.
    """

    def __init__(
        self, template: str, columns: Sequence[tuple[str, str]], **parts: sql.Composable
    ) -> None:
        arrays = sql.SQL(", ").join(
            sql.SQL("{}::{}[]").format(
                sql.Placeholder(format=PyFormat.BINARY),
                sql.SQL("text" if kind in CAST_AFTER_UNNEST else kind),
            )
            for _, kind in columns
        )
        names = sql.SQL(", ").join(sql.Identifier(name) for name, _ in columns)
        rows = sql.SQL("unnest({}) AS r({})").format(arrays, names)
        if any(kind in CAST_AFTER_UNNEST for _, kind in columns):
            cast = sql.SQL(", ").join(
                sql.SQL("r.{0}::{1} AS {0}").format(sql.Identifier(name), sql.SQL(kind))
                if kind in CAST_AFTER_UNNEST
                else sql.SQL("r.{}").format(sql.Identifier(name))
                for name, kind in columns
            )
            rows = sql.SQL("(SELECT {} FROM {}) AS r").format(cast, rows)
        self.statement = sql.SQL(template).format(rows=rows, **parts)

    @classmethod
    def insert(cls, table: str, columns: Sequence[tuple[str, str]]) -> Rows:
        """INSERT of every row into `table`, whose columns are named as in `columns`."""
        return cls(
            "INSERT INTO {table} ({names}) SELECT * FROM {rows}",
            columns,
            table=sql.Identifier(table),
            names=sql.SQL(", ").join(sql.Identifier(name) for name, _ in columns),
        )

    def columns(self, rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
        """The statement's parameters: `rows` turned into one list per column."""
        return [list(column) for column in zip(*rows, strict=True)] if rows else []


Operation = tuple[Rows | sql.SQL | sql.Composed, Sequence[Any] | Mapping[str, Any]]


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
    statements: ClassVar[tuple[Rows, ...]]
    """The read model's `Rows`, in the order a batch runs them: each may read what the ones
    before it wrote (an UPDATE finds the row an INSERT made), none what later ones write, so
    a batch applied statement by statement equals its events applied one by one."""
    reads: ClassVar[Mapping[type[Event], frozenset[str]]]
    """The fields `operations` reads, by event class (a subclass takes its nearest listed
    class's); the runner decodes only these (the others are None), and no event of a class
    not listed."""

    def __init__(self, datastore: PostgresDatastore, keys: DataKeys | None = None) -> None:
        super().__init__(datastore, tracking_table_name=self.tracking_table())
        self._keys = keys
        self._notify = sql.SQL("SELECT pg_notify({}, %s)").format(sql.Literal(PROGRESS_CHANNEL))
        self._reset = [
            sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, self.tables))),
            sql.SQL("DELETE FROM {} WHERE application_name = %s").format(
                sql.Identifier(self.tracking_table_name)
            ),
        ]

    @property
    def keys(self) -> DataKeys:
        """The data keys a read model seals the texts it keeps with (`projections.sealed`)."""
        if self._keys is None:
            raise RuntimeError(f"read model {self.name} was made without keys: it applies no event")
        return self._keys

    @classmethod
    def tracking_table(cls) -> str:
        return f"rm_{cls.name}_tracking"

    def fields_of(self, cls: type) -> frozenset[str] | None:
        """The fields of `cls` this read model reads; None when it ignores the class."""
        return fields_for(self.reads, cls)

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

    def _write(self, curs: Cursor[DictRow], operations: Iterable[Operation]) -> None:
        """Each `Rows` statement once with all its rows, in the read model's order; any other
        statement (setting an event aside) after them, as one `executemany` per statement."""
        runs: dict[int, tuple[Rows | sql.SQL | sql.Composed, list[Any]]] = {}
        for statement, params in operations:
            runs.setdefault(id(statement), (statement, []))[1].append(params)
        rank = {id(statement): n for n, statement in enumerate(self.statements)}
        for key in sorted(runs, key=lambda key: rank.get(key, len(rank))):
            run, params = runs[key]
            if isinstance(run, Rows):
                curs.execute(run.statement, run.columns(params), prepare=True)
            else:
                curs.executemany(run, params)

    def reset(self, conn: Connection[DictRow]) -> None:
        """Empty the read model, its position and its quarantine: the runner rebuilds it from 0."""
        with conn.transaction(), conn.cursor() as curs:
            curs.execute(self._reset[0])
            curs.execute(self._reset[1], (APPLICATION,))
            quarantine.clear(curs, self.name)
