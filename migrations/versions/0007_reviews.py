"""Read model "reviews": the review queue of contested endings and each case's verdicts
(`projections/reviews.py`), with its tracking table in the library's single-row shape.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE rm_reviews_tracking (application_name text PRIMARY KEY, "
        "notification_id bigint)"
    )
    op.execute("INSERT INTO rm_reviews_tracking VALUES ('__migration__', 1)")
    op.execute(
        "CREATE TABLE rm_reviews ("
        "review_id uuid PRIMARY KEY, "
        "conversation_id uuid NOT NULL UNIQUE, "
        "seq bigint NOT NULL, "
        "reason text NOT NULL, "
        "requested_by text NOT NULL, "
        "requested_at timestamptz NOT NULL, "
        "claim_seq bigint, "
        "claimed_by text, "
        "claim_expires_at timestamptz, "
        "verdict_seq bigint, "
        "verdict text, "
        "decided_by text, "
        "decided_at timestamptz)"
    )
    # The queue: cases not decided since their latest request, in request order.
    op.execute(
        "CREATE INDEX rm_reviews_queue ON rm_reviews (seq) "
        "WHERE verdict_seq IS NULL OR verdict_seq < seq"
    )
    op.execute(
        "CREATE TABLE rm_review_verdicts ("
        "review_id uuid NOT NULL, "
        "seq bigint NOT NULL, "
        "verdict text NOT NULL, "
        "note text, "
        "decided_by text NOT NULL, "
        "at timestamptz NOT NULL, "
        "PRIMARY KEY (review_id, seq))"
    )


def downgrade() -> None:
    for table in ("rm_review_verdicts", "rm_reviews", "rm_reviews_tracking"):
        op.execute(f"DROP TABLE {table}")
