"""One user turn over the attempts of one command: the models are asked once, in time.

A write conflict makes the service run a command again on fresh state. Model calls are
slow and paid for, so a later attempt reuses what an earlier one got whenever the inputs
are the same: the assessment while the text and its context (the recent user messages
with their assessments) are unchanged, the reply while the policy's decision is. A
concurrent turn that changes the context is assessed again; one that changes the
decision (the ladder moved on) gets a new reply.

A streamed turn has a `TurnWatcher`: it is told the decision (with the reply's position)
as soon as the policy has made it, then the reply's text piece by piece while the model
writes it. What a client was shown cannot be taken back, so a later attempt may reuse the
streamed reply only where it was announced: if the decision or the position changed (a
concurrent writer moved the conversation on), the turn is refused as `Conflict` (busy)
and nothing is recorded; the client sends it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from domain.assessment import Assessment
from domain.conversation import Conversation
from domain.deadline import Deadline
from domain.decision import Decision
from domain.errors import Conflict
from domain.events import Turn
from domain.policy import InForce
from domain.ports import Assessor, Assistant, WrittenReply
from domain.replay import shadow_decisions

CONTEXT_MESSAGES = 6
AssessmentContext = Sequence[tuple[str, Assessment]]


class TurnWatcher(Protocol):
    """Follows a streamed turn while it is taken."""

    def decided(self, decision: Decision, position: int) -> None:
        """The policy decided; the reply will sit at `position`."""

    def wrote(self, text: str) -> None:
        """The next piece of the reply."""


@dataclass
class TurnTaker:
    """Takes the user's `text` as the next turn of a conversation, within `deadline`;
    streamed to `watcher` when there is one."""

    text: str
    assessor: Assessor
    assistant: Assistant
    policies: InForce
    deadline: Deadline
    watcher: TurnWatcher | None = None
    _assessed: tuple[AssessmentContext, Assessment] | None = field(default=None, init=False)
    _written: tuple[Decision, WrittenReply] | None = field(default=None, init=False)
    _announced: int | None = field(default=None, init=False)  # the streamed reply's position

    def take(self, conversation: Conversation, at: datetime, request_key: str | None) -> Turn:
        """Record the turn on `conversation` (not saved yet) and return it, with what the
        policies in shadow decided from the same assessment (they never change the reply)."""
        context = conversation.recent_user_messages(CONTEXT_MESSAGES)
        assessment = self._assess(context)
        live = self.policies.live
        decision = live.decide(
            conversation.ladder, assessment, conversation.next_position, conversation.model
        )
        reply = self._write(decision, conversation)
        shadows = shadow_decisions(self.policies.shadows, conversation, assessment)
        conversation.record_turn(
            self.text, assessment, decision, live, reply, at, request_key, shadows
        )
        return conversation.turns[-1]

    def _assess(self, context: AssessmentContext) -> Assessment:
        if self._assessed is None or self._assessed[0] != context:
            assessment = self.assessor.assess(self.text, context, self.deadline)
            self._assessed = (context, assessment)
        return self._assessed[1]

    @property
    def streamed(self) -> bool:
        """Whether a watcher has been told anything of this turn yet."""
        return self._announced is not None

    def _write(self, decision: Decision, conversation: Conversation) -> WrittenReply:
        position = conversation.next_position + 1
        written = self._written
        if written is not None and written[0] == decision and self._announced in (None, position):
            return written[1]
        if self._announced is not None:
            raise Conflict(
                "another request changed the conversation while this reply was streamed; "
                "nothing was recorded, send the message again"
            )
        history = conversation.turns
        if self.watcher is None:
            reply = self.assistant.write(decision, self.text, history, self.deadline)
        else:
            self._announced = position
            self.watcher.decided(decision, position)
            reply = self.assistant.stream(
                decision, self.text, history, self.watcher.wrote, self.deadline
            )
        self._written = (decision, reply)
        return reply
