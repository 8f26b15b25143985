"""GraphQL types, built from read-model rows; nested fields go through DataLoaders."""

from __future__ import annotations

import base64
from datetime import date, datetime
from enum import Enum
from typing import Any, Generic, TypeVar
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.context import Context
from domain.errors import BadInput

T = TypeVar("T")
Row = dict[str, Any]
MAX_PAGE = 100


@strawberry.enum
class ConversationStatus(Enum):
    OPEN = "open"
    ENDED = "ended"


@strawberry.enum
class EndReason(Enum):
    PERSISTENT_HARM = "persistent_harm"
    USER_REQUEST = "user_request"


@strawberry.enum
class Rating(Enum):
    UP = "up"
    DOWN = "down"


@strawberry.interface
class Node:
    """Anything fetchable by its globally unique id (conversation ids are UUIDs)."""

    id: strawberry.ID


@strawberry.type
class Message:
    position: int
    author: str
    kind: str
    text: str
    at: datetime

    @classmethod
    def of(cls, row: Row) -> Message:
        return cls(
            position=row["position"],
            author=row["author"],
            kind=row["kind"],
            text=row["text"],
            at=row["at"],
        )


@strawberry.type
class Conversation(Node):
    status: ConversationStatus
    model: str
    started_at: datetime
    ended_at: datetime | None
    branch_position: int | None
    parent_id: strawberry.Private[UUID | None]
    uuid: strawberry.Private[UUID]

    @classmethod
    def of(cls, row: Row) -> Conversation:
        return cls(
            id=strawberry.ID(str(row["id"])),
            uuid=row["id"],
            status=ConversationStatus(row["status"]),
            model=row["model"],
            started_at=row["started_at"],
            ended_at=row["ended_at"],
            branch_position=row["branch_position"],
            parent_id=row["parent_id"],
        )

    @strawberry.field
    async def parent(self, info: Info[Context, None]) -> Conversation | None:
        if self.parent_id is None:
            return None
        row = await info.context.conversations.load(self.parent_id)
        return None if row is None else Conversation.of(row)

    @strawberry.field
    async def branches(self, info: Info[Context, None]) -> list[Conversation]:
        return [Conversation.of(row) for row in await info.context.branches.load(self.uuid)]

    @strawberry.field
    async def messages(self, info: Info[Context, None]) -> list[Message]:
        return [Message.of(row) for row in await info.context.messages.load(self.uuid)]


@strawberry.type
class Ending:
    conversation_id: strawberry.ID
    position: int
    reason: EndReason
    rule: str
    policy_version: str
    policy: JSON
    model: str
    category: str | None
    cites: list[int]
    at: datetime

    @classmethod
    def of(cls, row: Row) -> Ending:
        return cls(
            conversation_id=strawberry.ID(str(row["conversation_id"])),
            position=row["position"],
            reason=EndReason(row["reason"]),
            rule=row["rule"],
            policy_version=row["policy_version"],
            policy=row["policy"],
            model=row["model"],
            category=row["category"],
            cites=row["cites"],
            at=row["at"],
        )

    @strawberry.field
    async def conversation(self, info: Info[Context, None]) -> Conversation | None:
        row = await info.context.conversations.load(UUID(self.conversation_id))
        return None if row is None else Conversation.of(row)


@strawberry.type
class Evidence:
    position: int
    at: datetime
    kind: str
    category: str | None
    text: str


@strawberry.type
class TrailEntry:
    """One recorded step: assessment, crisis_signal, ladder_reset, decision, branched,
    branch_created or feedback, with its recorded data."""

    position: int
    at: datetime
    kind: str
    data: JSON


@strawberry.type
class CrisisSignal:
    position: int
    at: datetime
    crisis: str


@strawberry.type
class Feedback:
    position: int
    at: datetime
    rating: Rating
    comment: str | None


@strawberry.type
class Veto:
    """The policy would have done `would_have` but `stopped_by` prevented it."""

    position: int
    at: datetime
    would_have: str
    stopped_by: str
    rule: str


@strawberry.type
class Audit:
    conversation_id: strawberry.ID
    model: str
    ended_at: datetime | None
    reason: EndReason | None
    rule: str | None
    policy_version: str | None
    policy: JSON | None
    cited_positions: list[int]
    evidence: list[Evidence]
    crisis_signals: list[CrisisSignal]
    vetoes: list[Veto]
    confirmation_steps: list[TrailEntry]
    feedback: list[Feedback]
    trail: list[TrailEntry]

    @classmethod
    def of(cls, row: Row) -> Audit:
        ending, trail = row["ending"], row["trail"]

        def rows(kind: str) -> list[Row]:
            return [t for t in trail if t["kind"] == kind]

        decisions = rows("decision")
        return cls(
            conversation_id=strawberry.ID(str(row["id"])),
            model=row["model"],
            ended_at=ending and ending["at"],
            reason=ending and EndReason(ending["reason"]),
            rule=ending and ending["rule"],
            policy_version=ending and ending["policy_version"],
            policy=ending and ending["policy"],
            cited_positions=ending["cites"] if ending else [],
            evidence=[Evidence(**e) for e in row["evidence"]],
            crisis_signals=[
                CrisisSignal(position=t["position"], at=t["at"], crisis=t["data"]["crisis"])
                for t in rows("crisis_signal")
            ],
            vetoes=[
                Veto(
                    position=t["position"],
                    at=t["at"],
                    would_have=t["data"]["would_have"],
                    stopped_by=t["data"]["stopped_by"],
                    rule=t["data"]["rule"],
                )
                for t in decisions
                if t["data"].get("stopped_by")
            ],
            confirmation_steps=[
                _entry(t) for t in decisions if t["data"]["action"] == "confirm_end"
            ],
            feedback=[
                Feedback(
                    position=t["position"],
                    at=t["at"],
                    rating=Rating(t["data"]["rating"]),
                    comment=t["data"]["comment"],
                )
                for t in rows("feedback")
            ],
            trail=[_entry(t) for t in trail],
        )


def _entry(row: Row) -> TrailEntry:
    return TrailEntry(position=row["position"], at=row["at"], kind=row["kind"], data=row["data"])


@strawberry.type
class Bucket:
    key: str
    endings: int


@strawberry.type
class Day:
    day: date
    conversations: int
    endings: int


@strawberry.type
class Stats:
    """Over conversations started and endings made in [since, until) (UTC days)."""

    conversations: int
    endings: int
    endings_per_thousand: float | None
    negative_feedback_share: float | None = strawberry.field(
        description="Share of endings whose ending message got a 'down' rating"
    )
    by_reason: list[Bucket]
    by_category: list[Bucket]
    by_model: list[Bucket]
    by_policy_version: list[Bucket]
    per_day: list[Day]

    @classmethod
    def of(cls, row: Row) -> Stats:
        conversations, endings = row["conversations"], row["endings"]

        def buckets(column: str) -> list[Bucket]:
            return [Bucket(key=k, endings=n) for k, n in sorted(row[column].items())]

        return cls(
            conversations=conversations,
            endings=endings,
            endings_per_thousand=1000 * endings / conversations if conversations else None,
            negative_feedback_share=row["negative"] / endings if endings else None,
            by_reason=buckets("by_reason"),
            by_category=buckets("by_category"),
            by_model=buckets("by_model"),
            by_policy_version=buckets("by_policy_version"),
            per_day=[
                Day(day=date.fromisoformat(d), conversations=c, endings=e)
                for d, c, e in row["per_day"]
            ],
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo


def page_size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise BadInput(f"first must be between 1 and {MAX_PAGE}")
    return first


def encode_cursor(kind: str, seq: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{seq}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        prefix, _, seq = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix == kind:
            return int(seq)
    except ValueError:
        pass
    raise BadInput(f"invalid cursor {cursor!r}")


def connection(kind: str, rows: list[Row], first: int, make: Any) -> Connection[Any]:
    """A page from `first + 1` rows fetched by keyset: the extra row only says there is more."""
    edges = [Edge(cursor=encode_cursor(kind, row["seq"]), node=make(row)) for row in rows[:first]]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None
        ),
    )
