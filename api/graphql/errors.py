"""Deliberate errors keep a stable `extensions.code`; anything else is masked.

A client's mistake (a bad document, a bad variable, a domain error such as NOT_FOUND or
BAD_INPUT) is logged at INFO in one line: any caller can make as many as they like, so
they must not flood the error log. Only unexpected failures are logged at ERROR, with
their traceback.
"""

from __future__ import annotations

import logging

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from domain.errors import DomainError, ModelUnavailable

log = logging.getLogger(__name__)

CODES = {"text_too_long": "BAD_INPUT", "invalid_policy": "BAD_INPUT"}


def code_of(error: DomainError) -> str:
    return CODES.get(error.code, error.code.upper())


def unexpected(error: GraphQLError) -> bool:
    """Whether `error` is a failure of ours rather than a mistake in the request.

    GraphQL's own errors (syntax, validation, variable coercion, limits) have no original
    error or wrap another GraphQLError; domain errors are deliberate answers."""
    original = error.original_error
    return original is not None and not isinstance(original, (DomainError, GraphQLError))


class Schema(strawberry.Schema):
    """The schema, logging each error once at the level its cause deserves."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if unexpected(error):
                log.error("unexpected GraphQL error", exc_info=error.original_error)
            else:
                log.info("GraphQL request refused: %r", error.message)


class DomainErrors(MaskErrors):
    """Turns domain errors into coded GraphQL errors, codes the document's own errors
    (syntax, validation, limits, variables) BAD_INPUT, and masks the rest (logged by
    `Schema`)."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._process(error) for error in errors]

    def _process(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
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
        if unexpected(error):
            return self.anonymise_error(error)
        if not (error.extensions or {}).get("code"):  # the document's or a variable's fault
            error.extensions = {**(error.extensions or {}), "code": "BAD_INPUT"}
        return error
