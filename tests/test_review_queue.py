"""The review queue's read side on Postgres: the queue (oldest first, paged), the verdict on
the case page, the endings list and the statistics (overturned share by policy version,
category and model), the queue's metrics, the views and decisions on record, and users
reaching none of it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from bootstrap.container import Container, web_app
from bootstrap.settings import Settings
from domain.access import Principal, Role
from domain.review import Verdict
from eventstore.migrate import migrate
from tests.api_calls import codes, data, gql
from tests.procs import head
from tests.reviewing import contested, ended_conversation

QUEUE = """query($first: Int!, $after: String) { reviewQueue(first: $first, after: $after) {
  edges { node { conversationId status reason requestedBy claimedBy verdicts { verdict }
    conversation { status } } }
  pageInfo { hasNextPage endCursor } } }"""
ENDINGS = """query($v: Verdict) { endings(first: 50, verdict: $v) {
  edges { node { conversationId verdict } } } }"""
STATS = """{ stats { endings reviews { reviewed overturned overturnedShare
  byPolicyVersion { key reviewed overturned overturnedShare }
  byCategory { key reviewed overturned overturnedShare }
  byModel { key reviewed overturned overturnedShare } } } }"""
AUDIT = """query($id: ID!) { audit(conversationId: $id) {
  review { status verdicts { verdict note by } } } }"""
ALICE, BOB = Principal("alice"), Principal("bob")
RITA, RAJ = Principal("rita", Role.REVIEWER), Principal("raj", Role.REVIEWER)


@dataclass(frozen=True)
class Queue:
    container: Container
    client: TestClient
    first: UUID  # contested by alice, then overturned by rita
    second: UUID  # contested by bob, claimed by raj
    third: UUID  # contested by alice, waiting
    picked: UUID  # never contested: picked by rita and upheld

    def bearer(self, who: Principal) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.container.signer.mint(who.name, who.role)}"}

    def settled(self) -> None:
        """Every read model has every event (bounded)."""
        assert self.container.read_side.watcher.wait(head(self.container.url), 10)


@pytest.fixture(scope="module")
def queue(
    fresh_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Queue]:
    url = fresh_database()
    migrate(url)
    home: Path = tmp_path_factory.mktemp("reviews")
    container = Container.build(Settings(database_url=url, secret="r" * 40, home=home), url)
    service, reviews = container.service, container.reviews
    with TestClient(web_app(container)) as client:
        first = contested(service, ALICE)
        second = contested(service, BOB)
        third = contested(service, ALICE)
        picked = ended_conversation(service, BOB)
        reviews.claim(RITA, first)
        reviews.decide(RITA, first, Verdict.OVERTURNED, "a <script>alert(1)</script> note")
        reviews.claim(RAJ, second)
        reviews.claim(RITA, picked)
        reviews.decide(RITA, picked, Verdict.UPHELD, None)
        made = Queue(container, client, first, second, third, picked)
        made.settled()
        yield made
    container.close()


def test_the_queue_lists_open_cases_oldest_first_in_pages(queue: Queue) -> None:
    rita = queue.bearer(RITA)
    page = data(queue.client, rita, QUEUE, first=1)["reviewQueue"]
    nodes = [e["node"] for e in page["edges"]]
    assert [n["conversationId"] for n in nodes] == [str(queue.second)]
    assert nodes[0]["status"] == "claimed" and nodes[0]["claimedBy"] == "raj"
    assert nodes[0]["reason"] == "rated_down" and nodes[0]["requestedBy"] == "bob"
    assert nodes[0]["conversation"] == {"status": "ended"}
    assert page["pageInfo"]["hasNextPage"]

    rest = data(queue.client, rita, QUEUE, first=5, after=page["pageInfo"]["endCursor"])
    nodes = [e["node"] for e in rest["reviewQueue"]["edges"]]
    assert [(n["conversationId"], n["status"]) for n in nodes] == [(str(queue.third), "open")]
    assert not rest["reviewQueue"]["pageInfo"]["hasNextPage"]


def test_a_verdict_shows_on_the_case_page_the_endings_and_the_statistics(queue: Queue) -> None:
    rita = queue.bearer(RITA)
    page = queue.client.get(f"/audit/{queue.first}", headers=rita)
    assert page.status_code == 200
    verdicts = page.text.split('id="verdicts"')[1].split("</table>")[0]
    assert "overturned" in verdicts and "rita" in verdicts
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in verdicts and "<script>" not in verdicts
    markdown = queue.client.get(f"/audit/{queue.first}.md", headers=rita).text
    assert "## Review" in markdown and "overturned by rita" in markdown
    assert "<script>" not in markdown
    audit = data(queue.client, rita, AUDIT, id=str(queue.first))["audit"]["review"]
    assert audit["status"] == "decided"
    assert audit["verdicts"] == [
        {"verdict": "overturned", "note": "a <script>alert(1)</script> note", "by": "rita"}
    ]

    def judged(verdict: str | None) -> dict[str, str | None]:
        edges = data(queue.client, rita, ENDINGS, v=verdict)["endings"]["edges"]
        return {e["node"]["conversationId"]: e["node"]["verdict"] for e in edges}

    assert judged("overturned") == {str(queue.first): "overturned"}
    assert judged("upheld") == {str(queue.picked): "upheld"}
    assert judged(None)[str(queue.third)] is None

    reviews = data(queue.client, rita, STATS)["stats"]["reviews"]
    assert (reviews["reviewed"], reviews["overturned"], reviews["overturnedShare"]) == (2, 1, 0.5)
    for facet in ("byPolicyVersion", "byCategory", "byModel"):
        assert sum(b["reviewed"] for b in reviews[facet]) == 2
        assert sum(b["overturned"] for b in reviews[facet]) == 1
    (model,) = reviews["byModel"]
    assert model == {
        "key": "claude-opus-4-1",
        "reviewed": 2,
        "overturned": 1,
        "overturnedShare": 0.5,
    }
    stats_page = queue.client.get("/audit/stats", headers=rita).text
    assert 'id="kpi-overturned"><b>50%</b><span>of 2 reviewed endings overturned' in stats_page


def test_the_queue_s_depth_and_age_are_metrics(queue: Queue) -> None:
    samples = {
        s.name: s.value
        for family in text_string_to_metric_families(queue.client.get("/metrics").text)
        for s in family.samples
    }
    assert samples["lastresort_review_queue_depth"] == 2
    assert samples["lastresort_review_oldest_open_seconds"] > 0


def test_the_audit_records_who_viewed_and_who_decided(queue: Queue) -> None:
    raj = queue.bearer(RAJ)
    data(queue.client, raj, QUEUE, first=5)
    seen = queue.container.read_side.page_views.recent(None, 5)
    assert ("raj", "reviewer", "review queue") in {
        (v["viewer"], v["role"], v["page"]) for v in seen
    }
    review = queue.container.store.get_review(queue.first)
    assert review is not None and [v.by for v in review.verdicts] == ["rita"]


def test_users_reach_none_of_it(queue: Queue) -> None:
    queue.settled()
    alice = queue.bearer(ALICE)
    assert codes(gql(queue.client, alice, QUEUE, first=5)) == ["FORBIDDEN"]
    assert codes(gql(queue.client, alice, ENDINGS, v="overturned")) == ["FORBIDDEN"]
    own = data(queue.client, alice, ENDINGS, v=None)["endings"]["edges"]
    assert {e["node"]["conversationId"] for e in own} == {str(queue.first), str(queue.third)}
    assert all(e["node"]["verdict"] is None for e in own)
    assert data(queue.client, alice, AUDIT, id=str(queue.first))["audit"]["review"] is None
    assert data(queue.client, alice, STATS)["stats"]["reviews"] is None
    assert queue.client.get(f"/audit/{queue.first}", headers=alice).status_code == 403
