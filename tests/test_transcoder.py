"""Stored events decode to exactly the domain objects that were saved."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from domain.assessment import Assessment, Category, Crisis, Intent
from domain.conversation import Conversation
from domain.events import Event, Rating
from domain.policy import Policy
from domain.ports import WrittenReply
from eventstore.transcoder import event_mapper

AT = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def test_every_event_round_trips() -> None:
    policy = Policy(version="t", crisis_window_turns=3)
    parent = Conversation.start(uuid4(), "alice", "claude-opus-4-1", AT)
    turns = [
        Assessment(Category.CBRN_WEAPONS, 0.9, scores={"cbrn_weapons": 0.9}, rationale="r"),
        Assessment(crisis=Crisis.SELF_HARM, raw={"usage": {"input_tokens": 3}}),
        Assessment(intent=Intent.END_REQUEST),
        Assessment(intent=Intent.CONFIRM_END),
    ]
    for assessment in turns:
        decision = policy.decide(parent.ladder, assessment, parent.next_position, parent.model)
        reply = WrittenReply("r", "end_conversation", {"latency_ms": 3.5})
        parent.record_turn("text", assessment, decision, policy, reply, AT)
    child = Conversation.branch(uuid4(), parent, 2, "alice", AT)
    parent.note_branch(child.id, 2, AT)
    parent.give_feedback("alice", Rating.DOWN, "hm", 1, AT)

    mapper = event_mapper()
    events: list[Event] = [*parent.collect_events(), *child.collect_events()]
    assert len({type(e) for e in events}) >= 8
    for event in events:
        assert mapper.to_domain_event(mapper.to_stored_event(event)) == event
