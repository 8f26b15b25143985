"""Plain leaf fields resolved inline answer exactly as graphql-core's general path does:
the same data, the same errors at the same paths, whatever the values hold."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

import strawberry
from hypothesis import given
from hypothesis import strategies as st
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


def answer(execution: type[StrawberryGraphQLCoreExecutionContext], items: list[Any]) -> Any:
    @strawberry.type
    class Query:
        @strawberry.field
        def items(self) -> list[Item | None]:
            return items

    result = strawberry.Schema(Query, execution_context_class=execution).execute_sync(QUERY)
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
