"""What the Claude assessor and assistant share: the client, one guarded call, its errors.

A failed model call must never leave a half-recorded turn, so every failure becomes a
`DomainError` raised before the service records anything: the API answers with it and
the user can simply send the message again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import anthropic
from anthropic.types import Message

from domain.errors import DomainError

# Conversation model names that are not themselves Messages API model ids.
API_MODEL_IDS = {"claude-opus-4": "claude-opus-4-0"}
# Statuses the SDK retries (request timeout, lock timeout, rate limit, server errors).
TRANSIENT_STATUSES = frozenset({408, 409, 429})
EPHEMERAL: dict[str, str] = {"type": "ephemeral"}


class ModelUnavailable(DomainError):
    """Claude did not answer, even after the SDK's bounded retries; nothing was stored."""

    status_code = 503
    code = "model_unavailable"


class ModelRejected(DomainError):
    """The Messages API refused the request itself (bad key, unknown model, bad request).

    Retrying does not help, so it is not a 503; nothing was stored.
    """

    status_code = 502
    code = "model_error"


class AssessmentFailed(ModelUnavailable):
    """Claude's assessment was unusable (refused or malformed) and no fallback was set."""

    code = "assessment_failed"


def make_client(api_key: str, timeout: float, max_retries: int) -> anthropic.Anthropic:
    """The SDK client; it retries timeouts, 408/409/429 and 5xx with backoff itself."""
    return anthropic.Anthropic(api_key=api_key, timeout=timeout, max_retries=max_retries)


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


def create_message(client: anthropic.Anthropic, what: str, **params: Any) -> Call:
    """One Messages API call (with the SDK's retries), failures turned into domain errors."""
    started = time.perf_counter()
    try:
        message = client.messages.create(**params)
    except anthropic.APIStatusError as error:
        if error.status_code in TRANSIENT_STATUSES or error.status_code >= 500:
            raise ModelUnavailable(
                f"Claude is unavailable for the {what} (HTTP {error.status_code}); "
                "nothing was recorded, retry shortly"
            ) from error
        raise ModelRejected(
            f"the Messages API refused the {what} request (HTTP {error.status_code}): "
            f"{error.api_message or error.message}; nothing was recorded"
        ) from error
    except anthropic.APIError as error:
        raise ModelUnavailable(
            f"Claude is unavailable for the {what} ({type(error).__name__}); "
            "nothing was recorded, retry shortly"
        ) from error
    return Call(message, (time.perf_counter() - started) * 1000)
