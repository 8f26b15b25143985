"""The event store: conversations saved and loaded through eventsourcing on Postgres.

Loading keeps the last copy of each recently used conversation (a bounded LRU cache):
the next load reads only the events recorded after the cached version and applies
them to a copy, so a turn costs the same at 10 messages as at 5,000. Saves go through
`TurnRecorder`, the library's recorder in one round trip.

A read (`get_conversation`) always asks the database for newer events. A command may
start from the cached copy without asking (`get_cached`): another process may have
written behind this one's cache, but then the save is refused — the primary key on id
and version holds the version the stale copy would write next — and the command runs
again on a fresh load (`application/service.py`). So a turn whose cached copy is
current costs one round trip, its save. Cached conversations are private copies;
callers always get their own clone.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import (
    InterfaceError,
    Mapper,
    OperationalError,
    Recording,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import EnvType, get_topic, retry
from psycopg import ClientCursor
from psycopg.sql import SQL, Composed, Identifier, Literal

from domain.aggregate import EventSourced
from domain.conversation import Conversation
from domain.errors import NotFound
from domain.events import Event, Started
from domain.review import REVIEW_EVENTS, Review, review_id
from eventstore.keys import DataKeys, InMemoryKeys
from eventstore.transcoder import EventMapper, event_mapper

EVENTS_TABLE = "lastresort_events"
CACHE_SIZE = 2000
CONVERSATION_ROWS: Composed = SQL("topic <> ALL({})").format(
    Literal([get_topic(cls) for cls in REVIEW_EVENTS])
)
"""The rows of the events table that are conversations' events: reviews share the table (so a
rating down and the review it requests are saved in one transaction), and readers of whole
conversations (verify, replay) leave their streams out with this condition."""


class TurnRecorder(PostgresApplicationRecorder):
    """The library's recorder, saving a transaction in one round trip.

    Same locking and notification as the library (`LOCK TABLE … IN EXCLUSIVE MODE`, then
    `NOTIFY`, so notification ids commit in order), then a multi-row INSERT returning the
    ids — sent as one multi-statement query, which Postgres runs as one implicit
    transaction: the table lock is held for a single round trip, not three, so
    concurrent writers queue behind it far less. A conflict rolls the whole save back.
    """

    def __init__(self, datastore: PostgresDatastore, events_table_name: str) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self._head = SQL("; ").join(
            [*self.lock_table_statements, SQL("NOTIFY {}").format(Identifier(self.channel_name))]
        )
        self._inserts: dict[int, bytes] = {}

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        params = [
            value
            for e in stored_events
            for value in (e.originator_id, e.originator_version, e.topic, e.state)
        ]
        with self.datastore.get_connection() as conn, ClientCursor(conn) as curs:
            curs.execute(self._statement(len(stored_events)), params)
            while curs.nextset():
                pass  # the INSERT's ids are the last result
            return [row["notification_id"] for row in curs.fetchall()]

    def _statement(self, rows: int) -> bytes:
        """The save's SQL for `rows` events, rendered once."""
        statement = self._inserts.get(rows)
        if statement is None:
            values = SQL(", ").join(SQL("(%s, %s, %s, %s)") for _ in range(rows))
            statement = self._inserts[rows] = (
                SQL(
                    "{}; INSERT INTO {}.{} (originator_id, originator_version, topic, state) "
                    "VALUES {} RETURNING notification_id"
                )
                .format(
                    self._head,
                    Identifier(self.datastore.schema),
                    Identifier(self.events_table_name),
                    values,
                )
                .as_bytes(None)
            )
        return statement


class ConversationStore(Application[UUID]):
    """Appends conversation events atomically; a concurrent writer gets `IntegrityError`."""

    name = "lastresort"

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        cache_size: int = CACHE_SIZE,
        keys: DataKeys | None = None,
    ) -> None:
        """On Postgres (`eventstore.database.eventsourcing_env`) saves go through
        `TurnRecorder`; any other persistence module of the library (its in-memory `popo`
        store, for tests without a database) keeps that module's own recorder. Texts are
        sealed under `keys` (the service's are in Postgres; without any, this process's
        own, which no other process can open)."""
        self.keys = InMemoryKeys() if keys is None else keys
        env = dict(env or {})
        if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            env.setdefault("APPLICATION_RECORDER_TOPIC", get_topic(TurnRecorder))
        super().__init__(env)
        self.cache_size = cache_size
        self._cache: OrderedDict[UUID, Conversation] = OrderedDict()
        self._cache_lock = threading.Lock()

    def construct_mapper(self) -> Mapper[UUID]:
        return event_mapper(self.keys)

    def with_branches(self, conversation_ids: Sequence[UUID]) -> list[UUID]:
        return self.keys.with_descendants(conversation_ids)

    def owned_by(self, owner: str) -> list[UUID]:
        return self.keys.owned_by(owner)

    def shred(self, conversation_ids: Sequence[UUID]) -> None:
        self.keys.shred(conversation_ids)

    @property
    def event_mapper(self) -> EventMapper:
        return cast(EventMapper, self.mapper)

    def get_conversation(self, conversation_id: UUID) -> Conversation:
        with self._cache_lock:
            cached = self._cache.get(conversation_id)
        return self._load(conversation_id, cached)

    def get_cached(self, conversation_id: UUID) -> Conversation:
        """A copy of the cached conversation without a query (it may be behind the
        database); loaded as `get_conversation` when none is cached."""
        with self._cache_lock:
            cached = self._cache.get(conversation_id)
            if cached is not None:
                self._cache.move_to_end(conversation_id)
                return cached.clone()
        return self._load(conversation_id, None)

    def _load(self, conversation_id: UUID, cached: Conversation | None) -> Conversation:
        """The conversation with every recorded event, caught up from `cached` if given."""
        if cached is None:
            events = cast(list[Event], list(self.events.get(conversation_id)))
            if not events or not isinstance(events[0], Started):  # none, or a review's
                raise NotFound(f"conversation {conversation_id} not found")
            conversation = Conversation.from_events(events)
        else:
            conversation = cached.clone()
            newer = self.events.get(conversation_id, gt=cached.version)
            conversation.fast_forward(cast(list[Event], list(newer)))
        self._remember(conversation)
        return conversation

    def get_review(self, conversation_id: UUID) -> Review | None:
        """The review of `conversation_id`'s ending, None while none was requested."""
        return Review.from_events(
            cast(list[Event], list(self.events.get(review_id(conversation_id))))
        )

    def save_conversations(self, *conversations: EventSourced) -> Sequence[Recording[UUID]]:
        """Store every pending event of `conversations` (and of reviews saved with them) in
        one transaction.

        Straight to the event store: `Application.save` would find each conversation's
        events through runtime `Protocol` checks (slow `isinstance`) and then call hooks
        (snapshots, its own cache, subscribers) this application has none of."""
        events = [
            event for conversation in conversations for event in conversation.collect_events()
        ]
        recordings = self.events.put(events)
        for conversation in conversations:
            if isinstance(conversation, Conversation):
                self._remember(conversation)
        return recordings

    def _remember(self, conversation: Conversation) -> None:
        """Keep a private copy of `conversation` unless a newer one is cached already."""
        if conversation.pending:
            return
        with self._cache_lock:
            cached = self._cache.get(conversation.id)
            if cached is None or cached.version < conversation.version:
                self._cache[conversation.id] = conversation.clone()
            self._cache.move_to_end(conversation.id)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
