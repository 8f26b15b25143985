"""Events a read model could not apply, set aside so that it goes on with the next one.

An event that cannot be applied (unreadable, unknown topic, a value Postgres refuses…)
would otherwise stop its read model for everyone, retried for ever. It is recorded here
instead, with the read model's name, its position, its originator (known from its row
even when its state cannot be read) and why: the error's type and a short message cut
before its first quote, since error messages quote the value that failed, and that value
is the event's (hostile) contents. All SQL of the quarantine table is here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import PersistenceError
from psycopg import sql
from psycopg.rows import class_row, tuple_row

TABLE = sql.Identifier("rm_quarantine")
COLUMNS = sql.SQL(
    "read_model, notification_id, originator_id, originator_version, error_type, error, failed_at"
)
RECORD = sql.SQL(
    "INSERT INTO {} ({}) VALUES (%s, %s, %s, %s, %s, %s, now()) "
    "ON CONFLICT (read_model, notification_id) DO UPDATE SET error_type = EXCLUDED.error_type, "
    "error = EXCLUDED.error, failed_at = EXCLUDED.failed_at"
).format(TABLE, COLUMNS)
RELEASE = sql.SQL(
    "DELETE FROM {} WHERE read_model = %s AND notification_id = %s RETURNING notification_id"
).format(TABLE)
CLEAR = sql.SQL("DELETE FROM {} WHERE read_model = %s").format(TABLE)
SELECT = sql.SQL(
    "SELECT {} FROM {} WHERE (%(read_model)s::text IS NULL OR read_model = %(read_model)s) "
    "ORDER BY read_model, notification_id"
).format(COLUMNS, TABLE)
RECENT = sql.SQL("SELECT {} FROM {} ORDER BY failed_at DESC, notification_id DESC LIMIT %s").format(
    COLUMNS, TABLE
)
COUNTS = sql.SQL("SELECT read_model, count(*) FROM {} GROUP BY read_model").format(TABLE)

MAX_MESSAGE = 200
QUOTE = re.compile("['\"`]")
UNPRINTABLE = re.compile(r"[^\x20-\x7e]+")
EVENT_SQLSTATE_CLASSES = frozenset({"22", "23", "54"})
"""Data exceptions, integrity violations, limits exceeded: what an event's values can cause."""


@dataclass(frozen=True)
class QuarantineEntry:
    read_model: str
    notification_id: int
    originator_id: UUID
    originator_version: int
    error_type: str
    error: str
    failed_at: datetime

    def describe(self) -> str:
        return f"{self.error_type}: {self.error}"


def summary(error: BaseException) -> str:
    """`type: message`, as `describe` cleans them: how logs and reports name an error."""
    return ": ".join(describe(error))


def describe(error: BaseException) -> tuple[str, str]:
    """The error's type and a bounded message with nothing unprintable, cut before its first
    quote: what follows may be the value that failed, and that value may hold quotes itself.

    For a database error, only its primary message and the schema objects it names (no
    DETAIL, which repeats the row's values).
    """
    message = str(error).partition("\n")[0]
    names = ""
    if isinstance(error, psycopg.Error):
        diag = error.diag
        message = diag.message_primary or message
        named = [
            f"{what} {name}"
            for what, name in (
                ("table", diag.table_name),
                ("column", diag.column_name),
                ("constraint", diag.constraint_name),
            )
            if name
        ]
        names = f" ({', '.join(named)})" if named else ""
    cleaned = UNPRINTABLE.sub(" ", message)
    if quote := QUOTE.search(cleaned):  # quoted values run to the end, and may hold quotes
        cleaned = cleaned[: quote.start()].rstrip() + " …"
    cleaned = cleaned.strip() + names
    if len(cleaned) > MAX_MESSAGE:
        cleaned = cleaned[: MAX_MESSAGE - 1] + "…"
    return type(error).__name__, cleaned or "(no message)"


def blames_event(error: BaseException) -> bool:
    """Whether `error` comes from the event being applied rather than from the database.

    A lost connection, a lock or timeout, a refused tracking row (another writer) or an
    error of the read model's own SQL (the same for every event) is retried; a value the
    server refuses, a value the client cannot send, and any error decoding the event or
    turning it into statements is the event's.
    """
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError | PersistenceError):
        return False
    if isinstance(error, psycopg.Error) and error.sqlstate is not None:
        return error.sqlstate[:2] in EVENT_SQLSTATE_CLASSES
    return True


def record(
    read_model: str,
    notification_id: int,
    originator_id: UUID,
    originator_version: int,
    error: BaseException,
) -> tuple[sql.Composed, tuple[Any, ...]]:
    """The statement that sets the event aside (or, when it is already, updates why)."""
    error_type, message = describe(error)
    return RECORD, (
        read_model,
        notification_id,
        originator_id,
        originator_version,
        error_type,
        message,
    )


def release(curs: psycopg.Cursor[Any], read_model: str, notification_id: int) -> bool:
    """Take the event out of quarantine; False if it was not there (another retry took it)."""
    return curs.execute(RELEASE, (read_model, notification_id)).fetchone() is not None


def clear(curs: psycopg.Cursor[Any], read_model: str) -> None:
    """Forget what `read_model` set aside (it is being rebuilt from 0)."""
    curs.execute(CLEAR, (read_model,))


def quarantined(
    conn: psycopg.Connection[Any], read_model: str | None = None
) -> list[QuarantineEntry]:
    """The events set aside, by read model and position; only `read_model`'s when given."""
    with conn.cursor(row_factory=class_row(QuarantineEntry)) as curs:
        return curs.execute(SELECT, {"read_model": read_model}).fetchall()


def recent(conn: psycopg.Connection[Any], limit: int) -> list[QuarantineEntry]:
    """The events set aside most recently."""
    with conn.cursor(row_factory=class_row(QuarantineEntry)) as curs:
        return curs.execute(RECENT, (limit,)).fetchall()


def counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """How many events each read model has set aside (read models with none are absent)."""
    with conn.cursor(row_factory=tuple_row) as curs:
        return {name: int(count) for name, count in curs.execute(COUNTS).fetchall()}
