"""Execution that resolves plain leaf fields inline: a conversation's 100 messages are 500
fields that only read an attribute and coerce a scalar, and graphql-core's general path
(resolve info, path, completion, per field) costs more than the database read itself.

A field is plain when it has no resolver of its own (strawberry marks its default one), no
arguments, and a scalar or enum type. Its value is read and coerced here; a null, a value
that does not coerce, or any error goes the general way, so errors, null checks and paths
stay exactly as graphql-core makes them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import partial
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

Plain = tuple[Callable[..., Any], GraphQLLeafType]
_plain: weakref.WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], Plain | None]] = (
    weakref.WeakKeyDictionary()
)


def plain_field(schema: GraphQLSchema, parent: GraphQLObjectType, name: str) -> Plain | None:
    """How to read `parent.name` and its leaf type if it is a plain field, else None. The
    read is the attribute getter itself when strawberry's default resolver is `getattr`."""
    field = schema.get_field(parent, name)
    resolve = field and field.resolve
    if field and resolve and not field.args and getattr(resolve, "_is_default", False):
        leaf = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if is_leaf_type(leaf):
            definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if definition is not None and getattr(definition, "default_resolver", None) is getattr:
                return attrgetter(definition.python_name), leaf
            return partial(resolve, info=None), leaf
    return None


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, with plain leaf fields resolved inline."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain = _plain.setdefault(self.schema, {})  # worked out once per schema

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        manager = self.middleware_manager
        if not (manager and manager.middlewares) and not node.arguments:
            key = (parent_type.name, node.name.value)
            if key in self._plain:
                plain = self._plain[key]
            else:
                plain = self._plain[key] = plain_field(self.schema, parent_type, key[1])
            if plain is not None:
                read, leaf = plain
                try:
                    value = read(source)
                    coerced = None if value is None else leaf.coerce_output_value(value)
                except Exception:  # the general path below raises it again, where it belongs
                    coerced = None
                if coerced is not None and coerced is not Undefined:
                    return coerced
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
