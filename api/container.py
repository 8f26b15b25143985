"""The composition root: builds the service and its adapters from settings."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.offline_assessor import OfflineAssessor

from adapters.offline_assistant import OfflineAssistant
from api.auth import TokenSigner
from api.database import eventsourcing_env
from api.policies import load_policy
from api.service import ConversationService
from api.settings import Settings
from api.store import ConversationStore


@dataclass
class Container:
    settings: Settings
    url: str
    store: ConversationStore
    service: ConversationService
    signer: TokenSigner

    @classmethod
    def build(cls, settings: Settings, url: str) -> Container:
        store = ConversationStore(
            env=eventsourcing_env(url, POSTGRES_POOL_SIZE="8", POSTGRES_MAX_OVERFLOW="16")
        )
        service = ConversationService(
            store,
            OfflineAssessor(),
            OfflineAssistant(),
            load_policy(settings.policy_file),
            default_model=settings.default_model,
            max_text_chars=settings.max_text_chars,
        )
        signer = TokenSigner(settings.signing_secret(), settings.token_ttl_seconds)
        return cls(settings, url, store, service, signer)

    def close(self) -> None:
        self.store.close()
