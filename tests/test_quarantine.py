"""No event can stop a read model: events it cannot apply are quarantined, the rest go on.

Poison is written straight into the event store, as a buggy writer (or data stored before
a validation fix) would leave it: a state that is not JSON, an unknown topic, a topic that
names no event class, and a `Started` whose model holds a NUL byte, which decodes but which
Postgres refuses to store."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families
from psycopg.rows import dict_row

from bootstrap.container import Container, web_app
from bootstrap.settings import Settings
from cli.main import main
from domain.access import Principal, Role
from domain.events import Started
from eventstore.migrate import migrate
from eventstore.store import EVENTS_TABLE
from eventstore.transcoder import fields_for
from projections.base import ReadModel
from projections.readside import VIEW_NAMES, VIEWS, make_runners, view_datastore
from projections.runner import ReadModelRunner, read_batch
from tests.procs import head, read_models
from tests.test_projections import history, processed

MARKER = "POISON-7f3a"
"""In every poison event's contents: it must never be shown by /readyz nor stored as an error."""
WAIT = 15.0


KINDS = {
    "not_json": "JSONDecodeError",
    "unknown_topic": "TopicError",
    "not_an_event": "TypeError",
    "nul_model": "CharacterNotInRepertoire",  # the server's DataError: rows go in binary
}
"""Each poison event, by what is wrong with it, and the error that sets it aside."""
Poison = dict[str, tuple[int, uuid.UUID]]
"""The poison events' notification ids and originators, by what is wrong with them."""


def poison(container: Container) -> Poison:
    """Write the bad events, one transaction each, as the library's recorder would."""
    mapper, recorder = container.store.mapper, container.store.recorder
    nul = Started(
        originator_id=uuid.uuid4(),
        originator_version=1,
        timestamp=datetime.now(UTC),
        owner=f"{MARKER}-owner",
        model=f"x\u0000{MARKER}",
    )
    stored = {
        "not_json": StoredEvent(uuid.uuid4(), 1, "domain.events:Started", f"{MARKER} {{".encode()),
        "unknown_topic": StoredEvent(
            uuid.uuid4(), 1, f"domain.events:{MARKER}", f'{{"x": "{MARKER}"}}'.encode()
        ),
        "not_an_event": StoredEvent(
            uuid.uuid4(), 1, "builtins:dict", f'{{"x": "{MARKER}"}}'.encode()
        ),
        "nul_model": mapper.to_stored_event(nul),
    }
    return {
        name: (recorder.insert_events([event])[0], event.originator_id)  # type: ignore[index]
        for name, event in stored.items()
    }


def quarantined(url: str) -> set[tuple[str, int, uuid.UUID, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT read_model, notification_id, originator_id, error_type, error "
            "FROM rm_quarantine"
        ).fetchall()
    assert all(MARKER not in error and "\x00" not in error for *_, error in rows), rows
    return {(name, nid, oid, kind) for name, nid, oid, kind, _ in rows}


def meets(view: type[ReadModel], what: str) -> bool:
    """Whether a read model meets the poison `what`: every one resolves a topic, but only one
    that reads `Started` parses (and stores) the bad `Started` events."""
    return what in ("unknown_topic", "not_an_event") or fields_for(view.reads, Started) is not None


MET = {view.name: [what for what in KINDS if meets(view, what)] for view in VIEWS}
"""The poison each read model sets aside, by read model."""


def expected_quarantine(bad: Poison) -> set[tuple[str, int, uuid.UUID, str]]:
    return {(name, *bad[what], KINDS[what]) for name, kinds in MET.items() for what in kinds}


@dataclass(frozen=True)
class Served:
    url: str
    container: Container
    client: TestClient
    bad: Poison
    later: dict[str, str]
    """Conversations started after the poison: id → owner."""


@pytest.fixture(scope="module")
def served(
    fresh_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """An API with its projections in-process; conversations before and after the poison."""
    url = fresh_database()
    migrate(url)
    settings = Settings(database_url=url, secret="q" * 40, home=tmp_path_factory.mktemp("q"))
    container = Container.build(settings, url)
    with TestClient(web_app(container)) as client:
        start(client, container, "early-user")
        bad = poison(container)
        later = {start(client, container, user): user for user in ("bob", "carol")}
        yield Served(url, container, client, bad, later)
    container.close()


def bearer(container: Container, user: str, role: Role = Role.USER) -> dict[str, str]:
    return {"Authorization": f"Bearer {container.signer.mint(user, role)}"}


def start(client: TestClient, container: Container, user: str) -> str:
    headers = bearer(container, user)
    response = client.post("/v1/conversations", json={}, headers=headers)
    assert response.status_code == 201, response.text
    cid: str = response.json()["id"]
    sent = client.post(f"/v1/conversations/{cid}/messages", json={"text": "hi"}, headers=headers)
    assert sent.status_code == 200, sent.text
    return cid


def projected(served: Served) -> None:
    """Every read model reaches the store's head (bounded: it never did before quarantine)."""
    assert served.container.read_side.watcher.wait(head(served.url), WAIT), "projections stuck"


def test_conversations_after_a_poison_event_reach_graphql_and_the_audit(served: Served) -> None:
    projected(served)
    query = (
        "query($id: ID!) { conversation(id: $id) { id model } "
        "audit(conversationId: $id) { conversationId owner } }"
    )
    for cid, user in served.later.items():
        response = served.client.post(
            "/graphql",
            json={"query": query, "variables": {"id": cid}},
            headers=bearer(served.container, user),
        )
        body = response.json()
        assert "errors" not in body, body
        assert body["data"]["conversation"]["id"] == cid
        assert body["data"]["audit"] == {"conversationId": cid, "owner": user}


def test_the_quarantine_holds_exactly_the_bad_events(served: Served) -> None:
    projected(served)
    assert quarantined(served.url) == expected_quarantine(served.bad)


def test_readyz_shows_quarantined_events_to_reviewers_only(served: Served) -> None:
    projected(served)
    for headers in ({}, bearer(served.container, "bob"), {"Authorization": "Bearer nonsense"}):
        anonymous = served.client.get("/readyz", headers=headers)
        assert (anonymous.status_code, anonymous.json()) == (200, {"status": "degraded"})
    reviewer = served.client.get("/readyz", headers=bearer(served.container, "rita", Role.REVIEWER))
    assert MARKER not in reviewer.text and "\\u0000" not in reviewer.text
    body = reviewer.json()
    assert reviewer.status_code == 200 and body["status"] == "degraded"
    assert body["database"] == "ok" and body["head"] == head(served.url)
    assert body["projections"] == {
        name: {"position": body["head"], "lag": 0, "quarantined": len(MET[name])}
        for name in VIEW_NAMES
    }
    assert body["quarantine"]["count"] == len(expected_quarantine(served.bad))
    bad = {(nid, str(oid)) for nid, oid in served.bad.values()}
    shown = [
        (q["read_model"], q["position"], q["conversation_id"]) for q in body["quarantine"]["recent"]
    ]
    assert len(set(shown)) == 5 and {(nid, oid) for _, nid, oid in shown} <= bad


def test_metrics_count_quarantined_events_and_lag_per_read_model(served: Served) -> None:
    projected(served)
    samples = {
        (s.name, s.labels.get("read_model")): s.value
        for family in text_string_to_metric_families(served.client.get("/metrics").text)
        for s in family.samples
    }
    for name in VIEW_NAMES:
        assert samples[("lastresort_quarantined_events", name)] == len(MET[name])
        assert samples[("lastresort_projection_lag_events", name)] == 0


def test_verify_names_each_quarantined_event(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    projected(served)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", served.url)
        capsys.readouterr()
        assert main(["verify"]) == 1
    out = capsys.readouterr().out
    assert MARKER not in out
    for name, kinds in MET.items():
        for nid, oid in (served.bad[what] for what in kinds):
            assert f"quarantined {oid}: {name} set aside event at position {nid}" in out, out
    assert "CharacterNotInRepertoire: invalid byte sequence for encoding" in out  # the NUL


# -- runners on a database of their own ---------------------------------------------


@pytest.fixture
def runners(fresh: Container) -> Iterator[Callable[..., list[ReadModelRunner]]]:
    made: list[ReadModelRunner] = []

    def make(**options: Any) -> list[ReadModelRunner]:
        new = [r.start() for r in make_runners(fresh.url, fresh.store.mapper, **options)]
        made.extend(new)
        return new

    yield make
    for runner in made:
        runner.stop()


@pytest.fixture
def fresh(fresh_database: Callable[[], str], tmp_path: Path) -> Iterator[Container]:
    url = fresh_database()
    migrate(url)
    container = Container.build(
        Settings(database_url=url, secret="q" * 40, home=tmp_path), url, run_projections=False
    )
    container.read_side.start()
    yield container
    container.close()


def converse(container: Container, user: str) -> uuid.UUID:
    who = Principal(user)
    cid = container.service.start(who, "claude-opus-4-1").id
    container.service.send_message(who, cid, "Any easy dessert ideas?")
    return cid


def rows_of(url: str, table: str, cid: uuid.UUID) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table} WHERE id = %s", (cid,)).fetchone()
    return int(row[0]) if row else 0


def test_retry_applies_repaired_events_and_keeps_those_still_failing(
    fresh: Container,
    runners: Callable[..., list[ReadModelRunner]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    runners()
    bad = poison(fresh)
    assert fresh.read_side.watcher.wait(head(fresh.url), WAIT)
    repaired_id = bad["not_json"][1]
    repaired = Started(
        originator_id=repaired_id,
        originator_version=1,
        timestamp=datetime.now(UTC),
        owner="dora",
        model="claude-opus-4-1",
    )
    state = fresh.store.mapper.to_stored_event(repaired).state
    with psycopg.connect(fresh.url) as conn:
        conn.execute(
            f"UPDATE {EVENTS_TABLE} SET state = %s WHERE notification_id = %s",
            (state, bad["not_json"][0]),
        )
        for gone in ("unknown_topic", "not_an_event"):
            conn.execute(f"DELETE FROM {EVENTS_TABLE} WHERE notification_id = %s", (bad[gone][0],))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", fresh.url)
        capsys.readouterr()
        assert main(["project", "--retry-quarantined"]) == 1
        out = capsys.readouterr().out
        held = sum(map(len, MET.values()))
        kept = [name for name, kinds in MET.items() if "nul_model" in kinds]
        expected = f"retried {held} quarantined events: {held - len(kept)} resolved, {len(kept)} "
        assert expected + "remain" in out, out
        assert f"kept conversations event {bad['nul_model'][0]}" in out
        assert "CharacterNotInRepertoire: invalid byte sequence for encoding" in out  # the NUL
        assert MARKER not in out
        assert rows_of(fresh.url, "rm_conversations", repaired_id) == 1
        assert rows_of(fresh.url, "rm_audit_conversations", repaired_id) == 1
        assert quarantined(fresh.url) == {
            (name, *bad["nul_model"], KINDS["nul_model"]) for name in kept
        }
        with psycopg.connect(fresh.url) as conn:
            conn.execute(
                f"DELETE FROM {EVENTS_TABLE} WHERE notification_id = %s", (bad["nul_model"][0],)
            )
        assert main(["project", "--retry-quarantined"]) == 0
        again = f"retried {len(kept)} quarantined events: {len(kept)} resolved, 0 remain"
        assert again in capsys.readouterr().out
    assert quarantined(fresh.url) == set()


def test_a_rebuild_passes_the_poison_and_sets_it_aside_again(
    fresh: Container, runners: Callable[..., list[ReadModelRunner]]
) -> None:
    first = runners()
    converse(fresh, "erin")
    bad = poison(fresh)
    after = converse(fresh, "frank")
    assert fresh.read_side.watcher.wait(head(fresh.url), WAIT)
    for runner in first:
        runner.stop()  # a rebuild waits for the projection's lock
    incremental = read_models(fresh.url, fresh.read_side.keys)
    rebuilt = runners(rebuild=VIEW_NAMES)
    assert all(processed(runner, head(fresh.url), WAIT) for runner in rebuilt)
    assert read_models(fresh.url, fresh.read_side.keys) == incremental
    assert rows_of(fresh.url, "rm_conversations", after) == 1
    assert quarantined(fresh.url) == expected_quarantine(bad)


# -- splitting a failed batch --------------------------------------------------------


@pytest.fixture(scope="module")
def store_with_poison(
    fresh_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Container]:
    """Good conversations on both sides of the poison, not projected yet: short ones, and
    ones with an ending, a branch and feedback (every statement of every read model)."""
    url = fresh_database()
    migrate(url)
    settings = Settings(database_url=url, secret="q" * 40, home=tmp_path_factory.mktemp("b"))
    container = Container.build(settings, url, run_projections=False)
    for n in range(3):
        converse(container, f"before-{n}")
    history(container, 2)
    poison(container)
    for n in range(3):
        converse(container, f"after-{n}")
    history(container, 2)
    yield container
    container.close()


def project_in_batches(container: Container, batch_size: int) -> dict[str, list[Any]]:
    """Rebuild every read model in batches of `batch_size`; its rows and its quarantine."""
    datastore = view_datastore(container.url)
    with psycopg.connect(container.url, autocommit=True, row_factory=dict_row) as conn:
        for view in (view_class(datastore, container.read_side.keys) for view_class in VIEWS):
            view.reset(conn)
            position = 0
            reads = view.fields_of
            while batch := read_batch(conn, container.store.mapper, position, batch_size, reads):
                position = view.process_batch(conn, batch)
            assert view.position(conn) == position == head(container.url)
        held = conn.execute(
            "SELECT read_model, notification_id, originator_id, error_type, error "
            "FROM rm_quarantine ORDER BY 1, 2"
        ).fetchall()
    return {**read_models(container.url, container.read_side.keys), "rm_quarantine": held}


@pytest.fixture(scope="module")
def one_by_one(store_with_poison: Container) -> dict[str, list[Any]]:
    """The read models built one event per transaction: no batch to split."""
    built = project_in_batches(store_with_poison, 1)
    assert len(built["rm_quarantine"]) == sum(map(len, MET.values()))
    assert len(built["rm_conversations"]) == 6 + 2 * 2 * 2  # each history has a branch
    assert built["rm_endings"] and any(row[5] for row in built["rm_conversations"])
    assert built["rm_review_verdicts"]
    return built


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch_size=st.integers(min_value=2, max_value=60))
def test_any_batch_applies_every_good_event_once_and_sets_aside_only_the_bad(
    store_with_poison: Container, one_by_one: dict[str, list[Any]], batch_size: int
) -> None:
    assert project_in_batches(store_with_poison, batch_size) == one_by_one
