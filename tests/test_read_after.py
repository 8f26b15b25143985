"""Read-your-writes over GraphQL: waits hold no thread, so no caller slows another;
`X-Read-After` is capped to the last recorded write, and a malformed one is refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from api.graphql import context
from bootstrap.container import Container, web_app
from domain.access import Principal, Role
from projections.runner import ReadModelRunner
from tests.api_calls import Auth
from tests.procs import started
from tests.waiting import wait_until_async

MODEL = "claude-sonnet-4"
LARGEST = str(2**63 - 1)
CONVERSATIONS = "{ conversations(first: 50) { edges { node { id } } } }"
REVIEWER = Principal("auditor", Role.REVIEWER)
FAILSAFE_SECONDS = 20.0  # ends a hung scenario; nothing is measured against it
LONGER_THAN_FAILSAFE = 30.0  # a wait this long could only end by the projections catching up


@asynccontextmanager
async def serve(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """The app in this event loop, so concurrent requests share one loop and its threads."""
    transport = httpx.ASGITransport(app=web_app(container))
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://lastresort") as http,
        asyncio.timeout(FAILSAFE_SECONDS),
    ):
        yield http


async def post(
    http: httpx.AsyncClient,
    container: Container,
    who: Principal,
    query: str,
    after: str | None = None,
) -> Any:
    headers = {"Authorization": f"Bearer {container.signer.mint(who.name, who.role)}"}
    if after is not None:
        headers["X-Read-After"] = after
    response = await http.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def listed(data: Any) -> set[str]:
    return {edge["node"]["id"] for edge in data["conversations"]["edges"]}


def projected(container: Container) -> None:
    head = container.store.recorder.max_notification_id()
    assert container.read_side.watcher.wait(head, 10)


def test_pending_waits_hold_no_thread_and_never_delay_another_users_read(
    fresh: Container,
    runners: Callable[..., list[ReadModelRunner]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(context, "WAIT_SECONDS", LONGER_THAN_FAILSAFE)
    other, writer = Principal("other"), Principal("writer")
    first = started(runners())
    theirs = str(fresh.service.start(other, MODEL).id)
    projected(fresh)
    for runner in first:
        runner.stop()
    mine = str(fresh.service.start(writer, MODEL).id)  # recorded, not projected
    head = str(fresh.store.recorder.max_notification_id())
    watcher = fresh.read_side.watcher

    async def scenario() -> tuple[Any, list[Any]]:
        async with serve(fresh) as http:
            # More waits than the default executor ever has threads (at most 32).
            waits = [
                asyncio.create_task(post(http, fresh, REVIEWER, CONVERSATIONS, after))
                for after in [LARGEST] * 20 + [head] * 20
            ]
            await wait_until_async(lambda: watcher.pending == len(waits), 10, "every read to wait")
            stats = await post(http, fresh, other, "{ stats { conversations } }")
            assert watcher.pending == len(waits)
            assert not any(wait.done() for wait in waits)
            started(runners())
            return stats, await asyncio.gather(*waits)

    stats, answers = asyncio.run(scenario())
    assert stats == {"stats": {"conversations": 1}}
    assert all(listed(answer) == {theirs, mine} for answer in answers)
    assert watcher.pending == 0


def test_read_after_beyond_the_last_write_waits_only_for_the_last_write(
    fresh: Container,
    runners: Callable[..., list[ReadModelRunner]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(context, "WAIT_SECONDS", LONGER_THAN_FAILSAFE)
    started(runners())
    mine = str(fresh.service.start(Principal("writer"), MODEL).id)
    projected(fresh)

    async def scenario() -> Any:
        async with serve(fresh) as http:
            return await post(http, fresh, REVIEWER, CONVERSATIONS, LARGEST)

    assert listed(asyncio.run(scenario())) == {mine}


def read_after(client: TestClient, auth: Auth, value: bytes) -> httpx.Response:
    """Send `value` byte for byte, as a server hands it on (the test client re-encodes it)."""

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=client.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://lastresort") as http:
            headers = {**auth(), "X-Read-After": value}
            query = {"query": "{ stats { conversations } }"}
            return await http.post("/graphql", json=query, headers=headers)

    return asyncio.run(send())


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (b"", True),
        (b"0", True),
        (b"12", True),
        (b" 12\t", True),  # optional whitespace around a header value is not part of it
        (LARGEST.encode(), True),  # beyond the last write: capped to it
        (b"9223372036854775808", False),  # beyond a Postgres bigint
        (b"99999999999999999999999", False),
        (b"-1", False),
        (b"+1", False),
        (b"1e3", False),
        (b"0x10", False),
        (b"1_000", False),
        (b"1 2", False),
        (b"1,2", False),  # two headers folded into one
        ("١٢٣".encode(), False),  # Arabic-Indic digits
        (b"\xb2", False),  # '²' in Latin-1: passes str.isdigit(), which int() refuses
    ],
)
def test_read_after_is_ascii_digits_of_a_bigint(
    client: TestClient, auth: Auth, value: bytes, accepted: bool
) -> None:
    response = read_after(client, auth, value)
    if accepted:
        assert response.status_code == 200, response.text
        assert "errors" not in response.json()
    else:
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "bad_input" and "X-Read-After" in error["message"]


HEADER_BYTES = st.binary(max_size=30).filter(
    lambda raw: all(byte == 9 or 32 <= byte != 127 for byte in raw)
)
DIGITS = st.text(st.characters(categories=["Nd", "No"]), max_size=25).map(str.encode)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.one_of(HEADER_BYTES, DIGITS, st.integers(-(2**70), 2**70).map(b"%d".__mod__)))
@example(value=b"\xb2")
def test_no_read_after_value_is_a_server_error(
    client: TestClient, auth: Auth, value: bytes
) -> None:
    response = read_after(client, auth, value)
    assert response.status_code in (200, 422), response.text
