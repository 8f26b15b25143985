"""Faults: processes killed mid-work and Postgres restarted under load lose and invent nothing."""

from __future__ import annotations

import contextlib
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

from bootstrap.container import Container
from bootstrap.database import data_keys
from bootstrap.settings import Settings
from domain.access import Principal
from eventstore.database import eventsourcing_env
from eventstore.migrate import migrate
from eventstore.store import EVENTS_TABLE, ConversationStore
from tests import procs
from tests.postgres import embedded_postgres
from tests.waiting import wait_until
from tools.verify import verify

pytestmark = pytest.mark.slow


def _waiting_on_lock(url: str, table: str, timeout: float = 10) -> None:
    """Until some backend waits for a lock on `table` (the work we stalled is mid-flight)."""
    with psycopg.connect(url, autocommit=True) as conn:

        def waiting() -> bool:
            row = conn.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                (table,),
            ).fetchone()
            return bool(row and row[0])

        wait_until(waiting, timeout, f"a backend waiting on a lock on {table}")


def _texts(url: str, home: Path) -> dict[uuid.UUID, list[str]]:
    """Every conversation's user messages, read back through the event store with the keys
    of the server whose home is `home`."""
    store = ConversationStore(env=eventsourcing_env(url), keys=data_keys(Settings(home=home), url))
    try:
        with psycopg.connect(url) as conn:
            ids = [r[0] for r in conn.execute(f"SELECT DISTINCT originator_id FROM {EVENTS_TABLE}")]
        return {cid: [t.text for t in store.get_conversation(cid).turns] for cid in ids}
    finally:
        store.close()


def _assert_clean(url: str) -> None:
    report = verify(url)
    assert report.clean, [p.describe() for p in report.problems]


def test_projection_killed_mid_batch_then_restarted_equals_a_rebuild(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    migrate(url)
    container = Container.build(
        Settings(database_url=url, secret="s" * 40, home=tmp_path), url, run_projections=False
    )
    service, alice = container.service, Principal("fault-alice")
    ids = [service.start(alice, "claude-opus-4-1").id for _ in range(10)]

    def write(turns: int) -> None:
        for i in range(turns):
            service.send_message(alice, ids[i % len(ids)], f"question {uuid.uuid4()}")

    projector = procs.project(url, tmp_path)
    try:
        write(60)
        procs.wait_projected(url)
        with psycopg.connect(url) as blocker:
            blocker.execute("LOCK TABLE rm_messages IN ACCESS EXCLUSIVE MODE")
            write(60)
            _waiting_on_lock(url, "rm_messages")
            projector.kill9()  # the conversations runner is inside its batch transaction
        assert procs.positions(url)["conversations"] < procs.head(url)
        projector = procs.project(url, tmp_path)
        write(20)
        procs.wait_projected(url)
        recovered = procs.read_models(url, container.read_side.keys)
        _assert_clean(url)
    finally:
        projector.stop()
        container.close()
    rebuilder = procs.project(url, tmp_path, "--rebuild", "conversations", "--rebuild", "audit")
    with procs.running(rebuilder):
        for name in ("conversations", "audit"):  # emptied under the lock, then replayed
            wait_until(
                lambda name=name: f"projection {name} reset" in rebuilder.output(),
                30,
                f"the {name} read model to be reset",
            )
        procs.wait_projected(url)
        assert procs.read_models(url, container.read_side.keys) == recovered
    assert sum(len(rows) for rows in recovered.values()) > 500


@dataclass
class Load:
    """Clients sending messages until stopped, each outcome recorded."""

    base: list[str]
    conversations: list[str]
    acknowledged: dict[str, str] = field(default_factory=dict)  # text -> conversation
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, cid: str, owner: str) -> None:
        headers = procs.headers(owner)
        with httpx.Client(timeout=40) as http:
            for _ in range(10_000):
                if self.stop.is_set():
                    return
                text = f"tell me about tulips {uuid.uuid4()}"
                try:
                    r = http.post(
                        f"{self.base[0]}/v1/conversations/{cid}/messages",
                        json={"text": text},
                        headers=headers,
                    )
                    outcome = (
                        str(r.status_code)
                        if r.status_code != 503
                        else (f"503 {r.json()['error']['code']}")
                    )
                except httpx.TransportError as error:
                    outcome = f"transport {type(error).__name__}"
                    time.sleep(0.05)
                with self.lock:
                    if outcome == "200":
                        self.acknowledged[text] = cid
                    else:
                        self.errors[outcome] = self.errors.get(outcome, 0) + 1

    def start(self, owner: str) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self.run, args=(cid, owner)) for cid in self.conversations
        ]
        for thread in threads:
            thread.start()
        return threads

    def count(self) -> int:
        with self.lock:
            return len(self.acknowledged)


def _start_conversations(base: str, owner: str, count: int) -> list[str]:
    return [
        httpx.post(f"{base}/v1/conversations", json={}, headers=procs.headers(owner)).json()["id"]
        for _ in range(count)
    ]


def _assert_acknowledged_present(url: str, home: Path, load: Load) -> None:
    stored = {text for texts in _texts(url, home).values() for text in texts}
    missing = set(load.acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged messages missing"


def test_postgres_restarted_under_load(tmp_path: Path) -> None:
    from pgserver._commands import pg_ctl

    with embedded_postgres() as server:
        try:
            url = server.get_uri()
            api, base = procs.serve(url, tmp_path, projections=True)
            load = Load([base], _start_conversations(base, "pg-alice", 4))
            threads = load.start("pg-alice")
            try:
                before = wait_until(load.count, 30, "the first acknowledged message")
                restart = ["-w", "-m", "fast", "restart"]
                pg_ctl(restart, pgdata=server.pgdata, user=server.system_user)
                restarted = load.count()
                wait_until(lambda: load.count() >= restarted + 20, 20, "20 after the restart")
            finally:
                load.stop.set()
                for thread in threads:
                    thread.join(60)
                api.stop()
            print(
                f"\nacknowledged {before} before the restart, {load.count()} in all; "
                f"errors {load.errors}"
            )
            assert before > 0 and load.count() >= restarted + 20, "the service did not recover"
            assert set(load.errors) <= {"503 unavailable", "503 busy"}, load.errors
            _assert_acknowledged_present(url, tmp_path, load)
            _assert_clean(url)
        finally:
            # The restart gave the server a new postmaster that pgserver's cleanup would miss.
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def test_api_worker_killed_mid_request_leaves_no_partial_turn(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    api, base = procs.serve(url, tmp_path, projections=True)
    cid = _start_conversations(base, "kill-alice", 1)[0]
    stalled = "this one is in flight when the worker dies"
    try:
        # Deterministic: the turn is inside its transaction, waiting on the event table.
        with psycopg.connect(url) as blocker:
            blocker.execute(f"LOCK TABLE {EVENTS_TABLE} IN EXCLUSIVE MODE")
            sender = threading.Thread(target=lambda: _post_quietly(base, cid, stalled))
            sender.start()
            _waiting_on_lock(url, EVENTS_TABLE)
            api.kill9()
        sender.join(10)
        # Random: kill -9 at arbitrary moments while four clients send.
        api, base = procs.serve(url, tmp_path, projections=True)
        load = Load([base], _start_conversations(base, "kill-alice", 4))
        threads = load.start("kill-alice")
        kills = 0
        try:
            for _ in range(3):
                _acknowledges_more(load)
                api.kill9()
                kills += 1
                api, load.base[0] = procs.serve(url, tmp_path, projections=True)
            _acknowledges_more(load)  # the last worker serves too
        finally:
            load.stop.set()
            for thread in threads:
                thread.join(30)
        procs.wait_projected(url)
    finally:
        api.stop()
    print(f"\n{kills + 1} workers killed; acknowledged {load.count()}; errors {load.errors}")
    assert load.count() > 0
    # The stalled turn was either rolled back or committed whole (its transaction may already
    # have reached Postgres); never twice, never half: verify checks every message has a reply.
    stored = [t for texts in _texts(url, tmp_path).values() for t in texts]
    assert stored.count(stalled) <= 1
    _assert_acknowledged_present(url, tmp_path, load)
    _assert_clean(url)  # includes: every MessageSent has its reply


def _acknowledges_more(load: Load) -> None:
    """Until the clients got a few more answers: a random number, so a kill lands anywhere."""
    target = load.count() + random.randint(1, 8)
    wait_until(lambda: load.count() >= target, 30, f"{target} acknowledged messages")


def _post_quietly(base: str, cid: str, text: str) -> None:
    # The worker dies with the request: a transport error is exactly the fault under test.
    with contextlib.suppress(httpx.TransportError):
        httpx.post(
            f"{base}/v1/conversations/{cid}/messages",
            json={"text": text},
            headers=procs.headers("kill-alice"),
            timeout=20,
        )
