"""Read models: the tables the projections write and GraphQL reads, with their tracking.

Tracking tables have the library's single-row shape (`application_name` primary key)
and keep its `('__migration__', 1)` row, so eventsourcing never tries to migrate them.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TRACKING_TABLES = ("rm_conversations_tracking", "rm_audit_tracking")


def upgrade() -> None:
    for table in TRACKING_TABLES:
        op.execute(
            f"CREATE TABLE {table} (application_name text PRIMARY KEY, notification_id bigint)"
        )
        op.execute(f"INSERT INTO {table} VALUES ('__migration__', 1)")
    # projection "conversations"
    op.execute(
        "CREATE TABLE rm_conversations ("
        "id uuid PRIMARY KEY, "
        "seq bigint NOT NULL UNIQUE, "
        "owner text NOT NULL, "
        "model text NOT NULL, "
        "status text NOT NULL DEFAULT 'open', "
        "parent_id uuid, "
        "branch_position int, "
        "started_at timestamptz NOT NULL, "
        "ended_at timestamptz)"
    )
    op.execute("CREATE INDEX rm_conversations_owner_seq ON rm_conversations (owner, seq DESC)")
    op.execute("CREATE INDEX rm_conversations_parent ON rm_conversations (parent_id, seq)")
    op.execute(
        "CREATE TABLE rm_messages ("
        "conversation_id uuid NOT NULL, "
        "position int NOT NULL, "
        "author text NOT NULL, "
        "kind text NOT NULL, "
        "text text NOT NULL, "
        "category text, "
        "at timestamptz NOT NULL, "
        "PRIMARY KEY (conversation_id, position))"
    )
    # projection "audit"
    op.execute(
        "CREATE TABLE rm_audit_conversations ("
        "id uuid PRIMARY KEY, "
        "owner text NOT NULL, "
        "model text NOT NULL, "
        "started_at timestamptz NOT NULL)"
    )
    op.execute("CREATE INDEX rm_audit_conversations_started ON rm_audit_conversations (started_at)")
    op.execute(
        "CREATE TABLE rm_endings ("
        "conversation_id uuid PRIMARY KEY, "
        "seq bigint NOT NULL UNIQUE, "
        "position int NOT NULL, "
        "reason text NOT NULL, "
        "rule text NOT NULL, "
        "policy_version text NOT NULL, "
        "policy jsonb NOT NULL, "
        "model text NOT NULL, "
        "category text, "
        "cites int[] NOT NULL, "
        "at timestamptz NOT NULL)"
    )
    op.execute("CREATE INDEX rm_endings_at ON rm_endings (at)")
    op.execute(
        "CREATE TABLE rm_audit_trail ("
        "conversation_id uuid NOT NULL, "
        "seq bigint NOT NULL, "
        "position int NOT NULL, "
        "kind text NOT NULL, "
        "at timestamptz NOT NULL, "
        "data jsonb NOT NULL, "
        "PRIMARY KEY (conversation_id, seq))"
    )


def downgrade() -> None:
    for table in (
        "rm_audit_trail",
        "rm_endings",
        "rm_audit_conversations",
        "rm_messages",
        "rm_conversations",
        *TRACKING_TABLES,
    ):
        op.execute(f"DROP TABLE {table}")
