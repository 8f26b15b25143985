"""Request and response bodies of the REST contract."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, StrictInt, StrictStr

from domain.conversation import Conversation, Status
from domain.decision import Action
from domain.events import Turn
from domain.validation import MODEL_PATTERN

IDEMPOTENCY_HEADER = "Idempotency-Key"


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorDetail


class StartConversation(BaseModel):
    model: StrictStr | None = Field(default=None, pattern=MODEL_PATTERN)


class SendMessage(BaseModel):
    text: StrictStr


class BranchConversation(BaseModel):
    from_position: StrictInt = Field(ge=0)
    text: StrictStr


class GiveFeedback(BaseModel):
    position: StrictInt | None = Field(default=None, ge=0)
    rating: Literal["up", "down"]
    comment: StrictStr | None = None


class ConversationCreated(BaseModel):
    id: str
    status: str
    model: str


class Reply(BaseModel):
    kind: str
    text: str
    position: int


class Ending(BaseModel):
    reason: str
    rule: str
    policy_version: str


class MessageResult(BaseModel):
    conversation_id: str
    position: int
    status: str
    reply: Reply
    ending: Ending | None

    @classmethod
    def of(cls, conversation: Conversation, turn: Turn) -> MessageResult:
        decision = turn.decision
        ending = (
            Ending(
                reason=str(decision.reason),
                rule=decision.rule,
                policy_version=decision.policy_version,
            )
            if decision.reason is not None
            else None
        )
        return cls(
            conversation_id=str(conversation.id),
            position=turn.position,
            status=str(Status.ENDED if decision.action is Action.ENDED else Status.OPEN),
            reply=Reply(kind=str(decision.action), text=turn.reply, position=turn.position + 1),
            ending=ending,
        )


class BranchCreatedResult(BaseModel):
    id: str
    parent_id: str
    from_position: int
    status: str
    reply: Reply


class FeedbackRecorded(BaseModel):
    conversation_id: str
    position: int
    rating: str


class MessageView(BaseModel):
    position: int
    author: str
    kind: str
    text: str
    at: datetime


class ConversationView(BaseModel):
    id: str
    status: str
    model: str
    parent_id: str | None
    branch_position: int | None
    messages: list[MessageView]

    @classmethod
    def of(cls, conversation: Conversation) -> ConversationView:
        return cls(
            id=str(conversation.id),
            status=str(conversation.status),
            model=conversation.model,
            parent_id=str(conversation.parent_id) if conversation.parent_id else None,
            branch_position=conversation.branch_position,
            messages=[
                MessageView(
                    position=m.position, author=str(m.author), kind=m.kind, text=m.text, at=m.at
                )
                for m in conversation.messages
            ],
        )
