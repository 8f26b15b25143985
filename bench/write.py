"""Write path: turns/s through the application service and through HTTP, against raw psycopg.

The raw baseline writes the rows a turn writes (its `MessageSent` and `Replied` events,
encoded once) in one transaction with the event store's locking: `LOCK TABLE … IN
EXCLUSIVE MODE`, `NOTIFY`, then the insert returning notification ids, all in one round
trip (one multi-statement query, an implicit transaction) — the fastest raw way we know.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import psycopg
from psycopg import sql

from application.service import utc_now
from bench.harness import (
    SECRET,
    ResultLine,
    Run,
    free_port,
    latency,
    median_rate,
    percentile,
    ratio_row,
    timed,
)
from bootstrap.container import Container
from domain.access import Principal
from domain.assessment import Assessment
from domain.conversation import Conversation
from domain.deadline import NO_DEADLINE, Deadline
from domain.ports import Assessor
from eventstore.store import EVENTS_TABLE

TEXT = "Any easy dessert ideas for tonight?"


def text_of(turn: int, sender: int = 0) -> str:
    """The ordinary message of a throughput run's `turn` from its `sender` (a client, a
    writer, a repeat): a different one each time and for each sender, as people write, since
    the offline assessor remembers what it read of a text it has seen (the same messages sent
    by every client would measure that memory, not the write path)."""
    return f"{TEXT} (table {sender}, for {turn} guests)"


MODEL = "claude-opus-4-1"
CLIENTS = 8
WORKERS = (1, 2)  # `serve --workers N`: one row each
STARTUP_SECONDS = 120  # each worker builds its own container; slow on a busy machine
PROJECT_ROOT = Path(__file__).resolve().parent.parent

StoredRow = tuple[str, bytes]  # topic, state of one event of a turn


def turn_rows(container: Container) -> list[StoredRow]:
    """The (topic, state) of the events one ordinary turn writes, as the store encodes them."""
    service = container.service
    conversation = Conversation.start(uuid4(), "bench", MODEL, utc_now())
    conversation.collect_events()
    service._take_turn(conversation, TEXT)
    mapper = container.store.mapper
    return [(s.topic, s.state) for s in map(mapper.to_stored_event, conversation.pending)]


class RawWriter:
    """Writes a turn's rows per transaction on its own connection, locking like the store."""

    def __init__(self, url: str, rows: Sequence[StoredRow]) -> None:
        self.conn = psycopg.connect(url, autocommit=True)
        self.rows = rows
        values = sql.SQL(", ").join(sql.SQL("(%s, %s, %s, %s)") for _ in rows)
        self.statement = sql.SQL(
            "LOCK TABLE {0} IN EXCLUSIVE MODE; NOTIFY {0}; "
            "INSERT INTO {0} (originator_id, originator_version, topic, state) VALUES {1} "
            "RETURNING notification_id"
        ).format(sql.Identifier(EVENTS_TABLE), values)
        self.versions: dict[UUID, int] = {}

    def turn(self, conversation_id: UUID) -> None:
        version = self.versions.get(conversation_id, 0)
        params: list[object] = []
        for topic, state in self.rows:
            version += 1
            params += (conversation_id, version, topic, state)
        self.versions[conversation_id] = version
        with psycopg.ClientCursor(self.conn) as curs:
            curs.execute(self.statement, params)
            while curs.nextset():
                pass
            curs.fetchall()

    def close(self) -> None:
        self.conn.close()


def round_robin(turns: int, ids: Sequence[UUID], turn: Callable[[UUID, int], object]) -> None:
    """`turns` turns spread over the conversations `ids`, each told its turn's number."""
    for n in range(turns):
        turn(ids[n % len(ids)], n)


class TimedAssessor:
    """The service's own assessor, with the wall time its assessments took added up, so that
    a turn's time can be split into judging the message and everything else."""

    def __init__(self, assessor: Assessor) -> None:
        self.assessor = assessor
        self.name = assessor.name
        self.seconds = 0.0

    def assess(
        self,
        text: str,
        context: Sequence[tuple[str, Assessment]] = (),
        deadline: Deadline = NO_DEADLINE,
    ) -> Assessment:
        started = time.perf_counter()
        try:
            return self.assessor.assess(text, context, deadline)
        finally:
            self.seconds += time.perf_counter() - started


def service_vs_raw(run: Run, url: str, container: Container) -> list[ResultLine]:
    """Service turns/s against raw, and the same turns with the offline assessment's time
    taken out: what the write path itself (load, decide, reply, encode, save) reaches."""
    sizes, service = run.sizes, container.service
    assessing = TimedAssessor(service.assessor)
    service.assessor = assessing
    who = Principal("bench-writer")
    conversations = max(1, sizes.turns // 20)

    fresh = [
        [service.start(who, MODEL).id for _ in range(conversations)] for _ in range(sizes.repeats)
    ]

    def service_turns() -> None:
        repeat = len(fresh)
        round_robin(
            sizes.turns,
            fresh.pop(),
            lambda cid, n: service.send_message(who, cid, text_of(n, repeat)),
        )

    raw = RawWriter(url, turn_rows(container))
    try:
        raw_rate = median_rate(
            sizes.repeats,
            sizes.turns,
            lambda: round_robin(
                sizes.turns, [uuid4() for _ in range(conversations)], lambda cid, _: raw.turn(cid)
            ),
        )
    finally:
        raw.close()
    runs = []  # per repeat: turns/s, turns/s without the assessment, assessment ms per turn
    for _ in range(sizes.repeats):
        assessing.seconds = 0.0
        seconds = timed(service_turns)
        runs.append(
            (
                sizes.turns / seconds,
                sizes.turns / (seconds - assessing.seconds),
                assessing.seconds * 1000 / sizes.turns,
            )
        )
    rate, without, assess_ms = sorted(runs)[len(runs) // 2]
    split = ratio_row(
        "write: turns/s, service, 1 thread, assessment taken out", without, raw_rate, "turns/s"
    )
    return [
        ratio_row("write: turns/s, service, 1 thread", rate, raw_rate, "turns/s", 0.6),
        replace(split, value=f"{split.value} (assessment {assess_ms:.2f} ms/turn)"),
    ]


def concurrently(clients: int, work: Callable[[int], list[float]]) -> tuple[float, list[float]]:
    """Run `work(i)` on `clients` threads; total turns/s and every latency in ms."""
    results: list[list[float]] = [[] for _ in range(clients)]

    def worker(i: int) -> None:
        results[i] = work(i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = [ms for part in results for ms in part]
    return len(latencies) / elapsed, latencies


def timed_turns(turns: int, turn: Callable[[], object]) -> list[float]:
    out = []
    for _ in range(turns):
        started = time.perf_counter()
        turn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def serve(url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """`lastresort serve --no-projections --workers N` in a subprocess; its base URL once
    healthy."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "LASTRESORT_SECRET": SECRET}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli.main",
            "serve",
            "--no-projections",
            "--workers",
            str(workers),
            "--port",
            str(port),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"lastresort serve did not become healthy in {STARTUP_SECONDS} s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process `pid` and every process under it have used (Linux):
    `serve --workers N` answers in its worker processes."""
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        used[child] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    tree, grown = {pid}, True
    while grown:
        below = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= below
        grown = bool(below)
    return sum(used.get(p, 0.0) for p in tree)


def drive(base: str, server_pid: int, turns: int) -> tuple[float, list[float], float]:
    """`bench.http_clients` in its own process against the server at `base`: turns/s, every
    latency in ms, and the CPU seconds the server (`server_pid` and its workers) used for
    the measured turns."""
    clients = subprocess.Popen(
        [sys.executable, "-m", "bench.http_clients", base, str(CLIENTS), str(turns)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "LASTRESORT_SECRET": SECRET},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert clients.stdin is not None and clients.stdout is not None
    try:
        if clients.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the HTTP clients did not start (exit {clients.wait(10)})")
        cpu_before = cpu_seconds(server_pid)
        clients.stdin.write("go\n")
        clients.stdin.flush()
        line = clients.stdout.readline()
        server_cpu = cpu_seconds(server_pid) - cpu_before
        if not line:
            raise RuntimeError(f"the HTTP clients failed (exit {clients.wait(10)})")
    finally:
        clients.stdin.close()
        clients.wait(30)
    result = json.loads(line)
    latencies: list[float] = result["latencies_ms"]
    return len(latencies) / result["seconds"], latencies, server_cpu


def http_rows(
    label: str, measured: tuple[float, list[float], float], raw: tuple[float, list[float]]
) -> list[ResultLine]:
    """The throughput and latency rows of one server setup; server CPU per measured turn."""
    (rate, http_ms, server_cpu), (raw_rate, raw_ms) = measured, raw
    server_cpu_ms = server_cpu * 1000 / len(http_ms)
    ratio = rate / raw_rate
    p50 = percentile(http_ms, 0.5) / percentile(raw_ms, 0.5)
    return [
        ratio_row(f"write: turns/s, HTTP, {label}", rate, raw_rate, "turns/s", 0.4),
        ResultLine(
            f"write: turn latency, HTTP, {label}",
            f"{latency(http_ms)}; server CPU {server_cpu_ms:.1f} ms/turn",
            latency(raw_ms),
            f"{p50:.1f}× p50",
            "(with turns/s ≥ 40%)",
            ratio >= 0.4,
            p50,
        ),
    ]


def http_vs_raw(run: Run, url: str, container: Container) -> list[ResultLine]:
    turns = run.sizes.http_turns
    raw_writers = [RawWriter(url, turn_rows(container)) for _ in range(CLIENTS)]
    try:

        def raw_client(i: int) -> list[float]:
            cid = uuid4()
            return timed_turns(turns, lambda: raw_writers[i].turn(cid))

        raw = concurrently(CLIENTS, raw_client)
    finally:
        for writer in raw_writers:
            writer.close()

    rows = []
    for workers in WORKERS:
        process, base = serve(url, workers)
        try:
            measured = drive(base, process.pid, turns)
        finally:
            process.terminate()
            process.wait(10)
        label = f"{CLIENTS} clients" + ("" if workers == 1 else f", {workers} workers")
        rows += http_rows(label, measured, raw)
    return rows


def bench_write(run: Run) -> list[ResultLine]:
    with run.database() as url, run.container(url) as container:
        return [*service_vs_raw(run, url, container), *http_vs_raw(run, url, container)]
