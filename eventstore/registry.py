"""The policy registry's events, in their own table (`lastresort_policy_events`).

Kept apart from the conversations' table so that the projections, `verify` and `replay`,
which read every conversation event in order, never meet a registry event. The events
are encoded by the same mapper as conversation events (a `Policy` is stored the same way).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Recording

from domain.events import Event
from domain.registry import REGISTRY_ID, PolicyRegistry
from eventstore.transcoder import event_mapper

REGISTRY_EVENTS_TABLE = "lastresort_policy_events"


class RegistryStore(Application[UUID]):
    """Loads and saves the one `PolicyRegistry`; a racing change gets `IntegrityError`."""

    name = REGISTRY_EVENTS_TABLE.removesuffix("_events")

    def construct_mapper(self) -> Mapper[UUID]:
        return event_mapper()

    def get_registry(self) -> PolicyRegistry:
        """The registry with every recorded change applied (empty when none was made)."""
        return PolicyRegistry.from_events(cast(list[Event], list(self.events.get(REGISTRY_ID))))

    def save_registry(self, registry: PolicyRegistry) -> Sequence[Recording[UUID]]:
        return self.save(registry)
