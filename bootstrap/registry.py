"""The policy registry over a database URL; apart from the container, so that the
`policy` commands and `migrate` do not load the HTTP app or the models to reach it."""

from __future__ import annotations

from application.registry import RegistryService
from eventstore.database import eventsourcing_env
from eventstore.registry import RegistryStore


def registry_service(url: str) -> RegistryService:
    """The policy registry in the database at `url` (close it when done)."""
    return RegistryService(RegistryStore(env=eventsourcing_env(url, POSTGRES_POOL_SIZE="1")))
