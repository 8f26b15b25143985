"""What the Claude assessor and assistant share: the client, one guarded call, its errors.

A failed model call must never leave a half-recorded turn, so every failure becomes a
`DomainError` raised before the service records anything: the API answers with it and
the user can simply send the message again.

The turn's `Deadline` bounds everything here. The SDK's own retries are off
(`max_retries=0`): it obeys any `retry-after` without limit and bounds retries only by
count, so one call could outlive the client that asked for it. `Claude.create` retries
instead (tenacity): each attempt's timeout is what is left of the deadline at most, a
`retry-after` is honoured only when the retry can still finish before the deadline, and
otherwise the turn is refused at once with that wait as the client's `Retry-After`.

A `Claude` given `on_delta` streams its calls (`messages.stream`) and hands each text
delta on as it arrives. Such a call is retried by the same rules only while no text has
arrived: after that the client has seen part of an answer, and a failure ends the turn.
The deadline is checked after every event, so a model that trickles cannot outlive it
by more than one read.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anthropic
import httpx2
from anthropic.types import Message
from tenacity import RetryCallState, Retrying, retry_if_exception, wait_random_exponential

from domain.deadline import Deadline, DeadlinePassed
from domain.errors import DomainError, ModelUnavailable

# Conversation model names that are not themselves Messages API model ids.
API_MODEL_IDS = {"claude-opus-4": "claude-opus-4-0"}
# The status the Messages API answers each error type with: an error event in the middle
# of a stream (whose HTTP status was 200) is read as that status; an unknown type as 500.
STREAM_ERROR_STATUSES = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}
# Statuses worth retrying (request timeout, lock timeout, rate limit) besides 5xx.
TRANSIENT_STATUSES = frozenset({408, 409, 429})
# The `reason` label of `lastresort_model_failures_total` for a failed HTTP status.
STATUS_REASONS = {408: "timeout", 409: "conflict", 429: "rate_limited", 529: "overloaded"}
EPHEMERAL: dict[str, str] = {"type": "ephemeral"}
# A call given less time than this cannot answer: the deadline is as good as passed.
MIN_CALL_SECONDS = 0.05
BACKOFF = wait_random_exponential(multiplier=0.5, max=8.0)
WHAT = {"assessor": "assessment", "assistant": "reply"}

# Told of every failed or unusable model answer: (role, reason), for the metrics.
FailureObserver = Callable[[str, str], None]
# Told, for a streamed answer, each text block's start (with its initial text, mostly
# empty) and each text delta: (content block index, text).
DeltaSink = Callable[[int, str], None]


class ModelRejected(DomainError):
    """The Messages API refused the request itself (bad key, unknown model, bad request).

    Retrying does not help, so it is not a 503; nothing was stored.
    """

    code = "model_error"


class AssessmentFailed(ModelUnavailable):
    """Claude's assessment was unusable (refused or malformed) and no fallback was set."""

    code = "assessment_failed"


def make_client(api_key: str) -> anthropic.Anthropic:
    """The SDK client, with its own retries off: `Claude.create` retries within the deadline
    and gives each call its own timeout."""
    return anthropic.Anthropic(api_key=api_key, max_retries=0)


def api_model(model: str) -> str:
    return API_MODEL_IDS.get(model, model)


@dataclass(frozen=True)
class Call:
    """A model answer with what it cost."""

    message: Message
    latency_ms: float

    @property
    def usage(self) -> dict[str, float]:
        """Tokens in/out (cache writes and reads apart) and latency, as plain numbers."""
        usage = self.message.usage
        return {
            "input_tokens": float(usage.input_tokens),
            "output_tokens": float(usage.output_tokens),
            "cache_creation_input_tokens": float(usage.cache_creation_input_tokens or 0),
            "cache_read_input_tokens": float(usage.cache_read_input_tokens or 0),
            "latency_ms": round(self.latency_ms, 1),
        }


@dataclass(frozen=True)
class Claude:
    """The Messages API client and how it is called: `timeout` seconds per attempt at most,
    `max_retries` retries at most, all within the turn's deadline."""

    client: anthropic.Anthropic
    timeout: float = 30.0
    max_retries: int = 2
    on_failure: FailureObserver | None = None
    on_delta: DeltaSink | None = field(default=None, compare=False)

    def create(self, role: str, deadline: Deadline, **params: Any) -> Call:
        """One Messages API call for `role` (assessor or assistant), retried while worth it
        and while time is left, its failures counted and turned into domain errors.
        Streamed when `on_delta` is set."""
        started = time.perf_counter()
        budget = _Budget(self.max_retries + 1, deadline)
        deltas = None if self.on_delta is None else _Deltas(self.on_delta)

        def retryable(error: BaseException) -> bool:
            return (deltas is None or not deltas.started) and _transient(error)

        retrying = Retrying(
            retry=retry_if_exception(retryable), stop=budget, wait=_wait, reraise=True
        )
        try:
            if deltas is None:
                message = retrying(self._attempt, role, deadline, params)
            else:
                message = retrying(self._streamed, role, deadline, params, deltas)
        except anthropic.APIError as error:
            raise self._failure(role, error, budget.out_of_time) from error
        return Call(message, (time.perf_counter() - started) * 1000)

    def count_tokens(self, deadline: Deadline, **params: Any) -> int | None:
        """The input tokens the Messages API counts for `params` (a request without
        `max_tokens`), or None when it cannot say in time: the caller's own estimate
        stands then. Not retried, since the request it sizes is still to be made."""
        timeout = min(self.timeout, deadline.remaining())
        if timeout < MIN_CALL_SECONDS:
            return None
        try:
            return self.client.messages.count_tokens(**params, timeout=timeout).input_tokens
        except anthropic.APIError:
            return None

    def failed(self, role: str, reason: str) -> None:
        """Count a failed call, or an answer that could not be used (refused, malformed)."""
        if self.on_failure is not None:
            self.on_failure(role, reason)

    def _attempt(self, role: str, deadline: Deadline, params: dict[str, Any]) -> Message:
        timeout = self._timeout(role, deadline)
        try:
            message: Message = self.client.messages.create(**params, timeout=timeout)
        except anthropic.APIError as error:
            self.failed(role, _reason(error))
            raise
        return message

    def _streamed(
        self, role: str, deadline: Deadline, params: dict[str, Any], deltas: _Deltas
    ) -> Message:
        """One streamed attempt: text deltas go to `deltas` as they arrive."""
        timeout = self._timeout(role, deadline)
        try:
            with self.client.messages.stream(**params, timeout=timeout) as stream:
                try:
                    for event in stream:
                        if (
                            event.type == "content_block_start"
                            and event.content_block.type == "text"
                        ):
                            deltas(event.index, event.content_block.text)
                        elif (
                            event.type == "content_block_delta" and event.delta.type == "text_delta"
                        ):
                            deltas(event.index, event.delta.text)
                        if deadline.remaining() <= 0.0:
                            raise self._out_of_time(role, None)
                except httpx2.TransportError as error:  # the SDK leaves these unwrapped mid-stream
                    raise _wrapped(error, stream.response.request) from error
                except anthropic.APIStatusError as error:
                    raise _stream_error(error) from error
                message: Message = stream.get_final_message()
        except anthropic.APIError as error:
            self.failed(role, _reason(error))
            raise
        return message

    def _timeout(self, role: str, deadline: Deadline) -> float:
        """An attempt's timeout: what is left of the deadline at most (too little: refused)."""
        timeout = min(self.timeout, deadline.remaining())
        if timeout < MIN_CALL_SECONDS:
            raise self._out_of_time(role, None)
        return timeout

    def _failure(self, role: str, error: anthropic.APIError, out_of_time: bool) -> DomainError:
        what = WHAT.get(role, role)
        if isinstance(error, anthropic.APIStatusError) and not _unavailable(error.status_code):
            return ModelRejected(
                f"the Messages API refused the {what} request (HTTP {error.status_code}): "
                f"{error.api_message or error.message}; nothing was recorded"
            )
        wait = _retry_after(error)
        retry_after = None if wait is None else math.ceil(wait)
        if out_of_time:
            return self._out_of_time(role, retry_after)
        detail = (
            f"HTTP {error.status_code}"
            if isinstance(error, anthropic.APIStatusError)
            else type(error).__name__
        )
        return ModelUnavailable(
            f"Claude is unavailable for the {what} ({detail}); nothing was recorded, retry shortly",
            retry_after,
        )

    def _out_of_time(self, role: str, retry_after: int | None) -> DeadlinePassed:
        self.failed(role, "deadline")
        return DeadlinePassed(
            f"Claude did not answer the {WHAT.get(role, role)} within the turn's deadline; "
            "nothing was recorded, retry shortly",
            retry_after,
        )


@dataclass
class _Deltas:
    """Hands a streamed answer's text on, remembering whether any has gone."""

    sink: DeltaSink
    started: bool = False

    def __call__(self, index: int, text: str) -> None:
        self.started = self.started or bool(text)
        self.sink(index, text)


def _wrapped(error: httpx2.TransportError, request: httpx2.Request) -> anthropic.APIError:
    """A transport failure in the middle of a stream, as the SDK reports one before it."""
    if isinstance(error, httpx2.TimeoutException):
        return anthropic.APITimeoutError(request)
    return anthropic.APIConnectionError(request=request)


def _stream_error(error: anthropic.APIStatusError) -> anthropic.APIStatusError:
    """An error event of a stream, with the status the API gives its error type."""
    if error.status_code != 200:
        return error
    body = error.body if isinstance(error.body, dict) else {}
    detail = body.get("error")
    kind = detail.get("type") if isinstance(detail, dict) else None
    status = STREAM_ERROR_STATUSES.get(kind if isinstance(kind, str) else "", 500)
    response = httpx2.Response(status, headers=error.response.headers, request=error.request)
    return anthropic.APIStatusError(error.message, response=response, body=error.body)


class _Budget:
    """Tenacity's stop: after `attempts` tries, or as soon as the next try (after its wait)
    could not finish before the deadline — then `out_of_time` says so."""

    def __init__(self, attempts: int, deadline: Deadline) -> None:
        self.attempts = attempts
        self.deadline = deadline
        self.out_of_time = False

    def __call__(self, state: RetryCallState) -> bool:
        self.out_of_time = self.deadline.remaining() - state.upcoming_sleep < MIN_CALL_SECONDS
        return self.out_of_time or state.attempt_number >= self.attempts


def _wait(state: RetryCallState) -> float:
    """What the API asked for (`retry-after`), else exponential backoff with jitter."""
    error = state.outcome.exception() if state.outcome is not None else None
    asked = _retry_after(error) if isinstance(error, anthropic.APIError) else None
    return asked if asked is not None else BACKOFF(state)


def _transient(error: BaseException) -> bool:
    """Worth retrying: no connection, a timeout, 408/409/429 or 5xx — unless the API says
    otherwise with `x-should-retry`."""
    if isinstance(error, anthropic.APIConnectionError):
        return True
    if not isinstance(error, anthropic.APIStatusError):
        return False
    should = error.response.headers.get("x-should-retry")
    if should in ("true", "false"):
        return should == "true"
    return _unavailable(error.status_code)


def _unavailable(status: int) -> bool:
    """A status that says "not now" rather than "never": 408, 409, 429, 5xx."""
    return status in TRANSIENT_STATUSES or status >= 500


def _reason(error: anthropic.APIError) -> str:
    if isinstance(error, anthropic.APITimeoutError):
        return "timeout"
    if isinstance(error, anthropic.APIConnectionError):
        return "connection"
    if isinstance(error, anthropic.APIStatusError):
        status = error.status_code
        return STATUS_REASONS.get(status, "server_error" if status >= 500 else "rejected")
    return "malformed"


def _retry_after(error: anthropic.APIError) -> float | None:
    """Seconds the API asked to wait (`retry-after-ms`, or `retry-after` in seconds or as a
    date), if it did. Written here because the SDK's own parser is private to its client."""
    if not isinstance(error, anthropic.APIStatusError):
        return None
    headers = error.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return max(0.0, float(headers.get(name, "")) * scale)
        except ValueError:
            pass
    when = email.utils.parsedate_tz(headers.get("retry-after", ""))
    return None if when is None else max(0.0, email.utils.mktime_tz(when) - time.time())
