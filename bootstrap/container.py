"""The composition root: the one place that builds every part from settings and wires them."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from functools import partial

from fastapi import FastAPI

from adapters.claude import Claude, FailureObserver, make_client
from adapters.claude_assessor import ClaudeAssessor
from adapters.claude_assistant import ClaudeAssistant
from adapters.offline_assessor import OfflineAssessor, SecondOpinionAssessor
from adapters.offline_assistant import OfflineAssistant
from api.app import create_app
from api.auth import TokenSigner
from api.dependencies import HttpLimits, Services
from api.metrics import Metrics
from application.policies import PolledPolicy, load_policy
from application.registry import RegistryService
from application.reviews import ReviewService
from application.service import ConversationService
from bootstrap.database import data_keys
from bootstrap.registry import registry_service
from bootstrap.settings import Settings
from domain.policy import InForce
from domain.ports import Assessor, Assistant
from eventstore.database import eventsourcing_env
from eventstore.store import ConversationStore
from projections.progress import progress_of, review_queue_of
from projections.readside import ReadSide

log = logging.getLogger(__name__)


@dataclass
class Container:
    settings: Settings
    url: str
    store: ConversationStore
    service: ConversationService
    registry: RegistryService
    reviews: ReviewService
    signer: TokenSigner
    read_side: ReadSide
    metrics: Metrics

    @classmethod
    def build(cls, settings: Settings, url: str, *, run_projections: bool = True) -> Container:
        store = ConversationStore(
            env=eventsourcing_env(url, POSTGRES_POOL_SIZE="8", POSTGRES_MAX_OVERFLOW="16"),
            keys=data_keys(settings, url),
        )
        metrics = Metrics()
        assessor, assistant = model_adapters(settings, metrics.observe_model_failure)
        # The one place the read side learns its database: the replica when there is one.
        read_side = ReadSide(
            url,
            store.event_mapper,
            read_url=settings.database_read_url,
            run_projections=run_projections,
            pool_size=settings.read_pool_size,
        )
        metrics.follow_projections(partial(progress_of, read_side.pool))
        metrics.follow_review_queue(partial(review_queue_of, read_side.pool))
        registry = registry_service(url)
        service = ConversationService(
            store,
            assessor,
            assistant,
            live_policy(registry, settings),
            default_model=settings.default_model,
            max_text_chars=settings.max_text_chars,
            turn_deadline=settings.turn_deadline_seconds,
            on_write=read_side.last_writes.note,
            on_turn=metrics.observe_turn,
            on_refused=metrics.observe_refused_turn,
        )
        reviews = ReviewService(
            store,
            claim_seconds=settings.review_claim_seconds,
            max_note_chars=settings.max_text_chars,
            on_write=read_side.last_writes.note,
        )
        signer = TokenSigner(settings.signing_secret(), settings.token_ttl_seconds)
        # What start-up made (modules, rule sets, the schema) lives as long as the process:
        # frozen, full collections stop walking it. Without this, a projection catching up
        # (a batch's decoded events surviving into the old generation) spent about a quarter
        # of its time in collections walking these objects.
        gc.freeze()
        return cls(settings, url, store, service, registry, reviews, signer, read_side, metrics)

    def close(self) -> None:
        self.read_side.close()
        self.registry.close()
        self.store.close()


# A promotion reaches every API process within this, well inside the 2 s promised.
POLICY_POLL_SECONDS = 1.0


def live_policy(registry: RegistryService, settings: Settings) -> PolledPolicy:
    """The registry's live policy and those in shadow, followed as they change (a promotion
    or a shadow reaches every worker within `POLICY_POLL_SECONDS`); the policy file while
    the registry is empty (a database migrated without `lastresort migrate`'s seed)."""
    in_force = registry.in_force()
    if in_force is not None:
        shadows = ", ".join(p.version for p in in_force.shadows) or "none"
        log.info(
            "policy %s is live (from the policy registry); in shadow: %s",
            in_force.live.version,
            shadows,
        )
        return PolledPolicy(registry.in_force, in_force, POLICY_POLL_SECONDS)
    policy = load_policy(settings.policy_file)
    log.warning(
        "the policy registry is empty: using %s from %s (run `lastresort migrate` to seed it)",
        policy.version,
        settings.policy_file,
    )
    return PolledPolicy(registry.in_force, InForce(policy), POLICY_POLL_SECONDS)


def web_app(container: Container) -> FastAPI:
    """The HTTP application over `container`; it closes the container when it stops."""
    settings = container.settings
    limits = HttpLimits(
        production=settings.production,
        max_text_chars=settings.max_text_chars,
        max_body_bytes=settings.max_body_bytes,
        ready_max_lag=settings.ready_max_lag,
    )
    services = Services(
        service=container.service,
        registry=container.registry,
        reviews=container.reviews,
        read_side=container.read_side,
        signer=container.signer,
        metrics=container.metrics,
        limits=limits,
        last_recorded=container.store.recorder.max_notification_id,
        close=container.close,
    )
    return create_app(services)


def offline_assessor(settings: Settings) -> OfflineAssessor | SecondOpinionAssessor:
    """The rules, with the n-gram second opinion unless `LASTRESORT_OFFLINE_SECOND_OPINION`
    is `none`."""
    if settings.offline_second_opinion == "ngrams":
        return SecondOpinionAssessor()
    return OfflineAssessor()


def model_adapters(
    settings: Settings, on_failure: FailureObserver | None = None
) -> tuple[Assessor, Assistant]:
    """Offline by default; Claude when `ANTHROPIC_API_KEY` is set (offline assesses its misses).

    `on_failure` is told of every failed model call (the metrics)."""
    offline = offline_assessor(settings)
    offline.warm_up()
    if not settings.anthropic_api_key:
        return offline, OfflineAssistant()
    client = make_client(settings.anthropic_api_key)
    claude = Claude(
        client, settings.anthropic_model_timeout, settings.anthropic_max_retries, on_failure
    )
    assessor = ClaudeAssessor(claude, settings.assessor_model, fallback=offline)
    assistant = ClaudeAssistant(claude, context_tokens=settings.context_tokens, count_with_api=True)
    return assessor, assistant
