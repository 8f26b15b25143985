"""Erasure through REST, GraphQL and the command line, on Postgres: the read models, the
case page and its exports say "erased on DATE" where the text was, the decisions stay, and
`verify` and `replay --check` still agree with the store."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import psycopg
import pytest
from fastapi.testclient import TestClient

from bootstrap.container import Container, web_app
from bootstrap.settings import Settings
from cli.main import main
from domain.access import Role
from eventstore.migrate import migrate
from projections.readside import VIEWS
from tests.api_calls import data, gql
from tests.procs import HARM, wait_projected
from tests.test_audit import HTML, sign_in
from tools.verify import verify

ERASE = """mutation($id: ID!) { eraseConversation(conversationId: $id) {
  by scope erasedAt conversationIds } }"""
READ = """query($id: ID!) { conversation(id: $id) { erasedAt messages { text } } }"""


@dataclass
class World:
    url: str
    client: TestClient
    container: Container

    def headers(self, user: str, role: Role = Role.USER) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.container.signer.mint(user, role)}"}

    def record(self, user: str, phrase: str) -> str:
        """A conversation of `user` ended for persistent harm, every message and the
        feedback quoting `phrase`; its id."""
        h = self.headers(user)
        cid = str(self.client.post("/v1/conversations", json={}, headers=h).json()["id"])
        for _ in range(4):
            sent = self.client.post(
                f"/v1/conversations/{cid}/messages", json={"text": f"{HARM} {phrase}"}, headers=h
            )
            assert sent.status_code == 200, sent.text
        rated = self.client.post(
            f"/v1/conversations/{cid}/feedback",
            json={"rating": "down", "comment": f"unfair: {phrase}"},
            headers=h,
        )
        assert rated.status_code == 201, rated.text
        return cid


@pytest.fixture(scope="module")
def world(
    fresh_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    url = fresh_database()
    migrate(url)
    home = tmp_path_factory.mktemp("erasure")
    container = Container.build(Settings(database_url=url, secret="e" * 40, home=home), url)
    with TestClient(web_app(container)) as client:
        yield World(url, client, container)


def held_anywhere(url: str, phrase: str) -> list[str]:
    """The read-model tables holding `phrase` in the clear in any column (the read models
    keep texts sealed, so never, erased or not)."""
    with psycopg.connect(url) as conn:
        return [
            table
            for view in VIEWS
            for table in view.tables
            if conn.execute(
                f"SELECT 1 FROM {table} t WHERE t::text LIKE %s LIMIT 1", (f"%{phrase}%",)
            ).fetchone()
        ]


def shown(world: World, user: str, cid: str) -> str:
    """What GraphQL shows `user` of the conversation's messages (read from the read model)."""
    read = data(world.client, world.headers(user), READ, id=cid)["conversation"]
    return " ".join(m["text"] for m in read["messages"])


def test_a_user_erases_a_conversation_and_the_audit_keeps_why_it_ended(world: World) -> None:
    phrase = f"parrot-{uuid.uuid4().hex[:8]}"
    cid = world.record("ines", phrase)
    branch = world.client.post(
        f"/v1/conversations/{cid}/branches",
        json={"from_position": 2, "text": f"sorry, {phrase}"},
        headers=world.headers("ines"),
    ).json()["id"]
    wait_projected(world.url)
    assert held_anywhere(world.url, phrase) == []
    assert phrase in shown(world, "ines", cid)
    assert phrase in shown(world, "ines", branch)
    reviewer = world.container.signer.mint("rita-erasure", Role.REVIEWER)
    browser, _ = sign_in(world.client, reviewer)
    before = browser.get(f"/audit/{cid}.json").text
    assert f"unfair: {phrase}" in before and f"{HARM} {phrase}" in before

    erased = world.client.post(f"/v1/conversations/{cid}/erasure", headers=world.headers("ines"))

    assert erased.status_code == 200, erased.text
    body = erased.json()
    assert (body["by"], body["scope"]) == ("ines", "conversation")
    assert set(body["conversations"]) == {cid, branch}
    note = f"erased on {body['erased_at'][:10]}"
    view = world.client.get(f"/v1/conversations/{cid}", headers=world.headers("ines")).json()
    assert view["erased_at"] == body["erased_at"]
    assert {m["text"] for m in view["messages"]} == {note}
    refused = world.client.post(
        f"/v1/conversations/{cid}/messages", json={"text": "hi"}, headers=world.headers("ines")
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "conversation_erased"

    wait_projected(world.url)
    assert held_anywhere(world.url, phrase) == []
    read = data(world.client, world.headers("ines"), READ, id=cid)["conversation"]
    assert read["erasedAt"] is not None and {m["text"] for m in read["messages"]} == {note}
    page = browser.get(f"/audit/{cid}", headers=HTML).text
    assert "Text erased on" in page and note in page and phrase not in page
    export = browser.get(f"/audit/{cid}.json").json()
    assert export["ending"]["reason"] == "persistent_harm"
    assert export["ending"]["rule"] == "harm.end"
    assert export["erasure"]["summary"].startswith(f"Text erased on {body['erased_at'][:10]}")
    assert phrase not in browser.get(f"/audit/{cid}.md").text


def test_graphql_and_me_erase_and_the_store_still_verifies(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    phrase = f"heron-{uuid.uuid4().hex[:8]}"
    mine, theirs = world.record("jon", phrase), world.record("kim", phrase)
    kept = world.record("lea", phrase)

    other = gql(world.client, world.headers("jon"), ERASE, id=theirs)
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    done = data(world.client, world.headers("jon"), ERASE, id=mine)["eraseConversation"]
    assert (done["by"], done["scope"], done["conversationIds"]) == ("jon", "conversation", [mine])
    me = world.client.post("/v1/me/erasure", headers=world.headers("kim")).json()
    assert (me["scope"], me["conversations"]) == ("user", [theirs])

    wait_projected(world.url)
    assert held_anywhere(world.url, phrase) == []
    assert phrase in shown(world, "lea", kept)  # kept, sealed
    monkeypatch.setenv("DATABASE_URL", world.url)
    monkeypatch.setenv("LASTRESORT_HOME", str(world.container.settings.home))
    assert main(["erase", "--user", "lea", "--as", "ops"]) == 0
    wait_projected(world.url)
    assert held_anywhere(world.url, phrase) == []
    assert world.client.get(f"/v1/conversations/{kept}", headers=world.headers("lea")).json()[
        "erased_at"
    ]
    report = verify(world.url)
    assert report.clean, [p.describe() for p in report.problems]
    assert main(["replay", "--check"]) == 0


def test_a_user_exports_everything_stored_about_them(world: World) -> None:
    phrase = f"osprey-{uuid.uuid4().hex[:8]}"
    mine, _ = world.record("mia", phrase), world.record("ned", phrase)

    export = world.client.get("/v1/me/export", headers=world.headers("mia"))

    assert export.status_code == 200, export.text
    body = export.json()
    assert body["user"] == "mia"
    assert [c["id"] for c in body["conversations"]] == [mine]
    (conversation,) = body["conversations"]
    turns = conversation["turns"]
    assert [t["text"] for t in turns] == [f"{HARM} {phrase}"] * 4
    assert [t["decision"]["action"] for t in turns] == ["redirect", "redirect", "warning", "ended"]
    assert turns[0]["assessment"]["category"] == "cbrn_weapons"
    assert turns[-1]["policy"]["version"] == turns[-1]["decision"]["policy_version"]
    assert (conversation["ending"]["reason"], conversation["ending"]["rule"]) == (
        "persistent_harm",
        "harm.end",
    )
    assert [(f["rating"], f["comment"]) for f in conversation["feedback"]] == [
        ("down", f"unfair: {phrase}")
    ]
    assert conversation["erasure"] is None

    world.client.post("/v1/me/erasure", headers=world.headers("mia")).raise_for_status()
    after = world.client.get("/v1/me/export", headers=world.headers("mia"))
    assert phrase not in after.text
    (erased,) = after.json()["conversations"]
    assert (erased["erasure"]["by"], erased["erasure"]["scope"]) == ("mia", "user")
    assert [t["decision"]["rule"] for t in erased["turns"]] == [
        t["decision"]["rule"] for t in turns
    ]
