"""Stored events decode to exactly the domain objects that were saved."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from cryptography.exceptions import InvalidTag
from eventsourcing.persistence import StoredEvent
from hypothesis import given
from hypothesis import strategies as st

from domain.assessment import Assessment, Category, Crisis, Intent
from domain.conversation import Conversation
from domain.events import AssistantEvent, Branched, Event, FeedbackGiven, MessageSent, Rating
from domain.policy import Policy
from domain.ports import WrittenReply
from eventstore.keys import InMemoryKeys
from eventstore.transcoder import event_mapper

AT = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def recorded_conversation(text: str = "text") -> list[Event]:
    """Every kind of event, each personal field holding `text` (or a quote of it)."""
    policy = Policy(version="t", crisis_window_turns=3)
    parent = Conversation.start(uuid4(), "alice", "claude-opus-4-1", AT)
    turns = [
        Assessment(Category.CBRN_WEAPONS, 0.9, scores={"cbrn_weapons": 0.9}, rationale=text),
        Assessment(crisis=Crisis.SELF_HARM, raw={"quoted": text}),
        Assessment(intent=Intent.END_REQUEST),
        Assessment(intent=Intent.CONFIRM_END),
    ]
    for assessment in turns:
        decision = policy.decide(parent.ladder, assessment, parent.next_position, parent.model)
        reply = WrittenReply(f"you said {text}", f"end: {text}", {"latency_ms": 3.5})
        parent.record_turn(text, assessment, decision, policy, reply, AT)
    child = Conversation.branch(uuid4(), parent, 2, "alice", AT)
    parent.note_branch(child.id, 2, AT)
    parent.give_feedback("alice", Rating.DOWN, f"about {text}", 1, AT)
    return [*parent.collect_events(), *child.collect_events()]


def test_every_event_round_trips() -> None:
    mapper = event_mapper(InMemoryKeys())
    events = recorded_conversation()
    assert len({type(e) for e in events}) >= 8
    for event in events:
        assert mapper.to_domain_event(mapper.to_stored_event(event)) == event


@given(st.text(alphabet=st.characters(codec="utf-8")).map(lambda t: f"«said {t}»"))
def test_no_stored_event_holds_what_a_person_wrote(text: str) -> None:
    mapper = event_mapper(InMemoryKeys())
    for event in recorded_conversation(text):
        stored = mapper.to_stored_event(event)
        assert text.encode() not in stored.state
        assert repr(text)[1:-1].encode() not in stored.state  # nor JSON-escaped


def test_without_the_key_texts_read_as_erased_and_the_decisions_stay() -> None:
    keys = InMemoryKeys()
    writer = event_mapper(keys)
    stored = [writer.to_stored_event(e) for e in recorded_conversation("secret words")]
    keys.shred(list({s.originator_id for s in stored}))
    reader = event_mapper(keys)
    decoded = [reader.to_domain_event(s) for s in stored]
    sent = [e for e in decoded if isinstance(e, MessageSent)]
    assert [m.text for m in sent] == [""] * 4
    assert [m.assessment.rationale for m in sent] == [""] * 4
    assert sent[0].assessment.category is Category.CBRN_WEAPONS
    assert sent[0].assessment.scores == {"cbrn_weapons": 0.9}
    replies = [e for e in decoded if isinstance(e, AssistantEvent)]
    assert {r.text for r in replies} == {""}
    assert {r.decision.model_request for r in replies} == {None}
    assert [r.decision.rule for r in replies] == [
        r.decision.rule for r in recorded_conversation() if isinstance(r, AssistantEvent)
    ]
    feedback = next(e for e in decoded if isinstance(e, FeedbackGiven))
    assert feedback.comment is None and feedback.rating is Rating.DOWN
    branched = next(e for e in decoded if isinstance(e, Branched))
    assert {t.text for t in branched.inherited} == {""}


def test_a_sealed_field_opens_only_in_the_event_it_was_sealed_in() -> None:
    mapper = event_mapper(InMemoryKeys())
    events = recorded_conversation()
    first, second = [mapper.to_stored_event(e) for e in events if isinstance(e, MessageSent)][:2]
    moved = StoredEvent(first.originator_id, second.originator_version, first.topic, first.state)
    with pytest.raises(InvalidTag):
        mapper.to_domain_event(moved)
    assert mapper.to_domain_event(first).text == "text"
