"""`lastresort verify`: clean on a store the service wrote; each corruption named by its id."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from application.policies import DEFAULT_POLICY_FILE, load_policy
from application.registry import SYSTEM
from bootstrap.container import Container
from bootstrap.registry import registry_service
from bootstrap.settings import Settings
from cli.main import main
from domain.access import Principal
from domain.conversation import Conversation
from domain.events import Branched, Ended, Event, MessageSent, Rating, Started
from domain.policy import Policy
from eventstore.database import eventsourcing_env, with_dbname
from eventstore.migrate import migrate
from eventstore.store import CONVERSATION_ROWS, EVENTS_TABLE, ConversationStore
from tests.procs import END_CONFIRM, END_REQUEST, HARM, wait_projected
from tools.verify import verify

Fixture = dict[str, uuid.UUID]


@pytest.fixture(scope="module")
def template(fresh_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store written by the service: endings of both kinds, branches, feedback, a stricter
    policy in shadow; projected."""
    url = fresh_database()
    migrate(url)
    shadow(url, load_policy(DEFAULT_POLICY_FILE.parent / "stricter.toml"))
    settings = Settings(database_url=url, secret="s" * 40, home=tmp_path_factory.mktemp("v"))
    container = Container.build(settings, url)
    container.read_side.start()
    try:
        service, alice = container.service, Principal("verify-alice")
        harmed = service.start(alice, "claude-opus-4-1").id
        for _ in range(4):
            service.send_message(alice, harmed, HARM)
        asked = service.start(alice, "claude-opus-4-1").id
        service.send_message(alice, asked, END_REQUEST)
        service.send_message(alice, asked, END_CONFIRM)
        service.give_feedback(alice, asked, Rating.DOWN, "surprised", None)
        open_one = service.start(alice, "claude-sonnet-4").id
        service.send_message(alice, open_one, "What is the capital of France?")
        service.send_message(alice, open_one, "And of Italy?")
        service.branch(alice, open_one, 2, "And of Spain?")
        service.branch(alice, harmed, 2, "Sorry, tell me about tulips instead.")
        wait_projected(url)
    finally:
        container.close()
    return url


def shadow(url: str, policy: Policy) -> None:
    registry = registry_service(url)
    try:
        registry.seed(load_policy(DEFAULT_POLICY_FILE))
        registry.shadow(SYSTEM, policy)
    finally:
        registry.close()


@pytest.fixture
def copy(template: str, server_url: str) -> Iterator[str]:
    """A private copy of the template store, to corrupt."""
    name = f"lastresort_verify_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{conninfo_to_dict(template)["dbname"]}"')
    yield with_dbname(template, name)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


CONVERSATION_IDS = sql.SQL("SELECT DISTINCT originator_id FROM {} WHERE {}").format(
    sql.Identifier(EVENTS_TABLE), CONVERSATION_ROWS
)


def _conversations(url: str) -> dict[uuid.UUID, Conversation]:
    store = ConversationStore(env=eventsourcing_env(url))
    try:
        with psycopg.connect(url) as conn:
            ids = [r[0] for r in conn.execute(CONVERSATION_IDS)]
        return {cid: store.get_conversation(cid) for cid in ids}
    finally:
        store.close()


def _find(url: str, which: Callable[[Conversation], bool]) -> Conversation:
    return next(c for c in _conversations(url).values() if which(c))


def _append(url: str, *events: Event) -> None:
    """Write events straight through the recorder, as a buggy writer would."""
    store = ConversationStore(env=eventsourcing_env(url))
    try:
        store.recorder.insert_events([store.mapper.to_stored_event(e) for e in events])
    finally:
        store.close()


def _harm_ended(c: Conversation) -> bool:
    return c.ended is not None and str(c.ended.decision.reason) == "persistent_harm"


def _sql(url: str, statement: str, *params: object) -> None:
    with psycopg.connect(url) as conn:
        assert conn.execute(statement, params).rowcount >= 1


def test_a_store_written_by_the_service_is_clean(template: str, tmp_path: Path) -> None:
    report = verify(template)
    assert report.clean, [p.describe() for p in report.problems]
    assert (report.conversations, report.branches, report.endings) == (5, 2, 2)
    settings_env = {"DATABASE_URL": template, "LASTRESORT_HOME": str(tmp_path)}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in settings_env.items():
            mp.setenv(key, value)
        assert main(["verify"]) == 0


def _expect(url: str, kind: str, cid: uuid.UUID, capsys: pytest.CaptureFixture[str]) -> None:
    report = verify(url)
    assert not report.clean
    assert cid in report.offending_ids, [p.describe() for p in report.problems]
    assert kind in {p.kind for p in report.problems if p.conversation_id == cid}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        capsys.readouterr()
        assert main(["verify"]) == 1
        assert str(cid) in capsys.readouterr().out


def test_a_gap_in_the_positions(copy: str, capsys: pytest.CaptureFixture[str]) -> None:
    c = _find(copy, lambda c: c.ended is None and len(c.turns) == 2 and c.parent_id is None)
    _sql(
        copy,
        f"DELETE FROM {EVENTS_TABLE} WHERE originator_id = %s AND originator_version = 3",
        c.id,
    )
    _expect(copy, "versions", c.id, capsys)


def test_a_message_after_the_ending(copy: str, capsys: pytest.CaptureFixture[str]) -> None:
    c = _find(copy, _harm_ended)
    last = c.turns[-1]
    _append(
        copy,
        MessageSent(
            c.id, c.version + 1, last.replied_at, c.next_position, "again", last.assessment
        ),
    )
    _expect(copy, "after_end", c.id, capsys)


def test_an_unanswered_message(copy: str, capsys: pytest.CaptureFixture[str]) -> None:
    c = _find(copy, lambda c: c.ended is None and c.parent_id is None)
    turn = c.turns[-1]
    _append(
        copy,
        MessageSent(
            c.id, c.version + 1, turn.replied_at, c.next_position, "hello?", turn.assessment
        ),
    )
    _expect(copy, "partial_turn", c.id, capsys)


def test_an_ending_the_ladder_does_not_justify(
    copy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first harmful message ended at once: no redirects, no warning."""
    real = _find(copy, _harm_ended)
    assert real.ended is not None
    turn, cid = real.turns[-1], uuid.uuid4()
    at = turn.sent_at
    _append(
        copy,
        Started(cid, 1, at, owner=real.owner, model=real.model),
        MessageSent(cid, 2, at, 0, turn.text, turn.assessment),
        replace(real.ended, originator_id=cid, originator_version=3, position=1),
    )
    _expect(copy, "unjustified_ending", cid, capsys)


def test_a_branch_of_a_missing_parent(copy: str, capsys: pytest.CaptureFixture[str]) -> None:
    cid, at = uuid.uuid4(), _find(copy, _harm_ended).turns[0].sent_at
    _append(
        copy,
        Started(cid, 1, at, owner="verify-alice", model="claude-opus-4-1"),
        Branched(cid, 2, at, parent_id=uuid.uuid4(), branch_position=0, inherited=()),
    )
    _expect(copy, "branch", cid, capsys)


def test_a_branch_past_the_parents_end(copy: str, capsys: pytest.CaptureFixture[str]) -> None:
    parent = _find(copy, _harm_ended)
    cid, turns = uuid.uuid4(), tuple(parent.turns) * 3
    inherited = tuple(replace(t, position=2 * i) for i, t in enumerate(turns))
    _append(
        copy,
        Started(cid, 1, turns[0].sent_at, owner=parent.owner, model=parent.model),
        Branched(
            cid,
            2,
            turns[0].sent_at,
            parent_id=parent.id,
            branch_position=2 * len(inherited),
            inherited=inherited,
        ),
    )
    _expect(copy, "branch", cid, capsys)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE rm_conversations SET status = 'open', ended_at = NULL WHERE id = %s",
        "DELETE FROM rm_messages WHERE conversation_id = %s AND position = 3",
        "UPDATE rm_endings SET reason = 'user_request' WHERE conversation_id = %s",
        "DELETE FROM rm_audit_trail WHERE conversation_id = %s AND kind = 'assessment' "
        "AND position = 0",
        "DELETE FROM rm_audit_conversations WHERE id = %s",
    ],
    ids=["status", "message", "ending", "trail", "audit-row"],
)
def test_a_read_model_that_disagrees(
    copy: str, statement: str, capsys: pytest.CaptureFixture[str]
) -> None:
    c = _find(copy, _harm_ended)
    _sql(copy, statement, c.id)
    _expect(copy, "read_model", c.id, capsys)


def test_a_read_model_row_with_no_events(copy: str, capsys: pytest.CaptureFixture[str]) -> None:
    ghost = uuid.uuid4()
    _sql(
        copy,
        "INSERT INTO rm_conversations (id, seq, owner, model, started_at) "
        "VALUES (%s, 999999, 'mallory', 'm', now())",
        ghost,
    )
    _expect(copy, "read_model", ghost, capsys)


def test_a_lagging_read_model_is_not_a_problem(copy: str) -> None:
    """Rows are compared with the events up to each read model's own position."""
    c = _find(copy, _harm_ended)
    assert isinstance(c.ended, Ended)
    with psycopg.connect(copy) as conn:
        (cut,) = conn.execute(  # the Ended event: the audit read model stops just before it
            f"SELECT max(notification_id) FROM {EVENTS_TABLE} WHERE originator_id = %s", (c.id,)
        ).fetchone() or (0,)
        conn.execute("DELETE FROM rm_endings WHERE seq >= %s", (cut,))
        conn.execute("DELETE FROM rm_audit_trail WHERE seq >= %s", (cut,))
        conn.execute(
            f"DELETE FROM rm_audit_conversations WHERE id IN (SELECT originator_id FROM "
            f"{EVENTS_TABLE} WHERE originator_version = 1 AND notification_id >= %s)",
            (cut,),
        )
        conn.execute(
            "UPDATE rm_audit_tracking SET notification_id = %s "
            "WHERE application_name = 'lastresort'",
            (cut - 1,),
        )
    report = verify(copy)
    assert report.clean, [p.describe() for p in report.problems]
    assert report.positions["audit"] == cut - 1


def _forge(url: str, cid: uuid.UUID, position: int, change: Callable[[Any], None]) -> None:
    """Change the stored JSON of the reply at `position` in place, as a tampering hand would."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            f"SELECT originator_version, state FROM {EVENTS_TABLE} WHERE originator_id = %s",
            (cid,),
        ).fetchall()
        version, data = next(
            (v, d)
            for v, d in ((v, orjson.loads(state)) for v, state in rows)
            if "decision" in d and d["position"] == position
        )
        change(data)
        conn.execute(
            f"UPDATE {EVENTS_TABLE} SET state = %s WHERE originator_id = %s "
            "AND originator_version = %s",
            (orjson.dumps(data), cid, version),
        )


def test_a_shadow_decision_that_replay_does_not_reproduce(
    copy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    c = _find(copy, _harm_ended)
    recorded = c.turns[1].shadows[0]  # the stricter policy warned at 3, the live one redirected
    assert (recorded.policy.version, str(recorded.decision.action)) == (
        "2025-08.2-stricter",
        "warning",
    )

    def forge(data: Any) -> None:
        data["shadows"][0]["decision"]["action"] = "redirect"

    _forge(copy, c.id, 3, forge)
    _expect(copy, "shadow_mismatch", c.id, capsys)
    (problem,) = [p for p in verify(copy).problems if p.kind == "shadow_mismatch"]
    assert "at 3 (shadow 2025-08.2-stricter)" in problem.detail
    assert "action: recorded redirect ≠ replayed warning" in problem.detail


def test_a_divergence_missing_from_the_shadows_read_model(
    copy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    c = _find(copy, _harm_ended)
    _sql(
        copy, "DELETE FROM rm_shadow_divergences WHERE conversation_id = %s AND position = 3", c.id
    )
    _expect(copy, "read_model", c.id, capsys)
    (problem,) = [p for p in verify(copy).problems if p.conversation_id == c.id]
    assert problem.detail == "shadow_divergences: events imply 2, read model has 1"
