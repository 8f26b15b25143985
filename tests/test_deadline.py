"""A turn has a deadline: past it the client gets 503 with `Retry-After`, nothing is stored.

Through the real anthropic SDK over `httpx2.MockTransport`, with a short deadline set on
the service (the default is 20 s): the service's refusals on the in-memory store, and what
REST and GraphQL answer on Postgres. "Nothing is stored" is read from the event store: the
conversation's version does not move.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any
from uuid import UUID, uuid4

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from adapters.claude import FailureObserver
from adapters.claude_assessor import ClaudeAssessor
from adapters.claude_assistant import ClaudeAssistant
from api.error_codes import http_status
from application.repository import Repository
from bootstrap.container import Container, web_app
from domain.access import Principal
from domain.errors import ModelUnavailable
from tests.fake_claude import TIMEOUT, FakeAPI, Json, is_assessment, ordinary, status
from tests.services import MakeService
from tests.test_metrics import value

DEADLINE = 1.0
MODEL = "claude-opus-4-1"
DORA = Principal("dora")
assert TIMEOUT > DEADLINE  # so a call bounded by the deadline shows in `api.timeouts`
# A refused turn answers within this; without the deadline it would take TIMEOUT per
# attempt, or the 20 s the API asked for.
PROMPT = DEADLINE + 2.0
SEND = 'mutation($c: ID!) { sendMessage(conversationId: $c, text: "again") { position } }'
BRANCH = (
    "mutation($c: ID!) { branchConversation(conversationId: $c, fromPosition: 0, "
    'text: "edited") { id } }'
)


class Clock:
    """A monotonic clock that moves only when the test moves it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def claude_parts(
    api: FakeAPI,
    monotonic: Callable[[], float] = time.monotonic,
    on_failure: FailureObserver | None = None,
    deadline: float = DEADLINE,
) -> dict[str, Any]:
    """What puts a service on Claude (`api`) with a short deadline, by attribute."""
    claude = api.client(max_retries=2, on_failure=on_failure)
    return {
        "assessor": ClaudeAssessor(claude),
        "assistant": ClaudeAssistant(claude),
        "turn_deadline": deadline,
        "monotonic": monotonic,
    }


def claude_app(
    container: Container,
    api: FakeAPI,
    monotonic: Callable[[], float] = time.monotonic,
    deadline: float = DEADLINE,
) -> FastAPI:
    """The app over the shared store, its service on Claude (`api`), with a short deadline."""
    service = copy.copy(container.service)
    parts = claude_parts(api, monotonic, container.metrics.observe_model_failure, deadline)
    for name, part in parts.items():
        setattr(service, name, part)
    return web_app(replace(container, service=service))


def on_claude(
    container: Container, api: FakeAPI, monotonic: Callable[[], float] = time.monotonic
) -> TestClient:
    return TestClient(claude_app(container, api, monotonic))


def version(store: Repository, cid: str | UUID) -> int:
    return store.get_conversation(UUID(str(cid))).version


@pytest.fixture
def headers(container: Container) -> dict[str, str]:
    return {"Authorization": f"Bearer {container.signer.mint(f'dora-{uuid4().hex[:8]}')}"}


@pytest.fixture
def released() -> Iterator[threading.Event]:
    """Lets a hanging model go at teardown, so no test leaves a request waiting."""
    event = threading.Event()
    yield event
    event.set()


def test_a_hanging_model_is_refused_within_the_deadline_and_nothing_is_stored(
    make_service: MakeService, released: threading.Event
) -> None:
    def respond(body: Json) -> Json:
        if is_assessment(body):
            return ordinary(body)
        # A silent server: no answer until the timeout the SDK gave this request.
        if not released.wait(api.timeouts[-1]):
            raise httpx2.ReadTimeout("no answer within the timeout")
        raise httpx2.ConnectError("released at teardown")

    api = FakeAPI(respond)
    service = make_service(**claude_parts(api))
    cid = service.start(DORA, MODEL).id
    before = version(service.store, cid)

    started = time.monotonic()
    with pytest.raises(ModelUnavailable) as refused:
        service.send_message(DORA, cid, "hi")
    took = time.monotonic() - started

    assert http_status(refused.value) == 503
    assert refused.value.code == "model_unavailable"
    assert refused.value.retry_after >= 1
    assert took < PROMPT
    assert all(timeout <= DEADLINE for timeout in api.timeouts)
    assert version(service.store, cid) == before


def _rest_message(client: TestClient, headers: dict[str, str], cid: str) -> tuple[str, str | None]:
    response = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": "again"}, headers=headers
    )
    assert response.status_code == 503, response.text
    return response.json()["error"]["code"], response.headers.get("Retry-After")


def _rest_branch(client: TestClient, headers: dict[str, str], cid: str) -> tuple[str, str | None]:
    response = client.post(
        f"/v1/conversations/{cid}/branches",
        json={"from_position": 0, "text": "edited"},
        headers=headers,
    )
    assert response.status_code == 503, response.text
    return response.json()["error"]["code"], response.headers.get("Retry-After")


def _graphql(query: str) -> Callable[[TestClient, dict[str, str], str], tuple[str, str | None]]:
    def call(client: TestClient, headers: dict[str, str], cid: str) -> tuple[str, str | None]:
        response = client.post(
            "/graphql", json={"query": query, "variables": {"c": cid}}, headers=headers
        )
        body = response.json()
        assert body["data"] is None, body
        (error,) = body["errors"]
        retry_after = error["extensions"]["retryAfter"]
        assert isinstance(retry_after, int)  # seconds, as in the REST header
        return error["extensions"]["code"], str(retry_after)

    return call


@pytest.mark.usefixtures("client")  # read models running: GraphQL's read-your-writes is quick
@pytest.mark.parametrize(
    ("command", "code"),
    [
        (_rest_message, "model_unavailable"),
        (_rest_branch, "model_unavailable"),
        (_graphql(SEND), "MODEL_UNAVAILABLE"),
        (_graphql(BRANCH), "MODEL_UNAVAILABLE"),
    ],
    ids=["rest-message", "rest-branch", "graphql-send", "graphql-branch"],
)
def test_a_retry_after_beyond_the_deadline_is_refused_at_once_with_that_wait(
    container: Container,
    headers: dict[str, str],
    command: Callable[[TestClient, dict[str, str], str], tuple[str, str | None]],
    code: str,
) -> None:
    down = False

    def respond(body: Json) -> httpx2.Response | Json:
        if down:
            return status(429, "rate_limit_error", {"retry-after": "20"})
        return ordinary(body)

    api = FakeAPI(respond)
    client = on_claude(container, api)
    cid = client.post("/v1/conversations", json={}, headers=headers).json()["id"]
    client.post(f"/v1/conversations/{cid}/messages", json={"text": "first"}, headers=headers)
    before, asked = version(container.store, cid), len(api.requests)
    metrics = client.get("/metrics").text
    down = True

    started = time.monotonic()
    answered = command(client, headers, cid)
    took = time.monotonic() - started

    assert answered == (code, "20")
    assert took < PROMPT
    assert len(api.requests) == asked + 1  # no retry: it could not finish in time
    assert version(container.store, cid) == before
    grown = client.get("/metrics").text

    def grew(name: str, **labels: str) -> float:
        return value(grown, name, **labels) - value(metrics, name, **labels)

    failures = "lastresort_model_failures_total"
    assert grew(failures, role="assessor", reason="rate_limited") == 1
    assert grew(failures, role="assessor", reason="deadline") == 1
    assert grew("lastresort_turns_refused_total", reason="deadline") == 1


def test_a_reply_that_arrives_after_the_deadline_is_not_stored(
    make_service: MakeService,
) -> None:
    clock = Clock()

    def respond(body: Json) -> Json:
        if not is_assessment(body):
            clock.now += DEADLINE + 0.001  # the answer comes, just too late
        return ordinary(body)

    api = FakeAPI(respond)
    service = make_service(**claude_parts(api, clock))
    cid = service.start(DORA, MODEL).id
    before = version(service.store, cid)

    with pytest.raises(ModelUnavailable) as refused:
        service.send_message(DORA, cid, "hi")

    assert http_status(refused.value) == 503
    assert refused.value.code == "model_unavailable"
    assert refused.value.retry_after == 1
    assert len(api.requests) == 2  # both calls answered
    assert version(service.store, cid) == before
