"""The schema Alembic creates is the one eventsourcing would have created itself."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import psycopg
import pytest
from eventsourcing.application import Application

from eventstore.database import eventsourcing_env
from eventstore.migrate import migrate
from eventstore.registry import REGISTRY_EVENTS_TABLE, RegistryStore
from eventstore.store import EVENTS_TABLE, ConversationStore

CATALOG = {
    "columns": """
        SELECT column_name, data_type, is_nullable, column_default IS NOT NULL
        FROM information_schema.columns WHERE table_schema = %(s)s AND table_name = %(t)s
        ORDER BY ordinal_position""",
    "indexes": """
        SELECT indexname, regexp_replace(indexdef, ' ON \\S+ ', ' ON ')
        FROM pg_indexes WHERE schemaname = %(s)s AND tablename = %(t)s ORDER BY indexname""",
    "options": """
        SELECT c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(s)s AND c.relname = %(t)s""",
    "types": """
        SELECT t.typname, a.attname, format_type(a.atttypid, a.atttypmod)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        JOIN pg_attribute a ON a.attrelid = t.typrelid
        WHERE n.nspname = %(s)s AND t.typtype = 'c' AND t.typname LIKE 'stored_event%%'
        ORDER BY t.typname, a.attnum""",
}


def describe(url: str, schema: str, table: str) -> dict[str, list[tuple[object, ...]]]:
    with psycopg.connect(url) as conn:
        return {
            name: conn.execute(query, {"s": schema, "t": table}).fetchall()  # type: ignore[arg-type]
            for name, query in CATALOG.items()
        }


@pytest.mark.parametrize(
    ("table", "application"),
    [(EVENTS_TABLE, ConversationStore), (REGISTRY_EVENTS_TABLE, RegistryStore)],
)
def test_migrated_event_store_matches_the_library_schema(
    fresh_database: Callable[[], str], table: str, application: type[Application[UUID]]
) -> None:
    url = fresh_database()
    migrate(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA scratch")
    library = application(env=eventsourcing_env(url, CREATE_TABLE="yes", POSTGRES_SCHEMA="scratch"))
    library.close()

    migrated, expected = describe(url, "public", table), describe(url, "scratch", table)
    assert expected["columns"], "the library created no table to compare with"
    assert migrated == expected


def test_migrations_are_idempotent_and_the_store_works_without_creating_tables(
    fresh_database: Callable[[], str],
) -> None:
    url = fresh_database()
    migrate(url)
    migrate(url)
    store = ConversationStore(env=eventsourcing_env(url))
    try:
        assert store.recorder.max_notification_id() in (None, 0)
    finally:
        store.close()
