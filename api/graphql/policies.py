"""The policy registry over GraphQL: its types and `Query.policies` (the mutations, in
`schema.py`, run through the registry service as the other mutations run).

Access is the registry service's (`domain/access.py`): a user is refused FORBIDDEN, and a
reviewer changing the registry too. A change repeated (or retried with its
`Idempotency-Key`) answers the same entry and records nothing new.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from api.graphql.context import Context
from domain.registry import Entry

Ctx = Info[Context, None]


@strawberry.enum
class PolicyStatus(Enum):
    registered = "registered"
    shadow = "shadow"
    live = "live"
    retired = "retired"


@strawberry.type
class PolicyNode:
    """One policy version in the registry; `by` made its latest change."""

    version: str
    status: PolicyStatus
    registered_at: datetime
    promoted_at: datetime | None
    by: str

    @classmethod
    def of(cls, entry: Entry) -> PolicyNode:
        return cls(
            version=entry.version,
            status=PolicyStatus(entry.status.value),
            registered_at=entry.registered_at,
            promoted_at=entry.promoted_at,
            by=entry.by,
        )


async def policies(info: Ctx) -> list[PolicyNode]:
    """Every version, in the order they were registered."""
    registry = info.context.services.registry
    entries = await asyncio.to_thread(registry.entries, info.context.caller)
    return [PolicyNode.of(e) for e in entries]
