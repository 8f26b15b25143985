"""Execution that completes plain selections inline: a page of 50 conversations with their
messages is a few hundred objects whose fields only read an attribute and coerce a scalar,
and graphql-core's general path (resolve info, path, completion, per field and per object)
costs more than the database reads themselves.

A field is plain when it has no resolver of its own (strawberry marks its default one), no
arguments and no directives, and its type, under lists and non-nulls, is a scalar, an enum
or an object type whose selected fields are all plain. Its value is read and completed
here, once per request compiled into one function per selection; a null where the schema
refuses one, a value that does not coerce or is not of the type, an abstract type, a
deferred fragment, or any error sends the field the general way, which reads the same
attributes again, so errors, null checks and paths stay exactly as graphql-core makes them.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from operator import attrgetter
from typing import Any

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    GraphQLBoolean,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

Read = Callable[[Any], Any]
Complete = Callable[[Any], Any]
_reads: weakref.WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], Read | None]] = (
    weakref.WeakKeyDictionary()
)


class NotPlain(Exception):
    """This value (or one inside it) is not completed inline: take the general path."""


def plain_read(schema: GraphQLSchema, parent: GraphQLObjectType, name: str) -> Read | None:
    """How to read `parent.name` if the field has no resolver of its own and no arguments,
    else None. The read is the attribute getter itself when strawberry's default resolver
    is `getattr`."""
    field = schema.get_field(parent, name)
    resolve = field and field.resolve
    if field and resolve and not field.args and getattr(resolve, "_is_default", False):
        definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if definition is not None and getattr(definition, "default_resolver", None) is getattr:
            return attrgetter(definition.python_name)
        return partial(resolve, info=None)
    return None


UNCHANGED: dict[GraphQLLeafType, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}
"""Leaves whose values of exactly this Python type coerce to themselves."""

# Each completer checks for null itself (`nullable`: the schema allows one there) rather
# than being wrapped in a non-null and a nullable completer: a hundred messages are five
# hundred leaves, and one call each instead of three is a third of the calls completing
# them takes.


def leaf(kind: GraphQLLeafType, nullable: bool) -> Complete:
    coerce = kind.coerce_output_value
    same, small_int = UNCHANGED.get(kind), kind is GraphQLInt

    def complete(value: Any) -> Any:
        type_of = type(value)
        if type_of is same or (
            small_int and type_of is int and GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT
        ):
            return value
        if value is None:
            if nullable:
                return None
            raise NotPlain
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise NotPlain
        return coerced

    return complete


def each(item: Complete, nullable: bool) -> Complete:
    def complete(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [item(one) for one in value]
        if value is None and nullable:
            return None
        raise NotPlain

    return complete


def obj(
    kind: GraphQLObjectType, fields: list[tuple[str, Read, Complete]], nullable: bool
) -> Complete:
    is_type_of = kind.is_type_of

    def complete(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise NotPlain
        # strawberry's `is_type_of` (an isinstance check) reads no resolve info
        if is_type_of is not None and is_type_of(value, None) is not True:  # type: ignore[arg-type]
            raise NotPlain
        return {name: done(read(value)) for name, read, done in fields}

    return complete


Compiled = dict[tuple[int, tuple[int, ...]], tuple[object, Complete | None]]
COMPILED_OPERATIONS = 256  # as many as the parser keeps (`CACHED_DOCUMENTS`)


class Completions:
    """The completers of each operation, kept across requests: a document's nodes are the
    same objects every time the parser cache answers it. An operation with a directive
    anywhere in its text (`@include(if: $x)`) selects by its variables, so its completers
    are worked out per request."""

    def __init__(self) -> None:
        self._kept: OrderedDict[int, tuple[OperationDefinitionNode, Compiled]] = OrderedDict()

    def of(self, operation: OperationDefinitionNode) -> Compiled:
        loc = operation.loc
        if loc is None or "@" in loc.source.body:
            return {}
        kept = self._kept.get(id(operation))
        if kept is not None and kept[0] is operation:
            self._kept.move_to_end(id(operation))
            return kept[1]
        compiled: Compiled = {}
        self._kept[id(operation)] = (operation, compiled)
        if len(self._kept) > COMPILED_OPERATIONS:
            self._kept.popitem(last=False)
        return compiled


_completions: weakref.WeakKeyDictionary[GraphQLSchema, Completions] = weakref.WeakKeyDictionary()


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, with plain selections completed inline."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reads = _reads.setdefault(self.schema, {})  # worked out once per schema
        completions = _completions.setdefault(self.schema, Completions())
        self._completers = completions.of(self.operation)

    def plain_read(self, parent_type: GraphQLObjectType, name: str) -> Read | None:
        key = (parent_type.name, name)
        if key not in self._reads:
            self._reads[key] = plain_read(self.schema, parent_type, name)
        return self._reads[key]

    def completer(
        self, kind: GraphQLOutputType, field_details_list: FieldDetailsList
    ) -> Complete | None:
        """The inline completion of values of `kind` selected by `field_details_list`, or
        None if the selection is not plain (kept with the nodes it is for)."""
        nodes = tuple(details.node for details in field_details_list)
        key = (id(kind), tuple(map(id, nodes)))
        if key not in self._completers:
            self._completers[key] = (nodes, self.compile(kind, field_details_list))
        return self._completers[key][1]

    def compile(
        self, kind: GraphQLOutputType, field_details_list: FieldDetailsList, nullable: bool = True
    ) -> Complete | None:
        if isinstance(kind, GraphQLNonNull):
            return self.compile(kind.of_type, field_details_list, nullable=False)
        if isinstance(kind, GraphQLList):
            inner = self.compile(kind.of_type, field_details_list)
            return inner and each(inner, nullable)
        if is_leaf_type(kind):
            return leaf(kind, nullable)
        if not isinstance(kind, GraphQLObjectType):
            return None  # abstract types: the general path resolves the runtime type
        grouped, deferred, _ = self.collect_subfields(kind, field_details_list)
        if deferred:
            return None
        fields: list[tuple[str, Read, Complete]] = []
        for name, details in grouped.items():
            if any(d.defer_usage or d.node.arguments or d.node.directives for d in details):
                return None
            read = self.plain_read(kind, details[0].node.name.value)
            field = self.schema.get_field(kind, details[0].node.name.value)
            done = read and field and self.compile(field.type, details)
            if not done:
                return None
            fields.append((name, read, done))  # type: ignore[arg-type]
        return obj(kind, fields, nullable)

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
        if not (manager and manager.middlewares) and not node.arguments and not node.directives:
            read = self.plain_read(parent_type, node.name.value)
            field = read and self.schema.get_field(parent_type, node.name.value)
            complete = field and self.completer(field.type, field_details_list)
            if complete:
                try:
                    return complete(read(source))  # type: ignore[misc]
                except Exception:  # the general path raises it again, where it belongs
                    pass
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
