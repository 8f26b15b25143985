"""The application service as the tests build it, over Postgres or over no database at all.

`offline_service` is the one recipe (offline models, the default policy, anything else
passed in), so a rule is tested the same way whichever store is under it. `memory_store`
is the service's store on the library's in-memory persistence (`eventsourcing.popo`): the
same `ConversationStore`, the same optimistic concurrency (a stale save raises the
library's `IntegrityError`), no SQL, so the service's rules run in the unit tier.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from adapters.offline_assessor import OfflineAssessor
from adapters.offline_assistant import OfflineAssistant
from application.policies import load_policy
from application.repository import Repository
from application.service import ConversationService
from bootstrap.settings import Settings
from domain.policy import Policy
from eventstore.store import ConversationStore

IN_MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
MakeService = Callable[..., ConversationService]  # `offline_service` with its store given


@cache
def default_policy() -> Policy:
    """The policy the service runs by default (`LASTRESORT_POLICY` unset)."""
    return load_policy(Settings().policy_file)


def memory_store() -> ConversationStore:
    return ConversationStore(env=IN_MEMORY)


def offline_service(store: Repository, **options: Any) -> ConversationService:
    """A service over `store` on the offline assessor and assistant and the default policy;
    `options` replaces any of them or sets any other argument (`clock`, `turn_deadline`…)."""
    parts: dict[str, Any] = {
        "assessor": OfflineAssessor(),
        "assistant": OfflineAssistant(),
        "policy": default_policy(),
        **options,
    }
    return ConversationService(store, **parts)
