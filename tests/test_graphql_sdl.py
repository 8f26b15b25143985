"""The GraphQL schema clients see is exactly the stored one (`tests/schema.graphql`).

A change to the Python types (a rename, a wrapper, a moved module) must not change the
contract by accident; a deliberate change updates the file in the same commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from api.graphql.schema import make_schema

STORED = Path(__file__).with_name("schema.graphql")


@pytest.mark.parametrize("production", [False, True])
def test_the_schema_is_the_stored_one(production: bool) -> None:
    assert make_schema(production).as_str() + "\n" == STORED.read_text()
