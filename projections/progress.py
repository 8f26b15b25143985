"""How far each read model is behind the event store, how many events it set aside, and, on
a streaming replica (`DATABASE_READ_URL`), how far its replay is behind the primary.

Read from the database, not from the runners, so that an API process serving with
`--no-projections` reports what the projection process (wherever it runs) has done.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import tuple_row
from psycopg_pool import ConnectionPool

from eventstore.store import EVENTS_TABLE
from projections import quarantine
from projections.base import APPLICATION
from projections.readside import VIEWS
from projections.reviews import queue_figures

log = logging.getLogger(__name__)
TIMEOUT_MS = 2000

# Hand-written rather than each read model's `max_tracking_id`: one statement reads the head
# and every position from one snapshot, so a lag is never negative.
POSITIONS = sql.SQL("SELECT (SELECT coalesce(max(notification_id), 0) FROM {}), {}").format(
    sql.Identifier(EVENTS_TABLE),
    sql.SQL(", ").join(
        sql.SQL("(SELECT notification_id FROM {} WHERE application_name = %(app)s)").format(
            sql.Identifier(view.tracking_table())
        )
        for view in VIEWS
    ),
)
# Seconds since the last transaction replayed, while the replica has received WAL it has not
# replayed yet (0 when it has replayed all it received); no row on a primary.
REPLAY_LAG = sql.SQL(
    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END "
    "WHERE pg_is_in_recovery()"
)


@dataclass(frozen=True)
class ReadModelProgress:
    position: int
    lag: int
    """Events in the store after `position`."""
    quarantined: int


@dataclass(frozen=True)
class Progress:
    head: int
    read_models: dict[str, ReadModelProgress]
    replica_lag: float | None = None
    """Seconds the replica's replay is behind; None when reading the primary."""


def progress(conn: psycopg.Connection[Any]) -> Progress:
    with conn.cursor(row_factory=tuple_row) as curs:
        row = curs.execute(POSITIONS, {"app": APPLICATION}).fetchone()
        replica = curs.execute(REPLAY_LAG).fetchone()
    assert row is not None
    head, *positions = (int(value or 0) for value in row)
    held = quarantine.counts(conn)
    return Progress(
        head,
        {
            view.name: ReadModelProgress(position, head - position, held.get(view.name, 0))
            for view, position in zip(VIEWS, positions, strict=True)
        },
        None if replica is None else round(max(float(replica[0] or 0), 0.0), 3),
    )


@contextmanager
def bounded(pool: ConnectionPool[Any]) -> Iterator[Any]:
    """A pooled connection in a transaction whose wait and statements stop at TIMEOUT_MS:
    health checks and scrapes must answer even when the database does not."""
    with pool.connection(timeout=TIMEOUT_MS / 1000) as conn, conn.transaction():
        conn.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(TIMEOUT_MS))
        yield conn


def progress_of(pool: ConnectionPool[Any]) -> Progress | None:
    """`progress` within about two seconds; None (logged) when the database does not answer."""
    try:
        with bounded(pool) as conn:
            return progress(conn)
    except psycopg.Error as error:
        log.warning("projection progress unavailable: %s", type(error).__name__)
        return None


def review_queue_of(pool: ConnectionPool[Any]) -> tuple[int, float] | None:
    """The review queue's depth and its oldest case's wait in seconds, as `progress_of` reads
    (bounded); None (logged) when the database does not answer."""
    try:
        with bounded(pool) as conn:
            return queue_figures(conn)
    except psycopg.Error as error:
        log.warning("review queue figures unavailable: %s", type(error).__name__)
        return None
