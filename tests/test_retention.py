"""The retention period erases the text of conversations whose every message is older than
it, as an erasure by `retention`; a conversation with a younger message keeps its text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from application.service import utc_now
from bootstrap.container import Container
from bootstrap.retention import erase_expired
from bootstrap.settings import Settings
from domain.access import Principal
from domain.events import ErasureScope
from eventstore.migrate import migrate
from tests.procs import wait_projected
from tests.services import offline_service

ANA = Principal("ana")


def test_text_past_the_period_is_erased_and_younger_text_kept(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    migrate(url)
    container = Container.build(Settings(database_url=url, secret="r" * 40, home=tmp_path), url)
    container.read_side.start()
    try:
        long_ago = utc_now() - timedelta(days=40)
        past = offline_service(container.store, clock=lambda: long_ago)
        old = past.start(ANA, "claude-opus-4-1").id
        past.send_message(ANA, old, "What is the capital of Peru?")
        recent = container.service.start(ANA, "claude-opus-4-1").id
        past.send_message(ANA, recent, "An old question")
        container.service.send_message(ANA, recent, "And a new one")
        wait_projected(url)

        erasure = erase_expired(url, container.service, 30)

        assert erasure is not None
        assert (erasure.by, erasure.scope) == ("retention", ErasureScope.RETENTION)
        assert erasure.conversation_ids == (old,)
        assert container.service.get(ANA, old).turns[0].text == ""
        assert container.service.get(ANA, recent).turns[1].text == "And a new one"
        wait_projected(url)
        assert erase_expired(url, container.service, 30) is None
    finally:
        container.close()
