"""REST about the caller themself, under /v1/me: erasing everything they wrote."""

from __future__ import annotations

from fastapi import APIRouter

from api.conversations import Caller
from api.dependencies import Service
from api.errors import responses
from api.rest_models import ErasureDone

router = APIRouter(prefix="/v1/me", tags=["me"])


@router.post("/erasure", responses=responses(401, 413, 422, 503))
def erase_me(caller: Caller, service: Service) -> ErasureDone:
    """Erase everything the caller wrote, in every conversation they started or branched:
    texts, replies, feedback comments and every quote of them. What was decided and why
    stays, as do the conversations' positions and timestamps."""
    return ErasureDone.of(service.erase_user(caller, caller.name))
