"""One validation for every way in: what `domain.validation` accepts is stored and projected
as sent; what it refuses is refused by the service, REST and GraphQL alike, recording
nothing; cursors, keys and error logging on the GraphQL side."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from api.audit.pages import COOKIE
from application.service import ConversationService
from bootstrap.container import Container
from domain import validation
from domain.access import Principal, Role
from domain.errors import DomainError
from domain.events import Rating
from eventstore.store import ConversationStore
from eventstore.transcoder import OrjsonTranscoder
from projections import audit as audit_reads
from projections import conversations as conversation_reads
from projections.pages import encode_cursor
from tests.api_calls import Auth, codes, gql

FEW = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def started(client: TestClient, headers: dict[str, str]) -> str:
    return str(client.post("/v1/conversations", json={}, headers=headers).json()["id"])


def messages(client: TestClient, headers: dict[str, str], cid: str) -> list[Any]:
    return list(client.get(f"/v1/conversations/{cid}", headers=headers).json()["messages"])


def events_of(container: Container, cid: str) -> int:
    return len(list(container.store.events.get(uuid.UUID(cid))))


def own_conversations(client: TestClient, headers: dict[str, str]) -> list[Any]:
    body = gql(client, headers, "{ conversations(first: 100) { edges { node { id } } } }")
    assert "errors" not in body, body
    return list(body["data"]["conversations"]["edges"])


# -- finding 1: GraphQL took any model name ------------------------------------------


def test_graphql_refuses_a_model_name_with_nul_and_records_nothing(
    client: TestClient, auth: Auth
) -> None:
    headers = auth()
    body = gql(
        client,
        headers,
        "mutation($m: String) { startConversation(model: $m) { id } }",
        m="x\u0000",
    )
    assert codes(body) == ["BAD_INPUT"], body
    assert own_conversations(client, headers) == []


# -- the same refusal through every entry point ---------------------------------------

ENTRY_POINTS = ("rest", "graphql")


@st.composite
def unstorable(draw: st.DrawFn) -> str:
    """Text with a NUL or a lone surrogate somewhere in it."""
    text = draw(st.text(max_size=30))
    bad = draw(st.sampled_from(["\x00", "\ud800", "\udfff", "\udc80"]))
    at = draw(st.integers(0, len(text)))
    return text[:at] + bad + text[at:]


class Ways:
    """Each command through REST or GraphQL, answering the error code or None."""

    def __init__(self, client: TestClient, container: Container, user: str) -> None:
        self.client, self.container = client, container
        self.headers = {
            "Authorization": f"Bearer {container.signer.mint(user)}",
            "Content-Type": "application/json",
        }

    def rest(self, path: str, body: dict[str, Any]) -> str | None:
        # json.dumps escapes a lone surrogate as \ud800, which the server decodes back into one
        r = self.client.post(path, content=json.dumps(body), headers=self.headers)
        assert r.status_code < 500, r.text
        return None if r.status_code < 300 else str(r.json()["error"]["code"])

    def graphql(self, mutation: str, **variables: Any) -> str | None:
        r = self.client.post(
            "/graphql",
            content=json.dumps({"query": mutation, "variables": variables}),
            headers=self.headers,
        )
        assert r.status_code < 500, r.text
        found = codes(r.json())
        return found[0].lower() if found else None

    def start(self, way: str, model: str) -> str | None:
        if way == "rest":
            return self.rest("/v1/conversations", {"model": model})
        return self.graphql("mutation($m: String) { startConversation(model: $m) { id } }", m=model)

    def send(self, way: str, cid: str, text: str) -> str | None:
        if way == "rest":
            return self.rest(f"/v1/conversations/{cid}/messages", {"text": text})
        return self.graphql(
            "mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, text: $t) "
            "{ position } }",
            c=cid,
            t=text,
        )

    def branch(self, way: str, cid: str, text: str) -> str | None:
        if way == "rest":
            body = {"from_position": 0, "text": text}
            return self.rest(f"/v1/conversations/{cid}/branches", body)
        return self.graphql(
            "mutation($c: ID!, $t: String!) { branchConversation(conversationId: $c, "
            "fromPosition: 0, text: $t) { id } }",
            c=cid,
            t=text,
        )

    def feedback(self, way: str, cid: str, comment: str) -> str | None:
        if way == "rest":
            body = {"position": 1, "rating": "down", "comment": comment}
            return self.rest(f"/v1/conversations/{cid}/feedback", body)
        return self.graphql(
            "mutation($c: ID!, $t: String) { giveFeedback(conversationId: $c, "
            "rating: down, position: 1, comment: $t) { position } }",
            c=cid,
            t=comment,
        )


@pytest.fixture(scope="module")
def ways(client: TestClient, container: Container) -> Ways:
    return Ways(client, container, f"ways-{uuid.uuid4().hex[:8]}")


@FEW
@given(bad=unstorable(), way=st.sampled_from(ENTRY_POINTS))
def test_nul_and_lone_surrogates_are_refused_by_every_entry_point(
    ways: Ways, bad: str, way: str
) -> None:
    cid = started(ways.client, ways.headers)
    assert ways.send(way, cid, "Tell me about Rome") is None
    events = events_of(ways.container, cid)
    conversations = len(own_conversations(ways.client, ways.headers))
    assert ways.start(way, bad) == "bad_input"
    assert ways.send(way, cid, bad + "x") == "bad_input"
    assert ways.branch(way, cid, bad + "x") == "bad_input"
    assert ways.feedback(way, cid, bad + "x") == "bad_input"
    assert events_of(ways.container, cid) == events
    assert len(own_conversations(ways.client, ways.headers)) == conversations


def refused(command: Callable[..., Any], *args: Any) -> str | None:
    """The error code `command(*args)` is refused with, or None if it went through."""
    try:
        command(*args)
    except DomainError as error:
        return error.code
    return None


@FEW
@given(bad=unstorable())
def test_nul_and_lone_surrogates_are_refused_by_the_service(
    memory: ConversationStore, service: ConversationService, bad: str
) -> None:
    who = Principal(f"ways-{uuid.uuid4().hex[:8]}", Role.USER)
    cid = service.start(who, "claude-opus-4-1").id
    service.send_message(who, cid, "Tell me about Rome")
    recorded = memory.recorder.max_notification_id()
    assert refused(service.start, who, bad) == "bad_input"
    assert refused(service.send_message, who, cid, bad + "x") == "bad_input"
    assert refused(service.branch, who, cid, 0, bad + "x") == "bad_input"
    assert refused(service.give_feedback, who, cid, Rating.DOWN, bad + "x", 1) == "bad_input"
    assert memory.recorder.max_notification_id() == recorded


# -- what validation accepts is stored and projected as sent --------------------------


def accepted_text(value: str) -> bool:
    try:
        validation.text(value, 8000)
    except DomainError:
        return False
    return True


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    text=st.text(st.characters(codec=None), min_size=1, max_size=60),
    model=st.from_regex(validation.MODEL_PATTERN, fullmatch=True),
)
def test_what_validation_accepts_is_stored_and_projected_as_sent(
    container: Container, text: str, model: str
) -> None:
    assume(accepted_text(text))
    transcoder = OrjsonTranscoder()
    assert transcoder.decode(transcoder.encode({"text": text})) == {"text": text}
    who = Principal(f"store-{uuid.uuid4().hex[:8]}", Role.USER)
    service = container.service
    conversation = service.start(who, validation.model(model))
    service.send_message(who, conversation.id, text)
    service.give_feedback(who, conversation.id, Rating.UP, text, 1)
    read, keys = container.read_side.read, container.read_side.keys
    assert container.read_side.watcher.wait(container.read_side.last_writes.of(who), 5.0)
    assert read(conversation_reads.messages_of, [conversation.id], keys)[0]["text"] == text
    (row,) = read(conversation_reads.conversations_by_ids, [conversation.id], None)
    assert row["model"] == model
    audit = read(audit_reads.audit_of, conversation.id, None, keys)
    assert audit is not None
    comments = [t["data"]["comment"] for t in audit["trail"] if t["kind"] == "feedback"]
    assert comments == [text]


# -- finding 5: a cursor past bigint was a 500 -----------------------------------------

PAST_BIGINT = [encode_cursor("conversation", 2**63), encode_cursor("ending", 10**40)]


@pytest.mark.parametrize(
    ("field", "cursor"),
    [("conversations", PAST_BIGINT[0]), ("endings", PAST_BIGINT[1])],
)
def test_graphql_cursor_past_bigint_is_bad_input(
    client: TestClient, auth: Auth, field: str, cursor: str
) -> None:
    query = f"query($a: String) {{ {field}(after: $a) {{ edges {{ cursor }} }} }}"
    for headers in (auth(), auth(role=Role.REVIEWER)):
        assert codes(gql(client, headers, query, a=cursor)) == ["BAD_INPUT"]


def test_audit_page_cursor_past_bigint_is_refused_cleanly(
    client: TestClient, container: Container
) -> None:
    token = container.signer.mint("rita-cursor", Role.REVIEWER)
    page = client.get(
        "/audit",
        params={"after": PAST_BIGINT[1]},
        headers={"Accept": "text/html", "Cookie": f"{COOKIE}={token}"},
    )
    assert 400 <= page.status_code < 500, page.text
    assert "cursor" in page.text


# -- finding 8: client errors must not flood the error log ---------------------------


def refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    return [r for r in caplog.records if r.levelno == logging.INFO and "refused" in r.message]


@pytest.mark.parametrize(
    "query",
    [
        '{ conversation(id: "00000000-0000-0000-0000-000000000000") { id } }',
        "{ conversations(first: 0) { edges { cursor } } }",
    ],
    ids=["not-found", "bad-input"],
)
def test_graphql_domain_errors_log_at_info_without_traceback(
    client: TestClient, auth: Auth, caplog: pytest.LogCaptureFixture, query: str
) -> None:
    headers = auth()
    with caplog.at_level(logging.INFO):
        body = gql(client, headers, query)
    assert codes(body) in (["NOT_FOUND"], ["BAD_INPUT"]), body
    logged = refusals(caplog)
    assert len(logged) == 1 and logged[0].exc_info is None, caplog.text


def test_rest_domain_errors_log_at_info_without_traceback(
    client: TestClient, auth: Auth, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        r = client.get(f"/v1/conversations/{uuid.uuid4()}", headers=auth())
    assert r.status_code == 404
    logged = refusals(caplog)
    assert len(logged) == 1 and logged[0].exc_info is None, caplog.text
    assert "not_found" in logged[0].message


def test_unexpected_graphql_errors_still_log_at_error_with_traceback(
    client: TestClient, auth: Auth, caplog: pytest.LogCaptureFixture, monkeypatch: Any
) -> None:
    def broken(*_: Any) -> Any:
        raise RuntimeError("the stats query broke")

    monkeypatch.setattr(audit_reads, "stats", broken)
    with caplog.at_level(logging.INFO):
        body = gql(client, auth(), "{ stats { conversations } }")
    assert body["errors"][0]["message"] == "Unexpected error.", body
    (record,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "the stats query broke" in caplog.text


# -- finding 9: one Idempotency-Key, one mutation ------------------------------------


def test_one_key_for_two_start_conversations_is_refused_and_records_nothing(
    client: TestClient, auth: Auth
) -> None:
    headers = auth()
    r = client.post(
        "/graphql",
        json={"query": "mutation { a: startConversation { id } b: startConversation { id } }"},
        headers={**headers, "Idempotency-Key": "two-starts"},
    )
    assert r.status_code == 400, r.text
    assert codes(r.json()) == ["BAD_INPUT"] and not r.json().get("data"), r.text
    assert own_conversations(client, headers) == []


def test_one_key_for_two_messages_is_refused_and_records_neither(
    client: TestClient, auth: Auth
) -> None:
    headers = auth()
    cid = started(client, headers)
    r = client.post(
        "/graphql",
        json={
            "query": 'mutation($c: ID!) { a: sendMessage(conversationId: $c, text: "one") '
            '{ position } b: sendMessage(conversationId: $c, text: "two") { position } }',
            "variables": {"c": cid},
        },
        headers={**headers, "Idempotency-Key": "two-messages"},
    )
    assert r.status_code == 400, r.text
    assert codes(r.json()) == ["BAD_INPUT"], r.text
    assert messages(client, headers, cid) == []


def test_one_key_for_one_mutation_through_a_fragment_is_honoured(
    client: TestClient, auth: Auth
) -> None:
    headers = {**auth(), "Idempotency-Key": "fragment-start"}
    query = "mutation { __typename ... on Mutation { startConversation { id } } }"
    answers = [client.post("/graphql", json={"query": query}, headers=headers) for _ in "ab"]
    assert [a.status_code for a in answers] == [200, 200], answers[0].text
    ids = {a.json()["data"]["startConversation"]["id"] for a in answers}
    assert len(ids) == 1


def test_a_key_on_a_query_is_refused(client: TestClient, auth: Auth) -> None:
    r = client.post(
        "/graphql",
        json={"query": "{ stats { conversations } }"},
        headers={**auth(), "Idempotency-Key": "on-a-query"},
    )
    assert r.status_code == 400 and codes(r.json()) == ["BAD_INPUT"], r.text
