"""Replay: events/s and peak memory against the raw read of the same rows.

The scratch database is filled by COPY with a synthetic history, growing through each
size of `Sizes.replay_events`. At each size: the raw read (one server-side cursor over
the rows replay reads, no decoding, in a child process like a replay worker) and
replay under a stricter candidate (every core, decoding and deciding): rates, their
ratio, the CPU time per event of all replay workers against the raw reader's per row, and
the peak RSS of the raw reader's process against a replay worker's.

The history is a few hundred distinct conversations, recorded through the domain under
the default policy from random scripted assessments, each copied under fresh ids.
"""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from uuid import UUID, uuid4

import psycopg

from bench.harness import ResultLine, Run, cpu_us
from bench.raw_read import raw_read
from domain.assessment import Assessment, Category, Crisis, Intent
from domain.conversation import Conversation
from domain.policy import Policy
from domain.ports import WrittenReply
from eventstore.keys import InMemoryKeys
from eventstore.transcoder import event_mapper
from tools.replay import replay_history

TEMPLATES = 300
MODELS = ("claude-opus-4-1", "claude-opus-4", "claude-sonnet-4")
WEIGHTED_ASSESSMENTS = (
    (Assessment(), 10),
    (Assessment(category=Category.CBRN_WEAPONS, severity=0.9), 3),
    (Assessment(category=Category.ABUSE_OF_ASSISTANT, severity=0.7), 2),
    (Assessment(category=Category.MASS_CASUALTY_VIOLENCE, severity=0.4), 1),
    (Assessment(crisis=Crisis.SELF_HARM), 1),
    (Assessment(intent=Intent.END_REQUEST), 1),
    (Assessment(intent=Intent.CONFIRM_END), 1),
)

Template = list[tuple[int, str, bytes]]  # (version, topic, state) of one conversation


def templates(count: int, seed: int = 7) -> list[Template]:
    """Conversations recorded through the domain, stored as the event store stores them."""
    rng = random.Random(seed)
    policy = Policy(version="bench-1")
    mapper = event_mapper(InMemoryKeys())
    values, weights = zip(*WEIGHTED_ASSESSMENTS, strict=True)
    at = datetime(2025, 8, 15, tzinfo=UTC)
    out = []
    for _ in range(count):
        model = rng.choice(MODELS)
        conversation = Conversation.start(UUID(int=rng.getrandbits(128)), "bench", model, at)
        for assessment in rng.choices(values, weights, k=rng.randint(2, 16)):
            if conversation.ended:
                break
            position = conversation.next_position
            decision = policy.decide(conversation.ladder, assessment, position, model)
            conversation.record_turn("…", assessment, decision, policy, WrittenReply("…"), at)
        stored = [mapper.to_stored_event(e) for e in conversation.collect_events()]
        out.append([(s.originator_version, s.topic, s.state) for s in stored])
    return out


def fill(url: str, shapes: list[Template], events: int) -> int:
    """COPY conversations (templates under fresh ids) until `events` rows are added."""
    added = 0
    with (
        psycopg.connect(url) as conn,
        conn.cursor() as cursor,
        cursor.copy(
            "COPY lastresort_events (originator_id, originator_version, topic, state) FROM STDIN"
        ) as copy,
    ):
        for shape in _cycle(shapes):
            if added >= events:
                break
            conversation_id = uuid4()
            for version, topic, state in shape:
                copy.write_row((conversation_id, version, topic, state))
            added += len(shape)
    return added


def _cycle(shapes: list[Template]) -> Iterator[Template]:
    while True:
        yield from shapes


def measure(url: str, workers: int | None) -> list[ResultLine]:
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        rows, seconds, raw_rss, raw_cpu = pool.submit(raw_read, url).result()
    result = replay_history(url, Policy(version="bench-strict", min_redirects=1), workers=workers)
    assert result.events == rows, (result.events, rows)
    raw_rate, worker_rss = rows / seconds, result.worker_peak_rss_kib
    worker_cpu = cpu_us(result.worker_cpu_seconds, rows)  # all workers' CPU, per event
    memory = worker_rss / raw_rss
    return [
        ResultLine(
            f"replay: events/s at {rows:,} events",
            f"{result.events_per_second:,.0f} events/s; CPU {worker_cpu}/event",
            f"{raw_rate:,.0f} rows/s; CPU {cpu_us(raw_cpu, rows)}/row",
            f"{result.events_per_second / raw_rate:.0%}",
            "≥ 50%",
            result.events_per_second >= 0.5 * raw_rate,
            result.events_per_second / raw_rate,
        ),
        ResultLine(
            f"replay: peak RSS at {rows:,} events",
            f"{worker_rss / 1024:.1f} MiB / worker",
            f"{raw_rss / 1024:.1f} MiB",
            f"{memory:.0%}",
            "≤ 110%",
            memory <= 1.1,
            memory,
        ),
    ]


def bench_replay(run: Run, workers: int | None = None) -> list[ResultLine]:
    out: list[ResultLine] = []
    with run.database() as url:
        shapes, done = templates(TEMPLATES), 0
        for size in run.sizes.replay_events:
            done += fill(url, shapes, size - done)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE lastresort_events")
            out += measure(url, workers)
    return out
