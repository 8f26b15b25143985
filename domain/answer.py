"""What a turn answers its sender: the reply, the conversation's status after it, the ending.

REST's `MessageResult` and GraphQL's `MessagePayload` are both built from `TurnAnswer`, so
the two APIs cannot disagree about a turn's outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.conversation import Conversation, Status
from domain.decision import Action, EndReason
from domain.events import Turn


@dataclass(frozen=True)
class TurnReply:
    """The assistant's message: its kind is the action the policy took."""

    kind: Action
    text: str
    position: int


@dataclass(frozen=True)
class TurnEnding:
    reason: EndReason
    rule: str
    policy_version: str


@dataclass(frozen=True)
class TurnAnswer:
    conversation_id: UUID
    position: int
    status: Status
    reply: TurnReply
    ending: TurnEnding | None

    @classmethod
    def of(cls, conversation: Conversation, turn: Turn) -> TurnAnswer:
        """The answer to `turn` of `conversation`: the reply sits right after the message, and
        the conversation is ended exactly when the decision ended it."""
        decision = turn.decision
        ending = (
            None
            if decision.reason is None
            else TurnEnding(decision.reason, decision.rule, decision.policy_version)
        )
        return cls(
            conversation_id=conversation.id,
            position=turn.position,
            status=Status.ENDED if decision.action is Action.ENDED else Status.OPEN,
            reply=TurnReply(decision.action, turn.reply, turn.position + 1),
            ending=ending,
        )
