"""Idempotency-Key: a retried command returns its first response and records nothing twice.

The rules run through the service on the in-memory store; REST and GraphQL are checked to
hand the header to it on every command."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.error_codes import http_status
from application.service import ConversationService
from bootstrap.container import Container
from domain.access import Principal
from domain.errors import DomainError, IdempotencyKeyReused
from domain.events import Turn
from eventstore.store import ConversationStore
from tests.api_calls import Auth

MODEL = "claude-opus-4-1"


def events_of(store: ConversationStore, cid: str | UUID) -> int:
    return len(list(store.events.get(UUID(str(cid)))))


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
    assert events_of(container.store, cid) == 3  # Started, MessageSent, EndConfirmationRequested

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
    # ...plus one FeedbackGiven; no BranchCreated after Ended
    assert events_of(container.store, cid) == 6


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
    assert events_of(container.store, cid) == 3
    bad = client.post(
        "/graphql",
        json={"query": send, "variables": {"c": cid}},
        headers={**lea, "Idempotency-Key": "has space"},
    ).json()
    assert bad["errors"][0]["extensions"]["code"] == "BAD_INPUT"


def test_a_key_reused_for_another_request_is_refused(service: ConversationService) -> None:
    jay = Principal("jay-idem")
    cid = service.start(jay, MODEL).id
    service.send_message(jay, cid, "hello", request_key="k")
    with pytest.raises(IdempotencyKeyReused) as reused:
        service.send_message(jay, cid, "something else", request_key="k")
    assert reused.value.code == "idempotency_key_reused"
    assert http_status(reused.value) == 422
    for bad in ("", "x" * 300, "has space"):
        with pytest.raises(DomainError) as refused:
            service.send_message(jay, cid, "hi", request_key=bad)
        assert http_status(refused.value) == 422, bad


def test_keys_belong_to_their_user(service: ConversationService) -> None:
    a = service.start(Principal("k-a"), MODEL, request_key="same")
    b = service.start(Principal("k-b"), MODEL, request_key="same")
    assert a.id != b.id


def test_concurrent_retries_record_once(
    memory: ConversationStore, service: ConversationService
) -> None:
    kim = Principal("kim-idem")
    cid = service.start(kim, MODEL).id

    def send(_: int) -> tuple[object, ...]:
        result = service.send_message(kim, cid, "Tell me about Rome", request_key="storm")
        return result.turn, result.conversation.status, result.conversation.ended

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(6)))
    assert all(a == answers[0] for a in answers)
    assert events_of(memory, cid) == 3


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(keys=st.lists(st.sampled_from("abcde"), max_size=12))
def test_any_run_of_retries_records_each_key_once_and_answers_it_alike(
    memory: ConversationStore, service: ConversationService, keys: list[str]
) -> None:
    lea = Principal(f"lea-{uuid4().hex[:8]}")
    cid = service.start(lea, MODEL).id
    first: dict[str, Turn] = {}
    for key in keys:
        turn = service.send_message(lea, cid, f"Tell me about Rome, part {key}", key).turn
        assert first.setdefault(key, turn) == turn
    stored = service.get(lea, cid)
    assert [t.text for t in stored.turns] == [t.text for t in first.values()]
    assert events_of(memory, cid) == 1 + 2 * len(first)  # Started; each key's message, reply
