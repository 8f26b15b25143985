"""The event store: eventsourcing's Postgres tables for the `lastresort` application.

The DDL is the library's own (eventsourcing 9.5 `PostgresApplicationRecorder`);
tests/test_migrations.py compares it with tables the library creates itself.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TYPE stored_event_uuid AS ("
        "originator_id uuid, originator_version bigint, topic text, state bytea)"
    )
    op.execute(
        "CREATE TABLE lastresort_events ("
        "originator_id uuid NOT NULL, "
        "originator_version bigint NOT NULL, "
        "topic text, "
        "state bytea, "
        "notification_id bigserial, "
        "PRIMARY KEY (originator_id, originator_version)) "
        "WITH (autovacuum_enabled = true, autovacuum_vacuum_threshold = 100000000, "
        "autovacuum_vacuum_scale_factor = 0.5, autovacuum_analyze_threshold = 1000, "
        "autovacuum_analyze_scale_factor = 0.01)"
    )
    op.execute(
        "CREATE UNIQUE INDEX lastresort_events_notification_id_idx "
        "ON lastresort_events (notification_id ASC)"
    )


def downgrade() -> None:
    op.execute("DROP TABLE lastresort_events")
    op.execute("DROP TYPE stored_event_uuid")
