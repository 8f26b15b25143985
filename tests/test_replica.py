"""`DATABASE_READ_URL` on a real streaming replica: GraphQL, the audit pages and the exports
read the replica, every write goes to the primary, and read-your-writes waits for the
replica to replay the caller's write (bounded by `WAIT_SECONDS`, as on one database).

The pair is started once for the session (`tests/postgres.py`); pausing the replica's
replay (`pg_wal_replay_pause()`) holds a write back from it while the primary has it."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from psycopg.rows import dict_row

from bootstrap.container import Container, web_app
from bootstrap.settings import Settings
from domain.access import Role
from eventstore.migrate import migrate
from projections.consistency import WAIT_SECONDS
from projections.progress import progress
from projections.queries import Query
from tests.api_calls import data
from tests.postgres import replicated_postgres
from tests.waiting import wait_until

MESSAGES = "query($id: ID!) { conversation(id: $id) { messages { text } } }"
CATCH_UP_SECONDS = 30.0  # a failsafe for the replica's replay; nothing is measured against it


@dataclass
class Replicated:
    primary: str
    replica: str
    container: Container
    client: TestClient

    def headers(self, user: str, role: Role = Role.USER) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.container.signer.mint(user, role)}"}


@pytest.fixture(scope="session")
def replication() -> Iterator[tuple[str, str]]:
    """A primary and its streaming replica, for the session; both removed at its end."""
    with replicated_postgres() as urls:
        yield urls


@pytest.fixture(scope="module")
def replicated(
    replication: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Replicated]:
    """The app with `DATABASE_URL` on the migrated primary and `DATABASE_READ_URL` on the
    replica, once the replica has replayed the migrations."""
    primary, replica = replication
    migrate(primary)
    replayed(primary, replica)
    settings = Settings(
        database_url=primary,
        database_read_url=replica,
        secret="replica-secret-" + "x" * 32,
        home=tmp_path_factory.mktemp("home"),
    )
    container = Container.build(settings, primary)
    with TestClient(web_app(container)) as client:
        yield Replicated(primary, replica, container, client)


def replayed(primary: str, replica: str) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    with psycopg.connect(primary) as conn:
        written = one(conn, "SELECT pg_current_wal_lsn()")
    with psycopg.connect(replica, autocommit=True) as conn:
        wait_until(
            lambda: one(conn, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", written),
            CATCH_UP_SECONDS,
            "the replica to replay the primary's writes",
        )


def one(conn: psycopg.Connection[Any], query: str, *args: Any) -> Any:
    row = conn.execute(query, args or None).fetchone()
    assert row is not None
    return row[0]


@contextmanager
def replay_paused(replica: str) -> Iterator[None]:
    """The replica stands still (it still answers reads) until the block ends."""
    with psycopg.connect(replica, autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
        try:
            wait_until(
                lambda: one(conn, "SELECT pg_get_wal_replay_pause_state()") == "paused",
                CATCH_UP_SECONDS,
                "the replica's replay to pause",
            )
            yield
        finally:
            conn.execute("SELECT pg_wal_replay_resume()")


def projected_on(primary: str) -> None:
    """Wait until every read model on the primary holds every recorded event."""
    with psycopg.connect(primary, autocommit=True, row_factory=dict_row) as conn:
        wait_until(
            lambda: all(p.lag == 0 for p in progress(conn).read_models.values()),
            CATCH_UP_SECONDS,
            "the projections on the primary",
        )


def conversation(app: Replicated, headers: dict[str, str], text: str) -> str:
    """A new conversation with one message `text`, written through REST."""
    started = app.client.post("/v1/conversations", json={}, headers=headers)
    assert started.status_code == 201, started.text
    cid: str = started.json()["id"]
    send(app, headers, cid, text)
    return cid


def send(app: Replicated, headers: dict[str, str], cid: str, text: str) -> None:
    sent = app.client.post(
        f"/v1/conversations/{cid}/messages", json={"text": text}, headers=headers
    )
    assert sent.status_code == 200, sent.text


def texts(app: Replicated, headers: dict[str, str], cid: str) -> list[str]:
    found = data(app.client, headers, MESSAGES, id=cid)["conversation"]
    return [m["text"] for m in found["messages"]] if found else []


def in_recovery() -> Query[bool]:
    """A read-model query that asks the server it runs on whether it is a replica."""
    rows = yield sql.SQL("SELECT pg_is_in_recovery() AS yes"), {}
    return bool(rows[0]["yes"])


def test_reads_are_served_by_the_replica_and_see_the_writes_just_made(
    replicated: Replicated,
) -> None:
    app, user = replicated, f"alice-{uuid.uuid4().hex[:6]}"
    alice, rita = app.headers(user), app.headers(f"rita-{uuid.uuid4().hex[:6]}", Role.REVIEWER)
    text = f"where can I swim near the harbour {uuid.uuid4().hex[:6]}"
    cid = conversation(app, alice, text)

    assert text in texts(app, alice, cid)  # read-your-writes, from the replica
    page = app.client.get(f"/audit/{cid}", headers=rita)
    exported = app.client.get(f"/audit/{cid}.json", headers=rita)
    assert page.status_code == exported.status_code == 200
    assert text in page.text and text in exported.text
    assert app.client.get("/audit/stats", headers=rita).status_code == 200

    assert app.container.read_side.read(in_recovery), "the read side's pool is not on the replica"
    ready = app.client.get("/readyz", headers=rita).json()
    assert ready["status"] == "ready" and ready["replica_lag_seconds"] >= 0
    assert "lastresort_replica_lag_seconds" in app.client.get("/metrics").text
    with psycopg.connect(app.primary) as conn:  # the page views were written on the primary
        assert not one(conn, "SELECT pg_is_in_recovery()")
        assert one(conn, "SELECT count(*) FROM audit_page_views WHERE conversation_id = %s", cid)


def test_a_read_waits_for_the_replica_to_replay_the_write_then_sees_it(
    replicated: Replicated,
) -> None:
    app, alice = replicated, replicated.headers(f"alice-{uuid.uuid4().hex[:6]}")
    cid = conversation(app, alice, "a first message about tide tables")
    assert texts(app, alice, cid)
    late = f"and one more about the ferry {uuid.uuid4().hex[:6]}"
    read: list[list[str]] = []
    with replay_paused(app.replica):
        send(app, alice, cid, late)  # acknowledged: the primary took it
        projected_on(app.primary)  # ... and projected it; only the replica lacks it
        reviewer = app.headers("ops", Role.REVIEWER)
        assert app.client.get("/readyz", headers=reviewer).json()["replica_lag_seconds"] > 0
        reader = threading.Thread(target=lambda: read.append(texts(app, alice, cid)))
        reader.start()
        wait_until(lambda: app.container.read_side.watcher.pending, 5, "the read to wait")
        assert reader.is_alive() and not read, "the read did not wait for the replica"
    reader.join(CATCH_UP_SECONDS)
    assert read and late in read[0], "the read answered without the write"


def test_a_read_is_served_stale_once_the_bound_passes(replicated: Replicated) -> None:
    """As documented: past WAIT_SECONDS the read answers anyway, without the write."""
    app, alice = replicated, replicated.headers(f"alice-{uuid.uuid4().hex[:6]}")
    cid = conversation(app, alice, "a first message about lighthouses")
    assert texts(app, alice, cid)
    late = f"and one about the keeper {uuid.uuid4().hex[:6]}"
    with replay_paused(app.replica):
        send(app, alice, cid, late)
        began = time.monotonic()
        stale = texts(app, alice, cid)
        waited = time.monotonic() - began
    assert late not in stale and waited >= WAIT_SECONDS
    assert late in texts(app, alice, cid)  # replay resumed: the next read has it
