"""A stand-in for the Messages API, under the real anthropic SDK.

The network is replaced by `httpx2.MockTransport`: the SDK builds, sends and parses
exactly as it would against the Messages API, and every request body it sends is
recorded (with the timeout it was given) so tests can assert what lastresort asks.

A streamed request (`"stream": true`) is answered with the Messages API's event stream
(`stream_events`): message_start, content_block_start/delta/stop per block, message_delta,
message_stop, in the wire format the SDK's own parser reads. A test that needs to hold or
break a stream part-way answers with `streamed(...)` over its own generator.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from uuid import uuid4

import anthropic
import httpx2

from adapters.claude import Claude, FailureObserver

Json = dict[str, Any]
Respond = Callable[[Json], "httpx2.Response | Json"]
TIMEOUT = 5.0  # seconds per call, as configured; a turn's deadline may allow less
USAGE = {
    "input_tokens": 120,
    "output_tokens": 30,
    "cache_creation_input_tokens": 100,
    "cache_read_input_tokens": 900,
}


def message(
    content: list[Json], stop_reason: str = "end_turn", model: str = "claude-opus-4-1", **extra: Any
) -> Json:
    return {
        "id": f"msg_{uuid4().hex[:12]}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason,
        "usage": USAGE,
        **extra,
    }


def text(value: str) -> Json:
    return {"type": "text", "text": value}


def tool_use(name: str, tool_input: Json) -> Json:
    block_id = f"toolu_{uuid4().hex[:12]}"
    return {"type": "tool_use", "id": block_id, "name": name, "input": tool_input}


def assessment_message(tool_input: Json) -> Json:
    return message([tool_use("record_assessment", tool_input)], "tool_use", "claude-haiku-4-5")


def verdict(
    category: str = "none", severity: float = 0.0, crisis: str = "none", intent: str = "none"
) -> Json:
    return {
        "category": category,
        "severity": severity,
        "crisis": crisis,
        "intent": intent,
        "scores": {category: severity} if category != "none" else {},
        "rationale": f"looks like {category}",
    }


def status(code: int, error_type: str, headers: dict[str, str] | None = None) -> httpx2.Response:
    """An error answer; by default it asks for a 1 ms wait before a retry."""
    body = {"type": "error", "error": {"type": error_type, "message": "canned failure"}}
    return httpx2.Response(code, json=body, headers=headers or {"retry-after-ms": "1"})


def sse(name: str, data: Json) -> bytes:
    """One Server-Sent Event as the Messages API writes it."""
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def pieces_of(value: str, size: int = 6) -> list[str]:
    """A text in the small deltas a model streams (`size` characters each)."""
    return [value[i : i + size] for i in range(0, len(value), size)]


def stream_events(answer: Json, split: Callable[[str], list[str]] = pieces_of) -> list[bytes]:
    """`answer` (a `message(...)`) as the event stream of a streamed request: each text block
    in the deltas `split` cuts, each tool call's input as one JSON delta."""
    usage = answer["usage"]
    start = {**answer, "content": [], "stop_reason": None, "stop_sequence": None}
    events = [sse("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(answer["content"]):
        if block["type"] == "text":
            empty, deltas = (
                {**block, "text": ""},
                [{"type": "text_delta", "text": piece} for piece in split(block["text"])],
            )
        else:
            empty = {**block, "input": {}}
            deltas = [{"type": "input_json_delta", "partial_json": json.dumps(block["input"])}]
        events.append(
            sse(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": empty},
            )
        )
        events.extend(
            sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d})
            for d in deltas
        )
        events.append(sse("content_block_stop", {"type": "content_block_stop", "index": index}))
    delta = {"stop_reason": answer["stop_reason"], "stop_sequence": None}
    events.append(
        sse(
            "message_delta",
            {
                "type": "message_delta",
                "delta": delta,
                "usage": {"output_tokens": usage["output_tokens"]},
            },
        )
    )
    events.append(sse("message_stop", {"type": "message_stop"}))
    return events


def stream_error(error_type: str = "overloaded_error") -> bytes:
    """The error event the Messages API sends when a stream fails part-way."""
    return sse("error", {"type": "error", "error": {"type": error_type, "message": "canned"}})


def streamed(events: Iterable[bytes]) -> httpx2.Response:
    """A 200 event-stream answer, its body read from `events` only as the SDK reads it."""
    return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=iter(events))


class FakeAPI:
    """Records each request body and answers it with `respond` (JSON, a response, or raise)."""

    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.requests: list[Json] = []
        self.timeouts: list[float] = []  # the read timeout the SDK gave each request

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        assert request.url.path == "/v1/messages"
        body: Json = json.loads(request.content)
        self.requests.append(body)
        self.timeouts.append(request.extensions["timeout"]["read"])
        answer = self.respond(body)
        if isinstance(answer, httpx2.Response):
            return answer
        if body.get("stream"):
            return streamed(stream_events(answer))
        return httpx2.Response(200, json=answer)

    def client(self, max_retries: int = 0, on_failure: FailureObserver | None = None) -> Claude:
        """The project's guarded caller over the real SDK (whose own retries are off)."""
        transport = httpx2.MockTransport(self)
        sdk = anthropic.Anthropic(
            api_key="test",
            http_client=httpx2.Client(transport=transport),
            max_retries=0,
            timeout=TIMEOUT,
        )
        return Claude(sdk, TIMEOUT, max_retries, on_failure)


def is_assessment(body: Json) -> bool:
    return body.get("tool_choice") == {"type": "tool", "name": "record_assessment"}


def ordinary(body: Json) -> Json:
    """Answers every assessment as benign and every reply with a short text."""
    if is_assessment(body):
        return assessment_message(verdict())
    return message([text("Happy to help.")], model=body["model"])
