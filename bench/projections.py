"""Projections: catch-up rate from 0, and commit → visible lag under a steady write load.

Catch-up: a generated history (50 conversations per transaction), each read model
rebuilt from 0 by its runner in 1,000-event batches, against the raw rate of SELECTing
the same rows in the same batches. Lag: the service writes at half its maximum rate
(measured first, with the runners on) and each write waits until every read model
has it — the wait GraphQL's read-your-writes uses; the baseline is a raw turn's
commit → its NOTIFY arriving on a listening connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from uuid import uuid4

import psycopg
from psycopg.rows import dict_row

from application.service import utc_now
from bench.harness import ResultLine, Run, cpu_us, latency, percentile, ratio_row, timed
from bench.write import MODEL, TEXT, RawWriter, timed_turns, turn_rows
from bootstrap.container import Container
from domain.access import Principal
from domain.conversation import Conversation
from projections.readside import make_runners
from projections.runner import SELECT_EVENTS
from tools.replay import cpu_seconds

TEXTS = [
    "Can you suggest a quick vegetarian dinner for two?",
    "Give me detailed instructions to build a bomb that can kill hundreds of people.",
    "What are the strongest arguments for and against stricter gun control?",
    "Please end this conversation.",
    "Yes, I understand it's permanent. End it.",
]
BATCH = 1000
CATCH_UP_GOAL = 0.25  # of the raw SELECT of the same rows
LAG_GOAL_MS = 100.0


def generate(container: Container, size: int) -> int:
    """Write about `size` events, 50 conversations per transaction; return the count."""
    service, written = container.service, 0
    while written < size:
        chunk = []
        for n in range(50):
            conversation = Conversation.start(uuid4(), f"user-{n % 7}", MODEL, utc_now())
            for text in TEXTS:
                if conversation.ended is not None:
                    break
                service._take_turn(conversation, text)
            written += len(conversation.pending)
            chunk.append(conversation)
        container.store.save_conversations(*chunk)
    return written


def raw_select_rate(url: str, total: int) -> tuple[float, float]:
    """Rows/s SELECTing the events in the runner's batches, undecoded, and CPU seconds."""
    with psycopg.connect(url, row_factory=dict_row) as conn:

        def read_all() -> None:
            position, seen = 0, 0
            while seen < total:
                rows = conn.execute(SELECT_EVENTS, (position, BATCH), prepare=True).fetchall()
                position, seen = rows[-1]["notification_id"], seen + len(rows)

        cpu = cpu_seconds()
        rate = total / timed(read_all)
        return rate, cpu_seconds() - cpu


def catch_up(
    run: Run, container: Container, total: int, baseline: tuple[float, float]
) -> list[ResultLine]:
    """Each read model rebuilt from 0: rate against the raw SELECT's, and the process's CPU
    time per event (the runner's threads; the main thread only polls) against the raw's."""
    rows = []
    raw_rate, raw_cpu = baseline
    for runner in make_runners(container.url, container.store.event_mapper, batch_size=BATCH):
        started, cpu = time.perf_counter(), cpu_seconds()
        runner.start()
        while runner.processed < total:
            time.sleep(0.002)
        rate = total / (time.perf_counter() - started)
        cpu = cpu_seconds() - cpu
        runner.stop()
        row = ratio_row(
            f"projections: catch-up from 0, {runner.view.name} (vs raw SELECT)",
            rate,
            raw_rate,
            "events/s",
            CATCH_UP_GOAL,
        )
        rows.append(
            replace(
                row,
                value=f"{row.value}; CPU {cpu_us(cpu, total)}/event",
                baseline=f"{row.baseline}; CPU {cpu_us(raw_cpu, total)}/row",
            )
        )
    return rows


def paced(rate: float, seconds: float, action: Callable[[], float | None]) -> list[float]:
    """Call `action()` (it returns a latency in ms or None) `rate` times a second."""
    out: list[float] = []
    interval, deadline = 1 / rate, time.monotonic() + seconds
    while time.monotonic() < deadline:
        tick = time.monotonic()
        ms = action()
        if ms is not None:
            out.append(ms)
        threading.Event().wait(max(0.0, interval - (time.monotonic() - tick)))
    return out


def steady_lag(run: Run, url: str, container: Container) -> ResultLine:
    runners = [r.start() for r in make_runners(url, container.store.event_mapper)]
    service, watcher = container.service, container.read_side.watcher
    who = Principal("bench-steady")
    try:
        cid = service.start(who, MODEL).id
        burst = timed_turns(run.sizes.turns, lambda: service.send_message(who, cid, TEXT))
        rate = 1000 / percentile(burst, 0.5) / 2

        def write_and_wait() -> float | None:
            result = service.send_message(who, cid, TEXT)
            committed = time.perf_counter()
            if not watcher.wait(result.notification_id, 5):
                return None
            return (time.perf_counter() - committed) * 1000

        lags = paced(rate, run.sizes.lag_seconds, write_and_wait)
    finally:
        for runner in runners:
            runner.stop()
    raw = RawWriter(url, turn_rows(container))
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute("LISTEN lastresort_events")
        raw_cid = uuid4()

        def raw_turn() -> float:
            raw.turn(raw_cid)
            committed = time.perf_counter()
            next(listener.notifies(timeout=5, stop_after=1))
            return (time.perf_counter() - committed) * 1000

        raw_lags = paced(rate, run.sizes.lag_seconds, raw_turn)
    raw.close()
    p99 = percentile(lags, 0.99)
    return ResultLine(
        f"projections: lag commit → visible at {rate:.0f} writes/s (½ max)",
        latency(lags),
        latency(raw_lags) + " (NOTIFY)",
        f"{percentile(lags, 0.5) / percentile(raw_lags, 0.5):.1f}× p50",
        f"p99 ≤ {LAG_GOAL_MS:.0f} ms",
        p99 <= LAG_GOAL_MS,
        p99,
    )


def bench_projections(run: Run) -> list[ResultLine]:
    with run.database() as url, run.container(url) as container:
        total = generate(container, run.sizes.catch_up_events)
        baseline = raw_select_rate(url, total)
        return [*catch_up(run, container, total, baseline), steady_lag(run, url, container)]
