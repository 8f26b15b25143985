"""The policy registry: its invariants, on the aggregate and through the service on the
library's in-memory store (the events go through the real transcoder there too)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from api.auth import TokenSigner
from application.policies import PolledPolicy
from application.registry import RegistryService
from cli.main import main
from domain.access import Principal, Role
from domain.errors import Conflict, Forbidden, IdempotencyKeyReused, NotFound, PolicyConflict
from domain.policy import InForce, Policy
from domain.registry import (
    PolicyRegistered,
    PolicyRegistry,
    PolicyStatus,
    Promoted,
    Retired,
    ShadowStarted,
    ShadowStopped,
)
from eventstore.registry import RegistryStore
from tests.services import IN_MEMORY, MakeService

AT = datetime(2026, 1, 1, tzinfo=UTC)
ADMIN = Principal("ada", Role.ADMIN)
REVIEWER = Principal("rita", Role.REVIEWER)
USER = Principal("uma", Role.USER)
ONE, TWO = Policy("v1"), Policy("v2", min_redirects=3)


def memory_registry() -> RegistryService:
    return RegistryService(RegistryStore(env=IN_MEMORY), clock=lambda: AT)


def test_registering_then_promoting_makes_one_live_and_supersedes_the_previous() -> None:
    registry = PolicyRegistry()
    registry.register(ONE, "ada", AT)
    registry.promote("v1", "ada", AT)
    registry.register(TWO, "bob", AT + timedelta(1))
    registry.promote("v2", "bob", AT + timedelta(1))

    assert registry.live == TWO
    assert [type(e) for e in registry.collect_events()] == [
        PolicyRegistered,
        Promoted,
        PolicyRegistered,
        Promoted,
    ]
    assert registry.entry("v1").status is PolicyStatus.REGISTERED
    assert registry.entry("v2").promoted_at == AT + timedelta(1)
    assert registry.entry("v2").by == "bob"


def test_repeating_a_change_records_nothing() -> None:
    registry = PolicyRegistry()
    registry.start_shadow(ONE, "ada", AT)
    assert [type(e) for e in registry.collect_events()] == [PolicyRegistered, ShadowStarted]
    registry.start_shadow(ONE, "ada", AT)
    registry.register(ONE, "ada", AT)
    registry.stop_shadow("v1", "ada", AT)
    registry.stop_shadow("v1", "ada", AT)
    registry.promote("v1", "ada", AT)
    registry.promote("v1", "ada", AT)
    assert [type(e) for e in registry.collect_events()] == [ShadowStopped, Promoted]


def test_refusals_are_coded() -> None:
    registry = PolicyRegistry()
    with pytest.raises(NotFound):
        registry.promote("nope", "ada", AT)
    registry.register(ONE, "ada", AT)
    with pytest.raises(PolicyConflict, match="other content"):
        registry.register(replace(ONE, min_redirects=5), "ada", AT)
    registry.retire("v1", "ada", AT)
    with pytest.raises(PolicyConflict, match="retired"):
        registry.promote("v1", "ada", AT)
    with pytest.raises(PolicyConflict, match="retired"):
        registry.start_shadow(ONE, "ada", AT)
    registry.register(TWO, "ada", AT)
    registry.promote("v2", "ada", AT)
    with pytest.raises(PolicyConflict, match="live"):
        registry.retire("v2", "ada", AT)
    with pytest.raises(PolicyConflict, match="live"):
        registry.start_shadow(TWO, "ada", AT)
    assert PolicyConflict.code == "policy_conflict"


def test_an_idempotency_key_names_one_change() -> None:
    registry = PolicyRegistry()
    registry.register(ONE, "ada", AT)
    registry.register(TWO, "ada", AT)
    registry.promote("v1", "ada", AT, request_key="k")
    registry.promote("v2", "ada", AT)
    registry.promote("v1", "ada", AT, request_key="k")  # the retry: already done
    assert registry.live == TWO
    with pytest.raises(IdempotencyKeyReused):
        registry.stop_shadow("v1", "ada", AT, request_key="k")


def test_the_store_gives_back_the_registry_it_saved() -> None:
    service = memory_registry()
    assert service.seed(ONE)
    assert not service.seed(TWO)  # seeds only an empty registry
    service.shadow(ADMIN, TWO)
    reloaded = service.store.get_registry()
    assert reloaded.live == ONE
    assert reloaded.shadows == [TWO]
    assert [(e.version, e.status, e.by) for e in service.entries(REVIEWER)] == [
        ("v1", PolicyStatus.LIVE, "system"),
        ("v2", PolicyStatus.SHADOW, "ada"),
    ]


def test_users_never_see_the_registry_and_reviewers_only_read_it() -> None:
    service = memory_registry()
    service.seed(ONE)
    with pytest.raises(Forbidden):
        service.entries(USER)
    for who in (USER, REVIEWER):
        with pytest.raises(Forbidden):
            service.shadow(who, TWO)
        with pytest.raises(Forbidden):
            service.promote(who, "v1")
    assert service.promote(ADMIN, "v1").status is PolicyStatus.LIVE


def test_a_racing_change_is_a_conflict() -> None:
    service = memory_registry()
    service.seed(ONE)
    stale = service.store.get_registry()
    service.shadow(ADMIN, TWO)
    stale.start_shadow(replace(TWO, version="v3"), "ada", AT)
    with pytest.raises(Conflict):
        service._save(stale)


VERSIONS = ["a", "b", "c"]


class RegistryMachine(RuleBasedStateMachine):
    """Any sequence of changes keeps one live version at most, never revives a retired one,
    and replays from its events to the same state."""

    def __init__(self) -> None:
        super().__init__()
        self.registry = PolicyRegistry()
        self.events: list[object] = []
        self.retired: set[str] = set()

    def _try(self, change: object, version: str) -> None:
        before = self.registry.version
        try:
            change()  # type: ignore[operator]
        except (NotFound, PolicyConflict):
            assert self.registry.version == before, "a refused change recorded events"
        self.events.extend(self.registry.collect_events())
        if self.registry.entries.get(version) and (
            self.registry.entries[version].status is PolicyStatus.RETIRED
        ):
            self.retired.add(version)

    @rule(version=st.sampled_from(VERSIONS), redirects=st.integers(0, 1))
    def shadow(self, version: str, redirects: int) -> None:
        policy = Policy(version, min_redirects=redirects)
        self._try(lambda: self.registry.start_shadow(policy, "ada", AT), version)

    @rule(version=st.sampled_from(VERSIONS))
    def stop(self, version: str) -> None:
        self._try(lambda: self.registry.stop_shadow(version, "ada", AT), version)

    @rule(version=st.sampled_from(VERSIONS))
    def promote(self, version: str) -> None:
        self._try(lambda: self.registry.promote(version, "ada", AT), version)

    @rule(version=st.sampled_from(VERSIONS))
    def retire(self, version: str) -> None:
        self._try(lambda: self.registry.retire(version, "ada", AT), version)

    @precondition(lambda self: self.registry.live is not None)
    @rule()
    def promote_live_again(self) -> None:
        live = self.registry.live
        assert live is not None
        before = self.registry.version
        self.registry.promote(live.version, "ada", AT)
        assert self.registry.version == before

    @invariant()
    def at_most_one_live(self) -> None:
        live = [e for e in self.registry.entries.values() if e.status is PolicyStatus.LIVE]
        assert len(live) <= 1

    @invariant()
    def retired_stays_retired(self) -> None:
        for version in self.retired:
            assert self.registry.entries[version].status is PolicyStatus.RETIRED

    @invariant()
    def replaying_the_events_gives_the_same_registry(self) -> None:
        replayed = PolicyRegistry.from_events(self.events)  # type: ignore[arg-type]
        assert replayed.entries == self.registry.entries


RegistryMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=20)
TestRegistryMachine = RegistryMachine.TestCase


def test_every_event_holds_the_full_policy() -> None:
    registry = PolicyRegistry()
    registry.start_shadow(TWO, "ada", AT)
    registry.promote("v2", "ada", AT)
    registry.register(ONE, "ada", AT)
    registry.promote("v1", "ada", AT)
    registry.retire("v2", "ada", AT)
    events = registry.collect_events()
    assert all(e.policy in (ONE, TWO) for e in events)  # type: ignore[attr-defined]
    assert isinstance(events[-1], Retired) and events[-1].policy == TWO
    assert isinstance(events[-2], Promoted) and events[-2].superseded == TWO


class Switchable:
    """A `LivePolicy` whose policy the test changes, as a reloading one would."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def current(self) -> InForce:
        return InForce(self.policy)


def test_each_turn_decides_under_the_policy_live_when_it_starts(make_service: MakeService) -> None:
    live = Switchable(ONE)
    service = make_service(policy=live)
    alice = Principal("alice")
    conversation = service.start(alice, "claude-opus-4-1")
    first = service.send_message(alice, conversation.id, "Hello there")
    live.policy = TWO
    second = service.send_message(alice, conversation.id, "Hello again")
    assert (first.turn.policy, second.turn.policy) == (ONE, TWO)
    assert second.turn.decision.policy_version == "v2"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_polled_policy_follows_the_registry_once_its_interval_has_passed() -> None:
    clock, answers = Clock(), {"live": InForce(ONE)}
    asked: list[float] = []

    def read() -> InForce | None:
        asked.append(clock.now)
        return answers["live"]

    live = PolledPolicy(read, InForce(ONE), interval=1.0, clock=clock)
    answers["live"] = InForce(TWO, (ONE,))  # promoted elsewhere, the old one shadowed
    clock.now += 0.5
    assert live.current() == InForce(ONE) and asked == []  # within the interval: no read
    clock.now += 0.5
    assert live.current() == InForce(TWO, (ONE,)) and asked == [101.0]
    assert live.current().live == TWO and asked == [101.0]  # asked again only after the interval
    answers["live"] = None  # an emptied registry (a fresh database): keep what was live
    clock.now += 1.0
    assert live.current() == InForce(TWO, (ONE,)) and asked == [101.0, 102.0]


def test_the_cli_mints_admin_tokens(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "registry-test-secret-" + "x" * 32
    monkeypatch.setenv("LASTRESORT_SECRET", secret)
    assert main(["token", "--user", "ada", "--role", "admin"]) == 0
    token = capsys.readouterr().out.splitlines()[-1]
    assert TokenSigner(secret, 60).verify(token) == Principal("ada", Role.ADMIN)
