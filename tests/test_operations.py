"""Operational basics: readiness, request ids in JSON logs, graceful shutdown, the secret."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from api.operations import JsonFormatter, readiness
from bootstrap.container import Container
from bootstrap.settings import Settings
from domain.access import Principal, Role
from eventstore.migrate import migrate
from eventstore.store import EVENTS_TABLE
from projections.readside import VIEW_NAMES
from tests import procs
from tests.api_calls import Auth
from tests.test_faults import _texts, _waiting_on_lock
from tests.waiting import wait_until


def test_readyz_reports_database_and_lag_to_reviewers(client: TestClient, auth: Auth) -> None:
    r = client.get("/readyz", headers=auth("ops", Role.REVIEWER))
    body = r.json()
    assert r.status_code == 200 and body["status"] == "ready" and body["database"] == "ok"
    assert set(body["projections"]) == set(VIEW_NAMES)
    assert all(p["lag"] >= 0 for p in body["projections"].values())
    assert body["quarantine"] == {"count": 0, "recent": []}
    anonymous = client.get("/readyz")
    assert (anonymous.status_code, anonymous.json()) == (200, {"status": "ready"})


def test_readiness_fails_when_lagging_or_unreachable(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    migrate(url)
    settings = Settings(database_url=url, secret="s" * 40, home=tmp_path)
    container = Container.build(settings, url, run_projections=False)
    container.read_side.start()
    try:
        cid = container.service.start(Principal("ready-alice"), "claude-opus-4-1").id
        container.service.send_message(Principal("ready-alice"), cid, "hello")
        report = readiness(container.read_side.pool, max_lag=0)
        assert not report.serving and report.status == "lagging"
        assert report.projections and report.projections["audit"].lag == report.head == 3
        assert report.lag_seconds is not None and report.lag_seconds >= 0
        assert readiness(container.read_side.pool, max_lag=10).serving
    finally:
        container.close()
    down: ConnectionPool[psycopg.Connection[dict[str, object]]] = ConnectionPool(
        f"postgresql://postgres@127.0.0.1:{procs.free_port()}/x",
        min_size=0,
        max_size=1,
        open=True,
        kwargs={"row_factory": dict_row},
    )
    try:
        report = readiness(down, max_lag=10)  # type: ignore[arg-type]
        assert not report.serving and report.database == "unavailable"
        assert report.error == "PoolTimeout"  # the class only, never the server's text
    finally:
        down.close()


def test_request_ids_are_echoed_and_logged_as_json(client: TestClient, auth: Auth) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("lastresort.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        headers = auth()
        cid = client.post("/v1/conversations", json={}, headers=headers).json()["id"]
        r = client.post(
            f"/v1/conversations/{cid}/messages",
            json={"text": "hello"},
            headers={**headers, "X-Request-ID": "trace-42"},
        )
        assert r.headers["x-request-id"] == "trace-42"
        odd = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
        assert odd.headers["x-request-id"] != "bad id\twith spaces"
    finally:
        access.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    turn = next(line for line in lines if line.get("request_id") == "trace-42")
    assert turn["conversation_id"] == cid and turn["status"] == 200
    assert turn["method"] == "POST" and turn["duration_ms"] >= 0


@pytest.mark.parametrize("secret", [None, "too-short"])
def test_production_requires_a_real_secret(tmp_path: Path, secret: str | None) -> None:
    env = procs.env_for("postgresql://postgres@127.0.0.1:1/none", tmp_path)
    env.pop("LASTRESORT_SECRET")
    env["LASTRESORT_ENV"] = "production"
    if secret:
        env["LASTRESORT_SECRET"] = secret
    for command in (["serve", "--port", str(procs.free_port())], ["token", "--user", "x"]):
        done = subprocess.run(
            [*procs.LASTRESORT, *command], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2, done.stderr
        assert "LASTRESORT_SECRET" in done.stderr
    assert not (tmp_path / "secret").exists()


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_finishes_the_turn_in_flight(
    fresh_database: Callable[[], str], tmp_path: Path, workers: int
) -> None:
    url = fresh_database()
    api, base = procs.serve(url, tmp_path, projections=True, workers=workers)
    headers = procs.headers("shutdown-alice")
    cid = httpx.post(f"{base}/v1/conversations", json={}, headers=headers).json()["id"]
    answers: list[httpx.Response] = []
    text = "an in-flight turn during shutdown"
    with psycopg.connect(url) as blocker:
        blocker.execute(f"LOCK TABLE {EVENTS_TABLE} IN EXCLUSIVE MODE")  # the turn stalls
        sender = threading.Thread(
            target=lambda: answers.append(
                httpx.post(
                    f"{base}/v1/conversations/{cid}/messages",
                    json={"text": text},
                    headers=headers,
                    timeout=30,
                )
            )
        )
        sender.start()
        _waiting_on_lock(url, EVENTS_TABLE)
        api.popen.terminate()
        wait_until(
            lambda: "Waiting for connections to close" in api.output(),
            10,
            "the worker to begin its graceful shutdown",
        )
        assert api.popen.poll() is None, "the worker quit with a turn in flight"
    sender.join(30)
    code = api.stop()
    assert code in (0, -15), api.output()
    assert "Application shutdown complete" in api.output()
    assert answers and answers[0].status_code == 200, answers
    assert text in _texts(url, tmp_path)[uuid.UUID(cid)]
