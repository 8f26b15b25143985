"""Request and response bodies of the REST contract."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, StrictInt, StrictStr
from pydantic.json_schema import WithJsonSchema

from application.service import Erasure
from domain.answer import TurnAnswer
from domain.conversation import Conversation
from domain.events import Turn
from domain.validation import MAX_POSITION, MODEL_PATTERN, TEXT_PATTERN

IDEMPOTENCY_HEADER = "Idempotency-Key"


def _whole_number(value: object) -> object:
    """JSON Schema counts 3.0 as an integer, so the API does too; 3.5, "3" and true stay refused."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# A user-written text, documented as the service checks it: a text that does not match is
# refused 422 `bad_input`, a longer one 413 `text_too_long` (`maxLength` is the configured
# limit, filled in by `document_text_limit`).
Text = Annotated[
    StrictStr,
    WithJsonSchema({"type": "string", "minLength": 1, "pattern": TEXT_PATTERN}),
]
# A position: the OpenAPI document states the same range the service checks.
WholeNumber = Annotated[StrictInt, Field(ge=0, le=MAX_POSITION), BeforeValidator(_whole_number)]


def body_limit(max_body_bytes: int, max_text_chars: int) -> int:
    """Bytes a body may have: room for the longest valid text even when every character is
    JSON-escaped as a surrogate pair (12 bytes), as JSON encoders do by default for emoji."""
    return max(max_body_bytes, 12 * max_text_chars + 4096)


def document_text_limit(openapi: dict[str, Any], max_chars: int) -> dict[str, Any]:
    """Give every text field of the OpenAPI document (they carry TEXT_PATTERN) its `maxLength`."""
    pending: list[Any] = [openapi]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("pattern") == TEXT_PATTERN:
                node["maxLength"] = max_chars
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return openapi


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorDetail


class StartConversation(BaseModel):
    model: StrictStr | None = Field(default=None, pattern=MODEL_PATTERN)


class SendMessage(BaseModel):
    text: Text


class BranchConversation(BaseModel):
    from_position: WholeNumber
    text: Text


class GiveFeedback(BaseModel):
    position: WholeNumber | None = None
    rating: Literal["up", "down"]
    comment: Text | None = None


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
        answer = TurnAnswer.of(conversation, turn)
        reply, ending = answer.reply, answer.ending
        return cls(
            conversation_id=str(answer.conversation_id),
            position=answer.position,
            status=str(answer.status),
            reply=Reply(kind=str(reply.kind), text=reply.text, position=reply.position),
            ending=None
            if ending is None
            else Ending(
                reason=str(ending.reason), rule=ending.rule, policy_version=ending.policy_version
            ),
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
    erased_at: datetime | None = Field(
        description="When what was written in it was erased (each text then says so); "
        "null while it is not"
    )
    messages: list[MessageView]

    @classmethod
    def of(cls, conversation: Conversation) -> ConversationView:
        return cls(
            id=str(conversation.id),
            status=str(conversation.status),
            model=conversation.model,
            parent_id=str(conversation.parent_id) if conversation.parent_id else None,
            branch_position=conversation.branch_position,
            erased_at=conversation.erased.timestamp if conversation.erased else None,
            messages=[
                MessageView(
                    position=m.position, author=str(m.author), kind=m.kind, text=m.text, at=m.at
                )
                for m in conversation.messages
            ],
        )


class ErasureDone(BaseModel):
    """An erasure, as recorded on each conversation it covered (never the text)."""

    by: str
    scope: str = Field(description="`conversation`, `user` or `retention`")
    erased_at: datetime
    conversations: list[str] = Field(
        description="Every conversation whose text is now erased (a conversation's branches "
        "with it: they copied its text)"
    )

    @classmethod
    def of(cls, erasure: Erasure) -> ErasureDone:
        return cls(
            by=erasure.by,
            scope=str(erasure.scope),
            erased_at=erasure.at,
            conversations=[str(c) for c in erasure.conversation_ids],
        )


class ConversationSummary(BaseModel):
    id: str
    status: str
    model: str
    parent_id: str | None
    branch_position: int | None
    started_at: datetime
    ended_at: datetime | None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> ConversationSummary:
        """A row of the `conversations` read model (projections/conversations.py)."""
        parent = row["parent_id"]
        return cls(
            id=str(row["id"]),
            status=row["status"],
            model=row["model"],
            parent_id=None if parent is None else str(parent),
            branch_position=row["branch_position"],
            started_at=row["started_at"],
            ended_at=row["ended_at"],
        )


class ConversationPage(BaseModel):
    conversations: list[ConversationSummary]
    next: str | None = Field(
        description="Pass it as `after` for the next (older) page; null on the last page."
    )
