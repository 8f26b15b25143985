"""A stand-in for the Messages API, under the real anthropic SDK.

The network is replaced by `httpx2.MockTransport` (`bench.messages_api`): the SDK builds,
sends and parses exactly as it would against the Messages API, and every request body it
sends is recorded (with the timeout it was given) so tests can assert what lastresort
asks. With `caching`, usage is billed as the API bills it, cache minimums included.

A streamed request (`"stream": true`) is answered with the Messages API's event stream
(`bench.messages_api.stream_events`), in the wire format the SDK's own parser reads. A test
that needs to hold or break a stream part-way answers with `streamed(...)` over its own
generator.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx2

from adapters.claude import Claude, FailureObserver
from bench.messages_api import Json, LocalMessagesAPI, Respond

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


class FakeAPI(LocalMessagesAPI):
    """Records each request body and answers it with `respond` (JSON, a response, or raise),
    with the canned `USAGE` unless `caching` bills it as the API would."""

    def __init__(self, respond: Respond, caching: bool = False) -> None:
        super().__init__(respond, caching)

    def client(
        self,
        timeout: float = TIMEOUT,
        max_retries: int = 0,
        on_failure: FailureObserver | None = None,
    ) -> Claude:
        return super().client(timeout, max_retries, on_failure)


def is_assessment(body: Json) -> bool:
    return body.get("tool_choice") == {"type": "tool", "name": "record_assessment"}


def ordinary(body: Json) -> Json:
    """Answers every assessment as benign and every reply with a short text."""
    if is_assessment(body):
        return assessment_message(verdict())
    return message([text("Happy to help.")], model=body["model"])
