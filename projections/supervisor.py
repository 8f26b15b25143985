"""Keeps a background loop alive: a failed attempt is retried after a backoff (tenacity's),
and stopping interrupts any wait at once.

The projection runners and the progress watcher each hold one connection for as long as it
lasts; when it goes, the attempt raises, and they reconnect here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from tenacity import RetryCallState, Retrying, retry_if_exception_type
from tenacity.wait import WaitBaseT

log = logging.getLogger(__name__)


def supervise(
    name: str,
    attempt: Callable[[], None],
    stopping: threading.Event,
    *,
    wait: WaitBaseT,
    retry_on: type[Exception] | tuple[type[Exception], ...],
    pause: float,
) -> None:
    """Run `attempt` until `stopping` is set: again `pause` seconds after it returns, and
    after `wait`'s backoff (counted afresh after every return) while it raises `retry_on`."""

    def once() -> None:
        if not stopping.is_set():
            attempt()

    def sleep(seconds: float) -> None:
        stopping.wait(seconds)  # wakes at once when stopping

    def report(state: RetryCallState) -> None:
        assert state.outcome is not None and state.next_action is not None
        error, delay = state.outcome.exception(), state.next_action.sleep
        if isinstance(error, psycopg.Error):
            log.warning("%s lost its connection (%s); retrying in %.1fs", name, error, delay)
        else:
            log.error("%s failed; retrying in %.1fs", name, delay, exc_info=error)

    retrying = Retrying(
        retry=retry_if_exception_type(retry_on),
        wait=wait,
        stop=lambda _: stopping.is_set(),
        sleep=sleep,
        before_sleep=report,
        retry_error_callback=lambda _: None,
    )
    while not stopping.is_set():
        retrying(once)
        stopping.wait(pause)
