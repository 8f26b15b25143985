"""Review commands for GraphQL: a reviewer claims an ended conversation's case and records
a verdict on its ending.

Claiming an ending that is not in the queue picks it (requests its review) and claims it
in one save. Each command loads the review, applies the change and saves its events; a
racing reviewer makes the save fail (the review's next version is taken), and the command
is decided again on a fresh load, where the loser finds the case claimed
(`review_claimed`), not a busy store.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.repository import Repository
from application.service import utc_now
from domain import validation
from domain.access import Principal
from domain.errors import BadInput, Conflict
from domain.review import RequestReason, Review, ReviewClaimed, ReviewNotClaimed, Verdict

DEFAULT_CLAIM_SECONDS = 900.0
MAX_ATTEMPTS = 8


class ReviewService:
    def __init__(
        self,
        store: Repository,
        *,
        claim_seconds: float = DEFAULT_CLAIM_SECONDS,
        max_note_chars: int = 8000,
        clock: Callable[[], datetime] = utc_now,
        on_write: Callable[[Principal, int], None] | None = None,
    ) -> None:
        self.store = store
        self.hold = timedelta(seconds=claim_seconds)
        self.max_note_chars = max_note_chars
        self.clock = clock
        self.on_write = on_write

    def get(self, principal: Principal, conversation_id: UUID) -> Review | None:
        """The review of an ending as its events say (None when never requested)."""
        principal.check_review()
        return self.store.get_review(conversation_id)

    def claim(
        self, principal: Principal, conversation_id: UUID, request_key: str | None = None
    ) -> Review:
        """Hold the case for `claim_seconds`; an ending not in the queue is picked first."""
        principal.check_review()
        _check_key(request_key)

        def change(review: Review | None, now: datetime) -> Review:
            if review is not None and review.repeated(ReviewClaimed, principal.name, request_key):
                return review
            if review is None or review.decided:
                self._check_ended(conversation_id)
                review = Review.request(
                    conversation_id, principal.name, RequestReason.PICKED, now, review
                )
            review.claim_for(principal.name, now, self.hold, request_key)
            return review

        return self._change(principal, conversation_id, change)

    def decide(
        self,
        principal: Principal,
        conversation_id: UUID,
        verdict: Verdict,
        note: str | None,
        request_key: str | None = None,
    ) -> Review:
        """Record the verdict of the reviewer holding the claim; the case leaves the queue."""
        principal.check_review()
        if note is not None:
            validation.text(note, self.max_note_chars, "note")
        _check_key(request_key)

        def change(review: Review | None, now: datetime) -> Review:
            if review is None:
                self._check_ended(conversation_id)
                raise ReviewNotClaimed("this ending is not in the review queue; claim it first")
            review.decide(principal.name, verdict, note, now, request_key)
            return review

        return self._change(principal, conversation_id, change)

    def _check_ended(self, conversation_id: UUID) -> None:
        """Only endings are reviewed (`NotFound` for an unknown conversation)."""
        if self.store.get_conversation(conversation_id).ended is None:
            raise BadInput(
                f"conversation {conversation_id} has not ended: only endings are reviewed"
            )

    def _change(
        self,
        principal: Principal,
        conversation_id: UUID,
        change: Callable[[Review | None, datetime], Review],
    ) -> Review:
        for _ in range(MAX_ATTEMPTS):
            review = change(self.store.get_review(conversation_id), self.clock())
            try:
                recordings = self.store.save_conversations(review)
            except IntegrityError:
                continue  # another reviewer wrote first: decide again on what they wrote
            if recordings and self.on_write is not None:
                self.on_write(principal, max(r.notification.id for r in recordings))
            return review
        raise Conflict("the review is busy with concurrent changes; retry the request")


def _check_key(request_key: str | None) -> None:
    if request_key is not None:
        validation.idempotency_key(request_key)
