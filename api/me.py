"""REST about the caller themself, under /v1/me: everything stored about them, and erasing
everything they wrote."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import APIRouter, Response

from api.conversations import Caller
from api.dependencies import Service
from api.errors import responses
from api.rest_models import ErasureDone
from domain.conversation import Conversation

router = APIRouter(prefix="/v1/me", tags=["me"])


@router.post("/erasure", responses=responses(401, 413, 422, 503))
def erase_me(caller: Caller, service: Service) -> ErasureDone:
    """Erase everything the caller wrote, in every conversation they started or branched:
    texts, replies, feedback comments and every quote of them. What was decided and why
    stays, as do the conversations' positions and timestamps."""
    return ErasureDone.of(service.erase_user(caller, caller.name))


@router.get("/export", responses=responses(401, 503))
def export_me(caller: Caller, service: Service) -> Response:
    """Everything stored about the caller, as JSON: each conversation they started or
    branched with every message, what the assessor concluded about each of theirs, what the
    policy decided and why (rule, reason, cited positions, the whole policy in force), the
    ending, their feedback and any erasure. Erased texts are empty strings."""
    conversations = service.export(caller)
    body = {
        "user": caller.name,
        "exported_at": datetime.now(UTC),
        "conversations": [_conversation(c) for c in conversations],
    }
    return Response(orjson.dumps(body, option=orjson.OPT_INDENT_2), media_type="application/json")


def _conversation(conversation: Conversation) -> dict[str, Any]:
    erased = conversation.erased
    return {
        "id": conversation.id,
        "model": conversation.model,
        "status": conversation.status,
        "started_at": conversation.started_at,
        "parent_id": conversation.parent_id,
        "branch_position": conversation.branch_position,
        "turns": conversation.turns,
        "ending": None if conversation.ended is None else conversation.ended.decision,
        "feedback": [
            {"position": f.position, "rating": f.rating, "comment": f.comment, "at": f.timestamp}
            for f in conversation.feedback
        ],
        "erasure": None
        if erased is None
        else {"by": erased.by, "scope": erased.scope, "at": erased.timestamp},
    }
