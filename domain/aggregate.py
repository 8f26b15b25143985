"""What every aggregate here shares: each event must follow the current version (a gap or
a repeat is a bug, never skipped), and a command's new events wait in `pending` until the
repository collects them to save."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.events import Event


class EventSourced:
    def __init__(self, id: UUID) -> None:
        self.id = id
        self.version = 0
        self.pending: list[Event] = []

    def collect_events(self) -> list[Event]:
        events, self.pending = self.pending, []
        return events

    def _trigger(self, cls: type[Event], at: datetime, **fields: Any) -> None:
        event = cls(
            originator_id=self.id, originator_version=self.version + 1, timestamp=at, **fields
        )
        self._apply(event)
        self.pending.append(event)

    def _apply(self, event: Event) -> None:
        if event.originator_version != self.version + 1:
            raise ValueError(
                f"event version {event.originator_version} does not follow {self.version}"
            )
        self.version = event.originator_version
        self._mutate(event)

    def _mutate(self, event: Event) -> None:
        """Change the state as `event` records (its version already checked)."""
        raise NotImplementedError
