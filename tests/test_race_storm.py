"""Race storm: threads and processes hammer shared conversations through two API workers.

Afterwards `verify` is clean and every acknowledged command is in the store: each command
carries a unique text, so acknowledged and found are counted one for one.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from bootstrap.database import data_keys
from bootstrap.settings import Settings
from domain.events import Branched, FeedbackGiven, MessageSent
from eventstore.database import eventsourcing_env
from eventstore.store import ConversationStore
from tests import procs
from tools.verify import verify

pytestmark = pytest.mark.slow

OWNERS = ("storm-ann", "storm-bob")
THREADS, PROCESSES, THREADS_PER_PROCESS, OPERATIONS = 4, 2, 3, 60
Ack = tuple[str, str, str]  # kind, conversation id, unique text
ALLOWED = {"409 conversation_ended", "409 busy", "422 bad_input"}


def storm_client(bases: list[str], shared: dict[str, list[str]], seed: int) -> dict[str, Any]:
    """One client: random commands on its owner's shared conversations, on either worker."""
    rng = random.Random(seed)
    owner = OWNERS[seed % len(OWNERS)]
    headers = procs.headers(owner)
    acks: list[Ack] = []
    refused: Counter[str] = Counter()
    targets = list(shared[owner])  # grows with the branches this client makes
    with httpx.Client(timeout=30, headers=headers) as http:
        for n in range(OPERATIONS):
            base, cid, tag = bases[n % len(bases)], rng.choice(targets), str(uuid.uuid4())
            kind = rng.choices(["message", "harm", "end", "branch", "feedback"], [8, 1, 1, 2, 2])[0]
            at = f"{base}/v1/conversations/{cid}"
            if kind in ("message", "harm", "end"):
                prefix = {"message": "tell me about tulips", "harm": procs.HARM}.get(
                    kind, rng.choice([procs.END_REQUEST, procs.END_CONFIRM])
                )
                sent = f"{prefix} {tag}"
                r = http.post(f"{at}/messages", json={"text": sent})
            elif kind == "branch":
                sent = f"branch {tag}"
                r = http.post(
                    f"{at}/branches", json={"from_position": 2 * rng.randrange(3), "text": sent}
                )
            else:
                sent = tag
                position = 1 + 2 * rng.randrange(3)
                r = http.post(
                    f"{at}/feedback", json={"position": position, "rating": "down", "comment": sent}
                )
            if r.status_code in (200, 201):
                if kind == "branch":
                    cid = r.json()["id"]
                    targets.append(cid)
                acks.append((kind if kind in ("branch", "feedback") else "message", cid, sent))
            else:
                refused[f"{r.status_code} {r.json()['error']['code']}"] += 1
    return {"acks": acks, "refused": dict(refused)}


def process_client(bases: list[str], shared: dict[str, list[str]], seed: int) -> dict[str, Any]:
    """A client process running several client threads."""
    results: list[dict[str, Any]] = []
    threads = [
        threading.Thread(
            target=lambda s=seed * 100 + i: results.append(storm_client(bases, shared, s))
        )
        for i in range(THREADS_PER_PROCESS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "acks": [a for r in results for a in r["acks"]],
        "refused": dict(sum((Counter(r["refused"]) for r in results), Counter())),
    }


def _found(url: str, home: Path, acks: list[Ack]) -> int:
    """How many acknowledged commands the event store holds exactly once, matched by their
    unique text (a command recorded twice is not counted), read with the keys of the
    servers whose home is `home`."""
    store = ConversationStore(env=eventsourcing_env(url), keys=data_keys(Settings(home=home), url))
    try:
        found = 0
        events: dict[str, list[Any]] = {}
        for kind, cid, text in acks:
            if cid not in events:
                events[cid] = list(store.events.get(uuid.UUID(cid)))
            stream = events[cid]
            if kind == "message":
                found += _once(isinstance(e, MessageSent) and e.text == text for e in stream)
            elif kind == "feedback":
                found += _once(isinstance(e, FeedbackGiven) and e.comment == text for e in stream)
            else:
                found += any(isinstance(e, Branched) for e in stream) and _once(
                    isinstance(e, MessageSent) and e.text == text for e in stream
                )
        return found
    finally:
        store.close()


def _once(matches: Iterable[bool]) -> bool:
    return sum(matches) == 1


def storm(bases: list[str]) -> list[dict[str, Any]]:
    """Client processes and threads hammering three shared conversations per owner."""
    shared = {
        owner: [
            httpx.post(
                f"{bases[0]}/v1/conversations", json={}, headers=procs.headers(owner)
            ).json()["id"]
            for _ in range(3)
        ]
        for owner in OWNERS
    }
    results: list[dict[str, Any]] = []
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(PROCESSES, mp_context=spawn) as pool:
        futures = [pool.submit(process_client, bases, shared, p + 1) for p in range(PROCESSES)]
        threads = [
            threading.Thread(target=lambda s=s: results.append(storm_client(bases, shared, s)))
            for s in range(1000, 1000 + THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(240)
        results.extend(f.result(timeout=240) for f in futures)
    return results


def assert_consistent(url: str, home: Path, results: list[dict[str, Any]]) -> None:
    """`verify` is clean and every acknowledged command is recorded exactly once."""
    acks = [a for r in results for a in r["acks"]]
    refused = sum((Counter(r["refused"]) for r in results), Counter())
    found = _found(url, home, acks)
    report = verify(url)
    print(
        f"\nstorm: {len(acks)} acknowledged ({Counter(a[0] for a in acks)}), {found} found; "
        f"refused {dict(refused)}; verified {report.conversations} conversations, "
        f"{report.events} events, {report.endings} endings, {report.branches} branches"
    )
    assert set(refused) <= ALLOWED, refused
    assert found == len(acks)
    assert report.clean, [p.describe() for p in report.problems]
    assert report.endings > 0 and report.branches > 0


def test_race_storm(fresh_database: Callable[[], str], tmp_path: Path) -> None:
    url = fresh_database()
    first, base1 = procs.serve(url, tmp_path)
    second, base2 = procs.serve(url, tmp_path)
    projector = procs.project(url, tmp_path)
    with procs.running(first, second, projector):
        results = storm([base1, base2])
        procs.wait_projected(url)
    assert_consistent(url, tmp_path, results)


def test_race_storm_over_workers_on_one_port(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    """`serve --workers 2`: each worker keeps its own conversation cache, on one socket."""
    url = fresh_database()
    server, base = procs.serve(url, tmp_path, projections=True, workers=2)
    with procs.running(server):
        results = storm([base])
        procs.wait_projected(url)
    assert len(procs.answering_pids(server)) == 2
    assert_consistent(url, tmp_path, results)
