"""Shadow divergences: where a policy in shadow decided otherwise than the live one, and
which conversations each shadowed version decided on (the denominator of its report).

Both tables belong to the `shadows` read model (`projections/shadows.py`), tracked in
`rm_shadows_tracking`; an empty tracking table makes its runner build it from position 0.

Revision ID: 0006
Revises: 0008
"""

from alembic import op

revision = "0006"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE rm_shadow_divergences ("
        "version text NOT NULL, "
        "seq bigint NOT NULL, "
        "conversation_id uuid NOT NULL, "
        "position integer NOT NULL, "
        "model text NOT NULL, "
        "category text NOT NULL, "
        "live_action text NOT NULL, "
        "live_rule text NOT NULL, "
        "live_reason text, "
        "shadow_action text NOT NULL, "
        "shadow_rule text NOT NULL, "
        "shadow_reason text, "
        "at timestamptz NOT NULL, "
        "PRIMARY KEY (version, seq))"
    )
    op.execute(
        "CREATE INDEX rm_shadow_divergences_conversation "
        "ON rm_shadow_divergences (version, conversation_id, position)"
    )
    op.execute(
        "CREATE TABLE rm_shadowed_conversations ("
        "version text NOT NULL, "
        "conversation_id uuid NOT NULL, "
        "model text NOT NULL, "
        "turns integer NOT NULL, "
        "PRIMARY KEY (version, conversation_id))"
    )
    op.execute(
        "CREATE TABLE rm_shadows_tracking ("
        "application_name text PRIMARY KEY, "
        "notification_id bigint)"
    )
    op.execute("INSERT INTO rm_shadows_tracking VALUES ('__migration__', 1)")


def downgrade() -> None:
    op.execute("DROP TABLE rm_shadows_tracking")
    op.execute("DROP TABLE rm_shadowed_conversations")
    op.execute("DROP TABLE rm_shadow_divergences")
