"""Deliberate errors keep a stable `extensions.code`; anything else is masked."""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from domain.errors import DomainError, ModelUnavailable

log = logging.getLogger(__name__)

CODES = {"text_too_long": "BAD_INPUT", "invalid_policy": "BAD_INPUT"}


def code_of(error: DomainError) -> str:
    return CODES.get(error.code, error.code.upper())


class DomainErrors(MaskErrors):
    """Turns domain errors into coded GraphQL errors, keeps the document's own errors
    (syntax, validation, limits), and masks the rest after logging them."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._process(error) for error in errors]

    def _process(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None:
            return error
        if isinstance(original, DomainError):
            extensions: dict[str, object] = {"code": code_of(original)}
            if isinstance(original, ModelUnavailable):  # no header here: say when to resend
                extensions["retryAfter"] = original.retry_after
            return GraphQLError(
                original.message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions=extensions,
            )
        log.error("unexpected GraphQL error", exc_info=original)
        return self.anonymise_error(error)
