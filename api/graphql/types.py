"""GraphQL types, built from read-model rows; nested fields go through DataLoaders.

Where a case-file, domain or read-side structure already says what a type holds, the
GraphQL type wraps it (`wraps`): resolvers return that structure as it is and each field
reads its attribute, so nothing is copied field by field. GraphQL object types whose name
another layer uses too carry a `Node` suffix in Python (the `Rating` enum is `RatingChoice`);
`name=` keeps the names clients see (tests/schema.graphql holds them).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from enum import Enum
from types import SimpleNamespace
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar, get_type_hints
from uuid import UUID

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

from api.graphql.context import Context
from domain.answer import TurnEnding, TurnReply
from projections import stats
from projections.base import Row
from projections.pages import encode_cursor, page_of
from reports import case

if TYPE_CHECKING:
    from api.graphql.reviews import ReviewNode, ReviewStatsNode, VerdictChoice

T = TypeVar("T")
C = TypeVar("C", bound=type)
REVIEWS = strawberry.lazy("api.graphql.reviews")
"""The review types build on `wraps`, so they live in their own module, named lazily here."""


def wraps(source: type, *, omit: Collection[str] = ()) -> Callable[[C], C]:
    """Give the decorated GraphQL type the fields of the dataclass `source`, in its order,
    each with `source`'s annotation unless the class declares the field itself (its GraphQL
    type: an enum, an ID, JSON, another wrapper) — `omit` keeps a field out of the schema.
    Resolvers return `source` instances, whose attributes the fields read, so a field added
    to `source` reaches GraphQL with no copy to write."""
    hints = get_type_hints(source)

    def decorate(cls: C) -> C:
        own = dict(inspect.get_annotations(cls))
        fields = [f.name for f in dataclasses.fields(source) if f.name not in omit]
        cls.__annotations__ = {
            **{name: own.get(name, hints[name]) for name in fields},
            **{name: hint for name, hint in own.items() if name not in fields},
        }
        return cls

    return decorate


@strawberry.enum
class ConversationStatus(Enum):
    """Values spelled as in the REST contract, so both APIs say the same thing."""

    open = "open"
    ended = "ended"


@strawberry.enum
class EndReason(Enum):
    persistent_harm = "persistent_harm"
    user_request = "user_request"


@strawberry.enum(name="Rating")
class RatingChoice(Enum):
    up = "up"
    down = "down"


@strawberry.interface
class Node:
    """Anything fetchable by its globally unique id (conversation ids are UUIDs)."""

    id: strawberry.ID


@strawberry.type(name="Message")
class MessageNode:
    position: int
    author: str
    kind: str
    text: str
    at: datetime

    @classmethod
    def of(cls, row: Row) -> MessageNode:
        return cls(
            position=row["position"],
            author=row["author"],
            kind=row["kind"],
            text=row["text"],
            at=row["at"],
        )


async def parent_of(root: ConversationNode, info: Info[Context, None]) -> ConversationNode | None:
    if root.parent_id is None:
        return None
    return await conversation_node(info, await info.context.conversations.load(root.parent_id))


async def branches_of(root: ConversationNode, info: Info[Context, None]) -> list[ConversationNode]:
    return await conversation_nodes(info, await info.context.branches.load(root.uuid))


@strawberry.type(name="Conversation")
class ConversationNode(Node):
    status: ConversationStatus
    model: str
    started_at: datetime
    ended_at: datetime | None
    erased_at: datetime | None = strawberry.field(
        description="When what was written in it was erased (each text then says so)"
    )
    branch_position: int | None
    parent_id: strawberry.Private[UUID | None]
    uuid: strawberry.Private[UUID]

    @classmethod
    def of(cls, row: Row) -> ConversationNode:
        return cls(
            id=strawberry.ID(str(row["id"])),
            uuid=row["id"],
            status=ConversationStatus(row["status"]),
            model=row["model"],
            started_at=row["started_at"],
            ended_at=row["ended_at"],
            erased_at=row["erased_at"],
            branch_position=row["branch_position"],
            parent_id=row["parent_id"],
        )

    parent: ConversationNode | None = strawberry.field(resolver=parent_of)
    branches: list[ConversationNode] = strawberry.field(resolver=branches_of)
    messages: list[MessageNode] = strawberry.field(default=None)
    """Read in bulk by whatever made the node, when the query selects them (see
    `conversation_nodes`): a plain field, completed inline with the node."""


def selects(selections: Sequence[Selection], path: Sequence[str]) -> bool:
    """Whether `selections` select the field at `path` (field names, through fragments)."""
    name, *rest = path
    for selection in selections:
        if not isinstance(selection, SelectedField):
            if selects(selection.selections, path):
                return True
        elif selection.name == name and (not rest or selects(selection.selections, rest)):
            return True
    return False


async def conversation_nodes(
    info: Info[Context, None], rows: Sequence[Row], *path: str, whole: bool = False
) -> list[ConversationNode]:
    """The nodes of `rows`, with their messages in one batched read if the query selects
    them (under `path`, from the field being resolved: `edges`, `node` for a page).
    `whole`: `rows` are every node the field makes in the request (a page), so their
    messages are read at once; otherwise through the loader that gathers the reads of
    sibling resolvers (a `branches` or `parent` per node) into one."""
    nodes = [ConversationNode.of(row) for row in rows]
    if nodes and selects(info.selected_fields, (info.field_name, *path, "messages")):
        ids = [node.uuid for node in nodes]
        context = info.context
        loaded = await (context.messages_of(ids) if whole else context.messages.load_many(ids))
        for node, messages in zip(nodes, loaded, strict=True):
            node.messages = [MessageNode.of(row) for row in messages]
    return nodes


async def conversation_node(info: Info[Context, None], row: Row | None) -> ConversationNode | None:
    return None if row is None else (await conversation_nodes(info, [row]))[0]


@strawberry.type(name="Ending")
class EndingNode:
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
    verdict: Annotated[VerdictChoice, REVIEWS] | None = strawberry.field(
        default=None, description="The latest verdict of its review (reviewers only)"
    )

    @classmethod
    def of(cls, row: Row) -> EndingNode:
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
            verdict=row["verdict"],
        )

    @strawberry.field
    async def conversation(self, info: Info[Context, None]) -> ConversationNode | None:
        row = await info.context.conversations.load(UUID(self.conversation_id))
        return await conversation_node(info, row)


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
@wraps(case.FeedbackEntry, omit={"user"})
class Feedback:
    rating: RatingChoice


@strawberry.type
class Veto:
    """The policy would have done `would_have` but `stopped_by` prevented it."""

    position: int
    at: datetime
    would_have: str
    stopped_by: str
    rule: str


@strawberry.type(name="LadderStep")
@wraps(case.LadderDecision)
class LadderStepNode:
    """A redirect, warning, confirmation request or veto, with the rule that fired."""


@strawberry.type(name="Assessment")
class AssessmentNode:
    """What the policy saw of one user message."""

    category: str
    severity: float
    crisis: str
    intent: str
    scores: JSON
    rationale: str
    assessor: str


@strawberry.type
@wraps(case.Note)
class AuditNote:
    """Something recorded at a position besides the message itself."""


def _assessment(step: strawberry.Parent[case.ExplainedMessage]) -> SimpleNamespace | None:
    """The recorded assessment (a mapping), read by attribute as GraphQL's fields read."""
    return None if step.assessment is None else SimpleNamespace(**step.assessment)


@strawberry.type
@wraps(case.ExplainedMessage)
class AuditStep:
    """One message in the timeline: its assessment (user) or decision (assistant)."""

    assessment: SimpleNamespace | None = strawberry.field(
        resolver=_assessment, graphql_type=AssessmentNode | None
    )
    decision: JSON | None
    notes: list[AuditNote]


@strawberry.type
@wraps(case.EndingFacts)
class AuditEnding:
    reason: EndReason
    policy: JSON


@strawberry.type
@wraps(case.BranchEntry)
class BranchMade:
    branch_id: strawberry.ID


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
    erased_at: datetime | None = strawberry.field(
        description="When what was written in it was erased; what was decided stays"
    )
    reason: EndReason | None
    rule: str | None
    policy_version: str | None
    policy: Mapping[str, Any] | None = strawberry.field(graphql_type=JSON | None)
    cited_positions: list[int]
    ending: case.EndingFacts | None = strawberry.field(graphql_type=AuditEnding | None)
    evidence: list[Any] = strawberry.field(graphql_type=list[Evidence])
    steps: list[case.ExplainedMessage] = strawberry.field(graphql_type=list[AuditStep])
    redirects: list[case.LadderDecision] = strawberry.field(graphql_type=list[LadderStepNode])
    warnings: list[case.LadderDecision] = strawberry.field(graphql_type=list[LadderStepNode])
    crisis_signals: list[CrisisSignal]
    vetoes: list[Veto]
    confirmation_steps: list[Any] = strawberry.field(graphql_type=list[TrailEntry])
    ladder_resets: list[case.Note] = strawberry.field(graphql_type=list[AuditNote])
    feedback: list[case.FeedbackEntry] = strawberry.field(graphql_type=list[Feedback])
    branches: list[case.BranchEntry] = strawberry.field(graphql_type=list[BranchMade])
    trail: list[Any] = strawberry.field(graphql_type=list[TrailEntry])
    review: Annotated[ReviewNode, REVIEWS] | None = strawberry.field(
        description="Its review with the verdicts so far (reviewers only; null while none)"
    )

    @classmethod
    def of(cls, row: Row) -> Audit:
        """The case file (`reports/case.py`) of the audit read model's rows; its parts are
        served as they are, the ending also flattened onto the audit."""
        file = case.build(row)
        ending, trail = file.ending, [SimpleNamespace(**t) for t in row["trail"]]
        return cls(
            conversation_id=strawberry.ID(str(file.conversation_id)),
            owner=file.owner,
            model=file.model,
            status=ConversationStatus(file.status),
            started_at=file.started_at,
            branched_from=None
            if file.branched_from is None
            else strawberry.ID(str(file.branched_from)),
            branch_position=file.branch_position,
            contested=file.contested,
            ended_at=None if ending is None else ending.at,
            erased_at=file.erased_at,
            reason=None if ending is None else EndReason(ending.reason),
            rule=None if ending is None else ending.rule,
            policy_version=None if ending is None else ending.policy_version,
            policy=None if ending is None else ending.policy,
            cited_positions=[] if ending is None else ending.cites,
            ending=ending,
            evidence=[SimpleNamespace(**e) for e in row["evidence"]],
            steps=file.steps,
            redirects=file.redirects,
            warnings=file.warnings,
            crisis_signals=[
                CrisisSignal(position=t.position, at=t.at, crisis=t.data["crisis"])
                for t in trail
                if t.kind == "crisis_signal"
            ],
            vetoes=[
                Veto(
                    position=s.position,
                    at=s.at,
                    would_have=s.would_have or "",
                    stopped_by=s.stopped_by or "",
                    rule=s.rule,
                )
                for s in file.vetoes
            ],
            confirmation_steps=[
                t for t in trail if t.kind == "decision" and t.data["action"] == "confirm_end"
            ],
            ladder_resets=file.ladder_resets,
            feedback=file.feedback,
            branches=file.branches,
            trail=trail,
            review=file.review,  # type: ignore[arg-type]  # served as `ReviewNode` wraps it
        )


@strawberry.type
@wraps(stats.Bucket)
class Bucket:
    """Endings counted under one key (a reason, a category, a model, a policy version)."""


@strawberry.type
@wraps(stats.Day)
class Day:
    """One UTC day's conversations started and endings made."""


@strawberry.type(name="Stats")
@wraps(stats.Stats)
class StatsNode:
    """Over conversations started and endings made in [since, until) (UTC days)."""

    negative_feedback_share: float | None = strawberry.field(
        description="Share of endings whose ending message got a 'down' rating"
    )
    by_reason: list[Bucket]
    by_category: list[Bucket]
    by_model: list[Bucket]
    by_policy_version: list[Bucket]
    per_day: list[Day]
    reviews: Annotated[ReviewStatsNode, REVIEWS] | None = strawberry.field(
        description="What the review of contested endings found (reviewers only)"
    )


@strawberry.type(name="Reply")
@wraps(TurnReply)
class ReplyNode:
    kind: str


@strawberry.type
@wraps(TurnEnding)
class EndingSummary:
    reason: EndReason


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


def connection(kind: str, rows: list[Row], first: int, make: Any) -> Connection[Any]:
    """A GraphQL page from `first + 1` rows fetched by keyset."""
    page, more = page_of(rows, first)
    edges = [Edge(cursor=encode_cursor(kind, row["seq"]), node=make(row)) for row in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=more, end_cursor=edges[-1].cursor if edges else None),
    )
