"""Read model "audit": why and when each ending happened, and the trail that led there.

Rows: each conversation's owner and model (the denominator of the statistics), each
ending with its reason, rule, policy and the category of the message that triggered it,
and a trail row per assessment, crisis signal, ladder reset, decision (vetoes are the
decisions with `stopped_by`; confirmation steps are `confirm_end` decisions), branch and
feedback. A branch's `branched` row carries the assessments and decisions it inherited,
so an ending that cites inherited positions is explained without reading the parent.
What a trail row quotes from a person (rationales, raw output, model requests, comments)
is kept sealed beside it and opened by `audit_of`.
All SQL of this read model is here; the audit page-view log is `projections.page_views`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, ClassVar
from uuid import UUID

import orjson
from psycopg import sql

from domain.events import (
    AssistantEvent,
    BranchCreated,
    Branched,
    CrisisSignalDetected,
    Ended,
    Erased,
    Event,
    FeedbackGiven,
    LadderReset,
    MessageSent,
    Started,
    Turn,
)
from domain.policy import Policy
from eventstore.keys import DataKeys
from eventstore.sealing import ASSESSMENT, DECISION, Shape, merge, split
from projections.base import Operation, ReadModel, Row, Rows
from projections.conversations import messages_of
from projections.queries import Query, first
from projections.reviews import VERDICT_OF_ENDING, case_of
from projections.sealed import SealedColumn, key_of

INSERT_CONVERSATION = Rows.insert(
    "rm_audit_conversations",
    (("id", "uuid"), ("owner", "text"), ("model", "text"), ("started_at", "timestamptz")),
)
INSERT_TRAIL = Rows.insert(
    "rm_audit_trail",
    (
        ("conversation_id", "uuid"),
        ("seq", "bigint"),
        ("position", "integer"),
        ("kind", "text"),
        ("at", "timestamptz"),
        ("data", "jsonb"),
        ("sealed", "bytea"),
    ),
)
INSERT_ENDING = Rows(
    "INSERT INTO rm_endings "
    "(conversation_id, seq, position, reason, rule, policy_version, policy, model, cites, at, "
    "category) "
    "SELECT r.id, r.seq, r.position, r.reason, r.rule, r.policy_version, r.policy, r.model, "
    "r.cites::integer[], r.at, "
    "(SELECT data->>'category' FROM rm_audit_trail t WHERE t.conversation_id = r.id "
    "AND t.kind = 'assessment' AND t.position = r.position - 1) FROM {rows}",
    (
        ("id", "uuid"),
        ("seq", "bigint"),
        ("position", "integer"),
        ("reason", "text"),
        ("rule", "text"),
        ("policy_version", "text"),
        ("policy", "jsonb"),
        ("model", "text"),
        ("cites", "text"),
        ("at", "timestamptz"),
    ),
)
"""`cites` goes as an array literal (`{1,3}`): `unnest` would flatten an array of arrays."""

# What the trail quoted from a person, by row kind: kept sealed (`projections/sealed.py`),
# placeholders in `data`; dropped on their conversation's erasure (rows from events replayed
# after it have nothing to seal, as the events read without a key).
PERSONAL: dict[str, Shape] = {
    "assessment": ASSESSMENT,
    "decision": DECISION,
    "feedback": {"comment": None},
    "branched": {"inherited": [{"assessment": ASSESSMENT, "decision": DECISION}]},
}
SEALED = SealedColumn("rm_audit_trail")
"""A trail row's personal fields, bound to its conversation and notification id."""
ERASE_TRAIL = Rows(
    "UPDATE rm_audit_trail t SET sealed = NULL FROM {rows} WHERE t.conversation_id = r.id",
    (("id", "uuid"),),
)
SET_ERASED = Rows(
    "UPDATE rm_audit_conversations c SET erased_at = r.at FROM {rows} WHERE c.id = r.id",
    (("at", "timestamptz"), ("id", "uuid")),
)

VISIBLE = sql.SQL("(%(owner)s::text IS NULL OR c.owner = %(owner)s)")
ENDING_COLUMNS = sql.SQL(
    "e.conversation_id, e.seq, e.position, e.reason, e.rule, e.policy_version, e.policy, "
    "e.model, e.category, e.cites, e.at"
)
CONTESTED = sql.SQL(
    "EXISTS (SELECT 1 FROM rm_audit_trail t WHERE t.conversation_id = e.conversation_id "
    "AND t.kind = 'feedback' AND t.position = e.position AND t.data->>'rating' = 'down')"
)
"""An ending is contested when its ending message was rated down."""
SELECT_ENDINGS_PAGE = sql.SQL(
    "SELECT {columns}, c.owner, {contested} AS contested, "
    "CASE WHEN %(owner)s::text IS NULL THEN {verdict} END AS verdict "
    "FROM rm_endings e JOIN rm_audit_conversations c ON c.id = e.conversation_id "
    "WHERE {visible} AND (%(since)s::timestamptz IS NULL OR e.at >= %(since)s) "
    "AND (%(until)s::timestamptz IS NULL OR e.at < %(until)s) "
    "AND (%(reason)s::text IS NULL OR e.reason = %(reason)s) "
    "AND (%(model)s::text IS NULL OR e.model = %(model)s) "
    "AND (%(policy_version)s::text IS NULL OR e.policy_version = %(policy_version)s) "
    "AND (%(category)s::text IS NULL OR coalesce(e.category, 'none') = %(category)s) "
    "AND (NOT %(contested)s OR {contested}) "
    "AND (%(verdict)s::text IS NULL OR {verdict} = %(verdict)s) "
    "AND (%(after)s::bigint IS NULL OR e.seq < %(after)s) "
    "ORDER BY e.seq DESC LIMIT %(limit)s"
).format(columns=ENDING_COLUMNS, contested=CONTESTED, visible=VISIBLE, verdict=VERDICT_OF_ENDING)
SELECT_FACETS = sql.SQL(
    "SELECT coalesce(array_agg(DISTINCT e.model), '{{}}') AS models, "
    "coalesce(array_agg(DISTINCT e.policy_version), '{{}}') AS policy_versions, "
    "coalesce(array_agg(DISTINCT coalesce(e.category, 'none')), '{{}}') AS categories "
    "FROM rm_endings e JOIN rm_audit_conversations c ON c.id = e.conversation_id WHERE {}"
).format(VISIBLE)
SELECT_CONVERSATION = sql.SQL(
    "SELECT c.id, c.owner, c.model, c.started_at, c.erased_at FROM rm_audit_conversations c "
    "WHERE c.id = %(id)s AND {}"
).format(VISIBLE)
SELECT_ENDING = sql.SQL("SELECT {} FROM rm_endings e WHERE e.conversation_id = %(id)s").format(
    ENDING_COLUMNS
)
SELECT_TRAIL = sql.SQL(
    "SELECT t.seq, t.position, t.kind, t.at, t.data, t.sealed, k.wrapped FROM rm_audit_trail t "
    "{key} WHERE t.conversation_id = %(id)s ORDER BY t.seq"
).format(key=key_of("t.conversation_id"))
SELECT_BRANCHES_MADE = sql.SQL(
    "SELECT conversation_id AS branch_id, position AS branch_position, at FROM rm_audit_trail "
    "WHERE kind = 'branched' AND data->>'parent_id' = %(id)s::text ORDER BY seq"
)
"""From the branches' own rows: an ended parent records no `BranchCreated`."""
SELECT_STATS = sql.SQL(
    "WITH conv AS (SELECT c.id, c.model, c.started_at FROM rm_audit_conversations c "
    "  WHERE {visible} AND (%(since)s::timestamptz IS NULL OR c.started_at >= %(since)s) "
    "  AND (%(until)s::timestamptz IS NULL OR c.started_at < %(until)s)), "
    "ends AS (SELECT e.* FROM rm_endings e JOIN rm_audit_conversations c "
    "  ON c.id = e.conversation_id WHERE {visible} "
    "  AND (%(since)s::timestamptz IS NULL OR e.at >= %(since)s) "
    "  AND (%(until)s::timestamptz IS NULL OR e.at < %(until)s)), "
    "days AS (SELECT (started_at AT TIME ZONE 'UTC')::date AS day, 1 AS c, 0 AS e FROM conv "
    "  UNION ALL SELECT (at AT TIME ZONE 'UTC')::date, 0, 1 FROM ends) "
    "SELECT (SELECT count(*) FROM conv) AS conversations, "
    "(SELECT count(*) FROM ends) AS endings, "
    "(SELECT count(*) FROM ends e WHERE {contested}) AS negative, "
    "{by_reason} AS by_reason, {by_category} AS by_category, {by_model} AS by_model, "
    "{by_policy} AS by_policy_version, "
    "(SELECT coalesce(jsonb_agg(jsonb_build_array(day, cs, es) ORDER BY day), '[]') FROM "
    "  (SELECT day, sum(c) AS cs, sum(e) AS es FROM days GROUP BY day) d) AS per_day"
).format(
    visible=VISIBLE,
    contested=CONTESTED,
    **{
        f"by_{name}": sql.SQL(
            "(SELECT coalesce(jsonb_object_agg(k, n), '{{}}') FROM "
            "(SELECT coalesce({column}, 'none') AS k, count(*) AS n FROM ends GROUP BY 1) x)"
        ).format(column=sql.Identifier(column))
        for name, column in (
            ("reason", "reason"),
            ("category", "category"),
            ("model", "model"),
            ("policy", "policy_version"),
        )
    },
)


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


class AuditView(ReadModel):
    name = "audit"
    tables = ("rm_audit_conversations", "rm_endings", "rm_audit_trail")
    statements = (INSERT_CONVERSATION, INSERT_TRAIL, INSERT_ENDING, ERASE_TRAIL, SET_ERASED)
    reads: ClassVar[Mapping[type[Event], frozenset[str]]] = {
        Started: frozenset({"owner", "model", "timestamp"}),
        Branched: frozenset({"parent_id", "branch_position", "inherited", "timestamp"}),
        BranchCreated: frozenset({"branch_id", "branch_position", "timestamp"}),
        MessageSent: frozenset({"position", "assessment", "timestamp"}),
        CrisisSignalDetected: frozenset({"position", "crisis", "timestamp"}),
        LadderReset: frozenset({"position", "ordinary_turns", "timestamp"}),
        Ended: frozenset({"position", "decision", "policy", "timestamp"}),
        AssistantEvent: frozenset({"position", "decision", "timestamp"}),
        FeedbackGiven: frozenset({"position", "rating", "comment", "user", "timestamp"}),
        Erased: frozenset({"by", "scope", "timestamp"}),
    }

    def operations(self, event: Event, notification_id: int) -> Iterable[Operation]:
        cid, at = event.originator_id, event.timestamp

        def trail(position: int, kind: str, data: Any) -> Operation:
            state = data if isinstance(data, dict) else dict(vars(data))
            shape = PERSONAL.get(kind)
            sealed = (
                None
                if shape is None
                else SEALED.seal(self.keys, cid, notification_id, split(state, shape))
            )
            return INSERT_TRAIL, (cid, notification_id, position, kind, at, _json(state), sealed)

        match event:
            case Started():
                yield INSERT_CONVERSATION, (cid, event.owner, event.model, at)
            case Branched():
                yield trail(
                    event.branch_position,
                    "branched",
                    {
                        "parent_id": event.parent_id,
                        "branch_position": event.branch_position,
                        "inherited": [_inherited(turn) for turn in event.inherited],
                    },
                )
            case BranchCreated():
                yield trail(
                    event.branch_position,
                    "branch_created",
                    {"branch_id": event.branch_id, "branch_position": event.branch_position},
                )
            case MessageSent():
                yield trail(event.position, "assessment", event.assessment)
            case CrisisSignalDetected():
                yield trail(event.position, "crisis_signal", {"crisis": event.crisis})
            case LadderReset():
                yield trail(
                    event.position, "ladder_reset", {"ordinary_turns": event.ordinary_turns}
                )
            case AssistantEvent():
                yield trail(event.position, "decision", event.decision)
                if isinstance(event, Ended):
                    yield INSERT_ENDING, _ending(event, notification_id)
            case FeedbackGiven():
                yield trail(
                    event.position,
                    "feedback",
                    {"rating": event.rating, "comment": event.comment, "user": event.user},
                )
            case Erased():
                yield ERASE_TRAIL, (cid,)
                yield trail(-1, "erased", {"by": event.by, "scope": event.scope})
                yield SET_ERASED, (at, cid)


def _inherited(turn: Turn) -> dict[str, Any]:
    """What a branch copied from its parent's turn: enough to show why it was decided so."""
    return {
        "position": turn.position,
        "sent_at": turn.sent_at,
        "replied_at": turn.replied_at,
        "assessment": turn.assessment,
        "decision": turn.decision,
    }


def _ending(event: Ended, notification_id: int) -> tuple[Any, ...]:
    decision = event.decision
    return (
        event.originator_id,
        notification_id,
        event.position,
        str(decision.reason),
        decision.rule,
        decision.policy_version,
        _policy_json(event.policy),
        decision.model,
        "{" + ",".join(map(str, decision.cites)) + "}",
        event.timestamp,
    )


@lru_cache(maxsize=64)
def _policy_json(policy: Policy) -> str:
    """A policy's JSON, made once per distinct policy (endings repeat the few in force)."""
    return _json(policy.to_mapping())


@dataclass(frozen=True)
class EndingFilter:
    """Which endings a list shows; `None` means any. Periods are [since, until)."""

    since: datetime | None = None
    until: datetime | None = None
    reason: str | None = None
    model: str | None = None
    policy_version: str | None = None
    category: str | None = None
    contested: bool = False
    verdict: str | None = None
    """The latest verdict of the ending's review (for reviewers; the verdict shows only
    to them)."""


def endings_page(
    owner: str | None, filters: EndingFilter, after: int | None, limit: int
) -> Query[list[Row]]:
    """Newest first, keyset on `seq` (the Ended event's notification id)."""
    params = {**asdict(filters), "owner": owner, "after": after, "limit": limit}
    return (yield SELECT_ENDINGS_PAGE, params)


def ending_facets(owner: str | None) -> Query[Row]:
    """The models, policy versions and categories endings exist for (filter choices)."""
    (row,) = yield SELECT_FACETS, {"owner": owner}
    return {key: sorted(values) for key, values in row.items()}


def audit_of(conversation_id: UUID, owner: str | None, keys: DataKeys) -> Query[Row | None]:
    """A conversation's ending, evidence, trail, messages, the branches made from it and,
    for a reviewer (`owner` None), its review, their texts opened with `keys`; None if
    missing or not visible."""
    params: dict[str, Any] = {"id": conversation_id, "owner": owner}
    conversation = first((yield SELECT_CONVERSATION, params))
    if conversation is None:
        return None
    ending = first((yield SELECT_ENDING, params))
    cites: Sequence[int] = ending["cites"] if ending else []
    messages = yield from messages_of([conversation_id], keys)
    evidence = [message for message in messages if message["position"] in cites]
    trail = yield SELECT_TRAIL, params
    open_secret = SEALED.opener(keys)
    for row in trail:
        box, wrapped = row.pop("sealed"), row.pop("wrapped")
        secret = open_secret(conversation_id, row["seq"], box, wrapped)
        if secret is not None:
            merge(row["data"], secret, PERSONAL[row["kind"]])
    branches = yield SELECT_BRANCHES_MADE, params
    review = None if owner is not None else (yield from case_of(conversation_id))
    return {
        **conversation,
        "ending": ending,
        "evidence": evidence,
        "trail": trail,
        "messages": messages,
        "branches": branches,
        "review": review,
    }


def stats(owner: str | None, since: datetime | None, until: datetime | None) -> Query[Row]:
    (row,) = yield SELECT_STATS, {"owner": owner, "since": since, "until": until}
    return row
