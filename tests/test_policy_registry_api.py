"""The policy registry on Postgres: seeded by `lastresort migrate`, changed with the
`policy` commands and GraphQL (admins only), read by reviewers, never by users; the
service starts on the registry's live policy."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from application.policies import DEFAULT_POLICY_FILE, load_policy
from bootstrap.container import Container
from bootstrap.registry import registry_service
from bootstrap.settings import Settings
from cli.main import main
from domain.access import Principal, Role
from domain.registry import PolicyStatus
from eventstore.migrate import migrate
from tests.api_calls import Auth, codes, data, gql
from tests.waiting import wait_until

POLICIES = "{ policies { version status registeredAt promotedAt by } }"
SHADOW = "mutation($p: String!) { shadowPolicy(policy: $p) { version status by } }"
PROMOTE = "mutation($v: String!) { promotePolicy(version: $v) { version status by promotedAt } }"
STOP = "mutation($v: String!) { stopShadow(version: $v) { version status } }"


@pytest.fixture
def database(fresh_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty database the commands run on (`DATABASE_URL`)."""
    url = fresh_database()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("LASTRESORT_POLICY", raising=False)
    return url


def statuses(url: str) -> dict[str, tuple[PolicyStatus, str]]:
    service = registry_service(url)
    try:
        registry = service.store.get_registry()
    finally:
        service.close()
    return {v: (e.status, e.by) for v, e in registry.entries.items()}


def policy_text(version: str, min_redirects: int = 2) -> str:
    """The default policy file under another version (and number of redirects)."""
    default = DEFAULT_POLICY_FILE.read_text()
    assert 'version = "2025-08.1"' in default and "min_redirects = 2\n" in default
    return default.replace('"2025-08.1"', f'"{version}"').replace(
        "min_redirects = 2\n", f"min_redirects = {min_redirects}\n"
    )


def candidate(tmp_path: Path, version: str, min_redirects: int = 2) -> Path:
    path = tmp_path / f"{version}.toml"
    path.write_text(policy_text(version, min_redirects))
    return path


def test_migrate_seeds_an_empty_registry_once(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    default = load_policy(DEFAULT_POLICY_FILE).version
    assert main(["migrate"]) == 0
    assert f"policy registry seeded: {default} is live" in capsys.readouterr().out
    assert statuses(database) == {default: (PolicyStatus.LIVE, "system")}

    assert main(["migrate"]) == 0
    assert "seeded" not in capsys.readouterr().out
    service = registry_service(database)
    try:
        assert service.store.get_registry().version == 2  # registered, promoted: nothing more
    finally:
        service.close()


def test_the_policy_commands_change_the_registry_as_named(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default = load_policy(DEFAULT_POLICY_FILE).version
    assert main(["migrate"]) == 0
    file = candidate(tmp_path, "2026-01.1", min_redirects=3)

    assert main(["policy", "shadow", str(file), "--as", "ada"]) == 0
    assert statuses(database)["2026-01.1"] == (PolicyStatus.SHADOW, "ada")
    assert main(["policy", "stop", "2026-01.1", "--as", "ada"]) == 0
    assert statuses(database)["2026-01.1"] == (PolicyStatus.REGISTERED, "ada")
    assert main(["policy", "promote", "2026-01.1", "--as", "bob"]) == 0
    assert statuses(database) == {
        default: (PolicyStatus.REGISTERED, "system"),
        "2026-01.1": (PolicyStatus.LIVE, "bob"),
    }
    capsys.readouterr()

    assert main(["policy", "list"]) == 0
    table = capsys.readouterr().out
    rows = {line.split("│")[1].strip(): line for line in table.splitlines() if "│" in line}
    assert "live" in rows["2026-01.1"] and "bob" in rows["2026-01.1"]
    assert "registered" in rows[default] and "system" in rows[default]


def test_a_refused_policy_file_names_the_key_as_replay_does(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text('version = "x"\nmin_redirect = 2\n')
    capsys.readouterr()
    assert main(["policy", "shadow", str(bad)]) == 2
    shadow_error = capsys.readouterr().err
    assert main(["replay", "--policy", str(bad)]) == 2
    assert capsys.readouterr().err == shadow_error
    assert "'min_redirect'" in shadow_error
    assert main(["policy", "promote", "no-such-version"]) == 2
    assert "'no-such-version' is not in the registry" in capsys.readouterr().err


def test_the_service_starts_on_the_registry_s_live_policy(
    database: str, tmp_path: Path, settings: Settings
) -> None:
    assert main(["migrate"]) == 0
    assert main(["policy", "shadow", str(candidate(tmp_path, "2026-02.1"))]) == 0
    assert main(["policy", "promote", "2026-02.1"]) == 0
    container = Container.build(settings, database, run_projections=False)
    try:
        assert container.service.policy.version == "2026-02.1"
    finally:
        container.close()


def test_a_promotion_reaches_a_running_service_within_two_seconds(
    database: str, tmp_path: Path, settings: Settings
) -> None:
    assert main(["migrate"]) == 0
    container = Container.build(settings, database, run_projections=False)
    try:
        alice = Principal("alice")
        conversation = container.service.start(alice, "claude-opus-4-1")
        before = container.service.send_message(alice, conversation.id, "Hello there")
        assert before.turn.decision.policy_version == "2025-08.1"
        # Another process (the CLI here) promotes a new version; the service is not restarted.
        assert main(["policy", "shadow", str(candidate(tmp_path, "2026-03.1"))]) == 0
        assert main(["policy", "promote", "2026-03.1"]) == 0
        wait_until(lambda: container.service.policy.version == "2026-03.1", 2.0, "the promotion")
        after = container.service.send_message(alice, conversation.id, "Hello again")
        assert after.turn.decision.policy_version == "2026-03.1"
    finally:
        container.close()


def test_an_empty_registry_falls_back_to_the_policy_file(
    fresh_database: Callable[[], str], settings: Settings
) -> None:
    url = fresh_database()
    migrate(url)  # the schema only: no seed
    container = Container.build(settings, url, run_projections=False)
    try:
        assert container.service.policy == load_policy(settings.policy_file)
    finally:
        container.close()


@pytest.fixture
def seeded(container: Container) -> Iterator[str]:
    """A version of the test's own: the registry behind `client` is shared by the session,
    and the running service follows it, so the version live before is promoted back."""
    container.registry.seed(container.service.policy)  # the session's database: unseeded
    before = container.registry.live()
    assert before is not None
    yield f"t-{uuid.uuid4().hex[:8]}"
    container.registry.promote(Principal("cleanup", Role.ADMIN), before.version)
    wait_until(lambda: container.service.policy == before, 2.0, "the service back on its policy")


def test_graphql_users_are_refused_reviewers_read_admins_change(
    client: TestClient, auth: Auth, seeded: str
) -> None:
    user, reviewer = auth(), auth("rita", Role.REVIEWER)
    admin = auth("ada", Role.ADMIN)

    assert codes(gql(client, user, POLICIES)) == ["FORBIDDEN"]
    for who in (user, reviewer):
        assert codes(gql(client, who, SHADOW, p=policy_text(seeded))) == ["FORBIDDEN"]
        assert codes(gql(client, who, PROMOTE, v=seeded)) == ["FORBIDDEN"]
    assert seeded not in {p["version"] for p in data(client, reviewer, POLICIES)["policies"]}

    shadowed = data(client, admin, SHADOW, p=policy_text(seeded))["shadowPolicy"]
    assert shadowed == {"version": seeded, "status": "shadow", "by": "ada"}
    assert data(client, admin, STOP, v=seeded)["stopShadow"]["status"] == "registered"
    promoted = data(client, admin, PROMOTE, v=seeded)["promotePolicy"]
    assert promoted["status"] == "live" and promoted["promotedAt"]

    listed = data(client, reviewer, POLICIES)["policies"]
    live = [p for p in listed if p["status"] == "live"]
    assert [p["version"] for p in live] == [seeded]


def test_graphql_refusals_are_coded(client: TestClient, auth: Auth, seeded: str) -> None:
    admin = auth("ada", Role.ADMIN)
    assert codes(gql(client, admin, SHADOW, p='version = "x"\nmin_redirect = 2\n')) == ["BAD_INPUT"]
    assert codes(gql(client, admin, PROMOTE, v=seeded)) == ["NOT_FOUND"]
    data(client, admin, SHADOW, p=policy_text(seeded))
    changed = policy_text(seeded, min_redirects=3)
    assert codes(gql(client, admin, SHADOW, p=changed)) == ["POLICY_CONFLICT"]


def test_graphql_honours_the_idempotency_key(client: TestClient, auth: Auth, seeded: str) -> None:
    admin = auth("ada", Role.ADMIN)
    other = f"{seeded}-b"
    data(client, admin, SHADOW, p=policy_text(seeded))
    data(client, admin, SHADOW, p=policy_text(other))
    keyed = {**admin, "Idempotency-Key": f"k-{seeded}"}
    assert data(client, keyed, PROMOTE, v=seeded)["promotePolicy"]["status"] == "live"
    data(client, admin, PROMOTE, v=other)
    # The retried request finds its change made: it answers, and changes nothing again.
    assert data(client, keyed, PROMOTE, v=seeded)["promotePolicy"]["status"] == "registered"
    assert codes(gql(client, keyed, STOP, v=seeded)) == ["IDEMPOTENCY_KEY_REUSED"]
