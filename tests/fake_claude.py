"""A stand-in for the Messages API, under the real anthropic SDK.

The network is replaced by `httpx2.MockTransport`: the SDK builds, sends and parses
exactly as it would against the Messages API, and every request body it sends is
recorded (with the timeout it was given) so tests can assert what lastresort asks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
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
        return answer if isinstance(answer, httpx2.Response) else httpx2.Response(200, json=answer)

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
