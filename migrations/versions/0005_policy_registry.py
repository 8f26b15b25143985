"""The policy registry's event table: the library's application-recorder table, as 0001's,
named for the `lastresort_policy` application (`eventstore/registry.py`).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE lastresort_policy_events ("
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
        "CREATE UNIQUE INDEX lastresort_policy_events_notification_id_idx "
        "ON lastresort_policy_events (notification_id ASC)"
    )


def downgrade() -> None:
    op.execute("DROP TABLE lastresort_policy_events")
