"""Policy registry commands for the CLI and GraphQL: who may read or change it, and the
seed from the policy file.

Reviewers and admins read the registry, only admins change it (`domain/access.py`).
Each change loads the registry, applies it and saves its events in one transaction; a
racing change makes the save fail and is answered `Conflict` (safe to retry: a change
repeated on the registry it already made records nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Recording

from application.policies import parse_policy
from application.service import utc_now
from domain import validation
from domain.access import Principal, Role
from domain.errors import Conflict
from domain.policy import InForce, Policy
from domain.registry import Entry, PolicyRegistry

SYSTEM = Principal("system", Role.ADMIN)


class RegistryRepository(Protocol):
    def get_registry(self) -> PolicyRegistry: ...

    def save_registry(self, registry: PolicyRegistry) -> Sequence[Recording[UUID]]: ...

    def close(self) -> None: ...


class RegistryService:
    def __init__(self, store: RegistryRepository, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.clock = clock

    def close(self) -> None:
        self.store.close()

    def entries(self, principal: Principal) -> list[Entry]:
        """Every version, in the order they were registered."""
        principal.check_read_policies()
        return list(self.store.get_registry().entries.values())

    def entry(self, principal: Principal, version: str) -> Entry:
        """One version (`NotFound` when not registered), for a reviewer or an admin."""
        principal.check_read_policies()
        return self.store.get_registry().entry(validation.label(version, "version"))

    def live(self) -> Policy | None:
        """The live policy, for starting the service (None while the registry is empty)."""
        return self.store.get_registry().live

    def in_force(self) -> InForce | None:
        """The live policy and those in shadow, from one read of the registry (None while
        nothing is live)."""
        return self.store.get_registry().in_force

    def seed(self, policy: Policy) -> bool:
        """Register and promote `policy` as "system" if the registry is empty; whether it was."""
        registry = self.store.get_registry()
        if registry.entries:
            return False
        now = self.clock()
        registry.register(policy, SYSTEM.name, now)
        registry.promote(policy.version, SYSTEM.name, now)
        self._save(registry)
        return True

    def shadow(self, principal: Principal, policy: Policy, request_key: str | None = None) -> Entry:
        """Register `policy` if new and shadow it."""
        return self._change(
            principal,
            policy.version,
            lambda r: r.start_shadow(policy, principal.name, self.clock(), request_key),
            request_key,
        )

    def shadow_text(self, principal: Principal, text: str, request_key: str | None = None) -> Entry:
        """`shadow` for a policy given as TOML text (GraphQL), checked only for an admin."""
        principal.check_change_policies()
        return self.shadow(principal, parse_policy(text), request_key)

    def stop_shadow(
        self, principal: Principal, version: str, request_key: str | None = None
    ) -> Entry:
        return self._change(
            principal,
            version,
            lambda r: r.stop_shadow(version, principal.name, self.clock(), request_key),
            request_key,
        )

    def promote(self, principal: Principal, version: str, request_key: str | None = None) -> Entry:
        return self._change(
            principal,
            version,
            lambda r: r.promote(version, principal.name, self.clock(), request_key),
            request_key,
        )

    def retire(self, principal: Principal, version: str) -> Entry:
        return self._change(
            principal, version, lambda r: r.retire(version, principal.name, self.clock()), None
        )

    def _change(
        self,
        principal: Principal,
        version: str,
        change: Callable[[PolicyRegistry], None],
        request_key: str | None,
    ) -> Entry:
        """Apply `change` as `principal` and save it; the changed version's entry."""
        principal.check_change_policies()
        if request_key is not None:
            validation.idempotency_key(request_key)
        registry = self.store.get_registry()
        change(registry)
        self._save(registry)
        return registry.entry(version)

    def _save(self, registry: PolicyRegistry) -> None:
        try:
            self.store.save_registry(registry)
        except IntegrityError:
            raise Conflict("the policy registry changed meanwhile; retry the change") from None
