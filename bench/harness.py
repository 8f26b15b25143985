"""What every benchmark shares: scratch databases, timing, percentiles and the result table.

A benchmark is a function `(Run) -> list[ResultLine]`: it gets a scratch database (created on
the server of `DATABASE_URL`, dropped afterwards), measures lastresort and a raw psycopg
baseline of the same work in the same run, and returns one row per figure.
"""

from __future__ import annotations

import os
import platform
import socket
import statistics
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from application.policies import load_policy
from bootstrap.container import Container
from bootstrap.registry import registry_service
from bootstrap.settings import Settings
from eventstore.database import with_dbname
from eventstore.migrate import migrate

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
SECRET = "bench-secret-" + "x" * 32
SCRATCH_PREFIX = "lastresort_bench_"


@dataclass(frozen=True)
class Sizes:
    """How much work each benchmark does (`full`, `quick` or the test suite's `tiny`)."""

    turns: int  # write path: turns per measurement
    http_turns: int  # per HTTP client
    long_lengths: tuple[int, ...]  # messages before the measured turns
    long_turns: int  # measured turns per length
    catch_up_events: int
    lag_seconds: float
    queries: int  # GraphQL requests per figure
    replay_events: tuple[int, ...]
    repeats: int  # throughput figures: median of this many runs
    writers: tuple[int, ...] = (1, 4, 16)  # concurrent writers (bench/writers.py)
    writer_turns: int = 150  # per writer


FULL = Sizes(600, 150, (10, 100, 1000, 5000), 40, 60_000, 10.0, 200, (100_000, 1_000_000), 3)
QUICK = Sizes(200, 40, (10, 100, 1000), 15, 20_000, 4.0, 60, (100_000,), 3, writer_turns=60)
TINY = Sizes(10, 3, (10, 40), 3, 300, 0.5, 3, (400,), 1, writers=(1, 2), writer_turns=3)


@dataclass(frozen=True)
class ResultLine:
    """One line of the result table."""

    figure: str
    value: str
    baseline: str = "—"
    ratio: str = "—"
    goal: str = "—"
    met: bool | None = None
    key: float = 0.0  # what `--repeat` takes the median of (the ratio, mostly)


@dataclass(frozen=True)
class Run:
    server: str
    sizes: Sizes

    @contextmanager
    def database(self) -> Iterator[str]:
        """A migrated scratch database on the server, dropped on exit."""
        name = f"{SCRATCH_PREFIX}{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            url = with_dbname(self.server, name)
            migrate(url)
            seed_registry(url)
            yield url
        finally:
            with psycopg.connect(self.server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextmanager
    def container(self, url: str, *, run_projections: bool = False) -> Iterator[Container]:
        container = Container.build(
            Settings(database_url=url, secret=SECRET), url, run_projections=run_projections
        )
        container.read_side.start()
        try:
            yield container
        finally:
            container.close()


def seed_registry(url: str) -> None:
    """Make the shipped policy live in a scratch database, as `lastresort migrate` does."""
    service = registry_service(url)
    try:
        service.seed(load_policy(Settings(secret=SECRET).policy_file))
    finally:
        service.close()


def server_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_SERVER


def free_port() -> int:
    """A local TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def percentile(values: Sequence[float], q: float) -> float:
    """The `q` quantile (0..1) of `values`, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(action: Callable[[], Any]) -> float:
    """Seconds `action` took."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median_rate(repeats: int, count: int, action: Callable[[], Any]) -> float:
    """The median over `repeats` runs of `count / seconds` for `action`."""
    return statistics.median(count / timed(action) for _ in range(repeats))


def ratio_row(
    figure: str, value: float, baseline: float, unit: str, goal: float | None = None
) -> ResultLine:
    """A throughput row: value and baseline in `unit`, their ratio, met when ≥ `goal`."""
    ratio = value / baseline if baseline else 0.0
    return ResultLine(
        figure,
        f"{value:,.0f} {unit}",
        f"{baseline:,.0f} {unit}",
        f"{ratio:.0%}",
        "—" if goal is None else f"≥ {goal:.0%}",
        None if goal is None else ratio >= goal,
        ratio,
    )


def cpu_us(seconds: float, count: int) -> str:
    """CPU seconds per item, in µs: a process's CPU time grows less than its wall time when
    other work shares the cores, so it compares runs on a busy machine better."""
    return f"{seconds / count * 1e6:.1f} µs" if count else "—"


def medians(runs: Sequence[Sequence[ResultLine]]) -> list[ResultLine]:
    """Line by line (runs list the same figures in the same order), the run with the median key."""
    return [sorted(rows, key=lambda r: r.key)[len(rows) // 2] for rows in zip(*runs, strict=True)]


def latency(values_ms: Sequence[float]) -> str:
    return f"p50 {percentile(values_ms, 0.5):.1f} / p99 {percentile(values_ms, 0.99):.1f} ms"


def table(rows: Sequence[ResultLine]) -> str:
    """The rows as one Markdown table."""
    head = ("figure", "lastresort", "raw baseline", "ratio", "goal", "met?")
    met = {True: "yes", False: "NO", None: "—"}
    body = [(r.figure, r.value, r.baseline, r.ratio, r.goal, met[r.met]) for r in rows]
    widths = [max(len(str(line[i])) for line in (head, *body)) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(head), rule, *(line(b) for b in body)])


def machine() -> str:
    """One line describing where the figures were taken."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    cpu = platform.processor() or platform.machine()
    with psycopg.connect(server_url()) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"Postgres {row[0] if row else '?'}, load average {load}"
    )
