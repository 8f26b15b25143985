"""GraphQL types of `Query.shadowDivergences`: the replies where a policy in shadow decided
otherwise than the live one, with both decisions, from the `shadows` read model.

They are audit data about the policy, not about anyone's conversation: reviewers and
admins read them, a user is refused FORBIDDEN, as on the policy registry.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.types import EndReason
from projections.base import Row


@strawberry.type
class ShadowedDecision:
    """One policy's decision on a reply: its kind (as a reply's `kind` in REST), the rule
    that fired and, for an ending, its reason."""

    kind: str
    rule: str
    reason: EndReason | None


@strawberry.type
class ShadowDivergence:
    """A reply the shadow decided otherwise: where it is, what the user got, what the
    shadow would have done; `category` is what the decisions are about (`none` when
    neither is about harm)."""

    conversation_id: strawberry.ID
    position: int
    at: datetime
    model: str
    category: str
    live: ShadowedDecision
    shadow: ShadowedDecision

    @classmethod
    def of(cls, row: Row) -> ShadowDivergence:
        return cls(
            conversation_id=strawberry.ID(str(row["conversation_id"])),
            position=row["position"],
            at=row["at"],
            model=row["model"],
            category=row["category"],
            live=_decision(row, "live"),
            shadow=_decision(row, "shadow"),
        )


def _decision(row: Row, whose: str) -> ShadowedDecision:
    reason = row[f"{whose}_reason"]
    return ShadowedDecision(
        kind=row[f"{whose}_action"],
        rule=row[f"{whose}_rule"],
        reason=None if reason is None else EndReason(reason),
    )
