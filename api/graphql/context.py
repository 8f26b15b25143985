"""Per-request context: the caller, its DataLoaders, and the read-your-writes wait."""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any, TypeVar
from uuid import UUID

from fastapi import Request, Response
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from api.auth import Unauthorized
from api.dependencies import Services, services
from api.rest_models import IDEMPOTENCY_HEADER
from domain.access import Principal
from domain.errors import BadInput
from eventstore.keys import DataKeys
from projections import conversations as conversation_reads
from projections.base import Row
from projections.consistency import WAIT_SECONDS
from projections.queries import Query

READ_AFTER_HEADER = "x-read-after"
READ_AFTER_PATTERN = re.compile("[0-9]{1,19}")
MAX_NOTIFICATION_ID = 2**63 - 1  # notification ids are Postgres bigints
GRAPHQL_RESPONSE = "application/graphql-response+json"
T = TypeVar("T")


class Context(BaseContext):
    def __init__(self, services: Services, principal: Principal | None) -> None:
        super().__init__()
        self.services = services
        self.principal = principal

    @property
    def caller(self) -> Principal:
        if self.principal is None:
            raise Unauthorized("missing Authorization header (expected 'Bearer <token>')")
        return self.principal

    @property
    def request_key(self) -> str | None:
        """The request's `Idempotency-Key` for its mutation (`OneMutationPerKey` checks it
        before any resolver runs, and the service checks it as for every way in)."""
        return self.request.headers.get(IDEMPOTENCY_HEADER) if self.request else None

    @property
    def owner(self) -> str | None:
        """Whose rows the caller may read: their own, or everyone's for a reviewer."""
        return None if self.caller.is_reviewer else self.caller.name

    @property
    def keys(self) -> DataKeys:
        """What opens the texts the read models keep sealed."""
        return self.services.read_side.keys

    async def read(self, query: Callable[..., Query[T]], *args: Any) -> T:
        return await self.services.read_side.fetch(query, *args)

    async def wait_for(self, notification_id: int | None) -> None:
        """Wait (at most WAIT_SECONDS) until the projections include `notification_id`, on
        the event loop: a waiting request holds no thread another request's reads need."""
        await self.services.read_side.watcher.until(notification_id, WAIT_SECONDS)

    @cached_property
    def conversations(self) -> DataLoader[UUID, Row | None]:
        async def load(ids: list[UUID]) -> Sequence[Row | None]:
            rows = await self.read(conversation_reads.conversations_by_ids, ids, self.owner)
            by_id = {row["id"]: row for row in rows}
            return [by_id.get(i) for i in ids]

        return DataLoader(load_fn=load)

    @cached_property
    def branches(self) -> DataLoader[UUID, list[Row]]:
        async def load(ids: list[UUID]) -> Sequence[list[Row]]:
            rows = await self.read(conversation_reads.branches_of, ids, self.owner)
            return _group(ids, rows, "parent_id")

        return DataLoader(load_fn=load)

    async def messages_of(self, ids: Sequence[UUID]) -> list[list[Row]]:
        """The messages of each conversation of `ids`, in one statement."""
        rows = await self.read(conversation_reads.messages_of, ids, self.keys)
        return _group(ids, rows, "conversation_id")

    @cached_property
    def messages(self) -> DataLoader[UUID, list[Row]]:
        """`messages_of` for resolvers that run once per parent, so siblings share a read."""
        return DataLoader(load_fn=self.messages_of)


def _group(keys: Sequence[UUID], rows: Sequence[Row], column: str) -> list[list[Row]]:
    groups: defaultdict[UUID, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row[column]].append(row)
    return [groups[key] for key in keys]


async def context_getter(request: Request, response: Response) -> Context:
    """A bad token is a 401 and a malformed `X-Read-After` a 422; no token at all still
    serves GraphiQL (fields then refuse)."""
    given = services(request)
    header = request.headers.get("authorization")
    principal = given.signer.verify_header(header) if header else None
    if GRAPHQL_RESPONSE in request.headers.get("accept", ""):
        response.media_type = GRAPHQL_RESPONSE
    context = Context(given, principal)
    if principal is not None:
        written = given.read_side.last_writes.of(principal)
        await context.wait_for(max(written, await read_after(request, given)))
    return context


async def read_after(request: Request, given: Services) -> int:
    """The id in `X-Read-After` (0 when absent or empty), capped to the last id recorded:
    no one waits for a write that was never made. The head is read only for an id beyond
    the highest position any projection has reached, so ordinary requests cost no query."""
    raw = request.headers.get(READ_AFTER_HEADER, "").strip(" \t")
    if not raw:
        return 0
    if not READ_AFTER_PATTERN.fullmatch(raw) or int(raw) > MAX_NOTIFICATION_ID:
        raise BadInput(
            "X-Read-After must be a notificationId: a decimal integer (ASCII digits only) "
            f"from 0 to {MAX_NOTIFICATION_ID}"
        )
    wanted = int(raw)
    if wanted <= given.read_side.watcher.seen:
        return wanted
    head = await asyncio.to_thread(given.last_recorded)
    return min(wanted, head or 0)
