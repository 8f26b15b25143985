"""The policy registry's GraphQL types; `Query.policies` and the mutations that shadow, stop
and promote a version are in `schema.py`, run through the registry service as the other
mutations run through the conversation service.

Access is the registry service's (`domain/access.py`): a user is refused FORBIDDEN, and a
reviewer changing the registry too. A change repeated (or retried with its
`Idempotency-Key`) answers the same entry and records nothing new.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from api.graphql.types import wraps
from domain.registry import Entry


@strawberry.enum(name="PolicyStatus")
class PolicyStatusChoice(Enum):
    registered = "registered"
    shadow = "shadow"
    live = "live"
    retired = "retired"


@strawberry.type(name="Policy")
@wraps(Entry, omit={"policy", "changed_at"})
class PolicyNode:
    """One policy version in the registry; `by` made its latest change."""

    version: str
    status: PolicyStatusChoice
