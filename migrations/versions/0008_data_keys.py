"""Each conversation's data key, wrapped by the master key (`eventstore/keys.py`), and when a
conversation's text was erased, for the read models that show "erased on DATE".

Revision ID: 0008
Revises: 0005
"""

from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE lastresort_data_keys ("
        "conversation_id uuid PRIMARY KEY, "
        "owner text NOT NULL, "
        "parent_id uuid, "
        "kek_id text NOT NULL, "
        "wrapped bytea NOT NULL, "
        "created_at timestamptz NOT NULL DEFAULT now())"
    )
    op.execute("CREATE INDEX lastresort_data_keys_owner ON lastresort_data_keys (owner)")
    op.execute("CREATE INDEX lastresort_data_keys_parent ON lastresort_data_keys (parent_id)")
    op.execute("CREATE INDEX lastresort_data_keys_kek ON lastresort_data_keys (kek_id)")
    op.execute("ALTER TABLE rm_conversations ADD COLUMN erased_at timestamptz")
    op.execute("ALTER TABLE rm_audit_conversations ADD COLUMN erased_at timestamptz")


def downgrade() -> None:
    op.execute("ALTER TABLE rm_audit_conversations DROP COLUMN erased_at")
    op.execute("ALTER TABLE rm_conversations DROP COLUMN erased_at")
    op.execute("DROP TABLE lastresort_data_keys")
