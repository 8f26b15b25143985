"""What every read model shares: rows and tracking position written in one transaction.

A read model turns each event into SQL operations; a batch of events becomes one
transaction (pipelined, so its statements cost no round trips; a run of the same one-row
INSERT goes as multi-row INSERTs, any other run as one `executemany`) that ends by
advancing the tracking row. The tracking insert refuses to go backwards or repeat, so a
batch is applied exactly once even if two writers ever raced.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from itertools import groupby
from operator import itemgetter
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Connection, sql
from psycopg.rows import DictRow

from api.store import ConversationStore
from domain.events import Event

APPLICATION = ConversationStore.name
PROGRESS_CHANNEL = "lastresort_projections"
"""Each batch NOTIFYs `name:position` here on commit; readers wait on it for their writes."""

SINGLE_ROW_INSERT = re.compile(rb"^(INSERT INTO [^;]+? VALUES )(\([^()]*(?:\([^()]*\)[^()]*)*\))$")
"""A one-row INSERT with positional parameters (its values may hold casts)."""
MAX_PARAMS = 50
"""Parameters per multi-row INSERT: psycopg caches a statement's parsing only up to 50."""

Operation = tuple[sql.SQL | sql.Composed, Sequence[Any] | Mapping[str, Any]]
Batch = Sequence[tuple[Event, int]]
"""Events with their notification ids, in notification order."""


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

    def position(self, conn: Connection[DictRow]) -> int | None:
        with conn.cursor() as curs:
            return self._max_tracking_id(APPLICATION, curs)

    def process_batch(self, conn: Connection[DictRow], batch: Batch) -> int:
        """Apply `batch` and record its last notification id, atomically; return that id."""
        last = batch[-1][1]
        operations = (
            operation
            for event, notification_id in batch
            for operation in self.operations(event, notification_id)
        )
        with conn.transaction(), conn.pipeline(), conn.cursor() as curs:
            for statement, run in groupby(operations, key=itemgetter(0)):
                params = [p for _, p in run]
                text = statement.as_bytes(None)
                size = max(1, MAX_PARAMS // len(params[0]))
                for start in range(0, len(params), size):
                    chunk = params[start : start + size]
                    rows = _multi_row(text, len(chunk))
                    if rows is None:
                        curs.executemany(statement, chunk)
                    else:
                        curs.execute(rows, [value for p in chunk for value in p])
            self._insert_tracking(curs, Tracking(APPLICATION, last))
            curs.execute(self._notify, (f"{self.name}:{last}",))
        return last

    def reset(self, conn: Connection[DictRow]) -> None:
        """Empty the read model and its position, so the runner rebuilds it from 0."""
        with conn.transaction(), conn.cursor() as curs:
            curs.execute(self._reset[0])
            curs.execute(self._reset[1], (APPLICATION,))


@cache
def _multi_row(statement: bytes, rows: int) -> bytes | None:
    """`statement`, a one-row INSERT, for `rows` rows at once; None for any other statement."""
    match = SINGLE_ROW_INSERT.match(statement)
    if rows < 2 or match is None or b"%(" in statement:
        return None
    head, row = match.groups()
    return head + b", ".join([row] * rows)
