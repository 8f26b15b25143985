"""The read models keep what a person wrote only sealed, under the conversation's data key.

`rm_messages.text` becomes `sealed` (the text encrypted, null once erased) and the audit
trail's rows get a `sealed` column beside their `data`, which now holds placeholders where
a person is quoted. The two read models are emptied with their positions and quarantine,
so their runners rebuild them from the event store, sealing, on their next start:
TRUNCATE gives the tables new files, so the old rows' text is not left in them.

Revision ID: 0009
Revises: 0007
"""

from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

REBUILT = {
    "conversations": "rm_conversations, rm_messages",
    "audit": "rm_audit_trail, rm_endings, rm_audit_conversations",
}


def _rebuild() -> None:
    for name, tables in REBUILT.items():
        op.execute(f"TRUNCATE {tables}")
        op.execute(f"DELETE FROM rm_{name}_tracking WHERE application_name <> '__migration__'")
        op.execute(f"DELETE FROM rm_quarantine WHERE read_model = '{name}'")


def upgrade() -> None:
    _rebuild()
    op.execute("ALTER TABLE rm_messages DROP COLUMN text")
    op.execute("ALTER TABLE rm_messages ADD COLUMN sealed bytea")
    op.execute("ALTER TABLE rm_audit_trail ADD COLUMN sealed bytea")


def downgrade() -> None:
    _rebuild()
    op.execute("ALTER TABLE rm_audit_trail DROP COLUMN sealed")
    op.execute("ALTER TABLE rm_messages DROP COLUMN sealed")
    op.execute("ALTER TABLE rm_messages ADD COLUMN text text NOT NULL")
