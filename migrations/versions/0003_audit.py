"""Audit: the log of who viewed which audit page, and a rebuild of the audit read model.

The audit projection now keeps, on a branch's `branched` trail row, the assessments and
decisions the branch inherited; emptying the read model and its position makes the
runner rebuild it from the event store with that shape on its next start.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

AUDIT_TABLES = "rm_audit_trail, rm_endings, rm_audit_conversations"


def upgrade() -> None:
    op.execute(
        "CREATE TABLE audit_page_views ("
        "id bigserial PRIMARY KEY, "
        "viewer text NOT NULL, "
        "role text NOT NULL, "
        "conversation_id uuid, "
        "page text NOT NULL, "
        "at timestamptz NOT NULL)"
    )
    op.execute(
        "CREATE INDEX audit_page_views_conversation ON audit_page_views (conversation_id, id)"
    )
    op.execute("CREATE INDEX rm_endings_model ON rm_endings (model, policy_version)")
    op.execute(
        "CREATE INDEX rm_audit_trail_branched ON rm_audit_trail ((data->>'parent_id')) "
        "WHERE kind = 'branched'"
    )
    op.execute(f"TRUNCATE {AUDIT_TABLES}")
    op.execute("DELETE FROM rm_audit_tracking WHERE application_name <> '__migration__'")


def downgrade() -> None:
    op.execute("DROP INDEX rm_audit_trail_branched")
    op.execute("DROP INDEX rm_endings_model")
    op.execute("DROP TABLE audit_page_views")
