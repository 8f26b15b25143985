"""The HTTP write benchmark's clients, in a process of their own.

`python -m bench.http_clients BASE CLIENTS TURNS` (the signing secret in
`LASTRESORT_SECRET`): CLIENTS threads, each on its own keep-alive connection and its own
conversation, send TURNS ordinary messages one after another. Driving them from outside
the benchmark's process keeps the clients' CPU out of the process that measures, and
stdlib `http.client` keeps it small: a request is a few hundred bytes written and one
response read.

The run is in two steps, so that the server's CPU is read around the measured turns only:
once every client has started its conversation and sent one warm-up turn, the process
prints `ready` and waits for a line on stdin; then it runs the turns and prints one JSON
line, `{"seconds": …, "latencies_ms": […]}`.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import threading
import time
from collections.abc import Sequence
from urllib.parse import urlsplit

from api.auth import TokenSigner
from bench.write import text_of


class KeepAlive:
    """One keep-alive connection to the server, posting JSON with a bearer token."""

    def __init__(self, base: str, token: str) -> None:
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, path: str, body: bytes) -> bytes:
        self.conn.request("POST", path, body, self.headers)
        response = self.conn.getresponse()
        answer = response.read()
        if response.status >= 300:
            raise RuntimeError(f"POST {path}: {response.status} {answer[:200]!r}")
        return answer

    def close(self) -> None:
        self.conn.close()


class Client(KeepAlive):
    """One user's keep-alive connection to the server, on one conversation."""

    def __init__(self, base: str, token: str, sender: int) -> None:
        super().__init__(base, token)
        conversation = json.loads(self.post("/v1/conversations", b"{}"))
        self.path = f"/v1/conversations/{conversation['id']}/messages"
        self.turns = 0
        self.sender = sender

    def turn(self) -> None:
        """Send this client's next ordinary message (a different one each turn and client)."""
        self.turns += 1
        text = text_of(self.turns, self.sender)
        self.post(self.path, json.dumps({"text": text}).encode())


def run(base: str, clients: int, turns: int, secret: str) -> None:
    signer = TokenSigner(secret, 3600)
    ready = threading.Barrier(clients + 1)
    go = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[BaseException] = []

    def client(i: int) -> None:
        try:
            user = Client(base, signer.mint(f"bench-http-{i}"), i)
            user.turn()  # warm up
        except BaseException as error:
            failures.append(error)
            ready.abort()
            raise
        ready.wait()
        go.wait()
        for _ in range(turns):
            started = time.perf_counter()
            user.turn()
            latencies[i].append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        raise SystemExit(f"a client failed to start: {failures[0]!r}") from None
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    go.set()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    measured = [ms for part in latencies for ms in part]
    if len(measured) != clients * turns:
        raise SystemExit("a client failed during the run")
    print(json.dumps({"seconds": seconds, "latencies_ms": measured}), flush=True)


def main(argv: Sequence[str]) -> None:
    base, clients, turns = argv
    run(base, int(clients), int(turns), os.environ["LASTRESORT_SECRET"])


if __name__ == "__main__":
    main(sys.argv[1:])
