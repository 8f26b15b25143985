"""Sealing the events an installation recorded before texts were sealed, in place.

A one-time command (`lastresort encrypt-existing`): events are read in the order they were
recorded; a conversation's `Started` event gives it a data key (with its owner, so erasing
a user finds it), and each later event whose class has personal fields and whose state has
no `sealed` field yet is decoded and encoded again through the mapper, which seals it.
Each row is replaced only if it still holds what was read, a batch per transaction, so the
command can be stopped and run again: what is sealed is skipped.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson
import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from psycopg import sql

from domain.events import Started
from eventstore.sealing import PERSONAL, SEALED
from eventstore.store import EVENTS_TABLE
from eventstore.transcoder import EventMapper

BATCH = 500
STARTED = get_topic(Started)
SELECT_AFTER = sql.SQL(
    "SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
    "WHERE notification_id > %s AND topic = ANY(%s) ORDER BY notification_id LIMIT %s"
).format(sql.Identifier(EVENTS_TABLE))
REPLACE_STATE = sql.SQL(
    "UPDATE {} SET state = %s WHERE notification_id = %s AND state = %s"
).format(sql.Identifier(EVENTS_TABLE))


def personal_topics() -> list[str]:
    """The topics of every event class with personal fields, subclasses included."""
    found, pending = set(), list(PERSONAL)
    while pending:
        cls = pending.pop()
        found.add(get_topic(cls))
        pending.extend(cls.__subclasses__())
    return sorted(found)


def seal_existing(
    url: str, mapper: EventMapper, progress: Callable[[int], None], batch: int = BATCH
) -> int:
    """Seal every event still in the clear; returns how many were sealed. `progress` is told
    the running count after each batch."""
    topics = [STARTED, *personal_topics()]
    sealed, after = 0, 0
    with psycopg.connect(url) as conn:
        while True:
            with conn.transaction():
                rows = conn.execute(SELECT_AFTER, (after, topics, batch)).fetchall()
                for notification_id, cid, version, topic, state in rows:
                    after = notification_id
                    stored = StoredEvent(cid, version, topic, bytes(state))
                    fields = orjson.loads(stored.state)
                    if topic == STARTED:
                        mapper.keys.create(cid, fields["owner"])
                    elif SEALED not in fields:
                        fresh = mapper.to_stored_event(mapper.to_domain_event(stored))
                        sealed += conn.execute(
                            REPLACE_STATE, (fresh.state, notification_id, stored.state)
                        ).rowcount
            progress(sealed)
            if len(rows) < batch:
                return sealed
