"""Turns answered as Server-Sent Events, for a request that accepts `text/event-stream`.

    event: decision  {"kind", "position"}            the reply's kind and position, as soon
                                                     as the policy has decided
    event: delta     {"text"}                        the reply's next piece, as it is written
    event: done      the non-streamed JSON answer    the turn is recorded
    event: error     {"error": {"code", "message"}}  instead of done: nothing is recorded

The turn runs in a thread of its own, not in the request: a client that disconnects does
not stop it, so it is completed and recorded, and a retry with the same Idempotency-Key
gets it. The response only relays, through a queue, what the turn produces. It starts
with the first event, so an error before it (an unknown or ended conversation, a reused
key...) is answered as without streaming, with its status and JSON body. A turn found
already recorded (an Idempotency-Key retry) is replayed from the record: its decision,
its reply in pieces, done. The joined deltas are always the recorded reply. The app
waits for the turns still running before it closes the store at shutdown, so a turn
whose client left is not cut short by a restart either.

Every event's data is one line of JSON, which escapes line breaks: a reply cannot end
its own event or forge another, whatever the model or the user wrote.
"""

from __future__ import annotations

import contextvars
import logging
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi.responses import StreamingResponse

from api.errors import error_fields
from application.service import TurnResult
from application.turns import TurnWatcher
from domain.answer import TurnAnswer
from domain.chunks import chunks
from domain.decision import Decision
from domain.errors import DomainError

log = logging.getLogger(__name__)

EVENT_STREAM = "text/event-stream"
# How a streamed response is documented in OpenAPI, next to the JSON answer.
STREAMED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "With `Accept: text/event-stream`, the turn as Server-Sent Events "
        "(decision, delta..., then done or error; see docs/contract.md). Without it, the "
        "JSON answer (200 for a message, 201 for a branch)",
        "content": {EVENT_STREAM: {"schema": {"type": "string"}}},
    }
}
# Proxies must pass each event on at once, and nothing may cache a turn.
HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}

Take = Callable[[TurnWatcher], TurnResult]
Answer = Callable[[TurnResult], Mapping[str, Any]]
Observe = Callable[[str], None]


def wants_stream(accept: str | None) -> bool:
    """Whether an `Accept` header asks for `text/event-stream` (with a weight above 0)."""
    for item in (accept or "").split(","):
        media, *params = (part.strip().lower() for part in item.split(";"))
        if media == EVENT_STREAM and not any(_refused(param) for param in params):
            return True
    return False


class TurnThreads:
    """The streamed turns still being taken in this process, each in its own thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.threads: set[threading.Thread] = set()

    def start(self, target: Callable[[], None]) -> None:
        def run() -> None:
            try:
                target()
            finally:
                with self.lock:
                    self.threads.discard(threading.current_thread())

        thread = threading.Thread(target=run, name="streamed-turn")
        with self.lock:
            self.threads.add(thread)
        thread.start()

    def finish(self, timeout: float) -> None:
        """Let the running turns finish (each within `timeout` seconds: a turn's deadline
        bounds it), before the store they save to is closed."""
        with self.lock:
            running = list(self.threads)
        if running:
            log.info("waiting for %d streamed turn(s) to finish", len(running))
        for thread in running:
            thread.join(timeout)


turn_threads = TurnThreads()


def stream_turn(take: Take, answer: Answer, observe: Observe) -> StreamingResponse:
    """Take a turn (`take`, given the watcher) in its own thread and answer its events.

    `answer` builds the `done` data from the result; `observe` counts the outcome
    (recorded, replayed, failed). Raises the turn's error if it fails before its first
    event, so it is answered as usual."""
    feed = TurnFeed(answer, observe)
    # The turn's logs keep the request's ids (structlog's context variables).
    context = contextvars.copy_context()
    turn_threads.start(lambda: context.run(feed.run, take))
    first = feed.next()
    if isinstance(first, Exception):
        raise first
    return StreamingResponse(feed.relay(first), media_type=EVENT_STREAM, headers=HEADERS)


@dataclass(frozen=True)
class Event:
    name: str
    data: Mapping[str, Any]

    def encode(self) -> bytes:
        """One SSE event (its data one line of JSON)."""
        return b"event: %s\ndata: %s\n\n" % (self.name.encode(), orjson.dumps(self.data))


class TurnFeed:
    """The events of one streamed turn, from the thread taking it to the response."""

    def __init__(self, answer: Answer, observe: Observe) -> None:
        self.answer = answer
        self.observe = observe
        self.announced = False
        self.events: queue.SimpleQueue[Event | Exception] = queue.SimpleQueue()

    def decided(self, decision: Decision, position: int) -> None:
        self.announced = True
        self.events.put(_decision(decision, position))

    def wrote(self, text: str) -> None:
        self.events.put(Event("delta", {"text": text}))

    def run(self, take: Take) -> None:
        """Take the turn to its end, whoever still listens."""
        try:
            result = take(self)
        except Exception as error:
            if self.announced:
                self._failed(error)
            self.events.put(error)
            return
        if self.announced:
            self.observe("recorded")
        else:
            self.observe("replayed")
            reply = TurnAnswer.of(result.conversation, result.turn).reply
            self.events.put(_decision(result.turn.decision, reply.position))
            for piece in chunks(reply.text):
                self.wrote(piece)
        self.events.put(Event("done", self.answer(result)))

    def next(self) -> Event | Exception:
        return self.events.get()

    def relay(self, first: Event) -> Iterator[bytes]:
        """The response body: the events up to done, or to an error event."""
        event: Event | Exception = first
        while isinstance(event, Event):
            yield event.encode()
            if event.name == "done":
                return
            event = self.next()
        code, message = error_fields(event)
        yield Event("error", {"error": {"code": code, "message": message}}).encode()

    def _failed(self, error: Exception) -> None:
        self.observe("failed")
        if isinstance(error, DomainError):
            log.info("streamed turn failed (%s): %r", error.code, error.message)
        else:
            log.exception("streamed turn failed", exc_info=error)


def _decision(decision: Decision, position: int) -> Event:
    return Event("decision", {"kind": str(decision.action), "position": position})


def _refused(param: str) -> bool:
    """A `q=0` weight: the media type is not acceptable."""
    name, _, value = param.partition("=")
    try:
        return name.strip() == "q" and float(value) == 0.0
    except ValueError:
        return False
