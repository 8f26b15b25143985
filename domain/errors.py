"""Domain errors carry the HTTP status and error code the API answers with."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every deliberate error; `code` is the stable machine-readable name."""

    status_code = 400
    code = "bad_input"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(DomainError):
    status_code = 422
    code = "bad_input"


class TextTooLong(DomainError):
    status_code = 413
    code = "text_too_long"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class ConversationEnded(DomainError):
    status_code = 409
    code = "conversation_ended"


class IdempotencyKeyReused(DomainError):
    """An idempotency key came back with a different request than the first one."""

    status_code = 422
    code = "idempotency_key_reused"


class Conflict(DomainError):
    """Too many concurrent writers on one conversation; safe to retry."""

    status_code = 503
    code = "busy"


class InvalidPolicy(DomainError):
    status_code = 422
    code = "invalid_policy"


class ModelUnavailable(DomainError):
    """A model did not answer (in time); nothing was recorded, so the turn can be resent.

    `retry_after` is the wait in whole seconds the client is told (the `Retry-After`
    header, `extensions.retryAfter` in GraphQL).
    """

    status_code = 503
    code = "model_unavailable"

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after or 0)
