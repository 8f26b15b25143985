"""An `Idempotency-Key` names one command, so over GraphQL it goes with exactly one mutation.

A key covering two mutation fields would make them one retry unit they are not: two
`startConversation` would answer the same id, two `sendMessage` would record the first and
refuse the second. Such a request, or a badly formed key, is refused with HTTP 400 and
BAD_INPUT before any resolver runs, so nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from graphql import ExecutionResult, GraphQLError
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from api.rest_models import IDEMPOTENCY_HEADER
from domain.errors import BadInput
from domain.validation import idempotency_key

Fragments = Mapping[str, FragmentDefinitionNode]


def root_fields(selection_set: SelectionSetNode, fragments: Fragments) -> Iterator[FieldNode]:
    """Every field selected at this level, through fragments (validated: no cycles);
    `__typename` does nothing, so it is left out."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value != "__typename":
                yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from root_fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and (
            fragment := fragments.get(selection.name.value)
        ):
            yield from root_fields(fragment.selection_set, fragments)


class OneMutationPerKey(SchemaExtension):
    """Refuses a keyed request unless the operation run is a single mutation field."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        request = getattr(context.context, "request", None)
        key = request.headers.get(IDEMPOTENCY_HEADER) if request is not None else None
        if key is not None:
            try:
                idempotency_key(key)
                self._check_one_mutation()
            except BadInput as error:
                if (response := getattr(context.context, "response", None)) is not None:
                    response.status_code = 400
                context.result = ExecutionResult(
                    data=None,
                    errors=[GraphQLError(error.message, extensions={"code": "BAD_INPUT"})],
                )
        yield

    def _check_one_mutation(self) -> None:
        document = self.execution_context.graphql_document
        assert document is not None  # parsed and validated before execution
        operation = get_operation_ast(document, self.execution_context.operation_name)
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        if operation is None or operation.operation != OperationType.MUTATION:
            raise BadInput(f"{IDEMPOTENCY_HEADER} is for mutations only; send queries without it")
        if len(list(root_fields(operation.selection_set, fragments))) != 1:
            raise BadInput(
                f"{IDEMPOTENCY_HEADER} covers exactly one mutation field; "
                "send each mutation in its own request with its own key"
            )
