"""Plain selections completed inline answer exactly as graphql-core's general path does:
the same data, the same errors at the same paths, whatever the values hold — leaves, and
objects and lists of objects whose selected fields are all plain."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

import strawberry
from hypothesis import given
from hypothesis import strategies as st
from strawberry.extensions import ParserCache
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.graphql.execution import ExecutionContext


@strawberry.enum
class Colour(Enum):
    red = "red"
    blue = "blue"


@strawberry.type
class Item:
    count: int
    maybe: int | None
    name: str
    colour: Colour
    at: datetime

    @strawberry.field
    def doubled(self) -> int:
        return 2 * self.count


VALUES = st.one_of(
    st.none(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.booleans(),
    st.sampled_from([*Colour, "red", datetime(2026, 1, 2, tzinfo=UTC)]),
)
QUERY = "{ items { count maybe name colour at doubled __typename } }"


@strawberry.type
class Leaves:
    """Only plain fields: a selection of it is completed inline."""

    count: int
    maybe: int | None
    colour: Colour


@strawberry.type
class Box:
    label: str
    leaves: list[Leaves]
    maybe_leaves: list[Leaves | None] | None
    first: Leaves | None


BOX_QUERY = (
    "{ boxes { label leaves { count maybe colour } maybeLeaves { count colour } "
    "first { ...on Leaves { colour } count } other: first { maybe } } }"
)


def schema_of(
    execution: type[StrawberryGraphQLCoreExecutionContext], items: list[Any]
) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def items(self) -> list[Item | None]:
            return items

        @strawberry.field
        def boxes(self) -> list[Box]:
            return items

    return strawberry.Schema(
        Query, execution_context_class=execution, extensions=[lambda: ParserCache(maxsize=8)]
    )


def answer(
    execution: type[StrawberryGraphQLCoreExecutionContext] | strawberry.Schema,
    items: list[Any],
    query: str = QUERY,
    **variables: Any,
) -> Any:
    schema = execution if isinstance(execution, strawberry.Schema) else schema_of(execution, items)
    result = schema.execute_sync(query, variable_values=variables)
    errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or [])
    return result.data, errors


@given(st.lists(st.tuples(VALUES, VALUES, VALUES, VALUES, VALUES), max_size=4))
def test_inline_leaves_answer_as_the_general_path(rows: list[tuple[Any, ...]]) -> None:
    items = []
    for count, maybe, name, colour, at in rows:
        item = Item(count=1, maybe=maybe, name=name, colour=colour, at=at)
        item.count = count  # `doubled` reads it too: a bad count fails there as well
        items.append(item)
    assert answer(ExecutionContext, items) == answer(StrawberryGraphQLCoreExecutionContext, items)


LEAVES = st.one_of(
    VALUES,
    st.builds(Leaves, count=VALUES, maybe=VALUES, colour=VALUES),
    st.builds(Item, count=VALUES, maybe=VALUES, name=VALUES, colour=VALUES, at=VALUES),
)
LISTS = st.one_of(VALUES, st.lists(LEAVES, max_size=3), st.tuples(LEAVES, LEAVES))


@given(
    st.lists(
        st.builds(Box, label=VALUES, leaves=LISTS, maybe_leaves=LISTS, first=LEAVES), max_size=3
    )
)
def test_inline_objects_answer_as_the_general_path(boxes: list[Box]) -> None:
    """Nulls where the schema refuses them, values of another type, lists that are not
    lists: wherever they sit, the answer and its errors are graphql-core's."""
    inline = answer(ExecutionContext, boxes, BOX_QUERY)
    assert inline == answer(StrawberryGraphQLCoreExecutionContext, boxes, BOX_QUERY)


def test_a_plain_selection_is_completed_without_the_general_path() -> None:
    """The test above could pass with nothing inlined: below `boxes` (a resolver, so the
    general path) a well-typed box's fields, objects and lists are completed inline."""
    calls: list[str] = []

    class Counting(ExecutionContext):
        def execute_fields(self, parent_type: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(parent_type.name)
            return super().execute_fields(parent_type, *args, **kwargs)

    leaves = [Leaves(count=i, maybe=None, colour=Colour.red) for i in range(3)]
    boxes = [Box(label="b", leaves=leaves, maybe_leaves=None, first=leaves[0])] * 4
    data, errors = answer(Counting, boxes, BOX_QUERY)
    assert errors == [] and len(data["boxes"]) == 4
    assert data["boxes"][0]["leaves"][2] == {"count": 2, "maybe": None, "colour": "red"}
    assert calls == ["Query"] + ["Box"] * 4


def test_a_selection_that_depends_on_variables_follows_them_on_each_request() -> None:
    """Completers are kept across requests of the same (cached) document, except where a
    directive makes the selection depend on the variables."""
    leaves = [Leaves(count=1, maybe=2, colour=Colour.blue)]
    boxes = [Box(label="b", leaves=leaves, maybe_leaves=leaves, first=leaves[0])]
    query = (
        "query($x: Boolean!) { boxes { leaves { count ... on Leaves @include(if: $x) "
        "{ maybe } } first { colour ... @skip(if: $x) { count } } } }"
    )
    inline_schema = schema_of(ExecutionContext, boxes)
    general_schema = schema_of(StrawberryGraphQLCoreExecutionContext, boxes)
    for x in (True, False, True):
        inline = answer(inline_schema, boxes, query, x=x)
        assert inline == answer(general_schema, boxes, query, x=x)
        assert ("maybe" in inline[0]["boxes"][0]["leaves"][0]) is x
