"""Replay benchmark: replay events/s next to the raw read rate of the same rows.

    .venv/bin/python -m bench.replay --events 1000000 [--url postgresql://...] [--workers N]

Creates a scratch database on the server at `--url` (default: LASTRESORT_TEST_DATABASE_URL
or postgresql://postgres@127.0.0.1:5432/postgres), fills it with a synthetic history by
COPY, and measures at two sizes (a tenth of `--events`, then all of it): the raw read
rate of the rows replay reads (one server-side cursor, no decoding), replay's rate under
a stricter candidate (all workers, decoding and deciding), their ratio, and the peak RSS
of a replay worker. The scratch database is dropped at the end.

The history is a few hundred distinct conversations, recorded through the domain under
the default policy from random scripted assessments, each copied under fresh ids.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

import psycopg

from api.migrate import migrate
from api.replay import Selection, Span, read_only, replay_history, rows_query, stream_rows
from api.transcoder import EventMapper, OrjsonTranscoder
from domain.assessment import Assessment, Category, Crisis, Intent
from domain.conversation import Conversation
from domain.policy import Policy
from domain.ports import Reply

DEFAULT_URL = os.environ.get(
    "LASTRESORT_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
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
    mapper = EventMapper(transcoder=OrjsonTranscoder())
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
            conversation.record_turn("…", assessment, decision, policy, Reply("…"), at)
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


def raw_read(url: str) -> tuple[int, float]:
    """Rows and seconds to read replay's rows through one server-side cursor, undecoded."""
    started = time.perf_counter()
    with read_only(url) as conn:
        rows = sum(1 for _ in stream_rows(conn, rows_query(Selection(), Span(UUID(int=0), None))))
    return rows, time.perf_counter() - started


@dataclass(frozen=True)
class Measure:
    events: int
    raw_rate: float
    replay_rate: float
    worker_peak_mib: float

    def line(self) -> str:
        return (
            f"{self.events:>10,} events  raw read {self.raw_rate:>10,.0f} rows/s  "
            f"replay {self.replay_rate:>9,.0f} events/s  "
            f"ratio {self.replay_rate / self.raw_rate:5.1%}"
            f"  worker peak RSS {self.worker_peak_mib:6.1f} MiB"
        )


def measure(url: str, workers: int | None) -> Measure:
    rows, seconds = raw_read(url)
    result = replay_history(url, Policy(version="bench-strict", min_redirects=1), workers=workers)
    assert result.events == rows, (result.events, rows)
    return Measure(
        rows, rows / seconds, result.events_per_second, result.worker_peak_rss_kib / 1024
    )


def bench(server_url: str, events: int, workers: int | None) -> list[Measure]:
    name = f"lastresort_bench_{uuid.uuid4().hex[:10]}"
    url = psycopg.conninfo.make_conninfo(server_url, dbname=name)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        migrate(_as_sqlalchemy_friendly(url))
        shapes = templates(TEMPLATES)
        out = []
        done = 0
        for size in (max(events // 10, 1), events):
            done += fill(url, shapes, size - done)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE lastresort_events")
            out.append(measure(url, workers))
            print(out[-1].line(), flush=True)
        return out
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _as_sqlalchemy_friendly(conninfo: str) -> str:
    """A postgresql:// URL for Alembic from a libpq conninfo string."""
    info = psycopg.conninfo.conninfo_to_dict(conninfo)
    user, password = info.get("user") or "postgres", info.get("password") or ""
    host, port = info.get("host") or "127.0.0.1", info.get("port") or "5432"
    if str(host).startswith("/"):
        return f"postgresql://{user}:{password}@/{info['dbname']}?host={host}&port={port}"
    return f"postgresql://{user}:{password}@{host}:{port}/{info['dbname']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--workers", type=int, default=None, help="default: every core")
    args = parser.parse_args(argv)
    print(f"replay bench: {args.events:,} events, {args.workers or os.cpu_count()} workers")
    bench(args.url, args.events, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
