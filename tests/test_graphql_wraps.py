"""`wraps`: a GraphQL type that serves a dataclass as it is, without a field-by-field copy."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

import strawberry

from api.graphql.types import wraps


@dataclass(frozen=True)
class Sample:
    number: int
    label: str | None
    secret: str
    ref: UUID


@strawberry.type(name="Sample")
@wraps(Sample, omit={"secret"})
class SampleNode:
    ref: strawberry.ID


def test_a_wrapped_dataclass_is_served_in_its_field_order_minus_what_is_omitted() -> None:
    sample = Sample(7, None, "hidden", uuid4())

    @strawberry.type
    class Query:
        sample: Sample = strawberry.field(resolver=lambda: sample, graphql_type=SampleNode)

    schema = strawberry.Schema(query=Query)
    assert "type Sample {\n  number: Int!\n  label: String\n  ref: ID!\n}" in schema.as_str()
    result = schema.execute_sync("{ sample { number label ref } }")
    assert result.errors is None
    assert result.data == {"sample": {"number": 7, "label": None, "ref": str(sample.ref)}}
