"""Read model "reviews": the review queue of contested endings, each case's verdicts, and the
overturned share of the endings reviewed. All SQL over its tables is here (the endings
list and the statistics take their verdict conditions from this module).

A case's row keeps the notification id of its latest request (`seq`: the queue's order and
keyset), of its latest claim and of its latest verdict. Each change applies only when it is
newer than what the row holds, so a batch holding several changes of one case comes out
the same whichever order its statements run in. Whether a claim still runs is decided when
read (`now()`), not when projected: a claim expires without an event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.rows import tuple_row

from domain.events import Event
from domain.review import ReviewClaimed, ReviewRequested, VerdictRecorded
from projections.base import Operation, ReadModel, Row, Rows
from projections.queries import Query, first

LATEST = "(SELECT DISTINCT ON (r.review_id) * FROM {rows} ORDER BY r.review_id, r.seq DESC)"
"""Of a batch's changes to one case, the newest (an UPDATE may change a row only once)."""
REQUEST = Rows(
    "INSERT INTO rm_reviews (review_id, conversation_id, seq, reason, requested_by, "
    "requested_at) SELECT review_id, conversation_id, seq, reason, requested_by, requested_at "
    f"FROM {LATEST} n ON CONFLICT (review_id) DO UPDATE SET seq = excluded.seq, "
    "reason = excluded.reason, requested_by = excluded.requested_by, "
    "requested_at = excluded.requested_at WHERE rm_reviews.seq < excluded.seq",
    (
        ("review_id", "uuid"),
        ("conversation_id", "uuid"),
        ("seq", "bigint"),
        ("reason", "text"),
        ("requested_by", "text"),
        ("requested_at", "timestamptz"),
    ),
)
CLAIM = Rows(
    "UPDATE rm_reviews v SET claim_seq = n.seq, claimed_by = n.claimed_by, "
    f"claim_expires_at = n.expires_at FROM {LATEST} n "
    "WHERE v.review_id = n.review_id AND (v.claim_seq IS NULL OR v.claim_seq < n.seq)",
    (
        ("review_id", "uuid"),
        ("seq", "bigint"),
        ("claimed_by", "text"),
        ("expires_at", "timestamptz"),
    ),
)
VERDICT_COLUMNS = (
    ("review_id", "uuid"),
    ("seq", "bigint"),
    ("verdict", "text"),
    ("note", "text"),
    ("decided_by", "text"),
    ("at", "timestamptz"),
)
INSERT_VERDICT = Rows.insert("rm_review_verdicts", VERDICT_COLUMNS)
DECIDE = Rows(
    "UPDATE rm_reviews v SET verdict_seq = n.seq, verdict = n.verdict, "
    f"decided_by = n.decided_by, decided_at = n.at FROM {LATEST} n "
    "WHERE v.review_id = n.review_id AND (v.verdict_seq IS NULL OR v.verdict_seq < n.seq)",
    VERDICT_COLUMNS,
)

OPEN = "(r.verdict_seq IS NULL OR r.verdict_seq < r.seq)"
"""Not decided since its latest request: in the queue."""
CLAIMED = f"({OPEN} AND r.claim_seq > r.seq AND r.claim_expires_at > now())"
"""Held now by a reviewer who claimed it since its latest request."""
CASE_COLUMNS = sql.SQL(
    "r.conversation_id, r.seq, r.reason, r.requested_by, r.requested_at, "
    f"CASE WHEN NOT {OPEN} THEN 'decided' WHEN {CLAIMED} THEN 'claimed' ELSE 'open' END "
    "AS status, "
    f"CASE WHEN {CLAIMED} THEN r.claimed_by END AS claimed_by, "
    f"CASE WHEN {CLAIMED} THEN r.claim_expires_at END AS claim_expires_at, "
    "(SELECT coalesce(jsonb_agg(jsonb_build_object('verdict', v.verdict, 'note', v.note, "
    "'by', v.decided_by, 'at', v.at) ORDER BY v.seq), '[]') FROM rm_review_verdicts v "
    "WHERE v.review_id = r.review_id) AS verdicts"
)
SELECT_QUEUE = sql.SQL(
    "SELECT {} FROM rm_reviews r WHERE {} AND (%(after)s::bigint IS NULL OR r.seq > %(after)s) "
    "ORDER BY r.seq LIMIT %(limit)s"
).format(CASE_COLUMNS, sql.SQL(OPEN))
SELECT_CASE = sql.SQL("SELECT {} FROM rm_reviews r WHERE r.conversation_id = %(id)s").format(
    CASE_COLUMNS
)
SELECT_QUEUE_FIGURES = sql.SQL(
    "SELECT count(*) AS depth, "
    "coalesce(extract(epoch FROM now() - min(r.requested_at)), 0)::float AS oldest_seconds "
    "FROM rm_reviews r WHERE {}"
).format(sql.SQL(OPEN))

VERDICT_OF_ENDING = sql.SQL(
    "(SELECT r.verdict FROM rm_reviews r WHERE r.conversation_id = e.conversation_id)"
)
"""The latest verdict on the ending `e` (an `rm_endings` row), or NULL if none yet."""
SELECT_REVIEW_STATS = sql.SQL(
    "WITH judged AS (SELECT e.policy_version, coalesce(e.category, 'none') AS category, "
    "e.model, r.verdict = 'overturned' AS overturned FROM rm_endings e "
    "JOIN rm_reviews r ON r.conversation_id = e.conversation_id WHERE r.verdict IS NOT NULL "
    "AND (%(since)s::timestamptz IS NULL OR e.at >= %(since)s) "
    "AND (%(until)s::timestamptz IS NULL OR e.at < %(until)s)) "
    "SELECT (SELECT count(*) FROM judged) AS reviewed, "
    "(SELECT count(*) FROM judged WHERE overturned) AS overturned, "
    "{by_policy_version} AS by_policy_version, {by_category} AS by_category, "
    "{by_model} AS by_model"
).format(
    **{
        f"by_{column}": sql.SQL(
            "(SELECT coalesce(jsonb_agg(jsonb_build_array(k, n, o) ORDER BY k), '[]') FROM "
            "(SELECT {column} AS k, count(*) AS n, count(*) FILTER (WHERE overturned) AS o "
            "FROM judged GROUP BY 1) x)"
        ).format(column=sql.Identifier(column))
        for column in ("policy_version", "category", "model")
    }
)


class ReviewsView(ReadModel):
    name = "reviews"
    tables = ("rm_reviews", "rm_review_verdicts")
    statements = (REQUEST, CLAIM, INSERT_VERDICT, DECIDE)
    reads: ClassVar[Mapping[type[Event], frozenset[str]]] = {
        ReviewRequested: frozenset({"conversation_id", "reason", "by", "timestamp"}),
        ReviewClaimed: frozenset({"by", "expires_at"}),
        VerdictRecorded: frozenset({"verdict", "note", "by", "timestamp"}),
    }

    def operations(self, event: Event, notification_id: int) -> Iterable[Operation]:
        rid = event.originator_id
        match event:
            case ReviewRequested():
                yield (
                    REQUEST,
                    (
                        rid,
                        event.conversation_id,
                        notification_id,
                        str(event.reason),
                        event.by,
                        event.timestamp,
                    ),
                )
            case ReviewClaimed():
                yield CLAIM, (rid, notification_id, event.by, event.expires_at)
            case VerdictRecorded():
                row = (rid, notification_id, str(event.verdict), event.note, event.by)
                yield INSERT_VERDICT, (*row, event.timestamp)
                yield DECIDE, (*row, event.timestamp)


def queue_page(after: int | None, limit: int) -> Query[list[Row]]:
    """The cases not decided since their latest request, oldest request first (keyset on
    `seq`, the request's notification id)."""
    return (yield SELECT_QUEUE, {"after": after, "limit": limit})


def case_of(conversation_id: UUID) -> Query[Row | None]:
    """One ending's case with its verdicts, oldest first; None if never requested."""
    return first((yield SELECT_CASE, {"id": conversation_id}))


def review_stats(since: datetime | None, until: datetime | None) -> Query[Row]:
    """Endings made in [since, until) with a verdict: how many, how many overturned, by
    policy version, category and model (each `[key, reviewed, overturned]`)."""
    (row,) = yield SELECT_REVIEW_STATS, {"since": since, "until": until}
    return row


def queue_figures(conn: psycopg.Connection[Any]) -> tuple[int, float]:
    """The queue's depth and how long its oldest case has waited, in seconds (metrics)."""
    with conn.cursor(row_factory=tuple_row) as curs:
        row = curs.execute(SELECT_QUEUE_FIGURES).fetchone()
    assert row is not None
    return int(row[0]), float(row[1])
