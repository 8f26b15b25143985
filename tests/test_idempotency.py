"""Idempotency-Key: a retried command returns its first response and records nothing twice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from bootstrap.container import Container
from tests.api_calls import Auth


def events_of(container: Container, cid: str) -> int:
    from uuid import UUID

    return len(list(container.store.events.get(UUID(cid))))


def test_retried_commands_answer_the_same_and_record_once(
    client: TestClient, container: Container, auth: Auth
) -> None:
    ivy = auth("ivy-idem")
    first = client.post("/v1/conversations", json={}, headers={**ivy, "Idempotency-Key": "s-1"})
    again = client.post("/v1/conversations", json={}, headers={**ivy, "Idempotency-Key": "s-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    cid = first.json()["id"]

    path = f"/v1/conversations/{cid}/messages"
    body = {"text": "Please end this conversation."}
    sent = [
        client.post(path, json=body, headers={**ivy, "Idempotency-Key": "m-1"}) for _ in range(3)
    ]
    assert all(r.json() == sent[0].json() for r in sent)
    assert events_of(container, cid) == 3  # Started, MessageSent, EndConfirmationRequested

    confirm = {"text": "Yes, end it."}
    ended = client.post(path, json=confirm, headers={**ivy, "Idempotency-Key": "m-2"})
    assert ended.json()["status"] == "ended"
    # After the end, a retry of the ending message still gets the first answer, not a 409.
    retried = client.post(path, json=confirm, headers={**ivy, "Idempotency-Key": "m-2"})
    assert retried.status_code == 200 and retried.json() == ended.json()
    # ...but the first message's retry keeps saying what it said then.
    assert (
        client.post(path, json=body, headers={**ivy, "Idempotency-Key": "m-1"}).json()
        == sent[0].json()
    )

    feedback = {"rating": "down", "comment": "surprised"}
    rated = [
        client.post(
            f"/v1/conversations/{cid}/feedback",
            json=feedback,
            headers={**ivy, "Idempotency-Key": "f-1"},
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in rated] == [201, 201] and rated[0].json() == rated[1].json()

    branch = {"from_position": 0, "text": "What is a good book on Rome?"}
    branches = [
        client.post(
            f"/v1/conversations/{cid}/branches",
            json=branch,
            headers={**ivy, "Idempotency-Key": "b-1"},
        )
        for _ in range(2)
    ]
    assert branches[0].status_code == branches[1].status_code == 201
    assert branches[0].json() == branches[1].json()
    assert events_of(container, cid) == 6  # ...plus one FeedbackGiven; no BranchCreated after Ended


def test_a_key_reused_for_another_request_is_refused(client: TestClient, auth: Auth) -> None:
    jay = auth()
    cid = client.post("/v1/conversations", json={}, headers=jay).json()["id"]
    path = f"/v1/conversations/{cid}/messages"
    client.post(path, json={"text": "hello"}, headers={**jay, "Idempotency-Key": "k"})
    other = client.post(
        path, json={"text": "something else"}, headers={**jay, "Idempotency-Key": "k"}
    )
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    for bad in ("", "x" * 300, "has space"):
        response = client.post(path, json={"text": "hi"}, headers={**jay, "Idempotency-Key": bad})
        assert response.status_code == 422, bad


def test_keys_belong_to_their_user(client: TestClient, auth: Auth) -> None:
    a = client.post(
        "/v1/conversations", json={}, headers={**auth("k-a"), "Idempotency-Key": "same"}
    )
    b = client.post(
        "/v1/conversations", json={}, headers={**auth("k-b"), "Idempotency-Key": "same"}
    )
    assert a.json()["id"] != b.json()["id"]


def test_concurrent_retries_record_once(
    client: TestClient, container: Container, auth: Auth
) -> None:
    kim = auth("kim-idem")
    cid = client.post("/v1/conversations", json={}, headers=kim).json()["id"]
    path = f"/v1/conversations/{cid}/messages"

    def send(_: int) -> dict[str, object]:
        headers = {**kim, "Idempotency-Key": "storm"}
        return dict(client.post(path, json={"text": "Tell me about Rome"}, headers=headers).json())

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(6)))
    assert all(a == answers[0] for a in answers)
    assert events_of(container, cid) == 3


def test_graphql_mutations_honour_the_key(
    client: TestClient, container: Container, auth: Auth
) -> None:
    lea = auth("lea-idem")
    start = "mutation { startConversation { id } }"
    started = [
        client.post("/graphql", json={"query": start}, headers={**lea, "Idempotency-Key": "g-s"})
        for _ in range(2)
    ]
    cid = started[0].json()["data"]["startConversation"]["id"]
    assert started[1].json()["data"]["startConversation"]["id"] == cid
    send = (
        'mutation($c: ID!) { sendMessage(conversationId: $c, text: "Tell me about Rome") '
        "{ position status reply { kind } } }"
    )
    answers = [
        client.post(
            "/graphql",
            json={"query": send, "variables": {"c": cid}},
            headers={**lea, "Idempotency-Key": "g-m"},
        ).json()
        for _ in range(3)
    ]
    assert all(a == answers[0] for a in answers) and "errors" not in answers[0]
    assert events_of(container, cid) == 3
    bad = client.post(
        "/graphql",
        json={"query": send, "variables": {"c": cid}},
        headers={**lea, "Idempotency-Key": "has space"},
    ).json()
    assert bad["errors"][0]["extensions"]["code"] == "BAD_INPUT"
