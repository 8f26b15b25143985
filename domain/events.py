"""The events of a conversation: the only thing lastresort stores about it.

Each event is a frozen dataclass with `originator_id`, `originator_version` and
`timestamp`, the shape the event store's mapper expects, without importing it.
The event class names are part of the contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.assessment import Assessment, Crisis
from domain.decision import Action, Decision
from domain.policy import Policy


class Rating(StrEnum):
    UP = "up"
    DOWN = "down"


@dataclass(frozen=True)
class Shadow:
    """What a policy in shadow decided on a turn, from the same assessment as the live
    decision, with the policy itself so the record alone can replay it. Recorded for
    reviewers; it never changes, and is never part of, what the user gets."""

    policy: Policy
    decision: Decision


@dataclass(frozen=True)
class Turn:
    """One user message with the decision and reply it got.

    The unit a branch inherits and replay re-decides: it holds every input the
    policy used, so no model is needed to explain or replay it.
    """

    position: int
    text: str
    sent_at: datetime
    assessment: Assessment
    decision: Decision
    policy: Policy
    reply: str
    replied_at: datetime
    usage: Mapping[str, float] | None = None
    shadows: tuple[Shadow, ...] = ()


@dataclass(frozen=True)
class Event:
    originator_id: UUID
    originator_version: int
    timestamp: datetime


@dataclass(frozen=True)
class Started(Event):
    owner: str
    model: str


@dataclass(frozen=True)
class Branched(Event):
    """First event after `Started` of a conversation made by editing an earlier message."""

    parent_id: UUID
    branch_position: int
    inherited: tuple[Turn, ...]


@dataclass(frozen=True)
class BranchCreated(Event):
    """On the parent: a branch was made from `branch_position`."""

    branch_id: UUID
    branch_position: int


@dataclass(frozen=True)
class MessageSent(Event):
    position: int
    text: str
    assessment: Assessment
    request_key: str | None = None


@dataclass(frozen=True)
class CrisisSignalDetected(Event):
    position: int
    crisis: Crisis


@dataclass(frozen=True)
class LadderReset(Event):
    """The user backed off long enough: redirects and warning no longer count."""

    position: int
    ordinary_turns: int


@dataclass(frozen=True)
class AssistantEvent(Event):
    """The assistant's reply to the user message just before it, with its decision."""

    position: int
    text: str
    decision: Decision
    policy: Policy
    usage: Mapping[str, float] | None = None
    shadows: tuple[Shadow, ...] = ()
    """The decisions of the policies in shadow on this turn (none in events recorded before
    shadows were decided, or while none ran)."""


@dataclass(frozen=True)
class Replied(AssistantEvent):
    pass


@dataclass(frozen=True)
class Redirected(AssistantEvent):
    pass


@dataclass(frozen=True)
class Warned(AssistantEvent):
    pass


@dataclass(frozen=True)
class CrisisSupportOffered(AssistantEvent):
    pass


@dataclass(frozen=True)
class EndConfirmationRequested(AssistantEvent):
    pass


@dataclass(frozen=True)
class Ended(AssistantEvent):
    """Final: after it only feedback is recorded. Reason, rule and cites are in `decision`."""


@dataclass(frozen=True)
class FeedbackGiven(Event):
    position: int
    rating: Rating
    comment: str | None
    user: str
    request_key: str | None = None


class ErasureScope(StrEnum):
    """What an erasure was asked for: one conversation (and the branches that copied its
    text), all of a user's data, or text past the retention period."""

    CONVERSATION = "conversation"
    USER = "user"
    RETENTION = "retention"


@dataclass(frozen=True)
class Erased(Event):
    """Everything people wrote in this conversation was erased (its data key deleted).

    It records who asked and why, never the text; positions, kinds, assessments' figures,
    decisions, policies and endings stay. After it nothing more is recorded."""

    by: str
    scope: ErasureScope


REPLY_EVENTS: dict[Action, type[AssistantEvent]] = {
    Action.REPLY: Replied,
    Action.REDIRECT: Redirected,
    Action.WARNING: Warned,
    Action.CRISIS_SUPPORT: CrisisSupportOffered,
    Action.CONFIRM_END: EndConfirmationRequested,
    Action.ENDED: Ended,
}
