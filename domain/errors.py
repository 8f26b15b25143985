"""Domain errors carry a stable machine-readable code; which status each code answers with
over HTTP is the API's business (one table, `api/error_codes.py`)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every deliberate error; `code` is the stable machine-readable name."""

    code = "bad_input"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(DomainError):
    code = "bad_input"


class TextTooLong(DomainError):
    code = "text_too_long"


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class ConversationEnded(DomainError):
    code = "conversation_ended"


class ConversationErased(DomainError):
    """The conversation's text was erased: it takes no new turn, feedback or branch."""

    code = "conversation_erased"


class IdempotencyKeyReused(DomainError):
    """An idempotency key came back with a different request than the first one."""

    code = "idempotency_key_reused"


class Conflict(DomainError):
    """Too many concurrent writers on one conversation; safe to retry."""

    code = "busy"


class InvalidPolicy(DomainError):
    code = "invalid_policy"


class PolicyConflict(DomainError):
    """A registry change that contradicts what the registry holds: a version registered
    again with other content, or a retired version promoted or shadowed, or the live one
    shadowed or retired."""

    code = "policy_conflict"


class ModelUnavailable(DomainError):
    """A model did not answer (in time); nothing was recorded, so the turn can be resent.

    `retry_after` is the wait in whole seconds the client is told (the `Retry-After`
    header, `extensions.retryAfter` in GraphQL).
    """

    code = "model_unavailable"

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after or 0)
