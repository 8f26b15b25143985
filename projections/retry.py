"""`lastresort project --retry-quarantined`: apply the events set aside, once their cause is fixed.

Each quarantined event is read again from the event store (so a repaired row is read as
repaired) and applied in its own transaction, which also takes it out of quarantine;
one that still fails stays there with its new error. An event no longer in the store
(deleted as the fix) just leaves quarantine. Safe beside running projections: an event
is taken out of quarantine and applied in one transaction, at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from eventstore.transcoder import EventMapper
from projections import quarantine
from projections.readside import VIEWS, view_datastore
from projections.runner import read_event

RetryResult = Literal["applied", "gone", "kept"]


@dataclass(frozen=True)
class RetryOutcome:
    read_model: str
    notification_id: int
    originator_id: UUID | None
    result: RetryResult
    error: str | None = None

    def describe(self) -> str:
        line = (
            f"{self.result} {self.read_model} event {self.notification_id} of {self.originator_id}"
        )
        return f"{line}: {self.error}" if self.error else line


def retry_quarantined(url: str, mapper: EventMapper) -> list[RetryOutcome]:
    """Retry every quarantined event of every read model, in position order."""
    datastore = view_datastore(url)
    outcomes: list[RetryOutcome] = []
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        for view in (view_class(datastore, mapper.keys) for view_class in VIEWS):
            for held in quarantine.quarantined(conn, view.name):
                entry = read_event(conn, mapper, held.notification_id)
                error = view.retry(conn, held.notification_id, entry)
                result: RetryResult = "kept" if error else "applied" if entry else "gone"
                outcomes.append(
                    RetryOutcome(
                        view.name,
                        held.notification_id,
                        held.originator_id,
                        result,
                        quarantine.summary(error) if error else None,
                    )
                )
    return outcomes
