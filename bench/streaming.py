"""Time to the first streamed words against the whole reply: `python -m bench streaming`.

A real server (uvicorn in a thread, on a scratch database) answers `POST …/messages` with
`Accept: text/event-stream`; an HTTP client reads the stream as it arrives and notes when
`decision`, the first `delta` and `done` come. The same turn as plain JSON is timed too.
Twice: on the offline assistant, and on Claude over the real SDK against the local
Messages API, which writes a reply of about 120 words in 6-character deltas, `PACE`
seconds apart, as a model does (the assessment comes back at once).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

import httpx
import httpx2
import uvicorn

from adapters.claude_assessor import ClaudeAssessor
from adapters.claude_assistant import ClaudeAssistant
from bench.claude_cost import respond
from bench.harness import QUICK, SECRET, Run, free_port, percentile, server_url
from bench.messages_api import Json, LocalMessagesAPI, stream_events, streamed
from bootstrap.container import Container, web_app
from bootstrap.settings import Settings

PACE = 0.01  # seconds between a model's stream events
TEXT = "Could you suggest a walking route along the river for a Sunday afternoon?"
USAGE = {"input_tokens": 100, "output_tokens": 160}
TIMEOUT = 60.0


def paced(body: Json) -> Json | httpx2.Response:
    """`respond`'s answer, written at the model's pace: a streamed reply arrives event by
    event, `PACE` apart; a reply asked for whole comes when the last event would have. The
    assessment (a forced tool call, never streamed) comes at once."""
    answer = {**respond(body), "usage": USAGE}
    if body.get("tool_choice"):
        return answer
    if not body.get("stream"):
        time.sleep(PACE * len(stream_events(answer)))  # the model writes it all first
        return answer

    def events() -> Iterator[bytes]:
        for event in stream_events(answer):
            time.sleep(PACE)  # how fast the emulated model writes
            yield event

    return streamed(events())


def on_claude(container: Container) -> Container:
    """`container` with its service on Claude over the local Messages API."""
    claude = LocalMessagesAPI(paced, caching=False).client(TIMEOUT)
    service = copy.copy(container.service)
    service.assessor, service.assistant = ClaudeAssessor(claude), ClaudeAssistant(claude)
    return replace(container, service=service)


@contextmanager
def serving(container: Container) -> Iterator[str]:
    """The app on a free local port, in a thread; its base URL."""
    port = free_port()
    config = uvicorn.Config(web_app(container), port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:  # a benchmark may poll: nothing here is a test
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


def streamed_turn(client: httpx.Client, path: str) -> tuple[float, float, float]:
    """Milliseconds from the request to `decision`, to the first `delta`, to `done`."""
    marks: dict[str, float] = {}
    started = time.perf_counter()
    headers = {"Accept": "text/event-stream"}
    with client.stream("POST", path, json={"text": TEXT}, headers=headers) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if line.startswith("event: "):
                marks.setdefault(line.removeprefix("event: "), time.perf_counter())
    assert "done" in marks and "delta" in marks, marks
    return tuple((marks[e] - started) * 1000 for e in ("decision", "delta", "done"))  # type: ignore[return-value]


def json_turn(client: httpx.Client, path: str) -> float:
    started = time.perf_counter()
    client.post(path, json={"text": TEXT}).raise_for_status()
    return (time.perf_counter() - started) * 1000


def measure(container: Container, turns: int) -> list[list[float]]:
    """Per turn: decision, first delta, done (streamed), and the JSON turn, in ms."""
    token = container.signer.mint("bench-streamer")
    rows = []
    with serving(container) as base:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=TIMEOUT) as client:
            for _ in range(turns):
                cid = client.post("/v1/conversations").json()["id"]
                path = f"/v1/conversations/{cid}/messages"
                rows.append([*streamed_turn(client, path), json_turn(client, path)])
    return rows


def summary(name: str, rows: Sequence[Sequence[float]]) -> str:
    cells = []
    for column in zip(*rows, strict=True):
        cells.append(f"{statistics.median(column):,.0f} / {percentile(column, 0.9):,.0f}")
    return f"| {name} | " + " | ".join(cells) + " |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench streaming", description=__doc__)
    parser.add_argument("--turns", type=int, default=30, help="streamed turns per path")
    args = parser.parse_args(argv)
    run = Run(server_url(), QUICK)
    with run.database() as url:

        def built() -> Container:  # the server closes it when it stops
            return Container.build(Settings(database_url=url, secret=SECRET), url)

        offline = measure(built(), args.turns)
        claude = measure(on_claude(built()), args.turns)
    print("ms from the request, median / p90:\n")
    print("| path | decision | first delta | done | same turn as JSON |")
    print("|---|---|---|---|---|")
    print(summary("offline", offline))
    print(summary(f"Claude (local API, {PACE * 1000:.0f} ms between events)", claude))
    return 0
