"""Which tier a test belongs to, decided from what it uses rather than marked by hand.

- `system`: it runs servers or other processes (the helpers in `tests/procs.py`, a
  subprocess, uvicorn in a thread, a browser), or is marked `slow` (the older name);
- `integration`: it needs Postgres, i.e. some fixture it uses, however indirectly, rests on
  `server_url`;
- `unit`: anything else: pure domain code, adapters with fakes, no database at all.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import pytest

# Calls that start a process or a server.
_RUNS_PROCESSES = re.compile(
    r"\bprocs\.(serve|project|Proc)\b|\bsubprocess\.|\bProcessPoolExecutor\b|\buvicorn\.|"
    r"\bsync_playwright\b"
)
DATABASE_FIXTURE = "server_url"


def tier_of(item: pytest.Item) -> pytest.MarkDecorator:
    if item.get_closest_marker("slow") or any(_runs_processes(f) for f in _functions(item)):
        return pytest.mark.system
    if DATABASE_FIXTURE in getattr(item, "fixturenames", ()):
        return pytest.mark.integration
    return pytest.mark.unit


def _functions(item: pytest.Item) -> Iterator[Callable[..., Any]]:
    """The test function and every fixture function it uses."""
    if isinstance(item, pytest.Function):
        yield item.function
        for definitions in item._fixtureinfo.name2fixturedefs.values():
            for definition in definitions:
                yield definition.func


@cache
def _runs_processes(function: Callable[..., Any]) -> bool:
    try:
        source = inspect.getsource(inspect.unwrap(function))
    except (OSError, TypeError):
        return False
    return bool(_RUNS_PROCESSES.search(source))
