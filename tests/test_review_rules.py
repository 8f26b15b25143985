"""The review of a contested ending, on the in-memory store: a rating down requests it, a
reviewer's claim holds it until it expires, a verdict needs the claim, and a request
retried with its Idempotency-Key records nothing twice."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.reviews import ReviewService
from application.service import ConversationService
from domain.access import Principal, Role
from domain.errors import BadInput, Forbidden, IdempotencyKeyReused
from domain.events import Rating
from domain.review import (
    ClaimedByAnother,
    RequestReason,
    Review,
    ReviewNotClaimed,
    ReviewStatus,
    Verdict,
    review_id,
)
from eventstore.store import ConversationStore
from tests.reviewing import Clock, contested, ended_conversation

ALICE = Principal("alice")
RITA, RAJ = Principal("rita", Role.REVIEWER), Principal("raj", Role.REVIEWER)
HOLD = 900
ALICE_CASE = UUID("1f0e6a52-0b7d-4c3e-9a61-3d2b8c4e5f70")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def reviews(memory: ConversationStore, clock: Clock) -> ReviewService:
    return ReviewService(memory, claim_seconds=HOLD, clock=clock)


def test_a_rating_down_of_the_ending_requests_its_review_in_the_same_save(
    service: ConversationService, memory: ConversationStore
) -> None:
    cid = ended_conversation(service, ALICE)
    before = memory.recorder.max_notification_id()
    service.give_feedback(ALICE, cid, Rating.DOWN, None, None)

    review = memory.get_review(cid)
    assert review is not None and review.requested is not None
    assert (review.requested.by, review.requested.reason) == ("alice", RequestReason.RATED_DOWN)
    saved = memory.recorder.select_notifications(start=(before or 0) + 1, limit=10)
    assert [n.originator_id for n in saved] == [cid, review_id(cid)]  # one save, both events


def test_other_ratings_request_nothing(
    service: ConversationService, memory: ConversationStore
) -> None:
    cid = ended_conversation(service, ALICE)
    service.give_feedback(ALICE, cid, Rating.UP, None, None)
    service.give_feedback(ALICE, cid, Rating.DOWN, None, 1)  # the first reply, not the ending
    assert memory.get_review(cid) is None


def test_a_second_rating_down_leaves_the_case_as_it_is(
    service: ConversationService, memory: ConversationStore
) -> None:
    cid = contested(service, ALICE)
    service.give_feedback(ALICE, cid, Rating.DOWN, "still surprised", None)
    review = memory.get_review(cid)
    assert review is not None and review.version == 1


def test_a_claim_holds_the_case_until_it_expires(
    service: ConversationService, reviews: ReviewService, clock: Clock
) -> None:
    cid = contested(service, ALICE)
    reviews.claim(RITA, cid)
    clock.advance(HOLD - 1)
    with pytest.raises(ClaimedByAnother) as refused:
        reviews.claim(RAJ, cid)
    assert refused.value.code == "review_claimed"

    clock.advance(1)
    review = reviews.claim(RAJ, cid)
    assert review.claim is not None and review.claim.by == "raj"
    with pytest.raises(ReviewNotClaimed):  # rita's claim ran out
        reviews.decide(RITA, cid, Verdict.UPHELD, None)


def test_a_verdict_needs_the_claim_and_closes_the_case(
    service: ConversationService, reviews: ReviewService, clock: Clock
) -> None:
    cid = contested(service, ALICE)
    with pytest.raises(ReviewNotClaimed) as refused:
        reviews.decide(RITA, cid, Verdict.OVERTURNED, "a novelist's research")
    assert refused.value.code == "review_not_claimed"

    reviews.claim(RITA, cid)
    with pytest.raises(ReviewNotClaimed):  # held by rita, not raj
        reviews.decide(RAJ, cid, Verdict.UPHELD, None)
    review = reviews.decide(RITA, cid, Verdict.OVERTURNED, "a novelist's research")

    assert review.status(clock()) is ReviewStatus.DECIDED
    assert [(v.verdict, v.note, v.by) for v in review.verdicts] == [
        (Verdict.OVERTURNED, "a novelist's research", "rita")
    ]
    with pytest.raises(ReviewNotClaimed):
        reviews.decide(RITA, cid, Verdict.UPHELD, None)


def test_a_reviewer_picks_an_ending_nobody_contested_and_may_reopen_a_decided_one(
    service: ConversationService, reviews: ReviewService
) -> None:
    cid = ended_conversation(service, ALICE)
    picked = reviews.claim(RITA, cid)
    assert picked.requested is not None and picked.requested.reason is RequestReason.PICKED
    reviews.decide(RITA, cid, Verdict.UPHELD, None)

    reopened = reviews.claim(RAJ, cid)
    assert reopened.requested is not None and reopened.requested.by == "raj"
    decided = reviews.decide(RAJ, cid, Verdict.OVERTURNED, None)
    assert [v.verdict for v in decided.verdicts] == [Verdict.UPHELD, Verdict.OVERTURNED]


def test_an_open_conversation_is_not_reviewed(
    service: ConversationService, reviews: ReviewService
) -> None:
    conversation = service.start(ALICE, "claude-opus-4-1")
    with pytest.raises(BadInput):
        reviews.claim(RITA, conversation.id)


def test_requests_retried_with_their_key_record_nothing_twice(
    service: ConversationService, reviews: ReviewService, clock: Clock
) -> None:
    cid = contested(service, ALICE)
    first = reviews.claim(RITA, cid, request_key="claim-1")
    clock.advance(10)
    assert reviews.claim(RITA, cid, request_key="claim-1").version == first.version

    decided = reviews.decide(RITA, cid, Verdict.UPHELD, "fair", request_key="verdict-1")
    again = reviews.decide(RITA, cid, Verdict.UPHELD, "fair", request_key="verdict-1")
    assert again.version == decided.version and len(again.verdicts) == 1
    # The claim's key retried after the verdict does not reopen the case.
    assert reviews.claim(RITA, cid, request_key="claim-1").version == decided.version

    with pytest.raises(IdempotencyKeyReused):
        reviews.decide(RITA, cid, Verdict.OVERTURNED, "fair", request_key="verdict-1")
    with pytest.raises(IdempotencyKeyReused):
        reviews.decide(RITA, cid, Verdict.UPHELD, "fair", request_key="claim-1")


@pytest.mark.parametrize("who", [ALICE, Principal("ada", Role.ADMIN)])
def test_only_reviewers_review(
    service: ConversationService, reviews: ReviewService, who: Principal
) -> None:
    cid = contested(service, ALICE)
    for command in (
        lambda: reviews.claim(who, cid),
        lambda: reviews.decide(who, cid, Verdict.OVERTURNED, None),
        lambda: reviews.get(who, cid),
    ):
        with pytest.raises(Forbidden):
            command()


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["claim", "decide", "wait"]),
        st.sampled_from(["rita", "raj"]),
        st.integers(min_value=0, max_value=2 * HOLD),
    ),
    max_size=30,
)


@given(STEPS)
def test_every_verdict_is_by_the_reviewer_holding_an_unexpired_claim(
    steps: list[tuple[str, str, int]],
) -> None:
    """Whatever reviewers try, in any order and timing: at most one claim runs at a time and
    each recorded verdict was given by its holder before it expired."""
    clock = Clock()
    review = Review.request(ALICE_CASE, "alice", RequestReason.RATED_DOWN, clock())
    for command, who, seconds in steps:
        holder = review.claim
        try:
            if command == "claim":
                review.claim_for(who, clock(), timedelta(seconds=HOLD))
            elif command == "decide":
                review.decide(who, Verdict.UPHELD, None, clock())
                assert holder is not None and holder.held_by(who, clock())
            else:
                clock.advance(seconds)
        except ClaimedByAnother:
            assert holder is not None and holder.by != who and clock() < holder.expires_at
        except ReviewNotClaimed:
            assert holder is None or not holder.held_by(who, clock()) or review.decided
    replayed = Review.from_events(review.collect_events())
    assert replayed is not None and replayed.verdicts == review.verdicts
