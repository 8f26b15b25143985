"""Streamed turns over REST: `Accept: text/event-stream` answers Server-Sent Events.

On the real event store, with Claude as `tests/fake_claude.py` under the real SDK (or the
offline assistant). The events are decision, delta..., done (or error); what is checked
is their order and data, that the joined deltas are the recorded reply, that a failure
records nothing, and — on a real uvicorn server read incrementally — that the first
delta reaches the client while the model is still writing, and that a client who leaves
still gets its turn recorded.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from uuid import UUID

import httpx
import httpx2
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bench.messages_api import stream_error, stream_events, streamed
from bootstrap.container import Container
from bootstrap.settings import Settings
from eventstore.database import eventsourcing_env
from eventstore.migrate import migrate
from eventstore.store import ConversationStore
from tests.fake_claude import (
    FakeAPI,
    Json,
    is_assessment,
    message,
    ordinary,
    status,
    text,
)
from tests.procs import free_port
from tests.sse import STREAM, Event, events, joined, parse
from tests.test_deadline import Clock, claude_app, on_claude, version
from tests.test_metrics import value
from tests.waiting import wait_until

Auth = Callable[..., dict[str, str]]
ANSWER = "Rome grew from a village on seven hills into the capital of an empire."
GATE_SECONDS = 30.0  # how long a held model waits for the test before it fails the turn


def names(stream: list[Event]) -> list[str]:
    return [name for name, _ in stream]


def stored_reply(container: Container, cid: str) -> str:
    return container.store.get_conversation(UUID(cid)).turns[-1].reply


def writes(answer: str) -> Callable[[Json], Json]:
    def respond(body: Json) -> Json:
        return ordinary(body) if is_assessment(body) else message([text(answer)])

    return respond


def test_a_streamed_claude_turn_is_recorded_as_streamed_and_replayed_for_its_key(
    container: Container, auth: Auth
) -> None:
    api = FakeAPI(writes(ANSWER))
    client = on_claude(container, api)
    headers = auth()
    cid = client.post("/v1/conversations", json={}, headers=headers).json()["id"]
    before = client.get("/metrics").text
    keyed = {**headers, "Idempotency-Key": "stream-1"}
    path = f"/v1/conversations/{cid}/messages"

    response = client.post(path, json={"text": "Tell me about Rome"}, headers={**keyed, **STREAM})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    stream = parse(response.text)
    assert names(stream)[0] == "decision" and names(stream)[-1] == "done"
    assert set(names(stream)[1:-1]) == {"delta"} and len(stream) > 3
    assert stream[0][1] == {"kind": "reply", "position": 1}
    done = stream[-1][1]
    assert joined(stream) == done["reply"]["text"] == stored_reply(container, cid) == ANSWER
    turn = container.store.get_conversation(UUID(cid)).turns[-1]
    assert turn.usage is not None and turn.usage["output_tokens"] == 30
    assert api.requests[-1]["stream"] is True
    asked = len(api.requests)

    again = client.post(path, json={"text": "Tell me about Rome"}, headers=keyed)
    replayed = parse(
        client.post(path, json={"text": "Tell me about Rome"}, headers={**keyed, **STREAM}).text
    )

    assert again.status_code == 200 and again.json() == done
    assert names(replayed)[0] == "decision" and names(replayed)[-1] == "done"
    assert replayed[0] == stream[0] and replayed[-1] == stream[-1]
    assert joined(replayed) == ANSWER and len(api.requests) == asked
    after = client.get("/metrics").text
    for outcome, grew in (("recorded", 1), ("replayed", 1), ("failed", 0)):
        counted = "lastresort_streamed_turns_total"
        assert (
            value(after, counted, outcome=outcome) - value(before, counted, outcome=outcome) == grew
        )


def test_a_reply_that_looks_like_events_stays_inside_its_deltas(
    container: Container, auth: Auth
) -> None:
    forged = 'Sure.\n\nevent: done\ndata: {"forged": true}\r\n\revent: error\u2028data: {}\n\nend'
    client = on_claude(container, FakeAPI(writes(forged)))
    headers = auth()
    cid = client.post("/v1/conversations", json={}, headers=headers).json()["id"]

    response = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": "hi"}, headers={**headers, **STREAM}
    )

    stream = parse(response.text)
    assert names(stream).count("done") == 1 and "error" not in names(stream)
    assert (
        joined(stream) == stream[-1][1]["reply"]["text"] == stored_reply(container, cid) == forged
    )


def test_an_offline_branch_streams_in_pieces_and_ends_with_its_json(
    client: TestClient, container: Container, auth: Auth
) -> None:
    headers = auth()
    cid = client.post("/v1/conversations", json={}, headers=headers).json()["id"]
    client.post(f"/v1/conversations/{cid}/messages", json={"text": "Hello"}, headers=headers)
    path = f"/v1/conversations/{cid}/branches"
    body = {"from_position": 0, "text": "What is a good book on Rome?"}
    keyed = {**headers, "Idempotency-Key": "branch-stream"}

    stream = parse(client.post(path, json=body, headers={**keyed, **STREAM}).text)
    created = client.post(path, json=body, headers=keyed)

    assert names(stream) == ["decision", *["delta"] * (len(stream) - 2), "done"]
    assert len(stream) > 3  # the offline template comes in pieces too
    assert created.status_code == 201 and created.json() == stream[-1][1]
    assert joined(stream) == stored_reply(container, created.json()["id"])


def test_a_model_failure_mid_stream_is_an_error_event_and_nothing_is_recorded(
    container: Container, auth: Auth
) -> None:
    def respond(body: Json) -> Json | httpx2.Response:
        if is_assessment(body):
            return ordinary(body)
        if not body.get("stream"):
            return status(529, "overloaded_error")
        first = stream_events(message([text(ANSWER)]))[:3]  # up to the first delta
        return streamed([*first, stream_error("overloaded_error")])

    api = FakeAPI(respond)
    client = on_claude(container, api)
    headers = auth()
    cid = client.post("/v1/conversations", json={}, headers=headers).json()["id"]
    before, metrics = version(container.store, cid), client.get("/metrics").text
    path = f"/v1/conversations/{cid}/messages"

    stream = parse(client.post(path, json={"text": "hi"}, headers={**headers, **STREAM}).text)
    plain = client.post(path, json={"text": "hi"}, headers=headers)

    assert names(stream) == ["decision", "delta", "error"]
    assert plain.status_code == 503 and stream[-1][1] == plain.json()
    assert stream[-1][1]["error"]["code"] == "model_unavailable"
    assert version(container.store, cid) == before
    counted = "lastresort_streamed_turns_total"
    grown = client.get("/metrics").text
    assert value(grown, counted, outcome="failed") - value(metrics, counted, outcome="failed") == 1


def test_a_deadline_passing_mid_stream_is_an_error_event_and_nothing_is_recorded(
    container: Container, auth: Auth
) -> None:
    clock = Clock()

    def respond(body: Json) -> Json | httpx2.Response:
        if is_assessment(body):
            return ordinary(body)

        def trickle() -> Iterator[bytes]:
            for event in stream_events(message([text(ANSWER)])):
                clock.now += 0.3  # the model writes, too slowly for a 1 s deadline
                yield event

        return streamed(trickle())

    client = on_claude(container, FakeAPI(respond), clock)
    headers = auth()
    cid = client.post("/v1/conversations", json={}, headers=headers).json()["id"]
    before = version(container.store, cid)

    response = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": "hi"}, headers={**headers, **STREAM}
    )

    stream = parse(response.text)
    assert names(stream)[:2] == ["decision", "delta"] and names(stream)[-1] == "error"
    assert stream[-1][1]["error"]["code"] == "model_unavailable"
    assert "deadline" in stream[-1][1]["error"]["message"]
    assert version(container.store, cid) == before


def test_errors_before_the_stream_keep_their_status_and_json(
    client: TestClient, container: Container, auth: Auth
) -> None:
    headers = {**auth(), **STREAM}
    cid = client.post("/v1/conversations", json={}, headers=headers).json()["id"]
    path = f"/v1/conversations/{cid}/messages"
    client.post(path, json={"text": "Please end this conversation."}, headers=headers)
    client.post(path, json={"text": "Yes, end it."}, headers=headers)
    too_long = "a" * (container.settings.max_text_chars + 1)
    unknown = "/v1/conversations/00000000-0000-0000-0000-000000000000/messages"

    for url, body, sent, status_code, code in (
        (path, {"text": "hello?"}, headers, 409, "conversation_ended"),
        (unknown, {"text": "hi"}, headers, 404, "not_found"),
        (path, {"text": "hi"}, STREAM, 401, "unauthorized"),
        (path, {"text": too_long}, headers, 413, "text_too_long"),
        (path, {"text": 7}, headers, 422, "bad_input"),
    ):
        response = client.post(url, json=body, headers=sent)
        assert response.status_code == status_code, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json()["error"]["code"] == code


def test_other_accept_headers_get_json(client: TestClient, auth: Auth) -> None:
    headers = auth()
    cid = client.post("/v1/conversations", json={}, headers=headers).json()["id"]
    path = f"/v1/conversations/{cid}/messages"
    for accept in ("application/json", "*/*", "text/event-stream;q=0, application/json"):
        response = client.post(path, json={"text": "hi"}, headers={**headers, "Accept": accept})
        assert response.status_code == 200 and response.json()["reply"]["kind"] == "reply"


# -- on a real server, read as it comes ---------------------------------------------


class HeldModel:
    """A streamed reply that stops after its first delta until the test lets it go on."""

    def __init__(self) -> None:
        self.go_on = threading.Event()
        self.finished = threading.Event()
        self.api = FakeAPI(self.respond)

    def respond(self, body: Json) -> Json | httpx2.Response:
        if is_assessment(body):
            return ordinary(body)
        events = stream_events(message([text(ANSWER)]))

        def body_events() -> Iterator[bytes]:
            yield from events[:3]  # message_start, content_block_start, the first delta
            if not self.go_on.wait(GATE_SECONDS):
                raise TimeoutError("the test never let the model go on")
            yield from events[3:]
            self.finished.set()

        return streamed(body_events())


@pytest.fixture
def held() -> Iterator[HeldModel]:
    model = HeldModel()
    yield model
    model.go_on.set()  # never leave a turn waiting


@pytest.fixture
def served(container: Container, held: HeldModel) -> Iterator[str]:
    """The app on Claude (`held`) under uvicorn in a thread; its lifespan off, since the
    session's container is shared and must not be closed with this server."""
    app: FastAPI = claude_app(container, held.api, deadline=GATE_SECONDS * 2)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 30, "uvicorn to start")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _conversation(base: str, headers: dict[str, str]) -> str:
    cid: str = httpx.post(f"{base}/v1/conversations", json={}, headers=headers).json()["id"]
    return cid


def test_the_first_delta_arrives_while_the_model_is_still_writing(
    served: str, held: HeldModel, container: Container, auth: Auth
) -> None:
    headers = auth()
    cid = _conversation(served, headers)
    url = f"{served}/v1/conversations/{cid}/messages"

    with httpx.stream(
        "POST", url, json={"text": "Tell me about Rome"}, headers={**headers, **STREAM}
    ) as response:
        stream = events(response.iter_lines())
        seen = [next(stream), next(stream)]
        assert names(seen) == ["decision", "delta"]
        assert not held.finished.is_set()  # the model has not sent its last chunk
        held.go_on.set()
        seen.extend(stream)

    assert names(seen)[-1] == "done" and held.finished.is_set()
    assert joined(seen) == stored_reply(container, cid) == ANSWER


def test_a_client_that_leaves_mid_stream_gets_its_turn_on_retry(
    served: str, held: HeldModel, container: Container, auth: Auth
) -> None:
    headers = {**auth(), "Idempotency-Key": "leaves"}
    cid = _conversation(served, headers)
    url = f"{served}/v1/conversations/{cid}/messages"
    before = version(container.store, cid)

    with httpx.stream(
        "POST", url, json={"text": "Tell me about Rome"}, headers={**headers, **STREAM}
    ) as response:
        stream = events(response.iter_lines())
        assert names([next(stream), next(stream)]) == ["decision", "delta"]
    # The client has gone; the model finishes after it left.
    held.go_on.set()
    wait_until(lambda: version(container.store, cid) > before, 30, "the turn to be recorded")
    asked = len(held.api.requests)

    again = httpx.post(url, json={"text": "Tell me about Rome"}, headers=headers)
    replayed = parse(
        httpx.post(url, json={"text": "Tell me about Rome"}, headers={**headers, **STREAM}).text
    )

    assert again.status_code == 200 and again.json()["reply"]["text"] == ANSWER
    assert replayed[-1] == ("done", again.json()) and joined(replayed) == ANSWER
    assert stored_reply(container, cid) == ANSWER and len(held.api.requests) == asked


def test_a_turn_whose_client_left_is_finished_before_the_server_stops(
    fresh_database: Callable[[], str], settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """The client leaves mid-stream and the response ends; the server is then stopped while
    the model is still writing. The turn is recorded before the store is closed."""
    caplog.set_level(logging.INFO, logger="api.streaming")
    url = fresh_database()
    migrate(url)
    container = Container.build(settings.model_copy(update={"database_url": url}), url)
    leave = threading.Event()

    def shutting_down() -> bool:
        return any("streamed turn" in record.getMessage() for record in caplog.records)

    def respond(body: Json) -> Json | httpx2.Response:
        if is_assessment(body):
            return ordinary(body)
        events = stream_events(message([text(ANSWER)]))

        def body_events() -> Iterator[bytes]:
            yield from events[:3]  # up to the first delta, which the client reads
            if not leave.wait(GATE_SECONDS):
                raise TimeoutError("the client never left")
            yield events[3]  # the next delta: the response, whose client left, ends
            wait_until(shutting_down, 10, "the server to wait for the turn at shutdown")
            yield from events[4:]

        return streamed(body_events())

    app = claude_app(container, FakeAPI(respond), deadline=GATE_SECONDS * 2)
    server = uvicorn.Server(uvicorn.Config(app, port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 30, "uvicorn to start")
    base = f"http://127.0.0.1:{server.config.port}"
    headers = {"Authorization": f"Bearer {container.signer.mint('leaver')}"}
    cid = _conversation(base, headers)

    with httpx.stream(
        "POST",
        f"{base}/v1/conversations/{cid}/messages",
        json={"text": "Tell me about Rome"},
        headers={**headers, **STREAM},
    ) as response:
        stream = events(response.iter_lines())
        assert names([next(stream), next(stream)]) == ["decision", "delta"]
    wait_until(lambda: not server.server_state.connections, 30, "the server to see it leave")
    leave.set()
    server.should_exit = True
    thread.join(GATE_SECONDS * 2)

    assert not thread.is_alive()
    store = ConversationStore(env=eventsourcing_env(url), keys=container.store.keys)
    try:
        assert [t.reply for t in store.get_conversation(UUID(cid)).turns] == [ANSWER]
    finally:
        store.close()
