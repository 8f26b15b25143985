"""The store's conversation cache: never stale for a read, never trusted for a write."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from application.service import ConversationService
from domain.access import Principal
from domain.policy import Policy
from eventstore.database import eventsourcing_env
from eventstore.store import ConversationStore
from tests.services import offline_service

ALICE = Principal("alice-cache")
MODEL = "claude-opus-4-1"


@pytest.fixture
def services(database_url: str) -> Iterator[tuple[ConversationService, ConversationService]]:
    """Two services on two stores: two processes sharing one database."""
    stores = [ConversationStore(env=eventsourcing_env(database_url)) for _ in range(2)]
    one, two = (offline_service(store, policy=Policy(version="t")) for store in stores)
    yield one, two
    for store in stores:
        store.close()


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
