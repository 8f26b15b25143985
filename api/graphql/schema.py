"""The schema: queries over the read models, mutations through `ConversationService`.

Access (see projections/README.md): a user sees only their own conversations through
every path, because each read-model query takes the caller's name as a filter; a
reviewer reads everything and, through the service, writes nothing in others'. The policy
registry is read by reviewers and admins and changed by admins only, through its own
service (types in `api/graphql/policies.py`).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from functools import partial
from typing import Any

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import Info

from api.graphql.context import Context, context_getter
from api.graphql.errors import DomainErrors, Schema
from api.graphql.execution import ExecutionContext
from api.graphql.idempotency import OneMutationPerKey
from api.graphql.policies import PolicyNode
from api.graphql.production import PRODUCTION_EXTENSIONS
from api.graphql.reviews import ReviewNode, VerdictChoice, review_case
from api.graphql.router import Router
from api.graphql.shadows import ShadowDivergence
from api.graphql.types import (
    Audit,
    Connection,
    ConversationNode,
    ConversationStatus,
    EndingNode,
    EndingSummary,
    EndReason,
    Node,
    RatingChoice,
    ReplyNode,
    StatsNode,
    connection,
    conversation_node,
    conversation_nodes,
)
from application.service import TurnResult, utc_now
from domain import validation
from domain.answer import TurnAnswer, TurnEnding, TurnReply
from domain.errors import NotFound
from domain.events import Rating as DomainRating
from domain.registry import Entry
from domain.review import Review, Verdict
from projections import audit as audit_reads
from projections import conversations as conversation_reads
from projections import reviews as review_reads
from projections import shadows as shadow_reads
from projections.pages import decode_cursor, page_size
from projections.stats import Stats
from reports.case import ReviewCase

Ctx = Info[Context, None]


async def visible_conversation(info: Ctx, raw: str) -> ConversationNode | None:
    row = await info.context.conversations.load(validation.conversation_id(raw))
    return await conversation_node(info, row)


async def conversation_or_404(info: Ctx, raw: str) -> ConversationNode:
    found = await visible_conversation(info, raw)
    if found is None:
        raise NotFound(f"conversation {raw} not found")
    return found


async def stats_of(
    info: Ctx, since: datetime | None = None, until: datetime | None = None
) -> Stats:
    """`Query.stats`: the figures the audit's statistics page shows too, served as they are
    through the `Stats` type that wraps them; the review figures for reviewers only."""
    row = await info.context.read(audit_reads.stats, info.context.owner, since, until)
    reviewed = None
    if info.context.caller.is_reviewer:
        reviewed = await info.context.read(review_reads.review_stats, since, until)
    return Stats.of(row, reviewed)


async def policies_of(info: Ctx) -> list[Entry]:
    """`Query.policies`: the registry's entries as they are (`PolicyNode` wraps them); the
    registry service refuses a user."""
    registry = info.context.services.registry
    return await asyncio.to_thread(registry.entries, info.context.caller)


async def shadow_divergences_of(
    info: Ctx, version: str, first: int = 20, after: str | None = None
) -> Connection[ShadowDivergence]:
    """`Query.shadowDivergences`: the registry refuses a user (FORBIDDEN) and names an
    unknown version (NOT_FOUND) before the read model is read."""
    size = page_size(first)
    cursor = decode_cursor("divergence", after)
    registry = info.context.services.registry
    await asyncio.to_thread(registry.entry, info.context.caller, version)
    rows = await info.context.read(shadow_reads.divergences_page, version, cursor, size + 1)
    return connection("divergence", rows, size, ShadowDivergence.of)


@strawberry.type
class Query:
    """`node` answers null for a missing or foreign id; `conversations` and `endings` are
    newest first; a user's `endings` and `stats` cover only their own conversations."""

    @strawberry.field
    async def conversation(self, info: Ctx, id: strawberry.ID) -> ConversationNode:
        return await conversation_or_404(info, id)

    @strawberry.field
    async def node(self, info: Ctx, id: strawberry.ID) -> Node | None:
        try:
            return await visible_conversation(info, id)
        except NotFound:
            return None

    @strawberry.field
    async def conversations(
        self,
        info: Ctx,
        first: int = 20,
        after: str | None = None,
        status: ConversationStatus | None = None,
    ) -> Connection[ConversationNode]:
        size = page_size(first)
        rows = await info.context.read(
            conversation_reads.conversations_page,
            info.context.owner,
            status and status.value,
            decode_cursor("conversation", after),
            size + 1,
        )
        for row in rows:
            info.context.conversations.prime(row["id"], row)
        made = await conversation_nodes(info, rows[:size], "edges", "node", whole=True)
        nodes = {node.uuid: node for node in made}
        return connection("conversation", rows, size, lambda row: nodes[row["id"]])

    @strawberry.field
    async def endings(
        self,
        info: Ctx,
        first: int = 20,
        after: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        reason: EndReason | None = None,
        model: str | None = None,
        policy_version: str | None = None,
        category: str | None = None,
        contested: bool = False,
        verdict: VerdictChoice | None = None,
    ) -> Connection[EndingNode]:
        """Endings in [since, until) matching every filter given; `contested`: only those
        whose ending message was rated down; `verdict` (reviewers): only those whose review's
        latest verdict it is."""
        size = page_size(first)
        if verdict is not None:
            info.context.caller.check_review()
        filters = audit_reads.EndingFilter(
            since,
            until,
            reason and reason.value,
            None if model is None else validation.model(model),
            None if policy_version is None else validation.label(policy_version, "policyVersion"),
            None if category is None else validation.label(category, "category"),
            contested,
            verdict and verdict.value,
        )
        rows = await info.context.read(
            audit_reads.endings_page,
            info.context.owner,
            filters,
            decode_cursor("ending", after),
            size + 1,
        )
        return connection("ending", rows, size, EndingNode.of)

    @strawberry.field
    async def audit(self, info: Ctx, conversation_id: strawberry.ID) -> Audit:
        row = await info.context.read(
            audit_reads.audit_of,
            validation.conversation_id(conversation_id),
            info.context.owner,
            info.context.keys,
        )
        if row is None:
            raise NotFound(f"conversation {conversation_id} not found")
        return Audit.of(row)

    @strawberry.field
    async def review_queue(
        self, info: Ctx, first: int = 20, after: str | None = None
    ) -> Connection[ReviewNode]:
        """Reviewers: the endings waiting for a verdict, oldest request first (claimed ones
        included, with who holds them until when)."""
        caller = info.context.caller
        caller.check_review()
        size = page_size(first)
        rows = await info.context.read(
            review_reads.queue_page, decode_cursor("review", after), size + 1
        )
        page_views = info.context.services.read_side.page_views
        await asyncio.to_thread(
            page_views.record, caller.name, str(caller.role), None, "review queue"
        )
        return connection("review", rows, size, ReviewCase.of)

    stats = strawberry.field(resolver=stats_of, graphql_type=StatsNode)
    policies = strawberry.field(
        resolver=policies_of,
        graphql_type=list[PolicyNode],
        description="The policy registry, in the order registered (reviewers and admins).",
    )
    shadow_divergences = strawberry.field(
        resolver=shadow_divergences_of,
        description="Replies where the shadowed `version` decided otherwise than the live "
        "policy, newest first, with both decisions (reviewers and admins).",
    )


@strawberry.type
class MessagePayload:
    conversation_id: strawberry.ID
    position: int
    status: ConversationStatus
    reply: TurnReply = strawberry.field(graphql_type=ReplyNode)
    ending: TurnEnding | None = strawberry.field(graphql_type=EndingSummary | None)
    notification_id: int | None = strawberry.field(
        description="Send it as X-Read-After to read this write through another server."
    )

    @strawberry.field
    async def conversation(self, info: Ctx) -> ConversationNode | None:
        return await visible_conversation(info, self.conversation_id)


@strawberry.type
class BranchPayload(MessagePayload):
    """The new conversation (its `id`), where it branched from, and the reply to the edit."""

    id: strawberry.ID
    parent_id: strawberry.ID
    from_position: int


@strawberry.type
class FeedbackPayload:
    conversation_id: strawberry.ID
    position: int
    rating: RatingChoice


@strawberry.type
class ErasurePayload:
    by: str
    scope: str = strawberry.field(description="`conversation`, `user` or `retention`")
    erased_at: datetime
    conversation_ids: list[strawberry.ID] = strawberry.field(
        description="Every conversation whose text is now erased: the one asked for and the "
        "branches made from it"
    )


async def run(info: Ctx, command: Any, *args: Any) -> Any:
    """Run a service command off the event loop, as the caller, with the request's
    `Idempotency-Key` (so a retried request records nothing twice, as over REST)."""
    key = info.context.request_key
    return await asyncio.to_thread(partial(command, info.context.caller, *args, request_key=key))


async def after_write(info: Ctx) -> None:
    await info.context.wait_for(info.context.services.read_side.last_writes.of(info.context.caller))


def message_payload(result: TurnResult) -> MessagePayload:
    """The answer to the turn a command recorded (or recorded first, when retried), as REST
    gives it too: both are built from `TurnAnswer`."""
    answer = TurnAnswer.of(result.conversation, result.turn)
    return MessagePayload(
        conversation_id=strawberry.ID(str(answer.conversation_id)),
        position=answer.position,
        status=ConversationStatus(answer.status.value),
        reply=answer.reply,
        ending=answer.ending,
        notification_id=result.notification_id,
    )


async def shadow_policy(info: Ctx, policy: str) -> Entry:
    """The registry mutations: the service checks the caller is an admin."""
    entry: Entry = await run(info, info.context.services.registry.shadow_text, policy)
    return entry


async def stop_shadow(info: Ctx, version: str) -> Entry:
    entry: Entry = await run(info, info.context.services.registry.stop_shadow, version)
    return entry


async def promote_policy(info: Ctx, version: str) -> Entry:
    entry: Entry = await run(info, info.context.services.registry.promote, version)
    return entry


async def claim_review(info: Ctx, conversation_id: strawberry.ID) -> ReviewCase:
    """Reviewers: hold the case (an ending not in the queue is picked first)."""
    reviews = info.context.services.reviews
    review: Review = await run(info, reviews.claim, validation.conversation_id(conversation_id))
    await after_write(info)
    return review_case(review, utc_now())


async def review_ending(
    info: Ctx, conversation_id: strawberry.ID, verdict: VerdictChoice, note: str | None = None
) -> ReviewCase:
    """Reviewers: the verdict on an ending whose case the caller holds."""
    reviews = info.context.services.reviews
    review: Review = await run(
        info,
        reviews.decide,
        validation.conversation_id(conversation_id),
        Verdict(verdict.value),
        note,
    )
    await after_write(info)
    return review_case(review, utc_now())


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def start_conversation(self, info: Ctx, model: str | None = None) -> ConversationNode:
        service = info.context.services.service
        conversation = await run(info, service.start, model or service.default_model)
        await after_write(info)
        return await conversation_or_404(info, str(conversation.id))

    @strawberry.mutation
    async def send_message(
        self, info: Ctx, conversation_id: strawberry.ID, text: str
    ) -> MessagePayload:
        service = info.context.services.service
        result = await run(
            info, service.send_message, validation.conversation_id(conversation_id), text
        )
        await after_write(info)
        return message_payload(result)

    @strawberry.mutation
    async def branch_conversation(
        self, info: Ctx, conversation_id: strawberry.ID, from_position: int, text: str
    ) -> BranchPayload:
        service = info.context.services.service
        result = await run(
            info, service.branch, validation.conversation_id(conversation_id), from_position, text
        )
        await after_write(info)
        payload = message_payload(result)
        return BranchPayload(
            **vars(payload),
            id=payload.conversation_id,
            parent_id=conversation_id,
            from_position=from_position,
        )

    @strawberry.mutation
    async def give_feedback(
        self,
        info: Ctx,
        conversation_id: strawberry.ID,
        rating: RatingChoice,
        position: int | None = None,
        comment: str | None = None,
    ) -> FeedbackPayload:
        service = info.context.services.service
        rated = await run(
            info,
            service.give_feedback,
            validation.conversation_id(conversation_id),
            DomainRating(rating.value),
            comment,
            position,
        )
        await after_write(info)
        return FeedbackPayload(conversation_id=conversation_id, position=rated, rating=rating)

    @strawberry.mutation
    async def erase_conversation(self, info: Ctx, conversation_id: strawberry.ID) -> ErasurePayload:
        """Erase what was written in one of your conversations and its branches (texts,
        replies, comments, quotes of them); what was decided and why stays."""
        service = info.context.services.service
        erasure = await asyncio.to_thread(
            service.erase_conversation,
            info.context.caller,
            validation.conversation_id(conversation_id),
        )
        await after_write(info)
        return ErasurePayload(
            by=erasure.by,
            scope=str(erasure.scope),
            erased_at=erasure.at,
            conversation_ids=[strawberry.ID(str(c)) for c in erasure.conversation_ids],
        )

    shadow_policy = strawberry.mutation(
        resolver=shadow_policy,
        graphql_type=PolicyNode,
        description="Admins: register the policy (TOML text) if new and shadow it.",
    )
    stop_shadow = strawberry.mutation(
        resolver=stop_shadow, graphql_type=PolicyNode, description="Admins: stop its shadow."
    )
    promote_policy = strawberry.mutation(
        resolver=promote_policy,
        graphql_type=PolicyNode,
        description="Admins: make it live; the live one until now is registered again.",
    )
    claim_review = strawberry.mutation(
        resolver=claim_review,
        graphql_type=ReviewNode,
        description="Reviewers: hold the case of this ending for LASTRESORT_REVIEW_CLAIM_SECONDS "
        "(an ending not in the queue is picked first); REVIEW_CLAIMED while another holds it.",
    )
    review_ending = strawberry.mutation(
        resolver=review_ending,
        graphql_type=ReviewNode,
        description="Reviewers: record the verdict on an ending whose case you hold "
        "(REVIEW_NOT_CLAIMED otherwise); the case leaves the queue.",
    )


LIMITS = (
    *QueryDepthLimiter(max_depth=8).validation_rules,
    *MaxAliasesLimiter(max_alias_count=15).validation_rules,
)
"""The document limits' validation rules, made once: the same rules every request, so the
validation of a document already seen is looked up (`ValidationCache`), not redone."""
CACHED_DOCUMENTS = 256


def make_schema(production: bool = False) -> strawberry.Schema:
    """In production the schema is not spelled out: no introspection, no "Did you mean …".

    A document is parsed and validated once (per server process, for the last
    `CACHED_DOCUMENTS` distinct ones): clients send the same few queries over and over."""
    return Schema(
        query=Query,
        mutation=Mutation,
        types=[ConversationNode],
        execution_context_class=ExecutionContext,
        extensions=[
            lambda: AddValidationRules(list(LIMITS)),
            lambda: MaxTokensLimiter(max_token_count=2000),
            lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
            lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
            DomainErrors,
            OneMutationPerKey,
            *(PRODUCTION_EXTENSIONS if production else ()),
        ],
    )


def graphql_router(production: bool = False) -> Router:
    """The router of `/graphql` (its own path: the plain POST route needs a whole one)."""
    router = Router(
        make_schema(production),
        path="/graphql",
        context_getter=context_getter,
        include_in_schema=False,
    )
    router.graphiql = not production
    return router
