"""`lastresort audit ID`: print one conversation's case file as Markdown.

The command runs the projections in-process until they hold everything recorded so far,
so it answers even when no server is running (a running server's projections are
followed instead: only one runner per read model works at a time).
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from bootstrap.container import Container
from bootstrap.database import database_url
from bootstrap.settings import Settings
from eventstore.migrate import migrate
from projections import audit as reads
from reports import case as cases

CATCH_UP_SECONDS = 30.0


@contextmanager
def current_container(settings: Settings) -> Iterator[Container]:
    """A migrated container whose read side is running; closed on exit."""
    url = database_url(settings)
    migrate(url)
    container = Container.build(settings, url)
    container.read_side.start()
    try:
        yield container
    finally:
        container.close()


def catch_up(container: Container) -> bool:
    """Wait until every read model holds the last recorded event (False on timeout)."""
    last = container.store.recorder.max_notification_id()
    return container.read_side.watcher.wait(last, CATCH_UP_SECONDS)


def run(settings: Settings, raw_id: str) -> int:
    try:
        conversation_id = UUID(raw_id)
    except ValueError:
        print(f"error: not a conversation id: {raw_id!r}", file=sys.stderr)
        return 2
    with current_container(settings) as container:
        if not catch_up(container):
            print("warning: projections are behind; the case file may be stale", file=sys.stderr)
        row = container.read_side.read(
            reads.audit_of, conversation_id, None, container.read_side.keys
        )
        if row is None:
            print(f"error: conversation {conversation_id} not found", file=sys.stderr)
            return 2
        container.read_side.page_views.record(
            f"cli:{getpass.getuser()}",
            "operator",
            conversation_id,
            "cli audit",
        )
    print(cases.to_markdown(cases.build(row)))
    return 0
