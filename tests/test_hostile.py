"""Hostile input: generated requests, oversized and odd bodies, forged tokens, other tenants."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from bootstrap.container import Container
from domain.access import Role
from tests import procs
from tests.api_calls import Auth, gql

GENERATED = {"openapi": 0, "graphql": 0}


@pytest.fixture(scope="module")
def tenant(client: TestClient, container: Container) -> dict[str, Any]:
    """Alice's conversation with an ending, a branch and feedback: what others must not reach."""
    alice = {"Authorization": f"Bearer {container.signer.mint('hostile-alice')}"}
    cid = client.post("/v1/conversations", json={}, headers=alice).json()["id"]
    for text in ("Please end this conversation.", "Yes, I understand it's permanent. End it."):
        client.post(f"/v1/conversations/{cid}/messages", json={"text": text}, headers=alice)
    branch = client.post(
        f"/v1/conversations/{cid}/branches", json={"from_position": 0, "text": "hi"}, headers=alice
    ).json()["id"]
    client.post(f"/v1/conversations/{cid}/feedback", json={"rating": "down"}, headers=alice)
    return {"id": cid, "branch": branch, "headers": alice}


FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
)


def _each_operation(schema: Any, check: Callable[[Any], None]) -> int:
    """Run `check` on generated cases of every operation; return how many cases ran."""
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @FAST
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            nonlocal ran
            ran += 1
            check(case)

        run()
    return ran


@pytest.fixture(scope="module")
def server(fresh_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real API worker on loopback for the generators (they drive the app's whole lifespan)."""
    proc, base = procs.serve(fresh_database(), tmp_path_factory.mktemp("hostile"), projections=True)
    with procs.running(proc):
        yield base


def test_openapi_generated_requests(server: str) -> None:
    """Zero server errors; statuses, content types and bodies as the schema documents."""
    headers = procs.headers("schemathesis-user")

    def check(case: Any) -> None:
        case.call_and_validate(
            headers=headers,
            excluded_checks=[
                schemathesis.checks.positive_data_acceptance,  # a random id is rightly 404
            ],
        )

    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    GENERATED["openapi"] = _each_operation(schema, check)
    print(f"\nopenapi: {GENERATED['openapi']} generated requests")
    assert GENERATED["openapi"] >= 100


def test_graphql_generated_queries(server: str) -> None:
    """Any generated query or mutation: never a server error, never a masked crash."""
    headers = procs.headers("schemathesis-user")

    def check(case: Any) -> None:
        response = case.call(headers=headers)
        assert response.status_code < 500, response.text
        errors = response.json().get("errors") or []
        assert not [e for e in errors if e.get("message") == "Unexpected error."], errors

    schema = schemathesis.graphql.from_url(f"{server}/graphql")
    GENERATED["graphql"] = _each_operation(schema, check)
    print(f"\ngraphql: {GENERATED['graphql']} generated queries")
    assert GENERATED["graphql"] >= 100


# -- bodies and text -------------------------------------------------------------


def test_oversized_bodies_are_refused(client: TestClient, auth: Auth) -> None:
    headers = auth()
    big = b'{"text": "' + b"a" * (1 << 20) + b'"}'
    r = client.post("/v1/conversations", content=big, headers=headers)
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"

    def chunks() -> Any:  # no Content-Length: counted while read
        for _ in range(64):
            yield b"a" * 4096

    r = client.post("/v1/conversations", content=chunks(), headers=headers)
    assert r.status_code == 413
    r = client.post(
        "/graphql", content=big, headers={**headers, "Content-Type": "application/json"}
    )
    assert r.status_code == 413


@pytest.mark.parametrize(
    "text",
    [
        "naïve café — 東京 — مرحبا — שלום",
        "🧑🏽‍🚀👨‍👩‍👧‍👦🏳️‍🌈",
        "e\u0301" * 50 + "\u200b\u200d\u2060\ufeff",
        "\u202eevil\u202c right-to-left override",
        "\U0010ffff\U0001f600 astral",
        "line\r\nbreaks\tand\x0bcontrols\x1b[31m",
    ],
)
def test_unicode_round_trips(client: TestClient, auth: Auth, text: str) -> None:
    headers = auth()
    cid = client.post("/v1/conversations", json={}, headers=headers).json()["id"]
    r = client.post(f"/v1/conversations/{cid}/messages", json={"text": text}, headers=headers)
    assert r.status_code == 200, r.text
    messages = client.get(f"/v1/conversations/{cid}", headers=headers).json()["messages"]
    assert messages[0]["text"] == text


@pytest.mark.parametrize(
    "raw",
    [b'{"text": "a\\u0000b"}', b'{"text": "\\ud800"}', b'{"text": "\xff\xfe"}', b'{"text": '],
    ids=["nul", "lone-surrogate", "invalid-utf8", "truncated"],
)
def test_bad_text_is_refused_cleanly(client: TestClient, auth: Auth, raw: bytes) -> None:
    headers = {**auth(), "Content-Type": "application/json"}
    cid = client.post("/v1/conversations", json={}, headers=headers).json()["id"]
    r = client.post(f"/v1/conversations/{cid}/messages", content=raw, headers=headers)
    assert r.status_code in (400, 422), r.text
    assert client.get(f"/v1/conversations/{cid}", headers=headers).json()["messages"] == []


@pytest.mark.parametrize(
    "query",
    [
        "{ conversation(id: $id) " + "{ parent " * 12 + "{ id }" + " }" * 12 + " }",
        "{ " + " ".join(f"a{i}: stats {{ conversations }}" for i in range(40)) + " }",
        "{ conversations(first: 10) { edges { node { id " + "messages { text } " * 600 + "} } } }",
        "{ " + "__typename " * 3000 + "}",
    ],
    ids=["deep", "aliased", "wide", "tokens"],
)
def test_abusive_graphql_queries_are_refused(client: TestClient, auth: Auth, query: str) -> None:
    body = gql(client, auth(), query.replace("$id", '"00000000-0000-0000-0000-000000000000"'))
    assert body.get("errors") and not body.get("data"), body


# -- tokens and roles --------------------------------------------------------------


def _claims(user: str = "mallory", role: str = "user", exp: int | None = None) -> dict[str, Any]:
    now = int(time.time())
    return {"sub": user, "role": role, "iss": "lastresort", "iat": now, "exp": exp or now + 600}


def _forged(container: Container) -> dict[str, str]:
    good = container.signer.mint("mallory")
    head, body, signature = good.split(".")
    return {
        "tampered-signature": f"{head}.{body}.{signature[:-4]}AAAA",
        "tampered-claims": ".".join(
            [head, jwt.encode(_claims(role="reviewer"), "x" * 40).split(".")[1], signature]
        ),
        "expired": container.signer.mint("mallory", ttl_seconds=-10),
        "alg-none": jwt.encode(_claims(role="reviewer"), None, algorithm="none"),
        "wrong-secret": jwt.encode(_claims(role="reviewer"), "not-the-secret-" + "y" * 32),
        "unknown-role": jwt.encode(_claims(role="superuser"), container.settings.signing_secret()),
        "garbage": "not.a.token",
    }


def test_forged_tokens_are_refused_everywhere(
    client: TestClient, container: Container, tenant: dict[str, Any]
) -> None:
    for name, token in _forged(container).items():
        headers = {"Authorization": f"Bearer {token}"}
        for method, path, body in [
            ("GET", f"/v1/conversations/{tenant['id']}", None),
            ("POST", "/v1/conversations", {}),
            ("POST", f"/v1/conversations/{tenant['id']}/messages", {"text": "hi"}),
        ]:
            r = client.request(method, path, json=body, headers=headers)
            assert r.status_code == 401, (name, path, r.text)
            assert r.json()["error"]["code"] == "unauthorized"
        r = client.post("/graphql", json={"query": "{ stats { conversations } }"}, headers=headers)
        assert r.status_code == 401, (name, r.text)


def test_a_reviewer_cannot_write_in_a_users_conversation(
    client: TestClient, auth: Auth, tenant: dict[str, Any]
) -> None:
    reviewer = auth("hostile-reviewer", Role.REVIEWER)
    cid, branch = tenant["id"], tenant["branch"]
    assert client.get(f"/v1/conversations/{cid}", headers=reviewer).status_code == 200
    for path, body in [
        (f"/v1/conversations/{branch}/messages", {"text": "hello"}),
        (f"/v1/conversations/{cid}/branches", {"from_position": 0, "text": "x"}),
        (f"/v1/conversations/{cid}/feedback", {"rating": "up"}),
    ]:
        r = client.post(path, json=body, headers=reviewer)
        assert r.status_code in (403, 404), (path, r.text)


# -- other tenants -------------------------------------------------------------------


def test_cross_tenant_probe_on_every_rest_route(
    client: TestClient, auth: Auth, tenant: dict[str, Any]
) -> None:
    """Every route taking a conversation id, with another user's ids: 404, nothing recorded."""
    bob = auth("hostile-bob")
    bodies = {
        "messages": {"text": "hi"},
        "branches": {"from_position": 0, "text": "x"},
        "feedback": {"rating": "down"},
    }
    probed = 0
    for path, operations in client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        if "{id}" not in path:
            continue
        for method in operations:
            for cid in (tenant["id"], tenant["branch"]):
                body = bodies.get(path.rsplit("/", 1)[-1])
                r = client.request(method, path.replace("{id}", cid), json=body, headers=bob)
                missing = str(uuid.uuid4())
                unknown = client.request(
                    method, path.replace("{id}", missing), json=body, headers=bob
                )
                assert r.status_code == 404, (method, path, r.text)
                # indistinguishable from an id that does not exist
                assert r.text.replace(cid, "ID") == unknown.text.replace(missing, "ID")
                probed += 1
    assert probed >= 8
    before = client.get(f"/v1/conversations/{tenant['id']}", headers=tenant["headers"]).json()
    assert len(before["messages"]) == 4


GRAPHQL_PROBES = [
    ("conversation", 'query { conversation(id: "%s") { id messages { text } } }'),
    ("audit", 'query { audit(conversationId: "%s") { conversationId reason } }'),
    ("node", 'query { node(id: "%s") { id } }'),
    ("sendMessage", 'mutation { sendMessage(conversationId: "%s", text: "hi") { __typename } }'),
    (
        "branchConversation",
        'mutation { branchConversation(conversationId: "%s", fromPosition: 0, text: "x") '
        "{ __typename } }",
    ),
    (
        "giveFeedback",
        'mutation { giveFeedback(conversationId: "%s", rating: DOWN) { __typename } }',
    ),
]


@pytest.mark.parametrize(("field", "query"), GRAPHQL_PROBES, ids=[p[0] for p in GRAPHQL_PROBES])
def test_cross_tenant_probe_on_graphql(
    client: TestClient, auth: Auth, tenant: dict[str, Any], field: str, query: str
) -> None:
    bob = auth("hostile-bob")
    for cid in (tenant["id"], tenant["branch"]):
        body = gql(client, bob, query % cid)
        assert cid not in str(body.get("data")), body
        data = (body.get("data") or {}).get(field)
        assert data is None or (
            data == {"__typename": data.get("__typename")} and body.get("errors")
        ), body


def test_cross_tenant_lists_show_nothing_foreign(
    client: TestClient, auth: Auth, tenant: dict[str, Any]
) -> None:
    bob = auth(f"hostile-bob-{uuid.uuid4().hex[:6]}")
    body = gql(
        client,
        bob,
        "{ conversations(first: 50) { edges { node { id } } } "
        "endings(first: 50) { edges { node { conversationId } } } "
        "stats { conversations endings } }",
    )
    assert tenant["id"] not in str(body) and tenant["branch"] not in str(body), body
    assert body["data"]["stats"]["conversations"] == 0
