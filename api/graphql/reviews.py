"""The review queue's GraphQL types: a case (`Review`), its verdicts, and the overturned
share in the statistics. Each wraps the case file's structure (`reports/case.py`), which
mutations build from the review's events and queries from the `reviews` read model.

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
from api.graphql.types import ConversationNode, conversation_node, wraps
from domain.review import Review
from projections import stats
from reports import case


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
@wraps(case.VerdictEntry)
class VerdictNode:
    verdict: VerdictChoice


@strawberry.type(name="Review")
@wraps(case.ReviewCase)
class ReviewNode:
    """One contested ending's case: why it was requested (`rated_down` by its user, or
    `picked` by a reviewer), who holds it until when, its verdicts oldest first."""

    conversation_id: strawberry.ID
    status: ReviewStatusChoice
    verdicts: list[VerdictNode]

    @strawberry.field
    async def conversation(self, info: Info[Context, None]) -> ConversationNode | None:
        row = await info.context.conversations.load(UUID(str(self.conversation_id)))
        return await conversation_node(info, row)


@strawberry.type
@wraps(stats.ReviewBucket)
class ReviewBucket:
    """Reviewed endings under one key, and the share of them overturned."""


@strawberry.type(name="ReviewStats")
@wraps(stats.ReviewFigures)
class ReviewStatsNode:
    """Endings made in the period whose review reached a verdict (the latest counts)."""

    overturned_share: float | None = strawberry.field(
        description="Share of reviewed endings overturned: the measured false-ending rate"
    )
    by_policy_version: list[ReviewBucket]
    by_category: list[ReviewBucket]
    by_model: list[ReviewBucket]


def review_case(review: Review, now: datetime) -> case.ReviewCase:
    """The case as the review's events say at `now` (a mutation's answer, before the read
    model has it)."""
    requested, claim, status = review.requested, review.claim, review.status(now)
    assert requested is not None  # a review exists from its request on
    held = claim if status.value == "claimed" else None
    return case.ReviewCase(
        conversation_id=requested.conversation_id,
        status=status.value,
        reason=requested.reason.value,
        requested_by=requested.by,
        requested_at=requested.timestamp,
        claimed_by=held.by if held else None,
        claim_expires_at=held.expires_at if held else None,
        verdicts=[
            case.VerdictEntry(v.verdict.value, v.note, v.by, v.timestamp) for v in review.verdicts
        ],
    )
