"""Read model "shadows": where each policy in shadow decided otherwise than the live one.

Two tables: `rm_shadow_divergences`, one row per shadowed version and reply whose shadow
decision differs from the live one (`domain.replay.diverges`), with both decisions; and
`rm_shadowed_conversations`, the turns each version decided per conversation, so a report
says out of how many conversations its divergences come. A branch's inherited turns are
its parent's: they were counted there, so only the turns recorded on a conversation count.

A conversation's outcome under a shadow (`domain.replay.ShadowChange`) follows from its
divergences alone, because a shadow decides nothing after its own ending and a
conversation has no turn after the live one's: at most one divergence of a conversation
involves an ending, and it tells how. All SQL of this read model is here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from psycopg import sql

from domain.events import AssistantEvent, Event
from domain.replay import ShadowChange, diverges
from projections.base import Operation, ReadModel, Row, Rows
from projections.queries import Query

INSERT_DIVERGENCE = Rows.insert(
    "rm_shadow_divergences",
    (
        ("version", "text"),
        ("seq", "bigint"),
        ("conversation_id", "uuid"),
        ("position", "integer"),
        ("model", "text"),
        ("category", "text"),
        ("live_action", "text"),
        ("live_rule", "text"),
        ("live_reason", "text"),
        ("shadow_action", "text"),
        ("shadow_rule", "text"),
        ("shadow_reason", "text"),
        ("at", "timestamptz"),
    ),
)
# One row per (version, conversation) and batch: a batch may hold many turns of one
# conversation, which one upsert may not meet twice.
COUNT_SHADOWED = Rows(
    "INSERT INTO rm_shadowed_conversations (version, conversation_id, model, turns) "
    "SELECT r.version, r.conversation_id, min(r.model), count(*) FROM {rows} "
    "GROUP BY r.version, r.conversation_id "
    "ON CONFLICT (version, conversation_id) "
    "DO UPDATE SET turns = rm_shadowed_conversations.turns + excluded.turns",
    (("version", "text"), ("conversation_id", "uuid"), ("model", "text")),
)

DIVERGENCE_COLUMNS = sql.SQL(
    "seq, conversation_id, position, model, category, live_action, live_rule, live_reason, "
    "shadow_action, shadow_rule, shadow_reason, at"
)
SELECT_DIVERGENCES_PAGE = sql.SQL(
    "SELECT {} FROM rm_shadow_divergences WHERE version = %(version)s "
    "AND (%(after)s::bigint IS NULL OR seq < %(after)s) ORDER BY seq DESC LIMIT %(limit)s"
).format(DIVERGENCE_COLUMNS)
OUTCOMES = sql.SQL(
    "WITH outcomes AS (SELECT {columns}, CASE "
    "WHEN shadow_action = 'ended' AND live_action <> 'ended' THEN {earlier} "
    "WHEN shadow_action = 'ended' THEN {different_reason} "
    "WHEN shadow_action IN ('redirect', 'warning') THEN {later} "
    "ELSE {not_at_all} END AS change "
    "FROM rm_shadow_divergences WHERE version = %(version)s "
    "AND (shadow_action = 'ended' OR live_action = 'ended')) "
).format(
    columns=DIVERGENCE_COLUMNS,
    **{change.name.lower(): sql.Literal(str(change)) for change in ShadowChange},
)
SELECT_TOTALS = sql.SQL(
    "SELECT (SELECT count(*) FROM rm_shadowed_conversations WHERE version = %(version)s) "
    "AS conversations, "
    "(SELECT coalesce(sum(turns), 0) FROM rm_shadowed_conversations "
    "WHERE version = %(version)s) AS turns, "
    "(SELECT count(*) FROM rm_shadow_divergences WHERE version = %(version)s) "
    "AS divergent_turns, "
    "(SELECT count(DISTINCT conversation_id) FROM rm_shadow_divergences "
    "WHERE version = %(version)s) AS divergent_conversations"
)
SELECT_OUTCOME_COUNTS = OUTCOMES + sql.SQL(
    "SELECT change, category, model, count(*) AS conversations FROM outcomes "
    "GROUP BY change, category, model ORDER BY change, category, model"
)
SELECT_OUTCOME_EXAMPLES = OUTCOMES + sql.SQL(
    "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY change ORDER BY seq DESC) AS n "
    "FROM outcomes) x WHERE n <= %(examples)s ORDER BY change, seq DESC"
)


class ShadowsView(ReadModel):
    name = "shadows"
    tables = ("rm_shadow_divergences", "rm_shadowed_conversations")
    statements = (INSERT_DIVERGENCE, COUNT_SHADOWED)
    reads: ClassVar[Mapping[type[Event], frozenset[str]]] = {
        AssistantEvent: frozenset({"position", "decision", "shadows", "timestamp"}),
    }

    def operations(self, event: Event, notification_id: int) -> Iterable[Operation]:
        if not isinstance(event, AssistantEvent):
            return
        cid, live = event.originator_id, event.decision
        for shadow in event.shadows:
            version, decision = shadow.policy.version, shadow.decision
            yield COUNT_SHADOWED, (version, cid, live.model)
            if diverges(live, decision):
                yield (
                    INSERT_DIVERGENCE,
                    (
                        version,
                        notification_id,
                        cid,
                        event.position,
                        live.model,
                        decision.behaviour or live.behaviour or "none",
                        str(live.action),
                        live.rule,
                        _text(live.reason),
                        str(decision.action),
                        decision.rule,
                        _text(decision.reason),
                        event.timestamp,
                    ),
                )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def divergences_page(version: str, after: int | None, limit: int) -> Query[list[Row]]:
    """The replies where `version` decided otherwise, newest first (keyset on `seq`)."""
    return (yield SELECT_DIVERGENCES_PAGE, {"version": version, "after": after, "limit": limit})


def shadow_report(version: str, examples: int = 10) -> Query[Row]:
    """What `version` did in shadow: how many conversations and turns it decided, how many
    it decided otherwise, each conversation's changed outcome counted by change, category
    and model, and the newest `examples` conversations of each change."""
    params = {"version": version, "examples": examples}
    (totals,) = yield SELECT_TOTALS, params
    counts = yield SELECT_OUTCOME_COUNTS, params
    shown = yield SELECT_OUTCOME_EXAMPLES, params
    return {**totals, "version": version, "outcomes": counts, "examples": shown}
