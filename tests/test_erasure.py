"""Erasure on the service: what people wrote goes, what was decided stays, and an erased
conversation takes nothing more. On the in-memory store, with its own data keys."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import pytest

from application.service import ConversationService
from domain.access import Principal, Role
from domain.conversation import Conversation
from domain.errors import ConversationErased, Forbidden
from domain.events import Erased, ErasureScope, Rating
from eventstore.store import ConversationStore
from tests.procs import HARM

ALICE = Principal("alice")


def persisted(service: ConversationService, who: Principal = ALICE) -> Conversation:
    """A conversation ended for persistent harm, rated down, with a branch made from it."""
    cid = service.start(who, "claude-opus-4-1").id
    for _ in range(4):
        service.send_message(who, cid, HARM)
    service.give_feedback(who, cid, Rating.DOWN, "my private complaint", None)
    return service.get(who, cid)


def reloaded(store: ConversationStore, cid: UUID) -> Conversation:
    """The conversation as a process that never saw it reads it from the store."""
    store._cache.clear()
    return store.get_conversation(cid)


def test_erasing_a_conversation_keeps_every_decision_and_no_text(
    service: ConversationService, memory: ConversationStore
) -> None:
    before = persisted(service)
    branch = service.branch(ALICE, before.id, 2, "a gentler question").conversation.id

    erasure = service.erase_conversation(ALICE, before.id)

    assert set(erasure.conversation_ids) == {before.id, branch}
    after = reloaded(memory, before.id)
    assert [t.decision for t in after.turns] == [
        replace(t.decision, model_request=None) for t in before.turns
    ]
    assert [(t.assessment.category, t.assessment.scores) for t in after.turns] == [
        (t.assessment.category, t.assessment.scores) for t in before.turns
    ]
    assert after.ended is not None and after.ended.decision.reason is not None
    note = f"erased on {erasure.at.date().isoformat()}"
    assert {m.text for m in after.messages} == {note}
    assert {t.text for t in after.turns} | {t.reply for t in after.turns} == {""}
    assert {t.text for t in reloaded(memory, branch).turns} == {""}
    recorded = [e for e in memory.events.get(before.id) if isinstance(e, Erased)]
    assert [(e.by, e.scope) for e in recorded] == [("alice", ErasureScope.CONVERSATION)]


def test_an_erased_conversation_takes_no_turn_feedback_or_branch(
    service: ConversationService,
) -> None:
    cid = service.start(ALICE, "claude-opus-4-1").id
    service.send_message(ALICE, cid, "Tell me about Rome")
    service.erase_conversation(ALICE, cid)
    refused = [
        lambda: service.send_message(ALICE, cid, "hello again"),
        lambda: service.give_feedback(ALICE, cid, Rating.UP, "thanks", 1),
        lambda: service.branch(ALICE, cid, 0, "another start"),
    ]
    for command in refused:
        with pytest.raises(ConversationErased) as error:
            command()
        assert error.value.code == "conversation_erased"


def test_erasing_again_records_one_erasure(
    service: ConversationService, memory: ConversationStore
) -> None:
    cid = service.start(ALICE, "claude-opus-4-1").id
    first = service.erase_conversation(ALICE, cid)
    second = service.erase_conversation(ALICE, cid)
    assert first.conversation_ids == second.conversation_ids == (cid,)
    assert sum(isinstance(e, Erased) for e in memory.events.get(cid)) == 1


def test_a_user_erases_all_of_theirs_and_only_an_admin_erases_another(
    service: ConversationService, memory: ConversationStore
) -> None:
    bob = Principal("bob")
    alices = [persisted(service).id, persisted(service).id]
    bobs = persisted(service, bob).id
    with pytest.raises(Forbidden):
        service.erase_user(bob, "alice")
    assert set(service.erase_user(ALICE, "alice").conversation_ids) == set(alices)
    assert reloaded(memory, bobs).turns[0].text == HARM
    erasure = service.erase_user(Principal("ops", Role.ADMIN), "bob")
    assert (erasure.by, erasure.scope, erasure.conversation_ids) == ("ops", "user", (bobs,))
    assert reloaded(memory, bobs).turns[0].text == ""


def test_only_the_owner_erases_a_conversation(service: ConversationService) -> None:
    cid = service.start(ALICE, "claude-opus-4-1").id
    with pytest.raises(Forbidden):
        service.erase_conversation(Principal("rita", Role.REVIEWER), cid)
