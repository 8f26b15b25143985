"""Which tier a test belongs to, decided from what it uses rather than marked by hand.

- `system`: it runs servers or other processes (the helpers in `tests/procs.py`, a
  subprocess, uvicorn in a thread, a browser, a Postgres started with `pg_ctl`), itself or
  through a helper of the suite it calls, or is marked `slow` (the older name);
- `integration`: it needs Postgres, i.e. some fixture it uses, however indirectly, rests on
  `server_url`;
- `unit`: anything else: pure domain code, adapters with fakes, the service on the
  in-memory store; no database at all, which `off_postgres` enforces while each runs.
"""

from __future__ import annotations

import importlib
import inspect
import re
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from types import CodeType, ModuleType
from typing import Any

import psycopg
import psycopg_pool
import pytest

# Calls that start a process or a server.
_RUNS_PROCESSES = re.compile(
    r"\bprocs\.(serve|project|Proc)\b|\bsubprocess\.|\bProcessPoolExecutor\b|\buvicorn\.|"
    r"\bsync_playwright\b|\bpg_ctl\("
)
DATABASE_FIXTURE = "server_url"
_SUITE = __name__.rpartition(".")[0] + "."  # "tests."


def tier_of(item: pytest.Item) -> pytest.MarkDecorator:
    if item.get_closest_marker("slow") or any(_runs_processes(f) for f in _functions(item)):
        return pytest.mark.system
    if DATABASE_FIXTURE in getattr(item, "fixturenames", ()):
        return pytest.mark.integration
    return pytest.mark.unit


def _functions(item: pytest.Item) -> Iterator[Callable[..., Any]]:
    """The test function, every fixture function it uses, and the suite's helpers they call."""
    if isinstance(item, pytest.Function):
        yield from _with_helpers(item.function)
        for definitions in item._fixtureinfo.name2fixturedefs.values():
            for definition in definitions:
                yield from _with_helpers(definition.func)


@cache
def _with_helpers(function: Callable[..., Any]) -> tuple[Callable[..., Any], ...]:
    """`function` and the functions of `tests/` it names, however deep: a test that runs a
    process through a helper of its module (`_run`, in the CLI tests) runs one."""
    found: dict[Callable[..., Any], None] = {}
    todo = [inspect.unwrap(function)]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found[current] = None
        code = getattr(current, "__code__", None)
        if code is None:
            continue
        scope = getattr(current, "__globals__", {})
        for name in _names(code):
            named = scope.get(name)
            if inspect.isfunction(named) and named.__module__.startswith(_SUITE):
                todo.append(inspect.unwrap(named))
    return tuple(found)


def _names(code: CodeType) -> Iterator[str]:
    """The global names `code` reads, its nested functions' and lambdas' included."""
    yield from code.co_names
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            yield from _names(constant)


@cache
def _runs_processes(function: Callable[..., Any]) -> bool:
    try:
        source = inspect.getsource(inspect.unwrap(function))
    except (OSError, TypeError):
        return False
    return bool(_RUNS_PROCESSES.search(source))


class ReachedPostgres(AssertionError):
    """A unit-tier test tried to open a Postgres connection or start a server."""


@contextmanager
def off_postgres(item: pytest.Item) -> Iterator[list[str]]:
    """While a unit-tier test sets up and runs, every way the code opens a Postgres
    connection (psycopg directly, or a pool's connection, refused in the caller rather than
    in the pool's worker, which would retry for its whole timeout) or starts one (pgserver)
    raises `ReachedPostgres`; the attempts are also listed, so code that catches the error
    still fails the test. A unit test that needs Postgres belongs in the integration tier.

    Threads already running when the test starts (the read models of a session's app,
    left by integration tests run before) keep their connections: they are not the test's.
    """
    attempts: list[str] = []
    others = {thread.ident for thread in threading.enumerate()} - {threading.get_ident()}

    def refusing(original: Any) -> Any:
        """`original` (a function, or a classmethod, kept one) for the other threads only."""
        if isinstance(original, classmethod):
            return classmethod(refusing(original.__func__))

        def refused(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() in others:
                return original(*args, **kwargs)
            attempts.append(item.nodeid)
            raise ReachedPostgres(f"{item.nodeid} is a unit test but tried to reach Postgres")

        return refused

    with pytest.MonkeyPatch.context() as patch:
        for owner, name in (
            (psycopg, "connect"),
            (psycopg.Connection, "connect"),
            (psycopg.AsyncConnection, "connect"),
            (psycopg_pool.ConnectionPool, "getconn"),
            (psycopg_pool.ConnectionPool, "wait"),
            (psycopg_pool.AsyncConnectionPool, "getconn"),
            (psycopg_pool.AsyncConnectionPool, "wait"),
            (_pgserver(), "get_server"),
        ):
            patch.setattr(owner, name, refusing(inspect.getattr_static(owner, name)))
        yield attempts


@cache
def _pgserver() -> ModuleType:
    """pgserver, imported without its note that XDG_RUNTIME_DIR is unset."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module("pgserver")
