"""Read model "conversations": each conversation with its tree links, and its messages.

A branch's inherited messages are copied into the branch, so a conversation's messages
are always one indexed range scan. Their texts are kept sealed (`projections/sealed.py`):
the messages' reader opens them. All SQL of this read model is here; its queries are
written once for blocking and asyncio connections (`projections/queries.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from psycopg import sql

from domain.conversation import USER_KIND, Author, erased_note
from domain.events import (
    AssistantEvent,
    Branched,
    Ended,
    Erased,
    Event,
    MessageSent,
    Started,
    Turn,
)
from eventstore.keys import DataKeys
from projections.base import Operation, ReadModel, Row, Rows
from projections.queries import Query
from projections.sealed import SealedColumn, key_of

INSERT_CONVERSATION = Rows.insert(
    "rm_conversations",
    (
        ("id", "uuid"),
        ("seq", "bigint"),
        ("owner", "text"),
        ("model", "text"),
        ("started_at", "timestamptz"),
    ),
)
# A conversation is branched (its Branched event) and ended once, so neither UPDATE meets
# a row twice in one batch: applied in one statement, it does what event by event would.
SET_PARENT = Rows(
    "UPDATE rm_conversations c SET parent_id = r.parent_id, branch_position = r.position "
    "FROM {rows} WHERE c.id = r.id",
    (("parent_id", "uuid"), ("position", "integer"), ("id", "uuid")),
)
SET_ENDED = Rows(
    "UPDATE rm_conversations c SET status = 'ended', ended_at = r.at FROM {rows} WHERE c.id = r.id",
    (("at", "timestamptz"), ("id", "uuid")),
)
INSERT_MESSAGE = Rows.insert(
    "rm_messages",
    (
        ("conversation_id", "uuid"),
        ("position", "integer"),
        ("author", "text"),
        ("kind", "text"),
        ("sealed", "bytea"),
        ("category", "text"),
        ("at", "timestamptz"),
    ),
)

# An erasure comes once per conversation and after every message of it.
ERASE_MESSAGES = Rows(
    "UPDATE rm_messages m SET sealed = NULL FROM {rows} WHERE m.conversation_id = r.id",
    (("id", "uuid"),),
)
SET_ERASED = Rows(
    "UPDATE rm_conversations c SET erased_at = r.at FROM {rows} WHERE c.id = r.id",
    (("at", "timestamptz"), ("id", "uuid")),
)

COLUMNS = sql.SQL(
    "id, seq, owner, model, status, parent_id, branch_position, started_at, ended_at, erased_at"
)
VISIBLE = sql.SQL("(%(owner)s::text IS NULL OR owner = %(owner)s)")
SELECT_BY_IDS = sql.SQL("SELECT {} FROM rm_conversations WHERE id = ANY(%(ids)s) AND {}").format(
    COLUMNS, VISIBLE
)
SELECT_PAGE = sql.SQL(
    "SELECT {} FROM rm_conversations WHERE {} "
    "AND (%(status)s::text IS NULL OR status = %(status)s) "
    "AND (%(after)s::bigint IS NULL OR seq < %(after)s) "
    "ORDER BY seq DESC LIMIT %(limit)s"
).format(COLUMNS, VISIBLE)
SELECT_BRANCHES = sql.SQL(
    "SELECT {} FROM rm_conversations WHERE parent_id = ANY(%(ids)s) AND {} ORDER BY seq"
).format(COLUMNS, VISIBLE)
SELECT_MESSAGES = sql.SQL(
    "SELECT m.conversation_id, m.position, m.author, m.kind, m.sealed, m.category, m.at, "
    "c.erased_at, k.wrapped FROM rm_messages m JOIN rm_conversations c ON c.id = m.conversation_id "
    "{key} WHERE m.conversation_id = ANY(%(ids)s) ORDER BY m.conversation_id, m.position"
).format(key=key_of("m.conversation_id"))
TEXT = SealedColumn("rm_messages")
"""A message's text, sealed and bound to its conversation and position."""


class ConversationsView(ReadModel):
    name = "conversations"
    tables = ("rm_conversations", "rm_messages")
    statements = (
        INSERT_CONVERSATION,
        SET_PARENT,
        INSERT_MESSAGE,
        SET_ENDED,
        ERASE_MESSAGES,
        SET_ERASED,
    )
    reads: ClassVar[Mapping[type[Event], frozenset[str]]] = {
        Started: frozenset({"owner", "model", "timestamp"}),
        Branched: frozenset({"parent_id", "branch_position", "inherited"}),
        MessageSent: frozenset({"position", "text", "assessment.category", "timestamp"}),
        AssistantEvent: frozenset({"position", "text", "decision.action", "timestamp"}),
        Erased: frozenset({"timestamp"}),
    }

    def operations(self, event: Event, notification_id: int) -> Iterable[Operation]:
        cid = event.originator_id
        match event:
            case Started():
                yield (
                    INSERT_CONVERSATION,
                    (cid, notification_id, event.owner, event.model, event.timestamp),
                )
            case Branched():
                yield SET_PARENT, (event.parent_id, event.branch_position, cid)
                for turn in event.inherited:
                    yield from _turn_messages(self.keys, cid, turn)
            case MessageSent():
                yield (
                    INSERT_MESSAGE,
                    (
                        cid,
                        event.position,
                        str(Author.USER),
                        USER_KIND,
                        TEXT.seal(self.keys, cid, event.position, event.text),
                        str(event.assessment.category),
                        event.timestamp,
                    ),
                )
            case AssistantEvent():
                yield (
                    INSERT_MESSAGE,
                    (
                        cid,
                        event.position,
                        str(Author.ASSISTANT),
                        str(event.decision.action),
                        TEXT.seal(self.keys, cid, event.position, event.text),
                        None,
                        event.timestamp,
                    ),
                )
                if isinstance(event, Ended):
                    yield SET_ENDED, (event.timestamp, cid)
            case Erased():
                yield ERASE_MESSAGES, (cid,)
                yield SET_ERASED, (event.timestamp, cid)


def _turn_messages(keys: DataKeys, cid: UUID, turn: Turn) -> Iterable[Operation]:
    yield (
        INSERT_MESSAGE,
        (
            cid,
            turn.position,
            str(Author.USER),
            USER_KIND,
            TEXT.seal(keys, cid, turn.position, turn.text),
            str(turn.assessment.category),
            turn.sent_at,
        ),
    )
    yield (
        INSERT_MESSAGE,
        (
            cid,
            turn.position + 1,
            str(Author.ASSISTANT),
            str(turn.decision.action),
            TEXT.seal(keys, cid, turn.position + 1, turn.reply),
            None,
            turn.replied_at,
        ),
    )


SELECT_EXPIRED = sql.SQL(
    "SELECT c.id FROM rm_conversations c WHERE c.erased_at IS NULL AND c.started_at < %(cutoff)s "
    "AND NOT EXISTS (SELECT 1 FROM rm_messages m WHERE m.conversation_id = c.id "
    "AND m.at >= %(cutoff)s) ORDER BY c.seq"
)


def expired(cutoff: datetime) -> Query[list[Row]]:
    """Conversations not erased whose every message is older than `cutoff` (retention)."""
    return (yield SELECT_EXPIRED, {"cutoff": cutoff})


def conversations_by_ids(ids: Sequence[UUID], owner: str | None) -> Query[list[Row]]:
    return (yield SELECT_BY_IDS, {"ids": list(ids), "owner": owner})


def conversations_page(
    owner: str | None, status: str | None, after: int | None, limit: int
) -> Query[list[Row]]:
    """Newest first, keyset on `seq` (the Started event's notification id)."""
    return (yield SELECT_PAGE, {"owner": owner, "status": status, "after": after, "limit": limit})


def branches_of(ids: Sequence[UUID], owner: str | None) -> Query[list[Row]]:
    return (yield SELECT_BRANCHES, {"ids": list(ids), "owner": owner})


def messages_of(ids: Sequence[UUID], keys: DataKeys) -> Query[list[Row]]:
    """The conversations' messages, each `text` opened with `keys`: "erased on DATE" once
    erased."""
    rows = yield SELECT_MESSAGES, {"ids": list(ids)}
    open_text = TEXT.opener(keys)
    for row in rows:
        box, wrapped, erased_at = row.pop("sealed"), row.pop("wrapped"), row.pop("erased_at")
        text = open_text(row["conversation_id"], row["position"], box, wrapped)
        if text is None:
            text = "" if erased_at is None else erased_note(erased_at)
        row["text"] = text
    return rows
