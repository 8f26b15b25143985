"""The store's conversation cache: never stale for a read; a command writes on it without
asking the database first, and a copy another process wrote behind is refused at the
primary key, then the command is decided again on fresh state."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import cast
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError, Recording
from eventsourcing.postgres import PostgresDatastore
from psycopg import Connection
from psycopg.rows import DictRow

from application.service import ConversationService
from domain.access import Principal
from domain.conversation import Conversation
from domain.events import Rating
from domain.policy import Policy
from eventstore.database import eventsourcing_env
from eventstore.keys import MasterKey, PostgresKeys
from eventstore.store import ConversationStore
from tests.services import offline_service

ALICE = Principal("alice-cache")
MODEL = "claude-opus-4-1"


class RefusalsCounted:
    """The store, counting the saves the primary key refused."""

    def __init__(self, store: ConversationStore) -> None:
        self.store = store
        self.refused = 0

    def get_conversation(self, conversation_id: UUID) -> Conversation:
        return self.store.get_conversation(conversation_id)

    def get_cached(self, conversation_id: UUID) -> Conversation:
        return self.store.get_cached(conversation_id)

    def save_conversations(self, *conversations: Conversation) -> Sequence[Recording[UUID]]:
        try:
            return self.store.save_conversations(*conversations)
        except IntegrityError:
            self.refused += 1
            raise


class Checkouts:
    """Counts a datastore's connection checkouts: each is at least one round trip."""

    def __init__(self, datastore: PostgresDatastore) -> None:
        self.count = 0
        self._get_connection = datastore.get_connection
        datastore.get_connection = self  # type: ignore[method-assign]

    def __call__(self) -> AbstractContextManager[Connection[DictRow]]:
        self.count += 1
        return self._get_connection()


@pytest.fixture
def stores(database_url: str) -> Iterator[list[ConversationStore]]:
    """Two stores on one database: two processes' caches (and data keys)."""
    master = MasterKey.parse(MasterKey.generate())
    stores = [
        ConversationStore(
            env=eventsourcing_env(database_url), keys=PostgresKeys(database_url, master)
        )
        for _ in range(2)
    ]
    yield stores
    for store in stores:
        store.close()


@pytest.fixture
def counted(stores: list[ConversationStore]) -> RefusalsCounted:
    return RefusalsCounted(stores[0])


@pytest.fixture
def services(
    stores: list[ConversationStore], counted: RefusalsCounted
) -> tuple[ConversationService, ConversationService]:
    """Two services on the two stores, the first counting its refused saves."""
    policy = Policy(version="t")
    return offline_service(counted, policy=policy), offline_service(stores[1], policy=policy)


def texts(service: ConversationService, conversation_id: UUID) -> list[str]:
    return [t.text for t in service.get(ALICE, conversation_id).turns]


def test_a_cached_conversation_catches_up_with_another_writer(
    services: tuple[ConversationService, ConversationService],
) -> None:
    one, two = services
    cid = one.start(ALICE, MODEL).id
    one.send_message(ALICE, cid, "Any dessert ideas?")  # cached by the first store
    two.send_message(ALICE, cid, "Something with apples?")
    two.send_message(ALICE, cid, "And without an oven?")
    assert texts(one, cid) == [
        "Any dessert ideas?",
        "Something with apples?",
        "And without an oven?",
    ]
    result = one.send_message(ALICE, cid, "Thanks!")
    assert result.turn.position == 6
    assert texts(two, cid)[-1] == "Thanks!"


def test_a_stale_copy_cannot_be_saved_and_callers_get_independent_copies(
    services: tuple[ConversationService, ConversationService],
) -> None:
    one, two = services
    cid = one.start(ALICE, MODEL).id
    one.send_message(ALICE, cid, "Hello there")
    stale = one.store.get_conversation(cid)
    two.send_message(ALICE, cid, "Another message")
    one._take_turn(stale, "Written on a stale copy")
    with pytest.raises(IntegrityError):
        one.store.save_conversations(stale)
    # The unsaved turn on the caller's copy never reaches the cache.
    assert texts(one, cid) == ["Hello there", "Another message"]
    assert one.store.get_conversation(cid) is not one.store.get_conversation(cid)


def test_a_turn_on_a_current_cache_asks_the_database_nothing_before_its_save(
    services: tuple[ConversationService, ConversationService], stores: list[ConversationStore]
) -> None:
    one, two = services
    cid = one.start(ALICE, MODEL).id
    one.send_message(ALICE, cid, "Any dessert ideas?")
    checkouts = Checkouts(cast(PostgresDatastore, stores[0].recorder.datastore))
    result = one.send_message(ALICE, cid, "Something with apples?")
    assert checkouts.count == 1  # the save; no SELECT of newer events before it
    assert result.turn.position == 2
    assert texts(two, cid) == ["Any dessert ideas?", "Something with apples?"]


def test_a_turn_behind_another_process_is_refused_then_recorded_on_fresh_state(
    services: tuple[ConversationService, ConversationService], counted: RefusalsCounted
) -> None:
    one, two = services
    cid = one.start(ALICE, MODEL).id
    one.send_message(ALICE, cid, "Any dessert ideas?")  # the first store's cache: version 3
    two.send_message(ALICE, cid, "Something with apples?")
    two.send_message(ALICE, cid, "And without an oven?")
    result = one.send_message(ALICE, cid, "Thanks!")
    assert counted.refused == 1  # written on the stale copy first, refused at the key
    assert result.turn.position == 6
    assert result.conversation.version == 9
    assert texts(two, cid) == [
        "Any dessert ideas?",
        "Something with apples?",
        "And without an oven?",
        "Thanks!",
    ]


def test_an_idempotency_key_recorded_by_another_process_is_not_recorded_twice(
    services: tuple[ConversationService, ConversationService], counted: RefusalsCounted
) -> None:
    one, two = services
    cid = one.start(ALICE, MODEL).id
    one.send_message(ALICE, cid, "Any dessert ideas?")
    first = two.send_message(ALICE, cid, "Something with apples?", request_key="k-1")
    again = one.send_message(ALICE, cid, "Something with apples?", request_key="k-1")
    assert counted.refused == 1
    assert again.notification_id is None
    assert again.turn == first.turn
    assert texts(two, cid) == ["Any dessert ideas?", "Something with apples?"]


def test_a_refusal_decided_on_a_stale_copy_is_decided_again_on_fresh_state(
    services: tuple[ConversationService, ConversationService],
) -> None:
    one, two = services
    cid = one.start(ALICE, MODEL).id
    one.send_message(ALICE, cid, "Any dessert ideas?")
    two.send_message(ALICE, cid, "Something with apples?")
    # Position 3 (the second reply) is not in the first store's cached copy.
    assert one.give_feedback(ALICE, cid, Rating("up"), None, 3) == 3
