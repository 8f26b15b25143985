"""The tiers stay honest: a process started through a helper makes a test a system test, and
a unit test that reaches for Postgres, directly or through the event store, is refused."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest

from eventstore.database import eventsourcing_env
from eventstore.store import ConversationStore
from tests.tiers import ReachedPostgres, _runs_processes, _with_helpers, off_postgres

NOWHERE = "postgresql://postgres@127.0.0.1:5432/test"


def _starts_python() -> None:
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def _calls_the_helper() -> None:
    _starts_python()


def _starts_nothing() -> None:
    assert NOWHERE


def _starts_a_postgres(pgdata: Path) -> None:
    from pgserver._commands import pg_ctl

    pg_ctl(["-w", "start"], pgdata=pgdata)


# Reached only through this table, so the tests below do not name the helpers themselves.
SAMPLES = {"helper": _calls_the_helper, "plain": _starts_nothing, "postgres": _starts_a_postgres}


def test_a_process_started_through_a_helper_counts() -> None:
    assert any(_runs_processes(f) for f in _with_helpers(SAMPLES["helper"]))
    assert not any(_runs_processes(f) for f in _with_helpers(SAMPLES["plain"]))


def test_a_postgres_started_with_pg_ctl_counts() -> None:
    assert _runs_processes(SAMPLES["postgres"])


def test_a_direct_connection_is_refused_and_listed(request: pytest.FixtureRequest) -> None:
    with off_postgres(request.node) as attempts:
        with pytest.raises(ReachedPostgres):
            psycopg.connect(NOWHERE)
        with pytest.raises(ReachedPostgres):
            psycopg.Connection.connect(NOWHERE)
    assert attempts == [request.node.nodeid] * 2


def test_the_event_store_on_postgres_is_refused_at_once(request: pytest.FixtureRequest) -> None:
    with off_postgres(request.node) as attempts, pytest.raises(ReachedPostgres):
        ConversationStore(env=eventsourcing_env(NOWHERE)).get_conversation(uuid4())
    assert attempts


def test_threads_that_were_running_before_the_test_keep_their_connections(
    request: pytest.FixtureRequest,
) -> None:
    """A session's read models, started by an earlier integration test, are not the unit
    test's doing: refusing them would break them and blame the unit test."""
    asked, answered = threading.Event(), queue.Queue[object]()

    def read_model() -> None:
        asked.wait(5)
        try:
            answered.put(psycopg.connect(NOWHERE))
        except ReachedPostgres as refused:
            answered.put(refused)

    running = threading.Thread(target=read_model)
    running.start()
    # Undone before the test ends, so the tier's own guard is put back as it was.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(psycopg, "connect", lambda url: f"connected to {url}")
        with off_postgres(request.node) as attempts:
            asked.set()
            assert answered.get(timeout=5) == f"connected to {NOWHERE}"
            with pytest.raises(ReachedPostgres):
                psycopg.connect(NOWHERE)
    running.join()
    assert attempts == [request.node.nodeid]
