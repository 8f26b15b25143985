"""The one table from a domain error's code to the HTTP status it answers with.

The domain names what went wrong (`DomainError.code`); how each is said over HTTP is the
API's choice, made here for REST, the audit pages and the OpenAPI document alike.
"""

from __future__ import annotations

from domain.errors import DomainError

STATUS_OF_CODE = {
    "bad_input": 422,
    "idempotency_key_reused": 422,
    "invalid_policy": 422,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conversation_ended": 409,
    "conversation_erased": 409,
    "policy_conflict": 409,
    "review_claimed": 409,
    "review_not_claimed": 409,
    "text_too_long": 413,
    "model_error": 502,  # the Messages API refused the request itself: retrying won't help
    "busy": 503,
    "model_unavailable": 503,
    "assessment_failed": 503,
}


def http_status(error: DomainError) -> int:
    """The status `error` answers with (a code missing from the table is a client error)."""
    return STATUS_OF_CODE.get(error.code, 400)
