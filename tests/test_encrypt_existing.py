"""`lastresort encrypt-existing`: an installation's events recorded in the clear are sealed in
place, read back the same, and a second run finds nothing left to do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import psycopg
import pytest
from eventsourcing.utils import get_topic

from bootstrap.database import data_keys
from bootstrap.settings import Settings
from cli.main import main
from domain.access import Principal
from domain.events import Rating
from eventstore.database import eventsourcing_env
from eventstore.migrate import migrate
from eventstore.store import EVENTS_TABLE, ConversationStore
from tests.procs import HARM
from tests.services import memory_store, offline_service

PHRASE = "plain-old-lighthouse"


def plaintext_history(url: str) -> list[str]:
    """Conversations recorded as before sealing: every field of every event in the clear.
    Returns the texts recorded, in order."""
    memory = memory_store()
    service = offline_service(memory)
    ana = Principal("ana")
    cid = service.start(ana, "claude-opus-4-1").id
    for text in (f"About {PHRASE}", HARM, HARM, HARM, HARM):
        service.send_message(ana, cid, text)
    service.give_feedback(ana, cid, Rating.DOWN, f"{PHRASE} again", None)
    service.branch(ana, cid, 2, f"Edited {PHRASE}")
    with psycopg.connect(url) as conn:
        for notification in memory.recorder.select_notifications(1, 100):
            event = memory.mapper.to_domain_event(notification)
            state = dict(vars(event))
            originator, version = state.pop("originator_id"), state.pop("originator_version")
            conn.execute(
                f"INSERT INTO {EVENTS_TABLE} (originator_id, originator_version, topic, state) "
                "VALUES (%s, %s, %s, %s)",
                (originator, version, get_topic(type(event)), orjson.dumps(state)),
            )
    return [t.text for t in service.get(ana, cid).turns]


def holding(url: str, phrase: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            f"SELECT count(*) FROM {EVENTS_TABLE} WHERE position(%s IN state) > 0",
            (phrase.encode(),),
        ).fetchone()
    return int(row[0]) if row else -1


def test_existing_events_are_sealed_in_place_and_read_back_the_same(
    fresh_database: Callable[[], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = fresh_database()
    migrate(url)
    texts = plaintext_history(url)
    assert holding(url, PHRASE) >= 4
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("LASTRESORT_HOME", str(tmp_path))

    assert main(["encrypt-existing"]) == 0
    assert holding(url, PHRASE) == 0
    assert main(["encrypt-existing"]) == 0  # resumes: nothing left
    assert "sealed 0 events" in capsys.readouterr().out

    keys = data_keys(Settings(home=tmp_path), url)
    owned = keys.owned_by("ana")
    assert len(owned) == 2  # the conversation and its branch, each with its owner
    store = ConversationStore(env=eventsourcing_env(url), keys=keys)
    try:
        recorded = {tuple(t.text for t in store.get_conversation(c).turns) for c in owned}
    finally:
        store.close()
    assert recorded == {tuple(texts), (texts[0], f"Edited {PHRASE}")}
