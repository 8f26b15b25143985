"""Quarantine: the events a read model could not apply, set aside so it goes on without them.

One row per read model and event (its notification id), with the event's originator
(known from its row even when its state cannot be read), the error's type, a sanitised
message (never the event's contents) and when it last failed. `lastresort project
--retry-quarantined` empties it once the cause is fixed.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE rm_quarantine ("
        "read_model text NOT NULL, "
        "notification_id bigint NOT NULL, "
        "originator_id uuid NOT NULL, "
        "originator_version bigint NOT NULL, "
        "error_type text NOT NULL, "
        "error text NOT NULL, "
        "failed_at timestamptz NOT NULL, "
        "PRIMARY KEY (read_model, notification_id))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE rm_quarantine")
