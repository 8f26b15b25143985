"""Write path: turns/s through the application service and through HTTP, against raw psycopg.

The raw baseline writes the rows a turn writes (its `MessageSent` and `Replied` events,
encoded once) in one transaction with the event store's locking: `LOCK TABLE … IN
EXCLUSIVE MODE`, `NOTIFY`, then the insert returning notification ids, all in one round
trip (one multi-statement query, an implicit transaction) — the fastest raw way we know.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import psycopg
from psycopg import sql

from api.auth import TokenSigner
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
)
from bootstrap.container import Container
from domain.access import Principal
from domain.conversation import Conversation
from eventstore.store import EVENTS_TABLE

TEXT = "Any easy dessert ideas for tonight?"
MODEL = "claude-opus-4-1"
CLIENTS = 8
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


def round_robin(turns: int, ids: Sequence[UUID], turn: Callable[[UUID], object]) -> None:
    for n in range(turns):
        turn(ids[n % len(ids)])


def service_vs_raw(run: Run, url: str, container: Container) -> ResultLine:
    sizes, service = run.sizes, container.service
    who = Principal("bench-writer")
    conversations = max(1, sizes.turns // 20)

    fresh = [
        [service.start(who, MODEL).id for _ in range(conversations)] for _ in range(sizes.repeats)
    ]

    def service_turns() -> None:
        round_robin(sizes.turns, fresh.pop(), lambda cid: service.send_message(who, cid, TEXT))

    raw = RawWriter(url, turn_rows(container))
    try:
        raw_rate = median_rate(
            sizes.repeats,
            sizes.turns,
            lambda: round_robin(sizes.turns, [uuid4() for _ in range(conversations)], raw.turn),
        )
    finally:
        raw.close()
    rate = median_rate(sizes.repeats, sizes.turns, service_turns)
    return ratio_row("write: turns/s, service, 1 thread", rate, raw_rate, "turns/s", 0.6)


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


def serve(url: str) -> tuple[subprocess.Popen[bytes], str]:
    """`lastresort serve` in a subprocess (no projection runners); its base URL once healthy."""
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
            "1",
            "--port",
            str(port),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("lastresort serve did not become healthy in 30 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process `pid` has used (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def http_vs_raw(run: Run, url: str, container: Container) -> list[ResultLine]:
    turns = run.sizes.http_turns
    raw_writers = [RawWriter(url, turn_rows(container)) for _ in range(CLIENTS)]
    try:

        def raw_client(i: int) -> list[float]:
            cid = uuid4()
            return timed_turns(turns, lambda: raw_writers[i].turn(cid))

        raw_rate, raw_ms = concurrently(CLIENTS, raw_client)
    finally:
        for writer in raw_writers:
            writer.close()

    process, base = serve(url)
    signer = TokenSigner(SECRET, 3600)
    try:

        def http_client(i: int) -> list[float]:
            headers = {"Authorization": f"Bearer {signer.mint(f'bench-http-{i}')}"}
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                cid = client.post("/v1/conversations", json={}).json()["id"]
                path = f"/v1/conversations/{cid}/messages"
                client.post(path, json={"text": TEXT}).raise_for_status()  # warm up

                def turn() -> None:
                    client.post(path, json={"text": TEXT}).raise_for_status()

                return timed_turns(turns, turn)

        cpu_before = cpu_seconds(process.pid)
        rate, http_ms = concurrently(CLIENTS, http_client)
        server_cpu_ms = (cpu_seconds(process.pid) - cpu_before) * 1000 / (CLIENTS * (turns + 1))
    finally:
        process.terminate()
        process.wait(10)
    ratio = rate / raw_rate
    return [
        ratio_row(f"write: turns/s, HTTP, {CLIENTS} clients", rate, raw_rate, "turns/s", 0.4),
        ResultLine(
            f"write: turn latency, HTTP, {CLIENTS} clients",
            f"{latency(http_ms)}; server CPU {server_cpu_ms:.1f} ms/turn",
            latency(raw_ms),
            f"{percentile(http_ms, 0.5) / percentile(raw_ms, 0.5):.1f}× p50",
            "(with turns/s ≥ 40%)",
            ratio >= 0.4,
            percentile(http_ms, 0.5) / percentile(raw_ms, 0.5),
        ),
    ]


def bench_write(run: Run) -> list[ResultLine]:
    with run.database() as url, run.container(url) as container:
        return [service_vs_raw(run, url, container), *http_vs_raw(run, url, container)]
