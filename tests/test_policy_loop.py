"""The policy loop end to end, through the public interfaces of a running server: a candidate
policy registered and run in shadow, live conversations where it would decide otherwise, the
divergences a reviewer sees and the report an author reads, the candidate promoted while the
server runs (the next turns are decided and recorded under it, no restart), an ending under
it rated down, found in the review queue and overturned, and the statistics counting each
verdict against the version and category that ended the conversation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from application.policies import DEFAULT_POLICY_FILE, load_policy
from domain.access import Role
from tests import procs
from tests.api_calls import data
from tests.waiting import wait_until

LIVE = load_policy(DEFAULT_POLICY_FILE)  # 2 redirects, a warning, then the end
CANDIDATE_FILE = DEFAULT_POLICY_FILE.parent / "stricter.toml"
CANDIDATE = load_policy(CANDIDATE_FILE)  # 1 redirect, a warning, then the end
PROMOTION_SECONDS = 10  # the server asks the registry every second; the rest is a loaded machine

POLICIES = "{ policies { version status by } }"
PROMOTE = "mutation($v: String!) { promotePolicy(version: $v) { version status by } }"
DIVERGENCES = """query($v: String!) { shadowDivergences(version: $v, first: 10) {
  edges { node { conversationId position category live { kind } shadow { kind reason } } } } }"""
QUEUE = "{ reviewQueue { edges { node { conversationId status reason requestedBy } } } }"
CONTESTED = """{ endings(contested: true) { edges { node {
  conversationId policyVersion category verdict } } } }"""
CLAIM = "mutation($id: ID!) { claimReview(conversationId: $id) { status claimedBy } }"
DECIDE = """mutation($id: ID!, $n: String) {
  reviewEnding(conversationId: $id, verdict: overturned, note: $n) {
    status verdicts { verdict note by } } }"""
UPHOLD = """mutation($id: ID!) {
  reviewEnding(conversationId: $id, verdict: upheld) { status } }"""
STATS = """{ stats { byPolicyVersion { key endings } reviews { reviewed overturned overturnedShare
  byPolicyVersion { key reviewed overturned overturnedShare }
  byCategory { key reviewed overturned overturnedShare } } } }"""


class Person:
    """Someone using the running server with a token of their role."""

    def __init__(self, api: httpx.Client, name: str, role: Role = Role.USER) -> None:
        self.api, self.headers = api, procs.headers(name, role)

    def start(self) -> str:
        created = self.api.post("/v1/conversations", json={}, headers=self.headers)
        assert created.status_code == 201, created.text
        return str(created.json()["id"])

    def send(self, cid: str, text: str) -> dict[str, Any]:
        sent = self.api.post(
            f"/v1/conversations/{cid}/messages", json={"text": text}, headers=self.headers
        )
        assert sent.status_code == 200, sent.text
        answer: dict[str, Any] = sent.json()
        return answer

    def rate_down(self, cid: str, comment: str) -> None:
        rated = self.api.post(
            f"/v1/conversations/{cid}/feedback",
            json={"rating": "down", "comment": comment},
            headers=self.headers,
        )
        assert rated.status_code == 201, rated.text

    def graphql(self, query: str, **variables: Any) -> Any:
        return data(self.api, self.headers, query, **variables)

    def page(self, path: str) -> str:
        shown = self.api.get(path, headers={**self.headers, "Accept": "text/html"})
        assert shown.status_code == 200, shown.text
        return shown.text


def lastresort(url: str, home: Path, *args: str) -> str:
    """What an operator's `lastresort ARGS` prints; it must succeed."""
    done = procs.command(url, home, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def probe_under_candidate(carol: Person) -> Callable[[], str | None]:
    """A new conversation with two harmful messages: the live policy redirects at both, the
    candidate warns at the second. Whether the server decides under the candidate yet,
    asked of the server itself: the conversation when it does."""

    def probe() -> str | None:
        cid = carol.start()
        kinds = [carol.send(cid, procs.HARM)["reply"]["kind"] for _ in range(2)]
        assert kinds[0] == "redirect", kinds
        return cid if kinds[1] == "warning" else None

    return probe


def test_a_candidate_goes_from_shadow_to_live_and_its_contested_ending_is_overturned(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    # An operator migrates (seeding the registry with the default policy, live) and an
    # admin registers the stricter candidate and starts it in shadow of the live one.
    assert f"{LIVE.version} is live" in lastresort(url, tmp_path, "migrate")
    shadowed = lastresort(url, tmp_path, "policy", "shadow", str(CANDIDATE_FILE), "--as", "ada")
    assert shadowed.strip() == f"{CANDIDATE.version}: shadow (by ada)"

    server, base = procs.serve(url, tmp_path, projections=True)
    with procs.running(server), httpx.Client(base_url=base, timeout=30) as api:
        alice, bob, carol = Person(api, "alice"), Person(api, "bob"), Person(api, "carol")
        rita, ada = Person(api, "rita", Role.REVIEWER), Person(api, "ada", Role.ADMIN)
        listed = {p["version"]: p for p in rita.graphql(POLICIES)["policies"]}
        assert listed[CANDIDATE.version] == {
            "version": CANDIDATE.version,
            "status": "shadow",
            "by": "ada",
        }

        # Live conversations: alice persists with a harmful request, bob asks something
        # ordinary. Alice gets what the live policy decides, never the candidate's choice.
        harmed = alice.start()
        answers = [alice.send(harmed, procs.HARM) for _ in range(4)]
        assert [a["reply"]["kind"] for a in answers] == ["redirect", "redirect", "warning", "ended"]
        assert answers[-1]["ending"]["policy_version"] == LIVE.version
        assert CANDIDATE.version not in json.dumps(answers)
        benign = bob.start()
        bob.send(benign, "What is the capital of France?")
        procs.wait_projected(url)

        # The reviewer sees where the candidate diverged: one step ahead on alice's ladder.
        edges = rita.graphql(DIVERGENCES, v=CANDIDATE.version)["shadowDivergences"]["edges"]
        diverged = [
            (n["conversationId"], n["position"], n["live"]["kind"], n["shadow"]["kind"])
            for n in (edge["node"] for edge in edges)
        ]
        assert diverged == [(harmed, 5, "warning", "ended"), (harmed, 3, "redirect", "warning")]
        assert {edge["node"]["category"] for edge in edges} == {"cbrn_weapons"}
        page = rita.page(f"/audit/shadow/{quote(CANDIDATE.version, safe='')}")
        earlier = page.split('<tr class="change earlier">', 1)[1].split("</tr>", 1)[0]
        assert earlier.rsplit("<td>", 1)[1].startswith("1</td>")
        assert f'href="/audit/{harmed}"' in page and benign not in page

        # The author reads the report: the candidate would have ended alice's one turn earlier.
        report = json.loads(
            lastresort(url, tmp_path, "policy", "report", CANDIDATE.version, "--format", "json")
        )
        assert report["changes"]["earlier"] == 1 and report["conversations"] == 2
        assert report["by_category"] == {"cbrn_weapons": {"earlier": 1}}
        assert [e["conversation_id"] for e in report["examples"]["earlier"]] == [harmed]

        # The admin promotes the candidate; the running server follows the registry.
        promoted = ada.graphql(PROMOTE, v=CANDIDATE.version)["promotePolicy"]
        assert promoted == {"version": CANDIDATE.version, "status": "live", "by": "ada"}
        cid = wait_until(
            probe_under_candidate(carol), PROMOTION_SECONDS, "a turn under the candidate"
        )
        ended = carol.send(cid, procs.HARM)  # the third harmful message ends it, not the fourth
        assert ended["status"] == "ended"
        assert ended["ending"]["policy_version"] == CANDIDATE.version

        # Both users rate their endings down; the reviewer finds them queued, oldest first,
        # overturns the candidate's ending of carol's and upholds the live one's of alice's.
        alice.rate_down(harmed, "I only asked once more")
        carol.rate_down(cid, "I was asking about vaccine history")
        procs.wait_projected(url)
        queue = [e["node"] for e in rita.graphql(QUEUE)["reviewQueue"]["edges"]]
        assert queue == [
            {"conversationId": c, "status": "open", "reason": "rated_down", "requestedBy": who}
            for c, who in ((harmed, "alice"), (cid, "carol"))
        ]
        assert rita.graphql(CLAIM, id=cid)["claimReview"] == {
            "status": "claimed",
            "claimedBy": "rita",
        }
        note = "a question about history, not a request"
        decided = rita.graphql(DECIDE, id=cid, n=note)["reviewEnding"]
        assert decided == {
            "status": "decided",
            "verdicts": [{"verdict": "overturned", "note": note, "by": "rita"}],
        }
        rita.graphql(CLAIM, id=harmed)
        assert rita.graphql(UPHOLD, id=harmed)["reviewEnding"]["status"] == "decided"

        # The verdicts are on the cases, the queue is empty, and the statistics count them
        # against the version and the category that ended each: the measured false endings.
        procs.wait_projected(url)
        assert rita.graphql(QUEUE)["reviewQueue"]["edges"] == []
        contested = [e["node"] for e in rita.graphql(CONTESTED)["endings"]["edges"]]
        assert sorted(contested, key=lambda e: e["verdict"]) == [
            {"conversationId": c, "policyVersion": v, "category": "cbrn_weapons", "verdict": d}
            for c, v, d in (
                (cid, CANDIDATE.version, "overturned"),
                (harmed, LIVE.version, "upheld"),
            )
        ]
        case = rita.page(f"/audit/{cid}")
        verdicts = case.split('id="verdicts"', 1)[1].split("</table>", 1)[0]
        assert "overturned" in verdicts and "rita" in verdicts and note in verdicts
        stats = rita.graphql(STATS)["stats"]
        by_version = {b["key"]: b["endings"] for b in stats["byPolicyVersion"]}
        assert by_version == {LIVE.version: 1, CANDIDATE.version: 1}
        reviews = stats["reviews"]
        assert (reviews["reviewed"], reviews["overturned"], reviews["overturnedShare"]) == (
            2,
            1,
            0.5,
        )
        assert {b["key"]: b["overturnedShare"] for b in reviews["byPolicyVersion"]} == {
            LIVE.version: 0.0,
            CANDIDATE.version: 1.0,
        }
        assert reviews["byCategory"] == [
            {"key": "cbrn_weapons", "reviewed": 2, "overturned": 1, "overturnedShare": 0.5}
        ]
        table = rita.page("/audit/stats").split('id="overturned"', 1)[1].split("</table>", 1)[0]
        assert f"<tr><td>{CANDIDATE.version}</td><td>1</td><td>1</td><td>100%</td></tr>" in table
        assert f"<tr><td>{LIVE.version}</td><td>1</td><td>0</td><td>0%</td></tr>" in table
