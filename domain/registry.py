"""The policy registry: every policy version ever registered, its status, and who changed it.

One aggregate for the whole registry (id `REGISTRY_ID`), so "one live version at a time"
is guarded in one place and optimistic concurrency refuses a racing change. Each event
carries the full policy it is about, so the record alone tells which parameters were
live, shadowed or retired when, without the policy files. A change that would repeat the
registry's state (registering the same policy, promoting the live one, stopping a shadow
that is not running) records nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.aggregate import EventSourced
from domain.errors import IdempotencyKeyReused, NotFound, PolicyConflict
from domain.events import Event
from domain.policy import InForce, Policy

REGISTRY_ID = UUID("0c5d2a0e-3f4b-4e0b-9d8e-6a1f2b7c9e01")


class PolicyStatus(StrEnum):
    REGISTERED = "registered"
    SHADOW = "shadow"
    LIVE = "live"
    RETIRED = "retired"


@dataclass(frozen=True)
class PolicyEvent(Event):
    """A change to one policy version, by `by` (a user name, or "system" when seeded),
    with the `Idempotency-Key` of the request that made it, if any."""

    policy: Policy
    by: str
    request_key: str | None = None


@dataclass(frozen=True)
class PolicyRegistered(PolicyEvent):
    pass


@dataclass(frozen=True)
class ShadowStarted(PolicyEvent):
    pass


@dataclass(frozen=True)
class ShadowStopped(PolicyEvent):
    pass


@dataclass(frozen=True)
class Promoted(PolicyEvent):
    """`policy` is live from now on; `superseded` (the previous live one) is registered again."""

    superseded: Policy | None = None


@dataclass(frozen=True)
class Retired(PolicyEvent):
    pass


@dataclass(frozen=True)
class Entry:
    """One version as the registry knows it; `by` made its latest change."""

    policy: Policy
    status: PolicyStatus
    registered_at: datetime
    promoted_at: datetime | None
    by: str
    changed_at: datetime

    @property
    def version(self) -> str:
        return self.policy.version


class PolicyRegistry(EventSourced):
    """The registry's state, changed only by applying events (new or replayed)."""

    def __init__(self, id: UUID = REGISTRY_ID) -> None:
        super().__init__(id)
        self.entries: dict[str, Entry] = {}
        self.keys: dict[tuple[str, str], tuple[type[PolicyEvent], str]] = {}

    @classmethod
    def from_events(cls, events: Iterable[Event], id: UUID = REGISTRY_ID) -> PolicyRegistry:
        registry = cls(id)
        for event in events:
            registry._apply(event)
        return registry

    # -- queries ----------------------------------------------------------------------

    @property
    def live(self) -> Policy | None:
        return next(
            (e.policy for e in self.entries.values() if e.status is PolicyStatus.LIVE), None
        )

    @property
    def shadows(self) -> list[Policy]:
        return [e.policy for e in self.entries.values() if e.status is PolicyStatus.SHADOW]

    @property
    def in_force(self) -> InForce | None:
        """What a turn decides under: the live policy and those in shadow (None while
        nothing is live)."""
        live = self.live
        return None if live is None else InForce(live, tuple(self.shadows))

    def entry(self, version: str) -> Entry:
        found = self.entries.get(version)
        if found is None:
            raise NotFound(f"policy version {version!r} is not in the registry")
        return found

    # -- commands ---------------------------------------------------------------------

    def register(self, policy: Policy, by: str, at: datetime) -> None:
        """Record `policy`; the same version again must be the same policy."""
        known = self.entries.get(policy.version)
        if known is None:
            self._trigger(PolicyRegistered, at, policy=policy, by=by)
        elif known.policy != policy:
            raise PolicyConflict(
                f"policy version {policy.version!r} is registered with other content; "
                "give the changed policy a new version"
            )

    def start_shadow(
        self, policy: Policy, by: str, at: datetime, request_key: str | None = None
    ) -> None:
        """Register `policy` if new and run it in the shadow of the live one."""
        if self._done(ShadowStarted, policy.version, by, request_key):
            return
        self.register(policy, by, at)
        status = self.entries[policy.version].status
        if status is PolicyStatus.REGISTERED:
            self._trigger(ShadowStarted, at, policy=policy, by=by, request_key=request_key)
        elif status is not PolicyStatus.SHADOW:
            raise PolicyConflict(f"policy version {policy.version!r} is {status}: it cannot shadow")

    def stop_shadow(
        self, version: str, by: str, at: datetime, request_key: str | None = None
    ) -> None:
        entry = self.entry(version)
        if self._done(ShadowStopped, version, by, request_key):
            return
        if entry.status is PolicyStatus.SHADOW:
            self._trigger(ShadowStopped, at, policy=entry.policy, by=by, request_key=request_key)

    def promote(self, version: str, by: str, at: datetime, request_key: str | None = None) -> None:
        """Make `version` live; the live one until now goes back to registered."""
        entry = self.entry(version)
        if self._done(Promoted, version, by, request_key):
            return
        if entry.status is PolicyStatus.RETIRED:
            raise PolicyConflict(f"policy version {version!r} is retired: it cannot go live")
        if entry.status is not PolicyStatus.LIVE:
            self._trigger(
                Promoted,
                at,
                policy=entry.policy,
                by=by,
                request_key=request_key,
                superseded=self.live,
            )

    def retire(self, version: str, by: str, at: datetime) -> None:
        entry = self.entry(version)
        if entry.status is PolicyStatus.LIVE:
            raise PolicyConflict(
                f"policy version {version!r} is live: promote another version before retiring it"
            )
        if entry.status is not PolicyStatus.RETIRED:
            self._trigger(Retired, at, policy=entry.policy, by=by)

    def _done(
        self, command: type[PolicyEvent], version: str, by: str, request_key: str | None
    ) -> bool:
        """Whether `by` already made this change with `request_key` (a retried request);
        the key naming another change is refused."""
        if request_key is None or (done := self.keys.get((by, request_key))) is None:
            return False
        if done != (command, version):
            raise IdempotencyKeyReused("a different policy change was made with this key")
        return True

    # -- applying events --------------------------------------------------------------

    def _mutate(self, event: Event) -> None:
        if not isinstance(event, PolicyEvent):
            raise ValueError(f"{type(event).__name__} is not a policy registry event")
        version, at, by = event.policy.version, event.timestamp, event.by
        if event.request_key is not None:
            self.keys[(by, event.request_key)] = (type(event), version)
        if isinstance(event, PolicyRegistered):
            self.entries[version] = Entry(
                event.policy, PolicyStatus.REGISTERED, at, promoted_at=None, by=by, changed_at=at
            )
            return
        status = _STATUS_AFTER[type(event)]
        if isinstance(event, Promoted) and event.superseded is not None:
            old = event.superseded.version
            self.entries[old] = replace(self.entries[old], status=PolicyStatus.REGISTERED)
        changed = replace(self.entries[version], status=status, changed_at=at, by=by)
        if status is PolicyStatus.LIVE:
            changed = replace(changed, promoted_at=at)
        self.entries[version] = changed


_STATUS_AFTER: dict[type[PolicyEvent], PolicyStatus] = {
    ShadowStarted: PolicyStatus.SHADOW,
    ShadowStopped: PolicyStatus.REGISTERED,
    Promoted: PolicyStatus.LIVE,
    Retired: PolicyStatus.RETIRED,
}
