"""Fixtures: a fresh, migrated database on the real Postgres, and the app over it.

The server is `LASTRESORT_TEST_DATABASE_URL` (default: the one on 127.0.0.1:5432); when
none answers, an embedded Postgres is started for the session, so the suite runs on any
machine, and is stopped and deleted when the session ends.

Every test gets one tier marker (`tests/tiers.py`): `system` when it runs servers or other
processes, `integration` when it needs Postgres, `unit` otherwise; a unit test that reaches
for Postgres anyway fails. The unit tier tests the service on the in-memory store
(`memory`, `make_service`, `service`), so it never touches the test server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Generator, Iterator
from functools import partial
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from application.service import ConversationService
from bootstrap.container import Container, web_app
from bootstrap.settings import Settings
from domain.access import Role
from eventstore.database import with_dbname
from eventstore.migrate import migrate
from eventstore.store import ConversationStore
from projections.readside import VIEW_NAMES, make_runners
from projections.runner import ReadModelRunner
from tests.api_calls import Auth
from tests.postgres import embedded_postgres
from tests.services import MakeService, memory_store, offline_service
from tests.tiers import off_postgres, tier_of

SERVER_URL = os.environ.get(
    "LASTRESORT_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(tier_of(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    return (yield from _unit_off_postgres(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    return (yield from _unit_off_postgres(item))


def _unit_off_postgres(item: pytest.Item) -> Generator[None, None, None]:
    """Set-up and run of a unit test, refused Postgres (teardown is left alone: it may close
    session fixtures other tiers opened)."""
    if item.get_closest_marker("unit") is None:
        return (yield)
    with off_postgres(item) as attempts:
        result = yield
    if attempts:
        pytest.fail(f"a unit test reached for Postgres {len(attempts)} time(s); see tests/tiers.py")
    return result


@pytest.fixture
def memory() -> Iterator[ConversationStore]:
    """The service's store on the library's in-memory persistence, empty for each test."""
    store = memory_store()
    yield store
    store.close()


@pytest.fixture
def make_service(memory: ConversationStore) -> MakeService:
    """Makes services over `memory`: offline models and the default policy unless the
    keyword arguments say otherwise (`tests.services.offline_service`)."""
    return partial(offline_service, memory)


@pytest.fixture
def service(make_service: MakeService) -> ConversationService:
    return make_service()


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    if _answers(SERVER_URL):
        yield SERVER_URL
        return
    with embedded_postgres() as server:
        yield server.get_uri()


@pytest.fixture(scope="session")
def fresh_database(server_url: str) -> Iterator[Callable[[], str]]:
    """Makes empty databases on the test server; drops them at the end of the session."""
    made: list[str] = []

    def make() -> str:
        name = f"lastresort_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return with_dbname(server_url, name)

    yield make
    with psycopg.connect(server_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(fresh_database: Callable[[], str]) -> str:
    url = fresh_database()
    migrate(url)
    return url


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret="test-secret-" + "x" * 32,
        home=tmp_path_factory.mktemp("home"),
    )


@pytest.fixture(scope="session")
def container(settings: Settings, database_url: str) -> Iterator[Container]:
    container = Container.build(settings, database_url)
    yield container
    container.close()


@pytest.fixture(scope="session")
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(web_app(container)) as client:
        yield client


@pytest.fixture
def auth(container: Container) -> Auth:
    def headers(user: str | None = None, role: Role = Role.USER) -> dict[str, str]:
        token = container.signer.mint(user or f"user-{uuid.uuid4().hex[:8]}", role)
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def rita(auth: Auth) -> dict[str, str]:
    """A reviewer, under a name of her own."""
    return auth(f"rita-{uuid.uuid4().hex[:6]}", Role.REVIEWER)


@pytest.fixture
def fresh(fresh_database: Callable[[], str], settings: Settings) -> Iterator[Container]:
    """A container on its own database, with no runners of its own."""
    url = fresh_database()
    migrate(url)
    container = Container.build(settings, url, run_projections=False)
    container.read_side.start()
    yield container
    container.close()


@pytest.fixture
def runners(fresh: Container) -> Iterator[Callable[..., list[ReadModelRunner]]]:
    """Makes runners on the fresh database; stops them all at the end of the test."""
    made: list[ReadModelRunner] = []

    def make(names: tuple[str, ...] = VIEW_NAMES, **options: Any) -> list[ReadModelRunner]:
        new = make_runners(fresh.url, fresh.store.mapper, names, **options)
        made.extend(new)
        return new

    yield make
    for runner in made:
        runner.stop()
