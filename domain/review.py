"""The review of one ending: requested, claimed by a reviewer, decided upheld or overturned.

One aggregate per ended conversation (id `review_id(conversation_id)`), kept in the same
event store as the conversation, so a rating down and the request it makes are saved in
one transaction, and optimistic concurrency decides a race: two reviewers claiming one
case both write the review's next version, the store keeps one, and the loser, decided
again on the fresh review, finds the case claimed (`ReviewClaimed` error, `review_claimed`).

A claim lasts until its `expires_at`; after that anyone may claim the case again. A verdict
needs the claim, held now, by whoever records it. Once decided, the case leaves the queue
until a reviewer picks it again (a new request). Each command retried by the same reviewer
with the same `Idempotency-Key` finds what it recorded and records nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid5

from domain.aggregate import EventSourced
from domain.errors import DomainError, IdempotencyKeyReused
from domain.events import Event

REVIEW_NAMESPACE = UUID("8f1d3c52-6b7e-4a09-b1c4-2e5d7f9a0c33")


def review_id(conversation_id: UUID) -> UUID:
    """The review of `conversation_id`'s ending: one per conversation, found without an index."""
    return uuid5(REVIEW_NAMESPACE, str(conversation_id))


class ClaimedByAnother(DomainError):
    """Another reviewer holds the claim on this case."""

    code = "review_claimed"


class ReviewNotClaimed(DomainError):
    """A verdict was given without holding the case's claim (never claimed, expired, or
    someone else's)."""

    code = "review_not_claimed"


class Verdict(StrEnum):
    UPHELD = "upheld"
    OVERTURNED = "overturned"


class RequestReason(StrEnum):
    RATED_DOWN = "rated_down"
    PICKED = "picked"


class ReviewStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    DECIDED = "decided"


@dataclass(frozen=True, kw_only=True)
class ReviewEvent(Event):
    """A change to one review, by `by`, with the `Idempotency-Key` of its request, if any."""

    by: str
    request_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReviewRequested(ReviewEvent):
    """The ending of `conversation_id` enters the queue: rated down by its user, or picked."""

    conversation_id: UUID
    reason: RequestReason


@dataclass(frozen=True, kw_only=True)
class ReviewClaimed(ReviewEvent):
    """`by` holds the case until `expires_at`."""

    expires_at: datetime


@dataclass(frozen=True, kw_only=True)
class VerdictRecorded(ReviewEvent):
    verdict: Verdict
    note: str | None = None


REVIEW_EVENTS: tuple[type[ReviewEvent], ...] = (ReviewRequested, ReviewClaimed, VerdictRecorded)
"""Every event of a review; readers of conversations (verify, replay) leave these streams out."""


@dataclass(frozen=True)
class Claim:
    by: str
    expires_at: datetime

    def held_by(self, reviewer: str, at: datetime) -> bool:
        return self.by == reviewer and at < self.expires_at


class Review(EventSourced):
    """A review's state, changed only by applying events (new or replayed)."""

    def __init__(self, id: UUID) -> None:
        super().__init__(id)
        self.conversation_id: UUID | None = None
        self.requested: ReviewRequested | None = None
        self.claim: Claim | None = None
        self.verdicts: list[VerdictRecorded] = []
        self.keys: dict[tuple[str, str], ReviewEvent] = {}

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> Review | None:
        review: Review | None = None
        for event in events:
            if review is None:
                review = cls(event.originator_id)
            review._apply(event)
        return review

    # -- queries ----------------------------------------------------------------------

    @property
    def decided(self) -> bool:
        """Decided since the latest request: out of the queue."""
        return (
            self.requested is not None
            and bool(self.verdicts)
            and (self.verdicts[-1].originator_version > self.requested.originator_version)
        )

    def status(self, at: datetime) -> ReviewStatus:
        if self.decided:
            return ReviewStatus.DECIDED
        if self.claim is not None and at < self.claim.expires_at:
            return ReviewStatus.CLAIMED
        return ReviewStatus.OPEN

    def repeated(
        self, command: type[ReviewEvent], by: str, request_key: str | None
    ) -> ReviewEvent | None:
        """What `by` recorded with `request_key` for this command, if anything (a retried
        request); the key used for another command is refused."""
        done = None if request_key is None else self.keys.get((by, request_key))
        if done is not None and not isinstance(done, command):
            raise IdempotencyKeyReused("a different review change was made with this key")
        return done

    # -- commands ---------------------------------------------------------------------

    @classmethod
    def request(
        cls,
        conversation_id: UUID,
        by: str,
        reason: RequestReason,
        at: datetime,
        existing: Review | None = None,
    ) -> Review:
        """`existing` (or a new review) with the ending in the queue; a case already in the
        queue stays as it is."""
        review = existing if existing is not None else cls(review_id(conversation_id))
        if review.requested is None or review.decided:
            review._trigger(
                ReviewRequested, at, by=by, conversation_id=conversation_id, reason=reason
            )
        return review

    def claim_for(
        self, reviewer: str, at: datetime, hold: timedelta, request_key: str | None = None
    ) -> None:
        """`reviewer` holds the case until `at + hold` (a holder renews it); refused while
        another reviewer's claim runs."""
        if self.repeated(ReviewClaimed, reviewer, request_key):
            return
        if self.requested is None or self.decided:
            raise ReviewNotClaimed("this ending is not in the review queue")
        if self.claim is not None and self.claim.by != reviewer and at < self.claim.expires_at:
            raise ClaimedByAnother(
                f"another reviewer holds this case until {self.claim.expires_at.isoformat()}"
            )
        self._trigger(ReviewClaimed, at, by=reviewer, request_key=request_key, expires_at=at + hold)

    def decide(
        self,
        reviewer: str,
        verdict: Verdict,
        note: str | None,
        at: datetime,
        request_key: str | None = None,
    ) -> None:
        """Record `verdict` by the reviewer who holds the claim now; the case leaves the queue."""
        if (done := self.repeated(VerdictRecorded, reviewer, request_key)) is not None:
            if isinstance(done, VerdictRecorded) and (done.verdict, done.note) != (verdict, note):
                raise IdempotencyKeyReused("a different verdict was recorded with this key")
            return
        if self.decided or self.claim is None or not self.claim.held_by(reviewer, at):
            raise ReviewNotClaimed("claim this case (claimReview) before recording a verdict")
        self._trigger(
            VerdictRecorded, at, by=reviewer, request_key=request_key, verdict=verdict, note=note
        )

    # -- applying events --------------------------------------------------------------

    def _mutate(self, event: Event) -> None:
        if not isinstance(event, ReviewEvent):
            raise ValueError(f"{type(event).__name__} is not a review event")
        if event.request_key is not None:
            self.keys[(event.by, event.request_key)] = event
        match event:
            case ReviewRequested():
                self.conversation_id = event.conversation_id
                self.requested, self.claim = event, None
            case ReviewClaimed():
                self.claim = Claim(event.by, event.expires_at)
            case VerdictRecorded():
                self.verdicts.append(event)
                self.claim = None
