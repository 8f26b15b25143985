"""Every domain error's code has its HTTP status in the API's one table."""

from __future__ import annotations

import adapters.claude  # noqa: F401  (their errors become DomainError subclasses)
import api.auth  # noqa: F401
import domain.deadline
import domain.review  # noqa: F401
from api.error_codes import STATUS_OF_CODE, http_status
from domain.errors import DomainError, NotFound


def _all_subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def test_every_error_code_has_a_status() -> None:
    codes = {error.code for error in _all_subclasses(DomainError)}
    assert codes <= set(STATUS_OF_CODE), codes - set(STATUS_OF_CODE)
    assert not any(hasattr(error, "status_code") for error in _all_subclasses(DomainError))


def test_a_code_answers_with_its_status() -> None:
    assert http_status(NotFound("conversation x not found")) == 404
