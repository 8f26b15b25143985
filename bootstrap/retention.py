"""The retention period: text older than `LASTRESORT_TEXT_RETENTION_DAYS` is erased.

It runs beside the projections (in `lastresort project`, or in `serve` when it runs them),
at start and then hourly: the conversations read model says which conversations have no
message younger than the period, and the application service erases each as any erasure
is made (an `Erased` event by `retention`, then its key deleted). Decisions stay.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import psycopg
from psycopg.rows import dict_row

from adapters.offline_assessor import OfflineAssessor
from adapters.offline_assistant import OfflineAssistant
from application.policies import load_policy
from application.service import ConversationService, Erasure, utc_now
from bootstrap.database import data_keys
from bootstrap.settings import Settings
from eventstore.database import eventsourcing_env
from eventstore.store import ConversationStore
from projections.conversations import expired
from projections.queries import run

log = logging.getLogger(__name__)
EVERY_SECONDS = 3600.0


def erase_expired(
    url: str, service: ConversationService, days: int, now: Callable[[], datetime] = utc_now
) -> Erasure | None:
    """Erase every conversation whose messages are all older than `days`; None if none is."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        rows = run(conn, expired(now() - timedelta(days=days)))
    if not rows:
        return None
    erasure = service.erase_expired(service.store.with_branches([r["id"] for r in rows]))
    log.info("retention erased the text of %d conversations", len(erasure.conversation_ids))
    return erasure


class Retention:
    """A thread erasing expired text now and every `every` seconds until stopped."""

    def __init__(
        self, url: str, service: ConversationService, days: int, every: float = EVERY_SECONDS
    ) -> None:
        self.url, self.service, self.days, self.every = url, service, days, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)

    def start(self) -> Retention:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                erase_expired(self.url, self.service, self.days)
            except Exception:  # the next round tries again; projections go on meanwhile
                log.exception("retention could not erase expired text")
            self._stop.wait(self.every)


def retention(settings: Settings, url: str) -> Retention | None:
    """The retention thread of a process that runs the projections, started; None when no
    period is set. It writes through a service of its own (erasures need no model)."""
    if settings.text_retention_days is None:
        return None
    store = ConversationStore(
        env=eventsourcing_env(url, POSTGRES_POOL_SIZE="1"), keys=data_keys(settings, url)
    )
    policy = load_policy(settings.policy_file)
    service = ConversationService(store, OfflineAssessor(), OfflineAssistant(), policy)
    return Retention(url, service, settings.text_retention_days).start()
