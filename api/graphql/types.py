"""GraphQL types, built from read-model rows; nested fields go through DataLoaders."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, Generic, TypeVar
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.audit.case import Step as CaseStep
from api.audit.case import build as build_case
from api.graphql.context import Context
from domain.errors import BadInput

T = TypeVar("T")
Row = dict[str, Any]
MAX_PAGE = 100
MAX_SEQ = 2**63 - 1  # read-model sequence numbers are Postgres bigints


@strawberry.enum
class ConversationStatus(Enum):
    """Values spelled as in the REST contract, so both APIs say the same thing."""

    open = "open"
    ended = "ended"


@strawberry.enum
class EndReason(Enum):
    persistent_harm = "persistent_harm"
    user_request = "user_request"


@strawberry.enum
class Rating(Enum):
    up = "up"
    down = "down"


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
    owner: str
    contested: bool = strawberry.field(description="The ending message was rated down")

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
            owner=row["owner"],
            contested=row["contested"],
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
    on_ending: bool


@strawberry.type
class Veto:
    """The policy would have done `would_have` but `stopped_by` prevented it."""

    position: int
    at: datetime
    would_have: str
    stopped_by: str
    rule: str


@strawberry.type
class LadderStep:
    """A redirect, warning, confirmation request or veto, with the rule that fired."""

    position: int
    at: datetime
    action: str
    rule: str
    behaviour: str | None
    would_have: str | None
    stopped_by: str | None


@strawberry.type
class Assessment:
    """What the policy saw of one user message."""

    category: str
    severity: float
    crisis: str
    intent: str
    scores: JSON
    rationale: str
    assessor: str


@strawberry.type
class AuditNote:
    kind: str
    at: datetime
    summary: str


@strawberry.type
class AuditStep:
    """One message in the timeline: its assessment (user) or decision (assistant)."""

    position: int
    at: datetime
    author: str
    kind: str
    text: str
    explanation: str
    assessment: Assessment | None
    decision: JSON | None
    inherited: bool
    cited: bool
    ending: bool
    notes: list[AuditNote]


@strawberry.type
class AuditEnding:
    position: int
    at: datetime
    reason: EndReason
    rule: str
    policy_version: str
    policy: JSON
    model: str
    category: str | None
    cites: list[int]
    summary: str


@strawberry.type
class BranchMade:
    branch_id: strawberry.ID
    branch_position: int
    at: datetime


@strawberry.type
class Audit:
    """The full chain: every message with what the policy saw and decided, the ladder,
    crisis signals and vetoes, confirmations, the ending, feedback and branches."""

    conversation_id: strawberry.ID
    owner: str
    model: str
    status: ConversationStatus
    started_at: datetime
    branched_from: strawberry.ID | None
    branch_position: int | None
    contested: bool
    ended_at: datetime | None
    reason: EndReason | None
    rule: str | None
    policy_version: str | None
    policy: JSON | None
    cited_positions: list[int]
    ending: AuditEnding | None
    evidence: list[Evidence]
    steps: list[AuditStep]
    redirects: list[LadderStep]
    warnings: list[LadderStep]
    crisis_signals: list[CrisisSignal]
    vetoes: list[Veto]
    confirmation_steps: list[TrailEntry]
    ladder_resets: list[AuditNote]
    feedback: list[Feedback]
    branches: list[BranchMade]
    trail: list[TrailEntry]

    @classmethod
    def of(cls, row: Row) -> Audit:
        case = build_case(row)
        ending, trail = case.ending, row["trail"]
        return cls(
            conversation_id=strawberry.ID(str(case.conversation_id)),
            owner=case.owner,
            model=case.model,
            status=ConversationStatus(case.status),
            started_at=case.started_at,
            branched_from=None
            if case.branched_from is None
            else strawberry.ID(str(case.branched_from)),
            branch_position=case.branch_position,
            contested=case.contested,
            ended_at=None if ending is None else ending.at,
            reason=None if ending is None else EndReason(ending.reason),
            rule=None if ending is None else ending.rule,
            policy_version=None if ending is None else ending.policy_version,
            policy=None if ending is None else _json(ending.policy),
            cited_positions=[] if ending is None else ending.cites,
            ending=None
            if ending is None
            else AuditEnding(**{**vars(ending), "reason": EndReason(ending.reason)}),
            evidence=[Evidence(**e) for e in row["evidence"]],
            steps=[_step(step) for step in case.steps],
            redirects=[LadderStep(**vars(s)) for s in case.redirects],
            warnings=[LadderStep(**vars(s)) for s in case.warnings],
            crisis_signals=[
                CrisisSignal(position=t["position"], at=t["at"], crisis=t["data"]["crisis"])
                for t in trail
                if t["kind"] == "crisis_signal"
            ],
            vetoes=[
                Veto(
                    position=s.position,
                    at=s.at,
                    would_have=s.would_have or "",
                    stopped_by=s.stopped_by or "",
                    rule=s.rule,
                )
                for s in case.vetoes
            ],
            confirmation_steps=[
                _entry(t)
                for t in trail
                if t["kind"] == "decision" and t["data"]["action"] == "confirm_end"
            ],
            ladder_resets=[AuditNote(**vars(n)) for n in case.ladder_resets],
            feedback=[
                Feedback(
                    position=f.position,
                    at=f.at,
                    rating=Rating(f.rating),
                    comment=f.comment,
                    on_ending=f.on_ending,
                )
                for f in case.feedback
            ],
            branches=[
                BranchMade(
                    branch_id=strawberry.ID(str(b.branch_id)),
                    branch_position=b.branch_position,
                    at=b.at,
                )
                for b in case.branches
            ],
            trail=[_entry(t) for t in trail],
        )


def _json(value: Mapping[str, Any]) -> Any:
    """A recorded mapping as a JSON scalar value."""
    return dict(value)


def _step(step: CaseStep) -> AuditStep:
    a = step.assessment
    return AuditStep(
        position=step.position,
        at=step.at,
        author=step.author,
        kind=step.kind,
        text=step.text,
        explanation=step.explanation,
        assessment=None
        if a is None
        else Assessment(
            category=a["category"],
            severity=a["severity"],
            crisis=a["crisis"],
            intent=a["intent"],
            scores=a["scores"],
            rationale=a["rationale"],
            assessor=a["assessor"],
        ),
        decision=None if step.decision is None else _json(step.decision),
        inherited=step.inherited,
        cited=step.cited,
        ending=step.ending,
        notes=[AuditNote(**vars(n)) for n in step.notes],
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
    """The sequence number in a cursor this API made; anything else is BAD_INPUT (a number
    beyond what a Postgres `bigint` holds included, so it never reaches a query)."""
    if cursor is None:
        return None
    try:
        prefix, _, seq = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix == kind and seq.isascii() and seq.isdigit() and int(seq) <= MAX_SEQ:
            return int(seq)
    except ValueError:  # not base64, not UTF-8, or digits past int()'s limit
        pass
    raise BadInput(f"invalid cursor {cursor[:100]!r}")


def connection(kind: str, rows: list[Row], first: int, make: Any) -> Connection[Any]:
    """A page from `first + 1` rows fetched by keyset: the extra row only says there is more."""
    edges = [Edge(cursor=encode_cursor(kind, row["seq"]), node=make(row)) for row in rows[:first]]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None
        ),
    )
