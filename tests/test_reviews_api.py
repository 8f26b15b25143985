"""The review queue on Postgres, through GraphQL: a rating down enqueues the ending, two
reviewers racing for one case leave exactly one holder, a verdict needs the claim, keyed
requests record nothing twice, and users reach none of it."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from application.reviews import ReviewService
from bootstrap.container import Container
from domain.access import Principal, Role
from domain.review import ClaimedByAnother, Review
from eventstore.store import ConversationStore
from tests.api_calls import Auth, codes, data, gql
from tests.reviewing import contested

CLAIM = """mutation($id: ID!) { claimReview(conversationId: $id) {
  conversationId status reason requestedBy claimedBy claimExpiresAt } }"""
DECIDE = """mutation($id: ID!, $v: Verdict!, $n: String) {
  reviewEnding(conversationId: $id, verdict: $v, note: $n) {
    status claimedBy verdicts { verdict note by at } } }"""


@pytest.fixture
def alice() -> Principal:
    return Principal(f"alice-{uuid.uuid4().hex[:6]}")


def test_a_rating_down_over_graphql_enqueues_the_ending(
    client: TestClient, auth: Auth, container: Container, alice: Principal
) -> None:
    cid = contested(container.service, alice)
    review = container.store.get_review(cid)
    assert review is not None and review.requested is not None
    assert review.requested.by == alice.name

    rita = auth(f"rita-{uuid.uuid4().hex[:6]}", Role.REVIEWER)
    claimed = data(client, rita, CLAIM, id=str(cid))["claimReview"]
    assert claimed["status"] == "claimed" and claimed["reason"] == "rated_down"
    assert claimed["requestedBy"] == alice.name and claimed["claimExpiresAt"]
    decided = data(client, rita, DECIDE, id=str(cid), v="overturned", n="<b>fine</b>")
    assert decided["reviewEnding"]["status"] == "decided"
    assert decided["reviewEnding"]["verdicts"][0]["verdict"] == "overturned"
    assert decided["reviewEnding"]["verdicts"][0]["note"] == "<b>fine</b>"


def test_a_verdict_without_the_claim_is_a_conflict(
    client: TestClient, auth: Auth, container: Container, alice: Principal
) -> None:
    cid = contested(container.service, alice)
    rita, raj = auth("rita", Role.REVIEWER), auth("raj", Role.REVIEWER)
    assert codes(gql(client, rita, DECIDE, id=str(cid), v="upheld")) == ["REVIEW_NOT_CLAIMED"]
    data(client, rita, CLAIM, id=str(cid))
    assert codes(gql(client, raj, CLAIM, id=str(cid))) == ["REVIEW_CLAIMED"]
    assert codes(gql(client, raj, DECIDE, id=str(cid), v="upheld")) == ["REVIEW_NOT_CLAIMED"]


class MeetingStore:
    """The store, except that each reviewer's first load of a review waits for the other's:
    both decide on the same version, so their saves really race."""

    def __init__(self, store: ConversationStore, meeting: threading.Barrier) -> None:
        self.store, self.meeting = store, meeting
        self.met = threading.local()

    def get_review(self, conversation_id: UUID) -> Review | None:
        review = self.store.get_review(conversation_id)
        if not getattr(self.met, "done", False):
            self.met.done = True
            self.meeting.wait(timeout=10)
        return review

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_two_reviewers_racing_for_one_case_leave_exactly_one_holder(
    container: Container, alice: Principal
) -> None:
    cid = contested(container.service, alice)
    racing = ReviewService(MeetingStore(container.store, threading.Barrier(2)))  # type: ignore[arg-type]
    reviewers = [Principal("rita", Role.REVIEWER), Principal("raj", Role.REVIEWER)]

    def claim(who: Principal) -> str:
        try:
            racing.claim(who, cid)
        except ClaimedByAnother as lost:
            return lost.code
        return "won"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(claim, reviewers))

    assert outcomes == ["review_claimed", "won"]
    review = container.store.get_review(cid)
    assert review is not None and review.version == 2  # requested, claimed once
    assert review.claim is not None and review.claim.by in {"rita", "raj"}


def test_keyed_review_requests_record_nothing_twice(
    client: TestClient, auth: Auth, container: Container, alice: Principal
) -> None:
    cid = contested(container.service, alice)
    rita = auth("rita", Role.REVIEWER)
    for key, query, variables in (
        ("claim-k", CLAIM, {"id": str(cid)}),
        ("verdict-k", DECIDE, {"id": str(cid), "v": "upheld", "n": "right call"}),
    ):
        keyed = {**rita, "Idempotency-Key": key}
        answers = [gql(client, keyed, query, **variables) for _ in range(2)]
        assert "errors" not in answers[0], answers[0]
        assert answers[0]["data"] == answers[1]["data"]
    review = container.store.get_review(cid)
    assert review is not None and review.version == 3  # requested, claimed, decided
    reused = gql(
        client, {**rita, "Idempotency-Key": "verdict-k"}, DECIDE, id=str(cid), v="overturned"
    )
    assert codes(reused) == ["IDEMPOTENCY_KEY_REUSED"]


def test_users_and_admins_reach_none_of_it(
    client: TestClient, auth: Auth, container: Container, alice: Principal
) -> None:
    cid = contested(container.service, alice)
    owner = auth(alice.name)
    for who in (owner, auth("ada", Role.ADMIN)):
        assert codes(gql(client, who, CLAIM, id=str(cid))) == ["FORBIDDEN"]
        assert codes(gql(client, who, DECIDE, id=str(cid), v="overturned")) == ["FORBIDDEN"]
    review = container.store.get_review(cid)
    assert review is not None and review.version == 1
