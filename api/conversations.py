"""REST commands and reads under /v1/conversations.

A message or a branch is answered as a stream of Server-Sent Events instead of one JSON
body when the request accepts `text/event-stream` (`api/streaming.py`).

The turn routes are `async def` and hand only the turn itself to the thread pool: for a
plain `def` route FastAPI also validates the answer on the pool, a second hop per turn."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.dependencies import Meters, Reads, Service, Signer
from api.errors import responses
from api.rest_models import (
    IDEMPOTENCY_HEADER,
    BranchConversation,
    BranchCreatedResult,
    ConversationCreated,
    ConversationPage,
    ConversationSummary,
    ConversationView,
    ErasureDone,
    FeedbackRecorded,
    GiveFeedback,
    MessageResult,
    SendMessage,
    StartConversation,
)
from api.streaming import STREAMED, stream_turn, wants_stream
from application.service import TurnResult
from domain.access import Principal
from domain.events import Rating
from domain.validation import IDEMPOTENCY_KEY_PATTERN, conversation_id
from projections import conversations as conversation_reads
from projections.consistency import WAIT_SECONDS
from projections.pages import MAX_PAGE, decode_cursor, encode_cursor, page_of

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])


# Documents the bearer scheme in OpenAPI; the signer reads the header itself, so that a
# missing, malformed or forged token each gets its own 401 message. `principal` is async:
# checking a token's signature is quick, not worth a hop to the thread pool.
bearer = HTTPBearer(auto_error=False, description="`lastresort token --user NAME` prints one")


async def principal(
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
    rows = await read_side.fetch(
        conversation_reads.conversations_page, caller.name, None, seq, first + 1
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


@router.post(
    "/{id}/messages",
    response_model=MessageResult,
    responses={**STREAMED, **responses(401, 403, 404, 409, 413, 422, 503)},
)
async def send_message(
    id: str,
    body: SendMessage,
    caller: Caller,
    service: Service,
    request: Request,
    metrics: Meters,
    key: IdempotencyKey = None,
) -> MessageResult | Response:
    """With `Accept: text/event-stream`, the turn is streamed as Server-Sent Events."""
    cid = conversation_id(id)
    if wants_stream(request.headers.get("accept")):
        return await run_in_threadpool(
            stream_turn,
            lambda watcher: service.send_message(caller, cid, body.text, key, watcher),
            lambda result: _message_result(result).model_dump(mode="json"),
            metrics.observe_streamed_turn,
        )
    result = await run_in_threadpool(service.send_message, caller, cid, body.text, key)
    return _message_result(result)


@router.post(
    "/{id}/branches",
    status_code=201,
    response_model=BranchCreatedResult,
    responses={**STREAMED, **responses(401, 403, 404, 409, 413, 422, 503)},
)
async def branch_conversation(
    id: str,
    body: BranchConversation,
    caller: Caller,
    service: Service,
    request: Request,
    metrics: Meters,
    key: IdempotencyKey = None,
) -> BranchCreatedResult | Response:
    """With `Accept: text/event-stream`, the branch's first turn is streamed as Server-Sent
    Events (answered 200: the branch exists only once `done` arrives)."""
    cid, position, text = conversation_id(id), body.from_position, body.text
    if wants_stream(request.headers.get("accept")):
        return await run_in_threadpool(
            stream_turn,
            lambda watcher: service.branch(caller, cid, position, text, key, watcher),
            lambda result: _branch_result(result, position).model_dump(mode="json"),
            metrics.observe_streamed_turn,
        )
    result = await run_in_threadpool(service.branch, caller, cid, position, text, key)
    return _branch_result(result, position)


def _message_result(result: TurnResult) -> MessageResult:
    return MessageResult.of(result.conversation, result.turn)


def _branch_result(result: TurnResult, from_position: int) -> BranchCreatedResult:
    view = _message_result(result)
    return BranchCreatedResult(
        id=view.conversation_id,
        parent_id=str(result.conversation.parent_id),
        from_position=from_position,
        status=view.status,
        reply=view.reply,
    )


@router.post(
    "/{id}/feedback", status_code=201, responses=responses(401, 403, 404, 409, 413, 422, 503)
)
def give_feedback(
    id: str, body: GiveFeedback, caller: Caller, service: Service, key: IdempotencyKey = None
) -> FeedbackRecorded:
    position = service.give_feedback(
        caller, conversation_id(id), Rating(body.rating), body.comment, body.position, key
    )
    return FeedbackRecorded(conversation_id=id, position=position, rating=body.rating)


@router.post("/{id}/erasure", responses=responses(401, 403, 404, 413, 422, 503))
def erase_conversation(id: str, caller: Caller, service: Service) -> ErasureDone:
    """Erase what was written in this conversation of the caller's (and in the branches made
    from it): its texts, replies, comments and quotes can never be read again; what was
    decided and why stays. Erasing again answers the same conversations."""
    return ErasureDone.of(service.erase_conversation(caller, conversation_id(id)))


@router.get("/{id}", responses=responses(401, 404, 503))
def get_conversation(id: str, caller: Caller, service: Service) -> ConversationView:
    return ConversationView.of(service.get(caller, conversation_id(id)))
