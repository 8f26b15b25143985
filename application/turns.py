"""One user turn over the attempts of one command: the models are asked once, in time.

A write conflict makes the service run a command again on fresh state. Model calls are
slow and paid for, so a later attempt reuses what an earlier one got whenever the inputs
are the same: the assessment while the text and its context (the recent user messages
with their assessments) are unchanged, the reply while the policy's decision is. A
concurrent turn that changes the context is assessed again; one that changes the
decision (the ladder moved on) gets a new reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.assessment import Assessment
from domain.conversation import Conversation
from domain.deadline import Deadline
from domain.decision import Decision
from domain.events import Turn
from domain.policy import Policy
from domain.ports import Assessor, Assistant, WrittenReply

CONTEXT_MESSAGES = 6
AssessmentContext = Sequence[tuple[str, Assessment]]


@dataclass
class TurnTaker:
    """Takes the user's `text` as the next turn of a conversation, within `deadline`."""

    text: str
    assessor: Assessor
    assistant: Assistant
    policy: Policy
    deadline: Deadline
    _assessed: tuple[AssessmentContext, Assessment] | None = field(default=None, init=False)
    _written: tuple[Decision, WrittenReply] | None = field(default=None, init=False)

    def take(self, conversation: Conversation, at: datetime, request_key: str | None) -> Turn:
        """Record the turn on `conversation` (not saved yet) and return it."""
        context = conversation.recent_user_messages(CONTEXT_MESSAGES)
        assessment = self._assess(context)
        decision = self.policy.decide(
            conversation.ladder, assessment, conversation.next_position, conversation.model
        )
        reply = self._write(decision, conversation.turns)
        conversation.record_turn(
            self.text, assessment, decision, self.policy, reply, at, request_key
        )
        return conversation.turns[-1]

    def _assess(self, context: AssessmentContext) -> Assessment:
        if self._assessed is None or self._assessed[0] != context:
            assessment = self.assessor.assess(self.text, context, self.deadline)
            self._assessed = (context, assessment)
        return self._assessed[1]

    def _write(self, decision: Decision, history: Sequence[Turn]) -> WrittenReply:
        if self._written is None or self._written[0] != decision:
            reply = self.assistant.write(decision, self.text, history, self.deadline)
            self._written = (decision, reply)
        return self._written[1]
