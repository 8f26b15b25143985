"""Generated GraphQL: every query and mutation field with generated arguments, as a user
and as a reviewer. Nothing a caller sends may crash the service: no 5xx, every error coded
and none INTERNAL or masked, nothing logged at WARNING or above, and the read side still serves new
writes afterwards."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient
from graphql import build_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, nodes

from api.graphql.schema import make_schema
from bootstrap.container import Container
from domain import validation
from domain.access import Role
from projections.pages import encode_cursor
from tests.api_calls import data

EXAMPLES_PER_FIELD = 50
SDL = make_schema().as_str()
PARSED = build_schema(SDL)
FIELDS = [*PARSED.query_type.fields, *PARSED.mutation_type.fields]  # type: ignore[union-attr]
HOSTILE = ["\x00", "\x00", "\x1b", "\n", "\t", "\u202e", "\ufeff", "\U0010ffff"]
ZONES = [UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12, minutes=30))]


@pytest.fixture(scope="module")
def world(client: TestClient, container: Container) -> dict[str, Any]:
    """A user's conversations (two open, one ended with a branch and feedback), another's, and
    both roles' headers: generated ids hit real rows as well as missing ones."""

    def headers(user: str, role: Role = Role.USER) -> dict[str, str]:
        return {"Authorization": f"Bearer {container.signer.mint(user, role)}"}

    user, other = headers(f"fuzz-{uuid.uuid4().hex[:6]}"), headers("fuzz-other")
    ended = client.post("/v1/conversations", json={}, headers=user).json()["id"]
    for text in ("Please end this conversation.", "Yes, I understand it's permanent. End it."):
        client.post(f"/v1/conversations/{ended}/messages", json={"text": text}, headers=user)
    client.post(f"/v1/conversations/{ended}/feedback", json={"rating": "down"}, headers=user)
    branch = client.post(
        f"/v1/conversations/{ended}/branches",
        json={"from_position": 0, "text": "hello"},
        headers=user,
    ).json()["id"]
    fresh = [client.post("/v1/conversations", json={}, headers=user).json()["id"] for _ in "ab"]
    foreign = client.post("/v1/conversations", json={}, headers=other).json()["id"]
    return {
        "ids": [*fresh, ended, branch, foreign, str(uuid.uuid4())],
        "headers": {"user": user, "reviewer": headers("fuzz-reviewer", Role.REVIEWER)},
    }


def scalars(ids: list[str]) -> dict[str, st.SearchStrategy[Any]]:
    """Values for the scalars: real and junk ids, small and extreme integers, edge-of-range
    datetimes, and strings that are cursors (ours, past bigint, malformed), model names, or
    text with a control character, a NUL or a non-BMP character in it."""
    text = st.text(st.characters(codec="utf-8"), max_size=40)
    hostile = st.tuples(text, st.sampled_from(HOSTILE), text).map("".join)
    strings = st.one_of(
        hostile,
        text,
        st.integers(-(2**70), 2**70).map(lambda n: encode_cursor("conversation", n)),
        st.integers(0, 2**70).map(lambda n: encode_cursor("ending", n)),
        st.from_regex(validation.MODEL_PATTERN, fullmatch=True),
        st.sampled_from(["claude-opus-4-1", "persistent_harm", "2025-08.1", "harm"]),
    )
    datetimes = st.one_of(
        st.datetimes(timezones=st.sampled_from(ZONES)).map(lambda d: d.isoformat()), hostile
    )
    return {
        "ID": st.one_of(st.sampled_from(ids), hostile).map(nodes.String),
        "Int": st.one_of(st.integers(-1, 101), st.integers(-(2**31), 2**31 - 1)).map(nodes.Int),
        "String": strings.map(nodes.String),
        "DateTime": datetimes.map(nodes.String),
    }


@pytest.fixture
def no_warnings_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A stalled projection or an unexpected error says so at WARNING or above."""
    with caplog.at_level(logging.INFO):
        yield
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def check(client: TestClient, headers: dict[str, str], document: str) -> None:
    response = client.post("/graphql", json={"query": document}, headers=headers)
    assert response.status_code < 500, (document, response.text)
    for error in response.json().get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code not in (None, "INTERNAL"), (document, error)
        assert error["message"] != "Unexpected error.", (document, error)


@pytest.mark.parametrize("field", FIELDS)
def test_generated_arguments_never_crash(
    client: TestClient, world: dict[str, Any], field: str, no_warnings_logged: None
) -> None:
    ran: list[str] = []

    @settings(
        max_examples=EXAMPLES_PER_FIELD,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(
        document=from_schema(SDL, fields=[field], custom_scalars=scalars(world["ids"])),
        role=st.sampled_from(["user", "reviewer"]),
    )
    def run(document: str, role: str) -> None:
        ran.append(role)
        check(client, world["headers"][role], document)

    run()
    assert len(ran) >= EXAMPLES_PER_FIELD and set(ran) == {"user", "reviewer"}


def test_the_read_side_serves_new_writes_after_the_fuzz(
    client: TestClient, world: dict[str, Any]
) -> None:
    """Runs after the fuzz (same module): what it stored must not have stopped a projection."""
    headers = world["headers"]["user"]

    cid = data(client, headers, "mutation { startConversation { id } }")["startConversation"]["id"]
    data(
        client,
        headers,
        'mutation($c: ID!) { sendMessage(conversationId: $c, text: "Tell me about Rome") '
        "{ position } }",
        c=cid,
    )
    found = data(
        client, headers, "query($c: ID!) { conversation(id: $c) { messages { text } } }", c=cid
    )
    assert found["conversation"]["messages"][0]["text"] == "Tell me about Rome"
    listed = data(client, headers, "{ conversations(first: 100) { edges { node { id } } } }")
    assert cid in [e["node"]["id"] for e in listed["conversations"]["edges"]]
