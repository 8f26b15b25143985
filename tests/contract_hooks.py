"""Schemathesis hooks for tests/test_openapi_contract.py (loaded through SCHEMATHESIS_HOOKS).

`positive_data_acceptance` expects every schema-valid request to succeed. A few refusals
depend on what the conversation holds, which no schema can say, so they are not contract
breaches: an `Idempotency-Key` already used for a different request (422
`idempotency_key_reused`, as the Idempotency-Key draft says), and a position the
conversation has no such message at, or feedback without a position on a conversation that
has not ended (422 `bad_input` naming the position), and a page cursor the server never
handed out (an opaque string: 422 `bad_input`, "invalid cursor"). Exactly those are
dropped; every other failure, of every check, stays.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData


def refused_for_state(status: int, body: Any) -> bool:
    """Whether a 422 answer refuses a request for what the conversation holds, not its shape."""
    error = body.get("error") if isinstance(body, dict) else None
    if status != 422 or not isinstance(error, dict):
        return False
    code, message = error.get("code"), str(error.get("message", ""))
    return code == "idempotency_key_reused" or (
        code == "bad_input" and message.startswith(("position", "invalid cursor"))
    )


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep the failure unless it is a schema-valid request refused for the state it met."""
    if not isinstance(failure, RejectedPositiveData):
        return True
    try:
        body = response.json()
    except ValueError:
        return True
    return not refused_for_state(response.status_code, body)
