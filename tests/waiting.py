"""Waiting for something to happen in a test: poll a condition, with a bound.

A fixed `sleep` either wastes time or, on a loaded machine, is too short and makes the test
flaky; these poll instead and fail with `what` named when the bound passes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
POLL_SECONDS = 0.02


def wait_until(condition: Callable[[], T], timeout: float, what: str) -> T:
    """Poll `condition` until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:g}s for {what}")
        time.sleep(POLL_SECONDS)
    return result


async def wait_until_async(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """The same inside an event loop: yields to the tasks in flight while it polls."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:g}s for {what}")
        await asyncio.sleep(POLL_SECONDS)
