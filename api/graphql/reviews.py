"""The review queue's GraphQL types: a case (`Review`) and its verdicts. Mutations answer the
case as its events say now; `reviewQueue` answers it from the `reviews` read model.

Access is the review service's and the read model's: only reviewers reach any of it
(`domain/access.py`); a user is refused FORBIDDEN.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.types import ConversationNode
from domain.review import Review, ReviewStatus


@strawberry.enum(name="Verdict")
class VerdictChoice(Enum):
    upheld = "upheld"
    overturned = "overturned"


@strawberry.enum(name="ReviewStatus")
class ReviewStatusChoice(Enum):
    open = "open"
    claimed = "claimed"
    decided = "decided"


@strawberry.type(name="VerdictEntry")
class VerdictNode:
    verdict: VerdictChoice
    note: str | None
    by: str
    at: datetime


@strawberry.type(name="Review")
class ReviewNode:
    """One contested ending's case: why it was requested, who holds it, its verdicts so far."""

    conversation_id: strawberry.ID
    status: ReviewStatusChoice
    reason: str = strawberry.field(description="`rated_down` by its user, or `picked`")
    requested_by: str
    requested_at: datetime
    claimed_by: str | None
    claim_expires_at: datetime | None
    verdicts: list[VerdictNode]

    @classmethod
    def of(cls, review: Review, now: datetime) -> ReviewNode:
        requested, claim = review.requested, review.claim
        assert requested is not None  # a review exists from its request on
        held = claim is not None and review.status(now) is ReviewStatus.CLAIMED
        return cls(
            conversation_id=strawberry.ID(str(requested.conversation_id)),
            status=ReviewStatusChoice(review.status(now).value),
            reason=requested.reason.value,
            requested_by=requested.by,
            requested_at=requested.timestamp,
            claimed_by=claim.by if held and claim else None,
            claim_expires_at=claim.expires_at if held and claim else None,
            verdicts=[
                VerdictNode(
                    verdict=VerdictChoice(v.verdict.value), note=v.note, by=v.by, at=v.timestamp
                )
                for v in review.verdicts
            ],
        )

    @strawberry.field
    async def conversation(self, info: Info[Context, None]) -> ConversationNode | None:
        row = await info.context.conversations.load(UUID(self.conversation_id))
        return None if row is None else ConversationNode.of(row)
