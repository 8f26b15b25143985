"""A bounded load generator: a steady rate of turns against one or more API workers.

Open loop: request k is due at start + k / rate whatever the latency, so a slow server shows
up as lateness and errors rather than as a quietly lower rate. Projection lag is sampled from
`/readyz` twice a second. Prints one JSON object with the figures.

The documented run (two workers and a separate projection process, 60 s at 50 turns/s):

    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lastresort LASTRESORT_SECRET=...
    lastresort serve --port 8001 --no-projections &
    lastresort serve --port 8002 --no-projections &
    lastresort project &
    .venv/bin/python bench/load.py --base http://127.0.0.1:8001 --base http://127.0.0.1:8002 \\
        --rate 50 --duration 60
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
import uuid
from typing import Any

import httpx

from api.auth import TokenSigner
from domain.access import Role

TURNS_PER_CONVERSATION = 20


class Figures:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.late = 0.0
        self.lag_events: list[int] = []
        self.lag_seconds: list[float] = []

    def record(self, latency: float, outcome: str | None) -> None:
        with self.lock:
            self.latencies.append(latency)
            if outcome is not None:
                self.errors[outcome] = self.errors.get(outcome, 0) + 1


def client(bases: list[str], token: str, due: list[float], figures: Figures) -> None:
    """Send one turn at each due time, round-robin over the workers."""
    headers = {"Authorization": f"Bearer {token}"}
    cid = ""
    with httpx.Client(timeout=10, headers=headers) as http:
        for n, at in enumerate(due):
            base = bases[n % len(bases)]
            time.sleep(max(0.0, at - time.monotonic()))
            with figures.lock:
                figures.late = max(figures.late, time.monotonic() - at)
            started = time.monotonic()
            try:
                if n % TURNS_PER_CONVERSATION == 0:
                    cid = http.post(f"{base}/v1/conversations", json={}).json()["id"]
                r = http.post(
                    f"{base}/v1/conversations/{cid}/messages",
                    json={"text": f"tell me about tulips {uuid.uuid4()}"},
                )
                outcome = None if r.status_code == 200 else str(r.status_code)
            except (httpx.HTTPError, KeyError, ValueError) as error:
                outcome = type(error).__name__
            figures.record(time.monotonic() - started, outcome)


def sample_lag(base: str, token: str, until: float, figures: Figures) -> None:
    """Lag as /readyz reports it to a reviewer (anonymous callers get the status only)."""
    with httpx.Client(timeout=5, headers={"Authorization": f"Bearer {token}"}) as http:
        while time.monotonic() < until:
            try:
                body = http.get(f"{base}/readyz").json()
                with figures.lock:
                    figures.lag_events.append(max(p["lag"] for p in body["projections"].values()))
                    figures.lag_seconds.append(float(body["lag_seconds"]))
            except (httpx.HTTPError, KeyError, ValueError):
                with figures.lock:
                    figures.errors["readyz"] = figures.errors.get("readyz", 0) + 1
            time.sleep(0.5)


def run(
    bases: list[str], secret: str, rate: float, duration: float, clients: int
) -> dict[str, Any]:
    signer = TokenSigner(secret, 3600)
    total = int(rate * duration)
    start = time.monotonic() + 0.5
    schedule = [start + k / rate for k in range(total)]
    figures = Figures()
    threads = [
        threading.Thread(
            target=client,
            args=(bases, signer.mint(f"load-{i}"), schedule[i::clients], figures),
        )
        for i in range(clients)
    ]
    reviewer = signer.mint("load-reviewer", Role.REVIEWER)
    sampler = threading.Thread(
        target=sample_lag, args=(bases[0], reviewer, start + duration, figures)
    )
    for thread in [*threads, sampler]:
        thread.start()
    for thread in [*threads, sampler]:
        thread.join(duration + 60)
    elapsed = time.monotonic() - start
    lat = sorted(figures.latencies)
    return {
        "workers": len(bases),
        "target_rate": rate,
        "duration_s": duration,
        "requests": len(lat),
        "achieved_rate": round(len(lat) / elapsed, 1),
        "errors": sum(figures.errors.values()),
        "error_kinds": figures.errors,
        "latency_ms": {
            "p50": round(1000 * statistics.median(lat), 1) if lat else None,
            "p95": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1) if lat else None,
            "max": round(1000 * lat[-1], 1) if lat else None,
        },
        "max_lateness_ms": round(1000 * figures.late, 1),
        "lag_events": {
            "max": max(figures.lag_events, default=None),
            "samples": len(figures.lag_events),
        },
        "lag_seconds_max": max(figures.lag_seconds, default=None),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", action="append", required=True, help="a worker's base URL")
    parser.add_argument("--rate", type=float, default=50, help="turns per second")
    parser.add_argument("--duration", type=float, default=60, help="seconds")
    parser.add_argument("--clients", type=int, default=16, help="client threads")
    args = parser.parse_args()
    if not 0 < args.rate <= 1000 or not 0 < args.duration <= 3600:
        parser.error("rate must be in (0, 1000] and duration in (0, 3600]")
    secret = os.environ["LASTRESORT_SECRET"]
    print(json.dumps(run(args.base, secret, args.rate, args.duration, args.clients), indent=2))


if __name__ == "__main__":
    main()
