"""Writers: turns/s as concurrent writers grow (1, 4, 16), each on its own conversations.

Every save takes the event store's table lock (`LOCK TABLE … IN EXCLUSIVE MODE`), which
orders the global notification ids, so writes to different conversations still queue
on one lock. This measures that ceiling. Raw baseline: N threads, one connection each,
the write benchmark's raw turn (`bench.write.RawWriter`: lock, NOTIFY, insert a turn's
rows, one round trip; the client does almost nothing, so threads are not GIL-bound).
lastresort: N processes (no GIL between them), each with its own `ConversationService`
on a store whose pool holds one connection, sending turns through `send_message` (load,
assess, decide, reply, save). All writers start together at a barrier; turns/s is every
writer's turns over the time from the first start to the last finish.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from multiprocessing.synchronize import Barrier
from typing import Any
from uuid import uuid4

from application.policies import load_policy
from application.service import ConversationService
from bench.harness import SECRET, ResultLine, Run, ratio_row
from bench.write import MODEL, RawWriter, text_of, turn_rows
from bootstrap.container import model_adapters
from bootstrap.settings import Settings
from domain.access import Principal
from eventstore.database import eventsourcing_env
from eventstore.store import ConversationStore

START_TIMEOUT = 300.0
Span = tuple[float, float]  # a writer's (first turn started, last turn done), time.monotonic


def rate(turns: int, spans: list[Span]) -> float:
    """All writers' turns over the time from the first start to the last finish."""
    return turns * len(spans) / (max(end for _, end in spans) - min(s for s, _ in spans))


def raw_rate(url: str, rows: Any, writers: int, turns: int) -> float:
    """Raw turns/s with `writers` threads, one connection and one conversation each."""
    clients = [RawWriter(url, rows) for _ in range(writers)]
    barrier = threading.Barrier(writers)
    spans: list[Span] = []

    def write(client: RawWriter) -> None:
        cid = uuid4()
        barrier.wait(START_TIMEOUT)
        started = time.monotonic()
        for _ in range(turns):
            client.turn(cid)
        spans.append((started, time.monotonic()))

    threads = [threading.Thread(target=write, args=(client,)) for client in clients]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for client in clients:
            client.close()
    return rate(turns, spans)


def service_writer(url: str, writer: int, turns: int, barrier: Barrier, spans: Any) -> None:
    """One writer process: a service of its own, one conversation, `turns` turns of its own
    messages."""
    store = ConversationStore(
        env=eventsourcing_env(url, POSTGRES_POOL_SIZE="1", POSTGRES_MAX_OVERFLOW="0")
    )
    settings = Settings(database_url=url, secret=SECRET)
    service = ConversationService(
        store, *model_adapters(settings), load_policy(settings.policy_file)
    )
    who = Principal("bench-writers")
    try:
        cid = service.start(who, MODEL).id
        barrier.wait(START_TIMEOUT)
        started = time.monotonic()
        for n in range(turns):
            service.send_message(who, cid, text_of(n, writer))
        spans.put((started, time.monotonic()))
    finally:
        store.close()


def service_rate(url: str, writers: int, turns: int) -> float:
    """lastresort turns/s with `writers` processes, each on its own conversation."""
    context = multiprocessing.get_context("forkserver")
    barrier, spans = context.Barrier(writers), context.Queue()
    processes = [
        context.Process(target=service_writer, args=(url, writer, turns, barrier, spans))
        for writer in range(writers)
    ]
    for process in processes:
        process.start()
    try:
        done = [spans.get(timeout=START_TIMEOUT + 60 * turns) for _ in processes]
    finally:
        for process in processes:
            process.join(30)
    if any(process.exitcode != 0 for process in processes):
        raise RuntimeError("a writer process failed")
    return rate(turns, done)


def bench_writers(run: Run) -> list[ResultLine]:
    turns, out = run.sizes.writer_turns, []
    with run.database() as url, run.container(url) as container:
        rows = turn_rows(container)
        for n in run.sizes.writers:
            raw = raw_rate(url, rows, n, turns)
            service = service_rate(url, n, turns)
            figure = f"writers: turns/s, {n} writer{'s' * (n > 1)}, own conversations"
            out.append(ratio_row(figure, service, raw, "turns/s"))
    return out
