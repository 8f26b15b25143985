"""`GET /v1/conversations`: the caller's own conversations, newest first, in keyset pages."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.access import Role
from projections.pages import encode_cursor
from tests.api_calls import Auth

LIST = "/v1/conversations"
FIELDS = {"id", "status", "model", "parent_id", "branch_position", "started_at", "ended_at"}


def start(client: TestClient, headers: dict[str, str], model: str = "claude-opus-4-1") -> str:
    response = client.post(LIST, json={"model": model}, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def listing(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(LIST, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def every_page(client: TestClient, headers: dict[str, str], first: int) -> list[list[str]]:
    pages, after = [], None
    while True:
        body = listing(client, headers, first=first, **({"after": after} if after else {}))
        pages.append([c["id"] for c in body["conversations"]])
        after = body["next"]
        if after is None:
            return pages


def test_lists_what_was_just_written_newest_first_with_its_tree(
    client: TestClient, auth: Auth
) -> None:
    alice = auth(f"list-{uuid.uuid4().hex[:8]}")
    first = start(client, alice, "claude-sonnet-4")
    sent = client.post(f"{LIST}/{first}/messages", json={"text": "hello"}, headers=alice)
    assert sent.status_code == 200
    branched = client.post(
        f"{LIST}/{first}/branches", json={"from_position": 0, "text": "hi"}, headers=alice
    )
    assert branched.status_code == 201
    branch = branched.json()["id"]

    body = listing(client, alice)  # no wait in the test: the route waits for alice's write

    assert body["next"] is None
    assert [c["id"] for c in body["conversations"]] == [branch, first]
    newest, oldest = body["conversations"]
    assert set(newest) == FIELDS
    assert newest["parent_id"] == first and newest["branch_position"] == 0
    assert oldest["parent_id"] is None and oldest["branch_position"] is None
    assert oldest["model"] == newest["model"] == "claude-sonnet-4"
    assert oldest["status"] == "open" and oldest["ended_at"] is None
    assert oldest["started_at"] <= newest["started_at"]


@pytest.mark.parametrize("first", [1, 2, 3, 5, 6])
def test_pages_cover_every_conversation_once_in_order(
    client: TestClient, auth: Auth, first: int
) -> None:
    bob = auth(f"pages-{uuid.uuid4().hex[:8]}")
    made = [start(client, bob) for _ in range(5)]

    pages = every_page(client, bob, first)

    assert [id for page in pages for id in page] == made[::-1]
    assert all(len(page) == first for page in pages[:-1]) and 1 <= len(pages[-1]) <= first
    assert len(pages) == -(-len(made) // first)


def test_a_user_never_sees_anothers_conversations(client: TestClient, auth: Auth) -> None:
    tag = uuid.uuid4().hex[:8]
    alice, bob = auth(f"alice-{tag}"), auth(f"bob-{tag}")
    reviewer = auth(f"reviewer-{tag}", Role.REVIEWER)
    alices = {start(client, alice) for _ in range(3)}
    bobs = {start(client, bob)}

    assert {c["id"] for c in listing(client, bob)["conversations"]} == bobs
    assert {c["id"] for c in listing(client, alice, first=100)["conversations"]} == alices
    assert listing(client, reviewer)["conversations"] == []  # "my conversations", for all
    # alice's cursor names her page's place, not her rows: bob still gets only his own
    after = listing(client, alice, first=1)["next"]
    assert {c["id"] for c in listing(client, bob, after=after)["conversations"]} <= bobs


@pytest.mark.parametrize(
    "params",
    [
        {"first": 0},
        {"first": 101},
        {"first": -1},
        {"first": "ten"},
        {"after": "not a cursor"},
        {"after": encode_cursor("ending", 5)},  # another list's cursor
        {"after": encode_cursor("conversation", 2**63)},  # past a Postgres bigint
    ],
)
def test_bad_first_or_after_is_bad_input(
    client: TestClient, auth: Auth, params: dict[str, Any]
) -> None:
    response = client.get(LIST, params=params, headers=auth())
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "bad_input"


def test_needs_a_token_and_is_documented(client: TestClient) -> None:
    refused = client.get(LIST)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
    route = client.get("/openapi.json").json()["paths"][LIST]["get"]
    ok = route["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/ConversationPage"}
    assert {"401", "422"} <= set(route["responses"])
    first = next(p for p in route["parameters"] if p["name"] == "first")
    assert (first["schema"]["minimum"], first["schema"]["maximum"]) == (1, 100)
