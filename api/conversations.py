"""REST commands and reads under /v1/conversations."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.dependencies import Reads, Service, Signer
from api.errors import responses
from api.rest_models import (
    IDEMPOTENCY_HEADER,
    BranchConversation,
    BranchCreatedResult,
    ConversationCreated,
    ConversationPage,
    ConversationSummary,
    ConversationView,
    FeedbackRecorded,
    GiveFeedback,
    MessageResult,
    SendMessage,
    StartConversation,
)
from domain.access import Principal
from domain.events import Rating
from domain.validation import IDEMPOTENCY_KEY_PATTERN, conversation_id
from projections import conversations as conversation_reads
from projections.consistency import WAIT_SECONDS
from projections.pages import MAX_PAGE, decode_cursor, encode_cursor, page_of

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])


# Documents the bearer scheme in OpenAPI; the signer reads the header itself, so that a
# missing, malformed or forged token each gets its own 401 message.
bearer = HTTPBearer(auto_error=False, description="`lastresort token --user NAME` prints one")


def principal(
    request: Request,
    signer: Signer,
    _: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Principal:
    return signer.verify_header(request.headers.get("authorization"))


Caller = Annotated[Principal, Depends(principal)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=IDEMPOTENCY_HEADER,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="Retries with this key get the first response; nothing is recorded twice.",
    ),
]


@router.get("", responses=responses(401, 422, 503))
async def list_conversations(
    caller: Caller,
    read_side: Reads,
    first: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Conversations per page")] = 20,
    after: Annotated[
        str | None, Query(description="The `next` of the previous page: the page after it")
    ] = None,
) -> ConversationPage:
    """The caller's own conversations (a reviewer's too: their own), newest first, read from
    the `conversations` read model once it has the caller's last write through this server
    (waiting at most 2 s)."""
    seq = decode_cursor("conversation", after)
    await read_side.watcher.until(read_side.last_writes.of(caller), WAIT_SECONDS)
    rows = await asyncio.to_thread(
        read_side.read, conversation_reads.conversations_page, caller.name, None, seq, first + 1
    )
    page, more = page_of(rows, first)
    return ConversationPage(
        conversations=[ConversationSummary.of(row) for row in page],
        next=encode_cursor("conversation", page[-1]["seq"]) if more else None,
    )


@router.post("", status_code=201, responses=responses(401, 413, 422, 503))
def start_conversation(
    caller: Caller,
    service: Service,
    body: StartConversation | None = None,
    key: IdempotencyKey = None,
) -> ConversationCreated:
    """The body is optional: no body starts a conversation on the default model."""
    model = (body.model if body else None) or service.default_model
    conversation = service.start(caller, model, key)
    return ConversationCreated(
        id=str(conversation.id), status=str(conversation.status), model=model
    )


@router.post("/{id}/messages", responses=responses(401, 403, 404, 409, 413, 422, 503))
def send_message(
    id: str, body: SendMessage, caller: Caller, service: Service, key: IdempotencyKey = None
) -> MessageResult:
    result = service.send_message(caller, conversation_id(id), body.text, key)
    return MessageResult.of(result.conversation, result.turn)


@router.post("/{id}/branches", status_code=201, responses=responses(401, 403, 404, 413, 422, 503))
def branch_conversation(
    id: str, body: BranchConversation, caller: Caller, service: Service, key: IdempotencyKey = None
) -> BranchCreatedResult:
    result = service.branch(caller, conversation_id(id), body.from_position, body.text, key)
    view = MessageResult.of(result.conversation, result.turn)
    return BranchCreatedResult(
        id=view.conversation_id,
        parent_id=str(result.conversation.parent_id),
        from_position=body.from_position,
        status=view.status,
        reply=view.reply,
    )


@router.post("/{id}/feedback", status_code=201, responses=responses(401, 403, 404, 413, 422, 503))
def give_feedback(
    id: str, body: GiveFeedback, caller: Caller, service: Service, key: IdempotencyKey = None
) -> FeedbackRecorded:
    position = service.give_feedback(
        caller, conversation_id(id), Rating(body.rating), body.comment, body.position, key
    )
    return FeedbackRecorded(conversation_id=id, position=position, rating=body.rating)


@router.get("/{id}", responses=responses(401, 404, 503))
def get_conversation(id: str, caller: Caller, service: Service) -> ConversationView:
    return ConversationView.of(service.get(caller, conversation_id(id)))
